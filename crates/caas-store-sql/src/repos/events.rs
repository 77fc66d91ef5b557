//! Repository ports for the timeline, staff alerts, inbound webhook events
//! and notifications, shared by both backends. Inserts that must happen once
//! use `ON CONFLICT DO NOTHING` on a dedupe key and report whether they wrote.

/// Implements timeline, inbound and notification repositories for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_event_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ids::{AccountId, AlertId, DealershipId, NotificationId, OrderId, PushSubscriptionId};
            use $crate::__rt::caas_domain::notification::{Channel, Delivery, Notification, NotificationKind};
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::records::*;
            use $crate::__rt::chrono::{DateTime, Utc};
            use $crate::__rt::sqlx;
            use $crate::map_err;
            use $crate::rows::{from_doc, from_docs, to_doc};
            use $crate::doc::Doc;

            #[$crate::__rt::async_trait]
            impl TimelineRepo for $tx {
                async fn append_timeline(&mut self, e: &TimelineEntry) -> StoreResult<bool> {
                    self.st.note(Invalidation::Order(e.order_id.clone()));
                    let r = sqlx::query("INSERT INTO timeline (id, order_id, at, dedupe_key, doc) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING")
                        .bind(e.id.as_str()).bind(e.order_id.as_str()).bind(e.at).bind(&e.dedupe_key).bind(to_doc(e)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn append_timeline_batch(&mut self, entries: &[TimelineEntry]) -> StoreResult<u64> {
                    let mut appended = 0;
                    for chunk in entries.chunks($crate::batch::MAX_ROWS) {
                        let sql = $crate::batch::values_sql("INSERT INTO timeline (id, order_id, at, dedupe_key, doc)", 5, chunk.len(), "ON CONFLICT (dedupe_key) DO NOTHING");
                        let mut q = sqlx::query(&sql);
                        for e in chunk {
                            self.st.note(Invalidation::Order(e.order_id.clone()));
                            q = q.bind(e.id.as_str()).bind(e.order_id.as_str()).bind(e.at).bind(&e.dedupe_key).bind(to_doc(e)?);
                        }
                        appended += q.execute(&mut *self.tx).await.map_err(map_err)?.rows_affected();
                    }
                    Ok(appended)
                }

                async fn list_timeline(&mut self, order: &OrderId) -> StoreResult<Vec<TimelineEntry>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM timeline WHERE order_id = $1 ORDER BY at, id")
                        .bind(order.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn insert_estimate_revision(&mut self, r: &EstimateRevision) -> StoreResult<bool> {
                    self.st.note(Invalidation::Order(r.order_id.clone()));
                    let res = sqlx::query("INSERT INTO estimate_revisions (source, order_id, at, doc) VALUES ($1, $2, $3, $4) ON CONFLICT (source) DO NOTHING")
                        .bind(&r.source).bind(r.order_id.as_str()).bind(r.at).bind(to_doc(r)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(res.rows_affected() == 1)
                }

                async fn insert_estimate_revisions(&mut self, rs: &[EstimateRevision]) -> StoreResult<u64> {
                    let mut recorded = 0;
                    for chunk in rs.chunks($crate::batch::MAX_ROWS) {
                        let sql = $crate::batch::values_sql("INSERT INTO estimate_revisions (source, order_id, at, doc)", 4, chunk.len(), "ON CONFLICT (source) DO NOTHING");
                        let mut q = sqlx::query(&sql);
                        for r in chunk {
                            self.st.note(Invalidation::Order(r.order_id.clone()));
                            q = q.bind(&r.source).bind(r.order_id.as_str()).bind(r.at).bind(to_doc(r)?);
                        }
                        recorded += q.execute(&mut *self.tx).await.map_err(map_err)?.rows_affected();
                    }
                    Ok(recorded)
                }

                async fn list_estimate_revisions(&mut self, order: &OrderId) -> StoreResult<Vec<EstimateRevision>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM estimate_revisions WHERE order_id = $1 ORDER BY at, source")
                        .bind(order.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn insert_alert(&mut self, a: &StaffAlert) -> StoreResult<bool> {
                    let r = sqlx::query("INSERT INTO staff_alerts (id, dealership_id, dedupe_key, created_at, resolved_at, doc) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING")
                        .bind(a.id.as_str()).bind(a.dealership_id.as_ref().map(|d| d.as_str())).bind(&a.dedupe_key)
                        .bind(a.created_at).bind(a.resolved_at).bind(to_doc(a)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn list_alerts(&mut self, dealership: Option<&DealershipId>, limit: i64) -> StoreResult<Vec<StaffAlert>> {
                    let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM staff_alerts WHERE ($1 IS NULL OR dealership_id = $1) ORDER BY (CASE WHEN resolved_at IS NULL THEN 0 ELSE 1 END), created_at DESC, id DESC LIMIT $2")
                        .bind(dealership.map(|d| d.as_str())).bind(limit).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    from_docs(rows)
                }

                async fn resolve_alert(&mut self, id: &AlertId, by: &AccountId, at: DateTime<Utc>) -> StoreResult<bool> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM staff_alerts WHERE id = $1 AND resolved_at IS NULL")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    let Some((doc,)) = row else { return Ok(false) };
                    let mut a: StaffAlert = from_doc(&doc)?;
                    a.resolved_at = Some(at);
                    a.resolved_by = Some(by.clone());
                    // A resolved alert frees its dedupe key so the same problem can alert again.
                    // Guarded on still being open: a concurrent resolver that read the alert
                    // open before this one committed must not resolve it a second time.
                    let r = sqlx::query("UPDATE staff_alerts SET resolved_at = $2, dedupe_key = $3, doc = $4 WHERE id = $1 AND resolved_at IS NULL")
                        .bind(id.as_str()).bind(at).bind(format!("{}#{}", a.dedupe_key, a.id)).bind(to_doc(&a)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }
            }

            #[$crate::__rt::async_trait]
            impl InboundRepo for $tx {
                async fn insert_inbound(&mut self, e: &InboundEvent) -> StoreResult<bool> {
                    let r = sqlx::query("INSERT INTO inbound_events (source, event_id, event_type, resource, reference, sequence, body, received_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (source, event_id) DO NOTHING")
                        .bind(&e.source).bind(&e.event_id).bind(&e.event_type).bind(&e.resource).bind(e.reference.as_deref())
                        .bind(e.sequence).bind(&e.body).bind(e.received_at).bind(e.state.as_str())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn insert_inbound_batch(&mut self, rows: &[InboundEvent]) -> StoreResult<Vec<bool>> {
                    let mut new = vec![false; rows.len()];
                    let mut seen = std::collections::HashSet::new();
                    let firsts: Vec<usize> = (0..rows.len())
                        .filter(|&i| seen.insert((rows[i].source.as_str(), rows[i].event_id.as_str())))
                        .collect();
                    for chunk in firsts.chunks($crate::inbound::MAX_ROWS) {
                        let sql = $crate::inbound::insert_sql(chunk.len());
                        let mut q = sqlx::query_as::<_, (String, String)>(&sql);
                        for &i in chunk {
                            let e = &rows[i];
                            q = q.bind(&e.source).bind(&e.event_id).bind(&e.event_type).bind(&e.resource).bind(e.reference.as_deref())
                                .bind(e.sequence).bind(&e.body).bind(e.received_at).bind(e.state.as_str());
                        }
                        let inserted = q.fetch_all(&mut *self.tx).await.map_err(map_err)?;
                        for &i in chunk {
                            new[i] = inserted.iter().any(|(s, id)| *s == rows[i].source && *id == rows[i].event_id);
                        }
                    }
                    Ok(new)
                }

                async fn list_pending_inbound(&mut self, source: &str, resource: Option<&str>, reference: Option<&str>) -> StoreResult<Vec<InboundEvent>> {
                    let rows: Vec<(String, String, String, String, Option<String>, i64, String, DateTime<Utc>, String)> = sqlx::query_as(
                        "SELECT source, event_id, event_type, resource, reference, sequence, body, received_at, state FROM inbound_events \
                         WHERE source = $1 AND state = 'pending' AND (resource = $2 OR reference = $3) ORDER BY sequence, received_at")
                        .bind(source).bind(resource).bind(reference).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    rows.into_iter().map(|(source, event_id, event_type, resource, reference, sequence, body, received_at, state)| {
                        Ok(InboundEvent {
                            source, event_id, event_type, resource, reference, sequence, body, received_at,
                            state: InboundState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("inbound state {state}")))?,
                        })
                    }).collect()
                }

                async fn set_inbound_state(&mut self, source: &str, event_id: &str, state: InboundState) -> StoreResult<()> {
                    sqlx::query("UPDATE inbound_events SET state = $3 WHERE source = $1 AND event_id = $2")
                        .bind(source).bind(event_id).bind(state.as_str())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn set_inbound_states(&mut self, source: &str, about: (Option<&str>, Option<&str>), event_ids: &[String], state: InboundState) -> StoreResult<()> {
                    // Scoped by resource/reference too: with `event_id IN (…)` alone and no
                    // statistics yet, PostgreSQL estimates the list matches the whole table
                    // and filters every row against it (seconds at 10^5 rows).
                    for chunk in event_ids.chunks($crate::batch::MAX_ROWS) {
                        let sql = format!(
                            "UPDATE inbound_events SET state = $2 WHERE source = $1 AND (resource = $3 OR reference = $4) AND event_id IN {}",
                            $crate::batch::in_list(5, chunk.len())
                        );
                        let mut q = sqlx::query(&sql).bind(source).bind(state.as_str()).bind(about.0).bind(about.1);
                        for id in chunk {
                            q = q.bind(id);
                        }
                        q.execute(&mut *self.tx).await.map_err(map_err)?;
                    }
                    Ok(())
                }
            }

            #[$crate::__rt::async_trait]
            impl NotificationRepo for $tx {
                async fn insert_notification(&mut self, n: &Notification) -> StoreResult<bool> {
                    let r = sqlx::query("INSERT INTO notifications (id, customer_id, dedupe_key, created_at, read_at, doc) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING")
                        .bind(n.id.as_str()).bind(n.customer_id.as_str()).bind(&n.dedupe_key).bind(n.created_at).bind(n.read_at).bind(to_doc(n)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn find_notification(&mut self, id: &NotificationId) -> StoreResult<Option<Notification>> {
                    let row: Option<(Doc, Option<DateTime<Utc>>)> = sqlx::query_as("SELECT doc, read_at FROM notifications WHERE id = $1")
                        .bind(id.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d, read_at)| from_doc::<Notification>(&d).map(|mut n| { n.read_at = read_at; n })).transpose()
                }

                async fn list_notifications_for_customer(&mut self, owner: &AccountId, limit: i64) -> StoreResult<Vec<Notification>> {
                    let rows: Vec<(Doc, Option<DateTime<Utc>>)> = sqlx::query_as("SELECT doc, read_at FROM notifications WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2")
                        .bind(owner.as_str()).bind(limit).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    rows.into_iter().map(|(d, read_at)| from_doc::<Notification>(&d).map(|mut n| { n.read_at = read_at; n })).collect()
                }

                async fn mark_notifications_read(&mut self, owner: &AccountId, at: DateTime<Utc>) -> StoreResult<u64> {
                    let r = sqlx::query("UPDATE notifications SET read_at = $2 WHERE customer_id = $1 AND read_at IS NULL")
                        .bind(owner.as_str()).bind(at).execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected())
                }

                async fn upsert_delivery(&mut self, d: &Delivery) -> StoreResult<()> {
                    sqlx::query("INSERT INTO notification_deliveries (notification_id, channel, state, provider_ref, updated_at, doc) VALUES ($1, $2, $3, $4, $5, $6) \
                                 ON CONFLICT (notification_id, channel) DO UPDATE SET state = excluded.state, provider_ref = excluded.provider_ref, updated_at = excluded.updated_at, doc = excluded.doc")
                        .bind(d.notification_id.as_str()).bind(d.channel.as_str()).bind(d.state.as_str()).bind(d.provider_ref.as_deref())
                        .bind(d.updated_at).bind(to_doc(d)?)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn find_delivery(&mut self, id: &NotificationId, channel: Channel) -> StoreResult<Option<Delivery>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM notification_deliveries WHERE notification_id = $1 AND channel = $2")
                        .bind(id.as_str()).bind(channel.as_str()).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn find_delivery_by_provider_ref(&mut self, provider_ref: &str) -> StoreResult<Option<Delivery>> {
                    let row: Option<(Doc,)> = sqlx::query_as("SELECT doc FROM notification_deliveries WHERE provider_ref = $1")
                        .bind(provider_ref).fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(|(d,)| from_doc(&d)).transpose()
                }

                async fn list_deliveries(&mut self, ids: &[NotificationId]) -> StoreResult<Vec<Delivery>> {
                    let mut out = Vec::new();
                    for id in ids {
                        let rows: Vec<(Doc,)> = sqlx::query_as("SELECT doc FROM notification_deliveries WHERE notification_id = $1 ORDER BY channel")
                            .bind(id.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                        out.extend(from_docs::<Delivery>(rows)?);
                    }
                    Ok(out)
                }

                async fn list_muted(&mut self, owner: &AccountId) -> StoreResult<Vec<(NotificationKind, Channel)>> {
                    let rows: Vec<(String, String)> = sqlx::query_as("SELECT event, channel FROM notification_mutes WHERE customer_id = $1")
                        .bind(owner.as_str()).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    Ok(rows.into_iter().filter_map(|(e, c)| Some((NotificationKind::parse(&e).ok()?, Channel::parse(&c).ok()?))).collect())
                }

                async fn set_muted(&mut self, owner: &AccountId, kind: NotificationKind, channel: Channel, muted: bool) -> StoreResult<()> {
                    let sql = if muted {
                        "INSERT INTO notification_mutes (customer_id, event, channel) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
                    } else {
                        "DELETE FROM notification_mutes WHERE customer_id = $1 AND event = $2 AND channel = $3"
                    };
                    sqlx::query(sql).bind(owner.as_str()).bind(kind.as_str()).bind(channel.as_str())
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn upsert_push_subscription(&mut self, s: &PushSubscription) -> StoreResult<()> {
                    sqlx::query("INSERT INTO push_subscriptions (id, customer_id, endpoint, created_at, doc, session_id) VALUES ($1, $2, $3, $4, $5, $6) \
                                 ON CONFLICT (endpoint) DO UPDATE SET customer_id = excluded.customer_id, doc = excluded.doc, session_id = excluded.session_id")
                        .bind(s.id.as_str()).bind(s.customer_id.as_str()).bind(&s.endpoint).bind(s.created_at).bind(to_doc(s)?)
                        .bind(s.session_id.as_ref().map(|x| x.as_str()))
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn list_push_subscriptions(&mut self, owner: &AccountId, now: DateTime<Utc>) -> StoreResult<Vec<PushSubscription>> {
                    let rows: Vec<(String, Doc)> = sqlx::query_as("SELECT p.id, p.doc FROM push_subscriptions p WHERE p.customer_id = $1 \
                                 AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.id = p.session_id AND (s.revoked_at IS NOT NULL OR s.expires_at <= $2)) \
                                 ORDER BY p.created_at")
                        .bind(owner.as_str()).bind(now).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    // The row id wins over the doc's: a refresh by endpoint keeps the first id.
                    rows.into_iter().map(|(id, d)| {
                        let mut s: PushSubscription = from_doc(&d)?;
                        s.id = PushSubscriptionId::parse(&id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                        Ok(s)
                    }).collect()
                }

                async fn delete_push_subscription(&mut self, owner: &AccountId, id: &PushSubscriptionId) -> StoreResult<bool> {
                    let r = sqlx::query("DELETE FROM push_subscriptions WHERE customer_id = $1 AND id = $2")
                        .bind(owner.as_str()).bind(id.as_str()).execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }
            }
        };
    };
}
