//! Customer groups: create, update, soft delete, members.

use super::customers::{add_links, missing_relation, remove_links};
use super::records::{self, Lock};
use super::{Db, Param, StoreError};
use crate::domain::customer::{Fields, GROUP_SEARCH};
use crate::domain::new_id;
use crate::domain::resource::CUSTOMER_GROUP;

fn duplicate(name: Option<&str>) -> StoreError {
    StoreError::Unique(format!(
        "Customer group with name: {}, already exists.",
        name.unwrap_or("null")
    ))
}

/// Inserts a group; a name taken by a live group is Medusa's 400 (decided by a unique index).
pub async fn create(db: &Db, fields: &Fields, created_by: &str) -> Result<String, StoreError> {
    let id = new_id("cusgroup");
    let mut tx = db.begin().await?;
    let extra = vec![("created_by", Param::Text(Some(created_by.to_string())))];
    match records::insert(&mut tx, &CUSTOMER_GROUP, &id, &fields.0, extra, GROUP_SEARCH).await {
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => {
            return Err(duplicate(fields.text("name")));
        }
        other => other?,
    }
    tx.commit().await?;
    Ok(id)
}

/// Applies an update; `Ok(false)` when there is no such live group.
pub async fn update(db: &Db, id: &str, fields: &Fields) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    match records::update(&mut tx, &CUSTOMER_GROUP, id, &fields.0, GROUP_SEARCH).await {
        Ok(None) => Ok(false),
        Ok(Some(_)) => {
            tx.commit().await?;
            Ok(true)
        }
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => Err(duplicate(fields.text("name"))),
        Err(e) => Err(e),
    }
}

/// Soft-deletes a group and detaches its members, in one transaction; a missing id is a no-op.
pub async fn delete(db: &Db, id: &str) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    if !records::soft_delete(&mut tx, &CUSTOMER_GROUP, id).await? {
        return Ok(());
    }
    let mut sql = tx.sql();
    sql.push("DELETE FROM customer_group_customer WHERE customer_group_id = ")
        .bind(Param::Text(Some(id.to_string())));
    tx.execute(sql).await?;
    tx.commit().await
}

/// `POST /admin/customer-groups/{id}/customers`: one transaction; the group must exist.
pub async fn set_customers(
    db: &Db,
    group_id: &str,
    add: &[String],
    remove: &[String],
    created_by: &str,
) -> Result<(), StoreError> {
    super::retrying(|| try_set_customers(db, group_id, add, remove, created_by)).await
}

async fn try_set_customers(
    db: &Db,
    group_id: &str,
    add: &[String],
    remove: &[String],
    created_by: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    if !records::exists(&mut tx, &CUSTOMER_GROUP, group_id, Lock::Share).await? {
        return Err(missing_relation("customer_group_id", group_id));
    }
    let me = [group_id.to_string()];
    remove_links(&mut tx, remove, &me).await?;
    add_links(&mut tx, add, &me, created_by).await?;
    tx.commit().await
}
