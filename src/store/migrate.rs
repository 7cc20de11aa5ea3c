//! Schema migrations, run on start (and by `clientele migrate`). Each back-end has its own SQL
//! files; a version table records what ran. On PostgreSQL an advisory lock lets any number of
//! processes start at once; on SQLite `BEGIN IMMEDIATE` does the same.

use sqlx::{AssertSqlSafe, Connection};

use super::{Db, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "customers",
        sqlite: include_str!("../../migrations/sqlite/0001_customers.sql"),
        postgres: include_str!("../../migrations/postgres/0001_customers.sql"),
    },
    Migration {
        version: 2,
        name: "api_keys",
        sqlite: include_str!("../../migrations/sqlite/0002_api_keys.sql"),
        postgres: include_str!("../../migrations/postgres/0002_api_keys.sql"),
    },
    Migration {
        version: 3,
        name: "login_throttle",
        sqlite: include_str!("../../migrations/sqlite/0003_login_throttle.sql"),
        postgres: include_str!("../../migrations/postgres/0003_login_throttle.sql"),
    },
    Migration {
        version: 4,
        name: "json_rendering",
        sqlite: include_str!("../../migrations/sqlite/0004_json_rendering.sql"),
        postgres: include_str!("../../migrations/postgres/0004_json_rendering.sql"),
    },
];

/// An arbitrary constant naming Clientele's migration lock.
const PG_LOCK_KEY: i64 = 0x636c_6965_6e74;

/// Applies every migration not yet applied; returns how many ran.
pub async fn run(db: &Db) -> Result<usize, StoreError> {
    let mut applied = 0;
    match db {
        Db::Sqlite(pool, _) => {
            let mut conn = pool.acquire().await?;
            sqlx::raw_sql("CREATE TABLE IF NOT EXISTS clientele_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
                .execute(&mut *conn)
                .await?;
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            for m in MIGRATIONS {
                let done: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM clientele_migrations WHERE version = ?")
                        .bind(m.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_none() {
                    sqlx::raw_sql(AssertSqlSafe(m.sqlite)).execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO clientele_migrations (version, name, applied_at) VALUES (?, ?, datetime('now'))")
                        .bind(m.version)
                        .bind(m.name)
                        .execute(&mut *tx)
                        .await?;
                    applied += 1;
                }
            }
            tx.commit().await?;
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(PG_LOCK_KEY)
                .execute(&mut *tx)
                .await?;
            sqlx::raw_sql("CREATE TABLE IF NOT EXISTS clientele_migrations (version bigint PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
                .execute(&mut *tx)
                .await?;
            for m in MIGRATIONS {
                let done: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM clientele_migrations WHERE version = $1")
                        .bind(m.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if done.is_none() {
                    sqlx::raw_sql(AssertSqlSafe(m.postgres)).execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO clientele_migrations (version, name) VALUES ($1, $2)")
                        .bind(m.version)
                        .bind(m.name)
                        .execute(&mut *tx)
                        .await?;
                    applied += 1;
                }
            }
            tx.commit().await?;
        }
    }
    Ok(applied)
}
