//! `POST /admin/customers`: validation, defaults, duplicates, body formats.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, keys, parts};

async fn invalid(app: &TestApp, body: Value) -> String {
    let (status, resp) = app.post("/admin/customers", body.clone()).await;
    assert_eq!(status, 400, "{body}: {resp}");
    assert_eq!(resp["type"], "invalid_data");
    assert_eq!(keys(&resp), ["message", "type"]);
    resp["message"].as_str().unwrap().to_string()
}

fn is_timestamp(v: &Value) -> bool {
    let s = v.as_str().unwrap_or_default();
    s.len() == 24 && s.ends_with('Z') && s.as_bytes()[19] == b'.' && s.as_bytes()[10] == b'T'
}

both_backends! {
    async fn create_returns_the_customer_with_medusa_defaults(app) {
        let c = app.create_customer(json!({
            "email": "jane@example.com", "company_name": "Acme", "first_name": "Jane", "last_name": "Doe",
            "phone": "+1-555", "metadata": {"tier": "gold", "nested": {"a": [1, 2]}}
        })).await;
        let id = c["id"].as_str().unwrap();
        assert!(id.starts_with("cus_") && id.len() == 30, "{id}");
        assert!(id[4..].chars().all(|ch| ch.is_ascii_digit() || ch.is_ascii_uppercase()));
        assert_eq!(c["metadata"], json!({"tier": "gold", "nested": {"a": [1, 2]}}));
        assert_eq!(c["has_account"], false);
        assert_eq!(c["deleted_at"], Value::Null);
        assert!(c["created_by"].as_str().unwrap().starts_with("user_"));
        assert!(is_timestamp(&c["created_at"]) && is_timestamp(&c["updated_at"]), "{c}");
        assert_eq!(keys(&c).len(), 12);
        let (_, list) = app.get("/admin/customers").await;
        assert_eq!(list["customers"][0], c, "the list shows what create returned");
    }
}

both_backends! {
    async fn empty_and_null_bodies_are_valid(app) {
        let c = app.create_customer(json!({})).await;
        for k in ["email", "first_name", "last_name", "company_name", "phone", "metadata"] {
            assert_eq!(c[k], Value::Null, "{k}");
        }
        let c = app.create_customer(json!({"email": null, "first_name": "N", "metadata": null, "additional_data": {"x": 1}})).await;
        assert_eq!((c["email"].clone(), c["first_name"].clone()), (Value::Null, json!("N")));
        assert!(c.get("additional_data").is_none(), "additional_data is not stored");
        // several customers without an email may exist
        app.create_customer(json!({})).await;
    }
}

both_backends! {
    async fn validation_messages_match_medusa(app) {
        assert_eq!(invalid(app, json!({"email": "not-an-email"})).await, "Invalid request: Invalid email address");
        assert_eq!(invalid(app, json!({"email": " a@b.co "})).await, "Invalid request: Invalid email address");
        assert_eq!(invalid(app, json!({"foo": "bar"})).await, "Invalid request: Unrecognized fields: 'foo'");
        for refused in ["has_account", "id", "created_by", "addresses"] {
            assert_eq!(invalid(app, json!({refused: true})).await, format!("Invalid request: Unrecognized fields: '{refused}'"));
        }
        assert_eq!(invalid(app, json!({"metadata": "oops"})).await,
            "Invalid request: Expected type: 'record' for field 'metadata', got: 'oops'");
        assert_eq!(invalid(app, json!({"first_name": 123})).await,
            "Invalid request: Expected type: 'string' for field 'first_name', got: '123'");
        assert_eq!(invalid(app, json!({"email": "bad", "first_name": 1, "metadata": "x", "phone": true})).await,
            "Invalid request: Invalid email address; Expected type: 'string' for field 'first_name', got: '1'; Expected type: 'string' for field 'phone', got: 'true'",
            "at most three problems");
        assert!(invalid(app, json!([{"email": "a@b.co"}])).await.starts_with("Invalid request"));
        assert!(invalid(app, json!("text")).await.starts_with("Invalid request"));
        let (_, list) = app.get("/admin/customers").await;
        assert_eq!(list["count"], 0, "nothing was written");
    }
}

both_backends! {
    async fn emails_are_kept_as_given_and_duplicates_refused(app) {
        app.create_customer(json!({"email": "jane.doe@example.com"})).await;
        let (status, body) = app.post("/admin/customers", json!({"email": "jane.doe@example.com", "first_name": "Again"})).await;
        assert_eq!(status, 400);
        assert_eq!(body, json!({"type": "invalid_data", "message": "Customer with email: jane.doe@example.com, has_account: false, already exists."}));
        let upper = app.create_customer(json!({"email": "JANE.DOE@EXAMPLE.COM"})).await;
        assert_eq!(upper["email"], "JANE.DOE@EXAMPLE.COM", "case is kept and differs");
        let plus = app.create_customer(json!({"email": "a+tag@example.com"})).await;
        assert_eq!(plus["email"], "a+tag@example.com");
        let (_, list) = app.get("/admin/customers?fields=id").await;
        assert_eq!(list["count"], 3);
    }
}

