#!/usr/bin/env bash
# TPC-H over encrypted data vs the same data in plaintext files (DuckDB), in one process.
#
#   bench/tpch/run.sh                 # SF 1, 3 repeats -> bench/results/tpch-sf1.md
#   SF=0.1 REPEAT=2 PARTS=2 bench/tpch/run.sh
#
# Builds the CLI in Release, creates a throwaway workspace (simulation mode), and runs `ppml tpch bench`, which
# generates the data twice (plain .tbl files and PPML containers) into a temporary directory, runs the plain
# baseline, the encrypted run and the plain-through-PpmlContext run in alternating order, checks that all answers
# agree, and prints (and writes) the markdown table. Needs about 2.3 GB of temporary disk and 4 GB of RAM at SF 1.
set -euo pipefail

SF="${SF:-1}"
REPEAT="${REPEAT:-3}"
PARTS="${PARTS:-1}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
REPORT="${REPORT:-$ROOT/bench/results/tpch-sf${SF}.md}"
MAX_RATIO="${MAX_RATIO:-}"

dotnet build -c Release "$ROOT/src/Ppml.Cli" -nologo -v quiet
PPML="$ROOT/src/Ppml.Cli/bin/Release/net10.0/ppml"

WORK="$(mktemp -d -t ppml-tpch-bench-XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
"$PPML" init --home "$WORK/.ppml" > /dev/null

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
args=(tpch bench --home "$WORK/.ppml" --sf "$SF" --repeat "$REPEAT" --parts "$PARTS" --work "$WORK" --report "$REPORT")
if [[ -n "$MAX_RATIO" ]]; then
    args+=(--max-ratio "$MAX_RATIO")
fi

"$PPML" "${args[@]}"
