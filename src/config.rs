//! Settings, read from the environment under Medusa's names (and from CLI flags).

/// Medusa's development default for `JWT_SECRET` and `COOKIE_SECRET`.
pub const DEV_SECRET: &str = "supersecret";

#[derive(Clone, Debug)]
pub struct Config {
    /// `sqlite://PATH` or `postgres://...`.
    pub database_url: String,
    pub jwt_secret: String,
    pub cookie_secret: String,
    /// Origins allowed on `/admin` (`ADMIN_CORS`, comma-separated).
    pub admin_cors: Vec<String>,
    /// Origins allowed on `/auth` (`AUTH_CORS`).
    pub auth_cors: Vec<String>,
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
            body_limit: 1024 * 1024,
            production: false,
        }
    }
}

/// Splits a comma-separated origin list, dropping empties (Medusa's default `""` allows nothing).
pub fn parse_origins(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
