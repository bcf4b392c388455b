//! Exchange through a folder: a USB stick, a shared network folder, a synced folder.
//!
//! One run reads every other replica's acknowledgement (`<replica>.ack`) and bundle
//! (`<replica>-<n>.bundle`) in the folder, applies what is new in one transaction, writes one
//! bundle of its own holding every change some replica there has not acknowledged, and its own
//! acknowledgement. Files are written aside and renamed, so a reader never sees half a file.
//! Running it twice changes nothing: the second run finds nothing new to apply, and writes no
//! bundle or acknowledgement that would say the same as the ones already there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::apply::{apply_change, Outcome};
use super::bundle::{decode_changes, encode_changes, BundleHeader, Change};
use super::replicas::{self, Directory, SealKeys};
use super::seal;
use crate::access::{audit, Session};
use crate::db::capture::{applied_vector, ensure_identity, rows_of, Identity};
use crate::{Db, Error, Result};

/// What one exchange did (`haven-cli exchange --json` prints the first four).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExchangeReport {
    /// Changes written into this replica's new bundle (0 when no bundle was needed).
    pub sent: usize,
    /// Changes from other replicas applied here.
    pub applied: usize,
    /// Changes found that wait for others not here yet.
    pub waiting: usize,
    /// Conflicts this exchange found (each listed once in the conflicts list).
    pub conflicts: usize,
    /// Why changes wait: which replica's change is missing.
    pub waiting_for: Vec<String>,
    /// Files in the folder that were not read, and why.
    pub refused: Vec<String>,
}

/// A replica's acknowledgement file: the last change of each origin it has applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Ack {
    centre: String,
    replica: String,
    applied: BTreeMap<String, i64>,
    /// Every other replica the writer knows of: a replica met only through a relay is known
    /// here too, and keeps what it has not acknowledged.
    #[serde(default)]
    known: Vec<String>,
}

/// What the folder holds for this replica.
#[derive(Default)]
struct Scan {
    acks: Vec<Ack>,
    changes: BTreeMap<(String, i64), Change>,
    /// This replica's own bundles there: (file, the changes it holds).
    own: Vec<(PathBuf, BTreeSet<(String, i64)>)>,
    /// Other replicas' bundles read, with their file hashes: recorded in each origin's chain
    /// of accepted bundles in the transaction that applies them.
    accepted: Vec<(BundleHeader, [u8; 32])>,
    refused: Vec<String>,
}

/// Runs one exchange through `dir` as `session` (see the module's documentation).
pub fn exchange_folder(db: &Db, session: &Session, dir: &Path) -> Result<ExchangeReport> {
    if !dir.is_dir() {
        return Err(Error::at(
            "dir",
            crate::Code::ExchangeDirNotFound,
            serde_json::json!({"dir": dir.display().to_string()}),
        ));
    }
    let me = db.write_uncaptured(|tx| ensure_identity(tx))?;
    let (keys, directory) = db.read(|c| Ok((replicas::seal_keys(c)?, replicas::directory(c)?)))?;
    let scan = scan(dir, &me, &keys, &directory)?;
    let mut report = ExchangeReport { refused: scan.refused.clone(), ..ExchangeReport::default() };
    db.write_uncaptured(|tx| {
        for ack in &scan.acks {
            let acked = serde_json::to_string(&ack.applied).unwrap_or_else(|_| "{}".into());
            tx.execute(
                "INSERT INTO exchange_peers (replica, acked, seen_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (replica) DO UPDATE SET acked = excluded.acked, seen_at = excluded.seen_at",
                params![ack.replica, acked, super::now_utc()],
            )?;
            for other in ack.known.iter().filter(|k| **k != me.replica) {
                tx.execute(
                    "INSERT OR IGNORE INTO exchange_peers (replica, acked, seen_at) VALUES (?1, '{}', ?2)",
                    params![other, super::now_utc()],
                )?;
            }
        }
        let mut lost = Vec::new();
        let mut touched = Vec::new();
        let mut pending: BTreeMap<&(String, i64), &Change> = scan.changes.iter().collect();
        loop {
            let mut progress = false;
            let keys: Vec<_> = pending.keys().copied().collect();
            for key in keys {
                let Some(change) = pending.get(key).copied() else { continue };
                match apply_change(tx, &me.replica, change, &mut lost)? {
                    Outcome::Applied => {
                        report.applied += 1;
                        touched.extend(rows_of(&change.changeset)?);
                        pending.remove(key);
                        progress = true;
                    }
                    Outcome::AlreadyIn => {
                        pending.remove(key);
                    }
                    Outcome::Waits(_) => {}
                }
            }
            if !progress {
                break;
            }
        }
        for change in pending.values() {
            if let Outcome::Waits(why) = apply_change(tx, &me.replica, change, &mut lost)? {
                report.waiting += 1;
                if !report.waiting_for.contains(&why) {
                    report.waiting_for.push(why);
                }
            }
        }
        report.conflicts = super::conflicts::record(tx, &me, &lost)?;
        if report.applied > 0 {
            super::rebuild_derived(tx, &touched)?;
        }
        // The apply is audited in this replica's own chain, and that entry travels like any
        // other. An apply that brought nothing but other replicas' audit entries is not
        // audited again: each such entry would be answered by another, and two replicas
        // would never finish exchanging.
        if touched.iter().any(|row| row.table != "audit_log") {
            let detail = serde_json::json!({"dir": dir.display().to_string(), "applied": report.applied,
                "waiting": report.waiting, "conflicts": report.conflicts});
            audit::record(tx, session, "exchange", "exchange", None, Some(&detail))?;
        }
        for (header, hash) in &scan.accepted {
            let last = directory.chain.get(&header.origin).map_or(0, |(seq, _)| *seq);
            if header.last_seq > last {
                replicas::note_bundle(tx, header, hash)?;
            }
        }
        forget_acknowledged(tx, &me.replica)?;
        Ok(())
    })?;
    report.sent = write_bundle(db, dir, &me, &keys, &scan)?;
    write_ack(db, dir, &me)?;
    Ok(report)
}

