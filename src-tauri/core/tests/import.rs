//! Importing people from CSV and LibreOffice workbooks, and exporting them again.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use std::path::PathBuf;

use haven_core::{api, db_path, seed, Db, ErrorKind, Role, Session};
use serde_json::{json, Value};
use util::session;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data").join(name).display().to_string()
}

/// A centre with sites and users but nobody registered yet.
fn empty_centre() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::create(&db_path(dir.path()), "demo").unwrap();
    seed::seed_demo(&db, 0, 1).unwrap();
    (db, dir)
}

fn import(db: &Db, s: &Session, input: Value) -> Value {
    api::call(db, s, "import_people", input).unwrap_or_else(|e| panic!("import failed: {e}"))
}

fn people(db: &Db, s: &Session) -> Vec<Value> {
    let page = api::call(db, s, "search_people", json!({"sort": "code", "limit": 500})).unwrap();
    page["rows"].as_array().unwrap().clone()
}

#[test]
fn a_csv_imports_every_row_with_households_and_scripts() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let report = import(&db, &s, json!({"path": fixture("people_import.csv")}));
    assert_eq!(report["errors"], json!([]));
    assert_eq!(report["imported"], 5);
    let rows = people(&db, &s);
    let fatima = rows.iter().find(|r| r["given_name"] == "Fatima").unwrap();
    assert_eq!(fatima["original_name"], "فاطمة عثمان");
    assert_eq!(fatima["date_of_birth"], "1991-03-12", "day/month order");
    assert_eq!(fatima["household_size"], 2, "family no. 1 is one household");
    assert!(fatima["code"].as_str().unwrap().starts_with("CAL-"));
    let senait = rows.iter().find(|r| r["given_name"] == "Senait").unwrap();
    assert_eq!(senait["age"]["years"].as_u64().unwrap(), 24, "estimated from the age column");
    assert!(rows.iter().any(|r| r["family_name"] == "Nguyễn" && r["site"] == "BHM"));
}

#[test]
fn a_libreoffice_workbook_imports_like_the_csv() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let report = import(&db, &s, json!({"path": fixture("people_import.xlsx")}));
    assert_eq!(report["imported"], 5, "{report}");
    let rows = people(&db, &s);
    let ahmed = rows.iter().find(|r| r["given_name"] == "Ahmed").unwrap();
    assert_eq!(ahmed["date_of_birth"], "2019-11-02");
    assert_eq!(ahmed["original_name"], "أحمد عثمان");
    assert!(rows.iter().any(|r| r["original_name"] == "ሰናይት ተስፋይ"));
}

#[test]
fn one_bad_row_imports_nothing_and_is_reported_with_row_and_column() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let report = import(&db, &s, json!({"path": fixture("people_import_bad.csv")}));
    assert_eq!(report["imported"], 0);
    assert_eq!(report["errors"].as_array().unwrap().len(), 1);
    assert_eq!(report["errors"][0]["row"], 4, "the header is row 1");
    assert_eq!(report["errors"][0]["column"], "Date of birth");
    assert!(report["errors"][0]["reason"].as_str().unwrap().contains("31/02/2001"));
    assert!(people(&db, &s).is_empty(), "nothing was written");
}

#[test]
fn a_dry_run_checks_everything_and_writes_nothing() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let report = import(&db, &s, json!({"path": fixture("people_import.csv"), "dry_run": true}));
    assert_eq!((report["rows"].clone(), report["imported"].clone()), (json!(5), json!(0)));
    assert_eq!(report["ready"], 5, "a dry run says how many people the real run would write");
    assert_eq!(report["errors"], json!([]));
    assert!(people(&db, &s).is_empty());
}

#[test]
fn importing_the_same_file_twice_skips_the_likely_duplicates() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    import(&db, &s, json!({"path": fixture("people_import.csv")}));
    let again = import(&db, &s, json!({"path": fixture("people_import.csv")}));
    assert_eq!(again["imported"], 0);
    assert_eq!(again["ready"], 0, "every row is left out as a likely duplicate");
    assert_eq!(again["skipped"], 5);
    assert_eq!(again["duplicates"].as_array().unwrap().len(), 5);
    assert_eq!(people(&db, &s).len(), 5);
    let forced = import(&db, &s, json!({"path": fixture("people_import.csv"), "on_duplicate": "import"}));
    assert_eq!(forced["imported"], 5);
}

