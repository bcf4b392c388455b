//! API functions about signing in and keeping the data safe: users' passphrases, the recovery
//! key and its sheet, and checking the audit log.

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::NoInput;
use super::printing::{pdf_path, print_sheet, Printable, PrintedSheet};
use crate::access::policy::{self, SecuritySettings};
use crate::access::{audit, keyring, users, Session};
use crate::print::{Column, PageSetup, Sheet, SheetHeader};
use crate::{settings, Db, DbKey, Error, Result};

/// A user, chosen by sign-in name.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserActive {
    /// Sign-in name.
    pub username: String,
    /// Whether they may sign in. Turning a user off removes their passphrase's key: it no
    /// longer opens the database. Turning them on again needs a new passphrase (reset).
    pub active: bool,
}

pub(super) fn set_user_active(db: &Db, s: &Session, input: UserActive) -> Result<users::User> {
    db.write(|tx| {
        let user = users::find_by_username(tx, input.username.trim())?.ok_or_else(|| {
            Error::new(
                crate::Code::UserNotFoundNamed,
                serde_json::json!({"username": input.username.trim().to_string()}),
            )
        })?;
        if user.id == s.user_id && !input.active {
            return Err(Error::at("username", crate::Code::SecurityUsernameSelf, serde_json::json!({})));
        }
        let user = users::set_active(tx, &user.id, input.active)?;
        if !input.active {
            keyring::remove(db, &user.id)?;
        }
        let detail = json!({"active": input.active});
        audit::record(tx, s, "update", "user", Some(&user.id), Some(&detail))?;
        Ok(user)
    })
}

/// A lead sets a new passphrase for a user who forgot theirs.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPassphrase {
    /// Sign-in name.
    pub username: String,
    /// The new passphrase, told to the user in person; they choose their own at next sign-in.
    pub passphrase: String,
}

pub(super) fn reset_passphrase(db: &Db, s: &Session, input: ResetPassphrase) -> Result<users::User> {
    db.write(|tx| {
        let user = users::find_by_username(tx, input.username.trim())?.ok_or_else(|| {
            Error::new(
                crate::Code::UserNotFoundNamed,
                serde_json::json!({"username": input.username.trim().to_string()}),
            )
        })?;
        let user = if user.active { user } else { users::set_active(tx, &user.id, true)? };
        keyring::set_passphrase(db, &user, &input.passphrase, user.id != s.user_id)?;
        audit::record(tx, s, "reset_passphrase", "user", Some(&user.id), None)?;
        Ok(user)
    })
}

/// The signed-in user changes their own passphrase.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassphrase {
    /// The passphrase used to sign in now.
    pub current: String,
    /// The new passphrase.
    pub new: String,
}

/// What was done.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Done {
    /// Always true: failures are errors.
    pub ok: bool,
}

pub(super) fn change_passphrase(db: &Db, s: &Session, input: ChangePassphrase) -> Result<Done> {
    keyring::check_passphrase(db, &s.username, &input.current)?;
    if input.new == input.current {
        return Err(Error::at("new", crate::Code::SecurityNewSame, serde_json::json!({})));
    }
    crate::access::passphrase::check_new_passphrase(&input.new).map_err(|e| e.refield(None, "new"))?;
    db.write(|tx| {
        let user = users::get(tx, &s.user_id)?;
        keyring::set_passphrase(db, &user, &input.new, false)?;
        audit::record(tx, s, "change_passphrase", "user", Some(&user.id), None)?;
        Ok(Done { ok: true })
    })
}

/// The recovery key, as the lead asked for it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecoveryKey {
    /// 64 hexadecimal digits.
    pub key: String,
    /// The same in groups of four, easier to copy by hand.
    pub grouped: String,
    /// The statement that opens the database in SQLCipher tools.
    pub sqlcipher_pragma: String,
}

impl RecoveryKey {
    /// The recovery key of a database key.
    pub fn of(key: &DbKey) -> RecoveryKey {
        let hex = key.to_hex();
        let grouped = hex
            .as_bytes()
            .chunks(4)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        RecoveryKey { grouped, sqlcipher_pragma: key.key_pragma(), key: hex }
    }
}

fn recovery_key_of(db: &Db) -> Result<RecoveryKey> {
    db.key()
        .map(RecoveryKey::of)
        .ok_or_else(|| Error::new(crate::Code::SecurityRecoveryKeyNone, serde_json::json!({})))
}

