//! Applying a change received from another replica, with the conflict rule.
//!
//! A change applies only after every change it depended on where it was made (its origin's
//! earlier ones and the others it had seen), so two changes to one row disagree only when
//! they were made without seeing each other: a conflict. The winner is the later stamp (hybrid
//! logical clock, then replica id), column by column for two edits (each column ends with the
//! value of the latest edit that set it), except that a delete always beats an edit; the same
//! rule on every replica gives every replica the same winner. The loser goes to the `conflicts`
//! list, keyed by the losing change, so it is listed once however many replicas find it. A
//! change whose row refers to one that has not arrived waits (SQLite's foreign-key check at
//! the end of the apply), and nothing of it lands until it can.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rusqlite::hooks::Action;
use rusqlite::session::{ChangesetItem, ConflictAction, ConflictType};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{Map, Value};

use super::bundle::Change;
pub use super::lost::Lost;
use super::unique;
use crate::db::capture::{self, applied_vector, is_replicated, pk_json, rows_of, value_json, Stamp};
use crate::{Error, Result};

/// What became of a received change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It was applied now.
    Applied,
    /// It was applied before (nothing done).
    AlreadyIn,
    /// It waits for something not here yet (why).
    Waits(String),
}

/// What the conflict handler decided, shared with it (it must be `'static`).
#[derive(Default)]
struct Decisions {
    omitted: HashSet<(String, String)>,
    lost: Vec<Lost>,
    wait: Option<String>,
}

/// What this replica knows of a row: the stamp of its last change, whether that deleted it,
/// and the stamp of each column (see [`Local::field`]).
struct Local {
    stamp: Stamp,
    deleted: bool,
    /// Column -> the stamp of the last change that set it; `None` for a row stamped before
    /// column stamps existed.
    fields: Option<HashMap<String, Stamp>>,
}

impl Local {
    /// The stamp of the change that last set `column` here: a column no edit has set since the
    /// row's insert carries none (any edit of it is later than the insert); a row stamped
    /// before column stamps existed carries its row stamp in every column.
    fn field(&self, column: &str) -> Stamp {
        match &self.fields {
            None => self.stamp.clone(),
            Some(fields) => fields.get(column).cloned().unwrap_or_else(Stamp::none),
        }
    }
}

/// The columns of received edits that a later change had set here already: found before the
/// apply, written back after it, so that each column ends with the latest edit's value
/// whichever edit arrived first.
#[derive(Default)]
struct Later {
    /// The values to write back after the apply.
    keep: Vec<Keep>,
    /// (table, primary key, column) of each column kept.
    kept: HashSet<(String, String, String)>,
    /// Rows whose every column the received edit set is kept: the edit is left out whole.
    whole: HashSet<(String, String)>,
    /// The received edits' values that lost.
    lost: Vec<Lost>,
}

/// One row's kept columns and their values here.
struct Keep {
    table: String,
    /// The row's primary key, column by column.
    pk: Vec<(String, rusqlite::types::Value)>,
    /// The kept columns' values here.
    set: Vec<(String, rusqlite::types::Value)>,
}

impl Keep {
    fn write(&self, conn: &Connection) -> Result<()> {
        let assign: Vec<String> = self.set.iter().map(|(c, _)| format!("\"{c}\" = ?")).collect();
        let key: Vec<String> = self.pk.iter().map(|(c, _)| format!("\"{c}\" = ?")).collect();
        let sql = format!("UPDATE \"{}\" SET {} WHERE {}", self.table, assign.join(", "), key.join(" AND "));
        conn.execute(&sql, rusqlite::params_from_iter(self.set.iter().chain(&self.pk).map(|(_, v)| v)))?;
        Ok(())
    }

