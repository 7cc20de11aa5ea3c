#!/usr/bin/env python3
"""Clientele's benchmark: seed N customers, drive a release build with wrk over loopback, and run the
same SQL straight against the database (the "floor"). Python standard library only, plus `wrk`, and
`psql`/`pgbench` for PostgreSQL. Started by `bench/run.sh`, which builds the binary; see
bench/README.md.

For every backend and size it:
 1. creates a throwaway database (SQLite file / PostgreSQL `clientele_bench_*`), runs the server's
    own migrations (`clientele migrate`), seeds it with seed.py and creates an admin user;
 2. starts the server once with `RUST_LOG=sqlx=debug`, sends every scenario once (checking status,
    counts against what was seeded, and that the server's `search_text` equals the seeder's), and
    records the SQL statements each request ran;
 3. restarts the server (`RUST_LOG=warn`) and runs wrk on every scenario at each connection count,
    reading the server's peak RSS (VmHWM, reset before each scenario) from /proc;
 4. stops the server and runs the recorded statements directly (pgbench -M prepared; a Python
    sqlite3 loop in one process per connection), checking they return what HTTP returned;
 5. writes a markdown table (and the raw figures as JSON) to bench/results/ and prints it.

Exits non-zero if a scenario answered non-2xx, a check failed, or the server died. Timings are
reported, never asserted.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
try:
    # a current SQLite (the server bundles one): Debian's 3.40 lacks ORDER BY inside aggregates,
    # which the server's list statements use. run.sh installs it; plain sqlite3 is the fallback.
    import sqlean as sqlite3
except ImportError:
    import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import seed  # noqa: E402

ADMIN_EMAIL = "bench@example.com"
ADMIN_PASSWORD = "benchpass"
LIMIT = 50

# Issue 6's figures, shown next to the measurements (never asserted).
TARGETS = """- list `?limit=50` at 100k, 16 connections: >= 3,500 req/s and p99 <= 20 ms
- `q` at 100k, 16 connections: miss >= 5,000 req/s, hit >= 2,000 req/s
- at 1M: list p50 <= 5 ms, `q` p50 <= 20 ms
- HTTP >= 60% of the raw-SQL floor; >= 2,000 creates/s on PostgreSQL (16 connections); RSS <= 64 MB"""


def log(msg):
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Failure(Exception):
    pass


# ----------------------------------------------------------------------------------------------
# scenarios


def scenarios(meta, dialect):
    """Every scenario: its request, the filter values the server binds (in the order it binds
    them), the page it binds after them, and what the answer must hold."""
    q = urllib.parse.quote
    base = f"/admin/customers?limit={LIMIT}"
    offset = meta["n"] // 2

    def search(term):
        # what the server binds for a `q` token of 3+ characters: an FTS5 phrase on SQLite, a
        # LIKE pattern on PostgreSQL (see src/store/list.rs)
        return [f'"{term}"'] if dialect == "sqlite" else [f"%{term}%"]

    def bool_(v):
        return v if dialect == "postgres" else int(v)

    live = meta["live"]
    lst = {"kind": "list", "page": [LIMIT, 0]}
    return [
        dict(lst, name="list", path=base, binds=[], count=(">=", live)),
        dict(lst, name="filter email", path=f"{base}&email={q(meta['sample_email'])}",
             binds=[meta["sample_email"]], count=("==", 1)),
        dict(lst, name="filter has_account", path=f"{base}&has_account=true", binds=[bool_(True)],
             count=("==", meta["has_account"])),
        dict(lst, name="filter created_at range",
             path=f"{base}&{q('created_at[$gte]')}={q(meta['created_from'])}"
                  f"&{q('created_at[$lt]')}={q(meta['created_to'])}",
             binds=[meta["created_from"], meta["created_to"]], count=(">", 0)),
        dict(lst, name="filter group", path=f"{base}&groups={meta['group_id']}",
             binds=[meta["group_id"]], count=("==", meta["group_members"])),
        dict(lst, name="q hit", path=f"{base}&q={meta['hit_term']}", binds=search(meta["hit_term"]),
             count=("==", meta["hit_count"])),
        dict(lst, name="q miss", path=f"{base}&q={meta['miss_term']}",
             binds=search(meta["miss_term"]), count=("==", 0)),
        dict(lst, name="order -email", path=f"{base}&order=-email", binds=[], count=(">=", live)),
        dict(lst, name=f"offset {offset}", path=f"{base}&offset={offset}", binds=[],
             page=[LIMIT, offset], count=(">=", live)),
        dict(name="retrieve by id", kind="retrieve", path=f"/admin/customers/{meta['sample_id']}",
             binds=[meta["sample_id"]], page=[1, 0]),
        dict(name="create", kind="create", path="/admin/customers", binds=[], page=[1, 0]),
    ]


def slug(name):
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# ----------------------------------------------------------------------------------------------
# the server


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, binary, url, log_level, logfile):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ, DATABASE_URL=url, RUST_LOG=log_level,
                   CLIENTELE_LISTEN=f"127.0.0.1:{self.port}")
        self.logfile = logfile
        self.log = open(logfile, "w")
        self.proc = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{self.port}"],
                                     env=env, stdout=self.log, stderr=self.log,
                                     stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Failure(f"the server exited at start ({self.proc.returncode}): {self.tail()}")
            try:
                with urllib.request.urlopen(self.base + "/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise Failure("the server did not answer /health within 60 s")

    def alive(self):
        return self.proc.poll() is None

    def tail(self, n=2000):
        self.log.flush()
        try:
            with open(self.logfile, errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def status(self):
        """(VmHWM, VmRSS) in kB."""
        out = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(("VmHWM:", "VmRSS:")):
                    k, v = line.split(":", 1)
                    out[k] = int(v.split()[0])
        return out.get("VmHWM", 0), out.get("VmRSS", 0)

    def cpu_seconds(self):
        """User + system CPU time of the server process (all threads) so far."""
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def reset_peak(self):
        # "5" resets the peak resident set size (VmHWM) to the current one (Linux >= 4.0)
        try:
            with open(f"/proc/{self.proc.pid}/clear_refs", "w") as f:
                f.write("5")
            return True
        except OSError:
            return False

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def http(base, method, path, token=None, body=None, request_id=None, timeout=60):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    if request_id:
        headers["x-request-id"] = request_id
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")[:500]


def login(base):
    status, body = http(base, "POST", "/auth/user/emailpass",
                        body={"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})
    if status != 200 or not isinstance(body, dict) or "token" not in body:
        raise Failure(f"login failed: {status} {body}")
    return body["token"]


# ----------------------------------------------------------------------------------------------
# databases


class Database:
    """A throwaway database for one backend and size, migrated and seeded."""

    def __init__(self, backend, n, args):
        self.backend = backend
        self.n = n
        self.args = args
        tag = f"{'quick_' if args.quick else ''}{n}"
        self.meta_file = os.path.join(args.workdir, f"{backend}-{tag}.meta.json")
        if backend == "sqlite":
            self.path = os.path.join(args.workdir, f"bench-{tag}.db")
            self.url = f"sqlite://{self.path}"
        else:
            self.name = f"cbench_{tag}"
            self.url = f"{args.pg_url.rstrip('/')}/{self.name}"

    def exists(self):
        if not os.path.exists(self.meta_file):
            return False
        if self.backend == "sqlite":
            return os.path.exists(self.path)
        return self.admin_sql(f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'").strip() == "1"

    def admin_sql(self, sql):
        return subprocess.run(["psql", "-X", "-Atq", "-v", "ON_ERROR_STOP=1", "-d",
                               f"{self.args.pg_url.rstrip('/')}/postgres", "-c", sql],
                              check=True, capture_output=True, text=True).stdout

    def drop(self):
        if self.backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self.path + suffix):
                    os.remove(self.path + suffix)
        else:
            self.admin_sql(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        if os.path.exists(self.meta_file):
            os.remove(self.meta_file)

    def create(self, binary):
        self.drop()
        if self.backend == "postgres":
            self.admin_sql(f"CREATE DATABASE {self.name}")
        env = dict(os.environ, DATABASE_URL=self.url, RUST_LOG="warn")
        subprocess.run([binary, "migrate"], env=env, check=True, capture_output=True)
        log(f"{self.backend}: seeding {self.n:,} customers")
        t0 = time.time()
        cmd = [sys.executable, os.path.join(HERE, "seed.py"), "--backend", self.backend,
               "--n", str(self.n), "--meta", self.meta_file]
        cmd += ["--db", self.path] if self.backend == "sqlite" else ["--url", self.url]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=1800)
        seconds = time.time() - t0
        subprocess.run([binary, "user", "create", "-e", ADMIN_EMAIL, "-p", ADMIN_PASSWORD],
                       env=env, check=True, capture_output=True)
        with open(self.meta_file) as f:
            meta = json.load(f)
        meta["seed_wall_seconds"] = round(seconds, 1)
        with open(self.meta_file, "w") as f:
            json.dump(meta, f, indent=1)
        log(f"{self.backend}: seeded {self.n:,} customers in {seconds:.1f} s ({meta})")
        return meta

    def meta(self):
        with open(self.meta_file) as f:
            return json.load(f)

    def query(self, sql, params=()):
        """Rows of one statement (for checks); `?` placeholders on SQLite, `$n` on PostgreSQL."""
        if self.backend == "sqlite":
            con = sqlite3.connect(self.path)
            try:
                return [tuple(r) for r in con.execute(sql, [p for p in params])]
            finally:
                con.close()
        lits = ", ".join(pg_literal(p) for p in params)
        script = f"PREPARE s AS {sql};\nEXECUTE s{'(' + lits + ')' if params else ''};\n"
        out = subprocess.run(["psql", "-X", "-Atq", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d",
                              self.url], input=script, check=True, capture_output=True,
                             text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines()]

    def cleanup_writes(self):
        """Deletes the rows the benchmark added (so a kept database stays as seeded). The rows it
        created have no addresses or memberships except the search_text check's, removed first;
        foreign-key actions are then skipped (their lookups cannot use the partial indexes, so each
        deleted customer would scan the address table)."""
        mine = ("email LIKE '%@bench.example.com' OR email LIKE '%@floor.example.com' "
                "OR email LIKE '%@check.example.com'")
        stmts = [f"DELETE FROM customer_address WHERE customer_id IN (SELECT id FROM customer WHERE {mine})",
                 f"DELETE FROM customer_group_customer WHERE customer_id IN (SELECT id FROM customer WHERE {mine})",
                 "DELETE FROM customer_group WHERE name LIKE 'Bench check %'",
                 f"DELETE FROM customer WHERE {mine}"]
        if self.backend == "sqlite":
            con = sqlite3.connect(self.path, isolation_level=None)
            con.execute("PRAGMA foreign_keys=OFF")
            con.execute("BEGIN")
            for sql in stmts:
                con.execute(sql)
            con.execute("COMMIT")
            con.execute("ANALYZE")
            con.close()
        else:
            args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.url]
            for sql in stmts:
                args += ["-c", sql]
            # replica: no foreign-key actions, and no live-count trigger either, so recount
            subprocess.run(args + ["-c", seed.PG_RECOUNT, "-c", "VACUUM ANALYZE"], check=True, capture_output=True, timeout=1800,
                           env=dict(os.environ, PGOPTIONS="-c session_replication_role=replica"))


def pg_literal(v):
    if v is True:
        return "'true'"
    if v is False:
        return "'false'"
    return "'" + str(v).replace("'", "''") + "'"


# ----------------------------------------------------------------------------------------------
# step 2: checks and capture of the SQL each scenario runs


def parse_statements(logfile):
    """{request id: [statement, ...]} from the server's JSON log lines (sqlx=debug)."""
    out = {}
    with open(logfile, errors="replace") as f:
        for line in f:
            if '"db.statement"' not in line:
                continue
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            rid = (rec.get("span") or {}).get("request.id")
            stmt = " ".join((rec.get("fields") or {}).get("db.statement", "").split())
            if rid and stmt:
                out.setdefault(rid, []).append(stmt)
    return out


