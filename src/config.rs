//! Settings, read from the environment under Medusa's names (and from CLI flags).

/// Medusa's development default for `JWT_SECRET` and `COOKIE_SECRET`.
pub const DEV_SECRET: &str = "supersecret";

/// A browser origin allowed by `ADMIN_CORS` / `AUTH_CORS`: exact, or `/regex/` as Medusa allows.
#[derive(Clone, Debug)]
pub enum Origin {
    Exact(String),
    Pattern(regex::Regex),
}

impl Origin {
    pub fn matches(&self, origin: &str) -> bool {
        match self {
            Origin::Exact(o) => o == origin,
            Origin::Pattern(re) => re.is_match(origin),
        }
    }
}

/// Limits on failed logins, kept in the database so that every process shares them.
#[derive(Clone, Debug)]
pub struct LoginLimits {
    /// Failed attempts allowed for one email within `window_seconds`.
    pub per_email: i64,
    /// Failed attempts allowed from one client address within `window_seconds`.
    pub per_address: i64,
    pub window_seconds: i64,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits {
            per_email: 10,
            per_address: 100,
            window_seconds: 900,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://...`.
    pub database_url: String,
    pub jwt_secret: String,
    pub cookie_secret: String,
    /// Origins allowed on `/admin` (`ADMIN_CORS`, comma-separated).
    pub admin_cors: Vec<Origin>,
    /// Origins allowed on `/auth` (`AUTH_CORS`).
    pub auth_cors: Vec<Origin>,
    pub login_limits: LoginLimits,
    /// Largest request body accepted, in bytes.
    pub body_limit: usize,
    /// Production mode (`NODE_ENV=production`, as Medusa): session cookies get `Secure; SameSite=Lax`.
    pub production: bool,
}

impl Config {
    pub fn new(database_url: impl Into<String>) -> Self {
        Config {
            database_url: database_url.into(),
            jwt_secret: DEV_SECRET.into(),
            cookie_secret: DEV_SECRET.into(),
            admin_cors: Vec::new(),
            auth_cors: Vec::new(),
            login_limits: LoginLimits::default(),
            body_limit: 1024 * 1024,
            production: false,
        }
    }
}

/// Splits a comma-separated origin list, dropping empties (Medusa's default `""` allows nothing).
/// An entry written `/pattern/flags` (delimiters `/ ~ @ ; % # '`, as Medusa's) is a regular
/// expression; flag `i` ignores case.
pub fn parse_origins(raw: &str) -> Result<Vec<Origin>, String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|entry| {
            let delim = entry.chars().next().filter(|c| "/~@;%#'".contains(*c));
            match delim.and_then(|d| entry[1..].rfind(d).map(|end| end + 1)) {
                Some(end) if end > 1 => {
                    let pattern = &entry[1..end];
                    let flags = &entry[end + 1..];
                    regex::RegexBuilder::new(pattern)
                        .case_insensitive(flags.contains('i'))
                        .build()
                        .map(Origin::Pattern)
                        .map_err(|e| format!("CORS origin {entry}: {e}"))
                }
                _ => Ok(Origin::Exact(entry.to_string())),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_exact_and_patterns() {
        let list = parse_origins("http://a.test, /\\.b\\.test$/i ,,").unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[0].matches("http://a.test") && !list[0].matches("http://a.test.evil"));
        assert!(list[1].matches("https://x.B.test") && !list[1].matches("https://b.test.evil"));
        assert!(parse_origins("/([/").is_err());
        assert!(parse_origins("").unwrap().is_empty());
    }
}
