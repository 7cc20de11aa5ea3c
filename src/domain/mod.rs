//! Validated domain values and the query language shared by every list route.

pub mod customer;
pub mod qs;
pub mod query;
pub mod resource;
pub mod validate;

use std::sync::Mutex;
use time::OffsetDateTime;

static ULIDS: Mutex<ulid::Generator> = Mutex::new(ulid::Generator::new());

/// A new id: `<prefix>_` + a ULID, as Medusa's `generateEntityId`. Monotonic within the process,
/// so rows created in the same millisecond still sort by creation under the default `id` order.
pub fn new_id(prefix: &str) -> String {
    let id = {
        let mut generator = ULIDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match generator.generate() {
            Ok(id) => id,
            // 2^80 ids in one millisecond: fall back to a fresh random one.
            Err(_) => ulid::Ulid::generate(),
        }
    };
    format!("{prefix}_{id}")
}

/// Now, truncated to milliseconds: timestamps are milliseconds on the wire, so they are stored that
/// way too, or `created_at[$gt]=<a returned timestamp>` would match the very row it came from.
pub fn now_ms() -> OffsetDateTime {
    truncate_ms(OffsetDateTime::now_utc())
}

pub fn truncate_ms(t: OffsetDateTime) -> OffsetDateTime {
    let t = t.checked_to_offset(time::UtcOffset::UTC).unwrap_or(t);
    let ms = t.millisecond();
    t.replace_nanosecond(u32::from(ms) * 1_000_000).unwrap_or(t)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the one timestamp format on the wire and in SQLite.
pub fn format_ts(t: OffsetDateTime) -> String {
    let t = t.checked_to_offset(time::UtcOffset::UTC).unwrap_or(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Parses the timestamps a client may send in a filter: RFC 3339 (any offset, any fraction),
/// `YYYY-MM-DD`, or `YYYY-MM-DD[T ]HH:MM[:SS[.fff]]` read as UTC.
pub fn parse_ts(raw: &str) -> Option<OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let s = raw.trim();
    if let Ok(t) = OffsetDateTime::parse(s, &Rfc3339) {
        // a time whose UTC form falls outside years 1..9999 (`9999-12-31T23:59:59-01:00`) is no date
        return t.checked_to_offset(time::UtcOffset::UTC);
    }
    let fmt_date = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &fmt_date) {
        return Some(d.midnight().assume_utc());
    }
    let naive = s.replacen(' ', "T", 1);
    let naive = naive.strip_suffix('Z').unwrap_or(&naive);
    for fmt in [
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"),
    ] {
        if let Ok(t) = time::PrimitiveDateTime::parse(naive, &fmt) {
            return Some(t.assume_utc());
        }
    }
    None
}

/// Medusa's (zod v4's) e-mail rule:
/// `^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-\.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$`
pub fn is_valid_email(s: &str) -> bool {
    if s.starts_with('.') || s.contains("..") {
        return false;
    }
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    let local_ok = local
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_'+-.".contains(c))
        && local
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || "_+-".contains(c));
    if !local_ok {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, rest)) = labels.split_last() else {
        return false;
    };
    !rest.is_empty()
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && rest.iter().all(|label| {
            label.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
}

/// Text kept for `q`: every searchable column, lower-cased (all of Unicode, not SQLite's ASCII-only
/// `lower`), joined by a space. A `q` token holds no whitespace, so a token found in this text lies
/// inside one column: matching it equals Medusa's OR of `ILIKE '%token%'` over the columns.
pub fn search_text<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut out = String::new();
    for v in values.into_iter().flatten() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&v.to_lowercase());
    }
    out
}

/// Medusa's metadata update (CONTRACT.md §6): a non-empty object is merged shallowly into the current
/// one, a key set to `""` is removed; `null` or `{}` replaces the whole value.
pub fn merge_metadata(
    current: Option<&serde_json::Value>,
    incoming: &serde_json::Value,
) -> serde_json::Value {
    use serde_json::Value;
    match incoming {
        Value::Object(changes) if !changes.is_empty() => {
            let mut merged = match current {
                Some(Value::Object(m)) => m.clone(),
                _ => serde_json::Map::new(),
            };
            for (k, v) in changes {
                if v.as_str() == Some("") {
                    merged.shift_remove(k);
                } else {
                    merged.insert(k.clone(), v.clone());
                }
            }
            Value::Object(merged)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_merges_like_medusa() {
        use serde_json::json;
        let cur = json!({"a": 1, "b": 2, "n": {"x": 1}});
        assert_eq!(
            merge_metadata(Some(&cur), &json!({"b": "", "c": 3, "n": {"y": 2}})),
            json!({"a": 1, "c": 3, "n": {"y": 2}})
        );
        assert_eq!(merge_metadata(Some(&cur), &json!({})), json!({}));
        assert_eq!(merge_metadata(Some(&cur), &json!(null)), json!(null));
        assert_eq!(merge_metadata(None, &json!({"a": ""})), json!({}));
    }

    #[test]
    fn email_rule_matches_medusa() {
        for ok in [
            "a@b.co",
            "a+tag@example.com",
            "o'neil@x.io",
            "a.b-c_d@sub.example.org",
            "x@1a.com",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "not-an-email",
            "  Mixed.Case@Example.com  ",
            ".a@b.co",
            "a..b@c.co",
            "a.@b.co",
            "a@b",
            "a@b.c",
            "a@-b.com",
            "a@b.c0m",
            "a@@b.com",
            "@b.com",
            "a@b..com",
            "ä@b.com",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_round_trip_at_millisecond_precision() {
        let t = parse_ts("2024-01-02T03:04:05.678901Z").unwrap();
        assert_eq!(format_ts(truncate_ms(t)), "2024-01-02T03:04:05.678Z");
        assert_eq!(
            format_ts(parse_ts("2024-01-02").unwrap()),
            "2024-01-02T00:00:00.000Z"
        );
        assert_eq!(
            format_ts(parse_ts("2024-01-02T05:00:00+02:00").unwrap()),
            "2024-01-02T03:00:00.000Z"
        );
        assert!(parse_ts("not-a-date").is_none());
        assert!(parse_ts("2024-13-01").is_none());
        assert!(
            parse_ts("9999-12-31T23:59:59-01:00").is_none(),
            "past year 9999 in UTC"
        );
    }

    #[test]
    fn ids_are_prefixed_ulids_in_creation_order() {
        let a = new_id("cus");
        let b = new_id("cus");
        assert!(a.starts_with("cus_") && a.len() == 30);
        assert!(a < b);
    }
}
