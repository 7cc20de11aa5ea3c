//! Who is acting: resolved once per `/admin` request by `require_admin`, read by handlers through
//! the `Actor` extractor. Medusa's order is secret API key, then session, then bearer JWT
//! (CONTRACT.md §5.1); each way in is one function here.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::AppState;
use crate::auth::{api_key, jwt, session};
use crate::error::ApiError;
use crate::store::{api_keys, sessions};

/// The authenticated principal of a request.
#[derive(Clone, Debug)]
pub enum Actor {
    /// A user, by JWT (or session): the verified claims are kept.
    User { id: String, claims: Value },
    /// A secret API key, by its id.
    ApiKey { id: String },
}

impl Actor {
    /// The id recorded as `created_by`.
    pub fn id(&self) -> &str {
        match self {
            Actor::User { id, .. } | Actor::ApiKey { id } => id,
        }
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

const SECRET_AS_BEARER: &str = "A secret API key was passed as a Bearer token. Secret API keys must be sent using HTTP Basic authentication instead (Authorization: Basic <secret-api-key>).";

pub fn now_secs() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// `Authorization: <scheme> <credentials>` split as Medusa's `^\S+\s+\S+` does.
fn authorization(headers: &HeaderMap) -> Option<(String, &str)> {
    let raw = headers.get(AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, rest) = raw.split_once(char::is_whitespace)?;
    let credentials = rest.trim();
    (!credentials.is_empty() && !credentials.contains(char::is_whitespace))
        .then(|| (scheme.to_ascii_lowercase(), credentials))
}

/// A user from a bearer JWT: valid HS256 signature, not expired, actor type `user`, an actor id.
pub fn user_from_jwt(token: &str, secret: &[u8]) -> Option<Actor> {
    let claims = jwt::verify(token, secret, now_secs())?;
    if claims.get("actor_type").and_then(Value::as_str) != Some("user") {
        return None;
    }
    let id = claims
        .get("actor_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())?
        .to_string();
    Some(Actor::User { id, claims })
}

/// The user of a live session cookie, if the cookie's signature holds.
pub async fn user_from_session(state: &AppState, headers: &HeaderMap) -> Result<Option<Actor>, ApiError> {
    let Some(raw) = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session::from_cookie_header)
    else {
        return Ok(None);
    };
    let Some(sid) = session::unsign(raw, state.config.cookie_secret.as_bytes()) else {
        return Ok(None);
    };
    let Some(claims) = sessions::find(&state.db, &session::sid_hash(&sid)).await? else {
        return Ok(None);
    };
    if claims.get("actor_type").and_then(Value::as_str) != Some("user") {
        return Ok(None);
    }
    let Some(id) = claims
        .get("actor_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    Ok(Some(Actor::User {
        id: id.to_string(),
        claims,
    }))
}

/// A live secret API key from `Authorization: Basic`. The scrypt check runs once per token per
/// process; revocation is re-read at most `STATUS_TTL` later, so it holds on every process.
async fn key_from_basic(state: &AppState, credentials: &str) -> Result<Option<Actor>, ApiError> {
    let Some(token) = api_key::from_basic(credentials) else {
        return Ok(None);
    };
    let digest = api_key::digest(&token);
    let key_id = match state.keys.verified_key(&digest) {
        Some(id) => id,
        None => {
            let candidates = api_keys::candidates(&state.db, &api_key::redact(&token)).await?;
            if candidates.is_empty() {
                return Ok(None);
            }
            let found = tokio::task::spawn_blocking(move || {
                candidates
                    .into_iter()
                    .find(|c| api_key::verify(&token, &c.salt, &c.token_hash))
                    .map(|c| c.id)
            })
            .await
            .map_err(ApiError::internal)?;
            let Some(id) = found else { return Ok(None) };
            state.keys.remember_verified(digest, &id);
            id
        }
    };
    let status = match state.keys.fresh_status(&key_id) {
        Some(s) => s,
        None => {
            let Some((revoked_at, deleted)) = api_keys::status(&state.db, &key_id).await? else {
                return Ok(None);
            };
            let s = api_key::Status {
                revoked_at,
                deleted,
                read_at: std::time::Instant::now(),
            };
            state.keys.remember_status(&key_id, s);
            s
        }
    };
    if !status.live(time::OffsetDateTime::now_utc()) {
        return Ok(None);
    }
    if state.keys.should_touch(&key_id) {
        api_keys::touch(&state.db, &key_id).await?;
    }
    Ok(Some(Actor::ApiKey { id: key_id }))
}

/// Medusa's order: secret API key, then session cookie, then bearer JWT; the first that holds wins.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Actor, ApiError> {
    if let Some((scheme, credentials)) = authorization(headers)
        && scheme == "basic"
        && let Some(actor) = key_from_basic(state, credentials).await?
    {
        return Ok(actor);
    }
    if let Some(actor) = user_from_session(state, headers).await? {
        return Ok(actor);
    }
    match authorization(headers) {
        Some((scheme, token)) if scheme == "bearer" => {
            if token.starts_with("sk_") {
                return Err(ApiError::UnauthorizedWith(SECRET_AS_BEARER.into()));
            }
            user_from_jwt(token, state.config.jwt_secret.as_bytes()).ok_or(ApiError::Unauthorized)
        }
        _ => Err(ApiError::Unauthorized),
    }
}

/// Middleware for every `/admin` path, matched or not: no valid credentials, no entry (401).
pub async fn require_admin(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/admin") {
        return next.run(req).await;
    }
    match authenticate(&state, req.headers()).await {
        Ok(actor) => {
            tracing::Span::current().record("actor.id", actor.id());
            req.extensions_mut().insert(actor);
            next.run(req).await
        }
        Err(e) => e.into_response(),
    }
}
