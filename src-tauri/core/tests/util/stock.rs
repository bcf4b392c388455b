//! Helpers of the stock and distribution tests: shelves, receipts, balances and the ledger check.

use chrono::NaiveDate;
use haven_core::{stock, Db, Session};
use serde_json::json;

use super::call;

/// A fresh location at Calais (no stock), and the location's id.
pub fn shelf(db: &Db, s: &Session, name: &str) -> String {
    call(db, s, "save_location", json!({"site": "CAL", "name": name}))["id"].as_str().unwrap().to_string()
}

pub fn receive(
    db: &Db,
    s: &Session,
    loc: &str,
    item: &str,
    variant: Option<&str>,
    q: i64,
    exp: Option<NaiveDate>,
) {
    let mut body =
        json!({"location": loc, "item": item, "quantity": q, "source": "donation", "party": "Test donor"});
    if let Some(v) = variant {
        body["variant"] = json!(v);
    }
    if let Some(e) = exp {
        body["expires_on"] = json!(e);
    }
    call(db, s, "receive_stock", body);
}

/// Units of `item` (size `variant`) at `loc`, from the balances API.
pub fn balance(db: &Db, s: &Session, loc: &str, item: &str, variant: &str) -> i64 {
    let all = call(db, s, "stock_balances", json!({}));
    all.as_array()
        .unwrap()
        .iter()
        .filter(|b| b["location_id"] == loc && b["item"] == item && b["variant"] == variant)
        .map(|b| b["quantity"].as_i64().unwrap())
        .sum()
}

pub fn assert_ledger_matches(db: &Db) {
    db.read(|c| {
        let sums = stock::ledger_sums(c)?;
        let rows = stock::balance_rows(c)?;
        assert_eq!(sums, rows, "the balance table must equal the sum of the ledger");
        assert!(rows.iter().all(|r| r.4 >= 0), "no balance may be negative");
        Ok(())
    })
    .unwrap();
}
