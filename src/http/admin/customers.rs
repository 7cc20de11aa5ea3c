//! `/admin/customers`: Medusa's customer list and create (CONTRACT.md §1.2, §2.3–2.8).

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::json;

use crate::domain::customer::NewCustomer;
use crate::domain::query::{parse_list, parse_selection};
use crate::domain::resource::CUSTOMER;
use crate::error::ApiError;
use crate::http::actor::Actor;
use crate::http::extract::Body;
use crate::http::{AppState, json_ok};
use crate::store::{customers, list};

/// `GET /admin/customers`: `{customers, count, offset, limit}` with the shared query language.
/// Departs from Medusa where it answers 500 (bad `order`, dates, negative paging: 400 here), and
/// honours `expand` and several `order` fields.
pub async fn list_customers(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let params = parse_list(&CUSTOMER, query.as_deref())?;
    let page = list::list(&state.db, &params, &[]).await?;
    Ok(json_ok(&json!({
        "customers": page.rows,
        "count": page.count,
        "offset": params.offset,
        "limit": params.limit,
    })))
}

/// `POST /admin/customers`: 200 `{customer}`. The body is validated before the query, as Medusa
/// does; `created_by` is the acting user or API key; a duplicate `(email, has_account)` is a 400.
pub async fn create_customer(
    State(state): State<AppState>,
    actor: Actor,
    RawQuery(query): RawQuery,
    Body(body): Body,
) -> Result<Response, ApiError> {
    let new = NewCustomer::from_body(&body, actor.id())?;
    let selection = parse_selection(&CUSTOMER, query.as_deref())?;
    let id = customers::insert(&state.db, &new).await?;
    tracing::info!(customer.id = %id, "customer created");
    let customer = list::get(&state.db, &CUSTOMER, &id, &selection, &[])
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("Customer with id: {id} not found")))?;
    Ok(json_ok(&json!({ "customer": customer })))
}
