//! The ledger: one movement posted after checking no balance goes below zero, batches drawn
//! first expiry first, and the balance table read (never a sum over the ledger, except to check it).

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{Category, MoveKind, Reason};
use crate::access::Session;
use crate::fields::{total, MAX_STOCK};
use crate::{new_id, Error, Result};

/// One row of the ledger to write.
#[derive(Debug, Clone, Default)]
pub struct Movement<'a> {
    /// Site of the location.
    pub site_id: &'a str,
    /// Location.
    pub location_id: &'a str,
    /// Item.
    pub item_id: &'a str,
    /// Size ('' for none).
    pub variant: &'a str,
    /// Batch ('' for none).
    pub batch: &'a str,
    /// Expiry date of the batch.
    pub expires_on: Option<NaiveDate>,
    /// Signed quantity.
    pub quantity: i64,
    /// Kind.
    pub kind: Option<MoveKind>,
    /// Reason.
    pub reason: Option<Reason>,
    /// Donor or supplier.
    pub party: &'a str,
    /// Purchase cost of one unit (pence).
    pub unit_cost: Option<i64>,
    /// Date.
    pub moved_on: Option<NaiveDate>,
    /// Free note.
    pub note: &'a str,
    /// Rows written together.
    pub group_id: Option<&'a str>,
    /// The collection it belongs to.
    pub collection_id: Option<&'a str>,
    /// The stock-take it corrects.
    pub stock_take_id: Option<&'a str>,
    /// The movement it undoes.
    pub reverses_id: Option<&'a str>,
    /// Its id when it must be the same on every computer that writes it (the arrival of a
    /// transfer between sites); a new id otherwise.
    pub id: Option<&'a str>,
    /// When it was made (UTC), likewise; now otherwise.
    pub created_at: Option<&'a str>,
    /// Who made it, when not the signed-in user (the arrival: whoever sent the transfer).
    pub created_by: Option<&'a str>,
}

/// The balance of one (location, item, variant, batch), 0 when there is none.
pub fn balance_of(conn: &Connection, location: &str, item: &str, variant: &str, batch: &str) -> Result<i64> {
    let mut stmt = conn.prepare_cached(
        "SELECT quantity FROM stock_balances WHERE location_id = ?1 AND item_id = ?2 AND variant = ?3 AND batch = ?4",
    )?;
    Ok(stmt.query_row(params![location, item, variant, batch], |r| r.get(0)).optional()?.unwrap_or(0))
}

/// "Nappies size 3" / "Baby milk".
pub fn item_label(name: &str, variant: &str) -> String {
    if variant.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({variant})")
    }
}

/// The refusal of a movement that would take a balance below zero.
pub fn not_enough(
    conn: &Connection,
    location: &str,
    item: &str,
    variant: &str,
    available: i64,
    wanted: i64,
) -> Error {
    shortage(conn, location, item, variant, available, wanted, 0)
}

/// [`not_enough`], saying how many more are there but past their expiry date when some are.
fn shortage(
    conn: &Connection,
    location: &str,
    item: &str,
    variant: &str,
    available: i64,
    wanted: i64,
    expired: i64,
) -> Error {
    let item_name: String = conn
        .query_row("SELECT name || ' (' || unit || ')' FROM stock_items WHERE id = ?1", [item], |r| r.get(0))
        .unwrap_or_else(|_| item.to_string());
    let place = location_label(conn, location);
    let code = if expired > 0 { crate::Code::StockNotEnoughExpired } else { crate::Code::StockNotEnough };
    Error::new(
        code,
        serde_json::json!({
            "item": item_label(&item_name, variant),
            "place": place,
            "available": available,
            "wanted": wanted,
            "expired": expired,
        }),
    )
}

/// "Shelf A, CAL": a location as a refusal names it.
fn location_label(conn: &Connection, location: &str) -> String {
    conn.query_row(
        "SELECT l.name || ', ' || s.code FROM stock_locations l JOIN sites s ON s.id = l.site_id WHERE l.id = ?1",
        [location],
        |r| r.get(0),
    )
    .unwrap_or_else(|_| location.to_string())
}

