//! Schema migrations: numbered SQL files embedded in the binary, applied in order by
//! rusqlite_migration (which records the version in `PRAGMA user_version`).
//!
//! A migration that has landed is never edited; a change to the schema is a new file.

use std::sync::LazyLock;

use rusqlite::Connection;
use rusqlite_migration::{Migrations, SchemaVersion, M};

use crate::Result;

/// The SQL of every migration, oldest first. Append; never edit or reorder.
const FILES: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_cases.sql"),
    include_str!("../../migrations/0003_stock.sql"),
    include_str!("../../migrations/0004_volunteers.sql"),
    include_str!("../../migrations/0005_security.sql"),
    include_str!("../../migrations/0006_linked_shifts.sql"),
    include_str!("../../migrations/0007_name_keys.sql"),
    include_str!("../../migrations/0008_exchange.sql"),
    include_str!("../../migrations/0009_exchange_security.sql"),
    include_str!("../../migrations/0010_checks.sql"),
    include_str!("../../migrations/0011_id_cards.sql"),
    include_str!("../../migrations/0012_money.sql"),
    include_str!("../../migrations/0013_stock_transit.sql"),
    include_str!("../../migrations/0014_erasures.sql"),
    include_str!("../../migrations/0015_exchange_auto.sql"),
    include_str!("../../migrations/0016_person_transfers.sql"),
    include_str!("../../migrations/0017_audit_chains.sql"),
    include_str!("../../migrations/0018_twice_between_exchanges.sql"),
    include_str!("../../migrations/0019_person_merges.sql"),
    include_str!("../../migrations/0020_field_stamps.sql"),
];

/// Migrations that also run Rust code after their SQL, in the same transaction.
fn hook_for(sql: &str) -> Option<fn(&rusqlite::Transaction<'_>) -> rusqlite_migration::HookResult> {
    if sql.starts_with("-- Haven schema, version 5: the audit log becomes a hash chain;") {
        return Some(crate::access::audit::chain_existing_entries);
    }
    if sql.starts_with("-- Haven schema: exchange security:") {
        return Some(crate::exchange::replicas::create_first_replica);
    }
    sql.starts_with("-- Haven schema, version 7: name keys,")
        .then_some(crate::cases::names::index_existing_people)
}

/// Every migration, oldest first.
pub static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(
        FILES
            .iter()
            .map(|sql| match hook_for(sql) {
                Some(hook) => M::up_with_hook(sql, hook).foreign_key_check(),
                None => M::up(sql).foreign_key_check(),
            })
            .collect(),
    )
});

/// Brings the schema of `conn` up to the latest version.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    MIGRATIONS.to_latest(conn)?;
    Ok(())
}

/// The schema version that the migration whose SQL starts with `sql_start` (its first line)
/// brings a database to: tests use it to stop just before one, wherever it sits in the list.
pub fn version_of(sql_start: &str) -> Option<usize> {
    FILES.iter().position(|sql| sql.starts_with(sql_start)).map(|i| i + 1)
}

/// The schema version of an open database (0 for an empty file).
pub fn schema_version(conn: &Connection) -> Result<usize> {
    Ok(match MIGRATIONS.current_version(conn)? {
        SchemaVersion::NoneSet => 0,
        SchemaVersion::Inside(n) | SchemaVersion::Outside(n) => n.get(),
    })
}

/// The schema version this build migrates to.
pub fn latest_version() -> usize {
    FILES.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        assert!(MIGRATIONS.validate().is_ok(), "{:?}", MIGRATIONS.validate());
    }
}
