#!/usr/bin/env python3
"""Seeds N customers straight into a migrated Clientele database (SQLite or PostgreSQL), fast.

Python standard library only; PostgreSQL is fed through `psql` (COPY FROM STDIN).

    seed.py --backend sqlite   --db PATH --n 100000 [--meta OUT.json]
    seed.py --backend postgres --url postgres://postgres@127.0.0.1:5432/DB --n 100000

The database must already carry the server's own schema (`clientele migrate`); this writes rows
only. What it writes, and how it matches what the server itself would store:

- customers: realistic names (a few accented), companies (~40%), unique emails, phones (~70%),
  metadata JSON (~60%), has_account (~30%), created_by (an admin id for admin-created ones);
  ~1% soft-deleted. `cus_` + a 26-character ULID (Crockford base32, upper case) whose time part is
  `created_at`, so ids increase with creation, as the server's monotonic ULIDs do; `created_at`
  spread over the two years before now (strictly increasing), `updated_at` >= `created_at`.
- `search_text` = the non-null company_name, first_name, last_name, email, phone, lower-cased,
  joined by single spaces (`domain::search_text`); addresses: address_name, company, first_name,
  last_name, address_1, address_2, city, province, postal_code; groups: lower(name).
- ~20% of live customers have 1-2 addresses (the first is the default billing and shipping one);
  ~10% are in one of a few customer groups (customer_group_customer).
- SQLite: timestamps as TEXT 'YYYY-MM-DDTHH:MM:SS.mmmZ'; metadata as compact JSON text; executemany
  in large transactions (journal_mode=WAL, synchronous=OFF during the load), the schema's own
  triggers maintaining the FTS5 trigram index and the live-customer counter; then ANALYZE.
- PostgreSQL: COPY FROM STDIN, three tables in parallel. The secondary indexes of the three big
  tables are dropped first and re-created afterwards from their exact `pg_get_indexdef` text (same
  names, same definitions: building a btree or GIN index once is far faster than growing it row by
  row), and the rows are copied with `session_replication_role = replica`, which skips the
  per-row triggers (the live-count trigger and the foreign-key checks: every reference is generated
  valid); the 64 counter slots are then set exactly as the trigger would have (`hashtext(id) & 63`
  over live rows). Ends with VACUUM ANALYZE.

Prints one JSON object (and writes it to --meta): the parameters the benchmark's scenarios use
(a real email, id, group id, a search term that hits, a created_at range) and the seeding time.
"""

import argparse
import datetime as dt
import json
import multiprocessing
import os
import random
try:
    # a current SQLite (the server bundles one): Debian's 3.40 lacks ORDER BY inside aggregates,
    # which the server's list statements use. run.sh installs it; plain sqlite3 is the fallback.
    import sqlean as sqlite3
except ImportError:
    import sqlite3
import subprocess
import sys
import threading
import time

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

FIRST = """James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard
Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony
Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth
Carol Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason
Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna
Stephen Brenda Larry Pamela Justin Emma Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine
Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet Jack Catherine Dennis
Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Zachary
Victoria Douglas Kelly Peter Lauren Kyle Christina Noah Joan Ethan Evelyn Jeremy Judith Walter Megan
Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline Austin Martha Sean Gloria Gerald Teresa
Carl Ann Harold Sara Dylan Madison Arthur Frances Lawrence Kathryn Jordan Janice Jesse Jean Bryan
Abigail Billy Alice Bruce Judy Gabriel Sophia Joe Grace Logan Denise Alan Amber Juan Doris Albert
Marilyn Willie Danielle Elijah Beverly Wayne Isabella Randy Theresa Vincent Diana Mason Natalie Roy
Brittany Ralph Charlotte Bobby Marie Russell Kayla Bradley Alexis Philip Lori Eugene""".split() + [
    "José", "Zoë", "Renée", "Łukasz", "Søren", "Chloé", "Björn", "Inês", "Mónica", "François",
    "Ana-María", "Nuño", "Jürgen", "Siobhán", "Dmitri", "Aiko", "Wei", "Priya", "Mohammed", "Fatima",
]

