//! The case book through the API, rule by rule, on a real encrypted database.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Datelike, Days, Months, NaiveDate};
use haven_core::api;
use haven_core::{Db, ErrorKind, Role, Session};
use serde_json::{json, Value};
use util::{call, err, seeded, session, today};

fn years_ago(y: u32) -> NaiveDate {
    today().checked_sub_months(Months::new(y * 12)).unwrap()
}

fn register(db: &Db, s: &Session, body: Value) -> Value {
    let mut body = body;
    body["confirm_not_duplicate"] = json!(true);
    call(db, s, "create_person", body)["person"].clone()
}

fn find(db: &Db, s: &Session, text: &str) -> Vec<String> {
    let page = call(db, s, "search_people", json!({"text": text, "limit": 500}));
    page["rows"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn registering_gives_a_site_code_records_consent_and_is_audited() {
    let t = seeded(20);
    let tom = session(&t.db, Role::FrontDesk);
    let p = register(
        &t.db,
        &tom,
        json!({"given_name": " Rahma ", "family_name": "Idriss", "original_name": "رحمة إدريس",
               "sex": "female", "date_of_birth": years_ago(30), "site": "DUN", "consent": true}),
    );
    assert_eq!(p["given_name"], "Rahma", "names are trimmed");
    assert!(p["code"].as_str().unwrap().starts_with("DUN-"));
    assert_eq!(p["consent_at"], json!(today().to_string()));
    assert_eq!(p["consent_by"], "Tom Reyes");
    assert_eq!(p["age"]["years"], 30);
    let lead = session(&t.db, Role::Lead);
    let log = call(&t.db, &lead, "list_audit_log", json!({"entity": "person", "limit": 1}));
    assert_eq!(log[0]["action"], "create");
    assert_eq!(log[0]["entity_id"], p["id"]);
    // The lead reads whom it was about, looked up now (the log itself stores no name).
    assert_eq!(log[0]["subject"], json!(format!("{} Rahma Idriss", p["code"].as_str().unwrap())));
    assert!(!log[0]["detail"].as_str().unwrap_or("").contains("Rahma"));
}

#[test]
fn bad_details_are_refused_with_the_field_named_and_nothing_saved() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    let cases = [
        (json!({"given_name": "  "}), "given_name"),
        (json!({"given_name": "A", "date_of_birth": today() + Days::new(1)}), "date_of_birth"),
        (json!({"given_name": "A", "phone": "call me"}), "phone"),
        (json!({"given_name": "A", "estimated_age": 300}), "estimated_age"),
        (json!({"given_name": "A", "site": "XYZ"}), ""),
    ];
    for (input, field) in cases {
        let e = err(&t.db, &s, "create_person", input.clone());
        if field.is_empty() {
            assert_eq!(e.kind, ErrorKind::NotFound, "{input}");
        } else {
            assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some(field)), "{input}");
        }
    }
    let total = call(&t.db, &s, "dashboard_counts", json!({}))["people_total"].clone();
    assert_eq!(total, 5, "nothing was registered");
}

#[test]
fn an_estimated_age_gives_an_estimated_first_of_january_birth_date() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    let p = register(&t.db, &s, json!({"given_name": "Dawit", "estimated_age": 15}));
    let dob: NaiveDate = serde_json::from_value(p["date_of_birth"].clone()).unwrap();
    assert_eq!(dob, NaiveDate::from_ymd_opt(today().year_ce().1 as i32 - 15, 1, 1).unwrap());
    assert_eq!(p["dob_estimated"], true);
}

