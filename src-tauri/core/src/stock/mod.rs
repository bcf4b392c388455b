//! Stock: the catalogue, locations, the ledger of movements and the balances derived from it,
//! batches with expiry dates, and stock-takes.
//!
//! Every change is a row in `stock_movements` (append-only). `stock_balances` holds one row per
//! (location, item, variant, batch) and is kept equal to the ledger's sum by a trigger in the
//! same transaction, so balances are read without summing the ledger. Before any movement that
//! takes stock away, [`post`] checks the balance inside the caller's write transaction (which is
//! IMMEDIATE, so no other writer can take the same stock in between) and refuses with a message
//! naming the item, the location and the quantity available.

pub mod report;
pub mod seed;
pub mod take;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::{new_id, Error, Result};

/// Categories of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Baby milk, nappies, wipes.
    Baby,
    /// Protein packs, food parcels.
    Food,
    /// Soap, sanitary pads, toothbrushes.
    Hygiene,
    /// Clothing and clothing vouchers.
    Clothing,
    /// Phones for minors.
    Phone,
    /// Anything else.
    Other,
}

/// How the size of an item is chosen for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariantBy {
    /// The person's nappy size (guessed from the age when not recorded).
    NappySize,
    /// The person's age in years, matched against variants like `2-4`.
    AgeYears,
}

/// Kinds of movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Stock in: a donation or a purchase.
    Receipt,
    /// Given out at a distribution.
    Distribution,
    /// Moved between locations (two rows: out and in).
    Transfer,
    /// Damaged, expired, lost or found.
    Adjustment,
    /// Correction from a stock-take.
    Stocktake,
    /// Undoing an earlier movement (a reversed collection).
    Reversal,
}

/// Reasons of receipts and adjustments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Donated in kind (receipt).
    Donation,
    /// Bought (receipt).
    Purchase,
    /// Damaged (adjustment out).
    Damaged,
    /// Past its date (adjustment out).
    Expired,
    /// Lost (adjustment out).
    Lost,
    /// Found (adjustment in).
    Found,
}

macro_rules! sql_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            /// Parses the stored name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown value {s}").into()))
            }
        }
    };
}

sql_enum!(Category { Baby => "baby", Food => "food", Hygiene => "hygiene", Clothing => "clothing", Phone => "phone", Other => "other" });
sql_enum!(VariantBy { NappySize => "nappy_size", AgeYears => "age_years" });
sql_enum!(MoveKind { Receipt => "receipt", Distribution => "distribution", Transfer => "transfer", Adjustment => "adjustment", Stocktake => "stocktake", Reversal => "reversal" });
sql_enum!(Reason { Donation => "donation", Purchase => "purchase", Damaged => "damaged", Expired => "expired", Lost => "lost", Found => "found" });

/// An item of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Item {
    /// Id.
    pub id: String,
    /// Name ("Baby milk (first infant formula)").
    pub name: String,
    /// Category.
    pub category: Category,
    /// Unit counted ("tin", "pack").
    pub unit: String,
    /// Receipts record a batch and an expiry date; distribution draws first-expiry-first-out.
    pub tracks_expiry: bool,
    /// Sizes, in order (empty: one size).
    pub variants: Vec<String>,
    /// How a person's size is chosen.
    pub variant_by: Option<VariantBy>,
    /// Still given out.
    pub active: bool,
}

/// Input to add or change a catalogue item.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// The item to change; absent to add one.
    #[serde(default)]
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Unit counted.
    #[serde(default)]
    pub unit: Option<String>,
    /// Track batches and expiry dates.
    #[serde(default)]
    pub tracks_expiry: bool,
    /// Sizes, in order.
    #[serde(default)]
    pub variants: Vec<String>,
    /// How a person's size is chosen.
    #[serde(default)]
    pub variant_by: Option<VariantBy>,
    /// Still given out (default yes).
    #[serde(default)]
    pub active: Option<bool>,
}

