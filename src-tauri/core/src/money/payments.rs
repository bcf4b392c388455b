//! Money out: payments charged to a fund in a spending category (the fund's rules checked
//! first), a scanned receipt kept beside the database, and the payment a stock purchase makes
//! in the receipt's own transaction.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::funds::{check_spending, get_fund};
use super::{convert, rate_text, Converted, Currency, SpendCategory, GENERAL_FUND};
use crate::access::Session;
use crate::fields::{check_date, check_len, line};
use crate::{new_id, sites, Error, Result};

/// The folder beside the database where scanned receipts are kept.
pub const RECEIPTS_DIR: &str = "receipts";

/// The largest scanned receipt kept (20 MB): a phone photo is a few.
const MAX_RECEIPT_FILE: u64 = 20 * 1024 * 1024;

/// Input to record a payment.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    /// Day paid (default today).
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
    /// Who was paid.
    pub payee: String,
    /// Amount in pence or cents.
    pub amount: i64,
    /// GBP or EUR.
    #[serde(default)]
    pub currency: Currency,
    /// EUR: pounds for one euro as typed (`0.8561`).
    #[serde(default)]
    pub rate: Option<String>,
    /// Fund id or name (default: the general fund).
    #[serde(default)]
    pub fund: Option<String>,
    /// What the money was spent on.
    pub category: SpendCategory,
    /// Site (code or id).
    #[serde(default)]
    pub site: Option<String>,
    /// The paper receipt's reference.
    #[serde(default)]
    pub receipt_ref: String,
    /// A scanned receipt to keep beside the database (pdf, jpg or png).
    #[serde(default)]
    pub receipt_path: Option<String>,
    /// Who approved it.
    #[serde(default)]
    pub approved_by: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// A payment, as listed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Payment {
    /// Id.
    pub id: String,
    /// Day paid.
    pub paid_on: NaiveDate,
    /// Payee.
    pub payee: String,
    /// Amount in its currency's minor unit.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// The rate used (euros).
    pub rate: Option<String>,
    /// Pence.
    pub gbp_pence: i64,
    /// Fund id.
    pub fund_id: String,
    /// Fund name.
    pub fund: String,
    /// Category.
    pub category: SpendCategory,
    /// Receipt reference.
    pub receipt_ref: String,
    /// The scanned receipt's file name in `receipts/` beside the database.
    pub receipt_file: String,
    /// Paid for this stock receipt (movement id).
    pub stock_movement_id: Option<String>,
    /// Paid for this expense claim.
    pub claim_id: Option<String>,
}

/// A payment as the rooms write it, after its input is checked.
pub(super) struct NewPayment<'a> {
    pub paid_on: NaiveDate,
    pub payee: &'a str,
    pub money: Converted,
    pub fund: &'a str,
    pub category: SpendCategory,
    pub site_id: Option<&'a str>,
    pub receipt_ref: &'a str,
    pub receipt_file: &'a str,
    pub approved_by: &'a str,
    pub stock_movement_id: Option<&'a str>,
    pub claim_id: Option<&'a str>,
    pub note: &'a str,
}

/// Writes a payment after the fund's rule: refused, naming the fund, when the fund is
/// restricted to other purposes.
pub(super) fn insert(
    conn: &Connection,
    s: &Session,
    id: &str,
    p: &NewPayment<'_>,
    field: &str,
) -> Result<()> {
    let fund = get_fund(conn, "fund", p.fund)?;
    check_spending(&fund, p.category, field)?;
    conn.prepare_cached(
        "INSERT INTO money_payments (id, paid_on, payee, currency, amount, rate_ppm, gbp_pence, fund_id, category,
                                     site_id, receipt_ref, receipt_file, approved_by, stock_movement_id, claim_id,
                                     note, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        id,
        p.paid_on,
        p.payee,
        p.money.currency,
        p.money.amount,
        p.money.rate_ppm,
        p.money.gbp_pence,
        fund.id,
        p.category,
        p.site_id,
        p.receipt_ref,
        p.receipt_file,
        p.approved_by,
        p.stock_movement_id,
        p.claim_id,
        p.note,
        s.user_id,
    ])?;
    Ok(())
}

