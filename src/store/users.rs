//! Admin users and their email/password identities.

use super::{Db, Param, StoreError};
use crate::domain::resource::ColKind;
use crate::domain::{new_id, now_ms};

/// What login needs to know about an identity.
#[derive(Debug, Clone)]
pub struct Identity {
    pub auth_identity_id: String,
    pub user_id: String,
    pub password_hash: String,
}

/// Creates a user and its `emailpass` identity. A second user with the same email is refused.
pub async fn create(db: &Db, email: &str, password_hash: &str) -> Result<String, StoreError> {
    let user_id = new_id("user");
    let identity_id = new_id("authid");
    let now = now_ms();
    // the user and its identity are one write: never a user who cannot log in
    let mut tx = db.begin().await?;
    let mut sql = tx.sql();
    sql.push("INSERT INTO app_user (id, email, created_at, updated_at) VALUES (");
    sql.bind_list([
        Param::Text(Some(user_id.clone())),
        Param::Text(Some(email.to_string())),
        Param::Time(Some(now)),
        Param::Time(Some(now)),
    ]);
    sql.push(")");
    let mut identity = tx.sql();
    identity.push(
        "INSERT INTO auth_identity (id, provider, entity_id, password_hash, user_id, created_at, updated_at) VALUES (",
    );
    identity.bind_list([
        Param::Text(Some(identity_id)),
        Param::Text(Some("emailpass".into())),
        Param::Text(Some(email.to_string())),
        Param::Text(Some(password_hash.to_string())),
        Param::Text(Some(user_id.clone())),
        Param::Time(Some(now)),
        Param::Time(Some(now)),
    ]);
    identity.push(")");
    let written = async {
        tx.execute(sql).await?;
        tx.execute(identity).await?;
        tx.commit().await
    };
    match written.await {
        Ok(()) => Ok(user_id),
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => Err(StoreError::Unique(format!(
            "User with email: {email}, already exists."
        ))),
        Err(e) => Err(e),
    }
}

/// The `emailpass` identity of an email, if any (emails are matched exactly, as Medusa does).
pub async fn find_identity(db: &Db, email: &str) -> Result<Option<Identity>, StoreError> {
    let mut sql = db.sql();
    sql.push(
        "SELECT a.id, a.user_id, a.password_hash FROM auth_identity a JOIN app_user u ON u.id = a.user_id \
         WHERE a.provider = 'emailpass' AND u.deleted_at IS NULL AND a.entity_id = ",
    );
    sql.bind(Param::Text(Some(email.to_string())));
    let rows = db
        .fetch(sql, &[ColKind::Text, ColKind::Text, ColKind::Text])
        .await?;
    Ok(rows.into_iter().next().map(|r| {
        let s = |i: usize| r.get(i).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        Identity {
            auth_identity_id: s(0),
            user_id: s(1),
            password_hash: s(2),
        }
    }))
}

/// Whether any admin user exists (to tell a new operator how to create one).
pub async fn any(db: &Db) -> Result<bool, StoreError> {
    let mut sql = db.sql();
    sql.push("SELECT COUNT(*) FROM (SELECT 1 FROM app_user WHERE deleted_at IS NULL LIMIT 1) x");
    Ok(db.fetch_i64(sql).await? > 0)
}
