//! API functions of the exchange between replicas: one exchange through a folder, this
//! computer's automatic folder, what the Exchange screen shows, and the conflicts list
//! (coordinators and leads; the automatic exchange runs for whoever is signed in, through the
//! folder a coordinator or lead set).

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::NoInput;
use crate::access::{audit, Session};
use crate::exchange::auto::{self, Automatic};
use crate::exchange::{self, conflicts, replicas, Conflict, ExchangeReport, Replica, Resolution};
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
    let outcome = exchange::exchange_folder(db, s, std::path::Path::new(dir));
    db.write(|tx| auto::note_outcome(tx, &outcome))?;
    outcome
}

/// What the Exchange screen shows.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExchangeOverview {
    /// This computer's replica id ('' before its first replica exists).
    pub replica: String,
    /// The centre's replicas (this computer among them).
    pub replicas: Vec<Replica>,
    /// This computer's automatic folder and the last exchange's outcome.
    pub automatic: Automatic,
    /// Conflicts not yet resolved.
    pub open_conflicts: usize,
    /// Changes kept until every replica has them.
    pub outbox: i64,
}

pub(super) fn exchange_overview(db: &Db, _: &Session, _: NoInput) -> Result<ExchangeOverview> {
    let outbox = exchange::outbox_len(db)?;
    db.read(|c| {
        let replicas = replicas::list(c)?;
        Ok(ExchangeOverview {
            replica: replicas.iter().find(|r| r.this_computer).map(|r| r.id.clone()).unwrap_or_default(),
            replicas,
            automatic: auto::get(c)?,
            open_conflicts: conflicts::list(c, false)?.len(),
            outbox,
        })
    })
}

/// This computer's automatic folder.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetExchangeFolder {
    /// The folder ('' turns the automatic exchange off).
    pub dir: String,
    /// Minutes between two automatic exchanges (5 to 1440).
    pub minutes: u32,
}

pub(super) fn set_exchange_folder(db: &Db, s: &Session, input: SetExchangeFolder) -> Result<Automatic> {
    db.write(|tx| {
        let done = auto::set(tx, &input.dir, input.minutes)?;
        let detail = json!({"dir": done.dir, "minutes": done.minutes});
        audit::record(tx, s, "set", "exchange_folder", None, Some(&detail))?;
        Ok(done)
    })
}

/// When to run the automatic exchange.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExchangeAutomatic {
    /// Only when its minutes have passed since the last exchange (the window's timer); without
    /// it, now (at sign-in).
    #[serde(default)]
    pub due_only: bool,
}

/// The automatic exchange through this computer's folder, for whoever is signed in (the folder
/// was set by a coordinator or lead). Nothing when no folder is set or it is not due; a folder
/// that is not there (the network down) is recorded as the last outcome and returned.
pub fn exchange_automatic(db: &Db, s: &Session, input: ExchangeAutomatic) -> Result<Option<ExchangeReport>> {
    let settings = db.read(auto::get)?;
    if settings.dir.is_empty() || (input.due_only && !auto::due(&settings, chrono::Utc::now())) {
        return Ok(None);
    }
    let outcome = exchange::exchange_folder(db, s, std::path::Path::new(&settings.dir));
    db.write(|tx| auto::note_outcome(tx, &outcome))?;
    outcome.map(Some)
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