def check_count(sc, body, failures):
    if "count" not in sc:
        return
    op, want = sc["count"]
    got = body.get("count") if isinstance(body, dict) else None
    ok = isinstance(got, int) and {"==": got == want, ">=": got >= want, ">": got > want}[op]
    if not ok:
        failures.append(f"{sc['name']}: count {got}, expected {op} {want}")


def check_search_text(db, base, token, nonce, failures):
    """The server's search_text for a customer, an address and a group equals the seeder's."""
    c = {"email": f"jose.muller-{nonce}@check.example.com", "first_name": "José",
         "last_name": "Müller-Ødegaard", "company_name": "Ärger & Söhne GmbH",
         "phone": "+49 30 1234567"}
    status, body = http(base, "POST", "/admin/customers", token, c)
    if status != 200:
        failures.append(f"search_text check: create customer answered {status}: {body}")
        return
    cid = body["customer"]["id"]
    a = {"address_name": "Büro", "company": "Ärger & Söhne GmbH", "first_name": "José",
         "last_name": "Müller", "address_1": "Königstraße 1", "address_2": "Hinterhaus",
         "city": "München", "province": "BY", "postal_code": "80331", "country_code": "de"}
    status, body = http(base, "POST", f"/admin/customers/{cid}/addresses", token, a)
    if status != 200:
        failures.append(f"search_text check: create address answered {status}: {body}")
    g = {"name": f"Bench check Ünïcode {nonce}"}
    status, body = http(base, "POST", "/admin/customer-groups", token, g)
    if status != 200:
        failures.append(f"search_text check: create group answered {status}: {body}")
    ph = "?" if db.backend == "sqlite" else "$1"
    got = db.query(f"SELECT search_text FROM customer WHERE id = {ph}", [cid])
    want = seed.search_text([c.get(k) for k in ("company_name", "first_name", "last_name", "email",
                                                "phone")])
    if got != [(want,)]:
        failures.append(f"customer search_text: server {got}, seeder {want!r}")
    got = db.query(f"SELECT search_text FROM customer_address WHERE customer_id = {ph}", [cid])
    want = seed.search_text([a.get(k) for k in ("address_name", "company", "first_name", "last_name",
                                                "address_1", "address_2", "city", "province",
                                                "postal_code")])
    if got != [(want,)]:
        failures.append(f"address search_text: server {got}, seeder {want!r}")
    got = db.query(f"SELECT search_text FROM customer_group WHERE name = {ph}", [g["name"]])
    if got != [(g["name"].lower(),)]:
        failures.append(f"group search_text: server {got}, seeder {g['name'].lower()!r}")


