//! Capture: every write transaction records its own changes for the other replicas.
//!
//! [`Db::write`](super::Db::write) attaches a SQLite session (the session extension) to the
//! replicated tables, and before it commits stores the transaction's full changeset in
//! `exchange_outbox`, stamped with this replica, its next sequence number and a hybrid logical
//! clock, in the same transaction: a change and its record of itself commit or vanish together.
//! Derived tables (stock balances, the search index, name keys, the audit head) and this
//! replica's own tables are not captured: each replica rebuilds or keeps them itself.
//!
//! This file sits in `db` (below every area) because the transaction helper calls it; the
//! exchange engine above the areas (`crate::exchange`) reads and applies what it stores.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::session::{ChangesetItem, ChangesetIter, Session};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::Result;

/// Tables whose changes travel between replicas: every table with a primary key that holds
/// what people entered or decided.
pub const REPLICATED_TABLES: &[&str] = &[
    "sites",
    "settings",
    "users",
    "households",
    "people",
    "person_flags",
    "notes",
    "partners",
    "referrals",
    "phones",
    "uk_arrivals",
    "stock_items",
    "stock_thresholds",
    "stock_locations",
    "stock_movements",
    "stock_takes",
    "stock_take_lines",
    "person_sizes",
    "allowance_rules",
    "distributions",
    "collections",
    "collection_lines",
    "volunteers",
    "volunteer_sites",
    "dbs_checks",
    "activity_sessions",
    "session_exceptions",
    "session_signups",
    "shifts",
    "shift_assignments",
    "dbs_reduced",
    "conflicts",
    "replicas",
    "id_cards",
    "money_funds",
    "money_donors",
    "money_income",
    "money_claims",
    "money_claim_items",
    "money_payments",
    "money_transfers",
    "stock_transits",
    "erasures",
    "person_transfers",
    "audit_log",
    "person_merges",
    "duplicate_dismissals",
];

/// Tables that never travel, each for a reason: derived data every replica rebuilds after an
/// apply (stock balances from the ledger, the search index and its shadow tables, name keys
/// that hold local rowids), the head of this replica's own audit chain (the log itself travels:
/// one chain per origin replica), the exchange engine's own bookkeeping, this replica's
/// keys and bundle chain (`exchange_secrets`, `exchange_chain`: keys never leave a replica),
/// the counters of the human codes each replica hands out behind its own tag, and this
/// computer's automatic exchange folder.
pub const LOCAL_TABLES: &[&str] = &[
    "stock_balances",
    "people_fts",
    "people_fts_data",
    "people_fts_idx",
    "people_fts_docsize",
    "people_fts_config",
    "person_name_keys",
    "audit_head",
    "exchange_self",
    "exchange_secrets",
    "exchange_chain",
    "person_code_counters",
    "exchange_outbox",
    "exchange_applied",
    "exchange_stamps",
    "exchange_peers",
    "exchange_auto",
];

/// Whether changes to `table` are captured and exchanged.
pub fn is_replicated(table: &str) -> bool {
    REPLICATED_TABLES.contains(&table)
}

/// Whether [`Db::write`](super::Db::write) captures changes (turned off only to measure what
/// capture costs, in the `capture_overhead` bench row).
static CAPTURE_OFF: AtomicBool = AtomicBool::new(false);

/// Turns capture off (`true`) or back on, for the whole process. Only the `capture_overhead`
/// bench row does this: a replica that writes without capture never sends those changes.
pub fn set_capture_off_for_bench(off: bool) {
    CAPTURE_OFF.store(off, Ordering::Relaxed);
}

/// This replica: the centre it belongs to, its id and its site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The centre every replica of it shares.
    pub centre: String,
    /// This replica's id.
    pub replica: String,
    /// This replica's site (empty until the centre has a site).
    pub site: String,
}

