//! The rota through the API: the rules for putting a volunteer on a shift (stay, overlap,
//! approval), the demo rota, the printed roster, and shifts that follow the session they staff.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::NaiveDate;
use haven_core::{Db, ErrorKind, Role};
use serde_json::{json, Value};
use util::strict::{err, ok};
use util::volunteers::{approved_volunteer, assign, day, dbs, shift};
use util::{seeded, session, today};

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
    if util::poppler_skipped_under_wine("the_roster_and_activity_sheet_print_names_marks_legend_and_contact")
    {
        return;
    }
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
    if util::poppler_skipped_under_wine("a_shift_for_a_session_follows_it_when_moved_or_cancelled_and_a_move_its_volunteers_cannot_make_is_refused") {
        return;
    }
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
