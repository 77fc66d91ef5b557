//! Callers waiting for a command's replies: a map (VIN, `command_id`) → watch
//! channel holding the best progress seen (nothing, `accepted`, or the first
//! final reply). A late `accepted` never overrides a final status.

use caas_domain::fleet::{CommandOutcome, FleetReply, ReplyStatus};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;

/// What arrived so far for one command.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Pending,
    Accepted,
    Final(FleetReply),
}

/// (VIN, command id): a reply only counts when it comes from the VIN commanded.
type Key = (String, String);

struct Slot {
    tx: watch::Sender<Progress>,
    refs: usize,
}

/// The waiter registry shared by the handle and the inbound dispatcher.
#[derive(Default)]
pub(crate) struct Waiters {
    map: Mutex<HashMap<Key, Slot>>,
}

impl Waiters {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Slot>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Registers interest in `command_id` sent to `vin` (before publishing).
    pub(crate) fn register(self: &Arc<Self>, vin: &str, command_id: &str) -> WaitGuard {
        let key = (vin.to_owned(), command_id.to_owned());
        let mut map = self.lock();
        let slot = map.entry(key.clone()).or_insert_with(|| Slot {
            tx: watch::channel(Progress::Pending).0,
            refs: 0,
        });
        slot.refs += 1;
        WaitGuard {
            waiters: Arc::clone(self),
            key,
            rx: slot.tx.subscribe(),
        }
    }

    /// Hands a reply from `vin` to whoever waits for its command; `true` if
    /// someone did.
    pub(crate) fn deliver(&self, vin: &str, reply: &FleetReply) -> bool {
        let map = self.lock();
        let Some(slot) = map.get(&(vin.to_owned(), reply.command_id.clone())) else {
            return false;
        };
        slot.tx
            .send_if_modified(|progress| match (&*progress, reply.status) {
                (Progress::Final(_), _) => false,
                (_, status) if status.is_final() => {
                    *progress = Progress::Final(reply.clone());
                    true
                }
                (Progress::Pending, ReplyStatus::Accepted) => {
                    *progress = Progress::Accepted;
                    true
                }
                _ => false,
            });
        true
    }

    /// Number of commands someone waits for (for tests and metrics).
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }
}

/// One caller's registration; unregisters on drop.
pub(crate) struct WaitGuard {
    waiters: Arc<Waiters>,
    key: Key,
    rx: watch::Receiver<Progress>,
}

impl WaitGuard {
    /// Waits up to `wait` for a final reply.
    pub(crate) async fn wait(&mut self, wait: Duration) -> CommandOutcome {
        let _ =
            tokio::time::timeout(wait, self.rx.wait_for(|p| matches!(p, Progress::Final(_)))).await;
        match &*self.rx.borrow() {
            Progress::Final(reply) => CommandOutcome::Final(reply.clone()),
            Progress::Accepted => CommandOutcome::Accepted,
            Progress::Pending => CommandOutcome::Unanswered,
        }
    }
}

impl Drop for WaitGuard {
    fn drop(&mut self) {
        let mut map = self.waiters.lock();
        if let Some(slot) = map.get_mut(&self.key) {
            slot.refs = slot.refs.saturating_sub(1);
            if slot.refs == 0 {
                map.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn reply(id: &str, status: ReplyStatus) -> FleetReply {
        FleetReply {
            command_id: id.to_owned(),
            kind: "state.query".to_owned(),
            status,
            at: Utc::now(),
            error: None,
            result: None,
        }
    }

    #[tokio::test]
    async fn accepted_after_final_is_ignored_and_guards_unregister() {
        let w = Arc::new(Waiters::default());
        let mut a = w.register("V1", "cmd_1");
        let mut b = w.register("V1", "cmd_1");
        assert!(!w.deliver("V1", &reply("cmd_other", ReplyStatus::Succeeded)));
        assert!(!w.deliver("V2", &reply("cmd_1", ReplyStatus::Succeeded)));
        assert!(w.deliver("V1", &reply("cmd_1", ReplyStatus::Accepted)));
        assert!(w.deliver("V1", &reply("cmd_1", ReplyStatus::Rejected)));
        assert!(w.deliver("V1", &reply("cmd_1", ReplyStatus::Accepted)));
        assert!(w.deliver("V1", &reply("cmd_1", ReplyStatus::Succeeded)));
        let got = a.wait(Duration::from_millis(10)).await;
        assert!(matches!(got, CommandOutcome::Final(r) if r.status == ReplyStatus::Rejected));
        drop(a);
        assert_eq!(w.len(), 1);
        assert!(matches!(
            b.wait(Duration::ZERO).await,
            CommandOutcome::Final(_)
        ));
        drop(b);
        assert_eq!(w.len(), 0);
    }

    #[tokio::test]
    async fn accepted_only_and_nothing() {
        let w = Arc::new(Waiters::default());
        let mut a = w.register("V1", "cmd_a");
        let mut n = w.register("V1", "cmd_n");
        w.deliver("V1", &reply("cmd_a", ReplyStatus::Accepted));
        assert_eq!(
            a.wait(Duration::from_millis(20)).await,
            CommandOutcome::Accepted
        );
        assert_eq!(
            n.wait(Duration::from_millis(20)).await,
            CommandOutcome::Unanswered
        );
    }
}
