//! Joining a centre: a lead's join file under a one-time code, and a fresh data folder that
//! becomes a replica of the centre with it.
//!
//! The join file is `salt (16) | nonce (24) | XChaCha20-Poly1305 ciphertext` under a key
//! stretched from the one-time code with Argon2id, so, like a bundle, it says nothing but its
//! size. Inside: `header length (u32, little-endian) | header (JSON) | snapshot`. The header
//! holds the centre's id and exchange key, the new replica's id, site, code tag and signing key
//! (the lead's replica made the key pair, so that its public half is in the directory before
//! the new replica's first bundle arrives), and the key of the snapshot. The snapshot is a
//! SQLCipher copy of the whole centre under its own random key, with every LOCAL table emptied
//! (securely deleted, then vacuumed): never the lead's replica's own keys, passphrases (they
//! are in `haven.keys`, which is not copied) or code counters.
//!
//! Joining writes the snapshot into a new data folder (built aside and moved in whole, as a new
//! centre is), re-encrypts it under the new replica's own database key, stores the replica's
//! keys, gives the chosen user a passphrase on this computer, and replaces the join file with a
//! record of its use (under the same code): the file works once. A copy made of it before it
//! was used would give a second computer the same replica id; the first bundle from either
//! breaks the other's chain and is refused, and a lead removes that replica.

use std::path::Path;

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use ed25519_dalek::SigningKey;
use rusqlite::OpenFlags;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::replicas::{self, random_32, Replica};
use crate::access::{audit, keyring, users, Session};
use crate::db::{self, DbKey, Keying};
use crate::{Db, Error, Result};

/// Bound into a join file's encryption, so that it is never taken for a bundle.
const DOMAIN: &[u8] = b"haven-join-v1";
const FORMAT: &str = "haven-join-1";
const USED_FORMAT: &str = "haven-join-used-1";
const SALT_LEN: usize = 16;
/// The name a snapshot is written under beside the database while a join file is made.
const SNAPSHOT_PREFIX: &str = "join-snapshot-";
const NONCE_LEN: usize = 24;

/// Argon2id cost of the code's key: 46 MiB and two passes, so each guess at a code costs an
/// attacker holding the file real memory and time (the code itself has about 59 bits).
const M_COST_KIB: u32 = 47_104;
const T_COST: u32 = 2;

/// The characters of a one-time code: digits and capitals, without 0/O, 1/I/L and U, which are
/// misread when a code is copied from a screen.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code (shown in groups of four).
const CODE_LEN: usize = 12;

/// A join file that was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Invite {
    /// The file written.
    pub file: String,
    /// The one-time code that opens it (shown once; say it or show it, never send it with the file).
    pub code: String,
    /// The new replica's id, already in the centre's directory.
    pub replica: String,
    /// The new replica's site code.
    pub site: String,
    /// The letters its human codes will carry (`BHM-B0001`).
    pub code_tag: String,
}

/// What a join file holds besides the snapshot.
#[derive(Serialize, Deserialize)]
struct JoinHeader {
    format: String,
    centre: Uuid,
    replica: Uuid,
    site_id: String,
    schema: u32,
    exchange_key: String,
    signing_key: String,
    snapshot_key: String,
    invited_by: String,
    made_at: String,
}

/// What a used join file holds.
#[derive(Serialize, Deserialize)]
struct UsedHeader {
    format: String,
    replica: Uuid,
    used_at: String,
}

/// A new one-time code: 12 characters in three groups of four (`7KQM-2XHD-R9TB`).
fn new_code() -> String {
    use aes_gcm::aead::rand_core::RngCore;
    let mut out = String::with_capacity(CODE_LEN + 2);
    let mut picked = 0;
    while picked < CODE_LEN {
        let mut byte = [0u8; 1];
        aes_gcm::aead::OsRng.fill_bytes(&mut byte);
        // Rejection sampling: every character equally likely.
        let limit = 256 - 256 % CODE_ALPHABET.len();
        if usize::from(byte[0]) >= limit {
            continue;
        }
        if picked > 0 && picked % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(CODE_ALPHABET[usize::from(byte[0]) % CODE_ALPHABET.len()]));
        picked += 1;
    }
    out
}

/// The code as typed, reduced to its characters (case, spaces and dashes do not matter).
fn normalised_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

