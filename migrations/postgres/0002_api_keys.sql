-- API keys (CONTRACT.md §5.5). A secret key's token is stored only as Medusa's salted scrypt hash
-- (`token_hash`); `token` holds a publishable key's token, or '' for a secret key.
CREATE TABLE api_key (
    id text COLLATE "C" PRIMARY KEY,
    title text COLLATE "C",
    token text COLLATE "C" NOT NULL DEFAULT '',
    token_hash text NOT NULL DEFAULT '',
    salt text NOT NULL DEFAULT '',
    redacted text COLLATE "C" NOT NULL,
    type text COLLATE "C" NOT NULL,
    last_used_at timestamptz,
    created_by text COLLATE "C",
    revoked_by text COLLATE "C",
    revoked_at timestamptz,
    search_text text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    deleted_at timestamptz
);
CREATE INDEX api_key_redacted ON api_key (redacted) WHERE deleted_at IS NULL;
CREATE INDEX api_key_created_at ON api_key (created_at, id) WHERE deleted_at IS NULL;
