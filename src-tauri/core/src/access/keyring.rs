//! Per-user passphrases over one encrypted database.
//!
//! The database is encrypted with one random 256-bit key ([`DbKey`]). Each user's passphrase is
//! stretched with Argon2id into a key-encryption key, which seals the database key with
//! AES-256-GCM. The sealed copies live in `haven.keys` beside `haven.db`, one entry per user.
//! Adding, removing or resetting a user rewrites that small file; the data is never re-encrypted.
//!
//! The raw database key is the centre's **recovery key**: shown once at setup (with a printable
//! sheet for the safe), it opens the file in stock SQLCipher tools with
//! `PRAGMA key = "x'<hex>'"`, so a forgotten passphrase never loses the data.
//!
//! Failed sign-ins are counted per name in the same file: from the third failure on, the next
//! attempt must wait 1, 2, 4, ... seconds (at most five minutes). Failures are copied into the
//! audit log at the next successful sign-in, since the log cannot be written while locked.
//! The file never holds a typed name that is not a user's (it may be a passphrase typed in the
//! wrong box): counts are kept under a keyed hash of the name with a random salt of this file,
//! failures under such names reach the audit log only as a count, and the file stays bounded
//! (counts untouched for a day are dropped, and at most [`MAX_OTHER_NAMES`] are kept for names
//! that are not users', so made-up names can neither grow the file nor push a user's count out).
//!
//! Databases made before per-user passphrases (no `haven.keys`) are keyed by one shared
//! passphrase. The first sign-in moves them over: a new random key, every page re-encrypted,
//! and an entry for every active user with the old shared passphrase, marked to be changed.

use std::path::{Path, PathBuf};

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::access::{audit, users, Session};
use crate::db::DbKey;
use crate::{durable, Db, Error, Result};

/// File name of the keyring beside the database.
pub const KEYRING_FILE_NAME: &str = "haven.keys";

const FORMAT: &str = "haven-keyring-1";

/// Argon2id cost for new entries: 46 MiB, one pass, one lane (OWASP's first recommended
/// setting). Stored per entry, so it can be raised later without breaking old entries.
const M_COST_KIB: u32 = 47_104;
const T_COST: u32 = 1;
const P_COST: u32 = 1;

/// Failures allowed before sign-in starts to slow down.
const FREE_FAILURES: u32 = 3;
/// The longest wait between attempts.
const MAX_DELAY_SECS: i64 = 300;
/// A failure count untouched this long is forgotten (far beyond the longest wait).
const FAILURE_MEMORY_HOURS: i64 = 24;
/// Failure counts kept for names that are not users' (the newest win).
const MAX_OTHER_NAMES: usize = 16;
/// Users' failed sign-ins listed one by one for the audit log; beyond this they are counted.
const MAX_LISTED_FAILURES: usize = 100;

/// The key file for a database file: `haven.keys` in the same folder.
pub fn keyring_path(db_path: &Path) -> PathBuf {
    db_path.with_file_name(KEYRING_FILE_NAME)
}

/// One user's sealed copy of the database key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    user_id: String,
    username: String,
    kdf: String,
    m_cost_kib: u32,
    t_cost: u32,
    p_cost: u32,
    salt: String,
    nonce: String,
    sealed_key: String,
    /// Set for passphrases someone else chose (a lead's reset, the move from one shared
    /// passphrase): the user is asked to choose their own.
    #[serde(default)]
    must_change: bool,
    created_at: String,
}

/// Failed attempts for one sign-in name.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Failures {
    count: u32,
    last_at: Option<DateTime<Utc>>,
}

/// A failed sign-in under a user's name, waiting to be copied into the audit log.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct FailedSignIn {
    username: String,
    at: DateTime<Utc>,
}

/// Failed sign-ins waiting for the audit log that are not listed one by one: under names that
/// are not users' (never written down), or past [`MAX_LISTED_FAILURES`].
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UnlistedFailures {
    count: u64,
    first_at: DateTime<Utc>,
    last_at: DateTime<Utc>,
}

