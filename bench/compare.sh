#!/usr/bin/env bash
# Benchmark of `compare`: N accounts × about ROWS export rows each, release
# build, wall time and peak memory (/usr/bin/time -v) with 1 and 2 worker
# threads, and a single `analyze` of the largest account for the memory
# ratio. Usage: bench/compare.sh [N=100] [EXTRA_TRADES=20000] [WORKDIR]
# EXTRA_TRADES small ADA fills per account: each fill writes one trade-history
# row, ~2.5 statement rows and 1 order row: 20000 gives ~101,000 CSV lines per account (18000 gave 91,200).
set -euo pipefail
N=${1:-100}
EXTRA=${2:-20000}
WORK=${3:-/var/tmp/bf-bench-compare}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
# PROFILE=debug reuses the debug binary (indicative numbers only).
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build --release --locked --manifest-path "$ROOT/Cargo.toml"
fi
BIN=$TARGET/$PROFILE/binance-forensics
rm -rf "$WORK" && mkdir -p "$WORK"
"$BIN" samples --campaign --seed 11 --accounts "$N" --victims 8 \
  --extra-trades "$EXTRA" --out "$WORK/set"
rows=$(find "$WORK/set/accounts" -name '*.csv' -exec cat {} + | wc -l)
echo "accounts: $N; csv rows (all accounts, headers included, xlsx deposits not counted): $rows"
largest=$(du -s "$WORK"/set/accounts/* | sort -n | tail -1 | cut -f2)
echo "largest account: $largest"
measure() {
  local label=$1; shift
  /usr/bin/time -v "$@" 2> "$WORK/$label.time" >/dev/null
  local wall rss
  wall=$(grep 'Elapsed (wall clock)' "$WORK/$label.time" | awk '{print $NF}')
  rss=$(grep 'Maximum resident set size' "$WORK/$label.time" | awk '{print $NF}')
  echo "$label: wall $wall, peak RSS $((rss / 1024)) MiB"
}
measure analyze-largest "$BIN" analyze "$largest" --out "$WORK/one" -q
measure compare-jobs1 "$BIN" compare -q --jobs 1 --accounts-in "$WORK/set/accounts" --out "$WORK/r1"
measure compare-jobs2 "$BIN" compare -q --jobs 2 --accounts-in "$WORK/set/accounts" --out "$WORK/r2"
cmp "$WORK/r1/findings.json" "$WORK/r2/findings.json" && echo "jobs 1 and 2: identical findings.json"
