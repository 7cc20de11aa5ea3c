//! Writes to the customer table.

use serde_json::Value;

use super::{Db, Param, StoreError};
use crate::domain::customer::NewCustomer;
use crate::domain::{new_id, now_ms};

/// Medusa's message for the `(email, has_account)` unique index among non-deleted customers.
pub fn duplicate_customer_message(email: Option<&str>, has_account: bool) -> String {
    format!(
        "Customer with email: {}, has_account: {has_account}, already exists.",
        email.unwrap_or("null")
    )
}

/// Inserts a customer; returns its id. The partial unique index decides duplicates, so concurrent
/// creates of one email yield exactly one row.
pub async fn insert(db: &Db, c: &NewCustomer) -> Result<String, StoreError> {
    let id = new_id("cus");
    let now = now_ms();
    let mut sql = db.sql();
    sql.push(
        "INSERT INTO customer (id, company_name, first_name, last_name, email, phone, has_account, \
         metadata, created_by, search_text, created_at, updated_at) VALUES (",
    );
    sql.bind_list([
        Param::Text(Some(id.clone())),
        Param::Text(c.company_name.clone()),
        Param::Text(c.first_name.clone()),
        Param::Text(c.last_name.clone()),
        Param::Text(c.email.clone()),
        Param::Text(c.phone.clone()),
        Param::Bool(c.has_account),
        Param::Json(c.metadata.clone().map(Value::Object)),
        Param::Text(c.created_by.clone()),
        Param::Text(Some(c.search_text())),
        Param::Time(Some(now)),
        Param::Time(Some(now)),
    ]);
    sql.push(")");
    match db.execute(sql).await {
        Ok(_) => Ok(id),
        Err(StoreError::Db(e)) if StoreError::is_unique_violation(&e) => Err(StoreError::Unique(
            duplicate_customer_message(c.email.as_deref(), c.has_account),
        )),
        Err(e) => Err(e),
    }
}
