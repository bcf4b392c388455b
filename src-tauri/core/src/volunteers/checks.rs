//! Checks of every issuer (DBS, Disclosure Scotland, PVG, AccessNI, ICPC, another country):
//! recording one, the coordinator's risk assessment, and the notice Disclosure Scotland must get
//! when a PVG member leaves. Criminal-offence data: leads and coordinators only (the API checks
//! the role and audits every view); the risk assessment is a restricted note.
//!
//! What each issuer accepts (levels, number format, the fields of another country's
//! certificate) is read from the issuer table ([`super::issuers`]), never decided here.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::dbs::{self, CheckFacts, DbsPolicy, Workforce};
use super::issuers::{issuer, IssuerCode};
use crate::access::Session;
use crate::fields::{check_len, line, text_enum};
use serde_json::json;

use crate::{new_id, Code, Error, Problems, Result};

/// What the check found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckResult {
    /// Nothing disclosed.
    #[default]
    Clear,
    /// Information disclosed: the check counts once a coordinator records a risk assessment.
    Disclosed,
}
text_enum!(CheckResult, Clear => "clear", Disclosed => "disclosed");

/// A check of any issuer to record.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCheck {
    /// The volunteer's id.
    pub volunteer: String,
    /// Who issued it.
    pub issuer: IssuerCode,
    /// The issuer's level code (default: the issuer's only level, for PVG, ICPC and another
    /// country).
    #[serde(default)]
    pub level: Option<String>,
    /// Workforce (needed for UK levels with barred lists and PVG; default both).
    #[serde(default)]
    pub workforce: Option<Workforce>,
    /// Children's barred (or list) check done.
    #[serde(default)]
    pub barred_children: bool,
    /// Adults' barred (or list) check done.
    #[serde(default)]
    pub barred_adults: bool,
    /// Certificate number, PVG scheme number or reference, in the issuer's format.
    pub certificate_number: String,
    /// Issue date (PVG: the date of the scheme record or membership statement).
    pub issued_on: NaiveDate,
    /// DBS Update Service subscription id.
    #[serde(default)]
    pub update_service_id: Option<String>,
    /// Last Update Service status check.
    #[serde(default)]
    pub update_checked_on: Option<NaiveDate>,
    /// PVG: the renewal date Disclosure Scotland gave, if known.
    #[serde(default)]
    pub renewal_on: Option<NaiveDate>,
    /// Another country: the country.
    #[serde(default)]
    pub country: String,
    /// Another country: the document's name ("extrait de casier judiciaire, bulletin n° 3").
    #[serde(default)]
    pub document: String,
    /// Another country: a translation was seen.
    #[serde(default)]
    pub translated: bool,
    /// Another country: how its authenticity was checked.
    #[serde(default)]
    pub authenticity: String,
    /// Another country: it covers work with children (an ICPC always does).
    #[serde(default)]
    pub covers_children: bool,
    /// The name as printed on it.
    #[serde(default)]
    pub printed_name: String,
    /// The date of birth as printed on it.
    #[serde(default)]
    pub printed_birth_date: Option<NaiveDate>,
    /// Who saw the original (default: the user recording it).
    #[serde(default)]
    pub seen_by: String,
    /// When the original was seen (default today).
    #[serde(default)]
    pub verified_on: Option<NaiveDate>,
    /// Clear, or information disclosed.
    #[serde(default)]
    pub result: CheckResult,
    /// The coordinator's risk assessment (restricted), when already made.
    #[serde(default)]
    pub risk_assessment: String,
}

