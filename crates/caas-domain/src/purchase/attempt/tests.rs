//! The contract's timeout rules, case by case.

use super::*;
use chrono::TimeZone;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 6, 1, 10, 0, 0).unwrap()
}

fn secs(n: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(n)
}

fn published() -> CommandAttempt {
    let mut c = CommandAttempt::new(
        "cmd_1".into(),
        CommandKind::Enable,
        t0(),
        t0() + Duration::minutes(10),
        Some(7),
    );
    c.mark_published(t0());
    c
}

#[test]
fn a_new_command_is_published() {
    let c = CommandAttempt::new("cmd_1".into(), CommandKind::Enable, t0(), secs(600), None);
    assert_eq!(
        next_action(&c, Some(true), t0(), &CommandTiming::default()),
        AttemptAction::Publish
    );
}

#[test]
fn an_unanswered_command_is_republished_at_most_every_30_seconds_while_online() {
    let t = CommandTiming::default();
    let c = published();
    assert_eq!(
        next_action(&c, Some(true), secs(10), &t),
        AttemptAction::WaitUntil(secs(30))
    );
    assert_eq!(
        next_action(&c, Some(true), secs(30), &t),
        AttemptAction::Publish
    );
}

#[test]
fn a_silent_online_car_is_asked_for_its_state_never_declared_failed() {
    let t = CommandTiming::default();
    let mut c = published();
    c.mark_published(secs(30));
    assert_eq!(
        next_action(&c, Some(true), secs(60), &t),
        AttemptAction::QueryState
    );
}

#[test]
fn an_offline_car_is_waited_for_until_the_command_expires() {
    let t = CommandTiming::default();
    let c = published();
    assert_eq!(
        next_action(&c, Some(false), secs(300), &t),
        AttemptAction::WaitUntil(secs(600))
    );
}

#[test]
fn accepted_without_a_final_reply_for_60_seconds_leads_to_a_state_query() {
    let t = CommandTiming::default();
    let mut c = published();
    assert!(c.record_reply(ReplyStatus::Accepted, None, secs(1)));
    assert_eq!(
        next_action(&c, Some(true), secs(30), &t),
        AttemptAction::WaitUntil(secs(61))
    );
    assert_eq!(
        next_action(&c, Some(true), secs(61), &t),
        AttemptAction::QueryState
    );
}

#[test]
fn a_late_accepted_never_overrides_a_final_reply_and_duplicates_change_nothing() {
    let mut c = published();
    assert!(c.record_reply(ReplyStatus::Rejected, Some("vehicle_busy".into()), secs(2)));
    assert!(!c.record_reply(ReplyStatus::Accepted, None, secs(3)));
    assert!(!c.record_reply(ReplyStatus::Succeeded, None, secs(4)));
    assert_eq!(c.final_status, Some(ReplyStatus::Rejected));
    assert_eq!(c.error_code.as_deref(), Some("vehicle_busy"));
    assert_eq!(
        next_action(&c, Some(true), secs(5), &CommandTiming::default()),
        AttemptAction::Finished(ReplyStatus::Rejected)
    );
}
