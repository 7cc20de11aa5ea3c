//! Integration tests: the real server over HTTP, every behaviour on SQLite and on PostgreSQL.
#![expect(
    clippy::cloned_ref_to_slice_refs,
    reason = "`[id.clone()]` reads better in assertions"
)]

mod helpers;

mod api_keys;
mod auth;
mod customer_addresses;
mod customer_groups;
mod customers_by_id;
mod customers_create;
mod customers_list;
mod hostile;
mod http;
mod process;
mod query_plans;
