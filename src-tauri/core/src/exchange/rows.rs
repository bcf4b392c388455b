//! The rows the unique rules work on (`unique.rs`): a table's unique indexes and foreign keys
//! read from the schema, the local rows a row clashes with, and a local row that lost replaced
//! by the winner, the rows pointing at it following.

use rusqlite::types::Value as Sql;
use rusqlite::{params_from_iter, Connection, OptionalExtension};
use serde_json::{Map, Value};

use crate::db::capture::value_json;
use crate::Result;

/// A unique index: its columns (positions in the table) and the WHERE of a partial one.
pub(super) struct UniqueIndex {
    pub(super) cols: Vec<usize>,
    pub(super) partial: Option<String>,
}

/// A foreign key of a table: its columns, and the parent's table and columns.
pub(super) struct ForeignKey {
    pub(super) from: Vec<String>,
    pub(super) parent: String,
    pub(super) to: Vec<String>,
}

/// What the rule needs to know of a table, read from the schema.
pub(super) struct Table {
    pub(super) cols: Vec<String>,
    pub(super) pk: Vec<bool>,
    pub(super) created: Option<usize>,
    pub(super) uniques: Vec<UniqueIndex>,
    pub(super) fks: Vec<ForeignKey>,
}

pub(super) fn quoted(names: &[String]) -> Vec<String> {
    names.iter().map(|c| format!("\"{c}\"")).collect()
}

pub(super) fn table(conn: &Connection, name: &str) -> Result<Table> {
    let info: Vec<(String, i64)> = conn
        .prepare_cached(&format!("SELECT name, pk FROM pragma_table_info('{name}') ORDER BY cid"))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let cols: Vec<String> = info.iter().map(|(c, _)| c.clone()).collect();
    let pk = info.iter().map(|(_, p)| *p > 0).collect();
    let created = cols.iter().position(|c| c == "created_at");
    let indexes: Vec<(String, bool)> = conn
        .prepare_cached(&format!(
            "SELECT name, partial FROM pragma_index_list('{name}') WHERE \"unique\" = 1 AND origin <> 'pk'"
        ))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut uniques = Vec::new();
    for (index, partial) in indexes {
        let names: Vec<Option<String>> = conn
            .prepare_cached(&format!("SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        // An index on an expression (a setting per key and site, coalesced) cannot be probed
        // by column; its clash stays listed as a plain broken rule.
        let Some(positions) =
            names.iter().map(|n| n.as_ref().and_then(|n| cols.iter().position(|c| c == n))).collect()
        else {
            continue;
        };
        let partial = if partial {
            let sql: Option<String> = conn
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?1",
                    [&index],
                    |r| r.get(0),
                )
                .optional()?
                .flatten();
            match sql.as_deref().and_then(where_of) {
                Some(w) => Some(w),
                None => continue,
            }
        } else {
            None
        };
        uniques.push(UniqueIndex { cols: positions, partial });
    }
    let mut fks: Vec<(i64, ForeignKey)> = Vec::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{name}') ORDER BY id, seq"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    for row in rows {
        let (id, parent, from, to) = row?;
        let to = match to {
            Some(t) => t,
            None => primary_key(conn, &parent)?.into_iter().next().unwrap_or_default(),
        };
        match fks.last_mut() {
            Some((last, fk)) if *last == id => {
                fk.from.push(from);
                fk.to.push(to);
            }
            _ => fks.push((id, ForeignKey { from: vec![from], parent, to: vec![to] })),
        }
    }
    Ok(Table { cols, pk, created, uniques, fks: fks.into_iter().map(|(_, f)| f).collect() })
}

