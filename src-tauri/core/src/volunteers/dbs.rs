//! DBS checks, the centre's DBS policy and the status computed from them.
//!
//! A DBS record is criminal-offence data: only leads and coordinators read it (the API checks
//! the role and audits every view). Only the facts the design allows are stored: level,
//! workforce, barred lists checked, the 12-digit certificate number, issue date, Update Service
//! subscription and last status check, who verified it and when. Never the certificate's content.
//!
//! Boundaries, decided once here:
//!
//! - **Recheck after N months from issue**: a certificate issued on day D is good up to and
//!   including the day before D + N months. Issued exactly 36 months before a shift: expired.
//! - **Update Service**: a certificate on the Update Service whose last status check was on day C
//!   is current up to and including C + M months. Checked 12 months and 1 day before: expired.
//!   A record counts as current until the later of the two dates.
//! - **Expiring soon**: current, and its last good day is less than the window (30 days) away.
//! - **Child-facing work** needs an enhanced check with the children's barred list checked, for
//!   the child (or both) workforce. An enhanced check without the barred list is
//!   "insufficient level", not valid.
//! - **Other issuers** (Disclosure Scotland, PVG, AccessNI, ICPC, another country) follow the
//!   issuer table ([`super::issuers`]): each check counts as a DBS level, stays current by its
//!   issuer's rule and policy, and is good for child-facing work by its issuer's rule. Of a
//!   volunteer's checks, the best one on the date decides.
//! - **Information disclosed**, and an ICPC or another country's certificate for child-facing
//!   work, count only once a coordinator has recorded a risk assessment.

use chrono::{Months, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use serde_json::json;

pub use super::issuers::DbsLevel;
use super::issuers::{issuer, ChildRule, IssuerCode, Validity};
pub use super::policy::{
    policy, update_policy, DbsPolicy, IssuerPolicy, EXPIRING_SOON_DAYS, RECHECK_MONTHS, ROSTER_CONTACT,
    UPDATE_SERVICE_MONTHS,
};
use crate::access::Session;
use crate::fields::text_enum;
use crate::{new_id, Code, Error, Problems, Result};

/// What a shift or session asks of a volunteer's DBS check.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Any current check.
    #[default]
    None,
    /// At least basic.
    Basic,
    /// At least standard.
    Standard,
    /// At least enhanced.
    Enhanced,
    /// Enhanced with the children's barred list checked (child-facing work).
    EnhancedBarred,
}
text_enum!(Requirement, None => "none", Basic => "basic", Standard => "standard", Enhanced => "enhanced",
    EnhancedBarred => "enhanced_barred");

impl Requirement {
    /// In plain words.
    pub fn label(self) -> &'static str {
        match self {
            Requirement::None => "any DBS check",
            Requirement::Basic => "a basic DBS check",
            Requirement::Standard => "a standard DBS check",
            Requirement::Enhanced => "an enhanced DBS check",
            Requirement::EnhancedBarred => {
                "an enhanced DBS check with the children's barred list (or the same from AccessNI, a \
                 Disclosure Scotland Level 2 with the children's list check, PVG membership for work \
                 with children, or an ICPC or another country's certificate with a coordinator's risk \
                 assessment)"
            }
        }
    }
}

/// The workforce a check was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Workforce {
    /// Child workforce.
    Child,
    /// Adult workforce.
    Adult,
    /// Both.
    Both,
}
text_enum!(Workforce, Child => "child", Adult => "adult", Both => "both");

/// A DBS check as stored (what leads and coordinators see).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DbsCheck {
    /// Record id.
    pub id: String,
    /// The volunteer.
    pub volunteer_id: String,
    /// Level.
    pub level: DbsLevel,
    /// Workforce.
    pub workforce: Workforce,
    /// Children's barred list checked.
    pub barred_children: bool,
    /// Adults' barred list checked.
    pub barred_adults: bool,
    /// The certificate number (12 digits).
    pub certificate_number: String,
    /// Issue date printed on the certificate.
    pub issued_on: NaiveDate,
    /// Update Service subscription id ("" if not subscribed).
    pub update_service_id: String,
    /// Date of the last online status check on the Update Service.
    pub update_checked_on: Option<NaiveDate>,
    /// Who verified the certificate (display name).
    pub verified_by: Option<String>,
    /// When it was verified.
    pub verified_on: NaiveDate,
}

