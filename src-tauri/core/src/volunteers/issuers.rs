//! The issuers of criminal-record checks, kept as data: each issuer's levels, number format,
//! how long a check stays current and what makes it good for child-facing work. The rules in
//! [`super::dbs`] read this table; no other code asks which issuer a check is from.
//!
//! - **DBS** (England and Wales) and **AccessNI** (Northern Ireland): basic, standard, enhanced,
//!   enhanced with barred lists; recheck a number of months after issue (policy, default 36);
//!   a DBS certificate on the Update Service stays current through its status checks.
//! - **Disclosure Scotland**: Level 1 (basic), Level 2, Level 2 with the children's/adults'
//!   list check; recheck like a DBS certificate.
//! - **PVG scheme membership** (Scotland): continuously monitored; from 1 April 2026 membership
//!   lasts 5 years and is renewed. The renewal date is the one Disclosure Scotland gave when it
//!   is recorded, else 5 years from the later of joining and 1 April 2026 (members who joined
//!   before then renew from that day). Good for child-facing work with the child workforce.
//!   When a member leaves, the centre must tell Disclosure Scotland.
//! - **ICPC** (ACRO) and a **certificate from another country**: recheck after 12 months
//!   (policy); good for child-facing work only with a coordinator's recorded risk assessment
//!   (and, for another country's certificate, when it covers work with children).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::fields::text_enum;
use serde_json::json;

use crate::{Code, Error, Result};

/// Level of a DBS check, lowest first.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DbsLevel {
    /// Basic.
    Basic,
    /// Standard.
    Standard,
    /// Enhanced.
    Enhanced,
    /// Enhanced with a barred list check.
    EnhancedBarred,
}
text_enum!(DbsLevel, Basic => "basic", Standard => "standard", Enhanced => "enhanced",
    EnhancedBarred => "enhanced_barred");

impl DbsLevel {
    /// In plain words.
    pub fn label(self) -> &'static str {
        match self {
            DbsLevel::Basic => "basic",
            DbsLevel::Standard => "standard",
            DbsLevel::Enhanced => "enhanced",
            DbsLevel::EnhancedBarred => "enhanced with barred list check",
        }
    }
}

/// Who issued a check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IssuerCode {
    /// The Disclosure and Barring Service (England and Wales).
    #[default]
    Dbs,
    /// Disclosure Scotland: a Level 1 or Level 2 disclosure.
    DisclosureScotland,
    /// Disclosure Scotland: membership of the PVG scheme.
    Pvg,
    /// AccessNI (Northern Ireland).
    AccessNi,
    /// International Child Protection Certificate (ACRO).
    Icpc,
    /// A certificate from another country (an *extrait de casier judiciaire*).
    Foreign,
}
text_enum!(IssuerCode, Dbs => "dbs", DisclosureScotland => "disclosure_scotland", Pvg => "pvg",
    AccessNi => "access_ni", Icpc => "icpc", Foreign => "foreign");

/// A level an issuer gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Stored code.
    pub code: &'static str,
    /// In the centre's words.
    pub label: &'static str,
    /// The DBS level it counts as for a shift's requirement.
    pub counts_as: DbsLevel,
    /// Whether a barred (children's/adults') list is checked at this level.
    pub barred_lists: bool,
}

/// How a check's number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// Exactly this many digits (spaces and dashes between them are dropped).
    Digits(usize),
    /// A reference: letters, digits, spaces and `/ - .`, from `min` to `max` characters.
    Reference {
        /// Shortest.
        min: usize,
        /// Longest.
        max: usize,
    },
}

/// How long a check stays current.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    /// Recheck the policy's months after issue.
    FromIssue,
    /// PVG scheme membership: current up to the day before its renewal date.
    Membership,
}

/// What makes a check good for child-facing work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildRule {
    /// The top level, the children's barred list checked, for the child workforce.
    BarredList,
    /// Membership for the child workforce.
    ChildWorkforce,
    /// A coordinator's recorded risk assessment (and the check covering work with children).
    RiskAssessment,
}

/// One issuer: everything the rules need to know about its checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issuer {
    /// Code.
    pub code: IssuerCode,
    /// In the centre's words ("PVG scheme membership").
    pub name: &'static str,
    /// Levels, lowest first (the first is the default for issuers with one level).
    pub levels: &'static [Level],
    /// Number format.
    pub number: NumberFormat,
    /// What the number is called ("certificate number", "PVG scheme number").
    pub number_label: &'static str,
    /// How long a check stays current.
    pub validity: Validity,
    /// Default recheck, months after issue (for [`Validity::FromIssue`]).
    pub recheck_months: u32,
    /// Whether the DBS Update Service applies.
    pub update_service: bool,
    /// What makes it good for child-facing work.
    pub child_rule: ChildRule,
    /// Whether the centre must tell the issuer when the volunteer leaves (PVG).
    pub leaver_notice: bool,
    /// Whether country, document, translation and authenticity are asked (another country).
    pub foreign: bool,
}

