//! Checks of every issuer through the API, on a real encrypted file: number formats and levels
//! per issuer, PVG renewal, AccessNI and ICPC rechecks, the risk assessment an ICPC or another
//! country's certificate needs for child-facing work, the best check on the shift's date, the
//! PVG leaver notice, the policy per issuer, retention, and DBS records carried over unchanged.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Days, Months, NaiveDate};
use haven_core::{ErrorKind, Role, Session};
use serde_json::{json, Value};
use util::strict::{err, ok};
use util::volunteers::{approved_volunteer, assign, day, dbs, shift};
use util::{seeded, session, today};

fn field(e: &haven_core::Error) -> Option<String> {
    e.to_payload().field
}

fn add(db: &haven_core::Db, s: &Session, input: Value) -> String {
    ok(db, s, "add_check", input)["id"].as_str().unwrap().to_string()
}

fn pvg(v: &str, joined: NaiveDate, workforce: &str) -> Value {
    json!({"volunteer": v, "issuer": "pvg", "workforce": workforce,
           "certificate_number": "1234 5678 9012 3456", "issued_on": joined})
}

fn french(v: &str, issued: NaiveDate) -> Value {
    json!({"volunteer": v, "issuer": "foreign", "country": "France",
           "document": "Extrait de casier judiciaire, bulletin n° 3", "certificate_number": "B3-2026-118",
           "issued_on": issued, "translated": true, "covers_children": true,
           "authenticity": "Checked online with the Casier judiciaire national's verification code.",
           "printed_name": "Camille Martin", "printed_birth_date": "1994-05-17"})
}

#[test]
fn each_issuer_accepts_its_own_number_format_and_levels_and_refuses_others() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Iona");
    let issued = day(-10);
    let refused = |input: Value, field_name: &str| {
        let e = err(&t.db, &s, "add_check", input);
        assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
        assert_eq!(field(&e).as_deref(), Some(field_name), "{e}");
    };
    // PVG: 16 digits.
    add(&t.db, &s, pvg(&v, issued, "child"));
    let mut short = pvg(&v, issued, "child");
    short["certificate_number"] = json!("123456789012345");
    refused(short, "certificate_number");
    let mut wrong_level = pvg(&v, issued, "child");
    wrong_level["level"] = json!("enhanced");
    refused(wrong_level, "level");
    // Disclosure Scotland: its own levels, 12 digits.
    let scot = json!({"volunteer": v, "issuer": "disclosure_scotland", "level": "level2_list",
        "workforce": "child", "barred_children": true, "certificate_number": "123456789012", "issued_on": issued});
    add(&t.db, &s, scot.clone());
    let mut dbs_level = scot.clone();
    dbs_level["level"] = json!("enhanced_barred");
    refused(dbs_level, "level");
    let mut no_list = scot;
    no_list["level"] = json!("level2");
    refused(no_list, "barred_children");
    // AccessNI: 12 digits; no Update Service.
    let ni = json!({"volunteer": v, "issuer": "access_ni", "level": "enhanced", "workforce": "adult",
        "certificate_number": "000011112222", "issued_on": issued});
    add(&t.db, &s, ni.clone());
    let mut us = ni.clone();
    us["update_service_id"] = json!("C0123456");
    refused(us, "update_service_id");
    let mut long = ni;
    long["certificate_number"] = json!("0000111122223");
    refused(long, "certificate_number");
    // ICPC: a reference.
    let icpc = json!({"volunteer": v, "issuer": "icpc", "certificate_number": "ICPC/2026/0042", "issued_on": issued});
    add(&t.db, &s, icpc.clone());
    let mut bad = icpc;
    bad["certificate_number"] = json!("<42>");
    refused(bad, "certificate_number");
    // Another country: country, document and how authenticity was checked are needed.
    add(&t.db, &s, french(&v, issued));
    for field in ["country", "document", "authenticity"] {
        let mut missing = french(&v, issued);
        missing[field] = json!("");
        refused(missing, field);
    }
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": v}));
    let issuers: Vec<&str> =
        rec["checks"].as_array().unwrap().iter().map(|c| c["issuer"].as_str().unwrap()).collect();
    for want in ["pvg", "disclosure_scotland", "access_ni", "icpc", "foreign"] {
        assert!(issuers.contains(&want), "{want} recorded: {issuers:?}");
    }
    let fr = rec["checks"].as_array().unwrap().iter().find(|c| c["issuer"] == "foreign").unwrap();
    assert_eq!(fr["country"], "France");
    assert_eq!(fr["translated"], true);
    assert_eq!(fr["printed_name"], "Camille Martin");
    assert_eq!(rec["dbs_checks"].as_array().unwrap().len(), 0, "dbs_checks holds DBS certificates only");
}

