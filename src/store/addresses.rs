//! A customer's addresses. At most one default billing and one default shipping address per
//! customer: setting a new default clears the old one in the same transaction, and a partial unique
//! index makes a second default impossible even when two requests race.

use super::customers::missing_relation;
use super::records::{self, Lock};
use super::{Db, Param, StoreError, Tx};
use crate::domain::customer::{ADDRESS_SEARCH, Fields};
use crate::domain::new_id;
use crate::domain::resource::{ADDRESS, CUSTOMER, ColKind};

/// How often a write is retried when a concurrent request took the default slot first.
const DEFAULT_RACE_RETRIES: usize = 5;

/// Clears the customer's other default address of each kind this write sets.
async fn clear_defaults(
    tx: &mut Tx,
    customer_id: &str,
    except: &str,
    fields: &Fields,
) -> Result<(), StoreError> {
    for flag in ["is_default_billing", "is_default_shipping"] {
        if fields.flag(flag) {
            let mut sql = tx.sql();
            sql.push("UPDATE customer_address SET ")
                .push(flag)
                .push(" = ")
                .bind(Param::Bool(false));
            sql.push(" WHERE customer_id = ")
                .bind(Param::Text(Some(customer_id.to_string())));
            sql.push(" AND id <> ")
                .bind(Param::Text(Some(except.to_string())));
            sql.push(" AND ").push(flag).push(" = ").bind(Param::Bool(true));
            tx.execute(sql).await?;
        }
    }
    Ok(())
}

/// What a transaction attempt that may lose a race for a default slot came to.
enum Attempt {
    /// committed
    Done,
    /// nothing to write (no such customer or address)
    Missing,
    /// a concurrent request took the default slot first: run again
    Raced,
}

/// Commits, or reports the lost race on the partial unique index for defaults.
async fn settle(tx: Tx, result: Result<bool, StoreError>) -> Result<Attempt, StoreError> {
    match result {
        Ok(true) => {
            tx.commit().await?;
            Ok(Attempt::Done)
        }
        Ok(false) => Ok(Attempt::Missing),
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => Ok(Attempt::Raced),
        Err(e) => Err(e),
    }
}

fn lost_every_race(customer_id: &str) -> StoreError {
    StoreError::Unique(format!(
        "Customer address with customer_id: {customer_id}, already exists."
    ))
}

async fn try_create(tx: &mut Tx, customer_id: &str, id: &str, fields: &Fields) -> Result<bool, StoreError> {
    if !records::exists(tx, &CUSTOMER, customer_id, Lock::Update).await? {
        return Ok(false);
    }
    clear_defaults(tx, customer_id, id, fields).await?;
    let extra = vec![("customer_id", Param::Text(Some(customer_id.to_string())))];
    records::insert(tx, &ADDRESS, id, &fields.0, extra, ADDRESS_SEARCH).await?;
    Ok(true)
}

/// Adds an address to a live customer (404 with Medusa's message otherwise); returns its id.
pub async fn create(db: &Db, customer_id: &str, fields: &Fields) -> Result<String, StoreError> {
    let id = new_id("cuaddr");
    for _ in 0..DEFAULT_RACE_RETRIES {
        let mut tx = db.begin().await?;
        let result = try_create(&mut tx, customer_id, &id, fields).await;
        match settle(tx, result).await? {
            Attempt::Done => return Ok(id),
            Attempt::Missing => return Err(missing_relation("customer_id", customer_id)),
            Attempt::Raced => continue,
        }
    }
    Err(lost_every_race(customer_id))
}

/// Whether this live address belongs to this live customer (locks the customer on PostgreSQL).
async fn owned(tx: &mut Tx, customer_id: &str, address_id: &str) -> Result<bool, StoreError> {
    if !records::exists(tx, &CUSTOMER, customer_id, Lock::Update).await? {
        return Ok(false);
    }
    let mut sql = tx.sql();
    sql.push("SELECT id FROM customer_address WHERE id = ")
        .bind(Param::Text(Some(address_id.to_string())))
        .push(" AND customer_id = ")
        .bind(Param::Text(Some(customer_id.to_string())))
        .push(" AND deleted_at IS NULL");
    Ok(!tx.fetch(sql, &[ColKind::Text]).await?.is_empty())
}

async fn try_update(
    tx: &mut Tx,
    customer_id: &str,
    address_id: &str,
    fields: &Fields,
) -> Result<bool, StoreError> {
    if !owned(tx, customer_id, address_id).await? {
        return Ok(false);
    }
    clear_defaults(tx, customer_id, address_id, fields).await?;
    Ok(
        records::update(tx, &ADDRESS, address_id, &fields.0, ADDRESS_SEARCH)
            .await?
            .is_some(),
    )
}

/// Updates one of a customer's addresses; `Ok(false)` when it is not theirs or does not exist.
pub async fn update(
    db: &Db,
    customer_id: &str,
    address_id: &str,
    fields: &Fields,
) -> Result<bool, StoreError> {
    for _ in 0..DEFAULT_RACE_RETRIES {
        let mut tx = db.begin().await?;
        let result = try_update(&mut tx, customer_id, address_id, fields).await;
        match settle(tx, result).await? {
            Attempt::Done => return Ok(true),
            Attempt::Missing => return Ok(false),
            Attempt::Raced => continue,
        }
    }
    Err(lost_every_race(customer_id))
}

/// Deletes (for good, as Medusa) one of a customer's addresses. An address that no longer exists
/// is already deleted (`Ok(true)`, idempotent as Medusa); one that belongs to another customer, or a
/// customer that does not exist, is `Ok(false)`: nothing is deleted.
pub async fn delete(db: &Db, customer_id: &str, address_id: &str) -> Result<bool, StoreError> {
    let mut tx = db.begin().await?;
    if !records::exists(&mut tx, &CUSTOMER, customer_id, Lock::Update).await? {
        return Ok(false);
    }
    let mut sql = tx.sql();
    sql.push("DELETE FROM customer_address WHERE id = ")
        .bind(Param::Text(Some(address_id.to_string())))
        .push(" AND customer_id = ")
        .bind(Param::Text(Some(customer_id.to_string())));
    if tx.execute(sql).await? == 0 {
        let mut sql = tx.sql();
        sql.push("SELECT id FROM customer_address WHERE id = ")
            .bind(Param::Text(Some(address_id.to_string())));
        if !tx.fetch(sql, &[ColKind::Text]).await?.is_empty() {
            return Ok(false);
        }
    }
    tx.commit().await?;
    Ok(true)
}