    /// The kept columns' values here, read before the apply; `None` when the row is not here.
    fn read(
        conn: &Connection,
        table: &str,
        pk: Vec<(String, rusqlite::types::Value)>,
        columns: Vec<String>,
    ) -> Result<Option<Keep>> {
        let list: Vec<String> = columns.iter().map(|c| format!("\"{c}\"")).collect();
        let key: Vec<String> = pk.iter().map(|(c, _)| format!("\"{c}\" = ?")).collect();
        let sql = format!("SELECT {} FROM \"{table}\" WHERE {}", list.join(", "), key.join(" AND "));
        let values = conn
            .prepare_cached(&sql)?
            .query_row(rusqlite::params_from_iter(pk.iter().map(|(_, v)| v)), |r| {
                (0..columns.len())
                    .map(|i| r.get::<_, rusqlite::types::Value>(i))
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .optional()?;
        Ok(values.map(|values| Keep {
            table: table.to_string(),
            pk,
            set: columns.into_iter().zip(values).collect(),
        }))
    }
}

/// Tables whose rows are settled whole, the later version standing (see [`decide`]).
fn settled_whole(table: &str) -> bool {
    matches!(table, "conflicts" | "erasures" | "person_merges" | "duplicate_dismissals")
}

/// Applies one received change on `conn` (inside the caller's transaction), unless it is in
/// already or must wait. Lost changes are added to `lost`.
pub fn apply_change(conn: &Connection, me: &str, change: &Change, lost: &mut Vec<Lost>) -> Result<Outcome> {
    let applied = applied_vector(conn)?;
    if applied.get(&change.origin).copied().unwrap_or(0) >= change.seq || change.origin == me {
        return Ok(Outcome::AlreadyIn);
    }
    let before = applied.get(&change.origin).copied().unwrap_or(0);
    if before + 1 != change.seq {
        return Ok(Outcome::Waits(format!(
            "change {} of replica {} has not arrived",
            before + 1,
            change.origin
        )));
    }
    let deps: BTreeMap<String, i64> = serde_json::from_str(&change.deps).map_err(|_| {
        Error::at("bundle", crate::Code::ExchangeBundleBadDependencies, serde_json::json!({}))
    })?;
    for (origin, seq) in &deps {
        if origin != me && applied.get(origin).copied().unwrap_or(0) < *seq {
            return Ok(Outcome::Waits(format!("it follows change {seq} of replica {origin}, not here yet")));
        }
    }
    // What the unique rules settle is written before the apply (foreign keys deferred: rows
    // follow a winner the apply is about to insert), and undone with it when the change waits.
    conn.execute_batch("SAVEPOINT exchange_apply; PRAGMA defer_foreign_keys = ON;")?;
    let outcome = apply_in_order(conn, change, lost);
    if matches!(outcome, Ok(Outcome::Applied)) {
        conn.execute_batch("RELEASE exchange_apply")?;
    } else {
        conn.execute_batch("ROLLBACK TO exchange_apply; RELEASE exchange_apply")?;
    }
    // Checked already (by the apply, and after its placeholders): the rest of the transaction
    // checks its foreign keys as every write does.
    conn.execute_batch("PRAGMA defer_foreign_keys = OFF")?;
    outcome
}

/// Applies a change whose earlier ones are all here (see [`apply_change`]).
fn apply_in_order(conn: &Connection, change: &Change, lost: &mut Vec<Lost>) -> Result<Outcome> {
    let incoming = Stamp { hlc: change.hlc, origin: change.origin.clone(), seq: change.seq };
    let settled = unique::settle(conn, &change.changeset, &incoming, lost)?;
    let rows = rows_of(&change.changeset)?;
    let stamps = load_stamps(conn, &rows)?;
    let columns = load_columns(conn, &rows)?;
    let later = later_fields(conn, &change.changeset, &incoming, &stamps, &columns)?;
    let decisions = Arc::new(Mutex::new(Decisions::default()));
    let handler = {
        let decisions = Arc::clone(&decisions);
        let incoming = incoming.clone();
        let (losing, redirected) = (settled.losing.clone(), settled.redirected.clone());
        let placeholders = !settled.placeholders.is_empty();
        let (kept, whole) = (later.kept.clone(), later.whole.clone());
        move |kind: ConflictType, item: ChangesetItem| -> ConflictAction {
            let Ok(mut d) = decisions.lock() else { return ConflictAction::SQLITE_CHANGESET_ABORT };
            if kind == ConflictType::SQLITE_CHANGESET_FOREIGN_KEY && placeholders {
                // The placeholders point at a row that is not here until they are taken out;
                // the check is made after that (`unique::clear_placeholders`).
                return ConflictAction::SQLITE_CHANGESET_OMIT;
            }
            if kind != ConflictType::SQLITE_CHANGESET_FOREIGN_KEY {
                // Settled before the apply: a received row that lost a unique clash (listed
                // already), or one written already pointing at the winner.
                if let (Ok(op), Ok(pk)) = (item.op(), pk_json(&item)) {
                    let key = (op.table_name().to_string(), pk);
                    if losing.contains(&key) {
                        d.omitted.insert(key);
                        return ConflictAction::SQLITE_CHANGESET_OMIT;
                    }
                    if redirected.contains(&key) {
                        return ConflictAction::SQLITE_CHANGESET_OMIT;
                    }
                }
            }
            decide(
                &mut d,
                &Rule { stamps: &stamps, columns: &columns, incoming: &incoming, kept: &kept, whole: &whole },
                kind,
                &item,
            )
        }
    };
    let mut input: &[u8] = &change.changeset;
    let result = conn.apply_strm(&mut input, Some(is_replicated as fn(&str) -> bool), handler);
    let d = std::mem::take(
        &mut *decisions
            .lock()
            .map_err(|_| Error::new(crate::Code::ExchangeConflictDecisionLost, serde_json::json!({})))?,
    );
    if let Some(why) = d.wait {
        return Ok(Outcome::Waits(why));
    }
    result?;
    if !unique::clear_placeholders(conn, &settled, &rows)? {
        return Ok(Outcome::Waits("a row it refers to has not arrived".into()));
    }
    for keep in &later.keep {
        keep.write(conn)?;
    }
    conn.prepare_cached(
        "INSERT OR IGNORE INTO exchange_outbox (origin, seq, hlc, deps, changeset) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![change.origin, change.seq, change.hlc, change.deps, change.changeset])?;
    conn.prepare_cached(
        "INSERT INTO exchange_applied (origin, seq) VALUES (?1, ?2)
         ON CONFLICT (origin) DO UPDATE SET seq = excluded.seq",
    )?
    .execute(params![change.origin, change.seq])?;
    capture::observe_hlc(conn, change.hlc)?;
    let omitted = d.omitted;
    let kept = later.kept;
    capture::stamp_rows(
        conn,
        &change.changeset,
        &incoming,
        &|t, pk| omitted.contains(&(t.to_string(), pk.to_string())),
        &|t, pk, c| kept.contains(&(t.to_string(), pk.to_string(), c.to_string())),
    )?;
    lost.extend(settled.lost);
    lost.extend(later.lost);
    lost.extend(d.lost);
    Ok(Outcome::Applied)
}

/// What the conflict rule needs besides the conflict: the stamps here, the tables' columns,
/// the received change's stamp, and what [`later_fields`] kept.
struct Rule<'a> {
    stamps: &'a HashMap<(String, String), Local>,
    columns: &'a HashMap<String, Vec<String>>,
    incoming: &'a Stamp,
    kept: &'a HashSet<(String, String, String)>,
    whole: &'a HashSet<(String, String)>,
}

/// The two sides of what one change lost: the winning values and the losing ones, by column.
type Sides = (Map<String, Value>, Map<String, Value>);

/// The conflict rule (see the module's documentation).
fn decide(d: &mut Decisions, rule: &Rule<'_>, kind: ConflictType, item: &ChangesetItem) -> ConflictAction {
    use ConflictAction::{
        SQLITE_CHANGESET_ABORT as ABORT, SQLITE_CHANGESET_OMIT as OMIT, SQLITE_CHANGESET_REPLACE as REPLACE,
    };
    if kind == ConflictType::SQLITE_CHANGESET_FOREIGN_KEY {
        d.wait = Some("a row it refers to has not arrived".into());
        return ABORT;
    }
    let Ok(op) = item.op() else { return ABORT };
    let table = op.table_name().to_string();
    let code = op.code();
    let Ok(pk) = pk_json(item) else { return ABORT };
    let incoming = rule.incoming;
    let cols = rule.columns.get(&table).map(Vec::as_slice).unwrap_or(&[]);
    let local = rule.stamps.get(&(table.clone(), pk.clone()));
    let local_stamp = local.map(|l| l.stamp.clone()).unwrap_or_else(Stamp::none);
    let current = || values_of(cols, |c| item.conflict(c));
    let theirs = || match code {
        Action::SQLITE_DELETE => Value::Null,
        _ => values_of(cols, |c| item.new_value(c)),
    };
    let lose = |d: &mut Decisions, kind: &'static str, winner: Value, loser: Value, w: Stamp, l: Stamp| {
        d.lost.push(Lost {
            table: table.clone(),
            pk: pk.clone(),
            kind,
            winner,
            loser,
            winner_stamp: w,
            loser_stamp: l,
        });
    };
    if settled_whole(&table) {
        // The list itself, an erasure (two replicas' retention rules erasing the same closed
        // case), or the same merge or dismissal made on two replicas: the later version of the
        // row stands, nothing is listed.
        return match kind {
            ConflictType::SQLITE_CHANGESET_DATA | ConflictType::SQLITE_CHANGESET_CONFLICT
                if *incoming > local_stamp =>
            {
                REPLACE
            }
            _ => {
                d.omitted.insert((table, pk));
                OMIT
            }
        };
    }
    match kind {
        ConflictType::SQLITE_CHANGESET_DATA => {
            if code == Action::SQLITE_DELETE {
                // A delete meeting an edit: the delete wins everywhere, the edit is listed.
                lose(d, "delete", Value::Null, current(), incoming.clone(), local_stamp);
                return REPLACE;
            }
            if rule.whole.contains(&(table.clone(), pk.clone())) {
                // Every column it set, a later change here set too (listed before the apply).
                d.omitted.insert((table, pk));
                return OMIT;
            }
            // Two edits: each column it set that a concurrent change here had set too is taken
            // from the later of the two. The columns a later change set here are written back
            // after the apply (`later_fields`, which listed them); the others are its. What
            // they replace here is listed, under the change that had set it.
            let mut beaten: BTreeMap<Stamp, Sides> = BTreeMap::new();
            for (i, name) in cols.iter().enumerate() {
                if rule.kept.contains(&(table.clone(), pk.clone(), name.clone())) {
                    continue;
                }
                let (Ok(new), Ok(old), Ok(here)) = (item.new_value(i), item.old_value(i), item.conflict(i))
                else {
                    continue;
                };
                if here == old || here == new {
                    continue;
                }
                // A column no stamped change set here (a local rule's write, such as an
                // erasure's) is listed under the row's last change.
                let stamp = local.map(|l| l.field(name)).filter(|s| *s != Stamp::none());
                let entry = beaten.entry(stamp.unwrap_or_else(|| local_stamp.clone())).or_default();
                entry.0.insert(name.clone(), value_json(new));
                entry.1.insert(name.clone(), value_json(here));
            }
            for (stamp, (winner, loser)) in beaten {
                lose(d, "edit", Value::Object(winner), Value::Object(loser), incoming.clone(), stamp);
            }
            REPLACE
        }
        ConflictType::SQLITE_CHANGESET_NOTFOUND => {
            d.omitted.insert((table.clone(), pk.clone()));
            // A row with no stamp here never landed: it lost a unique clash (or broke another
            // rule) and is listed as such already; its later edits are part of what lost.
            if code != Action::SQLITE_DELETE && local.is_some() {
                // The row was deleted here (or never came): the edit is listed, not lost.
                let kind = if local.is_some_and(|l| l.deleted) { "delete" } else { "edit" };
                lose(d, kind, Value::Null, theirs(), local_stamp, incoming.clone());
            }
            OMIT
        }
        ConflictType::SQLITE_CHANGESET_CONFLICT => {
            let (ours, new) = (current(), theirs());
            if ours == new {
                return OMIT;
            }
            if *incoming > local_stamp {
                lose(d, "insert", new, ours, incoming.clone(), local_stamp);
                REPLACE
            } else {
                d.omitted.insert((table.clone(), pk.clone()));
                lose(d, "insert", ours, new, local_stamp, incoming.clone());
                OMIT
            }
        }
        // A row that breaks a rule here the unique rules did not settle before the apply (an
        // index on an expression, or a row the local work of a merge moved where the change
        // did not expect it): kept in the list, not applied. Listed under the row itself, as
        // a unique clash is, so that a replica settling it before the apply lists it once too.
        _ => {
            d.omitted.insert((table.clone(), pk.clone()));
            lose(d, "unique", Value::Null, theirs(), local_stamp, incoming.clone());
            OMIT
        }
    }
}

/// The values a changeset item holds for a row, by column name (columns it does not hold are
/// left out: an update carries the ones it changed).
fn values_of<'a>(
    cols: &[String],
    get: impl Fn(usize) -> rusqlite::Result<rusqlite::types::ValueRef<'a>>,
) -> Value {
    let mut out = Map::new();
    for (i, name) in cols.iter().enumerate() {
        if let Ok(v) = get(i) {
            out.insert(name.clone(), value_json(v));
        }
    }
    Value::Object(out)
}

