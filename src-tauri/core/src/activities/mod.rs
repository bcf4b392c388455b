//! The activity timetable: recurring weekly sessions per site, the instances they make in a
//! given ISO week (with exceptions: cancelled, or moved to another day, time or place), people
//! from the case book signed up to an instance, and who attended.
//!
//! An instance is named by its session and the date it is scheduled on (`on_date`), even when
//! moved: sign-ups stay with it. Capacity counts sign-ups; a full session refuses more.

pub mod audience;
pub mod seed;
pub mod sheet;
pub mod week;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::cases::Sex;
use crate::db::update_or_insert;
use crate::fields::{check_len, line, text_enum};
use crate::volunteers::dbs::Requirement;
use crate::{new_id, sites, Error, Result, Warning};
pub use audience::Audience;
use week::{check_time, Week};

/// What kind of activity a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// Children's play.
    ChildrensPlay,
    /// English lessons.
    English,
    /// Women's sessions / pamper sessions.
    Womens,
    /// Maktab early years (Dunkirk).
    Maktab,
    /// Anything else.
    Other,
}
text_enum!(ActivityKind, ChildrensPlay => "childrens_play", English => "english", Womens => "womens",
    Maktab => "maktab", Other => "other");

impl ActivityKind {
    /// Who sessions of this kind are for (children's play: up to 12; maktab: up to 6).
    pub fn audience(self) -> Audience {
        match self {
            ActivityKind::ChildrensPlay => Audience { max_age: Some(12), women: false },
            ActivityKind::Maktab => Audience { max_age: Some(6), women: false },
            ActivityKind::Womens => Audience { max_age: None, women: true },
            ActivityKind::English | ActivityKind::Other => Audience { max_age: None, women: false },
        }
    }
}

/// A recurring weekly session as entered.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// The session's id, to change one.
    #[serde(default)]
    pub id: Option<String>,
    /// Site (code or id).
    pub site: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Title ("Children's play").
    pub title: String,
    /// ISO weekday, 1 Monday .. 7 Sunday.
    pub weekday: u32,
    /// Start `HH:MM`.
    pub starts_at: String,
    /// End `HH:MM`.
    pub ends_at: String,
    /// Where.
    #[serde(default)]
    pub place: String,
    /// Most people who can sign up.
    pub capacity: u32,
    /// Work with children.
    #[serde(default)]
    pub child_facing: bool,
    /// DBS level volunteers need (child-facing: enhanced with barred list, whatever is given).
    #[serde(default)]
    pub required_dbs: Option<Requirement>,
    /// First date it runs (default today).
    #[serde(default)]
    pub starts_on: Option<NaiveDate>,
    /// Last date it runs (none: until stopped).
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Whether it runs at all.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// A recurring session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ActivitySession {
    /// Id.
    pub id: String,
    /// Site code.
    pub site: String,
    /// Kind.
    pub kind: ActivityKind,
    /// Title.
    pub title: String,
    /// ISO weekday.
    pub weekday: u32,
    /// Start.
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Where.
    pub place: String,
    /// Capacity.
    pub capacity: u32,
    /// Child-facing.
    pub child_facing: bool,
    /// DBS level volunteers need.
    pub required_dbs: Requirement,
    /// First date.
    pub starts_on: NaiveDate,
    /// Last date.
    pub ends_on: Option<NaiveDate>,
    /// Runs.
    pub active: bool,
}

