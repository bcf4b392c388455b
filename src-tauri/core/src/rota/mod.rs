//! The rota: shifts per site and date, and the volunteers assigned to them. It sits above
//! volunteers and activities: a shift for an activity session follows the session, so saving a
//! session or one of its exceptions goes through [`save_session`] and [`set_exception`] here.
//!
//! An assignment is refused with an error (never a warning) when the volunteer is not yet
//! approved, the shift is outside their stay or at a site they do not work at, it overlaps
//! another of their shifts (conflict), or the shift needs a DBS check they do not hold on the
//! shift's date (child-facing shifts: enhanced with the children's barred list).

pub mod seed;
pub mod sheet;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::activities::week::{check_time, Week};
use crate::activities::{self, ExceptionKind};
use crate::volunteers::dbs::{self, DbsLevel, DbsStatus, Requirement};
use crate::volunteers::{full_name, VolunteerStatus};
use serde_json::json;

use crate::{new_id, sites, Code, Error, Problems, Result};

/// A shift to add.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShift {
    /// Site (code or id).
    pub site: String,
    /// Date.
    pub on_date: NaiveDate,
    /// Start, `HH:MM` (a shift for a session takes the session's; leave empty).
    #[serde(default)]
    pub starts_at: String,
    /// End, `HH:MM` (a shift for a session takes the session's; leave empty).
    #[serde(default)]
    pub ends_at: String,
    /// What the volunteers do ("Front desk", "Children's play").
    #[serde(default)]
    pub role: String,
    /// The activity session it staffs, if any: `on_date` is then the date the session is
    /// scheduled on, and the shift takes that instance's date and times (and follows them when
    /// the instance is moved or cancelled); its title, child-facing flag and DBS level carry over.
    #[serde(default)]
    pub session: Option<String>,
    /// Work with children (needs enhanced DBS with the children's barred list).
    #[serde(default)]
    pub child_facing: bool,
    /// DBS level needed when not child-facing (default: any current check).
    #[serde(default)]
    pub required_dbs: Option<Requirement>,
    /// How many volunteers it needs (default 1).
    #[serde(default)]
    pub needed: Option<u32>,
}

/// A volunteer on a shift, as the rota shows them: name and DBS mark, no DBS detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Assigned {
    /// The volunteer's id.
    pub volunteer_id: String,
    /// Their name.
    pub name: String,
    /// DBS status on the shift's date for what the shift needs.
    pub dbs: DbsStatus,
}

/// A shift with its volunteers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shift {
    /// Id.
    pub id: String,
    /// Site code.
    pub site: String,
    /// Date.
    pub on_date: NaiveDate,
    /// Start.
    pub starts_at: String,
    /// End.
    pub ends_at: String,
    /// Role.
    pub role: String,
    /// Linked activity session.
    pub session_id: Option<String>,
    /// The date the linked session is scheduled on (its instance).
    pub session_on: Option<NaiveDate>,
    /// Its session is cancelled or no longer held that day: kept on the rota with its
    /// volunteers, no gaps, nobody new.
    pub cancelled: bool,
    /// Child-facing.
    pub child_facing: bool,
    /// DBS needed.
    pub required_dbs: Requirement,
    /// Volunteers needed.
    pub needed: u32,
    /// Volunteers assigned.
    pub assigned: Vec<Assigned>,
}

impl Shift {
    /// Places not filled (none on a cancelled shift).
    pub fn gap(&self) -> u32 {
        if self.cancelled {
            return 0;
        }
        self.needed.saturating_sub(self.assigned.len() as u32)
    }
}

