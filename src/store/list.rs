//! One SQL builder for every list and retrieve: the filter tree, order, pagination, count and the
//! selected relations, for any `Resource`.

use serde_json::{Map, Value};

use super::sql::{Param, Sql, escape_like};
use super::{Db, Dialect, StoreError};
use crate::domain::query::{CmpOp, Cond, ListParams, OrderBy, Scalar, Selection};
use crate::domain::resource::{ColKind, Column, Join, Resource};

/// One page of rows and the total count matching the filters.
#[derive(Debug)]
pub struct Page {
    pub rows: Vec<Map<String, Value>>,
    pub count: i64,
}

fn param(column: &Column, value: &Scalar) -> Param {
    match (value, column.kind) {
        (Scalar::Text(s), _) => Param::Text(Some(s.clone())),
        (Scalar::Bool(b), _) => Param::Bool(*b),
        (Scalar::Time(t), _) => Param::Time(Some(*t)),
        (Scalar::Null, _) => Param::Text(None),
    }
}

/// Appends the SQL for `cond` on rows aliased `alias`; nested subqueries use deeper aliases.
fn write_cond(sql: &mut Sql, resource: &Resource, cond: &Cond, alias: &str, depth: usize) {
    match cond {
        Cond::And(parts) | Cond::Or(parts) if parts.is_empty() => {
            sql.push(if matches!(cond, Cond::And(_)) {
                "1=1"
            } else {
                "1=0"
            });
        }
        Cond::And(parts) | Cond::Or(parts) => {
            let joiner = if matches!(cond, Cond::And(_)) {
                " AND "
            } else {
                " OR "
            };
            sql.push("(");
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    sql.push(joiner);
                }
                write_cond(sql, resource, part, alias, depth);
            }
            sql.push(")");
        }
        Cond::Cmp { column, op, value } => {
            let col = format!("{alias}.{}", column.name);
            if *value == Scalar::Null {
                sql.push(&col).push(match op {
                    CmpOp::Eq => " IS NULL",
                    CmpOp::Ne => " IS NOT NULL",
                    _ => " IS NULL AND 1=0",
                });
                return;
            }
            if *op == CmpOp::ILike {
                match sql.dialect {
                    Dialect::Postgres => sql.push(&col).push(" ILIKE "),
                    Dialect::Sqlite => sql.push("lower(").push(&col).push(") LIKE lower("),
                };
                sql.bind(param(column, value));
                if sql.dialect == Dialect::Sqlite {
                    sql.push(")");
                }
                return;
            }
            let op = match op {
                CmpOp::Eq => " = ",
                CmpOp::Ne => " <> ",
                CmpOp::Gt => " > ",
                CmpOp::Gte => " >= ",
                CmpOp::Lt => " < ",
                CmpOp::Lte => " <= ",
                CmpOp::ILike => " = ",
            };
            sql.push(&col).push(op).bind(param(column, value));
        }
        Cond::In {
            column,
            values,
            negated,
        } => {
            let col = format!("{alias}.{}", column.name);
            let has_null = values.contains(&Scalar::Null);
            let present: Vec<Param> = values
                .iter()
                .filter(|v| **v != Scalar::Null)
                .map(|v| param(column, v))
                .collect();
            sql.push("(");
            if present.is_empty() {
                sql.push(match (negated, has_null) {
                    (false, false) => "1=0",
                    (true, false) => "1=1",
                    (false, true) => "",
                    (true, true) => "",
                });
                if has_null {
                    sql.push(&col)
                        .push(if *negated { " IS NOT NULL" } else { " IS NULL" });
                }
            } else {
                sql.push(&col)
                    .push(if *negated { " NOT IN (" } else { " IN (" })
                    .bind_list(present)
                    .push(")");
                if has_null {
                    sql.push(if *negated { " AND " } else { " OR " })
                        .push(&col)
                        .push(if *negated { " IS NOT NULL" } else { " IS NULL" });
                }
            }
            sql.push(")");
        }
        Cond::Search(tokens) => {
            sql.push("(");
            for (i, token) in tokens.iter().enumerate() {
                if i > 0 {
                    sql.push(" AND ");
                }
                match (sql.dialect, resource.sqlite_fts) {
                    // a trigram index answers tokens of three characters or more
                    (Dialect::Sqlite, Some(fts)) if token.chars().count() >= 3 => {
                        let phrase = format!("\"{}\"", token.replace('"', "\"\""));
                        sql.push(alias).push(".rowid IN (SELECT rowid FROM ").push(fts);
                        sql.push(" WHERE ")
                            .push(fts)
                            .push(" MATCH ")
                            .bind(Param::Text(Some(phrase)))
                            .push(")");
                    }
                    _ => {
                        sql.push(alias)
                            .push(".search_text LIKE ")
                            .bind(Param::Text(Some(format!("%{}%", escape_like(token)))))
                            .push(" ESCAPE '\\'");
                    }
                }
            }
            sql.push(")");
        }
        // `id IN (subquery)` rather than a correlated EXISTS: the planner can then start from the
        // related rows' index (a group's members) instead of visiting every base row.
        Cond::Related { relation, cond } => {
            let target = relation.target;
            let t = format!("r{depth}");
            sql.push(alias).push(".id IN (");
            match relation.join {
                Join::HasMany { fk } => {
                    sql.push("SELECT ")
                        .push(&t)
                        .push(".")
                        .push(fk)
                        .push(" FROM ")
                        .push(target.table)
                        .push(" ")
                        .push(&t);
                }
                Join::ManyToMany {
                    pivot,
                    self_fk,
                    other_fk,
                } => {
                    let p = format!("p{depth}");
                    sql.push("SELECT ")
                        .push(&p)
                        .push(".")
                        .push(self_fk)
                        .push(" FROM ")
                        .push(pivot)
                        .push(" ")
                        .push(&p);
                    sql.push(" JOIN ").push(target.table).push(" ").push(&t);
                    sql.push(" ON ")
                        .push(&t)
                        .push(".id = ")
                        .push(&p)
                        .push(".")
                        .push(other_fk);
                }
            }
            sql.push(" WHERE ");
            if target.soft_delete {
                sql.push(&t).push(".deleted_at IS NULL AND ");
            }
            write_cond(sql, target, cond, &t, depth + 1);
            sql.push(")");
        }
    }
}

