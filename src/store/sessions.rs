//! Cookie sessions in the database, so that every process sharing it sees the same sessions and a
//! logout anywhere ends the session everywhere.

use serde_json::Value;
use time::OffsetDateTime;

use super::{Db, Param, StoreError};
use crate::domain::now_ms;
use crate::domain::resource::ColKind;

/// Stores a session's data under the hash of its id; purges expired sessions on the way.
pub async fn create(
    db: &Db,
    sid_hash: &str,
    data: &Value,
    expires_at: OffsetDateTime,
) -> Result<(), StoreError> {
    let now = now_ms();
    let mut purge = db.sql();
    purge
        .push("DELETE FROM auth_session WHERE expires_at <= ")
        .bind(Param::Time(Some(now)));
    db.execute(purge).await?;
    let mut sql = db.sql();
    sql.push("INSERT INTO auth_session (sid_hash, data, expires_at, created_at) VALUES (");
    sql.bind_list([
        Param::Text(Some(sid_hash.to_string())),
        Param::Json(Some(data.clone())),
        Param::Time(Some(expires_at)),
        Param::Time(Some(now)),
    ]);
    sql.push(")");
    db.execute(sql).await?;
    Ok(())
}

/// The data of a live session.
pub async fn find(db: &Db, sid_hash: &str) -> Result<Option<Value>, StoreError> {
    let mut sql = db.sql();
    sql.push("SELECT data FROM auth_session WHERE sid_hash = ")
        .bind(Param::Text(Some(sid_hash.to_string())))
        .push(" AND expires_at > ")
        .bind(Param::Time(Some(now_ms())));
    let rows = db.fetch(sql, &[ColKind::Json]).await?;
    Ok(rows.into_iter().next().and_then(|r| r.into_iter().next()))
}

pub async fn delete(db: &Db, sid_hash: &str) -> Result<(), StoreError> {
    let mut sql = db.sql();
    sql.push("DELETE FROM auth_session WHERE sid_hash = ")
        .bind(Param::Text(Some(sid_hash.to_string())));
    db.execute(sql).await?;
    Ok(())
}
