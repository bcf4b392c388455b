//! Expense claims, travel first: a claimant's journey with its ferry, tunnel, train or fuel
//! costs (each with its receipt) and miles driven, paid at HMRC's approved mileage rates:
//! 45p a mile for the first 10,000 miles of the claimant's tax year (6 April to 5 April),
//! 25p after, computed from the claimant's earlier claims of that year, never typed.
//!
//! A claim is submitted, approved by a lead who is not the claimant, then paid, which writes its
//! payment (and so follows the paying fund's rules).

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::payments::{insert, NewPayment};
use super::{convert, Currency, SpendCategory, GENERAL_FUND};
use crate::access::{Role, Session};
use crate::fields::{check_date, line, text_enum};
use crate::{new_id, Error, Result};

/// HMRC's approved rate for the first [`MILEAGE_BAND`] miles of a tax year, in pence a mile.
pub const MILEAGE_RATE_FIRST: i64 = 45;
/// HMRC's approved rate after the first [`MILEAGE_BAND`] miles, in pence a mile.
pub const MILEAGE_RATE_AFTER: i64 = 25;
/// The miles of a tax year paid at the higher rate.
pub const MILEAGE_BAND: i64 = 10_000;
/// The most miles one claim may hold (a fortnight of driving between the sites).
pub const MAX_CLAIM_MILES: i64 = 5_000;

/// Where a claim stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Waiting for a lead.
    Submitted,
    /// Approved by a lead who is not the claimant.
    Approved,
    /// Paid: its payment is written.
    Paid,
}
text_enum!(ClaimStatus, Submitted => "submitted", Approved => "approved", Paid => "paid");

/// Kinds of cost on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClaimItemKind {
    /// A ferry crossing.
    Ferry,
    /// The Channel Tunnel.
    Tunnel,
    /// A train ticket.
    Train,
    /// Fuel.
    Fuel,
    /// Anything else (parking, tolls).
    Other,
}
text_enum!(ClaimItemKind, Ferry => "ferry", Tunnel => "tunnel", Train => "train", Fuel => "fuel", Other => "other");

/// One cost on a claim, as typed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimItemInput {
    /// Ferry, tunnel, train, fuel or other.
    pub kind: ClaimItemKind,
    /// Pence or cents.
    pub amount: i64,
    /// GBP or EUR.
    #[serde(default)]
    pub currency: Currency,
    /// EUR: pounds for one euro (`0.8561`).
    #[serde(default)]
    pub rate: Option<String>,
    /// The receipt's reference.
    #[serde(default)]
    pub receipt_ref: String,
}

/// Input of a claim (the claimant is who submits it).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimInput {
    /// Day of the journey (default today).
    #[serde(default)]
    pub claimed_on: Option<NaiveDate>,
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Purpose of the journey.
    pub purpose: String,
    /// Miles driven in the claimant's own car (0: none).
    #[serde(default)]
    pub miles: i64,
    /// Costs with receipts.
    #[serde(default)]
    pub items: Vec<ClaimItemInput>,
}

/// One cost on a claim.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClaimItem {
    /// Kind.
    pub kind: ClaimItemKind,
    /// Amount in its currency.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// Pence.
    pub gbp_pence: i64,
    /// Receipt reference.
    pub receipt_ref: String,
}

/// A claim.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Claim {
    /// Id.
    pub id: String,
    /// The claimant's user id.
    pub claimant_id: String,
    /// The claimant's name.
    pub claimant: String,
    /// Day of the journey.
    pub claimed_on: NaiveDate,
    /// From.
    pub from: String,
    /// To.
    pub to: String,
    /// Purpose.
    pub purpose: String,
    /// The tax year it counts in (the year of the 6 April it starts on).
    pub tax_year: i32,
    /// Miles.
    pub miles: i64,
    /// The mileage at HMRC's rates, in pence.
    pub mileage_pence: i64,
    /// The costs.
    pub items: Vec<ClaimItem>,
    /// Mileage plus costs, in pence.
    pub total_pence: i64,
    /// Status.
    pub status: ClaimStatus,
    /// The approving lead's name.
    pub approved_by: Option<String>,
    /// The payment, once paid.
    pub payment_id: Option<String>,
}

/// The tax year a day is in: the calendar year of the 6 April it starts on.
pub fn tax_year_of(day: NaiveDate) -> i32 {
    if (day.month(), day.day()) >= (4, 6) {
        day.year()
    } else {
        day.year() - 1
    }
}

