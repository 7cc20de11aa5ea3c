//! Customer commands, validated from request bodies (CONTRACT.md §2.8).

use serde_json::{Map, Value};

use super::validate::{BodyField, FieldType, validate_body};
use crate::error::ApiError;

/// `AdminCreateCustomer`: every field optional and nullable; `additional_data` accepted, not stored.
pub const CREATE_CUSTOMER: &[BodyField] = &[
    BodyField::optional("email", FieldType::NullableEmail),
    BodyField::optional("company_name", FieldType::NullableString),
    BodyField::optional("first_name", FieldType::NullableString),
    BodyField::optional("last_name", FieldType::NullableString),
    BodyField::optional("phone", FieldType::NullableString),
    BodyField::optional("metadata", FieldType::NullableRecord),
    BodyField::optional("additional_data", FieldType::NullableRecord),
];

/// A customer to insert.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewCustomer {
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub metadata: Option<Map<String, Value>>,
    pub has_account: bool,
    pub created_by: Option<String>,
}

fn text(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_string)
}

impl NewCustomer {
    /// Parses a create body; `created_by` is the acting user or API key.
    pub fn from_body(body: &Value, created_by: &str) -> Result<Self, ApiError> {
        let obj = validate_body(CREATE_CUSTOMER, body)?;
        Ok(NewCustomer {
            email: text(&obj, "email"),
            company_name: text(&obj, "company_name"),
            first_name: text(&obj, "first_name"),
            last_name: text(&obj, "last_name"),
            phone: text(&obj, "phone"),
            metadata: obj.get("metadata").and_then(Value::as_object).cloned(),
            has_account: false,
            created_by: Some(created_by.to_string()),
        })
    }

    /// The text `q` searches (see `domain::search_text`).
    pub fn search_text(&self) -> String {
        super::search_text([
            self.company_name.as_deref(),
            self.first_name.as_deref(),
            self.last_name.as_deref(),
            self.email.as_deref(),
            self.phone.as_deref(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_body_is_a_valid_create() {
        let c = NewCustomer::from_body(&json!({}), "user_1").unwrap();
        assert_eq!(c.email, None);
        assert_eq!(c.created_by.as_deref(), Some("user_1"));
    }

    #[test]
    fn refused_fields_are_named() {
        let e = NewCustomer::from_body(&json!({"has_account": true}), "u").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid request: Unrecognized fields: 'has_account'"
        );
    }

    #[test]
    fn search_text_is_lowercased_and_skips_nulls() {
        let c = NewCustomer {
            first_name: Some("ÉMILE".into()),
            email: Some("E@X.io".into()),
            ..Default::default()
        };
        assert_eq!(c.search_text(), "émile e@x.io");
    }
}
