//! The `clientele` command: `serve` (the default), `migrate`, `user create`.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use clientele::config::{DEV_SECRET, LoginLimits, parse_origins};
use clientele::store::Db;
use clientele::{Application, Config};

/// Medusa v2's Admin customer API, wire-compatible, on SQLite or PostgreSQL.
#[derive(Parser, Debug)]
#[command(name = "clientele", version, about)]
struct Cli {
    #[command(flatten)]
    settings: Settings,
    #[command(subcommand)]
    command: Option<Command>,
}

/// Settings shared by every command, each also read from the environment under Medusa's name.
#[derive(Args, Debug)]
struct Settings {
    /// Database: `sqlite://PATH` (created if missing) or `postgres://USER@HOST:PORT/DB`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://clientele.db",
        global = true
    )]
    database_url: String,
    /// Secret that signs JWTs (HS256). Medusa's development default if unset.
    #[arg(long, env = "JWT_SECRET", hide_env_values = true, default_value = DEV_SECRET, hide_default_value = true, global = true)]
    jwt_secret: String,
    /// Secret that signs session cookies.
    #[arg(long, env = "COOKIE_SECRET", hide_env_values = true, default_value = DEV_SECRET, hide_default_value = true, global = true)]
    cookie_secret: String,
    /// Origins allowed to call /admin from a browser, comma-separated.
    #[arg(long, env = "ADMIN_CORS", default_value = "", global = true)]
    admin_cors: String,
    /// Origins allowed to call /auth from a browser, comma-separated.
    #[arg(long, env = "AUTH_CORS", default_value = "", global = true)]
    auth_cors: String,
    /// Failed logins allowed for one email per window; more are answered 429.
    #[arg(long, env = "LOGIN_MAX_FAILURES", default_value_t = 10, global = true)]
    login_max_failures: i64,
    /// Failed logins allowed from one client address per window.
    #[arg(
        long,
        env = "LOGIN_MAX_FAILURES_PER_ADDRESS",
        default_value_t = 100,
        global = true
    )]
    login_max_failures_per_address: i64,
    /// The failed-login window, in seconds.
    #[arg(long, env = "LOGIN_WINDOW_SECONDS", default_value_t = 900, global = true)]
    login_window_seconds: i64,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the HTTP API (what a bare `clientele` does); migrates the database first.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Manage admin users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys.
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
}

#[derive(Subcommand, Debug)]
enum ApiKeyCommand {
    /// Create a secret API key and print its token (shown this once) for automation.
    Create {
        #[arg(short, long)]
        title: String,
    },
}

#[derive(Args, Debug, Default)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "CLIENTELE_LISTEN", default_value = "127.0.0.1:9000")]
    listen: String,
}

#[derive(Subcommand, Debug)]
enum UserCommand {
    /// Create an admin user who can log in with this email and password.
    Create {
        #[arg(short, long)]
        email: String,
        #[arg(short, long)]
        password: String,
    },
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::io::stderr().is_terminal() {
        builder.init();
    } else {
        // JSON lines, each carrying the request span (request.id, http.method, http.path)
        builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .init();
    }
}

fn config(s: &Settings) -> Result<Config, String> {
    let mut config = Config::new(&s.database_url);
    config.jwt_secret = s.jwt_secret.clone();
    config.cookie_secret = s.cookie_secret.clone();
    config.admin_cors = parse_origins(&s.admin_cors)?;
    config.auth_cors = parse_origins(&s.auth_cors)?;
    config.login_limits = LoginLimits {
        per_email: s.login_max_failures,
        per_address: s.login_max_failures_per_address,
        window_seconds: s.login_window_seconds,
    };
    config.production = std::env::var("NODE_ENV").is_ok_and(|v| v == "production");
    Ok(config)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = config(&cli.settings)?;
    match cli.command.unwrap_or(Command::Serve(ServeArgs {
        listen: default_listen(),
    })) {
        Command::Serve(args) => {
            if config.jwt_secret == DEV_SECRET || config.cookie_secret == DEV_SECRET {
                tracing::warn!(
                    "JWT_SECRET or COOKIE_SECRET is unset: using Medusa's development default; set both in production"
                );
            }
            let app = Application::build(config, &args.listen)
                .await
                .map_err(|e| e.to_string())?;
            let addr = app.local_addr().map_err(|e| e.to_string())?;
            if !clientele::store::users::any(app.db())
                .await
                .map_err(|e| e.to_string())?
            {
                tracing::warn!(
                    "no admin user yet: create one with `clientele user create --email EMAIL --password PASSWORD`"
                );
            }
            tracing::info!(listen = %addr, "clientele listening");
            app.run_until(shutdown_signal()).await.map_err(|e| e.to_string())
        }
        Command::Migrate => {
            let db = Db::connect(&config.database_url)
                .await
                .map_err(|e| e.to_string())?;
            let n = clientele::store::migrate::run(&db)
                .await
                .map_err(|e| e.to_string())?;
            println!("applied {n} migration(s)");
            Ok(())
        }
        Command::User {
            command: UserCommand::Create { email, password },
        } => {
            let db = migrated(&config.database_url).await?;
            let id = clientele::create_user(&db, &email, &password)
                .await
                .map_err(|e| e.to_string())?;
            println!("created admin user {id} <{email}>");
            Ok(())
        }
        Command::ApiKey {
            command: ApiKeyCommand::Create { title },
        } => {
            let db = migrated(&config.database_url).await?;
            let (id, token) = clientele::create_api_key(&db, &title, "secret", "cli")
                .await
                .map_err(|e| e.to_string())?;
            eprintln!("created secret API key {id}; use it as: Authorization: Basic base64(TOKEN:)");
            println!("{token}");
            Ok(())
        }
    }
}

/// A connection to a database brought up to the current schema.
async fn migrated(url: &str) -> Result<Db, String> {
    let db = Db::connect(url).await.map_err(|e| e.to_string())?;
    clientele::store::migrate::run(&db)
        .await
        .map_err(|e| e.to_string())?;
    Ok(db)
}

/// `CLIENTELE_LISTEN` for a bare `clientele`, as for `clientele serve`.
fn default_listen() -> String {
    std::env::var("CLIENTELE_LISTEN").unwrap_or_else(|_| "127.0.0.1:9000".into())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("clientele: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "clientele failed");
            eprintln!("clientele: {e}");
            ExitCode::FAILURE
        }
    }
}
