//! VSS cache repository shared by both backends: one row per VIN and
//! endpoint, replaced by an upsert. The body is JSONB on PostgreSQL and
//! JSON text on SQLite (bound through [`crate::doc::Doc`]). Nothing shown
//! from the order-file caches changes, so writes note no invalidation.
//! Invoked by `impl_repos!`.

/// Implements the VSS cache repository for `$tx`.
#[macro_export]
#[doc(hidden)]
macro_rules! impl_vss_cache_repos {
    ($tx:ty) => {
        const _: () = {
            use $crate::__rt::caas_domain::ports::*;
            use $crate::__rt::chrono::{DateTime, Utc};
            use $crate::__rt::sqlx;
            use $crate::doc::Doc;
            use $crate::map_err;

            type Row = (String, String, Option<String>, Doc, DateTime<Utc>, i64);

            fn entry(r: Row) -> StoreResult<VssCacheEntry> {
                let (vin, endpoint, etag, body, retrieved_at, max_age_secs) = r;
                let endpoint = VssEndpoint::parse(&endpoint).ok_or_else(|| {
                    StoreError::Corrupt(format!("vss_cache.endpoint: {endpoint}"))
                })?;
                let body = $crate::__rt::serde_json::from_str(body.as_str())
                    .map_err(|e| StoreError::Corrupt(format!("vss_cache.body: {e}")))?;
                Ok(VssCacheEntry { vin, endpoint, etag, body, retrieved_at, max_age_secs })
            }

            #[$crate::__rt::async_trait]
            impl VssCacheRepo for $tx {
                async fn list_vss_cache(&mut self, vin: &str) -> StoreResult<Vec<VssCacheEntry>> {
                    let rows: Vec<Row> = sqlx::query_as("SELECT vin, endpoint, etag, body, retrieved_at, max_age_secs FROM vss_cache WHERE vin = $1 ORDER BY endpoint")
                        .bind(vin).fetch_all(&mut *self.tx).await.map_err(map_err)?;
                    rows.into_iter().map(entry).collect()
                }

                async fn put_vss_cache(&mut self, e: &VssCacheEntry) -> StoreResult<()> {
                    let body = Doc(e.body.to_string());
                    sqlx::query("INSERT INTO vss_cache (vin, endpoint, etag, body, retrieved_at, max_age_secs) VALUES ($1, $2, $3, $4, $5, $6) \
                                 ON CONFLICT (vin, endpoint) DO UPDATE SET etag = excluded.etag, body = excluded.body, retrieved_at = excluded.retrieved_at, max_age_secs = excluded.max_age_secs")
                        .bind(&e.vin).bind(e.endpoint.as_str()).bind(e.etag.as_deref()).bind(body)
                        .bind(e.retrieved_at).bind(e.max_age_secs)
                        .execute(&mut *self.tx).await.map_err(map_err)?;
                    Ok(())
                }
            }
        };
    };
}
