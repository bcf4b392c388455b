//! Helpers for integration tests: a real SQLCipher file in a temporary folder.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
#![allow(dead_code)]

pub mod distribution;
pub mod exchange;
pub mod stock;
pub mod strict;
pub mod volunteers;

use haven_core::access::users;
use haven_core::{api, db_path, seed, Db, Role, Session};
use serde_json::Value;
use tempfile::TempDir;

/// A seeded demo database in its own temporary folder (deleted on drop).
pub struct TestDb {
    pub db: Db,
    pub dir: TempDir,
}

pub fn seeded(people: usize) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::create(&db_path(dir.path()), seed::DEMO_PASSPHRASE).expect("create db");
    seed::seed_demo(&db, people, 7).expect("seed");
    TestDb { db, dir }
}

/// The session of the demo user with `role`.
pub fn session(db: &Db, role: Role) -> Session {
    let name = seed::DEMO_USERS.iter().find(|u| u.2 == role).expect("a demo user with that role").0;
    db.read(|c| users::sign_in(c, name)).expect("sign in")
}

/// The session of the demo user `username`.
pub fn signed_in(db: &Db, username: &str) -> Session {
    db.read(|c| users::sign_in(c, username)).expect("sign in")
}

/// Today, local.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Calls an API function that must succeed.
pub fn call(db: &Db, s: &Session, name: &str, input: Value) -> Value {
    api::call(db, s, name, input).unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

/// Calls an API function that must fail, and returns its error as the UI sees it.
pub fn err(db: &Db, s: &Session, name: &str, input: Value) -> haven_core::ErrorPayload {
    match api::call(db, s, name, input) {
        Ok(v) => panic!("{name} should have failed, got {v}"),
        Err(e) => e.to_payload(),
    }
}

/// A minimal `.xlsx` whose first sheet is `sheet` (the XML inside `<sheetData>`) with the shared
/// strings `strings`, written with the zip crate so a test can make any hostile shape.
pub fn workbook(path: &std::path::Path, sheet: &str, strings: &[String]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let sst: String = strings.iter().map(|s| format!("<si><t>{s}</t></si>")).collect();
    let parts = [
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#.to_string(),
        ),
        (
            "_rels/.rels",
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ),
        (
            "xl/workbook.xml",
            format!(r#"<?xml version="1.0"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#),
        ),
        ("xl/sharedStrings.xml", format!(r#"<?xml version="1.0"?><sst xmlns="{main}">{sst}</sst>"#)),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet xmlns="{main}"><sheetData>{sheet}</sheetData></worksheet>"#)),
    ];
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

/// Whether this test program runs under Wine (the test command's Windows step: Wine sets
/// `WINELOADER` in every process it starts). There a Linux program such as pdftotext starts, but
/// its output and exit status never reach the Windows program, so a test that reads a PDF back
/// with poppler stops before it, saying so on stderr (past the test harness's capture): the PDF
/// has been written by then. The Linux run reads the same engine's PDFs back, and the test
/// command's MSI smoke test reads back PDFs that the Windows build printed.
pub fn poppler_skipped_under_wine(test: &str) -> bool {
    let wine = cfg!(windows) && std::env::var_os("WINELOADER").is_some();
    if wine {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{test}: PDF written; reading it back with poppler skipped under Wine (README, Windows)"
        );
    }
    wine
}
