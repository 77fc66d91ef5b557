//! caas binary
fn main() {}
