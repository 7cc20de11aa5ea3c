//! `/admin/customers` and `/admin/customers/{id}`: Medusa's customer routes (CONTRACT.md §1.2, §2.3–2.9).

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::json;

use crate::domain::customer::{CUSTOMER_BODY, Fields, LINK_BODY};
use crate::domain::query::{Selection, parse_selection};
use crate::domain::resource::CUSTOMER;
use crate::error::ApiError;
use crate::http::actor::Actor;
use crate::http::extract::Body;
use crate::http::{AppState, json_ok, list_response, wrapped_json_ok};
use crate::store::{Db, customers, list};

/// The customer as the client asked to see it; `missing` is the 404 to answer when it is gone.
pub async fn customer_response(
    db: &Db,
    id: &str,
    selection: &Selection,
    missing: impl FnOnce() -> ApiError,
) -> Result<Response, ApiError> {
    let customer = list::get_json(db, &CUSTOMER, id, selection, &[])
        .await?
        .ok_or_else(missing)?;
    Ok(wrapped_json_ok("customer", &customer))
}

/// Medusa's 404 wording on GET (`Customer with id: X not found`).
pub fn not_found_get(id: &str) -> ApiError {
    ApiError::NotFound(format!("Customer with id: {id} not found"))
}

/// Medusa's 404 wording on POST (`Customer with id "X" not found`).
pub fn not_found_post(id: &str) -> ApiError {
    ApiError::NotFound(format!("Customer with id \"{id}\" not found"))
}

/// `GET /admin/customers`: `{customers, count, offset, limit}` with the shared query language.
/// Departs from Medusa where it answers 500 (bad `order`, dates, negative paging: 400 here), and
/// honours `expand` and several `order` fields.
pub async fn list_customers(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list_response(&state, &CUSTOMER, "customers", query.as_deref(), &[]).await
}

/// `POST /admin/customers`: 200 `{customer}`. The body is validated before the query, as Medusa
/// does; `created_by` is the acting user or API key; a duplicate `(email, has_account)` is a 400.
pub async fn create_customer(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(CUSTOMER_BODY, &body)?;
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    let id = customers::create(&state.db, &fields, actor.id()).await?;
    tracing::info!(customer.id = %id, "customer created");
    customer_response(&state.db, &id, &selection, || not_found_get(&id)).await
}

/// `GET /admin/customers/{id}`: 404 `Customer with id: X not found` when missing or deleted.
pub async fn get_customer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    customer_response(&state.db, &id, &selection, || not_found_get(&id)).await
}

/// `POST /admin/customers/{id}`: partial update; metadata merges as Medusa's does.
pub async fn update_customer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(CUSTOMER_BODY, &body)?;
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    if !customers::update(&state.db, &id, &fields).await? {
        return Err(not_found_post(&id));
    }
    tracing::info!(customer.id = %id, "customer updated");
    customer_response(&state.db, &id, &selection, || not_found_post(&id)).await
}

/// `DELETE /admin/customers/{id}`: soft delete, its addresses and memberships with it. Idempotent:
/// a missing id answers the same 200, as Medusa.
pub async fn delete_customer(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    customers::delete(&state.db, &id).await?;
    tracing::info!(customer.id = %id, "customer deleted");
    Ok(json_ok(
        &json!({ "id": id, "object": "customer", "deleted": true }),
    ))
}

/// `POST /admin/customers/{id}/customer-groups`: `{add, remove}` group ids, one transaction.
pub async fn link_groups(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let link = Fields::parse(LINK_BODY, &body)?;
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    customers::set_groups(
        &state.db,
        &id,
        &link.list("add"),
        &link.list("remove"),
        actor.id(),
    )
    .await?;
    customer_response(&state.db, &id, &selection, || not_found_post(&id)).await
}
