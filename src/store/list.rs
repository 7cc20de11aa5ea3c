//! One SQL builder for every list and retrieve: the filter tree, order, pagination, count and the
//! selected relations, for any `Resource`.

use serde_json::{Map, Value};

use super::sql::{Param, Sql, escape_like};
use super::{Db, Dialect, StoreError};
use crate::domain::query::{CmpOp, Cond, ListParams, OrderBy, Scalar, Selection};
use crate::domain::resource::{ColKind, Column, Join, Relation, Resource};

/// One page of rows and the total count matching the filters.
#[derive(Debug)]
pub struct Page {
    /// The page as a JSON array, rendered by the database.
    pub rows: String,
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
fn write_order(sql: &mut Sql, order: &[OrderBy], alias: &str) {
    sql.push(" ORDER BY ");
    let mut last_desc = false;
    for o in order {
        let dir = if o.desc { " DESC" } else { " ASC" };
        if o.column.nullable {
            match sql.dialect {
                // served by indexes on ((col IS NULL), col, id)
                Dialect::Sqlite => {
                    sql.push("(")
                        .push(alias)
                        .push(".")
                        .push(o.column.name)
                        .push(" IS NULL)")
                        .push(dir)
                        .push(", ");
                    sql.push(alias).push(".").push(o.column.name).push(dir);
                }
                Dialect::Postgres => {
                    sql.push(alias).push(".").push(o.column.name).push(dir);
                    sql.push(if o.desc { " NULLS FIRST" } else { " NULLS LAST" });
                }
            }
        } else {
            sql.push(alias).push(".").push(o.column.name).push(dir);
        }
        sql.push(", ");
        last_desc = o.desc;
    }
    if order.iter().any(|o| o.column.name == "id") {
        sql.text.truncate(sql.text.len() - 2);
    } else {
        sql.push(alias)
            .push(".id")
            .push(if last_desc { " DESC" } else { " ASC" });
    }
}

/// `SELECT COUNT(*)` of the rows a list would page through.
pub fn count_sql(dialect: Dialect, resource: &Resource, conds: &[Cond]) -> Sql {
    let mut sql = Sql::new(dialect);
    write_count(&mut sql, resource, conds);
    sql
}

fn write_count(sql: &mut Sql, resource: &Resource, conds: &[Cond]) {
    if let (Some(counter), true) = (resource.live_count, conds.is_empty()) {
        sql.push("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM ")
            .push(counter);
        return;
    }
    sql.push("SELECT COUNT(*) FROM ").push(resource.table).push(" t");
    write_where(sql, resource, conds);
}

/// The columns a page query reads: `id` first, always (relations are attached by it), then the
/// selected columns, then any ordering column not selected (the rows are ordered again by them
/// when they are aggregated into one JSON array).
fn page_columns(
    resource: &'static Resource,
    selection: &Selection,
    order: &[OrderBy],
) -> Result<Vec<&'static Column>, StoreError> {
    let id_col = resource
        .column("id")
        .ok_or_else(|| StoreError::Other("resource without id".into()))?;
    let mut columns: Vec<&'static Column> = vec![id_col];
    for c in selection.columns.iter().chain(order.iter().map(|o| &o.column)) {
        if !columns.iter().any(|have| have.name == c.name) {
            columns.push(c);
        }
    }
    Ok(columns)
}