def capture(db, binary, scs, workdir, nonce):
    """Runs each scenario once on a server logging its SQL; returns (token, per-scenario
    responses and statements, failures)."""
    logfile = os.path.join(workdir, f"capture-{db.backend}-{db.n}.log")
    srv = Server(binary, db.url, "info,sqlx=debug", logfile)
    failures = []
    seen = {}
    try:
        token = login(srv.base)
        for sc in scs:
            rid = f"bench-{slug(sc['name'])}-{nonce}"
            if sc["kind"] == "create":
                body_in = {"email": f"capture-{nonce}@bench.example.com", "first_name": "Ada",
                           "last_name": "Lovelace", "company_name": "Bench Load 1",
                           "phone": "+1 555-0100", "metadata": {"source": "wrk", "seq": 1}}
                status, body = http(srv.base, "POST", sc["path"], token, body_in, rid)
            else:
                status, body = http(srv.base, "GET", sc["path"], token, None, rid)
            if not 200 <= status < 300:
                failures.append(f"{sc['name']}: HTTP {status}: {body}")
                continue
            check_count(sc, body, failures)
            # sqlx logs a statement when it completes, so the answer's statements are in the log
            # the data statements only: not BEGIN/COMMIT, nor the PRAGMAs/SETs of a pool
            # connection opened while serving this request
            stmts = [s for s in parse_statements(logfile).get(rid, [])
                     if s.split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")]
            if not stmts:
                failures.append(f"{sc['name']}: no SQL captured (is sqlx logging at debug?)")
                continue
            seen[sc["name"]] = {"body": body, "statements": stmts}
            try:  # before anything else writes: the data is as this answer saw it
                verify_floor(db, sc, stmts, body, failures)
            except (Failure, subprocess.CalledProcessError, sqlite3.Error) as e:
                failures.append(f"{sc['name']}: floor check failed: {e}")
        check_search_text(db, srv.base, token, nonce, failures)
        if not srv.alive():
            failures.append(f"the server died during the checks: {srv.tail()}")
    finally:
        srv.stop()
    return token, seen, failures


# ----------------------------------------------------------------------------------------------
# step 3: load over HTTP with wrk


def run_wrk(base, token, sc, conns, duration, nonce):
    script = os.path.join(HERE, "wrk", "create.lua" if sc["kind"] == "create" else "report.lua")
    cmd = ["wrk", "-t", str(min(conns, 2)), "-c", str(conns), "-d", f"{duration}s", "--timeout",
           "10s", "-s", script, "-H", f"Authorization: Bearer {token}", base + sc["path"]]
    if sc["kind"] == "create":
        cmd += ["--", f"w{nonce}c{conns}"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    for line in p.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            r = json.loads(line[len("BENCH_JSON "):])
            r["rps"] = r["requests"] / (r["duration_us"] / 1e6) if r["duration_us"] else 0.0
            return r
    raise Failure(f"wrk gave no summary for {sc['name']} (exit {p.returncode}): "
                  f"{p.stdout[-500:]} {p.stderr[-500:]}")


# ----------------------------------------------------------------------------------------------
# step 4: the floor, the same statements without HTTP


def placeholders(stmt, dialect):
    if dialect == "sqlite":
        return stmt.count("?")
    nums = [int(m) for m in re.findall(r"\$(\d+)", stmt)]
    return max(nums) if nums else 0


def read_params(sc, stmt, dialect):
    """A read statement binds the filter values, then (a page query) limit and offset; a list's
    one statement binds the filter values for its count, then again for its page."""
    k = placeholders(stmt, dialect)
    b = len(sc["binds"])
    if k == 2 * b + 2 and b > 0:
        return sc["binds"] + sc["binds"] + sc["page"]
    if k not in (0, b, b + 2):
        raise Failure(f"{sc['name']}: a statement with {k} parameters, expected "
                      f"{b}, {b + 2} or {2 * b + 2}: {stmt}")
    return (sc["binds"] + sc["page"])[:k]


INSERT_RE = re.compile(r"^INSERT INTO customer \(([^)]*)\) VALUES \(([^)]*)\)$")
CREATE_VALUES = {"first_name": "Ada", "last_name": "Lovelace", "company_name": "Bench Load 1",
                 "phone": "+1 555-0100", "metadata": '{"source":"wrk","seq":1}',
                 "has_account": False, "created_by": "user_01HZX0Q4Y6VQ3N8J2M5K7R9T1B"}


def create_plan(sc, stmts):
    """The create's INSERT (its columns, in the server's order) and the SELECT that reads it back."""
    inserts = [s for s in stmts if s.startswith("INSERT INTO customer ")]
    selects = [s for s in stmts if s.startswith("SELECT")]
    if len(inserts) != 1 or not INSERT_RE.match(inserts[0]):
        raise Failure(f"create: expected one INSERT INTO customer, captured {stmts}")
    cols = [c.strip() for c in INSERT_RE.match(inserts[0]).group(1).split(",")]
    unknown = [c for c in cols if c not in CREATE_VALUES and c not in
               ("id", "email", "search_text", "created_at", "updated_at")]
    if unknown:
        raise Failure(f"create: INSERT sets columns the floor does not know: {unknown}")
    return inserts[0], cols, selects


def insert_values(cols, cid, email, now_text, dialect):
    vals = []
    for c in cols:
        if c == "id":
            vals.append(cid)
        elif c == "email":
            vals.append(email)
        elif c == "search_text":
            vals.append(seed.search_text([CREATE_VALUES["company_name"], CREATE_VALUES["first_name"],
                                          CREATE_VALUES["last_name"], email, CREATE_VALUES["phone"]]))
        elif c in ("created_at", "updated_at"):
            vals.append(now_text)
        else:
            v = CREATE_VALUES[c]
            vals.append(int(v) if isinstance(v, bool) and dialect == "sqlite" else v)
    return vals


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, int(round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[i]


def _sqlite_worker(job):
    """One connection of the SQLite floor: runs the scenario's statements until `end`."""
    path, kind, stmts, params, cols, start, end, wid = job
    con = sqlite3.connect(path, isolation_level=None, timeout=10)
    # what the server's connections set (sqlx: WAL, foreign keys, synchronous NORMAL, busy timeout)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA synchronous = NORMAL")
    lat = []
    n = 0
    while time.time() < start:
        time.sleep(0.001)
    now = time.time
    while True:
        t = now()
        if t >= end:
            break
        if kind == "create":
            n += 1
            cid = f"cus_FLOOR{wid:03d}{n:010d}{int(start * 1000) % 10**9:09d}"
            email = f"floor-{wid}-{n}-{int(start * 1000)}@floor.example.com"
            ts = seed.Clock().fmt(int(t * 1000))
            con.execute("BEGIN IMMEDIATE")
            con.execute(stmts[0], insert_values(cols, cid, email, ts, "sqlite"))
            con.execute("COMMIT")
            for s in stmts[1:]:
                con.execute(s, [cid, 1, 0][:placeholders(s, "sqlite")]).fetchall()
        else:
            for s, p in zip(stmts, params):
                con.execute(s, p).fetchall()
        lat.append(now() - t)
    con.close()
    return lat


def floor_sqlite(db, sc, stmts, conns, duration):
    if sc["kind"] == "create":
        insert, cols, selects = create_plan(sc, stmts)
        run_stmts, params = [insert] + selects, []
    else:
        cols = None
        run_stmts = stmts
        params = [read_params(sc, s, "sqlite") for s in stmts]
    start = time.time() + 0.5
    end = start + duration
    jobs = [(db.path, sc["kind"], run_stmts, params, cols, start, end, w) for w in range(conns)]
    with multiprocessing.get_context("fork").Pool(conns) as pool:
        res = pool.map_async(_sqlite_worker, jobs).get(timeout=duration + 120)
    lat = sorted(x for r in res for x in r)
    return {"ops": len(lat), "rps": len(lat) / duration, "p50_us": percentile(lat, 50) * 1e6,
            "p99_us": percentile(lat, 99) * 1e6}


def pgbench_script(sc, stmts, nonce):
    """A pgbench script of the scenario's statements, `$n` as pgbench variables `:pn` (sent as
    parameters with -M prepared), and the -D definitions of those variables."""
    defs = {}
    lines = []
    if sc["kind"] == "create":
        insert, cols, selects = create_plan(sc, stmts)
        now_text = seed.Clock().fmt(int(time.time() * 1000))
        email_expr = f"('floor-{nonce}-' || :r::text || '@floor.example.com')"
        id_expr = f"('cus_FLOOR{nonce}' || :r::text)"
        vals = insert_values(cols, "<id>", "<email>", now_text, "postgres")
        exprs = []
        for i, (c, v) in enumerate(zip(cols, vals), 1):
            if c == "id":
                exprs.append(id_expr)
            elif c == "email":
                exprs.append(email_expr)
            elif c == "search_text":
                exprs.append("('bench load 1 ada lovelace ' || " + email_expr + " || ' +1 555-0100')")
            else:
                defs[f"c{i}"] = "true" if v is True else "false" if v is False else str(v)
                exprs.append(f":c{i}")
        lines.append(r"\set r random(1, 9000000000000000000)")
        lines.append("BEGIN;")
        lines.append(f"INSERT INTO customer ({', '.join(cols)}) VALUES ({', '.join(exprs)});")
        lines.append("COMMIT;")
        for s in selects:
            s = s.replace("$1", id_expr).replace("$2", ":lim").replace("$3", ":off")
            defs.update(lim="1", off="0")
            lines.append(s + ";")
    else:
        for s in stmts:
            params = read_params(sc, s, "postgres")
            for i, v in enumerate(params, 1):
                defs[f"p{i}"] = "true" if v is True else "false" if v is False else str(v)
            lines.append(re.sub(r"\$(\d+)", r":p\1", s) + ";")
    return "\n".join(lines) + "\n", defs


def floor_postgres(db, sc, stmts, conns, duration, workdir, nonce):
    script, defs = pgbench_script(sc, stmts, f"{nonce}c{conns}")
    tmp = tempfile.mkdtemp(prefix="pgbench-", dir=workdir)
    try:
        path = os.path.join(tmp, "script.sql")
        with open(path, "w") as f:
            f.write(script)
        cmd = ["pgbench", "-n", "-M", "prepared", "-f", path, "-c", str(conns), "-j",
               str(min(conns, 2)), "-T", str(duration), "-l", "--log-prefix",
               os.path.join(tmp, "log"), "-d", db.url]
        for k, v in defs.items():
            cmd += ["-D", f"{k}={v}"]
        # the session settings the server's connections use (src/store/mod.rs: generic plans)
        env = dict(os.environ, PGOPTIONS="-c plan_cache_mode=force_generic_plan")
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 120, cwd=tmp,
                           env=env)
        m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", p.stdout)
        if p.returncode != 0 or not m:
            raise Failure(f"pgbench failed for {sc['name']} ({p.returncode}): {p.stderr[-800:]}")
        lat = []
        for name in os.listdir(tmp):
            if name.startswith("log"):
                with open(os.path.join(tmp, name)) as f:
                    for line in f:
                        parts = line.split()
                        if len(parts) >= 3:
                            lat.append(int(parts[2]))
        lat.sort()
        return {"ops": len(lat), "rps": float(m.group(1)), "p50_us": percentile(lat, 50),
                "p99_us": percentile(lat, 99), "script": script}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def verify_floor(db, sc, stmts, body, failures):
    """The recorded statements, run directly with the floor's parameters, return what HTTP did."""
    if sc["kind"] not in ("list", "retrieve"):
        return
    # a list is one statement answering (count, the page as a JSON array); a retrieve answers the
    # record as JSON: both must equal what HTTP returned, value for value
    if len(stmts) != 1:
        failures.append(f"{sc['name']}: expected one statement, captured {len(stmts)}: {stmts}")
        return
    s = stmts[0]
    rows = db.query(s, read_params(sc, s, db.backend))
    if sc["kind"] == "list":
        count, page = int(rows[0][0]), json.loads(rows[0][1])
        if count != body.get("count"):
            failures.append(f"{sc['name']}: the floor's count {count} != HTTP count {body.get('count')}")
        if page != body.get("customers"):
            failures.append(f"{sc['name']}: the floor's page ({len(page)} rows) differs from "
                            f"HTTP's ({len(body.get('customers', []))} rows)")
    elif [json.loads(r[0]) for r in rows] != [body.get("customer")]:
        failures.append(f"{sc['name']}: the floor's row differs from HTTP's")


# ----------------------------------------------------------------------------------------------
# reporting


def fmt_ms(us):
    return f"{us / 1000:.2f}" if us is not None else "-"


def render(backend, meta, results, env_info, args, failures):
    lines = [f"## {backend}, N = {meta['n']:,} customers ({meta['live']:,} live)", ""]
    lines.append(f"- {env_info['when']}, server built from commit {env_info['commit']}, "
                 f"{env_info['cpus']} CPUs; before the run: {env_info['idle_before']:.0%} of the CPU "
                 f"idle, load average {env_info['load_before']} (after: {env_info['load_after']})")
    parts = ", ".join(f"{k[:-len('_seconds')]} {v} s" for k, v in meta.items()
                      if k.endswith("_seconds") and k not in ("seed_seconds", "seed_wall_seconds"))
    lines.append(f"- seeded in {meta.get('seed_wall_seconds', meta.get('seed_seconds'))} s ({parts})")
    lines.append(f"- wrk {args.duration} s per scenario (threads = min(connections, 2)), "
                 f"release build, RUST_LOG=warn; floor: "
                 + ("pgbench -M prepared" if backend == "postgres" else
                    "Python sqlite3, one process per connection")
                 + f", {args.floor_duration} s; runs per figure: {args.runs} (median by req/s)")
    lines.append("- server CPU µs/req: the server process's user + system CPU time over the run divided "
                 "by the requests (less sensitive to other load on the machine than req/s)")
    lines.append(f"- scenario data: email `{meta['sample_email']}`, group {meta['group_name']} "
                 f"({meta['group_members']:,} members), q hit `{meta['hit_term']}` "
                 f"({meta['hit_count']:,} rows), q miss `{meta['miss_term']}`, created_at "
                 f"[{meta['created_from'][:10]}, {meta['created_to'][:10]})")
    lines.append("")
    lines.append("| scenario | conns | req/s | p50 ms | p99 ms | non-2xx / errors | server CPU µs/req "
                 "| peak RSS MB | floor ops/s | floor p50 ms | HTTP / floor |")
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        w = r.get("http") or {}
        fl = r.get("floor")
        errs = (f"{w.get('err_status', 0)} / "
                f"{sum(w.get(k, 0) for k in ('err_connect', 'err_read', 'err_write', 'err_timeout'))}"
                if w else "-")
        ratio = f"{w['rps'] / fl['rps']:.0%}" if w and fl and fl["rps"] else "-"
        floor_rps = f"{fl['rps']:,.0f}" if fl else "-"
        cpu = f"{w['server_cpu_us']:,.0f}" if w.get("server_cpu_us") is not None else "-"
        floor_p50 = fmt_ms(fl["p50_us"]) if fl else "-"
        lines.append(
            f"| {r['scenario']} | {r['conns']} | {w.get('rps', 0):,.0f} | {fmt_ms(w.get('p50_us'))} | "
            f"{fmt_ms(w.get('p99_us'))} | {errs} | {cpu} | {r['rss_peak_kb'] / 1024:.1f} | {floor_rps} | "
            f"{floor_p50} | {ratio} |")
    peak = max((r["rss_peak_kb"] for r in results), default=0)
    lines.append("")
    lines.append(f"Server peak RSS over the run: {peak / 1024:.1f} MB (VmHWM).")
    if failures:
        lines.append("")
        lines.append("**Failures:**")
        lines += [f"- {f}" for f in failures]
    lines.append("")
    return "\n".join(lines)


def target_notes(backend, n, results):
    """Issue 6's targets that apply to this table, with the measured figure (informational)."""
    by = {(r["scenario"], r["conns"]): r for r in results}
    notes = []

    def get(name, conns=16):
        r = by.get((name, conns))
        return (r or {}).get("http")

    def note(label, ok, got):
        notes.append(f"- {'meets' if ok else 'MISSES'}: {label} (measured {got})")

    if n == 100_000:
        w = get("list")
        if w:
            note("list >= 3,500 req/s", w["rps"] >= 3500, f"{w['rps']:,.0f}")
            note("list p99 <= 20 ms", w["p99_us"] <= 20_000, f"{w['p99_us'] / 1000:.1f} ms")
        w = get("q miss")
        if w:
            note("q miss >= 5,000 req/s", w["rps"] >= 5000, f"{w['rps']:,.0f}")
        w = get("q hit")
        if w:
            note("q hit >= 2,000 req/s", w["rps"] >= 2000, f"{w['rps']:,.0f}")
    if n >= 1_000_000:
        w = get("list")
        if w:
            note("list p50 <= 5 ms at 1M", w["p50_us"] <= 5000, f"{w['p50_us'] / 1000:.2f} ms")
        for name in ("q hit", "q miss"):
            w = get(name)
            if w:
                note(f"{name} p50 <= 20 ms at 1M", w["p50_us"] <= 20_000, f"{w['p50_us'] / 1000:.2f} ms")
    if backend == "postgres":
        w = get("create")
        if w:
            note("creates >= 2,000/s on PostgreSQL", w["rps"] >= 2000, f"{w['rps']:,.0f}")
    for r in results:
        if r["conns"] == 16 and r.get("http") and r.get("floor") and r["floor"]["rps"]:
            ratio = r["http"]["rps"] / r["floor"]["rps"]
            if ratio < 0.6:
                note(f"{r['scenario']}: HTTP >= 60% of the floor", False, f"{ratio:.0%}")
    peak = max((r["rss_peak_kb"] for r in results), default=0)
    note("RSS <= 64 MB", peak <= 64 * 1024, f"{peak / 1024:.1f} MB")
    return notes


def git_commit():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "migrations",
                                "Cargo.toml", "Cargo.lock"], capture_output=True, text=True).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def cpu_idle(seconds=2.0):
    """The share of the machine's CPU time that was idle over the next `seconds`."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # idle + iowait

    t0, i0 = snap()
    time.sleep(seconds)
    t1, i1 = snap()
    return (i1 - i0) / max(1, t1 - t0)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ----------------------------------------------------------------------------------------------


def median_run(runs):
    return sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]


def load_phase(db, args, scs, results, failures, logfile, nonce, warm=False):
    """Starts the server, runs wrk on each scenario at each connection count, stops it."""
    srv = Server(args.bin, db.url, "warn", logfile)
    try:
        token = login(srv.base)
        if warm:  # warm the caches and the connection pool
            run_wrk(srv.base, token, scs[0], 16, max(1, min(3, args.duration)), nonce)
        for conns in args.connections:
            for sc in scs:
                runs = []
                peak = 0
                for _ in range(args.runs):
                    srv.reset_peak()
                    cpu0 = srv.cpu_seconds()
                    w = run_wrk(srv.base, token, sc, conns, args.duration, f"{nonce}{len(runs)}")
                    runs.append(w)
                    if not srv.alive():
                        break
                    w["server_cpu_us"] = ((srv.cpu_seconds() - cpu0) * 1e6 / w["requests"]
                                          if w["requests"] else None)
                    peak = max(peak, srv.status()[0])
                w = median_run(runs)
                results.append({"scenario": sc["name"], "conns": conns, "http": w,
                                "rss_peak_kb": peak})
                if not srv.alive():
                    failures.append(f"the server died during {sc['name']} at {conns} connections: "
                                    f"{srv.tail()}")
                    raise Failure("the server died")
                bad = sum(r["err_status"] for r in runs)
                if bad:
                    failures.append(f"{sc['name']} at {conns} connections: {bad} non-2xx responses")
                log(f"{db.backend} N={db.n:,} c={conns} {sc['name']}: {w['rps']:,.0f} req/s, "
                    f"p50 {w['p50_us'] / 1000:.2f} ms, p99 {w['p99_us'] / 1000:.2f} ms, "
                    f"RSS {peak / 1024:.1f} MB, non-2xx {w['err_status']}")
    finally:
        srv.stop()


def floor_phase(db, args, scs, seen, results, failures, nonce):
    """Runs each scenario's recorded statements directly, at each connection count."""
    if args.floor_duration <= 0:
        return
    for sc in scs:
        stmts = seen[sc["name"]]["statements"]
        for conns in args.floor_connections:
            try:
                if db.backend == "sqlite":
                    fl = floor_sqlite(db, sc, stmts, conns, args.floor_duration)
                else:
                    fl = floor_postgres(db, sc, stmts, conns, args.floor_duration, args.workdir, nonce)
            except (Failure, subprocess.SubprocessError, multiprocessing.TimeoutError,
                    sqlite3.Error) as e:
                failures.append(f"{sc['name']}: floor at {conns} connections failed: {e}")
                continue
            for r in results:
                if r["scenario"] == sc["name"] and r["conns"] == conns:
                    r["floor"] = fl
                    r["statements"] = stmts
            log(f"{db.backend} N={db.n:,} c={conns} floor {sc['name']}: {fl['rps']:,.0f} ops/s, "
                f"p50 {fl['p50_us'] / 1000:.2f} ms")