/// Writes one movement after checking it takes no balance below zero. Runs inside the caller's
/// write transaction.
pub fn post(conn: &Connection, s: &Session, m: &Movement<'_>) -> Result<String> {
    if m.quantity == 0 {
        return Err(Error::at("quantity", crate::Code::StockQuantityZero, serde_json::json!({})));
    }
    let available = balance_of(conn, m.location_id, m.item_id, m.variant, m.batch)?;
    match available.checked_add(m.quantity) {
        // Only taking stock away is refused: stock arriving at a lot an exchange left below
        // zero is recorded, and brings it nearer to nothing.
        Some(after) if after < 0 && m.quantity < 0 => {
            return Err(not_enough(
                conn,
                m.location_id,
                m.item_id,
                m.variant,
                available.max(0),
                m.quantity.saturating_neg(),
            ));
        }
        Some(after) if after <= MAX_STOCK => {}
        _ => {
            return Err(Error::at(
                "quantity",
                crate::Code::StockQuantityTooMuch,
                serde_json::json!({"place": location_label(conn, m.location_id), "max": MAX_STOCK}),
            ))
        }
    }
    let kind = m.kind.ok_or_else(|| Error::new(crate::Code::StockMovementNoKind, serde_json::json!({})))?;
    let moved_on =
        m.moved_on.ok_or_else(|| Error::new(crate::Code::StockMovementNoDate, serde_json::json!({})))?;
    let id = m.id.map_or_else(new_id, str::to_string);
    let mut stmt = conn.prepare_cached(
        "INSERT INTO stock_movements (id, site_id, location_id, item_id, variant, batch, expires_on, quantity, kind,
                reason, party, unit_cost, moved_on, note, group_id, collection_id, stock_take_id, reverses_id, created_by,
                created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                 coalesce(?20, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')), coalesce(?20, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))",
    )?;
    stmt.execute(params![
        id,
        m.site_id,
        m.location_id,
        m.item_id,
        m.variant,
        m.batch,
        m.expires_on,
        m.quantity,
        kind.as_str(),
        m.reason.map(Reason::as_str),
        m.party,
        m.unit_cost,
        moved_on,
        m.note,
        m.group_id,
        m.collection_id,
        m.stock_take_id,
        m.reverses_id,
        m.created_by.unwrap_or(&s.user_id),
        m.created_at,
    ])?;
    Ok(id)
}

/// One batch on a shelf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lot {
    /// Batch ('' for none).
    pub batch: String,
    /// Expiry date.
    pub expires_on: Option<NaiveDate>,
    /// Quantity.
    pub quantity: i64,
}