/// Adds a shift.
pub fn create_shift(conn: &Connection, input: &NewShift) -> Result<String> {
    let mut p = Problems::new();
    let site = p.check(
        sites::resolve(conn, input.site.trim())
            .map_err(|e| e.when_absent(Error::at("site", Code::RotaSiteMissing, json!({})))),
    )?;
    let mut role = input.role.trim().to_string();
    let mut child_facing = input.child_facing;
    let mut req = input.required_dbs.unwrap_or_default();
    let session = input.session.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let (on_date, starts, ends) = match session {
        None => {
            let starts = p.check(check_time("starts_at", &input.starts_at))?;
            let ends = p.check(check_time("ends_at", &input.ends_at))?;
            (input.on_date, starts, ends)
        }
        Some(sid) => match linked_session(conn, sid)? {
            None => {
                p.add("session", Code::RotaSessionUnknown, json!({}));
                (input.on_date, None, None)
            }
            Some(linked) => {
                if site.as_ref().is_some_and(|site| linked.site_id != site.id) {
                    p.add("session", Code::RotaSessionOtherSite, json!({}));
                }
                let day = input.on_date.to_string();
                match activities::instance_on(conn, sid, input.on_date)? {
                    None => {
                        p.add("on_date", Code::RotaOnDateNotHeld, json!({"title": linked.title, "day": day}));
                        (input.on_date, None, None)
                    }
                    Some(held) => {
                        if held.exception == Some(ExceptionKind::Cancelled) {
                            p.add(
                                "on_date",
                                Code::RotaOnDateCancelled,
                                json!({"title": linked.title, "day": day}),
                            );
                        }
                        for (field, given, theirs) in [
                            ("starts_at", &input.starts_at, &held.starts_at),
                            ("ends_at", &input.ends_at, &held.ends_at),
                        ] {
                            if !given.trim().is_empty() && given.trim() != theirs {
                                p.add(
                                    field,
                                    Code::RotaTimesOfSession,
                                    json!({"title": linked.title, "starts": held.starts_at, "ends": held.ends_at}),
                                );
                            }
                        }
                        if role.is_empty() {
                            role = linked.title;
                        }
                        child_facing |= linked.child_facing;
                        req = req.max(linked.required_dbs);
                        (held.held_on, Some(held.starts_at), Some(held.ends_at))
                    }
                }
            }
        },
    };
    if let (Some(starts), Some(ends)) = (&starts, &ends) {
        if ends <= starts {
            p.add("ends_at", Code::RotaEndsBeforeStart, json!({}));
        }
    }
    if child_facing {
        req = Requirement::EnhancedBarred;
    }
    if role.is_empty() {
        p.add("role", Code::RotaRoleMissing, json!({}));
    } else {
        p.check(crate::fields::check_len("role", "The role", &role, 80))?;
    }
    let needed = input.needed.unwrap_or(1);
    if !(1..=50).contains(&needed) {
        p.add("needed", Code::RotaNeededOutOfRange, json!({}));
    }
    let checked = match (site, starts, ends) {
        (Some(site), Some(starts), Some(ends)) => Some((site, starts, ends)),
        _ => None,
    };
    let (site, starts, ends) = p.finish_with(checked)?;
    let id = new_id();
    conn.execute(
        "INSERT INTO shifts (id, site_id, on_date, starts_at, ends_at, role, session_id, session_on, child_facing, required_dbs, needed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            id,
            site.id,
            on_date,
            starts,
            ends,
            role,
            session,
            session.map(|_| input.on_date),
            child_facing,
            req,
            needed
        ],
    )?;
    Ok(id)
}

/// What a shift takes from the session it staffs.
struct LinkedSession {
    site_id: String,
    title: String,
    child_facing: bool,
    required_dbs: Requirement,
}

fn linked_session(conn: &Connection, id: &str) -> Result<Option<LinkedSession>> {
    Ok(conn
        .query_row(
            "SELECT site_id, title, child_facing, required_dbs FROM activity_sessions WHERE id = ?1",
            [id],
            |r| {
                Ok(LinkedSession {
                    site_id: r.get("site_id")?,
                    title: r.get("title")?,
                    child_facing: r.get("child_facing")?,
                    required_dbs: r.get("required_dbs")?,
                })
            },
        )
        .optional()?)
}

