//! The database: one API over SQLite (embedded default) and PostgreSQL (production), with the
//! dialect differences kept in `sql.rs`. All SQL text lives in this module; every value from a
//! request is bound as a parameter, and identifiers come only from the static allow-lists.

pub mod customers;
pub mod list;
pub mod migrate;
pub mod sessions;
pub mod sql;
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
    pub fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::ForeignKeyViolation)
    }
}

/// A connection pool to one of the two back-ends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

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
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
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

    pub fn dialect(&self) -> Dialect {
        match self {
            Db::Sqlite(_) => Dialect::Sqlite,
            Db::Postgres(_) => Dialect::Postgres,
        }
    }

    pub fn sql(&self) -> Sql {
        Sql::new(self.dialect())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }

    /// Runs a statement; returns the number of rows it touched.
    pub async fn execute(&self, sql: Sql) -> Result<u64, StoreError> {
        let Sql { text, params, .. } = sql;
        Ok(match self {
            Db::Sqlite(pool) => {
                let mut q = sqlx::query(AssertSqlSafe(text));
                for p in params {
                    q = p.bind_sqlite(q);
                }
                q.execute(pool).await?.rows_affected()
            }
            Db::Postgres(pool) => {
                let mut q = sqlx::query(AssertSqlSafe(text));
                for p in params {
                    q = p.bind_pg(q);
                }
                q.execute(pool).await?.rows_affected()
            }
        })
    }

    /// Runs a query and decodes each row's columns by their kinds into JSON values.
    pub async fn fetch(&self, sql: Sql, kinds: &[ColKind]) -> Result<Vec<Vec<Value>>, StoreError> {
        let Sql { text, params, .. } = sql;
        match self {
            Db::Sqlite(pool) => {
                let mut q = sqlx::query(AssertSqlSafe(text));
                for p in params {
                    q = p.bind_sqlite(q);
                }
                let rows = q.fetch_all(pool).await?;
                rows.iter()
                    .map(|row| {
                        kinds
                            .iter()
                            .enumerate()
                            .map(|(i, k)| decode_sqlite(row, i, *k))
                            .collect()
                    })
                    .collect()
            }
            Db::Postgres(pool) => {
                let mut q = sqlx::query(AssertSqlSafe(text));
                for p in params {
                    q = p.bind_pg(q);
                }
                let rows = q.fetch_all(pool).await?;
                rows.iter()
                    .map(|row| {
                        kinds
                            .iter()
                            .enumerate()
                            .map(|(i, k)| decode_pg(row, i, *k))
                            .collect()
                    })
                    .collect()
            }
        }
    }

    /// A single integer (`SELECT COUNT(*) ...`).
    pub async fn fetch_i64(&self, sql: Sql) -> Result<i64, StoreError> {
        let Sql { text, params, .. } = sql;
        Ok(match self {
            Db::Sqlite(pool) => {
                let mut q = sqlx::query(AssertSqlSafe(text));
                for p in params {
                    q = p.bind_sqlite(q);
                }
                q.fetch_one(pool).await?.try_get::<i64, _>(0)?
            }
            Db::Postgres(pool) => {
                let mut q = sqlx::query(AssertSqlSafe(text));
                for p in params {
                    q = p.bind_pg(q);
                }
                q.fetch_one(pool).await?.try_get::<i64, _>(0)?
            }
        })
    }
}

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
