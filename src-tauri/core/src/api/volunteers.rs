//! API functions of volunteers, DBS checks and the rota.
//!
//! Who sees what: volunteer records (with their restricted notes) and DBS records are for leads
//! and coordinators only; the permission table refuses the front desk before any of these run,
//! and every view of a DBS record is audited. The front desk reaches the rota week only, which
//! shows each volunteer's name with a DBS mark (valid until a date / expiring soon / not valid)
//! and never a certificate number, level detail, Update Service id or notes. The printed roster
//! shows the same marks.

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::today;
use crate::access::{audit, Session};
use crate::activities::week::Week;
use crate::rota::sheet::roster;
use crate::rota::{self, NewShift, RotaWeek};
use crate::volunteers::dbs::{self, DbsCheck, DbsPolicy, NewDbsCheck};
use crate::volunteers::{
    self, DbsDue, SaveVolunteer, Volunteer, VolunteerLine, VolunteerQuery, VolunteerStatus,
};
use crate::{Db, Result};

use super::cases::IdInput;
use super::printing::{print_sheet, Printable, PrintedSheet};

/// A volunteer's page: the record and their DBS checks (leads and coordinators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VolunteerRecord {
    /// The record, notes included.
    pub volunteer: Volunteer,
    /// DBS checks, newest first.
    pub dbs_checks: Vec<DbsCheck>,
    /// DBS status today for any work.
    pub dbs_status: dbs::DbsStatus,
    /// DBS status today for child-facing work.
    pub dbs_child_facing: dbs::DbsStatus,
}

/// Input to set a volunteer's status.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerStatusInput {
    /// The volunteer's id.
    pub id: String,
    /// The new status.
    pub status: VolunteerStatus,
}

/// Input to record an Update Service status check.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusCheckInput {
    /// The DBS record's id.
    pub id: String,
    /// When the status was checked online (default today).
    #[serde(default)]
    pub checked_on: Option<chrono::NaiveDate>,
}

/// Input naming a site's week.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekInput {
    /// `2026-W48` (default: this week).
    #[serde(default)]
    pub week: Option<String>,
    /// Site code or id.
    pub site: String,
}

impl WeekInput {
    pub(super) fn week(&self) -> Result<Week> {
        match self.week.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            Some(w) => Week::parse("week", w),
            None => Ok(Week::of(today())),
        }
    }
}

/// Input to put a volunteer on a shift or take them off.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// The shift's id.
    pub shift: String,
    /// The volunteer's id.
    pub volunteer: String,
}

/// Input to print a week's sheet to a file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintWeek {
    /// `2026-W48` (default: this week).
    #[serde(default)]
    pub week: Option<String>,
    /// Site code or id.
    pub site: String,
    /// Only this session (activity sheet).
    #[serde(default)]
    pub session: Option<String>,
    /// Where to write the PDF.
    pub path: String,
}

/// The id of a record just made.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Created {
    /// Its id.
    pub id: String,
}

pub(super) fn list_volunteers(db: &Db, _: &Session, q: VolunteerQuery) -> Result<Vec<VolunteerLine>> {
    db.read(|c| volunteers::list(c, &q, today()))
}

pub(super) fn get_volunteer(db: &Db, s: &Session, input: IdInput) -> Result<VolunteerRecord> {
    let read = |c: &rusqlite::Connection| {
        let volunteer = volunteers::get(c, &input.id)?;
        let checks = dbs::for_volunteer(c, &input.id)?;
        let policy = dbs::policy(c)?;
        let facts: Vec<dbs::CheckFacts> = checks.iter().map(dbs::CheckFacts::from).collect();
        let today = today();
        Ok(VolunteerRecord {
            volunteer,
            dbs_status: dbs::status(&facts, dbs::Requirement::None, today, &policy),
            dbs_child_facing: dbs::status(&facts, dbs::Requirement::EnhancedBarred, today, &policy),
            dbs_checks: checks,
        })
    };
    if db.is_read_only_media() {
        // Nothing can be written on that disk, the view's audit entries included.
        return db.read(read);
    }
    db.write(|tx| {
        let rec = read(tx)?;
        audit::record(tx, s, "view", "volunteer", Some(&input.id), None)?;
        audit::record(
            tx,
            s,
            "view",
            "dbs_check",
            Some(&input.id),
            Some(&json!({"records": rec.dbs_checks.len()})),
        )?;
        Ok(rec)
    })
}

pub(super) fn save_volunteer(db: &Db, s: &Session, input: SaveVolunteer) -> Result<Created> {
    db.write(|tx| {
        let id = match &input.id {
            Some(id) => {
                volunteers::update(tx, id, &input.details)?;
                audit::record(tx, s, "update", "volunteer", Some(id), None)?;
                id.clone()
            }
            None => {
                let id = volunteers::create(tx, s, &input.details)?;
                audit::record(tx, s, "create", "volunteer", Some(&id), None)?;
                id
            }
        };
        Ok(Created { id })
    })
}

