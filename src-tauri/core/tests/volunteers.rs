//! Volunteers and DBS checks through the API: every rule at its boundary (a DBS rule is met or
//! not when a volunteer is put on a shift), and that the front desk never reads DBS detail or
//! restricted notes through any function. The rota's own tests are in `rota.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Days, Months};
use haven_core::api::FUNCTIONS;
use haven_core::{ErrorKind, Role};
use serde_json::{json, Value};
use util::strict::{call, err, ok};
use util::volunteers::{approved_volunteer, assign, day, dbs, shift};
use util::{seeded, session, today};

#[test]
fn a_stay_of_13_days_is_refused_and_14_days_accepted_unless_a_structured_activity() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let base = json!({"given_name": "Ana", "site": "CAL", "arrival_on": "2026-03-01"});
    let with = |dep: &str, activity: &str| {
        let mut v = base.clone();
        v["departure_on"] = json!(dep);
        v["structured_activity"] = json!(activity);
        v
    };
    let e = err(&t.db, &s, "save_volunteer", with("2026-03-13", ""));
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("13 days"), "the message says how long the stay is: {e}");
    ok(&t.db, &s, "save_volunteer", with("2026-03-14", ""));
    ok(&t.db, &s, "save_volunteer", with("2026-03-13", "Puppet show"));
}

#[test]
fn issued_exactly_36_months_before_the_shift_is_expired_and_a_day_later_is_valid() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let on = today();
    let sh = shift(&t.db, &s, on, "10:00", "12:00", true);
    let old = approved_volunteer(&t.db, &s, "Old");
    dbs(&t.db, &s, &old, on.checked_sub_months(Months::new(36)).unwrap(), true, json!({}));
    let e = assign(&t.db, &s, &sh, &old).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(e.to_string().contains("expired"), "{e}");

    let fresh = approved_volunteer(&t.db, &s, "Fresh");
    let issued = on.checked_sub_months(Months::new(36)).unwrap().checked_add_days(Days::new(1)).unwrap();
    dbs(&t.db, &s, &fresh, issued, true, json!({}));
    assign(&t.db, &s, &sh, &fresh).expect("issued 36 months less a day before: still valid");
}

#[test]
fn update_service_check_within_12_months_keeps_a_certificate_current_and_a_day_more_does_not() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let on = today();
    let sh = shift(&t.db, &s, on, "10:00", "12:00", true);
    let issued = on.checked_sub_months(Months::new(48)).unwrap();
    let twelve = on.checked_sub_months(Months::new(12)).unwrap();

    let late = approved_volunteer(&t.db, &s, "Late");
    let checked = twelve.checked_sub_days(Days::new(1)).unwrap();
    dbs(
        &t.db,
        &s,
        &late,
        issued,
        true,
        json!({"update_service_id": "C0123456", "update_checked_on": checked}),
    );
    let e = assign(&t.db, &s, &sh, &late).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation, "checked 12 months and 1 day before: not current: {e}");

    let on_time = approved_volunteer(&t.db, &s, "OnTime");
    dbs(
        &t.db,
        &s,
        &on_time,
        issued,
        true,
        json!({"update_service_id": "C0123457", "update_checked_on": twelve}),
    );
    assign(&t.db, &s, &sh, &on_time).expect("checked exactly 12 months before: current");
}

#[test]
fn enhanced_without_the_childrens_barred_list_is_refused_on_a_child_facing_shift_only() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let on = today();
    let child = shift(&t.db, &s, on, "10:00", "12:00", true);
    let desk = shift(&t.db, &s, on, "14:00", "16:00", false);
    let v = approved_volunteer(&t.db, &s, "Enh");
    ok(
        &t.db,
        &s,
        "add_dbs_check",
        json!({"volunteer": v, "level": "enhanced", "workforce": "child", "certificate_number": "123456789012",
               "issued_on": day(-30)}),
    );
    let e = assign(&t.db, &s, &child, &v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("insufficient level"), "{e}");
    assign(&t.db, &s, &desk, &v).expect("a front desk shift needs no barred list");

    // Enhanced with barred list, but the children's list not ticked: still insufficient.
    let w = approved_volunteer(&t.db, &s, "NoList");
    dbs(&t.db, &s, &w, day(-30), false, json!({}));
    assert_eq!(assign(&t.db, &s, &child, &w).unwrap_err().kind(), ErrorKind::Validation);
}

