//! Arrivals from other sites: every move of a person to another site is recorded, and the
//! receiving site sees who is coming on its Dashboard until someone there marks them met. The
//! record replicates with the person's, so a minor moved in Calais is on the Birmingham
//! office's list once the bundle arrives, with their flags, notes, referrals and phones.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::{new_id, Code, Error, Result};
use serde_json::json;

/// One person moved to a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Arrival {
    /// The move's id.
    pub id: String,
    /// The person's id.
    pub person_id: String,
    /// The person's code.
    pub code: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The name in its own script.
    pub original_name: Option<String>,
    /// The site they come from (code).
    pub from_site: String,
    /// The site they go to (code).
    pub to_site: String,
    /// When they were moved (UTC).
    pub transferred_at: String,
    /// Who moved them (display name).
    pub transferred_by: Option<String>,
    /// The day someone of the receiving site met them (none: still expected).
    pub met_on: Option<NaiveDate>,
    /// Who met them (display name).
    pub met_by: Option<String>,
}

/// Records that `person` moved from `from_site` to `to_site` (ids), in the caller's transaction.
pub fn note(conn: &Connection, s: &Session, person: &str, from_site: &str, to_site: &str) -> Result<String> {
    let id = new_id();
    conn.execute(
        "INSERT INTO person_transfers (id, person_id, from_site_id, to_site_id, transferred_by)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, person, from_site, to_site, s.user_id],
    )?;
    Ok(id)
}

/// People expected at `site` (or any site), and those met there in the last `days` days; the
/// newest move first.
pub fn list(conn: &Connection, site: Option<&str>, today: NaiveDate, days: u64) -> Result<Vec<Arrival>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let since = today.checked_sub_days(chrono::Days::new(days)).unwrap_or(today);
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, p.id, p.code, p.given_name, p.family_name, p.original_name, fs.code, ts.code,
                t.transferred_at, tu.display_name, t.met_on, mu.display_name
         FROM person_transfers t
         JOIN people p ON p.id = t.person_id
         JOIN sites fs ON fs.id = t.from_site_id
         JOIN sites ts ON ts.id = t.to_site_id
         LEFT JOIN users tu ON tu.id = t.transferred_by
         LEFT JOIN users mu ON mu.id = t.met_by
         WHERE (?1 IS NULL OR t.to_site_id = ?1) AND (t.met_on IS NULL OR t.met_on >= ?2)
           AND p.site_id = t.to_site_id
         ORDER BY t.met_on IS NOT NULL, t.transferred_at DESC",
    )?;
    let rows = stmt.query_map(params![site_id, since], |r| {
        Ok(Arrival {
            id: r.get(0)?,
            person_id: r.get(1)?,
            code: r.get(2)?,
            given_name: r.get(3)?,
            family_name: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
            original_name: r.get(5)?,
            from_site: r.get(6)?,
            to_site: r.get(7)?,
            transferred_at: r.get(8)?,
            transferred_by: r.get(9)?,
            met_on: r.get(10)?,
            met_by: r.get(11)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Someone of the receiving site (or a lead) met the person: the move leaves the expected list.
pub fn mark_met(conn: &Connection, s: &Session, id: &str, today: NaiveDate) -> Result<()> {
    let row: Option<(String, Option<NaiveDate>)> = conn
        .query_row("SELECT to_site_id, met_on FROM person_transfers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    let Some((to_site, met)) = row else {
        return Err(Error::new(Code::ArrivalNotFound, json!({})));
    };
    if s.role < crate::access::Role::Lead && s.site_id != to_site {
        return Err(Error::new(Code::ArrivalNotReceivingSite, json!({})));
    }
    if met.is_some() {
        return Err(Error::new(Code::ArrivalAlreadyMet, json!({})));
    }
    conn.execute(
        "UPDATE person_transfers SET met_on = ?2, met_by = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![id, today, s.user_id],
    )?;
    Ok(())
}