pub(super) fn recovery_key(db: &Db, s: &Session, _: NoInput) -> Result<RecoveryKey> {
    let key = recovery_key_of(db)?;
    db.write(|tx| audit::record(tx, s, "view", "recovery_key", None, None))?;
    Ok(key)
}

/// Where to save the recovery sheet.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintRecoverySheet {
    /// The PDF file to write.
    pub path: String,
    /// The language of the sheet's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
}

/// Title of the recovery sheet in English (`print.recovery.title` in each language).
pub const RECOVERY_SHEET_TITLE: &str = "Recovery key: keep this sheet in the centre's safe";

pub(super) fn print_recovery_sheet(db: &Db, s: &Session, input: PrintRecoverySheet) -> Result<PrintedSheet> {
    // The path is checked before the key is read, as for every sheet.
    let path = pdf_path(&input.path)?;
    let key = recovery_key_of(db)?;
    print_sheet(db, s, path, |c| {
        let centre = settings::centre(c)?.centre_name;
        let lang = settings::print_language(c, input.language)?;
        let w = crate::print::Words::of(lang);
        let now = Local::now().naive_local();
        let title = w.get("print.recovery.title");
        let mut sheet = Sheet::new(
            &title,
            vec![Column::text("").mm(48.0).lines(3), Column::text("").weight(1.0).lines(4)],
        );
        sheet.page = PageSetup::default();
        sheet.language = lang;
        sheet.header = SheetHeader {
            centre: centre.clone(),
            site: w.get("print.all_sites"),
            title,
            date: w.date(now.date()),
        };
        sheet.author = centre.clone();
        sheet.printed_at = now;
        let half = key.grouped.len() / 2 + 1;
        let (first, second) = key.grouped.split_at(half.min(key.grouped.len()));
        sheet.rows = vec![
            vec![w.get("print.recovery.centre").into(), centre.as_str().into()],
            vec![w.get("print.recovery.file").into(), db.path().display().to_string().into()],
            vec![w.get("print.recovery.line1").into(), first.trim().into()],
            vec![w.get("print.recovery.line2").into(), second.trim().into()],
            vec![w.get("print.recovery.what").into(), w.get("print.recovery.what_text").into()],
            vec![
                w.get("print.recovery.how").into(),
                w.fill("print.recovery.how_text", &[("pragma", &key.sqlcipher_pragma)]).into(),
            ],
            vec![
                w.get("print.recovery.printed_by").into(),
                w.fill(
                    "print.recovery.printed_by_text",
                    &[("name", &s.display_name), ("when", &w.date_time(now))],
                )
                .into(),
            ],
        ];
        sheet.row_height_mm = Some(16.0);
        let rows = sheet.rows.len();
        Ok(Printable { sheet, rows, action: "print", entity: "recovery_key", entity_id: None, detail: None })
    })
}

pub(super) fn get_security_settings(db: &Db, _: &Session, _: NoInput) -> Result<SecuritySettings> {
    db.read(policy::get)
}

pub(super) fn update_security_settings(
    db: &Db,
    s: &Session,
    input: SecuritySettings,
) -> Result<SecuritySettings> {
    db.write(|tx| {
        let out = policy::update(tx, &input)?;
        audit::record(
            tx,
            s,
            "update",
            "security_settings",
            None,
            Some(&serde_json::to_value(&out).unwrap_or_default()),
        )?;
        Ok(out)
    })
}

pub(super) fn verify_audit_log(db: &Db, s: &Session, _: NoInput) -> Result<audit::ChainReport> {
    db.write(|tx| {
        let report = audit::verify(tx)?;
        let detail =
            json!({"ok": report.ok, "entries": report.entries, "first_bad_seq": report.first_bad_seq});
        audit::record(tx, s, "verify", "audit_log", None, Some(&detail))?;
        Ok(report)
    })
}

/// Where to write a backup.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackupNow {
    /// The backup file; none: an automatic backup in the backup folder (the oldest beyond the
    /// number to keep are removed).
    #[serde(default)]
    pub path: Option<String>,
}

pub(super) fn backup_now(db: &Db, s: &Session, input: BackupNow) -> Result<crate::backup::BackupDone> {
    let done = match input.path.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(path) => crate::backup::backup_to(db, std::path::Path::new(path))?,
        None => crate::backup::automatic(db)?,
    };
    db.write(|tx| {
        let detail = json!({"path": done.path, "bytes": done.bytes, "removed": done.removed.len()});
        audit::record(tx, s, "backup", "database", None, Some(&detail))
    })?;
    Ok(done)
}