both_backends! {
    async fn concurrent_creates_of_one_email_yield_one_customer(app) {
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let req = app.admin(Method::POST, "/admin/customers").json(&json!({"email": "race@example.com"}));
            tasks.push(tokio::spawn(async move { parts(req.send().await.expect("send")).await }));
        }
        let mut ok = 0;
        for t in tasks {
            let (status, body) = t.await.unwrap();
            match status {
                200 => ok += 1,
                400 => assert_eq!(body["message"], "Customer with email: race@example.com, has_account: false, already exists."),
                other => panic!("unexpected {other}: {body}"),
            }
        }
        assert_eq!(ok, 1);
        let (_, list) = app.get("/admin/customers?email=race@example.com").await;
        assert_eq!(list["count"], 1);
    }
}

both_backends! {
    async fn fields_query_shapes_the_response(app) {
        let (status, body) = app.post("/admin/customers?fields=id,email", json!({"email": "f@example.com", "first_name": "F"})).await;
        assert_eq!(status, 200);
        assert_eq!(keys(&body["customer"]), ["email", "id"]);
        let (status, body) = app.post("/admin/customers?fields=id,*groups,*addresses", json!({})).await;
        assert_eq!(status, 200);
        assert_eq!((body["customer"]["groups"].clone(), body["customer"]["addresses"].clone()), (json!([]), json!([])));
        let (status, body) = app.post("/admin/customers?limit=1", json!({"email": "g@example.com"})).await;
        assert_eq!(status, 400);
        assert_eq!(body["message"], "Invalid request: Unrecognized fields: 'limit'");
        let (_, list) = app.get("/admin/customers?email=g@example.com").await;
        assert_eq!(list["count"], 0, "a refused request writes nothing");
    }
}

both_backends! {
    async fn form_bodies_and_bodies_without_content_type(app) {
        let resp = app.admin(Method::POST, "/admin/customers")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=form%40example.com&first_name=Form+Name&metadata[k]=v")
            .send().await.unwrap();
        let (status, body) = parts(resp).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["first_name"], "Form Name");
        assert_eq!(body["customer"]["metadata"], json!({"k": "v"}));
        let resp = app.admin(Method::POST, "/admin/customers").body(r#"{"email":"noct@example.com"}"#).send().await.unwrap();
        let (status, body) = parts(resp).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["email"], "noct@example.com", "read as JSON, not dropped");
        let resp = app.admin(Method::POST, "/admin/customers").header("content-type", "text/plain").body("hello").send().await.unwrap();
        let (status, body) = parts(resp).await;
        assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
    }
}

both_backends! {
    async fn malformed_and_oversized_bodies_are_4xx(app) {
        for raw in [r#"{"email":"#, "{", "nul\u{0}l", "[1,2", r#"{"a":1}{"b":2}"#] {
            let resp = app.admin(Method::POST, "/admin/customers").header("content-type", "application/json").body(raw.to_string()).send().await.unwrap();
            let (status, body) = parts(resp).await;
            assert_eq!(status, 400, "{raw}: {body}");
            assert_eq!(body["type"], "invalid_data");
            assert!(body["message"].is_string());
        }
        let deep = "[".repeat(5000) + &"]".repeat(5000);
        let resp = app.admin(Method::POST, "/admin/customers").header("content-type", "application/json").body(deep).send().await.unwrap();
        assert_eq!(resp.status(), 400, "deep nesting");
        let big = json!({"email": "big@example.com", "metadata": {"blob": "x".repeat(1_100_000)}});
        let resp = app.admin(Method::POST, "/admin/customers").json(&big).send().await.unwrap();
        let (status, body) = parts(resp).await;
        assert_eq!(status, 413);
        assert_eq!(keys(&body), ["message", "type"]);
        let ok = json!({"email": "large@example.com", "metadata": {"blob": "x".repeat(900_000)}});
        let (status, _) = app.post("/admin/customers?fields=id", ok).await;
        assert_eq!(status, 200, "just under 1 MiB is accepted");
        let (_, list) = app.get("/admin/customers?fields=id").await;
        assert_eq!(list["count"], 1, "only the accepted body was written");
    }
}

both_backends! {
    async fn strings_round_trip_unchanged(app) {
        let odd = "Zoë 'O''Brien'; DROP TABLE customer; -- 🎉 \\ % _ \u{7f}";
        let c = app.create_customer(json!({"first_name": odd, "metadata": {"k": odd, "n": 1.5, "b": false, "z": null}})).await;
        assert_eq!(c["first_name"], odd);
        assert_eq!(c["metadata"], json!({"k": odd, "n": 1.5, "b": false, "z": null}));
        let (_, list) = app.get("/admin/customers").await;
        assert_eq!(list["customers"][0]["first_name"], odd);
    }
}