/// Adds or changes a recurring session; returns its id.
///
/// The rota sits above activities: callers go through `rota::save_session`, which
/// brings the shifts that staff the session along in the same transaction.
pub(crate) fn save_session(conn: &Connection, input: &SessionInput, today: NaiveDate) -> Result<String> {
    let site = sites::resolve(conn, input.site.trim())
        .map_err(|e| e.when_absent(Error::at("site", crate::Code::SiteMissing, serde_json::json!({}))))?;
    let title = line("title", "The title", &input.title, 80)?;
    let title = title.as_str();
    if title.is_empty() {
        return Err(Error::at("title", crate::Code::ActivityTitleMissing, serde_json::json!({})));
    }
    line("place", "The place", &input.place, 80)?;
    if !(1..=7).contains(&input.weekday) {
        return Err(Error::at("weekday", crate::Code::ActivityWeekdayMissing, serde_json::json!({})));
    }
    let starts = check_time("starts_at", &input.starts_at)?;
    let ends = check_time("ends_at", &input.ends_at)?;
    if ends <= starts {
        return Err(Error::at("ends_at", crate::Code::ActivityEndsAtBeforeStart, serde_json::json!({})));
    }
    if !(1..=500).contains(&input.capacity) {
        return Err(Error::at("capacity", crate::Code::ActivityCapacityOutOfRange, serde_json::json!({})));
    }
    let req =
        if input.child_facing { Requirement::EnhancedBarred } else { input.required_dbs.unwrap_or_default() };
    let starts_on = input.starts_on.unwrap_or(today);
    if input.ends_on.is_some_and(|e| e < starts_on) {
        return Err(Error::at("ends_on", crate::Code::ActivityEndsOnBeforeStart, serde_json::json!({})));
    }
    // The update and the insert share one parameter list (`?1` is the id).
    let id = input.id.clone().unwrap_or_else(new_id);
    let p = params![
        id,
        site.id,
        input.kind,
        title,
        input.weekday,
        starts,
        ends,
        input.place.trim(),
        input.capacity,
        input.child_facing,
        req,
        starts_on,
        input.ends_on,
        input.active
    ];
    update_or_insert(
        conn,
        input.id.is_some(),
        "UPDATE activity_sessions SET site_id = ?2, kind = ?3, title = ?4, weekday = ?5, starts_at = ?6,
            ends_at = ?7, place = ?8, capacity = ?9, child_facing = ?10, required_dbs = ?11, starts_on = ?12,
            ends_on = ?13, active = ?14, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        "INSERT INTO activity_sessions (id, site_id, kind, title, weekday, starts_at, ends_at, place, capacity,
            child_facing, required_dbs, starts_on, ends_on, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        p,
        crate::Code::ActivitySessionNotFound,
    )?;
    Ok(id)
}

/// Every session of a site (or all sites), by weekday and time.
pub fn sessions(conn: &Connection, site: Option<&str>) -> Result<Vec<ActivitySession>> {
    let site = match site.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(sites::resolve(conn, s)?.id),
        None => None,
    };
    select_sessions(conn, site.as_deref(), None)
}