const UK_LEVELS: &[Level] = &[
    Level { code: "basic", label: "basic", counts_as: DbsLevel::Basic, barred_lists: false },
    Level { code: "standard", label: "standard", counts_as: DbsLevel::Standard, barred_lists: false },
    Level { code: "enhanced", label: "enhanced", counts_as: DbsLevel::Enhanced, barred_lists: false },
    Level {
        code: "enhanced_barred",
        label: "enhanced with barred list check",
        counts_as: DbsLevel::EnhancedBarred,
        barred_lists: true,
    },
];

/// The PVG scheme's move to five-year membership.
pub fn pvg_five_years_from() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or(NaiveDate::MIN)
}

/// Years a PVG membership lasts from [`pvg_five_years_from`] on.
pub const PVG_YEARS: u32 = 5;

/// Every issuer, in the order the form offers them.
pub const ISSUERS: [Issuer; 6] = [
    Issuer {
        code: IssuerCode::Dbs,
        name: "DBS (England and Wales)",
        levels: UK_LEVELS,
        number: NumberFormat::Digits(12),
        number_label: "certificate number",
        validity: Validity::FromIssue,
        recheck_months: 36,
        update_service: true,
        child_rule: ChildRule::BarredList,
        leaver_notice: false,
        foreign: false,
    },
    Issuer {
        code: IssuerCode::DisclosureScotland,
        name: "Disclosure Scotland",
        levels: &[
            Level {
                code: "level1",
                label: "Level 1 (basic)",
                counts_as: DbsLevel::Basic,
                barred_lists: false,
            },
            Level { code: "level2", label: "Level 2", counts_as: DbsLevel::Enhanced, barred_lists: false },
            Level {
                code: "level2_list",
                label: "Level 2 with the children's/adults' list check",
                counts_as: DbsLevel::EnhancedBarred,
                barred_lists: true,
            },
        ],
        number: NumberFormat::Digits(12),
        number_label: "certificate number",
        validity: Validity::FromIssue,
        recheck_months: 36,
        update_service: false,
        child_rule: ChildRule::BarredList,
        leaver_notice: false,
        foreign: false,
    },
    Issuer {
        code: IssuerCode::Pvg,
        name: "PVG scheme membership",
        levels: &[Level {
            code: "member",
            label: "PVG scheme member",
            counts_as: DbsLevel::EnhancedBarred,
            barred_lists: true,
        }],
        number: NumberFormat::Digits(16),
        number_label: "PVG scheme number",
        validity: Validity::Membership,
        recheck_months: 60,
        update_service: false,
        child_rule: ChildRule::ChildWorkforce,
        leaver_notice: true,
        foreign: false,
    },
    Issuer {
        code: IssuerCode::AccessNi,
        name: "AccessNI (Northern Ireland)",
        levels: UK_LEVELS,
        number: NumberFormat::Digits(12),
        number_label: "certificate number",
        validity: Validity::FromIssue,
        recheck_months: 36,
        update_service: false,
        child_rule: ChildRule::BarredList,
        leaver_notice: false,
        foreign: false,
    },
    Issuer {
        code: IssuerCode::Icpc,
        name: "ICPC (ACRO)",
        levels: &[Level { code: "icpc", label: "ICPC", counts_as: DbsLevel::Enhanced, barred_lists: false }],
        number: NumberFormat::Reference { min: 4, max: 40 },
        number_label: "reference",
        validity: Validity::FromIssue,
        recheck_months: 12,
        update_service: false,
        child_rule: ChildRule::RiskAssessment,
        leaver_notice: false,
        foreign: false,
    },
    Issuer {
        code: IssuerCode::Foreign,
        name: "certificate from another country",
        levels: &[Level {
            code: "certificate",
            label: "criminal-record certificate",
            counts_as: DbsLevel::Basic,
            barred_lists: false,
        }],
        number: NumberFormat::Reference { min: 1, max: 60 },
        number_label: "reference",
        validity: Validity::FromIssue,
        recheck_months: 12,
        update_service: false,
        child_rule: ChildRule::RiskAssessment,
        leaver_notice: false,
        foreign: true,
    },
];

/// The issuer of a code.
pub fn issuer(code: IssuerCode) -> &'static Issuer {
    // Every code has its row (a test checks it); the first row is never reached by a code.
    ISSUERS.iter().find(|i| i.code == code).unwrap_or(&ISSUERS[0])
}

