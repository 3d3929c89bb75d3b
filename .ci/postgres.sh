#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: a fresh cluster
# in a temporary directory, on 127.0.0.1:$TESSERA_PG_PORT (default 54329),
# trust authentication on loopback only. Run as root it runs the server as
# the `postgres` user (from Debian's `postgresql` package); otherwise as you.
#
#   bash .ci/postgres.sh start     # prints the URL to export as TESSERA_TEST_POSTGRES
#   bash .ci/postgres.sh restart   # fast restart (the tests' "server restarted" case)
#   bash .ci/postgres.sh stop
#
# With TESSERA_PG_SSL_DIR (a folder with server.pem and server.key) the
# server takes TLS connections only (hostssl; plain TCP is rejected), for
# the tests of the ledger over verified TLS (app/tests/postgres_tls.rs).
set -euo pipefail

port="${TESSERA_PG_PORT:-54329}"
data="${TESSERA_PG_DIR:-/tmp/tessera-pg-$port}"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
  echo "error: PostgreSQL is not installed (Debian: apt-get install postgresql)" >&2
  exit 1
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    su postgres -s /bin/sh -c "$*"
  else
    sh -c "$*"
  fi
}

pg_ctl() {
  as_owner "'$bin/pg_ctl' -D '$data' -l '$data/server.log' -w $*"
}

case "${1:-}" in
  start)
    if [ -f "$data/postmaster.pid" ] && pg_ctl status >/dev/null 2>&1; then
      echo "postgres://postgres@127.0.0.1:$port/postgres"
      exit 0
    fi
    rm -rf "$data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres: "$data"
    as_owner "'$bin/initdb' -D '$data' -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync" >/dev/null
    ssl=""
    if [ -n "${TESSERA_PG_SSL_DIR:-}" ]; then
      cp "$TESSERA_PG_SSL_DIR/server.pem" "$TESSERA_PG_SSL_DIR/server.key" "$data/"
      chmod 600 "$data/server.key"
      [ "$(id -u)" = 0 ] && chown postgres: "$data/server.pem" "$data/server.key"
      ssl="-c ssl=on -c ssl_cert_file='$data/server.pem' -c ssl_key_file='$data/server.key'"
      # TLS or nothing over TCP (the socket stays for the owner).
      { echo "hostnossl all all 0.0.0.0/0 reject"; echo "hostnossl all all ::/0 reject"; cat "$data/pg_hba.conf"; } > "$data/pg_hba.new"
      mv "$data/pg_hba.new" "$data/pg_hba.conf"
      [ "$(id -u)" = 0 ] && chown postgres: "$data/pg_hba.conf"
    fi
    pg_ctl -o "\"-p $port -k '$data' -c listen_addresses=127.0.0.1 -c max_connections=100 $ssl\"" start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  restart)
    pg_ctl -m fast restart >/dev/null
    ;;
  stop)
    if [ -d "$data" ]; then
      pg_ctl -m fast stop >/dev/null 2>&1 || true
      rm -rf "$data"
    fi
    ;;
  *)
    echo "usage: $0 start|restart|stop" >&2
    exit 2
    ;;
esac
