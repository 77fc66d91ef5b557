//! The reminder's timing rules.

use super::*;
use chrono::TimeZone;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap()
}

fn days(start_to_end: i64) -> Period {
    Period {
        starts_at: t0(),
        ends_at: Some(t0() + Duration::days(start_to_end)),
    }
}

#[test]
fn a_thirty_day_period_is_reminded_three_days_before_its_end() {
    let p = days(30);
    assert_eq!(
        reminder_at(&p, Duration::days(3)),
        Some(t0() + Duration::days(27))
    );
    assert_eq!(
        reminder_step(&p, Duration::days(3), false, t0()),
        ReminderStep::DueAt(t0() + Duration::days(27))
    );
}

#[test]
fn the_reminder_is_due_from_its_time_until_the_end_and_then_nothing() {
    let p = days(30);
    let w = Duration::days(3);
    let due = t0() + Duration::days(27);
    assert_eq!(reminder_step(&p, w, false, due), ReminderStep::Due);
    assert_eq!(
        reminder_step(&p, w, false, due + Duration::days(2)),
        ReminderStep::Due
    );
    assert_eq!(
        reminder_step(&p, w, false, t0() + Duration::days(30)),
        ReminderStep::Nothing,
        "too late once the period ended: the expiry notice follows"
    );
}

#[test]
fn a_told_reminder_is_never_due_again() {
    let p = days(30);
    let due = t0() + Duration::days(28);
    assert_eq!(
        reminder_step(&p, Duration::days(3), true, due),
        ReminderStep::Nothing
    );
}

#[test]
fn periods_no_longer_than_the_window_lifetime_and_a_zero_window_have_no_reminder() {
    let w = Duration::days(3);
    assert_eq!(reminder_at(&days(1), w), None);
    assert_eq!(reminder_at(&days(3), w), None);
    assert!(reminder_at(&days(4), w).is_some());
    let lifetime = Period {
        starts_at: t0(),
        ends_at: None,
    };
    assert_eq!(reminder_at(&lifetime, w), None);
    assert_eq!(reminder_at(&days(30), Duration::zero()), None);
    assert_eq!(
        reminder_step(&days(30), Duration::zero(), false, t0()),
        ReminderStep::Nothing
    );
}

#[test]
fn the_history_note_marks_a_told_reminder() {
    let mut h = vec![PurchaseStep {
        at: t0(),
        state: PurchaseState::Active,
        note: "captured".into(),
    }];
    assert!(!reminded(&h));
    h.push(PurchaseStep {
        at: t0(),
        state: PurchaseState::Active,
        note: REMINDED.into(),
    });
    assert!(reminded(&h));
}

#[test]
fn only_a_live_extension_cancels_the_reminder() {
    for s in PurchaseState::ALL {
        let dead = matches!(
            s,
            PurchaseState::Rejected
                | PurchaseState::PaymentDeclined
                | PurchaseState::FailedNotCharged
                | PurchaseState::Cancelled
        );
        assert_eq!(extension_continues(s), !dead, "{s:?}");
    }
}
