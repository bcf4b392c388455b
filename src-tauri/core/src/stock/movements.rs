//! Receipts, transfers between locations and adjustments: each one or more ledger movements in
//! the caller's transaction.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::catalogue::{check_variant, get_item};
use super::ledger::{draw, lots, not_enough, post, Movement};
use super::locations::get_location;
use super::{MoveKind, Reason};
use crate::access::Session;
use crate::fields::{check_date, check_len, check_quantity, line, optional_line, total, MAX_UNIT_COST};
use crate::{new_id, Code, Error, Problems, Result, Warning};

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
    /// Purchase: the fund that pays for it, id or name (default: the general fund). The
    /// payment is written with the receipt, in the same transaction.
    #[serde(default)]
    pub fund: Option<String>,
    /// Purchase: the payment's spending category (`baby`, `food`, ...; default: the item's
    /// own category).
    #[serde(default)]
    pub category: Option<String>,
}

/// What is worth saying about a receipt that was recorded all the same: stock that is already
/// past its expiry date (it is kept on the shelf, counted as expired, and never given out, but
/// whoever unpacks it should set it aside now).
pub fn receipt_warnings(conn: &Connection, input: &ReceiptInput, today: NaiveDate) -> Result<Vec<Warning>> {
    let mut warnings = Vec::new();
    if let Some(expires_on) = input.expires_on.filter(|e| *e < today) {
        let item = get_item(conn, &input.item)?;
        warnings.push(Warning::new(
            "expired_on_receipt",
            json!({"item": item.name, "expires_on": expires_on, "quantity": input.quantity}),
            format!(
                "These {} {} expired on {expires_on}: they are recorded, will not be given out, and should be set aside.",
                input.quantity, item.name
            ),
        ));
    }
    Ok(warnings)
}

/// Records a receipt; returns the movement id. Every field is checked first, and all the
/// problems found are returned together, before anything is written.
pub fn receive(conn: &Connection, s: &Session, input: &ReceiptInput, today: NaiveDate) -> Result<String> {
    let mut p = Problems::new();
    p.check(check_quantity("quantity", "how many arrived", input.quantity, 1))?;
    if !matches!(input.source, Reason::Donation | Reason::Purchase) {
        p.add("source", Code::StockReceiptSourceWrong, json!({}));
    }
    let loc = p.check(get_location(conn, &input.location))?;
    let item = p.check(get_item(conn, &input.item))?;
    let variant = match &item {
        Some(item) => p.check(check_variant(item, input.variant.as_deref()))?,
        None => None,
    };
    let party = p.check(line("party", "The donor or supplier", &input.party, 120))?;
    p.check(check_len("note", "The note", input.note.trim(), 500))?;
    let names = |v: &Option<String>| v.as_deref().is_some_and(|f| !f.trim().is_empty());
    if input.source != Reason::Purchase && (names(&input.fund) || names(&input.category)) {
        let field = if names(&input.fund) { "fund" } else { "category" };
        p.add(field, Code::StockReceiptFundNotPurchase, json!({}));
    }
    if input.source == Reason::Purchase && input.unit_cost.is_none() {
        p.add("unit_cost", Code::StockReceiptUnitCostMissing, json!({}));
    }
    if input.unit_cost.is_some_and(|c| c < 0) {
        p.add("unit_cost", Code::StockReceiptUnitCostNegative, json!({}));
    }
    if input.unit_cost.is_some_and(|c| c > MAX_UNIT_COST) {
        p.add("unit_cost", Code::StockReceiptUnitCostTooLarge, json!({}));
    }
    let batch = p.check(optional_line("batch", "The batch number", input.batch.as_deref(), 40))?.flatten();
    let expires_on = match (&item, input.expires_on) {
        (Some(item), None) if item.tracks_expiry => {
            p.add("expires_on", Code::StockReceiptExpiresOnMissing, json!({"item": item.name}));
            None
        }
        (Some(item), Some(exp)) if item.tracks_expiry => p.check(check_date("expires_on", exp))?,
        _ => None,
    };
    let batch = match (batch, expires_on) {
        (Some(b), _) => b,
        (None, Some(exp)) => exp.to_string(),
        (None, None) => String::new(),
    };
    let (Some(loc), Some(item), Some(variant), Some(party)) = (loc, item, variant, party) else {
        return p
            .finish()
            .and_then(|()| Err(Error::new(crate::Code::StockReceiptNoValues, serde_json::json!({}))));
    };
    if p.is_empty() {
        let known: Option<Option<NaiveDate>> = conn
            .query_row(
                "SELECT expires_on FROM stock_balances WHERE location_id = ?1 AND item_id = ?2 AND variant = ?3 AND batch = ?4",
                params![loc.id, item.id, variant, batch],
                |r| r.get(0),
            )
            .optional()?;
        if known.is_some_and(|known| known != expires_on) {
            p.add("batch", Code::StockReceiptBatchOtherExpiry, json!({"batch": batch}));
        }
    }
    p.finish()?;
    let party = party.as_str();
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

/// Moves stock between locations, batch by batch, first expiry first. Stock for another
/// site's location is in transit until that site confirms it (see [`super::transit`]).
pub fn transfer(conn: &Connection, s: &Session, input: &TransferInput, today: NaiveDate) -> Result<String> {
    check_quantity("quantity", "how many to move", input.quantity, 1)?;
    let from = get_location(conn, &input.from)?;
    let to = get_location(conn, &input.to)?;
    if from.id == to.id {
        return Err(Error::at("to", crate::Code::StockTransferToSame, serde_json::json!({})));
    }
    let item = get_item(conn, &input.item)?;
    let variant = check_variant(&item, input.variant.as_deref())?;
    let group = new_id();
    let lots = lots(conn, &from.id, &item.id, &variant)?;
    let available = total(lots.iter().map(|l| l.quantity));
    if available < input.quantity {
        return Err(not_enough(conn, &from.id, &item.id, &variant, available, input.quantity));
    }
    if from.site_id != to.site_id {
        // To another site: in transit until that site confirms it arrived.
        let mut left = input.quantity;
        let mut taken = Vec::new();
        for lot in lots {
            if left == 0 {
                break;
            }
            let q = left.min(lot.quantity);
            left -= q;
            taken.push((lot, q));
        }
        super::transit::send(conn, s, &from, &to, &item, &variant, &taken, input.note.trim(), &group, today)?;
        return Ok(group);
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
    check_quantity("quantity", "how many", input.quantity, 1)?;
    if matches!(input.reason, Reason::Donation | Reason::Purchase) {
        return Err(Error::at("reason", crate::Code::StockAdjustmentReasonMissing, serde_json::json!({})));
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
