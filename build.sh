#!/usr/bin/env bash
# One entry point for people and CI.
#   ./build.sh test        install what the tests need, build, run every test (CI=true: skips fail)
#   ./build.sh quickstart  run `ppml quickstart` (the whole tour, no network)
#   ./build.sh bench ARGS  run BenchmarkDotNet (e.g. --filter '*Container*'); CI runs only `--job dry`
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use (real servers and interop tools run on loopback only).
REQUIRED_PACKAGES=(openssl)
REQUIRED_COMMANDS=(openssl)

install_prerequisites() {
  local missing=()
  for i in "${!REQUIRED_COMMANDS[@]}"; do
    command -v "${REQUIRED_COMMANDS[$i]}" >/dev/null 2>&1 || missing+=("${REQUIRED_PACKAGES[$i]}")
  done
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "build.sh: please install: ${missing[*]}" >&2
    return 1
  fi
  echo "build.sh: installing ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

run_tests() {
  install_prerequisites
  dotnet build Ppml.slnx -c Release -nologo -clp:ErrorsOnly
  local extra=()
  if [ "${CI:-}" = "true" ]; then extra+=(--fail-skips on); fi
  local log
  log=$(mktemp)
  set +e
  dotnet test --solution Ppml.slnx -c Release --no-build --minimum-expected-tests 1 "${extra[@]}" 2>&1 | tee "$log"
  local status=${PIPESTATUS[0]}
  set -e
  # One closing line that any reader understands.
  local total failed passed skipped
  total=$(grep -E '^\s*total:' "$log" | tail -1 | awk '{print $2}')
  failed=$(grep -E '^\s*failed:' "$log" | tail -1 | awk '{print $2}')
  passed=$(grep -E '^\s*succeeded:' "$log" | tail -1 | awk '{print $2}')
  skipped=$(grep -E '^\s*skipped:' "$log" | tail -1 | awk '{print $2}')
  rm -f "$log"
  echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
  if [ "$status" -ne 0 ]; then return "$status"; fi
  if [ "${total:-0}" -eq 0 ]; then echo "build.sh: no tests ran" >&2; return 1; fi
}

case "${1:-test}" in
  test) run_tests ;;
  quickstart) shift; dotnet run --project src/Ppml.Cli -c Release -- quickstart "$@" ;;
  bench) shift; dotnet run --project bench/Ppml.Benchmarks -c Release -- "$@" ;;
  *) echo "usage: ./build.sh [test|quickstart|bench ARGS]" >&2; exit 2 ;;
esac
