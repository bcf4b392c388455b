//! The distribution desk on a busy day, through the API on a real encrypted database: interval
//! rules held against collections on either side of the day, in any order and at any site; a
//! second distribution in a week and someone from another site served only once confirmed; an
//! inactive case refused by name; namesakes told apart; what was given totalled.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Days, NaiveDate};
use haven_core::{api, ErrorKind, Role};
use serde_json::{json, Value};
use util::distribution::{adult_at, collected_items, distribution, months_ago, person, shelf_at};
use util::stock::{assert_ledger_matches, receive};
use util::{call, err, seeded, session, today};

#[test]
fn interval_rules_hold_both_ways_whatever_the_order_and_at_every_site() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let cal = shelf_at(&t.db, &s, "CAL", "Interval shelf CAL");
    let dun = shelf_at(&t.db, &s, "DUN", "Interval shelf DUN");
    for loc in [&cal, &dun] {
        receive(&t.db, &s, loc, "Hygiene kit", None, 20, None);
        receive(&t.db, &s, loc, "Food parcel", None, 20, Some(today() + Days::new(400)));
    }
    // Two distributions two days apart; the hygiene kit is every 28 days.
    let (early_day, late_day) = (today() + Days::new(70), today() + Days::new(72));
    let cal_early = distribution(&t.db, &s, &cal, early_day);
    let cal_late = distribution(&t.db, &s, &cal, late_day);
    let dun_late = distribution(&t.db, &s, &dun, late_day);
    let collect = |d: &str, who: &Value| -> Vec<String> {
        let out = call(
            &t.db,
            &s,
            "record_collection",
            json!({"distribution": d, "person": who["code"], "confirm_other_site": true}),
        );
        collected_items(&t.db, out["id"].as_str().unwrap())
    };
    let kit = "Hygiene kit".to_string();

    // The later day recorded first: the earlier day, two days before it, gives no kit.
    let a = adult_at(&t.db, &s, "CAL", "Hodan", "Warsame");
    assert!(collect(&cal_late, &a).contains(&kit));
    let due = call(&t.db, &s, "household_allowance", json!({"distribution": cal_early, "person": a["code"]}));
    assert!(!due["summary"].as_str().unwrap().contains("Hygiene kit"), "a kit 2 days later counts: {due}");
    let got = collect(&cal_early, &a);
    assert!(!got.contains(&kit) && got.contains(&"Food parcel".to_string()), "{got:?}");

    // In the order of the days, at two sites: the kit at Calais keeps it from Dunkirk.
    let b = adult_at(&t.db, &s, "CAL", "Amina", "Jama");
    assert!(collect(&cal_early, &b).contains(&kit));
    assert!(!collect(&dun_late, &b).contains(&kit), "a kit at another site counts");

    // The later day at the other site recorded first: Calais's earlier day gives no kit.
    let c = adult_at(&t.db, &s, "CAL", "Samira", "Osman");
    assert!(collect(&dun_late, &c).contains(&kit));
    assert!(!collect(&cal_early, &c).contains(&kit), "a later kit at another site counts");

    // 28 days from a kit on either side, it is due again; 27 is too soon.
    for (days_before, due_again) in [(27, false), (28, true)] {
        let before = distribution(&t.db, &s, &cal, late_day - Days::new(days_before));
        let due =
            call(&t.db, &s, "household_allowance", json!({"distribution": before, "person": a["code"]}));
        assert_eq!(
            due["summary"].as_str().unwrap().contains("Hygiene kit"),
            due_again,
            "{days_before} days before: {due}"
        );
    }
    let after = distribution(&t.db, &s, &cal, early_day + Days::new(28));
    let due = call(&t.db, &s, "household_allowance", json!({"distribution": after, "person": b["code"]}));
    assert!(due["summary"].as_str().unwrap().contains("Hygiene kit"), "28 days after: {due}");
    // A reversed collection no longer counts.
    let d = adult_at(&t.db, &s, "CAL", "Nasra", "Ali");
    let late = call(&t.db, &s, "record_collection", json!({"distribution": cal_late, "person": d["code"]}));
    call(&t.db, &s, "reverse_collection", json!({"id": late["id"], "reason": "wrong household"}));
    assert!(collect(&cal_early, &d).contains(&kit), "a reversed kit does not count");
    assert_ledger_matches(&t.db);
}

