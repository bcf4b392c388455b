//! API functions of volunteers and their DBS checks (the rota's are in `api/rota.rs`).
//!
//! Who sees what: volunteer records (with their restricted notes) and DBS records are for leads
//! and coordinators only; the permission table refuses the front desk before any of these run,
//! and every view of a DBS record is audited.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::{today, Created};
use crate::access::{audit, Session};
use crate::volunteers::checks::{self, Check, NewCheck};
use crate::volunteers::dbs::{self, DbsCheck, DbsPolicy, NewDbsCheck};
use crate::volunteers::issuers::{Validity, ISSUERS};
use crate::volunteers::{
    self, DbsDue, SaveVolunteer, Volunteer, VolunteerLine, VolunteerQuery, VolunteerStatus,
};
use crate::{Db, Result};

use super::cases::IdInput;

/// A volunteer's page: the record and their DBS checks (leads and coordinators).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VolunteerRecord {
    /// The record, notes included.
    pub volunteer: Volunteer,
    /// DBS (England and Wales) checks, newest first.
    pub dbs_checks: Vec<DbsCheck>,
    /// Every check of every issuer (DBS, Disclosure Scotland, PVG, AccessNI, ICPC, another
    /// country), newest first, with its next recheck or renewal date.
    pub checks: Vec<Check>,
    /// A PVG member who left: Disclosure Scotland must be told, until marked done.
    pub leaver_notice: bool,
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

pub(super) fn list_volunteers(db: &Db, _: &Session, q: VolunteerQuery) -> Result<Vec<VolunteerLine>> {
    db.read(|c| volunteers::list(c, &q, today()))
}

pub(super) fn get_volunteer(db: &Db, s: &Session, input: IdInput) -> Result<VolunteerRecord> {
    let read = |c: &rusqlite::Connection| {
        let volunteer = volunteers::get(c, &input.id)?;
        let dbs_checks = dbs::for_volunteer(c, &input.id)?;
        let all = checks::for_volunteer(c, &input.id)?;
        let policy = dbs::policy(c)?;
        let facts: Vec<dbs::CheckFacts> = all.iter().map(checks::facts).collect();
        let today = today();
        Ok(VolunteerRecord {
            volunteer,
            dbs_status: dbs::status(&facts, dbs::Requirement::None, today, &policy),
            dbs_child_facing: dbs::status(&facts, dbs::Requirement::EnhancedBarred, today, &policy),
            dbs_checks,
            leaver_notice: checks::leaver_notice_due(c, &input.id)?,
            checks: all,
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
            Some(&json!({"records": rec.checks.len()})),
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

/// Input to record a coordinator's risk assessment of a check.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskAssessmentInput {
    /// The check's id.
    pub id: String,
    /// The risk assessment: what was considered and decided (restricted).
    pub note: String,
}

/// One issuer of checks, for the form (the issuer table in the core).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssuerInfo {
    /// Code.
    pub code: crate::volunteers::issuers::IssuerCode,
    /// Name in the centre's words.
    pub name: String,
    /// Levels: code and words, lowest first.
    pub levels: Vec<IssuerLevel>,
    /// What the number is called.
    pub number_label: String,
    /// Digits the number has, when it is a number of fixed length.
    pub digits: Option<usize>,
    /// The DBS Update Service applies.
    pub update_service: bool,
    /// A membership with a renewal date (PVG).
    pub membership: bool,
    /// Country, document, translation and authenticity are asked.
    pub foreign: bool,
    /// The centre tells the issuer when the volunteer leaves.
    pub leaver_notice: bool,
}

/// A level of an issuer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssuerLevel {
    /// Code.
    pub code: String,
    /// In words.
    pub label: String,
    /// Barred lists are checked at this level.
    pub barred_lists: bool,
}

pub(super) fn check_issuers(_: &Db, _: &Session, _: super::inputs::NoInput) -> Result<Vec<IssuerInfo>> {
    Ok(ISSUERS
        .iter()
        .map(|i| IssuerInfo {
            code: i.code,
            name: i.name.to_string(),
            levels: i
                .levels
                .iter()
                .map(|l| IssuerLevel {
                    code: l.code.into(),
                    label: l.label.into(),
                    barred_lists: l.barred_lists,
                })
                .collect(),
            number_label: i.number_label.to_string(),
            digits: match i.number {
                crate::volunteers::issuers::NumberFormat::Digits(n) => Some(n),
                crate::volunteers::issuers::NumberFormat::Reference { .. } => None,
            },
            update_service: i.update_service,
            membership: i.validity == Validity::Membership,
            foreign: i.foreign,
            leaver_notice: i.leaver_notice,
        })
        .collect())
}

pub(super) fn add_check(db: &Db, s: &Session, input: NewCheck) -> Result<Created> {
    db.write(|tx| {
        let id = checks::create(tx, s, &input, today())?;
        let detail = json!({"volunteer": input.volunteer, "issuer": input.issuer.as_str()});
        audit::record(tx, s, "create", "dbs_check", Some(&id), Some(&detail))?;
        Ok(Created { id })
    })
}

pub(super) fn record_risk_assessment(db: &Db, s: &Session, input: RiskAssessmentInput) -> Result<Created> {
    db.write(|tx| {
        let volunteer = checks::record_risk_assessment(tx, s, &input.id, &input.note, today())?;
        let detail = json!({"volunteer": volunteer, "risk_assessment": true});
        audit::record(tx, s, "update", "dbs_check", Some(&input.id), Some(&detail))?;
        Ok(Created { id: input.id.clone() })
    })
}

pub(super) fn mark_pvg_leaver_notified(db: &Db, s: &Session, input: IdInput) -> Result<Created> {
    db.write(|tx| {
        checks::mark_leaver_notified(tx, s, &input.id, today())?;
        let detail = json!({"pvg_leaver_notified": true});
        audit::record(tx, s, "update", "volunteer", Some(&input.id), Some(&detail))?;
        Ok(Created { id: input.id.clone() })
    })
}

/// Input to record that a volunteer's references were received.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferencesInput {
    /// The volunteer's id.
    pub id: String,
    /// When they were received (default today).
    #[serde(default)]
    pub received_on: Option<chrono::NaiveDate>,
}

