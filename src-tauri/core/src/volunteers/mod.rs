//! Volunteers: who they are, when they stay, what they can do, and their DBS checks (the rota,
//! which puts them on shifts, sits above in `rota/`).
//!
//! Rules kept here, not in the UI:
//!
//! - **Stay**: at least 14 days, counting the arrival and departure days (arrive on the 1st,
//!   leave on the 14th: 14 days, accepted; leave on the 13th: 13 days, refused), unless the
//!   volunteer is approved for a named structured activity (workshop, puppet show, music). An
//!   open-ended stay (no departure date) is accepted.
//! - **Notes** are for leads and coordinators; DBS records too (see [`dbs`]). The front desk
//!   never reaches [`Volunteer`] (the API refuses); it sees names and DBS marks on the rota.
//! - **Status** moves applied → approved → active → left; only approved or active volunteers
//!   are put on the rota.

pub mod checks;
pub mod dbs;
mod due;
pub mod import;
pub mod info;
pub mod issuers;
pub mod policy;
pub mod seed;
pub mod sheet;

pub use due::{dbs_due, DbsDue};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::fields::{check_email, check_len, check_phone, line, text_enum};
use serde_json::json;

use crate::{new_id, sites, Code, Error, Problems, Result};
use dbs::{DbsStatus, Requirement};

/// Shortest stay, in days counting both ends, without a structured activity.
pub const MIN_STAY_DAYS: i64 = 14;

/// Skills the centre asks about.
pub const SKILLS: &[&str] = &["early_years", "teaching", "medical", "interpreting", "driving"];

/// Where a volunteer is in the process.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum VolunteerStatus {
    /// Applied; not yet approved.
    #[default]
    Applied,
    /// Approved to come.
    Approved,
    /// Volunteering now.
    Active,
    /// Has left.
    Left,
}
text_enum!(VolunteerStatus, Applied => "applied", Approved => "approved", Active => "active", Left => "left");

/// A volunteer's details as entered on the form.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerDetails {
    /// Given name.
    pub given_name: String,
    /// Family name.
    #[serde(default)]
    pub family_name: String,
    /// Email address.
    #[serde(default)]
    pub email: String,
    /// Phone number.
    #[serde(default)]
    pub phone: String,
    /// Emergency contact (name and number).
    #[serde(default)]
    pub emergency_contact: String,
    /// Languages spoken.
    #[serde(default)]
    pub languages: String,
    /// Skills, from [`SKILLS`].
    #[serde(default)]
    pub skills: Vec<String>,
    /// Qualifications in words ("PGCE, 2019").
    #[serde(default)]
    pub qualifications: String,
    /// Home site (code or id).
    pub site: String,
    /// Other sites they work at (codes or ids).
    #[serde(default)]
    pub other_sites: Vec<String>,
    /// First day.
    pub arrival_on: NaiveDate,
    /// Last day (none: open-ended).
    #[serde(default)]
    pub departure_on: Option<NaiveDate>,
    /// The named structured activity they are approved to bring, if any.
    #[serde(default)]
    pub structured_activity: String,
    /// Notes (leads and coordinators only).
    #[serde(default)]
    pub notes: String,
}

/// Input to add (no id) or change (id) a volunteer.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveVolunteer {
    /// The volunteer's id, to change one.
    #[serde(default)]
    pub id: Option<String>,
    /// The details.
    #[serde(flatten)]
    pub details: VolunteerDetails,
}

/// A volunteer's record (leads and coordinators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Volunteer {
    /// Id.
    pub id: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Email.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Emergency contact.
    pub emergency_contact: String,
    /// Languages.
    pub languages: String,
    /// Skills.
    pub skills: Vec<String>,
    /// Qualifications.
    pub qualifications: String,
    /// Home site code.
    pub site: String,
    /// Every site they work at (codes).
    pub sites: Vec<String>,
    /// First day.
    pub arrival_on: NaiveDate,
    /// Last day.
    pub departure_on: Option<NaiveDate>,
    /// Status.
    pub status: VolunteerStatus,
    /// Structured activity ("" for none).
    pub structured_activity: String,
    /// Restricted notes.
    pub notes: String,
    /// What the applicant said about their check on the interest form.
    pub check_declared: String,
    /// When their references were received.
    pub references_on: Option<NaiveDate>,
}