const ITEM_SELECT: &str =
    "SELECT id, name, category, unit, tracks_expiry, variants, variant_by, active FROM stock_items";

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let variants: String = r.get(5)?;
    Ok(Item {
        id: r.get(0)?,
        name: r.get(1)?,
        category: r.get(2)?,
        unit: r.get(3)?,
        tracks_expiry: r.get(4)?,
        variants: split_variants(&variants),
        variant_by: r.get(6)?,
        active: r.get(7)?,
    })
}

fn split_variants(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

/// The whole catalogue, by category and name.
pub fn list_items(conn: &Connection) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(&format!("{ITEM_SELECT} ORDER BY category, name COLLATE NOCASE"))?;
    let rows = stmt.query_map([], item_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One item by id or exact name.
pub fn get_item(conn: &Connection, id_or_name: &str) -> Result<Item> {
    let mut stmt =
        conn.prepare_cached(&format!("{ITEM_SELECT} WHERE id = ?1 OR name = ?1 COLLATE NOCASE"))?;
    stmt.query_row([id_or_name.trim()], item_row)
        .optional()?
        .ok_or_else(|| Error::invalid("item", format!("There is no item \"{id_or_name}\" in the catalogue.")))
}

/// Adds or changes a catalogue item.
pub fn save_item(conn: &Connection, input: &ItemInput) -> Result<Item> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "Enter the item's name."));
    }
    let unit = input.unit.as_deref().map(str::trim).filter(|u| !u.is_empty()).unwrap_or("each");
    let variants: Vec<String> =
        input.variants.iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
    if variants.iter().any(|v| v.contains(',')) {
        return Err(Error::invalid("variants", "A size cannot contain a comma."));
    }
    if input.variant_by.is_some() && variants.is_empty() {
        return Err(Error::invalid("variants", "List the sizes, or choose no size rule."));
    }
    let taken: Option<String> = conn
        .query_row(
            "SELECT id FROM stock_items WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
            params![name, input.id],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(Error::invalid("name", format!("\"{name}\" is already in the catalogue.")));
    }
    let joined = variants.join(",");
    let by = input.variant_by.map(VariantBy::as_str);
    let id = match &input.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE stock_items SET name = ?2, category = ?3, unit = ?4, tracks_expiry = ?5, variants = ?6,
                        variant_by = ?7, active = coalesce(?8, active),
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?1",
                params![id, name, input.category.as_str(), unit, input.tracks_expiry, joined, by, input.active],
            )?;
            if n == 0 {
                return Err(Error::NotFound("That item does not exist.".into()));
            }
            id.clone()
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO stock_items (id, name, category, unit, tracks_expiry, variants, variant_by, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    name,
                    input.category.as_str(),
                    unit,
                    input.tracks_expiry,
                    joined,
                    by,
                    input.active.unwrap_or(true)
                ],
            )?;
            id
        }
    };
    get_item(conn, &id)
}

/// A place stock is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Location {
    /// Id.
    pub id: String,
    /// Site id.
    pub site_id: String,
    /// Site code.
    pub site_code: String,
    /// Name ("The bus").
    pub name: String,
    /// In use.
    pub active: bool,
}

/// Input to add or change a location.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// The location to change; absent to add one.
    #[serde(default)]
    pub id: Option<String>,
    /// Its site (code or id).
    pub site: String,
    /// Name.
    pub name: String,
    /// In use (default yes).
    #[serde(default)]
    pub active: Option<bool>,
}

const LOCATION_SELECT: &str =
    "SELECT l.id, l.site_id, s.code, l.name, l.active FROM stock_locations l JOIN sites s ON s.id = l.site_id";

fn location_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Location> {
    Ok(Location {
        id: r.get(0)?,
        site_id: r.get(1)?,
        site_code: r.get(2)?,
        name: r.get(3)?,
        active: r.get(4)?,
    })
}