fn write_select(
    sql: &mut Sql,
    resource: &'static Resource,
    columns: &[&'static Column],
    conds: &[Cond],
    order: &[OrderBy],
    page: Option<(i64, i64)>,
) {
    write_select_from(sql, resource.table, columns);
    write_where(sql, resource, conds);
    write_order(sql, order, "t");
    write_page(sql, page);
}

/// `SELECT t.a, t.b FROM table t`
fn write_select_from(sql: &mut Sql, table: &str, columns: &[&'static Column]) {
    sql.push("SELECT ");
    for (i, c) in columns.iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.push("t.").push(c.name);
    }
    sql.push(" FROM ").push(table).push(" t");
}

fn write_page(sql: &mut Sql, page: Option<(i64, i64)>) {
    if let Some((limit, offset)) = page {
        sql.push(" LIMIT ")
            .bind(Param::Int(limit))
            .push(" OFFSET ")
            .bind(Param::Int(offset));
    }
}

/// The page query of a list: the rows' columns, filtered, ordered and paged by indexes.
pub fn select_sql(
    dialect: Dialect,
    resource: &'static Resource,
    selection: &Selection,
    conds: &[Cond],
    order: &[OrderBy],
    page: Option<(i64, i64)>,
) -> Result<Sql, StoreError> {
    let columns = page_columns(resource, selection, order)?;
    let mut sql = Sql::new(dialect);
    write_select(&mut sql, resource, &columns, conds, order, page);
    Ok(sql)
}

/// The two parts of a list request (page and count), for plans; `list_statement` runs them as one.
pub fn list_sql(dialect: Dialect, params: &ListParams) -> Result<(Sql, Sql), StoreError> {
    let select = select_sql(
        dialect,
        params.resource,
        &params.selection,
        &params.conds,
        &params.order,
        Some((params.limit, params.offset)),
    )?;
    Ok((select, count_sql(dialect, params.resource, &params.conds)))
}

/// The SQL expression that renders column `c` of the row aliased `alias` as the JSON value Medusa
/// shows: timestamps as `2024-01-02T03:04:05.678Z`, booleans as `true`/`false`, metadata as the
/// object itself (SQLite keeps timestamps as that text already, and booleans as 0/1).
fn write_json_value(sql: &mut Sql, alias: &str, c: &Column) {
    match (sql.dialect, c.kind) {
        (_, ColKind::Text)
        | (Dialect::Sqlite, ColKind::Time)
        | (Dialect::Postgres, ColKind::Bool | ColKind::Json) => {
            sql.push(alias).push(".").push(c.name);
        }
        (Dialect::Postgres, ColKind::Time) => {
            // migrations/postgres/0004: `to_char` in Medusa's format, inlined by the planner
            sql.push("clientele_ts(")
                .push(alias)
                .push(".")
                .push(c.name)
                .push(")");
        }
        (Dialect::Sqlite, ColKind::Bool) => {
            let col = format!("{alias}.{}", c.name);
            sql.push("CASE WHEN ")
                .push(&col)
                .push(" IS NULL THEN NULL WHEN ")
                .push(&col)
                .push(" THEN json('true') ELSE json('false') END");
        }
        (Dialect::Sqlite, ColKind::Json) => {
            sql.push("json(").push(alias).push(".").push(c.name).push(")");
        }
    }
}

/// A JSON object of the selected columns (in the order of `selection`) and relations of the row
/// aliased `alias`; `depth` keeps the aliases of nested relation subqueries apart.
fn write_json_object(sql: &mut Sql, alias: &str, selection: &Selection, depth: usize) {
    sql.push(match sql.dialect {
        Dialect::Sqlite => "json_object(",
        Dialect::Postgres => "json_build_object(",
    });
    write_fields(sql, alias, selection, depth, false);
    sql.push(")");
}

/// `SELECT <value> AS "key", ...`: the same fields as the columns of a row that renders as the
/// answer's object (PostgreSQL's `row_to_json`).
fn write_record_columns(sql: &mut Sql, alias: &str, selection: &Selection) {
    sql.push("SELECT ");
    write_fields(sql, alias, selection, 0, true);
}

/// The selected columns, then relations, of the row aliased `alias`, each as `'key', value`
/// (arguments of a JSON object) or, for a record, as `value AS "key"`.
fn write_fields(sql: &mut Sql, alias: &str, selection: &Selection, depth: usize, record: bool) {
    let columns = selection.columns.iter().map(|c| (c.name, Some(*c), None));
    let relations = selection
        .relations
        .iter()
        .map(|(r, sub)| (r.name, None, Some((*r, sub))));
    for (i, (key, column, relation)) in columns.chain(relations).enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        if !record {
            sql.push("'").push(key).push("', ");
        }
        if let Some(c) = column {
            write_json_value(sql, alias, c);
        }
        if let Some((relation, sub)) = relation {
            write_related_array(sql, alias, relation, sub, depth);
        }
        if record {
            sql.push(" AS \"").push(key).push("\"");
        }
    }
}

