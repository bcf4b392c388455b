//! Backups and restore.
//!
//! A backup is a copy of the live database made with SQLite's online backup API while Haven
//! keeps running, written encrypted with the same key (so it is as safe as the live file on a
//! USB stick), with a copy of the key file beside it so the users' own passphrases open it.
//! Automatic backups go to the folder in the security settings (default: `backups` beside the
//! database) once a day and when Haven locks or closes; the newest N are kept.
//!
//! A restore never overwrites anything until the backup has been opened with the key, passed
//! `PRAGMA integrity_check`, been copied into a new file and migrated to this version's schema.
//! Only then is the live file set aside (renamed, not deleted) and the new one moved in.

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDateTime};
use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};
use serde::{Deserialize, Serialize};

use crate::access::{audit, keyring, policy, users};
use crate::db::{self, DbKey};
use serde_json::json;

use crate::{Code, Db, Error, Result, Role, Session};

/// File names of automatic backups start with this.
const PREFIX: &str = "haven-backup-";

/// A backup that was written.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BackupDone {
    /// The backup file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Older automatic backups removed to keep the newest N.
    pub removed: Vec<String>,
}

fn key_of(db: &Db) -> Result<&DbKey> {
    db.key().ok_or_else(|| Error::new(Code::BackupSharedPassphrase, json!({})))
}

fn keyed(path: &Path, key: &DbKey, flags: OpenFlags) -> Result<Connection> {
    db::keyed_connection(path, &db::Keying::Raw(key), flags).map_err(|e| match e {
        Error::WrongPassphrase => Error::at("file", Code::BackupOtherKey, json!({})),
        other => other,
    })
}

fn copy(src: &Connection, dst: &mut Connection) -> Result<()> {
    let backup = Backup::new(src, dst)?;
    loop {
        match backup.step(256)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            StepResult::Busy | StepResult::Locked => std::thread::sleep(std::time::Duration::from_millis(50)),
            _ => {}
        }
    }
}

