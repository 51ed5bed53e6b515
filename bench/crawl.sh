#!/usr/bin/env bash
# Crawl throughput: replay a generated archive through fetch, archive, extract,
# store and index. Usage: bench/crawl.sh [PAGES]   (default 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet --example crawl_bench -- "${1:-10000}"
