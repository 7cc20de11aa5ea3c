//! Clientele: Medusa v2's Admin customer API, wire-compatible, on SQLite or PostgreSQL.
//!
//! `main.rs` parses the command line and calls in here; tests start the same `Application`.
#![forbid(unsafe_code)]

pub mod auth;
pub mod config;
pub mod domain;
pub mod error;
pub mod http;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::ServiceExt;
use axum::extract::Request;
use tower::Layer;
use tower_http::normalize_path::NormalizePathLayer;

pub use config::Config;
use http::AppState;
use store::{Db, StoreError};

/// A bound, migrated server, ready to run.
pub struct Application {
    listener: tokio::net::TcpListener,
    state: AppState,
}

impl Application {
    /// Connects to the database, applies migrations, and binds `listen` (port 0 picks a free port).
    pub async fn build(config: Config, listen: &str) -> Result<Self, StartError> {
        let db = Db::connect(&config.database_url).await?;
        let applied = store::migrate::run(&db).await?;
        if applied > 0 {
            tracing::info!(migrations = applied, "database migrated");
        }
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| StartError(format!("cannot listen on {listen}: {e}")))?;
        Ok(Application {
            listener,
            state: AppState {
                db,
                config: Arc::new(config),
                keys: Arc::new(auth::api_key::KeyCache::default()),
            },
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let app = NormalizePathLayer::trim_trailing_slash().layer(http::router(self.state.clone()));
        let db = self.state.db.clone();
        let statistics = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
            loop {
                every.tick().await;
                if let Err(e) = db.optimize().await {
                    tracing::warn!(error = %e, "refreshing planner statistics failed");
                }
            }
        });
        let service = ServiceExt::<Request>::into_make_service_with_connect_info::<SocketAddr>(app);
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        statistics.abort();
        self.state.db.close().await;
        result
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StartError(pub String);

impl From<StoreError> for StartError {
    fn from(e: StoreError) -> Self {
        StartError(format!("database: {e}"))
    }
}

/// Creates an admin user (`clientele user create`): hashes the password and stores both.
pub async fn create_user(db: &Db, email: &str, password: &str) -> Result<String, StartError> {
    let password = password.to_string();
    let hash = tokio::task::spawn_blocking(move || auth::password::hash(&password))
        .await
        .map_err(|e| StartError(e.to_string()))?
        .map_err(StartError)?;
    Ok(store::users::create(db, email, &hash).await?)
}

/// Creates an API key of `kind` (`secret` or `publishable`): returns its id and its token, which
/// exists nowhere else afterwards for a secret key (only a salted scrypt hash is stored).
pub async fn create_api_key(
    db: &Db,
    title: &str,
    kind: &str,
    created_by: &str,
) -> Result<(String, String), StartError> {
    use auth::api_key;
    let secret = kind == "secret";
    let token = api_key::new_token(if secret { "sk" } else { "pk" }).map_err(StartError)?;
    let (salt, hash) = if secret {
        let salt = api_key::new_salt().map_err(StartError)?;
        let (t, s) = (token.clone(), salt.clone());
        let hash = tokio::task::spawn_blocking(move || api_key::hash(&t, &s))
            .await
            .map_err(|e| StartError(e.to_string()))?
            .map_err(StartError)?;
        (salt, hash)
    } else {
        (String::new(), String::new())
    };
    let id = store::api_keys::create(db, title, kind, created_by, &token, &salt, &hash).await?;
    Ok((id, token))
}