pub(super) fn set_volunteer_status(db: &Db, s: &Session, input: VolunteerStatusInput) -> Result<Created> {
    db.write(|tx| {
        let before = volunteers::set_status(tx, &input.id, input.status)?;
        let detail = json!({"from": before.as_str(), "to": input.status.as_str()});
        audit::record(tx, s, "update", "volunteer", Some(&input.id), Some(&detail))?;
        Ok(Created { id: input.id.clone() })
    })
}

pub(super) fn add_dbs_check(db: &Db, s: &Session, input: NewDbsCheck) -> Result<Created> {
    db.write(|tx| {
        let id = dbs::create(tx, s, &input, today())?;
        let detail = json!({"volunteer": input.volunteer, "level": input.level.as_str()});
        audit::record(tx, s, "create", "dbs_check", Some(&id), Some(&detail))?;
        Ok(Created { id })
    })
}

pub(super) fn record_dbs_status_check(db: &Db, s: &Session, input: StatusCheckInput) -> Result<Created> {
    db.write(|tx| {
        let today = today();
        let volunteer = dbs::record_status_check(tx, &input.id, input.checked_on.unwrap_or(today), today)?;
        audit::record(tx, s, "update", "dbs_check", Some(&input.id), Some(&json!({"volunteer": volunteer})))?;
        Ok(Created { id: input.id.clone() })
    })
}

pub(super) fn dbs_due(db: &Db, _: &Session, _: super::inputs::NoInput) -> Result<Vec<DbsDue>> {
    db.read(|c| volunteers::dbs_due(c, today()))
}

pub(super) fn get_dbs_policy(db: &Db, _: &Session, _: super::inputs::NoInput) -> Result<DbsPolicy> {
    db.read(dbs::policy)
}

pub(super) fn update_dbs_policy(db: &Db, s: &Session, input: DbsPolicy) -> Result<DbsPolicy> {
    db.write(|tx| {
        let saved = dbs::update_policy(tx, &input)?;
        let detail = json!({
            "recheck_months": saved.recheck_months,
            "update_service_months": saved.update_service_months,
            "expiring_soon_days": saved.expiring_soon_days,
        });
        audit::record(tx, s, "update", "dbs_policy", None, Some(&detail))?;
        Ok(saved)
    })
}

pub(super) fn rota_week(db: &Db, _: &Session, input: WeekInput) -> Result<RotaWeek> {
    let week = input.week()?;
    db.read(|c| rota::week(c, &input.site, week))
}

pub(super) fn create_shift(db: &Db, s: &Session, input: NewShift) -> Result<Created> {
    db.write(|tx| {
        let id = rota::create_shift(tx, &input)?;
        audit::record(tx, s, "create", "shift", Some(&id), None)?;
        Ok(Created { id })
    })
}

pub(super) fn delete_shift(db: &Db, s: &Session, input: IdInput) -> Result<Created> {
    db.write(|tx| {
        rota::delete_shift(tx, &input.id)?;
        audit::record(tx, s, "delete", "shift", Some(&input.id), None)?;
        Ok(Created { id: input.id.clone() })
    })
}

pub(super) fn assign_volunteer(db: &Db, s: &Session, input: AssignInput) -> Result<Created> {
    db.write(|tx| {
        rota::assign(tx, s, &input.shift, &input.volunteer)?;
        audit::record(
            tx,
            s,
            "assign",
            "shift",
            Some(&input.shift),
            Some(&json!({"volunteer": input.volunteer})),
        )?;
        Ok(Created { id: input.shift.clone() })
    })
}

pub(super) fn unassign_volunteer(db: &Db, s: &Session, input: AssignInput) -> Result<Created> {
    db.write(|tx| {
        rota::unassign(tx, &input.shift, &input.volunteer)?;
        audit::record(
            tx,
            s,
            "unassign",
            "shift",
            Some(&input.shift),
            Some(&json!({"volunteer": input.volunteer})),
        )?;
        Ok(Created { id: input.shift.clone() })
    })
}

/// The rota contact: the policy's, else the first lead's name.
fn roster_contact(conn: &rusqlite::Connection) -> Result<String> {
    let contact = dbs::policy(conn)?.roster_contact;
    if !contact.trim().is_empty() {
        return Ok(contact);
    }
    Ok(crate::access::users::first_lead(conn)
        .map(|u| format!("{} (lead)", u.display_name))
        .unwrap_or_default())
}

pub(super) fn print_roster(db: &Db, s: &Session, input: PrintWeek) -> Result<PrintedSheet> {
    print_sheet(db, s, &input.path, |c| {
        let week = input.week()?;
        let rota = rota::week(c, &input.site, week)?;
        let centre = crate::settings::centre(c)?.centre_name;
        let contact = roster_contact(c)?;
        let sheet = roster(&rota, &centre, &contact, Local::now().naive_local());
        let rows = rota.shifts.len();
        let detail = json!({"week": rota.week, "site": rota.site, "shifts": rows});
        Ok(Printable {
            sheet,
            rows,
            action: "print",
            entity: "roster",
            entity_id: None,
            detail: Some(detail),
        })
    })
}

impl PrintWeek {
    pub(super) fn week(&self) -> Result<Week> {
        WeekInput { week: self.week.clone(), site: self.site.clone() }.week()
    }
}