fn site_id(conn: &Connection, site: Option<&str>) -> Result<Option<String>> {
    match site.map(str::trim).filter(|x| !x.is_empty()) {
        Some(code) => Ok(Some(
            sites::resolve(conn, code)
                .map_err(|e| {
                    e.when_absent(Error::at("site", crate::Code::IncomeSiteUnknown, serde_json::json!({})))
                })?
                .id,
        )),
        None => Ok(None),
    }
}

/// Records a payment; returns its id. `receipts_dir` is where a scanned receipt is copied
/// (`receipts/` beside the database), named by the payment's id.
pub fn record_payment(
    conn: &Connection,
    s: &Session,
    input: &PaymentInput,
    receipts_dir: &Path,
    today: NaiveDate,
) -> Result<String> {
    let money = convert("amount", input.amount, input.currency, input.rate.as_deref())?;
    let payee = line("payee", "The payee", &input.payee, 120)?;
    if payee.is_empty() {
        return Err(Error::at("payee", crate::Code::PaymentPayeeMissing, serde_json::json!({})));
    }
    let paid_on = check_date("paid_on", input.paid_on.unwrap_or(today))?;
    let receipt_ref = line("receipt_ref", "The receipt reference", &input.receipt_ref, 60)?;
    let approved_by = line("approved_by", "Who approved it", &input.approved_by, 120)?;
    check_len("note", "The note", input.note.trim(), 500)?;
    let site = site_id(conn, input.site.as_deref())?;
    let id = new_id();
    // The fund's rule is checked before any file is copied.
    let fund = get_fund(conn, "fund", input.fund.as_deref().unwrap_or(GENERAL_FUND))?;
    check_spending(&fund, input.category, "fund")?;
    let receipt_file = match input.receipt_path.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(path) => keep_receipt(Path::new(path), receipts_dir, &id)?,
        None => String::new(),
    };
    let p = NewPayment {
        paid_on,
        payee: &payee,
        money,
        fund: &fund.id,
        category: input.category,
        site_id: site.as_deref(),
        receipt_ref: &receipt_ref,
        receipt_file: &receipt_file,
        approved_by: &approved_by,
        stock_movement_id: None,
        claim_id: None,
        note: input.note.trim(),
    };
    if let Err(e) = insert(conn, s, &id, &p, "fund") {
        // The payment is not written: neither is its copy kept.
        if !receipt_file.is_empty() {
            let _ = std::fs::remove_file(receipts_dir.join(&receipt_file));
        }
        return Err(e);
    }
    Ok(id)
}

/// Copies a scanned receipt into `dir` as `<id>.<ext>`; returns the file name.
fn keep_receipt(from: &Path, dir: &Path, id: &str) -> Result<String> {
    let ext = from.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "pdf" | "jpg" | "jpeg" | "png") {
        return Err(Error::at(
            "receipt_path",
            crate::Code::PaymentReceiptPathWrongType,
            serde_json::json!({}),
        ));
    }
    let size = std::fs::metadata(from)
        .map_err(|e| {
            Error::at(
                "receipt_path",
                crate::Code::PaymentReceiptPathUnreadable,
                serde_json::json!({"from": from.display().to_string(), "detail": e.to_string()}),
            )
        })?
        .len();
    if size > MAX_RECEIPT_FILE {
        return Err(Error::at(
            "receipt_path",
            crate::Code::PaymentReceiptPathTooLarge,
            serde_json::json!({}),
        ));
    }
    std::fs::create_dir_all(dir)?;
    let name = format!("{id}.{ext}");
    std::fs::copy(from, dir.join(&name)).map_err(|e| {
        Error::at(
            "receipt_path",
            crate::Code::PaymentReceiptPathNotKept,
            serde_json::json!({"detail": e.to_string()}),
        )
    })?;
    Ok(name)
}

