//! Credentials: Medusa-compatible password hashes and HS256 JWTs.

pub mod api_key;
pub mod jwt;
pub mod password;
pub mod session;

/// Lower-case hex SHA-256 of a string: how session ids and throttled emails are stored.
pub fn sha256_hex(s: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Fills a buffer from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| format!("random source: {e}"))?;
    Ok(buf)
}
