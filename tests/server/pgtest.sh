#!/bin/bash
# pgtest.sh start|stop STATE: a throwaway PostgreSQL for the tests.
# pgtest.sh createdb|dropdb STATE NAME: a database on it (for tests that
# are not C, e.g. the browser tests' harness.mjs).
#
# start: initdb (Debian's PostgreSQL 15) into a new temporary directory,
# pg_ctl start listening only on a Unix socket in that directory, and write
# the directory's path to STATE/host; the tests connect to
# postgresql:///DB?host=$(cat STATE/host)&user=kiosk (trust on the socket
# only, in a directory (mode 700) that only its owner and root can enter). As root (CI),
# the cluster runs as the unprivileged user "nobody" and owns its
# directory. stop: pg_ctl stop and remove it all. createdb: drop database
# NAME if it is there and create it empty, printing its postgresql:// URI
# (as pgtest.c's pgtest_fresh does); dropdb: drop it (its connections
# closed).
#
# Failing to start is an error, never a skip: the PostgreSQL tests depend
# on this fixture and fail with it.
set -euo pipefail
cmd=${1:?usage: pgtest.sh start|stop STATE, or createdb|dropdb STATE NAME}
state=${2:?usage: pgtest.sh start|stop STATE, or createdb|dropdb STATE NAME}
pgbin=${KIOSK_PG_BIN:-}
if [ -z "$pgbin" ]; then
  for v in 17 16 15; do
    if [ -x "/usr/lib/postgresql/$v/bin/initdb" ]; then
      pgbin=/usr/lib/postgresql/$v/bin
      break
    fi
  done
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u nobody -- "$@"
  else
    "$@"
  fi
}

stop() {
  [ -f "$state/host" ] || return 0
  local dir
  dir=$(cat "$state/host")
  if [ -d "$dir/data" ] && [ -n "$pgbin" ]; then
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  case "$dir" in /tmp/kiosk-pg.*) rm -rf -- "$dir" ;; esac
  rm -f "$state/host"
}

# The socket directory start wrote, or fail saying the fixture is missing.
socket_dir() {
  if [ ! -s "$state/host" ]; then
    echo "pgtest: $state/host missing: the PostgreSQL fixture (pgtest.sh start) did not run or failed" >&2
    exit 1
  fi
  cat "$state/host"
}

# Runs one SQL statement on the cluster's postgres database.
admin_sql() {
  local dir=$1 sql=$2
  if [ -z "$pgbin" ] || [ ! -x "$pgbin/psql" ]; then
    echo "pgtest: PostgreSQL's psql not found (install the postgresql package: scripts/deps/test-pg.list)" >&2
    exit 1
  fi
  if ! PGOPTIONS="-c client_min_messages=warning" "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 \
        "postgresql:///postgres?host=$dir&user=kiosk" -c "$sql" >/dev/null; then
    echo "pgtest: PostgreSQL at $dir does not answer or refused: $sql" >&2
    exit 1
  fi
}

case "$cmd" in
createdb|dropdb)
  name=${3:?usage: pgtest.sh $cmd STATE NAME}
  case "$name" in
    *[!a-z0-9_]* | [!a-z]*)
      echo "pgtest: a database name is a-z, 0-9 and _, starting with a letter: $name" >&2
      exit 2 ;;
  esac
  dir=$(socket_dir)
  admin_sql "$dir" "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
  if [ "$cmd" = createdb ]; then
    admin_sql "$dir" "CREATE DATABASE \"$name\""
    echo "postgresql:///$name?host=$dir&user=kiosk"
  fi
  ;;
start)
  if [ -z "$pgbin" ]; then
    echo "pgtest: PostgreSQL's initdb not found (install the postgresql package: scripts/deps/test-pg.list)" >&2
    exit 1
  fi
  mkdir -p "$state"
  stop
  dir=$(mktemp -d /tmp/kiosk-pg.XXXXXX)
  chmod 700 "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown nobody "$dir"
  fi
  if ! as_owner "$pgbin/initdb" -D "$dir/data" --username=kiosk --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    echo "pgtest: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    rm -rf -- "$dir"
    exit 1
  fi
  if ! as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c shared_buffers=32MB" \
        start >/dev/null; then
    echo "pgtest: PostgreSQL did not start:" >&2
    cat "$dir/server.log" >&2 || true
    rm -rf -- "$dir"
    exit 1
  fi
  echo "$dir" >"$state/host"
  echo "pgtest: PostgreSQL running in $dir"
  ;;
stop)
  stop
  ;;
*)
  echo "usage: pgtest.sh start|stop STATE, or createdb|dropdb STATE NAME" >&2
  exit 2
  ;;
esac
