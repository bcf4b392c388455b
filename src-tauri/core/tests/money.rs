//! The centre's money through the API: the restricted-fund rule, euros at the recorded rate,
//! mileage at HMRC's rates across the 10,000-mile band, claims approved by another lead, a stock
//! purchase and its payment written together, roles, fund balances against a model for any
//! sequence (proptest), and the audit of every change (the reports: `money_reports.rs`).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Datelike, NaiveDate};
use haven_core::access::users;
use haven_core::money::{mileage_pence, tax_year_of};
use haven_core::{Db, ErrorKind, Role, Session};
use proptest::prelude::*;
use serde_json::{json, Value};
use util::strict::{err, ok};
use util::{seeded, session, today};

fn second_lead(db: &Db) -> Session {
    db.read(|c| users::sign_in(c, "amira")).expect("the demo's second lead")
}

fn fund(db: &Db, lead: &Session, name: &str, restricted: bool, categories: &[&str]) -> String {
    ok(
        db,
        lead,
        "save_fund",
        json!({"name": name, "restricted": restricted, "purpose": format!("{name} appeal"), "categories": categories}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn balance(db: &Db, s: &Session, fund: &str) -> i64 {
    let o = ok(db, s, "money_overview", json!({}));
    o["funds"].as_array().unwrap().iter().find(|f| f["id"] == fund).expect("the fund")["balance"]
        .as_i64()
        .unwrap()
}

fn count(db: &Db, table: &str) -> i64 {
    db.read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)).unwrap()
}

fn field(e: &haven_core::Error) -> Option<String> {
    e.to_payload().field
}

#[test]
fn a_restricted_fund_refuses_spending_on_other_purposes_naming_the_fund() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let coord = session(&t.db, Role::Coordinator);
    let milk = fund(&t.db, &lead, "Test milk appeal", true, &["baby", "food"]);
    ok(&t.db, &coord, "record_income", json!({"fund": milk, "amount": 50_000, "method": "online"}));
    let payments = count(&t.db, "money_payments");
    let audit = count(&t.db, "audit_log");
    let e = err(
        &t.db,
        &coord,
        "record_payment",
        json!({"payee": "Taxi", "amount": 2_000, "fund": milk, "category": "travel"}),
    );
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert_eq!(field(&e).as_deref(), Some("fund"));
    assert!(e.to_string().contains("Test milk appeal"), "the refusal names the fund: {e}");
    assert_eq!(
        (count(&t.db, "money_payments"), count(&t.db, "audit_log")),
        (payments, audit),
        "nothing written"
    );
    assert_eq!(balance(&t.db, &coord, &milk), 50_000);
    // What the fund is for is paid, and the balance falls by it; the general fund pays anything.
    ok(
        &t.db,
        &coord,
        "record_payment",
        json!({"payee": "Pharmacie", "amount": 12_000, "fund": "Test milk appeal", "category": "baby"}),
    );
    assert_eq!(balance(&t.db, &coord, &milk), 38_000);
    ok(&t.db, &coord, "record_payment", json!({"payee": "Taxi", "amount": 2_000, "category": "travel"}));
    // Bad input: a typed error on its field, nothing changed.
    for (input, f) in [
        (json!({"payee": "X", "amount": -5, "category": "baby"}), "amount"),
        (json!({"payee": "X", "amount": 5, "category": "baby", "fund": "No such fund"}), "fund"),
        (json!({"payee": "X", "amount": 5, "category": "baby", "currency": "EUR"}), "rate"),
    ] {
        let before = count(&t.db, "money_payments");
        let e = err(&t.db, &coord, "record_payment", input);
        assert_eq!(field(&e).as_deref(), Some(f), "{e}");
        assert_eq!(count(&t.db, "money_payments"), before);
    }
}

#[test]
fn euro_amounts_are_converted_with_the_rate_recorded() {
    let t = seeded(5);
    let coord = session(&t.db, Role::Coordinator);
    let before = balance(&t.db, &coord, "general");
    ok(
        &t.db,
        &coord,
        "record_income",
        json!({"amount": 20_000, "currency": "EUR", "rate": "0.8561", "method": "cash"}),
    );
    assert_eq!(balance(&t.db, &coord, "general") - before, 17_122, "200 euros at 0.8561");
    let o = ok(&t.db, &coord, "money_overview", json!({}));
    let row = &o["income"][0];
    assert_eq!(
        (row["amount"].as_i64(), row["currency"].as_str(), row["rate"].as_str()),
        (Some(20_000), Some("EUR"), Some("0.8561"))
    );
    assert_eq!(row["gbp_pence"], 17_122);
    ok(
        &t.db,
        &coord,
        "record_payment",
        json!({"payee": "Carrefour", "amount": 1_000, "currency": "EUR", "rate": "0.85", "category": "food"}),
    );
    assert_eq!(balance(&t.db, &coord, "general") - before, 17_122 - 850);
    let e = err(&t.db, &coord, "record_income", json!({"amount": 1_000, "currency": "EUR"}));
    assert_eq!(field(&e).as_deref(), Some("rate"), "{e}");
}