#[test]
fn a_second_distribution_of_a_type_at_a_site_in_a_week_needs_confirming() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let cal = shelf_at(&t.db, &s, "CAL", "Week shelf CAL");
    let cal2 = shelf_at(&t.db, &s, "CAL", "Week shelf CAL 2");
    let dun = shelf_at(&t.db, &s, "DUN", "Week shelf DUN");
    // An ISO week far from the demo's distributions: Monday 4 March 2030 to Sunday 10 March.
    let day = |d: u32| NaiveDate::from_ymd_opt(2030, 3, d).unwrap();
    let create = |loc: &str, on: NaiveDate, dist_type: &str, confirm: Option<bool>| {
        let mut body = json!({"location": loc, "held_on": on, "dist_type": dist_type});
        if let Some(c) = confirm {
            body["confirm_same_week"] = json!(c);
        }
        api::call(&t.db, &s, "create_distribution", body)
    };
    let count = || -> i64 {
        t.db.read(|c| Ok(c.query_row("SELECT count(*) FROM distributions", [], |r| r.get(0))?)).unwrap()
    };
    create(&cal, day(4), "weekly", None).unwrap();
    let before = count();
    // The Sunday after, at another location of the same site: refused until confirmed.
    let e = create(&cal2, day(10), "weekly", None).unwrap_err().to_payload();
    assert_eq!(e.kind, ErrorKind::Confirm, "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("confirm_same_week"));
    assert!(
        e.message.contains("4 Mar 2030") && e.message.contains("Calais"),
        "names the other: {}",
        e.message
    );
    let e = create(&cal, day(6), "weekly", Some(false)).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Confirm, "false is the default: {e}");
    assert_eq!(count(), before, "nothing was created");
    // The other order: the later day first, then the earlier one, at another site.
    create(&dun, day(9), "weekly", None).unwrap();
    let e = create(&dun, day(5), "weekly", None).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Confirm, "{e}");
    assert!(e.to_string().contains("9 Mar 2030"), "{e}");
    // Confirmed: created.
    let d = create(&dun, day(5), "weekly", Some(true)).unwrap();
    assert_eq!(d["held_on"], "2030-03-05");
    // Another type, or the next week: no question.
    let item =
        t.db.read(|c| Ok(c.query_row("SELECT id FROM stock_items LIMIT 1", [], |r| r.get::<_, String>(0))?))
            .unwrap();
    api::call(
        &t.db,
        &s,
        "save_rule",
        json!({"dist_type": "emergency", "item": item, "quantity": 1, "per": "household", "interval_days": 0}),
    )
    .unwrap();
    create(&cal, day(6), "emergency", None).unwrap();
    create(&cal, day(11), "weekly", None).unwrap();
    create(&cal2, day(3), "weekly", None).unwrap();
}

#[test]
fn someone_from_another_site_is_served_at_the_desk_only_once_confirmed() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let cal = shelf_at(&t.db, &s, "CAL", "Other-site shelf");
    receive(&t.db, &s, &cal, "Food parcel", None, 10, Some(today() + Days::new(30)));
    receive(&t.db, &s, &cal, "Hygiene kit", None, 10, None);
    let d = distribution(&t.db, &s, &cal, today());
    let from_dunkirk = adult_at(&t.db, &s, "DUN", "Fatima", "Idris");
    let e =
        err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": from_dunkirk["code"]}));
    assert_eq!(e.kind, ErrorKind::Confirm, "{}", e.message);
    assert_eq!(e.field.as_deref(), Some("confirm_other_site"));
    assert!(
        e.message.contains("Fatima Idris") && e.message.contains("Dunkirk") && e.message.contains("Calais"),
        "the refusal names the person and both sites: {}",
        e.message
    );
    let e = err(
        &t.db,
        &desk,
        "record_collection",
        json!({"distribution": d, "person": from_dunkirk["code"], "confirm_other_site": false}),
    );
    assert_eq!(e.kind, ErrorKind::Confirm, "false is the default: {}", e.message);
    assert_eq!(call(&t.db, &s, "distribution_desk", json!({"id": d}))["counters"]["households"], 0);
    let out = call(
        &t.db,
        &desk,
        "record_collection",
        json!({"distribution": d, "person": from_dunkirk["code"], "confirm_other_site": true}),
    );
    assert_eq!(out["collection"]["code"], from_dunkirk["code"]);
    assert_eq!(out["counters"]["households"], 1);
    // Someone of the distribution's own site needs no confirmation.
    let from_calais = adult_at(&t.db, &s, "CAL", "Leila", "Nour");
    call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": from_calais["code"]}));
}

