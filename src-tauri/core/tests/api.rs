//! The API surface: role checks, audit, input validation, and that failures change nothing.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::api::{self, FUNCTIONS};
use haven_core::{ErrorKind, Role};
use serde_json::json;
use util::{seeded, session};

fn audit_count(db: &haven_core::Db) -> i64 {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)).expect("count")
}

#[test]
fn every_function_refuses_roles_below_its_minimum_and_admits_the_rest() {
    let t = seeded(20);
    for f in FUNCTIONS {
        for role in Role::ALL {
            let s = session(&t.db, role);
            // An empty input: functions either run, or refuse the input as invalid; a role
            // below the minimum must be refused before the input is even looked at.
            let res = api::call(&t.db, &s, f.name, json!({}));
            if role < f.min_role {
                let kind = res.as_ref().err().map(|e| e.kind());
                assert_eq!(kind, Some(ErrorKind::Forbidden), "{} as {:?} must be forbidden", f.name, role);
            } else if let Err(e) = res {
                assert_ne!(e.kind(), ErrorKind::Forbidden, "{} as {:?} must be allowed: {e}", f.name, role);
            }
        }
    }
}

#[test]
fn front_desk_cannot_create_users_and_nothing_is_written() {
    let t = seeded(5);
    let tom = session(&t.db, Role::FrontDesk);
    let before = audit_count(&t.db);
    let err = api::call(
        &t.db,
        &tom,
        "create_user",
        json!({"username": "eve", "display_name": "Eve", "role": "lead", "site": "CAL"}),
    )
    .err()
    .map(|e| e.to_payload());
    assert_eq!(err.map(|p| p.kind), Some(ErrorKind::Forbidden));
    let users = api::call(&t.db, &session(&t.db, Role::Lead), "list_users", json!({})).expect("list");
    assert!(!users.to_string().contains("\"eve\""), "the user must not exist");
    assert_eq!(audit_count(&t.db), before);
}

#[test]
fn changes_are_audited_with_who_and_what() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let site =
        api::call(&t.db, &lead, "create_site", json!({"code": "lil", "name": "Lille"})).expect("create site");
    assert_eq!(site["code"], "LIL", "codes are upper-cased");
    let log =
        api::call(&t.db, &lead, "list_audit_log", json!({"entity": "site", "limit": 5})).expect("audit");
    let first = &log[0];
    assert_eq!(first["action"], "create");
    assert_eq!(first["username"], "sarah");
    assert_eq!(first["entity_id"], site["id"]);
}

#[test]
fn the_audit_log_refuses_edits_and_deletes() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    api::call(&t.db, &lead, "update_settings", json!({"centre_name": "Haven Calais"})).expect("update");
    // On the raw connection: `Db::read` refuses every write, which would prove nothing here.
    let edit = t.db.conn().unwrap().execute("UPDATE audit_log SET username = 'someone else'", []);
    assert!(edit.is_err(), "an audit entry was edited");
    let delete = t.db.conn().unwrap().execute("DELETE FROM audit_log", []);
    assert!(delete.is_err(), "audit entries were deleted");
    assert!(audit_count(&t.db) > 0);
}

#[test]
fn the_centre_language_is_english_until_a_lead_sets_it_and_stays_when_a_change_leaves_it_out() {
    let t = seeded(0);
    let lead = session(&t.db, Role::Lead);
    let got = api::call(&t.db, &lead, "get_settings", json!({})).expect("settings");
    assert_eq!(got["language"], "en", "English until set: {got}");
    let saved = api::call(&t.db, &lead, "update_settings", json!({"centre_name": "Haven", "language": "fr"}))
        .expect("update");
    assert_eq!(saved["language"], "fr");
    // The screen's older form sends only the name: the language stays as it was.
    api::call(&t.db, &lead, "update_settings", json!({"centre_name": "Haven Calais"})).expect("update");
    let got = api::call(&t.db, &lead, "get_settings", json!({})).expect("settings");
    assert_eq!((got["centre_name"].as_str(), got["language"].as_str()), (Some("Haven Calais"), Some("fr")));
    let e = api::call(&t.db, &lead, "update_settings", json!({"centre_name": "Haven", "language": "de"}))
        .err()
        .map(|e| e.to_payload())
        .expect("a language Haven has no words for is refused");
    assert_eq!(e.kind, ErrorKind::Validation);
    let got = api::call(&t.db, &lead, "get_settings", json!({})).expect("settings");
    assert_eq!(got["language"], "fr");
    let coordinator = session(&t.db, Role::Coordinator);
    let e =
        api::call(&t.db, &coordinator, "update_settings", json!({"centre_name": "Haven", "language": "en"}))
            .err()
            .map(|e| e.to_payload())
            .expect("only a lead changes the centre's settings");
    assert_eq!(e.kind, ErrorKind::Forbidden);
}

