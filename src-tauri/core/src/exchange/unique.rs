//! Two replicas inserting rows that break a unique rule together (one person signed up twice
//! for one session, two UK checklists of one person, two open stock-takes of one location):
//! settled before the change applies, the same way on every replica.
//!
//! The two rows have different primary keys, so SQLite sees no conflict between them, only a
//! broken rule ("constraint"). Of the two, the row created later (its `created_at`, then its
//! primary key) stays on every replica. Creation is compared, not the rows' exchange stamps:
//! a stamp moves with every later edit of the row, which the other replica may not have seen
//! yet, so two replicas could compare different stamps and keep different rows.
//!
//! Before a received change applies, each row it inserts is checked against the table's unique
//! indexes (a partial index only where its WHERE holds for both rows). A local row that loses
//! is deleted (the apply is not captured, so this is no new change), and the rows pointing at
//! it by foreign key follow the winner, or go where a rule of their own table forbids a second
//! one there (two counts of one item in two stock-takes); a received row that loses is left
//! out by the conflict handler. Either way the loser is listed once (kind `insert`, both
//! versions, the winner under its own primary key). A row received later that points at a row that lost here (a line of the
//! stock-take that lost, from the replica that made it) follows the winner the same way, so
//! it does not wait for a row that will never come.

use std::collections::{HashMap, HashSet};

use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
use rusqlite::hooks::Action;
use rusqlite::session::ChangesetIter;
use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::Value;

use super::lost::Lost;
use super::rows::{
    as_json, clashing, created_key, from_json, insert, key_of, owned, primary_key_in_order, quoted,
    replace_local, table, Local, Table,
};
use crate::db::capture::{is_replicated, pk_json, value_json, RowRef, Stamp};
use crate::Result;

/// Tables settled by their own rule in the conflict handler (the list, erasures, merges and
/// dismissals: the later record stands) or never in conflict (audit entries).
const OWN_RULE: &[&str] = &["conflicts", "erasures", "person_merges", "duplicate_dismissals", "audit_log"];

/// What was settled for one received change before it applies.
#[derive(Default)]
pub(super) struct Settled {
    /// Received rows that lose to a local one (table, primary key): the conflict handler leaves
    /// them out.
    pub losing: HashSet<(String, String)>,
    /// Received rows written here already, pointing at the winner instead of a row that lost:
    /// the handler leaves the change's own version of them out.
    pub redirected: HashSet<(String, String)>,
    /// Every loser, local (deleted here) or received, to be listed.
    pub lost: Vec<Lost>,
    /// Received rows that lost after following a winner, put in as they came so that the
    /// apply meets them (a conflict it is told to leave out) instead of inserting them; taken
    /// out after the apply ([`clear_placeholders`]).
    pub placeholders: Vec<(String, String)>,
}

/// A row that lost somewhere and the one that stays: (table, loser's values, winner's values).
type Replaced = (String, Value, Value);

/// Rows that lost a unique clash, here or on the replica that found it: from the list
/// (replicated) and from this exchange's losses not yet recorded in it.
fn replaced(conn: &Connection, found: &[Lost]) -> Result<Vec<Replaced>> {
    let mut out: Vec<Replaced> = conn
        .prepare("SELECT tbl, loser, winner FROM conflicts WHERE kind = 'insert' AND winner <> 'null'")?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .filter_map(|r| r.ok())
        .map(|(t, l, w)| {
            (
                t,
                serde_json::from_str(&l).unwrap_or(Value::Null),
                serde_json::from_str(&w).unwrap_or(Value::Null),
            )
        })
        .collect();
    out.extend(
        found
            .iter()
            .filter(|l| l.kind == "unique")
            .map(|l| (l.table.clone(), l.loser.clone(), l.winner.clone())),
    );
    Ok(out)
}

/// A row the change inserts: its table, primary key and values.
type Row = (String, String, Vec<Sql>);

