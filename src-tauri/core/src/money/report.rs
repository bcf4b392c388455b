//! The money reports: receipts and payments by fund in the shape of the Charity Commission's
//! CC16 account, "Where your money went" for donors (with what the money bought, from the stock
//! side), the Gift Aid schedule, the travel costs, and money in and out by month for the chart.
//! Each is a few grouped sums over the period, so a year of ten thousand rows reads at once.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::claims::{list_claims, Claim};
use super::funds::list_funds;
use super::income::IncomeKind;
use super::SpendCategory;
use crate::access::Session;
use crate::fields::text_enum;
use crate::{Error, Result};

/// The money reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyReport {
    /// Receipts and payments by fund (CC16 shape).
    Cc16,
    /// "Where your money went", for donors.
    WhereMoneyWent,
    /// Donations with a Gift Aid declaration.
    GiftAid,
    /// Expense claims.
    Travel,
}
text_enum!(MoneyReport, Cc16 => "cc16", WhereMoneyWent => "where_money_went", GiftAid => "gift_aid", Travel => "travel");

/// The period of a report: both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Period {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

impl Period {
    /// The period asked for: by default the tax year so far (from the last 6 April to today).
    pub fn of(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> Result<Period> {
        let to = to.unwrap_or(today);
        let from = match from {
            Some(f) => f,
            None => NaiveDate::from_ymd_opt(super::tax_year_of(to), 4, 6).unwrap_or(to),
        };
        if from > to {
            return Err(Error::at("from", crate::Code::MoneyReportFromAfterTo, serde_json::json!({})));
        }
        Ok(Period { from, to })
    }
}

/// One fund's column of the CC16 account.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cc16Fund {
    /// Fund id.
    pub id: String,
    /// Fund name.
    pub name: String,
    /// Restricted.
    pub restricted: bool,
    /// Balance at the start of the period.
    pub opening: i64,
    /// Receipts by kind (donations, grants, other income), pence.
    pub receipts: BTreeMap<IncomeKind, i64>,
    /// Payments by category, pence.
    pub payments: BTreeMap<SpendCategory, i64>,
    /// All receipts.
    pub total_receipts: i64,
    /// All payments.
    pub total_payments: i64,
    /// Transfers in minus transfers out.
    pub transfers: i64,
    /// Opening + receipts − payments + transfers.
    pub closing: i64,
}

/// The receipts and payments account by fund.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Cc16 {
    /// The period.
    pub period: Period,
    /// One column per fund, the general fund first.
    pub funds: Vec<Cc16Fund>,
}

