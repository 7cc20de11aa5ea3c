//! The query language shared by every list and retrieve route: `fields`, `expand`, `order`,
//! `offset`/`limit` and the filter tree (`q`, per-field filters, operator maps, `$and`/`$or`),
//! parsed once into these types, checked against a `Resource`'s allow-lists, and turned into SQL
//! by `store::sql`. Messages follow Medusa's validators (CONTRACT.md §2.2–2.7, §3.2).

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::qs;
use super::resource::{ColKind, Column, FilterShape, Relation, Resource};
use super::validate::{js_string, type_issue};
use crate::error::ApiError;

/// A value bound into SQL as a parameter.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    Text(String),
    Bool(bool),
    Time(OffsetDateTime),
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Gte,
    Lt,
    Lte,
    /// case-insensitive pattern, `%` and `_` as the client wrote them (an explicit `$ilike`).
    ILike,
}

/// A condition on rows of one resource.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    And(Vec<Cond>),
    Or(Vec<Cond>),
    Cmp {
        column: &'static Column,
        op: CmpOp,
        value: Scalar,
    },
    In {
        column: &'static Column,
        values: Vec<Scalar>,
        negated: bool,
    },
    /// every token (lower-cased) occurs in the row's search text.
    Search(Vec<String>),
    /// some related row (not deleted) satisfies the condition.
    Related {
        relation: &'static Relation,
        cond: Box<Cond>,
    },
}

/// Which columns and relations a response carries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection {
    pub columns: Vec<&'static Column>,
    pub relations: Vec<(&'static Relation, Selection)>,
}