#[test]
fn a_volunteer_with_an_expired_dbs_but_a_current_pvg_goes_on_a_child_facing_shift() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let sh = shift(&t.db, &s, today(), "10:00", "12:00", true);
    let v = approved_volunteer(&t.db, &s, "Morag");
    dbs(&t.db, &s, &v, today().checked_sub_months(Months::new(40)).unwrap(), true, json!({}));
    let e = assign(&t.db, &s, &sh, &v).unwrap_err();
    assert!(e.to_string().contains("expired"), "the DBS alone is expired: {e}");
    add(&t.db, &s, pvg(&v, NaiveDate::from_ymd_opt(2019, 6, 3).unwrap(), "child"));
    assign(&t.db, &s, &sh, &v).expect("a current PVG membership for children covers the shift");
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": v}));
    assert_eq!(rec["dbs_child_facing"]["state"], "valid");
    assert_eq!(
        rec["dbs_child_facing"]["until"], "2031-03-31",
        "a member from before 2026 renews on 1 April 2031"
    );
    let member = rec["checks"].as_array().unwrap().iter().find(|c| c["issuer"] == "pvg").unwrap();
    assert_eq!(member["renewal_on"], "2031-04-01");
    assert_eq!(member["certificate_number"], "1234567890123456");
    let due = ok(&t.db, &s, "dbs_due", json!({}));
    assert!(
        !due.as_array().unwrap().iter().any(|d| d["id"] == v.as_str()),
        "the due list takes the best check too: {due}"
    );

    // The printed roster's marks: the PVG's last day before renewal, and an ICPC assessed.
    let other = approved_volunteer(&t.db, &s, "Nadia");
    add(
        &t.db,
        &s,
        json!({"volunteer": other, "issuer": "icpc", "certificate_number": "ICPC/2026/0042",
               "issued_on": day(-3), "risk_assessment": "Assessed."}),
    );
    assign(&t.db, &s, &sh, &other).unwrap();
    let path = t.dir.path().join("roster.pdf");
    ok(&t.db, &s, "print_roster", json!({"site": "CAL", "path": path.to_str().unwrap()}));
    if util::poppler_skipped_under_wine(
        "a_volunteer_with_an_expired_dbs_but_a_current_pvg_goes_on_a_child_facing_shift",
    ) {
        return;
    }
    let out = std::process::Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
    let icpc_until = day(-3).checked_add_months(Months::new(12)).unwrap().pred_opt().unwrap();
    for want in [
        "Morag Test until 31 Mar 2031".to_string(),
        format!("Nadia Test until {}", icpc_until.format("%-d %b %Y")),
    ] {
        assert!(text.contains(&want), "the roster reads \"{want}\":\n{text}");
    }
    assert!(!text.contains("1234567890123456") && !text.contains("ICPC/2026"), "no numbers on the roster");
}

#[test]
fn a_pvg_for_the_adult_workforce_is_refused_for_children_naming_what_is_missing() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let sh = shift(&t.db, &s, today(), "10:00", "12:00", true);
    let v = approved_volunteer(&t.db, &s, "Ailsa");
    add(&t.db, &s, pvg(&v, day(-100), "adult"));
    let e = assign(&t.db, &s, &sh, &v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    let msg = e.to_string();
    assert!(msg.contains("PVG membership for work with children"), "names what would do: {msg}");
    assert!(msg.contains("not for work with children"), "says what their check lacks: {msg}");
    let desk = shift(&t.db, &s, today(), "13:00", "14:00", false);
    assign(&t.db, &s, &desk, &v).expect("any current check will do at the front desk");
}

#[test]
fn a_pvg_renewal_date_given_by_disclosure_scotland_ends_it_the_day_before() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Fraser");
    let mut member = pvg(&v, day(-400), "both");
    member["renewal_on"] = json!(day(10));
    add(&t.db, &s, member);
    let last = shift(&t.db, &s, day(9), "10:00", "12:00", true);
    let renewal = shift(&t.db, &s, day(10), "10:00", "12:00", true);
    assign(&t.db, &s, &last, &v).expect("the day before the renewal date: current");
    let e = assign(&t.db, &s, &renewal, &v).unwrap_err();
    assert!(e.to_string().contains("expired"), "on the renewal date: not renewed, expired: {e}");
    let mut before = pvg(&v, day(-1), "child");
    before["renewal_on"] = json!(day(-1));
    assert_eq!(field(&err(&t.db, &s, "add_check", before)).as_deref(), Some("renewal_on"));
}

