//! Stock through the API, on a real encrypted database: the ledger never goes negative (every
//! movement kind), receipts and refusals, expired stock, atomic stock-takes, reports, and a
//! property test over random movement sequences.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::Days;
use haven_core::{api, db_path, seed, stock, Db, ErrorKind, Role};
use proptest::prelude::*;
use serde_json::json;
use util::stock::{assert_ledger_matches, balance, receive, shelf};
use util::{call, err, seeded, session, today};

#[test]
fn receipts_and_refusals_name_item_location_and_quantity() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Test shelf");
    receive(&t.db, &s, &loc, "Hygiene kit", None, 5, None);
    assert_eq!(balance(&t.db, &s, &loc, "Hygiene kit", ""), 5);

    // Adjustment out beyond the balance.
    let e = err(
        &t.db,
        &s,
        "adjust_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 6, "reason": "damaged"}),
    );
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(
        e.message.contains("Hygiene kit")
            && e.message.contains("Test shelf")
            && e.message.contains("5 available"),
        "{}",
        e.message
    );
    // Transfer beyond the balance.
    let other = shelf(&t.db, &s, "Other shelf");
    let e = err(
        &t.db,
        &s,
        "transfer_stock",
        json!({"from": loc, "to": other, "item": "Hygiene kit", "quantity": 9}),
    );
    assert!(e.message.contains("5 available"), "{}", e.message);
    // Within the balance: both legs of a transfer, then an adjustment and a find.
    call(
        &t.db,
        &s,
        "transfer_stock",
        json!({"from": loc, "to": other, "item": "Hygiene kit", "quantity": 2}),
    );
    call(
        &t.db,
        &s,
        "adjust_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 3, "reason": "lost"}),
    );
    call(
        &t.db,
        &s,
        "adjust_stock",
        json!({"location": other, "item": "Hygiene kit", "quantity": 1, "reason": "found"}),
    );
    assert_eq!(balance(&t.db, &s, &loc, "Hygiene kit", ""), 0);
    assert_eq!(balance(&t.db, &s, &other, "Hygiene kit", ""), 3);
    // An adjustment needs a reason of its kind; a receipt of an expiry-tracked item needs a date.
    let e = err(
        &t.db,
        &s,
        "adjust_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 1, "reason": "donation"}),
    );
    assert_eq!(e.field.as_deref(), Some("reason"));
    let e = err(
        &t.db,
        &s,
        "receive_stock",
        json!({"location": loc, "item": "Baby milk", "quantity": 1, "source": "donation"}),
    );
    assert_eq!(e.field.as_deref(), Some("expires_on"));
    // The ledger is append-only (tried on the raw connection: `Db::read` refuses any write).
    let e = t.db.conn().unwrap().execute("UPDATE stock_movements SET quantity = 99", []).unwrap_err();
    assert!(e.to_string().contains("never changed"), "{e}");
    let e = t.db.conn().unwrap().execute("DELETE FROM stock_movements", []).unwrap_err();
    assert!(e.to_string().contains("never deleted"), "{e}");
    assert_ledger_matches(&t.db);
}

/// Regression: "next expiry" on the Stock screen showed an expired batch's date, though expired
/// units have their own column.
#[test]
fn next_expiry_skips_expired_batches() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Expiry shelf");
    let later = today() + Days::new(40);
    receive(&t.db, &s, &loc, "Baby milk", None, 4, Some(today() - Days::new(3)));
    receive(&t.db, &s, &loc, "Baby milk", None, 6, Some(later));
    let all = call(&t.db, &s, "stock_balances", json!({}));
    let line = all
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["location_id"] == loc.as_str() && b["item"] == "Baby milk")
        .expect("a balance line for the milk")
        .clone();
    assert_eq!(line["quantity"], 10, "{line}");
    assert_eq!(line["expired"], 4, "{line}");
    assert_eq!(line["next_expiry"], json!(later), "the expired batch is not the next expiry: {line}");
    // Only expired stock left: no next expiry at all.
    let loc2 = shelf(&t.db, &s, "Old shelf");
    receive(&t.db, &s, &loc2, "Baby milk", None, 2, Some(today() - Days::new(1)));
    let all = call(&t.db, &s, "stock_balances", json!({}));
    let line = all.as_array().unwrap().iter().find(|b| b["location_id"] == loc2.as_str()).unwrap().clone();
    assert!(line["next_expiry"].is_null(), "{line}");
}

