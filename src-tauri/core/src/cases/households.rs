//! Households: people registered together, with their relationships. A person is in at most one
//! household; its size is counted, never stored.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::age::Age;
use super::record as people;
use super::Relationship;
use crate::{new_id, Error, Result};

/// A member as listed on a person's household tab.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Member {
    /// Person id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Given and family name.
    pub name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// Relationship.
    pub relationship: Option<Relationship>,
    /// Age today.
    pub age: Option<Age>,
    /// Status.
    pub status: super::Status,
}

/// A household and its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Household {
    /// Household id.
    pub id: String,
    /// Name (e.g. "Tesfay household").
    pub name: String,
    /// Members, adults first.
    pub members: Vec<Member>,
    /// Active members.
    pub size: usize,
}

/// Input to put a person in another person's household.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct JoinHousehold {
    /// The person who joins.
    pub person: String,
    /// Someone already in (or heading) the household to join.
    pub with_person: String,
    /// The joiner's relationship.
    #[serde(default)]
    pub relationship: Option<Relationship>,
}

/// Input naming one person.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRef {
    /// The person's id.
    pub person: String,
}

fn household_of(conn: &Connection, person: &str) -> Result<Option<String>> {
    conn.query_row("SELECT household_id FROM people WHERE id = ?1", [person], |r| r.get(0))
        .optional()?
        .ok_or_else(people::not_found)
}

/// Puts `person` into the household of `with_person`, creating that household if they have none.
/// A person already in another household must leave it first.
pub fn join(
    conn: &Connection,
    person: &str,
    with_person: &str,
    relationship: Option<Relationship>,
) -> Result<String> {
    if person == with_person {
        return Err(Error::at("with_person", crate::Code::HouseholdWithPersonSelf, serde_json::json!({})));
    }
    // A merged record is read-only, and nobody joins one's household: the kept record is the person.
    people::not_merged(conn, person)?;
    people::not_merged(conn, with_person)?;
    let current = household_of(conn, person)?;
    let household = match household_of(conn, with_person)? {
        Some(h) => h,
        None => {
            let (site, family, given): (String, String, String) = conn.query_row(
                "SELECT site_id, family_name, given_name FROM people WHERE id = ?1",
                [with_person],
                |r| Ok((r.get("site_id")?, r.get("family_name")?, r.get("given_name")?)),
            )?;
            let id = new_id();
            let name = if family.is_empty() { given } else { family };
            conn.execute(
                "INSERT INTO households (id, site_id, name) VALUES (?1, ?2, ?3)",
                params![id, site, format!("{name} household")],
            )?;
            conn.execute(
                "UPDATE people SET household_id = ?2, relationship = coalesce(relationship, 'head') WHERE id = ?1",
                params![with_person, id],
            )?;
            id
        }
    };
    if let Some(current) = current {
        if current == household {
            return Err(Error::new(crate::Code::HouseholdAlreadyIn, serde_json::json!({})));
        }
        return Err(Error::new(crate::Code::HouseholdInAnother, serde_json::json!({})));
    }
    conn.execute(
        "UPDATE people SET household_id = ?2, relationship = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![person, household, relationship],
    )?;
    Ok(household)
}

/// Takes a person out of their household. An emptied household is removed.
pub fn leave(conn: &Connection, person: &str) -> Result<()> {
    let Some(household) = household_of(conn, person)? else {
        return Err(Error::at("person", crate::Code::HouseholdPersonNone, serde_json::json!({})));
    };
    conn.execute(
        "UPDATE people SET household_id = NULL, relationship = NULL,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        [person],
    )?;
    conn.execute(
        "DELETE FROM households WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM people WHERE household_id = ?1)",
        [&household],
    )?;
    Ok(())
}

/// The household with its members, for a person's page.
pub fn get(conn: &Connection, household: &str, today: NaiveDate) -> Result<Household> {
    let name: String = conn
        .query_row("SELECT name FROM households WHERE id = ?1", [household], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::HouseholdNotFound, serde_json::json!({})))?;
    let mut stmt = conn.prepare_cached(
        "SELECT id, code, given_name || CASE WHEN family_name = '' THEN '' ELSE ' ' || family_name END AS name,
                original_name, relationship, date_of_birth, status
         FROM people WHERE household_id = ?1 ORDER BY date_of_birth IS NULL, date_of_birth, code",
    )?;
    let members: Vec<Member> = stmt
        .query_map([household], |r| {
            let dob: Option<NaiveDate> = r.get("date_of_birth")?;
            Ok(Member {
                id: r.get("id")?,
                code: r.get("code")?,
                name: r.get("name")?,
                original_name: r.get("original_name")?,
                relationship: r.get("relationship")?,
                age: dob.and_then(|d| super::age::age_on(d, today)),
                status: r.get("status")?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let size = members.iter().filter(|m| m.status == super::Status::Active).count();
    Ok(Household { id: household.to_string(), name, members, size })
}