/// Settles the unique clashes of a received change (stamped `incoming`) before it applies, in
/// the caller's transaction, with foreign keys deferred (see the module's documentation).
/// `found` holds the losses found earlier in this exchange.
pub(super) fn settle(
    conn: &Connection,
    changeset: &[u8],
    incoming: &Stamp,
    found: &[Lost],
) -> Result<Settled> {
    let mut settled = Settled::default();
    let mut tables: HashMap<String, Table> = HashMap::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut input: &[u8] = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut iter = ChangesetIter::start_strm(&reader)?;
    let mut touched: HashSet<(String, String)> = HashSet::new();
    while let Some(item) = iter.next()? {
        let (name, code) = {
            let op = item.op()?;
            (op.table_name().to_string(), op.code())
        };
        if code != Action::SQLITE_INSERT {
            // A local row the change itself edits or deletes was seen where it was made: no
            // clash (an open stock-take closed and another opened in one transaction).
            touched.insert((name.clone(), pk_json(item)?));
        }
        if code != Action::SQLITE_INSERT || !is_replicated(&name) || OWN_RULE.contains(&name.as_str()) {
            continue;
        }
        if !tables.contains_key(&name) {
            tables.insert(name.clone(), table(conn, &name)?);
        }
        let Some(t) = tables.get(&name) else { continue };
        if t.uniques.is_empty() && t.fks.is_empty() {
            continue;
        }
        let values: Vec<Sql> =
            (0..t.cols.len()).map(|i| owned(item.new_value(i)?)).collect::<rusqlite::Result<_>>()?;
        rows.push((name, pk_json(item)?, values));
    }
    if rows.is_empty() {
        return Ok(settled);
    }
    let mut clashes = Clashes { conn, incoming, touched, settled: &mut settled };
    // The received rows against the local ones; then the rows pointing at a row that lost
    // follow the winner (and meet its own rows); then the received rows once more, against
    // local rows that followed a winner here.
    for (name, pk, values) in &rows {
        if let Some(t) = tables.get(name) {
            clashes.decide(name, t, pk, values, false)?;
        }
    }
    let mut replaced_rows = replaced(conn, found)?;
    replaced_rows
        .extend(clashes.settled.lost.iter().map(|l| (l.table.clone(), l.loser.clone(), l.winner.clone())));
    // With no row that lost anywhere, nothing can follow a winner and nothing moved here: the
    // first pass settled it all (the common case, a bundle of new rows).
    if replaced_rows.is_empty() {
        return Ok(settled);
    }
    for (name, pk, values) in &rows {
        let Some(t) = tables.get(name) else { continue };
        if clashes.settled.losing.contains(&(name.clone(), pk.clone())) {
            continue;
        }
        if let Some(moved) = follow(conn, t, values, &replaced_rows)? {
            clashes.settled.redirected.insert((name.clone(), pk.clone()));
            clashes.decide(name, t, pk, &moved, true)?;
        }
    }
    for (name, pk, values) in &rows {
        let key = (name.clone(), pk.clone());
        if clashes.settled.losing.contains(&key) || clashes.settled.redirected.contains(&key) {
            continue;
        }
        if let Some(t) = tables.get(name) {
            clashes.decide(name, t, pk, values, false)?;
        }
    }
    Ok(settled)
}

/// The values of a received row pointing at a row that lost (and is not here), pointing at
/// the winner instead; `None` when it points at no such row.
fn follow(conn: &Connection, t: &Table, values: &[Sql], replaced: &[Replaced]) -> Result<Option<Vec<Sql>>> {
    let mut out = values.to_vec();
    let mut moved = false;
    for fk in &t.fks {
        let Some(from): Option<Vec<usize>> =
            fk.from.iter().map(|c| t.cols.iter().position(|x| x == c)).collect()
        else {
            continue;
        };
        let points: Vec<Value> =
            from.iter().filter_map(|i| values.get(*i)).map(|v| value_json(v.into())).collect();
        if points.len() != from.len() || points.iter().any(Value::is_null) {
            continue;
        }
        let Some((_, _, winner)) = replaced.iter().find(|(tbl, loser, _)| {
            *tbl == fk.parent && fk.to.iter().zip(&points).all(|(c, p)| loser.get(c) == Some(p))
        }) else {
            continue;
        };
        // A row that lost and was taken back since is pointed at as it is.
        let at: Vec<String> =
            fk.to.iter().enumerate().map(|(k, c)| format!("\"{c}\" = ?{}", k + 1)).collect();
        let present = conn
            .query_row(
                &format!("SELECT 1 FROM \"{}\" WHERE {}", fk.parent, at.join(" AND ")),
                params_from_iter(from.iter().filter_map(|i| values.get(*i))),
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        if present {
            continue;
        }
        for (i, c) in from.iter().zip(&fk.to) {
            out[*i] = from_json(winner.get(c).unwrap_or(&Value::Null));
        }
        moved = true;
    }
    Ok(moved.then_some(out))
}

/// The clashes of one received change, decided one row at a time.
struct Clashes<'a> {
    conn: &'a Connection,
    incoming: &'a Stamp,
    touched: HashSet<(String, String)>,
    settled: &'a mut Settled,
}

