#!/usr/bin/env bash
# Starts a private PostgreSQL server for the tests (Debian's postgresql package) in a fresh
# directory on a free loopback port below 32768, and prints the admin URL. Source-safe: only
# prints; the caller stops it with `pg_ctl -D "$dir/data" stop` (see scripts/test.sh).
# Usage: read -r PG_URL PG_DIR < <(bash scripts/postgres.sh)
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgbin" ] || { echo "error: PostgreSQL binaries not found (apt-get install postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/berkas-pg.XXXXXX)
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres:postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
port=25432
while (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
echo "postgres://postgres@127.0.0.1:$port/postgres $dir"