impl Issuer {
    /// The level of a stored code, or a validation error naming the issuer's levels.
    pub fn level(&self, code: &str) -> Result<&'static Level> {
        self.levels.iter().find(|l| l.code == code).ok_or_else(|| {
            let codes: Vec<&str> = self.levels.iter().map(|l| l.code).collect();
            Error::at(
                "level",
                Code::CheckLevelUnknown,
                json!({"issuer": self.name, "level": code, "levels": codes.join(", ")}),
            )
        })
    }

    /// The level a stored code counts as; the lowest when the code is unknown (never stored:
    /// every write goes through [`Issuer::level`]).
    pub fn counts_as(&self, code: &str) -> DbsLevel {
        self.levels.iter().find(|l| l.code == code).map_or(DbsLevel::Basic, |l| l.counts_as)
    }

    /// Checks a number in the issuer's format and returns it as stored.
    pub fn check_number(&self, raw: &str) -> Result<String> {
        match self.number {
            NumberFormat::Digits(n) => {
                let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
                if digits.chars().count() != n || !digits.chars().all(|c| c.is_ascii_digit()) {
                    return Err(Error::at(
                        "certificate_number",
                        Code::CheckNumberDigits,
                        json!({"issuer": self.name, "number_label": self.number_label, "digits": n}),
                    ));
                }
                Ok(digits)
            }
            NumberFormat::Reference { min, max } => {
                let r = raw.trim();
                let len = r.chars().count();
                let fits = r.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '/' | '-' | '.'));
                if len < min || len > max || !fits {
                    return Err(Error::at(
                        "certificate_number",
                        Code::CheckNumberReference,
                        json!({"issuer": self.name, "number_label": self.number_label, "min": min, "max": max}),
                    ));
                }
                Ok(r.to_string())
            }
        }
    }

    /// The renewal date of a PVG membership joined on `joined` (`given`: the one Disclosure
    /// Scotland gave, when recorded).
    pub fn renewal_on(joined: NaiveDate, given: Option<NaiveDate>) -> NaiveDate {
        given.unwrap_or_else(|| {
            joined
                .max(pvg_five_years_from())
                .checked_add_months(Months::new(PVG_YEARS * 12))
                .unwrap_or(NaiveDate::MAX)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn every_code_has_one_row_and_levels_are_lowest_first() {
        for code in [
            IssuerCode::Dbs,
            IssuerCode::DisclosureScotland,
            IssuerCode::Pvg,
            IssuerCode::AccessNi,
            IssuerCode::Icpc,
            IssuerCode::Foreign,
        ] {
            assert_eq!(ISSUERS.iter().filter(|i| i.code == code).count(), 1, "{code:?}");
            let levels = issuer(code).levels;
            assert!(!levels.is_empty());
            assert!(levels.windows(2).all(|w| w[0].counts_as <= w[1].counts_as), "{code:?}");
        }
    }

    #[test]
    fn numbers_are_accepted_and_refused_at_each_issuers_format() {
        let dbs = issuer(IssuerCode::Dbs);
        assert_eq!(dbs.check_number("0012 3456 7890").ok().as_deref(), Some("001234567890"));
        assert!(dbs.check_number("12345678901").is_err());
        assert!(dbs.check_number("1234567890123").is_err());
        let pvg = issuer(IssuerCode::Pvg);
        assert_eq!(pvg.check_number("1234-5678-9012-3456").ok().as_deref(), Some("1234567890123456"));
        assert!(pvg.check_number("123456789012345").is_err(), "15 digits");
        assert!(pvg.check_number("12345678901234567").is_err(), "17 digits");
        assert!(pvg.check_number("123456789012345a").is_err());
        let ni = issuer(IssuerCode::AccessNi);
        assert!(ni.check_number("123456789012").is_ok());
        assert!(ni.check_number("12345678901").is_err());
        let scot = issuer(IssuerCode::DisclosureScotland);
        assert!(scot.check_number("123456789012").is_ok());
        assert!(scot.check_number("1234567890123456").is_err());
        let icpc = issuer(IssuerCode::Icpc);
        assert!(icpc.check_number("ICPC/2026/0042").is_ok());
        assert!(icpc.check_number("abc").is_err(), "under 4 characters");
        assert!(icpc.check_number("ICPC<42>").is_err());
        let foreign = issuer(IssuerCode::Foreign);
        assert!(foreign.check_number("B3-2026-118").is_ok());
        assert!(foreign.check_number("").is_err());
        assert!(foreign.check_number(&"9".repeat(61)).is_err());
    }

    #[test]
    fn pvg_renews_five_years_from_joining_or_from_1_april_2026_for_older_members() {
        assert_eq!(Issuer::renewal_on(d(2019, 6, 3), None), d(2031, 4, 1));
        assert_eq!(Issuer::renewal_on(d(2026, 3, 31), None), d(2031, 4, 1));
        assert_eq!(Issuer::renewal_on(d(2026, 4, 1), None), d(2031, 4, 1));
        assert_eq!(Issuer::renewal_on(d(2026, 4, 2), None), d(2031, 4, 2));
        assert_eq!(Issuer::renewal_on(d(2028, 2, 29), None), d(2033, 2, 28));
        assert_eq!(Issuer::renewal_on(d(2019, 6, 3), Some(d(2027, 9, 1))), d(2027, 9, 1));
    }

    #[test]
    fn levels_are_refused_by_name_for_the_wrong_issuer() {
        assert!(issuer(IssuerCode::Pvg).level("member").is_ok());
        assert!(issuer(IssuerCode::Pvg).level("enhanced").is_err());
        assert!(issuer(IssuerCode::DisclosureScotland).level("level2_list").is_ok());
        assert!(issuer(IssuerCode::Dbs).level("level2").is_err());
    }
}
