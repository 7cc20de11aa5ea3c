//! Generic HTTP: health, request ids, CORS, unknown routes and methods, trailing slashes, HEAD.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{ORIGIN, parts};

both_backends! {
    async fn health_needs_no_credentials(app) {
        let resp = app.request(Method::GET, "/health").send().await.unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.text().await.unwrap(), "OK");
    }
}

both_backends! {
    async fn request_ids_are_honoured_or_made(app) {
        let resp = app.request(Method::GET, "/health").header("x-request-id", "abc-123").send().await.unwrap();
        assert_eq!(resp.headers()["x-request-id"], "abc-123");
        let resp = app.request(Method::GET, "/health").send().await.unwrap();
        assert!(!resp.headers()["x-request-id"].is_empty());
    }
}

both_backends! {
    async fn cors_reflects_allowed_origins_only(app) {
        let resp = app.request(Method::OPTIONS, "/admin/customers")
            .header("origin", ORIGIN).header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,authorization").send().await.unwrap();
        assert_eq!(resp.status(), 204);
        assert_eq!(resp.headers()["access-control-allow-origin"], ORIGIN);
        assert_eq!(resp.headers()["access-control-allow-credentials"], "true");
        assert_eq!(resp.headers()["access-control-allow-headers"], "content-type,authorization");
        let resp = app.request(Method::GET, "/admin/customers").header("origin", ORIGIN).send().await.unwrap();
        assert_eq!(resp.status(), 401);
        assert_eq!(resp.headers()["access-control-allow-origin"], ORIGIN, "CORS runs before auth");
        let resp = app.request(Method::GET, "/admin/customers").header("origin", "http://evil.test").send().await.unwrap();
        assert!(resp.headers().get("access-control-allow-origin").is_none());
        let resp = app.request(Method::GET, "/admin/customers").header("origin", "https://shop.regex.test").send().await.unwrap();
        assert_eq!(resp.headers()["access-control-allow-origin"], "https://shop.regex.test", "a /regex/ entry");
        let resp = app.request(Method::GET, "/admin/customers").header("origin", "https://shop.regex.test.evil").send().await.unwrap();
        assert!(resp.headers().get("access-control-allow-origin").is_none());
        let resp = app.request(Method::GET, "/auth/user/emailpass").header("origin", "https://shop.regex.test").send().await.unwrap();
        assert!(resp.headers().get("access-control-allow-origin").is_none(), "AUTH_CORS is its own list");
        let resp = app.request(Method::OPTIONS, "/auth/user/emailpass")
            .header("origin", ORIGIN).header("access-control-request-method", "POST").send().await.unwrap();
        assert_eq!(resp.headers()["access-control-allow-origin"], ORIGIN);
    }
}

both_backends! {
    async fn unknown_routes_and_methods_answer_json(app) {
        let (status, body) = parts(app.admin(Method::GET, "/admin/customerz").send().await.unwrap()).await;
        assert_eq!(status, 404);
        assert_eq!(body["type"], "not_found");
        let (status, body) = parts(app.admin(Method::PUT, "/admin/customers").json(&json!({})).send().await.unwrap()).await;
        assert_eq!(status, 405);
        assert!(body["message"].is_string());
        let (status, body) = parts(app.request(Method::GET, "/nothing").send().await.unwrap()).await;
        assert_eq!((status, body["type"].clone()), (404, json!("not_found")));
    }
}

both_backends! {
    async fn trailing_slash_and_head_work(app) {
        let (status, body) = app.get("/admin/customers/").await;
        assert_eq!(status, 200);
        assert_eq!(body["customers"], json!([]));
        let resp = app.admin(Method::HEAD, "/admin/customers?limit=1").send().await.unwrap();
        assert_eq!(resp.status(), 200);
        let (status, body) = app.get("/admin/customers").await;
        assert_eq!((status, body["count"].clone()), (200, json!(0)));
        let _: Value = body;
    }
}

/// The served document is the committed snapshot, so every API change shows up in review.
/// Regenerate with `UPDATE_SNAPSHOTS=1 cargo test --test api openapi`.
#[test]
fn openapi_document_matches_the_committed_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/clientele.json");
    let current = serde_json::to_string_pretty(&clientele::http::openapi::document()).unwrap() + "\n";
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::write(&path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "openapi/clientele.json is stale: run UPDATE_SNAPSHOTS=1 cargo test --test api openapi"
    );
}

both_backends! {
    async fn openapi_is_served_without_credentials(app) {
        let (status, body) = parts(app.request(Method::GET, "/openapi.json").send().await.unwrap()).await;
        assert_eq!(status, 200);
        assert_eq!(body, clientele::http::openapi::document());
        // every route the server answers is documented, and every documented one answers
        for (path, item) in body["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let concrete = path.replace("{id}", "x").replace("{address_id}", "y").replace("{auth_provider}", "emailpass");
                let resp = app.admin(Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(), &concrete).json(&json!({})).send().await.unwrap();
                assert!(resp.status() != 405 && !(resp.status() == 404 && resp.text().await.unwrap().contains("Cannot ")), "{method} {path} is documented but not routed");
            }
        }
    }
}