#[test]
fn certificate_numbers_must_be_12_digits() {
    let t = seeded(5);
    let s = session(&t.db, Role::Lead);
    let v = approved_volunteer(&t.db, &s, "Cert");
    for bad in ["12345678901", "1234567890123", "12345678901X"] {
        let e = err(
            &t.db,
            &s,
            "add_dbs_check",
            json!({"volunteer": v, "level": "basic", "workforce": "adult", "certificate_number": bad, "issued_on": day(-5)}),
        );
        assert_eq!(e.kind(), ErrorKind::Validation, "{bad}");
    }
}

#[test]
fn dbs_policy_changes_the_computed_status_and_only_a_lead_changes_it() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let coord = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &coord, "Policy");
    dbs(&t.db, &coord, &v, today().checked_sub_months(Months::new(25)).unwrap(), true, json!({}));
    let rec = ok(&t.db, &coord, "get_volunteer", json!({"id": v}));
    assert_eq!(rec["dbs_child_facing"]["state"], "valid");
    let policy = json!({"recheck_months": 24, "update_service_months": 12, "expiring_soon_days": 30, "roster_contact": "Sarah, +33 6 00 00 00 00"});
    assert_eq!(err(&t.db, &coord, "update_dbs_policy", policy.clone()).kind(), ErrorKind::Forbidden);
    ok(&t.db, &lead, "update_dbs_policy", policy);
    let rec = ok(&t.db, &coord, "get_volunteer", json!({"id": v}));
    assert_eq!(rec["dbs_child_facing"]["state"], "expired");
    let due = ok(&t.db, &coord, "dbs_due", json!({}));
    assert!(
        due.as_array().unwrap().iter().any(|d| d["id"] == v.as_str()),
        "expired volunteer is on the DBS due list"
    );
    let bad = json!({"recheck_months": 0, "update_service_months": 12, "expiring_soon_days": 30});
    assert_eq!(err(&t.db, &lead, "update_dbs_policy", bad).kind(), ErrorKind::Validation);
}

#[test]
fn every_view_of_dbs_detail_is_audited() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Audit");
    dbs(&t.db, &s, &v, day(-10), true, json!({}));
    let count = || -> i64 {
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'view' AND entity = 'dbs_check' AND entity_id = ?1",
                [&v],
                |r| r.get(0),
            )?)
        })
        .unwrap()
    };
    let before = count();
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": v}));
    assert_eq!(rec["dbs_checks"][0]["certificate_number"], "001234567890");
    assert_eq!(count(), before + 1);
}

/// Plausible inputs for every function: ids of real records, this week, a real site.
fn inputs(t: &util::TestDb, v: &str, sh: &str, session_id: &str, person: &str) -> Vec<Value> {
    let week = format!("{}", today().format("%G-W%V"));
    let out = t.dir.path().join("out.pdf");
    let out = out.to_str().unwrap();
    vec![
        json!({}),
        json!({"id": v}),
        json!({"id": person}),
        json!({"site": "CAL"}),
        json!({"site": "CAL", "week": week}),
        json!({"site": "CAL", "week": week, "path": out}),
        json!({"shift": sh, "volunteer": v}),
        json!({"volunteer": v}),
        json!({"text": "Secret"}),
        json!({"session": session_id, "on_date": today()}),
        json!({"session": session_id, "on_date": today(), "person": person}),
        json!({"path": out}),
        json!({"entity": "dbs_check"}),
    ]
}

