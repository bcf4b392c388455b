//! The case book: people, households, flags, notes, referrals to partner organisations, phones
//! issued to minors, the UK arrivals checklist, search and duplicate warnings.
//!
//! What a role may see is decided here, not in the UI: the front desk sees a person's basic
//! details, household and the flags that drive distribution (pregnant, baby, unaccompanied
//! minor); notes, referrals, phones, the UK checklist and the safeguarding and medical flags are
//! for coordinators and leads.

pub mod age;
pub mod arrivals;
pub mod duplicates;
pub mod export;
pub mod flags;
pub mod households;
pub mod import;
mod import_fields;
pub mod merges;
mod name_rules;
pub mod names;
pub mod notes;
pub mod partners;
pub mod people;
pub mod phones;
mod record;
pub mod referrals;
pub mod search;
pub mod seed;
mod seed_names;
pub mod sheet;
mod spreadsheet;
pub mod uk;
mod workbook;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::fields::text_enum;
use crate::{Error, Result};

/// Sex as recorded at registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
    /// Other.
    Other,
    /// Not known or not given.
    #[default]
    Unknown,
}

/// Where a person's case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Supported by the centre now.
    #[default]
    Active,
    /// Left the area.
    MovedOn,
    /// Reached the UK.
    ReachedUk,
    /// Case closed.
    Closed,
}

/// A person's place in their household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// The person the household is registered under.
    Head,
    /// Mother.
    Mother,
    /// Father.
    Father,
    /// Child.
    Child,
    /// Brother or sister.
    Sibling,
    /// Guardian (not a parent).
    Guardian,
    /// Grandparent.
    Grandparent,
    /// Any other relation.
    Other,
}

text_enum!(Sex, Female => "female", Male => "male", Other => "other", Unknown => "unknown");
text_enum!(Status, Active => "active", MovedOn => "moved_on", ReachedUk => "reached_uk", Closed => "closed");
text_enum!(Relationship, Head => "head", Mother => "mother", Father => "father", Child => "child",
    Sibling => "sibling", Guardian => "guardian", Grandparent => "grandparent", Other => "other");

/// What a flag says about a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Pregnant, with an expected due date.
    Pregnant,
    /// Under 12 months old (derived from the date of birth).
    Baby,
    /// Under 18 with no adult in the household, or set by hand with separation details.
    UnaccompaniedMinor,
    /// A safeguarding concern (restricted).
    Safeguarding,
    /// A medical need (restricted).
    Medical,
}

impl FlagKind {
    /// The stored name (`medical` for a medical need).
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::Pregnant => "pregnant",
            FlagKind::Baby => "baby",
            FlagKind::UnaccompaniedMinor => "unaccompanied_minor",
            FlagKind::Safeguarding => "safeguarding",
            FlagKind::Medical => "medical",
        }
    }

    fn parse(s: &str) -> Option<FlagKind> {
        [Self::Pregnant, Self::Baby, Self::UnaccompaniedMinor, Self::Safeguarding, Self::Medical]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    /// Only coordinators and leads may see or set it.
    pub fn restricted(self) -> bool {
        matches!(self, FlagKind::Safeguarding | FlagKind::Medical)
    }
}

/// A flag on a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Flag {
    /// What it says.
    pub kind: FlagKind,
    /// Worked out from the case book rather than set by hand.
    pub derived: bool,
    /// Pregnant: the expected due date.
    pub due_date: Option<NaiveDate>,
    /// Separation details, or what staff need to know.
    pub details: String,
}