#[test]
fn a_likely_duplicate_is_shown_before_saving_and_needs_confirmation() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    let zoe = register(
        &t.db,
        &s,
        json!({"given_name": "Zoë", "family_name": "Nguyễn", "date_of_birth": years_ago(30)}),
    );

    let same = json!({"given_name": "Zoe", "family_name": "Nguyen", "date_of_birth": years_ago(31)});
    let dups = call(&t.db, &s, "find_duplicates", same.clone());
    assert_eq!(dups[0]["person"]["id"], zoe["id"], "accent-insensitive name and close age");
    assert!(dups[0]["reasons"][0].as_str().unwrap().contains("similar name"));

    let refused = err(&t.db, &s, "create_person", same.clone());
    assert_eq!(refused.kind, ErrorKind::Conflict);
    assert!(refused.message.contains(zoe["code"].as_str().unwrap()), "{}", refused.message);

    let mut confirmed = same;
    confirmed["confirm_not_duplicate"] = json!(true);
    assert!(api::call(&t.db, &s, "create_person", confirmed).is_ok());

    let far_age = json!({"given_name": "Zoe", "family_name": "Nguyen", "date_of_birth": years_ago(60)});
    assert_eq!(call(&t.db, &s, "find_duplicates", far_age), json!([]), "same name, 30 years apart");
}

#[test]
fn the_same_phone_number_is_a_likely_duplicate_whatever_the_name() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    let a = register(
        &t.db,
        &s,
        json!({"given_name": "Hawa", "family_name": "Osman", "phone": "+33 6 12 34 56 78"}),
    );
    let dups = call(&t.db, &s, "find_duplicates", json!({"given_name": "Mariam", "phone": "06 12 34 56 78"}));
    assert_eq!(dups[0]["person"]["id"], a["id"]);
    assert_eq!(dups[0]["reasons"], json!(["same phone number"]));
}

fn flag_kinds(p: &Value) -> Vec<String> {
    p["flags"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap().to_string()).collect()
}

#[test]
fn baby_and_unaccompanied_minor_flags_are_derived() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let baby_dob = today().checked_sub_months(Months::new(3)).unwrap();
    let mother = register(
        &t.db,
        &s,
        json!({"given_name": "Senait", "family_name": "Tekle", "sex": "female", "date_of_birth": years_ago(25)}),
    );
    let baby = register(
        &t.db,
        &s,
        json!({"given_name": "Luwam", "family_name": "Tekle", "date_of_birth": baby_dob,
                                           "household_with": mother["id"], "relationship": "child"}),
    );
    assert_eq!(flag_kinds(&baby), vec!["baby"], "a baby with their mother is not unaccompanied");

    let minor = register(
        &t.db,
        &s,
        json!({"given_name": "Yonas", "family_name": "Haile", "date_of_birth": years_ago(16)}),
    );
    let rec = call(&t.db, &s, "get_person", json!({"id": minor["id"]}));
    assert_eq!(flag_kinds(&rec["person"]), vec!["unaccompanied_minor"]);
    assert_eq!(rec["person"]["flags"][0]["derived"], true);

    // An adult joins: no longer unaccompanied.
    let uncle = register(
        &t.db,
        &s,
        json!({"given_name": "Dawit", "family_name": "Haile", "date_of_birth": years_ago(40)}),
    );
    call(
        &t.db,
        &s,
        "join_household",
        json!({"person": uncle["id"], "with_person": minor["id"], "relationship": "guardian"}),
    );
    let rec = call(&t.db, &s, "get_person", json!({"id": minor["id"]}));
    assert_eq!(flag_kinds(&rec["person"]), Vec::<String>::new());
    assert_eq!(rec["household"]["size"], 2);

    // Set by hand with separation details, it stays whatever the household.
    let details = "Separated from mother in Libya.";
    call(
        &t.db,
        &s,
        "set_flag",
        json!({"person": minor["id"], "kind": "unaccompanied_minor", "details": details}),
    );
    let rec = call(&t.db, &s, "get_person", json!({"id": minor["id"]}));
    assert_eq!(rec["person"]["flags"][0]["details"], details);
    assert_eq!(rec["person"]["flags"][0]["derived"], false);
}

