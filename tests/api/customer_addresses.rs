//! `/admin/customers/{id}/addresses`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, ids, keys, parts};

async fn customer(app: &TestApp, email: &str) -> String {
    app.create_customer(json!({"email": email})).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Creates an address; returns the new address's id (the response is the customer).
async fn add(app: &TestApp, cid: &str, body: Value) -> String {
    let (status, resp) = app
        .post(
            &format!("/admin/customers/{cid}/addresses?fields=id,*addresses"),
            body,
        )
        .await;
    assert_eq!(status, 200, "{resp}");
    assert_eq!(resp["customer"]["id"], cid, "address writes return the customer");
    let all = resp["customer"]["addresses"].as_array().unwrap();
    all.iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .max()
        .unwrap()
}

async fn defaults(app: &TestApp, cid: &str) -> (Vec<String>, Vec<String>) {
    let (_, body) = app
        .get(&format!(
            "/admin/customers/{cid}/addresses?fields=id,is_default_billing,is_default_shipping&limit=1000"
        ))
        .await;
    let rows = body["addresses"].as_array().unwrap().clone();
    let pick = |k: &str| {
        rows.iter()
            .filter(|a| a[k] == true)
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect()
    };
    (pick("is_default_billing"), pick("is_default_shipping"))
}

both_backends! {
    async fn addresses_are_created_listed_searched_and_read(app) {
        let cid = customer(app, "a@example.com").await;
        let home = add(app, &cid, json!({"address_name": "Home", "address_1": "1 Main St", "city": "Springfield",
            "country_code": "us", "postal_code": "12345", "metadata": {"k": "v"}, "additional_data": {"x": 1}})).await;
        let work = add(app, &cid, json!({"address_name": "Work", "city": "Shelbyville", "country_code": "DK"})).await;
        let (status, body) = app.get(&format!("/admin/customers/{cid}/addresses")).await;
        assert_eq!(status, 200);
        assert_eq!(body["count"], 2);
        assert_eq!((body["offset"].clone(), body["limit"].clone()), (json!(0), json!(50)));
        let first = &body["addresses"][0];
        assert_eq!(keys(first), ["address_1", "address_2", "address_name", "city", "company", "country_code", "created_at",
            "customer_id", "first_name", "id", "last_name", "metadata", "phone", "postal_code", "province", "updated_at"]);
        assert!(first["id"].as_str().unwrap().starts_with("cuaddr_"));
        assert_eq!(first["metadata"], json!({"k": "v"}));
        let (_, body) = app.get(&format!("/admin/customers/{cid}/addresses?q=SHELBY")).await;
        assert_eq!(ids(&body, "addresses"), [work.clone()]);
        let (_, body) = app.get(&format!("/admin/customers/{cid}/addresses?country_code=us&fields=id,country_code")).await;
        assert_eq!(ids(&body, "addresses"), [home.clone()]);
        let (_, body) = app.get(&format!("/admin/customers/{cid}/addresses?fields=%2Bis_default_shipping&limit=1")).await;
        assert_eq!(body["addresses"][0]["is_default_shipping"], false);
        let (status, body) = app.get(&format!("/admin/customers/{cid}/addresses/{home}")).await;
        assert_eq!((status, body["address"]["address_name"].clone()), (200, json!("Home")));
        let (status, body) = app.get(&format!("/admin/customers/{cid}/addresses?$or[0][city]=x")).await;
        assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")), "no $or on addresses");
        let other = customer(app, "b@example.com").await;
        let (_, body) = app.get(&format!("/admin/customers/{other}/addresses")).await;
        assert_eq!((body["count"].clone(), body["addresses"].clone()), (json!(0), json!([])));
    }
}

both_backends! {
    async fn another_customers_address_is_404_and_untouched(app) {
        let a = customer(app, "a@example.com").await;
        let b = customer(app, "b@example.com").await;
        let addr = add(app, &a, json!({"city": "Aville"})).await;
        let (status, body) = app.get(&format!("/admin/customers/{b}/addresses/{addr}")).await;
        assert_eq!((status, body["type"].clone()), (404, json!("not_found")));
        let (status, _) = app.post(&format!("/admin/customers/{b}/addresses/{addr}"), json!({"city": "Stolen"})).await;
        assert_eq!(status, 404);
        let (status, _) = app.delete(&format!("/admin/customers/{b}/addresses/{addr}")).await;
        assert_eq!(status, 404);
        let (_, body) = app.get(&format!("/admin/customers/{a}/addresses/{addr}")).await;
        assert_eq!(body["address"]["city"], "Aville", "nothing changed");
        let (status, _) = app.get(&format!("/admin/customers/{a}/addresses/cuaddr_NOPE")).await;
        assert_eq!(status, 404);
        let (status, _) = app.post(&format!("/admin/customers/{a}/addresses/cuaddr_NOPE"), json!({"city": "x"})).await;
        assert_eq!(status, 404);
        let (status, body) = app.delete(&format!("/admin/customers/{a}/addresses/{addr}")).await;
        assert_eq!(status, 200);
        assert_eq!((body["id"].clone(), body["object"].clone(), body["deleted"].clone()), (json!(addr), json!("customer_address"), json!(true)));
        assert_eq!(body["parent"]["id"], a);
        let (status, _) = app.delete(&format!("/admin/customers/{a}/addresses/{addr}")).await;
        assert_eq!(status, 200, "deleting a deleted address again is idempotent, as Medusa");
        let (status, _) = app.get(&format!("/admin/customers/{a}/addresses/{addr}")).await;
        assert_eq!(status, 404, "hard deleted");
    }
}

both_backends! {
    async fn writes_to_missing_or_deleted_customers_are_404(app) {
        let (status, body) = app.post("/admin/customers/cus_DOESNOTEXIST/addresses", json!({"address_1": "x"})).await;
        assert_eq!((status, body), (404, json!({"type": "not_found",
            "message": "You tried to set relationship customer_id: cus_DOESNOTEXIST, but such entity does not exist"})));
        let cid = customer(app, "gone@example.com").await;
        let addr = add(app, &cid, json!({"city": "x"})).await;
        app.delete(&format!("/admin/customers/{cid}")).await;
        let (status, _) = app.post(&format!("/admin/customers/{cid}/addresses"), json!({"city": "y"})).await;
        assert_eq!(status, 404);
        let (status, _) = app.get(&format!("/admin/customers/{cid}/addresses/{addr}")).await;
        assert_eq!(status, 404, "a deleted customer's addresses go with it");
        let (_, body) = app.get(&format!("/admin/customers/{cid}/addresses")).await;
        assert_eq!(body["count"], 0);
    }
}

both_backends! {
    async fn address_bodies_are_validated(app) {
        let cid = customer(app, "a@example.com").await;
        let (status, body) = app.post(&format!("/admin/customers/{cid}/addresses"), json!({"address_1": "x", "is_default_shipping": "yes"})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Expected type: 'boolean' for field 'is_default_shipping', got: 'yes'")));
        let (status, body) = app.post(&format!("/admin/customers/{cid}/addresses"), json!({"bogus": 1})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Unrecognized fields: 'bogus'")));
        let (status, _) = app.post(&format!("/admin/customers/{cid}/addresses"), json!({"is_default_billing": null})).await;
        assert_eq!(status, 400, "defaults are booleans, not nullable");
        let (_, body) = app.get(&format!("/admin/customers/{cid}/addresses")).await;
        assert_eq!(body["count"], 0);
    }
}

both_backends! {
    async fn one_default_of_each_kind(app) {
        let cid = customer(app, "a@example.com").await;
        let a = add(app, &cid, json!({"address_name": "A", "is_default_shipping": true})).await;
        assert_eq!(defaults(app, &cid).await, (vec![], vec![a.clone()]));
        let b = add(app, &cid, json!({"address_name": "B", "is_default_shipping": true, "is_default_billing": true})).await;
        assert_eq!(defaults(app, &cid).await, (vec![b.clone()], vec![b.clone()]), "the old default is cleared");
        let (status, _) = app.post(&format!("/admin/customers/{cid}/addresses/{a}"), json!({"is_default_billing": true, "city": "C"})).await;
        assert_eq!(status, 200);
        assert_eq!(defaults(app, &cid).await, (vec![a.clone()], vec![b.clone()]));
        let (_, body) = app.post(&format!("/admin/customers/{cid}/addresses/{a}?fields=id,*addresses"), json!({"is_default_billing": false})).await;
        assert_eq!(body["customer"]["addresses"].as_array().unwrap().len(), 2);
        assert_eq!(defaults(app, &cid).await, (vec![], vec![b.clone()]));
        // another customer's defaults are their own
        let other = customer(app, "b@example.com").await;
        let c = add(app, &other, json!({"is_default_shipping": true})).await;
        assert_eq!(defaults(app, &cid).await.1, [b]);
        assert_eq!(defaults(app, &other).await.1, [c]);
    }
}

both_backends! {
    async fn concurrent_default_writes_leave_exactly_one_default(app) {
        let cid = customer(app, "race@example.com").await;
        let mut tasks = Vec::new();
        for i in 0..20 {
            let req = app.admin(Method::POST, &format!("/admin/customers/{cid}/addresses"))
                .json(&json!({"address_name": format!("A{i}"), "is_default_shipping": true, "is_default_billing": i % 2 == 0}));
            tasks.push(tokio::spawn(async move { parts(req.send().await.expect("send")).await }));
        }
        for t in tasks {
            let (status, body) = t.await.unwrap();
            assert_eq!(status, 200, "{body}");
        }
        let (billing, shipping) = defaults(app, &cid).await;
        assert_eq!((billing.len(), shipping.len()), (1, 1));
        let (_, body) = app.get(&format!("/admin/customers/{cid}/addresses?limit=100")).await;
        assert_eq!(body["count"], 20, "every write landed");
    }
}
