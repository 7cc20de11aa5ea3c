//! Request-body validation with Medusa's (zod's) messages: unknown keys are refused, types are
//! checked field by field, and up to three issues are joined into one `Invalid request: ...`.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The type a body field must have.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FieldType {
    /// A string or null.
    NullableString,
    /// An e-mail address (Medusa's rule) or null.
    NullableEmail,
    /// A JSON object or null (`metadata`, `additional_data`).
    NullableRecord,
    /// `true` or `false`; not null.
    Boolean,
    /// A string; not null.
    String,
    /// An array of strings; not null.
    StringArray,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// A number, not negative.
    NonNegativeNumber,
}

/// One field of a body schema.
#[derive(Clone, Copy, Debug)]
pub struct BodyField {
    pub name: &'static str,
    pub ty: FieldType,
    pub required: bool,
}

impl BodyField {
    pub const fn optional(name: &'static str, ty: FieldType) -> Self {
        BodyField {
            name,
            ty,
            required: false,
        }
    }
    pub const fn required(name: &'static str, ty: FieldType) -> Self {
        BodyField {
            name,
            ty,
            required: true,
        }
    }
}

/// The longest text a body field may hold, in characters: PostgreSQL's btree indexes refuse entries
/// over 2704 bytes, and 500 characters of 4-byte UTF-8 stay under that on both back-ends alike.
pub const MAX_TEXT_CHARS: usize = 500;

/// Whether a JSON value holds a NUL character in any string or key: PostgreSQL cannot store one,
/// so it is refused on both back-ends alike.
pub fn contains_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(contains_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || contains_nul(v)),
        _ => false,
    }
}

/// How JavaScript's `String(value)` prints a value, which Medusa puts in `got: '...'`.
pub fn js_string(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::Null => String::new(),
                other => js_string(other),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

pub fn type_issue(expected: &str, field: &str, got: &Value) -> String {
    format!(
        "Expected type: '{expected}' for field '{field}', got: '{}'",
        js_string(got)
    )
}

fn check(field: &BodyField, value: &Value) -> Option<String> {
    let name = field.name;
    match (field.ty, value) {
        (FieldType::NullableString | FieldType::NullableEmail | FieldType::NullableRecord, Value::Null) => {
            None
        }
        (FieldType::NullableString | FieldType::String | FieldType::NullableEmail, Value::String(s))
            if s.chars().count() > MAX_TEXT_CHARS =>
        {
            Some(format!(
                "Value for field '{name}' too big, expected at most: '{MAX_TEXT_CHARS}' characters"
            ))
        }
        (FieldType::NullableString | FieldType::String, Value::String(_)) => None,
        (FieldType::NullableEmail, Value::String(s)) => {
            (!super::is_valid_email(s)).then(|| "Invalid email address".to_string())
        }
        (FieldType::NullableRecord, Value::Object(_)) => None,
        (FieldType::Boolean, Value::Bool(_)) => None,
        (FieldType::StringArray, Value::Array(items)) => items
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_string())
            .map(|(i, v)| type_issue("string", &format!("{name}, {i}"), v)),
        (FieldType::OneOf(allowed), Value::String(s)) if allowed.contains(&s.as_str()) => None,
        (FieldType::OneOf(allowed), v) => Some(format!(
            "Expected: '{}' for field '{name}', but got: '{}'",
            allowed.join(", "),
            js_string(v)
        )),
        (FieldType::NonNegativeNumber, Value::Number(n)) if n.as_f64().is_some_and(|f| f >= 0.0) => None,
        (FieldType::NonNegativeNumber, Value::Number(_)) => Some(format!(
            "Value for field '{name}' too small, expected at least: '0'"
        )),
        (FieldType::NonNegativeNumber, v) => Some(type_issue("number", name, v)),
        (FieldType::NullableString | FieldType::String | FieldType::NullableEmail, v) => {
            Some(type_issue("string", name, v))
        }
        (FieldType::NullableRecord, v) => Some(type_issue("record", name, v)),
        (FieldType::Boolean, v) => Some(type_issue("boolean", name, v)),
        (FieldType::StringArray, v) => Some(type_issue("array", name, v)),
    }
}

/// Checks a parsed body against a schema; returns its fields, or Medusa's 400.
pub fn validate_body(schema: &[BodyField], body: &Value) -> Result<Map<String, Value>, ApiError> {
    let Value::Object(obj) = body else {
        let got = match body {
            Value::Array(_) => "array".to_string(),
            other => js_string(other),
        };
        return Err(ApiError::invalid_request([format!(
            "Expected type: 'object' for field 'body', got: '{got}'"
        )]));
    };
    let mut issues = Vec::new();
    for field in schema {
        match obj.get(field.name) {
            None if field.required => issues.push(format!("Field '{}' is required", field.name)),
            None => {}
            Some(value) => issues.extend(check(field, value)),
        }
    }
    let unknown: Vec<&str> = obj
        .keys()
        .filter(|k| !schema.iter().any(|f| f.name == k.as_str()))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        issues.push(format!("Unrecognized fields: '{}'", unknown.join(", ")));
    }
    if issues.is_empty() {
        Ok(obj.clone())
    } else {
        Err(ApiError::invalid_request(issues))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCHEMA: &[BodyField] = &[
        BodyField::optional("email", FieldType::NullableEmail),
        BodyField::optional("first_name", FieldType::NullableString),
        BodyField::optional("metadata", FieldType::NullableRecord),
    ];

    fn msg(body: Value) -> String {
        match validate_body(SCHEMA, &body) {
            Err(ApiError::InvalidData(m)) => m,
            other => panic!("expected invalid_data, got {other:?}"),
        }
    }

    #[test]
    fn messages_match_medusa() {
        assert_eq!(
            msg(json!({"email":"bad","first_name":1,"metadata":"x"})),
            "Invalid request: Invalid email address; Expected type: 'string' for field 'first_name', got: '1'; Expected type: 'record' for field 'metadata', got: 'x'"
        );
        assert_eq!(
            msg(json!({"foo":1,"bar":2})),
            "Invalid request: Unrecognized fields: 'foo, bar'"
        );
        assert_eq!(
            msg(json!({"metadata":[1,2]})),
            "Invalid request: Expected type: 'record' for field 'metadata', got: '1,2'"
        );
        assert!(validate_body(SCHEMA, &json!({})).is_ok());
        assert!(validate_body(SCHEMA, &json!({"email":null,"metadata":null})).is_ok());
        assert!(msg(json!([1])).starts_with("Invalid request: "));
    }
}
