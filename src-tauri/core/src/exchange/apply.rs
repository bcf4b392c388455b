//! Applying a change received from another replica, with the conflict rule.
//!
//! A change applies only after every change it depended on where it was made (its origin's
//! earlier ones and the others it had seen), so two changes to one row disagree only when
//! they were made without seeing each other: a conflict. The winner is the later stamp (hybrid
//! logical clock, then replica id), except that a delete always beats an edit; the same rule
//! on every replica gives every replica the same winner. The loser goes to the `conflicts`
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
    untouched: Vec<Untouched>,
}

/// The columns of a losing edit that the winning one did not change: written after the apply,
/// so that every replica ends with the same row whichever of the two edits it saw first. (A
/// replica that made the losing edit itself keeps those columns when the winner lands: the
/// winner sets only the columns it changed.)
struct Untouched {
    table: String,
    /// The row's primary key, column by column.
    pk: Vec<(String, rusqlite::types::Value)>,
    /// The losing edit's new values of the columns the winner left alone.
    set: Vec<(String, rusqlite::types::Value)>,
}

impl Untouched {
    /// What of a losing update `item` of `table` (columns `cols`) still applies: each column it
    /// changed whose value here is still the one it changed from.
    fn of(table: &str, cols: &[String], item: &ChangesetItem) -> Option<Untouched> {
        let flags = item.pk().ok()?.to_vec();
        let (mut pk, mut set) = (Vec::new(), Vec::new());
        for (i, name) in cols.iter().enumerate() {
            if flags.get(i).is_some_and(|f| *f != 0) {
                pk.push((name.clone(), rusqlite::types::Value::try_from(item.old_value(i).ok()?).ok()?));
                continue;
            }
            let (Ok(new), Ok(old), Ok(here)) = (item.new_value(i), item.old_value(i), item.conflict(i))
            else {
                continue;
            };
            if here == old {
                set.push((name.clone(), rusqlite::types::Value::try_from(new).ok()?));
            }
        }
        (!set.is_empty() && !pk.is_empty()).then(|| Untouched { table: table.to_string(), pk, set })
    }

    fn write(&self, conn: &Connection) -> Result<()> {
        let assign: Vec<String> = self.set.iter().map(|(c, _)| format!("\"{c}\" = ?")).collect();
        let key: Vec<String> = self.pk.iter().map(|(c, _)| format!("\"{c}\" = ?")).collect();
        let sql = format!("UPDATE \"{}\" SET {} WHERE {}", self.table, assign.join(", "), key.join(" AND "));
        conn.execute(&sql, rusqlite::params_from_iter(self.set.iter().chain(&self.pk).map(|(_, v)| v)))?;
        Ok(())
    }
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
    let decisions = Arc::new(Mutex::new(Decisions::default()));
    let handler = {
        let decisions = Arc::clone(&decisions);
        let incoming = incoming.clone();
        let (losing, redirected) = (settled.losing.clone(), settled.redirected.clone());
        let placeholders = !settled.placeholders.is_empty();
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
            decide(&mut d, &stamps, &columns, &incoming, kind, &item)
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
    for edit in &d.untouched {
        edit.write(conn)?;
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
    capture::stamp_rows(conn, &change.changeset, &incoming, &|t, pk| {
        omitted.contains(&(t.to_string(), pk.to_string()))
    })?;
    lost.extend(settled.lost);
    lost.extend(d.lost);
    Ok(Outcome::Applied)
}

/// The conflict rule (see the module's documentation).
fn decide(
    d: &mut Decisions,
    stamps: &HashMap<(String, String), (Stamp, bool)>,
    columns: &HashMap<String, Vec<String>>,
    incoming: &Stamp,
    kind: ConflictType,
    item: &ChangesetItem,
) -> ConflictAction {
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
    let cols = columns.get(&table).map(Vec::as_slice).unwrap_or(&[]);
    let local = stamps.get(&(table.clone(), pk.clone()));
    let local_stamp =
        local.map(|(s, _)| s.clone()).unwrap_or(Stamp { hlc: 0, origin: String::new(), seq: 0 });
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
    if matches!(table.as_str(), "conflicts" | "erasures" | "person_merges" | "duplicate_dismissals") {
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
                REPLACE
            } else if *incoming > local_stamp {
                lose(d, "edit", theirs(), current(), incoming.clone(), local_stamp);
                REPLACE
            } else {
                d.omitted.insert((table.clone(), pk.clone()));
                lose(d, "edit", current(), theirs(), local_stamp, incoming.clone());
                if code == Action::SQLITE_UPDATE {
                    d.untouched.extend(Untouched::of(&table, cols, item));
                }
                OMIT
            }
        }
        ConflictType::SQLITE_CHANGESET_NOTFOUND => {
            d.omitted.insert((table.clone(), pk.clone()));
            // A row with no stamp here never landed: it lost a unique clash (or broke another
            // rule) and is listed as such already; its later edits are part of what lost.
            if code != Action::SQLITE_DELETE && local.is_some() {
                // The row was deleted here (or never came): the edit is listed, not lost.
                let kind = if local.is_some_and(|(_, deleted)| *deleted) { "delete" } else { "edit" };
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

fn load_stamps(
    conn: &Connection,
    rows: &[capture::RowRef],
) -> Result<HashMap<(String, String), (Stamp, bool)>> {
    let mut stmt = conn
        .prepare_cached("SELECT hlc, origin, seq, deleted FROM exchange_stamps WHERE tbl = ?1 AND pk = ?2")?;
    let mut out = HashMap::new();
    for row in rows {
        let found = stmt
            .query_row(params![row.table, row.pk], |r| {
                Ok((
                    Stamp { hlc: r.get("hlc")?, origin: r.get("origin")?, seq: r.get("seq")? },
                    r.get::<_, bool>("deleted")?,
                ))
            })
            .optional()?;
        if let Some(s) = found {
            out.insert((row.table.clone(), row.pk.clone()), s);
        }
    }
    Ok(out)
}

fn load_columns(conn: &Connection, rows: &[capture::RowRef]) -> Result<HashMap<String, Vec<String>>> {
    let mut out = HashMap::new();
    for row in rows {
        if out.contains_key(&row.table) || !is_replicated(&row.table) {
            continue;
        }
        let mut stmt =
            conn.prepare(&format!("SELECT name FROM pragma_table_info('{}') ORDER BY cid", row.table))?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        out.insert(row.table.clone(), names);
    }
    Ok(out)
}
