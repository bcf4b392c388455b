//! The weekly distribution through the API, on a real encrypted database: allowances per rule
//! type, intervals and "once" items, FEFO and expired stock at the desk, finding a person by
//! name, one collection per household and reversal, concurrent collections through two
//! connections never going negative, the sign-up sheet, and rules changed in place.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use std::process::Command;

use chrono::{Days, NaiveDate};
use haven_core::{api, db_path, seed, stock, Db, ErrorKind, Role, Session};
use serde_json::{json, Value};
use util::distribution::{distribution, months_ago, person};
use util::stock::{assert_ledger_matches, balance, receive, shelf};
use util::{call, err, seeded, session, today, TestDb};

struct Family {
    mother: Value,
    baby: Value,
    child: Value,
}

fn family(t: &TestDb, s: &Session, name: &str) -> Family {
    let mother = person(&t.db, s, "Amina", name, months_ago(12 * 30), None);
    let baby = person(&t.db, s, "Sara", name, months_ago(5), Some(&mother));
    let child = person(&t.db, s, "Yusuf", name, months_ago(12 * 6), Some(&mother));
    Family { mother, baby, child }
}

fn milk_id(c: &rusqlite::Connection) -> String {
    stock::get_item(c, "Baby milk").unwrap().id
}

#[test]
fn allowance_for_each_rule_type() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Allowance shelf");
    let f = family(&t, &s, "Haddad");
    call(
        &t.db,
        &s,
        "set_flag",
        json!({"person": f.mother["id"], "kind": "pregnant", "due_date": today() + Days::new(90)}),
    );
    call(&t.db, &s, "set_nappy_size", json!({"person": f.baby["id"], "size": "2"}));
    let d = distribution(&t.db, &s, &loc, today());
    let a = call(&t.db, &s, "household_allowance", json!({"distribution": d, "person": f.mother["code"]}));
    let lines = a["allowance"].as_array().unwrap();
    let find = |item: &str| lines.iter().filter(|l| l["item"] == item).cloned().collect::<Vec<_>>();
    // Baby under 12 months (flag, per person): 2 tins.
    assert_eq!(find("Baby milk").len(), 1);
    assert_eq!(find("Baby milk")[0]["quantity"], 2);
    assert_eq!(find("Baby milk")[0]["person_id"], f.baby["id"]);
    // Age band under 3, per person, size from the recorded nappy size.
    assert_eq!(find("Nappies")[0]["variant"], "2");
    // Pregnant (flag): protein pack.
    assert_eq!(find("Protein food pack")[0]["person_id"], f.mother["id"]);
    // Child 2-12 (age band): clothing voucher in the child's band; the baby and mother get none.
    let clothes = find("Clothing voucher");
    assert_eq!(clothes.len(), 1);
    assert_eq!(clothes[0]["person_id"], f.child["id"]);
    assert_eq!(clothes[0]["variant"], "5-8");
    // Per household: one food parcel for the three of them.
    assert_eq!(find("Food parcel").len(), 1);
    assert!(find("Food parcel")[0]["person_id"].is_null());
    // No unaccompanied minor here: no phone.
    assert!(find("Phone").is_empty());

    // Unaccompanied minor without a phone: a phone, once.
    let minor = person(&t.db, &s, "Dawit", "Tesfay", months_ago(12 * 16), None);
    let a = call(&t.db, &s, "household_allowance", json!({"distribution": d, "person": minor["code"]}));
    assert!(a["allowance"].as_array().unwrap().iter().any(|l| l["item"] == "Phone"), "{a}");
    // Holding a centre phone: none.
    call(&t.db, &s, "issue_phone", json!({"person": minor["id"], "number": "+33 7 11 22 33 44"}));
    let a = call(&t.db, &s, "household_allowance", json!({"distribution": d, "person": minor["code"]}));
    assert!(!a["allowance"].as_array().unwrap().iter().any(|l| l["item"] == "Phone"), "{a}");
}

