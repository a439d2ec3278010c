#!/usr/bin/env bash
# The reliability experiments of docs/RELIABILITY.md, on demand (tests/run.sh does not run them):
#   tests/reliability/run.sh [experiment ...|all] [--quick] [options]
# Experiments: pg-fast-stop pg-kill pg-restart azurite-kill host-kill host-kill-pg-down soak (default: all).
# Options (rate, durations, output directory...): tests/reliability/run.sh --help
# Builds the solution in Release, installs PostgreSQL (apt) and Azurite (npm ci) when missing, as tests/servers.sh does,
# then runs tests/Fleet.Reliability, which starts its own servers and the host on free loopback ports, stops them,
# prints one markdown results table and writes it to <out>/results.md (default artifacts/reliability/<time>/).
set -euo pipefail

cd "$(dirname "$0")/../.."
source tests/servers.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
    echo
    FLEET_RELIABILITY_HELP=1
  fi
done

# The harness writes its results (and the ids of the processes it runs) under --out; choose it here so that the
# processes of a harness that was itself killed can still be ended below.
out=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--out" ] && [ $((i + 1)) -lt ${#args[@]} ]; then out="${args[$((i + 1))]}"; fi
done
if [ -z "$out" ]; then
  out="artifacts/reliability/$(date -u +%Y%m%d-%H%M%S)"
  args+=("--out" "$out")
fi

# Ends what a harness killed before its own cleanup left running: each line of the manifest is "pid marker", and a
# pid is ended only while its command line still holds the marker (a reused pid belongs to someone else).
leftovers() {
  local manifest="$out/processes.running" pid marker
  [ -f "$manifest" ] || return 0
  while read -r pid marker; do
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
    if tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$marker"; then
      echo "ending leftover process $pid" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  done <"$manifest"
  # PostgreSQL clusters are in the harness's temporary directory; their postmasters are children of nobody here.
  for pidfile in /tmp/fleet-reliability-*/*/postgres/data/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    local owner="${pidfile#/tmp/fleet-reliability-}"
    owner="${owner%%/*}"
    if [ ! -d "/proc/$owner" ]; then
      pid=$(head -n 1 "$pidfile")
      echo "ending leftover PostgreSQL $pid" >&2
      kill -9 "$pid" 2>/dev/null || true
      rm -rf "/tmp/fleet-reliability-$owner"
    fi
  done
  rm -f "$manifest"
}

if [ -z "${FLEET_RELIABILITY_HELP:-}" ]; then
  ensure_postgres
  ensure_azurite
  export FLEET_PG_BIN="$PG_BIN"
  echo "== build (Release)"
  dotnet build FleetFunctions.sln -c Release --nologo -v quiet -clp:ErrorsOnly
fi

trap leftovers EXIT
# The harness handles SIGINT itself (it cleans up, then reports what it measured); the shell only waits for it.
trap 'true' INT
dotnet tests/Fleet.Reliability/bin/Release/net10.0/Fleet.Reliability.dll "${args[@]}"
