#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer for the test suite.
#
# Uses the ones on the standard local ports when they answer; otherwise starts
# throwaway ones from the machine's binaries (installing them with apt-get when
# missing and running as root) on spare ports. Prints shell `export` lines for
# the caller to eval, and records what it started in var/test-services/started
# so that `scripts/test-services.sh stop` stops exactly those.
set -euo pipefail
cd "$(dirname "$0")/.."
state=var/test-services
mkdir -p "$state"

log() { echo "test-services: $*" >&2; }

pg_answers() { pg_isready -q -h 127.0.0.1 -p "$1" 2>/dev/null; }
redis_answers() { redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null | grep -q PONG; }

need_apt() {
  if [ "$(id -u)" != 0 ]; then
    log "$1 is missing and this user cannot install it; install it or start the service."
    exit 1
  fi
  log "installing $1 with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

stop() {
  if [ -f "$state/started" ]; then
    while read -r what; do
      case "$what" in
        postgres) runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$state/pgdata" -m fast stop >&2 || true ;;
        redis) redis-cli -h 127.0.0.1 -p 56379 shutdown nosave >&2 2>&1 || true ;;
      esac
    done < "$state/started"
    rm -f "$state/started"
  fi
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ "${1:-}" = "stop" ]; then stop; exit 0; fi

: > "$state/started.new"

# PostgreSQL
command -v pg_isready >/dev/null || need_apt postgresql postgresql-client
if pg_answers 5432; then
  pg_url="postgres://${PGUSER:-$(id -un)}@127.0.0.1:5432"
  # The local role may be missing (e.g. not root): fall back to postgres.
  psql "$pg_url/postgres" -qAtc 'select 1' >/dev/null 2>&1 || pg_url="postgres://postgres@127.0.0.1:5432"
elif pg_answers 55432; then
  pg_url="postgres://postgres@127.0.0.1:55432"
else
  [ -n "$(pg_bin)" ] || need_apt postgresql
  log "no PostgreSQL on 5432: starting a throwaway cluster on 55432"
  rm -rf "$state/pgdata"
  install -d -o postgres -g postgres "$state" "$state/pgdata" 2>/dev/null || chown postgres "$state"
  chown -R postgres "$state/pgdata"
  runuser -u postgres -- "$(pg_bin)/initdb" -D "$state/pgdata" -U postgres --auth=trust >/dev/null
  runuser -u postgres -- "$(pg_bin)/pg_ctl" -D "$state/pgdata" -l "$state/pgdata/log" -w \
    -o "-p 55432 -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
  echo postgres >> "$state/started.new"
  pg_url="postgres://postgres@127.0.0.1:55432"
fi

# Redis
command -v redis-server >/dev/null || need_apt redis-server
if redis_answers 6379; then
  redis_url="redis://127.0.0.1:6379"
elif redis_answers 56379; then
  redis_url="redis://127.0.0.1:56379"
else
  log "no Redis on 6379: starting a throwaway one on 56379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 56379 --save "" --appendonly no \
    --logfile "$PWD/$state/redis.log" >&2
  for _ in $(seq 50); do redis_answers 56379 && break; sleep 0.1; done
  echo redis >> "$state/started.new"
  redis_url="redis://127.0.0.1:56379"
fi

cat "$state/started.new" >> "$state/started"; rm -f "$state/started.new"
echo "export TEST_PG_URL='$pg_url' TEST_REDIS_URL='$redis_url'"