#[test]
fn intervals_and_once_items_use_past_collections() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Interval shelf");
    receive(&t.db, &s, &loc, "Phone", None, 5, None);
    receive(&t.db, &s, &loc, "Hygiene kit", None, 5, None);
    receive(&t.db, &s, &loc, "Food parcel", None, 5, Some(today() + Days::new(60)));
    let minor = person(&t.db, &s, "Dawit", "Tesfay", months_ago(12 * 16), None);
    let first = distribution(&t.db, &s, &loc, today() - Days::new(14));
    call(&t.db, &s, "record_collection", json!({"distribution": first, "person": minor["code"]}));
    let second = distribution(&t.db, &s, &loc, today());
    let a = call(&t.db, &s, "household_allowance", json!({"distribution": second, "person": minor["code"]}));
    let items: Vec<&str> =
        a["allowance"].as_array().unwrap().iter().map(|l| l["item"].as_str().unwrap()).collect();
    assert!(!items.contains(&"Phone"), "a phone is given once: {items:?}");
    assert!(!items.contains(&"Hygiene kit"), "hygiene kit every 28 days, last 14 days ago: {items:?}");
    assert!(items.contains(&"Food parcel"), "food every week: {items:?}");
    let later = distribution(&t.db, &s, &loc, today() + Days::new(14));
    let a = call(&t.db, &s, "household_allowance", json!({"distribution": later, "person": minor["code"]}));
    assert!(a["allowance"].as_array().unwrap().iter().any(|l| l["item"] == "Hygiene kit"), "28 days on: {a}");
}

#[test]
fn collections_draw_first_expiry_first_and_refuse_expired_stock() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "FEFO shelf");
    let late = today() + Days::new(200);
    let soon = today() + Days::new(10);
    receive(&t.db, &s, &loc, "Baby milk", None, 10, Some(late));
    receive(&t.db, &s, &loc, "Baby milk", None, 3, Some(soon));
    for size in ["1", "2", "3"] {
        receive(&t.db, &s, &loc, "Nappies", Some(size), 5, None);
    }
    receive(&t.db, &s, &loc, "Baby wipes", None, 5, None);
    receive(&t.db, &s, &loc, "Hygiene kit", None, 5, None);
    receive(&t.db, &s, &loc, "Food parcel", None, 5, Some(late));
    receive(&t.db, &s, &loc, "Clothing voucher", Some("5-8"), 5, None);
    let f = family(&t, &s, "Karimi");
    let d = distribution(&t.db, &s, &loc, today());
    call(&t.db, &s, "record_collection", json!({"distribution": d, "person": f.baby["code"]}));
    let lots = t.db.read(|c| stock::lots(c, &loc, &milk_id(c), "")).unwrap();
    let by_date: Vec<(Option<NaiveDate>, i64)> = lots.iter().map(|l| (l.expires_on, l.quantity)).collect();
    assert_eq!(by_date, vec![(Some(soon), 1), (Some(late), 10)], "the batch expiring first goes first");

    // Only expired milk left: refused, saying so.
    let loc2 = shelf(&t.db, &s, "Expired shelf");
    receive(&t.db, &s, &loc2, "Baby milk", None, 8, Some(today() - Days::new(1)));
    let d2 = distribution(&t.db, &s, &loc2, today());
    let g = family(&t, &s, "Rahimi");
    let e = err(&t.db, &s, "record_collection", json!({"distribution": d2, "person": g.mother["code"]}));
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(
        e.message.contains("Baby milk")
            && e.message.contains("Expired shelf")
            && e.message.contains("0 available"),
        "{}",
        e.message
    );
    assert!(e.message.contains("expiry"), "{}", e.message);
    assert_eq!(balance(&t.db, &s, &loc2, "Baby milk", ""), 8, "nothing was taken");
    // Giving what there is instead: the expired milk stays on the shelf.
    call(
        &t.db,
        &s,
        "record_collection",
        json!({"distribution": d2, "person": g.mother["code"], "take_available": true}),
    );
    assert_eq!(balance(&t.db, &s, &loc2, "Baby milk", ""), 8);
    assert_ledger_matches(&t.db);
}

