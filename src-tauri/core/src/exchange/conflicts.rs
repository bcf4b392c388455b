//! The conflicts list: changes that lost to a concurrent one, kept for a coordinator or lead.
//!
//! The list is a replicated table: a conflict found on one replica reaches the others, and its
//! id is derived from the losing change, so one conflict is one row on every replica however
//! many find it. Resolving it either keeps the winner (marks it resolved) or takes the other
//! version, which writes an ordinary change that replicates.

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::lost::Lost;
use crate::db::capture::{capture_in, Identity, REPLICATED_TABLES};
use crate::{Error, Result};

/// One conflict of the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Conflict {
    /// Its id.
    pub id: String,
    /// The table of the row.
    pub table: String,
    /// The row's primary key values.
    pub row: Value,
    /// `edit` (two edits), `delete` (a delete met an edit) or `insert` (one new row made twice,
    /// differently, or two new rows that a unique rule lets only one of stand: the winner then
    /// has another primary key than the row).
    pub kind: String,
    /// The version that won (null: the row was deleted).
    pub winner: Value,
    /// The version that lost (null: a delete lost).
    pub loser: Value,
    /// The replica that made the winning version.
    pub winner_origin: String,
    /// When (UTC) the winning version was made.
    pub winner_at: String,
    /// The replica that made the losing version.
    pub loser_origin: String,
    /// When (UTC) the losing version was made.
    pub loser_at: String,
    /// `keep` or `take_other` once resolved.
    pub resolution: Option<String>,
    /// Who resolved it (user id).
    pub resolved_by: Option<String>,
    /// When it was resolved (UTC).
    pub resolved_at: Option<String>,
}

/// How a conflict is resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The winner stays.
    Keep,
    /// The losing version is written back as a new change.
    TakeOther,
}

/// Adds lost changes to the list (as this replica's own captured change, so it replicates);
/// returns how many were new here.
pub(crate) fn record(tx: &Transaction<'_>, me: &Identity, lost: &[Lost]) -> Result<usize> {
    capture_in(tx, |tx| {
        let mut added = 0;
        for l in lost {
            let id = conflict_id(l);
            added += tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO conflicts (id, site_id, tbl, row_pk, kind, winner, loser, winner_origin,
                         winner_hlc, loser_origin, loser_hlc, found_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                )?
                .execute(params![
                    id,
                    me.site,
                    l.table,
                    l.pk,
                    // The list knows three kinds; a unique clash is two inserts.
                    if l.kind == "unique" { "insert" } else { l.kind },
                    l.winner.to_string(),
                    l.loser.to_string(),
                    l.winner_stamp.origin,
                    l.winner_stamp.hlc,
                    l.loser_stamp.origin,
                    l.loser_stamp.hlc,
                    me.replica,
                ])?;
        }
        Ok(added)
    })
}

/// The id of the conflict a losing change makes: the same on every replica.
fn conflict_id(l: &Lost) -> String {
    let mut h = Sha256::new();
    if l.kind == "unique" {
        // A row loses a unique clash once, whichever replica finds it: the replica that made
        // it may have edited it since, so its stamp there is not the one the others see.
        for part in [l.table.as_str(), l.pk.as_str(), "unique"] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        return hex::encode(&h.finalize()[..16]);
    }
    for part in [l.table.as_str(), l.pk.as_str(), l.loser_stamp.origin.as_str()] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(l.loser_stamp.seq.to_le_bytes());
    hex::encode(&h.finalize()[..16])
}

const COLUMNS: &str =
    "id, tbl, row_pk, kind, winner, loser, winner_origin, winner_hlc, loser_origin, loser_hlc,
    resolution, resolved_by, resolved_at";

fn hlc_time(hlc: i64) -> String {
    chrono::DateTime::from_timestamp_millis(hlc >> 16)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Conflict> {
    let json = |s: String| serde_json::from_str(&s).unwrap_or(Value::Null);
    Ok(Conflict {
        id: r.get("id")?,
        table: r.get("tbl")?,
        row: json(r.get("row_pk")?),
        kind: r.get("kind")?,
        winner: json(r.get("winner")?),
        loser: json(r.get("loser")?),
        winner_origin: r.get("winner_origin")?,
        winner_at: hlc_time(r.get("winner_hlc")?),
        loser_origin: r.get("loser_origin")?,
        loser_at: hlc_time(r.get("loser_hlc")?),
        resolution: r.get("resolution")?,
        resolved_by: r.get("resolved_by")?,
        resolved_at: r.get("resolved_at")?,
    })
}

/// The conflicts, open ones first, newest first (resolved ones too when `all`).
pub fn list(conn: &Connection, all: bool) -> Result<Vec<Conflict>> {
    let filter = if all { "" } else { "WHERE resolution IS NULL" };
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM conflicts {filter} ORDER BY resolution IS NOT NULL, winner_hlc DESC, id"
    ))?;
    let rows = stmt.query_map([], read_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// One conflict by id.
pub fn get(conn: &Connection, id: &str) -> Result<Conflict> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM conflicts WHERE id = ?1"), [id], read_row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::ConflictNotFound, serde_json::json!({})))
}

/// Resolves a conflict as `user_id` (the caller's captured transaction): `Keep` marks it;
/// `TakeOther` first writes the losing version back (an edit's values over the row, a deleted
/// row put back, a delete done).
pub fn resolve(conn: &Connection, id: &str, how: Resolution, user_id: &str) -> Result<Conflict> {
    let c = get(conn, id)?;
    if c.resolution.is_some() {
        return Err(Error::new(crate::Code::ConflictAlreadyResolved, serde_json::json!({})));
    }
    if how == Resolution::TakeOther {
        take_other(conn, &c)?;
    }
    let how_text = match how {
        Resolution::Keep => "keep",
        Resolution::TakeOther => "take_other",
    };
    conn.execute(
        "UPDATE conflicts SET resolution = ?2, resolved_by = ?3, resolved_at = ?4, updated_at = ?4 WHERE id = ?1",
        params![id, how_text, user_id, super::now_utc()],
    )?;
    get(conn, id)
}