/// The contents of `haven.keys`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Keyring {
    format: String,
    entries: Vec<Entry>,
    /// Random, one per file: the key of the hash that failure counts are kept under. Files
    /// from before it have none (and plain names), and get one when read.
    #[serde(default)]
    name_salt: String,
    /// Failure counts by [`Keyring::name_tag`] of the typed name.
    #[serde(default)]
    failures: std::collections::BTreeMap<String, Failures>,
    #[serde(default)]
    failed_sign_ins: Vec<FailedSignIn>,
    #[serde(default)]
    unlisted_failures: Option<UnlistedFailures>,
}

/// What was found in a key file that could be read.
enum KeyFile {
    /// A keyring of this format.
    Whole(Keyring),
    /// A file that cannot be understood, and why (kept in the recovery's audit entry).
    Damaged(String),
}

impl Keyring {
    fn empty() -> Keyring {
        Keyring {
            format: FORMAT.into(),
            entries: Vec::new(),
            name_salt: new_salt(),
            failures: Default::default(),
            failed_sign_ins: Vec::new(),
            unlisted_failures: None,
        }
    }

    /// The key a typed name's failure count is kept under: a keyed hash, so the file does not
    /// hold the name, and the same name always finds its count.
    fn name_tag(&self, name: &str) -> String {
        let mut h = Sha256::new();
        h.update(self.name_salt.as_bytes());
        h.update([0u8]);
        h.update(name.trim().to_lowercase().as_bytes());
        hex::encode(&h.finalize()[..16])
    }

    /// Brings a file from before hashed names up to date: counts re-keyed by hash, and failures
    /// under names that are not users' folded into the unlisted count.
    fn upgrade(&mut self) {
        if !self.name_salt.is_empty() {
            return;
        }
        self.name_salt = new_salt();
        let plain = std::mem::take(&mut self.failures);
        for (name, f) in plain {
            self.failures.insert(self.name_tag(&name), f);
        }
        let listed = std::mem::take(&mut self.failed_sign_ins);
        for f in listed {
            match self.entry(&f.username).map(|e| e.username.clone()) {
                Some(username) => self.failed_sign_ins.push(FailedSignIn { username, at: f.at }),
                None => self.count_unlisted(f.at),
            }
        }
    }

    fn count_unlisted(&mut self, at: DateTime<Utc>) {
        let u =
            self.unlisted_failures.get_or_insert(UnlistedFailures { count: 0, first_at: at, last_at: at });
        u.count = u.count.saturating_add(1);
        u.first_at = u.first_at.min(at);
        u.last_at = u.last_at.max(at);
    }

    /// Counts a failed sign-in under `name` and keeps the file bounded.
    fn record_failure(&mut self, name: &str, now: DateTime<Utc>) {
        let tag = self.name_tag(name);
        let f = self.failures.entry(tag).or_default();
        f.count = f.count.saturating_add(1);
        f.last_at = Some(now);
        match self.entry(name).map(|e| e.username.clone()) {
            Some(username) if self.failed_sign_ins.len() < MAX_LISTED_FAILURES => {
                self.failed_sign_ins.push(FailedSignIn { username, at: now });
            }
            _ => self.count_unlisted(now),
        }
        self.prune(now);
    }

    /// Forgets counts untouched for [`FAILURE_MEMORY_HOURS`], and all but the newest
    /// [`MAX_OTHER_NAMES`] counts of names that are not users'. Users' counts are never pushed
    /// out by others: they are bounded by the number of users.
    fn prune(&mut self, now: DateTime<Utc>) {
        let horizon = now - Duration::hours(FAILURE_MEMORY_HOURS);
        self.failures.retain(|_, f| f.last_at.is_some_and(|at| at > horizon));
        let users: std::collections::BTreeSet<String> =
            self.entries.iter().map(|e| self.name_tag(&e.username)).collect();
        let mut others: Vec<(DateTime<Utc>, String)> = self
            .failures
            .iter()
            .filter(|(tag, _)| !users.contains(*tag))
            .map(|(tag, f)| (f.last_at.unwrap_or(horizon), tag.clone()))
            .collect();
        if others.len() > MAX_OTHER_NAMES {
            others.sort();
            for (_, tag) in &others[..others.len() - MAX_OTHER_NAMES] {
                self.failures.remove(tag);
            }
        }
    }