/// Reads the acknowledgements and bundles in `dir`. A bundle is opened only when it is
/// authentic ([`seal::open_signed`]: sealed with this centre's key, signed by a replica of the
/// directory that was not removed, its chain unbroken, a schema this Haven knows); any other
/// is listed as refused, with the reason, and left where it is. Which changes of a bundle are
/// new is decided change by change (each origin's in sequence), so a bundle that supersedes
/// older ones of its origin, holding everything they held, needs none of them.
fn scan(dir: &Path, me: &Identity, keys: &SealKeys, directory: &Directory) -> Result<Scan> {
    let mut scan = Scan::default();
    let mut entries: Vec<PathBuf> =
        std::fs::read_dir(dir)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if name.ends_with(".ack") {
            match std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<Ack>(&b).ok()) {
                Some(ack) if ack.replica == me.replica => {}
                Some(ack) if ack.centre != me.centre => {}
                Some(ack) => scan.acks.push(ack),
                None => scan.refused.push(format!("{name}: not an acknowledgement Haven can read")),
            }
        } else if name.ends_with(".bundle") {
            let bytes = std::fs::read(&path)?;
            let read = seal::open_signed(&bytes, keys, directory)
                .and_then(|(h, payload)| Ok((h, decode_changes(&payload)?)));
            match read {
                Err(e) => scan.refused.push(format!("{name}: {e}")),
                Ok((header, changes)) if header.origin.to_string() == me.replica => {
                    scan.own.push((path, changes.iter().map(|c| (c.origin.clone(), c.seq)).collect()));
                }
                Ok((header, changes)) => {
                    scan.accepted.push((header, seal::file_hash(&bytes)));
                    for c in changes {
                        scan.changes.entry((c.origin.clone(), c.seq)).or_insert(c);
                    }
                }
            }
        }
    }
    Ok(scan)
}

/// Deletes outbox rows every known replica has acknowledged, so personal data does not stay
/// in them longer than the exchange needs. Known: every replica met in a folder and every
/// origin whose changes arrived here (a replica known but silent keeps everything it lacks).
fn forget_acknowledged(conn: &Connection, me: &str) -> Result<()> {
    let mut peers: BTreeMap<String, BTreeMap<String, i64>> = conn
        .prepare("SELECT replica, acked FROM exchange_peers")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .filter_map(|r| r.ok().map(|(p, a)| (p, serde_json::from_str(&a).unwrap_or_default())))
        .collect();
    for origin in applied_vector(conn)?.into_keys() {
        if origin != me {
            peers.entry(origin).or_default();
        }
    }
    if peers.is_empty() {
        return Ok(());
    }
    let peers: Vec<BTreeMap<String, i64>> = peers.into_values().collect();
    let origins: Vec<String> = conn
        .prepare("SELECT DISTINCT origin FROM exchange_outbox")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for origin in origins {
        let everyone = peers.iter().map(|p| p.get(&origin).copied().unwrap_or(0)).min().unwrap_or(0);
        conn.execute(
            "DELETE FROM exchange_outbox WHERE origin = ?1 AND seq <= ?2",
            params![origin, everyone],
        )?;
    }
    Ok(())
}

