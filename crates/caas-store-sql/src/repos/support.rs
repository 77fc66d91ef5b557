//! Corrections log and support queue repositories shared by both backends:
//! plain columns (no document), the config of an enable as JSON text. A
//! second pending correction of the same car and feature is not recorded
//! (partial unique index); a case resolves only while open. Nothing shown
//! from the order-file caches changes, so writes note no invalidation.
//! Invoked by `impl_repos!`.

/// Implements the corrections and support-case repositories for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_support_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ids::{AccountId, CorrectionId, OrderId, PurchaseId, SupportCaseId, VehicleId};
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::caas_domain::purchase::twin::{CorrectionAction, CorrectionRecord, CorrectionStatus};
            use $crate::__rt::caas_domain::support::{Resolution, SupportCase, SupportCaseKind, SupportPriority};
            use $crate::__rt::chrono::{DateTime, Utc};
            use $crate::__rt::sqlx;
            use $crate::map_err;

            fn bad(what: &str, e: impl std::fmt::Display) -> StoreError {
                StoreError::Corrupt(format!("{what}: {e}"))
            }

            const CORRECTION_COLS: &str = "id, vehicle_id, vin, feature_code, action, valid_until, config, command_id, issued_at, expires_at, seq_at_issue, publishes, status, error_code, created_at, updated_at";
            type CorrectionRow = (String, String, String, String, String, Option<DateTime<Utc>>, Option<String>, String,
                DateTime<Utc>, DateTime<Utc>, i64, i64, String, Option<String>, DateTime<Utc>, DateTime<Utc>);

            fn correction(r: CorrectionRow) -> StoreResult<CorrectionRecord> {
                let (id, vehicle_id, vin, feature_code, action, valid_until, config, command_id, issued_at, expires_at,
                    seq_at_issue, publishes, status, error_code, created_at, updated_at) = r;
                let config = match config {
                    Some(text) => Some($crate::__rt::serde_json::from_str(&text).map_err(|e| bad("vehicle_corrections.config", e))?),
                    None => None,
                };
                Ok(CorrectionRecord {
                    id: CorrectionId::parse(&id).map_err(|e| bad("vehicle_corrections.id", e))?,
                    vehicle_id: VehicleId::parse(&vehicle_id).map_err(|e| bad("vehicle_corrections.vehicle_id", e))?,
                    vin,
                    feature_code,
                    action: CorrectionAction::parse(&action).ok_or_else(|| bad("vehicle_corrections.action", &action))?,
                    valid_until,
                    config,
                    command_id,
                    issued_at,
                    expires_at,
                    seq_at_issue,
                    publishes: u32::try_from(publishes).map_err(|e| bad("vehicle_corrections.publishes", e))?,
                    status: CorrectionStatus::parse(&status).ok_or_else(|| bad("vehicle_corrections.status", &status))?,
                    error_code,
                    created_at,
                    updated_at,
                })
            }

            const CASE_COLS: &str = "id, kind, priority, purchase_id, vehicle_id, order_id, summary, opened_at, resolved_at, resolved_by, resolution";
            type CaseRow = (String, String, String, String, String, String, String, DateTime<Utc>,
                Option<DateTime<Utc>>, Option<String>, Option<String>);

            fn case(r: CaseRow) -> StoreResult<SupportCase> {
                let (id, kind, priority, purchase_id, vehicle_id, order_id, summary, opened_at, resolved_at, resolved_by, resolution) = r;
                let resolution = match (resolved_at, resolved_by, resolution) {
                    (Some(at), Some(by), Some(text)) => Some(Resolution {
                        by: AccountId::parse(&by).map_err(|e| bad("support_cases.resolved_by", e))?,
                        at,
                        text,
                    }),
                    _ => None,
                };
                Ok(SupportCase {
                    id: SupportCaseId::parse(&id).map_err(|e| bad("support_cases.id", e))?,
                    kind: SupportCaseKind::parse(&kind).ok_or_else(|| bad("support_cases.kind", &kind))?,
                    priority: SupportPriority::parse(&priority).ok_or_else(|| bad("support_cases.priority", &priority))?,
                    purchase_id: PurchaseId::parse(&purchase_id).map_err(|e| bad("support_cases.purchase_id", e))?,
                    vehicle_id: VehicleId::parse(&vehicle_id).map_err(|e| bad("support_cases.vehicle_id", e))?,
                    order_id: OrderId::parse(&order_id).map_err(|e| bad("support_cases.order_id", e))?,
                    summary,
                    opened_at,
                    resolution,
                })
            }

            #[$crate::__rt::async_trait]
            impl CorrectionRepo for $tx {
                async fn insert_correction(&mut self, c: &CorrectionRecord) -> StoreResult<bool> {
                    let config = c.config.as_ref().map(|m| $crate::__rt::serde_json::Value::Object(m.clone()).to_string());
                    let sql = format!("INSERT INTO vehicle_corrections ({CORRECTION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING");
                    let r = sqlx::query(&sql)
                        .bind(c.id.as_str()).bind(c.vehicle_id.as_str()).bind(&c.vin).bind(&c.feature_code)
                        .bind(c.action.as_str()).bind(c.valid_until).bind(config).bind(&c.command_id)
                        .bind(c.issued_at).bind(c.expires_at).bind(c.seq_at_issue).bind(i64::from(c.publishes))
                        .bind(c.status.as_str()).bind(c.error_code.as_deref()).bind(c.created_at).bind(c.updated_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn update_correction(&mut self, c: &CorrectionRecord) -> StoreResult<()> {
                    sqlx::query("UPDATE vehicle_corrections SET publishes = $2, status = $3, error_code = $4, updated_at = $5 WHERE id = $1")
                        .bind(c.id.as_str()).bind(i64::from(c.publishes)).bind(c.status.as_str())
                        .bind(c.error_code.as_deref()).bind(c.updated_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }

                async fn list_corrections(&mut self, vehicle: &VehicleId, limit: i64) -> StoreResult<Vec<CorrectionRecord>> {
                    let sql = format!("SELECT {CORRECTION_COLS} FROM vehicle_corrections WHERE vehicle_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2");
                    let rows: Vec<CorrectionRow> = sqlx::query_as(&sql).bind(vehicle.as_str()).bind(limit)
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    rows.into_iter().map(correction).collect()
                }
            }

            #[$crate::__rt::async_trait]
            impl SupportCaseRepo for $tx {
                async fn insert_support_case(&mut self, c: &SupportCase) -> StoreResult<bool> {
                    let sql = format!("INSERT INTO support_cases ({CASE_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, NULL) ON CONFLICT DO NOTHING");
                    let r = sqlx::query(&sql)
                        .bind(c.id.as_str()).bind(c.kind.as_str()).bind(c.priority.as_str()).bind(c.purchase_id.as_str())
                        .bind(c.vehicle_id.as_str()).bind(c.order_id.as_str()).bind(&c.summary).bind(c.opened_at)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }

                async fn find_support_case(&mut self, id: &SupportCaseId) -> StoreResult<Option<SupportCase>> {
                    let sql = format!("SELECT {CASE_COLS} FROM support_cases WHERE id = $1");
                    let row: Option<CaseRow> = sqlx::query_as(&sql).bind(id.as_str())
                        .fetch_optional(&mut *self.tx).await.map_err(map_err)?;
                    row.map(case).transpose()
                }

                async fn list_support_cases(&mut self, include_resolved: bool, limit: i64) -> StoreResult<Vec<SupportCase>> {
                    let open = format!("SELECT {CASE_COLS} FROM support_cases WHERE resolved_at IS NULL ORDER BY priority, opened_at, id LIMIT $1");
                    let mut rows: Vec<CaseRow> = sqlx::query_as(&open).bind(limit)
                        .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    if include_resolved {
                        let done = format!("SELECT {CASE_COLS} FROM support_cases WHERE resolved_at IS NOT NULL ORDER BY resolved_at DESC, id DESC LIMIT $1");
                        let more: Vec<CaseRow> = sqlx::query_as(&done).bind(limit)
                            .fetch_all(&mut *self.tx).await.map_err(map_err)?;
                        rows.extend(more);
                    }
                    rows.into_iter().map(case).collect()
                }

                async fn resolve_support_case(&mut self, id: &SupportCaseId, by: &AccountId, at: DateTime<Utc>, text: &str) -> StoreResult<bool> {
                    let r = sqlx::query("UPDATE support_cases SET resolved_at = $2, resolved_by = $3, resolution = $4 WHERE id = $1 AND resolved_at IS NULL")
                        .bind(id.as_str()).bind(at).bind(by.as_str()).bind(text)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(r.rows_affected() == 1)
                }
            }
        };
    };
}
