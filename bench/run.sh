#!/usr/bin/env bash
# Clientele's benchmark: one entry command. See bench/README.md.
#
#   bench/run.sh --quick                                   # CI: N=2000, both back-ends, ~2 min
#   bench/run.sh [--backend sqlite|postgres|both] [--sizes 10000,100000,1000000] [--runs 3] ...
#
# Builds the release binary (unless CLIENTELE_BIN names one), installs wrk (and the PostgreSQL
# client tools) from the OS packages if missing, then runs bench/bench.py with the same arguments.
# PostgreSQL: BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432, trust auth); the
# benchmark creates and drops its own cbench_* databases there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_pg=1
for a in "$@"; do [[ $a == sqlite || $a == --backend=sqlite ]] && want_pg=0; done

missing=()
command -v wrk >/dev/null || missing+=(wrk)
if [[ $want_pg == 1 ]]; then
  psql --version >/dev/null 2>&1 || missing+=(postgresql-client)
  # Debian ships pgbench with the server package
  pgbench --version >/dev/null 2>&1 || missing+=(postgresql)
fi
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "bench: installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "bench: please install: ${missing[*]}" >&2
    exit 2
  fi
fi

if [[ -n ${CLIENTELE_BIN:-} ]]; then
  bin=$CLIENTELE_BIN
else
  cargo build --release --quiet
  bin=target/release/clientele
fi

# Python's own sqlite3 links the OS's SQLite (3.40 on Debian 12), older than the server's: the
# SQLite floor and the seeder use sqlean.py (a current SQLite) from a private virtualenv.
venv=target/bench-venv
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import sqlean' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r bench/requirements.txt
fi

BENCH_BIN=$bin exec "$venv/bin/python" bench/bench.py "$@"