#[test]
fn pregnancy_needs_a_plausible_due_date() {
    let t = seeded(5);
    let s = session(&t.db, Role::FrontDesk);
    let p =
        register(&t.db, &s, json!({"given_name": "Amina", "sex": "female", "date_of_birth": years_ago(24)}));
    let e = err(&t.db, &s, "set_flag", json!({"person": p["id"], "kind": "pregnant"}));
    assert_eq!(e.field.as_deref(), Some("due_date"));
    let e = err(
        &t.db,
        &s,
        "set_flag",
        json!({"person": p["id"], "kind": "pregnant", "due_date": today() + Days::new(400)}),
    );
    assert_eq!(e.field.as_deref(), Some("due_date"));
    let rec = call(
        &t.db,
        &s,
        "set_flag",
        json!({"person": p["id"], "kind": "pregnant", "due_date": today() + Days::new(90)}),
    );
    assert_eq!(flag_kinds(&rec["person"]), vec!["pregnant"]);
    let man = register(&t.db, &s, json!({"given_name": "Omar", "sex": "male"}));
    let e = err(
        &t.db,
        &s,
        "set_flag",
        json!({"person": man["id"], "kind": "pregnant", "due_date": today() + Days::new(90)}),
    );
    assert_eq!(e.kind, ErrorKind::Validation);
}

#[test]
fn the_front_desk_sees_no_notes_referrals_or_restricted_flags_through_the_api() {
    let t = seeded(5);
    let coord = session(&t.db, Role::Coordinator);
    let tom = session(&t.db, Role::FrontDesk);
    let p = register(
        &t.db,
        &coord,
        json!({"given_name": "Nazdar", "family_name": "Rashid", "date_of_birth": years_ago(15)}),
    );
    call(&t.db, &coord, "add_note", json!({"person": p["id"], "body": "Ordinary note."}));
    call(
        &t.db,
        &coord,
        "add_note",
        json!({"person": p["id"], "body": "Disclosed abuse.", "restricted": true}),
    );
    call(
        &t.db,
        &coord,
        "set_flag",
        json!({"person": p["id"], "kind": "safeguarding", "details": "See the lead."}),
    );

    let as_coord = call(&t.db, &coord, "get_person", json!({"id": p["id"]}));
    assert_eq!(as_coord["notes"].as_array().unwrap().len(), 2);
    assert!(flag_kinds(&as_coord["person"]).contains(&"safeguarding".to_string()));

    let as_desk = call(&t.db, &tom, "get_person", json!({"id": p["id"]}));
    assert!(as_desk["notes"].is_null() && as_desk["referrals"].is_null() && as_desk["phones"].is_null());
    assert!(as_desk["uk_arrival"].is_null());
    assert!(!as_desk.to_string().contains("Disclosed"), "no note text reaches the front desk");
    assert!(!flag_kinds(&as_desk["person"]).contains(&"safeguarding".to_string()));

    assert_eq!(
        err(&t.db, &tom, "add_note", json!({"person": p["id"], "body": "x"})).kind,
        ErrorKind::Forbidden
    );
    let e = err(&t.db, &tom, "set_flag", json!({"person": p["id"], "kind": "medical", "details": "x"}));
    assert_eq!(e.kind, ErrorKind::Forbidden);
    let e = err(&t.db, &tom, "search_people", json!({"flag": "safeguarding"}));
    assert_eq!(e.kind, ErrorKind::Forbidden);
}

#[test]
fn every_view_of_a_person_is_audited() {
    let t = seeded(5);
    let tom = session(&t.db, Role::FrontDesk);
    let p = register(&t.db, &tom, json!({"given_name": "Feven"}));
    call(&t.db, &tom, "get_person", json!({"id": p["id"]}));
    call(&t.db, &tom, "get_person", json!({"id": p["id"]}));
    let lead = session(&t.db, Role::Lead);
    let log = call(&t.db, &lead, "list_audit_log", json!({"entity": "person", "limit": 10}));
    let views =
        log.as_array().unwrap().iter().filter(|e| e["action"] == "view" && e["username"] == "tom").count();
    assert_eq!(views, 2);
}

