-- Customers, addresses, groups and memberships; admin users and their identities.
-- Timestamps are TEXT 'YYYY-MM-DDTHH:MM:SS.mmmZ' written by Clientele only, so they compare as text.
-- Every index is partial on non-deleted rows: that is the only scope the API ever reads.

CREATE TABLE customer (
    id TEXT PRIMARY KEY NOT NULL,
    company_name TEXT,
    first_name TEXT,
    last_name TEXT,
    email TEXT,
    phone TEXT,
    has_account INTEGER NOT NULL DEFAULT 0,
    metadata TEXT,
    created_by TEXT,
    -- lower-cased searchable columns, maintained by Clientele, for `q`
    search_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX customer_email_has_account_unique ON customer (email, has_account) WHERE deleted_at IS NULL;
CREATE INDEX customer_live_id ON customer (id) WHERE deleted_at IS NULL;
CREATE INDEX customer_created_at ON customer (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_updated_at ON customer (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_has_account ON customer (has_account, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_company_name ON customer (company_name, id) WHERE deleted_at IS NULL;
-- ordering with NULLs last (ascending) / first (descending), as Medusa's PostgreSQL does
CREATE INDEX customer_company_name_order ON customer ((company_name IS NULL), company_name, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_first_name ON customer (first_name, id) WHERE deleted_at IS NULL;
-- ordering with NULLs last (ascending) / first (descending), as Medusa's PostgreSQL does
CREATE INDEX customer_first_name_order ON customer ((first_name IS NULL), first_name, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_last_name ON customer (last_name, id) WHERE deleted_at IS NULL;
-- ordering with NULLs last (ascending) / first (descending), as Medusa's PostgreSQL does
CREATE INDEX customer_last_name_order ON customer ((last_name IS NULL), last_name, id) WHERE deleted_at IS NULL;
-- ordering with NULLs last (ascending) / first (descending), as Medusa's PostgreSQL does
CREATE INDEX customer_email_order ON customer ((email IS NULL), email, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_phone ON customer (phone, id) WHERE deleted_at IS NULL;
-- ordering with NULLs last (ascending) / first (descending), as Medusa's PostgreSQL does
CREATE INDEX customer_phone_order ON customer ((phone IS NULL), phone, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_created_by ON customer (created_by, id) WHERE deleted_at IS NULL;
-- ordering with NULLs last (ascending) / first (descending), as Medusa's PostgreSQL does
CREATE INDEX customer_created_by_order ON customer ((created_by IS NULL), created_by, id) WHERE deleted_at IS NULL;

CREATE TABLE customer_address (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    address_name TEXT,
    is_default_shipping INTEGER NOT NULL DEFAULT 0,
    is_default_billing INTEGER NOT NULL DEFAULT 0,
    company TEXT,
    first_name TEXT,
    last_name TEXT,
    address_1 TEXT,
    address_2 TEXT,
    city TEXT,
    country_code TEXT,
    province TEXT,
    postal_code TEXT,
    phone TEXT,
    metadata TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX customer_address_customer ON customer_address (customer_id, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customer_address_default_billing ON customer_address (customer_id) WHERE is_default_billing = 1 AND deleted_at IS NULL;
CREATE UNIQUE INDEX customer_address_default_shipping ON customer_address (customer_id) WHERE is_default_shipping = 1 AND deleted_at IS NULL;

CREATE TABLE customer_group (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    metadata TEXT,
    created_by TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX customer_group_name_unique ON customer_group (name) WHERE deleted_at IS NULL;
CREATE INDEX customer_group_created_at ON customer_group (created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE customer_group_customer (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    customer_group_id TEXT NOT NULL REFERENCES customer_group (id) ON DELETE CASCADE,
    created_by TEXT,
    metadata TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- one membership per pair (Medusa allows duplicates; adding twice must leave one)
CREATE UNIQUE INDEX customer_group_customer_pair ON customer_group_customer (customer_id, customer_group_id);
CREATE INDEX customer_group_customer_group ON customer_group_customer (customer_group_id, customer_id);

CREATE TABLE app_user (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL,
    first_name TEXT,
    last_name TEXT,
    avatar_url TEXT,
    metadata TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE UNIQUE INDEX app_user_email_unique ON app_user (email) WHERE deleted_at IS NULL;

CREATE TABLE auth_identity (
    id TEXT PRIMARY KEY NOT NULL,
    provider TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    -- scrypt-kdf format, base64 (CONTRACT.md §5.4)
    password_hash TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX auth_identity_provider_entity ON auth_identity (provider, entity_id);

-- Cookie sessions, shared by every process using this database. The session id is stored only as
-- its SHA-256, so a leaked table does not give working cookies.
CREATE TABLE auth_session (
    sid_hash TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX auth_session_expires ON auth_session (expires_at);

-- `q` on SQLite: a trigram index over customer.search_text (PostgreSQL uses pg_trgm). A phrase
-- MATCH of a token's trigrams is exactly a substring match, so it answers `LIKE '%token%'` for
-- tokens of three or more characters from the index; search_text is already lower-cased.
CREATE VIRTUAL TABLE customer_fts USING fts5(
    search_text, content = 'customer', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 1'
);
CREATE TRIGGER customer_fts_insert AFTER INSERT ON customer BEGIN
    INSERT INTO customer_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER customer_fts_delete AFTER DELETE ON customer BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER customer_fts_update AFTER UPDATE OF search_text ON customer BEGIN
    INSERT INTO customer_fts (customer_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO customer_fts (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

-- The number of live customers, kept by triggers, so that an unfiltered list's exact `count` reads
-- one row instead of counting a million.
CREATE TABLE customer_count (slot INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO customer_count (slot, n) VALUES (0, 0);
CREATE TRIGGER customer_count_insert AFTER INSERT ON customer WHEN new.deleted_at IS NULL BEGIN
    UPDATE customer_count SET n = n + 1 WHERE slot = 0;
END;
CREATE TRIGGER customer_count_soft_delete AFTER UPDATE OF deleted_at ON customer
WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN
    UPDATE customer_count SET n = n - 1 WHERE slot = 0;
END;
CREATE TRIGGER customer_count_restore AFTER UPDATE OF deleted_at ON customer
WHEN old.deleted_at IS NOT NULL AND new.deleted_at IS NULL BEGIN
    UPDATE customer_count SET n = n + 1 WHERE slot = 0;
END;
CREATE TRIGGER customer_count_delete AFTER DELETE ON customer WHEN old.deleted_at IS NULL BEGIN
    UPDATE customer_count SET n = n - 1 WHERE slot = 0;
END;