impl Volunteer {
    /// "Given Family".
    pub fn name(&self) -> String {
        full_name(&self.given_name, &self.family_name)
    }
}

pub(crate) fn full_name(given: &str, family: &str) -> String {
    if family.is_empty() {
        given.to_string()
    } else {
        format!("{given} {family}")
    }
}

/// One line of the volunteer list: no notes, no DBS detail, only the computed status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VolunteerLine {
    /// Id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Home site code.
    pub site: String,
    /// Status.
    pub status: VolunteerStatus,
    /// First day.
    pub arrival_on: NaiveDate,
    /// Last day.
    pub departure_on: Option<NaiveDate>,
    /// Skills.
    pub skills: Vec<String>,
    /// DBS status today for child-facing work.
    pub dbs: DbsStatus,
    /// What they still lack before they can be approved (shown for applicants).
    pub lacks: Vec<Lack>,
}

/// Something an applicant still lacks before approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Lack {
    /// A stay of at least 14 days, or a named structured activity.
    Stay,
    /// A current criminal-record check (any issuer) for their first day, or today.
    Check,
    /// References received.
    References,
}

/// Whether a stay from `arrival` to `departure` is long enough without a structured activity.
fn stay_is_short(arrival: NaiveDate, departure: Option<NaiveDate>, activity: &str) -> bool {
    departure.is_some_and(|d| (d - arrival).num_days() + 1 < MIN_STAY_DAYS) && activity.trim().is_empty()
}

/// Which volunteers to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerQuery {
    /// Only those working at this site (code or id).
    #[serde(default)]
    pub site: Option<String>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<VolunteerStatus>,
    /// Name contains this text.
    #[serde(default)]
    pub text: Option<String>,
    /// Include those who have left.
    #[serde(default)]
    pub include_left: bool,
}

/// Checks a volunteer's details. `short_stay_ok`: an application, whose stay may still be
/// shorter than the minimum (the applied list shows it as lacking; approval refuses it).
fn check(
    conn: &Connection,
    d: &VolunteerDetails,
    short_stay_ok: bool,
) -> Result<(String, Vec<String>, Vec<String>)> {
    let mut p = Problems::new();
    let given = p.check(line("given_name", "The given name", &d.given_name, 80))?;
    if given.as_deref() == Some("") {
        p.add("given_name", Code::VolunteerGivenNameMissing, json!({}));
    }
    p.check(line("family_name", "The family name", &d.family_name, 80))?;
    let email = d.email.trim();
    if !email.is_empty() {
        p.check(check_email("email", email))?;
    }
    if !d.phone.trim().is_empty() {
        p.check(check_phone("phone", d.phone.trim()))?;
    }
    p.check(check_len("emergency_contact", "The emergency contact", d.emergency_contact.trim(), 200))?;
    p.check(check_len("languages", "Languages", d.languages.trim(), 200))?;
    p.check(check_len("qualifications", "Qualifications", d.qualifications.trim(), 500))?;
    p.check(check_len("structured_activity", "The structured activity", d.structured_activity.trim(), 120))?;
    p.check(check_len("notes", "Notes", d.notes.trim(), 4000))?;
    let mut skills = Vec::new();
    for s in &d.skills {
        let s = s.trim();
        if !SKILLS.contains(&s) {
            p.add("skills", Code::VolunteerSkillUnknown, json!({"skill": s}));
        } else if !skills.iter().any(|k| k == s) {
            skills.push(s.to_string());
        }
    }
    if let Some(dep) = d.departure_on {
        let days = (dep - d.arrival_on).num_days() + 1;
        if dep < d.arrival_on {
            p.add("departure_on", Code::VolunteerDepartureBeforeArrival, json!({}));
        } else if days < MIN_STAY_DAYS && d.structured_activity.trim().is_empty() && !short_stay_ok {
            p.add("departure_on", Code::VolunteerStayTooShort, json!({"days": days, "min": MIN_STAY_DAYS}));
        }
    }
    let home = p.check(
        sites::resolve(conn, d.site.trim())
            .map_err(|e| e.when_absent(Error::at("site", Code::VolunteerSiteMissing, json!({})))),
    )?;
    let mut all = Vec::new();
    for s in &d.other_sites {
        let site = p.check(sites::resolve(conn, s.trim()).map_err(|e| {
            e.when_absent(Error::at("other_sites", Code::VolunteerOtherSiteUnknown, json!({"site": s})))
        }))?;
        if let Some(site) = site {
            if !all.contains(&site.id) {
                all.push(site.id);
            }
        }
    }
    let home = p.finish_with(home)?;
    all.retain(|id| *id != home.id);
    all.insert(0, home.id.clone());
    Ok((home.id, all, skills))
}