/// What a stock purchase receipt says of its payment (all optional: the general fund, and the
/// item's own category, by default).
#[derive(Debug, Clone, Default)]
pub struct ReceiptPayment<'a> {
    /// The receipt's movement id.
    pub movement_id: &'a str,
    /// Fund id or name.
    pub fund: Option<&'a str>,
    /// Spending category as given (`baby`); default: the item's.
    pub category: Option<&'a str>,
}

/// Writes the payment of a stock purchase receipt, already recorded as movement
/// `r.movement_id` in the caller's transaction: the quantity times the unit cost, to the
/// supplier, charged to the fund named (the general fund by default). A restricted fund that
/// may not pay for it refuses, and the caller's transaction takes the receipt back with it.
/// Returns the payment's id, or none for a purchase that cost nothing.
pub fn pay_for_receipt(conn: &Connection, s: &Session, r: &ReceiptPayment<'_>) -> Result<Option<String>> {
    let (site_id, quantity, unit_cost, party, moved_on, category, item): (
        String,
        i64,
        Option<i64>,
        String,
        NaiveDate,
        crate::stock::Category,
        String,
    ) = conn.query_row(
        "SELECT m.site_id, m.quantity, m.unit_cost, m.party, m.moved_on, i.category, i.name
         FROM stock_movements m JOIN stock_items i ON i.id = m.item_id WHERE m.id = ?1",
        [r.movement_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?)),
    )?;
    let category = match r.category.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => SpendCategory::parse(c).map_err(|_| {
            Error::at(
                "category",
                crate::Code::PaymentCategoryUnknown,
                serde_json::json!({"c": c.to_string()}),
            )
        })?,
        None => SpendCategory::of_stock(category),
    };
    let total = quantity.saturating_mul(unit_cost.unwrap_or(0));
    if total == 0 {
        return Ok(None);
    }
    let money = convert("unit_cost", total, Currency::Gbp, None)?;
    let payee = if party.trim().is_empty() { "Stock purchase".to_string() } else { party };
    let note = format!("{quantity} × {item}");
    let id = new_id();
    let fund = r.fund.map(str::trim).filter(|f| !f.is_empty()).unwrap_or(GENERAL_FUND);
    insert(
        conn,
        s,
        &id,
        &NewPayment {
            paid_on: moved_on,
            payee: &payee,
            money,
            fund,
            category,
            site_id: Some(&site_id),
            receipt_ref: "",
            receipt_file: "",
            approved_by: "",
            stock_movement_id: Some(r.movement_id),
            claim_id: None,
            note: &note,
        },
        "fund",
    )?;
    Ok(Some(id))
}

/// Payments between two days (inclusive), newest first, at most `limit` rows.
pub fn list_payments(conn: &Connection, from: NaiveDate, to: NaiveDate, limit: u32) -> Result<Vec<Payment>> {
    let mut st = conn.prepare_cached(
        "SELECT p.id, p.paid_on, p.payee, p.amount, p.currency, p.rate_ppm, p.gbp_pence, p.fund_id, f.name,
                p.category, p.receipt_ref, p.receipt_file, p.stock_movement_id, p.claim_id
         FROM money_payments p JOIN money_funds f ON f.id = p.fund_id
         WHERE p.paid_on BETWEEN ?1 AND ?2
         ORDER BY p.paid_on DESC, p.created_at DESC LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![from, to, limit], |r| {
            Ok(Payment {
                id: r.get(0)?,
                paid_on: r.get(1)?,
                payee: r.get(2)?,
                amount: r.get(3)?,
                currency: r.get(4)?,
                rate: r.get::<_, Option<i64>>(5)?.map(rate_text),
                gbp_pence: r.get(6)?,
                fund_id: r.get(7)?,
                fund: r.get(8)?,
                category: r.get(9)?,
                receipt_ref: r.get(10)?,
                receipt_file: r.get(11)?,
                stock_movement_id: r.get(12)?,
                claim_id: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
