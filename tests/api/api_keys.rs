//! Secret API keys, the auth matrix over every admin route, and several processes on one database.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{Backend, JWT_SECRET, TestApp, keys, parts};

async fn new_key(app: &TestApp, kind: &str) -> Value {
    let (status, body) = app
        .post("/admin/api-keys", json!({"title": "ci key", "type": kind}))
        .await;
    assert_eq!(status, 200, "{body}");
    body["api_key"].clone()
}

fn basic(token: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{token}:")))
}

async fn with_auth(app: &TestApp, method: Method, path: &str, auth: &str) -> (u16, Value) {
    let mut req = app.request(method.clone(), path).header("authorization", auth);
    if method == Method::POST {
        req = req.json(&json!({}));
    }
    parts(req.send().await.unwrap()).await
}

both_backends! {
    async fn secret_keys_are_shown_once_and_stored_hashed(app) {
        let key = new_key(app, "secret").await;
        let token = key["token"].as_str().unwrap().to_string();
        assert!(token.starts_with("sk_") && token.len() == 67, "{token}");
        assert_eq!(key["redacted"], format!("{}***{}", &token[..6], &token[64..]));
        assert_eq!(keys(&key), ["created_at", "created_by", "deleted_at", "id", "last_used_at", "redacted",
            "revoked_at", "revoked_by", "title", "token", "type", "updated_at"]);
        let id = key["id"].as_str().unwrap();
        let (_, body) = app.get(&format!("/admin/api-keys/{id}")).await;
        assert_eq!(keys(&body["api_key"]), ["created_at", "created_by", "id", "last_used_at", "redacted",
            "revoked_at", "revoked_by", "sales_channels", "title", "token", "type", "updated_at"], "reads show Medusa's fields");
        assert_eq!(body["api_key"]["sales_channels"], json!([]));
        let (_, body) = app.get(&format!("/admin/api-keys/{id}?fields=id,title")).await;
        assert_eq!(keys(&body["api_key"]), ["id", "title"]);
        let (status, body) = app.get("/admin/api-keys/apk_NOPE").await;
        assert_eq!((status, body["message"].clone()), (404, json!("API Key with id: apk_NOPE was not found")));
        let (_, body) = app.get(&format!("/admin/api-keys/{id}")).await;
        assert_eq!(body["api_key"]["token"], "", "never shown again");
        let (_, body) = app.get("/admin/api-keys").await;
        assert_eq!((body["count"].clone(), body["limit"].clone()), (json!(1), json!(20)));
        assert_eq!(body["api_keys"][0]["token"], "");
        // not in the database either, in any column
        let mut sql = app.db.sql();
        sql.push("SELECT COUNT(*) FROM api_key WHERE token LIKE '%' || ").bind(clientele::store::Param::Text(Some(token[3..].to_string()))).push(" || '%' OR token_hash = ").bind(clientele::store::Param::Text(Some(token.clone())));
        assert_eq!(app.db.fetch_i64(sql).await.unwrap(), 0);
        let pk = new_key(app, "publishable").await;
        assert!(pk["token"].as_str().unwrap().starts_with("pk_"));
        let (status, body) = app.post("/admin/api-keys", json!({"title": "x", "type": "admin"})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Expected: 'publishable, secret' for field 'type', but got: 'admin'")));
        let (status, body) = app.post("/admin/api-keys", json!({"type": "secret"})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Field 'title' is required")));
    }
}

both_backends! {
    async fn a_secret_key_authenticates_over_basic(app) {
        let key = new_key(app, "secret").await;
        let token = key["token"].as_str().unwrap();
        let id = key["id"].as_str().unwrap();
        for auth in [basic(token), format!("Basic {}", STANDARD.encode(token)), format!("Basic {token}")] {
            let (status, _) = with_auth(app, Method::GET, "/admin/customers", &auth).await;
            assert_eq!(status, 200, "{auth}");
        }
        let resp = app.request(Method::POST, "/admin/customers").header("authorization", basic(token)).json(&json!({})).send().await.unwrap();
        let (_, body) = parts(resp).await;
        assert_eq!(body["customer"]["created_by"], id, "created_by is the key");
        let (_, body) = app.get(&format!("/admin/api-keys/{id}")).await;
        assert!(body["api_key"]["last_used_at"].is_string(), "last_used_at is kept");
        let (status, body) = with_auth(app, Method::GET, "/admin/customers", &format!("Bearer {token}")).await;
        assert_eq!(status, 401);
        assert!(body["message"].as_str().unwrap().contains("HTTP Basic"));
        let pk = new_key(app, "publishable").await;
        let (status, _) = with_auth(app, Method::GET, "/admin/customers", &basic(pk["token"].as_str().unwrap())).await;
        assert_eq!(status, 401, "a publishable key is no admin credential");
        // the same redacted form (first six and last three characters), another token
        let flipped = if &token[60..61] == "0" { "1" } else { "0" };
        let wrong = format!("{}{flipped}{}", &token[..60], &token[61..]);
        assert_ne!(wrong, token);
        let (status, _) = with_auth(app, Method::GET, "/admin/customers", &basic(&wrong)).await;
        assert_eq!(status, 401);
        let (status, body) = with_auth(app, Method::GET, "/admin/users/me", &basic(token)).await;
        assert_eq!((status, body["type"].clone()), (404, json!("not_found")), "a key is not a user");
    }
}

both_backends! {
    async fn revoking_and_deleting_keys(app) {
        let key = new_key(app, "secret").await;
        let token = key["token"].as_str().unwrap();
        let id = key["id"].as_str().unwrap();
        let (status, body) = app.delete(&format!("/admin/api-keys/{id}")).await;
        assert_eq!((status, body), (400, json!({"type": "not_allowed", "message": format!("Cannot delete api keys that are not revoked - {id}")})));
        let (status, body) = app.post(&format!("/admin/api-keys/{id}/revoke"), json!({})).await;
        assert_eq!(status, 200);
        assert!(body["api_key"]["revoked_at"].is_string());
        assert!(body["api_key"]["revoked_by"].as_str().unwrap().starts_with("user_"));
        let (status, _) = with_auth(app, Method::GET, "/admin/customers", &basic(token)).await;
        assert_eq!(status, 401, "revoked at once on this process");
        let (status, body) = app.post(&format!("/admin/api-keys/{id}/revoke"), json!({})).await;
        assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
        let (status, _) = app.post("/admin/api-keys/apk_NOPE/revoke", json!({})).await;
        assert_eq!(status, 404);
        let (status, body) = app.delete(&format!("/admin/api-keys/{id}")).await;
        assert_eq!((status, body), (200, json!({"id": id, "object": "api_key", "deleted": true})));
        let (status, _) = app.get(&format!("/admin/api-keys/{id}")).await;
        assert_eq!(status, 404);
        // a key revoked in the future works until then
        let later = new_key(app, "secret").await;
        let (status, _) = app.post(&format!("/admin/api-keys/{}/revoke", later["id"].as_str().unwrap()), json!({"revoke_in": 3600})).await;
        assert_eq!(status, 200);
        let (status, _) = with_auth(app, Method::GET, "/admin/customers", &basic(later["token"].as_str().unwrap())).await;
        assert_eq!(status, 200);
        let (status, body) = app.post(&format!("/admin/api-keys/{}/revoke", later["id"].as_str().unwrap()), json!({})).await;
        assert_eq!(status, 200, "a key set to be revoked later can be revoked now: {body}");
        let (status, _) = with_auth(app, Method::GET, "/admin/customers", &basic(later["token"].as_str().unwrap())).await;
        assert_eq!(status, 401);
        let (status, _) = app.post(&format!("/admin/api-keys/{}", later["id"].as_str().unwrap()), json!({"title": "renamed"})).await;
        assert_eq!(status, 200);
        let (status, body) = app.post(&format!("/admin/api-keys/{}/revoke", later["id"].as_str().unwrap()), json!({"revoke_in": -1})).await;
        assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
    }
}

fn forged(actor_type: &str, exp_offset: i64, alg: &str, secret: &[u8]) -> String {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut c = clientele::auth::jwt::user_claims("user_01TEST", "authid_01TEST", now);
    c["actor_type"] = json!(actor_type);
    c["exp"] = json!(now + exp_offset);
    let signed = clientele::auth::jwt::sign(&c, secret);
    if alg == "none" {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = signed.split('.').nth(1).unwrap();
        return format!("{header}.{payload}.");
    }
    signed
}

/// Every admin route, with placeholder ids (authentication runs before anything else).
const ADMIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/admin/customers"),
    ("POST", "/admin/customers"),
    ("GET", "/admin/customers/cus_X"),
    ("POST", "/admin/customers/cus_X"),
    ("DELETE", "/admin/customers/cus_X"),
    ("POST", "/admin/customers/cus_X/customer-groups"),
    ("GET", "/admin/customers/cus_X/addresses"),
    ("POST", "/admin/customers/cus_X/addresses"),
    ("GET", "/admin/customers/cus_X/addresses/cuaddr_X"),
    ("POST", "/admin/customers/cus_X/addresses/cuaddr_X"),
    ("DELETE", "/admin/customers/cus_X/addresses/cuaddr_X"),
    ("GET", "/admin/customer-groups"),
    ("POST", "/admin/customer-groups"),
    ("GET", "/admin/customer-groups/cusgroup_X"),
    ("POST", "/admin/customer-groups/cusgroup_X"),
    ("DELETE", "/admin/customer-groups/cusgroup_X"),
    ("POST", "/admin/customer-groups/cusgroup_X/customers"),
    ("GET", "/admin/api-keys"),
    ("POST", "/admin/api-keys"),
    ("GET", "/admin/api-keys/apk_X"),
    ("POST", "/admin/api-keys/apk_X"),
    ("DELETE", "/admin/api-keys/apk_X"),
    ("POST", "/admin/api-keys/apk_X/revoke"),
    ("GET", "/admin/users/me"),
];

both_backends! {
    async fn auth_matrix_every_admin_route_refuses_every_bad_credential(app) {
        let secret = JWT_SECRET.as_bytes();
        let revoked = new_key(app, "secret").await;
        app.post(&format!("/admin/api-keys/{}/revoke", revoked["id"].as_str().unwrap()), json!({})).await;
        let publishable = new_key(app, "publishable").await;
        let live = new_key(app, "secret").await;
        let live_token = live["token"].as_str().unwrap().to_string();
        let session = app.admin(Method::POST, "/auth/session").send().await.unwrap();
        let cookie = session.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let dead = app.admin(Method::POST, "/auth/session").send().await.unwrap();
        let dead_cookie = dead.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        app.request(Method::DELETE, "/auth/session").header("cookie", &dead_cookie).send().await.unwrap();
        let (name, value) = cookie.split_once('=').unwrap();
        let tampered = format!("{name}={}", value.replacen("s%3A", "s%3AX", 1));

        let bad: Vec<(&str, String)> = vec![
            ("", String::new()),
            ("authorization", "Bearer".into()),
            ("authorization", "Token abc".into()),
            ("authorization", format!("Bearer {}", forged("user", 3600, "HS256", b"not-the-secret"))),
            ("authorization", format!("Bearer {}", forged("user", -1, "HS256", secret))),
            ("authorization", format!("Bearer {}", forged("user", 3600, "none", secret))),
            ("authorization", format!("Bearer {}", forged("customer", 3600, "HS256", secret))),
            ("authorization", basic(revoked["token"].as_str().unwrap())),
            ("authorization", basic(publishable["token"].as_str().unwrap())),
            ("cookie", dead_cookie.clone()),
            ("cookie", tampered),
            ("authorization", format!("Bearer {live_token}")),
        ];
        let mut checked = 0;
        for (method, path) in ADMIN_ROUTES {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            for (header, value) in &bad {
                let mut req = app.request(method.clone(), path);
                if !header.is_empty() {
                    req = req.header(*header, value);
                }
                let (status, body) = parts(req.json(&json!({})).send().await.unwrap()).await;
                assert_eq!(status, 401, "{method} {path} with {header}: {value}: {body}");
                checked += 1;
            }
            for good in [("authorization", format!("Bearer {}", app.token)), ("cookie", cookie.clone()), ("authorization", basic(&live_token))] {
                let (status, body) = parts(app.request(method.clone(), path).header(good.0, &good.1).json(&json!({})).send().await.unwrap()).await;
                assert_ne!(status, 401, "{method} {path} with {}: {body}", good.0);
                assert!(status < 500, "{method} {path}: {status} {body}");
            }
        }
        assert_eq!(checked, ADMIN_ROUTES.len() * 12);
    }
}

both_backends! {
    async fn users_me_and_token_refresh(app) {
        let (status, body) = app.get("/admin/users/me").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["user"]["email"], crate::helpers::ADMIN_EMAIL);
        assert_eq!(keys(&body["user"]), ["avatar_url", "created_at", "deleted_at", "email", "first_name", "id", "last_name", "metadata", "updated_at"]);
        let (status, body) = parts(app.admin(Method::POST, "/auth/token/refresh").send().await.unwrap()).await;
        assert_eq!(status, 200);
        let fresh = body["token"].as_str().unwrap();
        let (status, _) = with_auth(app, Method::GET, "/admin/users/me", &format!("Bearer {fresh}")).await;
        assert_eq!(status, 200);
        let session = app.admin(Method::POST, "/auth/session").send().await.unwrap();
        let cookie = session.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
        let (status, body) = parts(app.request(Method::POST, "/auth/token/refresh").header("cookie", cookie).send().await.unwrap()).await;
        assert_eq!((status, body["token"].is_string()), (200, true));
        let (status, body) = parts(app.request(Method::POST, "/auth/token/refresh").send().await.unwrap()).await;
        assert_eq!((status, body), (401, json!({"message": "Unauthorized"})));
    }
}