LAST = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez
Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green
Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz
Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan
Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James
Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez
Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole
Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker
Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz
Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren Mills Meyer Rice
Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley
Spencer Hawkins Arnold Pierce Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham
Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado Berry Perkins Hoffman Johnston
Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval""".split() + [
    "Müller", "O'Brien", "García", "Kowalski", "Ødegaard", "Nakamura", "Dubois", "Rossi", "Novák",
    "Schäfer", "Ó Súilleabháin", "van der Berg", "De la Cruz", "Zhang", "Singh", "Ivanova",
]

COMPANY_A = """Acme Northwind Contoso Globex Initech Umbrella Stark Wayne Wonka Hooli Vandelay Soylent
Tyrell Cyberdyne Aperture Gringotts Oceanic Pied Piper Blue Sky Redwood Summit Pioneer Evergreen
Silverline Brightway Ironclad Harbor Maple Granite Falcon Horizon Quantum Nimbus Cobalt Atlas
Beacon Sterling Meridian Orchard Lakeside Crescent Keystone Vertex Juniper""".split()
COMPANY_B = ["Logistics", "Traders", "Foods", "Labs", "Systems", "Outfitters", "Supply Co.",
             "Holdings", "Design", "Studio", "Analytics", "Hardware", "Apparel", "Coffee Roasters",
             "Bikes", "Pharma", "Consulting", "Media", "Robotics", "Garden Centre"]
COMPANY_C = ["", "", "", " Inc.", " LLC", " GmbH", " Ltd", " S.A.", " AB", " & Sons"]
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com", "proton.me",
             "gmx.de", "web.de", "orange.fr", "mail.com"]
STREETS = ["Main St", "Oak Ave", "Maple Rd", "Cedar Ln", "Park Blvd", "Elm St", "Washington Ave",
           "Lake Dr", "Hill Rd", "Sunset Blvd", "Market St", "Church Rd", "High Street",
           "Königstraße", "Rue de Rivoli", "Calle Mayor"]
CITIES = [("New York", "NY", "us"), ("Los Angeles", "CA", "us"), ("Chicago", "IL", "us"),
          ("Houston", "TX", "us"), ("Seattle", "WA", "us"), ("Boston", "MA", "us"),
          ("Denver", "CO", "us"), ("Austin", "TX", "us"), ("London", None, "gb"),
          ("Manchester", None, "gb"), ("Berlin", "BE", "de"), ("München", "BY", "de"),
          ("Paris", None, "fr"), ("Lyon", None, "fr"), ("Madrid", "M", "es"),
          ("Copenhagen", None, "dk"), ("Stockholm", None, "se"), ("Toronto", "ON", "ca")]
ADDRESS_NAMES = [None, None, "Home", "Work", "Office", "Warehouse", "Summer house"]
GROUPS = ["VIP", "Wholesale", "Newsletter", "Staff", "Beta testers"]
SOURCES = ["web", "pos", "import", "referral", "marketplace"]
TIERS = ["bronze", "silver", "gold", "platinum"]
ADMINS = ["user_01HZX0Q4Y6VQ3N8J2M5K7R9T1B", "user_01HZX0Q4Y6VQ3N8J2M5K7R9T1C",
          "user_01HZX0Q4Y6VQ3N8J2M5K7R9T1D"]

# The `q` term the benchmark's "search hit" scenario uses: a common last name (~0.4% of rows).
HIT_TERM = "martinez"

ASCII_FOLD = str.maketrans({"é": "e", "ë": "e", "è": "e", "ł": "l", "ø": "o", "ö": "o", "ó": "o",
                            "ê": "e", "á": "a", "í": "i", "ñ": "n", "ü": "u", "ç": "c", "ä": "a",
                            "ú": "u", "Ø": "o"})


_MAIL_CACHE = {}


def mail_part(name):
    """A name as it appears in an email address: ASCII letters only, lower case."""
    s = _MAIL_CACHE.get(name)
    if s is None:
        folded = name.lower().translate(ASCII_FOLD)
        s = _MAIL_CACHE[name] = "".join(c for c in folded if "a" <= c <= "z")
    return s


def search_text(values):
    """The server's `domain::search_text`: non-null values, lower-cased, joined by one space."""
    return " ".join([v.lower() for v in values if v is not None])


