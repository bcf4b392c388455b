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
        // Quantities at and past the bounds (issue 13.2).
        prop_oneof![Just(i64::MAX), Just(i64::MIN), Just(1_000_000i64), Just(1_000_001i64), Just(-1i64)]
            .prop_map(|n| json!(n)),
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
            // Hostile text and dates (issue 13.10, 13.9): overrides, invisible characters,
            // formulas, days that do not exist and years out of range.
            Just("Rlo\u{202E}gnp.exe"),
            Just("Ha\u{200B}dan"),
            Just("=HYPERLINK(\"http://x\",\"y\")"),
            Just("2026-02-30"),
            Just("9999-12-31"),
            Just("<script>"),
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
                    Just("quantity".to_string()),
                    Just("held_on".to_string()),
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

    /// Issue 13.2: whatever quantity a receipt, adjustment, transfer, threshold or count
    /// names, the answer is a result or a refusal naming the field, never a panic or an
    /// overflow, and every report still answers after.
    #[test]
    fn any_quantity_is_taken_or_refused_and_reports_still_answer(
        q in prop_oneof![any::<i64>(), Just(i64::MAX), Just(i64::MIN), 0i64..2_000_000],
        cost in prop_oneof![any::<i64>(), 0i64..20_000_000],
    ) {
        let coord = util::session(&DB.db, Role::Coordinator);
        let loc = STOCK_SHELF.as_str();
        for (function, body) in [
            ("receive_stock", json!({"location": loc, "item": "Hygiene kit", "quantity": q, "source": "donation"})),
            ("receive_stock", json!({"location": loc, "item": "Hygiene kit", "quantity": q, "source": "purchase", "unit_cost": cost})),
            ("adjust_stock", json!({"location": loc, "item": "Hygiene kit", "quantity": q, "reason": "found"})),
            ("adjust_stock", json!({"location": loc, "item": "Hygiene kit", "quantity": q, "reason": "lost"})),
            ("set_threshold", json!({"site": "CAL", "item": "Hygiene kit", "threshold": q})),
        ] {
            if let Err(e) = api::call(&DB.db, &coord, function, body) {
                prop_assert!(e.kind() != ErrorKind::Internal, "{function} {q}: {e}");
            }
        }
        for function in ["stock_overview", "stock_balances", "stock_reports", "stock_chart"] {
            prop_assert!(api::call(&DB.db, &coord, function, json!({})).is_ok(), "{function} after {q}");
        }
    }

    /// Issue 13.10: a name with hidden direction overrides, invisible or control characters
    /// anywhere is refused naming its field, or stored normalised (NFC) without them.
    #[test]
    fn a_name_with_hidden_characters_is_refused_by_field_or_stored_clean(
        parts in prop::collection::vec(prop_oneof![
            "[A-Za-zéï' -]{1,6}",
            Just("\u{202E}".to_string()), Just("\u{202D}".to_string()), Just("\u{2066}".to_string()),
            Just("\u{200B}".to_string()), Just("\u{200D}".to_string()), Just("\u{FEFF}".to_string()),
            Just("\u{200F}".to_string()), Just("\u{0007}".to_string()), Just("\n".to_string()),
            Just("e\u{0301}".to_string()),
        ], 1..6),
        field in prop_oneof![Just("given_name"), Just("family_name")],
    ) {
        let name: String = parts.concat();
        let desk = util::session(&DB.db, Role::FrontDesk);
        let mut body = json!({"given_name": "Fuzz", "family_name": "Test", "confirm_not_duplicate": true});
        body[field] = json!(name);
        match api::call(&DB.db, &desk, "create_person", body) {
            Ok(out) => {
                let stored = out["person"][field].as_str().unwrap().to_string();
                let hidden = ['\u{202E}', '\u{202D}', '\u{2066}', '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{200F}', '\u{0007}', '\n'];
                prop_assert!(!stored.contains(hidden), "{stored:?}");
                prop_assert!(!stored.contains('\u{0301}'), "stored composed (NFC): {stored:?}");
            }
            Err(e) => {
                let p = e.to_payload();
                prop_assert_eq!(p.kind, ErrorKind::Validation, "{}", p.message);
                prop_assert!(p.field.as_deref() == Some(field) || name.trim().is_empty(), "{:?}: {}", p.field, p.message);
            }
        }
    }

    /// Issue 13.6: CSV text with stray quotes, the other separator, short and long rows is
    /// read into row errors with row numbers inside the file, never an internal error; every
    /// data line is counted.
    #[test]
    fn malformed_csv_rows_are_row_errors_inside_the_file(
        rows in prop::collection::vec(prop::collection::vec("[A-Za-z0-9 \";,]{0,8}", 0..8), 1..10),
        sep in prop_oneof![Just(","), Just(";")],
    ) {
        let mut text = String::from("Given name,Family name,Sex,Date of birth,Site\n");
        for row in &rows {
            text.push_str(&row.join(sep));
            text.push('\n');
        }
        let lines = text.lines().count();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.csv");
        std::fs::write(&path, &text).unwrap();
        let lead = util::session(&DB.db, Role::Lead);
        let request = json!({"path": path.display().to_string(), "dry_run": true});
        match api::call(&DB.db, &lead, "import_people", request) {
            Ok(report) => {
                for e in report["errors"].as_array().unwrap() {
                    let row = e["row"].as_u64().unwrap() as usize;
                    prop_assert!((1..=lines).contains(&row), "row {row} outside the file's {lines} lines: {e}");
                }
                let counted = report["rows"].as_u64().unwrap() as usize;
                prop_assert!(counted < lines, "{counted} rows in {lines} lines");
                if !text.contains('"') {
                    let data = text.lines().skip(1).filter(|l| !l.is_empty()).count();
                    let trailing_blank = text.lines().rev().take_while(|l| l.chars().all(|c| c == ',' || c == ';' || c == ' ')).count();
                    prop_assert!(counted + trailing_blank >= data, "{counted} of {data} data lines counted");
                }
            }
            Err(e) => prop_assert!(e.kind() != ErrorKind::Internal, "{e}"),
        }
    }
}

/// A shelf of the fuzzed stock, at Calais.
static STOCK_SHELF: LazyLock<String> = LazyLock::new(|| {
    let coord = util::session(&DB.db, Role::Coordinator);
    let out =
        api::call(&DB.db, &coord, "save_location", json!({"site": "CAL", "name": "Fuzz shelf"})).unwrap();
    out["id"].as_str().unwrap().to_string()
});

/// A 1-based column number as its letters (`1` is `A`, `27` is `AA`).
fn column_letters(mut n: u64) -> String {
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(char::from(b'A' + ((n - 1) % 26) as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}
