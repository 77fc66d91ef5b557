//! REQUESTED: the checks again, with fresh data and VSS's answer (MNT-3,
//! "before authorising payment"); pass → AUTHORIZING, fail → REJECTED
//! with the reason's code, nothing charged.

use super::{apply, save, Next};
use crate::catalogue::load_catalogue;
use crate::purchases::maintenance::check_option;
use crate::App;
use caas_domain::purchase::eligibility::{check, EligibilityInput, PurchaseRefusal};
use caas_domain::purchase::flow::PurchaseEvent;
use caas_domain::purchase::Purchase;
use caas_domain::vehicle::Vehicle;

/// Runs the checks of a REQUESTED purchase.
pub(super) async fn run_checks(
    app: &App,
    mut p: Purchase,
    vehicle: &Vehicle,
) -> anyhow::Result<Next> {
    let before = p.state;
    let now = app.clock.now();
    let (order, others) = {
        let mut tx = app.store.read().await?;
        let order = tx.find_order(&p.order_id).await?;
        let others: Vec<Purchase> = tx
            .list_purchases_for_vehicle(&p.vehicle_id)
            .await?
            .into_iter()
            .filter(|x| x.id != p.id)
            .collect();
        (order, others)
    };
    let catalogue = load_catalogue(app).await?;
    let verdict = match (
        order,
        catalogue
            .options
            .iter()
            .find(|o| o.code == p.item.option_code),
    ) {
        (Some(order), Some(option)) => {
            let maintenance = check_option(app, option, &p.vin).await;
            check(EligibilityInput {
                caller: &p.customer_id,
                order_customer: &order.customer_id,
                order_state: order.state,
                plan_options: &order.plan.option_codes,
                vehicle,
                option,
                offer_id: &p.item.offer_id,
                removed: &[],
                purchases: &others,
                maintenance: &maintenance,
                now,
            })
            .map(|_| ())
        }
        _ => Err(PurchaseRefusal::NotOffered),
    };
    match verdict {
        Ok(()) => {
            apply(&mut p, PurchaseEvent::ChecksPassed, "checks_passed", now);
        }
        Err(r) => {
            p.reason = Some(match &r {
                PurchaseRefusal::Maintenance { blocks } => {
                    format!("{}:{}", r.code(), blocks.join(","))
                }
                _ => r.code().to_owned(),
            });
            apply(&mut p, PurchaseEvent::ChecksFailed, r.code(), now);
        }
    }
    save(app, &mut p, before).await?;
    Ok(Next::Continue)
}
