//! The app's state: where the database is, and whether it is waiting for setup, locked, or
//! open for a signed-in user. Registered once with Tauri; commands read it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use haven_core::access::keyring;
use haven_core::api::{Notice, RecoveryKey};
use haven_core::setup::{self, SetupInput};
use haven_core::{api, backup, db_path, seed, Code, Db, Error, Result, Session};
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
    Unlocked {
        db: Arc<Db>,
        session: Session,
        /// The user's passphrase was chosen by someone else.
        must_change: bool,
        /// When the user last did anything: after `auto_lock` without use, Haven locks.
        last_used: Instant,
        auto_lock: Duration,
        /// Things done on the user's behalf at sign-in (retention), shown once on the Dashboard.
        notices: Vec<Notice>,
    },
}

/// What the setup screen shows once the centre exists: the recovery key, once.
#[derive(Debug, Clone, Serialize)]
pub struct SetupDone {
    /// The lead, signed in.
    pub session: Session,
    /// The database's recovery key.
    pub recovery_key: RecoveryKey,
}

/// The state Tauri manages for the app.
pub struct AppState {
    launch: Launch,
    phase: Mutex<Phase>,
    /// The daily backup started at sign-in, while it may still be running. It is waited for
    /// before the database is closed (lock, exit) so no write to the backup folder is cut off
    /// half-way and no thread still uses SQLCipher while the process ends.
    backup_job: Mutex<Option<JoinHandle<()>>>,
    /// What the unlock screen says once after Haven locked itself for a reason (a restore).
    locked_notices: Mutex<Vec<Notice>>,
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
    /// The API functions the signed-in user may call (what `session_info` lists): the UI shows
    /// screens, tabs and buttons by these, never by role name. Empty when not unlocked.
    pub functions: Vec<&'static str>,
    /// The signed-in user must choose their own passphrase before going on.
    pub must_change_passphrase: bool,
    /// Minutes without use before Haven locks itself (when unlocked).
    pub auto_lock_minutes: u64,
    /// What Haven did at sign-in (closed cases anonymised under the retention rule), or why it
    /// locked (a restore): the core's notices, worded by the UI from their kind.
    pub notices: Vec<Notice>,
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
            // Built aside and moved in whole: a full disk leaves no half-made demo.
            setup::create_whole(&path, &seed::demo_key(), |db| {
                seed::seed_demo(db, DEMO_PEOPLE, 1)?;
                keyring::add_missing(db, seed::DEMO_PASSPHRASE)
            })?;
        }
        let phase = if path.exists() { Phase::Locked } else { Phase::NeedsSetup };
        Ok(AppState {
            launch,
            phase: Mutex::new(phase),
            backup_job: Mutex::new(None),
            locked_notices: Mutex::new(Vec::new()),
        })
    }

    fn phase(&self) -> Result<MutexGuard<'_, Phase>> {
        self.phase.lock().map_err(|_| Error::new(Code::AppStatePoisoned, serde_json::json!({})))
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
        let (name, session, must_change, auto_lock, notices) = match &*phase {
            Phase::NeedsSetup => ("setup", None, false, 0, Vec::new()),
            Phase::Locked => {
                ("locked", None, false, 0, self.locked_notices.lock().map(|n| n.clone()).unwrap_or_default())
            }
            Phase::Unlocked { session, must_change, auto_lock, notices, .. } => {
                ("unlocked", Some(session.clone()), *must_change, auto_lock.as_secs() / 60, notices.clone())
            }
        };
        let demo_hint = self.launch.demo.then(|| DemoHint {
            passphrase: seed::DEMO_PASSPHRASE,
            users: seed::DEMO_USERS
                .iter()
                .map(|(u, _, role, _)| ((*u).to_string(), role.label().to_string()))
                .collect(),
        });
        let functions =
            session.as_ref().map(|s| api::callable_by(s).map(|f| f.name).collect()).unwrap_or_default();
        Ok(AppStatus {
            phase: name,
            demo: self.launch.demo,
            demo_hint,
            data_dir: self.launch.data_dir.display().to_string(),
            session,
            functions,
            must_change_passphrase: must_change,
            auto_lock_minutes: auto_lock,
            notices,
            passphrase_rules: setup::passphrase_rules(),
        })
    }

    /// First run: creates the centre's database and signs the lead in.
    pub fn setup(&self, input: &SetupInput) -> Result<SetupDone> {
        let mut phase = self.phase()?;
        if !matches!(*phase, Phase::NeedsSetup) {
            return Err(Error::new(Code::SetupAlreadyDone, serde_json::json!({})));
        }
        let centre = setup::initialise(&self.db_path(), input)?;
        let recovery_key = RecoveryKey::of(&centre.recovery_key);
        let session = centre.session.clone();
        *phase = unlocked(centre.db, centre.session, false)?;
        Ok(SetupDone { session, recovery_key })
    }

    /// First run on a computer joining a centre: makes this data folder a replica from a join
    /// file and its one-time code, and signs `username` (default: the lead who made the file)
    /// in with the passphrase they choose for this computer.
    pub fn join(
        &self,
        file: &Path,
        code: &str,
        username: Option<&str>,
        passphrase: &str,
    ) -> Result<SetupDone> {
        let mut phase = self.phase()?;
        if !matches!(*phase, Phase::NeedsSetup) {
            return Err(Error::new(Code::SetupComputerHasDatabase, serde_json::json!({})));
        }
        let joined = haven_core::exchange::join(&self.db_path(), file, code, username, passphrase)?;
        let recovery_key = RecoveryKey::of(&joined.recovery_key);
        let session = joined.session.clone();
        *phase = unlocked(joined.db, joined.session, false)?;
        Ok(SetupDone { session, recovery_key })
    }

    /// Opens the database with `username`'s own passphrase and signs them in.
    pub fn unlock(&self, username: &str, passphrase: &str) -> Result<Session> {
        let mut phase = self.phase()?;
        match &*phase {
            Phase::NeedsSetup => return Err(Error::new(Code::AppNeedsSetup, serde_json::json!({}))),
            Phase::Unlocked { session, .. } if session.username.eq_ignore_ascii_case(username.trim()) => {
                return Ok(session.clone());
            }
            _ => {}
        }
        if username.trim().is_empty() {
            return Err(Error::at("username", Code::AccessUsernameMissing, serde_json::json!({})));
        }
        // A folder a set-up did not finish is named as such, not as a wrong passphrase.
        if let Some(found) = setup::unfinished(&self.db_path()) {
            return Err(setup::unfinished_error(&self.db_path(), &found));
        }
        let u = keyring::unlock(&self.db_path(), Some(username), passphrase)?;
        let session = u.session.clone();
        self.set_locked_notice(None);
        // The core's sign-in policy: the retention rule runs at every sign-in.
        let notices = api::sign_in(&u.db, &u.session);
        let mut next = unlocked(u.db, u.session, u.must_change_passphrase)?;
        if let Phase::Unlocked { notices: n, .. } = &mut next {
            *n = notices;
        }
        if let Phase::Unlocked { db, .. } = &next {
            // The daily backup, if one is due, without holding up the sign-in.
            let db = Arc::clone(db);
            self.wait_for_backup();
            let job = std::thread::spawn(move || {
                if let Err(e) = backup::automatic_if_due(&db) {
                    eprintln!("Haven could not make its daily backup: {e}");
                }
            });
            if let Ok(mut slot) = self.backup_job.lock() {
                *slot = Some(job);
            }
        }
        *phase = next;
        Ok(session)
    }

    /// The app is closing: an automatic backup of an open database, then it is closed.
    pub fn close_for_exit(&self) {
        self.wait_for_backup();
        let Ok(mut phase) = self.phase() else { return };
        if let Phase::Unlocked { db, session, .. } = &*phase {
            if let Err(e) = backup::automatic(db) {
                eprintln!("Haven could not make its backup on exit: {e}");
            }
            // The last changes of the day reach the office's shared folder.
            let last = haven_core::api::ExchangeAutomatic { due_only: false };
            if let Err(e) = haven_core::api::exchange_automatic(db, session, last) {
                eprintln!("Haven could not exchange through its folder on exit: {e}");
            }
        }
        *phase = Phase::Locked;
    }

    /// Closes the database; the next step is the unlock screen.
    pub fn lock(&self) -> Result<()> {
        self.wait_for_backup();
        let mut phase = self.phase()?;
        if matches!(*phase, Phase::Unlocked { .. }) {
            *phase = Phase::Locked;
        }
        Ok(())
    }

    /// Restores a backup over the open database, for a lead. The core checks the role and the
    /// backup (integrity, schema, key) before anything closes, so a refusal leaves the user
    /// signed in and nothing changed. Then the database is closed (waiting for calls still
    /// using it), restored, and Haven stays locked: everyone signs in again, to the restored
    /// data. The unlock screen says what happened.
    pub fn restore(&self, file: &Path) -> Result<backup::RestoreDone> {
        self.wait_for_backup();
        let mut phase = self.phase()?;
        match &*phase {
            Phase::Unlocked { db, session, .. } => {
                backup::check_restore(db, session, file)?;
            }
            _ => return Err(Error::new(Code::AppLocked, serde_json::json!({}))),
        }
        let Phase::Unlocked { db, session, .. } = std::mem::replace(&mut *phase, Phase::Locked) else {
            return Err(Error::new(Code::RestoreStateChanged, serde_json::json!({})));
        };
        drop(phase);
        let result = sole(db).and_then(|db| backup::restore_over(db, &session, file));
        self.set_locked_notice(Some(match &result {
            Ok(done) => Notice::restored(file, done),
            Err(e) => Notice::restore_unfinished(e),
        }));
        result
    }

    fn set_locked_notice(&self, notice: Option<Notice>) {
        if let Ok(mut n) = self.locked_notices.lock() {
            *n = notice.into_iter().collect();
        }
    }

    /// Runs one API function for the signed-in user.
    ///
    /// After the auto-lock time without use, the database is closed first and the call is
    /// refused, whatever the screen still shows.
    pub fn call(&self, name: &str, input: serde_json::Value) -> Result<serde_json::Value> {
        // The database handle is cloned out so a long call does not hold the phase lock.
        let (db, session) = {
            let mut phase = self.phase()?;
            match &mut *phase {
                Phase::Unlocked { last_used, auto_lock, .. } if last_used.elapsed() > *auto_lock => {
                    let minutes = auto_lock.as_secs() / 60;
                    *phase = Phase::Locked;
                    return Err(Error::new(Code::AppAutoLocked, serde_json::json!({"minutes": minutes})));
                }
                Phase::Unlocked { db, session, last_used, .. } => {
                    *last_used = Instant::now();
                    (Arc::clone(db), session.clone())
                }
                _ => return Err(Error::new(Code::AppLocked, serde_json::json!({}))),
            }
        };
        let out = api::call(&db, &session, name, input)?;
        // A write may have changed the session's policy (the auto-lock time, a passphrase
        // changed): the core says what it is now.
        if api::function(name).is_some_and(|f| f.writes) {
            let now = api::session_policy(&db, &session)?;
            let mut phase = self.phase()?;
            if let Phase::Unlocked { must_change, auto_lock, .. } = &mut *phase {
                *must_change = now.must_change_passphrase;
                *auto_lock = minutes(now.auto_lock_minutes);
            }
        }
        Ok(out)
    }
}

