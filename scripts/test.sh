#!/usr/bin/env bash
# The whole test suite: unit tests, the integration tests (the real server over HTTP, on SQLite and
# on PostgreSQL), then Medusa's recorded conformance cases on both back-ends.
#
# PostgreSQL: uses TEST_POSTGRES_URL if set, else a server on 127.0.0.1:5432 (user postgres, trust),
# else starts a private throwaway cluster, installing PostgreSQL from the OS packages if missing.
# PostgreSQL tests never skip: without a server they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

need_root_install() {
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "test.sh: please install: $*" >&2
    exit 2
  fi
}

pg_answers() { # host port
  command -v psql >/dev/null || return 1
  psql -h "$1" -p "$2" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1
}

private_pg=""
as_pg=()
pg_bin=""
cleanup() {
  if [[ -n $private_pg ]]; then
    "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$private_pg/data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$private_pg"
  fi
}
trap cleanup EXIT

start_private_pg() {
  initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  if [[ -z $initdb ]]; then
    echo "test.sh: no PostgreSQL answering and none installed: installing it from the OS packages"
    need_root_install postgresql postgresql-contrib
    initdb=$(ls -1 /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)
  fi
  pg_bin=$(dirname "$initdb")
  private_pg=$(mktemp -d /tmp/clientele-pg.XXXXXX)
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  if [[ $(id -u) -eq 0 ]]; then  # initdb refuses to run as root
    id postgres >/dev/null 2>&1 || useradd --system --home "$private_pg" postgres
    chown postgres "$private_pg"
    as_pg=(runuser -u postgres --)
  fi
  "${as_pg[@]}" "$pg_bin/initdb" -D "$private_pg/data" -U postgres -A trust >/dev/null
  "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$private_pg/data" -l "$private_pg/log" -w \
    -o "-p $port -k $private_pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port"
  echo "test.sh: started a private PostgreSQL on 127.0.0.1:$port"
}

if [[ ${TEST_PRIVATE_PG:-} == 1 ]]; then  # force the fresh-machine path
  start_private_pg
elif [[ -n ${TEST_POSTGRES_URL:-} ]]; then
  echo "test.sh: PostgreSQL from TEST_POSTGRES_URL"
elif pg_answers 127.0.0.1 5432; then
  export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres
  export TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432"
  echo "test.sh: PostgreSQL on 127.0.0.1:5432"
else
  command -v psql >/dev/null || need_root_install postgresql-client
  pg_answers 127.0.0.1 5432 && { export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:5432"; } || start_private_pg
fi

# unit and integration tests (release: the conformance run below reuses the same build)
cargo test --release --all-targets

# Medusa's own JavaScript client (@medusajs/js-sdk 2.21.2) against the release binary, both back-ends
command -v node >/dev/null && command -v npm >/dev/null || need_root_install nodejs npm
CLIENTELE_BIN="$root/target/release/clientele" clients/js/run.sh sqlite postgres

# schemathesis over the served OpenAPI document: no 5xx, documented responses match, >= 2000 requests
scripts/fuzz.sh sqlite postgres

# the benchmark's quick mode (N=2000, both back-ends, 2 s per scenario) so that it cannot rot: every
# scenario must answer 2xx with the expected count and match its raw-SQL floor; timings are printed,
# never asserted
BENCH_POSTGRES_URL=$TEST_POSTGRES_URL CLIENTELE_BIN="$root/target/release/clientele" \
  BENCH_WORKDIR="$root/target/bench-work" bench/run.sh --quick --results "$root/target/bench-quick"

# Medusa's recorded cases (all 149 steps: seed, auth, domain), replayed against `clientele serve`
# on each back-end; every step must pass and the server must not panic.
conformance="$root/../shared/conformance/check.sh"
if [[ -x $conformance ]]; then
  python3 -c 'import yaml' 2>/dev/null || python3 -m pip install -q pyyaml
  for backend in sqlite postgres; do
    echo "conformance on $backend:"
    "$conformance" "$backend"
  done
  # the served OpenAPI document against Medusa's, every difference reviewed in openapi/differences.json
  python3 scripts/openapi_compare.py
elif [[ ${CI:-} == true ]]; then
  echo "test.sh: ../shared/conformance is missing; CI requires it" >&2
  exit 1
else
  echo "test.sh: ../shared/conformance not found beside this checkout: conformance replay skipped"
fi
echo "test.sh: all tests passed"
