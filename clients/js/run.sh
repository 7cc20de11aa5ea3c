#!/usr/bin/env bash
# Drive a live Clientele server through Medusa's own JS SDK (@medusajs/js-sdk 2.21.2).
#
#   clients/js/run.sh                 # both back-ends: sqlite, then postgres
#   clients/js/run.sh sqlite          # one back-end
#   clients/js/run.sh postgres
#
# For each back-end: a fresh database (a temporary SQLite file; or a new PostgreSQL database
# on $PGHOST:$PGPORT as $PGUSER, default 127.0.0.1:5432 postgres with trust auth, dropped
# afterwards), `clientele user create`, `clientele serve` on a free loopback port, then
# `node --test` (TAP output, ending in `# pass N` / `# fail N`) with CLIENTELE_URL set.
# Exits non-zero if any test failed on any back-end.
#
# The binary: $CLIENTELE_BIN, else target/release/clientele if present, else target/debug/clientele
# (relative to the repository root, two levels up from this script).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

if [[ -n ${CLIENTELE_BIN:-} ]]; then
  bin=$CLIENTELE_BIN
elif [[ -x $root/target/release/clientele ]]; then
  bin=$root/target/release/clientele
else
  bin=$root/target/debug/clientele
fi
[[ -x $bin ]] || { echo "run.sh: no clientele binary at $bin (build it, or set CLIENTELE_BIN)" >&2; exit 2; }

backends=("$@")
[[ ${#backends[@]} -gt 0 ]] || backends=(sqlite postgres)
for b in "${backends[@]}"; do
  [[ $b == sqlite || $b == postgres ]] || { echo "run.sh: unknown back-end '$b' (sqlite or postgres)" >&2; exit 2; }
done

pghost=${PGHOST:-127.0.0.1}
pgport=${PGPORT:-5432}
pguser=${PGUSER:-postgres}

echo "== npm ci ($here)"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

work=$(mktemp -d "${TMPDIR:-/tmp}/clientele-sdk.XXXXXX")
server_pid=""
pg_db=""

stop_server() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
drop_pg_db() {
  if [[ -n $pg_db ]]; then
    psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres \
      -c "DROP DATABASE IF EXISTS \"$pg_db\" WITH (FORCE)" >/dev/null 2>&1 || true
    pg_db=""
  fi
}
cleanup() {
  stop_server
  drop_pg_db
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close() })'
}
random_hex() {
  node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))'
}

# Prints how many distinct SDK methods the test processes called, from their coverage lines.
sdk_summary() {
  node -e '
    const fs = require("fs")
    const names = new Set()
    const file = process.argv[1]
    if (fs.existsSync(file)) {
      for (const line of fs.readFileSync(file, "utf8").split("\n")) {
        if (line.trim()) for (const n of JSON.parse(line)) names.add(n)
      }
    }
    const list = [...names].sort()
    console.log(`# sdk methods exercised (${process.argv[2]}): ${list.length}`)
    for (const n of list) console.log(`#   ${n}`)
  ' "$1" "$2"
}

declare -A result
failed=0

for backend in "${backends[@]}"; do
  echo
  echo "== back-end: $backend"
  case $backend in
    sqlite)
      database_url="sqlite://$work/$backend.db"
      ;;
    postgres)
      pg_db="clientele_sdk_$(date +%s)_$$"
      psql -q -h "$pghost" -p "$pgport" -U "$pguser" -d postgres -v ON_ERROR_STOP=1 \
        -c "CREATE DATABASE \"$pg_db\"" >/dev/null
      database_url="postgres://$pguser@$pghost:$pgport/$pg_db"
      ;;
  esac

  export DATABASE_URL=$database_url
  export JWT_SECRET COOKIE_SECRET
  JWT_SECRET=$(random_hex)
  COOKIE_SECRET=$(random_hex)
  log=$work/$backend-server.log

  "$bin" user create -e admin@example.com -p supersecret >"$work/$backend-user.log" 2>&1 \
    || { cat "$work/$backend-user.log" >&2; echo "run.sh: clientele user create failed" >&2; exit 1; }

  port=$(free_port)
  url="http://127.0.0.1:$port"
  "$bin" serve --listen "127.0.0.1:$port" >"$log" 2>&1 &
  server_pid=$!

  up=0
  for _ in $(seq 1 150); do
    if curl -fsS "$url/health" >/dev/null 2>&1; then up=1; break; fi
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.2
  done
  if [[ $up != 1 ]]; then
    if kill -0 "$server_pid" 2>/dev/null; then
      echo "run.sh: $bin did not answer GET $url/health within 30 s; its log:" >&2
    else
      status=0
      wait "$server_pid" || status=$?
      server_pid=""
      echo "run.sh: $bin serve exited (status $status) before answering GET /health; its log:" >&2
    fi
    tail -n 30 "$log" >&2
    exit 1
  fi
  echo "== clientele serving $url ($database_url)"

  coverage=$work/$backend-sdk-coverage.jsonl
  : >"$coverage"
  set +e
  (cd "$here" && CLIENTELE_URL=$url SDK_COVERAGE_FILE=$coverage \
    node --test --test-reporter=tap)
  rc=$?
  set -e

  stop_server
  drop_pg_db

  sdk_summary "$coverage" "$backend"
  if [[ $rc == 0 ]]; then
    result[$backend]=pass
  else
    result[$backend]="FAIL (node --test exit $rc)"
    failed=1
    if grep -qE '"level":"(ERROR|WARN)"' "$log"; then
      echo "# server warnings/errors ($backend):"
      grep -E '"level":"(ERROR|WARN)"' "$log" | tail -n 20 | sed 's/^/#   /'
    fi
  fi
done

echo
for backend in "${backends[@]}"; do
  echo "== $backend: ${result[$backend]}"
done
exit "$failed"
