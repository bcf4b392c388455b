//! People: registration, details, status, consent, transfer between sites.

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use super::record::Person;
pub(crate) use super::record::{get_basic, get_basic_on, not_found, not_merged, writable_on, NAMES_SEP};
use super::{flags, names};
use super::{households, Relationship, Sex, Status};
use crate::access::Session;
use crate::fields::{check_date, check_latin, check_phone, line, optional_line};

/// The field a name in another script belongs in, as the registration form labels it.
const ORIGINAL_SCRIPT: &str = "Name in original script";
use crate::{new_id, sites, Code, Error, Problems, Result};

/// The details a person is registered with (and later edited).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonDetails {
    /// Given name in Latin script (required).
    pub given_name: String,
    /// Family name in Latin script (may be empty when the person has one name).
    #[serde(default)]
    pub family_name: String,
    /// Full name in the person's own script (Arabic, Ge'ez, ...).
    #[serde(default)]
    pub original_name: Option<String>,
    /// Other names the person is known by.
    #[serde(default)]
    pub other_names: Vec<String>,
    /// Sex.
    #[serde(default)]
    pub sex: Sex,
    /// Date of birth, when known (or estimated, see `dob_estimated`).
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    /// Age in years when the date of birth is not known: the date of birth is then estimated as
    /// 1 January of the year they were born.
    #[serde(default)]
    pub estimated_age: Option<u32>,
    /// The date of birth is an estimate.
    #[serde(default)]
    pub dob_estimated: bool,
    /// Nationality.
    #[serde(default)]
    pub nationality: Option<String>,
    /// Languages spoken.
    #[serde(default)]
    pub languages: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// Input to register a person.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPerson {
    /// The person's details.
    #[serde(flatten)]
    pub details: PersonDetails,
    /// Site code or id (default: the registering user's site).
    #[serde(default)]
    pub site: Option<String>,
    /// The person agreed to the centre keeping their data (recorded today, by the user).
    #[serde(default)]
    pub consent: bool,
    /// Join this person's household (an existing person's id).
    #[serde(default)]
    pub household_with: Option<String>,
    /// Relationship within the household.
    #[serde(default)]
    pub relationship: Option<Relationship>,
    /// Register even though likely duplicates were found (after the user checked them).
    #[serde(default)]
    pub confirm_not_duplicate: bool,
}

/// Details after checking: trimmed, with the date of birth worked out.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub given_name: String,
    pub family_name: String,
    pub original_name: Option<String>,
    pub other_names: String,
    pub sex: Sex,
    pub date_of_birth: Option<NaiveDate>,
    pub dob_estimated: bool,
    pub nationality: Option<String>,
    pub languages: Option<String>,
    pub phone: Option<String>,
}

/// Checks a person's details, every field, and fails once with all the problems found (each
/// names its field, in plain words).
pub(crate) fn check(d: &PersonDetails, today: NaiveDate) -> Result<Checked> {
    let mut p = Problems::new();
    let given_name = p.check(line("given_name", "The given name", &d.given_name, 100))?;
    if given_name.as_deref() == Some("") {
        p.add("given_name", Code::PersonGivenNameMissing, json!({}));
    }
    let family_name = p.check(line("family_name", "The family name", &d.family_name, 100))?;
    if let Some(given) = given_name.as_deref().filter(|g| !g.is_empty()) {
        p.check(check_latin("given_name", "The given name", given, ORIGINAL_SCRIPT))?;
    }
    if let Some(family) = family_name.as_deref() {
        p.check(check_latin("family_name", "The family name", family, ORIGINAL_SCRIPT))?;
    }
    let original_name = p.check(optional_line(
        "original_name",
        "The name in original script",
        d.original_name.as_deref(),
        200,
    ))?;
    let mut others = Vec::new();
    for (i, n) in d.other_names.iter().enumerate() {
        if let Some(n) = p.check(line(&format!("other_names[{i}]"), "Another name", n, 100))? {
            if !n.is_empty() {
                others.push(n);
            }
        }
    }
    let (date_of_birth, dob_estimated) = match (d.date_of_birth, d.estimated_age) {
        (Some(dob), _) => {
            if p.check(check_date("date_of_birth", dob))?.is_some() {
                if dob > today {
                    p.add("date_of_birth", Code::PersonDateOfBirthInFuture, json!({}));
                } else if today.year() - dob.year() > 120 {
                    p.add("date_of_birth", Code::PersonDateOfBirthTooOld, json!({}));
                }
            }
            (Some(dob), d.dob_estimated)
        }
        (None, Some(age)) => {
            if age > 120 {
                p.add("estimated_age", Code::PersonEstimatedAgeOutOfRange, json!({}));
            }
            let year = today.year() - age.min(120) as i32;
            (NaiveDate::from_ymd_opt(year, 1, 1), true)
        }
        (None, None) => (None, false),
    };
    let phone = p.check(optional_line("phone", "The phone number", d.phone.as_deref(), 40))?.flatten();
    if let Some(ph) = &phone {
        p.check(check_phone("phone", ph))?;
    }
    let nationality = p.check(optional_line("nationality", "Nationality", d.nationality.as_deref(), 60))?;
    let languages = p.check(optional_line("languages", "Languages", d.languages.as_deref(), 200))?;
    p.finish()?;
    // Every check passed: each value is there.
    Ok(Checked {
        given_name: given_name.unwrap_or_default(),
        family_name: family_name.unwrap_or_default(),
        original_name: original_name.flatten(),
        other_names: others.join(&NAMES_SEP.to_string()),
        sex: d.sex,
        date_of_birth,
        dob_estimated,
        nationality: nationality.flatten(),
        languages: languages.flatten(),
        phone,
    })
}

