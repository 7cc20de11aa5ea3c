//! A small SQL text builder: identifiers from allow-lists are pushed as text, every value is bound
//! as a parameter with the dialect's placeholder (`?` for SQLite, `$n` for PostgreSQL).

use serde_json::Value;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Postgres, Sqlite};
use time::OffsetDateTime;

use crate::domain::format_ts;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A bound value.
#[derive(Clone, Debug)]
pub enum Param {
    Text(Option<String>),
    Bool(bool),
    Int(i64),
    Time(Option<OffsetDateTime>),
    Json(Option<Value>),
}

impl Param {
    pub fn bind_sqlite<'q>(
        self,
        q: Query<'q, Sqlite, SqliteArguments>,
    ) -> Query<'q, Sqlite, SqliteArguments> {
        match self {
            Param::Text(v) => q.bind(v),
            Param::Bool(v) => q.bind(v),
            Param::Int(v) => q.bind(v),
            // SQLite compares timestamps as text: always one format, always UTC, always from Rust
            Param::Time(v) => q.bind(v.map(format_ts)),
            Param::Json(v) => q.bind(v.map(|j| j.to_string())),
        }
    }

    pub fn bind_pg<'q>(self, q: Query<'q, Postgres, PgArguments>) -> Query<'q, Postgres, PgArguments> {
        match self {
            Param::Text(v) => q.bind(v),
            Param::Bool(v) => q.bind(v),
            Param::Int(v) => q.bind(v),
            Param::Time(v) => q.bind(v),
            Param::Json(v) => q.bind(v),
        }
    }
}

/// SQL text and its parameters, built for one dialect.
#[derive(Debug)]
pub struct Sql {
    pub dialect: Dialect,
    pub text: String,
    pub params: Vec<Param>,
}

impl Sql {
    pub fn new(dialect: Dialect) -> Self {
        Sql {
            dialect,
            text: String::with_capacity(256),
            params: Vec::new(),
        }
    }

    /// Appends trusted SQL text (never a value from a request).
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends a placeholder for `param`.
    pub fn bind(&mut self, param: Param) -> &mut Self {
        self.params.push(param);
        match self.dialect {
            Dialect::Sqlite => self.text.push('?'),
            Dialect::Postgres => {
                self.text.push('$');
                self.text.push_str(&self.params.len().to_string());
            }
        }
        self
    }

    /// Appends `a, b, c` placeholders.
    pub fn bind_list(&mut self, params: impl IntoIterator<Item = Param>) -> &mut Self {
        for (i, p) in params.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(p);
        }
        self
    }
}

/// Escapes `\`, `%` and `_` so that a `LIKE ... ESCAPE '\'` pattern matches the text literally.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_dialect() {
        let mut pg = Sql::new(Dialect::Postgres);
        pg.push("a = ")
            .bind(Param::Int(1))
            .push(" AND b IN (")
            .bind_list([Param::Int(2), Param::Int(3)])
            .push(")");
        assert_eq!(pg.text, "a = $1 AND b IN ($2, $3)");
        let mut lite = Sql::new(Dialect::Sqlite);
        lite.push("a = ").bind(Param::Int(1));
        assert_eq!(lite.text, "a = ?");
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like(r"50%_a\b"), r"50\%\_a\\b");
    }
}
