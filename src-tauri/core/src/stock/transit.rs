//! Stock on its way between sites.
//!
//! A transfer to another site's location takes the stock off the sending shelf at once and
//! leaves one `stock_transits` row per batch: the stock is then in no one's balance. It becomes
//! stock at the other end when someone of the receiving site confirms it arrived (after the
//! bundle that carries the transfer reached their computer), so each site writes movements
//! only for its own locations. The arriving movement's id, date, author and values come from
//! the transit row alone: two computers of the receiving site confirming the same transfer
//! between two exchanges write the same row, which the exchange then finds already there.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::ledger::{post, Lot, Movement};
use super::{Item, Location, MoveKind};
use crate::access::{Role, Session};
use crate::{new_id, Code, Error, Result};
use serde_json::json;

/// One batch on its way from one site to another, or arrived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Transit {
    /// Its id.
    pub id: String,
    /// The transfer it belongs to (every batch of one transfer shares it).
    pub group_id: String,
    /// Sending site code.
    pub from_site: String,
    /// Sending location name.
    pub from_location: String,
    /// Receiving site code.
    pub to_site: String,
    /// Receiving location id.
    pub to_location_id: String,
    /// Receiving location name.
    pub to_location: String,
    /// Item name.
    pub item: String,
    /// Unit of the item.
    pub unit: String,
    /// Size.
    pub variant: String,
    /// Batch.
    pub batch: String,
    /// Expiry date of the batch.
    pub expires_on: Option<NaiveDate>,
    /// How many.
    pub quantity: i64,
    /// The day it left.
    pub sent_on: NaiveDate,
    /// Who sent it (display name).
    pub sent_by: Option<String>,
    /// The sender's note.
    pub note: String,
    /// The day the receiving site confirmed it arrived (none: still on its way).
    pub received_on: Option<NaiveDate>,
    /// Who confirmed it (display name).
    pub received_by: Option<String>,
}

/// Sends the batches `lots` (already drawn first expiry first, with the quantity to take from
/// each) from `from` to `to`, a location of another site: the stock leaves the sending shelf
/// now and is in transit until the receiving site confirms it. Runs inside the caller's write
/// transaction; `group` is the transfer's id.
#[allow(clippy::too_many_arguments)]
pub(crate) fn send(
    conn: &Connection,
    s: &Session,
    from: &Location,
    to: &Location,
    item: &Item,
    variant: &str,
    lots: &[(Lot, i64)],
    note: &str,
    group: &str,
    today: NaiveDate,
) -> Result<()> {
    for (lot, q) in lots {
        post(
            conn,
            s,
            &Movement {
                site_id: &from.site_id,
                location_id: &from.id,
                item_id: &item.id,
                variant,
                batch: &lot.batch,
                expires_on: lot.expires_on,
                quantity: -q,
                kind: Some(MoveKind::Transfer),
                moved_on: Some(today),
                note,
                group_id: Some(group),
                ..Movement::default()
            },
        )?;
        conn.prepare_cached(
            "INSERT INTO stock_transits (id, group_id, site_id, to_site_id, from_location, to_location, item_id,
                 variant, batch, expires_on, quantity, sent_on, sent_by, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        )?
        .execute(params![
            new_id(),
            group,
            from.site_id,
            to.site_id,
            from.id,
            to.id,
            item.id,
            variant,
            lot.batch,
            lot.expires_on,
            q,
            today,
            s.user_id,
            note,
        ])?;
    }
    Ok(())
}

