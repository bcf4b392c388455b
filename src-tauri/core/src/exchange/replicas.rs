//! This replica's identity and keys, the centre's directory of replicas, and the chain of
//! bundles accepted from each origin.
//!
//! The centre's exchange key (which encrypts every bundle) and this replica's Ed25519 signing
//! key live only in `exchange_secrets`, a LOCAL table inside the encrypted database: never
//! captured, never in a bundle, emptied in a join file's snapshot. The replicated `replicas`
//! table is the directory every replica checks a bundle's signature against; a lead removes a
//! lost laptop's replica there, and its bundles are refused from then on.

use std::collections::HashMap;

use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::{Error, Result};

/// Tables that never leave a replica: not captured for an exchange, never in a bundle, and
/// emptied in the snapshot a join file carries. The exchange engine's own local tables (its
/// outbox, its record of this replica) belong here too. `audit_head` is the newest entry of the
/// inviting replica's own audit chain: the joined replica starts a chain of its own (the
/// snapshot's audit entries stay, each in the chain of the replica that wrote it).
pub const LOCAL_TABLES: &[&str] =
    &["exchange_secrets", "exchange_chain", "person_code_counters", "audit_head"];

/// The letters a replica's code tag is made of: no I or O, which read as 1 and 0 on a card.
const TAG_LETTERS: &str = "BCDEFGHJKLMNPQRSTUVWXYZ";

/// The name of the replica a centre was set up on.
const FIRST_REPLICA_NAME: &str = "First computer";

/// What sealing a bundle needs: the centre, this replica and its keys. Never serialised.
pub struct SealKeys {
    /// The centre this replica belongs to.
    pub centre: Uuid,
    /// This replica.
    pub replica: Uuid,
    /// The centre's exchange key (XChaCha20-Poly1305), shared by every replica of the centre.
    pub exchange_key: Zeroizing<[u8; 32]>,
    /// This replica's own signing key.
    pub signing: SigningKey,
}

impl std::fmt::Debug for SealKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealKeys").field("centre", &self.centre).field("replica", &self.replica).finish()
    }
}

/// A replica of the centre, as the directory lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Replica {
    /// Replica id.
    pub id: String,
    /// Its site's id (none until the replica the centre was set up on knows its site).
    pub site_id: Option<String>,
    /// Its site's code.
    pub site: Option<String>,
    /// Its name.
    pub name: String,
    /// Ed25519 public key, hexadecimal.
    pub public_key: String,
    /// Letters its human codes carry after the site code (`CAL-B0001`); empty for the replica
    /// the centre was set up on.
    pub code_tag: String,
    /// When it was added (UTC).
    pub added_at: String,
    /// When a lead removed it (UTC); its bundles are refused from then on.
    pub removed_at: Option<String>,
    /// Whether it is this computer.
    pub this_computer: bool,
}

const COLUMNS: &str = "r.id, r.site_id, s.code AS site, r.name, r.public_key, r.code_tag, r.added_at,
     r.removed_at, r.id = (SELECT replica FROM exchange_secrets WHERE id = 1) AS this_computer";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Replica> {
    Ok(Replica {
        id: r.get("id")?,
        site_id: r.get("site_id")?,
        site: r.get("site")?,
        name: r.get("name")?,
        public_key: r.get("public_key")?,
        code_tag: r.get("code_tag")?,
        added_at: r.get("added_at")?,
        removed_at: r.get("removed_at")?,
        this_computer: r.get::<_, Option<bool>>("this_computer")?.unwrap_or(false),
    })
}

/// Every replica of the centre, in the order they were added.
pub fn list(conn: &Connection) -> Result<Vec<Replica>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM replicas r LEFT JOIN sites s ON s.id = r.site_id ORDER BY r.added_at, r.id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One replica, by id or by name (case-insensitive).
pub fn find(conn: &Connection, id_or_name: &str) -> Result<Replica> {
    let key = id_or_name.trim();
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM replicas r LEFT JOIN sites s ON s.id = r.site_id
             WHERE r.id = ?1 OR r.name = ?1 COLLATE NOCASE ORDER BY r.id = ?1 DESC LIMIT 1"
        ),
        [key],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::new(crate::Code::ReplicaNotFound, serde_json::json!({"key": key.to_string()})))
}

