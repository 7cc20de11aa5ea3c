//! `GET/POST/DELETE /admin/customers/{id}`.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{ids, keys};

both_backends! {
    async fn get_returns_the_customer_or_medusas_404(app) {
        let c = app.create_customer(json!({"email": "a@example.com", "first_name": "A"})).await;
        let id = c["id"].as_str().unwrap();
        let (status, body) = app.get(&format!("/admin/customers/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(body["customer"], c);
        let (_, body) = app.get(&format!("/admin/customers/{id}?fields=id,email,*addresses,*groups")).await;
        assert_eq!(keys(&body["customer"]), ["addresses", "email", "groups", "id"]);
        let (status, body) = app.get("/admin/customers/cus_DOESNOTEXIST").await;
        assert_eq!(status, 404);
        assert_eq!(body, json!({"type": "not_found", "message": "Customer with id: cus_DOESNOTEXIST not found"}));
        let (status, body) = app.get(&format!("/admin/customers/{id}?limit=1")).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Unrecognized fields: 'limit'")));
    }
}

both_backends! {
    async fn update_changes_only_what_is_sent_and_merges_metadata(app) {
        let c = app.create_customer(json!({"email": "m@example.com", "first_name": "M", "phone": "1",
            "metadata": {"keep": 1, "drop": 2, "replace": {"a": 1}}})).await;
        let path = format!("/admin/customers/{}", c["id"].as_str().unwrap());
        let (status, body) = app.post(&path, json!({"first_name": "Mo", "phone": null,
            "metadata": {"drop": "", "replace": {"b": 2}, "new": true}})).await;
        assert_eq!(status, 200, "{body}");
        let u = &body["customer"];
        assert_eq!((u["first_name"].clone(), u["phone"].clone(), u["email"].clone()), (json!("Mo"), Value::Null, json!("m@example.com")));
        assert_eq!(u["metadata"], json!({"keep": 1, "replace": {"b": 2}, "new": true}));
        assert!(u["updated_at"].as_str().unwrap() >= c["updated_at"].as_str().unwrap());
        let (_, body) = app.post(&path, json!({})).await;
        assert_eq!(body["customer"]["metadata"], json!({"keep": 1, "replace": {"b": 2}, "new": true}), "omitted leaves it");
        let (_, body) = app.post(&path, json!({"metadata": {}})).await;
        assert_eq!(body["customer"]["metadata"], json!({}), "{{}} replaces");
        let (_, body) = app.post(&path, json!({"metadata": {"x": 1}})).await;
        assert_eq!(body["customer"]["metadata"], json!({"x": 1}));
        let (_, body) = app.post(&path, json!({"metadata": null})).await;
        assert_eq!(body["customer"]["metadata"], Value::Null, "null replaces");
        let (_, body) = app.post(&format!("{path}?fields=id,first_name"), json!({"last_name": "L"})).await;
        assert_eq!(keys(&body["customer"]), ["first_name", "id"]);
        let (_, body) = app.get("/admin/customers?q=mo&fields=id").await;
        assert_eq!(body["count"], 1, "search follows updates");
        let (_, body) = app.get("/admin/customers?q=l&last_name=L&fields=id").await;
        assert_eq!(body["count"], 1);
    }
}

both_backends! {
    async fn update_refuses_bad_input_missing_customers_and_duplicates(app) {
        let a = app.create_customer(json!({"email": "a@example.com"})).await;
        app.create_customer(json!({"email": "b@example.com"})).await;
        let path = format!("/admin/customers/{}", a["id"].as_str().unwrap());
        let (status, body) = app.post(&path, json!({"email": "b@example.com"})).await;
        assert_eq!((status, body), (400, json!({"type": "invalid_data", "message": "Customer with email: b@example.com, has_account: false, already exists."})));
        let (status, body) = app.post(&path, json!({"foo": 1})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Unrecognized fields: 'foo'")));
        let (status, body) = app.post(&path, json!({"email": "nope"})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Invalid email address")));
        let (status, body) = app.post("/admin/customers/cus_DOESNOTEXIST", json!({"first_name": "X"})).await;
        assert_eq!((status, body), (404, json!({"type": "not_found", "message": "Customer with id \"cus_DOESNOTEXIST\" not found"})));
        let (_, body) = app.get(&path).await;
        assert_eq!(body["customer"]["email"], "a@example.com", "nothing changed");
        let (status, _) = app.post(&path, json!({"email": null})).await;
        assert_eq!(status, 200, "email may be cleared");
    }
}

both_backends! {
    async fn delete_is_soft_idempotent_and_frees_the_email(app) {
        let c = app.create_customer(json!({"email": "gone@example.com"})).await;
        let id = c["id"].as_str().unwrap().to_string();
        let keep = app.create_customer(json!({"email": "keep@example.com"})).await;
        let (status, body) = app.delete(&format!("/admin/customers/{id}")).await;
        assert_eq!((status, body), (200, json!({"id": id, "object": "customer", "deleted": true})));
        let (status, body) = app.get(&format!("/admin/customers/{id}")).await;
        assert_eq!((status, body["message"].clone()), (404, json!(format!("Customer with id: {id} not found"))));
        let (status, _) = app.post(&format!("/admin/customers/{id}"), json!({"first_name": "zombie"})).await;
        assert_eq!(status, 404);
        let (status, body) = app.delete(&format!("/admin/customers/{id}")).await;
        assert_eq!((status, body["deleted"].clone()), (200, json!(true)), "again");
        let (status, body) = app.delete("/admin/customers/cus_DOESNOTEXIST").await;
        assert_eq!((status, body["id"].clone()), (200, json!("cus_DOESNOTEXIST")));
        let (_, list) = app.get("/admin/customers?fields=id").await;
        assert_eq!(ids(&list, "customers"), [keep["id"].as_str().unwrap()]);
        let (_, list) = app.get(&format!("/admin/customers?id={id}&with_deleted=true")).await;
        assert_eq!(list["count"], 0);
        let again = app.create_customer(json!({"email": "gone@example.com"})).await;
        assert_ne!(again["id"], c["id"]);
    }
}
