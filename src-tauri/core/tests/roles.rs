//! The role matrix: every API function, called by each role, is either allowed or refused with
//! `forbidden`, exactly as `tests/data/expected/role-matrix.txt` says. A new function, or a
//! changed permission, fails this test until the file is updated on purpose
//! (`HAVEN_BLESS=1 cargo test -p haven-core --test roles` rewrites it for review).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::{api, ErrorKind, Role};
use serde_json::json;

const EXPECTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/expected/role-matrix.txt");

fn cell(allowed: bool) -> &'static str {
    if allowed {
        "yes"
    } else {
        "no"
    }
}

#[test]
fn every_function_for_every_role_is_allowed_or_forbidden_as_the_matrix_says() {
    let t = util::seeded(30);
    let mut lines = vec![format!("{:<32} {:<11} {:<12} {}", "function", "front_desk", "coordinator", "lead")];
    for f in api::FUNCTIONS {
        let mut row = Vec::new();
        for role in Role::ALL {
            let session = util::session(&t.db, role);
            // An empty input: refused as forbidden before the input is even read, or else
            // run (or refused for its input, which means the role got past the gate).
            let out = api::call(&t.db, &session, f.name, json!({}));
            let allowed = !matches!(&out, Err(e) if e.kind() == ErrorKind::Forbidden);
            assert_eq!(allowed, role >= f.min_role, "{} as {role:?}: {out:?}", f.name);
            row.push(cell(allowed));
        }
        lines.push(format!("{:<32} {:<11} {:<12} {}", f.name, row[0], row[1], row[2]));
    }
    let table = lines.join("\n") + "\n";
    if std::env::var_os("HAVEN_BLESS").is_some() {
        std::fs::write(EXPECTED, &table).unwrap();
    }
    let expected = std::fs::read_to_string(EXPECTED).unwrap_or_default().replace("\r\n", "\n");
    assert_eq!(
        table, expected,
        "the permission table changed: review it and rewrite {EXPECTED} with HAVEN_BLESS=1"
    );
}