#[test]
fn search_finds_prefixes_in_every_script_without_accents_and_by_code() {
    let t = seeded(200);
    let s = session(&t.db, Role::FrontDesk);
    let zoe =
        register(&t.db, &s, json!({"given_name": "Zoë", "family_name": "Ëndrina", "other_names": ["Zozo"]}));
    let rahma = register(
        &t.db,
        &s,
        json!({"given_name": "Rahma", "family_name": "Idriss", "original_name": "رحمة إدريس"}),
    );
    let selam = register(
        &t.db,
        &s,
        json!({"given_name": "Selam", "family_name": "Tesfay", "original_name": "ሰላም ተስፋይ"}),
    );
    let id = |p: &Value| p["id"].as_str().unwrap().to_string();
    assert!(find(&t.db, &s, "zoe").contains(&id(&zoe)), "accent-insensitive");
    assert!(find(&t.db, &s, "endr").contains(&id(&zoe)), "accented family name");
    assert!(find(&t.db, &s, "zoz").contains(&id(&zoe)), "other names");
    assert!(find(&t.db, &s, "Rahm").contains(&id(&rahma)), "Latin prefix");
    assert!(find(&t.db, &s, "رحم").contains(&id(&rahma)), "Arabic prefix");
    assert!(find(&t.db, &s, "إدر").contains(&id(&rahma)), "Arabic family name prefix");
    assert!(find(&t.db, &s, "ሰላ").contains(&id(&selam)), "Ge'ez prefix");
    assert_eq!(find(&t.db, &s, rahma["code"].as_str().unwrap()), vec![id(&rahma)], "code");
    assert_eq!(find(&t.db, &s, "rahma idr"), vec![id(&rahma)], "every word must match");
    let syntax = api::call(&t.db, &s, "search_people", json!({"text": "\"* OR NEAR( -"}));
    assert!(syntax.is_ok(), "FTS syntax typed in the box is searched for, not an error: {syntax:?}");
}

#[test]
fn search_filters_by_site_status_age_band_and_flag() {
    let t = seeded(400);
    let s = session(&t.db, Role::Coordinator);
    let rows = |q: Value| call(&t.db, &s, "search_people", q)["rows"].as_array().unwrap().clone();
    for r in rows(json!({"site": "BHM", "limit": 500})) {
        assert_eq!(r["site"], "BHM");
    }
    for r in rows(json!({"status": "moved_on", "limit": 500})) {
        assert_eq!(r["status"], "moved_on");
    }
    let babies = rows(json!({"age_band": "baby", "limit": 500}));
    assert!(!babies.is_empty());
    assert!(babies.iter().all(|r| r["age"]["years"] == 0));
    let adults = rows(json!({"age_band": "adult", "limit": 500}));
    assert!(adults.iter().all(|r| r["age"]["years"].as_u64().unwrap() >= 18));
    let flagged = rows(json!({"flag": "unaccompanied_minor", "limit": 500}));
    let counts = call(&t.db, &s, "dashboard_counts", json!({}));
    assert_eq!(
        flagged.len() as u64,
        counts["unaccompanied_minors"].as_u64().unwrap(),
        "filter and Dashboard agree"
    );
    let page = call(&t.db, &s, "search_people", json!({"limit": 10}));
    assert_eq!(page["rows"].as_array().unwrap().len(), 10);
    assert_eq!(page["more"], true);
}

