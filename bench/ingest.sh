#!/usr/bin/env bash
# Ingest benchmark (issue 3): generate a 1,000,000-row spot trade history and
# a 2,000,000-row transaction statement, then time, in the same run,
#   - polars' own raw CSV read of the two files into frames, both kept (types
#     inferred, and all text),
#   - binance-forensics ingest + normalize + duplicate merge (`inspect`),
#   - the general path alone (no fast reader), for files the fast reader
#     gives up on.
# Each is run RUNS times in a fresh process; the median wall time and the
# median peak resident memory (GNU time's %M) are printed as a Markdown table.
#
#   bench/ingest.sh                 # defaults
#   TRADES=100000 STATEMENT=200000 RUNS=1 bench/ingest.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/binance-forensics-target}"
TRADES="${TRADES:-1000000}"
STATEMENT="${STATEMENT:-2000000}"
RUNS="${RUNS:-3}"
DATA="${DATA:-/var/tmp/bf-bench-ingest/$TRADES-$STATEMENT}"
[ -x /usr/bin/time ] || apt-get install -y time >/dev/null

cargo build --release --locked --example bench_ingest --bin binance-forensics >&2
B="$CARGO_TARGET_DIR/release"
if [ ! -f "$DATA/.complete" ]; then
  rm -rf "$DATA"
  "$B/examples/bench_ingest" gen "$DATA" "$TRADES" "$STATEMENT"
  touch "$DATA/.complete"
fi
FILES=("$DATA"/*.csv)

# median of whitespace-separated numbers on stdin
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() { # label cmd...
  local label=$1; shift
  local secs=() kbs=() t
  t=$(mktemp)
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$t" "$@" >/dev/null
    read -r s k <"$t"
    secs+=("$s"); kbs+=("$k")
  done
  rm -f "$t"
  local s k
  s=$(printf '%s\n' "${secs[@]}" | median)
  k=$(printf '%s\n' "${kbs[@]}" | median)
  echo "$label $s $k"
}

{
  measure raw "$B/examples/bench_ingest" raw "${FILES[@]}"
  measure raw-text "$B/examples/bench_ingest" raw-text "${FILES[@]}"
  measure ingest "$B/binance-forensics" inspect "${FILES[@]}"
  measure general-path "$B/examples/bench_ingest" general "${FILES[@]}"
} >"$DATA/results.txt"

bytes=$(cat "${FILES[@]}" | wc -c)
echo "Inputs: $TRADES trade rows + $STATEMENT statement rows, $((bytes / 1000000)) MB; median of $RUNS runs; $(nproc) cores"
echo
echo "| step | wall s | peak RSS MB | time vs raw | memory vs raw |"
echo "|---|---:|---:|---:|---:|"
awk 'NR==1 {rs=$2; rk=$3}
     {printf "| %s | %.2f | %.0f | %.2fx | %.2fx |\n", $1, $2, $3/1024, $2/rs, $3/rk}' "$DATA/results.txt"