#[test]
fn mileage_is_paid_at_45p_then_25p_across_the_10000_mile_band_in_one_claim() {
    assert_eq!(mileage_pence(0, 100), 4_500);
    assert_eq!(mileage_pence(9_900, 200), 100 * 45 + 100 * 25);
    assert_eq!(mileage_pence(12_000, 10), 250);
    assert_eq!(tax_year_of(NaiveDate::from_ymd_opt(2026, 4, 5).unwrap()), 2025);
    assert_eq!(tax_year_of(NaiveDate::from_ymd_opt(2026, 4, 6).unwrap()), 2026);

    let t = seeded(5);
    let coord = session(&t.db, Role::Coordinator);
    let lead = session(&t.db, Role::Lead);
    let year = tax_year_of(today()) - 1;
    let first_day = NaiveDate::from_ymd_opt(year, 4, 6).unwrap();
    let last_day = NaiveDate::from_ymd_opt(year + 1, 4, 5).unwrap();
    let claim = |s: &Session, on: NaiveDate, miles: i64| {
        ok(
            &t.db,
            s,
            "submit_claim",
            json!({"claimed_on": on, "from": "Calais", "to": "Birmingham", "purpose": "Office", "miles": miles}),
        )
    };
    assert_eq!(claim(&coord, first_day, 5_000)["mileage_pence"], 5_000 * 45);
    assert_eq!(claim(&coord, first_day, 4_900)["mileage_pence"], 4_900 * 45);
    let crossing = claim(&coord, last_day, 200);
    assert_eq!(crossing["mileage_pence"], 100 * 45 + 100 * 25, "the band is crossed inside one claim");
    assert_eq!(crossing["total_pence"], 7_000);
    // Per claimant: another person's first miles of that year are at 45p.
    assert_eq!(claim(&lead, last_day, 10)["mileage_pence"], 450);
    // A new tax year starts again at 45p.
    let next = NaiveDate::from_ymd_opt(year + 1, 4, 6).unwrap();
    assert_eq!(claim(&coord, next, 10)["mileage_pence"], 450);
    // Costs add to the mileage, euros at their rate.
    let c = ok(
        &t.db,
        &coord,
        "submit_claim",
        json!({"claimed_on": next, "from": "Dunkirk", "to": "Dover", "purpose": "Ferry",
        "items": [{"kind": "ferry", "amount": 10_000, "currency": "EUR", "rate": "0.85", "receipt_ref": "DFDS-1"}]}),
    );
    assert_eq!(c["total_pence"], 8_500);
    let e = err(
        &t.db,
        &coord,
        "submit_claim",
        json!({"from": "A", "to": "B", "purpose": "C", "items": [{"kind": "train", "amount": 100, "currency": "EUR"}]}),
    );
    assert_eq!(field(&e).as_deref(), Some("items[0].rate"));
}

