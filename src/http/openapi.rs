//! The OpenAPI 3.0 document served at `GET /openapi.json`, generated from the same allow-lists and
//! body schemas the server validates with, so that it cannot drift from what the server does.
//! Where it differs from Medusa's published YAML on purpose, `openapi/differences.json` says why.

use serde_json::{Map, Value, json};

use crate::domain::customer::{
    ADDRESS_BODY, API_KEY_CREATE, API_KEY_REVOKE, API_KEY_UPDATE, CUSTOMER_BODY, GROUP_CREATE, GROUP_UPDATE,
    LINK_BODY,
};
use crate::domain::resource::{
    ADDRESS, API_KEY, CUSTOMER, CUSTOMER_GROUP, ColKind, Column, FilterShape, Resource, USER,
};
use crate::domain::validate::{BodyField, FieldType};

/// Medusa's (zod's) e-mail rule, as a pattern a client can check before sending.
const EMAIL_PATTERN: &str =
    r"^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$";

fn column_schema(c: &Column) -> Value {
    let mut s = match c.kind {
        ColKind::Text => json!({"type": "string"}),
        ColKind::Bool => json!({"type": "boolean"}),
        ColKind::Json => json!({"type": "object", "additionalProperties": true}),
        ColKind::Time => json!({"type": "string", "format": "date-time"}),
    };
    if c.nullable {
        s["nullable"] = json!(true);
    }
    s
}

fn columns_schema(r: &Resource) -> Map<String, Value> {
    r.columns
        .iter()
        .map(|c| (c.name.to_string(), column_schema(c)))
        .collect()
}

/// A resource as responses show it: every column and relation may be left out by `fields`, except
/// `id`, which is always there at the top level.
fn resource_schema(r: &Resource) -> Value {
    let mut props = columns_schema(r);
    for rel in r.relations {
        // relation items carry only what `rel.field` selected: nothing is required there
        props.insert(
            rel.name.to_string(),
            json!({"type": "array", "items": {"type": "object", "properties": columns_schema(rel.target)}}),
        );
    }
    json!({"type": "object", "required": ["id"], "properties": props})
}

fn body_schema(fields: &[BodyField]) -> Value {
    let mut props = Map::new();
    let mut required = Vec::new();
    for f in fields {
        let s = match f.ty {
            FieldType::NullableString => json!({"type": "string", "nullable": true}),
            FieldType::String => json!({"type": "string"}),
            FieldType::NullableEmail => json!({"type": "string", "nullable": true, "pattern": EMAIL_PATTERN}),
            FieldType::NullableRecord => {
                json!({"type": "object", "nullable": true, "additionalProperties": true})
            }
            FieldType::Boolean => json!({"type": "boolean"}),
            FieldType::StringArray => json!({"type": "array", "items": {"type": "string"}}),
            FieldType::OneOf(values) => json!({"type": "string", "enum": values}),
            FieldType::NonNegativeNumber => json!({"type": "number", "minimum": 0}),
        };
        props.insert(f.name.to_string(), s);
        if f.required {
            required.push(f.name);
        }
    }
    let mut s = json!({"type": "object", "additionalProperties": false, "properties": props});
    if !required.is_empty() {
        s["required"] = json!(required);
    }
    s
}

fn query(name: &str, schema: Value, description: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema})
}

fn path_param(name: &str) -> Value {
    json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}})
}

