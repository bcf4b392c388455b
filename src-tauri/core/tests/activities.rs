//! The activity timetable through the API: instances per ISO week follow their exceptions
//! (cancelled, moved), capacity is enforced on sign-ups, and attendance is recorded.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::{api, ErrorKind, Role};
use serde_json::{json, Value};
use util::strict::{err, ok};
use util::{seeded, session};

#[test]
fn timetable_instances_follow_exceptions_and_capacity_is_enforced() {
    let t = seeded(30);
    let coord = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let week = "2026-W10"; // Monday 2 March 2026
    let id = ok(
        &t.db,
        &coord,
        "save_session",
        json!({"site": "CAL", "kind": "english", "title": "English A1", "weekday": 2, "starts_at": "14:00",
               "ends_at": "15:00", "capacity": 2, "starts_on": "2026-01-01"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let tt = ok(&t.db, &desk, "timetable", json!({"site": "CAL", "week": week}));
    let mine: Vec<&Value> =
        tt["instances"].as_array().unwrap().iter().filter(|i| i["session_id"] == id.as_str()).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["on_date"], "2026-03-03");
    // Changed in place: the same session, now on Wednesdays.
    let again = ok(
        &t.db,
        &coord,
        "save_session",
        json!({"id": id, "site": "CAL", "kind": "english", "title": "English A1", "weekday": 3, "starts_at": "14:00",
               "ends_at": "15:00", "capacity": 2, "starts_on": "2026-01-01"}),
    );
    assert_eq!(again["id"], id.as_str());
    let tt = ok(&t.db, &desk, "timetable", json!({"site": "CAL", "week": week}));
    let mine: Vec<&Value> =
        tt["instances"].as_array().unwrap().iter().filter(|i| i["session_id"] == id.as_str()).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["on_date"], "2026-03-04");
    let e = api::call(
        &t.db,
        &coord,
        "save_session",
        json!({"id": "no-such-session", "site": "CAL", "kind": "english", "title": "X", "weekday": 3,
               "starts_at": "14:00", "ends_at": "15:00", "capacity": 2}),
    );
    assert_eq!(e.map_err(|e| e.kind()).err(), Some(ErrorKind::NotFound));
    // Back to Tuesdays for the rest of the test.
    ok(
        &t.db,
        &coord,
        "save_session",
        json!({"id": id, "site": "CAL", "kind": "english", "title": "English A1", "weekday": 2, "starts_at": "14:00",
               "ends_at": "15:00", "capacity": 2, "starts_on": "2026-01-01"}),
    );

    let people: Vec<String> =
        t.db.read(|c| {
            let mut st = c.prepare("SELECT id FROM people LIMIT 3")?;
            let v = st.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(v)
        })
        .unwrap();
    for p in &people[..2] {
        ok(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-03", "person": p}));
    }
    let e =
        err(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-03", "person": people[2]}));
    assert_eq!(e.kind(), ErrorKind::Conflict, "third person on a session for 2: {e}");
    let e =
        err(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-04", "person": people[2]}));
    assert_eq!(e.kind(), ErrorKind::Validation, "not held on a Wednesday: {e}");
    ok(
        &t.db,
        &desk,
        "record_attendance",
        json!({"session": id, "on_date": "2026-03-03", "person": people[0], "attended": true}),
    );
    let list = ok(&t.db, &desk, "session_sign_ups", json!({"session": id, "on_date": "2026-03-03"}));
    assert_eq!(list.as_array().unwrap().iter().filter(|p| p["attended"] == true).count(), 1);

    // Moved to Thursday at 16:00; cancelled the week after.
    ok(
        &t.db,
        &coord,
        "set_session_exception",
        json!({"session": id, "on_date": "2026-03-03", "kind": "moved", "moved_to": "2026-03-05", "starts_at": "16:00", "ends_at": "17:00"}),
    );
    ok(
        &t.db,
        &coord,
        "set_session_exception",
        json!({"session": id, "on_date": "2026-03-10", "kind": "cancelled"}),
    );
    let tt = ok(&t.db, &desk, "timetable", json!({"site": "CAL", "week": week}));
    let i =
        tt["instances"].as_array().unwrap().iter().find(|i| i["session_id"] == id.as_str()).unwrap().clone();
    assert_eq!(
        (i["held_on"].as_str(), i["starts_at"].as_str(), i["signed_up"].as_u64()),
        (Some("2026-03-05"), Some("16:00"), Some(2))
    );
    let e =
        err(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-10", "person": people[2]}));
    assert_eq!(e.kind(), ErrorKind::Conflict, "cancelled: {e}");
    assert_eq!(
        err(
            &t.db,
            &desk,
            "save_session",
            json!({"site": "CAL", "kind": "other", "title": "x", "weekday": 1,
        "starts_at": "10:00", "ends_at": "11:00", "capacity": 3})
        )
        .kind(),
        ErrorKind::Forbidden
    );
}

#[test]
fn an_adult_signed_up_to_childrens_play_is_a_warning_not_a_refusal() {
    let t = seeded(0);
    let coord = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let id = ok(
        &t.db,
        &coord,
        "save_session",
        json!({"site": "CAL", "kind": "childrens_play", "title": "Children's play", "weekday": 2, "starts_at": "10:00",
               "ends_at": "11:00", "capacity": 10, "starts_on": "2026-01-01"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let person = |given: &str, born: &str, sex: &str| {
        ok(
            &t.db,
            &desk,
            "create_person",
            json!({"given_name": given, "family_name": "Play", "date_of_birth": born, "sex": sex, "site": "CAL",
                   "confirm_not_duplicate": true}),
        )["person"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let man = person("Karim", "1984-01-10", "male");
    let child = person("Lina", "2020-05-01", "female");
    let out = ok(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-03", "person": man}));
    let warnings = out["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{out}");
    assert_eq!(warnings[0]["kind"], "session_audience_age");
    assert_eq!(warnings[0]["params"]["age"], 42);
    assert!(warnings[0]["message"].as_str().unwrap().contains("Karim"), "{out}");
    let list = ok(&t.db, &desk, "session_sign_ups", json!({"session": id, "on_date": "2026-03-03"}));
    assert_eq!(list.as_array().unwrap().len(), 1, "signed up all the same");
    let out = ok(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-03", "person": child}));
    assert_eq!(out["warnings"], json!([]), "a child of 5 is the audience");
}

fn pdf_text(path: &std::path::Path, page: Option<usize>) -> String {
    let mut cmd = std::process::Command::new("pdftotext");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let out = cmd.arg(path).arg("-").output().expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_single_sessions_sheet_has_a_row_per_place_repeats_its_name_and_gives_babies_months() {
    let t = seeded(30);
    let coord = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let id = ok(
        &t.db,
        &coord,
        "save_session",
        json!({"site": "CAL", "kind": "other", "title": "Baby massage", "weekday": 2, "starts_at": "10:00",
               "ends_at": "11:00", "capacity": 30, "starts_on": "2026-01-01"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    let people: Vec<String> =
        t.db.read(|c| {
            let mut st = c.prepare("SELECT id FROM people ORDER BY code LIMIT 3")?;
            let v = st.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(v)
        })
        .unwrap();
    // The first is a baby of eight months.
    let born = util::today().checked_sub_months(chrono::Months::new(8)).unwrap();
    t.db.write(|c| {
        Ok(c.execute(
            "UPDATE people SET date_of_birth = ?1 WHERE id = ?2",
            rusqlite::params![born, people[0]],
        )?)
    })
    .unwrap();
    for p in &people {
        ok(&t.db, &desk, "sign_up", json!({"session": id, "on_date": "2026-03-03", "person": p}));
    }
    let path = t.dir.path().join("session.pdf");
    let printed = ok(
        &t.db,
        &desk,
        "print_activity_sheet",
        json!({"site": "CAL", "week": "2026-W10", "session": id, "path": path.to_str().unwrap()}),
    );
    assert_eq!(printed["rows"], 3);
    let pages = printed["pages"].as_u64().unwrap() as usize;
    assert!(pages >= 2, "30 places take more than a page");
    if util::poppler_skipped_under_wine(
        "a_single_sessions_sheet_has_a_row_per_place_repeats_its_name_and_gives_babies_months",
    ) {
        return;
    }
    let all = pdf_text(&path, None);
    assert!(all.contains("8 months"), "a baby's age is in months: {all}");
    // A blank row for every free place: rows numbered up to the capacity, 30.
    let numbers: Vec<&str> = all.split(' ').collect();
    for n in 4..=30 {
        assert!(numbers.contains(&n.to_string().as_str()), "no blank row {n}: {all}");
    }
    assert!(!numbers.contains(&"31"), "no more rows than places");
    // The session continued on the next page repeats its name there.
    for p in 2..=pages {
        let text = pdf_text(&path, Some(p));
        assert!(text.contains("Baby massage (continued)"), "page {p} does not name its session: {text}");
    }
}
