//! API keys: create, revoke, delete, and the lookups authentication needs.

use time::OffsetDateTime;

use super::records;
use super::{Db, Param, StoreError};
use crate::domain::customer::{API_KEY_SEARCH, Fields};
use crate::domain::resource::{API_KEY, ColKind};
use crate::domain::{new_id, now_ms, parse_ts};

/// A stored secret key that may match a presented token.
#[derive(Debug)]
pub struct Candidate {
    pub id: String,
    pub salt: String,
    pub token_hash: String,
}

/// Creates a key of `kind` (`secret` or `publishable`); returns its id and the token, which is
/// shown once and, for a secret key, never stored.
pub async fn create(
    db: &Db,
    title: &str,
    kind: &str,
    created_by: &str,
    token: &str,
    salt: &str,
    token_hash: &str,
) -> Result<String, StoreError> {
    let id = new_id("apk");
    let secret = kind == "secret";
    let mut fields = serde_json::Map::new();
    fields.insert("title".into(), title.into());
    fields.insert("type".into(), kind.into());
    fields.insert("redacted".into(), crate::auth::api_key::redact(token).into());
    fields.insert("token".into(), if secret { "" } else { token }.into());
    let extra = vec![
        ("created_by", Param::Text(Some(created_by.to_string()))),
        ("salt", Param::Text(Some(salt.to_string()))),
        ("token_hash", Param::Text(Some(token_hash.to_string()))),
    ];
    let mut tx = db.begin().await?;
    records::insert(&mut tx, &API_KEY, &id, &fields, extra, API_KEY_SEARCH).await?;
    tx.commit().await?;
    Ok(id)
}

/// Live secret keys with this redacted form (revocation is checked separately, by `status`).
pub async fn candidates(db: &Db, redacted: &str) -> Result<Vec<Candidate>, StoreError> {
    let mut sql = db.sql();
    sql.push("SELECT id, salt, token_hash FROM api_key WHERE redacted = ")
        .bind(Param::Text(Some(redacted.to_string())))
        .push(" AND type = 'secret' AND deleted_at IS NULL");
    let rows = db
        .fetch(sql, &[ColKind::Text, ColKind::Text, ColKind::Text])
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let s = |i: usize| r.get(i).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            Candidate {
                id: s(0),
                salt: s(1),
                token_hash: s(2),
            }
        })
        .collect())
}

/// `(revoked_at, deleted)` of a key, `None` if there is no such key.
pub async fn status(db: &Db, id: &str) -> Result<Option<(Option<OffsetDateTime>, bool)>, StoreError> {
    let mut sql = db.sql();
    sql.push("SELECT revoked_at, deleted_at FROM api_key WHERE id = ")
        .bind(Param::Text(Some(id.to_string())));
    let rows = db.fetch(sql, &[ColKind::Time, ColKind::Time]).await?;
    Ok(rows.into_iter().next().map(|r| {
        let revoked = r.first().and_then(|v| v.as_str()).and_then(parse_ts);
        let deleted = r.get(1).is_some_and(|v| !v.is_null());
        (revoked, deleted)
    }))
}

/// Records that a key was used now.
pub async fn touch(db: &Db, id: &str) -> Result<(), StoreError> {
    let mut sql = db.sql();
    sql.push("UPDATE api_key SET last_used_at = ")
        .bind(Param::Time(Some(now_ms())))
        .push(" WHERE id = ")
        .bind(Param::Text(Some(id.to_string())));
    db.execute(sql).await?;
    Ok(())
}

/// What revoking a key came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Revoked {
    Done,
    Missing,
    /// it was already revoked: Medusa's 400
    Already,
}

/// Revokes a key `revoke_in` seconds from now.
pub async fn revoke(db: &Db, id: &str, revoke_in: f64, by: &str) -> Result<Revoked, StoreError> {
    let mut tx = db.begin().await?;
    let mut sql = tx.sql();
    sql.push("SELECT revoked_at FROM api_key WHERE id = ")
        .bind(Param::Text(Some(id.to_string())))
        .push(" AND deleted_at IS NULL");
    let lock = super::for_update(sql.dialect);
    sql.push(lock);
    let Some(row) = tx.fetch(sql, &[ColKind::Time]).await?.into_iter().next() else {
        return Ok(Revoked::Missing);
    };
    // a key set to be revoked later may still be revoked now (or at another time)
    let revoked_at = row.first().and_then(|v| v.as_str()).and_then(parse_ts);
    if revoked_at.is_some_and(|t| t <= now_ms()) {
        return Ok(Revoked::Already);
    }
    let now = now_ms();
    let at = crate::domain::truncate_ms(now + time::Duration::seconds_f64(revoke_in.min(1e11)));
    let mut sql = tx.sql();
    sql.push("UPDATE api_key SET revoked_at = ")
        .bind(Param::Time(Some(at)))
        .push(", revoked_by = ")
        .bind(Param::Text(Some(by.to_string())))
        .push(", updated_at = ")
        .bind(Param::Time(Some(now)))
        .push(" WHERE id = ")
        .bind(Param::Text(Some(id.to_string())));
    tx.execute(sql).await?;
    tx.commit().await?;
    Ok(Revoked::Done)
}

/// Updates a key's title; `Ok(false)` when there is no such key.
pub async fn update(db: &Db, id: &str, fields: &Fields) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    let found = records::update(&mut tx, &API_KEY, id, &fields.0, API_KEY_SEARCH)
        .await?
        .is_some();
    tx.commit().await?;
    Ok(found)
}

/// What deleting a key came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Deleted {
    Done,
    /// only revoked keys may be deleted (Medusa's 400 not_allowed)
    NotRevoked,
}

/// Soft-deletes a revoked key; a missing key is a no-op, as Medusa's idempotent deletes.
pub async fn delete(db: &Db, id: &str) -> Result<Deleted, StoreError> {
    let mut sql = db.sql();
    sql.push("SELECT revoked_at FROM api_key WHERE id = ")
        .bind(Param::Text(Some(id.to_string())))
        .push(" AND deleted_at IS NULL");
    if let Some(row) = db.fetch(sql, &[ColKind::Time]).await?.into_iter().next() {
        let revoked = row.first().and_then(|v| v.as_str()).and_then(parse_ts);
        if revoked.is_none_or(|t| t > now_ms()) {
            return Ok(Deleted::NotRevoked);
        }
    }
    let now = now_ms();
    let mut sql = db.sql();
    sql.push("UPDATE api_key SET deleted_at = ")
        .bind(Param::Time(Some(now)))
        .push(" WHERE id = ")
        .bind(Param::Text(Some(id.to_string())))
        .push(" AND deleted_at IS NULL");
    db.execute(sql).await?;
    Ok(Deleted::Done)
}