#[test]
fn a_claim_is_approved_by_another_lead_and_paid_as_a_travel_payment() {
    let t = seeded(5);
    let sarah = session(&t.db, Role::Lead);
    let amira = second_lead(&t.db);
    let coord = session(&t.db, Role::Coordinator);
    let claim = ok(
        &t.db,
        &sarah,
        "submit_claim",
        json!({"from": "Calais", "to": "Birmingham", "purpose": "Monthly trip", "miles": 300,
        "items": [{"kind": "tunnel", "amount": 9_000, "receipt_ref": "LS-42"}]}),
    );
    let id = claim["id"].as_str().unwrap();
    let audit = count(&t.db, "audit_log");
    let e = err(&t.db, &sarah, "approve_claim", json!({"id": id}));
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("other than"), "{e}");
    assert_eq!(count(&t.db, "audit_log"), audit, "a refused approval changes nothing");
    assert_eq!(err(&t.db, &coord, "approve_claim", json!({"id": id})).kind(), ErrorKind::Forbidden);
    let e = err(&t.db, &amira, "pay_claim", json!({"id": id}));
    assert!(e.to_string().contains("Approve"), "{e}");
    let approved = ok(&t.db, &amira, "approve_claim", json!({"id": id}));
    assert_eq!(
        (approved["status"].as_str(), approved["approved_by"].as_str()),
        (Some("approved"), Some("Amira Haddad"))
    );
    // A restricted fund for other purposes cannot pay it.
    fund(&t.db, &sarah, "Milk appeal", true, &["baby"]);
    let e = err(&t.db, &amira, "pay_claim", json!({"id": id, "fund": "Milk appeal"}));
    assert!(e.to_string().contains("Milk appeal"), "{e}");
    let travel = fund(&t.db, &sarah, "Test travel", true, &["travel"]);
    ok(&t.db, &sarah, "record_income", json!({"fund": travel, "amount": 100_000}));
    let paid = ok(&t.db, &amira, "pay_claim", json!({"id": id, "fund": travel}));
    assert_eq!(paid["status"], "paid");
    assert_eq!(balance(&t.db, &sarah, &travel), 100_000 - (300 * 45 + 9_000));
    let payment: (String, String, i64) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT category, payee, gbp_pence FROM money_payments WHERE claim_id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!(payment, ("travel".into(), "Sarah Okafor".into(), 22_500));
    assert!(err(&t.db, &amira, "pay_claim", json!({"id": id})).to_string().contains("already paid"));
    // A coordinator sees only their own claims; a lead sees all.
    ok(
        &t.db,
        &coord,
        "submit_claim",
        json!({"from": "Dunkirk", "to": "Calais", "purpose": "Stock run", "miles": 25}),
    );
    let claimants = |s: &Session| -> Vec<String> {
        let o = ok(&t.db, s, "money_overview", json!({"from": today(), "to": today()}));
        let mut names: Vec<String> = o["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["claimant"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(claimants(&coord), ["Hélène Martin"]);
    assert_eq!(claimants(&sarah), ["Hélène Martin", "Sarah Okafor"]);
}

#[test]
fn roles_front_desk_sees_nothing_coordinators_record_leads_decide() {
    let t = seeded(5);
    let desk = session(&t.db, Role::FrontDesk);
    let coord = session(&t.db, Role::Coordinator);
    for name in ["money_overview", "record_income", "record_payment", "submit_claim"] {
        assert_eq!(err(&t.db, &desk, name, json!({})).kind(), ErrorKind::Forbidden, "{name}");
    }
    for name in
        ["save_fund", "transfer_funds", "approve_claim", "pay_claim", "money_report", "export_money_report"]
    {
        assert_eq!(err(&t.db, &coord, name, json!({})).kind(), ErrorKind::Forbidden, "{name}");
    }
}

#[test]
fn a_stock_purchase_and_its_payment_are_written_together_or_not_at_all() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let coord = session(&t.db, Role::Coordinator);
    let milk = fund(&t.db, &lead, "Milk fund", true, &["baby"]);
    ok(&t.db, &coord, "record_income", json!({"fund": milk, "amount": 100_000}));
    let loc = util::stock::shelf(&t.db, &coord, "Money test shelf");
    let exp = today().with_year(today().year() + 1).unwrap();
    let buy = |fund: Option<&str>, category: Option<&str>, item: &str| {
        let mut body = json!({"location": loc, "item": item, "quantity": 10, "source": "purchase",
                               "party": "Cash & Carry", "unit_cost": 850, "expires_on": exp});
        if let Some(f) = fund {
            body["fund"] = json!(f);
        }
        if let Some(c) = category {
            body["category"] = json!(c);
        }
        body
    };
    // Into the milk fund: the receipt and its payment land, the fund falls.
    let r = ok(&t.db, &coord, "receive_stock", buy(Some(&milk), None, "Baby milk"));
    let movement = r["id"].as_str().unwrap();
    let (fund_id, pence, category): (String, i64, String) =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT fund_id, gbp_pence, category FROM money_payments WHERE stock_movement_id = ?1",
                [movement],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .unwrap();
    assert_eq!((fund_id.as_str(), pence, category.as_str()), (milk.as_str(), 8_500, "baby"));
    assert_eq!(balance(&t.db, &coord, &milk), 100_000 - 8_500);
    assert_eq!(util::stock::balance(&t.db, &coord, &loc, "Baby milk", ""), 10);
    // Hygiene from the milk fund: refused, and the stock is not received either.
    let movements = count(&t.db, "stock_movements");
    let payments = count(&t.db, "money_payments");
    let e = err(&t.db, &coord, "receive_stock", buy(Some(&milk), None, "Sanitary pads"));
    assert_eq!(field(&e).as_deref(), Some("fund"));
    assert!(e.to_string().contains("Milk fund"), "{e}");
    let e = err(&t.db, &coord, "receive_stock", buy(Some(&milk), Some("hygiene"), "Baby milk"));
    assert!(e.to_string().contains("Milk fund"), "{e}");
    assert_eq!((count(&t.db, "stock_movements"), count(&t.db, "money_payments")), (movements, payments));
    assert_eq!(util::stock::balance(&t.db, &coord, &loc, "Sanitary pads", ""), 0);
    // No fund named: the general fund pays, in the item's category; old callers are unchanged.
    let general = balance(&t.db, &coord, "general");
    ok(&t.db, &coord, "receive_stock", buy(None, None, "Sanitary pads"));
    assert_eq!(balance(&t.db, &coord, "general"), general - 8_500);
    // A donation in kind is paid from no fund.
    let e = err(
        &t.db,
        &coord,
        "receive_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 1, "source": "donation", "fund": milk}),
    );
    assert_eq!(field(&e).as_deref(), Some("fund"));
    util::stock::assert_ledger_matches(&t.db);
}

