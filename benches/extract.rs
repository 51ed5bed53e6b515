//! Extraction throughput benchmark (placeholder, filled in below).
fn main() {}