#[test]
fn a_person_is_in_at_most_one_household() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let a = register(&t.db, &s, json!({"given_name": "Shilan", "date_of_birth": years_ago(30)}));
    let b = register(
        &t.db,
        &s,
        json!({"given_name": "Aram", "date_of_birth": years_ago(5), "household_with": a["id"], "relationship": "child"}),
    );
    let c = register(&t.db, &s, json!({"given_name": "Kazhal", "date_of_birth": years_ago(33)}));
    let e = err(&t.db, &s, "join_household", json!({"person": b["id"], "with_person": c["id"]}));
    assert_eq!(e.kind, ErrorKind::Conflict);
    call(&t.db, &s, "leave_household", json!({"person": b["id"]}));
    let rec = call(
        &t.db,
        &s,
        "join_household",
        json!({"person": b["id"], "with_person": c["id"], "relationship": "child"}),
    );
    assert_eq!(rec["household"]["size"], 2);
    let rec = call(&t.db, &s, "get_person", json!({"id": a["id"]}));
    assert_eq!(rec["household"]["size"], 1, "the first household keeps its mother");
}

#[test]
fn a_transfer_keeps_the_code_and_is_audited() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let p = register(&t.db, &s, json!({"given_name": "Ali", "site": "CAL"}));
    let rec = call(&t.db, &s, "transfer_person", json!({"id": p["id"], "site": "BHM"}));
    assert_eq!(rec["person"]["site_code"], "BHM");
    assert_eq!(rec["person"]["code"], p["code"], "the code stays");
    let again = err(&t.db, &s, "transfer_person", json!({"id": p["id"], "site": "BHM"}));
    assert_eq!(again.kind, ErrorKind::Validation);
    let lead = session(&t.db, Role::Lead);
    let log = call(&t.db, &lead, "list_audit_log", json!({"entity": "person", "limit": 1}));
    assert_eq!(log[0]["action"], "transfer");
    assert!(log[0]["detail"].as_str().unwrap().contains("\"from\":\"CAL\""));
}

#[test]
fn referrals_need_consent_and_show_as_overdue_once_the_follow_up_date_passes() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let before = call(&t.db, &s, "overdue_follow_ups", json!({})).as_array().unwrap().len();
    let p = register(&t.db, &s, json!({"given_name": "Huda"}));
    let partner = call(&t.db, &s, "list_partners", json!({}))[0]["id"].clone();
    let base = json!({"person": p["id"], "partner": partner, "reason": "Antenatal care",
                      "referred_on": today() - Days::new(10), "follow_up_on": today() - Days::new(3)});
    let mut no_consent = base.clone();
    no_consent["consent_given"] = json!(false);
    assert_eq!(err(&t.db, &s, "create_referral", no_consent).field.as_deref(), Some("consent_given"));

    let mut ok = base.clone();
    ok["consent_given"] = json!(true);
    let r = call(&t.db, &s, "create_referral", ok);
    let overdue = call(&t.db, &s, "overdue_follow_ups", json!({}));
    assert_eq!(overdue.as_array().unwrap().len(), before + 1);
    assert!(overdue.as_array().unwrap().iter().any(|o| o["id"] == r["id"]));
    assert_eq!(call(&t.db, &s, "dashboard_counts", json!({}))["overdue_follow_ups"], json!(before + 1));

    call(
        &t.db,
        &s,
        "update_referral",
        json!({"id": r["id"], "status": "completed", "outcome": "Seen at MSF."}),
    );
    let overdue = call(&t.db, &s, "overdue_follow_ups", json!({}));
    assert!(!overdue.as_array().unwrap().iter().any(|o| o["id"] == r["id"]), "completed is not overdue");
    let tom = session(&t.db, Role::FrontDesk);
    assert!(call(&t.db, &tom, "dashboard_counts", json!({}))["overdue_follow_ups"].is_null());
}

