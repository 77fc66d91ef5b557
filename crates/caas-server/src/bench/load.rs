//! The load generator of `caas bench`: `concurrency` keep-alive HTTP/1.1
//! connections, each sending its next request as soon as the previous answer
//! is read (closed loop, like `wrk`), for a fixed time. It runs on its own
//! single-threaded runtime, so it competes for the cores the way an external
//! load generator on the same host would.

use super::report::Histogram;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds request number `seq` of connection `conn`.
pub type MakeRequest = Arc<dyn Fn(usize, u64) -> Request<Full<Bytes>> + Send + Sync>;

/// What one scenario measured.
#[derive(Debug, Default, Clone)]
pub struct LoadResult {
    /// Answers with the expected status.
    pub ok: u64,
    /// Other answers, connection failures and timeouts.
    pub errors: u64,
    /// 503 answers (load shed or hashing queue full), when counted apart.
    pub shed: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Latency of every answer (expected or not), microseconds.
    pub latency: Histogram,
    /// One example of an unexpected answer, for the report.
    pub first_error: Option<String>,
}

impl LoadResult {
    /// Expected answers per second.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    fn merge(&mut self, other: LoadResult) {
        self.ok += other.ok;
        self.errors += other.errors;
        self.shed += other.shed;
        self.latency.merge(&other.latency);
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// One closed-loop run against `addr`.
pub struct Load {
    /// Server address.
    pub addr: SocketAddr,
    /// Open connections.
    pub concurrency: usize,
    /// How long to send.
    pub duration: Duration,
    /// Expected status (anything else counts as an error).
    pub expect: u16,
    /// Per-request timeout (a timed-out request is an error and its connection is replaced).
    pub timeout: Duration,
    /// Count 503 apart and wait its `Retry-After` before the next request,
    /// as a well-behaved client does.
    pub honor_retry_after: bool,
    /// Open loop: this many requests per second in all (spread over the
    /// connections) instead of each connection sending as fast as it can.
    pub rate: Option<f64>,
}

impl Load {
    /// Runs the load on a fresh single-threaded runtime in its own thread.
    pub async fn run(&self, make: MakeRequest) -> LoadResult {
        let (addr, conc, dur) = (self.addr, self.concurrency, self.duration);
        let policy = Policy {
            expect: self.expect,
            timeout: self.timeout,
            honor_retry_after: self.honor_retry_after,
            interval: self
                .rate
                .filter(|r| *r > 0.0)
                .map(|r| Duration::from_secs_f64(self.concurrency.max(1) as f64 / r)),
        };
        let (done, result) = tokio::sync::oneshot::channel();
        std::thread::spawn(move || {
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    return LoadResult {
                        errors: 1,
                        first_error: Some(format!("load runtime: {e}")),
                        ..LoadResult::default()
                    }
                }
            };
            let r = rt.block_on(run_connections(addr, conc, dur, policy, make));
            let _ = done.send(r);
            LoadResult::default()
        });
        result.await.unwrap_or_else(|_| LoadResult {
            errors: 1,
            first_error: Some("load generator panicked".into()),
            ..LoadResult::default()
        })
    }
}

/// How answers are judged.
#[derive(Debug, Clone, Copy)]
struct Policy {
    expect: u16,
    timeout: Duration,
    honor_retry_after: bool,
    /// Time between two sends of one connection (open loop), if paced.
    interval: Option<Duration>,
}

async fn run_connections(
    addr: SocketAddr,
    concurrency: usize,
    duration: Duration,
    policy: Policy,
    make: MakeRequest,
) -> LoadResult {
    let started = Instant::now();
    let deadline = started + duration;
    let mut set = tokio::task::JoinSet::new();
    for conn in 0..concurrency {
        let make = make.clone();
        set.spawn(one_connection(addr, conn, deadline, policy, make));
    }
    let mut total = LoadResult::default();
    while let Some(r) = set.join_next().await {
        if let Ok(r) = r {
            total.merge(r);
        }
    }
    total.elapsed = started.elapsed();
    total
}

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

async fn connect(addr: SocketAddr) -> Result<Sender, String> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| format!("connect: {e}"))?;
    let _ = stream.set_nodelay(true);
    let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(sender)
}

async fn one_connection(
    addr: SocketAddr,
    conn: usize,
    deadline: Instant,
    policy: Policy,
    make: MakeRequest,
) -> LoadResult {
    let Policy {
        expect,
        timeout,
        honor_retry_after,
        interval,
    } = policy;
    let start = Instant::now();
    let mut r = LoadResult::default();
    let mut sender: Option<Sender> = None;
    let mut seq = 0u64;
    while Instant::now() < deadline {
        let s = match sender.as_mut() {
            Some(s) => s,
            None => match connect(addr).await {
                Ok(s) => sender.insert(s),
                Err(e) => {
                    r.errors += 1;
                    r.first_error.get_or_insert(e);
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        if s.ready().await.is_err() {
            sender = None;
            continue;
        }
        if let Some(every) = interval {
            let at = start + every.mul_f64(seq as f64 + conn as f64 / 64.0);
            if at >= deadline {
                break;
            }
            tokio::time::sleep_until(at.into()).await;
        }
        let req = make(conn, seq);
        seq += 1;
        let t0 = Instant::now();
        let answer = tokio::time::timeout(timeout, async {
            let resp = s
                .send_request(req)
                .await
                .map_err(|e| format!("send: {e}"))?;
            let status = resp.status().as_u16();
            let retry_after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            let body = resp
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("body: {e}"))?
                .to_bytes();
            Ok::<_, String>((status, body, retry_after))
        })
        .await;
        r.latency.record(t0.elapsed());
        match answer {
            Ok(Ok((status, _, _))) if status == expect => r.ok += 1,
            Ok(Ok((503, _, retry))) if honor_retry_after => {
                r.shed += 1;
                let wait = Duration::from_secs(retry.unwrap_or(1).min(5));
                tokio::time::sleep(wait.min(deadline.saturating_duration_since(Instant::now())))
                    .await;
            }
            Ok(Ok((status, body, _))) => {
                r.errors += 1;
                r.first_error.get_or_insert_with(|| {
                    let text = String::from_utf8_lossy(&body);
                    format!("{status}: {}", text.chars().take(160).collect::<String>())
                });
            }
            Ok(Err(e)) => {
                r.errors += 1;
                r.first_error.get_or_insert(e);
                sender = None;
            }
            Err(_) => {
                r.errors += 1;
                r.first_error
                    .get_or_insert_with(|| format!("no answer within {timeout:?}"));
                sender = None;
            }
        }
    }
    r
}
