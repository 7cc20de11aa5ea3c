//! Customer, address, group and membership bodies (CONTRACT.md §2.8), validated into `Fields`.

use serde_json::{Map, Value};

use super::validate::{BodyField, FieldType, validate_body};
use crate::error::ApiError;

/// Body fields that passed a schema: known keys only, right types, `additional_data` dropped
/// (accepted, never stored, as Medusa).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields(pub Map<String, Value>);

impl Fields {
    pub fn parse(schema: &[BodyField], body: &Value) -> Result<Self, ApiError> {
        let mut map = validate_body(schema, body)?;
        map.shift_remove("additional_data");
        Ok(Fields(map))
    }

    pub fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(Value::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.0.get(key).and_then(Value::as_bool).unwrap_or(false)
    }

    /// A string list (`add`, `remove`), empty when absent.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.0
            .get(key)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    }
}

/// `AdminCreateCustomer` and `AdminUpdateCustomer`: every field optional and nullable.
pub const CUSTOMER_BODY: &[BodyField] = &[
    BodyField::optional("email", FieldType::NullableEmail),
    BodyField::optional("company_name", FieldType::NullableString),
    BodyField::optional("first_name", FieldType::NullableString),
    BodyField::optional("last_name", FieldType::NullableString),
    BodyField::optional("phone", FieldType::NullableString),
    BodyField::optional("metadata", FieldType::NullableRecord),
    BodyField::optional("additional_data", FieldType::NullableRecord),
];
/// The customer columns `q` searches.
pub const CUSTOMER_SEARCH: &[&str] = &["company_name", "first_name", "last_name", "email", "phone"];

/// `AdminCreateCustomerAddress`, also the update body.
pub const ADDRESS_BODY: &[BodyField] = &[
    BodyField::optional("address_name", FieldType::NullableString),
    BodyField::optional("is_default_shipping", FieldType::Boolean),
    BodyField::optional("is_default_billing", FieldType::Boolean),
    BodyField::optional("company", FieldType::NullableString),
    BodyField::optional("first_name", FieldType::NullableString),
    BodyField::optional("last_name", FieldType::NullableString),
    BodyField::optional("address_1", FieldType::NullableString),
    BodyField::optional("address_2", FieldType::NullableString),
    BodyField::optional("city", FieldType::NullableString),
    BodyField::optional("country_code", FieldType::NullableString),
    BodyField::optional("province", FieldType::NullableString),
    BodyField::optional("postal_code", FieldType::NullableString),
    BodyField::optional("phone", FieldType::NullableString),
    BodyField::optional("metadata", FieldType::NullableRecord),
    BodyField::optional("additional_data", FieldType::NullableRecord),
];
pub const ADDRESS_SEARCH: &[&str] = &[
    "address_name",
    "company",
    "first_name",
    "last_name",
    "address_1",
    "address_2",
    "city",
    "province",
    "postal_code",
];

pub const GROUP_CREATE: &[BodyField] = &[
    BodyField::required("name", FieldType::String),
    BodyField::optional("metadata", FieldType::NullableRecord),
];
pub const GROUP_UPDATE: &[BodyField] = &[
    BodyField::optional("name", FieldType::String),
    BodyField::optional("metadata", FieldType::NullableRecord),
];
pub const GROUP_SEARCH: &[&str] = &["name"];

/// `AdminCreateApiKey`.
pub const API_KEY_CREATE: &[BodyField] = &[
    BodyField::required("title", FieldType::String),
    BodyField::required("type", FieldType::OneOf(&["publishable", "secret"])),
];
/// `AdminUpdateApiKey`.
pub const API_KEY_UPDATE: &[BodyField] = &[BodyField::required("title", FieldType::String)];
/// `AdminRevokeApiKey`: seconds from now.
pub const API_KEY_REVOKE: &[BodyField] = &[BodyField::optional("revoke_in", FieldType::NonNegativeNumber)];
pub const API_KEY_SEARCH: &[&str] = &["title", "redacted"];

/// `{add?: string[], remove?: string[]}`.
pub const LINK_BODY: &[BodyField] = &[
    BodyField::optional("add", FieldType::StringArray),
    BodyField::optional("remove", FieldType::StringArray),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_body_is_a_valid_create_and_additional_data_is_dropped() {
        let f = Fields::parse(CUSTOMER_BODY, &json!({"additional_data": {"x": 1}})).unwrap();
        assert!(f.0.is_empty());
    }

    #[test]
    fn refused_fields_are_named() {
        let e = Fields::parse(CUSTOMER_BODY, &json!({"has_account": true})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid request: Unrecognized fields: 'has_account'"
        );
        let e = Fields::parse(ADDRESS_BODY, &json!({"is_default_shipping": "yes"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid request: Expected type: 'boolean' for field 'is_default_shipping', got: 'yes'"
        );
        let e = Fields::parse(GROUP_CREATE, &json!({})).unwrap_err();
        assert_eq!(e.to_string(), "Invalid request: Field 'name' is required");
        let e = Fields::parse(LINK_BODY, &json!({"add": ["a", 1]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid request: Expected type: 'string' for field 'add, 1', got: '1'"
        );
    }
}