fn uuid_of(text: &str, what: &str) -> Result<Uuid> {
    Uuid::parse_str(text).map_err(|_| {
        Error::new(
            crate::Code::ReplicaIdInvalid,
            serde_json::json!({"what": what.to_string(), "text": text.to_string()}),
        )
    })
}

/// This replica's centre and id.
pub fn identity(conn: &Connection) -> Result<(Uuid, Uuid)> {
    let (centre, replica): (String, String) = conn
        .query_row("SELECT centre, replica FROM exchange_secrets WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?
        .ok_or_else(no_secrets)?;
    Ok((uuid_of(&centre, "centre")?, uuid_of(&replica, "replica")?))
}

fn no_secrets() -> Error {
    Error::new(crate::Code::ReplicaKeysMissing, serde_json::json!({}))
}

/// This replica's keys, for sealing bundles.
pub fn seal_keys(conn: &Connection) -> Result<SealKeys> {
    let (centre, replica, exchange, signing): (String, String, Vec<u8>, Vec<u8>) = conn
        .query_row(
            "SELECT centre, replica, exchange_key, signing_key FROM exchange_secrets WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?
        .ok_or_else(no_secrets)?;
    let exchange = Zeroizing::new(exchange);
    let signing = Zeroizing::new(signing);
    let bad = || Error::new(crate::Code::ReplicaKeysWrongSize, serde_json::json!({}));
    let exchange_key: [u8; 32] = exchange.as_slice().try_into().map_err(|_| bad())?;
    let seed: Zeroizing<[u8; 32]> = Zeroizing::new(signing.as_slice().try_into().map_err(|_| bad())?);
    Ok(SealKeys {
        centre: uuid_of(&centre, "centre")?,
        replica: uuid_of(&replica, "replica")?,
        exchange_key: Zeroizing::new(exchange_key),
        signing: SigningKey::from_bytes(&seed),
    })
}

/// 32 bytes from the operating system's random source.
pub(crate) fn random_32() -> Zeroizing<[u8; 32]> {
    use aes_gcm::aead::rand_core::RngCore;
    let mut bytes = Zeroizing::new([0u8; 32]);
    aes_gcm::aead::OsRng.fill_bytes(bytes.as_mut());
    bytes
}

/// A new Ed25519 signing key from the operating system's random source.
pub(crate) fn new_signing_key() -> SigningKey {
    SigningKey::from_bytes(&random_32())
}

/// Stores this replica's identity and keys (the one row of `exchange_secrets`).
pub(crate) fn store_secrets(
    conn: &Connection,
    centre: Uuid,
    replica: Uuid,
    exchange_key: &[u8; 32],
    signing: &SigningKey,
    joined_with: Option<Uuid>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO exchange_secrets (id, centre, replica, exchange_key, signing_key, joined_with)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)",
        params![
            centre.to_string(),
            replica.to_string(),
            exchange_key.as_slice(),
            signing.to_bytes().as_slice(),
            joined_with.map(|u| u.to_string())
        ],
    )?;
    Ok(())
}

/// Adds a replica to the directory.
pub(crate) fn add(
    conn: &Connection,
    id: Uuid,
    site_id: Option<&str>,
    name: &str,
    public: &VerifyingKey,
    code_tag: &str,
    added_by: Option<&str>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO replicas (id, site_id, name, public_key, code_tag, added_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id.to_string(), site_id, name, hex::encode(public.as_bytes()), code_tag, added_by],
    )?;
    Ok(())
}

/// Migration hook: the database becomes the first replica of a new centre, with a new exchange
/// key and signing key. Its site is the first lead's home site when there is one (an existing
/// database), else the first lead's when the centre is set up (a trigger of the migration).
pub(crate) fn create_first_replica(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    let centre = Uuid::now_v7();
    let replica = Uuid::now_v7();
    let signing = new_signing_key();
    let site: Option<String> = tx
        .query_row(
            "SELECT site_id FROM users WHERE role = 'lead' AND active = 1 ORDER BY created_at, id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let stored = store_secrets(tx, centre, replica, &random_32(), &signing, None).and_then(|()| {
        add(tx, replica, site.as_deref(), FIRST_REPLICA_NAME, &signing.verifying_key(), "", None)
    });
    stored.map_err(|e| rusqlite_migration::HookError::Hook(e.to_string()))
}

