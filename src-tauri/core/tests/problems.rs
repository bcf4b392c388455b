//! Every problem at once: each of the five forms people fill in at the desk and in the office
//! (a person, a stock receipt, a shift, a volunteer, a criminal-record check), sent with three
//! mistakes, is refused with the three problems together (field, code, English text), and
//! nothing is written.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::{Db, ErrorKind, Role, Session};
use serde_json::{json, Value};
use util::stock::shelf;
use util::strict::err;
use util::volunteers::{approved_volunteer, day};
use util::{seeded, session};

fn rows(db: &Db, table: &str) -> i64 {
    db.read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))?))
        .unwrap()
}

/// Sends `input` to `function`, which must refuse it with exactly these problems (field and
/// code, in the order of the form), and checks that `table` did not change.
fn refused_at_once(db: &Db, s: &Session, function: &str, input: Value, table: &str, want: &[(&str, &str)]) {
    let before = rows(db, table);
    let e = err(db, s, function, input);
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    let p = e.to_payload();
    let got: Vec<(String, String)> =
        p.problems.iter().map(|p| (p.field.clone(), p.code.as_str().to_string())).collect();
    let want: Vec<(String, String)> = want.iter().map(|(f, c)| (f.to_string(), c.to_string())).collect();
    assert_eq!(got, want, "{function}: every problem at once");
    assert!(p.problems.iter().all(|p| !p.message.is_empty() && !p.message.contains('{')), "{:?}", p.problems);
    assert_eq!(p.field.as_deref(), Some(want[0].0.as_str()), "the first problem is the error's own field");
    assert_eq!(p.code.as_str(), want[0].1, "the first problem is the error's own code");
    assert_eq!(rows(db, table), before, "{function} wrote nothing into {table}");
}

#[test]
fn a_person_with_three_mistakes_gets_three_problems_and_is_not_registered() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    refused_at_once(
        &t.db,
        &s,
        "create_person",
        json!({"given_name": "", "family_name": "Haddad", "sex": "female", "date_of_birth": day(30),
               "phone": "call me", "site": "CAL"}),
        "people",
        &[
            ("given_name", "person.given_name.missing"),
            ("date_of_birth", "person.date_of_birth.in_future"),
            ("phone", "phone.invalid"),
        ],
    );
}

#[test]
fn a_stock_receipt_with_three_mistakes_gets_three_problems_and_moves_nothing() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Test shelf");
    refused_at_once(
        &t.db,
        &s,
        "receive_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 0, "source": "purchase",
               "unit_cost": -5, "note": "x".repeat(501)}),
        "stock_movements",
        &[
            ("quantity", "quantity.not_positive"),
            ("note", "text.too_long"),
            ("unit_cost", "stock.receipt.unit_cost.negative"),
        ],
    );
}

#[test]
fn a_shift_with_three_mistakes_gets_three_problems_and_is_not_added() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    refused_at_once(
        &t.db,
        &s,
        "create_shift",
        json!({"site": "CAL", "on_date": day(3), "starts_at": "14:00", "ends_at": "12:00", "role": " ",
               "needed": 0}),
        "shifts",
        &[
            ("ends_at", "rota.ends_at.before_start"),
            ("role", "rota.role.missing"),
            ("needed", "rota.needed.out_of_range"),
        ],
    );
}

#[test]
fn a_volunteer_with_three_mistakes_gets_three_problems_and_is_not_added() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    refused_at_once(
        &t.db,
        &s,
        "save_volunteer",
        json!({"given_name": "", "family_name": "Martin", "email": "lea.martin@", "site": "CAL",
               "arrival_on": day(10), "departure_on": day(2)}),
        "volunteers",
        &[
            ("given_name", "volunteer.given_name.missing"),
            ("email", "email.invalid"),
            ("departure_on", "volunteer.departure_on.before_arrival"),
        ],
    );
}