/// Registers a person. Duplicate checks are the caller's (see [`super::duplicates::duplicates`]).
pub fn create(conn: &Connection, session: &Session, input: &NewPerson, today: NaiveDate) -> Result<String> {
    let mut p = Problems::new();
    let c = p.check(check(&input.details, today))?;
    let site = sites::resolve(conn, input.site.as_deref().unwrap_or(&session.site_id))?;
    if !site.active {
        p.add("site", Code::PersonSiteNotInUse, json!({"site": site.code}));
    }
    let c = p.finish_with(c)?;
    let id = new_id();
    let code = sites::next_person_code(conn, &site.id)?;
    conn.execute(
        "INSERT INTO people (id, site_id, code, given_name, family_name, original_name, other_names, sex,
                             date_of_birth, dob_estimated, nationality, languages, phone, consent_at,
                             consent_by, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            id,
            site.id,
            code,
            c.given_name,
            c.family_name,
            c.original_name,
            c.other_names,
            c.sex,
            c.date_of_birth,
            c.dob_estimated,
            c.nationality,
            c.languages,
            c.phone,
            input.consent.then(|| today.to_string()),
            input.consent.then_some(&session.user_id),
            session.user_id,
        ],
    )?;
    names::index_person(
        conn,
        &id,
        &c.given_name,
        &c.family_name,
        c.original_name.as_deref(),
        &c.other_names,
    )?;
    if let Some(other) = &input.household_with {
        households::join(conn, &id, other, input.relationship)?;
    }
    Ok(id)
}

/// Changes a person's details.
pub fn update(conn: &Connection, id: &str, d: &PersonDetails, today: NaiveDate) -> Result<()> {
    let c = check(d, today)?;
    writable_on(conn, id, today)?;
    let n = conn.execute(
        "UPDATE people SET given_name = ?2, family_name = ?3, original_name = ?4, other_names = ?5, sex = ?6,
                date_of_birth = ?7, dob_estimated = ?8, nationality = ?9, languages = ?10, phone = ?11,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![
            id,
            c.given_name,
            c.family_name,
            c.original_name,
            c.other_names,
            c.sex,
            c.date_of_birth,
            c.dob_estimated,
            c.nationality,
            c.languages,
            c.phone
        ],
    )?;
    if n == 0 {
        return Err(not_found());
    }
    names::index_person(conn, id, &c.given_name, &c.family_name, c.original_name.as_deref(), &c.other_names)
}

/// Sets a person's case status.
pub fn set_status(conn: &Connection, id: &str, status: Status) -> Result<()> {
    not_merged(conn, id)?;
    let n = conn.execute(
        "UPDATE people SET status = ?2,
             closed_on = CASE WHEN ?2 = 'closed' THEN coalesce(closed_on, date('now', 'localtime')) END,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![id, status],
    )?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(())
}

/// Records today that the person agreed to the centre keeping their data.
pub fn record_consent(conn: &Connection, session: &Session, id: &str, today: NaiveDate) -> Result<()> {
    not_merged(conn, id)?;
    let n = conn.execute(
        "UPDATE people SET consent_at = ?2, consent_by = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![id, today.to_string(), session.user_id],
    )?;
    if n == 0 {
        return Err(not_found());
    }
    Ok(())
}

/// Moves a person to another site. Their code stays the same (codes are unique across sites), so
/// sheets and cards already printed still find them. Returns the old site's code.
pub fn transfer(conn: &Connection, id: &str, site: &str) -> Result<String> {
    let site = sites::resolve(conn, site)?;
    not_merged(conn, id)?;
    let person = get_basic(conn, id)?;
    if person.site_id == site.id {
        return Err(Error::at("site", Code::PersonSiteAlreadyThere, json!({"site": site.name})));
    }
    conn.execute(
        "UPDATE people SET site_id = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, site.id],
    )?;
    Ok(person.site_code)
}

/// The person with `id`, with the flags `session` may see.
pub fn get(conn: &Connection, session: &Session, id: &str, today: NaiveDate) -> Result<Person> {
    let mut person = get_basic_on(conn, id, today)?;
    person.flags = flags::for_person(conn, session, &person, today)?;
    Ok(person)
}