fn write_sites(conn: &Connection, id: &str, sites: &[String]) -> Result<()> {
    conn.execute("DELETE FROM volunteer_sites WHERE volunteer_id = ?1", [id])?;
    for s in sites {
        conn.execute(
            "INSERT INTO volunteer_sites (id, site_id, volunteer_id) VALUES (?1, ?2, ?3)",
            params![new_id(), s, id],
        )?;
    }
    Ok(())
}

/// The stored details, in the column order the insert and the update share (`?2` to `?14`).
fn detail_values<'a>(home: &'a str, d: &'a VolunteerDetails, skills: String) -> [Box<dyn ToSql + 'a>; 13] {
    [
        Box::new(home),
        Box::new(d.given_name.trim()),
        Box::new(d.family_name.trim()),
        Box::new(d.email.trim()),
        Box::new(d.phone.trim()),
        Box::new(d.emergency_contact.trim()),
        Box::new(d.languages.trim()),
        Box::new(skills),
        Box::new(d.qualifications.trim()),
        Box::new(d.arrival_on),
        Box::new(d.departure_on),
        Box::new(d.structured_activity.trim()),
        Box::new(d.notes.trim()),
    ]
}

/// Adds a volunteer (status "applied").
pub fn create(conn: &Connection, session: &Session, d: &VolunteerDetails) -> Result<String> {
    create_checked(conn, session, d, false)
}

/// Adds an application from the interest form (status "applied"): its stay may still be short,
/// and what the applicant said about their check is kept.
pub fn create_application(
    conn: &Connection,
    session: &Session,
    d: &VolunteerDetails,
    check_declared: &str,
) -> Result<String> {
    let declared = line("check_declared", "The check the applicant declared", check_declared, 200)?;
    let id = create_checked(conn, session, d, true)?;
    conn.execute("UPDATE volunteers SET check_declared = ?2 WHERE id = ?1", params![id, declared])?;
    Ok(id)
}

fn create_checked(
    conn: &Connection,
    session: &Session,
    d: &VolunteerDetails,
    short_stay_ok: bool,
) -> Result<String> {
    let (home, all, skills) = check(conn, d, short_stay_ok)?;
    let id = new_id();
    conn.execute(
        "INSERT INTO volunteers (id, site_id, given_name, family_name, email, phone, emergency_contact, languages,
            skills, qualifications, arrival_on, departure_on, structured_activity, notes, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        rusqlite::params_from_iter(
            std::iter::once(Box::new(id.as_str()) as Box<dyn ToSql>)
                .chain(detail_values(&home, d, skills.join(",")))
                .chain(std::iter::once(Box::new(session.user_id.as_str()) as Box<dyn ToSql>)),
        ),
    )?;
    write_sites(conn, &id, &all)?;
    Ok(id)
}

