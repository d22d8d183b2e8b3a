#!/usr/bin/env bash
# Redis and PostgreSQL for n8n's queue mode (issue 7 §6), private to one e2e run:
# Debian's redis-server and postgresql, started on loopback on free non-default ports with
# their data, sockets, pid files and logs inside one project-local directory. System-wide
# services (the postgresql cluster "main", /var/run/postgresql, redis.service) are never
# started, stopped or changed.
#
#   services.sh install        apt-get install redis-server postgresql when missing (root; idempotent)
#   services.sh start DIR      initdb + start both under DIR, create n8n's role and database;
#                              writes DIR/env (sourceable: the DB_* and QUEUE_BULL_* variables of n8n)
#   services.sh stop DIR       stop both (fast shutdown), leave DIR for inspection
#   services.sh psql DIR SQL   run one SQL statement as n8n against its database (tuples only)
#   services.sh dump DIR FILE  plain-text pg_dump of n8n's database (for the secret scan)
#
# PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user
# (runuser), whose only files are under DIR/pg. Its socket lives in DIR/pg too, so it never
# meets a system cluster's /var/run/postgresql socket.
set -euo pipefail

# n8n's role and database (the password only guards a loopback port of a throwaway cluster).
PG_USER=n8n
PG_DB=n8n
PG_PASSWORD=n8n-e2e-queue

die() { echo "services.sh: $*" >&2; exit 1; }

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  return 1
}

have_all() { command -v redis-server >/dev/null && command -v redis-cli >/dev/null && pg_bindir >/dev/null; }

