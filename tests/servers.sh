# Installs (when missing), starts and stops the servers the integration tests run against: PostgreSQL and Azurite,
# on loopback, on free ports, in throwaway directories. Sourced by tests/run.sh; a developer can source it too:
#   source tests/servers.sh && start_servers && echo "$FLEET_TEST_POSTGRES"   ...   stop_servers
# It exports FLEET_TEST_POSTGRES, FLEET_TEST_TABLES and FLEET_TEST_CHROMIUM for the tests.

SERVERS_DIR=""
PG_BIN=""

# A port nobody listens on (bash's /dev/tcp connects only if something does).
free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$(( 20000 + RANDOM % 20000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_postgres() {
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$PG_BIN" ]; then
    echo "== installing PostgreSQL (apt-get)"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
}

ensure_azurite() {
  if [ ! -x node_modules/.bin/azurite-table ]; then
    if ! command -v npm >/dev/null; then
      echo "== installing Node.js and npm (apt-get)"
      as_root apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
    fi
    echo "== installing Azurite (npm ci)"
    npm ci --no-audit --no-fund --silent >/dev/null
  fi
}

# The dashboard tests drive the system Chromium (Playwright cannot download browsers here).
ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    echo "== installing Chromium (apt-get)"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
  fi
  export FLEET_TEST_CHROMIUM=/usr/bin/chromium
}

# The azd hook that writes the dashboard's Static Web Apps files builds its JSON with jq; its tests run it.
ensure_jq() {
  if ! command -v jq >/dev/null; then
    echo "== installing jq (apt-get)"
    as_root apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq jq >/dev/null
  fi
}

# PostgreSQL refuses to run as root, so the cluster belongs to the postgres user when we are root.
start_postgres() {
  local port data socket run_as=()
  port=$(free_port) || return 1
  data="$SERVERS_DIR/postgres"
  socket="$SERVERS_DIR/socket"
  mkdir -p "$data" "$socket"
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$SERVERS_DIR"
    run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >"$SERVERS_DIR/initdb.log" 2>&1 || {
    cat "$SERVERS_DIR/initdb.log" >&2
    return 1
  }
  # The tests' data is throwaway: durability settings that cost time buy nothing there. Benchmarks can ask for the
  # server's defaults (FLEET_POSTGRES_DURABLE=1), which flush every commit to disk as production does.
  local durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  if [ "${FLEET_POSTGRES_DURABLE:-0}" = 1 ]; then durability=""; fi
  "${run_as[@]}" "$PG_BIN/pg_ctl" -D "$data" -l "$SERVERS_DIR/postgres.log" -w -t 60 \
    -o "-k $socket -p $port -h 127.0.0.1 $durability -c max_connections=200" \
    start >/dev/null || {
    cat "$SERVERS_DIR/postgres.log" >&2
    return 1
  }
  export FLEET_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
}

start_azurite() {
  local port
  port=$(free_port) || return 1
  node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$port" --location "$SERVERS_DIR/azurite" \
    --silent --skipApiVersionCheck --disableTelemetry >"$SERVERS_DIR/azurite.log" 2>&1 &
  echo $! >"$SERVERS_DIR/azurite.pid"
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      export FLEET_TEST_TABLES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
      return 0
    fi
    sleep 0.1
  done
  cat "$SERVERS_DIR/azurite.log" >&2
  return 1
}

start_servers() {
  SERVERS_DIR=$(mktemp -d /tmp/fleet-servers.XXXXXX)
  chmod 755 "$SERVERS_DIR"
  ensure_postgres && ensure_azurite && ensure_chromium && ensure_jq && start_postgres && start_azurite
}

stop_servers() {
  [ -n "$SERVERS_DIR" ] && [ -d "$SERVERS_DIR" ] || return 0
  if [ -f "$SERVERS_DIR/azurite.pid" ]; then
    kill "$(cat "$SERVERS_DIR/azurite.pid")" 2>/dev/null || true
  fi
  if [ -f "$SERVERS_DIR/postgres/postmaster.pid" ]; then
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$SERVERS_DIR/postgres" -m immediate stop >/dev/null 2>&1 || true
    else
      "$PG_BIN/pg_ctl" -D "$SERVERS_DIR/postgres" -m immediate stop >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$SERVERS_DIR"
  SERVERS_DIR=""
}