/// Several Clientele processes on one PostgreSQL: whatever one issues works on the other, and a
/// logout or a revoke through one holds on both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_tokens_sessions_keys_and_revocations() {
    let one = TestApp::spawn(Backend::Postgres).await;
    let two = one.second_server().await;
    let key = new_key(&one, "secret").await;
    let token = key["token"].as_str().unwrap().to_string();
    let session = one.admin(Method::POST, "/auth/session").send().await.unwrap();
    let cookie = session.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    for app in [&one, &two] {
        assert_eq!(
            with_auth(
                app,
                Method::GET,
                "/admin/customers",
                &format!("Bearer {}", one.token)
            )
            .await
            .0,
            200
        );
        assert_eq!(
            with_auth(app, Method::GET, "/admin/customers", &basic(&token))
                .await
                .0,
            200
        );
        let (status, _) = parts(
            app.request(Method::GET, "/admin/customers")
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
    }
    two.request(Method::DELETE, "/auth/session")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    for app in [&one, &two] {
        let (status, _) = parts(
            app.request(Method::GET, "/admin/customers")
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 401, "logged out everywhere");
    }
    let (status, _) = two
        .post(
            &format!("/admin/api-keys/{}/revoke", key["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    tokio::time::sleep(clientele::auth::api_key::STATUS_TTL + std::time::Duration::from_millis(100)).await;
    for app in [&one, &two] {
        assert_eq!(
            with_auth(app, Method::GET, "/admin/customers", &basic(&token))
                .await
                .0,
            401,
            "revoked everywhere within a second"
        );
    }
    two.cleanup().await;
    one.cleanup().await;
}
