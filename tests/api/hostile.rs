//! Hostile input found by breaking the server on purpose: each is a clear 4xx in JSON, never a
//! 500, a panic, a stall or a half-written record, and both back-ends answer alike.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, parts};

fn assert_clear_4xx(status: u16, body: &Value, what: &str) {
    assert!((400..500).contains(&status), "{what}: {status} {body}");
    assert!(
        body["message"].is_string(),
        "{what}: not a Medusa-shaped error: {body}"
    );
}

async fn raw_post(app: &TestApp, path: &str, content_type: &str, body: String) -> (u16, Value) {
    let resp = app
        .admin(Method::POST, path)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    parts(resp).await
}

both_backends! {
    async fn dates_beyond_year_9999_in_utc_are_400(app) {
        for q in [
            "created_at[$gt]=9999-12-31T23:59:59-01:00",
            "updated_at[$lte]=9999-12-31T23:00:00-23:59",
            "deleted_at=9999-12-31T23:59:59.999999999-23:59",
            "created_at[$in][]=9999-12-31T23:59:59-01:00",
            "groups[created_at][$gt]=9999-12-31T23:59:59-01:00",
        ] {
            let (status, body) = app.get(&format!("/admin/customers?{}", q.replace('+', "%2B"))).await;
            assert_eq!(status, 400, "{q}: {body}");
            assert_eq!(body["type"], "invalid_data");
        }
        let (status, _) = app.get("/admin/api-keys?revoked_at[$gt]=9999-12-31T23:59:59-01:00").await;
        assert_eq!(status, 400);
    }
}

both_backends! {
    async fn nul_characters_are_refused_alike_on_both_back_ends(app) {
        let c = app.create_customer(json!({"email": "n@example.com"})).await;
        let id = c["id"].as_str().unwrap();
        for body in [
            json!({"first_name": "a\u{0}b"}),
            json!({"metadata": {"k": "a\u{0}"}}),
            json!({"metadata": {"k\u{0}": 1}}),
        ] {
            let (status, resp) = app.post("/admin/customers", body.clone()).await;
            assert_clear_4xx(status, &resp, &body.to_string());
            let (status, resp) = app.post(&format!("/admin/customers/{id}"), body.clone()).await;
            assert_clear_4xx(status, &resp, &body.to_string());
        }
        let (status, resp) = app.post("/admin/customer-groups", json!({"name": "x\u{0}"})).await;
        assert_clear_4xx(status, &resp, "group name");
        for q in ["email=a%00b", "q=%00", "q=abc%00def", "id[$eq]=a%00b", "groups[name]=a%00"] {
            let (status, resp) = app.get(&format!("/admin/customers?{q}")).await;
            assert_clear_4xx(status, &resp, q);
        }
        for path in ["/admin/customers/a%00b", "/admin/customer-groups/a%00b", "/admin/customers/%FF", "/admin/customers/x/addresses/%FF"] {
            let (status, resp) = app.get(path).await;
            assert_eq!(status, 404, "{path}: {resp}");
            assert_eq!(resp["type"], "not_found", "{path}: JSON, not text");
        }
        let resp = app.request(Method::POST, "/auth/user/emailpass").json(&json!({"email": "a\u{0}b", "password": "x"})).send().await.unwrap();
        let (status, body) = parts(resp).await;
        assert_clear_4xx(status, &body, "login");
        let resp = app.request(Method::GET, "/admin/customers").header("authorization", "Basic c2tfAAAAeHl6Og==").send().await.unwrap();
        assert_eq!(resp.status(), 401);
        let (_, list) = app.get("/admin/customers").await;
        assert_eq!(list["count"], 1, "nothing was written");
    }
}

both_backends! {
    async fn text_longer_than_any_index_allows_is_400(app) {
        let long = "x".repeat(3000);
        for field in ["first_name", "last_name", "company_name", "phone"] {
            let (status, body) = app.post("/admin/customers", json!({field: long})).await;
            assert_eq!(status, 400, "{field}: {body}");
            assert!(body["message"].as_str().unwrap().contains(field));
        }
        let (status, _) = app.post("/admin/customers", json!({"email": format!("{}@example.com", "a".repeat(3000))})).await;
        assert_eq!(status, 400);
        let (status, _) = app.post("/admin/customer-groups", json!({"name": long})).await;
        assert_eq!(status, 400);
        let ok = "é".repeat(500);
        let c = app.create_customer(json!({"first_name": ok, "company_name": ok, "last_name": ok})).await;
        assert_eq!(c["first_name"].as_str().unwrap().chars().count(), 500, "500 four-byte-ish characters fit");
    }
}

both_backends! {
    async fn oversized_filters_are_400_not_slow(app) {
        let many_terms = vec!["a"; 999].join("+");
        let branches: String = (0..999).map(|i| format!("$or[{i}][email]=x{i}&")).collect();
        let ids: String = (0..1500).map(|i| format!("id[]=c{i}&")).collect();
        for q in [
            format!("q={many_terms}"),
            format!("q={}", "ab".repeat(25_000)),
            branches,
            ids,
            format!("id[$ilike]={}", "a".repeat(60_000)),
        ] {
            let started = Instant::now();
            let (status, body) = app.get(&format!("/admin/customers?{q}")).await;
            assert_eq!(status, 400, "{}: {body}", &q[..40]);
            assert!(started.elapsed() < Duration::from_secs(2), "{} took {:?}", &q[..40], started.elapsed());
        }
        for path in ["/admin/customer-groups", "/admin/api-keys", "/admin/customers/x/addresses"] {
            let (status, _) = app.get(&format!("{path}?q={}", "ab".repeat(25_000))).await;
            assert_eq!(status, 400, "{path}");
        }
        let (status, _) = app.get(&format!("/admin/customers?q={}", vec!["term"; 32].join("+"))).await;
        assert_eq!(status, 200, "32 terms are fine");
    }
}