/// Reads this replica's identity, making it when missing and following the replica's keys:
/// the centre and replica ids are those of `exchange_secrets` (made by migration 9 and by a
/// join), the site that of this replica's row in the directory, else the centre's first site.
/// When the keys name another replica than the engine's row (the database was made a new
/// replica by a join), the row follows them and starts afresh: no bundle of its own written
/// yet, no peers met.
pub fn ensure_identity(conn: &Connection) -> Result<Identity> {
    let found = conn
        .query_row("SELECT centre, replica, site FROM exchange_self WHERE id = 1", [], |r| {
            Ok(Identity { centre: r.get("centre")?, replica: r.get("replica")?, site: r.get("site")? })
        })
        .optional()?;
    let keys: Option<(String, String)> = conn
        .query_row("SELECT centre, replica FROM exchange_secrets WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let (centre, replica) = match (&found, keys) {
        (_, Some(keys)) => keys,
        (Some(me), None) => (me.centre.clone(), me.replica.clone()),
        (None, None) => (uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string()),
    };
    let site = conn
        .query_row("SELECT site_id FROM replicas WHERE id = ?1 AND site_id IS NOT NULL", [&replica], |r| {
            r.get::<_, String>(0)
        })
        .optional()?;
    let site = match site {
        Some(site) => site,
        None => conn
            .query_row("SELECT id FROM sites ORDER BY rowid LIMIT 1", [], |r| r.get::<_, String>(0))
            .optional()?
            .unwrap_or_default(),
    };
    let me = Identity { centre, replica, site };
    match found {
        Some(row) if row == me => {}
        Some(row) if row.replica == me.replica && row.centre == me.centre => {
            conn.execute("UPDATE exchange_self SET site = ?1 WHERE id = 1", [&me.site])?;
        }
        Some(_) => {
            conn.execute(
                "UPDATE exchange_self SET centre = ?1, replica = ?2, site = ?3, bundle_seq = 0, bundle_hash = NULL
                 WHERE id = 1",
                params![me.centre, me.replica, me.site],
            )?;
            conn.execute("DELETE FROM exchange_peers", [])?;
        }
        None => {
            conn.execute(
                "INSERT INTO exchange_self (id, centre, replica, site, hlc) VALUES (1, ?1, ?2, ?3, 0)",
                params![me.centre, me.replica, me.site],
            )?;
        }
    }
    Ok(me)
}

/// The next stamp of this replica's hybrid logical clock: later than the wall clock and than
/// every stamp seen so far, so a change made after seeing another is always stamped after it.
pub fn next_hlc(conn: &Connection) -> Result<i64> {
    let last: i64 = conn.query_row("SELECT hlc FROM exchange_self WHERE id = 1", [], |r| r.get(0))?;
    let now = chrono::Utc::now().timestamp_millis() << 16;
    let next = now.max(last.saturating_add(1));
    conn.execute("UPDATE exchange_self SET hlc = ?1 WHERE id = 1", [next])?;
    Ok(next)
}

/// Moves the clock past a stamp received from another replica.
pub fn observe_hlc(conn: &Connection, seen: i64) -> Result<()> {
    conn.execute("UPDATE exchange_self SET hlc = max(hlc, ?1) WHERE id = 1", [seen])?;
    Ok(())
}

