//! `GET /admin/customers`: fields, expand, paging, order, filters, search.

use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, ids, keys};

/// Five customers with distinct names, companies and emails, created in this order.
async fn seed(app: &TestApp) -> Vec<Value> {
    let mut out = Vec::new();
    for (email, first, last, company) in [
        ("alice@example.com", Some("Alice"), "Zimmer", Some("Acme Inc")),
        ("bob@example.com", Some("Bob"), "Young", Some("Beta LLC")),
        ("carol@example.com", None, "Xavier", Some("Acme Inc")),
        ("dave@example.com", Some("Dave"), "Walker", None),
        ("erin@example.com", Some("erin"), "Vance", Some("100% Pure_Co")),
    ] {
        out.push(
            app.create_customer(json!({
                "email": email, "first_name": first, "last_name": last, "company_name": company,
                "phone": "+45 1234", "metadata": {"seed": true}
            }))
            .await,
        );
    }
    out
}

fn id(c: &Value) -> String {
    c["id"].as_str().unwrap_or_default().to_string()
}

both_backends! {
    async fn empty_list_has_medusa_envelope(app) {
        let (status, body) = app.get("/admin/customers").await;
        assert_eq!(status, 200);
        assert_eq!(body, json!({"customers": [], "count": 0, "offset": 0, "limit": 50}));
    }
}

both_backends! {
    async fn default_list_returns_default_fields_in_id_order(app) {
        let seeded = seed(app).await;
        let (status, body) = app.get("/admin/customers").await;
        assert_eq!(status, 200);
        assert_eq!(body["count"], 5);
        assert_eq!(ids(&body, "customers"), seeded.iter().map(id).collect::<Vec<_>>());
        let first = &body["customers"][0];
        assert_eq!(
            keys(first),
            ["company_name", "created_at", "created_by", "deleted_at", "email", "first_name", "has_account",
             "id", "last_name", "metadata", "phone", "updated_at"]
        );
        assert_eq!(first["metadata"], json!({"seed": true}));
        assert_eq!(first["deleted_at"], Value::Null);
    }
}

both_backends! {
    async fn fields_select_replace_add_and_remove(app) {
        seed(app).await;
        let (_, body) = app.get("/admin/customers?fields=id,email&limit=1").await;
        assert_eq!(keys(&body["customers"][0]), ["email", "id"]);
        let (_, body) = app.get("/admin/customers?fields=email&limit=1").await;
        assert_eq!(keys(&body["customers"][0]), ["email", "id"], "id is always present");
        let (_, body) = app.get("/admin/customers?fields=-email,-metadata&limit=1").await;
        assert_eq!(keys(&body["customers"][0]).len(), 10);
        assert!(body["customers"][0].get("email").is_none());
        let (_, body) = app.get("/admin/customers?fields=%2Bemail,*groups&limit=1").await;
        assert_eq!(keys(&body["customers"][0]).len(), 13);
        assert_eq!(body["customers"][0]["groups"], json!([]));
        let (_, body) = app.get("/admin/customers?fields=id,nonexistent&limit=1").await;
        assert_eq!(keys(&body["customers"][0]), ["id"], "unknown names are ignored");
        let (_, body) = app.get("/admin/customers?fields=&limit=1").await;
        assert_eq!(keys(&body["customers"][0]), ["id"]);
        let (_, body) = app.get("/admin/customers?fields=id,*addresses&limit=1").await;
        assert_eq!(body["customers"][0]["addresses"], json!([]));
    }
}

both_backends! {
    async fn expand_adds_relations(app) {
        seed(app).await;
        let (status, body) = app.get("/admin/customers?expand=addresses,groups&limit=2").await;
        assert_eq!(status, 200, "{body}");
        for c in body["customers"].as_array().unwrap() {
            assert_eq!(c["addresses"], json!([]));
            assert_eq!(c["groups"], json!([]));
            assert!(c.get("email").is_some(), "defaults stay");
        }
        let (status, body) = app.get("/admin/customers?expand=orders").await;
        assert_eq!(status, 400);
        assert_eq!(body["type"], "invalid_data");
        assert!(body["message"].as_str().unwrap().contains("expand"));
    }
}