/// Writes a backup of the open database to `out` (refusing to overwrite a file).
pub fn backup_to(db: &Db, out: &Path) -> Result<BackupDone> {
    if out.exists() {
        return Err(Error::at("out", Code::BackupOutExists, json!({"path": out.display().to_string()})));
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::at(
                "out",
                Code::BackupFolderNotMade,
                json!({"folder": dir.display().to_string(), "detail": e.to_string()}),
            )
        })?;
    }
    let key = key_of(db)?;
    let tmp = with_suffix(out, ".part");
    // What a backup stopped half-way (a kill, a power cut) left under this name: not a file
    // anyone else writes, and a half-written copy with its journal would refuse to be reused.
    for f in
        [tmp.clone(), with_suffix(&tmp, "-journal"), with_suffix(&tmp, "-wal"), with_suffix(&tmp, "-shm")]
    {
        let _ = std::fs::remove_file(f);
    }
    let written = (|| {
        let mut dst = keyed(&tmp, key, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
        {
            let conn = db.conn()?;
            copy(&conn, &mut dst)?;
        }
        // A single file: the backup carries no WAL of its own.
        dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        drop(dst);
        // On disk before it takes its name, and the name in the folder after: a power cut
        // leaves a `.part` file or the whole backup, never a backup that is half there.
        crate::durable::sync_file(&tmp)?;
        crate::durable::rename_replacing(&tmp, out)?;
        crate::durable::sync_folder_of(out)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let ring = keyring::keyring_path(db.path());
    if ring.exists() {
        crate::durable::replace_file(&with_suffix(out, ".keys"), &std::fs::read(&ring)?)?;
    }
    let bytes = std::fs::metadata(out)?.len();
    Ok(BackupDone { path: out.display().to_string(), bytes, removed: Vec::new() })
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// The folder automatic backups go to.
pub fn backup_dir(db: &Db) -> Result<PathBuf> {
    let configured = db.read(policy::get)?.backup_dir;
    Ok(if configured.trim().is_empty() {
        db.path().parent().map(|p| p.join("backups")).unwrap_or_else(|| PathBuf::from("backups"))
    } else {
        PathBuf::from(configured.trim())
    })
}

/// Automatic backups in `dir`, oldest first.
fn automatic_backups(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(".db"))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// When the newest automatic backup was made, from its name.
pub fn last_automatic(db: &Db) -> Result<Option<NaiveDateTime>> {
    let dir = backup_dir(db)?;
    Ok(automatic_backups(&dir).last().and_then(|p| {
        let name = p.file_name()?.to_str()?;
        let stamp = name.strip_prefix(PREFIX)?.strip_suffix(".db")?;
        NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()
    }))
}

/// One automatic backup at a time in this process: two at once (the daily one a sign-in starts
/// and "Back up now" pressed straight after) would pick the same file name in the same second.
static AUTOMATIC: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Makes an automatic backup now and removes the oldest beyond the number to keep.
pub fn automatic(db: &Db) -> Result<BackupDone> {
    let _one_at_a_time = AUTOMATIC.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let dir = backup_dir(db)?;
    let keep = db.read(policy::get)?.backups_kept.max(1) as usize;
    let mut stamp = Local::now().naive_local();
    let mut out = dir.join(format!("{PREFIX}{}.db", stamp.format("%Y%m%d-%H%M%S")));
    while out.exists() {
        stamp += chrono::Duration::seconds(1);
        out = dir.join(format!("{PREFIX}{}.db", stamp.format("%Y%m%d-%H%M%S")));
    }
    let mut done = backup_to(db, &out)?;
    let all = automatic_backups(&dir);
    if all.len() > keep {
        for old in &all[..all.len() - keep] {
            let _ = std::fs::remove_file(with_suffix(old, ".keys"));
            if std::fs::remove_file(old).is_ok() {
                done.removed.push(old.display().to_string());
            }
        }
    }
    Ok(done)
}

/// Makes an automatic backup if the newest is older than a day (or there is none).
pub fn automatic_if_due(db: &Db) -> Result<Option<BackupDone>> {
    let due = match last_automatic(db)? {
        Some(last) => Local::now().naive_local() - last > chrono::Duration::hours(24),
        None => true,
    };
    if due {
        automatic(db).map(Some)
    } else {
        Ok(None)
    }
}

/// What a restore did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RestoreDone {
    /// The live database, now holding the backup's data.
    pub path: String,
    /// Where the database it replaced was moved (kept, in case).
    pub replaced: Option<String>,
    /// People in the restored database.
    pub people: i64,
    /// Its schema version before migration.
    pub schema_version: usize,
}

/// Checks a backup file with `key` without changing anything: it opens, passes
/// `integrity_check`, has a schema this version knows, and has a lead.
pub fn check_backup(file: &Path, key: &DbKey) -> Result<usize> {
    if !file.is_file() {
        return Err(Error::at("file", Code::RestoreNoFile, json!({"path": file.display().to_string()})));
    }
    let name =
        file.file_name().map_or_else(|| file.display().to_string(), |n| n.to_string_lossy().into_owned());
    if file.extension().is_some_and(|e| e == "part") {
        return Err(Error::at("file", Code::RestoreUnfinishedBackup, json!({"name": name})));
    }
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    if bytes < 4096 {
        return Err(Error::at("file", Code::RestoreTooSmall, json!({"name": name, "bytes": bytes})));
    }
    // SQLite's own words for a cut or damaged file ("database disk image is malformed", or a
    // leftover journal it would have to write back) mean nothing to the person restoring.
    let unreadable = |e: Error| match e {
        Error::Sqlite(e) => {
            Error::at("file", Code::RestoreUnreadable, json!({"name": name, "detail": e.to_string()}))
        }
        other => other,
    };
    let conn = keyed(file, key, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(unreadable)?;
    let integrity: String =
        conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).map_err(|e| unreadable(e.into()))?;
    if integrity != "ok" {
        return Err(Error::at("file", Code::RestoreDamaged, json!({"name": name, "detail": integrity})));
    }
    let version = db::schema_version(&conn).map_err(unreadable)?;
    if version == 0 {
        return Err(Error::at("file", Code::RestoreNoHavenData, json!({"name": name})));
    }
    if version > db::latest_version() {
        return Err(Error::at("file", Code::RestoreNewerSchema, json!({"version": version})));
    }
    let leads: i64 = conn
        .query_row("SELECT count(*) FROM users WHERE role = 'lead' AND active = 1", [], |r| r.get(0))
        .map_err(|_| Error::at("file", Code::RestoreNotHaven, json!({})))?;
    if leads == 0 {
        return Err(Error::at("file", Code::RestoreNoLead, json!({})));
    }
    Ok(version)
}

/// Restores `file` into the database at `db_path` (whose database must be closed). The
/// current database, if any, is renamed aside, never deleted.
pub fn restore(db_path: &Path, file: &Path, key: &DbKey) -> Result<RestoreDone> {
    let schema_version = check_backup(file, key)?;
    let tmp = with_suffix(db_path, ".restoring");
    for f in [tmp.clone(), with_suffix(&tmp, "-wal"), with_suffix(&tmp, "-shm")] {
        let _ = std::fs::remove_file(f);
    }
    let staged = (|| {
        {
            let src = keyed(file, key, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
            let mut dst =
                keyed(&tmp, key, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)?;
            copy(&src, &mut dst)?;
            dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        }
        // Opening migrates the copy to this version's schema; check it once more after.
        let db = Db::open_with_key(&tmp, key)?;
        let (integrity, people) = db.read(|c| {
            let i: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            let p: i64 = c.query_row("SELECT count(*) FROM people", [], |r| r.get(0))?;
            Ok((i, p))
        })?;
        // Out of WAL before the rename: not a read, and not possible inside a transaction.
        db.conn()?.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        if integrity != "ok" {
            return Err(Error::at("file", Code::RestoreCopyDamaged, json!({"detail": integrity})));
        }
        Ok(people)
    })();
    let people = match staged {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    let replaced = if db_path.exists() {
        let aside = with_suffix(db_path, &format!(".replaced-{}", Local::now().format("%Y%m%d-%H%M%S")));
        std::fs::rename(db_path, &aside)?;
        for suffix in ["-wal", "-shm", "-head"] {
            let side = with_suffix(db_path, suffix);
            if side.exists() {
                std::fs::rename(&side, with_suffix(&aside, suffix))?;
            }
        }
        Some(aside.display().to_string())
    } else {
        None
    };
    std::fs::rename(&tmp, db_path)?;
    // The restored file's head file (written when it was opened above) goes with it: the
    // replaced file's head, kept aside with it, says nothing about this one.
    let staged_head = crate::db::head_path(&tmp);
    if staged_head.exists() {
        std::fs::rename(&staged_head, crate::db::head_path(db_path))?;
    }
    // The key file: keep the live one (same key, current users); else take the backup's.
    let ring = keyring::keyring_path(db_path);
    let backup_ring = with_suffix(file, ".keys");
    if !ring.exists() && backup_ring.exists() {
        std::fs::copy(&backup_ring, &ring)?;
    }
    Ok(RestoreDone { path: db_path.display().to_string(), replaced, people, schema_version })
}

/// Whether `session` may restore `file` over `db`, changing nothing: a lead, signed in with
/// their own passphrase (so the key is known), and a backup that passes [`check_backup`] with
/// it. Returns the key.
pub fn check_restore(db: &Db, session: &Session, file: &Path) -> Result<DbKey> {
    if session.role != Role::Lead {
        return Err(Error::new(Code::RestoreLeadOnly, json!({})));
    }
    let key = db.key().cloned().ok_or_else(|| Error::new(Code::RestoreOwnPassphrase, json!({})))?;
    check_backup(file, &key)?;
    Ok(key)
}

/// Restores `file` over the signed-in database `db`, for a lead: checked first with
/// [`check_restore`] (a refused restore changes nothing); then `db` is closed (its file is
/// renamed aside, which Windows refuses for an open file), the backup restored with [`restore`],
/// and the restore written to the restored database's audit log. Everyone signs in again after.
pub fn restore_over(db: Db, session: &Session, file: &Path) -> Result<RestoreDone> {
    let key = check_restore(&db, session, file)?;
    let path = db.path().to_path_buf();
    drop(db);
    let done = restore(&path, file, &key)?;
    let restored = Db::open_with_key(&path, &key)?;
    // The restoring lead may not exist in an older backup: the entry is then the first lead's,
    // naming who restored.
    let known: bool = restored.read(|c| {
        Ok(c.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE id = ?1)", [&session.user_id], |r| {
            r.get(0)
        })?)
    })?;
    let by = if known {
        session.clone()
    } else {
        restored.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?
    };
    restored.write(|tx| {
        let detail = serde_json::json!({
            "from": file.display().to_string(),
            "replaced": done.replaced,
            "restored_by": session.username,
        });
        audit::record(tx, &by, "restore", "database", None, Some(&detail))
    })?;
    Ok(done)
}
