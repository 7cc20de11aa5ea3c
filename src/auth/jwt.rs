//! HS256 JSON Web Tokens with Medusa's claims (CONTRACT.md §5.2). Only HS256 is accepted: a token
//! with `alg: none` or any other algorithm is refused before its signature is looked at.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

/// Medusa's default `jwtExpiresIn` ("1d").
pub const TTL_SECONDS: i64 = 24 * 60 * 60;

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length; this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// Signs a claims object.
pub fn sign(claims: &Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut m = mac(secret);
    m.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(m.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

/// The claims of a user's token, as Medusa 2.21 issues them.
pub fn user_claims(user_id: &str, auth_identity_id: &str, now: i64) -> Value {
    json!({
        "actor_id": user_id,
        "actor_type": "user",
        "auth_identity_id": auth_identity_id,
        "auth_provider": "emailpass",
        "mfa_enabled": false,
        "mfa_challenge_completed_at": null,
        "app_metadata": {"user_id": user_id},
        "user_metadata": {},
        "iat": now,
        "exp": now + TTL_SECONDS,
    })
}

/// Verifies signature, algorithm and expiry; returns the claims.
pub fn verify(token: &str, secret: &[u8], now: i64) -> Option<Value> {
    let mut parts = token.split('.');
    let (header, payload, sig) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
    if header.get("alg")?.as_str()? != "HS256" {
        return None;
    }
    let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
    let mut m = mac(secret);
    m.update(&token.as_bytes()[..token.rfind('.')?]);
    m.verify_slice(&sig).ok()?;
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    if exp <= now as f64 {
        return None;
    }
    if claims
        .get("nbf")
        .and_then(Value::as_f64)
        .is_some_and(|nbf| nbf > now as f64)
    {
        return None;
    }
    Some(claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"supersecret";

    #[test]
    fn signed_tokens_verify_until_they_expire() {
        let t = sign(&user_claims("user_1", "authid_1", 1000), SECRET);
        let claims = verify(&t, SECRET, 1001).unwrap();
        assert_eq!(claims["actor_id"], "user_1");
        assert!(verify(&t, SECRET, 1000 + TTL_SECONDS).is_none(), "expired");
        assert!(verify(&t, b"other", 1001).is_none(), "wrong secret");
    }

    #[test]
    fn other_algorithms_and_tampering_are_refused() {
        let claims = user_claims("user_1", "authid_1", 1000);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let none = format!(
            "{}.{payload}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#)
        );
        assert!(verify(&none, SECRET, 1001).is_none());
        let t = sign(&claims, SECRET);
        let mut forged: Vec<&str> = t.split('.').collect();
        let evil = URL_SAFE_NO_PAD.encode(user_claims("user_2", "authid_1", 1000).to_string());
        forged[1] = &evil;
        assert!(verify(&forged.join("."), SECRET, 1001).is_none());
        assert!(verify("not.a.valid.jwt", SECRET, 1001).is_none());
        assert!(verify("", SECRET, 1001).is_none());
    }
}