#[test]
fn accessni_is_rechecked_after_36_months_and_follows_its_own_policy() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let lead = session(&t.db, Role::Lead);
    let sh = shift(&t.db, &s, today(), "10:00", "12:00", true);
    let ni = |v: &str, issued: NaiveDate| {
        json!({"volunteer": v, "issuer": "access_ni", "level": "enhanced_barred", "workforce": "child",
               "barred_children": true, "certificate_number": "000011112222", "issued_on": issued})
    };
    let old = approved_volunteer(&t.db, &s, "Siobhan");
    add(&t.db, &s, ni(&old, today().checked_sub_months(Months::new(36)).unwrap()));
    let e = assign(&t.db, &s, &sh, &old).unwrap_err();
    assert!(e.to_string().contains("expired"), "issued exactly 36 months before: expired: {e}");
    let fresh = approved_volunteer(&t.db, &s, "Aoife");
    let issued = today().checked_sub_months(Months::new(36)).unwrap().checked_add_days(Days::new(1)).unwrap();
    add(&t.db, &s, ni(&fresh, issued));
    assign(&t.db, &s, &sh, &fresh).expect("36 months less a day: current");
    ok(&t.db, &s, "unassign_volunteer", json!({"shift": sh, "volunteer": fresh}));

    // The lead shortens AccessNI's recheck to 24 months: the same certificate is now expired,
    // and a DBS certificate of the same age is not touched.
    let mut p = ok(&t.db, &lead, "get_dbs_policy", json!({}));
    for ip in p["issuers"].as_array_mut().unwrap() {
        if ip["issuer"] == "access_ni" {
            ip["recheck_months"] = json!(24);
        }
    }
    ok(&t.db, &lead, "update_dbs_policy", p.clone());
    assert!(assign(&t.db, &s, &sh, &fresh).is_err(), "past 24 months under the new policy");
    let dbs_v = approved_volunteer(&t.db, &s, "Dee");
    dbs(&t.db, &s, &dbs_v, issued, true, json!({}));
    assign(&t.db, &s, &sh, &dbs_v).expect("DBS keeps its 36 months");
    // PVG membership and DBS have no row here: their rules are elsewhere.
    p["issuers"] = json!([{"issuer": "pvg", "recheck_months": 12}]);
    assert_eq!(field(&err(&t.db, &lead, "update_dbs_policy", p)).as_deref(), Some("issuers"));
}

#[test]
fn a_french_certificate_is_refused_for_children_until_the_risk_assessment_is_recorded() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let sh = shift(&t.db, &s, today(), "10:00", "12:00", true);
    let v = approved_volunteer(&t.db, &s, "Camille");
    let check = add(&t.db, &s, french(&v, day(-30)));
    let e = assign(&t.db, &s, &sh, &v).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Validation);
    assert!(e.to_string().contains("risk assessment"), "the refusal names the risk assessment: {e}");
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": v}));
    assert_eq!(rec["dbs_child_facing"]["state"], "needs_risk_assessment");
    assert_eq!(rec["dbs_child_facing"]["issuer"], "foreign");
    let desk = shift(&t.db, &s, today(), "13:00", "14:00", false);
    assign(&t.db, &s, &desk, &v).expect("the front desk needs no risk assessment");

    assert_eq!(
        field(&err(&t.db, &s, "record_risk_assessment", json!({"id": check, "note": " "}))).as_deref(),
        Some("note")
    );
    ok(
        &t.db,
        &s,
        "record_risk_assessment",
        json!({"id": check, "note": "Spoke with Camille and her referee; accepted for play sessions with another adult present."}),
    );
    assign(&t.db, &s, &sh, &v).expect("accepted with the risk assessment");
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": v}));
    let c = rec["checks"].as_array().unwrap().iter().find(|c| c["id"] == check.as_str()).unwrap();
    assert!(c["risk_assessment"].as_str().unwrap().starts_with("Spoke with Camille"));
    assert_eq!(c["risk_assessed_on"], json!(today()));
    assert_eq!(c["next_recheck"], json!(day(-30).checked_add_months(Months::new(12)).unwrap()));

    // A certificate that does not cover work with children is not enough, assessed or not.
    let other = approved_volunteer(&t.db, &s, "Lucie");
    let mut adults_only = french(&other, day(-30));
    adults_only["covers_children"] = json!(false);
    adults_only["risk_assessment"] = json!("Assessed.");
    add(&t.db, &s, adults_only);
    assert!(assign(&t.db, &s, &sh, &other).is_err());
}