/// The mileage allowance for `miles` driven after `before` miles already claimed in the same tax
/// year: 45p a mile up to 10,000 in the year, 25p beyond, split inside one claim that crosses.
pub fn mileage_pence(before: i64, miles: i64) -> i64 {
    let before = before.max(0);
    let first = (MILEAGE_BAND - before).clamp(0, miles.max(0));
    first * MILEAGE_RATE_FIRST + (miles.max(0) - first) * MILEAGE_RATE_AFTER
}

/// Submits a claim for the session's user; returns its id.
pub fn submit_claim(conn: &Connection, s: &Session, input: &ClaimInput, today: NaiveDate) -> Result<String> {
    let claimed_on = check_date("claimed_on", input.claimed_on.unwrap_or(today))?;
    if claimed_on > today {
        return Err(Error::at("claimed_on", crate::Code::ClaimClaimedOnInFuture, serde_json::json!({})));
    }
    let from = line("from", "Where from", &input.from, 120)?;
    let to = line("to", "Where to", &input.to, 120)?;
    let purpose = line("purpose", "The purpose", &input.purpose, 300)?;
    for (field, v, what) in [
        ("from", &from, "where the journey started"),
        ("to", &to, "where it went"),
        ("purpose", &purpose, "why"),
    ] {
        if v.is_empty() {
            return Err(Error::at(
                field,
                crate::Code::ClaimValueMissing,
                serde_json::json!({"what": what.to_string()}),
            ));
        }
    }
    if !(0..=MAX_CLAIM_MILES).contains(&input.miles) {
        return Err(Error::at(
            "miles",
            crate::Code::ClaimMilesOutOfRange,
            serde_json::json!({"max": MAX_CLAIM_MILES}),
        ));
    }
    if input.miles == 0 && input.items.is_empty() {
        return Err(Error::at("items", crate::Code::ClaimItemsMissing, serde_json::json!({})));
    }
    if input.items.len() > 50 {
        return Err(Error::at("items", crate::Code::ClaimItemsTooMany, serde_json::json!({})));
    }
    let mut items = Vec::new();
    for (i, it) in input.items.iter().enumerate() {
        let money = convert(&format!("items[{i}].amount"), it.amount, it.currency, it.rate.as_deref())
            .map_err(|e| e.refield(Some("rate"), &format!("items[{i}].rate")))?;
        let receipt_ref =
            line(&format!("items[{i}].receipt_ref"), "The receipt reference", &it.receipt_ref, 60)?;
        items.push((it.kind, money, receipt_ref));
    }
    let tax_year = tax_year_of(claimed_on);
    let before: i64 = conn.query_row(
        "SELECT coalesce(sum(miles), 0) FROM money_claims WHERE claimant_id = ?1 AND tax_year = ?2",
        params![s.user_id, tax_year],
        |r| r.get(0),
    )?;
    let mileage = mileage_pence(before, input.miles);
    let total = items.iter().fold(mileage, |t, (_, m, _)| t.saturating_add(m.gbp_pence));
    let id = new_id();
    conn.execute(
        "INSERT INTO money_claims (id, claimant_id, claimed_on, from_place, to_place, purpose, tax_year, miles,
                                   mileage_pence, total_pence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![id, s.user_id, claimed_on, from, to, purpose, tax_year, input.miles, mileage, total],
    )?;
    for (kind, m, receipt_ref) in items {
        conn.execute(
            "INSERT INTO money_claim_items (id, claim_id, kind, currency, amount, rate_ppm, gbp_pence, receipt_ref)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![new_id(), id, kind, m.currency, m.amount, m.rate_ppm, m.gbp_pence, receipt_ref],
        )?;
    }
    Ok(id)
}

/// Approves a submitted claim: a lead who is not its claimant.
pub fn approve_claim(conn: &Connection, s: &Session, id: &str) -> Result<Claim> {
    s.require(Role::Lead, "approve expense claims")?;
    let claim = get_claim(conn, id)?;
    if claim.claimant_id == s.user_id {
        return Err(Error::at("id", crate::Code::ClaimApproveOwnClaim, serde_json::json!({})));
    }
    if claim.status != ClaimStatus::Submitted {
        return Err(Error::at("id", crate::Code::ClaimApproveAlready, serde_json::json!({})));
    }
    conn.execute(
        "UPDATE money_claims SET status = 'approved', approved_by = ?2,
                approved_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE id = ?1",
        params![claim.id, s.user_id],
    )?;
    get_claim(conn, &claim.id)
}

