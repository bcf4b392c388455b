//! Flags on a person. Some are set by hand (pregnant, unaccompanied minor with separation
//! details, safeguarding concern, medical need); two are derived from the case book every time
//! (baby under 12 months, from the date of birth; unaccompanied minor, for an under-18 with no
//! adult in their household). Flags drive the distribution's allowances.
//!
//! Safeguarding and medical flags are restricted: only coordinators and leads see or set them.

use chrono::{Months, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::age::born_on_or_before;
use super::record::{self as people, Person};
pub use super::{Flag, FlagKind};
use super::{Sex, Status};
use crate::access::{Role, Session};
use crate::fields::check_len;
use crate::{new_id, Error, Result};

/// Input to set a flag by hand.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetFlag {
    /// The person's id.
    pub person: String,
    /// Which flag (`pregnant`, `unaccompanied_minor`, `safeguarding`, `medical`).
    pub kind: FlagKind,
    /// Pregnant: the expected due date (required).
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// Details.
    #[serde(default)]
    pub details: String,
}

/// Input to clear a flag set by hand.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearFlag {
    /// The person's id.
    pub person: String,
    /// Which flag.
    pub kind: FlagKind,
}

fn may_use(session: &Session, kind: FlagKind) -> Result<()> {
    if kind.restricted() {
        session.require(Role::Coordinator, "see or change safeguarding and medical flags")?;
    }
    Ok(())
}

/// Sets (or replaces) a flag by hand.
pub fn set(conn: &Connection, session: &Session, input: &SetFlag, today: NaiveDate) -> Result<()> {
    may_use(session, input.kind)?;
    let person = people::writable_on(conn, &input.person, today)?;
    let details = input.details.trim();
    check_len("details", "The details", details, 2000)?;
    let due_date = match input.kind {
        FlagKind::Baby => return Err(Error::at("kind", crate::Code::FlagKindBaby, serde_json::json!({}))),
        FlagKind::Pregnant => {
            if person.sex == Sex::Male {
                return Err(Error::at("kind", crate::Code::FlagKindMale, serde_json::json!({})));
            }
            let due = input.due_date.ok_or_else(|| {
                Error::at("due_date", crate::Code::FlagDueDateMissing, serde_json::json!({}))
            })?;
            let earliest = today.checked_sub_months(Months::new(1)).unwrap_or(today);
            let latest = today.checked_add_months(Months::new(10)).unwrap_or(today);
            if due < earliest || due > latest {
                return Err(Error::at("due_date", crate::Code::FlagDueDateOutOfRange, serde_json::json!({})));
            }
            Some(due)
        }
        FlagKind::UnaccompaniedMinor => {
            if person.age.is_some_and(|a| a.years >= 18) {
                return Err(Error::at("kind", crate::Code::FlagKindAdult, serde_json::json!({})));
            }
            None
        }
        FlagKind::Safeguarding | FlagKind::Medical => {
            if details.is_empty() {
                return Err(Error::at("details", crate::Code::FlagDetailsMissing, serde_json::json!({})));
            }
            None
        }
    };
    conn.execute(
        "UPDATE person_flags SET active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE person_id = ?1 AND kind = ?2 AND active = 1",
        params![person.id, input.kind.as_str()],
    )?;
    conn.execute(
        "INSERT INTO person_flags (id, site_id, person_id, kind, due_date, details, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![new_id(), person.site_id, person.id, input.kind.as_str(), due_date, details, session.user_id],
    )?;
    Ok(())
}

/// Clears a flag set by hand (kept, inactive, for the record).
pub fn clear(conn: &Connection, session: &Session, input: &ClearFlag) -> Result<()> {
    may_use(session, input.kind)?;
    let n = conn.execute(
        "UPDATE person_flags SET active = 0, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE person_id = ?1 AND kind = ?2 AND active = 1",
        params![input.person, input.kind.as_str()],
    )?;
    if n == 0 {
        return Err(Error::new(crate::Code::FlagNotSet, serde_json::json!({})));
    }
    Ok(())
}

/// Whether an under-18 has no active adult in their household on `today`.
pub(crate) fn has_no_adult(conn: &Connection, person: &Person, today: NaiveDate) -> Result<bool> {
    let Some(household) = &person.household_id else { return Ok(true) };
    let adults: i64 = conn.query_row(
        "SELECT count(*) FROM people WHERE household_id = ?1 AND status = 'active' AND date_of_birth <= ?2",
        params![household, born_on_or_before(today, 18)],
        |r| r.get(0),
    )?;
    Ok(adults == 0)
}

/// The active flags of `person` that `session` may see, derived ones included.
pub fn for_person(
    conn: &Connection,
    session: &Session,
    person: &Person,
    today: NaiveDate,
) -> Result<Vec<Flag>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, due_date, details FROM person_flags WHERE person_id = ?1 AND active = 1 ORDER BY kind",
    )?;
    let mut flags: Vec<Flag> = stmt
        .query_map([&person.id], |r| {
            let kind: String = r.get("kind")?;
            Ok((kind, r.get::<_, Option<NaiveDate>>("due_date")?, r.get::<_, String>("details")?))
        })?
        .filter_map(|row| match row {
            Ok((kind, due_date, details)) => {
                FlagKind::parse(&kind).map(|kind| Ok(Flag { kind, derived: false, due_date, details }))
            }
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_, _>>()?;
    if let Some(age) = person.age {
        if age.years < 1 {
            flags.push(Flag { kind: FlagKind::Baby, derived: true, due_date: None, details: String::new() });
        }
        let minor = age.years < 18 && person.status == Status::Active;
        if minor
            && !flags.iter().any(|f| f.kind == FlagKind::UnaccompaniedMinor)
            && has_no_adult(conn, person, today)?
        {
            flags.push(Flag {
                kind: FlagKind::UnaccompaniedMinor,
                derived: true,
                due_date: None,
                details: String::new(),
            });
        }
    }
    if session.role < Role::Coordinator {
        flags.retain(|f| !f.kind.restricted());
    }
    Ok(flags)
}
