#!/usr/bin/env bash
# The one test command (README and .ci/run call it): builds everything in Release, runs every test project, prints
# "N passed, N failed, N skipped", and exits non-zero on any failure.
set -euo pipefail

cd "$(dirname "$0")/.."
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

echo "== build (Release)"
dotnet build FleetFunctions.sln -c Release --nologo -v quiet -clp:ErrorsOnly

failed_projects=()
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build --nologo -v quiet \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results"; then
    failed_projects+=("$name")
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "$name produced no results (the test host crashed?)" >&2
    failed_projects+=("$name")
  fi
done

count() { cat "$results"/*.trx 2>/dev/null | grep -o "<Counters [^>]*" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*" | awk '{ s += $1 } END { print s + 0 }'; }
passed=$(count passed); failed=$(count failed); skipped=$(count notExecuted)
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"

if [ "${#failed_projects[@]}" -gt 0 ] || [ "${failed:-0}" -ne 0 ]; then
  echo "FAILED: ${failed_projects[*]:-}" >&2
  exit 1
fi