both_backends! {
    async fn offset_and_limit_page_through_without_overlap(app) {
        let seeded: Vec<String> = seed(app).await.iter().map(id).collect();
        let (_, body) = app.get("/admin/customers?limit=2&offset=1").await;
        assert_eq!(ids(&body, "customers"), seeded[1..3]);
        assert_eq!((body["count"].clone(), body["offset"].clone(), body["limit"].clone()), (json!(5), json!(1), json!(2)));
        let (_, body) = app.get("/admin/customers?limit=0").await;
        assert_eq!(body["customers"], json!([]));
        assert_eq!(body["count"], 5);
        let (_, body) = app.get("/admin/customers?offset=1000").await;
        assert_eq!((body["customers"].clone(), body["count"].clone()), (json!([]), json!(5)));
        let (_, body) = app.get("/admin/customers?limit=1.9&offset=2abc").await;
        assert_eq!((body["limit"].clone(), body["offset"].clone()), (json!(1), json!(2)), "parseInt semantics");
        // pages ordered by a column with ties never overlap
        let mut seen = Vec::new();
        for offset in 0..5 {
            let (_, body) = app.get(&format!("/admin/customers?order=company_name&limit=1&offset={offset}")).await;
            seen.extend(ids(&body, "customers"));
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 5);
    }
}

both_backends! {
    async fn bad_paging_is_a_named_400(app) {
        for (query, needle) in [
            ("limit=abc", "Expected type: 'number' for field 'limit', got: 'abc'"),
            ("offset=abc", "Expected type: 'number' for field 'offset', got: 'abc'"),
            ("limit=-1", "limit"),
            ("offset=-1", "offset"),
            ("limit=999999999999999999999999", "limit"),
            ("limit[]=1", "limit"),
        ] {
            let (status, body) = app.get(&format!("/admin/customers?{query}")).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert_eq!(body["type"], "invalid_data");
            assert!(body["message"].as_str().unwrap().contains(needle), "{query}: {body}");
        }
    }
}

both_backends! {
    async fn order_by_columns_with_nulls_like_medusa(app) {
        seed(app).await;
        let nameless = app.create_customer(json!({"email": "nameless@example.com"})).await;
        let (_, body) = app.get("/admin/customers?order=first_name&fields=id,first_name").await;
        let names: Vec<Value> = body["customers"].as_array().unwrap().iter().map(|c| c["first_name"].clone()).collect();
        // bytewise: upper case before lower case; NULLs last ascending
        assert_eq!(names, [json!("Alice"), json!("Bob"), json!("Dave"), json!("erin"), Value::Null, Value::Null]);
        let (_, body) = app.get("/admin/customers?order=-first_name&fields=id,first_name").await;
        let names: Vec<Value> = body["customers"].as_array().unwrap().iter().map(|c| c["first_name"].clone()).collect();
        assert_eq!(names, [Value::Null, Value::Null, json!("erin"), json!("Dave"), json!("Bob"), json!("Alice")]);
        let (_, body) = app.get("/admin/customers?order=-created_at&fields=id&limit=1").await;
        assert_eq!(ids(&body, "customers"), [id(&nameless)]);
        let (_, body) = app.get("/admin/customers?order=company_name,-last_name&fields=id,company_name,last_name").await;
        let rows: Vec<(Value, Value)> = body["customers"].as_array().unwrap().iter()
            .map(|c| (c["company_name"].clone(), c["last_name"].clone())).collect();
        assert_eq!(rows[0], (json!("100% Pure_Co"), json!("Vance")));
        assert_eq!(rows[1], (json!("Acme Inc"), json!("Zimmer")), "ties broken by the second key, descending");
        assert_eq!(rows[2], (json!("Acme Inc"), json!("Xavier")));
    }
}