    /// Reads the key file; a file that cannot be understood is a [`damaged`] error.
    fn load(path: &Path) -> Result<Keyring> {
        match Keyring::read(path)? {
            KeyFile::Whole(ring) => Ok(ring),
            KeyFile::Damaged(reason) => Err(damaged(path, &reason)),
        }
    }

    /// Reads the key file: the keyring, or why it cannot be understood (empty, cut short, not
    /// text, not JSON, another kind of file). Only a failure to read the file at all is an error.
    fn read(path: &Path) -> Result<KeyFile> {
        let bytes = std::fs::read(path).map_err(|e| {
            Error::Io(std::io::Error::new(
                e.kind(),
                format!("could not read the key file {}: {e}", path.display()),
            ))
        })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(KeyFile::Damaged("it is empty".into()));
        }
        let ring: Keyring = match serde_json::from_slice(&bytes) {
            Ok(ring) => ring,
            Err(e) => return Ok(KeyFile::Damaged(format!("it is not a whole key file: {e}"))),
        };
        if ring.format != FORMAT {
            return Ok(KeyFile::Damaged(format!("it is of an unknown kind \"{}\"", ring.format)));
        }
        let mut ring = ring;
        ring.upgrade();
        Ok(KeyFile::Whole(ring))
    }

    /// Writes the file whole and durably ([`durable::replace_file`]), so a crash or a power cut
    /// leaves either the old or the new keyring, never half of one and never none.
    fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(|e| {
            Error::new(crate::Code::KeyringNotEncoded, serde_json::json!({"detail": e.to_string()}))
        })?;
        durable::replace_file(path, text.as_bytes())
    }

    fn entry(&self, username: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.username.eq_ignore_ascii_case(username))
    }

    fn remove(&mut self, user_id: &str) -> bool {
        let before = self.entries.len();
        self.entries.retain(|e| e.user_id != user_id);
        self.entries.len() != before
    }

    fn put(&mut self, entry: Entry) {
        self.remove(&entry.user_id.clone());
        self.entries.push(entry);
    }
}

fn new_salt() -> String {
    let mut salt = [0u8; 16];
    OsRng.fill_bytes(&mut salt);
    hex::encode(salt)
}

fn cipher_for(passphrase: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<Aes256Gcm> {
    let params = Params::new(m, t, p, Some(32)).map_err(|e| {
        Error::new(crate::Code::KeyringDerivationSettings, serde_json::json!({"detail": e.to_string()}))
    })?;
    let mut kek = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, kek.as_mut())
        .map_err(|e| {
            Error::new(crate::Code::KeyringDerivationFailed, serde_json::json!({"detail": e.to_string()}))
        })?;
    Aes256Gcm::new_from_slice(kek.as_ref()).map_err(|e| {
        Error::new(crate::Code::KeyringSetupFailed, serde_json::json!({"detail": e.to_string()}))
    })
}

/// Ties a sealed key to its user: an entry copied onto another user's name does not open.
fn aad(user_id: &str, username: &str) -> Vec<u8> {
    format!("{FORMAT}\n{user_id}\n{}", username.to_lowercase()).into_bytes()
}

fn seal(key: &DbKey, user_id: &str, username: &str, passphrase: &str, must_change: bool) -> Result<Entry> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 12];
    OsRng.fill_bytes(&mut salt);
    OsRng.fill_bytes(&mut nonce);
    let cipher = cipher_for(passphrase, &salt, M_COST_KIB, T_COST, P_COST)?;
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), Payload { msg: key.as_bytes(), aad: &aad(user_id, username) })
        .map_err(|_| Error::new(crate::Code::KeyringNotSealed, serde_json::json!({})))?;
    Ok(Entry {
        user_id: user_id.into(),
        username: username.into(),
        kdf: "argon2id".into(),
        m_cost_kib: M_COST_KIB,
        t_cost: T_COST,
        p_cost: P_COST,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        sealed_key: hex::encode(sealed),
        must_change,
        created_at: Utc::now().to_rfc3339(),
    })
}

