//! The centre's policy for criminal-record checks (settings, changed by a lead): the DBS
//! recheck period, the Update Service, the "expiring soon" warning, the rota contact, and each
//! other issuer's recheck period and whether its checks count for child-facing work with a
//! coordinator's risk assessment. The rules that read it are in [`super::dbs`].

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::issuers::{issuer, ChildRule, IssuerCode, Validity, ISSUERS};
use crate::{settings, Error, Result};

/// Setting key: months from issue after which a certificate must be rechecked.
pub const RECHECK_MONTHS: &str = "dbs_recheck_months";
/// Setting key: months an Update Service status check keeps a certificate current.
pub const UPDATE_SERVICE_MONTHS: &str = "dbs_update_service_months";
/// Setting key: days before the end of validity when a check is "expiring soon".
pub const EXPIRING_SOON_DAYS: &str = "dbs_expiring_soon_days";
/// Setting key: the contact printed on the roster.
pub const ROSTER_CONTACT: &str = "roster_contact";

/// The centre's DBS policy (settings, changed by a lead).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DbsPolicy {
    /// Recheck a certificate this many months after its issue date (default 36).
    pub recheck_months: u32,
    /// A certificate on the Update Service is current if its last status check is within this
    /// many months (default 12).
    pub update_service_months: u32,
    /// "Expiring soon" this many days before a check stops being valid (default 30).
    pub expiring_soon_days: u32,
    /// Who to call about the rota, printed on the roster ("Sarah Okafor, +33 6 ...").
    #[serde(default)]
    pub roster_contact: String,
    /// The policy of every other issuer whose checks are rechecked after some months
    /// (Disclosure Scotland, AccessNI, ICPC, another country). Left out of a change: unchanged.
    #[serde(default)]
    pub issuers: Vec<IssuerPolicy>,
}

/// The centre's policy for one issuer's checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuerPolicy {
    /// The issuer.
    pub issuer: IssuerCode,
    /// Recheck this many months after issue.
    pub recheck_months: u32,
    /// Accepted for child-facing work together with a coordinator's recorded risk assessment
    /// (ICPC and another country's certificate; ignored for the others).
    #[serde(default)]
    pub children_with_risk_assessment: bool,
}

/// The issuers with a policy row of their own: DBS's is the policy's own fields, and PVG
/// membership lasts by law.
fn policy_issuers() -> impl Iterator<Item = &'static super::issuers::Issuer> {
    ISSUERS.iter().filter(|i| i.code != IssuerCode::Dbs && i.validity == Validity::FromIssue)
}

fn recheck_key(code: IssuerCode) -> String {
    format!("check_recheck_months.{}", code.as_str())
}

fn children_key(code: IssuerCode) -> String {
    format!("check_children_with_risk_assessment.{}", code.as_str())
}

impl DbsPolicy {
    /// Months after issue when a check of `code` must be rechecked.
    pub fn recheck_months_for(&self, code: IssuerCode) -> u32 {
        if code == IssuerCode::Dbs {
            return self.recheck_months;
        }
        self.issuers
            .iter()
            .find(|p| p.issuer == code)
            .map_or(issuer(code).recheck_months, |p| p.recheck_months)
    }

    /// Whether a check of `code` with a recorded risk assessment is accepted for child-facing
    /// work (issuers whose rule is the risk assessment).
    pub fn children_with_risk_assessment(&self, code: IssuerCode) -> bool {
        self.issuers.iter().find(|p| p.issuer == code).is_none_or(|p| p.children_with_risk_assessment)
    }
}

impl Default for DbsPolicy {
    fn default() -> Self {
        DbsPolicy {
            recheck_months: 36,
            update_service_months: 12,
            expiring_soon_days: 30,
            roster_contact: String::new(),
            issuers: policy_issuers()
                .map(|i| IssuerPolicy {
                    issuer: i.code,
                    recheck_months: i.recheck_months,
                    children_with_risk_assessment: i.child_rule == ChildRule::RiskAssessment,
                })
                .collect(),
        }
    }
}

fn number_setting(conn: &Connection, key: &str, default: u32) -> Result<u32> {
    Ok(settings::get(conn, key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// The DBS policy in force.
pub fn policy(conn: &Connection) -> Result<DbsPolicy> {
    let d = DbsPolicy::default();
    Ok(DbsPolicy {
        recheck_months: number_setting(conn, RECHECK_MONTHS, d.recheck_months)?,
        update_service_months: number_setting(conn, UPDATE_SERVICE_MONTHS, d.update_service_months)?,
        expiring_soon_days: number_setting(conn, EXPIRING_SOON_DAYS, d.expiring_soon_days)?,
        roster_contact: settings::get(conn, ROSTER_CONTACT)?.unwrap_or_default(),
        issuers: d
            .issuers
            .iter()
            .map(|p| {
                Ok(IssuerPolicy {
                    issuer: p.issuer,
                    recheck_months: number_setting(conn, &recheck_key(p.issuer), p.recheck_months)?,
                    children_with_risk_assessment: match settings::get(conn, &children_key(p.issuer))? {
                        Some(v) => v == "1",
                        None => p.children_with_risk_assessment,
                    },
                })
            })
            .collect::<Result<_>>()?,
    })
}

/// Checks and stores the DBS policy.
pub fn update_policy(conn: &Connection, p: &DbsPolicy) -> Result<DbsPolicy> {
    if !(1..=120).contains(&p.recheck_months) {
        return Err(Error::at(
            "recheck_months",
            crate::Code::DbsPolicyRecheckMonthsOutOfRange,
            serde_json::json!({}),
        ));
    }
    if !(1..=120).contains(&p.update_service_months) {
        return Err(Error::at(
            "update_service_months",
            crate::Code::DbsPolicyRecheckMonthsOutOfRange,
            serde_json::json!({}),
        ));
    }
    if !(1..=365).contains(&p.expiring_soon_days) {
        return Err(Error::at(
            "expiring_soon_days",
            crate::Code::DbsPolicyExpiringSoonDaysOutOfRange,
            serde_json::json!({}),
        ));
    }
    let contact = p.roster_contact.trim();
    crate::fields::check_len("roster_contact", "The roster contact", contact, 200)?;
    settings::set(conn, RECHECK_MONTHS, &p.recheck_months.to_string())?;
    settings::set(conn, UPDATE_SERVICE_MONTHS, &p.update_service_months.to_string())?;
    settings::set(conn, EXPIRING_SOON_DAYS, &p.expiring_soon_days.to_string())?;
    settings::set(conn, ROSTER_CONTACT, contact)?;
    for ip in &p.issuers {
        let Some(known) = policy_issuers().find(|i| i.code == ip.issuer) else {
            return Err(Error::at(
                "issuers",
                crate::Code::PolicyIssuerNoRecheck,
                serde_json::json!({"issuer": issuer(ip.issuer).name}),
            ));
        };
        if !(1..=120).contains(&ip.recheck_months) {
            return Err(Error::at(
                "issuers",
                crate::Code::DbsPolicyRecheckMonthsOutOfRange,
                serde_json::json!({}),
            ));
        }
        settings::set(conn, &recheck_key(ip.issuer), &ip.recheck_months.to_string())?;
        // Only an issuer accepted with a risk assessment has the choice.
        let children = known.child_rule == ChildRule::RiskAssessment && ip.children_with_risk_assessment;
        settings::set(conn, &children_key(ip.issuer), if children { "1" } else { "0" })?;
    }
    policy(conn)
}