#[test]
fn desk_finds_a_person_by_name_at_the_distributions_site() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let loc = shelf(&t.db, &s, "Name shelf");
    receive(&t.db, &s, &loc, "Food parcel", None, 10, Some(today() + Days::new(30)));
    receive(&t.db, &s, &loc, "Hygiene kit", None, 10, None);
    let mut body = json!({"given_name": "Zainab", "family_name": "Noori", "original_name": "زینب نوری",
                          "date_of_birth": months_ago(12 * 30), "site": "CAL", "consent": true,
                          "confirm_not_duplicate": true});
    let zainab = call(&t.db, &s, "create_person", body.clone())["person"].clone();
    let amina1 = person(&t.db, &s, "Amina", "Yousef", months_ago(12 * 31), None);
    let amina2 = person(&t.db, &s, "Amina", "Haidari", months_ago(12 * 33), None);
    // Another Zainab Noori, at Dunkirk: not at this distribution's site.
    body["site"] = json!("DUN");
    body["original_name"] = json!(null);
    call(&t.db, &s, "create_person", body);
    let d = distribution(&t.db, &s, &loc, today());

    // Unique at the site (any case, Latin or original script): recorded by the front desk.
    let out = call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": "zainab noori"}));
    assert_eq!(out["collection"]["code"], zainab["code"], "{out}");
    let a = call(&t.db, &desk, "household_allowance", json!({"distribution": d, "person": "زینب"}));
    assert_eq!(a["unit"]["members"][0]["id"], zainab["id"], "original-script name: {a}");
    assert_eq!(a["collected"], true);

    // Several: a validation error on `person` naming each with their code; nothing written.
    let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": "amina"}));
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.field.as_deref(), Some("person"));
    for p in [&amina1, &amina2] {
        let code = p["code"].as_str().unwrap();
        assert!(e.message.contains(code), "{code} missing: {}", e.message);
    }
    assert!(e.message.contains("2 people match") && e.message.contains("Type the code"), "{}", e.message);
    let desk_view = call(&t.db, &desk, "distribution_desk", json!({"id": d}));
    assert_eq!(desk_view["counters"]["households"], 1, "the ambiguous name recorded nothing");

    // The pick list for the desk: both, with household size and whether they collected, and
    // nothing a front desk may not see.
    let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": "Amina"}));
    let rows = list["candidates"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{list}");
    assert_eq!(list["more"], false);
    for r in rows {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "age_months",
                "already_collected",
                "code",
                "household",
                "household_size",
                "id",
                "matched",
                "name",
                "original_name"
            ],
            "only what the desk may see: {r}"
        );
        assert_eq!(r["matched"], "name");
        assert_eq!(r["household_size"], 1);
        assert_eq!(r["household"], json!([]));
        assert_eq!(r["already_collected"], false);
    }
    let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": "Noori"}));
    let rows = list["candidates"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "only this site's Zainab: {list}");
    // Spelt another way: offered with the reason, never taken without a pick.
    let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": "Zeinab Nouri"}));
    assert_eq!(list["candidates"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["candidates"][0]["id"], zainab["id"]);
    assert_eq!(list["candidates"][0]["matched"], "sounds_like");
    let e = err(&t.db, &desk, "household_allowance", json!({"distribution": d, "person": "Zeinab Nouri"}));
    assert!(
        e.message.contains("sound alike") && e.message.contains(zainab["code"].as_str().unwrap()),
        "{}",
        e.message
    );
    assert_eq!(rows[0]["already_collected"], true);
    assert_eq!(rows[0]["name"], "Zainab Noori");
    // A code still wins, whatever the case; the lookup finds it too.
    call(
        &t.db,
        &desk,
        "record_collection",
        json!({"distribution": d, "person": amina1["code"].as_str().unwrap().to_lowercase()}),
    );
    let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": amina1["code"]}));
    assert_eq!(list["candidates"][0]["id"], amina1["id"]);
    assert_eq!(list["candidates"][0]["already_collected"], true);

    // Nobody: a clear error for a name, and for a code.
    let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": "Xanthippe"}));
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("person")));
    assert!(e.message.contains("Xanthippe") && e.message.contains("Nobody"), "{}", e.message);
    let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": "CAL-9999"}));
    assert!(e.message.contains("Nobody has the code CAL-9999"), "{}", e.message);
    let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": "  "}));
    assert_eq!(e.field.as_deref(), Some("person"));
    // Punctuation alone is no name: it matches nobody (not everybody).
    for typed in ["*", "\"", "(", "-"] {
        let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": typed}));
        assert!(e.message.contains("Nobody"), "{typed}: {}", e.message);
        let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": typed}));
        assert!(list["candidates"].as_array().unwrap().is_empty(), "{typed}");
    }
    let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": "Xanthippe"}));
    assert!(list["candidates"].as_array().unwrap().is_empty());
    assert_eq!(call(&t.db, &desk, "distribution_desk", json!({"id": d}))["counters"]["households"], 2);
    assert_ledger_matches(&t.db);
}

