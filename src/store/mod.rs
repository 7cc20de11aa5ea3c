//! The database: one API over SQLite (embedded default) and PostgreSQL (production), with the
//! dialect differences kept in `sql.rs`. All SQL text lives in this module; every value from a
//! request is bound as a parameter, and identifiers come only from the static allow-lists.

pub mod addresses;
pub mod api_keys;
pub mod customers;
pub mod groups;
pub mod list;
pub mod migrate;
pub mod records;
pub mod sessions;
pub mod sql;
pub mod throttle;
pub mod users;

use std::str::FromStr;
use std::time::Duration;

use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row};

use crate::domain::format_ts;
use crate::domain::resource::ColKind;
pub use sql::{Dialect, Param, Sql};

/// What the store can fail with. Unique and not-found carry Medusa's message for the client.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Unique(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error("{0}")]
    Other(String),
}

impl StoreError {
    /// Whether a database error is a unique-constraint violation (by kind: SQLite names no constraint).
    pub fn is_unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation)
    }
    /// A deadlock or serialization failure: the transaction lost a race and may simply run again.
    pub fn is_retryable(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(db)) if matches!(db.code().as_deref(), Some("40P01" | "40001")))
    }
}

/// A connection pool to one of the two back-ends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool, WriteGate),
    Postgres(PgPool),
}

/// SQLite takes one writer at a time. Left to SQLite, concurrent writers wait in its busy handler,
/// which sleeps in growing steps (up to 100 ms) and so gives bursts of creates a p99 near a second;
/// queueing this process's writers on an async mutex hands the lock over as soon as it is free.
/// Other processes sharing the file still wait in the busy handler.
pub type WriteGate = std::sync::Arc<tokio::sync::Mutex<()>>;

impl Db {
    /// Connects to `sqlite://PATH` (created if missing, WAL) or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool, WriteGate::default()))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            // Generic plans: sqlx prepares every statement, and under PostgreSQL's default
            // (`auto`) a statement whose `LIMIT $n` makes the generic plan look costlier is planned
            // again on every execution, which took ~40% of a list's time. Every list, count and
            // search has an index whatever the values (tests/api/query_plans.rs checks the generic
            // plans), so planning once per connection loses nothing.
            let opts = PgConnectOptions::from_str(url)?.options([("plan_cache_mode", "force_generic_plan")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::Other(format!(
                "DATABASE_URL must start with sqlite:// or postgres://, got '{}'",
                url.split(':').next().unwrap_or("")
            )))
        }
    }

    /// Refreshes the query planner's statistics where they have drifted (SQLite's `PRAGMA optimize`;
    /// PostgreSQL's autovacuum does this by itself). Without them SQLite may walk the whole id index
    /// for a narrow `created_at` range instead of using its index.
    pub async fn optimize(&self) -> Result<(), StoreError> {
        if let Db::Sqlite(pool, _) = self {
            sqlx::raw_sql("PRAGMA optimize=0x10002").execute(pool).await?;
        }
        Ok(())
    }

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(..) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn sql(&self) -> Sql {
        Sql::new(self.dialect())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, _) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Runs a writing statement; returns the number of rows it touched.
    pub async fn execute(&self, sql: Sql) -> Result<u64, StoreError> {
        match self {
            Db::Sqlite(pool, gate) => {
                let _writer = gate.lock().await;
                sqlite_execute(pool, sql).await
            }
            Db::Postgres(pool) => pg_execute(pool, sql).await,
        }
    }

    /// Runs a query and decodes each row's columns by their kinds into JSON values.
    pub async fn fetch(&self, sql: Sql, kinds: &[ColKind]) -> Result<Vec<Vec<Value>>, StoreError> {
        match self {
            Db::Sqlite(pool, _) => sqlite_fetch(pool, sql, kinds).await,
            Db::Postgres(pool) => pg_fetch(pool, sql, kinds).await,
        }
    }

    /// A single integer (`SELECT COUNT(*) ...`).
    pub async fn fetch_i64(&self, sql: Sql) -> Result<i64, StoreError> {
        match self {
            Db::Sqlite(pool, _) => sqlite_i64(pool, sql).await,
            Db::Postgres(pool) => pg_i64(pool, sql).await,
        }
    }

    /// A `(count, text)` row: a list's count and its page rendered as JSON.
    pub async fn fetch_count_and_text(&self, sql: Sql) -> Result<(i64, String), StoreError> {
        match self {
            Db::Sqlite(pool, _) => sqlite_count_and_text(pool, sql).await,
            Db::Postgres(pool) => pg_count_and_text(pool, sql).await,
        }
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so two
    /// writers never deadlock upgrading a read lock; on PostgreSQL it is READ COMMITTED.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        Ok(match self {
            Db::Sqlite(pool, gate) => {
                let writer = gate.clone().lock_owned().await;
                Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?, writer)
            }
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }
}

/// Runs a transaction again (up to three times in all) when it lost a deadlock or serialization race.
pub async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut tries = 0;
    loop {
        match attempt().await {
            Err(e) if e.is_retryable() && tries < 2 => tries += 1,
            other => return other,
        }
    }
}