/// `json_group_array` / `json_agg` of `object ORDER BY ...`, `[]` when there are no rows.
fn write_array_agg(sql: &mut Sql, object: impl FnOnce(&mut Sql), order: impl FnOnce(&mut Sql)) {
    match sql.dialect {
        Dialect::Sqlite => {
            sql.push("json_group_array(");
            object(sql);
            order(sql);
            sql.push(")");
        }
        Dialect::Postgres => {
            sql.push("COALESCE(json_agg(");
            object(sql);
            order(sql);
            sql.push("), '[]'::json)");
        }
    }
}

/// The related rows of the row aliased `owner`, as a JSON array ordered by id: a correlated
/// subquery served by the relation's foreign-key index.
fn write_related_array(sql: &mut Sql, owner: &str, relation: &Relation, sub: &Selection, depth: usize) {
    let target = relation.target;
    let r = format!("j{depth}");
    // SQLite passes a subquery's value on as plain text: json() marks it as JSON again
    if sql.dialect == Dialect::Sqlite {
        sql.push("json(");
    }
    sql.push("(SELECT ");
    write_array_agg(
        sql,
        |sql| write_json_object(sql, &r, sub, depth + 1),
        |sql| {
            sql.push(" ORDER BY ").push(&r).push(".id ASC");
        },
    );
    sql.push(" FROM ");
    let owner_col = match relation.join {
        Join::HasMany { fk } => {
            sql.push(target.table).push(" ").push(&r);
            format!("{r}.{fk}")
        }
        Join::ManyToMany {
            pivot,
            self_fk,
            other_fk,
        } => {
            let p = format!("p{depth}");
            sql.push(pivot).push(" ").push(&p);
            sql.push(" JOIN ").push(target.table).push(" ").push(&r);
            sql.push(" ON ")
                .push(&r)
                .push(".id = ")
                .push(&p)
                .push(".")
                .push(other_fk);
            format!("{p}.{self_fk}")
        }
    };
    sql.push(" WHERE ");
    if target.soft_delete {
        sql.push(&r).push(".deleted_at IS NULL AND ");
    }
    sql.push(&owner_col).push(" = ").push(owner).push(".id)");
    if sql.dialect == Dialect::Sqlite {
        sql.push(")");
    }
}

