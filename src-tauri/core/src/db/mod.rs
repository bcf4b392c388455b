//! The encrypted store: opening a SQLCipher file, the pragmas every connection gets, schema
//! migrations, and the transaction helper every multi-statement write goes through.

pub mod capture;
mod head;
mod migrations;

pub use head::{head_path, LostCommits};
pub use migrations::{latest_version, schema_version, version_of, MIGRATIONS};

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior};

use crate::{Error, Result};

/// File name of the database inside a data directory.
pub const DB_FILE_NAME: &str = "haven.db";

/// How long a writer waits for another writer (another window, the CLI) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a waiting writer tries again (see [`busy_wait`]).
const BUSY_POLL: Duration = Duration::from_millis(2);

/// How many times the first keyed open checks that SQLCipher has finished starting (1 ms apart).
const START_CHECKS: u32 = 1000;

/// An open, unlocked, migrated Haven database.
///
/// One connection behind a mutex: the app and the CLI are single-user programs, and SQLite
/// serialises writers anyway. Readers of the same file in other processes use WAL.
#[derive(Debug)]
pub struct Db {
    conn: Mutex<Connection>,
    /// Whether the connection is set `PRAGMA query_only` now (read and changed only while
    /// `conn` is held). A read leaves it on and a write turns it off, so a run of reads, the
    /// desk's usual traffic, pays for the pragma once rather than twice per call.
    query_only: AtomicBool,
    path: PathBuf,
    /// The raw database key, when the file is opened with one (per-user passphrases wrap it).
    /// `None` for a database keyed by one passphrase through SQLCipher's own derivation.
    key: Option<DbKey>,
    /// Opened read-only because the disk or folder cannot be written (a locked USB stick, a
    /// CD, a read-only share): reads and prints work, writes are refused by [`Db::write`].
    read_only_media: bool,
    /// The audit entry the head file names (see `head.rs`): rewritten when a commit moves it.
    head_seq: AtomicI64,
    /// Commits found missing at open (the head file was ahead of the database).
    lost: Option<LostCommits>,
}

/// How a database file is keyed.
pub(crate) enum Keying<'a> {
    /// A passphrase, stretched by SQLCipher's PBKDF2 (databases made before per-user
    /// passphrases, and throwaway databases in tests and benchmarks).
    Passphrase(&'a str),
    /// A random 256-bit key, used as is (`PRAGMA key = "x'...'"`).
    Raw(&'a DbKey),
}

/// A random 256-bit database key. Wiped from memory when dropped; never printed by `Debug`.
#[derive(Clone, PartialEq, Eq, zeroize::ZeroizeOnDrop)]
pub struct DbKey([u8; 32]);

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(..)")
    }
}

impl DbKey {
    /// A new key from the operating system's random source.
    pub fn generate() -> DbKey {
        use aes_gcm::aead::rand_core::RngCore;
        let mut bytes = [0u8; 32];
        aes_gcm::aead::OsRng.fill_bytes(&mut bytes);
        DbKey(bytes)
    }

    /// A key from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> DbKey {
        DbKey(bytes)
    }

    /// A key from 64 hexadecimal digits (the recovery key; spaces and dashes are ignored).
    pub fn from_hex(text: &str) -> Result<DbKey> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        let digits = digits.trim_start_matches("x'").trim_end_matches('\'');
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(digits, &mut bytes)
            .map_err(|_| Error::at("key", crate::Code::DatabaseRecoveryKeyInvalid, serde_json::json!({})))?;
        Ok(DbKey(bytes))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The key as 64 upper-case hexadecimal digits: what `PRAGMA key = "x'...'"` takes.
    pub fn to_hex(&self) -> String {
        hex::encode_upper(self.0)
    }

    /// The statement that keys a connection (or SQLCipher's own tools) with this key.
    pub fn key_pragma(&self) -> String {
        format!("PRAGMA key = \"x'{}'\";", self.to_hex())
    }
}

/// The path of the database file in a data directory.
pub fn db_path(data_dir: &Path) -> PathBuf {
    data_dir.join(DB_FILE_NAME)
}

