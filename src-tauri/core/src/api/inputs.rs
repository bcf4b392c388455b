//! What the API's area files share: the empty input and the centre's date. They sit below the
//! permission table in `mod.rs`, which names every area file, so that no area file has to
//! import the table.

use chrono::{Local, NaiveDate};
use serde::{Deserialize, Serialize};

/// Input of functions that take none: `{}` (or nothing at all from the CLI).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// Today's date where the centre is (the computer's local date).
pub(super) fn today() -> NaiveDate {
    Local::now().date_naive()
}
