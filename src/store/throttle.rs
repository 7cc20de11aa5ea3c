//! Failed-login counters in fixed windows, in the database so that every process sees them.

use time::Duration;

use super::{Db, Param, StoreError};
use crate::domain::resource::ColKind;
use crate::domain::{now_ms, parse_ts};

/// Seconds until every one of `keys` that has used up its allowance (`limit` failures within
/// `window`) may try again; `None` when none is blocked.
pub async fn blocked_for(db: &Db, keys: &[(&str, i64)], window: Duration) -> Result<Option<i64>, StoreError> {
    let now = now_ms();
    let mut wait: Option<i64> = None;
    for (key, limit) in keys {
        let mut sql = db.sql();
        sql.push("SELECT window_start FROM login_throttle WHERE key = ")
            .bind(Param::Text(Some(key.to_string())))
            .push(" AND failures >= ")
            .bind(Param::Int(*limit))
            .push(" AND window_start > ")
            .bind(Param::Time(Some(now - window)));
        let rows = db.fetch(sql, &[ColKind::Time]).await?;
        if let Some(start) = rows
            .first()
            .and_then(|r| r.first())
            .and_then(|v| v.as_str())
            .and_then(parse_ts)
        {
            let secs = ((start + window) - now).whole_seconds().max(1);
            wait = Some(wait.map_or(secs, |w| w.max(secs)));
        }
    }
    Ok(wait)
}

/// Counts one failure against each key, starting a new window where the last one ended.
pub async fn record_failure(db: &Db, keys: &[&str], window: Duration) -> Result<(), StoreError> {
    let now = now_ms();
    let cutoff = now - window;
    for key in keys {
        let mut sql = db.sql();
        sql.push("INSERT INTO login_throttle (key, window_start, failures) VALUES (")
            .bind(Param::Text(Some(key.to_string())))
            .push(", ")
            .bind(Param::Time(Some(now)))
            .push(", 1) ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN login_throttle.window_start <= ")
            .bind(Param::Time(Some(cutoff)))
            .push(" THEN 1 ELSE login_throttle.failures + 1 END, window_start = CASE WHEN login_throttle.window_start <= ")
            .bind(Param::Time(Some(cutoff)))
            .push(" THEN ")
            .bind(Param::Time(Some(now)))
            .push(" ELSE login_throttle.window_start END");
        db.execute(sql).await?;
    }
    let mut purge = db.sql();
    purge
        .push("DELETE FROM login_throttle WHERE window_start <= ")
        .bind(Param::Time(Some(cutoff)));
    db.execute(purge).await?;
    Ok(())
}

/// Forgets the failures of a key (after a successful login for that email).
pub async fn clear(db: &Db, key: &str) -> Result<(), StoreError> {
    let mut sql = db.sql();
    sql.push("DELETE FROM login_throttle WHERE key = ")
        .bind(Param::Text(Some(key.to_string())));
    db.execute(sql).await?;
    Ok(())
}
