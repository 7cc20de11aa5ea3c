//! Login, bearer JWTs and cookie sessions on the admin routes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET, TestApp, keys, parts};

async fn status_with(app: &TestApp, header: Option<(&str, String)>) -> (u16, Value) {
    let mut req = app.request(Method::GET, "/admin/customers");
    if let Some((name, value)) = header {
        req = req.header(name, value);
    }
    parts(req.send().await.unwrap()).await
}

fn forge(claims: Value, alg: &str, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT"}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    if alg == "none" {
        return format!("{header}.{payload}.");
    }
    let signed = clientele::auth::jwt::sign(&claims, secret);
    let sig = signed.rsplit('.').next().unwrap().to_string();
    format!("{header}.{payload}.{sig}")
}

fn claims(actor_type: &str, exp_offset: i64) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut c = clientele::auth::jwt::user_claims("user_01TEST", "authid_01TEST", now);
    c["actor_type"] = json!(actor_type);
    c["exp"] = json!(now + exp_offset);
    c
}

both_backends! {
    async fn login_issues_a_medusa_jwt(app) {
        let resp = app.request(Method::POST, "/auth/user/emailpass")
            .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).send().await.unwrap();
        let (status, body) = parts(resp).await;
        assert_eq!(status, 200);
        assert_eq!(keys(&body), ["token"]);
        let token = body["token"].as_str().unwrap();
        let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert_eq!(payload["actor_type"], "user");
        assert_eq!(payload["auth_provider"], "emailpass");
        assert!(payload["actor_id"].as_str().unwrap().starts_with("user_"));
        assert!(payload["auth_identity_id"].as_str().unwrap().starts_with("authid_"));
        assert_eq!(payload["app_metadata"]["user_id"], payload["actor_id"]);
        assert_eq!(payload["exp"].as_i64().unwrap() - payload["iat"].as_i64().unwrap(), 86400);
        let (status, _) = status_with(app, Some(("authorization", format!("Bearer {token}")))).await;
        assert_eq!(status, 200);
        let (status, _) = status_with(app, Some(("authorization", format!("bearer   {token}")))).await;
        assert_eq!(status, 200, "the scheme is case-insensitive");
    }
}

both_backends! {
    async fn wrong_credentials_are_the_same_401(app) {
        for body in [
            json!({"email": ADMIN_EMAIL, "password": "nope"}),
            json!({"email": "ghost@example.com", "password": ADMIN_PASSWORD}),
            json!({"email": ADMIN_EMAIL.to_uppercase(), "password": ADMIN_PASSWORD}),
        ] {
            let resp = app.request(Method::POST, "/auth/user/emailpass").json(&body).send().await.unwrap();
            let (status, resp) = parts(resp).await;
            assert_eq!(status, 401);
            assert_eq!(resp, json!({"type": "unauthorized", "message": "Invalid email or password"}));
        }
        let resp = app.request(Method::POST, "/auth/user/emailpass").json(&json!({"email": 1, "password": "x"})).send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let resp = app.request(Method::POST, "/auth/user/emailpass").body("{").header("content-type", "application/json").send().await.unwrap();
        assert_eq!(resp.status(), 400);
    }
}

both_backends! {
    async fn admin_routes_refuse_bad_credentials_with_medusa_401(app) {
        let secret = JWT_SECRET.as_bytes();
        let cases: Vec<Option<(&str, String)>> = vec![
            None,
            Some(("authorization", "Bearer".into())),
            Some(("authorization", "Bearer not.a.valid.jwt".into())),
            Some(("authorization", "Token abc".into())),
            Some(("authorization", "Basic c2tfd3Jvbmc6".into())),
            Some(("authorization", format!("Bearer {}", forge(claims("user", 3600), "HS256", b"wrong-secret")))),
            Some(("authorization", format!("Bearer {}", forge(claims("user", -10), "HS256", secret)))),
            Some(("authorization", format!("Bearer {}", forge(claims("user", 3600), "none", secret)))),
            Some(("authorization", format!("Bearer {}", forge(claims("customer", 3600), "HS256", secret)))),
            Some(("authorization", format!("Bearer {}", forge({ let mut c = claims("user", 3600); c["actor_id"] = json!(""); c }, "HS256", secret)))),
            Some(("cookie", "connect.sid=s%3Aforged.c2lnbmF0dXJl".into())),
        ];
        for case in cases {
            let (status, body) = status_with(app, case.clone()).await;
            assert_eq!((status, body), (401, json!({"message": "Unauthorized"})), "{case:?}");
        }
        let (status, body) = status_with(app, Some(("authorization", format!("Bearer sk_{}", "a".repeat(64))))).await;
        assert_eq!(status, 401);
        assert!(body["message"].as_str().unwrap().starts_with("A secret API key was passed as a Bearer token"));
        // a correctly signed token with the server's secret works
        let (status, _) = status_with(app, Some(("authorization", format!("Bearer {}", forge(claims("user", 3600), "HS256", secret))))).await;
        assert_eq!(status, 200);
        // unknown admin routes are refused before routing, as Medusa
        let (status, body) = parts(app.request(Method::GET, "/admin/nothing-here").send().await.unwrap()).await;
        assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    }
}