/// A check of any issuer as stored (leads and coordinators).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Check {
    /// Id.
    pub id: String,
    /// The volunteer's id.
    pub volunteer_id: String,
    /// Issuer.
    pub issuer: IssuerCode,
    /// The issuer's name in the centre's words.
    pub issuer_name: String,
    /// Level code.
    pub level: String,
    /// Level in words.
    pub level_label: String,
    /// Workforce.
    pub workforce: Workforce,
    /// Children's list checked.
    pub barred_children: bool,
    /// Adults' list checked.
    pub barred_adults: bool,
    /// Number or reference.
    pub certificate_number: String,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Update Service id ("" if not subscribed).
    pub update_service_id: String,
    /// Last Update Service check.
    pub update_checked_on: Option<NaiveDate>,
    /// PVG: the renewal date (given by Disclosure Scotland, or by the 1 April 2026 rules).
    pub renewal_on: Option<NaiveDate>,
    /// Another country: the country.
    pub country: String,
    /// Another country: the document.
    pub document: String,
    /// Another country: translated.
    pub translated: bool,
    /// Another country: how authenticity was checked.
    pub authenticity: String,
    /// Covers work with children (another country, ICPC).
    pub covers_children: bool,
    /// Name as printed.
    pub printed_name: String,
    /// Date of birth as printed.
    pub printed_birth_date: Option<NaiveDate>,
    /// Who saw the original.
    pub seen_by: String,
    /// When it was seen.
    pub verified_on: NaiveDate,
    /// Clear or disclosed.
    pub result: CheckResult,
    /// The coordinator's risk assessment (restricted).
    pub risk_assessment: String,
    /// Who recorded the risk assessment.
    pub risk_assessed_by: Option<String>,
    /// When.
    pub risk_assessed_on: Option<NaiveDate>,
    /// PVG: when Disclosure Scotland was told the volunteer left.
    pub leaver_notified_on: Option<NaiveDate>,
    /// The first day it must be rechecked or renewed (under the policy in force).
    pub next_recheck: NaiveDate,
}

fn one_line(field: &str, what: &str, value: &str, max: usize) -> Result<String> {
    Ok(line(field, what, value, max)?.to_string())
}

/// Records a check of any issuer, seen by `session` today (or on `verified_on`).
pub fn create(conn: &Connection, session: &Session, input: &NewCheck, today: NaiveDate) -> Result<String> {
    let iss = issuer(input.issuer);
    let mut p = Problems::new();
    let level = match input.level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(code) => p.check(iss.level(code))?,
        None if iss.levels.len() == 1 => Some(&iss.levels[0]),
        None => {
            p.add("level", Code::CheckLevelMissing, json!({"issuer": iss.name}));
            None
        }
    };
    let number = p.check(iss.check_number(&input.certificate_number))?;
    if input.issued_on > today {
        p.add("issued_on", Code::CheckIssuedOnInFuture, json!({}));
    }
    let verified_on = input.verified_on.unwrap_or(today);
    if verified_on > today || verified_on < input.issued_on {
        p.add("verified_on", Code::CheckVerifiedOnOutside, json!({}));
    }
    // Barred lists and the workforce mean something only where the issuer checks lists.
    let barred_lists = level.is_some_and(|l| l.barred_lists);
    let workforce = match input.workforce {
        Some(w) => w,
        None if barred_lists => {
            p.add("workforce", Code::CheckWorkforceMissing, json!({}));
            Workforce::Both
        }
        None => Workforce::Both,
    };
    if let Some(level) = level {
        for (field, ticked) in
            [("barred_children", input.barred_children), ("barred_adults", input.barred_adults)]
        {
            if ticked && !(level.barred_lists && iss.code != super::issuers::IssuerCode::Pvg) {
                p.add(field, Code::CheckBarredNotChecked, json!({"level": level.label}));
            }
        }
    }
    let us_id = input.update_service_id.as_deref().map(str::trim).unwrap_or_default();
    if (!us_id.is_empty() || input.update_checked_on.is_some()) && !iss.update_service {
        p.add("update_service_id", Code::CheckUpdateServiceNotDbs, json!({"issuer": iss.name}));
    } else if let Some(checked) = input.update_checked_on {
        if us_id.is_empty() {
            p.add("update_service_id", Code::CheckUpdateServiceIdMissing, json!({}));
        }
        if checked > today || checked < input.issued_on {
            p.add("update_checked_on", Code::CheckUpdateCheckedOnOutside, json!({}));
        }
    }
    if !p.has("update_service_id") {
        p.check(check_len("update_service_id", "The Update Service id", us_id, 40))?;
    }
    if let Some(renewal) = input.renewal_on {
        if iss.code != IssuerCode::Pvg {
            p.add("renewal_on", Code::CheckRenewalNotPvg, json!({}));
        } else if renewal <= input.issued_on {
            p.add("renewal_on", Code::CheckRenewalBeforeIssue, json!({}));
        }
    }
    let country = p.check(one_line("country", "The country", &input.country, 80))?;
    let document = p.check(one_line("document", "The document's name", &input.document, 160))?;
    let authenticity = input.authenticity.trim().to_string();
    p.check(check_len("authenticity", "How authenticity was checked", &authenticity, 1000))?;
    let country_empty = country.as_deref().is_none_or(str::is_empty);
    let document_empty = document.as_deref().is_none_or(str::is_empty);
    if iss.foreign {
        if country.as_deref() == Some("") {
            p.add("country", Code::CheckCountryMissing, json!({}));
        }
        if document.as_deref() == Some("") {
            p.add("document", Code::CheckDocumentMissing, json!({}));
        }
        if authenticity.is_empty() {
            p.add("authenticity", Code::CheckAuthenticityMissing, json!({}));
        }
    } else if !country_empty || !document_empty || input.translated {
        p.add("country", Code::CheckCountryNotForeign, json!({}));
    }
    // An ICPC exists for work with children; another country's certificate says whether it does.
    let covers_children = iss.code == IssuerCode::Icpc || (iss.foreign && input.covers_children);
    let printed_name = p.check(one_line("printed_name", "The name as printed", &input.printed_name, 160))?;
    if let Some(born) = input.printed_birth_date {
        if born >= input.issued_on {
            p.add("printed_birth_date", Code::CheckPrintedBirthDateAfterIssue, json!({}));
        }
    }
    let seen_by = p.check(one_line("seen_by", "Who saw the original", &input.seen_by, 120))?;
    let risk = input.risk_assessment.trim();
    p.check(check_len("risk_assessment", "The risk assessment", risk, 4000))?;
    let site: Option<String> = conn
        .query_row("SELECT site_id FROM volunteers WHERE id = ?1", [&input.volunteer], |r| r.get(0))
        .optional()?;
    let checked = match (level, number, country, document, printed_name, seen_by) {
        (Some(l), Some(n), Some(c), Some(d), Some(pn), Some(sb)) => Some((l, n, c, d, pn, sb)),
        _ => None,
    };
    let (level, number, country, document, printed_name, seen_by) = p.finish_with(checked)?;
    let site = site.ok_or_else(|| Error::new(Code::VolunteerNotFound, json!({})))?;
    let id = new_id();
    let assessed = !risk.is_empty();
    conn.execute(
        "INSERT INTO dbs_checks (id, site_id, volunteer_id, issuer, level, workforce, barred_children, barred_adults,
            certificate_number, issued_on, update_service_id, update_checked_on, renewal_on, country, document,
            translated, authenticity, covers_children, printed_name, printed_birth_date, seen_by, result,
            risk_assessment, risk_assessed_by, risk_assessed_on, verified_by, verified_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25, ?26, ?27)",
        params![
            id,
            site,
            input.volunteer,
            iss.code,
            level.code,
            workforce,
            input.barred_children,
            input.barred_adults,
            number,
            input.issued_on,
            us_id,
            input.update_checked_on,
            input.renewal_on,
            country,
            document,
            iss.foreign && input.translated,
            authenticity,
            covers_children,
            printed_name,
            input.printed_birth_date,
            seen_by,
            input.result,
            risk,
            assessed.then_some(session.user_id.as_str()),
            assessed.then_some(today),
            session.user_id,
            verified_on
        ],
    )?;
    Ok(id)
}

