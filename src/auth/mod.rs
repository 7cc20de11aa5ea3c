//! Credentials: Medusa-compatible password hashes and HS256 JWTs.

pub mod api_key;
pub mod jwt;
pub mod password;
pub mod session;

/// Fills a buffer from the operating system's random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| format!("random source: {e}"))?;
    Ok(buf)
}
