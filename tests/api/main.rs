//! Integration tests: the real server over HTTP, every behaviour on SQLite and on PostgreSQL.

mod helpers;

mod auth;
mod customers_create;
mod customers_list;
mod http;
