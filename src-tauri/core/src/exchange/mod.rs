//! Exchange between replicas: every Haven install of a centre holds the whole centre's data
//! and passes its changes to the others through folders (a USB stick, a shared folder).
//!
//! - Capture (`db::capture`, below every area): each write transaction stores its own full
//!   changeset in the outbox, in the same transaction.
//! - Bundles ([`bundle`]): the changes a folder's other replicas have not acknowledged, with
//!   their header, sealed and signed ([`seal`]); each new bundle of a replica holds everything
//!   its older ones there held, so it replaces them in the folder.
//! - Apply ([`apply`]): received changes apply in causal order (each origin's in sequence,
//!   after what they depended on), are kept in the outbox with their origin to be passed on,
//!   and a concurrent change to the same row is a conflict with one winner on every replica.
//! - Conflicts ([`conflicts`]): the replicated list of losing versions, resolved by a
//!   coordinator or lead.
//! - Folder exchange ([`folder`]): one run of read, apply, write, acknowledge.
//!
//! After an apply the data derived locally is brought up to date: stock balances from the
//! ledger, the name keys of every person touched (they hold local rowids), erased people
//! scrubbed again, and the rows of merged people moved to the kept ones
//! ([`crate::cases::merges`]). The search index
//! follows by its own triggers, which SQLite runs during an apply as for any write
//! (`tests/exchange.rs` checks it).
//!
//! Rooms: `bundle` (the header every bundle carries), `seal` (a bundle's encryption under the
//! centre's exchange key and its origin's Ed25519 signature, and every refusal of a bundle),
//! `replicas` (this replica's keys in LOCAL tables, the replicated directory of replicas,
//! removing a lost one, and the per-origin chain of accepted bundles), `join` (a lead's join
//! file under a one-time code, and a fresh data folder joining the centre with it).
//!
//! LOCAL tables never leave the replica: they are not captured, not put in a bundle, and are
//! emptied in the snapshot a join file carries ([`replicas::LOCAL_TABLES`]).
//!
//! Writing a bundle: [`seal::next_header`] for its header, [`replicas::seal_keys`] and
//! [`seal::seal`] for the file, then [`replicas::note_bundle`] with [`seal::file_hash`] in the
//! transaction that records it as written. Reading one: [`replicas::directory`] and
//! [`seal::open`] (or [`seal::open_signed`] and [`seal::standing`] to sort a folder's bundles
//! first), then [`replicas::note_bundle`] in the transaction that applies it, so that a bundle
//! is accepted exactly when its changes land.

pub mod apply;
pub mod auto;
pub mod bundle;
pub mod conflicts;
pub mod folder;
pub mod join;
mod lost;
pub mod replicas;
mod rows;
pub mod seal;
mod unique;

use std::collections::BTreeSet;

use rusqlite::{Connection, OptionalExtension};

pub use apply::{apply_change, Lost, Outcome};
pub use bundle::{BundleHeader, Change};
pub use conflicts::{Conflict, Resolution};
pub use folder::{exchange_folder, identity, outbox_len, ExchangeReport};
pub use join::{hand_over, invite, join, take_over, Handover, Invite, Joined};
pub use replicas::{Directory, Replica, SealKeys};
pub use seal::{open, seal};
pub(crate) use unique::settle_merged;

use crate::db::capture::RowRef;
use crate::Result;

/// Seals a bundle file with this replica's keys (see [`seal::seal`]).
pub fn seal_bundle(conn: &Connection, header: &BundleHeader, payload: &[u8]) -> Result<Vec<u8>> {
    seal::seal(header, payload, &replicas::seal_keys(conn)?)
}

/// Opens an authentic bundle file of this centre (see [`seal::open_signed`]).
pub fn open_bundle(conn: &Connection, bytes: &[u8]) -> Result<(BundleHeader, Vec<u8>)> {
    seal::open_signed(bytes, &replicas::seal_keys(conn)?, &replicas::directory(conn)?)
}

/// UTC now, as every table stores it.
pub(crate) fn now_utc() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Brings derived data up to date after `rows` were changed by an apply.
pub(crate) fn rebuild_derived(conn: &Connection, rows: &[RowRef]) -> Result<()> {
    let mut people = BTreeSet::new();
    let mut touched = BTreeSet::new();
    let mut ledger = false;
    for row in rows {
        let pk = || serde_json::from_str::<Vec<String>>(&row.pk).unwrap_or_default();
        match row.table.as_str() {
            "people" if !row.deleted => people.extend(pk()),
            "erasures" if !row.deleted => touched.extend(pk()),
            // A row about a person, made elsewhere before that replica knew of an erasure.
            "notes" | "uk_arrivals" | "person_flags" | "referrals" | "phones" if !row.deleted => {
                for id in pk() {
                    let person: Option<String> = conn
                        .query_row(
                            &format!("SELECT person_id FROM {} WHERE id = ?1", row.table),
                            [&id],
                            |r| r.get(0),
                        )
                        .optional()?;
                    touched.extend(person);
                }
            }
            "stock_movements" => ledger = true,
            _ => {}
        }
    }
    touched.extend(people.iter().cloned());
    // Erased people stay erased, whatever arrived (the erasure itself, or an older change).
    crate::privacy::scrub_erased(conn, &touched)?;
    // Rows about a merged person follow the person kept, whatever arrived (the merge itself, or
    // a note or collection made elsewhere before that replica knew of it).
    crate::cases::merges::settle(conn)?;
    // The rows a merge could not move (the kept person has one like it): the later stays.
    unique::settle_merged(conn)?;
    // A person erased on one computer and merged on another: the whole group is erased.
    crate::privacy::erase_merged(conn)?;
    for id in people {
        let names = conn
            .query_row(
                "SELECT given_name, family_name, original_name, other_names FROM people WHERE id = ?1",
                [&id],
                |r| {
                    Ok((
                        r.get::<_, String>("given_name")?,
                        r.get::<_, Option<String>>("family_name")?.unwrap_or_default(),
                        r.get::<_, Option<String>>("original_name")?,
                        r.get::<_, Option<String>>("other_names")?.unwrap_or_default(),
                    ))
                },
            )
            .optional()?;
        if let Some((given, family, original, others)) = names {
            crate::cases::names::index_person(conn, &id, &given, &family, original.as_deref(), &others)?;
        }
    }
    if ledger {
        rebuild_balances(conn)?;
    }
    Ok(())
}

/// Rebuilds every stock balance from the ledger, exactly: a sum below zero (two computers of a
/// site giving out the same stock between exchanges) stays below zero in the table, is shown as
/// empty, and is listed to its site as a shortfall ([`crate::stock::shortfalls`]).
pub fn rebuild_balances(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DELETE FROM stock_balances;
         INSERT INTO stock_balances (location_id, item_id, variant, batch, site_id, expires_on, quantity)
         SELECT m.location_id, m.item_id, m.variant, m.batch,
                (SELECT f.site_id FROM stock_movements f WHERE f.location_id = m.location_id
                   AND f.item_id = m.item_id AND f.variant = m.variant AND f.batch = m.batch
                 ORDER BY f.created_at, f.id LIMIT 1) AS site_id,
                (SELECT f.expires_on FROM stock_movements f WHERE f.location_id = m.location_id
                   AND f.item_id = m.item_id AND f.variant = m.variant AND f.batch = m.batch
                 ORDER BY f.created_at, f.id LIMIT 1) AS expires_on,
                sum(m.quantity) AS quantity
         FROM stock_movements m
         GROUP BY m.location_id, m.item_id, m.variant, m.batch;",
    )?;
    Ok(())
}
