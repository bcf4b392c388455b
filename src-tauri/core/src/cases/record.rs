//! A person's stored record: the columns read, the mapping of a row, and the read by id without
//! flags. Flags, households and people's own functions all read a person through here, so none of
//! them has to import another to do it.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::age::{age_on, Age};
use super::{Flag, Relationship, Sex, Status};
use crate::{Code, Error, Result};

/// A person as shown on their page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Person {
    /// Id.
    pub id: String,
    /// Human code (`CAL-0042`).
    pub code: String,
    /// Site id.
    pub site_id: String,
    /// Site code.
    pub site_code: String,
    /// Given name (Latin script).
    pub given_name: String,
    /// Family name (Latin script).
    pub family_name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// Other names.
    pub other_names: Vec<String>,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Whether the date of birth is estimated.
    pub dob_estimated: bool,
    /// Age today.
    pub age: Option<Age>,
    /// Nationality.
    pub nationality: Option<String>,
    /// Languages spoken.
    pub languages: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Case status.
    pub status: Status,
    /// Household id.
    pub household_id: Option<String>,
    /// Relationship in the household.
    pub relationship: Option<Relationship>,
    /// When consent to keep data was recorded.
    pub consent_at: Option<String>,
    /// Who recorded it.
    pub consent_by: Option<String>,
    /// Active flags, derived ones included (filtered by role).
    pub flags: Vec<Flag>,
    /// Registered at (UTC).
    pub created_at: String,
    /// Last changed at (UTC).
    pub updated_at: String,
    /// When the record was anonymised (erasure or retention); its identity is gone.
    pub anonymised_at: Option<String>,
    /// The record this one was merged into (its id): this one is kept, read-only, and its code
    /// finds that person.
    pub merged_into: Option<String>,
    /// That record's code (`CAL-0042`).
    pub merged_into_code: Option<String>,
}

pub(crate) const COLUMNS: &str =
    "p.id, p.code, p.site_id, s.code AS site_code, p.given_name, p.family_name, p.original_name,
    p.other_names, p.sex, p.date_of_birth, p.dob_estimated, p.nationality, p.languages, p.phone, p.status,
    p.household_id, p.relationship, p.consent_at, u.display_name AS consent_by, p.created_at, p.updated_at,
    p.anonymised_at, p.merged_into, (SELECT k.code FROM people k WHERE k.id = p.merged_into) AS merged_into_code";

pub(crate) const FROM: &str =
    "people p JOIN sites s ON s.id = p.site_id LEFT JOIN users u ON u.id = p.consent_by";

/// Separator of other names in the `other_names` column.
pub(crate) const NAMES_SEP: char = '\n';

fn from_row(r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<Person> {
    let other: String = r.get("other_names")?;
    let dob: Option<NaiveDate> = r.get("date_of_birth")?;
    Ok(Person {
        id: r.get("id")?,
        code: r.get("code")?,
        site_id: r.get("site_id")?,
        site_code: r.get("site_code")?,
        given_name: r.get("given_name")?,
        family_name: r.get("family_name")?,
        original_name: r.get("original_name")?,
        other_names: other.split(NAMES_SEP).filter(|s| !s.is_empty()).map(str::to_string).collect(),
        sex: r.get("sex")?,
        date_of_birth: dob,
        dob_estimated: r.get("dob_estimated")?,
        age: dob.and_then(|d| age_on(d, today)),
        nationality: r.get("nationality")?,
        languages: r.get("languages")?,
        phone: r.get("phone")?,
        status: r.get("status")?,
        household_id: r.get("household_id")?,
        relationship: r.get("relationship")?,
        consent_at: r.get("consent_at")?,
        consent_by: r.get("consent_by")?,
        flags: Vec::new(),
        created_at: r.get("created_at")?,
        updated_at: r.get("updated_at")?,
        anonymised_at: r.get("anonymised_at")?,
        merged_into: r.get("merged_into")?,
        merged_into_code: r.get("merged_into_code")?,
    })
}

/// The person with `id` (flags not filled in).
pub(crate) fn get_basic_on(conn: &Connection, id: &str, today: NaiveDate) -> Result<Person> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM {FROM} WHERE p.id = ?1"), [id], |r| from_row(r, today))
        .optional()?
        .ok_or_else(not_found)
}

/// The person with `id`, for a change about them: an anonymised record (erased on request or by
/// the retention rule) takes no new details, notes, flags, referrals, phones or checklist,
/// which would put identifying data back on it; a merged record is read-only (what is added
/// goes to the record it was merged into).
pub(crate) fn writable_on(conn: &Connection, id: &str, today: NaiveDate) -> Result<Person> {
    let person = get_basic_on(conn, id, today)?;
    if person.anonymised_at.is_some() {
        return Err(crate::Error::new(crate::Code::PersonAnonymised, serde_json::json!({})));
    }
    if let Some(code) = &person.merged_into_code {
        return Err(crate::Error::new(crate::Code::PersonMerged, serde_json::json!({"code": code})));
    }
    Ok(person)
}

/// Refuses a change to a merged record (it is read-only: changes go to the record it was merged
/// into); a person not found is left to the change itself to report.
pub(crate) fn not_merged(conn: &Connection, id: &str) -> Result<()> {
    let into: Option<String> = conn
        .query_row(
            "SELECT (SELECT k.code FROM people k WHERE k.id = p.merged_into) FROM people p WHERE p.id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    match into {
        Some(code) => Err(Error::new(Code::PersonMerged, serde_json::json!({"code": code}))),
        None => Ok(()),
    }
}

pub(crate) fn get_basic(conn: &Connection, id: &str) -> Result<Person> {
    get_basic_on(conn, id, chrono::Local::now().date_naive())
}

/// The error for a person that does not exist.
pub(crate) fn not_found() -> Error {
    Error::new(Code::PersonNotFound, serde_json::json!({}))
}