fn string_or_list() -> Value {
    json!({"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]})
}

fn time_operators() -> Value {
    let t = json!({"type": "string", "format": "date-time"});
    let list = json!({"type": "array", "items": t.clone()});
    json!({"type": "object", "properties": {
        "$eq": t.clone(), "$ne": t.clone(), "$in": list.clone(), "$nin": list,
        "$gt": t.clone(), "$gte": t.clone(), "$lt": t.clone(), "$lte": t,
    }})
}

fn fields_param() -> Value {
    query(
        "fields",
        json!({"type": "string"}),
        "Comma-separated fields: without a modifier they replace the defaults; `+f`/`-f` add or remove; \
         `*relation` or `relation.*` adds a relation; `relation.field` one of its fields. `id` is always included.",
    )
}

fn expand_param(r: &Resource) -> Option<Value> {
    (!r.relations.is_empty()).then(|| {
        query(
            "expand",
            json!({"type": "string"}),
            &format!(
                "Comma-separated relations to include with all their fields: {}.",
                r.relations.iter().map(|x| x.name).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

/// The query parameters of a list route, from the resource's allow-lists.
fn list_params(r: &'static Resource) -> Vec<Value> {
    let mut params = vec![
        fields_param(),
        query(
            "offset",
            json!({"type": "integer", "minimum": 0}),
            "Rows to skip (default 0).",
        ),
        query(
            "limit",
            json!({"type": "integer", "minimum": 0}),
            &format!("Rows to return (default {}).", r.default_limit),
        ),
        query(
            "order",
            json!({"type": "string"}),
            &format!(
                "Comma-separated fields to order by, `-` for descending; ties break by id. One of: {}.",
                r.sortable.join(", ")
            ),
        ),
        query(
            "with_deleted",
            json!({"type": "boolean"}),
            "Accepted for Medusa's clients; deleted rows never appear.",
        ),
    ];
    params.extend(expand_param(r));
    if r.searchable {
        params.push(query(
            "q",
            json!({"type": "string"}),
            "Search: every whitespace-separated term must occur (case-insensitively, literally) in a searchable field.",
        ));
    }
    for f in r.filters {
        let (schema, style) = match f.shape {
            FilterShape::TextOrList | FilterShape::TextOps | FilterShape::Related(_) => {
                (string_or_list(), None)
            }
            FilterShape::Flag => (json!({"type": "boolean"}), None),
            FilterShape::TimeOps => (time_operators(), Some("deepObject")),
        };
        let mut p = query(f.name, schema, &format!("Filter by {}.", f.name));
        if let Some(style) = style {
            p["style"] = json!(style);
            p["explode"] = json!(true);
        }
        params.push(p);
    }
    if r.boolean_ops {
        for op in ["$and", "$or"] {
            params.push(query(
                op,
                json!({"type": "array", "items": {"type": "object"}}),
                "Conditions joined by AND / OR, each an object of the filters above (qs syntax: `$or[0][email]=a`).",
            ));
        }
    }
    params
}

fn error_responses(codes: &[&str]) -> Map<String, Value> {
    codes
        .iter()
        .map(|c| {
            let description = match *c {
                "400" => "Invalid request (Medusa's `invalid_data` or `not_allowed`).",
                "401" => "No valid credentials.",
                "404" => "Not found.",
                "413" => "The body is larger than 1 MiB.",
                "429" => "Too many failed logins; see Retry-After.",
                _ => "Error.",
            };
            (
                c.to_string(),
                json!({"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}),
            )
        })
        .collect()
}

fn ok(schema: Value) -> Value {
    json!({"description": "OK", "content": {"application/json": {"schema": schema}}})
}

fn named(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

struct Route {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    tag: &'static str,
    summary: &'static str,
    params: Vec<Value>,
    body: Option<Value>,
    response: Value,
    errors: &'static [&'static str],
    secured: bool,
}

fn envelope(key: &str, schema: &str) -> Value {
    json!({"type": "object", "required": [key], "properties": {key: named(schema)}})
}

fn page(key: &str, schema: &str) -> Value {
    json!({"type": "object", "required": [key, "count", "offset", "limit"], "properties": {
        key: {"type": "array", "items": named(schema)},
        "count": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"},
    }})
}

fn deleted(object: &str, parent: Option<&str>) -> Value {
    let mut s = json!({"type": "object", "required": ["id", "object", "deleted"], "properties": {
        "id": {"type": "string"}, "object": {"type": "string", "enum": [object]}, "deleted": {"type": "boolean"},
    }});
    if let Some(p) = parent {
        s["properties"]["parent"] = json!({"allOf": [named(p)], "nullable": true});
    }
    s
}

fn routes() -> Vec<Route> {
    let id = || path_param("id");
    let one = |r: &'static Resource, mut v: Vec<Value>| {
        v.push(fields_param());
        v.extend(expand_param(r));
        v
    };
    let admin_errors: &'static [&'static str] = &["400", "401", "404"];
    let write_errors: &'static [&'static str] = &["400", "401", "404", "413"];
    let r = |method, path, id, tag, summary, params, body, response, errors| Route {
        method,
        path,
        id,
        tag,
        summary,
        params,
        body,
        response,
        errors,
        secured: true,
    };
    vec![
        r(
            "get",
            "/admin/customers",
            "GetCustomers",
            "Customers",
            "List customers",
            list_params(&CUSTOMER),
            None,
            page("customers", "AdminCustomer"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customers",
            "PostCustomers",
            "Customers",
            "Create a customer",
            one(&CUSTOMER, vec![]),
            Some(body_schema(CUSTOMER_BODY)),
            envelope("customer", "AdminCustomer"),
            write_errors,
        ),
        r(
            "get",
            "/admin/customers/{id}",
            "GetCustomersId",
            "Customers",
            "Get a customer",
            one(&CUSTOMER, vec![id()]),
            None,
            envelope("customer", "AdminCustomer"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customers/{id}",
            "PostCustomersId",
            "Customers",
            "Update a customer",
            one(&CUSTOMER, vec![id()]),
            Some(body_schema(CUSTOMER_BODY)),
            envelope("customer", "AdminCustomer"),
            write_errors,
        ),
        r(
            "delete",
            "/admin/customers/{id}",
            "DeleteCustomersId",
            "Customers",
            "Delete a customer (idempotent)",
            vec![id()],
            None,
            deleted("customer", None),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customers/{id}/customer-groups",
            "PostCustomersIdCustomerGroups",
            "Customers",
            "Add or remove a customer's groups",
            one(&CUSTOMER, vec![id()]),
            Some(body_schema(LINK_BODY)),
            envelope("customer", "AdminCustomer"),
            write_errors,
        ),
        r(
            "get",
            "/admin/customers/{id}/addresses",
            "GetCustomersIdAddresses",
            "Customers",
            "List a customer's addresses",
            {
                let mut v = vec![id()];
                v.extend(list_params(&ADDRESS));
                v
            },
            None,
            page("addresses", "AdminCustomerAddress"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customers/{id}/addresses",
            "PostCustomersIdAddresses",
            "Customers",
            "Add an address (returns the customer)",
            one(&CUSTOMER, vec![id()]),
            Some(body_schema(ADDRESS_BODY)),
            envelope("customer", "AdminCustomer"),
            write_errors,
        ),
        r(
            "get",
            "/admin/customers/{id}/addresses/{address_id}",
            "GetCustomersIdAddressesAddress_id",
            "Customers",
            "Get one of a customer's addresses",
            one(&ADDRESS, vec![id(), path_param("address_id")]),
            None,
            envelope("address", "AdminCustomerAddress"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customers/{id}/addresses/{address_id}",
            "PostCustomersIdAddressesAddress_id",
            "Customers",
            "Update an address (returns the customer)",
            one(&CUSTOMER, vec![id(), path_param("address_id")]),
            Some(body_schema(ADDRESS_BODY)),
            envelope("customer", "AdminCustomer"),
            write_errors,
        ),
        r(
            "delete",
            "/admin/customers/{id}/addresses/{address_id}",
            "DeleteCustomersIdAddressesAddress_id",
            "Customers",
            "Delete an address",
            one(&CUSTOMER, vec![id(), path_param("address_id")]),
            None,
            deleted("customer_address", Some("AdminCustomer")),
            admin_errors,
        ),
        r(
            "get",
            "/admin/customer-groups",
            "GetCustomerGroups",
            "Customer Groups",
            "List customer groups",
            list_params(&CUSTOMER_GROUP),
            None,
            page("customer_groups", "AdminCustomerGroup"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customer-groups",
            "PostCustomerGroups",
            "Customer Groups",
            "Create a customer group",
            one(&CUSTOMER_GROUP, vec![]),
            Some(body_schema(GROUP_CREATE)),
            envelope("customer_group", "AdminCustomerGroup"),
            write_errors,
        ),
        r(
            "get",
            "/admin/customer-groups/{id}",
            "GetCustomerGroupsId",
            "Customer Groups",
            "Get a customer group",
            one(&CUSTOMER_GROUP, vec![id()]),
            None,
            envelope("customer_group", "AdminCustomerGroup"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customer-groups/{id}",
            "PostCustomerGroupsId",
            "Customer Groups",
            "Update a customer group",
            one(&CUSTOMER_GROUP, vec![id()]),
            Some(body_schema(GROUP_UPDATE)),
            envelope("customer_group", "AdminCustomerGroup"),
            write_errors,
        ),
        r(
            "delete",
            "/admin/customer-groups/{id}",
            "DeleteCustomerGroupsId",
            "Customer Groups",
            "Delete a customer group (idempotent)",
            vec![id()],
            None,
            deleted("customer_group", None),
            admin_errors,
        ),
        r(
            "post",
            "/admin/customer-groups/{id}/customers",
            "PostCustomerGroupsIdCustomers",
            "Customer Groups",
            "Add or remove a group's customers",
            one(&CUSTOMER_GROUP, vec![id()]),
            Some(body_schema(LINK_BODY)),
            envelope("customer_group", "AdminCustomerGroup"),
            write_errors,
        ),
        r(
            "get",
            "/admin/api-keys",
            "GetApiKeys",
            "Api Keys",
            "List API keys",
            list_params(&API_KEY),
            None,
            page("api_keys", "AdminApiKey"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/api-keys",
            "PostApiKeys",
            "Api Keys",
            "Create an API key (its token is shown this once)",
            one(&API_KEY, vec![]),
            Some(body_schema(API_KEY_CREATE)),
            envelope("api_key", "AdminApiKey"),
            write_errors,
        ),
        r(
            "get",
            "/admin/api-keys/{id}",
            "GetApiKeysId",
            "Api Keys",
            "Get an API key",
            one(&API_KEY, vec![id()]),
            None,
            envelope("api_key", "AdminApiKey"),
            admin_errors,
        ),
        r(
            "post",
            "/admin/api-keys/{id}",
            "PostApiKeysId",
            "Api Keys",
            "Update an API key",
            one(&API_KEY, vec![id()]),
            Some(body_schema(API_KEY_UPDATE)),
            envelope("api_key", "AdminApiKey"),
            write_errors,
        ),
        r(
            "delete",
            "/admin/api-keys/{id}",
            "DeleteApiKeysId",
            "Api Keys",
            "Delete a revoked API key",
            vec![id()],
            None,
            deleted("api_key", None),
            admin_errors,
        ),
        r(
            "post",
            "/admin/api-keys/{id}/revoke",
            "PostApiKeysIdRevoke",
            "Api Keys",
            "Revoke an API key",
            one(&API_KEY, vec![id()]),
            Some(body_schema(API_KEY_REVOKE)),
            envelope("api_key", "AdminApiKey"),
            write_errors,
        ),
        r(
            "get",
            "/admin/users/me",
            "GetUsersMe",
            "Users",
            "The acting user",
            one(&USER, vec![]),
            None,
            envelope("user", "AdminUser"),
            admin_errors,
        ),
        Route {
            method: "post",
            path: "/auth/user/{auth_provider}",
            id: "PostActor_typeAuth_provider",
            tag: "Auth",
            summary: "Log in with email and password (`emailpass`)",
            params: vec![path_param("auth_provider")],
            body: Some(
                json!({"type": "object", "properties": {"email": {"type": "string"}, "password": {"type": "string"}}}),
            ),
            response: json!({"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}),
            errors: &["400", "401", "413", "429"],
            secured: false,
        },
        Route {
            method: "post",
            path: "/auth/session",
            id: "PostSession",
            tag: "Auth",
            summary: "Turn a bearer JWT into a cookie session (`connect.sid`)",
            params: vec![],
            body: None,
            response: json!({"type": "object", "required": ["user"], "properties": {"user": {
                "type": "object",
                "description": "The claims of the token the session was made from.",
                "properties": {
                    "actor_id": {"type": "string"}, "actor_type": {"type": "string"},
                    "auth_identity_id": {"type": "string"}, "auth_provider": {"type": "string"},
                    "app_metadata": {"type": "object"}, "user_metadata": {"type": "object"},
                    "iat": {"type": "number"}, "exp": {"type": "number"},
                },
            }}}),
            errors: &["401"],
            secured: true,
        },
        Route {
            method: "delete",
            path: "/auth/session",
            id: "DeleteSession",
            tag: "Auth",
            summary: "End the cookie session",
            params: vec![],
            body: None,
            response: json!({"type": "object", "required": ["success"], "properties": {"success": {"type": "boolean"}}}),
            errors: &[],
            secured: false,
        },
        Route {
            method: "post",
            path: "/auth/token/refresh",
            id: "PostAdminAuthTokenRefresh",
            tag: "Auth",
            summary: "A fresh token for the bearer or session user",
            params: vec![],
            body: None,
            response: json!({"type": "object", "required": ["token"], "properties": {"token": {"type": "string"}}}),
            errors: &["401"],
            secured: true,
        },
    ]
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for route in routes() {
        let mut op = json!({
            "operationId": route.id,
            "tags": [route.tag],
            "summary": route.summary,
            "parameters": route.params,
            "responses": {},
        });
        op["responses"]["200"] = ok(route.response);
        for (code, resp) in error_responses(route.errors) {
            op["responses"][code] = resp;
        }
        if let Some(body) = route.body {
            op["requestBody"] = json!({"required": false, "content": {
                "application/json": {"schema": body.clone()},
                "application/x-www-form-urlencoded": {"schema": body},
            }});
        }
        if route.secured {
            op["security"] = json!([{"api_token": []}, {"cookie_auth": []}, {"jwt_token": []}]);
        } else {
            op["security"] = json!([]);
        }
        let entry = paths.entry(route.path.to_string()).or_insert_with(|| json!({}));
        entry[route.method] = op;
    }
    paths.insert(
        "/health".into(),
        json!({"get": {"operationId": "GetHealth", "summary": "Liveness: `OK` without credentials", "security": [],
            "responses": {"200": {"description": "OK", "content": {"text/html": {"schema": {"type": "string"}}}}}}}),
    );
    let mut api_key_schema = resource_schema(&API_KEY);
    // Medusa's keys belong to sales channels; Clientele has none, and shows the relation empty
    api_key_schema["properties"]["sales_channels"] = json!({"type": "array", "items": {"type": "object"}});
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Clientele: Medusa v2 Admin customer API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Wire-compatible with Medusa 2.21's admin customer, customer group, API key and auth routes.",
        },
        "servers": [{"url": "http://127.0.0.1:9000"}],
        "tags": [{"name": "Auth"}, {"name": "Customers"}, {"name": "Customer Groups"}, {"name": "Api Keys"}, {"name": "Users"}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "api_token": {"type": "http", "scheme": "basic", "description": "A secret API key as the Basic user name: `Authorization: Basic base64(sk_...:)`."},
                "cookie_auth": {"type": "apiKey", "in": "cookie", "name": "connect.sid"},
                "jwt_token": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["message"], "properties": {"type": {"type": "string"}, "message": {"type": "string"}, "code": {"type": "string"}}},
                "AdminCustomer": resource_schema(&CUSTOMER),
                "AdminCustomerAddress": resource_schema(&ADDRESS),
                "AdminCustomerGroup": resource_schema(&CUSTOMER_GROUP),
                "AdminApiKey": api_key_schema,
                "AdminUser": resource_schema(&USER),
            },
        },
    })
}