both_backends! {
    async fn order_rejects_unknown_fields(app) {
        for order in ["nope", "-nope", "metadata", "groups.name", "email;drop table customer"] {
            let (status, body) = app.get(&format!("/admin/customers?order={}", urlencode(order))).await;
            assert_eq!(status, 400, "{order}: {body}");
            assert_eq!(body["type"], "invalid_data");
        }
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

both_backends! {
    async fn q_matches_every_token_in_any_searchable_column(app) {
        let seeded = seed(app).await;
        let (_, body) = app.get("/admin/customers?q=ACME&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[0]), id(&seeded[2])]);
        let (_, body) = app.get("/admin/customers?q=acme%20zimm&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[0])], "every token must match");
        let (_, body) = app.get("/admin/customers?q=bob%40example&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[1])]);
        let (_, body) = app.get("/admin/customers?q=%2B45&fields=id").await;
        assert_eq!(body["count"], 5, "phone is searchable");
        let (_, body) = app.get("/admin/customers?q=zzzz").await;
        assert_eq!(body["count"], 0);
        let (_, body) = app.get("/admin/customers?q=&limit=1").await;
        assert_eq!(body["count"], 5, "empty q filters nothing");
    }
}

both_backends! {
    async fn q_treats_percent_and_underscore_literally(app) {
        let seeded = seed(app).await;
        let (_, body) = app.get("/admin/customers?q=100%25&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[4])]);
        let (_, body) = app.get("/admin/customers?q=%25&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[4])], "% is not a wildcard");
        let (_, body) = app.get("/admin/customers?q=e_Co&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[4])]);
        let (_, body) = app.get("/admin/customers?q=_&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[4])], "_ is not a wildcard");
        let (_, body) = app.get("/admin/customers?q=%5C&fields=id").await;
        assert_eq!(body["count"], 0, "a backslash is literal too");
    }
}

both_backends! {
    async fn q_ignores_case_beyond_ascii(app) {
        let c = app.create_customer(json!({"first_name": "Ørjan", "last_name": "ÉCLAIR"})).await;
        let (_, body) = app.get("/admin/customers?q=%C3%B8rjan&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&c)]);
        let (_, body) = app.get("/admin/customers?q=%C3%A9clair&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&c)]);
    }
}

both_backends! {
    async fn filters_by_exact_values_and_lists(app) {
        let seeded = seed(app).await;
        let (_, body) = app.get("/admin/customers?email=bob@example.com&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[1])]);
        let (_, body) = app.get("/admin/customers?email=BOB@example.com&fields=id").await;
        assert_eq!(body["count"], 0, "emails match case-sensitively, as Medusa");
        let (_, body) = app.get("/admin/customers?email[]=bob@example.com&email[]=dave@example.com&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[1]), id(&seeded[3])]);
        let (_, body) = app.get("/admin/customers?email%5B%5D=bob@example.com,dave@example.com&fields=id").await;
        assert_eq!(body["count"], 2, "one encoded array element is split on commas");
        let (_, body) = app.get("/admin/customers?company_name=Acme%20Inc&first_name=Alice&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[0])]);
        let (_, body) = app.get("/admin/customers?last_name=Young&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[1])]);
        let (_, body) = app.get(&format!("/admin/customers?id={}&fields=id", id(&seeded[2]))).await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[2])]);
        let (_, body) = app.get(&format!("/admin/customers?id[$nin][]={}&fields=id", id(&seeded[2]))).await;
        assert_eq!(body["count"], 4);
        let creator = seeded[0]["created_by"].as_str().unwrap().to_string();
        let (_, body) = app.get(&format!("/admin/customers?created_by={creator}&fields=id")).await;
        assert_eq!(body["count"], 5);
        let (_, body) = app.get("/admin/customers?has_account=TRUE").await;
        assert_eq!(body["count"], 0);
        let (_, body) = app.get("/admin/customers?has_account=false").await;
        assert_eq!(body["count"], 5);
    }
}

both_backends! {
    async fn filters_by_timestamps_with_operators(app) {
        let seeded = seed(app).await;
        // customers made in one millisecond share a timestamp: expectations come from the data
        let at = |c: &Value| c["created_at"].as_str().unwrap().to_string();
        let matching = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
            seeded.iter().filter(|c| keep(&at(c))).map(id).collect()
        };
        let t2 = at(&seeded[2]);
        let t1 = at(&seeded[1]);
        let (_, body) = app.get(&format!("/admin/customers?created_at[$gt]={t2}&fields=id")).await;
        assert_eq!(ids(&body, "customers"), matching(&|t| t > t2.as_str()), "a returned timestamp excludes its own row");
        assert!(!ids(&body, "customers").contains(&id(&seeded[2])));
        let (_, body) = app.get(&format!("/admin/customers?created_at[$gte]={t2}&fields=id")).await;
        assert_eq!(ids(&body, "customers"), matching(&|t| t >= t2.as_str()));
        assert!(ids(&body, "customers").contains(&id(&seeded[2])));
        let (_, body) = app.get(&format!("/admin/customers?created_at%5B%24lte%5D={t2}&fields=id")).await;
        assert_eq!(ids(&body, "customers"), matching(&|t| t <= t2.as_str()), "percent-encoded brackets");
        let (_, body) = app.get(&format!("/admin/customers?created_at[$lt]={t2}&created_at[$gte]={t1}&fields=id")).await;
        assert_eq!(ids(&body, "customers"), matching(&|t| t >= t1.as_str() && t < t2.as_str()));
        let (_, body) = app.get(&format!("/admin/customers?created_at={t1}&fields=id")).await;
        assert_eq!(ids(&body, "customers"), matching(&|t| t == t1.as_str()), "a plain value is equality");
        let (_, body) = app.get("/admin/customers?updated_at[$gt]=2000-01-01&fields=id").await;
        assert_eq!(body["count"], 5, "a date alone is midnight UTC");
        let (_, body) = app.get("/admin/customers?created_at[$lt]=2000-01-01T00:00:00%2B02:00").await;
        assert_eq!(body["count"], 0);
        let (_, body) = app.get("/admin/customers?deleted_at[$ne]=null").await;
        assert_eq!(body["count"], 0, "deleted customers never appear");
        let (_, body) = app.get("/admin/customers?created_at[$foo]=x&fields=id").await;
        assert_eq!(body["count"], 5, "unknown operators are dropped, as Medusa");
    }
}

both_backends! {
    async fn and_or_combine_filters(app) {
        let seeded = seed(app).await;
        let (status, body) = app.get("/admin/customers?$or[0][email]=alice@example.com&$or[1][first_name]=Dave&fields=id").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(ids(&body, "customers"), [id(&seeded[0]), id(&seeded[3])]);
        let (_, body) = app.get("/admin/customers?$and[0][company_name]=Acme%20Inc&$and[1][$or][0][last_name]=Xavier&$and[1][$or][1][last_name]=Nobody&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[2])]);
        let (_, body) = app.get("/admin/customers?%24or%5B0%5D%5Bemail%5D=bob@example.com&q=beta&fields=id").await;
        assert_eq!(ids(&body, "customers"), [id(&seeded[1])]);
    }
}

both_backends! {
    async fn bad_filters_are_named_400s(app) {
        for (query, needle) in [
            ("foo=bar", "Invalid request: Unrecognized fields: 'foo'"),
            ("has_account=maybe", "Invalid request: Invalid input"),
            ("created_at[$gt]=not-a-date", "created_at"),
            ("email[$ilike]=x", "Expected type: 'string, array' for field 'email', got: '[object Object]'"),
            ("$or=x", "$or"),
            ("$or[0][bogus]=1", "bogus"),
            ("a[b][c][d][e][f][g]=1", "nested"),
            ("groups.id.x=1", "2 levels"),
            ("q[]=a&q[]=b", "'q'"),
            ("fields[]=id", "fields"),
        ] {
            let (status, body) = app.get(&format!("/admin/customers?{query}")).await;
            assert_eq!(status, 400, "{query}: {body}");
            assert_eq!(body["type"], "invalid_data", "{query}");
            assert!(body["message"].as_str().unwrap().contains(needle), "{query}: {body}");
        }
    }
}

both_backends! {
    async fn with_deleted_is_accepted_and_ignored(app) {
        seed(app).await;
        let (status, body) = app.get("/admin/customers?with_deleted=true&fields=id").await;
        assert_eq!(status, 200);
        assert_eq!(body["count"], 5);
    }
}

both_backends! {
    async fn huge_limit_returns_everything(app) {
        seed(app).await;
        let (_, body) = app.get("/admin/customers?limit=100000&fields=id").await;
        assert_eq!(body["customers"].as_array().unwrap().len(), 5);
        assert_eq!(body["limit"], 100000);
    }
}

both_backends! {
    async fn counts_stay_exact_through_creates_and_deletes(app) {
        let seeded = seed(app).await;
        let counts = |q: &'static str| async move {
            let (_, body) = app.get(&format!("/admin/customers?fields=id&limit=0{q}")).await;
            body["count"].as_i64().unwrap()
        };
        assert_eq!(counts("").await, 5);
        app.delete(&format!("/admin/customers/{}", id(&seeded[0]))).await;
        app.delete(&format!("/admin/customers/{}", id(&seeded[0]))).await;
        app.delete("/admin/customers/cus_NOPE").await;
        app.create_customer(json!({})).await;
        // the unfiltered count (kept by triggers) equals counting the rows with a filter
        assert_eq!(counts("").await, 5);
        assert_eq!(counts("&created_at[$gte]=2000-01-01").await, 5);
        assert_eq!(counts("&has_account=false").await, 5);
        let (status, _) = app.post("/admin/customers", json!({"email": "bob@example.com"})).await;
        assert_eq!(status, 400);
        assert_eq!(counts("").await, 5, "a refused duplicate is not counted");
    }
}