pub(super) fn record_references(db: &Db, s: &Session, input: ReferencesInput) -> Result<Created> {
    db.write(|tx| {
        let today = today();
        let on = input.received_on.unwrap_or(today);
        if on > today {
            return Err(crate::Error::at(
                "received_on",
                crate::Code::VolunteerReferencesInFuture,
                serde_json::json!({}),
            ));
        }
        volunteers::record_references(tx, &input.id, on)?;
        audit::record(tx, s, "update", "volunteer", Some(&input.id), Some(&json!({"references_on": on})))?;
        Ok(Created { id: input.id.clone() })
    })
}

pub(super) fn import_volunteers(
    db: &Db,
    s: &Session,
    input: crate::volunteers::import::ApplicationImport,
) -> Result<crate::volunteers::import::ApplicationReport> {
    db.write(|tx| {
        let report = crate::volunteers::import::import(tx, s, &input)?;
        if report.imported > 0 {
            let detail = json!({"imported": report.imported, "skipped": report.skipped});
            audit::record(tx, s, "import", "volunteer", None, Some(&detail))?;
        }
        Ok(report)
    })
}

/// Input to print the volunteer information sheet.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintVolunteerInfo {
    /// The site (code or id) whose address is filled in.
    pub site: String,
    /// English or French; the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::volunteers::info::Language>,
    /// Where to write the PDF.
    pub path: String,
}

pub(super) fn get_volunteer_info(
    db: &Db,
    _: &Session,
    _: super::inputs::NoInput,
) -> Result<crate::volunteers::info::VolunteerInfo> {
    db.read(crate::volunteers::info::get)
}

pub(super) fn update_volunteer_info(
    db: &Db,
    s: &Session,
    input: crate::volunteers::info::VolunteerInfo,
) -> Result<crate::volunteers::info::VolunteerInfo> {
    db.write(|tx| {
        let saved = crate::volunteers::info::update(tx, &input)?;
        audit::record(tx, s, "update", "volunteer_info", None, None)?;
        Ok(saved)
    })
}

pub(super) fn print_volunteer_info(
    db: &Db,
    s: &Session,
    input: PrintVolunteerInfo,
) -> Result<super::printing::PrintedSheet> {
    use crate::volunteers::info;
    super::printing::print_sheet(db, s, &input.path, |c| {
        let site = crate::sites::resolve(c, input.site.trim()).map_err(|e| {
            e.when_absent(crate::Error::at("site", crate::Code::SiteMissing, serde_json::json!({})))
        })?;
        let texts = info::get(c)?;
        let address = texts
            .addresses
            .iter()
            .find(|a| a.site == site.code)
            .map(|a| a.address.clone())
            .unwrap_or_default();
        let contact = super::rota::roster_contact(c)?;
        let language = crate::settings::print_language(c, input.language)?;
        let text = info::filled(&texts, language, &site.name, &address, &contact);
        let centre = crate::settings::centre(c)?.centre_name;
        let sheet = crate::volunteers::sheet::info_sheet(
            language,
            &text,
            &centre,
            &site.name,
            &address,
            &contact,
            chrono::Local::now().naive_local(),
        );
        let rows = sheet.rows.len();
        Ok(super::printing::Printable {
            sheet,
            rows,
            action: "print",
            entity: "volunteer_info",
            entity_id: None,
            detail: Some(json!({"site": site.code, "language": language})),
        })
    })
}
