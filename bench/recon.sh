#!/usr/bin/env sh
# Reconciliation benchmark (issue 4): generate a 1,000,000-row transaction
# statement with daily balances, then time ingest+normalize, the book of
# record and the reconciliation (release build). Pass a row count to change it.
#   bench/recon.sh            # 1,000,000 rows
#   bench/recon.sh 200000
set -eu
cd "$(dirname "$0")/.."
exec cargo bench --locked --bench recon -- "${1:-1000000}"