/// `WHERE` for the base rows: not deleted, the route's scope, the client's filters.
fn write_where(sql: &mut Sql, resource: &Resource, conds: &[Cond]) {
    sql.push(" WHERE ");
    if resource.soft_delete {
        sql.push("t.deleted_at IS NULL");
    } else {
        sql.push("1=1");
    }
    for cond in conds {
        sql.push(" AND ");
        write_cond(sql, resource, cond, "t", 0);
    }
}

/// `ORDER BY` with Medusa's NULL placement (last ascending, first descending) and `id` as the
/// tie-breaker, in the direction of the last key, so pages never overlap.
fn write_order(sql: &mut Sql, order: &[OrderBy]) {
    sql.push(" ORDER BY ");
    let mut last_desc = false;
    for o in order {
        let dir = if o.desc { " DESC" } else { " ASC" };
        if o.column.nullable {
            match sql.dialect {
                // served by indexes on ((col IS NULL), col, id)
                Dialect::Sqlite => {
                    sql.push("(t.")
                        .push(o.column.name)
                        .push(" IS NULL)")
                        .push(dir)
                        .push(", ");
                    sql.push("t.").push(o.column.name).push(dir);
                }
                Dialect::Postgres => {
                    sql.push("t.").push(o.column.name).push(dir);
                    sql.push(if o.desc { " NULLS FIRST" } else { " NULLS LAST" });
                }
            }
        } else {
            sql.push("t.").push(o.column.name).push(dir);
        }
        sql.push(", ");
        last_desc = o.desc;
    }
    if order.iter().any(|o| o.column.name == "id") {
        sql.text.truncate(sql.text.len() - 2);
    } else {
        sql.push("t.id").push(if last_desc { " DESC" } else { " ASC" });
    }
}