/// Adds or changes a recurring activity session and, in the same transaction, brings the shifts
/// that staff it from `today` on to its new day, time, site or child-facing flag. Returns the
/// session's id.
pub fn save_session(conn: &Connection, input: &activities::SessionInput, today: NaiveDate) -> Result<String> {
    let id = activities::save_session(conn, input, today)?;
    follow_session(conn, &id, None, today)?;
    Ok(id)
}

/// Cancels, moves or restores one instance of a session and, in the same transaction, brings
/// that instance's shifts along.
pub fn set_exception(conn: &Connection, e: &activities::SessionException) -> Result<()> {
    activities::set_exception(conn, e)?;
    follow_session(conn, &e.session, Some(e.on_date), e.on_date)
}

/// Brings the shifts that staff a session in line with it, after the session or one of its
/// instances changed: each takes its instance's date and times, is marked cancelled when the
/// instance is cancelled or no longer held (another day, site or dates), and becomes
/// child-facing when the session does. Everyone on a shift that is still held is checked again
/// against the rules for its new date and time; the first who no longer fits refuses the whole
/// change, naming them (the caller's transaction rolls back, so nothing changes).
///
/// `only`: one instance (the date it is scheduled on); otherwise every instance from `from` on.
pub(crate) fn follow_session(
    conn: &Connection,
    session_id: &str,
    only: Option<NaiveDate>,
    from: NaiveDate,
) -> Result<()> {
    let mut stmt = conn.prepare(
        "SELECT id, site_id, session_on, role, child_facing, required_dbs FROM shifts
         WHERE session_id = ?1 AND session_on >= ?2 AND (?3 IS NULL OR session_on = ?3)
         ORDER BY session_on, id",
    )?;
    let shifts: Vec<(String, String, NaiveDate, String, bool, Requirement)> = stmt
        .query_map(params![session_id, from, only], |r| {
            Ok((
                r.get("id")?,
                r.get("site_id")?,
                r.get("session_on")?,
                r.get("role")?,
                r.get("child_facing")?,
                r.get("required_dbs")?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if shifts.is_empty() {
        return Ok(());
    }
    let linked = linked_session(conn, session_id)?;
    for (id, site_id, session_on, role, was_child_facing, was_req) in shifts {
        let held = match &linked {
            Some(l) if l.site_id == site_id => activities::instance_on(conn, session_id, session_on)?
                .filter(|i| i.exception != Some(ExceptionKind::Cancelled)),
            _ => None,
        };
        let (Some(i), Some(l)) = (held, &linked) else {
            conn.execute(
                "UPDATE shifts SET cancelled = 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                [&id],
            )?;
            continue;
        };
        let child_facing = was_child_facing || l.child_facing;
        let req = if child_facing { Requirement::EnhancedBarred } else { was_req.max(l.required_dbs) };
        conn.execute(
            "UPDATE shifts SET on_date = ?2, starts_at = ?3, ends_at = ?4, cancelled = 0, child_facing = ?5,
                required_dbs = ?6, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1",
            params![id, i.held_on, i.starts_at, i.ends_at, child_facing, req],
        )?;
        let slot = Slot { id, site_id, on_date: i.held_on, starts: i.starts_at, ends: i.ends_at, req, role };
        let mut stmt =
            conn.prepare("SELECT volunteer_id FROM shift_assignments WHERE shift_id = ?1 ORDER BY id")?;
        let on_it: Vec<String> =
            stmt.query_map([&slot.id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        for volunteer in on_it {
            check_volunteer(conn, &slot, &volunteer).map_err(|e| {
                Error::at(
                    "session",
                    Code::RotaSessionShiftRefused,
                    json!({
                        "role": slot.role,
                        "day": slot.on_date.to_string(),
                        "starts": slot.starts,
                        "ends": slot.ends,
                        "reason": e.to_string(),
                    }),
                )
            })?;
        }
    }
    Ok(())
}

/// Removes a shift and its assignments.
pub fn delete_shift(conn: &Connection, id: &str) -> Result<()> {
    if conn.execute("DELETE FROM shifts WHERE id = ?1", [id])? == 0 {
        return Err(Error::new(crate::Code::RotaShiftNotFound, serde_json::json!({})));
    }
    Ok(())
}

/// The facts about a shift that decide who may take it.
struct Slot {
    id: String,
    site_id: String,
    on_date: NaiveDate,
    starts: String,
    ends: String,
    req: Requirement,
    role: String,
}

/// Puts a volunteer on a shift, or says plainly why not.
pub fn assign(conn: &Connection, session: &Session, shift_id: &str, volunteer_id: &str) -> Result<()> {
    let (slot, needed, cancelled): (Slot, u32, bool) = conn
        .query_row(
            "SELECT site_id, on_date, starts_at, ends_at, required_dbs, role, needed, cancelled FROM shifts WHERE id = ?1",
            [shift_id],
            |r| {
                let slot = Slot {
                    id: shift_id.to_string(),
                    site_id: r.get("site_id")?,
                    on_date: r.get("on_date")?,
                    starts: r.get("starts_at")?,
                    ends: r.get("ends_at")?,
                    req: r.get("required_dbs")?,
                    role: r.get("role")?,
                };
                Ok((slot, r.get("needed")?, r.get("cancelled")?))
            },
        )
        .optional()?
        .ok_or_else(|| Error::new(Code::RotaShiftNotFound, json!({})))?;
    if cancelled {
        return Err(Error::at(
            "shift",
            Code::RotaShiftCancelled,
            json!({"role": slot.role, "day": slot.on_date.to_string()}),
        ));
    }
    let already: Option<(String, String)> = conn
        .query_row(
            "SELECT v.given_name, v.family_name FROM shift_assignments a JOIN volunteers v ON v.id = a.volunteer_id
             WHERE a.shift_id = ?1 AND a.volunteer_id = ?2",
            params![shift_id, volunteer_id],
            |r| Ok((r.get("given_name")?, r.get("family_name")?)),
        )
        .optional()?;
    if let Some((given, family)) = already {
        return Err(Error::new(Code::RotaAlreadyOnShift, json!({"name": full_name(&given, &family)})));
    }
    check_volunteer(conn, &slot, volunteer_id)?;
    let filled: u32 =
        conn.query_row("SELECT count(*) FROM shift_assignments WHERE shift_id = ?1", [shift_id], |r| {
            r.get(0)
        })?;
    if filled >= needed {
        return Err(Error::new(Code::RotaShiftFull, json!({"needed": needed})));
    }
    conn.execute(
        "INSERT INTO shift_assignments (id, site_id, shift_id, volunteer_id, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new_id(), slot.site_id, shift_id, volunteer_id, session.user_id],
    )?;
    Ok(())
}

/// Whether `volunteer_id` may be on `slot`, in the order a coordinator would ask: approved,
/// within their stay, working at the site, not on another (held) shift at the same time, and
/// holding the DBS check the shift needs on its date.
fn check_volunteer(conn: &Connection, slot: &Slot, volunteer_id: &str) -> Result<()> {
    let (given, family, status, arrival, departure): (
        String,
        String,
        VolunteerStatus,
        NaiveDate,
        Option<NaiveDate>,
    ) = conn
        .query_row(
            "SELECT given_name, family_name, status, arrival_on, departure_on FROM volunteers WHERE id = ?1",
            [volunteer_id],
            |r| {
                Ok((
                    r.get("given_name")?,
                    r.get("family_name")?,
                    r.get("status")?,
                    r.get("arrival_on")?,
                    r.get("departure_on")?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::new(Code::VolunteerNotFound, json!({})))?;
    let name = full_name(&given, &family);
    let Slot { on_date, starts, ends, req, role, .. } = slot;
    let on_date = *on_date;
    let day = on_date.to_string();
    if !matches!(status, VolunteerStatus::Approved | VolunteerStatus::Active) {
        let code = if status == VolunteerStatus::Left {
            Code::RotaVolunteerLeft
        } else {
            Code::RotaVolunteerNotApproved
        };
        return Err(Error::at("volunteer", code, json!({"name": name})));
    }
    if on_date < arrival || departure.is_some_and(|d| on_date > d) {
        // Dates as ISO text: each language writes them out its own way.
        return Err(match departure {
            Some(d) => Error::at(
                "volunteer",
                Code::RotaOutsideStay,
                json!({"day": day, "name": name, "arrival": arrival.to_string(), "departure": d.to_string()}),
            ),
            None => Error::at(
                "volunteer",
                Code::RotaBeforeArrival,
                json!({"day": day, "name": name, "arrival": arrival.to_string()}),
            ),
        });
    }
    let works_here: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM volunteer_sites WHERE volunteer_id = ?1 AND site_id = ?2)",
        params![volunteer_id, slot.site_id],
        |r| r.get(0),
    )?;
    if !works_here {
        return Err(Error::at("volunteer", Code::RotaOtherSite, json!({"name": name})));
    }
    let clash: Option<(String, String, String)> = conn
        .query_row(
            "SELECT s.role, s.starts_at, s.ends_at FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
             WHERE a.volunteer_id = ?1 AND s.on_date = ?2 AND s.starts_at < ?4 AND ?3 < s.ends_at
               AND s.cancelled = 0 AND s.id <> ?5
             LIMIT 1",
            params![volunteer_id, on_date, starts, ends, slot.id],
            |r| Ok((r.get("role")?, r.get("starts_at")?, r.get("ends_at")?)),
        )
        .optional()?;
    if let Some((other, s, e)) = clash {
        return Err(Error::new(
            Code::RotaOverlap,
            json!({"name": name, "other": other, "other_starts": s, "other_ends": e, "day": day,
                   "starts": starts, "ends": ends}),
        ));
    }
    let policy = dbs::policy(conn)?;
    let facts = dbs::facts_for(conn, volunteer_id)?;
    let st = dbs::status(&facts, *req, on_date, &policy);
    if !st.is_valid() {
        let what = if *req == Requirement::EnhancedBarred {
            format!("\"{role}\" is child-facing: it needs {} valid on {day}", req.label())
        } else {
            format!("\"{role}\" needs {} valid on {day}", req.label())
        };
        let (code, mut params) = match &st {
            DbsStatus::Expired { since } => (Code::RotaDbsExpired, json!({"since": since.to_string()})),
            DbsStatus::Insufficient { level: DbsLevel::EnhancedBarred } => {
                (Code::RotaDbsMissingBarredChildren, json!({}))
            }
            DbsStatus::Insufficient { level } => (Code::RotaDbsInsufficient, json!({"level": level.label()})),
            DbsStatus::NeedsRiskAssessment { issuer } => (
                Code::RotaDbsNeedsRiskAssessment,
                json!({"issuer": crate::volunteers::issuers::issuer(*issuer).name}),
            ),
            DbsStatus::Missing | DbsStatus::Valid { .. } | DbsStatus::ExpiringSoon { .. } => {
                (Code::RotaDbsMissing, json!({}))
            }
        };
        if let Some(map) = params.as_object_mut() {
            map.insert("name".into(), json!(name));
            map.insert("need".into(), json!(what));
            map.insert("role".into(), json!(role));
            map.insert("day".into(), json!(day));
            map.insert("requirement".into(), json!(req.as_str()));
        }
        return Err(Error::at("volunteer", code, params));
    }
    Ok(())
}

/// Takes a volunteer off a shift.
pub fn unassign(conn: &Connection, shift_id: &str, volunteer_id: &str) -> Result<()> {
    let n = conn.execute(
        "DELETE FROM shift_assignments WHERE shift_id = ?1 AND volunteer_id = ?2",
        params![shift_id, volunteer_id],
    )?;
    if n == 0 {
        return Err(Error::new(crate::Code::RotaVolunteerNotOnShift, serde_json::json!({})));
    }
    Ok(())
}

/// A volunteer whose DBS check stops being valid during the week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpiringThisWeek {
    /// The volunteer's id.
    pub volunteer_id: String,
    /// Name.
    pub name: String,
    /// Last good day.
    pub until: NaiveDate,
}

/// A site's week on the rota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RotaWeek {
    /// `2026-W48`.
    pub week: String,
    /// "Week 48 · 23 Nov – 29 Nov 2026".
    pub heading: String,
    /// Site code.
    pub site: String,
    /// Site name.
    pub site_name: String,
    /// The 7 days.
    pub days: Vec<NaiveDate>,
    /// Shifts in date and time order.
    pub shifts: Vec<Shift>,
    /// Places not filled, over all shifts.
    pub gaps: u32,
    /// Assigned volunteers whose DBS check ends during the week.
    pub expiring: Vec<ExpiringThisWeek>,
}

/// The rota for `site` in `week`, with each volunteer's DBS mark on each shift's date.
pub fn week(conn: &Connection, site: &str, week: Week) -> Result<RotaWeek> {
    let site = sites::resolve(conn, site.trim())
        .map_err(|e| e.when_absent(Error::at("site", crate::Code::SiteMissing, serde_json::json!({}))))?;
    let policy = dbs::policy(conn)?;
    let facts = dbs::facts_by_volunteer(conn)?;
    let mut stmt = conn.prepare(
        "SELECT id, on_date, starts_at, ends_at, role, session_id, child_facing, required_dbs, needed, session_on,
                cancelled
         FROM shifts WHERE site_id = ?1 AND on_date BETWEEN ?2 AND ?3 ORDER BY on_date, starts_at, role, id",
    )?;
    let mut shifts: Vec<Shift> = stmt
        .query_map(params![site.id, week.monday, week.sunday()], |r| {
            Ok(Shift {
                id: r.get("id")?,
                site: site.code.clone(),
                on_date: r.get("on_date")?,
                starts_at: r.get("starts_at")?,
                ends_at: r.get("ends_at")?,
                role: r.get("role")?,
                session_id: r.get("session_id")?,
                child_facing: r.get("child_facing")?,
                required_dbs: r.get("required_dbs")?,
                needed: r.get("needed")?,
                session_on: r.get("session_on")?,
                cancelled: r.get("cancelled")?,
                assigned: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT a.shift_id, v.id AS volunteer_id, v.given_name, v.family_name FROM shift_assignments a
         JOIN shifts s ON s.id = a.shift_id JOIN volunteers v ON v.id = a.volunteer_id
         WHERE s.site_id = ?1 AND s.on_date BETWEEN ?2 AND ?3
         ORDER BY v.given_name COLLATE NOCASE, v.family_name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map(params![site.id, week.monday, week.sunday()], |r| {
        Ok((
            r.get::<_, String>("shift_id")?,
            r.get::<_, String>("volunteer_id")?,
            full_name(&r.get::<_, String>("given_name")?, &r.get::<_, String>("family_name")?),
        ))
    })?;
    let index: std::collections::HashMap<String, usize> =
        shifts.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
    let mut expiring: Vec<ExpiringThisWeek> = Vec::new();
    for row in rows {
        let (shift_id, vid, name) = row?;
        let Some(&i) = index.get(&shift_id) else { continue };
        let f = facts.get(&vid).map(Vec::as_slice).unwrap_or_default();
        let shift = &mut shifts[i];
        let st = dbs::status(f, shift.required_dbs, shift.on_date, &policy);
        let any = dbs::status(f, Requirement::None, week.monday, &policy);
        if let DbsStatus::Valid { until } | DbsStatus::ExpiringSoon { until } = any {
            if until < week.sunday() && !expiring.iter().any(|e| e.volunteer_id == vid) {
                expiring.push(ExpiringThisWeek { volunteer_id: vid.clone(), name: name.clone(), until });
            }
        }
        shift.assigned.push(Assigned { volunteer_id: vid, name, dbs: st });
    }
    let gaps = shifts.iter().map(Shift::gap).sum();
    Ok(RotaWeek {
        week: week.label(),
        heading: week.heading(),
        site: site.code,
        site_name: site.name,
        days: week.days(),
        shifts,
        gaps,
        expiring,
    })
}
