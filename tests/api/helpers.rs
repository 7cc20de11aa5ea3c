//! Starts the real server (the same `Application` as `clientele serve`) on a fresh database of
//! either back-end, and drives it over HTTP.
//!
//! PostgreSQL tests need a server: `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432`).
//! They fail, never skip, when it does not answer: `scripts/test.sh` starts one if needed.

use std::path::PathBuf;
use std::sync::OnceLock;

use clientele::{Application, Config};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::Value;
use sqlx::Connection;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "supersecret";
pub const JWT_SECRET: &str = "test-jwt-secret";
pub const COOKIE_SECRET: &str = "test-cookie-secret";
pub const ORIGIN: &str = "http://admin.example.test";

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    /// A valid admin JWT, from a real login.
    pub token: String,
    pub backend: Backend,
    pub database_url: String,
    /// The server's own pool, for arranging state a test cannot reach over HTTP.
    pub db: clientele::store::Db,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pg_database: Option<String>,
    sqlite_dir: Option<PathBuf>,
}

fn pg_base() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

fn unique_name() -> String {
    ulid::Ulid::generate().to_string().to_lowercase()
}

/// The admin's password hash, computed once per test process (scrypt is deliberately slow).
fn admin_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| clientele::auth::password::hash(ADMIN_PASSWORD).expect("hash"))
}

/// A fresh, empty database URL for a backend.
pub async fn fresh_database(backend: Backend) -> (String, Option<String>, Option<PathBuf>) {
    match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("clientele-test-{}", unique_name()));
            std::fs::create_dir_all(&dir).expect("temp dir");
            (
                format!("sqlite://{}", dir.join("clientele.db").display()),
                None,
                Some(dir),
            )
        }
        Backend::Postgres => {
            let name = format!("clientele_t_{}", unique_name());
            let admin_url = format!("{}/postgres", pg_base());
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.unwrap_or_else(|e| {
                panic!("PostgreSQL is required for these tests and did not answer at {admin_url}: {e}. Run scripts/test.sh, which starts one.")
            });
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("create test database");
            (format!("{}/{name}", pg_base()), Some(name), None)
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts a server whose config a test may adjust.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let (database_url, pg_database, sqlite_dir) = fresh_database(backend).await;
        let mut app = Self::start(backend, &database_url, adjust).await;
        app.pg_database = pg_database;
        app.sqlite_dir = sqlite_dir;
        clientele::store::users::create(&app.db, ADMIN_EMAIL, admin_hash())
            .await
            .expect("admin user");
        app.token = app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        app
    }

    /// Another server process on this server's database (as several stateless processes share one
    /// PostgreSQL); it does not own the database.
    pub async fn second_server(&self) -> TestApp {
        let mut other = Self::start(self.backend, &self.database_url, |_| {}).await;
        other.token = other.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
        other
    }

    async fn start(backend: Backend, database_url: &str, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let mut config = Config::new(database_url);
        config.jwt_secret = JWT_SECRET.into();
        config.cookie_secret = COOKIE_SECRET.into();
        config.admin_cors =
            clientele::config::parse_origins(&format!("{ORIGIN},/^https://[a-z]+\\.regex\\.test$/")).unwrap();
        config.auth_cors = clientele::config::parse_origins(ORIGIN).unwrap();
        adjust(&mut config);
        let app = Application::build(config, "127.0.0.1:0")
            .await
            .expect("server starts");
        let addr = app.local_addr().expect("bound");
        let db = app.db().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async move {
            let _ = rx.await;
        }));
        TestApp {
            base: format!("http://{addr}"),
            client: reqwest::Client::builder().build().expect("client"),
            token: String::new(),
            backend,
            database_url: database_url.to_string(),
            db,
            shutdown: Some(tx),
            server: Some(server),
            pg_database: None,
            sqlite_dir: None,
        }
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let resp = self
            .request(Method::POST, "/auth/user/emailpass")
            .json(&serde_json::json!({"email": email, "password": password}))
            .send()
            .await
            .expect("login request");
        assert_eq!(resp.status(), 200, "login failed");
        let body: Value = resp.json().await.expect("login body");
        body["token"].as_str().expect("token").to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A request without credentials.
    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    /// A request as the admin (bearer JWT).
    pub fn admin(&self, method: Method, path: &str) -> RequestBuilder {
        self.request(method, path).bearer_auth(&self.token)
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        parts(self.admin(Method::GET, path).send().await.expect("send")).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        parts(
            self.admin(Method::POST, path)
                .json(&body)
                .send()
                .await
                .expect("send"),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> (u16, Value) {
        parts(self.admin(Method::DELETE, path).send().await.expect("send")).await
    }

    /// Creates a customer and returns it (asserting success).
    pub async fn create_customer(&self, body: Value) -> Value {
        let (status, resp) = self.post("/admin/customers", body.clone()).await;
        assert_eq!(status, 200, "create {body}: {resp}");
        resp["customer"].clone()
    }

    /// Stops the server and drops the database.
    pub async fn cleanup(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        if let Some(name) = self.pg_database.take()
            && let Ok(mut conn) = sqlx::PgConnection::connect(&format!("{}/postgres", pg_base())).await
        {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut conn)
            .await;
        }
        if let Some(dir) = self.sqlite_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Status and JSON body (or `Value::String` for a non-JSON body).
pub async fn parts(resp: Response) -> (u16, Value) {
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

/// The ids of a list response's rows, in order.
pub fn ids(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array in {body}"))
        .iter()
        .map(|c| c["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The sorted key set of an object.
pub fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    k.sort();
    k
}

/// Runs the same test body against a fresh server on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! both_backends {
    ($(#[$meta:meta])* async fn $name:ident($app:ident) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: &$crate::helpers::TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                run(&app).await;
                app.cleanup().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Postgres).await;
                run(&app).await;
                app.cleanup().await;
            }
        }
    };
}
