-- Customers, addresses, groups and memberships; admin users and their identities.
-- Text columns use the "C" collation: bytewise order, as the recordings show, and one index per
-- column serves both equality and ordering. Every index is partial on non-deleted rows.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE customer (
    id text COLLATE "C" PRIMARY KEY,
    company_name text COLLATE "C",
    first_name text COLLATE "C",
    last_name text COLLATE "C",
    email text COLLATE "C",
    phone text COLLATE "C",
    has_account boolean NOT NULL DEFAULT false,
    metadata jsonb,
    created_by text COLLATE "C",
    -- lower-cased searchable columns, maintained by Clientele, for `q` (trigram index below)
    search_text text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE UNIQUE INDEX customer_email_has_account_unique ON customer (email, has_account) WHERE deleted_at IS NULL;
CREATE INDEX customer_live_id ON customer (id) WHERE deleted_at IS NULL;
CREATE INDEX customer_created_at ON customer (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_updated_at ON customer (updated_at, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_has_account ON customer (has_account, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_search ON customer USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX customer_company_name ON customer (company_name, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_first_name ON customer (first_name, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_last_name ON customer (last_name, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_email ON customer (email, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_phone ON customer (phone, id) WHERE deleted_at IS NULL;
CREATE INDEX customer_created_by ON customer (created_by, id) WHERE deleted_at IS NULL;

CREATE TABLE customer_address (
    id text COLLATE "C" PRIMARY KEY,
    customer_id text COLLATE "C" NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    address_name text COLLATE "C",
    is_default_shipping boolean NOT NULL DEFAULT false,
    is_default_billing boolean NOT NULL DEFAULT false,
    company text COLLATE "C",
    first_name text COLLATE "C",
    last_name text COLLATE "C",
    address_1 text COLLATE "C",
    address_2 text COLLATE "C",
    city text COLLATE "C",
    country_code text COLLATE "C",
    province text COLLATE "C",
    postal_code text COLLATE "C",
    phone text COLLATE "C",
    metadata jsonb,
    search_text text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE INDEX customer_address_customer ON customer_address (customer_id, id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX customer_address_default_billing ON customer_address (customer_id) WHERE is_default_billing AND deleted_at IS NULL;
CREATE UNIQUE INDEX customer_address_default_shipping ON customer_address (customer_id) WHERE is_default_shipping AND deleted_at IS NULL;

CREATE TABLE customer_group (
    id text COLLATE "C" PRIMARY KEY,
    name text COLLATE "C" NOT NULL,
    metadata jsonb,
    created_by text COLLATE "C",
    search_text text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE UNIQUE INDEX customer_group_name_unique ON customer_group (name) WHERE deleted_at IS NULL;
CREATE INDEX customer_group_created_at ON customer_group (created_at, id) WHERE deleted_at IS NULL;

CREATE TABLE customer_group_customer (
    id text COLLATE "C" PRIMARY KEY,
    customer_id text COLLATE "C" NOT NULL REFERENCES customer (id) ON DELETE CASCADE,
    customer_group_id text COLLATE "C" NOT NULL REFERENCES customer_group (id) ON DELETE CASCADE,
    created_by text,
    metadata jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
-- one membership per pair (Medusa allows duplicates; adding twice must leave one)
CREATE UNIQUE INDEX customer_group_customer_pair ON customer_group_customer (customer_id, customer_group_id);
CREATE INDEX customer_group_customer_group ON customer_group_customer (customer_group_id, customer_id);

CREATE TABLE app_user (
    id text COLLATE "C" PRIMARY KEY,
    email text NOT NULL,
    first_name text,
    last_name text,
    avatar_url text,
    metadata jsonb,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE UNIQUE INDEX app_user_email_unique ON app_user (email) WHERE deleted_at IS NULL;

CREATE TABLE auth_identity (
    id text COLLATE "C" PRIMARY KEY,
    provider text NOT NULL,
    entity_id text NOT NULL,
    -- scrypt-kdf format, base64 (CONTRACT.md §5.4)
    password_hash text NOT NULL,
    user_id text NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX auth_identity_provider_entity ON auth_identity (provider, entity_id);

-- Cookie sessions, shared by every process using this database. The session id is stored only as
-- its SHA-256, so a leaked table does not give working cookies.
CREATE TABLE auth_session (
    sid_hash text PRIMARY KEY,
    data jsonb NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX auth_session_expires ON auth_session (expires_at);

-- The number of live customers, kept by a trigger, so that an unfiltered list's exact `count` sums
-- 64 rows instead of counting a million. Spread over 64 slots (by id) so that concurrent inserts
-- rarely wait on one another's counter row.
CREATE TABLE customer_count (slot int PRIMARY KEY, n bigint NOT NULL);
INSERT INTO customer_count (slot, n) SELECT s, 0 FROM generate_series(0, 63) s;
CREATE FUNCTION customer_count_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta int := 0;
    key text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        key := NEW.id;
        IF NEW.deleted_at IS NULL THEN delta := 1; END IF;
    ELSIF TG_OP = 'DELETE' THEN
        key := OLD.id;
        IF OLD.deleted_at IS NULL THEN delta := -1; END IF;
    ELSE
        key := NEW.id;
        IF OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL THEN delta := -1;
        ELSIF OLD.deleted_at IS NOT NULL AND NEW.deleted_at IS NULL THEN delta := 1;
        END IF;
    END IF;
    IF delta <> 0 THEN
        UPDATE customer_count SET n = n + delta WHERE slot = (hashtext(key) & 63);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER customer_count_track AFTER INSERT OR DELETE OR UPDATE OF deleted_at ON customer
    FOR EACH ROW EXECUTE FUNCTION customer_count_track();