#[test]
fn the_front_desk_reads_no_dbs_detail_or_restricted_notes_through_any_function() {
    let t = seeded(20);
    let coord = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let v = ok(
        &t.db,
        &coord,
        "save_volunteer",
        json!({"given_name": "Secret", "family_name": "Keeper", "site": "CAL", "arrival_on": day(-10),
               "departure_on": day(30), "notes": "RESTRICTED-NOTE-XYZ"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&t.db, &coord, "set_volunteer_status", json!({"id": v, "status": "approved"}));
    ok(
        &t.db,
        &coord,
        "add_dbs_check",
        json!({"volunteer": v, "level": "enhanced_barred", "workforce": "child", "barred_children": true,
               "certificate_number": "987654321098", "issued_on": day(-5), "update_service_id": "C7777777"}),
    );
    let sh = shift(&t.db, &coord, today(), "08:00", "09:00", true);
    ok(&t.db, &coord, "assign_volunteer", json!({"shift": sh, "volunteer": v}));
    let session_id =
        ok(&t.db, &coord, "list_sessions", json!({"site": "CAL"}))[0]["id"].as_str().unwrap().to_string();
    let person: String =
        t.db.read(|c| Ok(c.query_row("SELECT id FROM people LIMIT 1", [], |r| r.get(0))?)).unwrap();
    let secrets = ["987654321098", "C7777777", "RESTRICTED-NOTE-XYZ"];
    // Every certificate number in the database, seeded ones included.
    let mut numbers: Vec<String> =
        t.db.read(|c| {
            let mut st = c.prepare("SELECT certificate_number FROM dbs_checks")?;
            let v = st.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(v)
        })
        .unwrap();
    numbers.extend(secrets.iter().map(|s| s.to_string()));
    let mut reached = 0;
    for f in FUNCTIONS {
        for input in inputs(&t, &v, &sh, &session_id, &person) {
            let text = match call(&t.db, &desk, f.name, input) {
                Ok(out) => {
                    reached += 1;
                    out.to_string()
                }
                Err(e) => e.to_string(),
            };
            for secret in &numbers {
                assert!(!text.contains(secret.as_str()), "{} showed the front desk {secret}: {text}", f.name);
            }
        }
        let dbs_fn = [
            "get_volunteer",
            "list_volunteers",
            "add_dbs_check",
            "dbs_due",
            "get_dbs_policy",
            "record_dbs_status_check",
        ];
        if dbs_fn.contains(&f.name) {
            assert_eq!(
                call(&t.db, &desk, f.name, json!({"id": v})).unwrap_err().kind(),
                ErrorKind::Forbidden,
                "{}",
                f.name
            );
        }
    }
    assert!(reached > 5, "the front desk reached some functions ({reached}): the test is not all refusals");
    // The rota the desk does see has the name and the mark, not the detail.
    let rota = ok(&t.db, &desk, "rota_week", json!({"site": "CAL"}));
    let text = rota.to_string();
    assert!(text.contains("Secret Keeper") && text.contains("\"state\":\"valid\""), "{text}");
}

#[test]
fn a_volunteer_whose_dbs_does_not_cover_child_facing_work_is_in_dbs_due() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let basic = approved_volunteer(&t.db, &s, "Basic");
    dbs(&t.db, &s, &basic, day(-10), false, json!({"level": "basic", "workforce": "adult"}));
    let adults = approved_volunteer(&t.db, &s, "Adults");
    dbs(&t.db, &s, &adults, day(-10), false, json!({"workforce": "adult"}));
    let covered = approved_volunteer(&t.db, &s, "Covered");
    dbs(&t.db, &s, &covered, day(-10), true, json!({}));
    let due = ok(&t.db, &s, "dbs_due", json!({}));
    let line = |id: &str| due.as_array().unwrap().iter().find(|d| d["id"] == id).cloned();
    for id in [&basic, &adults] {
        let d = line(id).unwrap_or_else(|| panic!("{id} is in DBS due: {due}"));
        assert_eq!(d["dbs"]["state"], "valid", "valid for other work: {d}");
        assert_eq!(d["child_facing"]["state"], "insufficient", "{d}");
    }
    assert!(line(&covered).is_none(), "a check that covers children is not due: {due}");
}
