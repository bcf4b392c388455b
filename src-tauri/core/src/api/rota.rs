//! API functions of the rota: a site's week, shifts, who is on them, and the printed roster.
//!
//! The front desk reaches the rota week only, which shows each volunteer's name with a DBS mark
//! (valid until a date / expiring soon / not valid) and never a certificate number, level
//! detail, Update Service id or notes. The printed roster shows the same marks and is for
//! coordinators and leads.

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cases::IdInput;
use super::inputs::{Created, PrintWeek, WeekInput};
use super::printing::{print_sheet, Printable, PrintedSheet};
use crate::access::{audit, Session};
use crate::rota::sheet::roster;
use crate::rota::{self, NewShift, RotaWeek};
use crate::volunteers::dbs;
use crate::{Db, Result};

/// Input to put a volunteer on a shift or take them off.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignInput {
    /// The shift's id.
    pub shift: String,
    /// The volunteer's id.
    pub volunteer: String,
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
        audit_assignment(tx, s, "assign", &input)?;
        Ok(Created { id: input.shift.clone() })
    })
}

pub(super) fn unassign_volunteer(db: &Db, s: &Session, input: AssignInput) -> Result<Created> {
    db.write(|tx| {
        rota::unassign(tx, &input.shift, &input.volunteer)?;
        audit_assignment(tx, s, "unassign", &input)?;
        Ok(Created { id: input.shift.clone() })
    })
}

/// The audit entry of a volunteer put on a shift or taken off it.
fn audit_assignment(
    conn: &rusqlite::Connection,
    s: &Session,
    action: &str,
    input: &AssignInput,
) -> Result<()> {
    audit::record(conn, s, action, "shift", Some(&input.shift), Some(&json!({"volunteer": input.volunteer})))
}

/// The rota contact: the policy's, else the first lead's name.
pub(super) fn roster_contact(conn: &rusqlite::Connection) -> Result<String> {
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
        let lang = crate::settings::print_language(c, input.language)?;
        let sheet = roster(&rota, &centre, &contact, Local::now().naive_local(), lang);
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