/// A DBS check to record.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDbsCheck {
    /// The volunteer's id.
    pub volunteer: String,
    /// Level.
    pub level: DbsLevel,
    /// Workforce.
    pub workforce: Workforce,
    /// Children's barred list checked.
    #[serde(default)]
    pub barred_children: bool,
    /// Adults' barred list checked.
    #[serde(default)]
    pub barred_adults: bool,
    /// Certificate number: 12 digits (spaces allowed).
    pub certificate_number: String,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Update Service subscription id, if subscribed.
    #[serde(default)]
    pub update_service_id: Option<String>,
    /// Last Update Service status check, if any.
    #[serde(default)]
    pub update_checked_on: Option<NaiveDate>,
    /// When the certificate was seen (default today).
    #[serde(default)]
    pub verified_on: Option<NaiveDate>,
}

/// Checks a DBS certificate number: exactly 12 digits once spaces are taken out.
pub fn check_certificate_number(raw: &str) -> Result<String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 12 && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Error::at("certificate_number", Code::DbsNumberDigits, json!({})))
    }
}

/// Records a DBS check, verified by `session` today (or on `verified_on`).
pub fn create(conn: &Connection, session: &Session, input: &NewDbsCheck, today: NaiveDate) -> Result<String> {
    let mut p = Problems::new();
    let number = p.check(check_certificate_number(&input.certificate_number))?;
    if input.issued_on > today {
        p.add("issued_on", Code::CheckIssuedOnInFuture, json!({}));
    }
    let verified_on = input.verified_on.unwrap_or(today);
    if verified_on > today || verified_on < input.issued_on {
        p.add("verified_on", Code::CheckVerifiedOnOutside, json!({}));
    }
    let us_id = input.update_service_id.as_deref().map(str::trim).unwrap_or_default();
    p.check(crate::fields::check_len("update_service_id", "The Update Service id", us_id, 40))?;
    if let Some(checked) = input.update_checked_on {
        if us_id.is_empty() {
            p.add("update_service_id", Code::CheckUpdateServiceIdMissing, json!({}));
        }
        if checked > today || checked < input.issued_on {
            p.add("update_checked_on", Code::CheckUpdateCheckedOnOutside, json!({}));
        }
    }
    for (field, ticked) in
        [("barred_children", input.barred_children), ("barred_adults", input.barred_adults)]
    {
        if ticked && input.level < DbsLevel::EnhancedBarred {
            p.add(field, Code::DbsBarredNotEnhanced, json!({}));
        }
    }
    let site: Option<String> = conn
        .query_row("SELECT site_id FROM volunteers WHERE id = ?1", [&input.volunteer], |r| r.get(0))
        .optional()?;
    let number = p.finish_with(number)?;
    let site = site.ok_or_else(|| Error::new(Code::VolunteerNotFound, json!({})))?;
    let id = new_id();
    conn.execute(
        "INSERT INTO dbs_checks (id, site_id, volunteer_id, level, workforce, barred_children, barred_adults,
            certificate_number, issued_on, update_service_id, update_checked_on, verified_by, verified_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            id,
            site,
            input.volunteer,
            input.level,
            input.workforce,
            input.barred_children,
            input.barred_adults,
            number,
            input.issued_on,
            us_id,
            input.update_checked_on,
            session.user_id,
            verified_on
        ],
    )?;
    Ok(id)
}

/// Records a new Update Service status check on an existing record.
pub fn record_status_check(
    conn: &Connection,
    id: &str,
    checked_on: NaiveDate,
    today: NaiveDate,
) -> Result<String> {
    let (volunteer, issued, us_id): (String, NaiveDate, String) = conn
        .query_row(
            "SELECT volunteer_id, issued_on, update_service_id FROM dbs_checks WHERE id = ?1",
            [id],
            |r| Ok((r.get("volunteer_id")?, r.get("issued_on")?, r.get("update_service_id")?)),
        )
        .optional()?
        .ok_or_else(|| Error::new(Code::DbsRecordNotFound, json!({})))?;
    if us_id.is_empty() {
        return Err(Error::at("checked_on", Code::DbsNotOnUpdateService, json!({})));
    }
    if checked_on > today || checked_on < issued {
        return Err(Error::at("checked_on", Code::CheckUpdateCheckedOnOutside, json!({})));
    }
    conn.execute(
        "UPDATE dbs_checks SET update_checked_on = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, checked_on],
    )?;
    Ok(volunteer)
}

