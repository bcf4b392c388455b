//! First run: create the encrypted database for a new centre with its sites and first lead.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::access::passphrase::{check_new_passphrase, passphrase_rules, MIN_PASSPHRASE_CHARS};

use crate::access::{audit, keyring, users, Role, Session};
use crate::db::DbKey;
use crate::sites::{self, SiteInput};
use crate::{settings, Db, Error, Result};

/// Everything the setup screen asks for.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupInput {
    /// The centre's name, printed on every sheet.
    pub centre_name: String,
    /// The sites (at least one). The lead's home site is the first.
    pub sites: Vec<SiteInput>,
    /// The first lead's sign-in name.
    pub lead_username: String,
    /// The first lead's name as shown.
    pub lead_display_name: String,
    /// The lead's own passphrase.
    pub passphrase: String,
}

/// A new centre's open database, its lead's session and the recovery key (shown once).
#[derive(Debug)]
pub struct NewCentre {
    /// The open database.
    pub db: Db,
    /// The lead, signed in.
    pub session: Session,
    /// The raw database key: the centre keeps it in its safe.
    pub recovery_key: DbKey,
}

/// Creates the database at `path` for a new centre, encrypted with a new random key that the
/// lead's passphrase unlocks, and returns it with the lead's session and the recovery key.
///
/// Either everything is written or no file is left behind (see [`create_whole`]).
pub fn initialise(path: &Path, input: &SetupInput) -> Result<NewCentre> {
    check_new_passphrase(&input.passphrase)?;
    validate(input)?;
    let key = DbKey::generate();
    let (db, session) = create_whole(path, &key, |db| {
        let session = fill(db, input)?;
        let lead = db.read(|c| users::get(c, &session.user_id))?;
        keyring::set_passphrase(db, &lead, &input.passphrase, false)?;
        Ok(session)
    })?;
    Ok(NewCentre { db, session, recovery_key: key })
}

/// The folder, inside the data folder, where a new database is built before it is moved in.
pub const STAGING_DIR: &str = "setup-unfinished";

/// The staging folder of the data folder holding `db_path`.
pub fn staging_dir(db_path: &Path) -> PathBuf {
    db_path.with_file_name(STAGING_DIR)
}

/// Creates a new database for `path` (keyed with `key`, with its key file) all or nothing:
/// `build` fills it in a staging folder beside it ([`STAGING_DIR`]); only when `build` succeeds
/// is the database closed whole (out of WAL, so one file holds everything), moved into place
/// with its key file, the database file last, and opened again there.
///
/// Until that last rename there is no `haven.db`: a failure part-way (a full disk) removes the
/// staging folder and leaves the data folder as it was; a crash leaves the staging folder,
/// which [`unfinished`] recognises and [`discard_unfinished`] (or the next set-up) removes.
pub fn create_whole<T>(path: &Path, key: &DbKey, build: impl FnOnce(&Db) -> Result<T>) -> Result<(Db, T)> {
    create_whole_from(path, key, |staged| keyring::create(staged, key), build)
}

