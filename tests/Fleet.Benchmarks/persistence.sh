#!/usr/bin/env bash
# The persistence benchmark against a PostgreSQL of its own (installed if missing, started on a free port, stopped
# afterwards). FLEET_POSTGRES_DURABLE=1 runs the server with its default, durable settings instead of the tests'.
#   tests/Fleet.Benchmarks/persistence.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/servers.sh
trap stop_servers EXIT
start_servers
FLEET_BENCH_POSTGRES="$FLEET_TEST_POSTGRES" dotnet run -c Release --project tests/Fleet.Benchmarks -- --filter '*PersistenceBenchmarks*' "$@"
