#!/usr/bin/env bash
# Politeness: a live crawl of several loopback hosts (127.0.0.2, .3, …), each
# with a listing of N articles, at a pace. Prints elapsed time against the
# politeness bound (busiest host's request gaps × pace) and the smallest gap
# seen between two requests to one host (never under the pace).
# Usage: bench/polite.sh [HOSTS=6] [ARTICLES=40] [PACE_SECS=0.25] [CONCURRENCY=4]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet --example polite_bench -- "${1:-6}" "${2:-40}" "${3:-0.25}" "${4:-4}"