fn load_stamps(conn: &Connection, rows: &[capture::RowRef]) -> Result<HashMap<(String, String), Local>> {
    let mut stmt = conn.prepare_cached(
        "SELECT hlc, origin, seq, deleted, fields FROM exchange_stamps WHERE tbl = ?1 AND pk = ?2",
    )?;
    let mut out = HashMap::new();
    for row in rows {
        let found = stmt
            .query_row(params![row.table, row.pk], |r| {
                Ok((
                    Stamp { hlc: r.get("hlc")?, origin: r.get("origin")?, seq: r.get("seq")? },
                    r.get::<_, bool>("deleted")?,
                    r.get::<_, Option<String>>("fields")?,
                ))
            })
            .optional()?;
        if let Some((stamp, deleted, fields)) = found {
            let fields = fields.map(|f| field_stamps(&f)).transpose()?;
            out.insert((row.table.clone(), row.pk.clone()), Local { stamp, deleted, fields });
        }
    }
    Ok(out)
}

/// A row's column stamps as stored (`{"column": [hlc, origin, seq]}`).
fn field_stamps(json: &str) -> Result<HashMap<String, Stamp>> {
    let bad = || Error::new(crate::Code::ExchangeConflictDecisionLost, serde_json::json!({"fields": json}));
    let map: HashMap<String, (i64, String, i64)> = serde_json::from_str(json).map_err(|_| bad())?;
    Ok(map.into_iter().map(|(c, (hlc, origin, seq))| (c, Stamp { hlc, origin, seq })).collect())
}

