//! Generic row writes for any `Resource`: insert and update of validated fields, keeping
//! `search_text`, `updated_at` and Medusa's metadata merge in one place.

use serde_json::{Map, Value};

use super::{Param, StoreError, Tx, for_update};
use crate::domain::resource::{ColKind, Resource};
use crate::domain::{merge_metadata, now_ms, search_text};

/// The value of a validated body field as a parameter for its column.
fn param_for(resource: &Resource, name: &str, value: &Value) -> Option<(&'static str, Param)> {
    let column = resource.column(name)?;
    let param = match (column.kind, value) {
        (ColKind::Json, Value::Null) => Param::Json(None),
        (ColKind::Json, v) => Param::Json(Some(v.clone())),
        (ColKind::Bool, v) => Param::Bool(v.as_bool().unwrap_or(false)),
        (_, Value::String(s)) => Param::Text(Some(s.clone())),
        (_, _) => Param::Text(None),
    };
    Some((column.name, param))
}

fn text_of<'a>(row: &'a Map<String, Value>, col: &str) -> Option<&'a str> {
    row.get(col).and_then(Value::as_str)
}

/// Inserts a row: `fields` (already validated; unknown keys are ignored), plus `extra` columns
/// set by the server (`customer_id`, `created_by`, ...). `searchable` lists the columns `q` reads.
pub async fn insert(
    tx: &mut Tx,
    resource: &Resource,
    id: &str,
    fields: &Map<String, Value>,
    extra: Vec<(&'static str, Param)>,
    searchable: &[&str],
) -> Result<(), StoreError> {
    let now = now_ms();
    let mut cols: Vec<(&'static str, Param)> = vec![("id", Param::Text(Some(id.to_string())))];
    cols.extend(
        fields
            .iter()
            .filter_map(|(k, v)| param_for(resource, k, v))
            .filter(|(c, _)| *c != "id"),
    );
    cols.extend(extra);
    if !searchable.is_empty() {
        let text = search_text(searchable.iter().map(|c| text_of(fields, c)));
        cols.push(("search_text", Param::Text(Some(text))));
    }
    cols.push(("created_at", Param::Time(Some(now))));
    cols.push(("updated_at", Param::Time(Some(now))));
    let mut sql = tx.sql();
    sql.push("INSERT INTO ").push(resource.table).push(" (");
    sql.push(&cols.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", "));
    sql.push(") VALUES (")
        .bind_list(cols.into_iter().map(|(_, p)| p))
        .push(")");
    tx.execute(sql).await?;
    Ok(())
}

/// Reads the current row (locked for this transaction), applies `changes` (validated body fields:
/// omitted fields stay; `metadata` merges as Medusa does), and writes it back. Returns the row as it
/// now is (the columns of `resource`), or `None` when there is no such live row.
pub async fn update(
    tx: &mut Tx,
    resource: &'static Resource,
    id: &str,
    changes: &Map<String, Value>,
    searchable: &[&str],
) -> Result<Option<Map<String, Value>>, StoreError> {
    let columns: Vec<_> = resource.columns.iter().collect();
    let mut sql = tx.sql();
    sql.push("SELECT ");
    sql.push(&columns.iter().map(|c| c.name).collect::<Vec<_>>().join(", "));
    sql.push(" FROM ")
        .push(resource.table)
        .push(" WHERE id = ")
        .bind(Param::Text(Some(id.to_string())));
    if resource.soft_delete {
        sql.push(" AND deleted_at IS NULL");
    }
    let lock = for_update(sql.dialect);
    sql.push(lock);
    let kinds: Vec<ColKind> = columns.iter().map(|c| c.kind).collect();
    let Some(values) = tx.fetch(sql, &kinds).await?.into_iter().next() else {
        return Ok(None);
    };
    let mut row: Map<String, Value> = columns.iter().map(|c| c.name.to_string()).zip(values).collect();

    let mut sets: Vec<(&'static str, Param)> = Vec::new();
    for (k, v) in changes {
        let value = if k == "metadata" {
            merge_metadata(row.get("metadata"), v)
        } else {
            v.clone()
        };
        if let Some((col, param)) = param_for(resource, k, &value)
            && col != "id"
        {
            sets.push((col, param));
            row.insert(col.to_string(), value);
        }
    }
    if !searchable.is_empty() {
        let text = search_text(searchable.iter().map(|c| text_of(&row, c)));
        sets.push(("search_text", Param::Text(Some(text))));
    }
    let now = now_ms();
    sets.push(("updated_at", Param::Time(Some(now))));
    row.insert("updated_at".into(), Value::String(crate::domain::format_ts(now)));
    let mut sql = tx.sql();
    sql.push("UPDATE ").push(resource.table).push(" SET ");
    for (i, (col, param)) in sets.into_iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(col).push(" = ").bind(param);
    }
    sql.push(" WHERE id = ").bind(Param::Text(Some(id.to_string())));
    tx.execute(sql).await?;
    Ok(Some(row))
}

/// Whether a live (not deleted) row with this id exists; locks it on PostgreSQL.
pub async fn exists(tx: &mut Tx, resource: &Resource, id: &str, lock: Lock) -> Result<bool, StoreError> {
    let mut sql = tx.sql();
    sql.push("SELECT id FROM ")
        .push(resource.table)
        .push(" WHERE id = ")
        .bind(Param::Text(Some(id.to_string())));
    if resource.soft_delete {
        sql.push(" AND deleted_at IS NULL");
    }
    if sql.dialect == super::Dialect::Postgres {
        sql.push(match lock {
            Lock::Share => " FOR SHARE",
            Lock::Update => " FOR UPDATE",
        });
    }
    Ok(!tx.fetch(sql, &[ColKind::Text]).await?.is_empty())
}

/// How `exists` holds the row it found until the transaction ends (PostgreSQL; SQLite's
/// `BEGIN IMMEDIATE` already serialises writers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lock {
    /// Not deleted meanwhile; other requests may hold it too (links from both sides at once).
    Share,
    /// Not deleted, and one writer at a time (a customer's default addresses).
    Update,
}

