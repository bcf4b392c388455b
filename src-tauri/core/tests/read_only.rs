//! The API table's READ marks are true: every READ function, run by a lead on a seeded demo
//! with valid inputs, succeeds and changes nothing; and the dispatcher refuses writes inside one.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use std::path::PathBuf;

use haven_core::api::{self, FUNCTIONS};
use haven_core::{Db, ErrorKind, Role};
use serde_json::{json, Value};
use util::{call, seeded, session, today};

/// The database's count of rows changed since it opened, and the audit log's length.
fn changes(db: &Db) -> (i64, i64) {
    db.read(|c| {
        let total = c.query_row("SELECT total_changes()", [], |r| r.get(0))?;
        let audit = c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
        Ok((total, audit))
    })
    .expect("count changes")
}

fn one_id(db: &Db, sql: &str) -> String {
    db.read(|c| Ok(c.query_row(sql, [], |r| r.get::<_, String>(0))?)).expect(sql)
}

#[test]
fn every_read_function_runs_and_writes_nothing() {
    let t = seeded(40);
    let lead = session(&t.db, Role::Lead);
    let on = today();
    let week = on.format("%G-W%V").to_string();

    // Records the READ functions need, made by WRITE functions first.
    let location = one_id(&t.db, "SELECT l.id FROM stock_locations l JOIN sites s ON s.id = l.site_id WHERE s.code = 'CAL' ORDER BY l.name LIMIT 1");
    let dist = call(
        &t.db,
        &lead,
        "create_distribution",
        json!({"location": location, "held_on": on, "dist_type": "weekly", "confirm_same_week": true}),
    );
    let take = call(&t.db, &lead, "start_stock_take", json!({"location": location}));
    let activity = call(
        &t.db,
        &lead,
        "save_session",
        json!({"site": "CAL", "kind": "english", "title": "English A1", "weekday": 1, "starts_at": "14:00",
               "ends_at": "15:00", "capacity": 5, "starts_on": "2026-01-01"}),
    );
    let person = one_id(&t.db, "SELECT p.code FROM people p JOIN sites s ON s.id = p.site_id WHERE s.code = 'CAL' AND p.status = 'active' ORDER BY p.code LIMIT 1");
    let import_file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/people_import.csv");

    // Inputs of the READ functions that need some; the others take `{}`.
    let inputs: Vec<(&str, Value)> = vec![
        ("search_people", json!({"text": "a"})),
        ("find_duplicates", json!({"given_name": "Amina", "family_name": "Haddad"})),
        ("preview_import", json!({"path": import_file.display().to_string()})),
        ("get_stock_take", json!({"id": take["id"]})),
        ("distribution_plan", json!({"id": dist["id"]})),
        ("distribution_desk", json!({"id": dist["id"]})),
        ("packing_list", json!({"distribution": dist["id"]})),
        ("distribution_after", json!({"distribution": dist["id"]})),
        ("desk_lookup", json!({"distribution": dist["id"], "query": person})),
        ("rota_week", json!({"site": "CAL", "week": week})),
        ("timetable", json!({"site": "CAL", "week": week})),
        ("session_sign_ups", json!({"session": activity["id"], "on_date": on})),
        ("money_report", json!({"report": "where_money_went"})),
    ];

    let mut ran = Vec::new();
    for f in FUNCTIONS.iter().filter(|f| !f.writes) {
        let input = inputs.iter().find(|(n, _)| *n == f.name).map(|(_, v)| v.clone()).unwrap_or(json!({}));
        let before = changes(&t.db);
        let out = api::call(&t.db, &lead, f.name, input.clone());
        assert!(out.is_ok(), "{} (READ) must run as a lead with {input}: {:?}", f.name, out.err());
        assert_eq!(changes(&t.db), before, "{} is marked READ but changed the database", f.name);
        ran.push(f.name);
    }
    for (name, _) in &inputs {
        assert!(ran.contains(name), "{name} has an input here but is not a READ function any more");
    }
}

#[test]
fn a_write_inside_a_read_only_scope_is_refused() {
    let t = seeded(5);
    let before = changes(&t.db);
    let inside = t.db.read_only("made_up_read", || {
        t.db.write(|tx| Ok(tx.execute("UPDATE settings SET value = value", [])?))
    });
    assert!(
        matches!(&inside, Err(e) if e.kind() == ErrorKind::Internal && e.to_string().contains("made_up_read")),
        "a write in a READ function must fail as internal and name it: {inside:?}"
    );
    // A plain read that tries to write is stopped by SQLite itself.
    let read = t.db.read(|c| Ok(c.execute("UPDATE settings SET value = value", [])?));
    assert!(read.is_err_and(|e| e.kind() == ErrorKind::Internal), "a write through Db::read must fail");
    assert_eq!(changes(&t.db), before, "nothing may have been written");
    // Both leave the connection writable for the next write.
    t.db.write(|tx| Ok(tx.execute("UPDATE settings SET value = value", [])?)).expect("write after");
}
