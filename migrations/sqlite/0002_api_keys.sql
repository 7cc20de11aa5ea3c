-- API keys (CONTRACT.md §5.5). A secret key's token is stored only as Medusa's salted scrypt hash
-- (`token_hash`); `token` holds a publishable key's token, or '' for a secret key.
CREATE TABLE api_key (
    id TEXT PRIMARY KEY NOT NULL,
    title TEXT,
    token TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL DEFAULT '',
    salt TEXT NOT NULL DEFAULT '',
    redacted TEXT NOT NULL,
    type TEXT NOT NULL,
    last_used_at TEXT,
    created_by TEXT,
    revoked_by TEXT,
    revoked_at TEXT,
    search_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX api_key_redacted ON api_key (redacted) WHERE deleted_at IS NULL;
CREATE INDEX api_key_created_at ON api_key (created_at, id) WHERE deleted_at IS NULL;
