//! API functions of the exchange between replicas: one exchange through a folder, and the
//! conflicts list (coordinators and leads).

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::access::{audit, Session};
use crate::exchange::{self, conflicts, Conflict, ExchangeReport, Resolution};
use crate::{Db, Error, Result};

/// The folder to exchange through.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeFolder {
    /// The folder (a USB stick, a shared folder) every replica can reach.
    pub dir: String,
}

pub(super) fn exchange_folder(db: &Db, s: &Session, input: ExchangeFolder) -> Result<ExchangeReport> {
    let dir = input.dir.trim();
    if dir.is_empty() {
        return Err(Error::at("dir", crate::Code::ExchangeDirMissing, serde_json::json!({})));
    }
    exchange::exchange_folder(db, s, std::path::Path::new(dir))
}

/// Which conflicts to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListConflicts {
    /// Resolved ones too (default: open ones only).
    #[serde(default)]
    pub all: bool,
}

pub(super) fn list_conflicts(db: &Db, _: &Session, input: ListConflicts) -> Result<Vec<Conflict>> {
    db.read(|c| conflicts::list(c, input.all))
}

/// How to resolve one conflict.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveConflict {
    /// The conflict's id.
    pub id: String,
    /// `keep` (the winner stays) or `take_other` (the losing version is written back).
    pub choice: Resolution,
}

pub(super) fn resolve_conflict(db: &Db, s: &Session, input: ResolveConflict) -> Result<Conflict> {
    db.write(|tx| {
        let done = conflicts::resolve(tx, &input.id, input.choice, &s.user_id)?;
        let detail = json!({"table": done.table, "choice": done.resolution});
        audit::record(tx, s, "resolve", "conflict", Some(&done.id), Some(&detail))?;
        Ok(done)
    })
}
