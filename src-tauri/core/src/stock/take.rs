//! Stock-takes: start a count of a location (a snapshot of what the ledger says is there, plus
//! a line at zero for every active item not held), enter what was counted, review the
//! differences, and finalise them into correction movements in one transaction.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{balance_of, get_location, post, MoveKind, Movement};
use crate::access::Session;
use crate::{new_id, Error, Result};

/// A stock-take with its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StockTake {
    /// Id.
    pub id: String,
    /// Location id.
    pub location_id: String,
    /// Location name.
    pub location: String,
    /// open, finalised or cancelled.
    pub status: String,
    /// Day started.
    pub started_on: NaiveDate,
    /// Lines, by item and size.
    pub lines: Vec<TakeLine>,
}

/// One thing to count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TakeLine {
    /// Line id.
    pub id: String,
    /// Item id.
    pub item_id: String,
    /// Item name.
    pub item: String,
    /// Unit.
    pub unit: String,
    /// Size.
    pub variant: String,
    /// Batch.
    pub batch: String,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
    /// What the ledger said at the start.
    pub expected: i64,
    /// What was counted (none yet: not counted).
    pub counted: Option<i64>,
    /// counted - expected.
    pub difference: Option<i64>,
}

/// Starts a count of a location: refuses when one is already open there.
pub fn start(conn: &Connection, s: &Session, location: &str, today: NaiveDate) -> Result<StockTake> {
    let loc = get_location(conn, location)?;
    let open: Option<String> = conn
        .query_row("SELECT id FROM stock_takes WHERE location_id = ?1 AND status = 'open'", [&loc.id], |r| {
            r.get(0)
        })
        .optional()?;
    if open.is_some() {
        return Err(Error::new(
            crate::Code::StockTakeAlreadyOpen,
            serde_json::json!({"name": loc.name.to_string()}),
        ));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO stock_takes (id, site_id, location_id, started_on, created_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, loc.site_id, loc.id, today, s.user_id],
    )?;
    // Everything the ledger says is there (batches at zero included)...
    conn.execute(
        "INSERT INTO stock_take_lines (id, site_id, stock_take_id, item_id, variant, batch, expires_on, expected)
         SELECT lower(hex(randomblob(16))), b.site_id, ?1, b.item_id, b.variant, b.batch, b.expires_on, b.quantity
         FROM stock_balances b JOIN stock_items i ON i.id = b.item_id
         WHERE b.location_id = ?2 AND (b.quantity <> 0 OR i.active = 1)",
        params![id, loc.id],
    )?;
    // ...and a line at zero for every active item and size not held, so stock found is counted too.
    let items = super::list_items(conn)?;
    for item in items.iter().filter(|i| i.active) {
        let sizes: Vec<String> =
            if item.variants.is_empty() { vec![String::new()] } else { item.variants.clone() };
        for v in sizes {
            conn.execute(
                "INSERT INTO stock_take_lines (id, site_id, stock_take_id, item_id, variant, batch, expected)
                 SELECT ?1, ?2, ?3, ?4, ?5, '', 0
                 WHERE NOT EXISTS (SELECT 1 FROM stock_take_lines WHERE stock_take_id = ?3 AND item_id = ?4 AND variant = ?5)",
                params![new_id(), loc.site_id, id, item.id, v],
            )?;
        }
    }
    get(conn, &id)
}