fn cipher_for(code: &str, salt: &[u8]) -> Result<XChaCha20Poly1305> {
    let params = Params::new(M_COST_KIB, T_COST, 1, Some(32)).map_err(|e| {
        Error::new(crate::Code::JoinArgonRefused, serde_json::json!({"detail": e.to_string()}))
    })?;
    let mut key = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(normalised_code(code).as_bytes(), salt, key.as_mut())
        .map_err(|e| {
            Error::new(crate::Code::JoinCodeNotStretched, serde_json::json!({"detail": e.to_string()}))
        })?;
    Ok(XChaCha20Poly1305::new(key.as_slice().into()))
}

/// `salt | nonce | ciphertext` of `header` and `body` under `cipher`.
fn seal_file(cipher: &XChaCha20Poly1305, salt: &[u8], header: &[u8], body: &[u8]) -> Result<Vec<u8>> {
    let len = u32::try_from(header.len())
        .map_err(|_| Error::new(crate::Code::JoinHeaderTooLong, serde_json::json!({})))?;
    let mut inner = Zeroizing::new(Vec::with_capacity(4 + header.len() + body.len()));
    inner.extend_from_slice(&len.to_le_bytes());
    inner.extend_from_slice(header);
    inner.extend_from_slice(body);
    let nonce_bytes = random_32();
    let nonce = XNonce::from_slice(&nonce_bytes[..NONCE_LEN]);
    let sealed = cipher
        .encrypt(nonce, Payload { msg: &inner, aad: DOMAIN })
        .map_err(|_| Error::new(crate::Code::JoinFileNotEncrypted, serde_json::json!({})))?;
    let mut out = Vec::with_capacity(SALT_LEN + NONCE_LEN + sealed.len());
    out.extend_from_slice(salt);
    out.extend_from_slice(nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// Makes a join file at `out` for a new replica at `site` (code or id): adds the replica to the
/// directory (audited, as `session`), then writes the file with a snapshot of the whole centre.
/// Returns the one-time code. The caller checks that `session` is a lead.
pub fn invite(db: &Db, session: &Session, site: &str, out: &Path) -> Result<Invite> {
    if out.as_os_str().is_empty() {
        return Err(Error::at("path", crate::Code::JoinPathMissing, serde_json::json!({})));
    }
    if out.exists() {
        return Err(Error::at(
            "path",
            crate::Code::JoinPathExists,
            serde_json::json!({"path": out.display().to_string()}),
        ));
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(Error::at(
                "path",
                crate::Code::JoinPathNotFound,
                serde_json::json!({"dir": dir.display().to_string()}),
            ));
        }
    }
    let signing = replicas::new_signing_key();
    let replica = Uuid::now_v7();
    let (site, tag, keys) = add_to_directory(db, session, site, replica, &signing)?;
    let written = (|| {
        let snapshot_key = DbKey::generate();
        let snapshot = snapshot(db, &snapshot_key)?;
        let header = JoinHeader {
            format: FORMAT.into(),
            centre: keys.centre,
            replica,
            site_id: site.id.clone(),
            schema: u32::try_from(db::latest_version()).unwrap_or(u32::MAX),
            exchange_key: hex::encode(keys.exchange_key.as_slice()),
            signing_key: hex::encode(signing.to_bytes()),
            snapshot_key: snapshot_key.to_hex(),
            invited_by: session.user_id.clone(),
            made_at: chrono::Utc::now().to_rfc3339(),
        };
        let header = Zeroizing::new(serde_json::to_vec(&header).map_err(|e| {
            Error::new(crate::Code::JoinFileNotEncoded, serde_json::json!({"detail": e.to_string()}))
        })?);
        let code = new_code();
        let salt = random_32();
        let cipher = cipher_for(&code, &salt[..SALT_LEN])?;
        let bytes = seal_file(&cipher, &salt[..SALT_LEN], &header, &snapshot)?;
        crate::durable::replace_file(out, &bytes)?;
        Ok(code)
    })();
    match written {
        Ok(code) => Ok(Invite {
            file: out.display().to_string(),
            code,
            replica: replica.to_string(),
            site: site.code,
            code_tag: tag,
        }),
        Err(e) => {
            // No file, no replica: the directory does not keep a replica nobody can join as.
            let _ = db.write(|tx| {
                tx.execute("DELETE FROM replicas WHERE id = ?1", [replica.to_string()])?;
                audit::record(tx, session, "invite_failed", "replica", Some(&replica.to_string()), None)
            });
            Err(e)
        }
    }
}

/// A SQLCipher copy of the whole database under `key`, with every LOCAL table emptied and the
/// freed pages gone: the bytes of the file.
/// Adds a new replica at `site` to the centre's directory (a captured, audited write that
/// reaches every replica), with the public half of `signing`.
fn add_to_directory(
    db: &Db,
    session: &Session,
    site: &str,
    replica: Uuid,
    signing: &SigningKey,
) -> Result<(crate::sites::Site, String, replicas::SealKeys)> {
    db.write(|tx| {
        let site = crate::sites::resolve(tx, site).map_err(|e| {
            e.when_absent(Error::at(
                "site",
                crate::Code::JoinSiteUnknown,
                serde_json::json!({"site": site.trim().to_string()}),
            ))
        })?;
        let tag = replicas::next_code_tag(tx)?;
        let name = format!("{} ({tag})", site.name);
        replicas::add(
            tx,
            replica,
            Some(&site.id),
            &name,
            &signing.verifying_key(),
            &tag,
            Some(&session.user_id),
        )?;
        let detail = serde_json::json!({"site": site.code, "code_tag": tag});
        audit::record(tx, session, "invite", "replica", Some(&replica.to_string()), Some(&detail))?;
        Ok((site, tag, replicas::seal_keys(tx)?))
    })
}

/// A new replica's keys handed over in memory instead of in a join file: for tests and the
/// bench, which copy a database file whole where a new computer would read a join file.
/// Never written anywhere.
pub struct Handover {
    centre: Uuid,
    replica: Uuid,
    exchange_key: Zeroizing<[u8; 32]>,
    signing: SigningKey,
}

impl Handover {
    /// The new replica's id.
    pub fn replica(&self) -> String {
        self.replica.to_string()
    }
}

/// Adds a replica at `site` to the directory of `db`'s centre (as [`invite`] does) and keeps
/// its keys for [`take_over`] on a copy of the database file taken after this call.
pub fn hand_over(db: &Db, session: &Session, site: &str) -> Result<Handover> {
    let signing = replicas::new_signing_key();
    let replica = Uuid::now_v7();
    let (_, _, keys) = add_to_directory(db, session, site, replica, &signing)?;
    Ok(Handover { centre: keys.centre, replica, exchange_key: keys.exchange_key, signing })
}

/// Makes `db`, a whole copy of the database a [`Handover`] was made on, that new replica: its
/// keys, and an empty chain, code counters and audit chain of its own, as a joined replica
/// starts (the copy's audit entries stay, in the chain of the replica that wrote them).
pub fn take_over(db: &Db, handover: &Handover) -> Result<()> {
    db.write(|tx| {
        let listed = replicas::find(tx, &handover.replica.to_string())?;
        if listed.public_key != hex::encode(handover.signing.verifying_key().as_bytes()) {
            return Err(Error::at("replica", crate::Code::JoinReplicaCopyTooOld, serde_json::json!({})));
        }
        tx.execute_batch(
            "DELETE FROM exchange_secrets; DELETE FROM exchange_chain; DELETE FROM person_code_counters;
             DELETE FROM audit_head;",
        )?;
        replicas::store_secrets(
            tx,
            handover.centre,
            handover.replica,
            &handover.exchange_key,
            &handover.signing,
            Some(handover.replica),
        )
    })?;
    db.write_uncaptured(|tx| crate::db::capture::ensure_identity(tx).map(|_| ()))
}

fn snapshot(db: &Db, key: &DbKey) -> Result<Vec<u8>> {
    let dir = db.path().parent().unwrap_or(Path::new("."));
    // A snapshot left by a crash is unreadable noise (its key is gone): it is removed.
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.file_name().to_string_lossy().starts_with(SNAPSHOT_PREFIX) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let tmp = dir.join(format!("{SNAPSHOT_PREFIX}{}.part", Uuid::now_v7()));
    let companions = |p: &Path| {
        ["", "-journal", "-wal", "-shm"].map(|s| {
            let mut os = p.as_os_str().to_owned();
            os.push(s);
            std::path::PathBuf::from(os)
        })
    };
    let made = (|| {
        let mut dst = db::keyed_connection(
            &tmp,
            &Keying::Raw(key),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )?;
        {
            let conn = db.conn()?;
            let backup = rusqlite::backup::Backup::new(&conn, &mut dst)?;
            backup.run_to_completion(256, std::time::Duration::from_millis(10), None)?;
        }
        dst.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        // Deleted rows are overwritten, and VACUUM leaves no free page that held them.
        dst.pragma_update(None, "secure_delete", true)?;
        for table in replicas::LOCAL_TABLES {
            dst.execute(&format!("DELETE FROM {table}"), [])?;
        }
        dst.execute_batch("VACUUM")?;
        drop(dst);
        Ok(std::fs::read(&tmp)?)
    })();
    for f in companions(&tmp) {
        let _ = std::fs::remove_file(f);
    }
    made
}

/// A replica that joined a centre.
#[derive(Debug)]
pub struct Joined {
    /// Its open database.
    pub db: Db,
    /// The user who signs in on it, signed in.
    pub session: Session,
    /// Its database's own key (the recovery key of this computer's file: keep it in the safe).
    pub recovery_key: DbKey,
    /// The replica it became.
    pub replica: Replica,
}

fn wrong_code() -> Error {
    Error::at("code", crate::Code::JoinCodeWrong, serde_json::json!({}))
}

/// What a join file opened with its code holds.
enum Opened {
    Fresh(JoinHeader, Zeroizing<Vec<u8>>),
    Used(UsedHeader),
}

fn open_file(bytes: &[u8], code: &str) -> Result<(Opened, XChaCha20Poly1305, Vec<u8>)> {
    if bytes.len() < SALT_LEN + NONCE_LEN + 16 + 4 || normalised_code(code).len() != CODE_LEN {
        return Err(wrong_code());
    }
    let (salt, rest) = bytes.split_at(SALT_LEN);
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let cipher = cipher_for(code, salt)?;
    let inner = Zeroizing::new(
        cipher
            .decrypt(XNonce::from_slice(nonce), Payload { msg: sealed, aad: DOMAIN })
            .map_err(|_| wrong_code())?,
    );
    let damaged = || Error::at("file", crate::Code::JoinFileDamaged, serde_json::json!({}));
    let len =
        u32::from_le_bytes(inner.get(..4).and_then(|b| b.try_into().ok()).ok_or_else(damaged)?) as usize;
    let header = inner.get(4..4 + len).ok_or_else(damaged)?;
    let format: serde_json::Value = serde_json::from_slice(header).map_err(|_| damaged())?;
    let opened = match format["format"].as_str() {
        Some(FORMAT) => Opened::Fresh(
            serde_json::from_slice(header).map_err(|_| damaged())?,
            Zeroizing::new(inner[4 + len..].to_vec()),
        ),
        Some(USED_FORMAT) => Opened::Used(serde_json::from_slice(header).map_err(|_| damaged())?),
        _ => return Err(damaged()),
    };
    Ok((opened, cipher, salt.to_vec()))
}

fn key_bytes(hex_text: &str) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_text, out.as_mut())
        .map_err(|_| Error::at("file", crate::Code::JoinFileDamaged, serde_json::json!({})))?;
    Ok(out)
}

