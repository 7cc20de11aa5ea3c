//! The HTTP layer: routes, and the middleware order in one function (`router`).

pub mod actor;
pub mod admin;
pub mod auth;
pub mod extract;
pub mod openapi;

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tracing::Instrument;

use crate::config::Config;
use crate::error::{ApiError, json_response};
use crate::store::Db;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<Config>,
    /// Verified API keys, so a key costs one scrypt run per process, not one per request.
    pub keys: Arc<crate::auth::api_key::KeyCache>,
}

/// `{<key>: rows, count, offset, limit}`: a list route's answer, for any resource, within `scope`.
/// The rows arrive as JSON text from the database and are copied into the body as they are.
pub async fn list_response(
    state: &AppState,
    resource: &'static crate::domain::resource::Resource,
    key: &'static str,
    query: Option<&str>,
    scope: &[crate::domain::query::Cond],
) -> Result<Response, ApiError> {
    let (params, page) = list_page(state, resource, query, scope).await?;
    let mut body = String::with_capacity(page.rows.len() + key.len() + 64);
    body.push_str("{\"");
    body.push_str(key);
    body.push_str("\":");
    body.push_str(&page.rows);
    body.push_str(&format!(
        ",\"count\":{},\"offset\":{},\"limit\":{}}}",
        page.count, params.offset, params.limit
    ));
    Ok(raw_json_ok(body))
}

/// The parsed query and the page it selects.
pub async fn list_page(
    state: &AppState,
    resource: &'static crate::domain::resource::Resource,
    query: Option<&str>,
    scope: &[crate::domain::query::Cond],
) -> Result<(crate::domain::query::ListParams, crate::store::list::Page), ApiError> {
    let params = crate::domain::query::parse_list(resource, query)?;
    let page = crate::store::list::list(&state.db, &params, scope).await?;
    Ok((params, page))
}

/// 200 with `{"<key>": <JSON text>}` as the body (a record rendered by the database).
pub fn wrapped_json_ok(key: &'static str, record: &str) -> Response {
    raw_json_ok(format!("{{\"{key}\":{record}}}"))
}

/// 200 with a body that is already JSON text.
pub fn raw_json_ok(body: String) -> Response {
    let mut resp = (StatusCode::OK, body).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

/// 200 with a JSON body.
pub fn json_ok(body: &serde_json::Value) -> Response {
    json_response(StatusCode::OK, body)
}

/// All routes and middleware. Outermost first: panic guard, request id + log line, CORS (before
/// auth, as Medusa, so preflights and 401s carry CORS headers), admin authentication, routes.
/// Trailing slashes are trimmed before routing by `Application` (Express ignores them).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/openapi.json", get(openapi_document))
        .route("/auth/user/{auth_provider}", post(auth::login))
        .route(
            "/auth/session",
            post(auth::create_session).delete(auth::delete_session),
        )
        .route("/auth/token/refresh", post(auth::refresh_token))
        .merge(admin::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            actor::require_admin,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), cors))
        .layer(middleware::from_fn(request_context))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            |_: Box<dyn std::any::Any + Send>| ApiError::Internal("handler panicked".into()).into_response(),
        ))
        .with_state(state)
}

/// `GET /health`: 200 `OK` without credentials, as Medusa.
async fn health() -> Response {
    let mut resp = "OK".into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    resp
}

/// `GET /openapi.json`: the API's OpenAPI document, without credentials.
async fn openapi_document() -> Response {
    static DOC: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    json_ok(DOC.get_or_init(openapi::document))
}

/// Unknown routes answer JSON (Medusa sends an HTML page).
async fn not_found(method: Method, uri: axum::http::Uri) -> Response {
    ApiError::NotFound(format!("Cannot {method} {}", uri.path())).into_response()
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> Response {
    ApiError::MethodNotAllowed(format!("Cannot {method} {}", uri.path())).into_response()
}

/// The request id (the client's `x-request-id` if sane, else a new one), a span carrying it,
/// the id echoed on the response, and one log line per request.
async fn request_context(req: Request, next: Next) -> Response {
    // A path that does not decode to text without NUL names nothing that can exist: answer it here,
    // in JSON, before any extractor (or database) sees it.
    let path_ok = percent_encoding::percent_decode_str(req.uri().path())
        .decode_utf8()
        .is_ok_and(|p| !p.contains('\0'));
    if !path_ok {
        return ApiError::NotFound(format!("Cannot {} {}", req.method(), req.uri().path())).into_response();
    }
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| crate::domain::new_id("req"));
    let span = tracing::info_span!(
        "request",
        request.id = %id,
        http.method = %req.method(),
        http.path = %req.uri().path(),
        actor.id = tracing::field::Empty,
    );
    let start = Instant::now();
    let mut resp = next.run(req).instrument(span.clone()).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    span.in_scope(|| {
        tracing::info!(
            http.status = resp.status().as_u16(),
            latency_us = start.elapsed().as_micros() as u64,
            "request"
        )
    });
    resp
}

fn origin_allowed(list: &[crate::config::Origin], origin: &str) -> bool {
    list.iter().any(|o| o.matches(origin))
}

/// CORS as Medusa configures it: `ADMIN_CORS` for `/admin`, `AUTH_CORS` for `/auth`; a listed
/// Origin is reflected with credentials; a preflight is answered 204 here.
async fn cors(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let list: &[crate::config::Origin] = if path.starts_with("/admin") {
        &state.config.admin_cors
    } else if path.starts_with("/auth") {
        &state.config.auth_cors
    } else {
        &[]
    };
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let allowed = origin
        .as_deref()
        .filter(|o| origin_allowed(list, o))
        .and_then(|o| HeaderValue::from_str(o).ok());
    let preflight =
        req.method() == Method::OPTIONS && req.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut resp = if preflight {
        let requested = req.headers().get(header::ACCESS_CONTROL_REQUEST_HEADERS).cloned();
        let mut resp = StatusCode::NO_CONTENT.into_response();
        let h = resp.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET,HEAD,PUT,PATCH,POST,DELETE"),
        );
        if let Some(requested) = requested {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, requested);
            h.append(
                header::VARY,
                HeaderValue::from_static("Access-Control-Request-Headers"),
            );
        }
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
        resp
    } else {
        next.run(req).await
    };
    if let Some(origin) = allowed {
        let h = resp.headers_mut();
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        h.insert(
            header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
            HeaderValue::from_static("true"),
        );
        h.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    resp
}