/// Opens an entry with a passphrase; `None` when the passphrase is wrong.
fn open_entry(entry: &Entry, passphrase: &str) -> Result<Option<DbKey>> {
    let bad = || {
        Error::new(
            crate::Code::KeyringEntryDamaged,
            serde_json::json!({"username": entry.username.to_string()}),
        )
    };
    if entry.kdf != "argon2id" {
        return Err(bad());
    }
    let salt = hex::decode(&entry.salt).map_err(|_| bad())?;
    let nonce = hex::decode(&entry.nonce).map_err(|_| bad())?;
    let sealed = hex::decode(&entry.sealed_key).map_err(|_| bad())?;
    if nonce.len() != 12 {
        return Err(bad());
    }
    let cipher = cipher_for(passphrase, &salt, entry.m_cost_kib, entry.t_cost, entry.p_cost)?;
    let plain = cipher.decrypt(
        Nonce::from_slice(&nonce),
        Payload { msg: &sealed, aad: &aad(&entry.user_id, &entry.username) },
    );
    match plain {
        Ok(bytes) => {
            let bytes = Zeroizing::new(bytes);
            let array: [u8; 32] = bytes.as_slice().try_into().map_err(|_| bad())?;
            Ok(Some(DbKey::from_bytes(array)))
        }
        Err(_) => Ok(None),
    }
}

/// How long a name must wait before its next attempt, if at all.
fn wait_for(f: &Failures, now: DateTime<Utc>) -> Option<i64> {
    if f.count < FREE_FAILURES {
        return None;
    }
    let exp = (f.count - FREE_FAILURES).min(16);
    let delay = (1i64 << exp).min(MAX_DELAY_SECS);
    let last = f.last_at?;
    let left = (last + Duration::seconds(delay) - now).num_milliseconds();
    (left > 0).then(|| (left + 999) / 1000)
}

/// A key file that cannot be understood: no passphrase can open the database, the recovery key
/// still can, and `recover` rebuilds the file.
fn damaged(path: &Path, reason: &str) -> Error {
    Error::new(
        crate::Code::AccessKeyFileDamaged,
        serde_json::json!({"path": path.display().to_string(), "reason": reason}),
    )
}

fn wrong() -> Error {
    Error::new(crate::Code::AccessSignInWrong, serde_json::json!({}))
}

/// What a successful sign-in gives: the open database and the user's session.
#[derive(Debug)]
pub struct Unlocked {
    /// The open database.
    pub db: Db,
    /// The signed-in user.
    pub session: Session,
    /// The user's passphrase was chosen by someone else: ask them to choose their own.
    pub must_change_passphrase: bool,
}

/// Signs `username` in with their passphrase (no name: the first entry, the lead who set the
/// centre up), opening the database at `db_path`.
pub fn unlock(db_path: &Path, username: Option<&str>, passphrase: &str) -> Result<Unlocked> {
    unlock_at(db_path, username, passphrase, Utc::now())
}