fn check_from_row(r: &Row<'_>) -> rusqlite::Result<DbsCheck> {
    Ok(DbsCheck {
        id: r.get("id")?,
        volunteer_id: r.get("volunteer_id")?,
        level: r.get("level")?,
        workforce: r.get("workforce")?,
        barred_children: r.get("barred_children")?,
        barred_adults: r.get("barred_adults")?,
        certificate_number: r.get("certificate_number")?,
        issued_on: r.get("issued_on")?,
        update_service_id: r.get("update_service_id")?,
        update_checked_on: r.get("update_checked_on")?,
        verified_by: r.get("verified_by")?,
        verified_on: r.get("verified_on")?,
    })
}

/// Every DBS (England and Wales) check of a volunteer, newest first (every issuer's:
/// [`super::checks::for_volunteer`]). Callers check the role and audit the view.
pub fn for_volunteer(conn: &Connection, volunteer: &str) -> Result<Vec<DbsCheck>> {
    let mut stmt = conn.prepare(
        "SELECT d.id, d.volunteer_id, d.level, d.workforce, d.barred_children, d.barred_adults,
                d.certificate_number, d.issued_on, d.update_service_id, d.update_checked_on,
                u.display_name AS verified_by, d.verified_on
         FROM dbs_checks d LEFT JOIN users u ON u.id = d.verified_by
         WHERE d.volunteer_id = ?1 AND d.issuer = 'dbs' ORDER BY d.issued_on DESC, d.id DESC",
    )?;
    let rows = stmt.query_map([volunteer], check_from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The facts status is computed from: no certificate number, nothing a front desk may not see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckFacts {
    /// Issuer.
    pub issuer: IssuerCode,
    /// The DBS level the check counts as.
    pub level: DbsLevel,
    /// Workforce.
    pub workforce: Workforce,
    /// Children's barred list checked.
    pub barred_children: bool,
    /// Issue date.
    pub issued_on: NaiveDate,
    /// Last Update Service check, when subscribed.
    pub update_checked_on: Option<NaiveDate>,
    /// PVG: the renewal date Disclosure Scotland gave, when recorded.
    pub renewal_on: Option<NaiveDate>,
    /// It covers work with children (another country's certificate; ICPC always).
    pub covers_children: bool,
    /// Information was disclosed.
    pub disclosed: bool,
    /// A coordinator recorded a risk assessment.
    pub risk_assessed: bool,
}

impl CheckFacts {
    /// A DBS check with nothing disclosed, of `level`, for `workforce`, issued on `issued_on`.
    pub fn dbs(level: DbsLevel, workforce: Workforce, barred_children: bool, issued_on: NaiveDate) -> Self {
        CheckFacts {
            issuer: IssuerCode::Dbs,
            level,
            workforce,
            barred_children,
            issued_on,
            update_checked_on: None,
            renewal_on: None,
            covers_children: false,
            disclosed: false,
            risk_assessed: false,
        }
    }
}

impl From<&DbsCheck> for CheckFacts {
    fn from(c: &DbsCheck) -> Self {
        CheckFacts {
            issuer: IssuerCode::Dbs,
            renewal_on: None,
            covers_children: false,
            disclosed: false,
            risk_assessed: false,
            level: c.level,
            workforce: c.workforce,
            barred_children: c.barred_children,
            issued_on: c.issued_on,
            update_checked_on: if c.update_service_id.is_empty() { None } else { c.update_checked_on },
        }
    }
}

impl CheckFacts {
    /// The last day this check counts as current under `policy`.
    pub fn valid_until(&self, policy: &DbsPolicy) -> NaiveDate {
        let iss = issuer(self.issuer);
        if iss.validity == Validity::Membership {
            return super::issuers::Issuer::renewal_on(self.issued_on, self.renewal_on)
                .pred_opt()
                .unwrap_or(NaiveDate::MIN);
        }
        let from_issue = self
            .issued_on
            .checked_add_months(Months::new(policy.recheck_months_for(self.issuer)))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        let from_update = self
            .update_checked_on
            .filter(|_| iss.update_service)
            .and_then(|c| c.checked_add_months(Months::new(policy.update_service_months)));
        from_update.map_or(from_issue, |u| u.max(from_issue))
    }

    /// Whether the check's level (and, for child-facing work, its issuer's rule) meets `req`,
    /// leaving aside any risk assessment it still needs ([`CheckFacts::needs_risk_assessment`]).
    fn level_meets(&self, req: Requirement, policy: &DbsPolicy) -> bool {
        let children = matches!(self.workforce, Workforce::Child | Workforce::Both);
        match req {
            Requirement::None => true,
            Requirement::Basic => true,
            Requirement::Standard => self.level >= DbsLevel::Standard,
            Requirement::Enhanced => self.level >= DbsLevel::Enhanced,
            Requirement::EnhancedBarred => match issuer(self.issuer).child_rule {
                ChildRule::BarredList => {
                    self.level == DbsLevel::EnhancedBarred && self.barred_children && children
                }
                ChildRule::ChildWorkforce => children,
                ChildRule::RiskAssessment => {
                    self.covers_children && policy.children_with_risk_assessment(self.issuer)
                }
            },
        }
    }

    /// Whether the check would meet `req` once a coordinator records a risk assessment.
    pub fn needs_risk_assessment(&self, req: Requirement, policy: &DbsPolicy) -> bool {
        let for_children =
            req == Requirement::EnhancedBarred && issuer(self.issuer).child_rule == ChildRule::RiskAssessment;
        !self.risk_assessed && (self.disclosed || for_children) && self.level_meets(req, policy)
    }

    /// Whether the check meets `req` under `policy`.
    pub fn meets(&self, req: Requirement, policy: &DbsPolicy) -> bool {
        self.level_meets(req, policy) && !self.needs_risk_assessment(req, policy)
    }
}

/// A volunteer's DBS status on a date, for a requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum DbsStatus {
    /// Current, and not ending within the "expiring soon" window.
    Valid {
        /// Last good day.
        until: NaiveDate,
    },
    /// Current, but its last good day is within the window.
    ExpiringSoon {
        /// Last good day.
        until: NaiveDate,
    },
    /// A check of the right level exists but is no longer current.
    Expired {
        /// Its last good day.
        since: NaiveDate,
    },
    /// No DBS check recorded.
    Missing,
    /// Checks exist, but none of the level the work needs.
    Insufficient {
        /// The highest level held.
        level: DbsLevel,
    },
    /// A current check would do, once a coordinator records a risk assessment (an ICPC or
    /// another country's certificate for child-facing work, or information disclosed).
    NeedsRiskAssessment {
        /// The check's issuer.
        issuer: IssuerCode,
    },
}

impl DbsStatus {
    /// Whether the volunteer may do the work on that date.
    pub fn is_valid(&self) -> bool {
        matches!(self, DbsStatus::Valid { .. } | DbsStatus::ExpiringSoon { .. })
    }

    /// One line for a person: "valid until 3 Mar 2027".
    pub fn describe(&self) -> String {
        match self {
            DbsStatus::Valid { until } => format!("valid until {}", until.format("%-d %b %Y")),
            DbsStatus::ExpiringSoon { until } => {
                format!("expiring soon: valid until {}", until.format("%-d %b %Y"))
            }
            DbsStatus::Expired { since } => format!("expired (last valid {})", since.format("%-d %b %Y")),
            DbsStatus::Missing => "missing".to_string(),
            DbsStatus::Insufficient { level: DbsLevel::EnhancedBarred } => {
                "not for work with children (adult workforce, or the children's list not checked)".to_string()
            }
            DbsStatus::Insufficient { level } => format!("insufficient level ({})", level.label()),
            DbsStatus::NeedsRiskAssessment { issuer: code } => {
                format!("waiting for a coordinator's risk assessment of their {}", issuer(*code).name)
            }
        }
    }
}

/// The status on `date` for `req`, from a volunteer's checks (any order).
pub fn status(checks: &[CheckFacts], req: Requirement, date: NaiveDate, policy: &DbsPolicy) -> DbsStatus {
    if checks.is_empty() {
        return DbsStatus::Missing;
    }
    let fitting = checks.iter().filter(|c| c.meets(req, policy));
    // Of the checks of the right level, the one that lasts longest.
    let best = fitting.filter(|c| c.issued_on <= date).map(|c| c.valid_until(policy)).max();
    let current = |c: &&CheckFacts| c.issued_on <= date && c.valid_until(policy) >= date;
    if best.is_none_or(|until| until < date) {
        // A current check that only lacks a risk assessment says so, rather than "expired".
        if let Some(c) = checks.iter().filter(current).find(|c| c.needs_risk_assessment(req, policy)) {
            return DbsStatus::NeedsRiskAssessment { issuer: c.issuer };
        }
    }
    match best {
        Some(until) if until >= date => {
            let days_left = (until - date).num_days();
            if days_left < i64::from(policy.expiring_soon_days) {
                DbsStatus::ExpiringSoon { until }
            } else {
                DbsStatus::Valid { until }
            }
        }
        Some(until) => DbsStatus::Expired { since: until },
        None if checks.iter().any(|c| c.meets(req, policy)) => DbsStatus::Missing,
        None => {
            DbsStatus::Insufficient { level: checks.iter().map(|c| c.level).max().unwrap_or(DbsLevel::Basic) }
        }
    }
}

/// The status facts of every volunteer's checks, by volunteer id (for lists and the roster).
pub fn facts_by_volunteer(conn: &Connection) -> Result<std::collections::HashMap<String, Vec<CheckFacts>>> {
    facts_where(conn, None)
}

/// The facts of one volunteer's checks, of every issuer.
pub fn facts_for(conn: &Connection, volunteer: &str) -> Result<Vec<CheckFacts>> {
    Ok(facts_where(conn, Some(volunteer))?.remove(volunteer).unwrap_or_default())
}

/// The status facts of every check (of one volunteer, when given), by volunteer id.
fn facts_where(
    conn: &Connection,
    volunteer: Option<&str>,
) -> Result<std::collections::HashMap<String, Vec<CheckFacts>>> {
    let mut stmt = conn.prepare(
        "SELECT volunteer_id, issuer, level, workforce, barred_children, issued_on,
                CASE WHEN update_service_id = '' THEN NULL ELSE update_checked_on END AS update_checked_on,
                renewal_on, covers_children, result, risk_assessment
         FROM dbs_checks WHERE ?1 IS NULL OR volunteer_id = ?1",
    )?;
    let mut map: std::collections::HashMap<String, Vec<CheckFacts>> = std::collections::HashMap::new();
    // Every check is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (volunteer_id, issuer_at, level, workforce, barred_children, issued_on, update_checked_on) = (
        at("volunteer_id")?,
        at("issuer")?,
        at("level")?,
        at("workforce")?,
        at("barred_children")?,
        at("issued_on")?,
        at("update_checked_on")?,
    );
    let (renewal_on, covers_children, result, risk_assessment) =
        (at("renewal_on")?, at("covers_children")?, at("result")?, at("risk_assessment")?);
    let rows = stmt.query_map([volunteer], |r| {
        let code: IssuerCode = r.get(issuer_at)?;
        Ok((
            r.get::<_, String>(volunteer_id)?,
            CheckFacts {
                issuer: code,
                level: issuer(code).counts_as(&r.get::<_, String>(level)?),
                workforce: r.get(workforce)?,
                barred_children: r.get(barred_children)?,
                issued_on: r.get(issued_on)?,
                update_checked_on: r.get(update_checked_on)?,
                renewal_on: r.get(renewal_on)?,
                covers_children: r.get(covers_children)?,
                disclosed: r.get::<_, String>(result)? == "disclosed",
                risk_assessed: !r.get::<_, String>(risk_assessment)?.trim().is_empty(),
            },
        ))
    })?;
    for row in rows {
        let (v, f) = row?;
        map.entry(v).or_default().push(f);
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn enhanced(issued: NaiveDate) -> CheckFacts {
        CheckFacts::dbs(DbsLevel::EnhancedBarred, Workforce::Child, true, issued)
    }

    #[test]
    fn certificate_numbers_are_twelve_digits() {
        assert_eq!(check_certificate_number("0012 3456 7890").ok().as_deref(), Some("001234567890"));
        assert!(check_certificate_number("12345678901").is_err());
        assert!(check_certificate_number("1234567890123").is_err());
        assert!(check_certificate_number("12345678901a").is_err());
    }

    #[test]
    fn issue_exactly_n_months_before_is_expired_and_the_day_before_is_valid() {
        let p = DbsPolicy::default();
        let c = [enhanced(d(2023, 11, 27))];
        assert_eq!(
            status(&c, Requirement::EnhancedBarred, d(2026, 11, 27), &p),
            DbsStatus::Expired { since: d(2026, 11, 26) }
        );
        assert_eq!(
            status(&c, Requirement::EnhancedBarred, d(2026, 11, 26), &p),
            DbsStatus::ExpiringSoon { until: d(2026, 11, 26) }
        );
    }

    #[test]
    fn a_check_issued_after_the_date_does_not_count() {
        let p = DbsPolicy::default();
        let c = [enhanced(d(2026, 1, 10))];
        assert_eq!(status(&c, Requirement::None, d(2026, 1, 9), &p), DbsStatus::Missing);
    }

    #[test]
    fn for_every_recheck_period_and_issue_day_the_last_good_day_is_the_day_before_n_months() {
        let mut issued = d(2020, 1, 1);
        while issued < d(2021, 1, 1) {
            for months in [1, 12, 24, 36, 48] {
                let p = DbsPolicy { recheck_months: months, ..DbsPolicy::default() };
                let c = [enhanced(issued)];
                let due = issued.checked_add_months(Months::new(months)).unwrap_or_default();
                let last = due.pred_opt().unwrap_or_default();
                assert!(
                    status(&c, Requirement::EnhancedBarred, last, &p).is_valid(),
                    "{issued} +{months}m: {last} valid"
                );
                assert!(
                    !status(&c, Requirement::EnhancedBarred, due, &p).is_valid(),
                    "{issued} +{months}m: {due} expired"
                );
            }
            issued = issued.succ_opt().unwrap_or_default();
        }
    }

    #[test]
    fn update_service_counts_up_to_m_months_after_the_check_inclusive() {
        let p = DbsPolicy::default();
        let checked = d(2025, 2, 28);
        let c = [CheckFacts { update_checked_on: Some(checked), ..enhanced(d(2019, 5, 1)) }];
        assert!(status(&c, Requirement::EnhancedBarred, d(2026, 2, 28), &p).is_valid());
        assert!(!status(&c, Requirement::EnhancedBarred, d(2026, 3, 1), &p).is_valid());
    }

    #[test]
    fn levels_meet_requirements_in_order_and_child_work_needs_the_childrens_list() {
        let p = DbsPolicy::default();
        let base = enhanced(d(2026, 1, 1));
        assert!(base.meets(Requirement::EnhancedBarred, &p));
        assert!(!CheckFacts { barred_children: false, ..base }.meets(Requirement::EnhancedBarred, &p));
        assert!(!CheckFacts { workforce: Workforce::Adult, ..base }.meets(Requirement::EnhancedBarred, &p));
        let enhanced_only = CheckFacts { level: DbsLevel::Enhanced, barred_children: false, ..base };
        assert!(
            enhanced_only.meets(Requirement::Enhanced, &p)
                && !enhanced_only.meets(Requirement::EnhancedBarred, &p)
        );
        let basic = CheckFacts { level: DbsLevel::Basic, ..enhanced_only };
        assert!(basic.meets(Requirement::Basic, &p) && !basic.meets(Requirement::Standard, &p));
        assert_eq!(
            status(&[basic], Requirement::EnhancedBarred, d(2026, 2, 1), &p),
            DbsStatus::Insufficient { level: DbsLevel::Basic }
        );
    }
}