#[test]
fn a_case_that_is_not_active_is_refused_by_name_with_the_next_step() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let cal = shelf_at(&t.db, &s, "CAL", "Closed-case shelf");
    let d = distribution(&t.db, &s, &cal, today());
    let p = adult_at(&t.db, &s, "CAL", "Zahra", "Karimi");
    call(&t.db, &s, "set_person_status", json!({"id": p["id"], "status": "moved_on"}));
    let e = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": p["code"]}));
    assert_eq!(e.kind, ErrorKind::Conflict, "{}", e.message);
    let code = p["code"].as_str().unwrap();
    assert!(
        e.message.contains("Zahra Karimi") && e.message.contains(code),
        "names the person: {}",
        e.message
    );
    assert!(
        e.message.contains("moved on") && e.message.contains("coordinator"),
        "says what next: {}",
        e.message
    );
}

#[test]
fn namesakes_at_the_desk_are_told_apart_by_age_script_and_household() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let cal = shelf_at(&t.db, &s, "CAL", "Namesake shelf");
    let d = distribution(&t.db, &s, &cal, today());
    let hodan = |years: u32, original: Option<&str>| {
        let mut body = json!({"given_name": "Hodan", "family_name": "Diallo", "date_of_birth": months_ago(12 * years),
                              "site": "CAL", "consent": true, "confirm_not_duplicate": true});
        if let Some(o) = original {
            body["original_name"] = json!(o);
        }
        call(&t.db, &s, "create_person", body)["person"].clone()
    };
    let young = hodan(19, None);
    let mother = hodan(34, Some("هودان ديالو"));
    let elder = hodan(52, None);
    let child = person(&t.db, &s, "Awa", "Diallo", months_ago(12 * 7), Some(&mother));
    let list = call(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": "Hodan Diallo"}));
    let rows = list["candidates"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{list}");
    let row = |p: &Value| rows.iter().find(|r| r["id"] == p["id"]).unwrap().clone();
    assert_eq!(row(&young)["age_months"].as_u64().unwrap() / 12, 19);
    assert_eq!(row(&elder)["age_months"].as_u64().unwrap() / 12, 52);
    let m = row(&mother);
    assert_eq!(m["original_name"], "هودان ديالو");
    assert_eq!(m["household_size"], 2);
    let members = m["household"].as_array().unwrap();
    assert_eq!(members.len(), 1, "the others in the household, not herself: {m}");
    assert_eq!(members[0]["name"], "Awa Diallo");
    assert_eq!(members[0]["code"], child["code"]);
    assert_eq!(members[0]["age_months"].as_u64().unwrap() / 12, 7);
    assert_eq!(row(&young)["household"], json!([]));
}

#[test]
fn what_was_given_is_totalled_per_item_and_size() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let cal = shelf_at(&t.db, &s, "CAL", "Twins shelf");
    receive(&t.db, &s, &cal, "Nappies", Some("4"), 10, None);
    receive(&t.db, &s, &cal, "Baby milk", None, 10, Some(today() + Days::new(90)));
    receive(&t.db, &s, &cal, "Baby wipes", None, 10, None);
    receive(&t.db, &s, &cal, "Food parcel", None, 10, Some(today() + Days::new(90)));
    receive(&t.db, &s, &cal, "Hygiene kit", None, 10, None);
    let mother = person(&t.db, &s, "Hawa", "Bangura", months_ago(12 * 28), None);
    for twin in ["Fatu", "Mariama"] {
        let baby = person(&t.db, &s, twin, "Bangura", months_ago(10), Some(&mother));
        call(&t.db, &s, "set_nappy_size", json!({"person": baby["id"], "size": "4"}));
    }
    let d = distribution(&t.db, &s, &cal, today());
    let out = call(&t.db, &s, "record_collection", json!({"distribution": d, "person": mother["code"]}));
    let summary = out["collection"]["summary"].as_str().unwrap();
    assert!(summary.contains("Nappies size 4 x2") && summary.contains("Baby milk x4"), "totalled: {summary}");
    assert_eq!(summary.matches("Nappies").count(), 1, "{summary}");
    let given = out["collection"]["given"].as_array().unwrap();
    let nappies: Vec<&Value> = given.iter().filter(|g| g["item"] == "Nappies").collect();
    assert_eq!(nappies.len(), 1, "{given:?}");
    assert_eq!((nappies[0]["variant"].as_str(), nappies[0]["quantity"].as_i64()), (Some("4"), Some(2)));
    let desk = call(&t.db, &s, "distribution_desk", json!({"id": d}));
    assert_eq!(desk["collections"][0]["summary"], summary, "the desk's list says the same");
}
