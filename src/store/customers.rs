//! Customers: create, update, soft delete, group memberships.

use super::records::{self, Lock};
use super::{Db, Param, StoreError, Tx};
use crate::domain::customer::{CUSTOMER_SEARCH, Fields};
use crate::domain::resource::{CUSTOMER, CUSTOMER_GROUP, ColKind};
use crate::domain::{new_id, now_ms};

/// Medusa's message for the `(email, has_account)` unique index among non-deleted customers.
pub fn duplicate_customer_message(email: Option<&str>, has_account: bool) -> String {
    format!(
        "Customer with email: {}, has_account: {has_account}, already exists.",
        email.unwrap_or("null")
    )
}

/// Medusa's message for a link to a row that does not exist.
pub fn missing_relation(key: &str, id: &str) -> StoreError {
    StoreError::NotFound(format!(
        "You tried to set relationship {key}: {id}, but such entity does not exist"
    ))
}

/// Inserts a customer; returns its id. The partial unique index decides duplicates, so concurrent
/// creates of one email yield exactly one row.
pub async fn create(db: &Db, fields: &Fields, created_by: &str) -> Result<String, StoreError> {
    let id = new_id("cus");
    let mut tx = db.begin().await?;
    let extra = vec![
        ("has_account", Param::Bool(false)),
        ("created_by", Param::Text(Some(created_by.to_string()))),
    ];
    match records::insert(&mut tx, &CUSTOMER, &id, &fields.0, extra, CUSTOMER_SEARCH).await {
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => {
            return Err(StoreError::Unique(duplicate_customer_message(
                fields.text("email"),
                false,
            )));
        }
        other => other?,
    }
    tx.commit().await?;
    Ok(id)
}

/// Applies an update; `Ok(false)` when there is no such (live) customer.
pub async fn update(db: &Db, id: &str, fields: &Fields) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    match records::update(&mut tx, &CUSTOMER, id, &fields.0, CUSTOMER_SEARCH).await {
        Ok(None) => Ok(false),
        Ok(Some(_)) => {
            tx.commit().await?;
            Ok(true)
        }
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => {
            drop(tx);
            let has_account = has_account(db, id).await?;
            Err(StoreError::Unique(duplicate_customer_message(
                fields.text("email"),
                has_account,
            )))
        }
        Err(e) => Err(e),
    }
}

async fn has_account(db: &Db, id: &str) -> Result<bool, StoreError> {
    let mut sql = db.sql();
    sql.push("SELECT has_account FROM customer WHERE id = ")
        .bind(Param::Text(Some(id.to_string())));
    let rows = db.fetch(sql, &[ColKind::Bool]).await?;
    Ok(rows
        .first()
        .and_then(|r| r.first())
        .and_then(|v| v.as_bool())
        .unwrap_or(false))
}

/// Soft-deletes a customer, soft-deletes its addresses and detaches it from every group, in one
/// transaction. Deleting a missing or deleted customer changes nothing (and is not an error).
pub async fn delete(db: &Db, id: &str) -> Result<(), StoreError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    if !records::soft_delete(&mut tx, &CUSTOMER, id).await? {
        return Ok(());
    }
    let mut sql = tx.sql();
    sql.push("UPDATE customer_address SET deleted_at = ")
        .bind(Param::Time(Some(now)))
        .push(" WHERE customer_id = ")
        .bind(Param::Text(Some(id.to_string())))
        .push(" AND deleted_at IS NULL");
    tx.execute(sql).await?;
    let mut sql = tx.sql();
    sql.push("DELETE FROM customer_group_customer WHERE customer_id = ")
        .bind(Param::Text(Some(id.to_string())));
    tx.execute(sql).await?;
    tx.commit().await
}

/// Removes memberships of these customers in these groups (a non-member is a no-op).
pub async fn remove_links(
    tx: &mut Tx,
    customer_ids: &[String],
    group_ids: &[String],
) -> Result<(), StoreError> {
    for customers in customer_ids.chunks(records::CHUNK) {
        for groups in group_ids.chunks(records::CHUNK) {
            let mut sql = tx.sql();
            sql.push("DELETE FROM customer_group_customer WHERE customer_id IN (")
                .bind_list(customers.iter().map(|i| Param::Text(Some(i.clone()))))
                .push(") AND customer_group_id IN (")
                .bind_list(groups.iter().map(|i| Param::Text(Some(i.clone()))))
                .push(")");
            tx.execute(sql).await?;
        }
    }
    Ok(())
}

/// Adds every customer to every group. Adding twice leaves one membership; an unknown (or deleted)
/// customer or group is Medusa's 404 and, the caller's transaction being dropped, changes nothing.
/// Rows go in sorted, in bounded statements, so concurrent batches take their locks in one order.
pub async fn add_links(
    tx: &mut Tx,
    customer_ids: &[String],
    group_ids: &[String],
    created_by: &str,
) -> Result<(), StoreError> {
    if customer_ids.is_empty() || group_ids.is_empty() {
        return Ok(());
    }
    if let Some(missing) = records::first_missing(tx, &CUSTOMER, customer_ids).await? {
        return Err(missing_relation("customer_id", &missing));
    }
    if let Some(missing) = records::first_missing(tx, &CUSTOMER_GROUP, group_ids).await? {
        return Err(missing_relation("customer_group_id", &missing));
    }
    let mut pairs: Vec<(&String, &String)> = customer_ids
        .iter()
        .flat_map(|c| group_ids.iter().map(move |g| (c, g)))
        .collect();
    pairs.sort();
    pairs.dedup();
    let now = now_ms();
    for chunk in pairs.chunks(records::CHUNK / 6) {
        let mut sql = tx.sql();
        sql.push(
            "INSERT INTO customer_group_customer (id, customer_id, customer_group_id, created_by, created_at, updated_at) VALUES ",
        );
        for (i, (c, g)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(").bind_list([
                Param::Text(Some(new_id("cusgc"))),
                Param::Text(Some((*c).clone())),
                Param::Text(Some((*g).clone())),
                Param::Text(Some(created_by.to_string())),
                Param::Time(Some(now)),
                Param::Time(Some(now)),
            ]);
            sql.push(")");
        }
        sql.push(" ON CONFLICT (customer_id, customer_group_id) DO NOTHING");
        tx.execute(sql).await?;
    }
    Ok(())
}

/// `POST /admin/customers/{id}/customer-groups`: one transaction; the customer must exist.
pub async fn set_groups(
    db: &Db,
    customer_id: &str,
    add: &[String],
    remove: &[String],
    created_by: &str,
) -> Result<(), StoreError> {
    super::retrying(|| try_set_groups(db, customer_id, add, remove, created_by)).await
}

async fn try_set_groups(
    db: &Db,
    customer_id: &str,
    add: &[String],
    remove: &[String],
    created_by: &str,
) -> Result<(), StoreError> {
    let mut tx = db.begin().await?;
    if !records::exists(&mut tx, &CUSTOMER, customer_id, Lock::Share).await? {
        return Err(missing_relation("customer_id", customer_id));
    }
    let me = [customer_id.to_string()];
    remove_links(&mut tx, &me, remove).await?;
    add_links(&mut tx, &me, add, created_by).await?;
    tx.commit().await
}