#[test]
fn stock_take_finalises_all_corrections_or_none() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Count shelf");
    receive(&t.db, &s, &loc, "Hygiene kit", None, 10, None);
    receive(&t.db, &s, &loc, "Baby wipes", None, 4, None);
    let take = call(&t.db, &s, "start_stock_take", json!({"location": loc}));
    let id = take["id"].as_str().unwrap().to_string();
    let lines = take["lines"].as_array().unwrap();
    let line =
        |item: &str| lines.iter().find(|l| l["item"] == item && l["variant"] == "").unwrap()["id"].clone();
    assert_eq!(lines.iter().find(|l| l["item"] == "Hygiene kit").unwrap()["expected"], 10);
    // Items at zero are on the sheet too: 2 phones found.
    let counts = json!([{"line": line("Hygiene kit"), "counted": 7}, {"line": line("Baby wipes"), "counted": 4},
                        {"line": line("Phone"), "counted": 2}]);
    let t2 = call(&t.db, &s, "enter_counts", json!({"id": id, "counts": counts}));
    let diff = t2["lines"].as_array().unwrap().iter().find(|l| l["item"] == "Hygiene kit").unwrap()
        ["difference"]
        .clone();
    assert_eq!(diff, -3);
    // Make the second correction fail: nothing at all may be written.
    let phone = t.db.read(|c| Ok(stock::get_item(c, "Phone")?.id)).unwrap();
    t.db.conn()
        .unwrap()
        .execute_batch(&format!(
            "CREATE TEMP TRIGGER fail_phone BEFORE INSERT ON stock_movements WHEN new.item_id = '{phone}'
             BEGIN SELECT RAISE(ABORT, 'disk unplugged'); END;"
        ))
        .unwrap();
    let e = err(&t.db, &s, "finalise_stock_take", json!({"id": id}));
    assert_eq!(e.kind, ErrorKind::Internal, "{}", e.message);
    assert_eq!(balance(&t.db, &s, &loc, "Hygiene kit", ""), 10, "the first correction was rolled back");
    let status = call(&t.db, &s, "get_stock_take", json!({"id": id}))["status"].clone();
    assert_eq!(status, "open");
    t.db.conn().unwrap().execute_batch("DROP TRIGGER temp.fail_phone").unwrap();
    let done = call(&t.db, &s, "finalise_stock_take", json!({"id": id}));
    assert_eq!(done["status"], "finalised");
    assert_eq!(balance(&t.db, &s, &loc, "Hygiene kit", ""), 7);
    assert_eq!(balance(&t.db, &s, &loc, "Phone", ""), 2);
    assert_eq!(balance(&t.db, &s, &loc, "Baby wipes", ""), 4);
    let e = err(&t.db, &s, "finalise_stock_take", json!({"id": id}));
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert_ledger_matches(&t.db);
}

#[test]
fn reports_and_exports() {
    let t = seeded(30);
    let s = session(&t.db, Role::Coordinator);
    let r = call(&t.db, &s, "stock_reports", json!({}));
    assert!(!r["on_hand"].as_array().unwrap().is_empty());
    assert!(
        r["on_hand"].as_array().unwrap().iter().any(|x| x["value"].as_i64().unwrap() > 0),
        "purchases have a value"
    );
    assert!(r["expiring"].as_array().unwrap().iter().any(|x| x["expired"] == true));
    assert!(!r["weekly"].as_array().unwrap().is_empty(), "the seed has past distributions");
    for (report, format) in [("on_hand", "csv"), ("movements", "xlsx"), ("weekly", "csv")] {
        let path = t.dir.path().join(format!("{report}.{format}"));
        let out = call(&t.db, &s, "export_report", json!({"report": report, "format": format, "path": path}));
        assert!(out["rows"].as_u64().unwrap() > 0, "{report}");
        assert!(std::fs::metadata(&path).unwrap().len() > 100);
    }
    // A reader's words, not stored names: categories as headings, the value's currency named.
    let week = r["weekly"].as_array().unwrap().iter().find(|w| w["items_out"].as_i64().unwrap() > 0).unwrap();
    let by_category = week["by_category"].as_str().unwrap();
    assert!(by_category.contains("Baby ") && !by_category.contains("baby"), "{by_category}");
    let units: i64 =
        week["categories"].as_array().unwrap().iter().map(|c| c["units"].as_i64().unwrap()).sum();
    assert_eq!(units, week["items_out"].as_i64().unwrap(), "the categories add up to the units given out");
    assert!(week["categories"].as_array().unwrap().iter().any(|c| c["category"] == "baby"));
    let on_hand = std::fs::read_to_string(t.dir.path().join("on_hand.csv")).unwrap();
    let head = on_hand.lines().next().unwrap();
    assert!(head.contains("Value (£)"), "{head}");
    assert!(
        on_hand.contains(",Baby,") && !on_hand.contains(",baby,"),
        "categories as headings in the export"
    );
    let chart = call(&t.db, &s, "stock_chart", json!({"weeks": 8}));
    assert_eq!(chart.as_array().unwrap().len(), 8);
    assert!(chart.as_array().unwrap().iter().any(|w| w["given_out"].as_i64().unwrap() > 0));
    assert_ledger_matches(&t.db);
}