/// Sessions of one site (by id) or all, or the one with `id`.
fn select_sessions(
    conn: &Connection,
    site_id: Option<&str>,
    id: Option<&str>,
) -> Result<Vec<ActivitySession>> {
    let mut stmt = conn.prepare(
        "SELECT a.id, s.code AS site, a.kind, a.title, a.weekday, a.starts_at, a.ends_at, a.place, a.capacity, a.child_facing,
                a.required_dbs, a.starts_on, a.ends_on, a.active
         FROM activity_sessions a JOIN sites s ON s.id = a.site_id
         WHERE (?1 IS NULL OR a.site_id = ?1) AND (?2 IS NULL OR a.id = ?2)
         ORDER BY s.code, a.weekday, a.starts_at, a.title",
    )?;
    let rows = stmt.query_map(params![site_id, id], |r| {
        Ok(ActivitySession {
            id: r.get("id")?,
            site: r.get("site")?,
            kind: r.get("kind")?,
            title: r.get("title")?,
            weekday: r.get("weekday")?,
            starts_at: r.get("starts_at")?,
            ends_at: r.get("ends_at")?,
            place: r.get("place")?,
            capacity: r.get("capacity")?,
            child_facing: r.get("child_facing")?,
            required_dbs: r.get("required_dbs")?,
            starts_on: r.get("starts_on")?,
            ends_on: r.get("ends_on")?,
            active: r.get("active")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What happens to one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// Not held that week.
    Cancelled,
    /// Held on another day, time or place.
    Moved,
}
text_enum!(ExceptionKind, Cancelled => "cancelled", Moved => "moved");

/// Input to cancel or move one instance, or (`kind` none) put it back as scheduled.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionException {
    /// The session's id.
    pub session: String,
    /// The date it is scheduled on.
    pub on_date: NaiveDate,
    /// Cancelled or moved; none to undo.
    #[serde(default)]
    pub kind: Option<ExceptionKind>,
    /// Moved to this date (default: same date).
    #[serde(default)]
    pub moved_to: Option<NaiveDate>,
    /// Moved to this start time.
    #[serde(default)]
    pub starts_at: Option<String>,
    /// Moved to this end time.
    #[serde(default)]
    pub ends_at: Option<String>,
    /// Moved to this place.
    #[serde(default)]
    pub place: Option<String>,
    /// Why, in a few words.
    #[serde(default)]
    pub reason: String,
}

fn scheduled(s: &ActivitySession, date: NaiveDate) -> bool {
    s.active
        && date.weekday().number_from_monday() == s.weekday
        && date >= s.starts_on
        && s.ends_on.is_none_or(|e| date <= e)
}

fn session(conn: &Connection, id: &str) -> Result<ActivitySession> {
    select_sessions(conn, None, Some(id))?
        .into_iter()
        .next()
        .ok_or_else(|| Error::new(crate::Code::ActivitySessionNotFound, serde_json::json!({})))
}

/// Cancels, moves or restores one instance.
///
/// Callers go through `rota::set_exception`, which brings that instance's shifts
/// along in the same transaction.
pub(crate) fn set_exception(conn: &Connection, e: &SessionException) -> Result<()> {
    let s = session(conn, &e.session)?;
    if !scheduled(&s, e.on_date) {
        return Err(Error::at(
            "on_date",
            crate::Code::ActivityNotHeld,
            serde_json::json!({"title": s.title, "date": e.on_date.to_string()}),
        ));
    }
    conn.execute(
        "DELETE FROM session_exceptions WHERE session_id = ?1 AND on_date = ?2",
        params![s.id, e.on_date],
    )?;
    let Some(kind) = e.kind else {
        return Ok(());
    };
    check_len("reason", "The reason", e.reason.trim(), 200)?;
    let (moved_to, starts, ends, place) = match kind {
        ExceptionKind::Cancelled => (None, None, None, None),
        ExceptionKind::Moved => {
            let starts = e.starts_at.as_deref().map(|t| check_time("starts_at", t)).transpose()?;
            let ends = e.ends_at.as_deref().map(|t| check_time("ends_at", t)).transpose()?;
            let (st, en) =
                (starts.clone().unwrap_or(s.starts_at.clone()), ends.clone().unwrap_or(s.ends_at.clone()));
            if en <= st {
                return Err(Error::at(
                    "ends_at",
                    crate::Code::ActivityEndsAtBeforeStart,
                    serde_json::json!({}),
                ));
            }
            let place = e.place.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
            if e.moved_to.is_none() && starts.is_none() && ends.is_none() && place.is_none() {
                return Err(Error::at(
                    "moved_to",
                    crate::Code::ActivityMovedToMissing,
                    serde_json::json!({}),
                ));
            }
            (e.moved_to, starts, ends, place)
        }
    };
    conn.execute(
        "INSERT INTO session_exceptions (id, site_id, session_id, on_date, kind, moved_to, starts_at, ends_at, place, reason)
         SELECT ?1, site_id, id, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM activity_sessions WHERE id = ?2",
        params![new_id(), s.id, e.on_date, kind, moved_to, starts, ends, place, e.reason.trim()],
    )?;
    Ok(())
}

/// A session's instance on the date it is scheduled on; `None` when the session is not held
/// that day (another weekday, outside its dates, stopped, gone).
pub(crate) fn instance_on(conn: &Connection, session_id: &str, date: NaiveDate) -> Result<Option<Instance>> {
    let s = match session(conn, session_id) {
        Ok(s) => s,
        Err(e) if e.kind() == crate::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !scheduled(&s, date) {
        return Ok(None);
    }
    Ok(Some(instance(conn, &s, date)?))
}

/// One session on one date, as the timetable shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Instance {
    /// The session's id.
    pub session_id: String,
    /// The date it is scheduled on (names the instance).
    pub on_date: NaiveDate,
    /// The date it is held on (differs when moved).
    pub held_on: NaiveDate,
    /// Kind.
    pub kind: ActivityKind,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Where.
    pub place: String,
    /// Capacity.
    pub capacity: u32,
    /// People signed up.
    pub signed_up: u32,
    /// People recorded as attended.
    pub attended: u32,
    /// Child-facing.
    pub child_facing: bool,
    /// Cancelled or moved.
    pub exception: Option<ExceptionKind>,
    /// Why.
    pub reason: String,
}

/// The instances of a site's sessions in `week`, by date held and time.
pub fn timetable(conn: &Connection, site: &str, week: Week) -> Result<Vec<Instance>> {
    let site_code = sites::resolve(conn, site.trim())
        .map_err(|e| e.when_absent(Error::at("site", crate::Code::SiteMissing, serde_json::json!({}))))?
        .code;
    let mut out = Vec::new();
    for s in sessions(conn, Some(&site_code))? {
        let date = week.day(s.weekday);
        if !scheduled(&s, date) {
            continue;
        }
        out.push(instance(conn, &s, date)?);
    }
    out.sort_by(|a, b| (a.held_on, &a.starts_at, &a.title).cmp(&(b.held_on, &b.starts_at, &b.title)));
    Ok(out)
}

fn instance(conn: &Connection, s: &ActivitySession, date: NaiveDate) -> Result<Instance> {
    type Ex = (ExceptionKind, Option<NaiveDate>, Option<String>, Option<String>, Option<String>, String);
    let ex: Option<Ex> = conn
        .query_row(
            "SELECT kind, moved_to, starts_at, ends_at, place, reason FROM session_exceptions WHERE session_id = ?1 AND on_date = ?2",
            params![s.id, date],
            |r| {
                Ok((
                    r.get("kind")?,
                    r.get("moved_to")?,
                    r.get("starts_at")?,
                    r.get("ends_at")?,
                    r.get("place")?,
                    r.get("reason")?,
                ))
            },
        )
        .optional()?;
    let (signed_up, attended): (u32, u32) = conn.query_row(
        "SELECT count(*) AS signed_up, coalesce(sum(attended = 1), 0) AS attended
         FROM session_signups WHERE session_id = ?1 AND on_date = ?2",
        params![s.id, date],
        |r| Ok((r.get("signed_up")?, r.get("attended")?)),
    )?;
    let mut i = Instance {
        session_id: s.id.clone(),
        on_date: date,
        held_on: date,
        kind: s.kind,
        title: s.title.clone(),
        starts_at: s.starts_at.clone(),
        ends_at: s.ends_at.clone(),
        place: s.place.clone(),
        capacity: s.capacity,
        signed_up,
        attended,
        child_facing: s.child_facing,
        exception: None,
        reason: String::new(),
    };
    if let Some((kind, moved_to, starts, ends, place, reason)) = ex {
        i.exception = Some(kind);
        i.reason = reason;
        i.held_on = moved_to.unwrap_or(date);
        i.starts_at = starts.unwrap_or(i.starts_at);
        i.ends_at = ends.unwrap_or(i.ends_at);
        i.place = place.unwrap_or(i.place);
    }
    Ok(i)
}

/// Names an instance: a session and its scheduled date.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InstanceRef {
    /// The session's id.
    pub session: String,
    /// The date it is scheduled on.
    pub on_date: NaiveDate,
}

/// Input to sign a person up, take them off, or record attendance.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignUpInput {
    /// The session's id.
    pub session: String,
    /// The date it is scheduled on.
    pub on_date: NaiveDate,
    /// The person's id.
    pub person: String,
    /// Attended (for `record_attendance`): true came, false did not, none not recorded.
    #[serde(default)]
    pub attended: Option<bool>,
}

/// A person signed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignUp {
    /// The person's id.
    pub person_id: String,
    /// Code.
    pub code: String,
    /// Latin-script name.
    pub name: String,
    /// Name in own script.
    pub original_name: Option<String>,
    /// Age in years (when the date of birth is known or estimated).
    pub age: Option<u32>,
    /// Age in whole months (babies' ages are given in months).
    #[serde(default)]
    pub age_months: Option<u32>,
    /// Attended.
    pub attended: Option<bool>,
}