impl AppState {
    /// Waits for the daily backup started at sign-in, if it is still running.
    pub fn wait_for_backup(&self) {
        let job = match self.backup_job.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(job) = job {
            if job.join().is_err() {
                eprintln!("Haven's daily backup stopped unexpectedly.");
            }
        }
    }

    /// Test aid: makes the signed-in session look idle for `by` (the auto-lock test cannot wait
    /// minutes).
    #[doc(hidden)]
    pub fn pretend_idle_for(&self, by: Duration) {
        if let Ok(mut phase) = self.phase() {
            if let Phase::Unlocked { last_used, .. } = &mut *phase {
                if let Some(earlier) = last_used.checked_sub(by) {
                    *last_used = earlier;
                }
            }
        }
    }
}

impl Drop for AppState {
    fn drop(&mut self) {
        self.wait_for_backup();
    }
}

/// The database once no call still holds it (a call clones the handle for its duration).
fn sole(mut db: Arc<Db>) -> Result<Db> {
    for _ in 0..SOLE_WAITS {
        match Arc::try_unwrap(db) {
            Ok(db) => return Ok(db),
            Err(shared) => db = shared,
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(Error::new(Code::AppBusyClosing, serde_json::json!({})))
}

/// How many times (50 ms apart) a restore waits for calls still using the database.
const SOLE_WAITS: u32 = 200;

fn minutes(n: u32) -> Duration {
    Duration::from_secs(u64::from(n) * 60)
}

fn unlocked(db: Db, session: Session, must_change: bool) -> Result<Phase> {
    let auto_lock = minutes(api::session_policy(&db, &session)?.auto_lock_minutes);
    Ok(Phase::Unlocked {
        db: Arc::new(db),
        session,
        must_change,
        last_used: Instant::now(),
        auto_lock,
        notices: Vec::new(),
    })
}