#[test]
fn transfers_need_a_lead_and_a_reason_and_move_the_balances() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let travel = fund(&t.db, &lead, "Travel", true, &["travel"]);
    let before = balance(&t.db, &lead, "general");
    let e = err(
        &t.db,
        &lead,
        "transfer_funds",
        json!({"from": "general", "to": travel, "amount": 500, "reason": " "}),
    );
    assert_eq!(field(&e).as_deref(), Some("reason"));
    ok(
        &t.db,
        &lead,
        "transfer_funds",
        json!({"from": "General fund", "to": travel, "amount": 500, "reason": "Top up for the ferry"}),
    );
    assert_eq!(balance(&t.db, &lead, &travel), 500);
    assert_eq!(balance(&t.db, &lead, "general"), before - 500);
    let e = err(
        &t.db,
        &lead,
        "transfer_funds",
        json!({"from": travel, "to": travel, "amount": 1, "reason": "x"}),
    );
    assert_eq!(field(&e).as_deref(), Some("to"));
}

#[test]
fn gift_aid_needs_a_donor_with_house_and_postcode_and_lands_on_the_schedule() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let coord = session(&t.db, Role::Coordinator);
    let bare =
        ok(&t.db, &coord, "save_donor", json!({"name": "Jo Bloggs"}))["id"].as_str().unwrap().to_string();
    let e = err(
        &t.db,
        &coord,
        "record_income",
        json!({"donor": bare, "amount": 1_000, "gift_aid": true, "declared_on": today()}),
    );
    assert_eq!(field(&e).as_deref(), Some("gift_aid"));
    let donor = ok(
        &t.db,
        &coord,
        "save_donor",
        json!({"name": "Ann Giver", "house": "12", "postcode": "b1 1aa", "thank": true}),
    );
    assert_eq!(donor["postcode"], "B1 1AA");
    ok(
        &t.db,
        &coord,
        "record_income",
        json!({"donor": donor["id"], "amount": 2_500, "gift_aid": true, "declared_on": today()}),
    );
    let r = ok(&t.db, &lead, "money_report", json!({"report": "gift_aid"}));
    let rows: Vec<&Value> = r["rows"].as_array().unwrap().iter().filter(|r| r[0] == "Ann Giver").collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0][2].as_str(), rows[0][4].as_str()), (Some("B1 1AA"), Some("25.00")));
}

/// One step of a random sequence of money moves.
#[derive(Debug, Clone)]
enum Step {
    In(usize, i64),
    Out(usize, i64),
    Move(usize, usize, i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize, 1..50_000i64).prop_map(|(f, a)| Step::In(f, a)),
        (0..3usize, 1..50_000i64).prop_map(|(f, a)| Step::Out(f, a)),
        (0..3usize, 0..3usize, 1..50_000i64).prop_map(|(a, b, x)| Step::Move(a, b, x)),
    ]
}