/// [`unlock`] at a given time (for tests of the growing delay).
pub fn unlock_at(
    db_path: &Path,
    username: Option<&str>,
    passphrase: &str,
    now: DateTime<Utc>,
) -> Result<Unlocked> {
    if passphrase.is_empty() {
        return Err(Error::at("passphrase", crate::Code::AccessPassphraseMissing, serde_json::json!({})));
    }
    if !db_path.is_file() {
        return Err(Error::new(
            crate::Code::DatabaseNotFoundAt,
            serde_json::json!({"db_path": db_path.display().to_string()}),
        ));
    }
    let ring_path = keyring_path(db_path);
    if !ring_path.exists() {
        return move_to_keyring(db_path, username, passphrase);
    }
    let mut ring = Keyring::load(&ring_path)?;
    let name = match username.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => u.to_string(),
        None => ring.entries.first().map(|e| e.username.clone()).ok_or_else(wrong)?,
    };
    let fail_key = ring.name_tag(&name);
    if let Some(secs) = ring.failures.get(&fail_key).and_then(|f| wait_for(f, now)) {
        let code = if secs == 1 {
            crate::Code::AccessTooManyTriesOneSecond
        } else {
            crate::Code::AccessTooManyTries
        };
        return Err(Error::new(code, serde_json::json!({"name": name, "seconds": secs})));
    }
    let opened = match ring.entry(&name) {
        Some(entry) => open_entry(entry, passphrase)?.map(|k| (k, entry.must_change)),
        None => {
            // Same work as a real attempt, so the time taken does not tell which names exist.
            let _ = cipher_for(passphrase, &[0u8; 16], M_COST_KIB, T_COST, P_COST)?;
            None
        }
    };
    let Some((key, must_change)) = opened else {
        ring.record_failure(&name, now);
        // On media that cannot be written the count cannot be kept (and whoever holds the
        // stick holds the files anyway): the answer stays the same.
        if let Err(e) = ring.save(&ring_path) {
            if !crate::db::media_is_read_only(&ring_path) {
                return Err(e);
            }
        }
        return Err(wrong());
    };
    let db = Db::open_with_key(db_path, &key)?;
    if db.is_read_only_media() {
        // Nothing can be written: no audit entry for the sign-in, the key file left as it is.
        let session = db.read(|c| users::sign_in(c, &name)).map_err(unknown_as_wrong)?;
        return Ok(Unlocked { db, session, must_change_passphrase: false });
    }
    let pending = std::mem::take(&mut ring.failed_sign_ins);
    let unlisted = ring.unlisted_failures.take();
    let session = db.write(|tx| {
        let session = users::sign_in(tx, &name).map_err(unknown_as_wrong)?;
        for f in &pending {
            let detail = serde_json::json!({"username": f.username, "at": f.at.to_rfc3339()});
            audit::record(tx, &session, "sign_in_failed", "user", None, Some(&detail))?;
        }
        if let Some(u) = &unlisted {
            // Names that are not users' were never written down: only how many and when.
            let detail = serde_json::json!({
                "username": null,
                "count": u.count,
                "from": u.first_at.to_rfc3339(),
                "to": u.last_at.to_rfc3339(),
                "note": "names that are not users' (not kept), or more than could be listed",
            });
            audit::record(tx, &session, "sign_in_failed", "user", None, Some(&detail))?;
        }
        if let Some(lost) = db.lost_commits() {
            // Kept in the chain itself: the head file moves on with the next commit, and
            // `audit verify` reports the loss from this entry from then on.
            let detail = serde_json::json!({
                "recorded_seq": lost.recorded_seq,
                "recorded_hash": lost.recorded_hash,
                "found_seq": lost.found_seq,
            });
            audit::record(tx, &session, audit::COMMITS_LOST, "database", None, Some(&detail))?;
        }
        audit::record(tx, &session, "sign_in", "user", Some(&session.user_id), None)?;
        Ok(session)
    })?;
    ring.failures.remove(&fail_key);
    ring.save(&ring_path)?;
    Ok(Unlocked { db, session, must_change_passphrase: must_change })
}

