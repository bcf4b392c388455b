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

/// A CSV as Excel on Windows saves it: a byte order mark and CRLF line ends, in a folder whose
/// path has spaces and accents (a user's Documents on Windows).
fn windows_csv(dir: &std::path::Path, name: &str, text: &str) -> String {
    let folder = dir.join("Hélène Dupont").join("Mes documents");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join(name);
    std::fs::write(&path, format!("\u{FEFF}{}", text.replace("\r\n", "\n").replace('\n', "\r\n"))).unwrap();
    path.display().to_string()
}

#[test]
fn a_csv_with_crlf_line_ends_imports_like_the_same_file_with_lf() {
    let (db, dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let text = std::fs::read_to_string(fixture("people_import.csv")).unwrap();
    let path = windows_csv(dir.path(), "personnes.csv", &text);
    assert!(std::fs::read(&path).unwrap().windows(2).any(|w| w == b"\r\n"), "the file has CRLF line ends");
    let report = import(&db, &s, json!({"path": path}));
    assert_eq!(
        report["errors"],
        json!([]),
        "no carriage return is left in a cell (\"yes\\r\" is no consent)"
    );
    assert_eq!(report["imported"], 5, "{report}");
    let rows = people(&db, &s);
    let shilan = rows.iter().find(|r| r["given_name"] == "Shilan").unwrap();
    assert_eq!(shilan["original_name"], "شیلان ڕەشید", "the last name cell of a line has no \\r");
    assert!(rows.iter().any(|r| r["family_name"] == "Nguyễn" && r["site"] == "BHM"));
    for row in &rows {
        assert!(!row.to_string().contains("\\r"), "no value keeps a carriage return: {row}");
    }
    // Row numbers are the lines a text editor shows, CRLF or not.
    let bad = std::fs::read_to_string(fixture("people_import_bad.csv")).unwrap();
    let report = import(&db, &s, json!({"path": windows_csv(dir.path(), "bad.csv", &bad), "dry_run": true}));
    assert_eq!(report["errors"].as_array().unwrap().len(), 1, "{report}");
    assert_eq!(report["errors"][0]["row"], 4, "the header is row 1");
    assert_eq!(report["errors"][0]["column"], "Date of birth");
    let open_quote = "Given name,Family name,Sex,Date of birth,Site\nAwa,Diallo,F,2010-01-01,CAL\n\"Sara,Haile,F,2012-03-04,CAL\nNour,Ali,F,2011-01-01,CAL\n";
    let report =
        import(&db, &s, json!({"path": windows_csv(dir.path(), "quote.csv", open_quote), "dry_run": true}));
    assert_eq!(report["rows"], 3, "{report}");
    assert_eq!(report["errors"][0]["row"], 3, "{report}");
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

/// The row errors of a dry run of `text` as a CSV file: (row, reason) pairs, and the rows counted.
fn dry_run_csv(db: &Db, s: &Session, dir: &std::path::Path, text: &str) -> (Vec<(u64, String)>, u64, u64) {
    let path = dir.join("malformed.csv");
    std::fs::write(&path, text).unwrap();
    let report = import(db, s, json!({"path": path.display().to_string(), "dry_run": true}));
    let errors = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_u64().unwrap(), e["reason"].as_str().unwrap().to_string()))
        .collect();
    (errors, report["rows"].as_u64().unwrap(), report["ready"].as_u64().unwrap())
}

#[test]
fn malformed_csv_rows_are_each_a_row_error_with_their_number() {
    let (db, dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let header = "Given name,Family name,Sex,Date of birth,Site\n";
    // A semicolon row inside a comma file is not one person named "Mx2;Delim;F;...".
    let (errors, rows, ready) = dry_run_csv(
        &db,
        &s,
        dir.path(),
        &format!(
            "{header}Awa,Diallo,F,2010-01-01,CAL\nMx2;Delim;F;2010-01-01;CAL\nSara,Haile,F,2012-03-04,CAL\n"
        ),
    );
    assert_eq!((rows, ready), (3, 0), "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 3);
    assert!(errors[0].1.contains("\";\""), "{}", errors[0].1);
    // Short and long rows.
    let (errors, rows, _) = dry_run_csv(
        &db,
        &s,
        dir.path(),
        &format!(
            "{header}Awa,Diallo\nSara,Haile,F,2012-03-04,CAL,extra,cells\nNour,Ali,F,2011-01-01,CAL,,\n"
        ),
    );
    assert_eq!(rows, 3);
    let numbers: Vec<u64> = errors.iter().map(|e| e.0).collect();
    assert_eq!(numbers, [2, 3], "trailing empty cells are not a long row: {errors:?}");
    assert!(errors[0].1.contains("2 cells") && errors[1].1.contains("7 cells"), "{errors:?}");
    // An unclosed quote swallows the lines after it: named by its row, every line counted.
    let (errors, rows, _) = dry_run_csv(
        &db,
        &s,
        dir.path(),
        &format!("{header}Awa,Diallo,F,2010-01-01,CAL\n\"Sara,Haile,F,2012-03-04,CAL\nNour,Ali,F,2011-01-01,CAL\nHodan,Warsame,F,2009-05-06,CAL\n"),
    );
    assert_eq!(rows, 4, "{errors:?}");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, 3);
    assert!(errors[0].1.contains("quote") && errors[0].1.contains("3 lines"), "{}", errors[0].1);
    assert!(people(&db, &s).is_empty(), "a dry run writes nothing");
}

fn refusal(db: &Db, s: &Session, function: &str, path: &std::path::Path) -> String {
    let input = json!({"path": path.display().to_string(), "dry_run": true});
    let input =
        if function == "preview_import" { json!({"path": path.display().to_string()}) } else { input };
    match api::call(db, s, function, input) {
        Ok(out) => panic!(
            "{function} accepted a hostile file: {}",
            &out.to_string()[..200.min(out.to_string().len())]
        ),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::Validation, "{e}");
            e.to_string()
        }
    }
}