/// Pays an approved claim from a fund (the general fund by default) on `paid_on`: writes its
/// payment in the travel category, to the claimant; returns the payment's id.
pub fn pay_claim(
    conn: &Connection,
    s: &Session,
    id: &str,
    fund: Option<&str>,
    paid_on: NaiveDate,
) -> Result<String> {
    s.require(Role::Lead, "pay expense claims")?;
    let claim = get_claim(conn, id)?;
    match claim.status {
        ClaimStatus::Submitted => {
            return Err(Error::at("id", crate::Code::ClaimPayNotApproved, serde_json::json!({})))
        }
        ClaimStatus::Paid => {
            return Err(Error::at("id", crate::Code::ClaimPayAlready, serde_json::json!({})))
        }
        ClaimStatus::Approved => {}
    }
    if claim.total_pence <= 0 {
        return Err(Error::at("id", crate::Code::ClaimPayNothing, serde_json::json!({})));
    }
    let payment = new_id();
    let money = convert("id", claim.total_pence, Currency::Gbp, None)?;
    let note = format!("Claim: {} to {}, {}", claim.from, claim.to, claim.claimed_on);
    insert(
        conn,
        s,
        &payment,
        &NewPayment {
            paid_on,
            payee: &claim.claimant,
            money,
            fund: fund.map(str::trim).filter(|f| !f.is_empty()).unwrap_or(GENERAL_FUND),
            category: SpendCategory::Travel,
            site_id: None,
            receipt_ref: "",
            receipt_file: "",
            approved_by: claim.approved_by.as_deref().unwrap_or_default(),
            stock_movement_id: None,
            claim_id: Some(&claim.id),
            note: &note,
        },
        "fund",
    )?;
    conn.execute(
        "UPDATE money_claims SET status = 'paid', updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        [&claim.id],
    )?;
    Ok(payment)
}

const CLAIM_SQL: &str =
    "SELECT c.id, c.claimant_id, u.display_name, c.claimed_on, c.from_place, c.to_place, c.purpose,
        c.tax_year, c.miles, c.mileage_pence, c.total_pence, c.status, a.display_name,
        (SELECT p.id FROM money_payments p WHERE p.claim_id = c.id)
     FROM money_claims c JOIN users u ON u.id = c.claimant_id LEFT JOIN users a ON a.id = c.approved_by";

fn claim_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Claim> {
    Ok(Claim {
        id: r.get(0)?,
        claimant_id: r.get(1)?,
        claimant: r.get(2)?,
        claimed_on: r.get(3)?,
        from: r.get(4)?,
        to: r.get(5)?,
        purpose: r.get(6)?,
        tax_year: r.get(7)?,
        miles: r.get(8)?,
        mileage_pence: r.get(9)?,
        total_pence: r.get(10)?,
        status: r.get(11)?,
        approved_by: r.get(12)?,
        payment_id: r.get(13)?,
        items: Vec::new(),
    })
}

fn with_items(conn: &Connection, mut c: Claim) -> Result<Claim> {
    let mut st = conn.prepare_cached(
        "SELECT kind, amount, currency, gbp_pence, receipt_ref FROM money_claim_items WHERE claim_id = ?1 ORDER BY rowid",
    )?;
    c.items = st
        .query_map([&c.id], |r| {
            Ok(ClaimItem {
                kind: r.get(0)?,
                amount: r.get(1)?,
                currency: r.get(2)?,
                gbp_pence: r.get(3)?,
                receipt_ref: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(c)
}

/// A claim by id.
pub fn get_claim(conn: &Connection, id: &str) -> Result<Claim> {
    let c = conn
        .query_row(&format!("{CLAIM_SQL} WHERE c.id = ?1"), [id.trim()], claim_row)
        .optional()?
        .ok_or_else(|| Error::at("id", crate::Code::ClaimNotFound, serde_json::json!({})))?;
    with_items(conn, c)
}

/// Claims whose journey is between two days, newest first: every claim for a lead, one's own
/// for anyone else.
pub fn list_claims(conn: &Connection, s: &Session, from: NaiveDate, to: NaiveDate) -> Result<Vec<Claim>> {
    let mine = if s.role >= Role::Lead { None } else { Some(s.user_id.as_str()) };
    let mut st = conn.prepare_cached(&format!(
        "{CLAIM_SQL} WHERE c.claimed_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR c.claimant_id = ?3)
         ORDER BY c.claimed_on DESC, c.created_at DESC"
    ))?;
    let claims = st.query_map(params![from, to, mine], claim_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    claims.into_iter().map(|c| with_items(conn, c)).collect()
}