def bench_one(backend, n, args):
    """Seeds, checks, loads and floors one backend at one size; returns (markdown, failures)."""
    nonce = f"{int(time.time()) % 10**6}{os.getpid() % 1000}"
    env_info = {"when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "commit": args.commit, "cpus": os.cpu_count(), "load_before": loadavg(),
                "idle_before": cpu_idle()}
    db = Database(backend, n, args)
    if args.reuse and db.exists():
        meta = db.meta()
        log(f"{backend}: reusing the seeded {n:,} customers ({db.url})")
    else:
        meta = db.create(args.bin)
    scs = scenarios(meta, backend)
    if args.scenarios:
        wanted = [s.strip() for s in args.scenarios.split(",")]
        scs = [s for s in scs if any(w in s["name"] for w in wanted)]
    failures = []
    results = []
    try:
        log(f"{backend}: checking every scenario and recording its SQL")
        token, seen, fails = capture(db, args.bin, scs, args.workdir, nonce)
        failures += fails
        if fails:  # a scenario that fails its checks is neither loaded nor floored
            bad = {f.split(":", 1)[0] for f in fails}
            seen = {k: v for k, v in seen.items() if k not in bad and v.get("statements")}
        # Reads first (over HTTP, then their floor), writes last: rows the create scenarios add
        # (and, on PostgreSQL, the GIN pending list they grow) would otherwise change what the
        # later reads measure. The `q` scenarios are measured again after the creates.
        reads = [s for s in scs if s["kind"] != "create" and s["name"] in seen]
        writes = [s for s in scs if s["kind"] == "create" and s["name"] in seen]
        after = [dict(s, name=s["name"] + " (after creates)") for s in reads
                 if s["name"].startswith("q ")] if writes else []
        for s in after:
            seen[s["name"]] = seen[s["name"][:-len(" (after creates)")]]
        logname = os.path.join(args.workdir, f"server-{backend}-{n}.log")
        load_phase(db, args, reads, results, failures, logname, nonce, warm=True)
        floor_phase(db, args, reads, seen, results, failures, nonce)
        if writes:
            load_phase(db, args, writes + after, results, failures, logname + ".2", nonce + "w")
            floor_phase(db, args, writes, seen, results, failures, nonce)
    except Failure as e:
        failures.append(str(e))
    finally:
        env_info["load_after"] = loadavg()
        if args.keep:
            try:
                db.cleanup_writes()
            except (subprocess.CalledProcessError, sqlite3.Error) as e:
                log(f"could not remove the benchmark's writes: {e}")
        else:
            db.drop()
    order = [s["name"] for s in scs] + [s["name"] + " (after creates)" for s in scs]
    results.sort(key=lambda r: (r["conns"], order.index(r["scenario"])
                                if r["scenario"] in order else len(order)))
    md = render(backend, meta, results, env_info, args, failures)
    notes = target_notes(backend, n, results) if not args.quick else []
    if notes:
        md += "Against issue 6's targets (informational, 16 connections):\n\n" + "\n".join(notes) + "\n"
    # the statements, so a reader can EXPLAIN them
    md += "\n<details><summary>SQL per scenario (as the server ran it)</summary>\n\n"
    for sc in scs:
        if sc["name"] in seen:
            md += f"- {sc['name']}:\n" + "".join(f"  - `{s}`\n" for s in seen[sc["name"]]["statements"])
    md += "\n</details>\n"
    out_dir = os.path.join(args.results, "quick") if args.quick else args.results
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.join(out_dir, f"{backend}-{n}")
    with open(stem + ".md", "w") as f:
        f.write(md)
    with open(stem + ".json", "w") as f:
        json.dump({"backend": backend, "meta": meta, "env": env_info, "results": results,
                   "failures": failures}, f, indent=1)
    print("\n" + md, flush=True)
    log(f"wrote {stem}.md")
    return failures


