//! Argon2id hashing with bounded resources. Each hash takes about 25 ms of a
//! core and 19 MiB, so an unbounded number of them in flight exhausts memory
//! and makes every login slow. Hashes run on a fixed set of threads (one per
//! core by default, so their allocator arenas are few and reused) fed by a
//! short queue; a request that finds the queue full is refused at once with
//! [`AppError::Overloaded`] — 503 and `Retry-After` — instead of waiting.

use crate::error::{AppError, AppResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};

type Work = Box<dyn FnOnce() + Send>;

/// The hashing threads and their queue.
pub struct Hashing {
    queue: Sender<Work>,
    /// Hashes queued or running.
    in_flight: Arc<AtomicUsize>,
    /// Most hashes admitted at once: the workers plus the queue.
    limit: usize,
    retry_after_secs: i64,
    workers: usize,
}

impl std::fmt::Debug for Hashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hashing")
            .field("workers", &self.workers)
            .finish_non_exhaustive()
    }
}

fn worker(rx: Arc<Mutex<Receiver<Work>>>) {
    loop {
        let next = match rx.lock() {
            Ok(r) => r.recv(),
            Err(_) => return,
        };
        match next {
            Ok(work) => work(),
            Err(_) => return,
        }
    }
}

impl Hashing {
    /// `workers` threads (0: one per core) and room for `queue` waiting hashes.
    pub fn new(workers: usize, queue: usize) -> Self {
        let workers = if workers == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            workers
        };
        let (tx, rx) = channel::<Work>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..workers {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("caas-hash-{i}"))
                .spawn(move || worker(rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Self {
            queue: tx,
            in_flight: Arc::default(),
            limit: workers + queue,
            retry_after_secs: 1,
            workers,
        }
    }

    /// Whether a hash would be admitted now (a cheap check before other work;
    /// the hash itself may still be refused if others took the room meanwhile).
    pub fn has_room(&self) -> bool {
        self.in_flight.load(Ordering::Relaxed) < self.limit
    }

    /// The refusal a full queue answers.
    pub fn overloaded(&self) -> AppError {
        AppError::Overloaded {
            retry_after_secs: self.retry_after_secs,
        }
    }

    /// Hashing threads.
    pub fn workers(&self) -> usize {
        self.workers
    }

    async fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> AppResult<T> {
        if self.in_flight.fetch_add(1, Ordering::SeqCst) >= self.limit {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            return Err(self.overloaded());
        }
        let (done, result) = tokio::sync::oneshot::channel();
        let in_flight = self.in_flight.clone();
        // Runs to the end even if the caller goes away; only then is its room freed.
        let work: Work = Box::new(move || {
            let _ = done.send(f());
            in_flight.fetch_sub(1, Ordering::SeqCst);
        });
        if self.queue.send(work).is_err() {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            return Err(AppError::Internal(anyhow::anyhow!(
                "password hashing threads stopped"
            )));
        }
        result
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("password hashing thread failed")))
    }

    /// Argon2id hash (PHC string) of a password.
    pub async fn hash(&self, password: String) -> AppResult<String> {
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            Argon2::default()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
        })
        .await?
        .map_err(AppError::Internal)
    }

    /// Whether `password` matches the PHC hash.
    pub async fn verify(&self, password: String, phc: String) -> AppResult<bool> {
        self.run(move || {
            let parsed = PasswordHash::new(&phc)
                .map_err(|e| anyhow::anyhow!("stored hash unreadable: {e}"))?;
            Ok(Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok())
        })
        .await?
        .map_err(AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let h = Hashing::new(1, 4);
        let phc = h.hash("correct horse battery".into()).await.unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(h
            .verify("correct horse battery".into(), phc.clone())
            .await
            .unwrap());
        assert!(!h.verify("wrong horse battery".into(), phc).await.unwrap());
    }

    #[tokio::test]
    async fn beyond_the_queue_a_hash_is_refused_at_once_and_the_rest_complete() {
        let h = Arc::new(Hashing::new(1, 2));
        let mut all = Vec::new();
        for i in 0..8 {
            let h = h.clone();
            all.push(tokio::spawn(async move {
                h.hash(format!("password-{i}")).await
            }));
        }
        let mut done = 0;
        let mut refused = 0;
        for r in all {
            match r.await.unwrap() {
                Ok(_) => done += 1,
                Err(AppError::Overloaded { retry_after_secs }) => {
                    assert!(retry_after_secs >= 1);
                    refused += 1
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert!(refused >= 1, "the queue of 2 refused some of 8");
        assert!(done >= 3, "one running and two queued completed ({done})");
        assert!(h.hash("after the flood".into()).await.is_ok());
    }
}