/// The columns of the received edits in `changeset` that a later change had set here: kept,
/// with their values here, and listed as what the received edit lost (see [`Later`]).
fn later_fields(
    conn: &Connection,
    changeset: &[u8],
    incoming: &Stamp,
    stamps: &HashMap<(String, String), Local>,
    columns: &HashMap<String, Vec<String>>,
) -> Result<Later> {
    let mut later = Later::default();
    let mut input: &[u8] = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut iter = rusqlite::session::ChangesetIter::start_strm(&reader)?;
    'rows: while let Some(item) =
        rusqlite::fallible_streaming_iterator::FallibleStreamingIterator::next(&mut iter)?
    {
        let op = item.op()?;
        if op.code() != Action::SQLITE_UPDATE || settled_whole(op.table_name()) {
            continue;
        }
        let table = op.table_name().to_string();
        let pk = pk_json(item)?;
        let Some(local) = stamps.get(&(table.clone(), pk.clone())).filter(|l| !l.deleted) else {
            continue;
        };
        let Some(cols) = columns.get(&table) else { continue };
        let flags = item.pk()?.to_vec();
        let (mut key, mut changed, mut later_set) = (Vec::new(), 0, Vec::new());
        for (i, name) in cols.iter().enumerate() {
            if flags.get(i).is_some_and(|f| *f != 0) {
                // A key that is not valid text: the row is not one this replica can have.
                let Ok(v) = rusqlite::types::Value::try_from(item.old_value(i)?) else { continue 'rows };
                key.push((name.clone(), v));
                continue;
            }
            let Ok(new) = item.new_value(i) else { continue };
            changed += 1;
            let field = local.field(name);
            if field > *incoming {
                later_set.push((name.clone(), value_json(new), field));
            }
        }
        if later_set.is_empty() {
            continue;
        }
        let names = later_set.iter().map(|(c, _, _)| c.clone()).collect();
        let Some(keep) = Keep::read(conn, &table, key, names)? else { continue };
        // Listed once, with every column it lost, under the latest of the changes that beat it
        // (the list keeps one entry a losing change).
        let (mut winner, mut loser, mut latest) = (Map::new(), Map::new(), None::<Stamp>);
        for ((name, new, field), (_, here)) in later_set.into_iter().zip(&keep.set) {
            let here = value_json(here.into());
            later.kept.insert((table.clone(), pk.clone(), name.clone()));
            if here != new {
                winner.insert(name.clone(), here);
                loser.insert(name, new);
                latest = latest.max(Some(field));
            }
        }
        if let Some(stamp) = latest {
            later.lost.push(Lost {
                table: table.clone(),
                pk: pk.clone(),
                kind: "edit",
                winner: Value::Object(winner),
                loser: Value::Object(loser),
                winner_stamp: stamp,
                loser_stamp: incoming.clone(),
            });
        }
        if keep.set.len() == changed {
            later.whole.insert((table, pk));
        }
        later.keep.push(keep);
    }
    Ok(later)
}

fn load_columns(conn: &Connection, rows: &[capture::RowRef]) -> Result<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    for row in rows {
        if out.contains_key(&row.table) || !is_replicated(&row.table) {
            continue;
        }
        out.insert(row.table.clone(), capture::column_names(conn, &row.table)?);
    }
    Ok(out)
}
