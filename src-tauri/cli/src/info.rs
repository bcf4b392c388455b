//! `haven-cli info`: what is in a database file.

use haven_core::db::{latest_version, schema_version};
use haven_core::Db;
use serde::Serialize;

/// Tables whose rows are counted, in display order.
const TABLES: &[&str] = &[
    "sites",
    "users",
    "settings",
    "households",
    "people",
    "audit_log",
    "stock_movements",
    "distributions",
    "collections",
];

#[derive(Debug, Serialize)]
struct Info {
    path: String,
    schema_version: usize,
    latest_schema_version: usize,
    encrypted: bool,
    cipher_version: String,
    /// Row counts per table.
    tables: serde_json::Map<String, serde_json::Value>,
    /// People in the case book (the same as `tables.people`).
    people: u64,
}

pub fn print(db: &Db, json: bool) -> anyhow::Result<()> {
    let info = db.read(|c| {
        let cipher_version: String = c.query_row("PRAGMA cipher_version", [], |r| r.get(0))?;
        let mut tables = serde_json::Map::new();
        for t in TABLES {
            let n: u64 = c.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
            tables.insert((*t).to_string(), n.into());
        }
        let people = tables.get("people").and_then(|v| v.as_u64()).unwrap_or(0);
        Ok(Info {
            path: db.path().display().to_string(),
            schema_version: schema_version(c)?,
            latest_schema_version: latest_version(),
            encrypted: !cipher_version.is_empty() && !plain_sqlite_header(db.path()),
            cipher_version,
            tables,
            people,
        })
    })?;
    if json {
        say!("{}", serde_json::to_string(&info)?);
    } else {
        say!("database        {}", info.path);
        say!("schema version  {} (latest {})", info.schema_version, info.latest_schema_version);
        say!(
            "encrypted       {} (SQLCipher {})",
            if info.encrypted { "yes" } else { "NO" },
            info.cipher_version
        );
        for (table, n) in &info.tables {
            say!("{table:<15} {n}");
        }
    }
    Ok(())
}

/// Whether the file starts with the plain SQLite header (which an encrypted file never does).
fn plain_sqlite_header(path: &std::path::Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok()
        && head.starts_with(b"SQLite format 3")
}