#[test]
fn nappy_size_is_recorded_by_the_front_desk_and_shown_on_the_person() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let f = family(&t, &s, "Sultani");
    let baby = f.baby["id"].clone();
    let rec = call(&t.db, &desk, "get_person", json!({"id": baby}));
    assert!(rec["nappy_size"].is_null(), "none recorded yet: by age: {rec}");
    call(&t.db, &desk, "set_nappy_size", json!({"person": baby, "size": "3"}));
    assert_eq!(call(&t.db, &desk, "get_person", json!({"id": baby}))["nappy_size"], "3");
    assert_eq!(call(&t.db, &s, "get_person", json!({"id": baby}))["nappy_size"], "3");
    // A size the catalogue does not have: refused on `size`, the recorded size kept.
    let e = err(&t.db, &desk, "set_nappy_size", json!({"person": baby, "size": "XL"}));
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("size")));
    assert!(e.message.contains("1, 2, 3, 4, 5, 6"), "{}", e.message);
    assert_eq!(call(&t.db, &desk, "get_person", json!({"id": baby}))["nappy_size"], "3");
    // Cleared: by age again.
    call(&t.db, &desk, "set_nappy_size", json!({"person": baby, "size": null}));
    assert!(call(&t.db, &desk, "get_person", json!({"id": baby}))["nappy_size"].is_null());
}

#[test]
fn one_collection_per_household_and_reversal_restores_balances() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let loc = shelf(&t.db, &s, "Desk shelf");
    receive(&t.db, &s, &loc, "Food parcel", None, 10, Some(today() + Days::new(30)));
    receive(&t.db, &s, &loc, "Hygiene kit", None, 10, None);
    let a = person(&t.db, &s, "Leila", "Ahmadi", months_ago(12 * 40), None);
    let b = person(&t.db, &s, "Omar", "Ahmadi", months_ago(12 * 42), Some(&a));
    let d = distribution(&t.db, &s, &loc, today());
    // The front desk records by code.
    let out = call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": a["code"]}));
    assert_eq!(out["counters"]["households"], 1);
    assert_eq!(out["counters"]["items_out"], 2);
    assert_eq!(balance(&t.db, &s, &loc, "Food parcel", ""), 9);
    // The other member of the household: already collected.
    let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": b["code"]}));
    assert_eq!(e.kind, ErrorKind::Conflict);
    assert!(e.message.contains("already collected"), "{}", e.message);
    // The desk cannot reverse; a coordinator can, with a reason, and the stock comes back.
    let id = out["id"].as_str().unwrap();
    let e = err(&t.db, &desk, "reverse_collection", json!({"id": id, "reason": "wrong household"}));
    assert_eq!(e.kind, ErrorKind::Forbidden);
    let before: i64 =
        t.db.read(|c| Ok(c.query_row("SELECT count(*) FROM stock_movements", [], |r| r.get(0))?)).unwrap();
    let desk_after = call(&t.db, &s, "reverse_collection", json!({"id": id, "reason": "wrong household"}));
    assert_eq!(desk_after["counters"]["households"], 0);
    assert_eq!(balance(&t.db, &s, &loc, "Food parcel", ""), 10);
    assert_eq!(balance(&t.db, &s, &loc, "Hygiene kit", ""), 10);
    let after: i64 =
        t.db.read(|c| Ok(c.query_row("SELECT count(*) FROM stock_movements", [], |r| r.get(0))?)).unwrap();
    assert_eq!(after, before + 2, "reversal writes reversing movements, it deletes nothing");
    let audited: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'reverse' AND entity_id = ?1",
                [id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audited, 1);
    let e = err(&t.db, &s, "reverse_collection", json!({"id": id, "reason": "again"}));
    assert_eq!(e.kind, ErrorKind::Conflict);
    // After the reversal the household may collect again.
    call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": b["code"]}));
    assert_eq!(balance(&t.db, &s, &loc, "Food parcel", ""), 9);
    // The front desk may not receive stock or edit rules.
    let e = err(
        &t.db,
        &desk,
        "receive_stock",
        json!({"location": loc, "item": "Hygiene kit", "quantity": 1, "source": "donation"}),
    );
    assert_eq!(e.kind, ErrorKind::Forbidden);
    assert_ledger_matches(&t.db);
}