def main():
    ap = argparse.ArgumentParser(description="Clientele benchmark (see bench/README.md)")
    ap.add_argument("--quick", action="store_true",
                    help="CI mode: N=2000, 2 s per scenario, 16 connections, a 1 s floor")
    ap.add_argument("--backend", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--sizes", default=None, help="comma-separated N (default 10000,100000,1000000)")
    ap.add_argument("--connections", default=None, help="comma-separated (default 1,16)")
    ap.add_argument("--duration", type=int, default=None, help="seconds per scenario (default 10)")
    ap.add_argument("--floor-duration", type=int, default=None,
                    help="seconds per floor run, 0 for none (default 10)")
    ap.add_argument("--runs", type=int, default=1, help="runs per figure, the median is reported")
    ap.add_argument("--scenarios", default=None, help="only scenarios whose names contain these")
    ap.add_argument("--bin", default=os.environ.get("BENCH_BIN",
                                                    os.path.join(ROOT, "target", "release", "clientele")))
    ap.add_argument("--pg-url", default=os.environ.get("BENCH_POSTGRES_URL",
                                                       "postgres://postgres@127.0.0.1:5432"))
    ap.add_argument("--workdir", default=os.environ.get("BENCH_WORKDIR", "/tmp/cbench"))
    ap.add_argument("--results", default=os.path.join(HERE, "results"))
    ap.add_argument("--keep", action="store_true", help="keep the seeded databases")
    ap.add_argument("--reuse", action="store_true", help="reuse databases kept by --keep")
    args = ap.parse_args()
    # a SIGTERM unwinds like an exception, so that servers are stopped and databases dropped
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.quick:
        sizes = args.sizes or "2000"
        args.connections = args.connections or "16"
        args.duration = args.duration or 2
        args.floor_duration = 1 if args.floor_duration is None else args.floor_duration
    else:
        sizes = args.sizes or "10000,100000,1000000"
        args.connections = args.connections or "1,16"
        args.duration = args.duration or 10
        args.floor_duration = 10 if args.floor_duration is None else args.floor_duration
    args.sizes = [int(s.replace("_", "")) for s in sizes.split(",")]
    args.connections = [int(c) for c in args.connections.split(",")]
    args.floor_connections = args.connections
    os.makedirs(args.workdir, exist_ok=True)
    if not os.access(args.bin, os.X_OK):
        sys.exit(f"bench: no server binary at {args.bin} (bench/run.sh builds it)")
    # Run a private copy, so that a rebuild during the benchmark does not swap the binary. No
    # command line of the benchmark's processes names "clientele" (the binary comes through
    # BENCH_BIN, the databases are cbench_*), so a `pkill -f clientele` aimed at stray test servers
    # does not end a benchmark run.
    private = os.path.join(args.workdir, "server")
    shutil.copy2(args.bin, private)
    args.commit = git_commit() if os.path.realpath(args.bin).startswith(ROOT) else "? (CLIENTELE_BIN)"
    args.bin = private
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    for tool in ["wrk"] + (["psql", "pgbench"] if "postgres" in backends else []):
        if not shutil.which(tool):
            sys.exit(f"bench: `{tool}` is not installed (bench/run.sh installs it)")
    failures = []
    t0 = time.time()
    for backend in backends:
        for n in args.sizes:
            log(f"=== {backend}, N = {n:,} ===")
            failures += [f"{backend} N={n}: {f}" for f in bench_one(backend, n, args)]
    log(f"done in {time.time() - t0:.0f} s")
    if failures:
        print("\nFAILURES:\n" + "\n".join(f"- {f}" for f in failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