/// Locations, of one site or all, by site and name.
pub fn list_locations(conn: &Connection, site: Option<&str>) -> Result<Vec<Location>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let mut stmt = conn.prepare_cached(&format!(
        "{LOCATION_SELECT} WHERE ?1 IS NULL OR l.site_id = ?1 ORDER BY s.code, l.name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([site_id], location_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One location by id.
pub fn get_location(conn: &Connection, id: &str) -> Result<Location> {
    let mut stmt = conn.prepare_cached(&format!("{LOCATION_SELECT} WHERE l.id = ?1"))?;
    stmt.query_row([id], location_row)
        .optional()?
        .ok_or_else(|| Error::invalid("location", "That stock location does not exist."))
}

/// Adds or changes a location.
pub fn save_location(conn: &Connection, input: &LocationInput) -> Result<Location> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "Enter the location's name."));
    }
    let site = crate::sites::resolve(conn, &input.site)?;
    let clash: Option<String> = conn
        .query_row(
            "SELECT id FROM stock_locations WHERE site_id = ?1 AND name = ?2 AND id IS NOT ?3",
            params![site.id, name, input.id],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(Error::invalid(
            "name",
            format!("{} already has a location called \"{name}\".", site.name),
        ));
    }
    let id = match &input.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE stock_locations SET name = ?2, active = coalesce(?3, active),
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                params![id, name, input.active],
            )?;
            if n == 0 {
                return Err(Error::NotFound("That location does not exist.".into()));
            }
            id.clone()
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO stock_locations (id, site_id, name, active) VALUES (?1, ?2, ?3, ?4)",
                params![id, site.id, name, input.active.unwrap_or(true)],
            )?;
            id
        }
    };
    get_location(conn, &id)
}

/// Sets the low-stock threshold of an item at a site.
pub fn set_threshold(conn: &Connection, site: &str, item: &str, threshold: i64) -> Result<()> {
    if threshold < 0 {
        return Err(Error::invalid("threshold", "The threshold cannot be negative."));
    }
    let site = crate::sites::resolve(conn, site)?;
    let item = get_item(conn, item)?;
    conn.execute(
        "INSERT INTO stock_thresholds (id, site_id, item_id, threshold) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site_id, item_id) DO UPDATE SET threshold = excluded.threshold,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        params![new_id(), site.id, item.id, threshold],
    )?;
    Ok(())
}

/// A low-stock threshold: warn when a site holds this many units of an item or fewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Threshold {
    /// Site code.
    pub site: String,
    /// Item id.
    pub item_id: String,
    /// Warn at or below this many units.
    pub threshold: i64,
}

