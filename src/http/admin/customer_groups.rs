//! `/admin/customer-groups`: Medusa's customer group routes and group membership.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::json;

use crate::domain::customer::{Fields, GROUP_CREATE, GROUP_UPDATE, LINK_BODY};
use crate::domain::query::{Selection, parse_selection};
use crate::domain::resource::CUSTOMER_GROUP;
use crate::error::ApiError;
use crate::http::actor::Actor;
use crate::http::extract::Body;
use crate::http::{AppState, json_ok, list_response, wrapped_json_ok};
use crate::store::{Db, groups, list};

fn not_found_get(id: &str) -> ApiError {
    ApiError::NotFound(format!("Customer group with id: {id} not found"))
}

fn not_found_post(id: &str) -> ApiError {
    ApiError::NotFound(format!("Customer group with id \"{id}\" not found"))
}

async fn group_response(
    db: &Db,
    id: &str,
    selection: &Selection,
    missing: impl FnOnce() -> ApiError,
) -> Result<Response, ApiError> {
    let group = list::get_json(db, &CUSTOMER_GROUP, id, selection, &[])
        .await?
        .ok_or_else(missing)?;
    Ok(wrapped_json_ok("customer_group", &group))
}

/// `GET /admin/customer-groups`: `{customer_groups, count, offset, limit}`.
pub async fn list_groups(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    list_response(&state, &CUSTOMER_GROUP, "customer_groups", query.as_deref(), &[]).await
}

/// `POST /admin/customer-groups`: `{name, metadata?}`; a live group's name is a 400.
pub async fn create_group(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(GROUP_CREATE, &body)?;
    let selection = parse_selection(&CUSTOMER_GROUP, query.as_deref())?;
    let id = groups::create(&state.db, &fields, actor.id()).await?;
    tracing::info!(customer_group.id = %id, "customer group created");
    group_response(&state.db, &id, &selection, || not_found_get(&id)).await
}

/// `GET /admin/customer-groups/{id}`.
pub async fn get_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let selection = parse_selection(&CUSTOMER_GROUP, query.as_deref())?;
    group_response(&state.db, &id, &selection, || not_found_get(&id)).await
}

/// `POST /admin/customer-groups/{id}`: `{name?, metadata?}`.
pub async fn update_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(GROUP_UPDATE, &body)?;
    let selection = parse_selection(&CUSTOMER_GROUP, query.as_deref())?;
    if !groups::update(&state.db, &id, &fields).await? {
        return Err(not_found_post(&id));
    }
    group_response(&state.db, &id, &selection, || not_found_post(&id)).await
}

/// `DELETE /admin/customer-groups/{id}`: soft delete, members detached; idempotent.
pub async fn delete_group(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    groups::delete(&state.db, &id).await?;
    tracing::info!(customer_group.id = %id, "customer group deleted");
    Ok(json_ok(
        &json!({ "id": id, "object": "customer_group", "deleted": true }),
    ))
}

/// `POST /admin/customer-groups/{id}/customers`: `{add, remove}` customer ids, one transaction.
pub async fn link_customers(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let link = Fields::parse(LINK_BODY, &body)?;
    let selection = parse_selection(&CUSTOMER_GROUP, query.as_deref())?;
    groups::set_customers(
        &state.db,
        &id,
        &link.list("add"),
        &link.list("remove"),
        actor.id(),
    )
    .await?;
    group_response(&state.db, &id, &selection, || not_found_post(&id)).await
}
