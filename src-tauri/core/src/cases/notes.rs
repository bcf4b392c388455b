//! Case notes: dated and authored. A restricted note is for coordinators and leads; the front
//! desk sees no notes at all.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::people;
use crate::access::{Role, Session};
use crate::fields::check_len;
use crate::{new_id, Result};

/// A note on a person's case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Note {
    /// Id.
    pub id: String,
    /// The day it is about.
    pub noted_on: NaiveDate,
    /// Who wrote it.
    pub author: String,
    /// The note.
    pub body: String,
    /// Only for leads and coordinators.
    pub restricted: bool,
}

/// Input to add a note.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewNote {
    /// The person's id.
    pub person: String,
    /// The note.
    pub body: String,
    /// Only for leads and coordinators.
    #[serde(default)]
    pub restricted: bool,
    /// The day it is about (default today).
    #[serde(default)]
    pub noted_on: Option<NaiveDate>,
}

/// Adds a note; returns its id.
pub fn add(conn: &Connection, session: &Session, input: &NewNote, today: NaiveDate) -> Result<String> {
    let body = input.body.trim();
    if body.is_empty() {
        return Err(crate::Error::at("body", crate::Code::NoteBodyMissing, serde_json::json!({})));
    }
    check_len("body", "The note", body, 10_000)?;
    let noted_on = input.noted_on.unwrap_or(today);
    if noted_on > today {
        return Err(crate::Error::at("noted_on", crate::Code::NoteNotedOnInFuture, serde_json::json!({})));
    }
    let person = people::writable_on(conn, &input.person, today)?;
    let id = new_id();
    conn.execute(
        "INSERT INTO notes (id, site_id, person_id, author_id, noted_on, body, restricted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![id, person.site_id, person.id, session.user_id, noted_on, body, input.restricted],
    )?;
    Ok(id)
}

/// The notes on a person that `session` may read, newest first.
pub fn for_person(conn: &Connection, session: &Session, person: &str) -> Result<Vec<Note>> {
    if session.role < Role::Coordinator {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT n.id, n.noted_on, u.display_name AS author, n.body, n.restricted
         FROM notes n JOIN users u ON u.id = n.author_id
         WHERE n.person_id = ?1 ORDER BY n.noted_on DESC, n.id DESC",
    )?;
    let rows = stmt.query_map([person], |r| {
        Ok(Note {
            id: r.get("id")?,
            noted_on: r.get("noted_on")?,
            author: r.get("author")?,
            body: r.get("body")?,
            restricted: r.get("restricted")?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