/// Batches of (location, item, variant) holding stock, first expiry first (undated last).
pub fn lots(conn: &Connection, location: &str, item: &str, variant: &str) -> Result<Vec<Lot>> {
    let mut stmt = conn.prepare_cached(
        "SELECT batch, expires_on, quantity FROM stock_balances
         WHERE location_id = ?1 AND item_id = ?2 AND variant = ?3 AND quantity > 0
         ORDER BY expires_on IS NULL, expires_on, batch",
    )?;
    let rows = stmt.query_map(params![location, item, variant], |r| {
        Ok(Lot { batch: r.get("batch")?, expires_on: r.get("expires_on")?, quantity: r.get("quantity")? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Takes `quantity` of (location, item, variant) out, first expiry first, writing one movement
/// per batch from `template`. With `usable_on`, batches expired before that day are left on the
/// shelf (they cannot be given out). With `partial`, takes what there is instead of refusing.
/// Returns the quantity taken.
pub fn draw(
    conn: &Connection,
    s: &Session,
    template: &Movement<'_>,
    quantity: i64,
    usable_on: Option<NaiveDate>,
    partial: bool,
) -> Result<i64> {
    if quantity <= 0 {
        return Ok(0);
    }
    let all = lots(conn, template.location_id, template.item_id, template.variant)?;
    let expired: i64 = all
        .iter()
        .filter(|l| usable_on.is_some_and(|d| l.expires_on.is_some_and(|e| e < d)))
        .map(|l| l.quantity)
        .fold(0, i64::saturating_add);
    let usable: Vec<&Lot> =
        all.iter().filter(|l| usable_on.is_none_or(|d| l.expires_on.is_none_or(|e| e >= d))).collect();
    let available = total(usable.iter().map(|l| l.quantity));
    if available < quantity && !partial {
        return Err(shortage(
            conn,
            template.location_id,
            template.item_id,
            template.variant,
            available,
            quantity,
            expired,
        ));
    }
    let mut left = quantity.min(available);
    let taken = left;
    for lot in usable {
        if left == 0 {
            break;
        }
        let q = left.min(lot.quantity);
        let m = Movement { batch: &lot.batch, expires_on: lot.expires_on, quantity: -q, ..template.clone() };
        post(conn, s, &m)?;
        left -= q;
    }
    Ok(taken)
}

/// A balance line: what a location holds of one item and size (all batches together).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Balance {
    /// Site code.
    pub site: String,
    /// Location id.
    pub location_id: String,
    /// Location name.
    pub location: String,
    /// Item id.
    pub item_id: String,
    /// Item name.
    pub item: String,
    /// Category.
    pub category: Category,
    /// Unit.
    pub unit: String,
    /// Size.
    pub variant: String,
    /// Units on the shelf, expired ones included.
    pub quantity: i64,
    /// Of which past their expiry date.
    pub expired: i64,
    /// Earliest expiry date of the units still usable (expired ones are in `expired`).
    pub next_expiry: Option<NaiveDate>,
}

/// Balances of one site (or all), from the balance table: never a sum over the ledger. A lot an
/// exchange took below zero counts as empty here; [`shortfalls`] lists it.
pub fn balances(conn: &Connection, site: Option<&str>, today: NaiveDate) -> Result<Vec<Balance>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let mut stmt = conn.prepare_cached(
        "SELECT s.code AS site, b.location_id, l.name AS location, b.item_id, i.name AS item, i.category, i.unit,
                b.variant, sum(max(b.quantity, 0)) AS quantity,
                sum(CASE WHEN b.expires_on < ?2 THEN max(b.quantity, 0) ELSE 0 END) AS expired,
                min(CASE WHEN b.quantity > 0 AND b.expires_on >= ?2 THEN b.expires_on END) AS next_expiry
         FROM stock_balances b
         JOIN stock_locations l ON l.id = b.location_id
         JOIN sites s ON s.id = b.site_id
         JOIN stock_items i ON i.id = b.item_id
         WHERE ?1 IS NULL OR b.site_id = ?1
         GROUP BY b.site_id, b.location_id, b.item_id, b.variant
         ORDER BY s.code, l.name, i.category, i.name, b.variant",
    )?;
    // Every balance of the site is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (site, location_id, location, item_id, item, category, unit, variant, quantity, expired, next_expiry) = (
        at("site")?,
        at("location_id")?,
        at("location")?,
        at("item_id")?,
        at("item")?,
        at("category")?,
        at("unit")?,
        at("variant")?,
        at("quantity")?,
        at("expired")?,
        at("next_expiry")?,
    );
    let rows = stmt.query_map(params![site_id, today], |r| {
        Ok(Balance {
            site: r.get(site)?,
            location_id: r.get(location_id)?,
            location: r.get(location)?,
            item_id: r.get(item_id)?,
            item: r.get(item)?,
            category: r.get(category)?,
            unit: r.get(unit)?,
            variant: r.get(variant)?,
            quantity: r.get(quantity)?,
            expired: r.get(expired)?,
            next_expiry: r.get(next_expiry)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// (location, item, variant, batch, quantity).
pub type BalanceKey = (String, String, String, String, i64);

/// Sum of the ledger per (location, item, variant, batch): for checks, never for the screens.
pub fn ledger_sums(conn: &Connection) -> Result<Vec<BalanceKey>> {
    let mut stmt = conn.prepare(
        "SELECT location_id, item_id, variant, batch, sum(quantity) AS quantity FROM stock_movements
         GROUP BY location_id, item_id, variant, batch ORDER BY 1, 2, 3, 4",
    )?;
    read_keys(&mut stmt)
}

/// The balance table per (location, item, variant, batch), for comparing with [`ledger_sums`].
pub fn balance_rows(conn: &Connection) -> Result<Vec<BalanceKey>> {
    let mut stmt = conn.prepare(
        "SELECT location_id, item_id, variant, batch, quantity FROM stock_balances ORDER BY 1, 2, 3, 4",
    )?;
    read_keys(&mut stmt)
}

/// Reads [`BalanceKey`] rows from a statement whose columns are named `location_id`, `item_id`,
/// `variant`, `batch` and `quantity`: every row of the ledger is read, so each column is found by
/// name once, not once a row.
fn read_keys(stmt: &mut rusqlite::Statement<'_>) -> Result<Vec<BalanceKey>> {
    let at = |name: &str| stmt.column_index(name);
    let (location_id, item_id, variant, batch, quantity) =
        (at("location_id")?, at("item_id")?, at("variant")?, at("batch")?, at("quantity")?);
    let rows = stmt.query_map([], |r| {
        Ok((r.get(location_id)?, r.get(item_id)?, r.get(variant)?, r.get(batch)?, r.get(quantity)?))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A lot that holds less than nothing: two computers of its site gave out the same stock
/// between two exchanges. The site counts it (a stock-take) to settle it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shortfall {
    /// Site code.
    pub site: String,
    /// Location id.
    pub location_id: String,
    /// Location name.
    pub location: String,
    /// Item name.
    pub item: String,
    /// Size.
    pub variant: String,
    /// Batch.
    pub batch: String,
    /// How many more were given out than were there.
    pub short: i64,
}

/// The lots of one site (or all) below zero, largest shortfall first.
pub fn shortfalls(conn: &Connection, site: Option<&str>) -> Result<Vec<Shortfall>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let mut stmt = conn.prepare_cached(
        "SELECT s.code, b.location_id, l.name, i.name, b.variant, b.batch, -b.quantity
         FROM stock_balances b
         JOIN stock_locations l ON l.id = b.location_id
         JOIN sites s ON s.id = b.site_id
         JOIN stock_items i ON i.id = b.item_id
         WHERE b.quantity < 0 AND (?1 IS NULL OR b.site_id = ?1)
         ORDER BY b.quantity, s.code, l.name, i.name, b.variant, b.batch",
    )?;
    let rows = stmt.query_map([site_id], |r| {
        Ok(Shortfall {
            site: r.get(0)?,
            location_id: r.get(1)?,
            location: r.get(2)?,
            item: r.get(3)?,
            variant: r.get(4)?,
            batch: r.get(5)?,
            short: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
