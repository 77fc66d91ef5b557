//! MFG-10: an order the factory has not spoken about for the configured
//! time raises a staff alert and a status query (reconciliation job).

use crate::jobs::AppJob;
use crate::orders::effects::raise_alert_in;
use crate::App;

/// Checks every order at the factory; returns how many new alerts were raised.
#[tracing::instrument(skip_all)]
pub async fn check_silent_orders(app: &App) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let before = now - app.settings.factory_silence_alert;
    let orders = {
        let mut tx = app.store.read().await?;
        tx.list_silent_orders(before).await?
    };
    let mut raised = 0;
    for order in orders {
        let mut tx = app.store.begin().await?;
        let days = app.settings.factory_silence_alert.num_days();
        let msg = format!(
            "No news from the factory about order {} for more than {} (last contact {}). A status query was sent.",
            order.id,
            if days > 0 { format!("{days} days") } else { format!("{} minutes", app.settings.factory_silence_alert.num_minutes()) },
            order.last_factory_contact.map(|t| t.to_rfc3339()).unwrap_or_default()
        );
        if raise_alert_in(&mut *tx, app, &order, "factory_order_silent", &msg).await? {
            let job = AppJob::ReconcileFactoryOrder {
                order_id: order.id.clone(),
            }
            .to_new_job(now, &app.settings)?;
            tx.enqueue_job(&job, now).await?;
            raised += 1;
        }
        tx.commit().await?;
    }
    if raised > 0 {
        app.wake_jobs();
    }
    Ok(raised)
}
