#!/usr/bin/env bash
# TPC-H over encrypted data vs the same data in plaintext files (DuckDB), one database at a time.
#
#   bench/tpch/run.sh                 # SF 1, 3 repeats -> bench/results/tpch-sf1.md and tpch-sf1.json
#   SF=5 REPEAT=3 bench/tpch/run.sh   # -> bench/results/tpch-sf5.md, .json
#   SF=0.1 REPEAT=2 PARTS=2 MEMORY_LIMIT=4GB bench/tpch/run.sh
#
# Builds the CLI in Release, creates a throwaway workspace (simulation mode), and runs `ppml tpch bench`, which
# generates the data twice (plain .tbl files and PPML containers) into a temporary directory, then runs the plain
# baseline, the encrypted run and the plain-through-PpmlContext run, each in a process of its own (order rotating per
# repeat), checks that all answers agree, and reports wall, CPU and peak-footprint medians and ratios. The report's
# header names the date, the commit and the machine. Needs about 2.3 GB of temporary disk per unit of SF.
set -euo pipefail

SF="${SF:-1}"
REPEAT="${REPEAT:-3}"
PARTS="${PARTS:-1}"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
REPORT="${REPORT:-$ROOT/bench/results/tpch-sf${SF}.md}"
JSON="${JSON:-${REPORT%.md}.json}"
MAX_RATIO="${MAX_RATIO:-}"
MEMORY_LIMIT="${MEMORY_LIMIT:-}"

dotnet build -c Release "$ROOT/src/Ppml.Cli" -nologo -v quiet
PPML="$ROOT/src/Ppml.Cli/bin/Release/net10.0/ppml"

WORK="$(mktemp -d -t ppml-tpch-bench-XXXXXX)"
trap 'rm -rf "$WORK" "$JSON.tmp"' EXIT
"$PPML" init --home "$WORK/.ppml" > /dev/null

commit="$(git -C "$ROOT" rev-parse --short HEAD)"
git -C "$ROOT" diff --quiet HEAD -- 'src/*.cs' 'src/*.csproj' 'src/*.sql' || commit="$commit + uncommitted code changes"
branch="$(git -C "$ROOT" rev-parse --abbrev-ref HEAD)"
memory="$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)"
note="Commit $commit on $branch; machine: $(nproc) cores, $memory of RAM."

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
args=(tpch bench --home "$WORK/.ppml" --sf "$SF" --repeat "$REPEAT" --parts "$PARTS" --work "$WORK" --report "$REPORT" --note "$note" --json)
if [[ -n "$MAX_RATIO" ]]; then
    args+=(--max-ratio "$MAX_RATIO")
fi

if [[ -n "$MEMORY_LIMIT" ]]; then
    args+=(--memory-limit "$MEMORY_LIMIT")
fi

"$PPML" "${args[@]}" > "$JSON.tmp"
mv "$JSON.tmp" "$JSON"
cat "$REPORT"
echo "JSON: $JSON" >&2