#[test]
fn a_workbook_cell_too_long_to_be_a_name_is_refused_as_it_is_read() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big-cell.xlsx");
    // A header, then a person whose ignored "Notes" column holds two million characters.
    let strings =
        vec!["Given name".to_string(), "Notes".to_string(), "Amal".to_string(), "x".repeat(2_000_000)];
    let sheet = r#"<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>"#;
    util::workbook(&path, sheet, &strings);
    for function in ["import_people", "preview_import"] {
        let e = refusal(&db, &s, function, &path);
        assert!(e.contains("more than 10000 characters"), "{e}");
    }
    // The same cell written inline in the sheet is named by its reference.
    let inline = format!(
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>{}</t></is></c></row>"#,
        "y".repeat(50_000)
    );
    util::workbook(&path, &inline, &[]);
    let e = refusal(&db, &s, "import_people", &path);
    assert!(e.contains("Cell A2 holds more than 10000 characters"), "{e}");
}

#[test]
fn a_workbook_past_the_row_limit_is_refused_before_the_rest_is_read() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many-rows.xlsx");
    let mut sheet =
        String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c></row>"#);
    for r in 2..=100_002 {
        sheet.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
    }
    // What follows the limit is not even XML: a reader that stops at the limit never sees it.
    sheet.push_str("<row r=\"100003\"><c r=\"A100003\"><v>1</v></c></row></sheetData><<broken");
    util::workbook(&path, &sheet, &[]);
    let e = refusal(&db, &s, "import_people", &path);
    assert!(e.contains("more than 100000 rows"), "{e}");

    // One value far away spans a sheet the reader would have to make room for, cell by cell.
    let far = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c></row><row r="150000"><c r="CV150000"><v>1</v></c></row>"#;
    util::workbook(&path, far, &[]);
    let e = refusal(&db, &s, "import_people", &path);
    assert!(e.contains("more than 100000 rows"), "{e}");
    let wide =
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c><c r="XFD1"><v>1</v></c></row>"#;
    util::workbook(&path, wide, &[]);
    let e = refusal(&db, &s, "import_people", &path);
    assert!(e.contains("more than 100 columns"), "{e}");
}

#[test]
fn a_csv_past_a_limit_is_refused_as_it_is_read() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("many-rows.csv");
    let mut text = b"Given name\n".to_vec();
    for r in 0..100_001 {
        text.extend_from_slice(format!("P{r}\n").as_bytes());
    }
    // Past the limit, bytes that are not UTF-8: a reader that stops at the limit never sees them.
    text.extend_from_slice(b"Zo\xEB\n");
    std::fs::write(&rows, text).unwrap();
    let e = refusal(&db, &s, "import_people", &rows);
    assert!(e.contains("more than 100000 rows"), "{e}");

    let cell = dir.path().join("big-cell.csv");
    std::fs::write(&cell, format!("Given name,Notes\nAmal,{}\n", "x".repeat(20_000))).unwrap();
    let e = refusal(&db, &s, "import_people", &cell);
    assert!(e.contains("Cell B2 holds more than 10000 characters"), "{e}");
}

#[test]
fn the_preview_shows_a_glimpse_of_each_cell() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    std::fs::write(&path, format!("Given name,Notes\nAmal,{}\n", "é".repeat(5_000))).unwrap();
    let preview = api::call(&db, &s, "preview_import", json!({"path": path.display().to_string()})).unwrap();
    let note = preview["sample"][0][1].as_str().unwrap();
    assert_eq!(note.chars().count(), 201, "200 characters and an ellipsis");
    assert!(note.ends_with('…'));
    assert_eq!(preview["sample"][0][0], "Amal");
}

