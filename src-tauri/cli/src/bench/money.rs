//! The money rows of the bench: the CC16 account over a year of 10,000 transactions.

use chrono::{Days, Local};
use haven_core::access::users;
use haven_core::money::{self, Currency, IncomeInput, IncomeKind, Method, PaymentInput, SpendCategory};
use haven_core::{api, Db};
use serde_json::json;

use super::{measure, Bench, Row};

/// Rows of money added for the report.
const TRANSACTIONS: usize = 10_000;

/// `money_report_10k_transactions`: 10,000 donations and payments over the last year, spread
/// over the demo's funds, then the CC16 account of the year through the API (target p50 under
/// 200 ms).
pub(super) fn money(bench: &mut Bench, db: &Db) -> anyhow::Result<()> {
    if !bench.wants("money_report_10k_transactions") {
        return Ok(());
    }
    let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    let today = Local::now().date_naive();
    let nowhere = std::path::Path::new("");
    db.write(|tx| {
        let funds: Vec<String> =
            money::list_funds(tx)?.into_iter().filter(|f| f.active).map(|f| f.id).collect();
        for i in 0..TRANSACTIONS {
            let on = today.checked_sub_days(Days::new((i % 365) as u64)).unwrap_or(today);
            let fund = funds[i % funds.len().max(1)].clone();
            if i % 2 == 0 {
                let input = IncomeInput {
                    kind: IncomeKind::Donation,
                    fund: Some(fund),
                    donor: None,
                    source: String::new(),
                    received_on: Some(on),
                    amount: 500 + (i as i64 % 97) * 100,
                    currency: Currency::Gbp,
                    rate: None,
                    method: Method::Online,
                    gift_aid: false,
                    declared_on: None,
                    site: None,
                    note: String::new(),
                };
                money::record_income(tx, &lead, &input, today)?;
            } else {
                // The general fund pays anything: restricted funds get their own purposes' rows.
                let input = PaymentInput {
                    paid_on: Some(on),
                    payee: "Bench supplier".into(),
                    amount: 300 + (i as i64 % 53) * 100,
                    currency: Currency::Gbp,
                    rate: None,
                    fund: None,
                    category: SpendCategory::ALL[i % SpendCategory::ALL.len()],
                    site: None,
                    receipt_ref: String::new(),
                    receipt_path: None,
                    approved_by: String::new(),
                    note: String::new(),
                };
                money::record_payment(tx, &lead, &input, nowhere, today)?;
            }
        }
        Ok(())
    })?;
    let from = today.checked_sub_days(Days::new(364)).unwrap_or(today);
    let (p50, p95) = measure(20, || {
        api::call(db, &lead, "money_report", json!({"report": "cc16", "from": from, "to": today}))?;
        Ok(())
    })?;
    let note =
        "CC16 account of a year over 10,000 more rows, through the API (target p50 < 200 ms)".to_string();
    bench.push(Row {
        name: "money_report_10k_transactions",
        n: TRANSACTIONS as u64,
        p50_ms: p50,
        p95_ms: p95,
        note,
    })
}
