//! The desk undoing its own mistake: whoever recorded a collection may reverse it themselves for
//! a short time after (the wrong household picked, a code mistyped), with a reason; after that,
//! or for someone else's collection, a coordinator reverses it (`reverse_collection`). The
//! reversal itself is the same as a coordinator's: reversing movements, nothing deleted.

use rusqlite::{Connection, OptionalExtension};

use super::reverse;
use crate::access::Session;
use crate::{Error, Result};
use chrono::NaiveDate;

/// How long after recording it the person who recorded a collection may undo it.
pub const UNDO_MINUTES: i64 = 15;

/// Reverses a collection that `s` recorded less than [`UNDO_MINUTES`] ago, with a reason.
/// Returns the units put back. Refused (forbidden) for someone else's collection or once the
/// time has passed, with the next step named: a coordinator can still reverse it.
pub fn undo_own(
    conn: &Connection,
    s: &Session,
    collection: &str,
    why: &str,
    today: NaiveDate,
) -> Result<i64> {
    // Minutes since it was recorded, by the database's clock (which wrote `created_at`).
    let row: Option<(Option<String>, f64)> = conn
        .query_row(
            "SELECT created_by, (julianday('now') - julianday(created_at)) * 1440.0 AS minutes
             FROM collections WHERE id = ?1",
            [collection],
            |r| Ok((r.get("created_by")?, r.get("minutes")?)),
        )
        .optional()?;
    let Some((recorded_by, minutes)) = row else {
        return Err(Error::new(crate::Code::CollectionNotFound, serde_json::json!({})));
    };
    if recorded_by.as_deref() != Some(s.user_id.as_str()) {
        return Err(Error::new(crate::Code::CollectionUndoNotYours, serde_json::json!({})));
    }
    if minutes > UNDO_MINUTES as f64 {
        return Err(Error::new(
            crate::Code::CollectionUndoTooLate,
            serde_json::json!({"minutes": UNDO_MINUTES}),
        ));
    }
    reverse(conn, s, collection, why, today)
}
