//! Figures of `caas bench`: a latency histogram (exact below 1 ms, 1/64
//! relative resolution above), the process's resident memory, and the table.

use std::fmt::Write;
use std::time::Duration;

const SUB: u64 = 64;
const EXACT: u64 = 1024;

/// Latencies in microseconds; log-linear buckets so percentiles cost nothing.
#[derive(Debug, Clone, Default)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

fn bucket(us: u64) -> usize {
    if us < EXACT {
        return us as usize;
    }
    let log = 63 - us.leading_zeros() as u64; // ≥ 10
    let shift = log - 6; // keep 6 significant bits after the leading one
    let mantissa = (us >> shift) - SUB; // 0..64
    (EXACT + (log - 10) * SUB + mantissa) as usize
}

fn lower_bound(b: usize) -> u64 {
    let b = b as u64;
    if b < EXACT {
        return b;
    }
    let log = (b - EXACT) / SUB + 10;
    let mantissa = (b - EXACT) % SUB;
    (SUB + mantissa) << (log - 6)
}

impl Histogram {
    /// Records one latency.
    pub fn record(&mut self, d: Duration) {
        let b = bucket(d.as_micros().min(u64::MAX as u128) as u64);
        if self.counts.len() <= b {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
        self.total += 1;
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, o: &Histogram) {
        if self.counts.len() < o.counts.len() {
            self.counts.resize(o.counts.len(), 0);
        }
        for (i, c) in o.counts.iter().enumerate() {
            self.counts[i] += c;
        }
        self.total += o.total;
    }

    /// The latency below which `q` (0..1) of the samples fall.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.total == 0 {
            return Duration::ZERO;
        }
        let rank = ((self.total as f64) * q).ceil().max(1.0) as u64;
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Duration::from_micros(lower_bound(i));
            }
        }
        Duration::from_micros(lower_bound(self.counts.len().saturating_sub(1)))
    }
}

/// Resident set size of this process, bytes (Linux `/proc/self/status`).
pub fn rss_bytes() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Megabytes, for the report.
pub fn mb(bytes: Option<u64>) -> String {
    bytes.map_or("?".into(), |b| format!("{:.0} MB", b as f64 / 1_048_576.0))
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// What was measured.
    pub name: String,
    /// Connections.
    pub concurrency: usize,
    /// Answers per second with the expected status.
    pub rate: f64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Errors (unexpected status, failures, timeouts).
    pub errors: u64,
    /// The reference rate this row is compared to, and its name.
    pub limit: Option<(f64, &'static str)>,
    /// Resident memory before and after the scenario.
    pub rss: (Option<u64>, Option<u64>),
    /// Free text (first error, backlog…).
    pub note: String,
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Renders the rows as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| scenario | conns | req/s | p50 | p99 | errors | ratio to limit | RSS before → after | note |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---|---|");
    for r in rows {
        let ratio = match r.limit {
            Some((l, name)) if l > 0.0 => format!("{:.1} % of {name}", 100.0 * r.rate / l),
            _ => "—".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} → {} | {} |",
            r.name,
            r.concurrency,
            r.rate,
            ms(r.p50),
            ms(r.p99),
            r.errors,
            ratio,
            mb(r.rss.0),
            mb(r.rss.1),
            r.note.replace('|', "/")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_fall_in_the_right_bucket() {
        let mut h = Histogram::default();
        for us in 1..=1000u64 {
            h.record(Duration::from_micros(us));
        }
        h.record(Duration::from_micros(50_000));
        assert_eq!(h.quantile(0.5), Duration::from_micros(501));
        let p100 = h.quantile(1.0).as_micros() as u64;
        assert!((49_000..=50_000).contains(&p100), "{p100}");
    }

    #[test]
    fn buckets_are_monotonic_and_tight() {
        let mut last = 0;
        for us in [1023u64, 1024, 1100, 5000, 123_456, 9_999_999] {
            let b = bucket(us);
            assert!(b >= last);
            last = b;
            let lo = lower_bound(b);
            assert!(lo <= us && us - lo <= us / 64 + 1, "{us} → {lo}");
        }
    }
}
