//! The allow-lists of the query language: for each listable resource, its table, columns, default
//! fields, searchable columns, relations and filters. A new list route adds a `Resource` here, not a parser.

/// How a column is stored and shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColKind {
    Text,
    Bool,
    Json,
    Time,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: ColKind,
    /// Whether NULL may be stored (ordering then places NULLs as Medusa's PostgreSQL does).
    pub nullable: bool,
}

const fn col(name: &'static str, kind: ColKind) -> Column {
    Column {
        name,
        kind,
        nullable: true,
    }
}

/// A NOT NULL column.
const fn req(name: &'static str, kind: ColKind) -> Column {
    Column {
        name,
        kind,
        nullable: false,
    }
}

/// How a relation joins its target.
#[derive(Debug)]
pub enum Join {
    /// `target.<fk> = self.id` (a customer's addresses).
    HasMany { fk: &'static str },
    /// through a pivot table (a customer's groups, a group's customers).
    ManyToMany {
        pivot: &'static str,
        self_fk: &'static str,
        other_fk: &'static str,
    },
}

#[derive(Debug)]
pub struct Relation {
    pub name: &'static str,
    pub target: &'static Resource,
    pub join: Join,
}

impl PartialEq for Relation {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.target.table == other.target.table
    }
}

/// The accepted shape of a filter parameter, as Medusa's validators declare it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FilterShape {
    /// string or string[]: equality or `IN` (`email`, `first_name`, ...).
    TextOrList,
    /// string, string[] or an operator map (`id`).
    TextOps,
    /// an operator map of timestamps (`created_at`, ...).
    TimeOps,
    /// a boolean or `"true"`/`"false"` in any case (`has_account`).
    Flag,
    /// a relation: its ids as string or string[], or an object of the target's own filters.
    Related(&'static str),
}

#[derive(Debug)]
pub struct Filter {
    pub name: &'static str,
    pub shape: FilterShape,
}

const fn filter(name: &'static str, shape: FilterShape) -> Filter {
    Filter { name, shape }
}

#[derive(Debug)]
pub struct Resource {
    /// Singular name used in messages (`Customer`).
    pub label: &'static str,
    pub table: &'static str,
    /// Every scalar column a client may select, in the order responses show them.
    pub columns: &'static [Column],
    pub default_fields: &'static [&'static str],
    /// Columns that may appear in `order` (all of them indexed for the default scope).
    pub sortable: &'static [&'static str],
    /// Whether a `search_text` column backs `q`.
    pub searchable: bool,
    /// On SQLite, the FTS5 trigram table indexing `search_text`, if any.
    pub sqlite_fts: Option<&'static str>,
    /// A table of counters (`n` per slot) that triggers keep equal to the number of live rows.
    pub live_count: Option<&'static str>,
    pub relations: &'static [Relation],
    pub filters: &'static [Filter],
    /// Whether `$and` / `$or` are accepted.
    pub boolean_ops: bool,
    pub soft_delete: bool,
    pub default_limit: i64,
}

impl Resource {
    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
    pub fn relation(&self, name: &str) -> Option<&'static Relation> {
        self.relations.iter().find(|r| r.name == name)
    }
    pub fn filter(&self, name: &str) -> Option<&'static Filter> {
        self.filters.iter().find(|f| f.name == name)
    }
}

use ColKind::*;
use FilterShape::*;

pub static CUSTOMER: Resource = Resource {
    label: "Customer",
    table: "customer",
    columns: &[
        req("id", Text),
        col("company_name", Text),
        col("first_name", Text),
        col("last_name", Text),
        col("email", Text),
        col("phone", Text),
        col("metadata", Json),
        req("has_account", Bool),
        col("created_by", Text),
        req("created_at", Time),
        req("updated_at", Time),
        col("deleted_at", Time),
    ],
    default_fields: &[
        "id",
        "company_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "metadata",
        "has_account",
        "created_by",
        "created_at",
        "updated_at",
        "deleted_at",
    ],
    sortable: &[
        "id",
        "company_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "has_account",
        "created_by",
        "created_at",
        "updated_at",
    ],
    searchable: true,
    sqlite_fts: Some("customer_fts"),
    live_count: Some("customer_count"),
    relations: &[
        Relation {
            name: "addresses",
            target: &ADDRESS,
            join: Join::HasMany { fk: "customer_id" },
        },
        Relation {
            name: "groups",
            target: &CUSTOMER_GROUP,
            join: Join::ManyToMany {
                pivot: "customer_group_customer",
                self_fk: "customer_id",
                other_fk: "customer_group_id",
            },
        },
    ],
    filters: &[
        filter("id", TextOps),
        filter("email", TextOrList),
        filter("company_name", TextOrList),
        filter("first_name", TextOrList),
        filter("last_name", TextOrList),
        filter("created_by", TextOrList),
        filter("has_account", Flag),
        filter("groups", Related("groups")),
        filter("created_at", TimeOps),
        filter("updated_at", TimeOps),
        filter("deleted_at", TimeOps),
    ],
    boolean_ops: true,
    soft_delete: true,
    default_limit: 50,
};