impl Db {
    /// Opens an existing database with its passphrase and brings its schema up to date.
    ///
    /// A wrong passphrase is [`Error::WrongPassphrase`]; a missing file is `NotFound` (the app
    /// never creates a database by accident, e.g. after a typo in `--data-dir`).
    pub fn open(path: &Path, passphrase: &str) -> Result<Db> {
        if !path.is_file() {
            return Err(Error::new(
                crate::Code::DatabaseNotFound,
                serde_json::json!({"path": path.display().to_string()}),
            ));
        }
        Self::open_with_flags(path, Keying::Passphrase(passphrase), OpenFlags::SQLITE_OPEN_READ_WRITE)
    }

    /// Opens an existing database with its raw key and brings its schema up to date. A file
    /// on media that cannot be written is opened read-only instead (see
    /// [`Db::open_read_only_with_key`]): SQLite's own answer there, "unable to open database
    /// file", says nothing a person can act on.
    pub fn open_with_key(path: &Path, key: &DbKey) -> Result<Db> {
        if !path.is_file() {
            return Err(Error::new(
                crate::Code::DatabaseNotFound,
                serde_json::json!({"path": path.display().to_string()}),
            ));
        }
        match Self::open_with_flags(path, Keying::Raw(key), OpenFlags::SQLITE_OPEN_READ_WRITE) {
            Err(Error::Sqlite(_)) if media_is_read_only(path) => Self::open_read_only_with_key(path, key),
            other => other,
        }
    }

    /// Opens a database read-only with its raw key, changing nothing on disk: no WAL, no
    /// migration, no journal (SQLite is told the file cannot change under it). Reads work;
    /// [`Db::write`] is refused with what to do. A file whose schema is older than this Haven's
    /// is refused, since bringing it up to date would write.
    pub fn open_read_only_with_key(path: &Path, key: &DbKey) -> Result<Db> {
        if !path.is_file() {
            return Err(Error::new(
                crate::Code::DatabaseNotFound,
                serde_json::json!({"path": path.display().to_string()}),
            ));
        }
        let uri = immutable_uri(path);
        let conn = keyed_connection(
            Path::new(&uri),
            &Keying::Raw(key),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
        )?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.set_prepared_statement_cache_capacity(128);
        let version = schema_version(&conn)?;
        if version != latest_version() {
            return Err(Error::new(
                crate::Code::DatabaseReadOnlyNeedsUpgrade,
                serde_json::json!({"path": path.display().to_string()}),
            ));
        }
        // Nothing is written here, so the head file is neither checked nor moved.
        let found = head::current(&conn)?;
        Ok(Db {
            conn: Mutex::new(conn),
            query_only: AtomicBool::new(false),
            path: path.to_path_buf(),
            key: Some(key.clone()),
            read_only_media: true,
            head_seq: AtomicI64::new(found.seq),
            lost: None,
        })
    }

    /// Whether the database was opened read-only because its disk or folder cannot be written.
    pub fn is_read_only_media(&self) -> bool {
        self.read_only_media
    }

    /// Creates a new database encrypted with a raw key, refusing to touch an existing file.
    pub fn create_with_key(path: &Path, key: &DbKey) -> Result<Db> {
        Self::create_keyed(path, Keying::Raw(key))
    }

    /// Creates a new encrypted database, refusing to touch an existing file.
    pub fn create(path: &Path, passphrase: &str) -> Result<Db> {
        Self::create_keyed(path, Keying::Passphrase(passphrase))
    }

