//! Helpers of the exchange tests: replicas of one centre in temporary folders, exchanges
//! through folders, and a hash of every replicated table to compare replicas.

use std::path::Path;

use haven_core::db::capture::REPLICATED_TABLES;
use haven_core::exchange::{self, ExchangeReport};
use haven_core::{db_path, seed, Db, Role, Session};
use rusqlite::OptionalExtension;
use serde_json::json;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use super::{call, seeded, session};

/// One replica: its database, its folder, and a coordinator or lead signed in at its site.
pub struct Replica {
    pub db: Db,
    pub _dir: TempDir,
    pub s: Session,
    pub site: &'static str,
}

/// `sites.len()` replicas of one centre: the first is the seeded original, the others copies
/// of it that take over replicas its lead added to the centre's directory (a join, without
/// the join file).
pub fn replicas(sites: &[&'static str]) -> Vec<Replica> {
    let first = seeded(0);
    let lead = session(&first.db, Role::Lead);
    let handovers: Vec<_> =
        sites.iter().skip(1).map(|site| exchange::hand_over(&first.db, &lead, site).unwrap()).collect();
    first.db.conn().unwrap().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    let mut out = Vec::new();
    for (site, handover) in sites.iter().skip(1).zip(&handovers) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(db_path(first.dir.path()), db_path(dir.path())).unwrap();
        let db = Db::open(&db_path(dir.path()), seed::DEMO_PASSPHRASE).unwrap();
        exchange::take_over(&db, handover).unwrap();
        let s = session(&db, Role::Lead);
        out.push(Replica { db, _dir: dir, s, site });
    }
    let mut all = vec![Replica { db: first.db, _dir: first.dir, s: lead, site: sites[0] }];
    all.extend(out);
    all
}

pub fn site_id(db: &Db, code: &str) -> String {
    db.read(|c| Ok(c.query_row("SELECT id FROM sites WHERE code = ?1", [code], |r| r.get(0))?)).unwrap()
}

pub fn swap(r: &Replica, dir: &Path) -> ExchangeReport {
    exchange::exchange_folder(&r.db, &r.s, dir).unwrap()
}

pub fn register(r: &Replica, given: &str, family: &str) -> String {
    let body =
        json!({"given_name": given, "family_name": family, "site": r.site, "confirm_not_duplicate": true});
    call(&r.db, &r.s, "create_person", body)["person"]["id"].as_str().unwrap().to_string()
}

pub fn sql(r: &Replica, statement: &str, params: &[&str]) {
    r.db.write(|tx| {
        tx.execute(statement, rusqlite::params_from_iter(params.iter()))?;
        Ok(())
    })
    .unwrap();
}

pub fn one(r: &Replica, query: &str, params: &[&str]) -> Option<String> {
    let v: Option<rusqlite::types::Value> =
        r.db.read(|c| {
            Ok(c.query_row(query, rusqlite::params_from_iter(params.iter()), |row| row.get(0)).optional()?)
        })
        .unwrap();
    v.map(|v| match v {
        rusqlite::types::Value::Text(t) => t,
        rusqlite::types::Value::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    })
}

/// A hash of every replicated table's rows, in primary-key order.
pub fn table_hashes(db: &Db) -> Vec<(String, String)> {
    db.read(|c| {
        let mut out = Vec::new();
        for table in REPLICATED_TABLES {
            let pk: Vec<String> = c
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut stmt = c.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY {}", pk.join(", ")))?;
            let n = stmt.column_count();
            let mut h = Sha256::new();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                for i in 0..n {
                    let v: rusqlite::types::Value = row.get(i)?;
                    h.update(format!("{v:?}\u{1}").as_bytes());
                }
                h.update(b"\n");
            }
            out.push((table.to_string(), hex::encode(h.finalize())));
        }
        Ok(out)
    })
    .unwrap()
}

pub fn assert_same(a: &Replica, b: &Replica) {
    let (ha, hb) = (table_hashes(&a.db), table_hashes(&b.db));
    for ((t, x), (_, y)) in ha.iter().zip(&hb) {
        assert_eq!(x, y, "table {t} differs between {} and {}", a.site, b.site);
    }
}

pub fn folder_listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

pub fn outbox_count(db: &Db) -> i64 {
    exchange::outbox_len(db).unwrap()
}