/// A stock-take with its lines.
pub fn get(conn: &Connection, id: &str) -> Result<StockTake> {
    let head = conn
        .query_row(
            "SELECT t.id, t.location_id, l.name AS location, t.status, t.started_on FROM stock_takes t
             JOIN stock_locations l ON l.id = t.location_id WHERE t.id = ?1",
            [id],
            |r| {
                Ok((
                    r.get("id")?,
                    r.get("location_id")?,
                    r.get("location")?,
                    r.get("status")?,
                    r.get("started_on")?,
                ))
            },
        )
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::StockTakeNotFound, serde_json::json!({})))?;
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.item_id, i.name AS item, i.unit, t.variant, t.batch, t.expires_on, t.expected, t.counted
         FROM stock_take_lines t JOIN stock_items i ON i.id = t.item_id
         WHERE t.stock_take_id = ?1 ORDER BY i.category, i.name, t.variant, t.expires_on, t.batch",
    )?;
    // A location may hold hundreds of lines: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (line_id, item_id, item, unit, variant, batch, expires_on, expected, counted) = (
        at("id")?,
        at("item_id")?,
        at("item")?,
        at("unit")?,
        at("variant")?,
        at("batch")?,
        at("expires_on")?,
        at("expected")?,
        at("counted")?,
    );
    let lines = stmt
        .query_map([id], |r| {
            let expected: i64 = r.get(expected)?;
            let counted: Option<i64> = r.get(counted)?;
            Ok(TakeLine {
                id: r.get(line_id)?,
                item_id: r.get(item_id)?,
                item: r.get(item)?,
                unit: r.get(unit)?,
                variant: r.get(variant)?,
                batch: r.get(batch)?,
                expires_on: r.get(expires_on)?,
                expected,
                counted,
                difference: counted.map(|c| c.saturating_sub(expected)),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(StockTake {
        id: head.0,
        location_id: head.1,
        location: head.2,
        status: head.3,
        started_on: head.4,
        lines,
    })
}

/// The open stock-takes.
pub fn open_takes(conn: &Connection) -> Result<Vec<(String, String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT t.id, t.location_id, l.name AS location FROM stock_takes t JOIN stock_locations l ON l.id = t.location_id
         WHERE t.status = 'open' ORDER BY t.started_on",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get("id")?, r.get("location_id")?, r.get("location")?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One counted quantity.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Count {
    /// Line id.
    pub line: String,
    /// Counted (none: clear the count).
    pub counted: Option<i64>,
}

fn require_open(conn: &Connection, id: &str) -> Result<String> {
    let status: String = conn
        .query_row("SELECT status FROM stock_takes WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::StockTakeNotFound, serde_json::json!({})))?;
    if status != "open" {
        return Err(Error::new(
            crate::Code::StockTakeClosed,
            serde_json::json!({"status": status.to_string()}),
        ));
    }
    Ok(status)
}

/// Saves counted quantities.
pub fn enter_counts(conn: &Connection, id: &str, counts: &[Count]) -> Result<StockTake> {
    require_open(conn, id)?;
    for (i, c) in counts.iter().enumerate() {
        if let Some(n) = c.counted {
            crate::fields::check_quantity(&format!("counts[{i}].counted"), "the count", n, 0)?;
        }
        let n = conn.execute(
            "UPDATE stock_take_lines SET counted = ?3, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?2 AND stock_take_id = ?1",
            params![id, c.line, c.counted],
        )?;
        if n == 0 {
            return Err(Error::at(
                format!("counts[{i}].line"),
                crate::Code::StockTakeLineUnknown,
                serde_json::json!({}),
            ));
        }
    }
    get(conn, id)
}

/// Turns every counted line into a correction movement (counted minus what the ledger holds
/// now), all in the caller's transaction: if one fails, none is written. Returns the number of
/// corrections written.
pub fn finalise(conn: &Connection, s: &Session, id: &str, today: NaiveDate) -> Result<usize> {
    require_open(conn, id)?;
    let take = get(conn, id)?;
    let loc = get_location(conn, &take.location_id)?;
    let mut written = 0;
    for line in take.lines.iter() {
        let Some(counted) = line.counted else { continue };
        let now = balance_of(conn, &loc.id, &line.item_id, &line.variant, &line.batch)?;
        let diff = counted.saturating_sub(now);
        if diff == 0 {
            continue;
        }
        post(
            conn,
            s,
            &Movement {
                site_id: &loc.site_id,
                location_id: &loc.id,
                item_id: &line.item_id,
                variant: &line.variant,
                batch: &line.batch,
                expires_on: line.expires_on,
                quantity: diff,
                kind: Some(MoveKind::Stocktake),
                moved_on: Some(today),
                note: "stock-take",
                group_id: Some(id),
                stock_take_id: Some(id),
                ..Movement::default()
            },
        )?;
        written += 1;
    }
    conn.execute(
        "UPDATE stock_takes SET status = 'finalised', finalised_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        [id],
    )?;
    Ok(written)
}

/// Cancels an open stock-take: nothing is corrected.
pub fn cancel(conn: &Connection, id: &str) -> Result<()> {
    require_open(conn, id)?;
    conn.execute(
        "UPDATE stock_takes SET status = 'cancelled', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        [id],
    )?;
    Ok(())
}
