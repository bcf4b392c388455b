//! API functions of the activity timetable: sessions, the week's instances, sign-ups,
//! attendance and the sign-up / attendance sheet. The front desk signs people up and records
//! attendance; coordinators set the timetable up.

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::{today, Created, PrintWeek, WeekInput};
use super::printing::{print_sheet, Printable, PrintedSheet};
use crate::access::{audit, Session};
use crate::activities::sheet::activity_sheet;
use crate::activities::{
    self, ActivitySession, Instance, InstanceRef, SessionException, SessionInput, SignUp, SignUpInput,
};
use crate::rota;
use crate::{Db, Error, Result, Warning};

/// A site's week on the timetable.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Timetable {
    /// `2026-W48`.
    pub week: String,
    /// "Week 48 · 23 Nov – 29 Nov 2026".
    pub heading: String,
    /// The 7 days.
    pub days: Vec<chrono::NaiveDate>,
    /// The sessions held (or cancelled) that week.
    pub instances: Vec<Instance>,
}

pub(super) fn timetable(db: &Db, _: &Session, input: WeekInput) -> Result<Timetable> {
    let week = input.week()?;
    db.read(|c| {
        Ok(Timetable {
            week: week.label(),
            heading: week.heading(),
            days: week.days(),
            instances: activities::timetable(c, &input.site, week)?,
        })
    })
}

pub(super) fn list_sessions(
    db: &Db,
    _: &Session,
    input: super::cases::SiteFilter,
) -> Result<Vec<ActivitySession>> {
    db.read(|c| activities::sessions(c, input.site.as_deref()))
}

pub(super) fn save_session(db: &Db, s: &Session, input: SessionInput) -> Result<Created> {
    db.write(|tx| {
        let id = rota::save_session(tx, &input, today())?;
        let action = if input.id.is_some() { "update" } else { "create" };
        audit::record(tx, s, action, "activity_session", Some(&id), None)?;
        Ok(Created { id })
    })
}

pub(super) fn set_session_exception(db: &Db, s: &Session, input: SessionException) -> Result<Created> {
    db.write(|tx| {
        rota::set_exception(tx, &input)?;
        let detail = json!({"on_date": input.on_date, "kind": input.kind.map(|k| k.as_str())});
        audit::record(tx, s, "update", "activity_session", Some(&input.session), Some(&detail))?;
        Ok(Created { id: input.session.clone() })
    })
}

pub(super) fn session_sign_ups(db: &Db, _: &Session, input: InstanceRef) -> Result<Vec<SignUp>> {
    db.read(|c| activities::sign_ups(c, &input.session, input.on_date, today()))
}

/// What a sign-up did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SignedUp {
    /// The person's id.
    pub id: String,
    /// What the desk should know, signed up all the same (an adult at children's play).
    pub warnings: Vec<Warning>,
}

pub(super) fn sign_up(db: &Db, s: &Session, input: SignUpInput) -> Result<SignedUp> {
    db.write(|tx| {
        let warnings = activities::sign_up(tx, s, &input)?;
        let detail = json!({"session": input.session, "on_date": input.on_date});
        audit::record(tx, s, "sign_up", "person", Some(&input.person), Some(&detail))?;
        Ok(SignedUp { id: input.person.clone(), warnings })
    })
}

pub(super) fn cancel_sign_up(db: &Db, s: &Session, input: SignUpInput) -> Result<Created> {
    db.write(|tx| {
        activities::cancel_sign_up(tx, &input)?;
        let detail = json!({"session": input.session, "on_date": input.on_date});
        audit::record(tx, s, "cancel_sign_up", "person", Some(&input.person), Some(&detail))?;
        Ok(Created { id: input.person.clone() })
    })
}

pub(super) fn record_attendance(db: &Db, s: &Session, input: SignUpInput) -> Result<Created> {
    db.write(|tx| {
        activities::record_attendance(tx, &input)?;
        let detail = json!({"session": input.session, "on_date": input.on_date, "attended": input.attended});
        audit::record(tx, s, "attendance", "person", Some(&input.person), Some(&detail))?;
        Ok(Created { id: input.person.clone() })
    })
}

pub(super) fn print_activity_sheet(db: &Db, s: &Session, input: PrintWeek) -> Result<PrintedSheet> {
    print_sheet(db, s, &input.path, |c| {
        let week = input.week()?;
        let site = crate::sites::resolve(c, input.site.trim())
            .map_err(|e| e.when_absent(Error::at("site", crate::Code::SiteMissing, serde_json::json!({}))))?;
        let only = input.session.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let today = today();
        let mut sessions = Vec::new();
        for i in activities::timetable(c, &site.code, week)? {
            if only.is_some_and(|o| o != i.session_id) {
                continue;
            }
            let people = activities::sign_ups(c, &i.session_id, i.on_date, today)?;
            sessions.push((i, people));
        }
        let centre = crate::settings::centre(c)?.centre_name;
        let lang = crate::settings::print_language(c, input.language)?;
        let sheet =
            activity_sheet(week.monday, &sessions, &centre, &site.name, Local::now().naive_local(), lang);
        let rows: usize = sessions.iter().map(|(_, p)| p.len()).sum();
        let detail =
            json!({"week": week.label(), "site": site.code, "sessions": sessions.len(), "people": rows});
        Ok(Printable {
            sheet,
            rows,
            action: "print",
            entity: "activity_sheet",
            entity_id: None,
            detail: Some(detail),
        })
    })
}