#[test]
fn concurrent_collections_through_two_connections_never_go_negative() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Race shelf");
    // One food parcel per household, and stock for 5 of the 12 households.
    receive(&t.db, &s, &loc, "Food parcel", None, 5, Some(today() + Days::new(30)));
    receive(&t.db, &s, &loc, "Hygiene kit", None, 50, None);
    let codes: Vec<String> = (0..12)
        .map(|i| {
            person(&t.db, &s, &format!("Adult{i}"), &format!("Race{i}"), months_ago(12 * 30), None)["code"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let d = distribution(&t.db, &s, &loc, today());
    let path = db_path(t.dir.path());
    let handles: Vec<_> = [0usize, 1]
        .into_iter()
        .map(|side| {
            let path = path.clone();
            let d = d.clone();
            let codes = codes.clone();
            let s = s.clone();
            std::thread::spawn(move || {
                let db = Db::open(&path, seed::DEMO_PASSPHRASE).unwrap();
                let mut ok = 0;
                for code in codes.iter().skip(side).step_by(2) {
                    match api::call(&db, &s, "record_collection", json!({"distribution": d, "person": code}))
                    {
                        Ok(_) => ok += 1,
                        Err(e) => assert!(e.to_string().contains("Food parcel"), "{e}"),
                    }
                }
                ok
            })
        })
        .collect();
    let served: i32 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(served, 5, "exactly the stock's worth of households were served");
    assert_eq!(balance(&t.db, &s, &loc, "Food parcel", ""), 0);
    assert_ledger_matches(&t.db);
}

#[test]
fn sign_up_sheet_has_every_household_in_both_scripts() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Sheet shelf");
    let mut body = json!({"given_name": "Fatima", "family_name": "Ahmadi", "original_name": "فاطمة احمدی",
                          "date_of_birth": months_ago(12 * 30), "site": "CAL", "consent": true, "confirm_not_duplicate": true});
    call(&t.db, &s, "create_person", body.clone());
    body["given_name"] = json!("Senait");
    body["family_name"] = json!("Tesfay");
    body["original_name"] = json!("ሰናይት ተስፋይ");
    call(&t.db, &s, "create_person", body);
    let d = distribution(&t.db, &s, &loc, today());
    let plan = call(&t.db, &s, "distribution_plan", json!({"id": d}));
    assert_eq!(plan["rows"].as_array().unwrap().len(), 2);
    assert!(
        plan["needs"].as_array().unwrap().iter().any(|n| n["item"] == "Food parcel" && n["shortfall"] == 2),
        "{}",
        plan["needs"]
    );
    let out = t.dir.path().join("sheet.pdf");
    let printed =
        call(&t.db, &s, "print_distribution_sheet", json!({"distribution": d, "path": out, "sort": "code"}));
    assert_eq!(printed["rows"], 2);
    if util::poppler_skipped_under_wine("sign_up_sheet_has_every_household_in_both_scripts") {
        return;
    }
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Fatima Ahmadi") && text.contains("Senait Tesfay"), "{text}");
    assert!(text.contains("ሰናይት"), "Ge'ez name missing: {text}");
    assert!(text.contains("Food parcel 1"), "{text}");
    // The distribution's type is capitalised in the title.
    assert!(text.contains("Distribution sign-up sheet: Weekly"), "{text}");
    // Ten blank numbered rows for walk-ins follow the two households.
    let numbers: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().next()).collect();
    for n in 3..=12 {
        assert!(numbers.contains(&n.to_string().as_str()), "no walk-in row {n}:\n{text}");
    }
    let walk_in = text.lines().find(|l| l.split_whitespace().next() == Some("12")).unwrap();
    assert_eq!(walk_in.split_whitespace().count(), 1, "walk-in rows are blank: {walk_in:?}");
    let desk = session(&t.db, Role::FrontDesk);
    let e = err(&t.db, &desk, "print_distribution_sheet", json!({"distribution": d, "path": out}));
    assert_eq!(e.kind, ErrorKind::Forbidden);
}