/// Moves a database keyed by one shared passphrase to a random key with per-user entries.
fn move_to_keyring(db_path: &Path, username: Option<&str>, passphrase: &str) -> Result<Unlocked> {
    let mut db = Db::open(db_path, passphrase).map_err(|e| match e {
        Error::WrongPassphrase => wrong(),
        other => other,
    })?;
    let session = db.read(|c| sign_in_or_first_lead(c, username))?;
    let key = DbKey::generate();
    let active: Vec<users::User> =
        db.read(|c| Ok(users::list(c)?.into_iter().filter(|u| u.active).collect()))?;
    let mut ring = Keyring::empty();
    for user in &active {
        ring.put(seal(&key, &user.id, &user.username, passphrase, true)?);
    }
    // The keyring is written before the file is re-encrypted: if the rekey fails, the old
    // passphrase still opens the file through the keyring-less path once the keyring is gone.
    let ring_path = keyring_path(db_path);
    ring.save(&ring_path)?;
    if let Err(e) = db.rekey(&key) {
        let _ = std::fs::remove_file(&ring_path);
        return Err(e);
    }
    db.write(|tx| {
        let detail = serde_json::json!({"users": active.len()});
        audit::record(tx, &session, "key_wrapping_enabled", "centre", None, Some(&detail))?;
        audit::record(tx, &session, "sign_in", "user", Some(&session.user_id), None)
    })?;
    Ok(Unlocked { db, session, must_change_passphrase: true })
}

/// An unknown or stopped user gets the same answer as a wrong passphrase, so a name cannot be
/// tested; a database failure stays what it is.
fn unknown_as_wrong(e: Error) -> Error {
    match e {
        e if matches!(e.kind(), crate::ErrorKind::Validation | crate::ErrorKind::NotFound) => wrong(),
        other => other,
    }
}

fn sign_in_or_first_lead(c: &Connection, username: Option<&str>) -> Result<Session> {
    match username.map(str::trim).filter(|u| !u.is_empty()) {
        Some(name) => users::sign_in(c, name).map_err(unknown_as_wrong),
        None => users::first_lead(c).map(|u| users::session_for(&u)),
    }
}

/// Creates a new database with a random key and a keyring holding `user`'s entry.
pub fn create(db_path: &Path, key: &DbKey) -> Result<Db> {
    let ring_path = keyring_path(db_path);
    if ring_path.exists() && !db_path.exists() {
        // A keyring without its database (a failed setup, or a moved file): start afresh.
        std::fs::remove_file(&ring_path)?;
    }
    let db = Db::create_with_key(db_path, key)?;
    Keyring::empty().save(&ring_path)?;
    Ok(db)
}

/// Opens an existing database file that has no key file yet with its raw key, and gives it an
/// empty key file (a replica joining a centre, built from a snapshot).
pub fn create_for_existing(db_path: &Path, key: &DbKey) -> Result<Db> {
    let db = Db::open_with_key(db_path, key)?;
    Keyring::empty().save(&keyring_path(db_path))?;
    Ok(db)
}

/// Whether the key file beside `db_path` is whole and holds no user: what a set-up that failed
/// after making the database, before sealing the first lead's key, leaves (see
/// `setup::unfinished`). A damaged or missing key file is not this (recovery handles those).
pub fn holds_no_user(db_path: &Path) -> bool {
    matches!(Keyring::read(&keyring_path(db_path)), Ok(KeyFile::Whole(ring)) if ring.entries.is_empty())
}

fn ring_of(db: &Db) -> Result<Option<(PathBuf, Keyring, &DbKey)>> {
    let Some(key) = db.key() else { return Ok(None) };
    let path = keyring_path(db.path());
    let ring = if path.exists() { Keyring::load(&path)? } else { Keyring::empty() };
    Ok(Some((path, ring, key)))
}

/// Gives a user a passphrase: a new entry, or a replacement for their old one. `must_change`
/// when someone else chose it. A database without a raw key (one shared passphrase, as in
/// tests) has no keyring and nothing is written.
pub fn set_passphrase(db: &Db, user: &users::User, passphrase: &str, must_change: bool) -> Result<()> {
    crate::access::passphrase::check_new_passphrase(passphrase)?;
    let Some((path, mut ring, key)) = ring_of(db)? else { return Ok(()) };
    ring.put(seal(key, &user.id, &user.username, passphrase, must_change)?);
    let tag = ring.name_tag(&user.username);
    ring.failures.remove(&tag);
    ring.save(&path)
}