/// Records (or replaces) the coordinator's risk assessment of a check. Returns the volunteer.
pub fn record_risk_assessment(
    conn: &Connection,
    session: &Session,
    id: &str,
    note: &str,
    today: NaiveDate,
) -> Result<String> {
    let note = note.trim();
    if note.is_empty() {
        return Err(Error::at("note", crate::Code::CheckRiskAssessmentMissing, serde_json::json!({})));
    }
    check_len("note", "The risk assessment", note, 4000)?;
    let volunteer: String = conn
        .query_row("SELECT volunteer_id FROM dbs_checks WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::CheckNotFound, serde_json::json!({})))?;
    conn.execute(
        "UPDATE dbs_checks SET risk_assessment = ?2, risk_assessed_by = ?3, risk_assessed_on = ?4,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![id, note, session.user_id, today],
    )?;
    Ok(volunteer)
}

/// Whether the centre still has to tell Disclosure Scotland that this volunteer, a PVG member,
/// left (stopped doing regulated work for the centre).
pub fn leaver_notice_due(conn: &Connection, volunteer: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM dbs_checks c JOIN volunteers v ON v.id = c.volunteer_id
                        WHERE c.volunteer_id = ?1 AND v.status = 'left' AND c.issuer = 'pvg'
                          AND c.leaver_notified_on IS NULL)",
        [volunteer],
        |r| r.get(0),
    )?)
}

