//! One error type for every request path, mapped to Medusa's HTTP status and JSON body in one place
//! (CONTRACT.md §3). Handlers and extractors return `ApiError`; nothing else writes an error body.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// An error a request can end with. Each variant carries Medusa's `type` and HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `invalid_data`: bad input (validation, malformed JSON, duplicates, as Medusa maps them).
    #[error("{0}")]
    InvalidData(String),
    /// 400 `not_allowed`.
    #[error("{0}")]
    NotAllowed(String),
    /// 404 `not_found`.
    #[error("{0}")]
    NotFound(String),
    /// 401 with the bare body `{"message":"Unauthorized"}` that Medusa's auth middleware sends.
    #[error("Unauthorized")]
    Unauthorized,
    /// 401 with a specific message and no `type` (e.g. a secret key sent as a Bearer token).
    #[error("{0}")]
    UnauthorizedWith(String),
    /// 401 `unauthorized` from the login route (`Invalid email or password`).
    #[error("{0}")]
    LoginFailed(String),
    /// 405 for a known path with an unknown method (Medusa answers an HTML 404).
    #[error("{0}")]
    MethodNotAllowed(String),
    /// 429: too many failed logins; retry after this many seconds.
    #[error("Too many failed login attempts; try again in {0} seconds")]
    TooManyAttempts(i64),
    /// 413: the body is larger than the configured limit.
    #[error("request entity too large")]
    PayloadTooLarge,
    /// 500: a fault of ours. The source is logged; the client sees a generic message.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    /// `Invalid request: ...` as Medusa's zod formatter writes it, from up to three issues.
    pub fn invalid_request<I: IntoIterator<Item = String>>(issues: I) -> Self {
        let issues: Vec<String> = issues.into_iter().take(3).collect();
        ApiError::InvalidData(format!("Invalid request: {}", issues.join("; ")))
    }

    pub fn internal(err: impl std::fmt::Display) -> Self {
        ApiError::Internal(err.to_string())
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidData(_) | ApiError::NotAllowed(_) => StatusCode::BAD_REQUEST,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::Unauthorized | ApiError::UnauthorizedWith(_) | ApiError::LoginFailed(_) => {
                StatusCode::UNAUTHORIZED
            }
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON body Medusa sends for this error.
    fn body(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            ApiError::InvalidData(m) => json!({"type": "invalid_data", "message": m}),
            ApiError::NotAllowed(m) => json!({"type": "not_allowed", "message": m}),
            ApiError::NotFound(m) => json!({"type": "not_found", "message": m}),
            ApiError::Unauthorized => json!({"message": "Unauthorized"}),
            ApiError::UnauthorizedWith(m) => json!({"message": m}),
            ApiError::LoginFailed(m) => json!({"type": "unauthorized", "message": m}),
            ApiError::MethodNotAllowed(m) => json!({"type": "not_allowed", "message": m}),
            // Medusa maps http-errors with other statuses to `unknown_error`, keeping the message.
            ApiError::PayloadTooLarge => {
                json!({"type": "unknown_error", "message": "request entity too large"})
            }
            ApiError::TooManyAttempts(_) => json!({"type": "not_allowed", "message": self.to_string()}),
            ApiError::Internal(_) => json!({
                "code": "unknown_error", "type": "unknown_error", "message": "An unknown error occurred."
            }),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            ApiError::Internal(detail) => tracing::error!(error.detail = %detail, "request failed"),
            _ => tracing::debug!(error.message = %self, http.status = status.as_u16(), "request rejected"),
        }
        let mut resp = json_response(status, &self.body());
        if let ApiError::TooManyAttempts(secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// A JSON response with Medusa's (Express's) content type.
pub fn json_response(status: StatusCode, body: &serde_json::Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut resp = (status, bytes).into_response();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    resp
}

impl From<crate::store::StoreError> for ApiError {
    fn from(err: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match err {
            StoreError::Unique(m) => ApiError::InvalidData(m),
            StoreError::NotFound(m) => ApiError::NotFound(m),
            StoreError::Db(e) => ApiError::Internal(format!("database: {e}")),
            StoreError::Other(m) => ApiError::Internal(m),
        }
    }
}