/// The code tag for the next replica: the first of B, C, ... Z, then BB, BC, ... no replica
/// of the directory has.
pub(crate) fn next_code_tag(conn: &Connection) -> Result<String> {
    let taken: Vec<String> = conn
        .prepare("SELECT code_tag FROM replicas")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let letters: Vec<char> = TAG_LETTERS.chars().collect();
    let one = letters.iter().map(|c| c.to_string());
    let two = letters.iter().flat_map(|a| letters.iter().map(move |b| format!("{a}{b}")));
    one.chain(two)
        .find(|t| !taken.contains(t))
        .ok_or_else(|| Error::new(crate::Code::ReplicaTooMany, serde_json::json!({})))
}

/// Removes a replica from the directory: its bundles not yet applied, and any it writes from
/// now on, are refused on every replica that has this change. The replica this computer is
/// cannot remove itself.
pub fn remove(conn: &Connection, id: &str, by_user: &str) -> Result<Replica> {
    let replica = find(conn, id)?;
    if replica.this_computer {
        return Err(Error::at("replica", crate::Code::ReplicaRemoveSelf, serde_json::json!({})));
    }
    if replica.removed_at.is_some() {
        return Err(Error::new(
            crate::Code::ReplicaAlreadyRemoved,
            serde_json::json!({"name": replica.name.to_string()}),
        ));
    }
    conn.execute(
        "UPDATE replicas SET removed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), removed_by = ?2,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![replica.id, by_user],
    )?;
    find(conn, &replica.id)
}

/// A replica as [`super::seal::open`] checks a bundle against it.
#[derive(Debug, Clone)]
pub struct DirectoryEntry {
    /// Its name, for messages.
    pub name: String,
    /// The key its bundles are signed with.
    pub public_key: VerifyingKey,
    /// Whether a lead removed it.
    pub removed: bool,
}

/// What opening a bundle is checked against: the centre, the directory of replicas, and the
/// last bundle accepted from each origin (sequence number and file hash).
#[derive(Debug, Clone)]
pub struct Directory {
    /// This replica's centre.
    pub centre: Uuid,
    /// Every replica the directory lists.
    pub replicas: HashMap<Uuid, DirectoryEntry>,
    /// Per origin, the last bundle accepted: its last sequence number and its file's hash.
    pub chain: HashMap<Uuid, (u64, [u8; 32])>,
}

/// The directory as this replica knows it now.
pub fn directory(conn: &Connection) -> Result<Directory> {
    let (centre, _) = identity(conn)?;
    let mut replicas = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name, public_key, removed_at IS NOT NULL FROM replicas")?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
    })?;
    for row in rows {
        let (id, name, public, removed) = row?;
        let mut bytes = [0u8; 32];
        // A directory row whose key cannot be read can verify nothing: it is left out, and its
        // bundles are refused as from an unknown replica.
        if hex::decode_to_slice(&public, &mut bytes).is_err() {
            continue;
        }
        let (Ok(id), Ok(public_key)) = (Uuid::parse_str(&id), VerifyingKey::from_bytes(&bytes)) else {
            continue;
        };
        replicas.insert(id, DirectoryEntry { name, public_key, removed });
    }
    let mut chain = HashMap::new();
    let mut stmt = conn.prepare("SELECT origin, last_seq, last_hash FROM exchange_chain")?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, Vec<u8>>(2)?)))?;
    for row in rows {
        let (origin, seq, hash) = row?;
        let origin = uuid_of(&origin, "bundle origin")?;
        let hash: [u8; 32] = hash
            .try_into()
            .map_err(|_| Error::new(crate::Code::ReplicaBundleHashWrongSize, serde_json::json!({})))?;
        chain.insert(origin, (u64::try_from(seq).unwrap_or(0), hash));
    }
    Ok(Directory { centre, replicas, chain })
}

/// Records that the bundle `header` (whose sealed file hashes to `file_hash`) was accepted
/// from its origin, or written by this replica: the next one from that origin must follow it.
/// Called in the transaction that applies (or records the writing of) the bundle.
pub fn note_bundle(conn: &Connection, header: &super::BundleHeader, file_hash: &[u8; 32]) -> Result<()> {
    let seq = i64::try_from(header.last_seq).map_err(|_| {
        Error::at("bundle", crate::Code::ReplicaBundleSequenceOutOfRange, serde_json::json!({}))
    })?;
    conn.execute(
        "INSERT INTO exchange_chain (origin, last_seq, last_hash) VALUES (?1, ?2, ?3)
         ON CONFLICT (origin) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        params![header.origin.to_string(), seq, file_hash.as_slice()],
    )?;
    Ok(())
}