/// Every threshold set, by site code and item.
pub fn thresholds(conn: &Connection) -> Result<Vec<Threshold>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.code, t.item_id, t.threshold FROM stock_thresholds t JOIN sites s ON s.id = t.site_id
         ORDER BY s.code, t.item_id",
    )?;
    let rows =
        stmt.query_map([], |r| Ok(Threshold { site: r.get(0)?, item_id: r.get(1)?, threshold: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

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
    let item_name: String = conn
        .query_row("SELECT name || ' (' || unit || ')' FROM stock_items WHERE id = ?1", [item], |r| r.get(0))
        .unwrap_or_else(|_| item.to_string());
    let place: String = conn
        .query_row(
            "SELECT l.name || ', ' || s.code FROM stock_locations l JOIN sites s ON s.id = l.site_id WHERE l.id = ?1",
            [location],
            |r| r.get(0),
        )
        .unwrap_or_else(|_| location.to_string());
    Error::Conflict(format!(
        "Not enough {} at {place}: {available} available, {wanted} needed.",
        item_label(&item_name, variant)
    ))
}

/// Writes one movement after checking it takes no balance below zero. Runs inside the caller's
/// write transaction.
pub fn post(conn: &Connection, s: &Session, m: &Movement<'_>) -> Result<String> {
    if m.quantity == 0 {
        return Err(Error::invalid("quantity", "The quantity cannot be zero."));
    }
    if m.quantity < 0 {
        let available = balance_of(conn, m.location_id, m.item_id, m.variant, m.batch)?;
        if available + m.quantity < 0 {
            return Err(not_enough(conn, m.location_id, m.item_id, m.variant, available, -m.quantity));
        }
    }
    let kind = m.kind.ok_or_else(|| Error::Internal("A movement needs a kind.".into()))?;
    let moved_on = m.moved_on.ok_or_else(|| Error::Internal("A movement needs a date.".into()))?;
    let id = new_id();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO stock_movements (id, site_id, location_id, item_id, variant, batch, expires_on, quantity, kind,
                reason, party, unit_cost, moved_on, note, group_id, collection_id, stock_take_id, reverses_id, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
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
        s.user_id,
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
        Ok(Lot { batch: r.get(0)?, expires_on: r.get(1)?, quantity: r.get(2)? })
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
        .sum();
    let usable: Vec<&Lot> =
        all.iter().filter(|l| usable_on.is_none_or(|d| l.expires_on.is_none_or(|e| e >= d))).collect();
    let available: i64 = usable.iter().map(|l| l.quantity).sum();
    if available < quantity && !partial {
        let err =
            not_enough(conn, template.location_id, template.item_id, template.variant, available, quantity);
        return Err(if expired > 0 {
            Error::Conflict(format!(
                "{err} {expired} more are past their expiry date and cannot be given out."
            ))
        } else {
            err
        });
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

/// Input of a receipt: a donation or a purchase arriving at a location.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptInput {
    /// Location id.
    pub location: String,
    /// Item id or name.
    pub item: String,
    /// Size, when the item has sizes.
    #[serde(default)]
    pub variant: Option<String>,
    /// How many units.
    pub quantity: i64,
    /// `donation` or `purchase`.
    pub source: Reason,
    /// Donor (donation) or supplier (purchase).
    #[serde(default)]
    pub party: String,
    /// Purchase: cost of one unit in pence.
    #[serde(default)]
    pub unit_cost: Option<i64>,
    /// Batch number (expiry-tracked items; defaults to the expiry date).
    #[serde(default)]
    pub batch: Option<String>,
    /// Expiry date (required for expiry-tracked items).
    #[serde(default)]
    pub expires_on: Option<NaiveDate>,
    /// Date received (default today).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Checks a size against the item's sizes and returns it ('' for items without sizes).
pub fn check_variant(item: &Item, variant: Option<&str>) -> Result<String> {
    let v = variant.map(str::trim).unwrap_or("");
    if item.variants.is_empty() {
        if !v.is_empty() {
            return Err(Error::invalid("variant", format!("{} has no sizes.", item.name)));
        }
        return Ok(String::new());
    }
    if v.is_empty() {
        return Err(Error::invalid("variant", format!("Choose the size of {}.", item.name)));
    }
    item.variants.iter().find(|x| x.eq_ignore_ascii_case(v)).cloned().ok_or_else(|| {
        Error::invalid("variant", format!("{} comes in sizes {}.", item.name, item.variants.join(", ")))
    })
}

/// Records a receipt; returns the movement id.
pub fn receive(conn: &Connection, s: &Session, input: &ReceiptInput, today: NaiveDate) -> Result<String> {
    if input.quantity <= 0 {
        return Err(Error::invalid("quantity", "Enter how many arrived (more than 0)."));
    }
    if !matches!(input.source, Reason::Donation | Reason::Purchase) {
        return Err(Error::invalid("source", "A receipt is a donation or a purchase."));
    }
    let loc = get_location(conn, &input.location)?;
    let item = get_item(conn, &input.item)?;
    let variant = check_variant(&item, input.variant.as_deref())?;
    let party = input.party.trim();
    if input.source == Reason::Purchase && input.unit_cost.is_none() {
        return Err(Error::invalid("unit_cost", "Enter what one unit cost."));
    }
    if input.unit_cost.is_some_and(|c| c < 0) {
        return Err(Error::invalid("unit_cost", "The cost cannot be negative."));
    }
    let (batch, expires_on) = if item.tracks_expiry {
        let Some(exp) = input.expires_on else {
            return Err(Error::invalid(
                "expires_on",
                format!("Enter the expiry date of this {}.", item.name),
            ));
        };
        let b = input.batch.as_deref().map(str::trim).filter(|b| !b.is_empty());
        (b.map(str::to_string).unwrap_or_else(|| exp.to_string()), Some(exp))
    } else {
        (input.batch.as_deref().map(str::trim).unwrap_or("").to_string(), None)
    };
    let known: Option<Option<NaiveDate>> = conn
        .query_row(
            "SELECT expires_on FROM stock_balances WHERE location_id = ?1 AND item_id = ?2 AND variant = ?3 AND batch = ?4",
            params![loc.id, item.id, variant, batch],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(known) = known {
        if known != expires_on {
            return Err(Error::invalid(
                "batch",
                format!("Batch {batch} is already recorded with another expiry date; check the label."),
            ));
        }
    }
    let received_on = input.received_on.unwrap_or(today);
    post(
        conn,
        s,
        &Movement {
            site_id: &loc.site_id,
            location_id: &loc.id,
            item_id: &item.id,
            variant: &variant,
            batch: &batch,
            expires_on,
            quantity: input.quantity,
            kind: Some(MoveKind::Receipt),
            reason: Some(input.source),
            party,
            unit_cost: if input.source == Reason::Purchase { input.unit_cost } else { None },
            moved_on: Some(received_on),
            note: input.note.trim(),
            ..Movement::default()
        },
    )
}

/// Input of a transfer between two locations.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// From this location.
    pub from: String,
    /// To this location.
    pub to: String,
    /// Item id or name.
    pub item: String,
    /// Size.
    #[serde(default)]
    pub variant: Option<String>,
    /// How many.
    pub quantity: i64,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Moves stock between locations, batch by batch, first expiry first.
pub fn transfer(conn: &Connection, s: &Session, input: &TransferInput, today: NaiveDate) -> Result<String> {
    if input.quantity <= 0 {
        return Err(Error::invalid("quantity", "Enter how many to move (more than 0)."));
    }
    let from = get_location(conn, &input.from)?;
    let to = get_location(conn, &input.to)?;
    if from.id == to.id {
        return Err(Error::invalid("to", "Choose another location to move the stock to."));
    }
    let item = get_item(conn, &input.item)?;
    let variant = check_variant(&item, input.variant.as_deref())?;
    let group = new_id();
    let lots = lots(conn, &from.id, &item.id, &variant)?;
    let available: i64 = lots.iter().map(|l| l.quantity).sum();
    if available < input.quantity {
        return Err(not_enough(conn, &from.id, &item.id, &variant, available, input.quantity));
    }
    let mut left = input.quantity;
    for lot in lots {
        if left == 0 {
            break;
        }
        let q = left.min(lot.quantity);
        let base = Movement {
            item_id: &item.id,
            variant: &variant,
            batch: &lot.batch,
            expires_on: lot.expires_on,
            kind: Some(MoveKind::Transfer),
            moved_on: Some(today),
            note: input.note.trim(),
            group_id: Some(&group),
            ..Movement::default()
        };
        post(
            conn,
            s,
            &Movement { site_id: &from.site_id, location_id: &from.id, quantity: -q, ..base.clone() },
        )?;
        post(conn, s, &Movement { site_id: &to.site_id, location_id: &to.id, quantity: q, ..base })?;
        left -= q;
    }
    Ok(group)
}

/// Input of an adjustment.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdjustmentInput {
    /// Location id.
    pub location: String,
    /// Item id or name.
    pub item: String,
    /// Size.
    #[serde(default)]
    pub variant: Option<String>,
    /// The batch (default: first expiry first; `found` stock goes to no batch).
    #[serde(default)]
    pub batch: Option<String>,
    /// How many (positive).
    pub quantity: i64,
    /// damaged, expired, lost (out) or found (in).
    pub reason: Reason,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Records an adjustment (reason required); returns its group id.
pub fn adjust(conn: &Connection, s: &Session, input: &AdjustmentInput, today: NaiveDate) -> Result<String> {
    if input.quantity <= 0 {
        return Err(Error::invalid("quantity", "Enter how many (more than 0)."));
    }
    if matches!(input.reason, Reason::Donation | Reason::Purchase) {
        return Err(Error::invalid("reason", "Choose damaged, expired, lost or found."));
    }
    let loc = get_location(conn, &input.location)?;
    let item = get_item(conn, &input.item)?;
    let variant = check_variant(&item, input.variant.as_deref())?;
    let group = new_id();
    let batch = input.batch.as_deref().map(str::trim).unwrap_or("");
    let base = Movement {
        site_id: &loc.site_id,
        location_id: &loc.id,
        item_id: &item.id,
        variant: &variant,
        kind: Some(MoveKind::Adjustment),
        reason: Some(input.reason),
        moved_on: Some(today),
        note: input.note.trim(),
        group_id: Some(&group),
        ..Movement::default()
    };
    if input.reason == Reason::Found {
        let expires_on: Option<NaiveDate> = conn
            .query_row(
                "SELECT expires_on FROM stock_balances WHERE location_id = ?1 AND item_id = ?2 AND variant = ?3 AND batch = ?4",
                params![loc.id, item.id, variant, batch],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        post(conn, s, &Movement { batch, expires_on, quantity: input.quantity, ..base })?;
    } else if !batch.is_empty() {
        let expires_on: Option<NaiveDate> = conn
            .query_row(
                "SELECT expires_on FROM stock_balances WHERE location_id = ?1 AND item_id = ?2 AND variant = ?3 AND batch = ?4",
                params![loc.id, item.id, variant, batch],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        post(conn, s, &Movement { batch, expires_on, quantity: -input.quantity, ..base })?;
    } else {
        draw(conn, s, &base, input.quantity, None, false)?;
    }
    Ok(group)
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

/// Balances of one site (or all), from the balance table: never a sum over the ledger.
pub fn balances(conn: &Connection, site: Option<&str>, today: NaiveDate) -> Result<Vec<Balance>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let mut stmt = conn.prepare_cached(
        "SELECT s.code, b.location_id, l.name, b.item_id, i.name, i.category, i.unit, b.variant,
                sum(b.quantity), sum(CASE WHEN b.expires_on < ?2 THEN b.quantity ELSE 0 END),
                min(CASE WHEN b.quantity > 0 AND b.expires_on >= ?2 THEN b.expires_on END)
         FROM stock_balances b
         JOIN stock_locations l ON l.id = b.location_id
         JOIN sites s ON s.id = b.site_id
         JOIN stock_items i ON i.id = b.item_id
         WHERE ?1 IS NULL OR b.site_id = ?1
         GROUP BY b.site_id, b.location_id, b.item_id, b.variant
         ORDER BY s.code, l.name, i.category, i.name, b.variant",
    )?;
    let rows = stmt.query_map(params![site_id, today], |r| {
        Ok(Balance {
            site: r.get(0)?,
            location_id: r.get(1)?,
            location: r.get(2)?,
            item_id: r.get(3)?,
            item: r.get(4)?,
            category: r.get(5)?,
            unit: r.get(6)?,
            variant: r.get(7)?,
            quantity: r.get(8)?,
            expired: r.get(9)?,
            next_expiry: r.get(10)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// (location, item, variant, batch, quantity).
pub type BalanceKey = (String, String, String, String, i64);

/// Sum of the ledger per (location, item, variant, batch): for checks, never for the screens.
pub fn ledger_sums(conn: &Connection) -> Result<Vec<BalanceKey>> {
    let mut stmt = conn.prepare(
        "SELECT location_id, item_id, variant, batch, sum(quantity) FROM stock_movements
         GROUP BY location_id, item_id, variant, batch ORDER BY 1, 2, 3, 4",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The balance table per (location, item, variant, batch), for comparing with [`ledger_sums`].
pub fn balance_rows(conn: &Connection) -> Result<Vec<BalanceKey>> {
    let mut stmt = conn.prepare(
        "SELECT location_id, item_id, variant, batch, quantity FROM stock_balances ORDER BY 1, 2, 3, 4",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
