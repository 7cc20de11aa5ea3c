//! `/auth`: logging in with email and password.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::actor::now_secs;
use super::extract::Body;
use super::{AppState, json_ok};
use crate::auth::{jwt, password, session};
use crate::error::ApiError;
use crate::store::{sessions, throttle, users};

const INVALID: &str = "Invalid email or password";

/// `POST /auth/user/{provider}`: Medusa's emailpass login. 200 `{token}`, an HS256 JWT valid 24 h;
/// a wrong email or password is the same 401, in the same time (unknown emails check a decoy hash).
pub async fn login(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Body(body): Body,
) -> Result<Response, ApiError> {
    if provider != "emailpass" {
        return Err(ApiError::NotAllowed(format!(
            "The actor type user is not allowed to use the auth provider {provider}"
        )));
    }
    let email = match body.get("email") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(ApiError::LoginFailed("Email should be a string".into())),
    };
    let password_given = match body.get("password") {
        Some(Value::String(s)) => s.clone(),
        _ => return Err(ApiError::LoginFailed("Password should be a string".into())),
    };
    // Too many failures for this email or from this address: refused before any scrypt run.
    let limits = &state.config.login_limits;
    let window = time::Duration::seconds(limits.window_seconds.max(1));
    let email_key = format!("email:{}", crate::auth::sha256_hex(&email));
    let address_key = format!("addr:{}", peer.ip());
    let keys = [
        (email_key.as_str(), limits.per_email),
        (address_key.as_str(), limits.per_address),
    ];
    if let Some(wait) = throttle::blocked_for(&state.db, &keys, window).await? {
        tracing::warn!(retry_after = wait, "login refused: too many failures");
        return Err(ApiError::TooManyAttempts(wait));
    }
    let identity = users::find_identity(&state.db, &email).await?;
    let stored = identity.as_ref().map(|i| i.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || {
        let hash = stored.as_deref().unwrap_or_else(|| password::decoy_hash());
        password::verify(&password_given, hash)
    })
    .await
    .map_err(ApiError::internal)?;
    match identity {
        Some(identity) if ok => {
            throttle::clear(&state.db, &email_key).await?;
            let claims = jwt::user_claims(&identity.user_id, &identity.auth_identity_id, now_secs());
            let token = jwt::sign(&claims, state.config.jwt_secret.as_bytes());
            tracing::info!(user.id = %identity.user_id, "login");
            Ok(json_ok(&json!({ "token": token })))
        }
        _ => {
            throttle::record_failure(&state.db, &[&email_key, &address_key], window).await?;
            tracing::info!("login refused");
            Err(ApiError::LoginFailed(INVALID.into()))
        }
    }
}

/// `POST /auth/session`: turns a bearer JWT (any actor type, as Medusa) into a cookie session.
/// 200 `{user: <claims>}` and `Set-Cookie: connect.sid=...`, HttpOnly, 10 h.
pub async fn create_session(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(char::is_whitespace))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim())
        .ok_or(ApiError::Unauthorized)?;
    let claims =
        jwt::verify(token, state.config.jwt_secret.as_bytes(), now_secs()).ok_or(ApiError::Unauthorized)?;
    let sid = session::new_sid().map_err(ApiError::internal)?;
    let expires = time::OffsetDateTime::now_utc() + time::Duration::seconds(session::TTL_SECONDS);
    sessions::create(&state.db, &session::sid_hash(&sid), &claims, expires).await?;
    let mut cookie = format!(
        "{}={}; Path=/; Expires={}; HttpOnly",
        session::COOKIE_NAME,
        session::cookie_value(&sid, state.config.cookie_secret.as_bytes()),
        http_date(expires)
    );
    if state.config.production {
        cookie.push_str("; Secure; SameSite=Lax");
    }
    let mut resp = json_ok(&json!({ "user": claims }));
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(ApiError::internal)?,
    );
    Ok(resp)
}

/// `DELETE /auth/session`: ends the session on every process and clears the cookie.
pub async fn delete_session(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let sid = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(session::from_cookie_header)
        .and_then(|raw| session::unsign(raw, state.config.cookie_secret.as_bytes()));
    if let Some(sid) = sid {
        sessions::delete(&state.db, &session::sid_hash(&sid)).await?;
    }
    let mut resp = json_ok(&json!({ "success": true }));
    let clear = format!(
        "{}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly",
        session::COOKIE_NAME
    );
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&clear).map_err(ApiError::internal)?,
    );
    Ok(resp)
}

/// `Thu, 04 Dec 2026 03:00:00 GMT`, the cookie `Expires` format.
fn http_date(t: time::OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.checked_to_offset(time::UtcOffset::UTC)
        .unwrap_or(t)
        .format(&fmt)
        .unwrap_or_default()
}

/// `POST /auth/token/refresh`: a new token for the bearer or session user, same claims, new expiry.
pub async fn refresh_token(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(char::is_whitespace))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .and_then(|(_, t)| jwt::verify(t.trim(), state.config.jwt_secret.as_bytes(), now_secs()));
    let claims = match bearer {
        Some(claims) => claims,
        None => match super::actor::user_from_session(&state, &headers).await? {
            Some(super::actor::Actor::User { claims, .. }) => claims,
            _ => return Err(ApiError::Unauthorized),
        },
    };
    let mut claims = claims;
    let now = now_secs();
    if let Some(obj) = claims.as_object_mut() {
        obj.insert("iat".into(), json!(now));
        obj.insert("exp".into(), json!(now + jwt::TTL_SECONDS));
    }
    let token = jwt::sign(&claims, state.config.jwt_secret.as_bytes());
    Ok(json_ok(&json!({ "token": token })))
}
