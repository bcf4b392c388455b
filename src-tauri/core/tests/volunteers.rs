//! Volunteers, DBS checks and the rota through the API: every rule at its
//! boundary, and that the front desk never reads DBS detail or restricted notes.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Days, Local, Months, NaiveDate};
use haven_core::api::FUNCTIONS;
use haven_core::{Db, ErrorKind, Role, Session};
use serde_json::{json, Value};
use util::strict::{call, err, ok};
use util::{seeded, session};

fn today() -> NaiveDate {
    Local::now().date_naive()
}

fn day(offset: i64) -> NaiveDate {
    if offset >= 0 {
        today().checked_add_days(Days::new(offset as u64)).unwrap()
    } else {
        today().checked_sub_days(Days::new((-offset) as u64)).unwrap()
    }
}

/// An approved volunteer at CAL staying from 30 days ago to 60 days ahead.
fn approved_volunteer(db: &Db, s: &Session, given: &str) -> String {
    let v = ok(
        db,
        s,
        "save_volunteer",
        json!({"given_name": given, "family_name": "Test", "site": "CAL",
               "arrival_on": day(-30), "departure_on": day(60), "notes": "RESTRICTED-NOTE-XYZ"}),
    );
    let id = v["id"].as_str().unwrap().to_string();
    ok(db, s, "set_volunteer_status", json!({"id": id, "status": "approved"}));
    id
}

fn shift(db: &Db, s: &Session, on: NaiveDate, starts: &str, ends: &str, child_facing: bool) -> String {
    let v = ok(
        db,
        s,
        "create_shift",
        json!({"site": "CAL", "on_date": on, "starts_at": starts, "ends_at": ends,
               "role": if child_facing { "Children's play" } else { "Front desk" }, "child_facing": child_facing, "needed": 3}),
    );
    v["id"].as_str().unwrap().to_string()
}