fn grouped<K: Ord + rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
    p: &Period,
) -> Result<Vec<(String, K, i64)>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st
        .query_map(params![p.from, p.to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn per_fund(conn: &Connection, sql: &str, a: NaiveDate, b: NaiveDate) -> Result<BTreeMap<String, i64>> {
    let mut st = conn.prepare_cached(sql)?;
    let rows = st
        .query_map(params![a, b], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<BTreeMap<_, _>>>()?;
    Ok(rows)
}

/// Sums per fund of every kind of row between two days: money in, money out, transfers in and
/// transfers out.
fn flows(conn: &Connection, a: NaiveDate, b: NaiveDate) -> Result<[BTreeMap<String, i64>; 4]> {
    Ok([
        per_fund(conn, "SELECT fund_id, sum(gbp_pence) FROM money_income WHERE received_on BETWEEN ?1 AND ?2 GROUP BY fund_id", a, b)?,
        per_fund(conn, "SELECT fund_id, sum(gbp_pence) FROM money_payments WHERE paid_on BETWEEN ?1 AND ?2 GROUP BY fund_id", a, b)?,
        per_fund(conn, "SELECT to_fund, sum(gbp_pence) FROM money_transfers WHERE moved_on BETWEEN ?1 AND ?2 GROUP BY to_fund", a, b)?,
        per_fund(conn, "SELECT from_fund, sum(gbp_pence) FROM money_transfers WHERE moved_on BETWEEN ?1 AND ?2 GROUP BY from_fund", a, b)?,
    ])
}

/// The CC16-shaped account of a period. A fund's opening balance is its own opening balance
/// (when it was opened by the period's end) plus every row before the period.
pub fn cc16(conn: &Connection, p: &Period) -> Result<Cc16> {
    let before_end = p.from.checked_sub_days(Days::new(1)).unwrap_or(p.from);
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(p.from);
    let [b_in, b_out, b_tin, b_tout] =
        if p.from > earliest { flows(conn, earliest, before_end)? } else { Default::default() };
    let [_, _, t_in, t_out] = flows(conn, p.from, p.to)?;
    let receipts: Vec<(String, IncomeKind, i64)> = grouped(
        conn,
        "SELECT fund_id, kind, sum(gbp_pence) FROM money_income WHERE received_on BETWEEN ?1 AND ?2 GROUP BY 1, 2",
        p,
    )?;
    let payments: Vec<(String, SpendCategory, i64)> = grouped(
        conn,
        "SELECT fund_id, category, sum(gbp_pence) FROM money_payments WHERE paid_on BETWEEN ?1 AND ?2 GROUP BY 1, 2",
        p,
    )?;
    let get = |m: &BTreeMap<String, i64>, id: &str| m.get(id).copied().unwrap_or(0);
    let mut funds = Vec::new();
    for f in list_funds(conn)? {
        let opening = if f.opened_on <= p.to { f.opening_pence } else { 0 } + get(&b_in, &f.id)
            - get(&b_out, &f.id)
            + get(&b_tin, &f.id)
            - get(&b_tout, &f.id);
        let r: BTreeMap<IncomeKind, i64> =
            receipts.iter().filter(|(id, _, _)| *id == f.id).map(|(_, k, v)| (*k, *v)).collect();
        let pay: BTreeMap<SpendCategory, i64> =
            payments.iter().filter(|(id, _, _)| *id == f.id).map(|(_, k, v)| (*k, *v)).collect();
        let total_receipts = r.values().sum();
        let total_payments = pay.values().sum();
        let transfers = get(&t_in, &f.id) - get(&t_out, &f.id);
        let closing = opening + total_receipts - total_payments + transfers;
        funds.push(Cc16Fund {
            id: f.id,
            name: f.name,
            restricted: f.restricted,
            opening,
            receipts: r,
            payments: pay,
            total_receipts,
            total_payments,
            transfers,
            closing,
        });
    }
    Ok(Cc16 { period: *p, funds })
}

/// A line of a summary: what, and how much in pence.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Line {
    /// The line's key (`donation`, `baby`).
    pub key: String,
    /// Its words in the printed report.
    pub label: String,
    /// Pence.
    pub pence: i64,
}

/// Something the stock side gave out in the period.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GivenOut {
    /// The item.
    pub item: String,
    /// Its unit ("tin", "pack").
    pub unit: String,
    /// How many.
    pub quantity: i64,
}

/// "Where your money went": the donor's one page.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WhereMoneyWent {
    /// The period.
    pub period: Period,
    /// All money in, pence.
    pub money_in: i64,
    /// Money in by kind.
    pub money_in_by_kind: Vec<Line>,
    /// How many gifts.
    pub donations: i64,
    /// All money out, pence.
    pub money_out: i64,
    /// Money out by category, largest first.
    pub money_out_by_category: Vec<Line>,
    /// What was given out at distributions in the period, most first.
    pub given_out: Vec<GivenOut>,
}