/// Changes a volunteer's details. Shifts already assigned outside a shortened stay are refused.
pub fn update(conn: &Connection, id: &str, d: &VolunteerDetails) -> Result<()> {
    let (home, all, skills) = check(conn, d, false)?;
    let outside: i64 = conn.query_row(
        "SELECT count(*) FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
         WHERE a.volunteer_id = ?1 AND (s.on_date < ?2 OR (?3 IS NOT NULL AND s.on_date > ?3))",
        params![id, d.arrival_on, d.departure_on],
        |r| r.get(0),
    )?;
    if outside > 0 {
        return Err(Error::at("departure_on", Code::VolunteerShiftsOutsideStay, json!({"count": outside})));
    }
    let changed = conn.execute(
        "UPDATE volunteers SET site_id = ?2, given_name = ?3, family_name = ?4, email = ?5, phone = ?6,
            emergency_contact = ?7, languages = ?8, skills = ?9, qualifications = ?10, arrival_on = ?11,
            departure_on = ?12, structured_activity = ?13, notes = ?14,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        rusqlite::params_from_iter(std::iter::once(Box::new(id) as Box<dyn ToSql>).chain(detail_values(
            &home,
            d,
            skills.join(","),
        ))),
    )?;
    if changed == 0 {
        return Err(Error::new(Code::VolunteerNotFound, json!({})));
    }
    write_sites(conn, id, &all)
}

