//! The case book: people, households, flags, notes, referrals to partner organisations, phones
//! issued to minors, the UK arrivals checklist, search and duplicate warnings.
//!
//! What a role may see is decided here, not in the UI: the front desk sees a person's basic
//! details, household and the flags that drive distribution (pregnant, baby, unaccompanied
//! minor); notes, referrals, phones, the UK checklist and the safeguarding and medical flags are
//! for coordinators and leads.

pub mod age;
pub mod export;
pub mod flags;
pub mod households;
pub mod import;
pub mod notes;
pub mod partners;
pub mod people;
pub mod phones;
pub mod referrals;
pub mod search;
pub mod uk;

use serde::{Deserialize, Serialize};

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

macro_rules! text_enum {
    ($t:ty, $($v:ident => $s:literal),+ $(,)?) => {
        impl $t {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            /// Parses the stored name.
            pub fn parse(s: &str) -> Result<Self> {
                match s {
                    $($s => Ok(Self::$v),)+
                    _ => Err(Error::validation(format!("Unknown value \"{s}\"."))),
                }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
    };
}

pub(crate) use text_enum;

text_enum!(Sex, Female => "female", Male => "male", Other => "other", Unknown => "unknown");
text_enum!(Status, Active => "active", MovedOn => "moved_on", ReachedUk => "reached_uk", Closed => "closed");
text_enum!(Relationship, Head => "head", Mother => "mother", Father => "father", Child => "child",
    Sibling => "sibling", Guardian => "guardian", Grandparent => "grandparent", Other => "other");

/// Trims a free-text field; empty becomes `None`.
pub(crate) fn clean(s: &Option<String>) -> Option<String> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// Checks a phone number as people write it: digits with spaces, `+`, `-`, `.` or brackets,
/// 6 to 15 digits in all.
pub(crate) fn check_phone(field: &str, phone: &str) -> Result<()> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (6..=15).contains(&digits) {
        Ok(())
    } else {
        Err(Error::invalid(field, "Enter the phone number with 6 to 15 digits, like +33 6 12 34 56 78."))
    }
}

/// Checks a free-text field's length.
pub(crate) fn check_len(field: &str, label: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid(field, format!("{label} is too long (at most {max} characters).")));
    }
    Ok(())
}