#[test]
fn french_headers_semicolons_and_a_byte_order_mark_are_read() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("liste.csv");
    std::fs::write(&file, "\u{FEFF}Prénom;Nom;Sexe;Date de naissance\nAïcha;Koné;F;01/02/2000\n").unwrap();
    let report = import(&db, &s, json!({"path": file.display().to_string()}));
    assert_eq!(report["imported"], 1, "{report}");
    assert_eq!(people(&db, &s)[0]["family_name"], "Koné");
}

#[test]
fn unreadable_files_are_clear_validation_errors() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"First name\nZo\xEB\n").unwrap();
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, b"").unwrap();
    let pdf = dir.path().join("list.pdf");
    std::fs::write(&pdf, b"%PDF").unwrap();
    for (path, words) in [(latin1, "UTF-8"), (empty, "empty"), (pdf, ".csv")] {
        let e = api::call(&db, &s, "import_people", json!({"path": path.display().to_string()})).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(e.to_string().contains(words), "{e}");
    }
    let no_name = dir.path().join("no_name.csv");
    std::fs::write(&no_name, "Colour\nblue\n").unwrap();
    let report = import(&db, &s, json!({"path": no_name.display().to_string()}));
    assert!(report["errors"][0]["reason"].as_str().unwrap().contains("given name"));
    let mapped =
        import(&db, &s, json!({"path": no_name.display().to_string(), "mapping": {"Colour": "given_name"}}));
    assert_eq!(mapped["imported"], 1, "a mapping names the column");
}

#[test]
fn an_export_imports_back_into_another_centre() {
    let t = util::seeded(60);
    let s = session(&t.db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    for format in ["csv", "xlsx"] {
        let path = dir.path().join(format!("people.{format}")).display().to_string();
        let out = api::call(
            &t.db,
            &s,
            "export_people",
            json!({"path": path, "format": format, "query": {"site": "CAL"}}),
        )
        .unwrap();
        let exported = out["rows"].as_u64().unwrap();
        assert!(exported > 10);
        let (other, _d) = empty_centre();
        let lead = session(&other, Role::Coordinator);
        let report = import(&other, &lead, json!({"path": path, "on_duplicate": "import"}));
        assert_eq!(report["errors"], json!([]), "{format}: {report}");
        assert_eq!(report["imported"].as_u64(), Some(exported), "{format}");
        let originals = people(&other, &lead).iter().filter(|r| !r["original_name"].is_null()).count();
        assert!(originals > 0, "{format}: original-script names survive the round trip");
    }
    let tom = session(&t.db, Role::FrontDesk);
    let e = api::call(&t.db, &tom, "export_people", json!({"path": "/tmp/x.csv"})).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Forbidden);
}

#[test]
fn two_columns_for_one_field_are_named_and_nothing_is_imported() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("twice.csv");
    std::fs::write(&file, "First name,Prénom,Surname\nAmina,Amina,Warsame\n").unwrap();
    let report = import(&db, &s, json!({"path": file.display().to_string()}));
    assert_eq!(report["imported"], 0);
    let reason = report["errors"][0]["reason"].as_str().unwrap();
    assert!(reason.contains("\"First name\"") && reason.contains("\"Prénom\""), "{reason}");
    let mapped =
        import(&db, &s, json!({"path": file.display().to_string(), "mapping": {"Prénom": "ignore"}}));
    assert_eq!(mapped["imported"], 1);
}

#[test]
fn a_row_spelling_a_registered_name_another_way_is_a_likely_duplicate() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first.csv");
    std::fs::write(&first, "First name,Surname,Age\nMohammed,Rahimi,30\n").unwrap();
    assert_eq!(import(&db, &s, json!({"path": first.display().to_string()}))["imported"], 1);
    let second = dir.path().join("second.csv");
    std::fs::write(&second, "First name,Surname,Age\nMuhammad,Rahimi,31\nKhadidja,Haddad,40\n").unwrap();
    let report = import(&db, &s, json!({"path": second.display().to_string()}));
    assert_eq!(report["imported"], 1, "only the other person: {report}");
    let dups = report["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{report}");
    assert_eq!(dups[0]["name"], "Muhammad Rahimi");
    assert!(dups[0]["matches"][0].as_str().unwrap().ends_with("Mohammed Rahimi"), "{report}");
}
