//! The centre's security settings: when the app locks itself, how many backups to keep, and how
//! long closed cases are kept before they are anonymised.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::settings;
use crate::{Code, Error, Result};

const AUTO_LOCK_MINUTES: &str = "security.auto_lock_minutes";
const BACKUPS_KEPT: &str = "security.backups_kept";
const BACKUP_DIR: &str = "security.backup_dir";
const RETENTION_MONTHS: &str = "security.retention_months";
const DBS_RETENTION_MONTHS: &str = "security.dbs_retention_months";

/// Security settings (lead only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecuritySettings {
    /// The app locks itself after this many minutes without use (1-240; default 15).
    pub auto_lock_minutes: u32,
    /// How many automatic backups to keep (1-365; default 14).
    pub backups_kept: u32,
    /// Folder for automatic backups; empty: `backups` beside the database.
    #[serde(default)]
    pub backup_dir: String,
    /// Closed cases are anonymised this many months after they were closed (6-120; default 24).
    pub retention_months: u32,
    /// A DBS check's detail is kept this many months after the volunteer left, then reduced to
    /// the certificate number and its status (1-24; default 6).
    #[serde(default = "default_dbs_retention")]
    pub dbs_retention_months: u32,
}

fn default_dbs_retention() -> u32 {
    6
}

impl Default for SecuritySettings {
    fn default() -> Self {
        SecuritySettings {
            auto_lock_minutes: 15,
            backups_kept: 14,
            backup_dir: String::new(),
            retention_months: 24,
            dbs_retention_months: default_dbs_retention(),
        }
    }
}

fn number(conn: &Connection, key: &str, default: u32) -> Result<u32> {
    Ok(settings::get(conn, key)?.and_then(|v| v.parse().ok()).unwrap_or(default))
}

/// The settings in force.
pub fn get(conn: &Connection) -> Result<SecuritySettings> {
    let d = SecuritySettings::default();
    Ok(SecuritySettings {
        auto_lock_minutes: number(conn, AUTO_LOCK_MINUTES, d.auto_lock_minutes)?,
        backups_kept: number(conn, BACKUPS_KEPT, d.backups_kept)?,
        backup_dir: settings::get(conn, BACKUP_DIR)?.unwrap_or_default(),
        retention_months: number(conn, RETENTION_MONTHS, d.retention_months)?,
        dbs_retention_months: number(conn, DBS_RETENTION_MONTHS, d.dbs_retention_months)?,
    })
}

/// Checks the folder backups are to go to (empty: `backups/` beside the database): a whole
/// path, not a folder of the system (`/proc`, `/sys`, `/dev`), and one Haven can write in now,
/// which it checks by writing and removing a small file. A folder that is refused now is
/// refused here, not at the first automatic backup when nobody is looking.
fn check_backup_dir(dir: &str) -> Result<()> {
    if dir.is_empty() {
        return Ok(());
    }
    let refused = |code: Code, params: serde_json::Value| Error::at("backup_dir", code, params);
    if dir.chars().any(char::is_control) {
        return Err(refused(Code::PolicyBackupDirControl, serde_json::json!({})));
    }
    let path = std::path::Path::new(dir);
    if !path.is_absolute() {
        return Err(refused(Code::PolicyBackupDirNotWhole, serde_json::json!({"dir": dir})));
    }
    let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if ["/proc", "/sys", "/dev", "/run"].iter().any(|system| real.starts_with(system)) {
        return Err(refused(Code::PolicyBackupDirSystem, serde_json::json!({"dir": dir})));
    }
    let probe = real.join(".haven-write-check");
    let writable = std::fs::create_dir_all(&real).and_then(|()| std::fs::write(&probe, b"haven"));
    let _ = std::fs::remove_file(&probe);
    writable.map_err(|e| {
        refused(Code::PolicyBackupDirNotWritable, serde_json::json!({"dir": dir, "detail": e.to_string()}))
    })
}

/// Checks and stores the settings.
pub fn update(conn: &Connection, input: &SecuritySettings) -> Result<SecuritySettings> {
    let check = |field: &str, value: u32, lo: u32, hi: u32, what: &str| {
        if (lo..=hi).contains(&value) {
            Ok(())
        } else {
            Err(Error::at(
                field,
                crate::Code::PolicyValueOutOfRange,
                serde_json::json!({"what": what, "lo": lo, "hi": hi}),
            ))
        }
    };
    check("auto_lock_minutes", input.auto_lock_minutes, 1, 240, "Minutes before Haven locks itself")?;
    check("backups_kept", input.backups_kept, 1, 365, "The number of backups kept")?;
    check("retention_months", input.retention_months, 6, 120, "Months a closed case is kept")?;
    check(
        "dbs_retention_months",
        input.dbs_retention_months,
        1,
        24,
        "Months DBS detail is kept after a volunteer leaves",
    )?;
    settings::set(conn, AUTO_LOCK_MINUTES, &input.auto_lock_minutes.to_string())?;
    settings::set(conn, BACKUPS_KEPT, &input.backups_kept.to_string())?;
    check_backup_dir(input.backup_dir.trim())?;
    settings::set(conn, BACKUP_DIR, input.backup_dir.trim())?;
    settings::set(conn, RETENTION_MONTHS, &input.retention_months.to_string())?;
    settings::set(conn, DBS_RETENTION_MONTHS, &input.dbs_retention_months.to_string())?;
    get(conn)
}