    fn create_keyed(path: &Path, keying: Keying<'_>) -> Result<Db> {
        if path.exists() {
            return Err(Error::new(
                crate::Code::SetupDatabaseExists,
                serde_json::json!({"path": path.display().to_string()}),
            ));
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // A head file left by a database that is gone says nothing about this new one.
        let _ = std::fs::remove_file(head_path(path));
        Self::open_with_flags(path, keying, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE)
    }

    /// Opens the database at `path`, creating it first when it does not exist.
    pub fn open_or_create(path: &Path, passphrase: &str) -> Result<Db> {
        if path.exists() {
            Self::open(path, passphrase)
        } else {
            Self::create(path, passphrase)
        }
    }

    fn open_with_flags(path: &Path, keying: Keying<'_>, flags: OpenFlags) -> Result<Db> {
        if matches!(keying, Keying::Passphrase("")) {
            return Err(Error::at("passphrase", crate::Code::AccessPassphraseMissing, serde_json::json!({})));
        }
        let mut conn = keyed_connection(path, &keying, flags | OpenFlags::SQLITE_OPEN_URI)?;
        let key = match keying {
            Keying::Passphrase(_) => None,
            Keying::Raw(key) => Some(key.clone()),
        };
        apply_pragmas(&conn)?;
        migrations::migrate(&mut conn)?;
        capture::ensure_identity(&conn)?;
        let found = head::current(&conn)?;
        let lost = match head::read(path) {
            Some(recorded) if recorded.seq > found.seq => Some(LostCommits {
                recorded_seq: recorded.seq,
                recorded_hash: recorded.hash,
                found_seq: found.seq,
            }),
            Some(recorded) if recorded == found => None,
            _ => {
                // No head file yet (a new database, or one from before the file), or one
                // behind after a power cut: it starts from what the database holds. A file
                // that cannot be written (read-only media) leaves the check undone, not the open.
                let _ = head::write(path, &found);
                None
            }
        };
        Ok(Db {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
            key,
            read_only_media: false,
            query_only: AtomicBool::new(false),
            head_seq: AtomicI64::new(found.seq),
            lost,
        })
    }

    /// Commits this database no longer holds, found when it was opened: the head file beside
    /// it named a newer audit entry than its log ends with (its write-ahead log was lost). The
    /// sign-in records this in the audit log and warns; `None` when nothing is missing.
    pub fn lost_commits(&self) -> Option<&LostCommits> {
        self.lost.as_ref()
    }

    /// Brings the head file up to the audit log after a commit (when the commit moved it).
    fn note_head(&self, conn: &Connection) {
        // The commit has landed whatever happens here: a head file that cannot be written
        // (read-only media, a full disk) is tried again at the next commit.
        if let Ok(found) = head::current(conn) {
            if found.seq != self.head_seq.load(Ordering::Relaxed) && head::write(&self.path, &found).is_ok() {
                self.head_seq.store(found.seq, Ordering::Relaxed);
            }
        }
    }

    /// The raw database key, when the database is keyed by one (see [`DbKey`]).
    pub fn key(&self) -> Option<&DbKey> {
        self.key.as_ref()
    }

    /// Re-encrypts a passphrase-keyed database with a raw key (moving it to per-user
    /// passphrases). Every page is rewritten; the file stays in place.
    pub fn rekey(&mut self, key: &DbKey) -> Result<()> {
        {
            let conn = self.conn()?;
            // SQLCipher rewrites pages through the rollback journal, not the WAL.
            conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
            conn.execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", key.to_hex()))?;
            conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))?;
            check_key(&conn)?;
        }
        self.key = Some(key.clone());
        Ok(())
    }

    /// The file this database lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Exclusive use of the connection (a backup copies through it), writable.
    ///
    /// Refused inside [`Db::read_only`]: the raw connection could write.
    pub fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        refuse_in_read_only_scope()?;
        if CHECKING_ONLY.get() {
            return Err(checked_only());
        }
        let conn = self.lock()?;
        self.set_query_only(&conn, false)?;
        Ok(conn)
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| Error::new(crate::Code::DatabasePoisoned, serde_json::json!({})))
    }

    /// Sets `PRAGMA query_only` to `on` unless it is already so. Called with `conn` held.
    fn set_query_only(&self, conn: &Connection, on: bool) -> Result<()> {
        if self.query_only.load(Ordering::Relaxed) != on {
            conn.pragma_update(None, "query_only", on)?;
            self.query_only.store(on, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Runs `f` inside one immediate transaction: everything it writes lands, or nothing does.
    /// What it changes in replicated tables is captured for the other replicas in the same
    /// transaction (see [`capture`]).
    ///
    /// Refused inside [`Db::read_only`].
    pub fn write<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        refuse_in_read_only_scope()?;
        if self.read_only_media {
            return Err(read_only_media_refusal(&self.path));
        }
        let mut conn = self.lock()?;
        self.set_query_only(&conn, false)?;
        if CHECKING_ONLY.get() {
            return check_and_roll_back(&mut conn, f);
        }
        let out = capture::with_captured_tx(&mut conn, f)?;
        self.note_head(&conn);
        Ok(out)
    }

    /// Runs `f` in one immediate transaction without capture: for the exchange engine, which
    /// applies changes received from other replicas and stores them with their own origin.
    pub(crate) fn write_uncaptured<T>(&self, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        refuse_in_read_only_scope()?;
        if self.read_only_media {
            return Err(read_only_media_refusal(&self.path));
        }
        let mut conn = self.lock()?;
        self.set_query_only(&conn, false)?;
        if CHECKING_ONLY.get() {
            return check_and_roll_back(&mut conn, f);
        }
        let out = with_tx(&mut conn, f)?;
        self.note_head(&conn);
        Ok(out)
    }

    /// Runs `f` in one deferred transaction on which SQLite refuses every write
    /// (`PRAGMA query_only`, left on until the next write): a statement that would change the
    /// file fails with an internal error (`database.read_wrote`) and `f`'s reads see one snapshot.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let mut conn = self.lock()?;
        self.set_query_only(&conn, true)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        let out = f(&tx).map_err(refused_write)?;
        tx.commit()?;
        Ok(out)
    }

    /// Runs `f` (one API function marked READ, `name`) so that it can only read: on this
    /// thread, until `f` returns, [`Db::write`] and [`Db::conn`] are refused with
    /// an internal error, and every [`Db::read`] is read-only anyway.
    pub fn read_only<T>(&self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let _scope = ReadOnlyScope::enter(name);
        f()
    }

    /// Runs `f` (one API function asked only to check its input) so that it writes nothing: on
    /// this thread, until `f` returns, [`Db::write`] runs its closure (the form's checks, then
    /// its writes) in a transaction that is always rolled back, and fails with
    /// `database.checked_only` when the closure found nothing wrong; [`Db::conn`] is refused the
    /// same way. A refusal of the checks comes back as it is, with every problem of the form.
    pub fn checking_only<T>(&self, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let _scope = CheckingScope(CHECKING_ONLY.replace(true));
        f()
    }
}