fn select_columns(sql: &mut Sql, alias: &str, columns: &[&'static Column]) {
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push(alias).push(".").push(c.name);
    }
}

/// `SELECT COUNT(*)` of the rows a list would page through.
pub fn count_sql(dialect: Dialect, resource: &Resource, conds: &[Cond]) -> Sql {
    let mut sql = Sql::new(dialect);
    if let (Some(counter), true) = (resource.live_count, conds.is_empty()) {
        sql.push("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM ")
            .push(counter);
        return sql;
    }
    sql.push("SELECT COUNT(*) FROM ").push(resource.table).push(" t");
    write_where(&mut sql, resource, conds);
    sql
}

/// The page query of a list; returns it with the columns it reads (`id` first, always: relations
/// are attached by it, even when the client did not ask for it).
pub fn select_sql(
    dialect: Dialect,
    resource: &'static Resource,
    selection: &Selection,
    conds: &[Cond],
    order: &[OrderBy],
    page: Option<(i64, i64)>,
) -> Result<(Sql, Vec<&'static Column>), StoreError> {
    let id_col = resource
        .column("id")
        .ok_or_else(|| StoreError::Other("resource without id".into()))?;
    let mut columns: Vec<&'static Column> = vec![id_col];
    columns.extend(selection.columns.iter().copied().filter(|c| c.name != "id"));
    let mut sql = Sql::new(dialect);
    sql.push("SELECT ");
    select_columns(&mut sql, "t", &columns);
    sql.push(" FROM ").push(resource.table).push(" t");
    write_where(&mut sql, resource, conds);
    write_order(&mut sql, order);
    if let Some((limit, offset)) = page {
        sql.push(" LIMIT ")
            .bind(Param::Int(limit))
            .push(" OFFSET ")
            .bind(Param::Int(offset));
    }
    Ok((sql, columns))
}

/// The SQL a list request runs (page and count), for plans and benchmarks.
pub fn list_sql(dialect: Dialect, params: &ListParams) -> Result<(Sql, Sql), StoreError> {
    let (select, _) = select_sql(
        dialect,
        params.resource,
        &params.selection,
        &params.conds,
        &params.order,
        Some((params.limit, params.offset)),
    )?;
    Ok((select, count_sql(dialect, params.resource, &params.conds)))
}

/// Lists rows of `params.resource` matching its filters and `scope`, with the total count.
pub async fn list(db: &Db, params: &ListParams, scope: &[Cond]) -> Result<Page, StoreError> {
    let resource = params.resource;
    let conds: Vec<Cond> = scope.iter().chain(params.conds.iter()).cloned().collect();

    let count_sql = count_sql(db.dialect(), resource, &conds);
    let rows = async {
        if params.limit > 0 {
            let page = Some((params.limit, params.offset));
            fetch_rows(db, resource, &params.selection, &conds, &params.order, page).await
        } else {
            Ok(Vec::new())
        }
    };
    // the page and the count are independent: run them at once, on two connections
    let (rows, count) = tokio::try_join!(rows, db.fetch_i64(count_sql))?;
    Ok(Page { rows, count })
}

/// One row by id (not deleted), with the selected fields and relations.
pub async fn get(
    db: &Db,
    resource: &'static Resource,
    id: &str,
    selection: &Selection,
    scope: &[Cond],
) -> Result<Option<Map<String, Value>>, StoreError> {
    let Some(id_col) = resource.column("id") else {
        return Ok(None);
    };
    let mut conds = vec![Cond::Cmp {
        column: id_col,
        op: CmpOp::Eq,
        value: Scalar::Text(id.to_string()),
    }];
    conds.extend(scope.iter().cloned());
    let mut rows = fetch_rows(db, resource, selection, &conds, &[], Some((1, 0))).await?;
    Ok(rows.pop())
}