fn dbs(db: &Db, s: &Session, v: &str, issued: NaiveDate, barred_children: bool, extra: Value) -> String {
    let mut input = json!({"volunteer": v, "level": "enhanced_barred", "workforce": "child",
        "barred_children": barred_children, "certificate_number": "001234567890", "issued_on": issued});
    if let (Some(obj), Some(more)) = (input.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    ok(db, s, "add_dbs_check", input)["id"].as_str().unwrap().to_string()
}

fn assign(db: &Db, s: &Session, shift: &str, v: &str) -> haven_core::Result<Value> {
    call(db, s, "assign_volunteer", json!({"shift": shift, "volunteer": v}))
}

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
fn no_dbs_outside_the_stay_overlapping_and_not_approved_are_refused() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Rules");
    let child = shift(&t.db, &s, today(), "10:00", "12:00", true);
    let e = assign(&t.db, &s, &child, &v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("missing"), "no DBS at all: {e}");

    dbs(&t.db, &s, &v, day(-100), true, json!({}));
    assign(&t.db, &s, &child, &v).expect("valid now");

    let overlapping = shift(&t.db, &s, today(), "11:30", "13:00", false);
    assert_eq!(assign(&t.db, &s, &overlapping, &v).unwrap_err().kind(), ErrorKind::Conflict);
    let after = shift(&t.db, &s, today(), "12:00", "13:00", false);
    assign(&t.db, &s, &after, &v).expect("back to back is not an overlap");

    let late = shift(&t.db, &s, day(61), "10:00", "12:00", false);
    let e = assign(&t.db, &s, &late, &v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("outside"), "{e}");
    let last_day = shift(&t.db, &s, day(60), "10:00", "12:00", false);
    assign(&t.db, &s, &last_day, &v).expect("the departure day is in the stay");

    let applicant = ok(
        &t.db,
        &s,
        "save_volunteer",
        json!({"given_name": "New", "site": "CAL", "arrival_on": day(-1), "departure_on": day(30)}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    dbs(&t.db, &s, &applicant, day(-10), true, json!({}));
    let desk = shift(&t.db, &s, today(), "15:00", "16:00", false);
    let e = assign(&t.db, &s, &desk, &applicant).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("not approved"), "{e}");
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
fn the_seed_has_volunteers_with_missing_expired_and_expiring_dbs_and_a_rota_with_gaps() {
    let t = seeded(200);
    let lead = session(&t.db, Role::Lead);
    let due = ok(&t.db, &lead, "dbs_due", json!({}));
    let states: Vec<&str> =
        due.as_array().unwrap().iter().filter_map(|d| d["dbs"]["state"].as_str()).collect();
    for s in ["missing", "expired", "expiring_soon"] {
        assert!(states.contains(&s), "the demo has a volunteer whose DBS is {s}: {states:?}");
    }
    let rota = ok(&t.db, &lead, "rota_week", json!({"site": "CAL"}));
    assert!(rota["shifts"].as_array().unwrap().len() >= 5);
    assert!(rota["gaps"].as_u64().unwrap() > 0, "the demo rota shows gaps");
    let assigned: usize =
        rota["shifts"].as_array().unwrap().iter().map(|s| s["assigned"].as_array().unwrap().len()).sum();
    assert!(assigned > 0, "the demo rota has volunteers on it");
}

fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args([path.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed");
    // Cells wrap: compare words, not lines.
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_roster_and_activity_sheet_print_names_marks_legend_and_contact() {
    let t = seeded(60);
    let coord = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let v = approved_volunteer(&t.db, &coord, "Zainab");
    dbs(&t.db, &coord, &v, day(-20), true, json!({}));
    let sh = shift(&t.db, &coord, today(), "07:00", "08:00", true);
    ok(&t.db, &coord, "assign_volunteer", json!({"shift": sh, "volunteer": v}));
    let path = t.dir.path().join("roster.pdf");
    let input = json!({"site": "CAL", "path": path.to_str().unwrap()});
    assert_eq!(err(&t.db, &desk, "print_roster", input.clone()).kind(), ErrorKind::Forbidden);
    let printed = ok(&t.db, &coord, "print_roster", input);
    assert!(printed["pages"].as_u64().unwrap() >= 1);
    let text = pdf_text(&path);
    for want in [
        "Volunteer rota",
        "Zainab Test",
        "DBS valid until date",
        "DBS expiring soon",
        "DBS not valid",
        "Sarah Okafor",
    ] {
        assert!(text.contains(want), "the roster has \"{want}\":\n{text}");
    }
    assert!(!text.contains("001234567890"), "no certificate number on the roster");
    // The DBS date is whole: "until 12 Nov 2029", never cut with "…".
    let after = text.split("Zainab Test until ").nth(1).expect("Zainab's DBS date");
    let date: Vec<&str> = after.split(' ').take(3).collect();
    assert!(
        date[0].parse::<u32>().is_ok()
            && date[1].len() == 3
            && date[2].len() == 4
            && date[2].parse::<u32>().is_ok(),
        "the DBS date is cut: {date:?}"
    );
    assert!(!text.contains('…'), "nothing on the roster is cut: {text}");
    // The shift is child-facing, and says so; the legend is one line under the table, not a row.
    assert!(text.contains("07:00–08:00") && text.contains("Child-facing"), "{text}");
    let layout = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let layout = String::from_utf8(layout.stdout).unwrap();
    assert!(
        layout.lines().any(|l| l.contains("DBS valid until date")
            && l.contains("DBS not valid")
            && l.contains("Gaps:")),
        "the legend is not one line:\n{layout}"
    );
    assert!(!text.contains("Legend"), "the legend is no longer a table row");

    let sheet = t.dir.path().join("activity.pdf");
    let printed =
        ok(&t.db, &desk, "print_activity_sheet", json!({"site": "CAL", "path": sheet.to_str().unwrap()}));
    let text = pdf_text(&sheet);
    assert!(text.contains("Activity sign-up and attendance") && text.contains("Children"), "{text}");
    assert!(printed["rows"].as_u64().unwrap() > 0, "the demo week has sign-ups on the sheet");
    let code: String = t
        .db
        .read(|c| Ok(c.query_row("SELECT p.code FROM session_signups g JOIN people p ON p.id = g.person_id JOIN activity_sessions a ON a.id = g.session_id JOIN sites s ON s.id = a.site_id WHERE s.code = 'CAL' LIMIT 1", [], |r| r.get(0))?))
        .unwrap();
    assert!(text.contains(&code), "a signed-up person's code {code} is on the sheet");
}

/// A shift's date, times and cancelled flag, read from the file.
fn shift_row(db: &Db, id: &str) -> (String, String, String, bool) {
    db.read(|c| {
        Ok(c.query_row(
            "SELECT on_date, starts_at, ends_at, cancelled FROM shifts WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?)
    })
    .unwrap()
}

fn iso_week(d: NaiveDate) -> String {
    d.format("%G-W%V").to_string()
}

#[test]
fn a_shift_for_a_session_follows_it_when_moved_or_cancelled_and_a_move_its_volunteers_cannot_make_is_refused()
{
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let on = day(7);
    let moved = day(8);
    let weekday = chrono::Datelike::weekday(&on).number_from_monday();
    let session_input = |child_facing: bool, id: Option<&str>| {
        json!({"id": id, "site": "CAL", "kind": "womens", "title": "Women's session", "weekday": weekday,
               "starts_at": "10:00", "ends_at": "12:00", "capacity": 10, "child_facing": child_facing,
               "starts_on": today()})
    };
    let sid = ok(&t.db, &s, "save_session", session_input(false, None))["id"].as_str().unwrap().to_string();

    // Linked: the session's times, on a day it is held.
    let e = err(
        &t.db,
        &s,
        "create_shift",
        json!({"site": "CAL", "on_date": on, "session": sid, "starts_at": "09:00"}),
    );
    assert_eq!(
        e.to_payload().field.as_deref(),
        Some("starts_at"),
        "other times than the session's are refused: {e}"
    );
    assert!(e.to_string().contains("10:00–12:00"), "{e}");
    let e = err(&t.db, &s, "create_shift", json!({"site": "CAL", "on_date": moved, "session": sid}));
    assert_eq!(e.to_payload().field.as_deref(), Some("on_date"), "not held that day: {e}");
    let sh =
        ok(&t.db, &s, "create_shift", json!({"site": "CAL", "on_date": on, "session": sid, "needed": 2}))
            ["id"]
            .as_str()
            .unwrap()
            .to_string();
    assert_eq!(shift_row(&t.db, &sh), (on.to_string(), "10:00".into(), "12:00".into(), false));
    let rota = ok(&t.db, &s, "rota_week", json!({"site": "CAL", "week": iso_week(on)}));
    let listed = rota["shifts"].as_array().unwrap().iter().find(|x| x["id"] == sh.as_str()).unwrap().clone();
    assert_eq!(listed["role"], "Women's session");
    assert_eq!(listed["session_on"], on.to_string());

    let stays = approved_volunteer(&t.db, &s, "Stays");
    dbs(&t.db, &s, &stays, day(-30), true, json!({}));
    assign(&t.db, &s, &sh, &stays).expect("assigned");

    // Moved: the shift moves with its session; put back: it comes back.
    let exception = |kind: Value, moved_to: Value, starts: Value| {
        json!({"session": sid, "on_date": on, "kind": kind, "moved_to": moved_to, "starts_at": starts,
               "ends_at": if starts.is_null() { Value::Null } else { json!("17:00") }, "reason": "Hall"})
    };
    ok(&t.db, &s, "set_session_exception", exception(json!("moved"), json!(moved), json!("15:00")));
    assert_eq!(shift_row(&t.db, &sh), (moved.to_string(), "15:00".into(), "17:00".into(), false));
    ok(&t.db, &s, "set_session_exception", exception(Value::Null, Value::Null, Value::Null));
    assert_eq!(shift_row(&t.db, &sh), (on.to_string(), "10:00".into(), "12:00".into(), false));

    // Cancelled: kept with its volunteer, no gap, nobody new; put back: open again.
    ok(&t.db, &s, "set_session_exception", exception(json!("cancelled"), Value::Null, Value::Null));
    assert!(shift_row(&t.db, &sh).3, "marked cancelled");
    let rota = ok(&t.db, &s, "rota_week", json!({"site": "CAL", "week": iso_week(on)}));
    let listed = rota["shifts"].as_array().unwrap().iter().find(|x| x["id"] == sh.as_str()).unwrap().clone();
    assert_eq!(listed["cancelled"], true);
    assert_eq!(listed["assigned"].as_array().unwrap().len(), 1, "its volunteer is still listed, to be told");
    let other_gaps: u64 = rota["shifts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["id"] != sh.as_str() && x["cancelled"] == false)
        .map(|x| x["needed"].as_u64().unwrap() - x["assigned"].as_array().unwrap().len() as u64)
        .sum();
    assert_eq!(rota["gaps"].as_u64().unwrap(), other_gaps, "a cancelled shift has no gaps");
    let roster = t.dir.path().join("roster-cancelled.pdf");
    ok(
        &t.db,
        &s,
        "print_roster",
        json!({"site": "CAL", "week": iso_week(on), "path": roster.to_str().unwrap()}),
    );
    let text = pdf_text(&roster);
    assert!(
        text.contains("Cancelled") && !text.contains("Stays Test"),
        "the roster says cancelled, not who works it:\n{text}"
    );
    let leaving = ok(
        &t.db,
        &s,
        "save_volunteer",
        json!({"given_name": "Leaving", "family_name": "Soon", "site": "CAL", "arrival_on": day(-30), "departure_on": on}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    ok(&t.db, &s, "set_volunteer_status", json!({"id": leaving, "status": "approved"}));
    dbs(&t.db, &s, &leaving, day(-30), true, json!({}));
    let e = assign(&t.db, &s, &sh, &leaving).unwrap_err();
    assert!(e.to_string().contains("cancelled"), "{e}");
    ok(&t.db, &s, "set_session_exception", exception(Value::Null, Value::Null, Value::Null));
    assert!(!shift_row(&t.db, &sh).3);
    assign(&t.db, &s, &sh, &leaving).expect("open again: their last day");

    // A move past the last day of someone on the shift is refused, naming them; nothing changes.
    let e = err(&t.db, &s, "set_session_exception", exception(json!("moved"), json!(moved), Value::Null));
    assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
    assert!(e.to_string().contains("Leaving Soon") && e.to_string().contains("outside"), "{e}");
    assert_eq!(shift_row(&t.db, &sh), (on.to_string(), "10:00".into(), "12:00".into(), false));
    let exceptions: i64 =
        t.db.read(|c| {
            Ok(c.query_row("SELECT count(*) FROM session_exceptions WHERE session_id = ?1", [&sid], |r| {
                r.get(0)
            })?)
        })
        .unwrap();
    assert_eq!(exceptions, 0, "the refused move wrote nothing");

    // The session becomes child-facing: refused while someone without the children's barred
    // list check is on its shift; accepted once they are off, and the shift follows.
    let basic = approved_volunteer(&t.db, &s, "Basic");
    dbs(&t.db, &s, &basic, day(-30), false, json!({"level": "basic", "workforce": "adult"}));
    ok(&t.db, &s, "unassign_volunteer", json!({"shift": sh, "volunteer": leaving}));
    assign(&t.db, &s, &sh, &basic).expect("a basic check will do for an adults' session");
    let e = err(&t.db, &s, "save_session", session_input(true, Some(&sid)));
    assert!(e.to_string().contains("Basic Test") && e.to_string().contains("child-facing"), "{e}");
    let cf: bool =
        t.db.read(|c| Ok(c.query_row("SELECT child_facing FROM shifts WHERE id = ?1", [&sh], |r| r.get(0))?))
            .unwrap();
    assert!(!cf, "refused: the shift is unchanged");
    ok(&t.db, &s, "unassign_volunteer", json!({"shift": sh, "volunteer": basic}));
    ok(&t.db, &s, "save_session", session_input(true, Some(&sid)));
    let (cf, req): (bool, String) =
        t.db.read(|c| {
            Ok(c.query_row("SELECT child_facing, required_dbs FROM shifts WHERE id = ?1", [&sh], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?)
        })
        .unwrap();
    assert!(cf && req == "enhanced_barred", "the shift follows the session: {cf} {req}");

    // A session no longer held on that weekday leaves its shift cancelled.
    let mut other_day = session_input(true, Some(&sid));
    other_day["weekday"] = json!(weekday % 7 + 1);
    ok(&t.db, &s, "save_session", other_day);
    assert!(shift_row(&t.db, &sh).3, "not held that day any more");
}
