//! Passwords in scrypt-kdf's 96-byte format (CONTRACT.md §5.4), base64-encoded, as Medusa's
//! emailpass provider stores them: a Medusa user's hash verifies here, and ours there.
//!
//! Layout: `scrypt` | version 0 | logN | r (u32 BE) | p (u32 BE) | salt (32) |
//! SHA-256(bytes 0..48)[..16] | HMAC-SHA256(key = scrypt(password, salt)[32..64], bytes 0..64).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Medusa's default cost: N = 2^15, r = 8, p = 1.
const LOG_N: u8 = 15;
const R: u32 = 8;
const P: u32 = 1;
/// Bounds on parameters read from a stored hash, so a crafted hash cannot make a check unbounded.
const MAX_LOG_N: u8 = 20;
const MAX_R: u32 = 32;
const MAX_P: u32 = 16;

fn derive(password: &[u8], salt: &[u8], log_n: u8, r: u32, p: u32) -> Result<[u8; 64], String> {
    let params = scrypt::Params::new(log_n, r, p).map_err(|e| format!("scrypt params: {e}"))?;
    let mut out = [0u8; 64];
    scrypt::scrypt(password, salt, &params, &mut out).map_err(|e| format!("scrypt: {e}"))?;
    Ok(out)
}

fn header_mac(key: &[u8], data: &[u8]) -> Result<[u8; 32], String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|e| format!("hmac: {e}"))?;
    mac.update(data);
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    Ok(out)
}

/// Hashes a password with a fresh salt (about 100 ms: call from a blocking thread).
pub fn hash(password: &str) -> Result<String, String> {
    let salt: [u8; 32] = super::random_bytes()?;
    hash_with(password, &salt, LOG_N, R, P)
}

fn hash_with(password: &str, salt: &[u8; 32], log_n: u8, r: u32, p: u32) -> Result<String, String> {
    let mut buf = [0u8; 96];
    buf[..6].copy_from_slice(b"scrypt");
    buf[6] = 0;
    buf[7] = log_n;
    buf[8..12].copy_from_slice(&r.to_be_bytes());
    buf[12..16].copy_from_slice(&p.to_be_bytes());
    buf[16..48].copy_from_slice(salt);
    let checksum = Sha256::digest(&buf[..48]);
    buf[48..64].copy_from_slice(&checksum[..16]);
    let dk = derive(password.as_bytes(), salt, log_n, r, p)?;
    let mac = header_mac(&dk[32..], &buf[..64])?;
    buf[64..].copy_from_slice(&mac);
    Ok(STANDARD.encode(buf))
}

/// Checks a password against a stored hash in constant time. A malformed hash never verifies.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(buf) = STANDARD.decode(stored.trim()) else {
        return false;
    };
    if buf.len() != 96 || &buf[..6] != b"scrypt" || buf[6] != 0 {
        return false;
    }
    let log_n = buf[7];
    let r = u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]]);
    let p = u32::from_be_bytes([buf[12], buf[13], buf[14], buf[15]]);
    if log_n == 0 || log_n > MAX_LOG_N || r == 0 || r > MAX_R || p == 0 || p > MAX_P {
        return false;
    }
    let checksum = Sha256::digest(&buf[..48]);
    if !bool::from(checksum[..16].ct_eq(&buf[48..64])) {
        return false;
    }
    let Ok(dk) = derive(password.as_bytes(), &buf[16..48], log_n, r, p) else {
        return false;
    };
    let Ok(mac) = header_mac(&dk[32..], &buf[..64]) else {
        return false;
    };
    bool::from(mac.ct_eq(&buf[64..96]))
}

/// A well-formed hash of a random password: login checks unknown emails against it, so a missing
/// account costs the same time as a wrong password and cannot be told apart by timing.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = [7u8; 32];
        let secret = super::random_bytes::<16>()
            .map(|b| STANDARD.encode(b))
            .unwrap_or_default();
        hash_with(&secret, &salt, LOG_N, R, P).unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_wrong_passwords_do_not() {
        let h = hash_with("supersecret", &[1u8; 32], 10, 8, 1).unwrap();
        assert!(verify("supersecret", &h));
        assert!(!verify("supersecreT", &h));
        assert_eq!(STANDARD.decode(&h).unwrap().len(), 96);
    }

    #[test]
    fn tampered_or_hostile_hashes_are_refused() {
        let h = hash_with("pw", &[2u8; 32], 10, 8, 1).unwrap();
        let mut raw = STANDARD.decode(&h).unwrap();
        raw[20] ^= 1; // salt changed: checksum fails
        assert!(!verify("pw", &STANDARD.encode(&raw)));
        let mut raw = STANDARD.decode(&h).unwrap();
        raw[7] = 40; // absurd cost
        assert!(!verify("pw", &STANDARD.encode(&raw)));
        assert!(!verify("pw", "not base64!"));
        assert!(!verify("pw", ""));
    }

    /// A hash written by Node's scrypt-kdf 2.0.1 (what Medusa's emailpass provider uses) with
    /// `kdf("supersecret", {logN: 15, r: 8, p: 1})`: a Medusa user's password verifies here.
    #[test]
    fn a_hash_made_by_medusa_verifies() {
        let medusa = "c2NyeXB0AA8AAAAIAAAAAVWevJJv+w4CEYzewCmos8t59IZuVD9qdzzOea8GTMN6YiMxt+Qnbru6OoVcw9lvVus7r4sdiCw8acNv3Ub5gVQjOcjh8O/8Hv/AkCMFSZIl";
        assert!(verify("supersecret", medusa));
        assert!(!verify("supersecreT", medusa));
    }

    #[test]
    fn default_cost_matches_medusa() {
        let h = hash("supersecret").unwrap();
        let raw = STANDARD.decode(&h).unwrap();
        assert_eq!(
            (raw[7], &raw[8..12], &raw[12..16]),
            (15, &[0, 0, 0, 8][..], &[0, 0, 0, 1][..])
        );
        assert!(verify("supersecret", &h));
    }
}