/// Makes the data folder of `db_path` (which must hold no database) a replica of the centre in
/// the join `file` opened with `code`. `username` (default: the lead who made the file) gets
/// `passphrase` on this computer; other users are given access here by a lead
/// (`reset_passphrase`), since passphrases never leave a replica.
pub fn join(
    db_path: &Path,
    file: &Path,
    code: &str,
    username: Option<&str>,
    passphrase: &str,
) -> Result<Joined> {
    if db_path.exists() {
        return Err(Error::new(
            crate::Code::JoinAlreadyHoldsDatabase,
            serde_json::json!({"db_path": db_path.display().to_string()}),
        ));
    }
    crate::access::passphrase::check_new_passphrase(passphrase)?;
    let bytes = std::fs::read(file).map_err(|e| {
        Error::at(
            "file",
            crate::Code::JoinFileUnreadable,
            serde_json::json!({"file": file.display().to_string(), "detail": e.to_string()}),
        )
    })?;
    let (opened, cipher, salt) = open_file(&bytes, code)?;
    let (header, snapshot) = match opened {
        Opened::Fresh(header, snapshot) => (header, snapshot),
        Opened::Used(used) => {
            return Err(Error::new(
                crate::Code::JoinFileUsed,
                serde_json::json!({"used_at": used.used_at.to_string()}),
            ))
        }
    };
    let ours = db::latest_version();
    if usize::try_from(header.schema).map_or(true, |s| s > ours) {
        return Err(Error::new(
            crate::Code::JoinFileNewer,
            serde_json::json!({"schema": header.schema, "ours": ours}),
        ));
    }
    let exchange_key = key_bytes(&header.exchange_key)?;
    let signing = SigningKey::from_bytes(&*key_bytes(&header.signing_key)?);
    let snapshot_key = DbKey::from_bytes(*key_bytes(&header.snapshot_key)?);
    let key = DbKey::generate();
    let make = |staged: &Path| -> Result<Db> {
        std::fs::write(staged, snapshot.as_slice())?;
        let conn =
            db::keyed_connection(staged, &Keying::Raw(&snapshot_key), OpenFlags::SQLITE_OPEN_READ_WRITE)
                .map_err(|_| Error::at("file", crate::Code::JoinFileDamaged, serde_json::json!({})))?;
        conn.execute_batch(&format!("PRAGMA rekey = \"x'{}'\";", key.to_hex()))?;
        drop(conn);
        keyring::create_for_existing(staged, &key)
    };
    let build = |db: &Db| -> Result<(Session, Replica)> {
        let (session, replica) = db.write(|tx| {
            let listed = replicas::find(tx, &header.replica.to_string()).map_err(|e| {
                e.when_absent(Error::at("file", crate::Code::JoinFileUnknownReplica, serde_json::json!({})))
            })?;
            if listed.public_key != hex::encode(signing.verifying_key().as_bytes()) {
                return Err(Error::at("file", crate::Code::JoinFileDamaged, serde_json::json!({})));
            }
            replicas::store_secrets(
                tx,
                header.centre,
                header.replica,
                &exchange_key,
                &signing,
                Some(header.replica),
            )?;
            let user = match username.map(str::trim).filter(|u| !u.is_empty()) {
                Some(name) => users::find_by_username(tx, name)?.ok_or_else(|| {
                    Error::at(
                        "user",
                        crate::Code::JoinUserUnknown,
                        serde_json::json!({"name": name.to_string()}),
                    )
                })?,
                None => users::get(tx, &header.invited_by)?,
            };
            if !user.active {
                return Err(Error::at(
                    "user",
                    crate::Code::JoinUserInactive,
                    serde_json::json!({"name": user.username}),
                ));
            }
            let session = users::session_for(&user);
            let detail = serde_json::json!({"invited_by": header.invited_by, "site_id": header.site_id});
            audit::record(tx, &session, "join", "replica", Some(&header.replica.to_string()), Some(&detail))?;
            Ok((session, replicas::find(tx, &header.replica.to_string())?))
        })?;
        let user = db.read(|c| users::get(c, &session.user_id))?;
        keyring::set_passphrase(db, &user, passphrase, false)?;
        // The file is marked used last, once everything else is in place: a join that fails
        // before this leaves the file usable; after it, only the move into place remains.
        let used = UsedHeader {
            format: USED_FORMAT.into(),
            replica: header.replica,
            used_at: chrono::Utc::now().to_rfc3339(),
        };
        let used = serde_json::to_vec(&used).map_err(|e| {
            Error::new(crate::Code::JoinNotEncoded, serde_json::json!({"detail": e.to_string()}))
        })?;
        let marked = seal_file(&cipher, &salt, &used, &[])?;
        crate::durable::replace_file(file, &marked).map_err(|e| {
            Error::at("file", crate::Code::JoinFileNotMarked, serde_json::json!({"detail": e.to_string()}))
        })?;
        Ok((session, replica))
    };
    let (db, (session, replica)) = crate::setup::create_whole_from(db_path, &key, make, build)?;
    Ok(Joined { db, session, recovery_key: key, replica })
}
