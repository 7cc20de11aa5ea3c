//! Secret API keys as Medusa makes them (CONTRACT.md §5.5): `sk_` + 64 hex, stored only as
//! hex(scrypt(token, salt, N=16384, r=8, p=1, 64)) with a 16-byte hex salt used as a string, found
//! by their `redacted` form. A scrypt run costs ~50 ms, so a verified token is remembered (by its
//! SHA-256, never in clear) and only the key's revocation is re-read, at most a second old.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;

/// How long a key's revocation state may be trusted without re-reading the database.
pub const STATUS_TTL: Duration = Duration::from_secs(1);
/// How often `last_used_at` is written for one key, at most, per process.
pub const TOUCH_EVERY: Duration = Duration::from_secs(60);
const CACHE_CAP: usize = 10_000;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new token of a kind (`sk_` or `pk_` + 64 hex).
pub fn new_token(prefix: &str) -> Result<String, String> {
    Ok(format!("{prefix}_{}", hex(&super::random_bytes::<32>()?)))
}

/// A new salt: hex of 16 random bytes.
pub fn new_salt() -> Result<String, String> {
    Ok(hex(&super::random_bytes::<16>()?))
}

/// Medusa's redacted form: first 6 characters, `***`, last 3.
pub fn redact(token: &str) -> String {
    let chars: Vec<char> = token.chars().collect();
    if chars.len() < 9 {
        return "***".into();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 3..].iter().collect();
    format!("{head}***{tail}")
}

/// hex(scrypt(token, salt-as-text, N=2^14, r=8, p=1, 64 bytes)): Node's `crypto.scrypt` defaults.
pub fn hash(token: &str, salt: &str) -> Result<String, String> {
    let params = scrypt::Params::new(14, 8, 1).map_err(|e| format!("scrypt params: {e}"))?;
    let mut out = [0u8; 64];
    scrypt::scrypt(token.as_bytes(), salt.as_bytes(), &params, &mut out)
        .map_err(|e| format!("scrypt: {e}"))?;
    Ok(hex(&out))
}

/// Whether `token` hashes to `stored` under `salt`, compared in constant time.
pub fn verify(token: &str, salt: &str, stored: &str) -> bool {
    hash(token, salt).is_ok_and(|h| bool::from(h.as_bytes().ct_eq(stored.as_bytes())))
}

/// The secret token in `Authorization: Basic <t>`: `t` is either the raw `sk_...` or
/// base64(`sk_...:`), with or without the colon.
pub fn from_basic(credentials: &str) -> Option<String> {
    let raw = if credentials.starts_with("sk_") {
        credentials.to_string()
    } else {
        String::from_utf8(STANDARD.decode(credentials).ok()?).ok()?
    };
    let token = raw.strip_suffix(':').unwrap_or(&raw);
    let well_formed = token.len() <= 128
        && token[3.min(token.len())..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric());
    (token.starts_with("sk_") && well_formed).then(|| token.to_string())
}

/// The SHA-256 of a token, the only form in which the cache holds it.
pub fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A key's revocation state as last read.
#[derive(Clone, Copy, Debug)]
pub struct Status {
    pub revoked_at: Option<OffsetDateTime>,
    pub deleted: bool,
    pub read_at: Instant,
}

impl Status {
    pub fn live(&self, now: OffsetDateTime) -> bool {
        !self.deleted && self.revoked_at.is_none_or(|t| t > now)
    }
}

/// Per-process memory of verified tokens, key states and `last_used_at` writes.
#[derive(Debug, Default)]
pub struct KeyCache {
    verified: Mutex<HashMap<[u8; 32], String>>,
    status: Mutex<HashMap<String, Status>>,
    touched: Mutex<HashMap<String, Instant>>,
}

fn bounded_insert<K: std::hash::Hash + Eq, V>(map: &mut HashMap<K, V>, k: K, v: V) {
    if map.len() >= CACHE_CAP {
        map.clear();
    }
    map.insert(k, v);
}

impl KeyCache {
    pub fn verified_key(&self, digest: &[u8; 32]) -> Option<String> {
        self.verified.lock().ok()?.get(digest).cloned()
    }

    pub fn remember_verified(&self, digest: [u8; 32], key_id: &str) {
        if let Ok(mut m) = self.verified.lock() {
            bounded_insert(&mut m, digest, key_id.to_string());
        }
    }

    /// A state read less than `STATUS_TTL` ago.
    pub fn fresh_status(&self, key_id: &str) -> Option<Status> {
        let m = self.status.lock().ok()?;
        m.get(key_id)
            .filter(|s| s.read_at.elapsed() < STATUS_TTL)
            .copied()
    }

    pub fn remember_status(&self, key_id: &str, status: Status) {
        if let Ok(mut m) = self.status.lock() {
            bounded_insert(&mut m, key_id.to_string(), status);
        }
    }

    /// Forgets a key's state (after a revoke or delete through this process).
    pub fn forget(&self, key_id: &str) {
        if let Ok(mut m) = self.status.lock() {
            m.remove(key_id);
        }
    }

    /// Whether `last_used_at` is due to be written for this key (and notes that it will be).
    pub fn should_touch(&self, key_id: &str) -> bool {
        let Ok(mut m) = self.touched.lock() else {
            return false;
        };
        match m.get(key_id) {
            Some(t) if t.elapsed() < TOUCH_EVERY => false,
            _ => {
                bounded_insert(&mut m, key_id.to_string(), Instant::now());
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_look_like_medusa_tokens() {
        let t = new_token("sk").unwrap();
        assert_eq!(t.len(), 67);
        assert!(
            t[3..]
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        let r = redact(&t);
        assert_eq!(r.len(), 12);
        assert!(r.starts_with(&t[..6]) && r.ends_with(&t[64..]));
    }

    #[test]
    fn hashes_verify_only_the_right_token() {
        let salt = new_salt().unwrap();
        let h = hash("sk_abc", &salt).unwrap();
        assert_eq!(h.len(), 128);
        assert!(verify("sk_abc", &salt, &h));
        assert!(!verify("sk_abd", &salt, &h));
        assert!(!verify("sk_abc", "other", &h));
    }

    /// RFC 7914 §12's vector for N=16384, r=8, p=1, 64 bytes: Node's `crypto.scrypt` defaults.
    #[test]
    fn hash_matches_the_scrypt_reference_vector() {
        assert_eq!(
            hash("pleaseletmein", "SodiumChloride").unwrap(),
            "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2\
             d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
        );
    }

    #[test]
    fn basic_credentials_in_every_form() {
        let t = "sk_0123";
        let b64 = |s: &str| STANDARD.encode(s);
        assert_eq!(from_basic(&b64("sk_0123:")).as_deref(), Some(t));
        assert_eq!(from_basic(&b64("sk_0123")).as_deref(), Some(t));
        assert_eq!(from_basic("sk_0123").as_deref(), Some(t));
        assert_eq!(from_basic(&b64("pk_0123:")), None);
        assert_eq!(from_basic(&b64("user:pass")), None);
        assert_eq!(from_basic("!!!"), None);
    }
}