cmd_install() {
  if have_all; then
    echo "services.sh: redis-server and postgresql already installed"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "redis-server and postgresql are missing; install them as root: apt-get install redis-server postgresql"
  echo "services.sh: installing redis-server postgresql (apt-get)"
  # Debian's maintainer scripts start the services unless policy-rc.d forbids it; on a machine
  # without one (a CI VM) they would start the system cluster and redis.service. Forbid it for
  # this install only when there is no policy of the machine's own.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [[ -e "$policy" ]]; then own_policy=1; else printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; fi
  local rc=0
  { DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server postgresql; } || rc=$?
  [[ "$own_policy" == 1 ]] || rm -f "$policy"
  [[ "$rc" == 0 ]] || die "apt-get failed (exit $rc)"
  have_all || die "installed, but redis-server or PostgreSQL's initdb/pg_ctl are still missing"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# as_pg CMD...: run as the database's owner (postgres when we are root, else ourselves).
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cmd_start() {
  local dir="$1"
  have_all || die "redis-server/postgresql missing: run '$0 install' first"
  local bin; bin="$(pg_bindir)"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ ! -e "$dir/pg/data/postmaster.pid" ]] || die "$dir/pg already has a running server (postmaster.pid); stop it first"
  rm -rf "$dir/pg" "$dir/redis"
  mkdir -p "$dir/pg" "$dir/redis"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$dir/pg"
    # postgres must be able to reach its directory: every parent needs o+x (checked, not changed).
    runuser -u postgres -- test -w "$dir/pg" || die "the postgres user cannot reach $dir/pg (a parent directory lacks o+x)"
  fi
  chmod 700 "$dir/pg"
  local pg_port redis_port
  pg_port="$(free_port)"
  redis_port="$(free_port)"
  [[ "$pg_port" != "$redis_port" ]] || redis_port="$(free_port)"

  # --- PostgreSQL: a fresh cluster, loopback TCP + a socket in its own directory ---
  # Local (socket) connections trust the OS user (only postgres/root can open the directory);
  # TCP connections need the password.
  as_pg "$bin/initdb" -D "$dir/pg/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$dir/pg/initdb.log" 2>&1 \
    || { cat "$dir/pg/initdb.log" >&2; die "initdb failed"; }
  as_pg "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -c unix_socket_directories=$dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
    >"$dir/pg/pg_ctl.log" 2>&1 || { cat "$dir/pg/server.log" >&2 || true; die "PostgreSQL did not start"; }
  as_pg "$bin/psql" -h "$dir/pg" -p "$pg_port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE $PG_USER LOGIN PASSWORD '$PG_PASSWORD'" \
    -c "CREATE DATABASE $PG_DB OWNER $PG_USER" >"$dir/pg/setup.log" 2>&1 \
    || { cat "$dir/pg/setup.log" >&2; die "creating n8n's role and database failed"; }

  # --- Redis: loopback only, no persistence, its pid/log/dir under DIR ---
  redis-server --bind 127.0.0.1 --port "$redis_port" --protected-mode yes --daemonize yes \
    --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" \
    --save '' --appendonly no >/dev/null || die "redis-server did not start"
  local ok=0
  for _ in $(seq 100); do
    if [[ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" == PONG ]]; then ok=1; break; fi
    sleep 0.1
  done
  [[ "$ok" == 1 ]] || { cat "$dir/redis/redis.log" >&2 || true; die "redis-server did not answer PING"; }

  # n8n's variables (@n8n/config: DatabaseConfig / ScalingModeConfig).
  cat >"$dir/env" <<EOF
export DB_TYPE=postgresdb
export DB_POSTGRESDB_HOST=127.0.0.1
export DB_POSTGRESDB_PORT=$pg_port
export DB_POSTGRESDB_DATABASE=$PG_DB
export DB_POSTGRESDB_USER=$PG_USER
export DB_POSTGRESDB_PASSWORD=$PG_PASSWORD
export QUEUE_BULL_REDIS_HOST=127.0.0.1
export QUEUE_BULL_REDIS_PORT=$redis_port
export E2E_QUEUE_DIR=$dir
EOF
  echo "services.sh: PostgreSQL on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port (data in $dir)"
}

cmd_stop() {
  local dir="$1"
  [[ -d "$dir" ]] || return 0
  local bin
  if [[ -f "$dir/pg/data/postmaster.pid" ]] && bin="$(pg_bindir)"; then
    as_pg "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || echo "services.sh: pg_ctl stop failed (see $dir/pg/server.log)" >&2
  fi
  if [[ -f "$dir/redis/redis.pid" ]]; then
    local pid; pid="$(cat "$dir/redis/redis.pid")"
    # The pid file is ours; check it still names a redis-server before signalling it.
    if [[ "$pid" =~ ^[0-9]+$ ]] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/redis/redis.pid"
  fi
}

cmd_psql() {
  local dir="$1" sql="$2"
  # shellcheck disable=SC1091
  source "$dir/env"
  PGPASSWORD="$DB_POSTGRESDB_PASSWORD" "$(pg_bindir)/psql" -h 127.0.0.1 -p "$DB_POSTGRESDB_PORT" \
    -U "$DB_POSTGRESDB_USER" -d "$DB_POSTGRESDB_DATABASE" -v ON_ERROR_STOP=1 -qtA -c "$sql"
}

cmd_dump() {
  local dir="$1" file="$2"
  # shellcheck disable=SC1091
  source "$dir/env"
  PGPASSWORD="$DB_POSTGRESDB_PASSWORD" "$(pg_bindir)/pg_dump" -h 127.0.0.1 -p "$DB_POSTGRESDB_PORT" \
    -U "$DB_POSTGRESDB_USER" -d "$DB_POSTGRESDB_DATABASE" --no-owner -f "$file"
}

case "${1:-}" in
  install) cmd_install ;;
  start) [[ $# == 2 ]] || die "usage: $0 start DIR"; cmd_start "$2" ;;
  stop) [[ $# == 2 ]] || die "usage: $0 stop DIR"; cmd_stop "$2" ;;
  psql) [[ $# == 3 ]] || die "usage: $0 psql DIR SQL"; cmd_psql "$2" "$3" ;;
  dump) [[ $# == 3 ]] || die "usage: $0 dump DIR FILE"; cmd_dump "$2" "$3" ;;
  *) die "usage: $0 install | start DIR | stop DIR | psql DIR SQL | dump DIR FILE" ;;
esac
