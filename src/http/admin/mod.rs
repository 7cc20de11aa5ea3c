//! `/admin` routes, one file per resource.

pub mod customers;