#[test]
fn a_check_with_three_mistakes_gets_three_problems_and_is_not_recorded() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Iona");
    // Any issuer's form (add_check) and the DBS form (add_dbs_check) alike.
    refused_at_once(
        &t.db,
        &s,
        "add_check",
        json!({"volunteer": v, "issuer": "dbs", "level": "enhanced_barred", "workforce": "child",
               "certificate_number": "12", "issued_on": day(-10), "renewal_on": day(300),
               "printed_birth_date": day(-5)}),
        "dbs_checks",
        &[
            ("certificate_number", "check.certificate_number.digits"),
            ("renewal_on", "check.renewal_on.not_pvg"),
            ("printed_birth_date", "check.printed_birth_date.after_issue"),
        ],
    );
    refused_at_once(
        &t.db,
        &s,
        "add_dbs_check",
        json!({"volunteer": v, "level": "basic", "workforce": "adult", "barred_children": true,
               "certificate_number": "0012", "issued_on": day(-10), "update_checked_on": day(-1)}),
        "dbs_checks",
        &[
            ("certificate_number", "dbs.certificate_number.digits"),
            ("update_service_id", "check.update_service_id.missing"),
            ("barred_children", "dbs.barred.not_enhanced"),
        ],
    );
}

/// The window found a problem itself (a date of birth that does not exist, 31/02): it sends
/// the rest of the form with `check_only`, and the core answers with every other problem, or
/// `{"checked": true}`, writing nothing either way (no person, no audit entry, no change for
/// the other computers); a function that is not such a form refuses to only check.
#[test]
fn a_form_checked_only_gives_its_problems_and_writes_nothing() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    let tables = ["people", "audit_log", "exchange_outbox"];
    let before: Vec<i64> = tables.iter().map(|t2| rows(&t.db, t2)).collect();
    let e = err(
        &t.db,
        &s,
        "create_person",
        json!({"check_only": true, "given_name": "", "family_name": "Haddad", "date_of_birth": null,
               "phone": "call me", "site": "CAL", "confirm_not_duplicate": true}),
    );
    let codes: Vec<(String, &str)> =
        e.to_payload().problems.iter().map(|p| (p.field.clone(), p.code.as_str())).collect();
    assert_eq!(
        codes,
        [("given_name".to_string(), "person.given_name.missing"), ("phone".to_string(), "phone.invalid")]
    );
    let fine = json!({"check_only": true, "given_name": "Lina", "family_name": "Haddad", "site": "CAL",
                      "consent": true, "confirm_not_duplicate": true});
    assert_eq!(util::strict::ok(&t.db, &s, "create_person", fine), json!({"checked": true}));
    let after: Vec<i64> = tables.iter().map(|t2| rows(&t.db, t2)).collect();
    assert_eq!(after, before, "checking only wrote nothing into {tables:?}");
    let refused = err(&t.db, &s, "join_household", json!({"check_only": true}));
    assert_eq!(refused.code().as_str(), "api.check_only.not_a_form");
    // Without the key, the same input is registered.
    let lina = json!({"given_name": "Lina", "family_name": "Haddad", "site": "CAL", "consent": true,
                      "confirm_not_duplicate": true});
    util::strict::ok(&t.db, &s, "create_person", lina);
    assert_eq!(rows(&t.db, "people"), before[0] + 1);
}

/// A number in a refusal crosses as a JSON number (the window's French text fills it in as
/// the English one does), not as a text: a range's bounds, here.
#[test]
fn numbers_in_a_refusal_cross_as_json_numbers() {
    let t = seeded(0);
    let s = session(&t.db, Role::Lead);
    let mut input = util::strict::ok(&t.db, &s, "get_security_settings", json!({}));
    input["auto_lock_minutes"] = json!(0);
    let p = err(&t.db, &s, "update_security_settings", input).to_payload();
    assert_eq!(p.code.as_str(), "policy.value.out_of_range");
    assert_eq!((&p.params["lo"], &p.params["hi"]), (&json!(1), &json!(240)), "{:?}", p.params);
    assert_eq!(p.message, "Minutes before Haven locks itself must be between 1 and 240.");
}