fn primary_key(conn: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(&format!("SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The condition of a partial index, from its CREATE statement.
fn where_of(sql: &str) -> Option<String> {
    let at = sql.to_ascii_uppercase().rfind(" WHERE ")?;
    Some(sql[at + 7..].trim().to_string())
}

/// The key that orders two clashing rows: the later one stays.
pub(super) fn created_key(t: &Table, values: &[Sql], pk: &str) -> (String, String) {
    let created = match t.created.and_then(|i| values.get(i)) {
        Some(Sql::Text(s)) => s.clone(),
        _ => String::new(),
    };
    (created, pk.to_string())
}

pub(super) fn as_json(cols: &[String], values: &[Sql]) -> Value {
    let mut out = Map::new();
    for (c, v) in cols.iter().zip(values) {
        out.insert(c.clone(), value_json(v.into()));
    }
    Value::Object(out)
}

pub(super) fn from_json(v: &Value) -> Sql {
    match v {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Number(n) => {
            n.as_i64().map(Sql::Integer).unwrap_or_else(|| Sql::Real(n.as_f64().unwrap_or(0.0)))
        }
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

pub(super) fn owned(v: rusqlite::types::ValueRef<'_>) -> rusqlite::Result<Sql> {
    Sql::try_from(v).map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, v.data_type(), Box::new(e)))
}

/// A local row that clashes with a received one.
pub(super) struct Local {
    pub(super) pk: String,
    pub(super) values: Vec<Sql>,
}

/// The local rows (other than the received row itself) that `values` clashes with through
/// one of `t`'s unique indexes.
pub(super) fn clashing(
    conn: &Connection,
    name: &str,
    t: &Table,
    values: &[Sql],
    pk: &str,
) -> Result<Vec<Local>> {
    let mut out: Vec<Local> = Vec::new();
    for index in &t.uniques {
        let probe: Vec<&Sql> = index.cols.iter().filter_map(|i| values.get(*i)).collect();
        // NULLs never clash in a unique index.
        if probe.len() != index.cols.len() || probe.iter().any(|v| matches!(v, Sql::Null)) {
            continue;
        }
        if let Some(cond) = &index.partial {
            let as_cols: Vec<String> =
                t.cols.iter().enumerate().map(|(i, c)| format!("?{} AS \"{c}\"", i + 1)).collect();
            let holds = conn
                .prepare_cached(&format!("SELECT 1 FROM (SELECT {}) WHERE {cond}", as_cols.join(", ")))?
                .query_row(params_from_iter(values.iter()), |_| Ok(()))
                .optional()?
                .is_some();
            if !holds {
                continue;
            }
        }
        let mut cond: Vec<String> =
            index.cols.iter().enumerate().map(|(k, i)| format!("\"{}\" = ?{}", t.cols[*i], k + 1)).collect();
        if let Some(w) = &index.partial {
            cond.push(format!("({w})"));
        }
        let sql =
            format!("SELECT {} FROM \"{name}\" WHERE {}", quoted(&t.cols).join(", "), cond.join(" AND "));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(probe))?;
        while let Some(r) = rows.next()? {
            let row: Vec<Sql> = (0..t.cols.len()).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?;
            let key = key_of(t, &row);
            if key != pk && !out.iter().any(|l| l.pk == key) {
                out.push(Local { pk: key, values: row });
            }
        }
    }
    Ok(out)
}

/// A foreign key pointing at a table: the child table, its columns, the parent's columns.
type Pointer = (String, Vec<String>, Vec<String>);

/// Every foreign key in the schema that points at `parent`.
fn pointing_at(conn: &Connection, parent: &str) -> Result<Vec<Pointer>> {
    let children: Vec<String> = conn
        .prepare(
            "SELECT DISTINCT m.name FROM sqlite_master m, pragma_foreign_key_list(m.name) f
             WHERE m.type = 'table' AND f.\"table\" = ?1 ORDER BY m.name",
        )?
        .query_map([parent], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for child in children {
        for fk in table(conn, &child)?.fks.into_iter().filter(|f| f.parent == parent) {
            out.push((child.clone(), fk.from, fk.to));
        }
    }
    Ok(out)
}

/// Deletes the local row that lost, after the rows pointing at it follow the winner (or go).
pub(super) fn replace_local(
    conn: &Connection,
    name: &str,
    t: &Table,
    loser: &Local,
    winner: &[Sql],
) -> Result<()> {
    let value_of =
        |row: &[Sql], col: &str| t.cols.iter().position(|c| c == col).and_then(|i| row.get(i).cloned());
    for (child, from, to) in pointing_at(conn, name)? {
        let (Some(old), Some(new)) = (
            to.iter().map(|c| value_of(&loser.values, c)).collect::<Option<Vec<_>>>(),
            to.iter().map(|c| value_of(winner, c)).collect::<Option<Vec<_>>>(),
        ) else {
            continue;
        };
        let n = from.len();
        let set: Vec<String> =
            from.iter().enumerate().map(|(i, c)| format!("\"{c}\" = ?{}", i + 1)).collect();
        let at: Vec<String> =
            from.iter().enumerate().map(|(i, c)| format!("\"{c}\" = ?{}", n + i + 1)).collect();
        conn.execute(
            &format!("UPDATE OR IGNORE \"{child}\" SET {} WHERE {}", set.join(", "), at.join(" AND ")),
            params_from_iter(new.iter().chain(&old)),
        )?;
        let at: Vec<String> = from.iter().enumerate().map(|(i, c)| format!("\"{c}\" = ?{}", i + 1)).collect();
        conn.execute(
            &format!("DELETE FROM \"{child}\" WHERE {}", at.join(" AND ")),
            params_from_iter(old.iter()),
        )?;
    }
    let pk_cols: Vec<(usize, &String)> = t.cols.iter().enumerate().filter(|(i, _)| t.pk[*i]).collect();
    let at: Vec<String> =
        pk_cols.iter().enumerate().map(|(k, (_, c))| format!("\"{c}\" = ?{}", k + 1)).collect();
    let key: Vec<&Sql> = pk_cols.iter().filter_map(|(i, _)| loser.values.get(*i)).collect();
    conn.execute(&format!("DELETE FROM \"{name}\" WHERE {}", at.join(" AND ")), params_from_iter(key))?;
    conn.execute("DELETE FROM exchange_stamps WHERE tbl = ?1 AND pk = ?2", [name, &loser.pk])?;
    Ok(())
}

pub(super) fn insert(
    conn: &Connection,
    name: &str,
    t: &Table,
    values: &[Sql],
    or_ignore: bool,
) -> Result<()> {
    let marks: Vec<String> = (1..=t.cols.len()).map(|i| format!("?{i}")).collect();
    let or = if or_ignore { "OR IGNORE " } else { "" };
    conn.execute(
        &format!("INSERT {or}INTO \"{name}\" ({}) VALUES ({})", quoted(&t.cols).join(", "), marks.join(", ")),
        params_from_iter(values.iter()),
    )?;
    Ok(())
}

/// The primary key's columns in table order (the order of a changeset's key).
pub(super) fn primary_key_in_order(conn: &Connection, table: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare_cached(&format!("SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY cid"))?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// The primary key of a row of `t` as a changeset names it (a JSON list, in table order).
pub(super) fn key_of(t: &Table, row: &[Sql]) -> String {
    let key: Vec<Value> =
        row.iter().zip(&t.pk).filter(|(_, p)| **p).map(|(v, _)| value_json(v.into())).collect();
    Value::Array(key).to_string()
}
