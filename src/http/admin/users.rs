//! `/admin/users/me`: who the request acts as.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::json;

use crate::domain::query::parse_selection;
use crate::domain::resource::USER;
use crate::error::ApiError;
use crate::http::actor::Actor;
use crate::http::{AppState, json_ok};
use crate::store::list;

/// `GET /admin/users/me`: `{user}` for a user; an API key is not a user (404).
pub async fn me(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let selection = parse_selection(&USER, query.as_deref())?;
    let user = list::get(&state.db, &USER, actor.id(), &selection, &[])
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("User with id: {} was not found", actor.id())))?;
    Ok(json_ok(&json!({ "user": user })))
}