/// Writes this replica's bundle when some replica in the folder lacks a change it holds and
/// no bundle of its own there already holds exactly those; removes its older bundles there.
fn write_bundle(db: &Db, dir: &Path, me: &Identity, seal_keys: &SealKeys, scan: &Scan) -> Result<usize> {
    let acks: Vec<&BTreeMap<String, i64>> = scan.acks.iter().map(|a| &a.applied).collect();
    let changes = db.read(|conn| {
        let mut stmt = conn
            .prepare("SELECT origin, seq, hlc, deps, changeset FROM exchange_outbox ORDER BY origin, seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(Change {
                origin: r.get("origin")?,
                seq: r.get("seq")?,
                hlc: r.get("hlc")?,
                deps: r.get("deps")?,
                changeset: r.get("changeset")?,
            })
        })?;
        let mut out = Vec::new();
        for c in rows {
            let c = c?;
            let wanted =
                acks.is_empty() || acks.iter().any(|a| a.get(&c.origin).copied().unwrap_or(0) < c.seq);
            if wanted {
                out.push(c);
            }
        }
        Ok(out)
    })?;
    let keys: BTreeSet<(String, i64)> = changes.iter().map(|c| (c.origin.clone(), c.seq)).collect();
    if !keys.is_empty() && scan.own.iter().any(|(_, held)| *held == keys) {
        return Ok(0);
    }
    let mut written = None;
    if !keys.is_empty() {
        // The next number in this replica's own chain, naming the last bundle it wrote.
        let header = db.read(|c| {
            let (centre, replica) = replicas::identity(c)?;
            let done = replicas::directory(c)?.chain.get(&replica).map_or(0, |(seq, _)| *seq);
            let header = seal::next_header(c, done + 1)?;
            debug_assert_eq!((header.centre, header.origin), (centre, replica));
            Ok(header)
        })?;
        let bytes = seal::seal(&header, &encode_changes(&changes), seal_keys)?;
        let path = dir.join(format!("{}-{:08}.bundle", me.replica, header.last_seq));
        write_aside(&path, &bytes)?;
        let hash = seal::file_hash(&bytes);
        db.write_uncaptured(|tx| replicas::note_bundle(tx, &header, &hash))?;
        written = Some(path);
    }
    for (old, _) in &scan.own {
        if Some(old) != written.as_ref() {
            // An older bundle of ours holds nothing the new one (or the others' acks) lacks.
            let _ = std::fs::remove_file(old);
        }
    }
    Ok(changes.len())
}

/// Writes this replica's acknowledgement, unless the one there says the same.
fn write_ack(db: &Db, dir: &Path, me: &Identity) -> Result<()> {
    let (applied, known) = db.read(|c| {
        let known = c
            .prepare("SELECT replica FROM exchange_peers ORDER BY replica")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok((applied_vector(c)?, known))
    })?;
    let ack = Ack { centre: me.centre.clone(), replica: me.replica.clone(), applied, known };
    let bytes = serde_json::to_vec_pretty(&ack).map_err(|e| {
        Error::new(
            crate::Code::ExchangeAcknowledgementNotEncoded,
            serde_json::json!({"detail": e.to_string()}),
        )
    })?;
    let path = dir.join(format!("{}.ack", me.replica));
    if std::fs::read(&path).ok().as_deref() == Some(bytes.as_slice()) {
        return Ok(());
    }
    write_aside(&path, &bytes)
}

/// Writes a file beside its place and renames it there, so nobody reads half of it.
fn write_aside(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension("part");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

/// The identity of this replica, for callers above (tests, join).
pub fn identity(db: &Db) -> Result<Identity> {
    db.write_uncaptured(|tx| ensure_identity(tx))
}

/// The number of changes in the outbox (for tests and the screen).
pub fn outbox_len(db: &Db) -> Result<i64> {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM exchange_outbox", [], |r| r.get(0))?))
}