#[test]
fn fund_balances_equal_money_in_minus_money_out_plus_transfers_for_any_sequence() {
    let t = seeded(0);
    let lead = session(&t.db, Role::Lead);
    let case = std::cell::Cell::new(0);
    let mut runner =
        proptest::test_runner::TestRunner::new(ProptestConfig { cases: 24, ..ProptestConfig::default() });
    runner
        .run(&proptest::collection::vec(step(), 1..20), |steps| {
            case.set(case.get() + 1);
            let case = case.get();
            // Fresh funds per case; the general fund is shared, so it is compared as a change.
            let funds = [
                "general".to_string(),
                fund(&t.db, &lead, &format!("Case {case} milk"), true, &["baby"]),
                fund(&t.db, &lead, &format!("Case {case} open"), false, &[]),
            ];
            let start = balance(&t.db, &lead, "general");
            let mut model = [start, 0, 0];
            for s in &steps {
                match *s {
                    Step::In(f, a) => {
                        ok(&t.db, &lead, "record_income", json!({"fund": funds[f], "amount": a}));
                        model[f] += a;
                    }
                    Step::Out(f, a) => {
                        ok(
                            &t.db,
                            &lead,
                            "record_payment",
                            json!({"fund": funds[f], "amount": a, "payee": "P", "category": "baby"}),
                        );
                        model[f] -= a;
                    }
                    Step::Move(a, b, x) if a != b => {
                        ok(
                            &t.db,
                            &lead,
                            "transfer_funds",
                            json!({"from": funds[a], "to": funds[b], "amount": x, "reason": "test"}),
                        );
                        model[a] -= x;
                        model[b] += x;
                    }
                    Step::Move(..) => {}
                }
            }
            for (f, want) in funds.iter().zip(model) {
                prop_assert_eq!(balance(&t.db, &lead, f), want, "fund {}", f);
            }
            // The CC16 account's closing balances agree with the balances.
            let cc =
                ok(&t.db, &lead, "money_report", json!({"report": "cc16", "from": today(), "to": today()}));
            for (f, want) in funds.iter().zip(model) {
                let col = cc["data"]["funds"].as_array().unwrap().iter().find(|c| c["id"] == *f).unwrap();
                prop_assert_eq!(col["closing"].as_i64(), Some(want));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_money_change_is_audited_and_the_log_names_what_it_is_about() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let amira = second_lead(&t.db);
    let id = fund(&t.db, &lead, "Winter coats", true, &["clothing"]);
    let claim = ok(
        &t.db,
        &lead,
        "submit_claim",
        json!({"from": "Calais", "to": "Dunkirk", "purpose": "Stock", "miles": 30}),
    );
    ok(&t.db, &amira, "approve_claim", json!({"id": claim["id"]}));
    let log = ok(&t.db, &lead, "list_audit_log", json!({}));
    let entries = log["entries"].as_array().or_else(|| log.as_array()).unwrap().clone();
    let about = |entity: &str, action: &str| {
        entries
            .iter()
            .find(|e| e["entity"] == entity && e["action"] == action)
            .map(|e| e["subject"].as_str().unwrap_or_default().to_string())
    };
    assert_eq!(about("money_fund", "create").as_deref(), Some("Winter coats"), "{id}");
    assert!(about("money_claim", "approve").unwrap_or_default().starts_with("Sarah Okafor"));
    assert!(about("money_claim", "submit").is_some());
}

#[test]
fn a_scanned_receipt_is_kept_beside_the_database_and_a_grant_names_its_funder() {
    let t = seeded(5);
    let coord = session(&t.db, Role::Coordinator);
    let scan = t.dir.path().join("till-receipt.png");
    std::fs::write(&scan, b"\x89PNG\r\n\x1a\n scanned").unwrap();
    let id = ok(
        &t.db,
        &coord,
        "record_payment",
        json!({"payee": "Lidl", "amount": 1_250, "category": "food", "receipt_path": scan.display().to_string()}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let kept = t.dir.path().join("receipts").join(format!("{id}.png"));
    assert_eq!(std::fs::read(&kept).unwrap(), std::fs::read(&scan).unwrap(), "a copy named by the payment");
    let exe = t.dir.path().join("receipt.exe");
    std::fs::write(&exe, b"MZ").unwrap();
    let before = count(&t.db, "money_payments");
    let e = err(
        &t.db,
        &coord,
        "record_payment",
        json!({"payee": "X", "amount": 5, "category": "food", "receipt_path": exe.display().to_string()}),
    );
    assert_eq!(field(&e).as_deref(), Some("receipt_path"));
    assert_eq!(count(&t.db, "money_payments"), before);
    // A payment refused by its fund keeps no copy of its receipt.
    let lead = session(&t.db, Role::Lead);
    fund(&t.db, &lead, "Coats only", true, &["clothing"]);
    let files = || std::fs::read_dir(t.dir.path().join("receipts")).unwrap().count();
    let n = files();
    err(
        &t.db,
        &coord,
        "record_payment",
        json!({"payee": "X", "amount": 5, "category": "food", "fund": "Coats only", "receipt_path": scan.display().to_string()}),
    );
    assert_eq!(files(), n);
    let e = err(&t.db, &coord, "record_income", json!({"kind": "grant", "amount": 100_000}));
    assert_eq!(field(&e).as_deref(), Some("source"));
    ok(
        &t.db,
        &coord,
        "record_income",
        json!({"kind": "grant", "amount": 100_000, "source": "Lottery Community Fund"}),
    );
}
