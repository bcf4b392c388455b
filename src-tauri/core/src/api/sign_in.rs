//! Sign-in policy, the same for the app and the CLI: what Haven does when a user signs in (the
//! retention rule) and the notices that tell them what it did on their behalf; and what a
//! signed-in session keeps (auto-lock, a passphrase to change), read back after a write.
//!
//! A notice is data, like an error: a stable `kind` the UI words in its language
//! (`notice.<kind>` in `ui/i18n/*.json`), its parameters, and an English `message` for the CLI
//! and logs.

use std::path::Path;

use serde::Serialize;
use serde_json::{json, Value};

use super::privacy::{apply_retention, RetentionDone};
use crate::access::{keyring, policy, Session};
use crate::backup::RestoreDone;
use crate::{Db, Error, Result};

/// What a notice is about; the UI's text key is `notice.<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// Closed cases past the retention period were anonymised (`count`, `codes`).
    RetentionAnonymised,
    /// DBS checks of volunteers who left were reduced (`count`).
    RetentionDbsReduced,
    /// The retention rule could not run (`error`, with `error_code` and `error_params`).
    RetentionFailed,
    /// A backup was restored and Haven locked (`file`, `people`, `replaced`).
    Restored,
    /// A restore stopped part-way (`error`, with `error_code` and `error_params`).
    RestoreUnfinished,
    /// The database was opened read-only: its disk or folder cannot be written (`path`).
    ReadOnlyMedia,
    /// The last commits before Haven stopped were lost with the write-ahead log (`recorded`,
    /// `found`: the newest audit entry written, and the one the database ends with).
    CommitsLost,
}

/// Something Haven did or found on the user's behalf, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Notice {
    /// What it is about.
    pub kind: NoticeKind,
    /// The values the text needs, by name.
    pub params: Value,
    /// The notice in English.
    pub message: String,
}

impl Notice {
    /// The notices of one run of the retention rule (none when it changed nothing).
    pub fn of_retention(done: &RetentionDone) -> Vec<Notice> {
        let mut notices = Vec::new();
        let n = done.anonymised;
        if n > 0 {
            notices.push(Notice {
                kind: NoticeKind::RetentionAnonymised,
                params: json!({"count": n, "codes": done.codes.join(", ")}),
                message: format!(
                    "{n} closed case{} older than the retention period {} anonymised today: {}.",
                    plural(n),
                    if n == 1 { "was" } else { "were" },
                    done.codes.join(", ")
                ),
            });
        }
        let n = done.dbs_reduced;
        if n > 0 {
            notices.push(Notice {
                kind: NoticeKind::RetentionDbsReduced,
                params: json!({"count": n}),
                message: format!(
                    "The detail of {n} DBS check{} of volunteers who left was reduced to the certificate number and status.",
                    plural(n)
                ),
            });
        }
        notices
    }

    /// The retention rule failed: the user is told, and signs in anyway.
    pub fn retention_failed(err: &Error) -> Notice {
        Notice {
            kind: NoticeKind::RetentionFailed,
            params: error_params(err),
            message: format!("The retention rule could not run: {err}"),
        }
    }

    /// A backup (`file`) was restored over the database; everyone signs in again.
    pub fn restored(file: &Path, done: &RestoreDone) -> Notice {
        let replaced = done.replaced.as_deref().unwrap_or("(none)");
        Notice {
            kind: NoticeKind::Restored,
            params: json!({"file": file.display().to_string(), "people": done.people, "replaced": replaced}),
            message: format!(
                "The backup {} was restored ({} people). The database it replaced is kept at {replaced}. Sign in again.",
                file.display(),
                done.people
            ),
        }
    }

    /// The database no longer holds its last commits (see [`crate::LostCommits`]).
    pub fn commits_lost(lost: &crate::LostCommits) -> Notice {
        Notice {
            kind: NoticeKind::CommitsLost,
            params: json!({"recorded": lost.recorded_seq, "found": lost.found_seq}),
            message: lost.message(),
        }
    }

    /// A restore stopped part-way: what is on disk is not known for sure.
    pub fn restore_unfinished(err: &Error) -> Notice {
        Notice {
            kind: NoticeKind::RestoreUnfinished,
            params: error_params(err),
            message: format!("The restore did not finish: {err} Sign in again and check the data."),
        }
    }
}

/// A failure inside a notice: its English text (`error`), and its code and values
/// (`error_code`, `error_params`), so the window words the error in its language too.
fn error_params(err: &Error) -> Value {
    let payload = err.to_payload();
    json!({"error": payload.message, "error_code": payload.code, "error_params": payload.params})
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// What Haven does when `session` has just signed in: the retention rule runs (closed cases
/// past the period anonymised, old DBS detail reduced). Returns the notices to show; a failure
/// of the rule is a notice too, as the sign-in itself succeeded.
pub fn sign_in(db: &Db, session: &Session) -> Vec<Notice> {
    if db.is_read_only_media() {
        // Nothing can be written, so no rule runs: the user is told why changes will not work.
        let path = db.path().display().to_string();
        return vec![Notice {
            kind: NoticeKind::ReadOnlyMedia,
            message: format!(
                "Haven opened {path} read-only: its disk or folder cannot be written. You can search, read and print; to change anything, copy the whole folder to the laptop."
            ),
            params: serde_json::json!({"path": path}),
        }];
    }
    let mut notices: Vec<Notice> = db.lost_commits().map(Notice::commits_lost).into_iter().collect();
    // An import stopped part-way (the app closed, a crash) is taken back, audited; a failure
    // here leaves it for the next import or sign-in.
    let _ = super::undo_stopped_imports(db, session);
    match apply_retention(db, session) {
        Ok(done) => notices.extend(Notice::of_retention(&done)),
        Err(e) => notices.push(Notice::retention_failed(&e)),
    }
    notices
}

/// What a signed-in session keeps that a call can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SessionPolicy {
    /// Minutes without use before Haven locks itself.
    pub auto_lock_minutes: u32,
    /// The user's passphrase was chosen by someone else: they choose their own before going on.
    pub must_change_passphrase: bool,
}

/// The session policy of `session` now (read at sign-in and after each write).
pub fn session_policy(db: &Db, session: &Session) -> Result<SessionPolicy> {
    Ok(SessionPolicy {
        auto_lock_minutes: db.read(policy::get)?.auto_lock_minutes,
        must_change_passphrase: keyring::must_change(db, &session.username)?,
    })
}