/// How many ids one statement binds at most (SQLite allows 32,766 parameters, PostgreSQL 65,535).
pub const CHUNK: usize = 500;

/// Of `ids`, the first that is not a live row (in the order given), if any.
pub async fn first_missing(
    tx: &mut Tx,
    resource: &Resource,
    ids: &[String],
) -> Result<Option<String>, StoreError> {
    let mut found = std::collections::HashSet::new();
    for chunk in ids.chunks(CHUNK) {
        let mut sql = tx.sql();
        sql.push("SELECT id FROM ")
            .push(resource.table)
            .push(" WHERE id IN (");
        sql.bind_list(chunk.iter().map(|i| Param::Text(Some(i.clone()))));
        sql.push(")");
        if resource.soft_delete {
            sql.push(" AND deleted_at IS NULL");
        }
        for row in tx.fetch(sql, &[ColKind::Text]).await? {
            if let Some(id) = row
                .into_iter()
                .next()
                .and_then(|v| v.as_str().map(str::to_string))
            {
                found.insert(id);
            }
        }
    }
    Ok(ids.iter().find(|i| !found.contains(*i)).cloned())
}

/// Marks a live row deleted; returns whether there was one (deleting twice changes nothing).
pub async fn soft_delete(tx: &mut Tx, resource: &Resource, id: &str) -> Result<bool, StoreError> {
    let now = now_ms();
    let mut sql = tx.sql();
    sql.push("UPDATE ")
        .push(resource.table)
        .push(" SET deleted_at = ")
        .bind(Param::Time(Some(now)))
        .push(", updated_at = ")
        .bind(Param::Time(Some(now)))
        .push(" WHERE id = ")
        .bind(Param::Text(Some(id.to_string())))
        .push(" AND deleted_at IS NULL");
    Ok(tx.execute(sql).await? > 0)
}
