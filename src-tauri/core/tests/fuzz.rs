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
}