/// The receiving site confirms that the transfer `group` arrived: each of its batches becomes
/// stock at the receiving location. Someone of the receiving site confirms it (a lead, who
/// works for every site, too). Returns how many batches were received; a transfer already
/// received is refused, and nothing changes.
pub fn receive(conn: &Connection, s: &Session, group: &str, today: NaiveDate) -> Result<usize> {
    let rows: Vec<Row> = conn
        .prepare_cached(
            "SELECT t.id, t.site_id, t.to_site_id, t.to_location, t.item_id, t.variant, t.batch, t.expires_on,
                    t.quantity, t.sent_by, t.note, t.created_at, t.received_on, s.code, t.sent_on
             FROM stock_transits t JOIN sites s ON s.id = t.site_id
             WHERE t.group_id = ?1 ORDER BY t.id",
        )?
        .query_map([group], |r| {
            Ok(Row {
                id: r.get(0)?,
                to_site_id: r.get(2)?,
                to_location: r.get(3)?,
                item_id: r.get(4)?,
                variant: r.get(5)?,
                batch: r.get(6)?,
                expires_on: r.get(7)?,
                quantity: r.get(8)?,
                sent_by: r.get(9)?,
                note: r.get(10)?,
                created_at: r.get(11)?,
                received_on: r.get(12)?,
                from_code: r.get(13)?,
                sent_on: r.get(14)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    let Some(first) = rows.first() else {
        return Err(Error::new(Code::StockTransitNotFound, json!({})));
    };
    if s.role < Role::Lead && s.site_id != first.to_site_id {
        return Err(Error::new(Code::StockTransitNotReceivingSite, json!({})));
    }
    if rows.iter().all(|r| r.received_on.is_some()) {
        return Err(Error::new(Code::StockTransitAlreadyReceived, json!({})));
    }
    let mut received = 0;
    for row in rows.iter().filter(|r| r.received_on.is_none()) {
        let arrival = arrival_id(&row.id);
        let note = if row.note.is_empty() {
            format!("From {}", row.from_code)
        } else {
            format!("From {}: {}", row.from_code, row.note)
        };
        post(
            conn,
            s,
            &Movement {
                site_id: &row.to_site_id,
                location_id: &row.to_location,
                item_id: &row.item_id,
                variant: &row.variant,
                batch: &row.batch,
                expires_on: row.expires_on,
                quantity: row.quantity,
                kind: Some(MoveKind::Transfer),
                // Dated the day it left: a date every confirming computer agrees on (the day
                // it was confirmed is on the transit row).
                moved_on: Some(row.sent_on),
                note: &note,
                group_id: Some(group),
                id: Some(&arrival),
                created_at: Some(&row.created_at),
                created_by: row.sent_by.as_deref(),
                ..Movement::default()
            },
        )?;
        conn.prepare_cached(
            "UPDATE stock_transits SET received_on = ?2, received_by = ?3,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?1",
        )?
        .execute(params![row.id, today, s.user_id])?;
        received += 1;
    }
    Ok(received)
}

/// Stock on its way to or from `site` (or any site), and what arrived in the last `days` days,
/// oldest first.
pub fn list(conn: &Connection, site: Option<&str>, today: NaiveDate, days: u64) -> Result<Vec<Transit>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let since = today.checked_sub_days(chrono::Days::new(days)).unwrap_or(today);
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.group_id, fs.code, fl.name, ts.code, t.to_location, tl.name, i.name, i.unit, t.variant,
                t.batch, t.expires_on, t.quantity, t.sent_on, su.display_name, t.note, t.received_on,
                ru.display_name
         FROM stock_transits t
         JOIN sites fs ON fs.id = t.site_id
         JOIN sites ts ON ts.id = t.to_site_id
         JOIN stock_locations fl ON fl.id = t.from_location
         JOIN stock_locations tl ON tl.id = t.to_location
         JOIN stock_items i ON i.id = t.item_id
         LEFT JOIN users su ON su.id = t.sent_by
         LEFT JOIN users ru ON ru.id = t.received_by
         WHERE (?1 IS NULL OR t.site_id = ?1 OR t.to_site_id = ?1)
           AND (t.received_on IS NULL OR t.received_on >= ?2)
         ORDER BY t.sent_on, t.group_id, i.name, t.variant, t.expires_on IS NULL, t.expires_on, t.batch",
    )?;
    let rows = stmt.query_map(params![site_id, since], |r| {
        Ok(Transit {
            id: r.get(0)?,
            group_id: r.get(1)?,
            from_site: r.get(2)?,
            from_location: r.get(3)?,
            to_site: r.get(4)?,
            to_location_id: r.get(5)?,
            to_location: r.get(6)?,
            item: r.get(7)?,
            unit: r.get(8)?,
            variant: r.get(9)?,
            batch: r.get(10)?,
            expires_on: r.get(11)?,
            quantity: r.get(12)?,
            sent_on: r.get(13)?,
            sent_by: r.get(14)?,
            note: r.get(15)?,
            received_on: r.get(16)?,
            received_by: r.get(17)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One transit row as [`receive`] reads it.
struct Row {
    id: String,
    to_site_id: String,
    to_location: String,
    item_id: String,
    variant: String,
    batch: String,
    expires_on: Option<NaiveDate>,
    quantity: i64,
    sent_by: Option<String>,
    note: String,
    created_at: String,
    received_on: Option<NaiveDate>,
    from_code: String,
    sent_on: NaiveDate,
}

/// The arriving movement's id: the same for the same transit row on every computer.
fn arrival_id(transit: &str) -> String {
    let digest = Sha256::digest(format!("stock arrival {transit}").as_bytes());
    digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
}