#[test]
fn a_minor_holds_one_centre_phone_at_a_time() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let p = register(&t.db, &s, json!({"given_name": "Robel", "date_of_birth": years_ago(15)}));
    let e = err(&t.db, &s, "issue_phone", json!({"person": p["id"], "imei": "1234"}));
    assert_eq!(e.field.as_deref(), Some("imei"));
    let phone = call(
        &t.db,
        &s,
        "issue_phone",
        json!({"person": p["id"], "number": "+33 7 11 22 33 44", "imei": "356938035643809"}),
    );
    let again = err(&t.db, &s, "issue_phone", json!({"person": p["id"], "number": "+33 7 99 22 33 44"}));
    assert_eq!(again.kind, ErrorKind::Conflict);
    let list = call(&t.db, &s, "phone_contact_list", json!({}));
    assert!(list.as_array().unwrap().iter().any(|l| l["number"] == "+33 7 11 22 33 44"));
    call(&t.db, &s, "return_phone", json!({"id": phone["id"], "lost": true}));
    let list = call(&t.db, &s, "phone_contact_list", json!({}));
    assert!(
        !list.as_array().unwrap().iter().any(|l| l["number"] == "+33 7 11 22 33 44"),
        "lost phones leave the list"
    );
    assert!(api::call(&t.db, &s, "issue_phone", json!({"person": p["id"], "number": "+33 7 99 22 33 44"}))
        .is_ok());
}

#[test]
fn the_uk_checklist_is_saved_and_shown_on_the_person_page() {
    let t = seeded(5);
    let s = session(&t.db, Role::Coordinator);
    let p = register(&t.db, &s, json!({"given_name": "Mebrat", "site": "BHM"}));
    let input = json!({"person": p["id"], "local_authority": "Birmingham City Council", "social_worker": "Grace Mensah",
                       "gp_registered_on": today() - Days::new(2), "next_appointment_on": today() + Days::new(5),
                       "next_appointment": "Housing review"});
    call(&t.db, &s, "save_uk_arrival", input);
    let rec = call(&t.db, &s, "get_person", json!({"id": p["id"]}));
    assert_eq!(rec["uk_arrival"]["social_worker"], "Grace Mensah");
    assert_eq!(rec["uk_arrival"]["next_appointment"], "Housing review");
    let e = err(
        &t.db,
        &s,
        "save_uk_arrival",
        json!({"person": p["id"], "gp_registered_on": today() + Days::new(3)}),
    );
    assert_eq!(e.field.as_deref(), Some("gp_registered_on"));
}

/// Reads a CSV export (after its byte-order mark) as rows of cells.
fn read_csv(path: &std::path::Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap();
    let mut r = ::csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect()
}

#[test]
fn a_name_that_is_a_formula_is_exported_to_csv_as_text() {
    let t = seeded(0);
    let lead = session(&t.db, Role::Lead);
    let hostile = [r#"=HYPERLINK("http://x","y")"#, r#"=cmd|" /C calc"!A0"#, "@SUM(1)", "-2+3", "+1+1"];
    for (i, name) in hostile.iter().enumerate() {
        register(&t.db, &lead, json!({"given_name": name, "family_name": format!("Test{i}"), "site": "CAL"}));
    }
    let path = t.dir.path().join("people.csv");
    call(&t.db, &lead, "export_people", json!({"path": path, "format": "csv"}));
    let rows = read_csv(&path);
    let given: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    for name in hostile {
        assert!(given.contains(&format!("'{name}").as_str()), "{name} must be quoted as text: {given:?}");
    }
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "a cell a spreadsheet would run: {cell}");
        }
    }
}

