//! This computer's automatic exchange folder: the office's shared folder (or one kept in step
//! by Syncthing or a cloud drive), exchanged through on a timer, at sign-in and at exit, and
//! the outcome of the last exchange, by hand or automatic. Local to the computer: another
//! office PC may use another path to the same share.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::ExchangeReport;
use crate::{Code, Error, Result};
use serde_json::json;

/// Fewest minutes between two automatic exchanges.
pub const MIN_MINUTES: u32 = 5;
/// Most minutes between two automatic exchanges (a day).
pub const MAX_MINUTES: u32 = 1440;

/// The automatic folder and the last exchange's outcome.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Automatic {
    /// The folder ('' when this computer has none).
    pub dir: String,
    /// Minutes between two automatic exchanges.
    pub minutes: u32,
    /// When the last exchange ended (UTC), by hand or automatic.
    pub last_at: Option<String>,
    /// What it did.
    pub last_report: Option<ExchangeReport>,
    /// Why it failed, when it did (the folder was not there: a stick not plugged in, the
    /// network down).
    pub last_error: Option<String>,
}

/// This computer's automatic folder (none set: an empty one, 15 minutes).
pub fn get(conn: &Connection) -> Result<Automatic> {
    let row = conn
        .query_row(
            "SELECT dir, minutes, last_at, last_report, last_error FROM exchange_auto WHERE id = 1",
            [],
            |r| {
                Ok(Automatic {
                    dir: r.get(0)?,
                    minutes: r.get(1)?,
                    last_at: r.get(2)?,
                    last_report: r.get::<_, Option<String>>(3)?.and_then(|j| serde_json::from_str(&j).ok()),
                    last_error: r.get(4)?,
                })
            },
        )
        .optional()?;
    Ok(row.unwrap_or(Automatic { minutes: 15, ..Automatic::default() }))
}

/// Sets (or, with an empty `dir`, turns off) the automatic folder. The folder must exist now.
pub fn set(conn: &Connection, dir: &str, minutes: u32) -> Result<Automatic> {
    let dir = dir.trim();
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&minutes) {
        return Err(Error::at(
            "minutes",
            Code::ExchangeMinutesOutOfRange,
            json!({"min": MIN_MINUTES, "max": MAX_MINUTES}),
        ));
    }
    if !dir.is_empty() && !std::path::Path::new(dir).is_dir() {
        return Err(Error::at("dir", Code::ExchangeDirNotFound, json!({"dir": dir})));
    }
    conn.execute(
        "INSERT INTO exchange_auto (id, dir, minutes) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET dir = excluded.dir, minutes = excluded.minutes",
        params![dir, minutes],
    )?;
    get(conn)
}

/// Records how an exchange ended.
pub fn note_outcome(conn: &Connection, outcome: &Result<ExchangeReport>) -> Result<()> {
    let (report, error) = match outcome {
        Ok(r) => (serde_json::to_string(r).ok(), None),
        Err(e) => (None, Some(e.to_string())),
    };
    conn.execute(
        "INSERT INTO exchange_auto (id, last_at, last_report, last_error) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET last_at = excluded.last_at, last_report = excluded.last_report,
             last_error = excluded.last_error",
        params![super::now_utc(), report, error],
    )?;
    Ok(())
}

/// Whether the automatic exchange is due at `now`: a folder is set and the last exchange is
/// `minutes` old or more (or there was none).
pub fn due(auto: &Automatic, now: DateTime<Utc>) -> bool {
    if auto.dir.is_empty() {
        return false;
    }
    let Some(last) = auto.last_at.as_deref().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) else {
        return true;
    };
    now.signed_duration_since(last) >= Duration::minutes(i64::from(auto.minutes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_only_with_a_folder_and_once_the_minutes_have_passed() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T10:00:00Z").map(|d| d.with_timezone(&Utc));
        let Ok(now) = now else { return };
        let mut auto = Automatic { dir: String::new(), minutes: 15, ..Automatic::default() };
        assert!(!due(&auto, now), "no folder: never due");
        auto.dir = "share".into();
        assert!(due(&auto, now), "never exchanged: due");
        auto.last_at = Some("2026-11-29T09:50:00.000Z".into());
        assert!(!due(&auto, now), "ten minutes ago: not yet");
        auto.last_at = Some("2026-11-29T09:45:00.000Z".into());
        assert!(due(&auto, now), "fifteen minutes ago: due");
    }
}
