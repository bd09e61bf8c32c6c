#!/bin/sh
# The local stack's PostgreSQL (StripeCdc__Sink=Postgres): a cluster made with initdb on first start, then the
# server in the foreground on 127.0.0.1:$PGPORT (the port Aspire allocated), trust authentication, TCP on
# loopback only (no Unix socket), so its log is the resource's console log in the dashboard.
#
#   postgres.sh <bin folder> [data folder]
#
# Without a data folder the cluster lives in a new temp folder that is removed once the server has stopped (each
# start is a fresh, empty server, like a container without a volume). A given data folder is kept and reused.
# A stop signal (TERM or INT) becomes Postgres's fast shutdown: clients are disconnected, the server exits at once.
set -eu

bin=$1
if [ $# -ge 2 ] && [ -n "$2" ]; then
  folder=$2
  temporary=false
  mkdir -p "$folder"
else
  # Temp clusters of earlier runs that were killed before they could remove their folder: launcher and server gone.
  for old in "${TMPDIR:-/tmp}"/stripecdc-postgres.*; do
    [ -f "$old/launcher.pid" ] || continue
    kill -0 "$(cat "$old/launcher.pid")" 2>/dev/null && continue
    [ -f "$old/data/postmaster.pid" ] && kill -0 "$(head -n 1 "$old/data/postmaster.pid")" 2>/dev/null && continue
    rm -rf "$old"
  done
  folder=$(mktemp -d "${TMPDIR:-/tmp}/stripecdc-postgres.XXXXXXXX")
  echo $$ > "$folder/launcher.pid"
  temporary=true
fi
data=$folder/data

# Postgres refuses to run as root; Debian's package has a postgres user for that. exec: run in the background, the
# command itself is the job (not a subshell that would ignore the signals passed on to it).
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then
    exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"
  else
    exec "$@"
  fi
}

if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$folder"
fi

if [ ! -s "$data/PG_VERSION" ]; then
  echo "initdb: a new cluster in $data"
  (as_server_user "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C --no-instructions)
fi

echo "postgres: listening on 127.0.0.1:$PGPORT, data in $data"
(as_server_user "$bin/postgres" -D "$data" -p "$PGPORT" -k '' -c listen_addresses=127.0.0.1) &
server=$!
trap 'kill -INT "$server" 2>/dev/null || true' INT TERM

# A trapped signal ends `wait` early: wait again until the server has really exited.
status=0
while :; do
  wait "$server" || status=$?
  kill -0 "$server" 2>/dev/null || break
done

if [ "$temporary" = true ]; then
  rm -rf "$folder"
fi
exit "$status"
