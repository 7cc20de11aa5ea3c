//! `/admin/api-keys`: Medusa's API key routes. A key's token is in the create response only.

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use serde_json::{Value, json};

use crate::domain::customer::{API_KEY_CREATE, API_KEY_REVOKE, API_KEY_UPDATE, Fields};
use crate::domain::query::{Selection, parse_selection};
use crate::domain::resource::API_KEY;
use crate::error::ApiError;
use crate::http::actor::Actor;
use crate::http::extract::Body;
use crate::http::{AppState, json_ok, list_page};
use crate::store::api_keys::{self, Deleted, Revoked};
use crate::store::{Db, list};

fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("API Key with id: {id} was not found"))
}

/// Whether the client gave `fields`.
fn fields_given(query: Option<&str>) -> Option<String> {
    let q = crate::domain::query::parse_query_object(query).ok()?;
    q.get("fields").and_then(|f| f.as_str().map(str::to_string))
}

/// Medusa's API keys belong to sales channels, which Clientele has none of: the relation is shown
/// empty wherever Medusa shows it (the default fields of a read, or when asked for).
fn with_sales_channels(mut key: serde_json::Map<String, Value>, query: Option<&str>) -> Value {
    if fields_given(query).is_none_or(|f| f.contains("sales_channels")) {
        key.insert("sales_channels".into(), json!([]));
    }
    Value::Object(key)
}

async fn key_response(
    db: &Db,
    id: &str,
    selection: &Selection,
    query: Option<&str>,
) -> Result<Response, ApiError> {
    let key = list::get(db, &API_KEY, id, selection, &[])
        .await?
        .ok_or_else(|| not_found(id))?;
    Ok(json_ok(&json!({ "api_key": with_sales_channels(key, query) })))
}

/// `GET /admin/api-keys`: `{api_keys, count, offset, limit}` (default limit 20).
pub async fn list_keys(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (params, page) = list_page(&state, &API_KEY, query.as_deref(), &[]).await?;
    let rows: Vec<serde_json::Map<String, Value>> =
        serde_json::from_str(&page.rows).map_err(ApiError::internal)?;
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|k| with_sales_channels(k, query.as_deref()))
        .collect();
    Ok(json_ok(&json!({
        "api_keys": rows,
        "count": page.count,
        "offset": params.offset,
        "limit": params.limit,
    })))
}

/// `POST /admin/api-keys`: `{title, type}`. The response carries the token, this once.
pub async fn create_key(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(API_KEY_CREATE, &body)?;
    let mut selection = parse_selection(&API_KEY, query.as_deref())?;
    if fields_given(query.as_deref()).is_none() {
        // Medusa's create answers with `deleted_at` and without `sales_channels`, unlike its reads
        selection = crate::domain::query::parse_fields(&API_KEY, Some("+deleted_at"));
    }
    let title = fields.text("title").unwrap_or_default();
    let kind = fields.text("type").unwrap_or("secret");
    let (id, token) = crate::create_api_key(&state.db, title, kind, actor.id())
        .await
        .map_err(ApiError::internal)?;
    tracing::info!(api_key.id = %id, api_key.kind = %kind, "api key created");
    let mut key = list::get(&state.db, &API_KEY, &id, &selection, &[])
        .await?
        .ok_or_else(|| not_found(&id))?;
    if key.contains_key("token") {
        key.insert("token".into(), Value::String(token));
    }
    Ok(json_ok(&json!({ "api_key": key })))
}

/// `GET /admin/api-keys/{id}`.
pub async fn get_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let selection = parse_selection(&API_KEY, query.as_deref())?;
    key_response(&state.db, &id, &selection, query.as_deref()).await
}

/// `POST /admin/api-keys/{id}`: `{title}`.
pub async fn update_key(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(API_KEY_UPDATE, &body)?;
    let selection = parse_selection(&API_KEY, query.as_deref())?;
    if !api_keys::update(&state.db, &id, &fields).await? {
        return Err(not_found(&id));
    }
    key_response(&state.db, &id, &selection, query.as_deref()).await
}

/// `POST /admin/api-keys/{id}/revoke`: `{revoke_in?}` seconds. Unknown id: 404 (Medusa: `200 {}`).
pub async fn revoke_key(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let fields = Fields::parse(API_KEY_REVOKE, &body)?;
    let selection = parse_selection(&API_KEY, query.as_deref())?;
    let revoke_in = fields.0.get("revoke_in").and_then(Value::as_f64).unwrap_or(0.0);
    match api_keys::revoke(&state.db, &id, revoke_in, actor.id()).await? {
        Revoked::Done => {}
        Revoked::Missing => return Err(not_found(&id)),
        Revoked::Already => {
            return Err(ApiError::InvalidData(
                "There are 1 secret keys that are already revoked.".into(),
            ));
        }
    }
    state.keys.forget(&id);
    tracing::info!(api_key.id = %id, "api key revoked");
    key_response(&state.db, &id, &selection, query.as_deref()).await
}

/// `DELETE /admin/api-keys/{id}`: only a revoked key (400 not_allowed otherwise).
pub async fn delete_key(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    if api_keys::delete(&state.db, &id).await? == Deleted::NotRevoked {
        return Err(ApiError::NotAllowed(format!(
            "Cannot delete api keys that are not revoked - {id}"
        )));
    }
    state.keys.forget(&id);
    Ok(json_ok(
        &json!({ "id": id, "object": "api_key", "deleted": true }),
    ))
}