/// Gives every active user who has no entry one for `passphrase`, without the passphrase rules
/// (the demo database, whose users all share the passphrase `demo`). Returns how many were added.
pub fn add_missing(db: &Db, passphrase: &str) -> Result<usize> {
    let Some((path, mut ring, key)) = ring_of(db)? else { return Ok(0) };
    let active: Vec<users::User> =
        db.read(|c| Ok(users::list(c)?.into_iter().filter(|u| u.active).collect()))?;
    let mut added = 0;
    for user in active {
        if ring.entries.iter().all(|e| e.user_id != user.id) {
            ring.put(seal(key, &user.id, &user.username, passphrase, false)?);
            added += 1;
        }
    }
    ring.save(&path)?;
    Ok(added)
}

/// Removes a user's entry: their passphrase no longer opens the database.
pub fn remove(db: &Db, user_id: &str) -> Result<bool> {
    let Some((path, mut ring, _)) = ring_of(db)? else { return Ok(false) };
    let removed = ring.remove(user_id);
    ring.save(&path)?;
    Ok(removed)
}

/// Checks a user's current passphrase against their entry.
pub fn check_passphrase(db: &Db, username: &str, passphrase: &str) -> Result<()> {
    let Some((_, ring, key)) = ring_of(db)? else { return Ok(()) };
    let entry = ring.entry(username).ok_or_else(wrong)?;
    match open_entry(entry, passphrase)? {
        Some(k) if &k == key => Ok(()),
        _ => Err(Error::at("current", crate::Code::AccessCurrentWrong, serde_json::json!({}))),
    }
}

/// Whether `username`'s passphrase was chosen by someone else and is still to be changed (no
/// keyring, or no entry: no).
pub fn must_change(db: &Db, username: &str) -> Result<bool> {
    let Some((_, ring, _)) = ring_of(db)? else { return Ok(false) };
    Ok(ring.entry(username).is_some_and(|e| e.must_change))
}

/// What [`recover`] did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recovered {
    /// The user who now signs in with the new passphrase.
    pub username: String,
    /// Where the damaged key file was set aside (renamed, never deleted), if it was damaged.
    pub damaged_key_file: Option<String>,
    /// Active users left without a passphrase (their sealed keys were in the damaged file): a
    /// lead gives each a new one (`reset_passphrase`).
    pub need_new_passphrase: Vec<String>,
}

/// Regains access with the recovery key: `db` was opened with it, and `username` gets
/// `passphrase` (and is made active again if stopped). A key file that is damaged (empty, cut
/// short, garbage) is set aside under a new name and a new one is made holding only this user's
/// entry; everyone else then needs a new passphrase from a lead, and is listed. The new key file
/// and the audit entry are written together: if either fails, neither is kept.
pub fn recover(db: &Db, username: &str, passphrase: &str) -> Result<Recovered> {
    crate::access::passphrase::check_new_passphrase(passphrase)?;
    let Some(key) = db.key() else {
        return Err(Error::new(crate::Code::AccessRecoveryKeyNone, serde_json::json!({})));
    };
    let path = keyring_path(db.path());
    let (mut ring, damage) = if path.exists() {
        match Keyring::read(&path)? {
            KeyFile::Whole(ring) => (ring, None),
            KeyFile::Damaged(reason) => (Keyring::empty(), Some(reason)),
        }
    } else {
        (Keyring::empty(), None)
    };
    let user = db.read(|c| {
        users::find_by_username(c, username.trim())?.ok_or_else(|| {
            Error::new(
                crate::Code::UserNotFoundNamed,
                serde_json::json!({"username": username.trim().to_string()}),
            )
        })
    })?;
    db.write(|tx| {
        let user = if user.active { user.clone() } else { users::set_active(tx, &user.id, true)? };
        ring.put(seal(key, &user.id, &user.username, passphrase, false)?);
        let need: Vec<String> = users::list(tx)?
            .into_iter()
            .filter(|u| u.active && ring.entries.iter().all(|e| e.user_id != u.id))
            .map(|u| u.username)
            .collect();
        let aside = match &damage {
            Some(_) => Some(set_aside(&path)?),
            None => None,
        };
        let detail = serde_json::json!({
            "damaged_key_file": aside.as_ref().map(|p| p.display().to_string()),
            "reason": damage,
            "need_new_passphrase": need,
        });
        let session = users::session_for(&user);
        audit::record(tx, &session, "recover", "user", Some(&user.id), Some(&detail))?;
        if let Err(e) = ring.save(&path) {
            // Put the damaged file back: the transaction rolls back and nothing has changed.
            if let Some(aside) = &aside {
                let _ = std::fs::rename(aside, &path);
            }
            return Err(e);
        }
        Ok(Recovered {
            username: user.username.clone(),
            damaged_key_file: aside.map(|p| p.display().to_string()),
            need_new_passphrase: need,
        })
    })
}