/// Signs a person up to an instance. Refused when cancelled, full, or already signed up.
/// Returns warnings when the person is outside the session's audience on that day (an adult
/// at children's play, a man at a women's session): signed up all the same.
pub fn sign_up(conn: &Connection, session: &Session, input: &SignUpInput) -> Result<Vec<Warning>> {
    let s = self::session(conn, &input.session)?;
    if !scheduled(&s, input.on_date) {
        return Err(Error::at(
            "on_date",
            crate::Code::ActivityNotHeld,
            serde_json::json!({"title": s.title, "date": input.on_date.to_string()}),
        ));
    }
    let i = instance(conn, &s, input.on_date)?;
    if i.exception == Some(ExceptionKind::Cancelled) {
        return Err(Error::new(
            crate::Code::ActivityCancelled,
            serde_json::json!({"title": s.title, "date": input.on_date.to_string()}),
        ));
    }
    let person: Option<(String, String, Option<NaiveDate>, Sex)> = conn
        .query_row(
            "SELECT id, given_name, date_of_birth, sex FROM people WHERE id = ?1",
            [&input.person],
            |r| Ok((r.get("id")?, r.get("given_name")?, r.get("date_of_birth")?, r.get("sex")?)),
        )
        .optional()?;
    let Some((pid, pname, born, sex)) = person else {
        return Err(Error::new(crate::Code::ActivityPersonNotFound, serde_json::json!({})));
    };
    let already: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM session_signups WHERE session_id = ?1 AND on_date = ?2 AND person_id = ?3)",
        params![s.id, input.on_date, pid],
        |r| r.get(0),
    )?;
    if already {
        return Err(Error::new(
            crate::Code::ActivityAlreadySignedUp,
            serde_json::json!({"pname": pname.to_string()}),
        ));
    }
    if i.signed_up >= s.capacity {
        return Err(Error::new(
            crate::Code::ActivityFull,
            serde_json::json!({"title": s.title.to_string(), "signed_up": i.signed_up, "capacity": s.capacity}),
        ));
    }
    conn.execute(
        "INSERT INTO session_signups (id, site_id, session_id, on_date, person_id, attended, created_by)
         SELECT ?1, site_id, id, ?3, ?4, ?5, ?6 FROM activity_sessions WHERE id = ?2",
        params![new_id(), s.id, input.on_date, pid, input.attended, session.user_id],
    )?;
    let age = born.and_then(|b| crate::cases::age::age_on(b, input.on_date)).map(|a| a.years);
    Ok(s.kind.audience().warnings(&s.title, &pname, age, sex))
}

