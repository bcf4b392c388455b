//! What lost a conflict: found while applying (the conflict rule in `apply.rs`, the unique
//! rules in `unique.rs`), then listed (`conflicts.rs`). A room of its own so that those three
//! need not know each other.

use serde_json::Value;

use crate::db::capture::Stamp;

/// A change that lost to a concurrent one, found while applying.
#[derive(Debug, Clone, PartialEq)]
pub struct Lost {
    /// The table.
    pub table: String,
    /// The row's primary key (JSON list).
    pub pk: String,
    /// `edit`, `delete` (a delete met an edit), `insert` (two versions of one new row) or
    /// `unique` (a new row breaking a unique rule, mostly with another new row: the row created
    /// later stays, see `unique.rs`; listed as `insert`, under the losing row alone).
    pub kind: &'static str,
    /// The winning values (JSON object; null for a delete).
    pub winner: Value,
    /// The losing values.
    pub loser: Value,
    /// Who made the winning change.
    pub winner_stamp: Stamp,
    /// Who made the losing change.
    pub loser_stamp: Stamp,
}