/// One statement for a whole list answer: the count and the page rendered as one JSON array by
/// the database, so the server copies one text value instead of decoding every column of every
/// row (and, on SQLite, hands one row across its worker thread instead of one per customer).
/// The page subquery is `select_sql`, the count `count_sql`; the array is ordered again by the
/// same keys because an aggregate's input order is otherwise not guaranteed.
///
/// With a `q` search the matching ids (and ordering keys) are found once, in a materialized `m`,
/// and both the count and the page read them from there: the trigram search is the costly part,
/// and the page then sorts only those keys and reads its rows' columns by id.
pub fn list_statement(dialect: Dialect, params: &ListParams, conds: &[Cond]) -> Result<Sql, StoreError> {
    let resource = params.resource;
    let columns = page_columns(resource, &params.selection, &params.order)?;
    let search = conds.iter().any(|c| matches!(c, Cond::Search(_)));
    let mut sql = Sql::new(dialect);
    if search {
        let keys = page_columns(resource, &Selection::default(), &params.order)?;
        sql.push("WITH m AS MATERIALIZED (");
        write_select_from(&mut sql, resource.table, &keys);
        write_where(&mut sql, resource, conds);
        sql.push(") ");
    }
    sql.push("SELECT (");
    if search {
        sql.push("SELECT COUNT(*) FROM m");
    } else {
        write_count(&mut sql, resource, conds);
    }
    sql.push("), (SELECT ");
    // PostgreSQL renders a row whose columns are the answer's keys ~17% faster than the same
    // row through json_build_object; that row then carries the ordering keys only when they are
    // all selected (and they sort alike: timestamps become fixed-width UTC text).
    let as_record = dialect == Dialect::Postgres
        && params
            .order
            .iter()
            .all(|o| params.selection.columns.iter().any(|c| c.name == o.column.name))
        && params.selection.columns.iter().any(|c| c.name == "id");
    if dialect == Dialect::Postgres {
        sql.push("CAST(");
    }
    if as_record {
        // string_agg rather than json_agg, which puts a newline between records
        sql.push("'[' || COALESCE(string_agg(CAST(row_to_json(p) AS TEXT), ','");
        write_order(&mut sql, &params.order, "p");
        sql.push("), '') || ']'");
    } else {
        write_array_agg(
            &mut sql,
            |sql| write_json_object(sql, "t", &params.selection, 0),
            |sql| write_order(sql, &params.order, "t"),
        );
    }
    if dialect == Dialect::Postgres {
        sql.push(" AS TEXT)");
    }
    sql.push(" FROM (");
    if as_record {
        write_record_columns(&mut sql, "t", &params.selection);
        sql.push(" FROM (");
    }
    let page = Some((params.limit.max(0), params.offset));
    if search {
        write_select_from(&mut sql, resource.table, &columns);
        sql.push(" WHERE t.id IN (SELECT m.id FROM m");
        write_order(&mut sql, &params.order, "m");
        write_page(&mut sql, page);
        sql.push(")");
    } else {
        write_select(&mut sql, resource, &columns, conds, &params.order, page);
    }
    sql.push(if as_record { ") t) p)" } else { ") t)" });
    Ok(sql)
}

/// Lists rows of `params.resource` matching its filters and `scope`, with the total count.
pub async fn list(db: &Db, params: &ListParams, scope: &[Cond]) -> Result<Page, StoreError> {
    let conds: Vec<Cond> = scope.iter().chain(params.conds.iter()).cloned().collect();
    let sql = list_statement(db.dialect(), params, &conds)?;
    let (count, rows) = db.fetch_count_and_text(sql).await?;
    Ok(Page { rows, count })
}

/// One row by id (not deleted), with the selected fields and relations, as JSON text.
pub async fn get_json(
    db: &Db,
    resource: &'static Resource,
    id: &str,
    selection: &Selection,
    scope: &[Cond],
) -> Result<Option<String>, StoreError> {
    let Some(id_col) = resource.column("id") else {
        return Ok(None);
    };
    let mut conds = vec![Cond::Cmp {
        column: id_col,
        op: CmpOp::Eq,
        value: Scalar::Text(id.to_string()),
    }];
    conds.extend(scope.iter().cloned());
    let mut sql = db.sql();
    sql.push("SELECT ");
    if db.dialect() == Dialect::Postgres {
        sql.push("CAST(");
    }
    write_json_object(&mut sql, "t", selection, 0);
    if db.dialect() == Dialect::Postgres {
        sql.push(" AS TEXT)");
    }
    sql.push(" FROM ").push(resource.table).push(" t");
    write_where(&mut sql, resource, &conds);
    sql.push(" LIMIT 1");
    let row = db.fetch(sql, &[ColKind::Text]).await?.into_iter().next();
    Ok(row.and_then(|r| r.into_iter().next()).and_then(|v| match v {
        Value::String(s) => Some(s),
        _ => None,
    }))
}

/// One row by id as a JSON object, for handlers that add to it before answering.
pub async fn get(
    db: &Db,
    resource: &'static Resource,
    id: &str,
    selection: &Selection,
    scope: &[Cond],
) -> Result<Option<Map<String, Value>>, StoreError> {
    match get_json(db, resource, id, selection, scope).await? {
        None => Ok(None),
        Some(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Other(format!("row JSON: {e}"))),
    }
}