/// Moves a volunteer to `status`: forward one step at a time, or to "left" from anywhere.
pub fn set_status(conn: &Connection, id: &str, status: VolunteerStatus) -> Result<VolunteerStatus> {
    let (now, arrival, departure, activity): (VolunteerStatus, NaiveDate, Option<NaiveDate>, String) = conn
        .query_row(
            "SELECT status, arrival_on, departure_on, structured_activity FROM volunteers WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get("status")?,
                    r.get("arrival_on")?,
                    r.get("departure_on")?,
                    r.get("structured_activity")?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::new(Code::VolunteerNotFound, json!({})))?;
    // An application from the form may have a short stay; it is not approved with one.
    if status == VolunteerStatus::Approved && now != status && stay_is_short(arrival, departure, &activity) {
        return Err(Error::at(
            "status",
            crate::Code::VolunteerStatusStayTooShort,
            serde_json::json!({"days": MIN_STAY_DAYS}),
        ));
    }
    use VolunteerStatus::*;
    let allowed = now == status
        || matches!(
            (now, status),
            (Applied, Approved) | (Approved, Active) | (Active, Approved) | (_, Left) | (Left, Approved)
        );
    if !allowed {
        return Err(Error::at(
            "status",
            crate::Code::VolunteerStatusNotInOneStep,
            serde_json::json!({"from": now.as_str(), "to": status.as_str()}),
        ));
    }
    conn.execute(
        "UPDATE volunteers SET status = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, status],
    )?;
    Ok(now)
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// A volunteer's record. Callers check the role (notes are restricted) and audit the view.
pub fn get(conn: &Connection, id: &str) -> Result<Volunteer> {
    let mut v = conn
        .query_row(
            "SELECT v.id, v.given_name, v.family_name, v.email, v.phone, v.emergency_contact, v.languages,
                    v.skills, v.qualifications, s.code AS site, v.arrival_on, v.departure_on, v.status,
                    v.structured_activity, v.notes, v.check_declared, v.references_on
             FROM volunteers v JOIN sites s ON s.id = v.site_id WHERE v.id = ?1",
            [id],
            |r| {
                Ok(Volunteer {
                    id: r.get("id")?,
                    given_name: r.get("given_name")?,
                    family_name: r.get("family_name")?,
                    email: r.get("email")?,
                    phone: r.get("phone")?,
                    emergency_contact: r.get("emergency_contact")?,
                    languages: r.get("languages")?,
                    skills: split_list(&r.get::<_, String>("skills")?),
                    qualifications: r.get("qualifications")?,
                    site: r.get("site")?,
                    sites: Vec::new(),
                    arrival_on: r.get("arrival_on")?,
                    departure_on: r.get("departure_on")?,
                    status: r.get("status")?,
                    structured_activity: r.get("structured_activity")?,
                    notes: r.get("notes")?,
                    check_declared: r.get("check_declared")?,
                    references_on: r.get("references_on")?,
                })
            },
        )
        .optional()?
        .ok_or_else(|| Error::new(Code::VolunteerNotFound, json!({})))?;
    let mut stmt = conn.prepare(
        "SELECT s.code FROM volunteer_sites vs JOIN sites s ON s.id = vs.site_id WHERE vs.volunteer_id = ?1 ORDER BY s.code",
    )?;
    v.sites = stmt.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(v)
}

/// Volunteers matching `q`, by name, each with their DBS status on `today` for child-facing work.
pub fn list(conn: &Connection, q: &VolunteerQuery, today: NaiveDate) -> Result<Vec<VolunteerLine>> {
    let site = match q.site.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(sites::resolve(conn, s)?.id),
        None => None,
    };
    let text = q.text.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|t| format!("%{t}%"));
    let policy = dbs::policy(conn)?;
    let facts = dbs::facts_by_volunteer(conn)?;
    let mut stmt = conn.prepare(
        "SELECT v.id, v.given_name, v.family_name, s.code AS site, v.status, v.arrival_on, v.departure_on, v.skills,
                v.structured_activity, v.references_on
         FROM volunteers v JOIN sites s ON s.id = v.site_id
         WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM volunteer_sites vs WHERE vs.volunteer_id = v.id AND vs.site_id = ?1))
           AND (?2 IS NULL OR v.status = ?2)
           AND (?3 IS NULL OR (v.given_name || ' ' || v.family_name) LIKE ?3)
           AND (?4 OR v.status <> 'left' OR ?2 = 'left')
         ORDER BY v.given_name COLLATE NOCASE, v.family_name COLLATE NOCASE",
    )?;
    // Every volunteer may be read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (id, given_name, family_name, site_code, status, arrival_on, departure_on, skills) = (
        at("id")?,
        at("given_name")?,
        at("family_name")?,
        at("site")?,
        at("status")?,
        at("arrival_on")?,
        at("departure_on")?,
        at("skills")?,
    );
    let (activity, references_on) = (at("structured_activity")?, at("references_on")?);
    let rows = stmt.query_map(params![site, q.status, text, q.include_left], |r| {
        Ok((
            r.get::<_, String>(id)?,
            full_name(&r.get::<_, String>(given_name)?, &r.get::<_, String>(family_name)?),
            r.get(site_code)?,
            r.get(status)?,
            r.get(arrival_on)?,
            r.get(departure_on)?,
            r.get::<_, String>(skills)?,
            r.get::<_, String>(activity)?,
            r.get::<_, Option<String>>(references_on)?.is_some(),
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, site, status, arrival_on, departure_on, skills, activity, references) = row?;
        let f = facts.get(&id).map(Vec::as_slice).unwrap_or_default();
        let dbs = dbs::status(f, Requirement::EnhancedBarred, today, &policy);
        let mut lacks = Vec::new();
        if stay_is_short(arrival_on, departure_on, &activity) {
            lacks.push(Lack::Stay);
        }
        if !dbs::status(f, Requirement::None, arrival_on.max(today), &policy).is_valid() {
            lacks.push(Lack::Check);
        }
        if !references {
            lacks.push(Lack::References);
        }
        out.push(VolunteerLine {
            id,
            name,
            site,
            status,
            arrival_on,
            departure_on,
            skills: split_list(&skills),
            dbs,
            lacks,
        });
    }
    Ok(out)
}

/// Records that a volunteer's references were received on `on`.
pub fn record_references(conn: &Connection, id: &str, on: NaiveDate) -> Result<()> {
    let n = conn.execute(
        "UPDATE volunteers SET references_on = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, on],
    )?;
    if n == 0 {
        return Err(Error::new(Code::VolunteerNotFound, json!({})));
    }
    Ok(())
}
