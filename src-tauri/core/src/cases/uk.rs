//! The UK arrivals checklist (Birmingham): local authority, social worker, GP, school, housing
//! and the next appointment, with dates.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::people;
use crate::fields::check_len;
use crate::{new_id, Result};

/// One person's checklist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UkArrival {
    /// The person's id.
    pub person: String,
    /// Local authority.
    #[serde(default)]
    pub local_authority: String,
    /// Social worker's name.
    #[serde(default)]
    pub social_worker: String,
    /// Social worker's phone or email.
    #[serde(default)]
    pub social_worker_contact: String,
    /// GP practice.
    #[serde(default)]
    pub gp_practice: String,
    /// Registered with the GP on.
    #[serde(default)]
    pub gp_registered_on: Option<NaiveDate>,
    /// School.
    #[serde(default)]
    pub school: String,
    /// Enrolled at school on.
    #[serde(default)]
    pub school_enrolled_on: Option<NaiveDate>,
    /// Housing.
    #[serde(default)]
    pub housing: String,
    /// Housed from.
    #[serde(default)]
    pub housing_from: Option<NaiveDate>,
    /// Next appointment on.
    #[serde(default)]
    pub next_appointment_on: Option<NaiveDate>,
    /// What the next appointment is.
    #[serde(default)]
    pub next_appointment: String,
}

/// A person's checklist (empty if not started).
pub fn get(conn: &Connection, person: &str) -> Result<UkArrival> {
    let found = conn
        .query_row(
            "SELECT local_authority, social_worker, social_worker_contact, gp_practice, gp_registered_on, school,
                    school_enrolled_on, housing, housing_from, next_appointment_on, next_appointment
             FROM uk_arrivals WHERE person_id = ?1",
            [person],
            |r| {
                Ok(UkArrival {
                    person: person.to_string(),
                    local_authority: r.get("local_authority")?,
                    social_worker: r.get("social_worker")?,
                    social_worker_contact: r.get("social_worker_contact")?,
                    gp_practice: r.get("gp_practice")?,
                    gp_registered_on: r.get("gp_registered_on")?,
                    school: r.get("school")?,
                    school_enrolled_on: r.get("school_enrolled_on")?,
                    housing: r.get("housing")?,
                    housing_from: r.get("housing_from")?,
                    next_appointment_on: r.get("next_appointment_on")?,
                    next_appointment: r.get("next_appointment")?,
                })
            },
        )
        .optional()?;
    Ok(found.unwrap_or(UkArrival { person: person.to_string(), ..Default::default() }))
}

/// Saves a person's checklist.
pub fn save(conn: &Connection, input: &UkArrival, today: NaiveDate) -> Result<UkArrival> {
    let person = people::writable_on(conn, &input.person, today)?;
    for (field, value) in [
        ("local_authority", &input.local_authority),
        ("social_worker", &input.social_worker),
        ("social_worker_contact", &input.social_worker_contact),
        ("gp_practice", &input.gp_practice),
        ("school", &input.school),
        ("housing", &input.housing),
        ("next_appointment", &input.next_appointment),
    ] {
        check_len(field, "This field", value.trim(), 500)?;
    }
    for (field, date) in [
        ("gp_registered_on", input.gp_registered_on),
        ("school_enrolled_on", input.school_enrolled_on),
        ("housing_from", input.housing_from),
    ] {
        if date.is_some_and(|d| d > today) {
            return Err(crate::Error::at(field, crate::Code::UkChecklistDateInFuture, serde_json::json!({})));
        }
    }
    conn.execute(
        "INSERT INTO uk_arrivals (id, site_id, person_id, local_authority, social_worker, social_worker_contact,
                                  gp_practice, gp_registered_on, school, school_enrolled_on, housing, housing_from,
                                  next_appointment_on, next_appointment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
         ON CONFLICT (person_id) DO UPDATE SET
            local_authority = excluded.local_authority, social_worker = excluded.social_worker,
            social_worker_contact = excluded.social_worker_contact, gp_practice = excluded.gp_practice,
            gp_registered_on = excluded.gp_registered_on, school = excluded.school,
            school_enrolled_on = excluded.school_enrolled_on, housing = excluded.housing,
            housing_from = excluded.housing_from, next_appointment_on = excluded.next_appointment_on,
            next_appointment = excluded.next_appointment, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        params![
            new_id(),
            person.site_id,
            person.id,
            input.local_authority.trim(),
            input.social_worker.trim(),
            input.social_worker_contact.trim(),
            input.gp_practice.trim(),
            input.gp_registered_on,
            input.school.trim(),
            input.school_enrolled_on,
            input.housing.trim(),
            input.housing_from,
            input.next_appointment_on,
            input.next_appointment.trim(),
        ],
    )?;
    get(conn, &person.id)
}
