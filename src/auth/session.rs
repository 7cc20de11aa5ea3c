//! express-session's signed cookie, `connect.sid=s:<sid>.<base64(HMAC-SHA256(sid, secret))>`
//! URL-encoded (CONTRACT.md §5.3), so a Medusa admin dashboard's cookie handling works unchanged.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub const COOKIE_NAME: &str = "connect.sid";
/// Medusa's session lifetime: 10 hours.
pub const TTL_SECONDS: i64 = 10 * 60 * 60;

fn signature(sid: &str, secret: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(sid.as_bytes());
    STANDARD_NO_PAD.encode(mac.finalize().into_bytes())
}

/// A new random session id (24 bytes, as express-session's uid-safe).
pub fn new_sid() -> Result<String, String> {
    Ok(URL_SAFE_NO_PAD.encode(super::random_bytes::<24>()?))
}

/// The stored key of a session: its id is never stored as is.
pub fn sid_hash(sid: &str) -> String {
    super::sha256_hex(sid)
}

/// What JavaScript's `encodeURIComponent` (and so express-session) leaves unescaped.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'!')
    .remove(b'~')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');

/// The cookie value (already URL-encoded) for a session id.
pub fn cookie_value(sid: &str, secret: &[u8]) -> String {
    let signed = format!("s:{sid}.{}", signature(sid, secret));
    percent_encoding::utf8_percent_encode(&signed, URI_COMPONENT).to_string()
}

/// The session id in a signed cookie value, if the signature holds (compared in constant time).
pub fn unsign(raw: &str, secret: &[u8]) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw).decode_utf8().ok()?;
    let signed = decoded.strip_prefix("s:")?;
    let (sid, sig) = signed.rsplit_once('.')?;
    let expected = signature(sid, secret);
    bool::from(expected.as_bytes().ct_eq(sig.as_bytes())).then(|| sid.to_string())
}

/// `connect.sid` from a `Cookie` header.
pub fn from_cookie_header(header: &str) -> Option<&str> {
    header.split(';').map(str::trim).find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name.trim() == COOKIE_NAME).then(|| value.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_cookies_round_trip_and_tampering_fails() {
        let v = cookie_value("abc", b"supersecret");
        assert!(v.starts_with("s%3Aabc."));
        assert_eq!(unsign(&v, b"supersecret").as_deref(), Some("abc"));
        assert_eq!(unsign(&v, b"other"), None);
        assert_eq!(unsign(&v.replace("abc", "abd"), b"supersecret"), None);
        assert_eq!(unsign("abc", b"supersecret"), None);
    }

    /// express-session (cookie-signature) signs `sid` as base64 HMAC-SHA256 without padding.
    #[test]
    fn signature_matches_cookie_signature_package() {
        // cookie-signature's own test vector: sign('hello', 'tobiiscool')
        assert_eq!(
            signature("hello", b"tobiiscool"),
            "DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI"
        );
    }

    #[test]
    fn cookie_header_parsing() {
        assert_eq!(
            from_cookie_header("a=1; connect.sid=s%3Ax.y; b=2"),
            Some("s%3Ax.y")
        );
        assert_eq!(from_cookie_header("a=1"), None);
    }
}
