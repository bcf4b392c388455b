//! What the API's area files share: the empty input, the id of a record just made, a site's
//! week (the timetable's and the rota's) and the centre's date. They sit below the permission
//! table in `mod.rs`, which names every area file, so that no area file has to import the table.

use chrono::{Local, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::activities::week::Week;
use crate::Result;

/// Input of functions that take none: `{}` (or nothing at all from the CLI).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// Today's date where the centre is (the computer's local date).
pub(super) fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The id of a record just made.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Created {
    /// Its id.
    pub id: String,
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
    /// The language of the sheet's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
    /// Where to write the PDF.
    pub path: String,
}

impl PrintWeek {
    pub(super) fn week(&self) -> Result<Week> {
        WeekInput { week: self.week.clone(), site: self.site.clone() }.week()
    }
}