both_backends! {
    async fn cookie_sessions_work_until_deleted(app) {
        let resp = app.admin(Method::POST, "/auth/session").send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(set_cookie.starts_with("connect.sid=s%3A"), "{set_cookie}");
        assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("Path=/"), "{set_cookie}");
        assert!(!set_cookie.contains("Secure"), "not in production mode");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["user"]["actor_type"], "user");
        let cookie = set_cookie.split(';').next().unwrap().to_string();
        let (status, _) = status_with(app, Some(("cookie", cookie.clone()))).await;
        assert_eq!(status, 200);
        let created = parts(app.request(Method::POST, "/admin/customers").header("cookie", cookie.clone()).json(&json!({})).send().await.unwrap()).await;
        assert_eq!(created.0, 200);
        assert_eq!(created.1["customer"]["created_by"], body["user"]["actor_id"]);
        // a tampered signature is refused
        let tampered = format!("{}x", cookie);
        assert_eq!(status_with(app, Some(("cookie", tampered))).await.0, 401);
        let resp = app.request(Method::DELETE, "/auth/session").header("cookie", cookie.clone()).send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert!(resp.headers()["set-cookie"].to_str().unwrap().contains("1970"));
        assert_eq!(resp.json::<Value>().await.unwrap(), json!({"success": true}));
        assert_eq!(status_with(app, Some(("cookie", cookie))).await.0, 401, "the session is gone");
        let resp = app.request(Method::POST, "/auth/session").send().await.unwrap();
        assert_eq!(resp.status(), 401, "a session needs a bearer token");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_cookies_are_secure() {
    let app = TestApp::spawn_with(crate::helpers::Backend::Sqlite, |c| c.production = true).await;
    let resp = app.admin(Method::POST, "/auth/session").send().await.unwrap();
    let set_cookie = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set_cookie.contains("; Secure") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    app.cleanup().await;
}

async fn login_status(app: &TestApp, email: &str, password: &str) -> (u16, Option<String>, Value) {
    let resp = app
        .request(Method::POST, "/auth/user/emailpass")
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    let retry = resp
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    let (status, body) = parts(resp).await;
    (status, retry, body)
}

async fn throttled(backend: crate::helpers::Backend) {
    let app = TestApp::spawn_with(backend, |c| {
        c.login_limits = clientele::config::LoginLimits {
            per_email: 3,
            per_address: 1000,
            window_seconds: 60,
        }
    })
    .await;
    for _ in 0..3 {
        assert_eq!(login_status(&app, ADMIN_EMAIL, "wrong").await.0, 401);
    }
    let (status, retry, body) = login_status(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(status, 429, "even the right password waits: {body}");
    let secs: i64 = retry.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&secs), "{secs}");
    assert_eq!(body["type"], "not_allowed");
    assert_eq!(
        login_status(&app, "someone-else@example.com", "wrong").await.0,
        401,
        "other emails are not blocked"
    );
    app.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_for_one_email_are_429_sqlite() {
    throttled(crate::helpers::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failed_logins_for_one_email_are_429_postgres() {
    throttled(crate::helpers::Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_logins_from_one_address_are_limited_on_every_process() {
    let app = TestApp::spawn_with(crate::helpers::Backend::Postgres, |c| {
        c.login_limits = clientele::config::LoginLimits {
            per_email: 1000,
            per_address: 4,
            window_seconds: 60,
        }
    })
    .await;
    let two = app.second_server().await;
    for i in 0..2 {
        assert_eq!(
            login_status(&app, &format!("guess{i}@example.com"), "x").await.0,
            401
        );
        assert_eq!(
            login_status(&two, &format!("other{i}@example.com"), "x").await.0,
            401
        );
    }
    // the second process was started with the default limits, but the failures are shared: the
    // first one (limit 4) now refuses this address
    let (status, retry, _) = login_status(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(status, 429);
    assert!(retry.is_some());
    two.cleanup().await;
    app.cleanup().await;
}

both_backends! {
    async fn a_refused_user_create_writes_nothing(app) {
        // a deleted user still holds its email identity: creating the email again must fail whole
        let mut soft = app.db.sql();
        soft.push("UPDATE app_user SET deleted_at = updated_at");
        app.db.execute(soft).await.unwrap();
        let before = {
            let mut q = app.db.sql();
            q.push("SELECT COUNT(*) FROM app_user");
            app.db.fetch_i64(q).await.unwrap()
        };
        assert!(clientele::store::users::create(&app.db, ADMIN_EMAIL, "hash").await.is_err());
        let mut q = app.db.sql();
        q.push("SELECT COUNT(*) FROM app_user");
        assert_eq!(app.db.fetch_i64(q).await.unwrap(), before, "no user without an identity");
    }
}
