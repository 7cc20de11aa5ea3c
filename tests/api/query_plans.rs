//! Every list filter, order, search and count the customer list offers is served by an index:
//! the plans of the SQL the server runs are checked on both back-ends, over a few thousand
//! analysed rows (PostgreSQL also with sequential scans disabled, so a missing index shows up as a
//! `Seq Scan` whatever the table's size).

use clientele::domain::query::parse_list;
use clientele::domain::resource::CUSTOMER;
use clientele::store::list::{list_sql, list_statement};
use clientele::store::{Dialect, Sql};
use sqlx::{AssertSqlSafe, Connection};

use crate::helpers::{Backend, TestApp};

/// The query strings whose plans are checked, and what each must show.
const FILTERED: &[&str] = &[
    "email=user17@example3.com",
    "email[]=user17@example3.com&email[]=user18@example4.com",
    "first_name=Ada17",
    "last_name=Lovelace5",
    "company_name=Company%207",
    "created_by=user_7",
    "has_account=true",
    "id=cus_1",
    "id[]=cus_1&id[]=cus_2",
    "created_at[$gt]=2024-04-01",
    "created_at[$gte]=2024-02-01&created_at[$lt]=2024-02-02",
    "updated_at[$lte]=2024-01-02",
    "groups=cusgroup_1",
    "groups[name]=VIP",
];
const ORDERED: &[&str] = &[
    "",
    "order=id",
    "order=-id",
    "order=email",
    "order=-email",
    "order=first_name",
    "order=-last_name",
    "order=company_name",
    "order=created_at",
    "order=-created_at",
    "order=-updated_at",
    "offset=500",
];
const SEARCHED: &[&str] = &["q=ada1234", "q=lovelace5%20ada17", "q=nobody-matches"];
const ROWS: i64 = 20_000;

/// Customers with realistic spread (distinct emails and names, a few companies, creation times over
/// 100 days), then the statistics a planner works from.
async fn seed(app: &TestApp) {
    use clientele::store::Param;
    let start = time::macros::datetime!(2024-01-01 00:00 UTC);
    for chunk in (0..ROWS).collect::<Vec<_>>().chunks(500) {
        let mut sql = app.db.sql();
        sql.push("INSERT INTO customer (id, email, first_name, last_name, company_name, created_by, has_account, search_text, created_at, updated_at) VALUES ");
        for (n, i) in chunk.iter().enumerate() {
            if n > 0 {
                sql.push(", ");
            }
            let email = format!("user{i}@example{}.com", i % 50);
            let first = format!("Ada{i}");
            let last = format!("Lovelace{}", i % 400);
            let company = format!("Company {}", i % 300);
            let search = format!("{} {} {} {}", company, first, last, email).to_lowercase();
            let at = start + time::Duration::minutes(7 * i);
            sql.push("(")
                .bind_list([
                    Param::Text(Some(format!("cus_{i:026}"))),
                    Param::Text(Some(email)),
                    Param::Text(Some(first)),
                    Param::Text(Some(last)),
                    Param::Text(Some(company)),
                    Param::Text(Some(format!("user_{}", i % 20))),
                    Param::Bool(i % 10 == 0),
                    Param::Text(Some(search)),
                    Param::Time(Some(at)),
                    Param::Time(Some(at)),
                ])
                .push(")");
        }
        app.db.execute(sql).await.unwrap();
    }
    let mut analyse = app.db.sql();
    analyse.push(match app.backend {
        Backend::Sqlite => "ANALYZE",
        Backend::Postgres => "VACUUM ANALYZE customer",
    });
    app.db.execute(analyse).await.unwrap();
}