#[test]
fn a_rule_is_added_active_then_changed_in_place_keeping_its_state() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let added = call(
        &t.db,
        &s,
        "save_rule",
        json!({"dist_type": "winter", "item": "Hygiene kit", "quantity": 1, "per": "household"}),
    );
    assert_eq!(added["active"], true, "a new rule is active");
    let id = added["id"].as_str().unwrap();
    let off = call(
        &t.db,
        &s,
        "save_rule",
        json!({"id": id, "dist_type": "winter", "item": "Hygiene kit", "quantity": 2, "per": "household", "active": false}),
    );
    assert_eq!(
        (off["id"].as_str(), off["quantity"].as_i64(), off["active"].as_bool()),
        (Some(id), Some(2), Some(false))
    );
    let kept = call(
        &t.db,
        &s,
        "save_rule",
        json!({"id": id, "dist_type": "winter", "item": "Hygiene kit", "quantity": 3, "per": "person"}),
    );
    assert_eq!(
        (kept["quantity"].as_i64(), kept["per"].as_str(), kept["active"].as_bool()),
        (Some(3), Some("person"), Some(false)),
        "no `active`: the rule stays as it was"
    );
    let winter = call(&t.db, &s, "list_rules", json!({}))["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["dist_type"] == "winter")
        .count();
    assert_eq!(winter, 1, "changed in place, not added again");
    let e = err(
        &t.db,
        &s,
        "save_rule",
        json!({"id": "no-such-rule", "dist_type": "winter", "item": "Hygiene kit", "quantity": 1, "per": "household"}),
    );
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn the_desk_undoes_its_own_collection_within_minutes_with_a_reason() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let loc = shelf(&t.db, &s, "Desk shelf");
    receive(&t.db, &s, &loc, "Food parcel", None, 10, Some(today() + Days::new(30)));
    receive(&t.db, &s, &loc, "Hygiene kit", None, 10, None);
    let a = person(&t.db, &s, "Leila", "Ahmadi", months_ago(12 * 40), None);
    let b = person(&t.db, &s, "Samir", "Haddad", months_ago(12 * 35), None);
    let d = distribution(&t.db, &s, &loc, today());

    // The desk's own collection, a moment ago: undone, with a reason, and the stock comes back.
    let out = call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": a["code"]}));
    let id = out["id"].as_str().expect("a collection id");
    assert_eq!(balance(&t.db, &s, &loc, "Food parcel", ""), 9);
    let e = err(&t.db, &desk, "undo_own_collection", json!({"id": id, "reason": "  "}));
    assert_eq!(e.kind, ErrorKind::Validation, "a reason is needed: {}", e.message);
    let after = call(&t.db, &desk, "undo_own_collection", json!({"id": id, "reason": "wrong household"}));
    assert_eq!(after["counters"]["households"], 0, "the undone collection no longer counts");
    assert_eq!(balance(&t.db, &s, &loc, "Food parcel", ""), 10, "the parcel is back on the shelf");
    let detail: String =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT detail FROM audit_log WHERE action = 'reverse' AND entity_id = ?1",
                [id],
                |r| r.get(0),
            )?)
        })
        .expect("the undo is in the audit log");
    assert!(detail.contains("wrong household") && detail.contains("\"own\":true"), "audit detail: {detail}");
    let e = err(&t.db, &desk, "undo_own_collection", json!({"id": id, "reason": "again"}));
    assert_eq!(e.kind, ErrorKind::Conflict, "{}", e.message);

    // Someone else's collection: the desk is sent to a coordinator.
    let other = call(&t.db, &s, "record_collection", json!({"distribution": d, "person": b["code"]}));
    let other_id = other["id"].as_str().expect("a collection id");
    let e = err(&t.db, &desk, "undo_own_collection", json!({"id": other_id, "reason": "wrong household"}));
    assert_eq!(e.kind, ErrorKind::Forbidden, "{}", e.message);
    assert!(e.message.contains("coordinator"), "the refusal names the next step: {}", e.message);

    // Its own collection, recorded longer ago than the undo time: refused, a coordinator can.
    let again = call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": a["code"]}));
    let again_id = again["id"].as_str().expect("a collection id");
    t.db.write(|c| {
        c.execute(
            "UPDATE collections SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-16 minutes') WHERE id = ?1",
            [again_id],
        )?;
        Ok(())
    })
    .expect("age the collection");
    let e = err(&t.db, &desk, "undo_own_collection", json!({"id": again_id, "reason": "wrong household"}));
    assert_eq!(e.kind, ErrorKind::Forbidden, "{}", e.message);
    assert!(e.message.contains("15 minutes"), "the refusal says how long: {}", e.message);
    call(&t.db, &s, "reverse_collection", json!({"id": again_id, "reason": "wrong household"}));
    let e = err(&t.db, &desk, "undo_own_collection", json!({"id": "nope", "reason": "x"}));
    assert_eq!(e.kind, ErrorKind::NotFound);
}

