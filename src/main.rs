//! `caas`: the one binary. See `caas --help`.

/// mimalloc: it returns freed memory to the system, so a login flood's
/// 19 MiB Argon2 blocks do not stay resident in glibc's per-thread arenas
/// (measured with `caas bench`: see the README).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    caas_server::cli::run().await
}