#[test]
fn bad_input_is_a_validation_error_naming_the_field() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let e = api::call(&t.db, &lead, "create_site", json!({"code": "C4L", "name": "Calais bis"}))
        .err()
        .map(|e| e.to_payload());
    let e = e.expect("refused");
    assert_eq!(e.kind, ErrorKind::Validation);
    assert_eq!(e.field.as_deref(), Some("code"));

    let unknown =
        api::call(&t.db, &lead, "create_site", json!({"code": "LIL", "name": "Lille", "colour": "red"}))
            .err();
    assert_eq!(unknown.map(|e| e.kind()), Some(ErrorKind::Validation), "unknown fields are refused");

    let dup = api::call(&t.db, &lead, "create_site", json!({"code": "CAL", "name": "Calais again"})).err();
    assert_eq!(dup.map(|e| e.kind()), Some(ErrorKind::Conflict));

    let missing = api::call(&t.db, &lead, "no_such_function", json!({})).err();
    assert_eq!(missing.map(|e| e.kind()), Some(ErrorKind::NotFound));
}

#[test]
fn inputs_are_objects_of_named_fields_never_lists_filled_in_order() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let out = t.dir.path().join("CAL");
    // As a list, ["CAL", path] would fill `site` and `path` in order and print to `path`.
    for input in [json!(["CAL", out.to_str().unwrap()]), json!("CAL"), json!(7), json!(true)] {
        let e = api::call(&t.db, &lead, "print_phone_contacts", input.clone()).err().map(|e| e.to_payload());
        let e = e.expect("refused");
        assert_eq!(e.kind, ErrorKind::Validation, "{input}");
        assert!(e.message.contains("object of named fields"), "{}", e.message);
    }
    assert!(!out.exists(), "nothing was printed");
    // No input at all is an empty object.
    assert!(api::call(&t.db, &lead, "list_sites", serde_json::Value::Null).is_ok());
}

#[test]
fn renaming_a_site_code_to_another_sites_code_is_a_conflict() {
    let t = seeded(5);
    let lead = session(&t.db, Role::Lead);
    let e = api::call(&t.db, &lead, "update_site", json!({"site": "DUN", "code": "CAL", "name": "Dunkirk"}))
        .err();
    assert_eq!(e.map(|e| e.kind()), Some(ErrorKind::Conflict));
    let ok =
        api::call(&t.db, &lead, "update_site", json!({"site": "DUN", "code": "DK", "name": "Grande-Synthe"}))
            .expect("rename");
    assert_eq!(ok["code"], "DK");
}

#[test]
fn dashboard_counts_add_up() {
    let t = seeded(300);
    let s = session(&t.db, Role::FrontDesk);
    let c = api::call(&t.db, &s, "dashboard_counts", json!({})).expect("counts");
    assert_eq!(c["people_total"], 300);
    let active = c["people_active"].as_u64().unwrap_or(0);
    assert!(active > 150 && active < 300, "most seeded people are active: {active}");
    let per_site: u64 =
        c["sites"].as_array().map(|a| a.iter().filter_map(|s| s["people"].as_u64()).sum()).unwrap_or(0);
    assert_eq!(per_site, active, "sites add up to the active total");
    assert!(c["children"].as_u64() > Some(0) && c["babies"].as_u64() > Some(0));
    assert!(c["unaccompanied_minors"].as_u64() > Some(0));
    assert!(c["children"].as_u64() >= c["unaccompanied_minors"].as_u64());
}

#[test]
fn dashboard_counts_for_one_site_match_its_row_and_the_sites_add_up_to_the_centre() {
    let t = seeded(300);
    let s = session(&t.db, Role::FrontDesk);
    let all = api::call(&t.db, &s, "dashboard_counts", json!({})).expect("counts");
    assert!(all["site"].is_null(), "no site: the whole centre");
    let mut sums = std::collections::BTreeMap::<&str, u64>::new();
    for row in all["sites"].as_array().expect("sites") {
        let code = row["code"].as_str().expect("code");
        let one = api::call(&t.db, &s, "dashboard_counts", json!({"site": code})).expect("one site");
        assert_eq!(one["site"], code);
        assert_eq!(one["people_active"], row["people"], "{code}: the cards match the site's row");
        assert_eq!(one["households"], row["households"], "{code}: households match the site's row");
        assert_eq!(one["sites"], all["sites"], "the per-site table lists every site either way");
        for key in [
            "people_active",
            "people_total",
            "households",
            "children",
            "babies",
            "women",
            "unaccompanied_minors",
            "pregnant",
        ] {
            *sums.entry(key).or_default() += one[key].as_u64().expect(key);
        }
    }
    for (key, sum) in sums {
        assert_eq!(Some(sum), all[key].as_u64(), "{key}: the sites add up to the centre");
    }
    let e = api::call(&t.db, &s, "dashboard_counts", json!({"site": "NOWHERE"})).expect_err("no such site");
    assert_eq!(e.kind(), ErrorKind::Validation);
}