#[derive(Debug, Clone)]
enum Op {
    Receive { loc: usize, item: usize, q: i64, batch: usize },
    Adjust { loc: usize, item: usize, q: i64 },
    Transfer { from: usize, item: usize, q: i64 },
    Found { loc: usize, item: usize, q: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..2usize, 0..2usize, 1..20i64, 0..3usize).prop_map(|(loc, item, q, batch)| Op::Receive {
            loc,
            item,
            q,
            batch
        }),
        (0..2usize, 0..2usize, 1..25i64).prop_map(|(loc, item, q)| Op::Adjust { loc, item, q }),
        (0..2usize, 0..2usize, 1..25i64).prop_map(|(from, item, q)| Op::Transfer { from, item, q }),
        (0..2usize, 0..2usize, 1..5i64).prop_map(|(loc, item, q)| Op::Found { loc, item, q }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Any sequence of movements: the balance table equals the sum of the ledger, no balance is
    /// ever negative, and a refused movement is exactly one that asked for more than there was.
    #[test]
    fn balances_equal_the_ledger_and_never_go_negative(ops in proptest::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::create(&db_path(dir.path()), seed::DEMO_PASSPHRASE).unwrap();
        seed::seed_demo(&db, 0, 1).unwrap();
        let s = session(&db, Role::Lead);
        let locs = [shelf(&db, &s, "P one"), shelf(&db, &s, "P two")];
        let items = [("Baby milk", true), ("Hygiene kit", false)];
        let mut model = [[0i64; 2]; 2];
        for op in ops {
            match op {
                Op::Receive { loc, item, q, batch } => {
                    let exp = items[item].1.then(|| today() + Days::new(30 * (batch as u64 + 1)));
                    receive(&db, &s, &locs[loc], items[item].0, None, q, exp);
                    model[loc][item] += q;
                }
                Op::Adjust { loc, item, q } => {
                    let r = api::call(&db, &s, "adjust_stock", json!({"location": locs[loc], "item": items[item].0, "quantity": q, "reason": "damaged"}));
                    prop_assert_eq!(r.is_ok(), model[loc][item] >= q);
                    if r.is_ok() { model[loc][item] -= q; }
                }
                Op::Transfer { from, item, q } => {
                    let to = 1 - from;
                    let r = api::call(&db, &s, "transfer_stock", json!({"from": locs[from], "to": locs[to], "item": items[item].0, "quantity": q}));
                    prop_assert_eq!(r.is_ok(), model[from][item] >= q);
                    if r.is_ok() { model[from][item] -= q; model[to][item] += q; }
                }
                Op::Found { loc, item, q } => {
                    // Found stock of an expiry-tracked item goes to the no-batch line.
                    api::call(&db, &s, "adjust_stock", json!({"location": locs[loc], "item": items[item].0, "quantity": q, "reason": "found"})).unwrap();
                    model[loc][item] += q;
                }
            }
            let (sums, rows) = db.read(|c| Ok((stock::ledger_sums(c)?, stock::balance_rows(c)?))).unwrap();
            prop_assert_eq!(&sums, &rows);
            prop_assert!(rows.iter().all(|r| r.4 >= 0));
        }
        for (l, loc) in locs.iter().enumerate() {
            for (i, item) in items.iter().enumerate() {
                prop_assert_eq!(balance(&db, &s, loc, item.0, ""), model[l][i]);
            }
        }
    }
}

#[test]
fn report_csv_exports_write_formulas_as_text_and_keep_negative_numbers() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "=1+1 shelf");
    call(
        &t.db,
        &s,
        "receive_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 5, "source": "donation",
               "party": "=cmd|' /C calc'!A0", "batch": "@SUM(1)", "note": "-2+3"}),
    );
    call(
        &t.db,
        &s,
        "adjust_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 2, "reason": "lost"}),
    );
    for report in ["on_hand", "movements"] {
        let path = t.dir.path().join(format!("{report}.csv"));
        call(&t.db, &s, "export_report", json!({"report": report, "format": "csv", "path": path}));
        let bytes = std::fs::read(&path).unwrap();
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(&bytes[3..]);
        let cells: Vec<String> =
            r.records().flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>()).collect();
        assert!(cells.contains(&"'=1+1 shelf".to_string()), "{report}: {cells:?}");
        for cell in &cells {
            let number = cell.strip_prefix('-').is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
            assert!(
                number || !cell.starts_with(['=', '+', '-', '@']),
                "{report}: a cell a spreadsheet would run: {cell}"
            );
        }
        if report == "movements" {
            for hostile in ["'=cmd|' /C calc'!A0", "'-2+3"] {
                assert!(cells.contains(&hostile.to_string()), "{report}: {hostile} in {cells:?}");
            }
            assert!(cells.contains(&"-2".to_string()), "the adjustment out stays a number: {cells:?}");
        }
    }
}