impl Clashes<'_> {
    fn stamp_of(&self, name: &str, key: &str) -> Result<Stamp> {
        Ok(self
            .conn
            .prepare_cached("SELECT hlc, origin, seq FROM exchange_stamps WHERE tbl = ?1 AND pk = ?2")?
            .query_row([name, key], |r| Ok(Stamp { hlc: r.get(0)?, origin: r.get(1)?, seq: r.get(2)? }))
            .optional()?
            .unwrap_or(Stamp { hlc: 0, origin: String::new(), seq: 0 }))
    }

    /// Decides the received row `values` against the local rows it clashes with: the row created
    /// later stays. A row that followed a winner (`moved`) is written here when it stays, and
    /// its version in the change is left out by the handler.
    fn decide(&mut self, name: &str, t: &Table, pk: &str, values: &[Sql], moved: bool) -> Result<()> {
        let mut locals = clashing(self.conn, name, t, values, pk)?;
        locals.retain(|l| !self.touched.contains(&(name.to_string(), l.pk.clone())));
        let theirs = created_key(t, values, pk);
        let winner = locals.iter().max_by_key(|l| created_key(t, &l.values, &l.pk));
        if let Some(local) = winner.filter(|l| created_key(t, &l.values, &l.pk) > theirs) {
            // A local row created later stays: the received one is left out and listed.
            let lost = Lost {
                table: name.to_string(),
                pk: pk.to_string(),
                kind: "unique",
                winner: as_json(&t.cols, &local.values),
                loser: as_json(&t.cols, values),
                winner_stamp: self.stamp_of(name, &local.pk)?,
                loser_stamp: self.incoming.clone(),
            };
            self.settled.lost.push(lost);
            self.settled.losing.insert((name.to_string(), pk.to_string()));
            if moved {
                // The change inserts it pointing at a row that is not here: it is put in as
                // it came, for the apply to meet it and leave it out, and taken out after.
                self.settled.placeholders.push((name.to_string(), pk.to_string()));
                insert(self.conn, name, t, values, true)?;
            }
            return Ok(());
        }
        for local in &locals {
            let lost = Lost {
                table: name.to_string(),
                pk: local.pk.clone(),
                kind: "unique",
                winner: as_json(&t.cols, values),
                loser: as_json(&t.cols, &local.values),
                winner_stamp: self.incoming.clone(),
                loser_stamp: self.stamp_of(name, &local.pk)?,
            };
            self.settled.lost.push(lost);
            replace_local(self.conn, name, t, local, values)?;
        }
        if moved {
            insert(self.conn, name, t, values, false)?;
        }
        Ok(())
    }
}

