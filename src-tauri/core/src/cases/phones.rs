//! Phones the centre issues to minors so they can call for help, and the emergency contact list
//! that staff keep.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::people;
use crate::{new_id, Error, Result};

/// A phone issued to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Phone {
    /// Id.
    pub id: String,
    /// The person's id.
    pub person_id: String,
    /// Number.
    pub number: String,
    /// IMEI (15 digits).
    pub imei: String,
    /// When issued.
    pub issued_on: NaiveDate,
    /// When given back.
    pub returned_on: Option<NaiveDate>,
    /// When reported lost.
    pub lost_on: Option<NaiveDate>,
}

/// Input to issue a phone.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuePhone {
    /// The person's id.
    pub person: String,
    /// Number (this and/or the IMEI).
    #[serde(default)]
    pub number: String,
    /// IMEI, 15 digits.
    #[serde(default)]
    pub imei: String,
    /// When (default today).
    #[serde(default)]
    pub issued_on: Option<NaiveDate>,
}

/// Input to record that a phone came back or was lost.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneReturn {
    /// Phone id.
    pub id: String,
    /// Lost rather than given back.
    #[serde(default)]
    pub lost: bool,
    /// When (default today).
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

/// One line of the emergency contact list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContactLine {
    /// Person code.
    pub code: String,
    /// Name (Latin script).
    pub name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// Site code.
    pub site: String,
    /// Phone number.
    pub number: String,
    /// IMEI.
    pub imei: String,
    /// Issued on.
    pub issued_on: NaiveDate,
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Phone> {
    Ok(Phone {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        number: r.get("number")?,
        imei: r.get("imei")?,
        issued_on: r.get("issued_on")?,
        returned_on: r.get("returned_on")?,
        lost_on: r.get("lost_on")?,
    })
}

const SELECT: &str = "SELECT id, person_id, number, imei, issued_on, returned_on, lost_on FROM phones";

/// Issues a phone; a person holds at most one at a time.
pub fn issue(conn: &Connection, input: &IssuePhone, today: NaiveDate) -> Result<Phone> {
    let person = people::writable_on(conn, &input.person, today)?;
    let number = input.number.trim();
    let imei: String = input.imei.chars().filter(|c| !c.is_whitespace()).collect();
    if number.is_empty() && imei.is_empty() {
        return Err(Error::at("number", crate::Code::PhoneNumberMissing, serde_json::json!({})));
    }
    if !number.is_empty() {
        crate::fields::check_phone("number", number)?;
    }
    if !imei.is_empty() && (imei.len() != 15 || !imei.chars().all(|c| c.is_ascii_digit())) {
        return Err(Error::at("imei", crate::Code::PhoneImeiInvalid, serde_json::json!({})));
    }
    let issued_on = input.issued_on.unwrap_or(today);
    if issued_on > today {
        return Err(Error::at("issued_on", crate::Code::PhoneIssuedOnInFuture, serde_json::json!({})));
    }
    let held: Option<String> = conn
        .query_row(
            "SELECT id FROM phones WHERE person_id = ?1 AND returned_on IS NULL AND lost_on IS NULL",
            [&person.id],
            |r| r.get(0),
        )
        .optional()?;
    if held.is_some() {
        return Err(Error::new(crate::Code::PhoneAlreadyHeld, serde_json::json!({})));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO phones (id, site_id, person_id, number, imei, issued_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, person.site_id, person.id, number, imei, issued_on],
    )?;
    Ok(conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)?)
}

/// Records a phone as given back or lost.
pub fn give_back(conn: &Connection, input: &PhoneReturn, today: NaiveDate) -> Result<Phone> {
    let phone = conn
        .query_row(&format!("{SELECT} WHERE id = ?1"), [&input.id], from_row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::PhoneNotFound, serde_json::json!({})))?;
    if phone.returned_on.is_some() || phone.lost_on.is_some() {
        return Err(Error::new(crate::Code::PhoneAlreadyBack, serde_json::json!({})));
    }
    let on = input.on.unwrap_or(today);
    if on < phone.issued_on || on > today {
        return Err(Error::at("on", crate::Code::PhoneOnOutside, serde_json::json!({})));
    }
    let column = if input.lost { "lost_on" } else { "returned_on" };
    conn.execute(
        &format!("UPDATE phones SET {column} = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1"),
        params![input.id, on],
    )?;
    Ok(conn.query_row(&format!("{SELECT} WHERE id = ?1"), [&input.id], from_row)?)
}

/// A person's phones, newest first.
pub fn for_person(conn: &Connection, person: &str) -> Result<Vec<Phone>> {
    let mut stmt =
        conn.prepare_cached(&format!("{SELECT} WHERE person_id = ?1 ORDER BY issued_on DESC, id DESC"))?;
    let rows = stmt.query_map([person], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Everyone holding a centre phone now, for the emergency contact list.
pub fn contact_list(conn: &Connection, site: Option<&str>) -> Result<Vec<ContactLine>> {
    let mut stmt = conn.prepare(
        "SELECT p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS name,
                p.original_name, s.code AS site, f.number, f.imei, f.issued_on
         FROM phones f JOIN people p ON p.id = f.person_id JOIN sites s ON s.id = p.site_id
         WHERE f.returned_on IS NULL AND f.lost_on IS NULL AND (?1 IS NULL OR s.id = ?1 OR s.code = ?1)
         ORDER BY s.code, p.family_name, p.given_name",
    )?;
    let rows = stmt.query_map([site], |r| {
        Ok(ContactLine {
            code: r.get("code")?,
            name: r.get("name")?,
            original_name: r.get("original_name")?,
            site: r.get("site")?,
            number: r.get("number")?,
            imei: r.get("imei")?,
            issued_on: r.get("issued_on")?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