/// A transaction on either back-end: every multi-row write goes through one, so that a failure
/// anywhere leaves nothing written.
pub enum Tx {
    /// Holds the process's SQLite write gate until committed or dropped.
    Sqlite(
        sqlx::Transaction<'static, sqlx::Sqlite>,
        tokio::sync::OwnedMutexGuard<()>,
    ),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub fn sql(&self) -> Sql {
        Sql::new(match self {
            Tx::Sqlite(..) => Dialect::Sqlite,
            Tx::Postgres(_) => Dialect::Postgres,
        })
    }

    pub async fn execute(&mut self, sql: Sql) -> Result<u64, StoreError> {
        match self {
            Tx::Sqlite(tx, _) => sqlite_execute(&mut **tx, sql).await,
            Tx::Postgres(tx) => pg_execute(&mut **tx, sql).await,
        }
    }

    pub async fn fetch(&mut self, sql: Sql, kinds: &[ColKind]) -> Result<Vec<Vec<Value>>, StoreError> {
        match self {
            Tx::Sqlite(tx, _) => sqlite_fetch(&mut **tx, sql, kinds).await,
            Tx::Postgres(tx) => pg_fetch(&mut **tx, sql, kinds).await,
        }
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(tx, _writer) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// `FOR UPDATE` where the dialect has it (SQLite's `BEGIN IMMEDIATE` already serialises writers).
pub fn for_update(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "",
        Dialect::Postgres => " FOR UPDATE",
    }
}

macro_rules! backend_fns {
    ($db:ty, $row:ty, $bind:ident, $decode:ident, $execute:ident, $fetch:ident, $i64:ident, $count_text:ident) => {
        async fn $execute<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            sql: Sql,
        ) -> Result<u64, StoreError> {
            let mut q = sqlx::query(AssertSqlSafe(sql.text));
            for p in sql.params {
                q = p.$bind(q);
            }
            Ok(q.execute(e).await?.rows_affected())
        }

        async fn $fetch<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            sql: Sql,
            kinds: &[ColKind],
        ) -> Result<Vec<Vec<Value>>, StoreError> {
            let mut q = sqlx::query(AssertSqlSafe(sql.text));
            for p in sql.params {
                q = p.$bind(q);
            }
            let rows: Vec<$row> = q.fetch_all(e).await?;
            rows.iter()
                .map(|row| {
                    kinds
                        .iter()
                        .enumerate()
                        .map(|(i, k)| $decode(row, i, *k))
                        .collect()
                })
                .collect()
        }

        async fn $i64<'e, E: sqlx::Executor<'e, Database = $db>>(e: E, sql: Sql) -> Result<i64, StoreError> {
            let mut q = sqlx::query(AssertSqlSafe(sql.text));
            for p in sql.params {
                q = p.$bind(q);
            }
            Ok(q.fetch_one(e).await?.try_get::<i64, _>(0)?)
        }

        async fn $count_text<'e, E: sqlx::Executor<'e, Database = $db>>(
            e: E,
            sql: Sql,
        ) -> Result<(i64, String), StoreError> {
            let mut q = sqlx::query(AssertSqlSafe(sql.text));
            for p in sql.params {
                q = p.$bind(q);
            }
            let row = q.fetch_one(e).await?;
            Ok((row.try_get::<i64, _>(0)?, row.try_get::<String, _>(1)?))
        }
    };
}

backend_fns!(
    sqlx::Sqlite,
    SqliteRow,
    bind_sqlite,
    decode_sqlite,
    sqlite_execute,
    sqlite_fetch,
    sqlite_i64,
    sqlite_count_and_text
);
backend_fns!(
    sqlx::Postgres,
    PgRow,
    bind_pg,
    decode_pg,
    pg_execute,
    pg_fetch,
    pg_i64,
    pg_count_and_text
);

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> Value) -> Value {
    v.map_or(Value::Null, f)
}

fn decode_sqlite(row: &SqliteRow, i: usize, kind: ColKind) -> Result<Value, StoreError> {
    Ok(match kind {
        ColKind::Text | ColKind::Time => opt(row.try_get::<Option<String>, _>(i)?, Value::String),
        ColKind::Bool => opt(row.try_get::<Option<bool>, _>(i)?, Value::Bool),
        ColKind::Json => match row.try_get::<Option<String>, _>(i)? {
            None => Value::Null,
            Some(s) => {
                serde_json::from_str(&s).map_err(|e| StoreError::Other(format!("stored JSON: {e}")))?
            }
        },
    })
}

fn decode_pg(row: &PgRow, i: usize, kind: ColKind) -> Result<Value, StoreError> {
    Ok(match kind {
        ColKind::Text => opt(row.try_get::<Option<String>, _>(i)?, Value::String),
        ColKind::Time => opt(row.try_get::<Option<time::OffsetDateTime>, _>(i)?, |t| {
            Value::String(format_ts(t))
        }),
        ColKind::Bool => opt(row.try_get::<Option<bool>, _>(i)?, Value::Bool),
        ColKind::Json => row.try_get::<Option<Value>, _>(i)?.unwrap_or(Value::Null),
    })
}
