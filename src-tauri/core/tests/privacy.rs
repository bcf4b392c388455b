//! Data protection: subject access export, erasure by anonymisation, and retention.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Local, Months};
use haven_core::{api, ErrorKind, Role};
use serde_json::{json, Value};

fn call(t: &util::TestDb, role: Role, name: &str, input: Value) -> Result<Value, haven_core::Error> {
    api::call(&t.db, &util::session(&t.db, role), name, input)
}

/// A person with a note, a flag with details and a referral.
fn person_with_a_file(t: &util::TestDb) -> (String, String) {
    let p = call(
        t,
        Role::Coordinator,
        "create_person",
        json!({"given_name": "Mariam", "family_name": "Haidari", "original_name": "مریم حیدری",
               "date_of_birth": "1994-03-17", "phone": "+33 6 11 22 33 44", "nationality": "Afghan",
               "confirm_not_duplicate": true}),
    )
    .unwrap();
    let id = p["person"]["id"].as_str().unwrap().to_string();
    let code = p["person"]["code"].as_str().unwrap().to_string();
    call(t, Role::Coordinator, "add_note", json!({"person": id, "body": "Talked about the night crossing."}))
        .unwrap();
    call(t, Role::Coordinator, "set_flag", json!({"person": id, "kind": "pregnant", "due_date": Local::now().date_naive().checked_add_months(Months::new(4)).unwrap().format("%Y-%m-%d").to_string(), "details": "Second child, due in spring"}))
        .unwrap();
    (id, code)
}

fn search(t: &util::TestDb, text: &str) -> usize {
    let page = call(t, Role::Lead, "search_people", json!({"text": text, "status": null})).unwrap();
    page["rows"].as_array().unwrap().len()
}

#[test]
fn subject_access_writes_everything_as_json_and_a_readable_pdf() {
    let t = util::seeded(10);
    let (id, _) = person_with_a_file(&t);
    let json_path = t.dir.path().join("mariam.json");
    let pdf_path = t.dir.path().join("mariam.pdf");
    let out = call(
        &t,
        Role::Coordinator,
        "export_person_data",
        json!({"id": id, "json_path": json_path.to_str(), "pdf_path": pdf_path.to_str()}),
    )
    .unwrap();
    assert!(out["records"].as_u64().unwrap() >= 4);
    let data: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(data["person"]["family_name"], "Haidari");
    assert_eq!(data["records"]["notes"][0]["body"], "Talked about the night crossing.");
    assert_eq!(data["records"]["person_flags"][0]["kind"], "pregnant");
    assert!(data["audit"].as_array().unwrap().iter().any(|e| e["action"] == "create"));
    if !util::poppler_skipped_under_wine("subject_access_writes_everything_as_json_and_a_readable_pdf") {
        let text = std::process::Command::new("pdftotext").arg(&pdf_path).arg("-").output().unwrap();
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("Haidari") && text.contains("night crossing"), "{text}");
        assert!(text.contains("مریم") || text.contains("حیدری"), "the original-script name prints too");
    }

    let desk =
        call(&t, Role::FrontDesk, "export_person_data", json!({"id": id, "json_path": json_path.to_str()}));
    assert_eq!(desk.unwrap_err().kind(), ErrorKind::Forbidden);
}

#[test]
fn erasure_removes_identity_keeps_the_numbers_and_asks_for_confirmation() {
    let t = util::seeded(10);
    let (id, code) = person_with_a_file(&t);
    let refused = call(&t, Role::Lead, "erase_person", json!({"id": id}));
    assert_eq!(refused.unwrap_err().kind(), ErrorKind::Validation);
    assert_eq!(search(&t, "Haidari"), 1, "nothing changed without confirmation");
    let coord = call(&t, Role::Coordinator, "erase_person", json!({"id": id, "confirm": true}));
    assert_eq!(coord.unwrap_err().kind(), ErrorKind::Forbidden, "erasure is for leads");

    let out = call(&t, Role::Lead, "erase_person", json!({"id": id, "confirm": true})).unwrap();
    assert_eq!(out["code"], code.as_str());
    assert_eq!(search(&t, "Haidari"), 0);
    assert_eq!(search(&t, "مریم"), 0);
    let rec = call(&t, Role::Lead, "get_person", json!({"id": id})).unwrap();
    assert_eq!(rec["person"]["code"], code.as_str(), "the code and the record stay for the statistics");
    assert_eq!(rec["person"]["given_name"], "Anonymised");
    assert_eq!(rec["person"]["phone"], Value::Null);
    assert_eq!(rec["person"]["date_of_birth"], "1994-07-01", "only the year of birth is kept");
    assert_eq!(rec["notes"].as_array().unwrap().len(), 0);
    let flags = rec["person"]["flags"].as_array().unwrap();
    assert!(flags.iter().any(|f| f["kind"] == "pregnant"), "the flag's kind stays: {flags:?}");
    assert!(flags.iter().all(|f| f["details"].as_str().unwrap_or_default().is_empty()));
    let again = call(&t, Role::Lead, "erase_person", json!({"id": id, "confirm": true}));
    assert_eq!(again.unwrap_err().kind(), ErrorKind::Conflict);
    // Nothing identifying can be put back on the anonymised record.
    let note = call(&t, Role::Lead, "add_note", json!({"person": id, "body": "A name again"}));
    assert_eq!(note.unwrap_err().kind(), ErrorKind::Conflict, "no note on an anonymised record");
    let flag = call(&t, Role::Lead, "set_flag", json!({"person": id, "kind": "medical", "details": "Named"}));
    assert_eq!(flag.unwrap_err().kind(), ErrorKind::Conflict, "no flag details either");
}