impl Selection {
    fn all(resource: &'static Resource) -> Self {
        Selection {
            columns: resource.columns.iter().collect(),
            relations: Vec::new(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderBy {
    pub column: &'static Column,
    pub desc: bool,
}

/// A parsed list request.
#[derive(Clone, Debug)]
pub struct ListParams {
    pub resource: &'static Resource,
    pub selection: Selection,
    pub order: Vec<OrderBy>,
    pub offset: i64,
    pub limit: i64,
    /// ANDed together; the store adds the soft-delete scope and any route scope.
    pub conds: Vec<Cond>,
}

/// Bounds on one list request, so that no query string can make SQL unboundedly large or slow
/// (SQLite caps expression depth at 1000; long search terms cost time per character).
pub const MAX_QUERY_VALUE_CHARS: usize = 2000;
pub const MAX_SEARCH_TERMS: usize = 32;
pub const MAX_SEARCH_TERM_CHARS: usize = 100;
pub const MAX_FILTER_VALUES: usize = 1000;

/// Parses the raw query string into a JSON object, with Medusa's normalisation.
pub fn parse_query_object(raw: Option<&str>) -> Result<Map<String, Value>, ApiError> {
    let map = qs::parse(raw.unwrap_or("")).map_err(|e| ApiError::invalid_request([e.0]))?;
    let map = qs::normalize(map).map_err(|e| ApiError::invalid_request([e.0]))?;
    for (key, value) in &map {
        if longest_string(value) > MAX_QUERY_VALUE_CHARS {
            return Err(ApiError::invalid_request([format!(
                "Value for field '{key}' too big, expected at most: '{MAX_QUERY_VALUE_CHARS}' characters"
            )]));
        }
    }
    Ok(map)
}

fn longest_string(v: &Value) -> usize {
    match v {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.iter().map(longest_string).max().unwrap_or(0),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| k.chars().count().max(longest_string(v)))
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

/// How many values and branches a filter tree holds.
fn weight(cond: &Cond) -> usize {
    match cond {
        Cond::And(parts) | Cond::Or(parts) => 1 + parts.iter().map(weight).sum::<usize>(),
        Cond::In { values, .. } => values.len().max(1),
        Cond::Search(tokens) => tokens.len(),
        Cond::Related { cond, .. } => 1 + weight(cond),
        Cond::Cmp { .. } => 1,
    }
}

const LIST_CONTROLS: &[&str] = &[
    "fields",
    "expand",
    "offset",
    "limit",
    "order",
    "with_deleted",
    "q",
];
const ONE_CONTROLS: &[&str] = &["fields", "expand"];

/// `GET /admin/<resource>`: every list parameter.
pub fn parse_list(resource: &'static Resource, raw: Option<&str>) -> Result<ListParams, ApiError> {
    let query = parse_query_object(raw)?;
    let mut issues = Vec::new();
    let unknown: Vec<&str> = query
        .keys()
        .map(String::as_str)
        .filter(|k| {
            !(LIST_CONTROLS.contains(k) && (*k != "q" || resource.searchable))
                && resource.filter(k).is_none()
                && !(resource.boolean_ops && (*k == "$and" || *k == "$or"))
        })
        .collect();
    if !unknown.is_empty() {
        issues.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
    }
    let offset = int_param(&query, "offset", 0, &mut issues);
    let limit = int_param(&query, "limit", resource.default_limit, &mut issues);
    let order = parse_order(resource, query.get("order"), &mut issues);
    if let Some(v) = query.get("with_deleted") {
        // accepted as Medusa does, and ignored: deleted rows never appear on these routes
        if parse_bool(v).is_none() {
            issues.push("Invalid input".to_string());
        }
    }
    let selection = selection_from(resource, &query, &mut issues);
    let mut conds = Vec::new();
    if let Some(q) = query.get("q") {
        match q {
            Value::String(s) => {
                let tokens: Vec<String> = s.split_whitespace().map(str::to_lowercase).collect();
                if tokens.len() > MAX_SEARCH_TERMS {
                    issues.push(format!(
                        "Value for field 'q' too big, expected at most: '{MAX_SEARCH_TERMS}' terms"
                    ));
                } else if tokens.iter().any(|t| t.chars().count() > MAX_SEARCH_TERM_CHARS) {
                    issues.push(format!(
                        "Value for field 'q' too big, expected terms of at most: '{MAX_SEARCH_TERM_CHARS}' characters"
                    ));
                } else if !tokens.is_empty() {
                    conds.push(Cond::Search(tokens));
                }
            }
            other => issues.push(type_issue("string", "q", other)),
        }
    }
    let filters: Map<String, Value> = query
        .into_iter()
        .filter(|(k, _)| !LIST_CONTROLS.contains(&k.as_str()))
        .collect();
    conds.extend(parse_filters(resource, &filters, "", &mut issues));
    if conds.iter().map(weight).sum::<usize>() > MAX_FILTER_VALUES {
        issues.push(format!(
            "The filters are too large: at most {MAX_FILTER_VALUES} values and conditions in one request"
        ));
    }
    if !issues.is_empty() {
        return Err(ApiError::invalid_request(issues));
    }
    Ok(ListParams {
        resource,
        selection,
        order,
        offset,
        limit,
        conds,
    })
}

/// Routes that return one record (`GET /admin/customers/{id}`, create, update): only `fields`
/// (and `expand`) are accepted.
pub fn parse_selection(resource: &'static Resource, raw: Option<&str>) -> Result<Selection, ApiError> {
    let query = parse_query_object(raw)?;
    let mut issues = Vec::new();
    let unknown: Vec<&str> = query
        .keys()
        .map(String::as_str)
        .filter(|k| !ONE_CONTROLS.contains(k))
        .collect();
    if !unknown.is_empty() {
        issues.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
    }
    let selection = selection_from(resource, &query, &mut issues);
    if issues.is_empty() {
        Ok(selection)
    } else {
        Err(ApiError::invalid_request(issues))
    }
}

fn selection_from(
    resource: &'static Resource,
    query: &Map<String, Value>,
    issues: &mut Vec<String>,
) -> Selection {
    let fields = match query.get("fields") {
        None => None,
        Some(Value::String(s)) => Some(s.as_str()),
        Some(other) => {
            issues.push(type_issue("string", "fields", other));
            None
        }
    };
    let mut selection = parse_fields(resource, fields);
    match query.get("expand") {
        None => {}
        Some(Value::String(s)) => {
            for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                match resource.relation(name) {
                    Some(rel) => add_relation(&mut selection, rel, None),
                    None => issues.push(format!(
                        "Expected: '{}' for field 'expand', but got: '{name}'",
                        resource
                            .relations
                            .iter()
                            .map(|r| r.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                }
            }
        }
        Some(other) => issues.push(type_issue("string", "expand", other)),
    }
    selection
}

/// JavaScript's `parseInt` as Medusa applies it: leading digits count (`10abc` is 10, `1.5` is 1).
fn int_param(query: &Map<String, Value>, name: &str, default: i64, issues: &mut Vec<String>) -> i64 {
    let Some(value) = query.get(name) else {
        return default;
    };
    let Value::String(s) = value else {
        issues.push(type_issue("number", name, value));
        return default;
    };
    let t = s.trim_start();
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    if end == 0 {
        issues.push(type_issue("number", name, value));
        return default;
    }
    match digits[..end].parse::<i64>() {
        Ok(0) => 0,
        Ok(_) if negative => {
            issues.push(format!(
                "Value for field '{name}' too small, expected at least: '0'"
            ));
            default
        }
        Ok(n) => n,
        Err(_) => {
            issues.push(format!(
                "Value for field '{name}' too big, expected at most: '{}'",
                i64::MAX
            ));
            default
        }
    }
}

fn parse_order(resource: &'static Resource, value: Option<&Value>, issues: &mut Vec<String>) -> Vec<OrderBy> {
    let Some(value) = value else { return Vec::new() };
    let Value::String(s) = value else {
        issues.push(type_issue("string", "order", value));
        return Vec::new();
    };
    let mut order: Vec<OrderBy> = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (desc, name) = match part.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        match resource
            .column(name)
            .filter(|c| resource.sortable.contains(&c.name))
        {
            Some(column) if !order.iter().any(|o| o.column.name == column.name) => {
                order.push(OrderBy { column, desc })
            }
            Some(_) => {}
            None => issues.push(format!(
                "Order field '{name}' is not valid for field 'order': expected one of {}",
                resource.sortable.join(", ")
            )),
        }
    }
    order
}

fn has_modifier(entry: &str) -> bool {
    entry.starts_with(['+', '-', ' ', '*']) || entry.ends_with(".*")
}

/// `fields`: absent means the defaults; entries without a modifier replace them; `+f`, `-f`,
/// `*rel`, `rel.*` adjust them; `id` is always added; unknown names are ignored (CONTRACT.md §2.6).
pub fn parse_fields(resource: &'static Resource, raw: Option<&str>) -> Selection {
    let mut sel = Selection::default();
    let Some(raw) = raw else {
        for name in resource.default_fields {
            add_path(resource, &mut sel, name);
        }
        return sel;
    };
    let entries: Vec<&str> = raw.split(',').filter(|e| !e.is_empty()).collect();
    if entries.is_empty() || entries.iter().any(|e| !has_modifier(e)) {
        for entry in &entries {
            let name = entry.trim_start_matches(['+', '-', ' ']);
            add_entry(resource, &mut sel, name);
        }
    } else {
        for name in resource.default_fields {
            add_path(resource, &mut sel, name);
        }
        for entry in &entries {
            if let Some(name) = entry.strip_prefix('-') {
                remove_entry(&mut sel, name);
            } else {
                add_entry(resource, &mut sel, entry.trim_start_matches(['+', ' ']));
            }
        }
    }
    if let Some(id) = resource.column("id")
        && !sel.columns.iter().any(|c| c.name == "id")
    {
        sel.columns.push(id);
    }
    sel
}

fn add_entry(resource: &'static Resource, sel: &mut Selection, entry: &str) {
    if let Some(rel) = entry.strip_prefix('*') {
        if let Some(rel) = resource.relation(rel) {
            add_relation(sel, rel, None);
        }
    } else {
        add_path(resource, sel, entry);
    }
}

fn add_path(resource: &'static Resource, sel: &mut Selection, path: &str) {
    match path.split_once('.') {
        None => {
            if let Some(c) = resource.column(path) {
                if !sel.columns.iter().any(|x| x.name == c.name) {
                    sel.columns.push(c);
                }
            } else if let Some(rel) = resource.relation(path) {
                add_relation(sel, rel, None);
            }
        }
        Some((rel, sub)) => {
            if let Some(rel) = resource.relation(rel) {
                if sub == "*" {
                    add_relation(sel, rel, None);
                } else if let Some(c) = rel.target.column(sub) {
                    add_relation(sel, rel, Some(c));
                }
            }
        }
    }
}

/// Adds a relation with all its columns (`None`) or one more column.
fn add_relation(sel: &mut Selection, rel: &'static Relation, column: Option<&'static Column>) {
    let idx = match sel.relations.iter().position(|(r, _)| r.name == rel.name) {
        Some(i) => i,
        None => {
            sel.relations.push((rel, Selection::default()));
            sel.relations.len() - 1
        }
    };
    let sub = &mut sel.relations[idx].1;
    match column {
        None => *sub = Selection::all(rel.target),
        Some(c) => {
            if !sub.columns.iter().any(|x| x.name == c.name) {
                sub.columns.push(c);
            }
        }
    }
}

fn remove_entry(sel: &mut Selection, name: &str) {
    let rel = name
        .strip_prefix('*')
        .or_else(|| name.strip_suffix(".*"))
        .unwrap_or(name);
    sel.columns.retain(|c| c.name != name);
    sel.relations.retain(|(r, _)| r.name != rel);
}

fn parse_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn field_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Per-field filters and `$and`/`$or` of one object, ANDed.
fn parse_filters(
    resource: &'static Resource,
    obj: &Map<String, Value>,
    prefix: &str,
    issues: &mut Vec<String>,
) -> Vec<Cond> {
    let mut conds = Vec::new();
    for (key, value) in obj {
        let path = field_path(prefix, key);
        if key == "$and" || key == "$or" {
            if !resource.boolean_ops {
                issues.push(format!("Unrecognized fields: '{key}'"));
                continue;
            }
            let Value::Array(items) = value else {
                issues.push(type_issue("array", &path, value));
                continue;
            };
            let mut branches = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let item_path = field_path(&path, &i.to_string());
                match item {
                    Value::Object(o) => {
                        let unknown: Vec<&str> = o
                            .keys()
                            .map(String::as_str)
                            .filter(|k| resource.filter(k).is_none() && *k != "$and" && *k != "$or")
                            .collect();
                        if !unknown.is_empty() {
                            issues.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
                        }
                        branches.push(Cond::And(parse_filters(resource, o, &item_path, issues)));
                    }
                    other => issues.push(type_issue("object", &item_path, other)),
                }
            }
            if !branches.is_empty() {
                conds.push(if key == "$and" {
                    Cond::And(branches)
                } else {
                    Cond::Or(branches)
                });
            }
            continue;
        }
        let Some(filter) = resource.filter(key) else {
            continue;
        };
        if let Some(cond) = parse_filter_value(resource, filter.name, filter.shape, value, &path, issues) {
            conds.push(cond);
        }
    }
    conds
}

fn parse_filter_value(
    resource: &'static Resource,
    name: &str,
    shape: FilterShape,
    value: &Value,
    path: &str,
    issues: &mut Vec<String>,
) -> Option<Cond> {
    let column = resource.column(name);
    match shape {
        FilterShape::TextOrList => {
            let column = column?;
            match value {
                Value::String(s) => Some(eq(column, Scalar::Text(s.clone()))),
                Value::Array(items) if items.iter().all(Value::is_string) => Some(Cond::In {
                    column,
                    values: texts(items),
                    negated: false,
                }),
                other => {
                    issues.push(type_issue("string, array", path, other));
                    None
                }
            }
        }
        FilterShape::TextOps | FilterShape::TimeOps => {
            let column = column?;
            match value {
                Value::Object(ops) => {
                    let conds: Vec<Cond> = ops
                        .iter()
                        .filter_map(|(op, v)| operator(column, op, v, &field_path(path, op), issues))
                        .collect();
                    (!conds.is_empty()).then_some(Cond::And(conds))
                }
                Value::String(_) => {
                    let v = scalar(column, value, path, issues)?;
                    Some(eq(column, v))
                }
                Value::Array(items) => {
                    let values: Vec<Scalar> = items
                        .iter()
                        .filter_map(|v| scalar(column, v, path, issues))
                        .collect();
                    Some(Cond::In {
                        column,
                        values,
                        negated: false,
                    })
                }
                other => {
                    issues.push(type_issue("string, array, object", path, other));
                    None
                }
            }
        }
        FilterShape::Flag => {
            let column = column?;
            match parse_bool(value) {
                Some(b) => Some(eq(column, Scalar::Bool(b))),
                None => {
                    issues.push("Invalid input".to_string());
                    None
                }
            }
        }
        FilterShape::Related(rel_name) => {
            let relation = resource.relation(rel_name)?;
            let target = relation.target;
            let id = target.column("id")?;
            let cond = match value {
                Value::String(s) => eq(id, Scalar::Text(s.clone())),
                Value::Array(items) if items.iter().all(Value::is_string) => Cond::In {
                    column: id,
                    values: texts(items),
                    negated: false,
                },
                Value::Object(o) => {
                    let unknown: Vec<&str> = o
                        .keys()
                        .map(String::as_str)
                        .filter(|k| {
                            !target
                                .filter(k)
                                .is_some_and(|f| !matches!(f.shape, FilterShape::Related(_)))
                        })
                        .collect();
                    if !unknown.is_empty() {
                        issues.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
                        return None;
                    }
                    let mut conds = Vec::new();
                    for (k, v) in o {
                        if let Some(f) = target.filter(k) {
                            conds.extend(parse_filter_value(
                                target,
                                f.name,
                                f.shape,
                                v,
                                &field_path(path, k),
                                issues,
                            ));
                        }
                    }
                    Cond::And(conds)
                }
                other => {
                    issues.push(type_issue("string, array, object", path, other));
                    return None;
                }
            };
            Some(Cond::Related {
                relation,
                cond: Box::new(cond),
            })
        }
    }
}

fn eq(column: &'static Column, value: Scalar) -> Cond {
    Cond::Cmp {
        column,
        op: CmpOp::Eq,
        value,
    }
}

fn texts(items: &[Value]) -> Vec<Scalar> {
    items
        .iter()
        .filter_map(|v| v.as_str().map(|s| Scalar::Text(s.to_string())))
        .collect()
}

/// A filter value for a column: a timestamp must parse; `null` means SQL NULL.
fn scalar(column: &'static Column, v: &Value, path: &str, issues: &mut Vec<String>) -> Option<Scalar> {
    let Value::String(s) = v else {
        issues.push(type_issue("string", path, v));
        return None;
    };
    if s == "null" {
        return Some(Scalar::Null);
    }
    match column.kind {
        ColKind::Time => match super::parse_ts(s) {
            Some(t) => Some(Scalar::Time(t)),
            None => {
                issues.push(format!(
                    "Expected a date for field '{path}', got: '{}'",
                    js_string(v)
                ));
                None
            }
        },
        _ => Some(Scalar::Text(s.clone())),
    }
}

fn operator(
    column: &'static Column,
    op: &str,
    v: &Value,
    path: &str,
    issues: &mut Vec<String>,
) -> Option<Cond> {
    let list = |issues: &mut Vec<String>| -> Vec<Scalar> {
        match v {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| scalar(column, i, path, issues))
                .collect(),
            single => scalar(column, single, path, issues).into_iter().collect(),
        }
    };
    let cmp = |op: CmpOp, issues: &mut Vec<String>| {
        scalar(column, v, path, issues).map(|value| Cond::Cmp { column, op, value })
    };
    match op {
        "$eq" | "$ne" if v.is_array() => Some(Cond::In {
            column,
            values: list(issues),
            negated: op == "$ne",
        }),
        "$eq" => cmp(CmpOp::Eq, issues),
        "$ne" => cmp(CmpOp::Ne, issues),
        "$in" => Some(Cond::In {
            column,
            values: list(issues),
            negated: false,
        }),
        "$nin" => Some(Cond::In {
            column,
            values: list(issues),
            negated: true,
        }),
        "$gt" => cmp(CmpOp::Gt, issues),
        "$gte" => cmp(CmpOp::Gte, issues),
        "$lt" => cmp(CmpOp::Lt, issues),
        "$lte" => cmp(CmpOp::Lte, issues),
        "$ilike" if column.kind == ColKind::Text => cmp(CmpOp::ILike, issues),
        "$like" | "$ilike" | "$re" | "$contains" => {
            issues.push(format!("Operator '{op}' is not supported for field '{path}'"));
            None
        }
        // Medusa's operator maps are not strict: an unknown `$xyz` is dropped
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::resource::CUSTOMER;

    fn names(sel: &Selection) -> Vec<&str> {
        sel.columns.iter().map(|c| c.name).collect()
    }

    fn err(raw: &str) -> String {
        match parse_list(&CUSTOMER, Some(raw)) {
            Err(ApiError::InvalidData(m)) => m,
            other => panic!("{raw}: expected invalid_data, got {other:?}"),
        }
    }

    #[test]
    fn fields_follow_medusa_rules() {
        assert_eq!(names(&parse_fields(&CUSTOMER, Some("id,email"))), ["id", "email"]);
        assert_eq!(names(&parse_fields(&CUSTOMER, Some("email"))), ["email", "id"]);
        assert_eq!(names(&parse_fields(&CUSTOMER, Some(""))), ["id"]);
        assert_eq!(names(&parse_fields(&CUSTOMER, Some("id,nonexistent"))), ["id"]);
        let minus = parse_fields(&CUSTOMER, Some("-email"));
        assert!(!names(&minus).contains(&"email") && names(&minus).len() == 11);
        let plus = parse_fields(&CUSTOMER, Some(" company_name,*groups"));
        assert_eq!(names(&plus).len(), 12);
        assert_eq!(plus.relations[0].0.name, "groups");
        let sub = parse_fields(&CUSTOMER, Some("id,groups.name"));
        assert_eq!(names(&sub.relations[0].1), ["name"]);
        assert_eq!(
            names(&parse_fields(&CUSTOMER, Some("-id"))).len(),
            12,
            "id is always added"
        );
    }

    #[test]
    fn pagination_parses_like_parse_int() {
        let p = parse_list(&CUSTOMER, Some("limit=10abc&offset=1.9")).unwrap();
        assert_eq!((p.limit, p.offset), (10, 1));
        let p = parse_list(&CUSTOMER, None).unwrap();
        assert_eq!((p.limit, p.offset), (50, 0));
        assert_eq!(
            err("limit=abc"),
            "Invalid request: Expected type: 'number' for field 'limit', got: 'abc'"
        );
        assert!(err("limit=-1").contains("'limit' too small"));
        assert!(err("offset=-5").contains("'offset' too small"));
        assert!(err("limit=99999999999999999999999").contains("too big"));
        assert!(err("limit=").contains("'number'"));
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(err("foo=bar"), "Invalid request: Unrecognized fields: 'foo'");
        assert_eq!(err("has_account=maybe"), "Invalid request: Invalid input");
        assert!(err("order=nope").contains("'nope'"));
        assert!(err("created_at[$gt]=not-a-date").contains("created_at.$gt"));
        assert_eq!(
            err("email[$ilike]=x"),
            "Invalid request: Expected type: 'string, array' for field 'email', got: '[object Object]'"
        );
        assert!(err("$or=x").contains("'array'"));
    }

    #[test]
    fn filters_build_a_tree() {
        let p = parse_list(
            &CUSTOMER,
            Some("q=Jane%20DOE&created_at[$foo]=1&has_account=TRUE"),
        )
        .unwrap();
        assert_eq!(p.conds[0], Cond::Search(vec!["jane".into(), "doe".into()]));
        assert_eq!(p.conds.len(), 2, "unknown operators are dropped");
        let p = parse_list(&CUSTOMER, Some("$or[0][email]=a&$or[1][groups][name]=VIP")).unwrap();
        assert!(matches!(&p.conds[0], Cond::Or(b) if b.len() == 2));
        let p = parse_list(&CUSTOMER, Some("order=first_name,-created_at")).unwrap();
        assert_eq!(p.order.len(), 2);
        assert!(p.order[1].desc);
    }
}
