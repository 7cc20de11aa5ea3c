//! `/admin/customers/{id}/addresses`: a customer's addresses. Every route acts only on that
//! customer's own addresses, and only while the customer exists (Medusa answers `200 {}` for a
//! missing address and lets another customer's through; this answers 404).

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::json;

use super::customers::{customer_response, not_found_post};
use crate::domain::customer::{ADDRESS_BODY, Fields};
use crate::domain::query::{CmpOp, Cond, Scalar, parse_selection};
use crate::domain::resource::{ADDRESS, CUSTOMER};
use crate::error::ApiError;
use crate::http::extract::Body;
use crate::http::{AppState, json_ok, list_response, wrapped_json_ok};
use crate::store::{addresses, list};

/// Rows of this customer only.
fn owned_by(customer_id: &str) -> Vec<Cond> {
    let column = ADDRESS.column("customer_id").map(|column| Cond::Cmp {
        column,
        op: CmpOp::Eq,
        value: Scalar::Text(customer_id.to_string()),
    });
    column.into_iter().collect()
}

fn address_not_found(address_id: &str) -> ApiError {
    ApiError::NotFound(format!("Customer address with id: {address_id} not found"))
}

/// `GET /admin/customers/{id}/addresses`: `{addresses, count, offset, limit}`.
pub async fn list_addresses(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list_response(&state, &ADDRESS, "addresses", query.as_deref(), &owned_by(&id)).await
}

/// `POST /admin/customers/{id}/addresses`: returns the customer, as Medusa does.
pub async fn create_address(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(ADDRESS_BODY, &body)?;
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    let address_id = addresses::create(&state.db, &id, &fields).await?;
    tracing::info!(customer.id = %id, address.id = %address_id, "address created");
    customer_response(&state.db, &id, &selection, || not_found_post(&id)).await
}

/// `GET /admin/customers/{id}/addresses/{address_id}`: `{address}`, or 404.
pub async fn get_address(
    State(state): State<AppState>,
    Path((id, address_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let selection = parse_selection(&ADDRESS, query.as_deref())?;
    let address = list::get_json(&state.db, &ADDRESS, &address_id, &selection, &owned_by(&id))
        .await?
        .ok_or_else(|| address_not_found(&address_id))?;
    Ok(wrapped_json_ok("address", &address))
}

/// `POST /admin/customers/{id}/addresses/{address_id}`: returns the customer.
pub async fn update_address(
    State(state): State<AppState>,
    Path((id, address_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(ADDRESS_BODY, &body)?;
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    if !addresses::update(&state.db, &id, &address_id, &fields).await? {
        return Err(address_not_found(&address_id));
    }
    customer_response(&state.db, &id, &selection, || not_found_post(&id)).await
}

/// `DELETE /admin/customers/{id}/addresses/{address_id}`: hard delete;
/// `{id, object: "customer_address", deleted: true, parent: <customer>}`.
pub async fn delete_address(
    State(state): State<AppState>,
    Path((id, address_id)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    if !addresses::delete(&state.db, &id, &address_id).await? {
        return Err(address_not_found(&address_id));
    }
    let parent = list::get(&state.db, &CUSTOMER, &id, &selection, &[]).await?;
    Ok(json_ok(&json!({
        "id": address_id,
        "object": "customer_address",
        "deleted": true,
        "parent": parent,
    })))
}