/// Takes out the rows [`Settled::placeholders`] put in for the apply to meet, then checks that
/// no row is left pointing at one that is not here (`false`: the change waits, undone).
pub(super) fn clear_placeholders(conn: &Connection, settled: &Settled, rows: &[RowRef]) -> Result<bool> {
    if settled.placeholders.is_empty() {
        return Ok(true);
    }
    // Deferred again (the apply turned it off), so that taking a placeholder out settles the
    // deferred count it added.
    conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    let mut stmt_tables: HashMap<&str, Vec<String>> = HashMap::new();
    for (name, pk) in &settled.placeholders {
        if !stmt_tables.contains_key(name.as_str()) {
            stmt_tables.insert(name, primary_key_in_order(conn, name)?);
        }
        let cols = stmt_tables.get(name.as_str()).cloned().unwrap_or_default();
        let key: Vec<Value> = serde_json::from_str(pk).unwrap_or_default();
        let at: Vec<String> = cols.iter().enumerate().map(|(k, c)| format!("\"{c}\" = ?{}", k + 1)).collect();
        conn.execute(
            &format!("DELETE FROM \"{name}\" WHERE {}", at.join(" AND ")),
            params_from_iter(key.iter().map(from_json)),
        )?;
    }
    // Only the tables the change wrote: a row they point at is what the change may lack.
    let written: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.table.as_str()).collect();
    for table in written {
        if conn.prepare(&format!("PRAGMA foreign_key_check('{table}')"))?.query([])?.next()?.is_some() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Settles, by the same rule, the rows a merge could not move: a row about a merged person that
/// a unique rule lets the kept person have only once (a sign-up for one session and day, a UK
/// checklist) while the kept person has one. The merge makes the two records one person, so
/// the two rows are settled as if two computers had made them for that person: the one created
/// later stays, with the kept person, and the other goes (rows pointing at it follow). An
/// exchange meeting the same pair in the other order (the moved row here, the kept person's
/// row arriving) settles it the same way, so every replica ends equal. Uncaptured local work
/// like the merge's own moves: after a merge here and after every apply.
pub(crate) fn settle_merged(conn: &Connection) -> Result<()> {
    let groups = crate::cases::merges::groups(conn)?;
    if groups.is_empty() {
        return Ok(());
    }
    for (name, column) in crate::cases::merges::followed_columns(conn)? {
        let t = table(conn, &name)?;
        let Some(at) = t.cols.iter().position(|c| *c == column) else { continue };
        if !t.uniques.iter().any(|u| u.cols.contains(&at)) {
            continue;
        }
        for members in &groups {
            let Some((end, merged)) = members.split_first() else { continue };
            for person in merged {
                let left: Vec<Vec<Sql>> = {
                    let mut stmt = conn.prepare_cached(&format!(
                        "SELECT {} FROM \"{name}\" WHERE \"{column}\" = ?1",
                        quoted(&t.cols).join(", ")
                    ))?;
                    let rows = stmt.query_map([person], |r| (0..t.cols.len()).map(|i| r.get(i)).collect())?;
                    rows.collect::<rusqlite::Result<_>>()?
                };
                for row in left {
                    let pk = key_of(&t, &row);
                    let mut moved = row.clone();
                    moved[at] = Sql::Text(end.clone());
                    let locals = clashing(conn, &name, &t, &moved, &pk)?;
                    let Some(kept) = locals.iter().max_by_key(|l| created_key(&t, &l.values, &l.pk)) else {
                        continue;
                    };
                    if created_key(&t, &kept.values, &kept.pk) > created_key(&t, &row, &pk) {
                        replace_local(conn, &name, &t, &Local { pk, values: row }, &kept.values)?;
                    } else {
                        for local in &locals {
                            replace_local(conn, &name, &t, local, &moved)?;
                        }
                        let key: Vec<(usize, &String)> =
                            t.cols.iter().enumerate().filter(|(i, _)| t.pk[*i]).collect();
                        let cond: Vec<String> = key
                            .iter()
                            .enumerate()
                            .map(|(k, (_, c))| format!("\"{c}\" = ?{}", k + 2))
                            .collect();
                        let mut values: Vec<&Sql> = vec![&moved[at]];
                        values.extend(key.iter().filter_map(|(i, _)| row.get(*i)));
                        conn.execute(
                            &format!("UPDATE \"{name}\" SET \"{column}\" = ?1 WHERE {}", cond.join(" AND ")),
                            params_from_iter(values),
                        )?;
                    }
                }
            }
        }
    }
    Ok(())
}