_PAIRS = [a + b for a in CROCKFORD for b in CROCKFORD]


def ulid_time(ms):
    """The 10-character time part of a ULID (48-bit milliseconds, Crockford base32)."""
    p = _PAIRS
    return p[ms >> 40 & 1023] + p[ms >> 30 & 1023] + p[ms >> 20 & 1023] + p[ms >> 10 & 1023] + p[ms & 1023]


def ulid_random(r):
    """The 16-character random part of a ULID from 80 random bits."""
    p = _PAIRS
    return "".join((p[r >> 70], p[r >> 60 & 1023], p[r >> 50 & 1023], p[r >> 40 & 1023],
                    p[r >> 30 & 1023], p[r >> 20 & 1023], p[r >> 10 & 1023], p[r & 1023]))


class Clock:
    """Formats epoch milliseconds as 'YYYY-MM-DDTHH:MM:SS.mmmZ' (the server's `format_ts`), fast."""

    def __init__(self):
        self._day = None
        self._prefix = ""

    def fmt(self, ms):
        day, rem = divmod(ms, 86_400_000)
        if day != self._day:
            self._day = day
            self._prefix = (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat() + "T"
        s, milli = divmod(rem, 1000)
        h, s = divmod(s, 3600)
        m, s = divmod(s, 60)
        return f"{self._prefix}{h:02d}:{m:02d}:{s:02d}.{milli:03d}Z"


SPAN_MS = 730 * 86_400_000  # creation times spread over two years


def generate(n, seed, now_ms, lo=0, hi=None):
    """Yields (i, customer, [addresses], group_index_or_None) for customers lo..hi of n, in id
    order. Rows depend only on (seed, i // CHUNK), so chunks can be made in parallel.

    customer = (id, company_name, first_name, last_name, email, phone, has_account, metadata_json,
                created_by, search_text, created_at, updated_at, deleted_at), timestamps as text.
    """
    hi = n if hi is None else hi
    rng = random.Random(seed * 1_000_003 + lo)
    clock = Clock()
    end = now_ms - 3_600_000  # an hour ago: ids the server creates now sort after every seeded one
    start = end - SPAN_MS
    step = SPAN_MS / max(n, 1)
    prev = -1
    random_ = rng.random
    getrandbits = rng.getrandbits
    n_first, n_last, n_ca, n_cb, n_cc = len(FIRST), len(LAST), len(COMPANY_A), len(COMPANY_B), len(COMPANY_C)
    n_free, n_cities, n_streets, n_anames = len(FREE_MAIL), len(CITIES), len(STREETS), len(ADDRESS_NAMES)
    dumps = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
    for i in range(lo, hi):
        ms = int(start + i * step + random_() * step * 0.9)
        if ms <= prev:
            ms = prev + 1
        prev = ms
        created = clock.fmt(ms)
        if random_() < 0.7:
            updated = created
        else:
            later = min(now_ms - 7_200_000, ms + 1 + int(random_() * 60 * 86_400_000))
            updated = Clock().fmt(later)
        first = FIRST[int(random_() * n_first)]
        last = LAST[int(random_() * n_last)]
        company = None
        if random_() < 0.4:
            company = (COMPANY_A[int(random_() * n_ca)] + " " + COMPANY_B[int(random_() * n_cb)]
                       + COMPANY_C[int(random_() * n_cc)])
        fm, lm = mail_part(first), mail_part(last)
        r = random_()
        if company is not None and r < 0.5:
            domain = mail_part(company[:company.index(" ")]) + ".com"
        else:
            domain = FREE_MAIL[i % n_free]
        if r < 0.45:
            email = f"{fm}.{lm}{i}@{domain}"
        elif r < 0.75:
            email = f"{fm[:1]}{lm}{i}@{domain}"
        else:
            email = f"{fm}{i}@{domain}"
        phone = None
        p = random_()
        if p < 0.45:
            phone = f"+1 {201 + int(p * 1000)}-555-{getrandbits(13):04d}"
        elif p < 0.6:
            phone = f"+44 20 7946 {getrandbits(13):04d}"
        elif p < 0.7:
            phone = f"+49 30 {1000000 + getrandbits(23)}"
        has_account = random_() < 0.3
        meta = None
        if random_() < 0.6:
            m = {"source": SOURCES[i % 5], "tier": TIERS[getrandbits(2)],
                 "newsletter": random_() < 0.5, "visits": getrandbits(9)}
            if random_() < 0.1:
                m["notes"] = "Prefers delivery after 5pm"
            meta = dumps(m)
        created_by = None if has_account else ADMINS[i % 3]
        deleted = updated if random_() < 0.01 else None
        t = ulid_time(ms)
        cid = "cus_" + t + ulid_random(getrandbits(80))
        st = search_text((company, first, last, email, phone))
        customer = (cid, company, first, last, email, phone, has_account, meta, created_by, st,
                    created, updated, deleted)
        addresses = []
        group = None
        if deleted is None:
            if random_() < 0.2:
                for k in range(1 if random_() < 0.7 else 2):
                    city, province, country = CITIES[int(random_() * n_cities)]
                    a_name = ADDRESS_NAMES[int(random_() * n_anames)]
                    a1 = f"{1 + getrandbits(13)} {STREETS[int(random_() * n_streets)]}"
                    a2 = f"Apt {1 + getrandbits(6)}" if random_() < 0.25 else None
                    postal = f"{10000 + int(random_() * 90000)}"
                    a_company = company if k == 0 else None
                    addresses.append((
                        "cuaddr_" + t + ulid_random(getrandbits(80)), cid, a_name, k == 0, k == 0,
                        a_company, first, last, a1, a2, city, country, province, postal, phone, None,
                        search_text((a_name, a_company, first, last, a1, a2, city, province, postal)),
                        created, created, None,
                    ))
            if random_() < 0.1:
                group = i % len(GROUPS)
        yield i, customer, addresses, group


def group_rows(now_ms, rng):
    clock = Clock()
    t0 = now_ms - 3_600_000 - SPAN_MS - 86_400_000  # a day before the first customer
    rows = []
    for k, name in enumerate(GROUPS):
        ms = t0 + k
        rows.append(("cusgroup_" + ulid_time(ms) + ulid_random(rng.getrandbits(80)), name, None,
                     ADMINS[0], name.lower(), clock.fmt(ms), clock.fmt(ms), None))
    return rows


CUSTOMER_COLS = ("id, company_name, first_name, last_name, email, phone, has_account, metadata, "
                 "created_by, search_text, created_at, updated_at, deleted_at")
ADDRESS_COLS = ("id, customer_id, address_name, is_default_shipping, is_default_billing, company, "
                "first_name, last_name, address_1, address_2, city, country_code, province, "
                "postal_code, phone, metadata, search_text, created_at, updated_at, deleted_at")
GROUP_COLS = "id, name, metadata, created_by, search_text, created_at, updated_at, deleted_at"
LINK_COLS = "id, customer_id, customer_group_id, created_by, metadata, created_at, updated_at"

CHUNK = 20_000


def _copy_value(v):
    """A value in COPY's text format (the generated data holds no tab, newline or backslash)."""
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    return v


def make_chunk(job):
    """Generates customers lo..hi (in a worker process): their rows, in the form the backend
    loads, and what the scenarios need to know about them."""
    n, seed, now_ms, lo, hi, group_ids, form = job
    stats = {"live": 0, "has_account": 0, "hits": 0, "groups": [0] * len(group_ids), "sample": None}
    cs, adds, links = [], [], []
    mid = n // 2
    for i, c, addresses, group in generate(n, seed, now_ms, lo, hi):
        if c[12] is None:
            stats["live"] += 1
            if c[6]:
                stats["has_account"] += 1
            if HIT_TERM in c[9]:
                stats["hits"] += 1
            if stats["sample"] is None and i >= mid:
                stats["sample"] = c
        cs.append(c)
        adds.extend(addresses)
        if group is not None:
            stats["groups"][group] += 1
            links.append(("cusgc_" + c[0][4:], c[0], group_ids[group], ADMINS[0], None, c[11], c[11]))
    if form == "copy":
        def text(rows):
            return "".join("\t".join(map(_copy_value, r)) + "\n" for r in rows)
        return stats, (text(cs), text(adds), text(links))
    return stats, (cs, adds, links)


def chunks(n, seed, now_ms, group_ids, form):
    """The generated chunks in id order, made by two worker processes while the caller loads."""
    jobs = [(n, seed, now_ms, lo, min(lo + CHUNK, n), group_ids, form) for lo in range(0, n, CHUNK)]
    with multiprocessing.get_context("fork").Pool(2) as pool:
        yield from pool.imap(make_chunk, jobs)


class Meta:
    """What the scenarios need to know about the data, summed over chunks."""

    def __init__(self, n, groups):
        self.n = n
        self.groups = groups
        self.live = self.has_account = self.hits = 0
        self.members = [0] * len(groups)
        self.sample = None

    def add(self, stats):
        self.live += stats["live"]
        self.has_account += stats["has_account"]
        self.hits += stats["hits"]
        self.members = [a + b for a, b in zip(self.members, stats["groups"])]
        if self.sample is None:
            self.sample = stats["sample"]

    def result(self, seconds):
        c = self.sample
        # a created_at range of 30 days (about 1/24 of the rows) from the sample's creation day
        day = dt.datetime.strptime(c[10][:10], "%Y-%m-%d")
        busiest = max(range(len(self.groups)), key=lambda g: self.members[g])
        return {
            "n": self.n, "live": self.live, "has_account": self.has_account,
            "sample_id": c[0], "sample_email": c[4],
            "group_id": self.groups[busiest][0], "group_name": self.groups[busiest][1],
            "group_members": self.members[busiest],
            "hit_term": HIT_TERM, "hit_count": self.hits, "miss_term": "zqxjvw",
            "created_from": day.strftime("%Y-%m-%dT00:00:00.000Z"),
            "created_to": (day + dt.timedelta(days=30)).strftime("%Y-%m-%dT00:00:00.000Z"),
            "seed_seconds": round(seconds, 1),
        }


SQLITE_DEFERRED = """SELECT type, name, tbl_name, sql FROM sqlite_master
    WHERE sql IS NOT NULL AND ((type = 'index' AND tbl_name IN ('customer', 'customer_address',
    'customer_group_customer')) OR (type = 'trigger' AND name = 'customer_fts_insert'))"""


def _schema(con):
    return sorted(con.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL"))


def seed_sqlite(path, n, seed):
    t0 = time.time()
    now_ms = int(time.time() * 1000)
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-1000000")  # a 1 GB page cache, for the load only
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA threads=2")  # index builds sort with a helper thread
    if con.execute("SELECT COUNT(*) FROM customer").fetchone()[0]:
        sys.exit("seed.py: the customer table is not empty")
    schema = _schema(con)
    # The secondary indexes of the three big tables and the FTS insert trigger are dropped for the
    # load and re-created from their exact stored SQL (building an index once is ~3x, filling the
    # FTS5 index with 'rebuild' ~5x, faster than row by row); the live-count trigger stays.
    deferred = con.execute(SQLITE_DEFERRED).fetchall()
    con.execute("BEGIN")
    for kind, name, _, _ in deferred:
        con.execute(f'DROP {kind.upper()} "{name}"')
    con.execute("COMMIT")

    groups = group_rows(now_ms, random.Random(seed + 1))
    meta = Meta(n, groups)
    ins_c = f"INSERT INTO customer ({CUSTOMER_COLS}) VALUES ({','.join('?' * 13)})"
    ins_a = f"INSERT INTO customer_address ({ADDRESS_COLS}) VALUES ({','.join('?' * 20)})"
    ins_l = f"INSERT INTO customer_group_customer ({LINK_COLS}) VALUES (?,?,?,?,?,?,?)"
    con.execute("BEGIN")
    con.executemany(f"INSERT INTO customer_group ({GROUP_COLS}) VALUES (?,?,?,?,?,?,?,?)", groups)
    rows = 0
    for stats, (cs, adds, links) in chunks(n, seed, now_ms, [g[0] for g in groups], "rows"):
        meta.add(stats)
        con.executemany(ins_c, cs)
        con.executemany(ins_a, adds)
        con.executemany(ins_l, links)
        rows += len(cs)
        if rows >= 200_000:
            con.execute("COMMIT")
            con.execute("BEGIN")
            rows = 0
    con.execute("COMMIT")
    t_load = time.time() - t0

    con.execute("BEGIN")
    for kind, _, _, sql in deferred:
        if kind == "index":
            con.execute(sql)
    con.execute("COMMIT")
    t_index = time.time() - t0 - t_load
    con.execute("BEGIN")
    con.execute("INSERT INTO customer_fts (customer_fts) VALUES ('rebuild')")
    for kind, _, _, sql in deferred:
        if kind == "trigger":
            con.execute(sql)
    con.execute("COMMIT")
    t_fts = time.time() - t0 - t_load - t_index
    if _schema(con) != schema:
        sys.exit("seed.py: the schema differs from the migrated one after the load")
    con.execute("ANALYZE")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    live = con.execute("SELECT n FROM customer_count").fetchone()[0]
    fts_ok = con.execute("SELECT COUNT(*) FROM customer_fts WHERE customer_fts MATCH ?",
                         ('"' + HIT_TERM + '"',)).fetchone()[0]
    con.close()
    if live != meta.live:
        sys.exit(f"seed.py: customer_count says {live}, seeded {meta.live} live customers")
    res = meta.result(time.time() - t0)
    if fts_ok < meta.hits:
        sys.exit(f"seed.py: the FTS index finds {fts_ok} rows for {HIT_TERM!r}, expected >= {meta.hits}")
    res.update(load_seconds=round(t_load, 1), index_seconds=round(t_index, 1),
               fts_seconds=round(t_fts, 1))
    return res


def _psql(url, *args, stdin=None, options=None):
    env = dict(os.environ)
    if options:
        env["PGOPTIONS"] = options
    return subprocess.Popen(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, *args],
                            stdin=stdin, stdout=subprocess.PIPE, env=env, text=True)


def _psql_run(url, sql, options=None):
    p = _psql(url, "-Atc", sql, options=options)
    out, _ = p.communicate()
    if p.returncode != 0:
        sys.exit(f"seed.py: psql failed ({p.returncode}) on: {sql[:200]}")
    return out


PG_INDEXES = (
    "SELECT i.indexrelid::regclass::text || E'\\t' || pg_get_indexdef(i.indexrelid) "
    "FROM pg_index i WHERE i.indrelid::regclass::text IN ('customer', 'customer_address', "
    "'customer_group_customer') AND NOT i.indisprimary ORDER BY 1")


# The 64 live-count slots as the trigger keeps them (`hashtext(id) & 63` over live rows).
PG_RECOUNT = (
    "UPDATE customer_count c SET n = COALESCE(s.n, 0) FROM customer_count c2 LEFT JOIN "
    "(SELECT hashtext(id) & 63 AS slot, COUNT(*) AS n FROM customer WHERE deleted_at IS NULL "
    "GROUP BY 1) s ON s.slot = c2.slot WHERE c.slot = c2.slot")


def seed_postgres(url, n, seed):
    t0 = time.time()
    now_ms = int(time.time() * 1000)
    if _psql_run(url, "SELECT COUNT(*) FROM customer").strip() != "0":
        sys.exit("seed.py: the customer table is not empty")
    # the secondary indexes (not the primary keys: foreign keys depend on them), exact definitions
    rows = _psql_run(url, PG_INDEXES)
    indexes = [line.split("\t", 1) for line in rows.splitlines() if line.strip()]
    if indexes:
        _psql_run(url, "DROP INDEX " + ", ".join(name for name, _ in indexes))

    groups = group_rows(now_ms, random.Random(seed + 1))
    meta = Meta(n, groups)
    # session_replication_role=replica: no per-row triggers (live counter, foreign-key checks)
    replica = "-c session_replication_role=replica -c synchronous_commit=off"
    procs = {}
    for table, cols in (("customer", CUSTOMER_COLS), ("customer_address", ADDRESS_COLS),
                        ("customer_group_customer", LINK_COLS), ("customer_group", GROUP_COLS)):
        procs[table] = _psql(url, "-c", f"COPY {table} ({cols}) FROM STDIN",
                             stdin=subprocess.PIPE, options=replica)
    out = {t: p.stdin for t, p in procs.items()}
    out["customer_group"].write("".join("\t".join(map(_copy_value, g)) + "\n" for g in groups))
    out["customer_group"].close()
    for stats, (cs, adds, links) in chunks(n, seed, now_ms, [g[0] for g in groups], "copy"):
        meta.add(stats)
        out["customer"].write(cs)
        out["customer_address"].write(adds)
        out["customer_group_customer"].write(links)
    for table in ("customer", "customer_address", "customer_group_customer"):
        out[table].close()
    for table, p in procs.items():
        if p.wait() != 0:
            sys.exit(f"seed.py: COPY into {table} failed")
    t_copy = time.time() - t0

    # Re-create the indexes in two sessions (this box has two cores); the trigram GIN index, the
    # longest to build, on its own.
    heavy = [d for _, d in indexes if "using gin" in d.lower()]
    light = [d for _, d in indexes if "using gin" not in d.lower()]
    sessions = [heavy, light] if heavy else [light[0::2], light[1::2]]
    errors = []

    def build(defs):
        if not defs:
            return
        args = ["-c", "SET maintenance_work_mem = '256MB'", "-c", "SET max_parallel_maintenance_workers = 0"]
        for d in defs:
            args += ["-c", d]
        p = _psql(url, *args)
        p.communicate()
        if p.returncode != 0:
            errors.append(defs)

    threads = [threading.Thread(target=build, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"seed.py: re-creating indexes failed: {errors}")
    t_index = time.time() - t0 - t_copy
    if _psql_run(url, PG_INDEXES) != rows:
        sys.exit("seed.py: the re-created indexes differ from the migrated ones")

    # what the live-count trigger would have done, row by row
    _psql_run(url, PG_RECOUNT)
    _psql_run(url, "VACUUM ANALYZE")
    live = int(_psql_run(url, "SELECT SUM(n) FROM customer_count").strip())
    if live != meta.live:
        sys.exit(f"seed.py: customer_count says {live}, seeded {meta.live} live customers")
    res = meta.result(time.time() - t0)
    res["copy_seconds"] = round(t_copy, 1)
    res["index_seconds"] = round(t_index, 1)
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", choices=("sqlite", "postgres"), required=True)
    ap.add_argument("--db", help="SQLite file")
    ap.add_argument("--url", help="PostgreSQL URL")
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--meta", help="also write the JSON summary here")
    a = ap.parse_args()
    if a.backend == "sqlite":
        if not a.db:
            ap.error("--db is required for sqlite")
        res = seed_sqlite(a.db, a.n, a.seed)
    else:
        if not a.url:
            ap.error("--url is required for postgres")
        res = seed_postgres(a.url, a.n, a.seed)
    res["backend"] = a.backend
    text = json.dumps(res, indent=1)
    if a.meta:
        with open(a.meta, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