/// The last sequence number of every origin applied (or written) here.
pub fn applied_vector(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare_cached("SELECT origin, seq FROM exchange_applied")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>("origin")?, r.get::<_, i64>("seq")?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Runs `f` in one immediate transaction with capture (see the module's documentation).
pub(crate) fn with_captured_tx<T>(
    conn: &mut Connection,
    f: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let out = if CAPTURE_OFF.load(Ordering::Relaxed) {
        // Measuring without capture: nothing is captured, audit entries included.
        let _inside = Capturing::enter();
        f(&tx)?
    } else {
        capture_in(&tx, |c| f(c))?
    };
    tx.commit()?;
    Ok(out)
}

thread_local! {
    /// How many captures are running on this thread (a capture's work runs on the thread that
    /// started it, inside one transaction of one connection).
    static CAPTURING: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Marks this thread as inside a capture until dropped (also when the work fails).
struct Capturing;

impl Capturing {
    fn enter() -> Capturing {
        CAPTURING.with(|c| c.set(c.get() + 1));
        Capturing
    }
}

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Whether the work running now is inside a capture ([`capture_in`], which every
/// [`Db::write`](super::Db::write) runs its work in). The audit log uses it: an entry written
/// where nothing captures (the exchange engine's own transactions) captures itself, so that
/// this replica's chain reaches the others without a gap.
pub fn capturing() -> bool {
    CAPTURING.with(|c| c.get() > 0)
}

/// Runs `f` on `tx` with a session on the replicated tables, then stores what it changed as
/// this replica's next change (nothing when it changed nothing replicated).
pub fn capture_in<T>(tx: &Transaction<'_>, f: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
    capture_on(tx, || f(tx))
}

/// [`capture_in`] on a connection inside a transaction the caller holds.
pub fn capture_on<T>(conn: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    let mut bytes = Vec::new();
    let out = {
        let mut session = Session::new(conn)?;
        session.table_filter(Some(is_replicated));
        session.attach::<&str>(None)?;
        let out = {
            let _inside = Capturing::enter();
            f()?
        };
        if !session.is_empty() {
            session.changeset_strm(&mut bytes)?;
        }
        out
    };
    if !bytes.is_empty() {
        store_local_change(conn, &bytes)?;
    }
    Ok(out)
}

/// Stores a changeset made here as this replica's next change, and stamps its rows.
fn store_local_change(conn: &Connection, changeset: &[u8]) -> Result<()> {
    let me = ensure_identity(conn)?;
    let hlc = next_hlc(conn)?;
    let mut applied = applied_vector(conn)?;
    let seq = applied.remove(&me.replica).unwrap_or(0) + 1;
    let deps = serde_json::to_string(&applied).map_err(|e| {
        crate::Error::new(crate::Code::ExchangeChangeNotEncoded, serde_json::json!({"detail": e.to_string()}))
    })?;
    conn.prepare_cached(
        "INSERT INTO exchange_outbox (origin, seq, hlc, deps, changeset) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![me.replica, seq, hlc, deps, changeset])?;
    conn.prepare_cached(
        "INSERT INTO exchange_applied (origin, seq) VALUES (?1, ?2)
         ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq",
    )?
    .execute(params![me.replica, seq])?;
    let stamp = Stamp { hlc, origin: me.replica, seq };
    stamp_rows(conn, changeset, &stamp, &|_, _| false, &|_, _, _| false)
}

/// Who made a change: its clock, origin replica and that origin's sequence number. Ordered by
/// clock, then origin: the later stamp wins a conflict, on every replica alike.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// The origin's hybrid logical clock when it made the change.
    pub hlc: i64,
    /// The origin replica.
    pub origin: String,
    /// The origin's sequence number of the change.
    pub seq: i64,
}

impl Stamp {
    /// Earlier than any change: what a row or column no change has stamped carries.
    pub fn none() -> Stamp {
        Stamp { hlc: 0, origin: String::new(), seq: 0 }
    }
}

/// One row a changeset touches: its table, primary key (JSON list) and operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRef {
    /// The table.
    pub table: String,
    /// The row's primary key values as a JSON list.
    pub pk: String,
    /// Whether the change deletes the row.
    pub deleted: bool,
}

/// Every row a changeset touches, in its order.
pub fn rows_of(changeset: &[u8]) -> Result<Vec<RowRef>> {
    let mut input: &[u8] = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut iter = ChangesetIter::start_strm(&reader)?;
    let mut rows = Vec::new();
    while let Some(item) = iter.next()? {
        let (table, deleted) = {
            let op = item.op()?;
            (op.table_name().to_string(), matches!(op.code(), rusqlite::hooks::Action::SQLITE_DELETE))
        };
        rows.push(RowRef { pk: pk_json(item)?, table, deleted });
    }
    Ok(rows)
}

/// The primary key of the row a changeset item (or a conflict's item) is about, as a JSON list.
pub fn pk_json(item: &ChangesetItem) -> Result<String> {
    let op = item.op()?;
    let inserting = matches!(op.code(), rusqlite::hooks::Action::SQLITE_INSERT);
    let flags = item.pk()?.to_vec();
    let mut values = Vec::new();
    for (col, flag) in flags.iter().enumerate() {
        if *flag != 0 {
            let v = if inserting { item.new_value(col)? } else { item.old_value(col)? };
            values.push(value_json(v));
        }
    }
    Ok(serde_json::Value::Array(values).to_string())
}

/// A column value as JSON (blobs as hex text).
pub fn value_json(v: ValueRef<'_>) -> serde_json::Value {
    match v {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => i.into(),
        ValueRef::Real(f) => f.into(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned().into(),
        ValueRef::Blob(b) => hex::encode(b).into(),
    }
}

/// Records `stamp` as the last change of every row `changeset` touches, except those `skip`
/// names (rows where a received change lost its conflict), and as the stamp of each column an
/// update set, except those `kept` names (table, primary key, column: a later change had set
/// that column here, so its value and stamp stay). An insert starts its row's column stamps
/// afresh: every column then carries the insert's.
pub fn stamp_rows(
    conn: &Connection,
    changeset: &[u8],
    stamp: &Stamp,
    skip: &dyn Fn(&str, &str) -> bool,
    kept: &dyn Fn(&str, &str, &str) -> bool,
) -> Result<()> {
    // A row stamped before column stamps existed (`fields` NULL) gets every column at the row's
    // old stamp first, then the columns this change set.
    let mut stmt = conn.prepare_cached(
        "INSERT INTO exchange_stamps (tbl, pk, hlc, origin, seq, deleted, fields)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (tbl, pk) DO UPDATE SET hlc = excluded.hlc, origin = excluded.origin,
             seq = excluded.seq, deleted = excluded.deleted,
             fields = CASE WHEN ?8 THEN excluded.fields ELSE json_patch(COALESCE(exchange_stamps.fields,
                 (SELECT json_group_object(name, json_array(exchange_stamps.hlc, exchange_stamps.origin,
                     exchange_stamps.seq)) FROM pragma_table_info(exchange_stamps.tbl) WHERE pk = 0)),
                 excluded.fields) END",
    )?;
    let mut columns: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut input: &[u8] = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut iter = ChangesetIter::start_strm(&reader)?;
    while let Some(item) = iter.next()? {
        let (table, code) = {
            let op = item.op()?;
            (op.table_name().to_string(), op.code())
        };
        let pk = pk_json(item)?;
        // Audit entries are only ever added, each under its own id: no two replicas write the
        // same one, so there is never a conflict to settle and no stamp to keep.
        if table == "audit_log" || skip(&table, &pk) {
            continue;
        }
        let mut set = serde_json::Map::new();
        if code == rusqlite::hooks::Action::SQLITE_UPDATE {
            if !columns.contains_key(&table) {
                columns.insert(table.clone(), column_names(conn, &table)?);
            }
            let names = columns.get(&table).map(Vec::as_slice).unwrap_or(&[]);
            let flags = item.pk()?.to_vec();
            for (i, name) in names.iter().enumerate() {
                let changed = flags.get(i).is_some_and(|f| *f == 0) && item.new_value(i).is_ok();
                if changed && !kept(&table, &pk, name) {
                    set.insert(name.clone(), serde_json::json!([stamp.hlc, stamp.origin, stamp.seq]));
                }
            }
        }
        let deleted = code == rusqlite::hooks::Action::SQLITE_DELETE;
        let inserted = code == rusqlite::hooks::Action::SQLITE_INSERT;
        stmt.execute(params![
            table,
            pk,
            stamp.hlc,
            stamp.origin,
            stamp.seq,
            deleted,
            serde_json::Value::Object(set).to_string(),
            inserted
        ])?;
    }
    Ok(())
}

/// The columns of `table`, in the order a changeset numbers them.
pub fn column_names(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
    let names = stmt.query_map([table], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(names)
}
