//! `/admin/customer-groups`, memberships from both sides, and filtering customers by group.

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, ids, keys, parts};

async fn group(app: &TestApp, name: &str) -> String {
    let (status, body) = app.post("/admin/customer-groups", json!({"name": name})).await;
    assert_eq!(status, 200, "{body}");
    body["customer_group"]["id"].as_str().unwrap().to_string()
}

async fn customer(app: &TestApp, email: &str) -> String {
    app.create_customer(json!({"email": email})).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn members(app: &TestApp, gid: &str) -> Vec<String> {
    let (_, body) = app.get(&format!("/admin/customers?groups={gid}&fields=id")).await;
    ids(&body, "customers")
}

both_backends! {
    async fn groups_are_created_read_updated_and_listed(app) {
        let (status, body) = app.post("/admin/customer-groups", json!({"name": "VIP", "metadata": {"level": 1}})).await;
        assert_eq!(status, 200);
        let g = &body["customer_group"];
        assert_eq!(keys(g), ["created_at", "created_by", "deleted_at", "id", "metadata", "name", "updated_at"]);
        assert!(g["id"].as_str().unwrap().starts_with("cusgroup_"));
        assert!(g["created_by"].as_str().unwrap().starts_with("user_"));
        let id = g["id"].as_str().unwrap();
        let (status, body) = app.get(&format!("/admin/customer-groups/{id}")).await;
        assert_eq!((status, body["customer_group"]["name"].clone()), (200, json!("VIP")));
        let (_, body) = app.post(&format!("/admin/customer-groups/{id}"), json!({"name": "Gold", "metadata": {"level": "", "tier": 2}})).await;
        assert_eq!((body["customer_group"]["name"].clone(), body["customer_group"]["metadata"].clone()), (json!("Gold"), json!({"tier": 2})));
        group(app, "Wholesale").await;
        let (_, body) = app.get("/admin/customer-groups?q=gol").await;
        assert_eq!(ids(&body, "customer_groups"), [id]);
        let (_, body) = app.get("/admin/customer-groups?order=-name&fields=name").await;
        assert_eq!(body["customer_groups"], json!([{"name": "Wholesale", "id": body["customer_groups"][0]["id"]}, {"name": "Gold", "id": id}]));
        assert_eq!((body["count"].clone(), body["limit"].clone()), (json!(2), json!(50)));
        let (_, body) = app.get("/admin/customer-groups?name=Wholesale&fields=id").await;
        assert_eq!(body["count"], 1);
    }
}

both_backends! {
    async fn group_errors_match_medusa(app) {
        group(app, "VIP").await;
        let (status, body) = app.post("/admin/customer-groups", json!({"name": "VIP"})).await;
        assert_eq!((status, body), (400, json!({"type": "invalid_data", "message": "Customer group with name: VIP, already exists."})));
        let (status, body) = app.post("/admin/customer-groups", json!({})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Field 'name' is required")));
        let (status, body) = app.post("/admin/customer-groups", json!({"name": 5})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Expected type: 'string' for field 'name', got: '5'")));
        let (status, body) = app.get("/admin/customer-groups/cusgroup_NOPE").await;
        assert_eq!((status, body["message"].clone()), (404, json!("Customer group with id: cusgroup_NOPE not found")));
        let (status, body) = app.post("/admin/customer-groups/cusgroup_NOPE", json!({"name": "x"})).await;
        assert_eq!((status, body["message"].clone()), (404, json!("Customer group with id \"cusgroup_NOPE\" not found")));
        let other = group(app, "Other").await;
        let (status, _) = app.post(&format!("/admin/customer-groups/{other}"), json!({"name": "VIP"})).await;
        assert_eq!(status, 400, "renaming onto a taken name");
    }
}

both_backends! {
    async fn concurrent_creates_of_one_name_yield_one_group(app) {
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let req = app.admin(Method::POST, "/admin/customer-groups").json(&json!({"name": "Race"}));
            tasks.push(tokio::spawn(async move { parts(req.send().await.unwrap()).await.0 }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                200 => ok += 1,
                400 => {}
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(ok, 1);
        let (_, body) = app.get("/admin/customer-groups?name=Race").await;
        assert_eq!(body["count"], 1);
    }
}

both_backends! {
    async fn memberships_from_the_group_side(app) {
        let g = group(app, "VIP").await;
        let a = customer(app, "a@example.com").await;
        let b = customer(app, "b@example.com").await;
        let path = format!("/admin/customer-groups/{g}/customers");
        let (status, body) = app.post(&path, json!({"add": [a, b]})).await;
        assert_eq!(status, 200);
        assert_eq!(body["customer_group"]["id"], g);
        app.post(&path, json!({"add": [a]})).await;
        let (_, body) = app.get(&format!("/admin/customer-groups/{g}?fields=id,name,*customers")).await;
        assert_eq!(body["customer_group"]["customers"].as_array().unwrap().len(), 2, "adding twice leaves one membership");
        assert_eq!(keys(&body["customer_group"]["customers"][0]).len(), 12);
        let (status, _) = app.post(&path, json!({"remove": [b, "cus_NOT_A_MEMBER"]})).await;
        assert_eq!(status, 200, "removing a non-member is a no-op");
        assert_eq!(members(app, &g).await, [a.clone()]);
        let c = customer(app, "c@example.com").await;
        let (status, body) = app.post(&path, json!({"add": [c, "cus_DOESNOTEXIST"], "remove": [a]})).await;
        assert_eq!((status, body), (404, json!({"type": "not_found",
            "message": "You tried to set relationship customer_id: cus_DOESNOTEXIST, but such entity does not exist"})));
        assert_eq!(members(app, &g).await, [a.clone()], "a failed batch changes nothing");
        let (status, _) = app.post("/admin/customer-groups/cusgroup_NOPE/customers", json!({"add": [a]})).await;
        assert_eq!(status, 404);
        let (status, body) = app.post(&path, json!({"add": "x"})).await;
        assert_eq!((status, body["message"].clone()), (400, json!("Invalid request: Expected type: 'array' for field 'add', got: 'x'")));
    }
}

both_backends! {
    async fn memberships_from_the_customer_side(app) {
        let vip = group(app, "VIP").await;
        let wholesale = group(app, "Wholesale").await;
        let c = customer(app, "c@example.com").await;
        let path = format!("/admin/customers/{c}/customer-groups");
        let (status, body) = app.post(&format!("{path}?fields=id,*groups"), json!({"add": [vip, wholesale]})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["customer"]["groups"].as_array().unwrap().len(), 2);
        let (_, body) = app.post(&format!("{path}?fields=id,groups.name"), json!({"remove": [vip]})).await;
        assert_eq!(body["customer"]["groups"], json!([{"name": "Wholesale"}]));
        let (status, body) = app.post(&path, json!({"add": [vip, "cusgroup_NOPE"]})).await;
        assert_eq!((status, body["message"].clone()), (404, json!("You tried to set relationship customer_group_id: cusgroup_NOPE, but such entity does not exist")));
        assert_eq!(members(app, &vip).await, Vec::<String>::new(), "a failed batch changes nothing");
        let (status, _) = app.post("/admin/customers/cus_NOPE/customer-groups", json!({"add": [vip]})).await;
        assert_eq!(status, 404);
    }
}

both_backends! {
    async fn customers_filter_by_group_id_ids_or_fields(app) {
        let vip = group(app, "VIP").await;
        let wholesale = group(app, "Wholesale").await;
        let a = customer(app, "a@example.com").await;
        let b = customer(app, "b@example.com").await;
        customer(app, "c@example.com").await;
        app.post(&format!("/admin/customer-groups/{vip}/customers"), json!({"add": [a]})).await;
        app.post(&format!("/admin/customer-groups/{wholesale}/customers"), json!({"add": [a, b]})).await;
        assert_eq!(members(app, &vip).await, [a.clone()]);
        let (_, body) = app.get(&format!("/admin/customers?groups[]={vip}&groups[]={wholesale}&fields=id")).await;
        assert_eq!(ids(&body, "customers"), [a.clone(), b.clone()], "no duplicates for two memberships");
        let (_, body) = app.get("/admin/customers?groups[name]=Wholesale&fields=id").await;
        assert_eq!(ids(&body, "customers"), [a.clone(), b.clone()]);
        let (_, body) = app.get("/admin/customers?groups.name=VIP&fields=id").await;
        assert_eq!(ids(&body, "customers"), [a.clone()]);
        let (_, body) = app.get(&format!("/admin/customers?$or[0][groups]={vip}&$or[1][email]=c@example.com&fields=id")).await;
        assert_eq!(body["count"], 2);
        let (_, body) = app.get(&format!("/admin/customers?fields=id,groups.name&id={a}")).await;
        let mut names: Vec<Value> = body["customers"][0]["groups"].as_array().unwrap().clone();
        names.sort_by_key(|g| g["name"].as_str().unwrap().to_string());
        assert_eq!(names, [json!({"name": "VIP"}), json!({"name": "Wholesale"})]);
        let (_, body) = app.get(&format!("/admin/customer-groups?customers={b}&fields=id")).await;
        assert_eq!(ids(&body, "customer_groups"), [wholesale.clone()]);
        let (status, body) = app.get("/admin/customers?groups[bogus]=1").await;
        assert_eq!((status, body["type"].clone()), (400, json!("invalid_data")));
    }
}

both_backends! {
    async fn deleting_detaches_memberships(app) {
        let vip = group(app, "VIP").await;
        let a = customer(app, "a@example.com").await;
        let b = customer(app, "b@example.com").await;
        app.post(&format!("/admin/customer-groups/{vip}/customers"), json!({"add": [a, b]})).await;
        app.delete(&format!("/admin/customers/{b}")).await;
        assert_eq!(members(app, &vip).await, [a.clone()], "a deleted customer is in no group");
        let (_, body) = app.get(&format!("/admin/customer-groups/{vip}?fields=*customers")).await;
        assert_eq!(ids(&body["customer_group"], "customers"), [a.clone()]);
        let (status, body) = app.delete(&format!("/admin/customer-groups/{vip}")).await;
        assert_eq!((status, body), (200, json!({"id": vip, "object": "customer_group", "deleted": true})));
        assert_eq!(members(app, &vip).await, Vec::<String>::new(), "a deleted group has no members");
        let (_, body) = app.get(&format!("/admin/customers/{a}?fields=*groups")).await;
        assert_eq!(body["customer"]["groups"], json!([]));
        let (status, _) = app.get(&format!("/admin/customer-groups/{vip}")).await;
        assert_eq!(status, 404);
        let (status, _) = app.delete(&format!("/admin/customer-groups/{vip}")).await;
        assert_eq!(status, 200, "idempotent");
        let again = group(app, "VIP").await;
        assert_ne!(again, vip, "the name is free again");
        let (status, _) = app.post(&format!("/admin/customer-groups/{vip}/customers"), json!({"add": [a]})).await;
        assert_eq!(status, 404, "no links to a deleted group");
    }
}
