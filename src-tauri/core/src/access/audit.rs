//! The append-only audit log: every change, and every read of sensitive records, is written
//! here in the same transaction as the work itself. The schema refuses updates and deletes.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::{new_id, Result};

/// One audit entry as shown to a lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AuditEntry {
    /// Entry id (UUIDv7: sorts by time).
    pub id: String,
    /// When, UTC.
    pub at: String,
    /// Who (user name at the time).
    pub username: String,
    /// What: `create`, `update`, `view`, `sign_in`, ...
    pub action: String,
    /// Kind of record: `site`, `user`, `person`, ...
    pub entity: String,
    /// The record's id, when there is one.
    pub entity_id: Option<String>,
    /// Extra facts as JSON text (never names of people or DBS content).
    pub detail: Option<String>,
}

/// Writes one audit entry for `session`.
pub fn record(
    conn: &Connection,
    session: &Session,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    detail: Option<&serde_json::Value>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (id, site_id, user_id, username, action, entity, entity_id, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        new_id(),
        session.site_id,
        session.user_id,
        session.username,
        action,
        entity,
        entity_id,
        detail.map(|d| d.to_string()),
    ])?;
    Ok(())
}

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries about this kind of record.
    #[serde(default)]
    pub entity: Option<String>,
    /// At most this many (default 100, at most 1000).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Skip this many (for paging).
    #[serde(default)]
    pub offset: Option<u32>,
}

/// Lists audit entries, newest first.
pub fn list(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
    let limit = q.limit.unwrap_or(100).clamp(1, 1000);
    let mut stmt = conn.prepare(
        "SELECT id, created_at, username, action, entity, entity_id, detail FROM audit_log
         WHERE (?1 IS NULL OR entity = ?1)
         ORDER BY created_at DESC, id DESC LIMIT ?2 OFFSET ?3",
    )?;
    let rows = stmt.query_map(params![q.entity, limit, q.offset.unwrap_or(0)], |r| {
        Ok(AuditEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            username: r.get(2)?,
            action: r.get(3)?,
            entity: r.get(4)?,
            entity_id: r.get(5)?,
            detail: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