both_backends! {
    async fn many_distinct_keys_parse_in_linear_time(app) {
        let form: String = (0..9_000).map(|i| format!("k{i}=1&")).collect();
        let started = Instant::now();
        let (status, body) = raw_post(app, "/admin/customers", "application/x-www-form-urlencoded", form).await;
        assert_eq!(status, 400, "{body}");
        assert!(started.elapsed() < Duration::from_secs(3), "took {:?}", started.elapsed());
        let too_many: String = (0..10_001).map(|i| format!("k{i}=1&")).collect();
        let (status, body) = raw_post(app, "/admin/customers", "application/x-www-form-urlencoded", too_many).await;
        assert_eq!(status, 400);
        assert!(body["message"].as_str().unwrap().contains("Too many parameters"), "{body}");
    }
}

/// Customers inserted straight into the database, for batches larger than a test could create.
async fn many_customers(app: &TestApp, n: usize) -> Vec<String> {
    use clientele::store::Param;
    let ids: Vec<String> = (0..n).map(|i| format!("cus_BULK{i:022}")).collect();
    let now = time::OffsetDateTime::now_utc();
    for chunk in ids.chunks(400) {
        let mut sql = app.db.sql();
        sql.push("INSERT INTO customer (id, created_at, updated_at) VALUES ");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .bind_list([
                    Param::Text(Some(id.clone())),
                    Param::Time(Some(now)),
                    Param::Time(Some(now)),
                ])
                .push(")");
        }
        app.db.execute(sql).await.unwrap();
    }
    ids
}

both_backends! {
    async fn large_link_batches_work_in_one_transaction(app) {
        let (_, g) = app.post("/admin/customer-groups", json!({"name": "Bulk"})).await;
        let gid = g["customer_group"]["id"].as_str().unwrap().to_string();
        let ids = many_customers(app, 6000).await;
        let (status, body) = app.post(&format!("/admin/customer-groups/{gid}/customers?fields=id"), json!({"add": ids})).await;
        assert_eq!(status, 200, "{body}");
        let (_, list) = app.get(&format!("/admin/customers?groups={gid}&limit=0")).await;
        assert_eq!(list["count"], 6000);
        let mut bad = ids.clone();
        bad.push("cus_MISSING".into());
        let (status, _) = app.post(&format!("/admin/customer-groups/{gid}/customers"), json!({"add": bad, "remove": ids[..10]})).await;
        assert_eq!(status, 404);
        let (_, list) = app.get(&format!("/admin/customers?groups={gid}&limit=0")).await;
        assert_eq!(list["count"], 6000, "a failed batch changes nothing");
        let unknown: Vec<String> = (0..40_000).map(|i| format!("x{i}")).collect();
        let (status, _) = app.post(&format!("/admin/customer-groups/{gid}/customers"), json!({"remove": unknown})).await;
        assert_eq!(status, 200);
        let (status, _) = app.post(&format!("/admin/customer-groups/{gid}/customers"), json!({"remove": ids})).await;
        assert_eq!(status, 200);
        let (_, list) = app.get(&format!("/admin/customers?groups={gid}&limit=0")).await;
        assert_eq!(list["count"], 0);
    }
}

both_backends! {
    async fn links_from_both_sides_at_once_never_deadlock(app) {
        let (_, g) = app.post("/admin/customer-groups", json!({"name": "Race"})).await;
        let gid = g["customer_group"]["id"].as_str().unwrap().to_string();
        let mut customers = Vec::new();
        for i in 0..10 {
            customers.push(app.create_customer(json!({"email": format!("r{i}@example.com")})).await["id"].as_str().unwrap().to_string());
        }
        let mut tasks = Vec::new();
        for i in 0..40 {
            let req = if i % 2 == 0 {
                app.admin(Method::POST, &format!("/admin/customer-groups/{gid}/customers")).json(&json!({"add": customers}))
            } else {
                app.admin(Method::POST, &format!("/admin/customers/{}/customer-groups", customers[i % 10])).json(&json!({"add": [gid]}))
            };
            tasks.push(tokio::spawn(async move { parts(req.send().await.unwrap()).await }));
        }
        for t in tasks {
            let (status, body) = t.await.unwrap();
            assert_eq!(status, 200, "{body}");
        }
        let (_, list) = app.get(&format!("/admin/customers?groups={gid}&limit=0")).await;
        assert_eq!(list["count"], 10);
    }
}

both_backends! {
    async fn a_body_cut_short_is_400_not_413(app) {
        let addr = app.base.trim_start_matches("http://").to_string();
        let token = app.token.clone();
        let resp = tokio::task::spawn_blocking(move || {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(format!("POST /admin/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{}}").as_bytes()).unwrap();
            s.shutdown(std::net::Shutdown::Write).unwrap();
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            out
        }).await.unwrap();
        assert!(resp.is_empty() || resp.starts_with("HTTP/1.1 400"), "{resp}");
        let (_, list) = app.get("/admin/customers").await;
        assert_eq!(list["count"], 0);
    }
}
