//! `/admin` routes, one file per resource.

pub mod customer_addresses;
pub mod customer_groups;
pub mod customers;

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
}