/// The end of a write while only checking: the closure's refusal, or `database.checked_only`
/// once it passed; either way the transaction is rolled back.
fn check_and_roll_back<T>(conn: &mut Connection, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let checked = f(&tx);
    tx.rollback()?;
    checked.and(Err(checked_only()))
}

/// What a write answers while only checking, once the checks passed: nothing was written.
pub fn checked_only() -> Error {
    Error::new(crate::Code::DatabaseCheckedOnly, serde_json::json!({}))
}

/// The refusal of a change to a database opened from read-only media, saying what to do.
pub fn read_only_media_refusal(path: &Path) -> Error {
    Error::new(crate::Code::DatabaseReadOnly, serde_json::json!({"path": path.display().to_string()}))
}

/// Whether the folder holding `path` cannot be written (a read-only file system, a locked
/// stick, a folder without write permission) or the file itself is read-only. Found by trying:
/// a small file is made and removed again.
pub fn media_is_read_only(path: &Path) -> bool {
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return true;
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let probe = dir.join(format!(".haven-write-check-{}", std::process::id()));
    match std::fs::write(&probe, b"haven") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            false
        }
        Err(e) => {
            matches!(e.kind(), std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem)
        }
    }
}

/// A `file:` URI for `path` that tells SQLite the file cannot change (`immutable=1`): no lock,
/// WAL index or journal is looked for or made, which read-only media could not hold.
fn immutable_uri(path: &Path) -> String {
    let mut uri = String::from("file:");
    let text = path.to_string_lossy();
    // "C:\\..." becomes "file:/C:/...", which SQLite reads as that drive's path.
    if path.is_absolute() && !text.starts_with('/') {
        uri.push('/');
    }
    for c in text.chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            '\\' => uri.push('/'),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

thread_local! {
    /// The READ function this thread is running, if any (see [`Db::read_only`]). Per thread:
    /// the app's background backup writes on its own thread while a READ call runs on another.
    static READ_ONLY: Cell<Option<&'static str>> = const { Cell::new(None) };
    /// Whether this thread only checks a form's input (see [`Db::checking_only`]).
    static CHECKING_ONLY: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as only checking until dropped, then puts back what was there.
struct CheckingScope(bool);

impl Drop for CheckingScope {
    fn drop(&mut self) {
        CHECKING_ONLY.set(self.0);
    }
}

/// Marks this thread read-only until dropped, then puts back what was there (scopes nest, and
/// a panic inside still clears the mark).
struct ReadOnlyScope(Option<&'static str>);

impl ReadOnlyScope {
    fn enter(name: &'static str) -> ReadOnlyScope {
        ReadOnlyScope(READ_ONLY.replace(Some(name)))
    }
}

impl Drop for ReadOnlyScope {
    fn drop(&mut self) {
        READ_ONLY.set(self.0);
    }
}

fn refuse_in_read_only_scope() -> Result<()> {
    match READ_ONLY.get() {
        Some(name) => Err(Error::new(
            crate::Code::DatabaseReadFunctionWrote,
            serde_json::json!({"name": name.to_string()}),
        )),
        None => Ok(()),
    }
}

/// A statement refused by `query_only` is SQLite's "attempt to write a readonly database":
/// said as what it is, a read that tried to write (a bug, not the user's doing).
fn refused_write(e: Error) -> Error {
    match &e {
        Error::Sqlite(s) if s.sqlite_error_code() == Some(ErrorCode::ReadOnly) => {
            Error::new(crate::Code::DatabaseReadWrote, serde_json::json!({"s": s.to_string()}))
        }
        _ => e,
    }
}

/// Opens `path` and keys the connection, checking the key: a plain connection with no pragmas
/// and no migration (the `Db` constructors add those; backups use it as is).
pub(crate) fn keyed_connection(path: &Path, keying: &Keying<'_>, flags: OpenFlags) -> Result<Connection> {
    sqlcipher_started()?;
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    // SQLCipher logs a failed key check to stderr; the caller gets a typed error instead,
    // and the CLI's stderr stays one JSON line.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    // The key comes before any statement that reads the file.
    match keying {
        // pragma_update quotes the passphrase as an SQL string.
        Keying::Passphrase(passphrase) => conn.pragma_update(None, "key", passphrase)?,
        // A raw key is hexadecimal digits this code made, in SQLCipher's blob-literal form.
        Keying::Raw(key) => conn.execute_batch(&key.key_pragma())?,
    }
    check_key(&conn)?;
    Ok(conn)
}

/// Waits, once per process, until SQLCipher has finished starting.
///
/// SQLite marks itself started a moment before SQLCipher has set up its crypto provider, and a
/// thread that keys a connection in that moment is refused ("An error occurred with PRAGMA key
/// or rekey"); several threads open databases at once in the app (the background backup) and
/// in tests. The first caller keys a throwaway in-memory connection until that works (at once,
/// unless another thread is mid-start); every other caller waits on the lock, then finds the
/// flag set.
fn sqlcipher_started() -> Result<()> {
    static STARTED: Mutex<bool> = Mutex::new(false);
    let mut started = STARTED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut attempts = 0;
    while !*started {
        match Connection::open_in_memory().and_then(|c| c.pragma_update(None, "key", "start-up check")) {
            Ok(()) => *started = true,
            Err(e) if attempts >= START_CHECKS => {
                return Err(Error::new(
                    crate::Code::DatabaseEncryptionNotStarted,
                    serde_json::json!({"detail": e.to_string()}),
                ));
            }
            Err(_) => {
                attempts += 1;
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
    Ok(())
}

/// Saves a row that the caller may be changing or adding: runs `update` when `existing`, else
/// `insert`, both with the same parameters (`?1` the id). An update that matches no row is
/// the refusal `missing` (a code of kind `not_found`, with no values).
pub(crate) fn update_or_insert(
    conn: &Connection,
    existing: bool,
    update: &str,
    insert: &str,
    params: &[&dyn rusqlite::ToSql],
    missing: crate::Code,
) -> Result<()> {
    if existing {
        if conn.execute(update, params)? == 0 {
            return Err(Error::new(missing, serde_json::json!({})));
        }
    } else {
        conn.execute(insert, params)?;
    }
    Ok(())
}

/// Runs `f` in an immediate transaction on `conn`, committing on `Ok` and rolling back on `Err`.
///
/// Immediate: the write lock is taken at the start, so two writers never both read a balance
/// and then both write on top of it.
pub fn with_tx<T>(conn: &mut Connection, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = f(&tx)?;
    tx.commit()?;
    Ok(out)
}

/// Reading the schema is the first thing that fails when the key is wrong ("file is not a
/// database"); turn that into the typed error.
fn check_key(conn: &Connection) -> Result<()> {
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(()),
        Err(e) if e.sqlite_error_code() == Some(ErrorCode::NotADatabase) => Err(Error::WrongPassphrase),
        Err(e) => Err(e.into()),
    }
}

/// Waits for another connection's write lock: tries again every [`BUSY_POLL`] until
/// [`BUSY_TIMEOUT`] has passed. SQLite's own busy timeout sleeps longer and longer between tries
/// (up to 100 ms), so a registration waiting behind a long import written in short chunks could
/// miss every gap between them; trying often, it gets the lock at the first gap.
fn busy_wait(tries: i32) -> bool {
    let waited = BUSY_POLL * u32::try_from(tries).unwrap_or(u32::MAX);
    if waited >= BUSY_TIMEOUT {
        return false;
    }
    std::thread::sleep(BUSY_POLL);
    true
}

/// Pragmas set on every open (they are per connection, so they are not in migrations).
fn apply_pragmas(conn: &Connection) -> Result<()> {
    conn.busy_handler(Some(busy_wait))?;
    // WAL: readers never block the writer, and a crash mid-write leaves the last commit intact.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::new(
            crate::Code::DatabaseWalRefused,
            serde_json::json!({"mode": mode.to_string()}),
        ));
    }
    // FULL: a committed transaction survives a power cut too (a camp laptop runs on batteries),
    // at the cost of one WAL fsync per commit.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // SQLCipher decrypts every page it reads from disk; a 32 MiB page cache keeps the indexes
    // of a 100,000-person case book decrypted in memory (the default is 2 MiB).
    conn.pragma_update(None, "cache_size", -32_768)?;
    // Prepared statements kept for reuse (rusqlite keeps 16 by default): recording a collection
    // at the desk runs about 30 distinct statements, and re-preparing an insert into the stock
    // ledger also recompiles its triggers.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragmas_are_set_on_open() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = db_path(dir.path());
        drop(Db::create(&path, "correct horse")?);
        let db = Db::open(&path, "correct horse")?;
        db.read(|c| {
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
            let busy: i64 = c.query_row("PRAGMA busy_timeout", [], |r| r.get(0))?;
            assert_eq!(fk, 1, "foreign keys must be on");
            assert_eq!(mode, "wal");
            assert_eq!(sync, 2, "synchronous must be FULL");
            // The wait is Haven's own busy handler (which SQLite reports as no timeout).
            assert_eq!(busy, 0);
            assert!(busy_wait(0), "a writer waits at first");
            assert!(!busy_wait(2_500), "and gives up after five seconds");
            Ok(())
        })
    }

    #[test]
    fn wrong_passphrase_is_a_typed_error() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = db_path(dir.path());
        drop(Db::create(&path, "correct horse")?);
        let err = Db::open(&path, "wrong horse").err();
        assert!(matches!(err, Some(Error::WrongPassphrase)), "got {err:?}");
        Ok(())
    }

    #[test]
    fn missing_file_is_not_found_and_not_created() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = db_path(dir.path());
        let err = Db::open(&path, "x").err();
        assert!(err.as_ref().is_some_and(|e| e.kind() == crate::ErrorKind::NotFound), "got {err:?}");
        assert!(!path.exists(), "open must not create a database");
        Ok(())
    }

    #[test]
    fn create_refuses_an_existing_file() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = db_path(dir.path());
        drop(Db::create(&path, "one passphrase")?);
        assert!(Db::create(&path, "other").is_err_and(|e| e.kind() == crate::ErrorKind::Conflict));
        Ok(())
    }

    #[test]
    fn file_is_encrypted_on_disk() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let path = db_path(dir.path());
        let db = Db::create(&path, "correct horse")?;
        db.write(|tx| {
            crate::settings::set(tx, "marker", "ZEBRA-MARKER-1234")?;
            Ok(())
        })?;
        drop(db);
        let bytes = std::fs::read(&path)?;
        assert!(!bytes.starts_with(b"SQLite format 3"), "plain SQLite header found");
        let needle = b"ZEBRA-MARKER-1234";
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "plaintext found in file");
        Ok(())
    }

    #[test]
    fn failed_write_changes_nothing() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::create(&db_path(dir.path()), "correct horse")?;
        let res: Result<()> = db.write(|tx| {
            crate::settings::set(tx, "a", "1")?;
            Err(Error::at("a", crate::Code::SetupCentreNameMissing, serde_json::json!({})))
        });
        assert!(res.is_err());
        let n: i64 =
            db.read(|c| Ok(c.query_row("SELECT count(*) FROM settings WHERE key='a'", [], |r| r.get(0))?))?;
        assert_eq!(n, 0, "the first insert must have been rolled back");
        Ok(())
    }
}
