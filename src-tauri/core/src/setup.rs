//! First run: create the encrypted database for a new centre with its sites and first lead.

use std::path::Path;

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
/// Either everything is written or no file is left behind.
pub fn initialise(path: &Path, input: &SetupInput) -> Result<NewCentre> {
    check_new_passphrase(&input.passphrase)?;
    validate(input)?;
    let key = DbKey::generate();
    let db = keyring::create(path, &key)?;
    let filled = fill(&db, input).and_then(|session| {
        let lead = db.read(|c| users::get(c, &session.user_id))?;
        keyring::set_passphrase(&db, &lead, &input.passphrase, false)?;
        Ok(session)
    });
    match filled {
        Ok(session) => Ok(NewCentre { db, session, recovery_key: key }),
        Err(e) => {
            drop(db);
            remove_database_files(path);
            Err(e)
        }
    }
}

fn validate(input: &SetupInput) -> Result<()> {
    if input.centre_name.trim().is_empty() {
        return Err(Error::invalid("centre_name", "Enter the centre's name."));
    }
    if input.sites.is_empty() {
        return Err(Error::invalid("sites", "Add at least one site."));
    }
    let mut codes = Vec::new();
    for (i, site) in input.sites.iter().enumerate() {
        let site = sites::validate(site, &format!("sites[{i}]."))?;
        if codes.contains(&site.code) {
            return Err(Error::invalid(
                format!("sites[{i}].code"),
                format!("Site code {} is used twice.", site.code),
            ));
        }
        codes.push(site.code);
    }
    users::validate_username(input.lead_username.trim())?;
    if input.lead_display_name.trim().is_empty() {
        return Err(Error::invalid("lead_display_name", "Enter your name."));
    }
    Ok(())
}

fn fill(db: &Db, input: &SetupInput) -> Result<Session> {
    db.write(|tx| {
        settings::update_centre(tx, &settings::CentreSettings { centre_name: input.centre_name.clone() })?;
        let mut home = None;
        for site in &input.sites {
            let site = sites::create(tx, site)?;
            home.get_or_insert(site.code);
        }
        crate::cases::partners::ensure_defaults(tx)?;
        let site = home.ok_or_else(|| Error::invalid("sites", "Add at least one site."))?;
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

/// Removes a database file and its WAL companions (after a failed setup).
fn remove_database_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        // Best effort: a file that is not there is what we want anyway.
        let _ = std::fs::remove_file(p);
    }
    let _ = std::fs::remove_file(keyring::keyring_path(path));
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
    fn failed_setup_leaves_no_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = crate::db_path(dir.path());
        let mut bad = input();
        bad.sites[1].code = "CAL".into();
        let err = initialise(&path, &bad).err();
        assert!(
            matches!(err, Some(Error::Validation { ref field, .. }) if field.as_deref() == Some("sites[1].code")),
            "{err:?}"
        );
        assert!(!path.exists());
        assert!(!keyring::keyring_path(&path).exists());
        Ok(())
    }
}
