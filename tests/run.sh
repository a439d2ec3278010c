#!/usr/bin/env bash
# The one test command (README and .ci/run call it): builds everything in Release, compiles and lints the Bicep under
# infra/, installs (when missing) and starts PostgreSQL and Azurite on loopback for the integration tests, runs every
# test project, stops the servers, prints "N passed, N failed, N skipped" whatever happens, and exits non-zero on any
# failure.
set -uo pipefail

cd "$(dirname "$0")/.."
source tests/servers.sh
results=$(mktemp -d)
status=0
summary_printed=false

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# An SDK installed without libicu (tarball, dotnet-install) aborts at start-up otherwise; the projects are invariant too.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1

# Sums a counter over every results file; test runs that produced none count for nothing here and fail below.
count() {
  local total=0 file value
  for file in "$results"/*.trx; do
    [ -f "$file" ] || continue
    for value in $(grep -o "<Counters [^>]*" "$file" | grep -o " $1=\"[0-9]*\"" | grep -o "[0-9]*"); do
      total=$((total + value))
    done
  done
  echo "$total"
}

finish() {
  stop_servers
  summarise
}

summarise() {
  if [ "$summary_printed" = false ]; then
    summary_printed=true
    local failed=$(( $(count failed) + $(count error) + $(count timeout) + $(count aborted) ))
    echo "$(count passed) passed, $failed failed, $(count notExecuted) skipped"
  fi
  rm -rf "$results"
}
trap finish EXIT

echo "== build (Release)"
if ! dotnet build FleetFunctions.sln -c Release --nologo -v quiet -clp:ErrorsOnly; then
  echo "FAILED: the build" >&2
  exit 1
fi

# The Bicep CLI comes as a NuGet package (tests/infra/BicepCli.proj only downloads it). Every template under infra/
# is compiled and linted with infra/bicepconfig.json; both commands exit 0 on warnings and print every finding, so any
# line they print fails the run. FLEET_TEST_BICEP tells the tests where the binary is.
check_bicep() {
  local version packages bicep out diagnostics
  version=$(sed -n 's|.*<BicepVersion>\(.*\)</BicepVersion>.*|\1|p' tests/infra/BicepCli.proj)
  echo "== infra (Bicep $version: build and lint)"
  if ! diagnostics=$(dotnet restore tests/infra/BicepCli.proj --nologo -v quiet 2>&1); then
    echo "$diagnostics" >&2
    echo "FAILED: could not get the Bicep CLI $version" >&2
    return 1
  fi
  packages=$(dotnet nuget locals global-packages --list | sed -n 's/^global-packages: //p')
  bicep="${packages%/}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
  chmod +x "$bicep" || return 1
  export FLEET_TEST_BICEP="$bicep"
  out=$(mktemp -d)
  diagnostics=$( { "$bicep" build --pattern 'infra/**/*.bicep' --outdir "$out" && "$bicep" lint --pattern 'infra/**/*.bicep'; } 2>&1 )
  local exit_code=$?
  rm -rf "$out"
  if [ "$exit_code" -ne 0 ] || [ -n "$diagnostics" ]; then
    # A module's findings are printed once per template that uses it.
    echo "$diagnostics" | sort -u >&2
    echo "FAILED: the Bicep templates do not build and lint clean" >&2
    return 1
  fi
}
check_bicep || status=1

# The Functions app needs packages the CI feed lacks (../shared/reference/packages.md). Missing packages are reported
# in one SKIPPED line; anything else (a compile error where the packages exist) fails the run.
echo "== Fleet.Functions"
functions_log=$(mktemp)
if dotnet restore functions/Fleet.Functions/Fleet.Functions.csproj --nologo -v quiet > "$functions_log" 2>&1; then
  if ! dotnet build functions/Fleet.Functions/Fleet.Functions.csproj -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly; then
    echo "FAILED: Fleet.Functions does not build" >&2
    status=1
  fi
elif grep -qE "error NU110[12]" "$functions_log" && ! grep -E "error " "$functions_log" | grep -qvE "error NU110[12]"; then
  echo "SKIPPED Fleet.Functions: packages missing from the feed ($(grep -oE "Unable to find package [^ ]+" "$functions_log" | sed -e 's/Unable to find package //' -e 's/\.$//' | sort -u | paste -sd, -))"
else
  cat "$functions_log" >&2
  echo "FAILED: Fleet.Functions restore" >&2
  status=1
fi
rm -f "$functions_log"

echo "== servers (PostgreSQL, Azurite)"
if ! start_servers; then
  # The integration tests then fail too (they never skip), but the cause is said here first.
  echo "FAILED: could not start PostgreSQL and Azurite" >&2
  status=1
fi

for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  if ! dotnet test "$project" -c Release --no-build --nologo -v quiet \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" --results-directory "$results"; then
    echo "FAILED: $name" >&2
    status=1
  fi
  if [ ! -f "$results/$name.trx" ]; then
    echo "FAILED: $name produced no results (did the test host crash?)" >&2
    status=1
  fi
done

exit "$status"