pub static ADDRESS: Resource = Resource {
    label: "Customer address",
    table: "customer_address",
    columns: &[
        req("id", Text),
        col("address_name", Text),
        req("is_default_shipping", Bool),
        req("is_default_billing", Bool),
        col("company", Text),
        req("customer_id", Text),
        col("first_name", Text),
        col("last_name", Text),
        col("address_1", Text),
        col("address_2", Text),
        col("city", Text),
        col("country_code", Text),
        col("province", Text),
        col("postal_code", Text),
        col("phone", Text),
        col("metadata", Json),
        req("created_at", Time),
        req("updated_at", Time),
        col("deleted_at", Time),
    ],
    default_fields: &[
        "id",
        "address_name",
        "company",
        "customer_id",
        "first_name",
        "last_name",
        "address_1",
        "address_2",
        "city",
        "province",
        "postal_code",
        "country_code",
        "phone",
        "metadata",
        "created_at",
        "updated_at",
    ],
    sortable: &["id", "created_at", "updated_at"],
    searchable: true,
    sqlite_fts: None,
    live_count: None,
    relations: &[],
    filters: &[
        filter("company", TextOrList),
        filter("city", TextOrList),
        filter("country_code", TextOrList),
        filter("province", TextOrList),
        filter("postal_code", TextOrList),
    ],
    boolean_ops: false,
    soft_delete: true,
    default_limit: 50,
};

pub static CUSTOMER_GROUP: Resource = Resource {
    label: "Customer group",
    table: "customer_group",
    columns: &[
        req("id", Text),
        req("name", Text),
        col("metadata", Json),
        col("created_by", Text),
        req("created_at", Time),
        req("updated_at", Time),
        col("deleted_at", Time),
    ],
    default_fields: &[
        "id",
        "name",
        "created_by",
        "created_at",
        "updated_at",
        "deleted_at",
        "metadata",
    ],
    sortable: &["id", "name", "created_by", "created_at", "updated_at"],
    searchable: true,
    sqlite_fts: None,
    live_count: None,
    relations: &[Relation {
        name: "customers",
        target: &CUSTOMER,
        join: Join::ManyToMany {
            pivot: "customer_group_customer",
            self_fk: "customer_group_id",
            other_fk: "customer_id",
        },
    }],
    filters: &[
        filter("id", TextOps),
        filter("name", TextOrList),
        filter("created_by", TextOrList),
        filter("customers", Related("customers")),
        filter("created_at", TimeOps),
        filter("updated_at", TimeOps),
        filter("deleted_at", TimeOps),
    ],
    boolean_ops: true,
    soft_delete: true,
    default_limit: 50,
};

pub static API_KEY: Resource = Resource {
    label: "Api key",
    table: "api_key",
    columns: &[
        req("id", Text),
        col("title", Text),
        // a secret key's token is never stored: this column is "" for them (CONTRACT.md §5.5)
        col("token", Text),
        col("redacted", Text),
        col("type", Text),
        col("last_used_at", Time),
        col("created_by", Text),
        col("revoked_by", Text),
        col("revoked_at", Time),
        req("created_at", Time),
        req("updated_at", Time),
        col("deleted_at", Time),
    ],
    default_fields: &[
        "id",
        "title",
        "token",
        "redacted",
        "type",
        "last_used_at",
        "created_by",
        "revoked_by",
        "revoked_at",
        "created_at",
        "updated_at",
    ],
    sortable: &["id", "title", "type", "created_at", "updated_at"],
    searchable: true,
    sqlite_fts: None,
    live_count: None,
    relations: &[],
    filters: &[
        filter("id", TextOps),
        filter("title", TextOrList),
        filter("token", TextOrList),
        filter("type", TextOrList),
        filter("created_at", TimeOps),
        filter("updated_at", TimeOps),
        filter("deleted_at", TimeOps),
        filter("revoked_at", TimeOps),
    ],
    boolean_ops: true,
    soft_delete: true,
    default_limit: 20,
};

/// Admin users, for `GET /admin/users/me`.
pub static USER: Resource = Resource {
    label: "User",
    table: "app_user",
    columns: &[
        req("id", Text),
        req("email", Text),
        col("first_name", Text),
        col("last_name", Text),
        col("avatar_url", Text),
        col("metadata", Json),
        req("created_at", Time),
        req("updated_at", Time),
        col("deleted_at", Time),
    ],
    default_fields: &[
        "id",
        "email",
        "first_name",
        "last_name",
        "avatar_url",
        "metadata",
        "created_at",
        "updated_at",
        "deleted_at",
    ],
    sortable: &["id", "email", "created_at", "updated_at"],
    searchable: false,
    sqlite_fts: None,
    live_count: None,
    relations: &[],
    filters: &[],
    boolean_ops: false,
    soft_delete: true,
    default_limit: 50,
};
