//! `/admin` routes, one file per resource.

pub mod api_keys;
pub mod customer_addresses;
pub mod customer_groups;
pub mod customers;
pub mod users;

use axum::Router;
use axum::routing::{get, post};

use super::AppState;

/// Every admin route (authentication is applied around them by `http::router`).
pub fn routes() -> Router<AppState> {
    use customer_addresses as addr;
    use customer_groups as grp;
    Router::new()
        .route(
            "/admin/customers",
            get(customers::list_customers).post(customers::create_customer),
        )
        .route(
            "/admin/customers/{id}",
            get(customers::get_customer)
                .post(customers::update_customer)
                .delete(customers::delete_customer),
        )
        .route(
            "/admin/customers/{id}/customer-groups",
            post(customers::link_groups),
        )
        .route(
            "/admin/customers/{id}/addresses",
            get(addr::list_addresses).post(addr::create_address),
        )
        .route(
            "/admin/customers/{id}/addresses/{address_id}",
            get(addr::get_address)
                .post(addr::update_address)
                .delete(addr::delete_address),
        )
        .route(
            "/admin/customer-groups",
            get(grp::list_groups).post(grp::create_group),
        )
        .route(
            "/admin/customer-groups/{id}",
            get(grp::get_group)
                .post(grp::update_group)
                .delete(grp::delete_group),
        )
        .route("/admin/customer-groups/{id}/customers", post(grp::link_customers))
        .route(
            "/admin/api-keys",
            get(api_keys::list_keys).post(api_keys::create_key),
        )
        .route(
            "/admin/api-keys/{id}",
            get(api_keys::get_key)
                .post(api_keys::update_key)
                .delete(api_keys::delete_key),
        )
        .route("/admin/api-keys/{id}/revoke", post(api_keys::revoke_key))
        .route("/admin/users/me", get(users::me))
}