#[test]
fn an_icpc_counts_for_12_months_and_for_children_only_with_a_risk_assessment_the_policy_allows() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let lead = session(&t.db, Role::Lead);
    let sh = shift(&t.db, &s, today(), "10:00", "12:00", true);
    let icpc = |v: &str, issued: NaiveDate| {
        json!({"volunteer": v, "issuer": "icpc", "certificate_number": "ICPC/2025/0042", "issued_on": issued,
               "risk_assessment": "Assessed with the lead."})
    };
    let old = approved_volunteer(&t.db, &s, "Tom");
    add(&t.db, &s, icpc(&old, today().checked_sub_months(Months::new(12)).unwrap()));
    assert!(assign(&t.db, &s, &sh, &old).unwrap_err().to_string().contains("expired"));
    let fresh = approved_volunteer(&t.db, &s, "Ruth");
    let issued = today().checked_sub_months(Months::new(12)).unwrap().checked_add_days(Days::new(1)).unwrap();
    add(&t.db, &s, icpc(&fresh, issued));
    assign(&t.db, &s, &sh, &fresh).expect("12 months less a day, assessed: accepted");
    ok(&t.db, &s, "unassign_volunteer", json!({"shift": sh, "volunteer": fresh}));

    // Policy: ICPCs no longer accepted for children at all.
    let mut p = ok(&t.db, &lead, "get_dbs_policy", json!({}));
    let row = p["issuers"].as_array_mut().unwrap().iter_mut().find(|i| i["issuer"] == "icpc").unwrap();
    assert_eq!(row["recheck_months"], 12);
    assert_eq!(row["children_with_risk_assessment"], true);
    row["children_with_risk_assessment"] = json!(false);
    ok(&t.db, &lead, "update_dbs_policy", p);
    assert!(assign(&t.db, &s, &sh, &fresh).is_err(), "the policy refuses ICPCs for children");
}

#[test]
fn information_disclosed_counts_only_once_a_risk_assessment_is_recorded() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = shift(&t.db, &s, today(), "13:00", "14:00", false);
    let v = approved_volunteer(&t.db, &s, "Gwen");
    let id = add(
        &t.db,
        &s,
        json!({"volunteer": v, "issuer": "dbs", "level": "enhanced", "workforce": "adult",
               "certificate_number": "001234567890", "issued_on": day(-5), "result": "disclosed"}),
    );
    let e = assign(&t.db, &s, &desk, &v).unwrap_err();
    assert!(e.to_string().contains("risk assessment"), "{e}");
    ok(
        &t.db,
        &s,
        "record_risk_assessment",
        json!({"id": id, "note": "Old conviction, unrelated; accepted."}),
    );
    assign(&t.db, &s, &desk, &v).expect("assessed: accepted");
}

#[test]
fn a_pvg_member_who_leaves_is_listed_until_disclosure_scotland_is_marked_told() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Callum");
    add(&t.db, &s, pvg(&v, day(-200), "child"));
    assert_eq!(err(&t.db, &s, "mark_pvg_leaver_notified", json!({"id": v})).kind(), ErrorKind::Validation);
    ok(&t.db, &s, "set_volunteer_status", json!({"id": v, "status": "left"}));
    let listed = |db: &haven_core::Db| {
        ok(db, &s, "dbs_due", json!({}))
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["id"] == v.as_str() && d["leaver_notice"] == true)
    };
    assert!(listed(&t.db), "the due list says to tell Disclosure Scotland");
    assert_eq!(ok(&t.db, &s, "get_volunteer", json!({"id": v}))["leaver_notice"], true);
    ok(&t.db, &s, "mark_pvg_leaver_notified", json!({"id": v}));
    assert!(!listed(&t.db));
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": v}));
    assert_eq!(rec["leaver_notice"], false);
    assert_eq!(rec["checks"][0]["leaver_notified_on"], json!(today()));
    assert!(err(&t.db, &s, "mark_pvg_leaver_notified", json!({"id": v}))
        .to_string()
        .contains("no PVG leaver notice"));
}

