#!/usr/bin/env bash
# Politeness: a live crawl of several loopback hosts (127.0.0.2, .3, …), each
# with a listing of N articles, at a pace. Prints elapsed time against the
# politeness bound (busiest host's request gaps × pace) and the smallest gap
# seen between two requests to one host (never under the pace). Each response
# takes RESPONSE_MS (30 ms) at the server: the pace runs from request start to
# request start, so the elapsed time stays within 10% of the bound.
# Usage: bench/polite.sh [HOSTS=6] [ARTICLES=40] [PACE_SECS=0.25] [CONCURRENCY=4] [RESPONSE_MS=30]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --quiet --example polite_bench -- "${1:-6}" "${2:-40}" "${3:-0.25}" "${4:-4}" "${5:-30}"