/// "Where your money went" for a period.
pub fn where_money_went(conn: &Connection, p: &Period) -> Result<WhereMoneyWent> {
    let mut by_kind = Vec::new();
    let mut st = conn.prepare_cached(
        "SELECT kind, sum(gbp_pence), count(*) FROM money_income WHERE received_on BETWEEN ?1 AND ?2 GROUP BY kind",
    )?;
    let mut donations = 0;
    for row in st.query_map(params![p.from, p.to], |r| {
        Ok((r.get::<_, IncomeKind>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
    })? {
        let (k, pence, n) = row?;
        if k == IncomeKind::Donation {
            donations = n;
        }
        by_kind.push(Line { key: k.as_str().into(), label: k.label().into(), pence });
    }
    let mut st = conn.prepare_cached(
        "SELECT category, sum(gbp_pence) FROM money_payments WHERE paid_on BETWEEN ?1 AND ?2 GROUP BY category
         ORDER BY 2 DESC",
    )?;
    let by_category = st
        .query_map(params![p.from, p.to], |r| Ok((r.get::<_, SpendCategory>(0)?, r.get::<_, i64>(1)?)))?
        .map(|row| row.map(|(c, pence)| Line { key: c.as_str().into(), label: c.label().into(), pence }))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A reversed collection puts its stock back with the opposite sign: the sum is what left.
    let mut st = conn.prepare_cached(
        "SELECT i.name, i.unit, -sum(m.quantity) FROM stock_movements m JOIN stock_items i ON i.id = m.item_id
         WHERE m.kind IN ('distribution', 'reversal') AND m.moved_on BETWEEN ?1 AND ?2
         GROUP BY i.id HAVING -sum(m.quantity) > 0 ORDER BY 3 DESC, i.name",
    )?;
    let given_out = st
        .query_map(params![p.from, p.to], |r| {
            Ok(GivenOut { item: r.get(0)?, unit: r.get(1)?, quantity: r.get(2)? })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(WhereMoneyWent {
        period: *p,
        money_in: by_kind.iter().map(|l| l.pence).sum(),
        money_in_by_kind: by_kind,
        donations,
        money_out: by_category.iter().map(|l| l.pence).sum(),
        money_out_by_category: by_category,
        given_out,
    })
}

/// A donation on the Gift Aid schedule.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GiftAidRow {
    /// Donor's name.
    pub donor: String,
    /// House number or name.
    pub house: String,
    /// Postcode.
    pub postcode: String,
    /// Day of the donation.
    pub received_on: NaiveDate,
    /// Pence.
    pub pence: i64,
    /// The declaration's date.
    pub declared_on: Option<NaiveDate>,
}

/// Donations with a Gift Aid declaration in the period, by date.
pub fn gift_aid(conn: &Connection, p: &Period) -> Result<Vec<GiftAidRow>> {
    let mut st = conn.prepare_cached(
        "SELECT d.name, d.house, d.postcode, i.received_on, i.gbp_pence, i.declared_on
         FROM money_income i JOIN money_donors d ON d.id = i.donor_id
         WHERE i.gift_aid = 1 AND i.received_on BETWEEN ?1 AND ?2 ORDER BY i.received_on, d.name",
    )?;
    let rows = st
        .query_map(params![p.from, p.to], |r| {
            Ok(GiftAidRow {
                donor: r.get(0)?,
                house: r.get(1)?,
                postcode: r.get(2)?,
                received_on: r.get(3)?,
                pence: r.get(4)?,
                declared_on: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The travel costs: every claim of the period (a lead's view: all claimants).
pub fn travel(conn: &Connection, s: &Session, p: &Period) -> Result<Vec<Claim>> {
    let mut claims = list_claims(conn, s, p.from, p.to)?;
    claims.reverse();
    Ok(claims)
}

/// Money in and out in one month.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MonthInOut {
    /// `2026-04`.
    pub month: String,
    /// Pence in.
    pub money_in: i64,
    /// Pence out.
    pub money_out: i64,
}

/// Money in and out for each of the `months` months up to the one holding `today`.
pub fn months(conn: &Connection, months: u32, today: NaiveDate) -> Result<Vec<MonthInOut>> {
    let months = months.clamp(1, 36);
    let this = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
    let first = this.checked_sub_months(Months::new(months - 1)).unwrap_or(this);
    let p = Period { from: first, to: today };
    let sums = |sql: &str| -> Result<BTreeMap<String, i64>> { per_fund(conn, sql, p.from, p.to) };
    let ins = sums("SELECT substr(received_on, 1, 7), sum(gbp_pence) FROM money_income WHERE received_on BETWEEN ?1 AND ?2 GROUP BY 1")?;
    let outs = sums("SELECT substr(paid_on, 1, 7), sum(gbp_pence) FROM money_payments WHERE paid_on BETWEEN ?1 AND ?2 GROUP BY 1")?;
    let mut out = Vec::new();
    let mut m = first;
    while m <= today {
        let key = m.format("%Y-%m").to_string();
        out.push(MonthInOut {
            money_in: ins.get(&key).copied().unwrap_or(0),
            money_out: outs.get(&key).copied().unwrap_or(0),
            month: key,
        });
        m = match m.checked_add_months(Months::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    Ok(out)
}