/// Renames a damaged key file out of the way (`haven.keys.damaged-<time>`), never over another.
fn set_aside(path: &Path) -> Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S");
    let mut n = 0;
    loop {
        let mut name = path.file_name().map(|f| f.to_os_string()).unwrap_or_default();
        name.push(format!(".damaged-{stamp}"));
        if n > 0 {
            name.push(format!("-{n}"));
        }
        let aside = path.with_file_name(name);
        if !aside.exists() {
            std::fs::rename(path, &aside)?;
            durable::sync_folder_of(path)?;
            return Ok(aside);
        }
        n += 1;
    }
}

/// The sign-in names that have an entry, in order.
pub fn usernames(db_path: &Path) -> Result<Vec<String>> {
    let path = keyring_path(db_path);
    if !path.exists() {
        return Ok(Vec::new());
    }
    Ok(Keyring::load(&path)?.entries.into_iter().map(|e| e.username).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_grows_from_the_third_failure_and_is_capped() {
        let now = Utc::now();
        let f = |count| Failures { count, last_at: Some(now) };
        assert_eq!(wait_for(&f(2), now), None);
        assert_eq!(wait_for(&f(3), now), Some(1));
        assert_eq!(wait_for(&f(4), now), Some(2));
        assert_eq!(wait_for(&f(6), now), Some(8));
        assert_eq!(wait_for(&f(40), now), Some(MAX_DELAY_SECS));
        assert_eq!(wait_for(&f(4), now + Duration::seconds(2)), None, "the wait is over");
    }

    #[test]
    fn a_file_from_before_hashed_names_forgets_the_typed_names_but_keeps_the_counts() -> Result<()> {
        let now = Utc::now();
        let mut ring = Keyring::empty();
        ring.entries.push(seal(&DbKey::generate(), "u1", "Sarah", "blue kettle morning", false)?);
        ring.name_salt = String::new();
        ring.failures.insert("sarah".into(), Failures { count: 4, last_at: Some(now) });
        ring.failures.insert("my secret words".into(), Failures { count: 1, last_at: Some(now) });
        ring.failed_sign_ins.push(FailedSignIn { username: "sarah".into(), at: now });
        ring.failed_sign_ins.push(FailedSignIn { username: "my secret words".into(), at: now });
        ring.upgrade();
        let text = serde_json::to_string(&ring).map_err(|e| Error::Io(e.into()))?;
        assert!(!text.contains("my secret words"), "{text}");
        assert_eq!(ring.failures.get(&ring.name_tag("SARAH")).map(|f| f.count), Some(4));
        assert_eq!(ring.failed_sign_ins.len(), 1);
        assert_eq!(ring.failed_sign_ins[0].username, "Sarah");
        assert_eq!(ring.unlisted_failures.as_ref().map(|u| u.count), Some(1));
        Ok(())
    }

    #[test]
    fn an_entry_opens_only_with_its_passphrase_and_its_user() -> Result<()> {
        let key = DbKey::generate();
        let entry = seal(&key, "u1", "tom", "blue kettle morning", false)?;
        assert_eq!(open_entry(&entry, "blue kettle morning")?, Some(key.clone()));
        assert_eq!(open_entry(&entry, "blue kettle evening")?, None);
        let moved = Entry { username: "sarah".into(), ..entry };
        assert_eq!(open_entry(&moved, "blue kettle morning")?, None, "entry moved to another name");
        Ok(())
    }
}
