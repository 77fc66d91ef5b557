//! `caas`: the one binary. See `caas --help`.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    caas_server::cli::run().await
}