fn many_people_csv(dir: &std::path::Path, n: usize, poison_at: Option<usize>) -> String {
    let mut text = String::from("Given name,Family name,Date of birth,Sex\n");
    for i in 0..n {
        let given = if Some(i) == poison_at { "Boom".to_string() } else { format!("Imported{i}") };
        text.push_str(&format!(
            "{given},Family{},{:02}/{:02}/{},F\n",
            i % 97,
            1 + i % 28,
            1 + i % 12,
            1950 + i % 60
        ));
    }
    let path = dir.join(format!("many-{n}.csv"));
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn count(db: &Db, sql: &str) -> i64 {
    db.read(|c| Ok(c.query_row(sql, [], |r| r.get(0))?)).unwrap()
}

/// While a long import writes, the desk (another connection, as another window or process)
/// searches and registers people: the import writes in chunks, so neither waits for all of it.
#[test]
fn a_long_import_lets_the_desk_read_and_write_while_it_runs() {
    let (db, dir) = empty_centre();
    drop(db);
    let path = db_path(dir.path());
    let files = tempfile::tempdir().unwrap();
    let file = many_people_csv(files.path(), 3 * api::IMPORT_CHUNK, None);
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let importer = {
        let (path, done) = (path.clone(), done.clone());
        std::thread::spawn(move || {
            let db = Db::open(&path, "demo").unwrap();
            let s = session(&db, Role::Coordinator);
            let report = import(&db, &s, json!({"path": file}));
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            report
        })
    };
    let desk_db = Db::open(&path, "demo").unwrap();
    let desk = session(&desk_db, Role::FrontDesk);
    let mut registered = 0;
    for i in 0.. {
        if done.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        api::call(&desk_db, &desk, "search_people", json!({"text": "Imported"})).unwrap();
        let person = json!({"given_name": format!("Walkin{i}"), "confirm_not_duplicate": true});
        api::call(&desk_db, &desk, "create_person", person).unwrap();
        registered += 1;
    }
    let report = importer.join().unwrap();
    assert_eq!(report["imported"], 3 * api::IMPORT_CHUNK, "{report}");
    assert!(registered > 0);
    // A registration written between two of the import's rows (in the table's own order)
    // landed while the import was under way: with one long transaction it never could.
    let between = count(
        &desk_db,
        "SELECT count(*) FROM people WHERE given_name LIKE 'Walkin%'
           AND rowid > (SELECT min(rowid) FROM people WHERE given_name LIKE 'Imported%')
           AND rowid < (SELECT max(rowid) FROM people WHERE given_name LIKE 'Imported%')",
    );
    assert!(between > 0, "the desk waited for the whole import");
    assert_eq!(count(&desk_db, "SELECT count(*) FROM people WHERE given_name LIKE 'Imported%'"), 1500);
    assert_eq!(count(&desk_db, "SELECT count(*) FROM settings WHERE key LIKE 'import.unfinished.%'"), 0);
}

/// A chunk that fails takes back the chunks written before it: all or nothing.
#[test]
fn an_import_that_fails_part_way_takes_back_what_it_wrote() {
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    // A write failure the checks cannot foresee, in the third chunk.
    db.write(|tx| {
        tx.execute_batch(
            "CREATE TRIGGER fail_on_boom BEFORE INSERT ON people WHEN NEW.given_name = 'Boom'
             BEGIN SELECT RAISE(ABORT, 'injected write failure'); END;",
        )?;
        Ok(())
    })
    .unwrap();
    let files = tempfile::tempdir().unwrap();
    let file = many_people_csv(files.path(), 3 * api::IMPORT_CHUNK, Some(2 * api::IMPORT_CHUNK + 10));
    let e = api::call(&db, &s, "import_people", json!({"path": file})).unwrap_err();
    assert!(e.to_string().contains("injected"), "{e}");
    assert_eq!(count(&db, "SELECT count(*) FROM people"), 0, "the first two chunks were taken back");
    assert_eq!(count(&db, "SELECT count(*) FROM settings WHERE key LIKE 'import.unfinished.%'"), 0);
}

/// An import stopped part-way (its process killed) is taken back by the next one.
#[test]
fn an_import_stopped_part_way_is_taken_back_later() {
    use haven_core::cases::import::{self as imp, Chunks, ImportRequest};
    let (db, _dir) = empty_centre();
    let s = session(&db, Role::Coordinator);
    let files = tempfile::tempdir().unwrap();
    let file = many_people_csv(files.path(), 30, None);
    let req = ImportRequest { path: file, ..Default::default() };
    let checked = db.read(|c| imp::check(c, &s, &req, util::today())).unwrap();
    let mut chunks = Chunks::new();
    db.write(|tx| imp::write_chunk(tx, &s, &checked, 0..10, &mut chunks, util::today(), false)).unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) FROM people"),
        10,
        "the first chunk landed, then the process died"
    );
    let now = chrono::Utc::now();
    assert!(db.read(|c| imp::stale(c, now)).unwrap().is_empty(), "a live import is left alone");
    let later = now + imp::STALE_AFTER + chrono::Duration::seconds(1);
    assert_eq!(db.read(|c| imp::stale(c, later)).unwrap(), vec![chunks.id().to_string()]);
    let removed = db.write(|tx| imp::undo(tx, chunks.id())).unwrap();
    assert_eq!(removed, 10);
    assert_eq!(count(&db, "SELECT count(*) FROM people"), 0);
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
