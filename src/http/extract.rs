//! Request bodies read as Medusa's parsers read them: JSON (also without a Content-Type, where
//! Medusa silently drops the body), `application/x-www-form-urlencoded` in qs syntax; an empty body
//! is `{}`; malformed JSON is a 400; a body over the limit is a 413.

use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde_json::Value;

use crate::domain::qs;
use crate::error::ApiError;
use crate::http::AppState;

/// A parsed request body, not yet validated.
#[derive(Debug)]
pub struct Body(pub Value);

impl FromRequest<AppState> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit = state.config.body_limit;
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return Err(ApiError::PayloadTooLarge);
        }
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let bytes = axum::body::to_bytes(req.into_body(), limit).await.map_err(|e| {
            // over the limit is a 413; a body cut short or otherwise unreadable is the client's 400
            let inner = e.into_inner();
            if inner.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                ApiError::PayloadTooLarge
            } else {
                ApiError::InvalidData(format!("The request body could not be read: {inner}"))
            }
        })?;
        let is_blank = bytes.iter().all(u8::is_ascii_whitespace);
        match content_type.as_deref() {
            None | Some("application/json") => {}
            Some(ct) if ct.ends_with("+json") => {}
            Some("application/x-www-form-urlencoded") => {
                let text = String::from_utf8_lossy(&bytes);
                let map = qs::parse(&text).map_err(|e| ApiError::invalid_request([e.0]))?;
                return refuse_nul(Value::Object(map)).map(Body);
            }
            Some(other) if is_blank => {
                let _ = other;
                return Ok(Body(Value::Object(Default::default())));
            }
            Some(other) => {
                return Err(ApiError::InvalidData(format!(
                    "Unsupported Content-Type '{other}': send application/json or application/x-www-form-urlencoded"
                )));
            }
        }
        if is_blank {
            return Ok(Body(Value::Object(Default::default())));
        }
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::InvalidData(format!("Malformed JSON body: {e}")))?;
        refuse_nul(value).map(Body)
    }
}

fn refuse_nul(value: Value) -> Result<Value, ApiError> {
    if crate::domain::validate::contains_nul(&value) {
        return Err(ApiError::invalid_request([
            "Text may not contain NUL (\\u0000) characters".to_string(),
        ]));
    }
    Ok(value)
}
