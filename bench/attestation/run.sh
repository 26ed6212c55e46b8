#!/usr/bin/env bash
# The one-time cost of attestation at workload start: the same workload run attested (KMS server on loopback, a key
# whose release policy names the signed ppml; the session measures the application, attests, and takes only released
# keys) and unattested (the workspace's embedded file: KMS), alternating, in fresh processes.
#
#   bench/attestation/run.sh                    # TPC-H SF 0.1 (22 queries) and one LeNet epoch on MNIST
#   SF=0.01 MNIST=src/Ppml.Quickstart/Resources/mnist-sample REPEAT=1 bench/attestation/run.sh
#
# Prints one markdown table (wall seconds, median of REPEAT) and the attestation lines the sessions printed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SF="${SF:-0.1}"
REPEAT="${REPEAT:-2}"
MNIST="${MNIST:-$ROOT/tests/data/data/mnist}"
dotnet build -c Release "$ROOT/src/Ppml.Cli" -nologo -v quiet >/dev/null
PPML="$ROOT/src/Ppml.Cli/bin/Release/net10.0/ppml"

WORK="$(mktemp -d -t ppml-attest-bench-XXXXXX)"
SERVER_PID=""
cleanup() { [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"
"$PPML" init --home .ppml >/dev/null 2>&1
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
URL="https://127.0.0.1:$PORT"
"$PPML" kms serve --home .ppml --urls "$URL" --store store >server.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do [[ -f store/admin.apikey ]] && curl -sk "$URL/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
ADMIN=(--kms "$URL" --api-key-file store/admin.apikey)
MRENCLAVE="$(python3 -c 'import json; print(json.load(open(".ppml/enclave/ppml.sig.json"))["mrEnclave"])')"
echo "{\"sgx\": {\"mrEnclave\": [\"$MRENCLAVE\"]}}" > appraisal.json
echo "{\"policyId\": \"ppml\", \"allowSimulation\": true, \"mrEnclave\": [\"$MRENCLAVE\"]}" > release.json
"$PPML" kms policy set ppml --file appraisal.json "${ADMIN[@]}" >/dev/null
"$PPML" kms app create analytics --out analytics.apikey "${ADMIN[@]}" >/dev/null
"$PPML" kms key create guarded --release-policy release.json --allow-app analytics "${ADMIN[@]}" >/dev/null
WORKLOAD=(--kms "$URL" --api-key-file analytics.apikey)

"$PPML" tpch gen --sf "$SF" --out tpch-attested --encrypt --key guarded "${ADMIN[@]}" >/dev/null 2>&1
"$PPML" tpch gen --sf "$SF" --out tpch-local --encrypt --home .ppml >/dev/null 2>&1
"$PPML" encrypt --in "$MNIST" --out mnist-attested --key guarded "${ADMIN[@]}" >/dev/null 2>&1
"$PPML" encrypt --in "$MNIST" --out mnist-local --home .ppml >/dev/null 2>&1

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>>runs.log; end=$(date +%s.%N); python3 -c "print(f'{$end - $start:.2f}')"; }
median() { python3 -c "import statistics,sys; print(f'{statistics.median(map(float, sys.argv[1:])):.2f}')" "$@"; }
declare -a TA TL LA LL
for i in $(seq 1 "$REPEAT"); do
  TL+=("$(seconds "$PPML" tpch run --data tpch-local --home .ppml)")
  TA+=("$(seconds "$PPML" tpch run --data tpch-attested --home .ppml "${WORKLOAD[@]}")")
  LA+=("$(seconds "$PPML" train lenet --data mnist-attested --epochs 1 --out "m-a-$i.ppml" --key guarded --home .ppml "${WORKLOAD[@]}")")
  LL+=("$(seconds "$PPML" train lenet --data mnist-local --epochs 1 --out "m-l-$i.ppml" --home .ppml)")
done
ta=$(median "${TA[@]}"); tl=$(median "${TL[@]}"); la=$(median "${LA[@]}"); ll=$(median "${LL[@]}")
echo "| workload | unattested (file KMS) s | attested (KMS server, simulation) s | ratio | extra s |"
echo "|---|---|---|---|---|"
python3 - "$tl" "$ta" "$ll" "$la" "$SF" <<'PY'
import sys
tl, ta, ll, la, sf = map(float, sys.argv[1:6])
print(f"| TPC-H SF {sys.argv[5]}, 22 queries | {tl:.2f} | {ta:.2f} | {ta/tl:.3f} | {ta-tl:+.2f} |")
print(f"| LeNet-5, 1 epoch | {ll:.2f} | {la:.2f} | {la/ll:.3f} | {la-ll:+.2f} |")
PY
echo
grep -h "^Attested" runs.log | sed 's/ data keys are released.*//' | sort | uniq -c | head -8
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