#[test]
fn quantities_are_bounded_and_no_report_overflows() {
    let t = seeded(10);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Big shelf");
    let huge = i64::MAX;
    for (function, body) in [
        (
            "receive_stock",
            json!({"location": loc, "item": "Hygiene kit", "quantity": huge, "source": "donation"}),
        ),
        (
            "adjust_stock",
            json!({"location": loc, "item": "Hygiene kit", "quantity": huge, "reason": "found"}),
        ),
        ("adjust_stock", json!({"location": loc, "item": "Hygiene kit", "quantity": huge, "reason": "lost"})),
        ("transfer_stock", json!({"from": loc, "to": loc, "item": "Hygiene kit", "quantity": huge})),
        ("set_threshold", json!({"site": "CAL", "item": "Hygiene kit", "threshold": huge})),
        (
            "receive_stock",
            json!({"location": loc, "item": "Hygiene kit", "quantity": 1, "source": "purchase", "unit_cost": huge}),
        ),
    ] {
        let e = err(&t.db, &s, function, body);
        assert_eq!(e.kind, ErrorKind::Validation, "{function}: {}", e.message);
        assert!(e.field.is_some(), "{function}: the refusal names the field");
    }
    // The largest receipt is taken; a shelf cannot be filled beyond the bound, one receipt at a time.
    let most = haven_core::fields::MAX_QUANTITY;
    receive(&t.db, &s, &loc, "Hygiene kit", None, most, None);
    let per_shelf = haven_core::fields::MAX_STOCK / most;
    // A thousand receipts' worth, written straight into the balance (the ledger is append-only).
    t.db.write(|c| {
        c.execute(
            "UPDATE stock_balances SET quantity = quantity * ?1 WHERE location_id = ?2",
            (per_shelf, &loc),
        )?;
        Ok(())
    })
    .unwrap();
    let e = err(
        &t.db,
        &s,
        "receive_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 1, "source": "donation"}),
    );
    assert_eq!(e.kind, ErrorKind::Validation, "{}", e.message);
    assert!(e.message.contains("Big shelf"), "{}", e.message);
    // Every report still answers, for every site and each one.
    for site in [json!({}), json!({"site": "CAL"})] {
        call(&t.db, &s, "stock_overview", site.clone());
        call(&t.db, &s, "stock_balances", site.clone());
        call(&t.db, &s, "stock_reports", site.clone());
    }
    call(&t.db, &s, "stock_chart", json!({"weeks": 8}));
    let path = t.dir.path().join("on_hand.csv");
    call(&t.db, &s, "export_report", json!({"report": "on_hand", "format": "csv", "path": path}));
}

#[test]
fn expired_baby_milk_is_received_with_a_warning() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Milk shelf");
    let yesterday = today().checked_sub_days(Days::new(1)).unwrap();
    let body = |exp: chrono::NaiveDate| json!({"location": loc, "item": "Baby milk", "quantity": 6, "source": "donation", "expires_on": exp});
    let out = call(&t.db, &s, "receive_stock", body(yesterday));
    let warnings = out["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{out}");
    assert_eq!(warnings[0]["kind"], "expired_on_receipt");
    assert_eq!(warnings[0]["params"]["item"], "Baby milk");
    assert_eq!(warnings[0]["params"]["expires_on"], json!(yesterday));
    assert_eq!(balance(&t.db, &s, &loc, "Baby milk", ""), 6, "recorded all the same");
    let out = call(&t.db, &s, "receive_stock", body(today() + Days::new(90)));
    assert_eq!(out["warnings"], json!([]));
}