#[test]
fn retention_anonymises_closed_cases_older_than_the_period_only() {
    let t = util::seeded(5);
    let today = Local::now().date_naive();
    let mut ids = Vec::new();
    for (name, months_ago, status) in [
        ("Older", 25, "closed"),
        ("Exactly", 24, "closed"),
        ("Younger", 23, "closed"),
        ("Active", 60, "active"),
    ] {
        let p = call(
            &t,
            Role::Coordinator,
            "create_person",
            json!({"given_name": name, "family_name": "Retention", "confirm_not_duplicate": true}),
        )
        .unwrap();
        let id = p["person"]["id"].as_str().unwrap().to_string();
        let day = today.checked_sub_months(Months::new(months_ago)).unwrap();
        t.db.write(|tx| {
            tx.execute(
                "UPDATE people SET status = ?2, closed_on = CASE WHEN ?2 = 'closed' THEN ?3 END WHERE id = ?1",
                rusqlite::params![id, status, day.format("%Y-%m-%d").to_string()],
            )?;
            Ok(())
        })
        .unwrap();
        ids.push(id);
    }
    let out = call(&t, Role::Lead, "run_retention", json!({})).unwrap();
    assert_eq!(out["anonymised"], 1, "{out}");
    let names: Vec<String> = ids
        .iter()
        .map(|id| {
            call(&t, Role::Lead, "get_person", json!({"id": id})).unwrap()["person"]["given_name"]
                .as_str()
                .unwrap()
                .into()
        })
        .collect();
    assert_eq!(names, ["Anonymised", "Exactly", "Younger", "Active"]);
    let again = call(&t, Role::Lead, "run_retention", json!({})).unwrap();
    assert_eq!(again["anonymised"], 0, "nothing is anonymised twice");
}

#[test]
fn closing_a_case_records_the_day_and_reopening_clears_it() {
    let t = util::seeded(5);
    let p = call(
        &t,
        Role::Coordinator,
        "create_person",
        json!({"given_name": "Lina", "family_name": "Close", "confirm_not_duplicate": true}),
    )
    .unwrap();
    let id = p["person"]["id"].as_str().unwrap().to_string();
    let closed_on = |t: &util::TestDb| -> Option<String> {
        t.db.read(|c| Ok(c.query_row("SELECT closed_on FROM people WHERE id = ?1", [&id], |r| r.get(0))?))
            .unwrap()
    };
    call(&t, Role::Coordinator, "set_person_status", json!({"id": id, "status": "closed"})).unwrap();
    assert_eq!(closed_on(&t), Some(Local::now().date_naive().format("%Y-%m-%d").to_string()));
    call(&t, Role::Coordinator, "set_person_status", json!({"id": id, "status": "active"})).unwrap();
    assert_eq!(closed_on(&t), None);
}

#[test]
fn dbs_detail_of_volunteers_who_left_is_reduced_after_the_period() {
    let t = util::seeded(5);
    let today = Local::now().date_naive();
    let ago = |m: u32| today.checked_sub_months(Months::new(m)).unwrap().format("%Y-%m-%d").to_string();
    let mut ids = Vec::new();
    for (name, left_months_ago, cert) in [("Long", 8, "111122223333"), ("Recent", 5, "444455556666")] {
        let v = call(
            &t,
            Role::Coordinator,
            "save_volunteer",
            json!({"given_name": name, "family_name": "Gone", "site": "CAL", "arrival_on": ago(left_months_ago + 2), "departure_on": ago(left_months_ago)}),
        )
        .unwrap();
        let id = v["id"].as_str().unwrap().to_string();
        call(
            &t,
            Role::Coordinator,
            "add_dbs_check",
            json!({"volunteer": id, "level": "enhanced_barred", "workforce": "child", "barred_children": true,
                   "barred_adults": false, "certificate_number": cert, "issued_on": ago(left_months_ago + 3)}),
        )
        .unwrap();
        for status in ["approved", "active", "left"] {
            call(&t, Role::Coordinator, "set_volunteer_status", json!({"id": id, "status": status})).unwrap();
        }
        ids.push(id);
    }
    let out = call(&t, Role::Lead, "run_retention", json!({})).unwrap();
    assert_eq!(out["dbs_reduced"], 1, "{out}");
    let (checks, reduced): (Vec<String>, Vec<(String, String)>) =
        t.db.read(|c| {
            let mut s = c.prepare("SELECT certificate_number FROM dbs_checks ORDER BY 1")?;
            let checks = s.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
            let mut s = c.prepare("SELECT certificate_number, status FROM dbs_reduced")?;
            let reduced = s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
            Ok((checks, reduced))
        })
        .unwrap();
    assert!(!checks.contains(&"111122223333".to_string()), "the long-gone volunteer's detail is gone");
    assert!(checks.contains(&"444455556666".to_string()), "the recent one's is kept");
    assert_eq!(reduced.len(), 1);
    assert_eq!(reduced[0].0, "111122223333");
    assert!(reduced[0].1.contains("valid when the volunteer left"), "{}", reduced[0].1);
}