#[test]
fn distribution_types_dates_and_nappy_sizes_are_bounded() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Bounded shelf");
    // A type is one the allowance rules give something at: a closed set, not free text.
    for kind in ["<script>alert(1)</script>", "fortnightly"] {
        let e = err(
            &t.db,
            &s,
            "create_distribution",
            json!({"location": loc, "held_on": today(), "dist_type": kind}),
        );
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("dist_type")), "{}", e.message);
        assert!(e.message.contains("weekly"), "the refusal lists the types: {}", e.message);
    }
    let e = err(
        &t.db,
        &s,
        "save_rule",
        json!({"dist_type": "<script>", "item": "Hygiene kit", "quantity": 1, "per": "household"}),
    );
    assert_eq!(e.field.as_deref(), Some("dist_type"), "{}", e.message);
    for day in ["9999-12-31", "1066-10-14"] {
        let e = err(
            &t.db,
            &s,
            "create_distribution",
            json!({"location": loc, "held_on": day, "dist_type": "weekly"}),
        );
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("held_on")), "{}", e.message);
    }
    // The front desk cannot record a nappy size for an adult; a child's is kept.
    let desk = session(&t.db, Role::FrontDesk);
    let f = family(&t, &s, "Nappy");
    let e = err(&t.db, &desk, "set_nappy_size", json!({"person": f.mother["id"], "size": "3"}));
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("size")), "{}", e.message);
    assert!(e.message.contains("30"), "{}", e.message);
    call(&t.db, &desk, "set_nappy_size", json!({"person": f.baby["id"], "size": "3"}));
    call(&t.db, &desk, "set_nappy_size", json!({"person": f.mother["id"], "size": null}));
}
