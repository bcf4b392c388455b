//! The app's state: where the database is, and whether it is waiting for setup, locked, or
//! open for a signed-in user. Registered once with Tauri; commands read it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use haven_core::access::users;
use haven_core::setup::{self, SetupInput};
use haven_core::{api, db_path, seed, Db, Error, Result, Session};
use serde::Serialize;

/// How the app was started.
#[derive(Debug, Clone)]
pub struct Launch {
    /// Folder holding `haven.db`.
    pub data_dir: PathBuf,
    /// The demo database (passphrase `demo`, seeded on first use).
    pub demo: bool,
}

/// Where the app is in its life.
enum Phase {
    /// No database file yet: the setup screen.
    NeedsSetup,
    /// A database exists but is not open: the unlock screen.
    Locked,
    /// Open, and a user is signed in.
    Unlocked { db: Arc<Db>, session: Session },
}

/// The state Tauri manages for the app.
pub struct AppState {
    launch: Launch,
    phase: Mutex<Phase>,
}

/// What the UI needs to pick its first screen.
#[derive(Debug, Clone, Serialize)]
pub struct AppStatus {
    /// `setup`, `locked` or `unlocked`.
    pub phase: &'static str,
    /// Whether this is the demo database.
    pub demo: bool,
    /// For the demo database only: the passphrase and users to try.
    pub demo_hint: Option<DemoHint>,
    /// The data folder in use.
    pub data_dir: String,
    /// The signed-in user, when unlocked.
    pub session: Option<Session>,
    /// Rules for a new passphrase (setup screen).
    pub passphrase_rules: Vec<String>,
}

/// What the demo's unlock screen shows.
#[derive(Debug, Clone, Serialize)]
pub struct DemoHint {
    /// The demo passphrase.
    pub passphrase: &'static str,
    /// Sign-in names with their roles.
    pub users: Vec<(String, String)>,
}

/// People in a new demo database.
const DEMO_PEOPLE: usize = 400;

impl AppState {
    /// State for a launch. For the demo, the demo database is created and seeded if absent.
    pub fn new(launch: Launch) -> Result<AppState> {
        let path = db_path(&launch.data_dir);
        if launch.demo && !path.exists() {
            let db = Db::create(&path, seed::DEMO_PASSPHRASE)?;
            seed::seed_demo(&db, DEMO_PEOPLE, 1)?;
        }
        let phase = if path.exists() { Phase::Locked } else { Phase::NeedsSetup };
        Ok(AppState { launch, phase: Mutex::new(phase) })
    }

    fn phase(&self) -> Result<MutexGuard<'_, Phase>> {
        self.phase
            .lock()
            .map_err(|_| Error::Internal("The app state was poisoned by an earlier crash.".into()))
    }

    fn db_path(&self) -> PathBuf {
        db_path(&self.launch.data_dir)
    }

    /// The data folder in use.
    pub fn data_dir(&self) -> &Path {
        &self.launch.data_dir
    }

    /// The current status.
    pub fn status(&self) -> Result<AppStatus> {
        let phase = self.phase()?;
        let (name, session) = match &*phase {
            Phase::NeedsSetup => ("setup", None),
            Phase::Locked => ("locked", None),
            Phase::Unlocked { session, .. } => ("unlocked", Some(session.clone())),
        };
        let demo_hint = self.launch.demo.then(|| DemoHint {
            passphrase: seed::DEMO_PASSPHRASE,
            users: seed::DEMO_USERS
                .iter()
                .map(|(u, _, role, _)| ((*u).to_string(), role.label().to_string()))
                .collect(),
        });
        Ok(AppStatus {
            phase: name,
            demo: self.launch.demo,
            demo_hint,
            data_dir: self.launch.data_dir.display().to_string(),
            session,
            passphrase_rules: setup::passphrase_rules(),
        })
    }

    /// First run: creates the centre's database and signs the lead in.
    pub fn setup(&self, input: &SetupInput) -> Result<Session> {
        let mut phase = self.phase()?;
        if !matches!(*phase, Phase::NeedsSetup) {
            return Err(Error::Conflict("This centre is already set up.".into()));
        }
        let (db, session) = setup::initialise(&self.db_path(), input)?;
        *phase = Phase::Unlocked { db: Arc::new(db), session: session.clone() };
        Ok(session)
    }

    /// Opens the database with `passphrase` and signs `username` in.
    pub fn unlock(&self, username: &str, passphrase: &str) -> Result<Session> {
        let mut phase = self.phase()?;
        match &*phase {
            Phase::NeedsSetup => return Err(Error::Locked("Set the centre up first.".into())),
            Phase::Unlocked { session, .. } if session.username.eq_ignore_ascii_case(username.trim()) => {
                return Ok(session.clone());
            }
            _ => {}
        }
        let db = Db::open(&self.db_path(), passphrase)?;
        let session = db.write(|tx| {
            let session = users::sign_in(tx, username)?;
            haven_core::access::audit::record(tx, &session, "sign_in", "user", Some(&session.user_id), None)?;
            Ok(session)
        })?;
        *phase = Phase::Unlocked { db: Arc::new(db), session: session.clone() };
        Ok(session)
    }

    /// Closes the database; the next step is the unlock screen.
    pub fn lock(&self) -> Result<()> {
        let mut phase = self.phase()?;
        if matches!(*phase, Phase::Unlocked { .. }) {
            *phase = Phase::Locked;
        }
        Ok(())
    }

    /// Runs one API function for the signed-in user.
    pub fn call(&self, name: &str, input: serde_json::Value) -> Result<serde_json::Value> {
        // The database handle is cloned out so a long call does not hold the phase lock.
        let (db, session) = match &*self.phase()? {
            Phase::Unlocked { db, session } => (Arc::clone(db), session.clone()),
            _ => return Err(Error::Locked("Haven is locked: sign in first.".into())),
        };
        api::call(&db, &session, name, input)
    }
}