#[test]
fn the_front_desk_reads_no_check_of_any_issuer() {
    let t = seeded(0);
    let desk = session(&t.db, Role::FrontDesk);
    for f in
        ["check_issuers", "add_check", "record_risk_assessment", "mark_pvg_leaver_notified", "get_volunteer"]
    {
        let e = haven_core::api::call(&t.db, &desk, f, json!({})).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Forbidden, "{f}");
    }
    let s = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &s, "Ewan");
    add(&t.db, &s, pvg(&v, day(-10), "child"));
    let sh = shift(&t.db, &s, today(), "10:00", "12:00", true);
    assign(&t.db, &s, &sh, &v).unwrap();
    let rota = ok(&t.db, &desk, "rota_week", json!({"site": "CAL"}));
    let text = rota.to_string();
    assert!(text.contains("Ewan Test") && text.contains("\"state\":\"valid\""), "{text}");
    assert!(!text.contains("1234567890123456") && !text.contains("pvg"), "marks only: {text}");
}

#[test]
fn retention_reduces_every_issuers_checks_and_names_the_issuer() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let lead = session(&t.db, Role::Lead);
    let v = ok(
        &t.db,
        &s,
        "save_volunteer",
        json!({"given_name": "Old", "family_name": "Leaver", "site": "CAL",
               "arrival_on": "2020-01-01", "departure_on": "2020-03-01"}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    add(&t.db, &s, pvg(&v, NaiveDate::from_ymd_opt(2019, 1, 1).unwrap(), "child"));
    add(
        &t.db,
        &s,
        json!({"volunteer": v, "issuer": "icpc", "certificate_number": "ICPC/2019/7", "issued_on": "2019-12-01"}),
    );
    ok(&t.db, &s, "set_volunteer_status", json!({"id": v, "status": "left"}));
    ok(&t.db, &lead, "run_retention", json!({}));
    let left: Vec<(String, String)> =
        t.db.read(|c| {
            let mut stmt =
                c.prepare("SELECT issuer, status FROM dbs_reduced WHERE volunteer_id = ?1 ORDER BY issuer")?;
            let rows = stmt.query_map([&v], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .unwrap();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0].0, "icpc");
    assert!(left[0].1.starts_with("ICPC (ACRO)"), "{left:?}");
    assert_eq!(left[1].0, "pvg");
    assert!(left[1].1.contains("valid when the volunteer left"), "{left:?}");
    assert!(ok(&t.db, &s, "get_volunteer", json!({"id": v}))["checks"].as_array().unwrap().is_empty());
}

#[test]
fn dbs_records_made_before_issuers_are_carried_over_unchanged() {
    use haven_core::db::MIGRATIONS;
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    MIGRATIONS.to_version(&mut conn, 7).unwrap();
    conn.execute_batch(
        "INSERT INTO sites (id, site_id, code, name) VALUES ('s1', 's1', 'CAL', 'Calais');
         INSERT INTO volunteers (id, site_id, given_name, arrival_on) VALUES ('v1', 's1', 'Ana', '2026-01-01');
         INSERT INTO dbs_checks (id, site_id, volunteer_id, level, workforce, barred_children, certificate_number,
             issued_on, update_service_id, update_checked_on, verified_on, created_at, updated_at)
         VALUES ('c1', 's1', 'v1', 'enhanced_barred', 'child', 1, '001234567890', '2024-02-03', 'C42', '2025-06-07',
             '2024-02-10', '2024-02-10T10:00:00.000Z', '2025-06-07T10:00:00.000Z');",
    )
    .unwrap();
    let before: String = conn
        .query_row(
            "SELECT json_array(id, site_id, volunteer_id, level, workforce, barred_children, barred_adults,
                certificate_number, issued_on, update_service_id, update_checked_on, verified_by, verified_on,
                created_at, updated_at) FROM dbs_checks",
            [],
            |r| r.get(0),
        )
        .unwrap();
    MIGRATIONS.to_latest(&mut conn).unwrap();
    let (after, issuer): (String, String) = conn
        .query_row(
            "SELECT json_array(id, site_id, volunteer_id, level, workforce, barred_children, barred_adults,
                certificate_number, issued_on, update_service_id, update_checked_on, verified_by, verified_on,
                created_at, updated_at), issuer FROM dbs_checks",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(issuer, "dbs");
}