async fn plan_lines(app: &TestApp, sql: Sql) -> Vec<String> {
    match app.backend {
        Backend::Sqlite => {
            let path = app.database_url.trim_start_matches("sqlite://");
            let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
                .await
                .unwrap();
            let mut q = sqlx::query(AssertSqlSafe(format!("EXPLAIN QUERY PLAN {}", sql.text)));
            for p in sql.params {
                q = p.bind_sqlite(q);
            }
            let rows = q.fetch_all(&mut conn).await.unwrap();
            rows.iter().map(|r| sqlx::Row::get::<String, _>(r, 3)).collect()
        }
        Backend::Postgres => {
            // the server's connections plan each prepared statement once, generically (without
            // the values): the plan checked is that one, from PREPARE and EXPLAIN EXECUTE
            let mut conn = sqlx::PgConnection::connect(&app.database_url).await.unwrap();
            sqlx::raw_sql("SET enable_seqscan = off; SET plan_cache_mode = force_generic_plan")
                .execute(&mut conn)
                .await
                .unwrap();
            sqlx::raw_sql(AssertSqlSafe(format!("PREPARE s AS {}", sql.text)))
                .execute(&mut conn)
                .await
                .unwrap();
            let args: Vec<String> = sql.params.iter().map(pg_literal).collect();
            let explain = match args.is_empty() {
                true => "EXPLAIN EXECUTE s".to_string(),
                false => format!("EXPLAIN EXECUTE s({})", args.join(", ")),
            };
            let rows = sqlx::raw_sql(AssertSqlSafe(explain))
                .fetch_all(&mut conn)
                .await
                .unwrap();
            rows.iter().map(|r| sqlx::Row::get::<String, _>(r, 0)).collect()
        }
    }
}

/// A test value as a PostgreSQL literal, for `EXECUTE s(...)` (test data only).
fn pg_literal(p: &clientele::store::Param) -> String {
    use clientele::store::Param;
    let quote = |s: &str| format!("'{}'", s.replace('\'', "''"));
    match p {
        Param::Text(Some(s)) => quote(s),
        Param::Time(Some(t)) => quote(&clientele::domain::format_ts(*t)),
        Param::Json(Some(v)) => quote(&v.to_string()),
        Param::Text(None) | Param::Time(None) | Param::Json(None) => "NULL".into(),
        Param::Bool(b) => b.to_string(),
        Param::Int(i) => i.to_string(),
    }
}

fn sql_for(app: &TestApp, query: &str) -> (Sql, Sql) {
    let dialect = match app.backend {
        Backend::Sqlite => Dialect::Sqlite,
        Backend::Postgres => Dialect::Postgres,
    };
    let params = parse_list(&CUSTOMER, Some(query)).unwrap();
    list_sql(dialect, &params).unwrap()
}

/// A full scan of the customer table, not through any index.
fn scans_table(app: &TestApp, plan: &[String]) -> bool {
    plan.iter().any(|l| match app.backend {
        Backend::Sqlite => l.starts_with("SCAN t") && !l.contains("INDEX"),
        Backend::Postgres => l.contains("Seq Scan on customer "),
    })
}

fn sorts(app: &TestApp, plan: &[String]) -> bool {
    plan.iter().any(|l| match app.backend {
        Backend::Sqlite => l.contains("TEMP B-TREE FOR ORDER BY"),
        Backend::Postgres => {
            l.trim_start().trim_start_matches("->  ").starts_with("Sort") || l.contains("Incremental Sort")
        }
    })
}

crate::both_backends! {
    async fn every_filter_order_search_and_count_uses_an_index(app) {
        seed(app).await;
        let mut report = Vec::new();
        for query in FILTERED.iter().chain(ORDERED) {
            let (select, count) = sql_for(app, query);
            for (what, sql) in [("page", select), ("count", count)] {
                let plan = plan_lines(app, sql).await;
                if scans_table(app, &plan) {
                    report.push(format!("{query} ({what}) scans the table:\n  {}", plan.join("\n  ")));
                }
                if what == "page" && ORDERED.contains(query) && sorts(app, &plan) {
                    report.push(format!("{query} sorts instead of reading an index in order:\n  {}", plan.join("\n  ")));
                }
                if what == "page" && FILTERED.contains(query) && app.backend == Backend::Sqlite
                    && !plan.iter().any(|l| l.starts_with("SEARCH"))
                {
                    report.push(format!("{query} searches no index:\n  {}", plan.join("\n  ")));
                }
            }
        }
        // a search runs as one statement (matches found once, then counted and paged)
        for query in SEARCHED {
            let params = parse_list(&CUSTOMER, Some(query)).unwrap();
            let sql = list_statement(app.db.dialect(), &params, &params.conds).unwrap();
            let plan = plan_lines(app, sql).await;
            let index = match app.backend { Backend::Sqlite => "customer_fts", Backend::Postgres => "customer_search" };
            if !plan.iter().any(|l| l.contains(index)) {
                report.push(format!("{query} does not use {index}:\n  {}", plan.join("\n  ")));
            }
            // the matches are kept in `m`; the table (`t`) is only searched by key or index
            if scans_table(app, &plan) {
                report.push(format!("{query} scans the table:\n  {}", plan.join("\n  ")));
            }
        }
        assert!(report.is_empty(), "{}", report.join("\n"));
    }
}
