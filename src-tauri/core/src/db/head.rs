//! The head file beside the database (`haven.db-head`): the audit log's newest entry number and
//! hash, rewritten after every commit that moved them.
//!
//! A commit lives in the write-ahead log (`haven.db-wal`) until SQLite copies it into the main
//! file. If Haven is killed and the WAL is then deleted (by hand, by a cleaning tool, by a copy
//! that took `haven.db` alone), the last commits are gone without a trace inside the database:
//! the audit chain still verifies, and the next registration reuses a lost person's code. The
//! head file outlives that: at the next open, a database whose audit log ends before the entry
//! the head file names has lost commits, and [`super::Db::lost_commits`] says which.
//!
//! The file is replaced through a temporary file and a rename (never seen half-written) but not
//! synced: what it guards against is a file deleted after a crash of the program, and whatever
//! the program wrote before it was killed is in the system's cache and reaches the disk. A
//! power cut can leave the head file older than the database, which is never taken as a loss;
//! syncing it too would double the cost of every commit at the desk.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::Result;

/// The audit log's newest entry: its number and hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Head {
    pub seq: i64,
    pub hash: String,
}

/// Commits the database no longer holds: the head file named a newer audit entry than the
/// database's audit log ends with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LostCommits {
    /// The newest audit entry the head file recorded.
    pub recorded_seq: i64,
    /// Its hash.
    pub recorded_hash: String,
    /// The newest audit entry found in the database.
    pub found_seq: i64,
}

impl LostCommits {
    /// The warning, in plain words, naming what to do.
    pub fn message(&self) -> String {
        format!(
            "Haven's last changes were lost: the audit log ends at entry {}, but entry {} had been written \
             (the file haven.db-wal was missing after Haven stopped without closing). The people registered and \
             the work recorded in that time are gone: check the most recent registrations and collections, and \
             restore a backup if it holds them.",
            self.found_seq, self.recorded_seq
        )
    }
}

/// The head file of the database at `db`.
pub fn head_path(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push("-head");
    db.with_file_name(name)
}

/// What the head file says, if it is there and readable (an unreadable one says nothing).
pub(crate) fn read(db: &Path) -> Option<Head> {
    let bytes = std::fs::read(head_path(db)).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Replaces the head file (see the module docs for why it is not synced).
pub(crate) fn write(db: &Path, head: &Head) -> std::io::Result<()> {
    let path = head_path(db);
    let tmp = crate::durable::temp_path(&path);
    std::fs::write(&tmp, serde_json::to_vec(head).map_err(std::io::Error::other)?)?;
    // Another Haven process may be reading it at this moment (Windows refuses the rename then).
    crate::durable::rename_replacing(&tmp, &path)
}

/// The audit log's newest entry in the open database (number 0 before the first entry, or
/// before the audit chain's migration).
pub(crate) fn current(conn: &Connection) -> Result<Head> {
    let has_table: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_head')",
        [],
        |r| r.get(0),
    )?;
    if !has_table {
        return Ok(Head { seq: 0, hash: String::new() });
    }
    let head = conn
        .prepare_cached("SELECT seq, hash FROM audit_head WHERE id = 1")?
        .query_row([], |r| Ok(Head { seq: r.get("seq")?, hash: r.get("hash")? }))
        .optional()?;
    Ok(head.unwrap_or(Head { seq: 0, hash: String::new() }))
}