/// Marks Disclosure Scotland as told that a PVG volunteer who left no longer does regulated
/// work for the centre. Refused when there is nothing to tell.
pub fn mark_leaver_notified(
    conn: &Connection,
    session: &Session,
    volunteer: &str,
    on: NaiveDate,
) -> Result<()> {
    if !leaver_notice_due(conn, volunteer)? {
        return Err(Error::at("volunteer", crate::Code::CheckLeaverNoticeNone, serde_json::json!({})));
    }
    conn.execute(
        "UPDATE dbs_checks SET leaver_notified_on = ?2, leaver_notified_by = ?3,
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE volunteer_id = ?1 AND issuer = 'pvg' AND leaver_notified_on IS NULL",
        params![volunteer, on, session.user_id],
    )?;
    Ok(())
}

const COLUMNS: &str = "c.id, c.volunteer_id, c.issuer, c.level, c.workforce, c.barred_children, c.barred_adults,
    c.certificate_number, c.issued_on, c.update_service_id, c.update_checked_on, c.renewal_on, c.country,
    c.document, c.translated, c.authenticity, c.covers_children, c.printed_name, c.printed_birth_date,
    coalesce(nullif(c.seen_by, ''), u.display_name, '') AS seen_by, c.verified_on, c.result, c.risk_assessment,
    r.display_name AS risk_assessed_by, c.risk_assessed_on, c.leaver_notified_on";

fn from_row(r: &Row<'_>, policy: &DbsPolicy) -> rusqlite::Result<Check> {
    let code: IssuerCode = r.get("issuer")?;
    let iss = issuer(code);
    let level: String = r.get("level")?;
    let mut c = Check {
        id: r.get("id")?,
        volunteer_id: r.get("volunteer_id")?,
        issuer: code,
        issuer_name: iss.name.to_string(),
        level_label: iss.levels.iter().find(|l| l.code == level).map_or(level.clone(), |l| l.label.into()),
        level,
        workforce: r.get("workforce")?,
        barred_children: r.get("barred_children")?,
        barred_adults: r.get("barred_adults")?,
        certificate_number: r.get("certificate_number")?,
        issued_on: r.get("issued_on")?,
        update_service_id: r.get("update_service_id")?,
        update_checked_on: r.get("update_checked_on")?,
        renewal_on: r.get("renewal_on")?,
        country: r.get("country")?,
        document: r.get("document")?,
        translated: r.get("translated")?,
        authenticity: r.get("authenticity")?,
        covers_children: r.get("covers_children")?,
        printed_name: r.get("printed_name")?,
        printed_birth_date: r.get("printed_birth_date")?,
        seen_by: r.get("seen_by")?,
        verified_on: r.get("verified_on")?,
        result: r.get("result")?,
        risk_assessment: r.get("risk_assessment")?,
        risk_assessed_by: r.get("risk_assessed_by")?,
        risk_assessed_on: r.get("risk_assessed_on")?,
        leaver_notified_on: r.get("leaver_notified_on")?,
        next_recheck: NaiveDate::MIN,
    };
    let facts = facts(&c);
    let last = facts.valid_until(policy);
    c.next_recheck = last.succ_opt().unwrap_or(last);
    if code == IssuerCode::Pvg {
        c.renewal_on = Some(c.next_recheck);
    }
    Ok(c)
}

/// The status facts of a stored check.
pub fn facts(c: &Check) -> CheckFacts {
    let iss = issuer(c.issuer);
    CheckFacts {
        issuer: c.issuer,
        level: iss.counts_as(&c.level),
        workforce: c.workforce,
        barred_children: c.barred_children,
        issued_on: c.issued_on,
        update_checked_on: if c.update_service_id.is_empty() { None } else { c.update_checked_on },
        // The renewal date Disclosure Scotland gave, or the one computed from the rules (the
        // same date: the rules give it when none was given).
        renewal_on: c.renewal_on,
        covers_children: c.covers_children,
        disclosed: c.result == CheckResult::Disclosed,
        risk_assessed: !c.risk_assessment.trim().is_empty(),
    }
}

/// Every check of a volunteer, of every issuer, newest first. Callers check the role and audit
/// the view.
pub fn for_volunteer(conn: &Connection, volunteer: &str) -> Result<Vec<Check>> {
    let policy = dbs::policy(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM dbs_checks c LEFT JOIN users u ON u.id = c.verified_by
         LEFT JOIN users r ON r.id = c.risk_assessed_by
         WHERE c.volunteer_id = ?1 ORDER BY c.issued_on DESC, c.id DESC"
    ))?;
    let rows = stmt.query_map([volunteer], |r| from_row(r, &policy))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
