//! The rota: shifts per site and date, and the volunteers assigned to them.
//!
//! An assignment is refused with an error (never a warning) when the volunteer is not yet
//! approved, the shift is outside their stay or at a site they do not work at, it overlaps
//! another of their shifts (conflict), or the shift needs a DBS check they do not hold on the
//! shift's date (child-facing shifts: enhanced with the children's barred list).

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::dbs::{self, DbsStatus, Requirement};
use super::{full_name, VolunteerStatus};
use crate::access::Session;
use crate::activities::week::{check_time, Week};
use crate::{new_id, sites, Error, Result};

/// A shift to add.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShift {
    /// Site (code or id).
    pub site: String,
    /// Date.
    pub on_date: NaiveDate,
    /// Start, `HH:MM`.
    pub starts_at: String,
    /// End, `HH:MM`.
    pub ends_at: String,
    /// What the volunteers do ("Front desk", "Children's play").
    #[serde(default)]
    pub role: String,
    /// The activity session it staffs, if any (its title, child-facing flag and DBS level carry over).
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
    /// Places not filled.
    pub fn gap(&self) -> u32 {
        self.needed.saturating_sub(self.assigned.len() as u32)
    }
}

/// Adds a shift.
pub fn create_shift(conn: &Connection, input: &NewShift) -> Result<String> {
    let site =
        sites::resolve(conn, input.site.trim()).map_err(|_| Error::invalid("site", "Choose a site."))?;
    let starts = check_time("starts_at", &input.starts_at)?;
    let ends = check_time("ends_at", &input.ends_at)?;
    if ends <= starts {
        return Err(Error::invalid("ends_at", "The shift must end after it starts."));
    }
    let mut role = input.role.trim().to_string();
    let mut child_facing = input.child_facing;
    let mut req = input.required_dbs.unwrap_or_default();
    let session = input.session.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(sid) = session {
        let (title, cf, r, ssite): (String, bool, Requirement, String) = conn
            .query_row(
                "SELECT title, child_facing, required_dbs, site_id FROM activity_sessions WHERE id = ?1",
                [sid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?
            .ok_or_else(|| Error::invalid("session", "There is no such activity session."))?;
        if ssite != site.id {
            return Err(Error::invalid("session", "That session is at another site."));
        }
        if role.is_empty() {
            role = title;
        }
        child_facing |= cf;
        req = req.max(r);
    }
    if child_facing {
        req = Requirement::EnhancedBarred;
    }
    if role.is_empty() {
        return Err(Error::invalid("role", "Say what the shift is for, like Front desk or Children's play."));
    }
    crate::cases::check_len("role", "The role", &role, 80)?;
    let needed = input.needed.unwrap_or(1);
    if !(1..=50).contains(&needed) {
        return Err(Error::invalid("needed", "A shift needs from 1 to 50 volunteers."));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO shifts (id, site_id, on_date, starts_at, ends_at, role, session_id, child_facing, required_dbs, needed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![id, site.id, input.on_date, starts, ends, role, session, child_facing, req, needed],
    )?;
    Ok(id)
}

/// Removes a shift and its assignments.
pub fn delete_shift(conn: &Connection, id: &str) -> Result<()> {
    if conn.execute("DELETE FROM shifts WHERE id = ?1", [id])? == 0 {
        return Err(Error::NotFound("There is no such shift.".into()));
    }
    Ok(())
}

/// Puts a volunteer on a shift, or says plainly why not.
pub fn assign(conn: &Connection, session: &Session, shift_id: &str, volunteer_id: &str) -> Result<()> {
    let (site_id, on_date, starts, ends, req, needed, role): (String, NaiveDate, String, String, Requirement, u32, String) = conn
        .query_row(
            "SELECT site_id, on_date, starts_at, ends_at, required_dbs, needed, role FROM shifts WHERE id = ?1",
            [shift_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound("There is no such shift.".into()))?;
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
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?
        .ok_or_else(|| Error::NotFound("There is no such volunteer.".into()))?;
    let name = full_name(&given, &family);
    let day = on_date.format("%-d %b %Y");
    if !matches!(status, VolunteerStatus::Approved | VolunteerStatus::Active) {
        let why = if status == VolunteerStatus::Left { "has left" } else { "is not approved yet" };
        return Err(Error::invalid(
            "volunteer",
            format!("{name} {why}: only approved volunteers go on the rota."),
        ));
    }
    if on_date < arrival || departure.is_some_and(|d| on_date > d) {
        let stay = match departure {
            Some(d) => format!("{} to {}", arrival.format("%-d %b %Y"), d.format("%-d %b %Y")),
            None => format!("from {}", arrival.format("%-d %b %Y")),
        };
        return Err(Error::invalid(
            "volunteer",
            format!("The shift on {day} is outside {name}'s stay ({stay})."),
        ));
    }
    let works_here: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM volunteer_sites WHERE volunteer_id = ?1 AND site_id = ?2)",
        params![volunteer_id, site_id],
        |r| r.get(0),
    )?;
    if !works_here {
        return Err(Error::invalid("volunteer", format!("{name} does not work at this shift's site.")));
    }
    let already: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM shift_assignments WHERE shift_id = ?1 AND volunteer_id = ?2)",
        params![shift_id, volunteer_id],
        |r| r.get(0),
    )?;
    if already {
        return Err(Error::Conflict(format!("{name} is already on this shift.")));
    }
    let clash: Option<(String, String, String)> = conn
        .query_row(
            "SELECT s.role, s.starts_at, s.ends_at FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id
             WHERE a.volunteer_id = ?1 AND s.on_date = ?2 AND s.starts_at < ?4 AND ?3 < s.ends_at LIMIT 1",
            params![volunteer_id, on_date, starts, ends],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    if let Some((other, s, e)) = clash {
        return Err(Error::Conflict(format!(
            "{name} is already on \"{other}\" from {s} to {e} on {day}, which overlaps this shift ({starts} to {ends})."
        )));
    }
    let policy = dbs::policy(conn)?;
    let facts = dbs::facts_for(conn, volunteer_id)?;
    let st = dbs::status(&facts, req, on_date, &policy);
    if !st.is_valid() {
        let what = if req == Requirement::EnhancedBarred {
            format!("\"{role}\" is child-facing: it needs {} valid on {day}", req.label())
        } else {
            format!("\"{role}\" needs {} valid on {day}", req.label())
        };
        return Err(Error::invalid(
            "volunteer",
            format!("{name} cannot take this shift. {what}; their DBS is {}.", st.describe()),
        ));
    }
    let filled: u32 =
        conn.query_row("SELECT count(*) FROM shift_assignments WHERE shift_id = ?1", [shift_id], |r| {
            r.get(0)
        })?;
    if filled >= needed {
        return Err(Error::Conflict(format!("This shift already has the {needed} volunteer(s) it needs.")));
    }
    conn.execute(
        "INSERT INTO shift_assignments (id, site_id, shift_id, volunteer_id, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![new_id(), site_id, shift_id, volunteer_id, session.user_id],
    )?;
    Ok(())
}

/// Takes a volunteer off a shift.
pub fn unassign(conn: &Connection, shift_id: &str, volunteer_id: &str) -> Result<()> {
    let n = conn.execute(
        "DELETE FROM shift_assignments WHERE shift_id = ?1 AND volunteer_id = ?2",
        params![shift_id, volunteer_id],
    )?;
    if n == 0 {
        return Err(Error::NotFound("That volunteer is not on this shift.".into()));
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
    let site = sites::resolve(conn, site.trim()).map_err(|_| Error::invalid("site", "Choose a site."))?;
    let policy = dbs::policy(conn)?;
    let facts = dbs::facts_by_volunteer(conn)?;
    let mut stmt = conn.prepare(
        "SELECT id, on_date, starts_at, ends_at, role, session_id, child_facing, required_dbs, needed
         FROM shifts WHERE site_id = ?1 AND on_date BETWEEN ?2 AND ?3 ORDER BY on_date, starts_at, role, id",
    )?;
    let mut shifts: Vec<Shift> = stmt
        .query_map(params![site.id, week.monday, week.sunday()], |r| {
            Ok(Shift {
                id: r.get(0)?,
                site: site.code.clone(),
                on_date: r.get(1)?,
                starts_at: r.get(2)?,
                ends_at: r.get(3)?,
                role: r.get(4)?,
                session_id: r.get(5)?,
                child_facing: r.get(6)?,
                required_dbs: r.get(7)?,
                needed: r.get(8)?,
                assigned: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare(
        "SELECT a.shift_id, v.id, v.given_name, v.family_name FROM shift_assignments a
         JOIN shifts s ON s.id = a.shift_id JOIN volunteers v ON v.id = a.volunteer_id
         WHERE s.site_id = ?1 AND s.on_date BETWEEN ?2 AND ?3
         ORDER BY v.given_name COLLATE NOCASE, v.family_name COLLATE NOCASE",
    )?;
    let rows = stmt.query_map(params![site.id, week.monday, week.sunday()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            full_name(&r.get::<_, String>(2)?, &r.get::<_, String>(3)?),
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