/// Takes a person off an instance.
pub fn cancel_sign_up(conn: &Connection, input: &SignUpInput) -> Result<()> {
    let n = conn.execute(
        "DELETE FROM session_signups WHERE session_id = ?1 AND on_date = ?2 AND person_id = ?3",
        params![input.session, input.on_date, input.person],
    )?;
    if n == 0 {
        return Err(Error::new(crate::Code::ActivityNotSignedUp, serde_json::json!({})));
    }
    Ok(())
}

/// Records whether a signed-up person came.
pub fn record_attendance(conn: &Connection, input: &SignUpInput) -> Result<()> {
    let n = conn.execute(
        "UPDATE session_signups SET attended = ?4, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE session_id = ?1 AND on_date = ?2 AND person_id = ?3",
        params![input.session, input.on_date, input.person, input.attended],
    )?;
    if n == 0 {
        return Err(Error::new(crate::Code::ActivityNotSignedUpFirst, serde_json::json!({})));
    }
    Ok(())
}

/// The people signed up to an instance, by name.
pub fn sign_ups(
    conn: &Connection,
    session: &str,
    on_date: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<SignUp>> {
    let mut stmt = conn.prepare(
        "SELECT p.id AS person_id, p.code, p.given_name, p.family_name, p.original_name, p.date_of_birth, g.attended
         FROM session_signups g JOIN people p ON p.id = g.person_id
         WHERE g.session_id = ?1 AND g.on_date = ?2 ORDER BY p.given_name COLLATE NOCASE, p.family_name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map(params![session, on_date], |r| {
        let born: Option<NaiveDate> = r.get("date_of_birth")?;
        Ok(SignUp {
            person_id: r.get("person_id")?,
            code: r.get("code")?,
            name: crate::volunteers::full_name(
                &r.get::<_, String>("given_name")?,
                &r.get::<_, String>("family_name")?,
            ),
            original_name: r.get("original_name")?,
            age: born.and_then(|b| crate::cases::age::age_on(b, today)).map(|a| a.years),
            age_months: born.and_then(|b| crate::cases::age::age_on(b, today)).map(|a| a.months),
            attended: r.get("attended")?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