#[test]
fn names_that_deceive_are_refused_and_names_are_stored_in_one_normal_form() {
    let t = seeded(0);
    let desk = session(&t.db, Role::FrontDesk);
    for (field, value) in [
        ("given_name", "Rlo\u{202E}gnp.exe"),
        ("given_name", "Rlo\u{202D}gnp"),
        ("family_name", "Dia\u{200B}llo"),
        ("family_name", "Diallo\u{2066}x\u{2069}"),
        ("given_name", "Ha\u{FEFF}dan"),
        ("given_name", "Line\nbreak"),
        ("original_name", "\u{202E}فاطمة"),
    ] {
        let e = err(
            &t.db,
            &desk,
            "create_person",
            json!({"given_name": "Fatima", "family_name": "Test", field: value, "confirm_not_duplicate": true}),
        );
        assert_eq!(
            (e.kind, e.field.as_deref()),
            (ErrorKind::Validation, Some(field)),
            "{value:?}: {}",
            e.message
        );
    }
    // Decomposed accents are stored composed, so a search typed either way finds the person.
    let p = register(&t.db, &desk, json!({"given_name": "Ai\u{0308}cha", "family_name": "Kone\u{0301}"}));
    assert_eq!(p["given_name"], "A\u{00EF}cha");
    assert_eq!(p["family_name"], "Kon\u{00E9}");
    // A Persian name spells some words with a zero-width non-joiner between two letters: kept.
    let persian = "محمد\u{200C}رضا";
    let p = register(&t.db, &desk, json!({"given_name": "Mohammadreza", "original_name": persian}));
    assert_eq!(p["original_name"], persian);
    // A direction mark only steers display: dropped, not refused.
    let p = register(&t.db, &desk, json!({"given_name": "Hodan\u{200F}", "family_name": "Warsame"}));
    assert_eq!(p["given_name"], "Hodan");
}

#[test]
fn a_name_in_another_script_in_the_latin_field_points_to_the_original_script_field() {
    let t = seeded(0);
    let desk = session(&t.db, Role::FrontDesk);
    for (field, value, script) in [
        ("given_name", "فاطمة", "Arabic"),
        ("family_name", "ተስፋይ", "Ethiopic"),
        ("given_name", "Fatimaفا", "Arabic"),
    ] {
        let e = err(
            &t.db,
            &desk,
            "create_person",
            json!({"given_name": "Fatima", field: value, "confirm_not_duplicate": true}),
        );
        assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some(field)));
        assert!(e.message.contains(script) && e.message.contains("Name in original script"), "{}", e.message);
    }
    // Latin letters with accents, apostrophes and hyphens are Latin.
    register(&t.db, &desk, json!({"given_name": "Zoë-Ngozi", "family_name": "N'Diaye Ó Súilleabháin"}));
}

#[test]
fn text_and_dates_out_of_bounds_are_refused_naming_the_field() {
    let t = seeded(0);
    let lead = session(&t.db, Role::Lead);
    let e = err(&t.db, &lead, "create_site", json!({"code": "LIL", "name": "L".repeat(1 << 20)}));
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("name")), "{}", e.message);
    let e = err(&t.db, &lead, "create_site", json!({"code": "LIL", "name": "L".repeat(81)}));
    assert_eq!(e.field.as_deref(), Some("name"), "{}", e.message);
    let e = err(&t.db, &lead, "create_site", json!({"code": "LIL", "name": "Lille\u{202E}"}));
    assert_eq!(e.field.as_deref(), Some("name"), "{}", e.message);
    // A day that does not exist names the field instead of "input is out of range".
    let e = err(&t.db, &lead, "create_person", json!({"given_name": "Awa", "date_of_birth": "2026-02-30"}));
    assert_eq!((e.kind, e.field.as_deref()), (ErrorKind::Validation, Some("date_of_birth")), "{}", e.message);
    assert!(e.message.contains("2026-02-30"), "{}", e.message);
    let e = err(&t.db, &lead, "create_person", json!({"given_name": "Awa", "date_of_birth": "1850-01-01"}));
    assert_eq!(e.field.as_deref(), Some("date_of_birth"), "{}", e.message);
    // An email that nobody could write to.
    for email in
        ["lea.martin@", "@example.org", "lea martin@example.org", "lea@localhost", "lea@@example.org"]
    {
        let e = err(
            &t.db,
            &lead,
            "save_volunteer",
            json!({"given_name": "Léa", "family_name": "Martin", "email": email, "site": "CAL", "arrival_on": "2026-03-01"}),
        );
        assert_eq!(e.field.as_deref(), Some("email"), "{email}: {}", e.message);
    }
}