async fn fetch_rows(
    db: &Db,
    resource: &'static Resource,
    selection: &Selection,
    conds: &[Cond],
    order: &[OrderBy],
    page: Option<(i64, i64)>,
) -> Result<Vec<Map<String, Value>>, StoreError> {
    let (sql, columns) = select_sql(db.dialect(), resource, selection, conds, order, page)?;
    let kinds: Vec<ColKind> = columns.iter().map(|c| c.kind).collect();
    let raw = db.fetch(sql, &kinds).await?;

    let id_selected = selection.columns.iter().any(|c| c.name == "id");
    let mut ids = Vec::with_capacity(raw.len());
    let mut rows: Vec<Map<String, Value>> = Vec::with_capacity(raw.len());
    for values in raw {
        let mut values = values.into_iter();
        let id = values.next().unwrap_or(Value::Null);
        let mut map = Map::new();
        let mut rest = columns.iter().skip(1).zip(values);
        for c in &selection.columns {
            if c.name == "id" {
                map.insert("id".into(), id.clone());
            } else if let Some((col, v)) = rest.next() {
                map.insert(col.name.into(), v);
            }
        }
        if !id_selected {
            map.shift_remove("id");
        }
        ids.push(id.as_str().unwrap_or_default().to_string());
        rows.push(map);
    }

    for (relation, sub) in &selection.relations {
        let related = fetch_related(db, relation, sub, &ids).await?;
        for (row, id) in rows.iter_mut().zip(&ids) {
            let items = related
                .iter()
                .filter(|(owner, _)| owner == id)
                .map(|(_, v)| Value::Object(v.clone()));
            row.insert(relation.name.into(), Value::Array(items.collect()));
        }
    }
    Ok(rows)
}

/// The selected columns of related rows for a page of owners, as (owner id, row) pairs.
async fn fetch_related(
    db: &Db,
    relation: &crate::domain::resource::Relation,
    sub: &Selection,
    owners: &[String],
) -> Result<Vec<(String, Map<String, Value>)>, StoreError> {
    if owners.is_empty() {
        return Ok(Vec::new());
    }
    let target = relation.target;
    let mut sql = db.sql();
    sql.push("SELECT ");
    match relation.join {
        Join::HasMany { fk } => sql.push("t.").push(fk),
        Join::ManyToMany { self_fk, .. } => sql.push("p.").push(self_fk),
    };
    for c in &sub.columns {
        sql.push(", t.").push(c.name);
    }
    sql.push(" FROM ");
    let owner_col = match relation.join {
        Join::HasMany { fk } => {
            sql.push(target.table).push(" t");
            format!("t.{fk}")
        }
        Join::ManyToMany {
            pivot,
            self_fk,
            other_fk,
        } => {
            sql.push(pivot)
                .push(" p JOIN ")
                .push(target.table)
                .push(" t ON t.id = p.")
                .push(other_fk);
            format!("p.{self_fk}")
        }
    };
    sql.push(" WHERE ");
    if target.soft_delete {
        sql.push("t.deleted_at IS NULL AND ");
    }
    sql.push(&owner_col).push(" IN (");
    sql.bind_list(owners.iter().map(|o| Param::Text(Some(o.clone()))));
    sql.push(") ORDER BY t.id ASC");
    let mut kinds = vec![ColKind::Text];
    kinds.extend(sub.columns.iter().map(|c| c.kind));
    let raw = db.fetch(sql, &kinds).await?;
    Ok(raw
        .into_iter()
        .map(|values| {
            let mut values = values.into_iter();
            let owner = values
                .next()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let map: Map<String, Value> = sub
                .columns
                .iter()
                .map(|c| c.name.to_string())
                .zip(values)
                .collect();
            (owner, map)
        })
        .collect())
}
