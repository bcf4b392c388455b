//! Property tests over untrusted input: whatever bytes a spreadsheet holds and whatever JSON
//! reaches `call`, Haven answers with a result or a typed error, and never panics.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use std::sync::LazyLock;

use haven_core::cases::import;
use haven_core::{api, ErrorKind, Role};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Any JSON value, a few levels deep, with the strings and numbers inputs meet in practice.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(Value::Number).unwrap_or(Value::Null)),
        "\\PC{0,40}".prop_map(Value::String),
        prop_oneof![
            Just("2026-11-27"),
            Just("CAL"),
            Just("CAL-0001"),
            Just("../../etc/passwd"),
            Just("'; DROP TABLE people; --"),
            Just("فاطمة"),
            Just(""),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    "[a-z_]{1,12}",
                    Just("id".to_string()),
                    Just("person".to_string()),
                    Just("site".to_string()),
                    Just("path".to_string()),
                    Just("text".to_string()),
                    Just("limit".to_string()),
                    Just("given_name".to_string()),
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

static DB: LazyLock<util::TestDb> = LazyLock::new(|| util::seeded(30));

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn call_never_panics_and_errors_are_typed(input in any_json(), role in 0usize..3) {
        let db = &DB.db;
        let session = util::session(db, Role::ALL[role]);
        for f in api::FUNCTIONS {
            // Writing files only into the test's own folder.
            let mut input = input.clone();
            if let Some(obj) = input.as_object_mut() {
                if obj.contains_key("path") {
                    obj.insert("path".into(), json!(DB.dir.path().join("out.bin").display().to_string()));
                }
            }
            match api::call(db, &session, f.name, input) {
                Ok(_) => {}
                Err(e) => {
                    let kind = e.kind();
                    prop_assert!(kind != ErrorKind::Internal || e.to_string().contains("Could not"), "{}: internal error {e}", f.name);
                    prop_assert!(!e.to_string().is_empty());
                }
            }
        }
    }

    #[test]
    fn any_bytes_as_a_spreadsheet_give_a_table_or_a_clear_error(bytes in prop::collection::vec(any::<u8>(), 0..2048), ext in prop_oneof![Just("csv"), Just("xlsx"), Just("xls"), Just("ods")]) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(format!("in.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        if let Err(e) = import::preview(&path) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn csv_shaped_text_imports_or_lists_its_problems(rows in prop::collection::vec(prop::collection::vec("[\\PC\"',;\\n]{0,12}", 0..6), 0..12)) {
        let mut text = String::from("Given name,Family name,Date of birth,Sex,Phone\n");
        for row in rows {
            let cells: Vec<String> = row.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, text).unwrap();
        let lead = util::session(&DB.db, Role::Lead);
        let request = json!({"path": path.display().to_string(), "dry_run": true});
        if let Err(e) = api::call(&DB.db, &lead, "import_people", request) {
            prop_assert!(e.kind() != ErrorKind::Internal, "{e}");
        }
    }

    #[test]
    fn a_damaged_real_workbook_never_panics(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)) {
        let mut bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/people_import.xlsx")).unwrap();
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] ^= b | 1;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("damaged.xlsx");
        std::fs::write(&path, &bytes).unwrap();
        let _ = import::preview(&path);
    }

    /// Hostile shapes (issue 13, item 4): cells of any length around the limit, any number of
    /// columns, values anywhere on a sheet. Each file gives a table within the limits or a
    /// validation error, never a panic or an internal error, and a too-long cell is refused.
    #[test]
    fn hostile_csv_shapes_give_a_table_within_limits_or_a_refusal(
        cell in 0usize..(2 * import::MAX_CELL_CHARS),
        columns in 1usize..(2 * import::MAX_COLUMNS),
        multibyte in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hostile.csv");
        let mut text = String::from("Given name");
        for c in 1..columns {
            text.push_str(&format!(",Col{c}"));
        }
        let long = if multibyte { "é".repeat(cell) } else { "x".repeat(cell) };
        text.push_str(&format!("\nAmal,{long}\n"));
        std::fs::write(&path, text).unwrap();
        match import::read_table(&path) {
            Ok(t) => {
                prop_assert!(t.headers.len() <= import::MAX_COLUMNS);
                prop_assert!(t.rows.iter().flatten().all(|c| c.chars().count() <= import::MAX_CELL_CHARS));
            }
            Err(e) => {
                prop_assert_eq!(e.kind(), ErrorKind::Validation, "{}", e);
                prop_assert!(columns > import::MAX_COLUMNS || cell > import::MAX_CELL_CHARS, "{}", e);
            }
        }
    }

    #[test]
    fn hostile_sheet_shapes_give_a_table_within_limits_or_a_refusal(
        cells in prop::collection::vec((1u64..2_000_000, 1u64..20_000, 0usize..50_000), 0..6),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("hostile.xlsx");
        let mut sheet = String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Given name</t></is></c></row>"#);
        let mut sorted = cells.clone();
        sorted.sort();
        for (row, col, len) in sorted {
            let at = format!("{}{}", column_letters(col), row + 1);
            sheet.push_str(&format!(r#"<row r="{}"><c r="{at}" t="inlineStr"><is><t>{}</t></is></c></row>"#, row + 1, "y".repeat(len)));
        }
        util::workbook(&path, &sheet, &[]);
        match import::read_table(&path) {
            Ok(t) => {
                prop_assert!(t.rows.len() <= import::MAX_ROWS);
                prop_assert!(t.headers.len() <= import::MAX_COLUMNS);
                prop_assert!(t.rows.iter().flatten().all(|c| c.chars().count() <= import::MAX_CELL_CHARS));
            }
            Err(e) => prop_assert_eq!(e.kind(), ErrorKind::Validation, "{}", e),
        }
    }
}

/// A 1-based column number as its letters (`1` is `A`, `27` is `AA`).
fn column_letters(mut n: u64) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}