/// [`create_whole`] for a database that `make` brings into the staging folder (at the path it
/// is given, keyed with `key`, with its key file) instead of an empty new one: a replica
/// joining a centre starts from the snapshot its join file carries.
pub fn create_whole_from<T>(
    path: &Path,
    key: &DbKey,
    make: impl FnOnce(&Path) -> Result<Db>,
    build: impl FnOnce(&Db) -> Result<T>,
) -> Result<(Db, T)> {
    if path.exists() {
        return Err(Error::new(
            crate::Code::SetupDatabaseExists,
            serde_json::json!({"path": path.display().to_string()}),
        ));
    }
    let staging = staging_dir(path);
    // A staging folder never holds a live database: one left by a crash is ours to replace.
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let staged = staging.join(path.file_name().unwrap_or_else(|| std::ffi::OsStr::new(crate::DB_FILE_NAME)));
    let built = (|| {
        std::fs::create_dir_all(&staging)?;
        let db = make(&staged)?;
        let out = build(&db)?;
        // Everything into the one file before it moves: not a read, and not in a transaction.
        db.conn()?.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        drop(db);
        crate::durable::sync_file(&staged)?;
        move_in(&staged, path)?;
        Ok(out)
    })();
    let out = match built {
        Ok(out) => out,
        Err(e) => {
            // Best effort: what cannot be removed now is recognised as unfinished later.
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let _ = std::fs::remove_dir_all(&staging);
    Ok((Db::open_with_key(path, key)?, out))
}

/// Moves a staged database's key file and head file, then the database file, into place.
fn move_in(staged: &Path, path: &Path) -> Result<()> {
    let ring = keyring::keyring_path(path);
    std::fs::rename(keyring::keyring_path(staged), &ring)?;
    let head = crate::db::head_path(staged);
    if head.exists() {
        std::fs::rename(&head, crate::db::head_path(path))?;
    }
    crate::durable::sync_folder_of(&ring)?;
    if let Err(e) = std::fs::rename(staged, path) {
        let _ = std::fs::remove_file(&ring);
        let _ = std::fs::remove_file(crate::db::head_path(path));
        return Err(e.into());
    }
    crate::durable::sync_folder_of(path)
}

/// What a set-up that did not finish left in a data folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unfinished {
    /// The staging folder a crash left, if any.
    pub staging: Option<String>,
    /// A database whose key file holds no user (left by a set-up before set-up was built
    /// aside): nobody can open it but with the recovery key, which was never shown.
    pub keyless_database: Option<String>,
}

/// Whether a set-up that did not finish left something in the data folder of `db_path`.
pub fn unfinished(db_path: &Path) -> Option<Unfinished> {
    // A staging folder beside a database is only what a crash left after the last rename:
    // the database is whole, and the folder is removed at the next set-up or discard.
    let staging = staging_dir(db_path);
    let staging = (staging.exists() && !db_path.exists()).then(|| staging.display().to_string());
    let keyless =
        (db_path.is_file() && keyring::holds_no_user(db_path)).then(|| db_path.display().to_string());
    (staging.is_some() || keyless.is_some()).then_some(Unfinished { staging, keyless_database: keyless })
}

/// The error an open gives when [`unfinished`] found something: what, and how to remove it.
pub fn unfinished_error(db_path: &Path, found: &Unfinished) -> Error {
    let dir = db_path.parent().map(|d| d.display().to_string()).unwrap_or_default();
    match (&found.keyless_database, &found.staging) {
        (Some(db), _) => {
            Error::new(crate::Code::SetupUnfinishedDatabase, serde_json::json!({"database": db, "dir": dir}))
        }
        (None, Some(staging)) => Error::new(
            crate::Code::SetupUnfinishedStaging,
            serde_json::json!({"staging": staging, "dir": dir}),
        ),
        (None, None) => Error::new(crate::Code::SetupUnfinished, serde_json::json!({"dir": dir})),
    }
}

/// Removes what a set-up that did not finish left: the staging folder is deleted (it never
/// holds a live database); a database whose key file holds no user is renamed aside with its
/// companions (`.unfinished-<time>`), never deleted. Returns what was found.
pub fn discard_unfinished(db_path: &Path) -> Result<Option<Unfinished>> {
    let Some(found) = unfinished(db_path) else { return Ok(None) };
    if staging_dir(db_path).exists() {
        std::fs::remove_dir_all(staging_dir(db_path))?;
    }
    if found.keyless_database.is_some() {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let ring = keyring::keyring_path(db_path);
        let mut files = vec![ring];
        for suffix in ["-wal", "-shm", "-head"] {
            let mut p = db_path.as_os_str().to_owned();
            p.push(suffix);
            files.push(PathBuf::from(p));
        }
        // The database file last: until it moves, the folder still reads as this database.
        files.push(db_path.to_path_buf());
        for f in files.iter().filter(|f| f.exists()) {
            let mut aside = f.as_os_str().to_owned();
            aside.push(format!(".unfinished-{stamp}"));
            std::fs::rename(f, PathBuf::from(aside))?;
        }
        crate::durable::sync_folder_of(db_path)?;
    }
    Ok(Some(found))
}

fn validate(input: &SetupInput) -> Result<()> {
    if input.centre_name.trim().is_empty() {
        return Err(Error::at("centre_name", crate::Code::SetupCentreNameMissing, serde_json::json!({})));
    }
    if input.sites.is_empty() {
        return Err(Error::at("sites", crate::Code::SetupSitesMissing, serde_json::json!({})));
    }
    let mut codes = Vec::new();
    for (i, site) in input.sites.iter().enumerate() {
        let site = sites::validate(site, &format!("sites[{i}]."))?;
        if codes.contains(&site.code) {
            return Err(Error::at(
                format!("sites[{i}].code"),
                crate::Code::SetupSiteCodeTwice,
                serde_json::json!({"code": site.code}),
            ));
        }
        codes.push(site.code);
    }
    users::validate_username(input.lead_username.trim())?;
    if input.lead_display_name.trim().is_empty() {
        return Err(Error::at(
            "lead_display_name",
            crate::Code::SetupLeadDisplayNameMissing,
            serde_json::json!({}),
        ));
    }
    Ok(())
}

fn fill(db: &Db, input: &SetupInput) -> Result<Session> {
    db.write(|tx| {
        settings::update_centre(
            tx,
            &settings::CentreSettings { centre_name: input.centre_name.clone(), language: None },
        )?;
        let mut home = None;
        for site in &input.sites {
            let site = sites::create(tx, site)?;
            home.get_or_insert(site.code);
        }
        crate::cases::partners::ensure_defaults(tx)?;
        let site =
            home.ok_or_else(|| Error::at("sites", crate::Code::SetupSitesMissing, serde_json::json!({})))?;
        let lead = users::create(
            tx,
            &users::NewUser {
                username: input.lead_username.clone(),
                display_name: input.lead_display_name.clone(),
                role: Role::Lead,
                site,
            },
        )?;
        let session = users::session_for(&lead);
        audit::record(tx, &session, "setup", "centre", None, None)?;
        Ok(session)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SetupInput {
        SetupInput {
            centre_name: "Haven Centre".into(),
            sites: sites::default_sites(),
            lead_username: "sarah".into(),
            lead_display_name: "Sarah Okafor".into(),
            passphrase: "blue kettle morning".into(),
        }
    }

    #[test]
    fn setup_creates_centre_sites_and_lead() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = crate::db_path(dir.path());
        let NewCentre { db, session, recovery_key } = initialise(&path, &input())?;
        assert_eq!(session.role, Role::Lead);
        drop(db);
        // The lead's passphrase opens it through the keyring; the recovery key opens it alone.
        let unlocked = keyring::unlock(&path, Some("SARAH"), "blue kettle morning")?;
        assert_eq!(unlocked.session.username, "sarah");
        drop(unlocked);
        let db = Db::open_with_key(&path, &recovery_key)?;
        db.read(|c| {
            assert_eq!(settings::centre(c)?.centre_name, "Haven Centre");
            let codes: Vec<String> = sites::list(c)?.into_iter().map(|s| s.code).collect();
            assert_eq!(codes.len(), 3);
            assert!(codes.contains(&"BHM".to_string()));
            assert_eq!(users::first_lead(c)?.username, "sarah");
            Ok(())
        })
    }

    #[test]
    fn a_build_that_fails_part_way_leaves_the_folder_as_it_was() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = crate::db_path(dir.path());
        let out = create_whole(&path, &DbKey::generate(), |db| {
            fill(db, &input())?;
            Err::<(), _>(Error::Io(std::io::Error::other("disk full (injected)")))
        });
        assert!(matches!(out, Err(Error::Io(_))), "{out:?}");
        let left: Vec<_> = std::fs::read_dir(dir.path())?.flatten().map(|e| e.file_name()).collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(unfinished(&path).is_none());
        // A staging folder left by a crash is recognised while there is no database.
        std::fs::create_dir(staging_dir(&path))?;
        let found = unfinished(&path).expect("recognised");
        assert!(found.staging.is_some());
        assert_eq!(unfinished_error(&path, &found).kind(), crate::ErrorKind::Conflict);
        // ...and the next set-up replaces it.
        let centre = initialise(&path, &input())?;
        drop(centre);
        assert!(!staging_dir(&path).exists());
        assert!(unfinished(&path).is_none());
        Ok(())
    }

    #[test]
    fn failed_setup_leaves_no_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = crate::db_path(dir.path());
        let mut bad = input();
        bad.sites[1].code = "CAL".into();
        let err = initialise(&path, &bad).err();
        assert!(
            err.as_ref()
                .map(|e| e.to_payload())
                .is_some_and(|p| p.field.as_deref() == Some("sites[1].code")
                    && p.code == crate::Code::SetupSiteCodeTwice),
            "{err:?}"
        );
        assert!(!path.exists());
        assert!(!keyring::keyring_path(&path).exists());
        Ok(())
    }
}
