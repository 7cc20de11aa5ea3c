#!/usr/bin/env bash
# Fuzz the API with schemathesis against the served /openapi.json, as an admin, on each back-end:
# no response may be a 5xx, and every documented response must match its schema.
#
#   scripts/fuzz.sh [sqlite|postgres ...]     (default: both; FUZZ_EXAMPLES per operation, default 45)
#
# Uses the release binary (CLIENTELE_BIN to override) and PostgreSQL at $PGHOST:$PGPORT (default
# 127.0.0.1:5432, user postgres). Fails unless at least FUZZ_MIN_REQUESTS (default 2000) requests
# were generated in total, all passing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CLIENTELE_BIN:-$root/target/release/clientele}
examples=${FUZZ_EXAMPLES:-45}
minimum=${FUZZ_MIN_REQUESTS:-2000}
venv=$root/target/fuzz-venv
if [[ ! -x $venv/bin/st ]]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/scripts/fuzz-requirements.txt"
fi
backends=("$@")
[[ ${#backends[@]} -gt 0 ]] || backends=(sqlite postgres)
work=$(mktemp -d)
server=""
pg_db=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [[ -n $pg_db ]] && psql -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d postgres \
    -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
total=0
for backend in "${backends[@]}"; do
  if [[ $backend == sqlite ]]; then
    export DATABASE_URL="sqlite://$work/fuzz.db"
  else
    pg_db="clientele_fuzz_$$"
    psql -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d postgres -c "CREATE DATABASE $pg_db" >/dev/null
    export DATABASE_URL="postgres://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:${PGPORT:-5432}/$pg_db"
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$bin" user create -e fuzz@example.com -p fuzz-password >/dev/null
  # generous login limits: the fuzzer logs in with nonsense thousands of times
  LOGIN_MAX_FAILURES=1000000 LOGIN_MAX_FAILURES_PER_ADDRESS=1000000 "$bin" serve --listen "127.0.0.1:$port" 2>"$work/server-$backend.log" &
  server=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
  token=$(curl -fs -X POST "http://127.0.0.1:$port/auth/user/emailpass" -H 'content-type: application/json' \
    -d '{"email":"fuzz@example.com","password":"fuzz-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  echo "fuzzing $backend ($examples examples per operation)"
  status=0
  "$venv/bin/st" run "http://127.0.0.1:$port/openapi.json" -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,fuzzing --max-examples "$examples" -w 2 --no-color >"$work/st-$backend.txt" 2>&1 || status=$?
  if [[ $status -eq 0 ]]; then tail -8 "$work/st-$backend.txt"; else cat "$work/st-$backend.txt"; fi
  generated=$(grep -oE '[0-9]+ generated' "$work/st-$backend.txt" | tail -1 | grep -oE '[0-9]+' || echo 0)
  total=$((total + generated))
  if grep -q -i panick "$work/server-$backend.log"; then echo "the server panicked"; status=1; fi
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
  [[ $status -eq 0 ]] || { echo "schemathesis found failures on $backend"; exit 1; }
  if [[ -n $pg_db ]]; then psql -q -h "${PGHOST:-127.0.0.1}" -p "${PGPORT:-5432}" -U "${PGUSER:-postgres}" -d postgres \
    -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null; pg_db=""; fi
done
echo "fuzz: $total requests generated on ${backends[*]}, no failures"
[[ $total -ge $minimum ]] || { echo "fuzz: fewer than $minimum requests were generated"; exit 1; }