fn take_other(conn: &Connection, c: &Conflict) -> Result<()> {
    if !REPLICATED_TABLES.contains(&c.table.as_str()) || c.table == "conflicts" {
        return Err(Error::at("id", crate::Code::ConflictTableNotExchanged, serde_json::json!({})));
    }
    let columns = crate::db::capture::column_names(conn, &c.table)?;
    let pk_cols: Vec<String> = conn
        .prepare(&format!("SELECT name FROM pragma_table_info('{}') WHERE pk > 0 ORDER BY pk", c.table))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let pk: Vec<Value> = serde_json::from_value(c.row.clone()).unwrap_or_default();
    if pk.len() != pk_cols.len() {
        return Err(Error::at("id", crate::Code::ConflictRowNotFound, serde_json::json!({})));
    }
    let where_sql =
        pk_cols.iter().enumerate().map(|(i, k)| format!("\"{k}\" = ?{}", i + 1)).collect::<Vec<_>>();
    let where_sql = where_sql.join(" AND ");
    let pk_params: Vec<rusqlite::types::Value> = pk.iter().map(json_value).collect();
    let Value::Object(values) = &c.loser else {
        // The losing version was a delete: do it now.
        conn.execute(
            &format!("DELETE FROM \"{}\" WHERE {where_sql}", c.table),
            rusqlite::params_from_iter(pk_params),
        )?;
        return Ok(());
    };
    let values: Vec<(&String, &Value)> = values.iter().filter(|(k, _)| columns.contains(k)).collect();
    let exists = conn
        .query_row(
            &format!("SELECT 1 FROM \"{}\" WHERE {where_sql}", c.table),
            rusqlite::params_from_iter(pk_params.clone()),
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    if exists {
        let sets: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, (k, _))| format!("\"{k}\" = ?{}", pk_params.len() + i + 1))
            .collect();
        if sets.is_empty() {
            return Ok(());
        }
        let mut all = pk_params;
        all.extend(values.iter().map(|(_, v)| json_value(v)));
        conn.execute(
            &format!("UPDATE \"{}\" SET {} WHERE {where_sql}", c.table, sets.join(", ")),
            rusqlite::params_from_iter(all),
        )?;
    } else {
        if values.len() != columns.len() {
            return Err(Error::new(crate::Code::ExchangeRowDeleted, serde_json::json!({})));
        }
        // Two rows a unique rule lets only one of stand: the one kept makes way, and the rows
        // pointing at it (a stock-take's lines) follow the one taken back, as they followed the
        // kept one when the clash was settled (`rows::replace_local`). The taken row is
        // written after them, so its foreign keys are checked at the end of the transaction.
        if let Value::Object(winner) = &c.winner {
            let key: Option<Vec<rusqlite::types::Value>> =
                pk_cols.iter().map(|k| winner.get(k).map(json_value)).collect();
            if let Some(key) = key.filter(|k| *k != pk_params) {
                make_way(conn, &c.table, &where_sql, key, &values)?;
            }
        }
        let names: Vec<String> = values.iter().map(|(k, _)| format!("\"{k}\"")).collect();
        let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
        conn.execute(
            &format!("INSERT INTO \"{}\" ({}) VALUES ({})", c.table, names.join(", "), marks.join(", ")),
            rusqlite::params_from_iter(values.iter().map(|(_, v)| json_value(v))),
        )?;
    }
    Ok(())
}

/// Deletes the kept row of a unique clash (primary key `key`) after the rows pointing at it
/// follow the row `taken` (every column, by name) that replaces it.
fn make_way(
    conn: &Connection,
    table: &str,
    where_sql: &str,
    key: Vec<rusqlite::types::Value>,
    taken: &[(&String, &Value)],
) -> Result<()> {
    let t = super::rows::table(conn, table)?;
    let kept = conn
        .query_row(
            &format!("SELECT {} FROM \"{table}\" WHERE {where_sql}", super::rows::quoted(&t.cols).join(", ")),
            rusqlite::params_from_iter(key),
            |r| {
                (0..t.cols.len()).map(|i| r.get(i)).collect::<rusqlite::Result<Vec<rusqlite::types::Value>>>()
            },
        )
        .optional()?;
    let Some(kept) = kept else { return Ok(()) };
    let taken: Vec<rusqlite::types::Value> = t
        .cols
        .iter()
        .map(|c| {
            taken
                .iter()
                .find(|(k, _)| *k == c)
                .map(|(_, v)| json_value(v))
                .unwrap_or(rusqlite::types::Value::Null)
        })
        .collect();
    conn.execute_batch("PRAGMA defer_foreign_keys = ON")?;
    let local = super::rows::Local { pk: super::rows::key_of(&t, &kept), values: kept };
    super::rows::replace_local(conn, table, &t, &local, &taken)
}

fn json_value(v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match v {
        Value::Null => V::Null,
        Value::Bool(b) => V::Integer(i64::from(*b)),
        Value::Number(n) => n.as_i64().map(V::Integer).unwrap_or_else(|| V::Real(n.as_f64().unwrap_or(0.0))),
        Value::String(s) => V::Text(s.clone()),
        other => V::Text(other.to_string()),
    }
}
