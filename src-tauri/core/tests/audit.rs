//! The audit log's hash chain: every change leaves an entry, and editing, deleting or slipping in
//! an entry is caught by `verify`, naming the first entry that is not as written.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::access::audit::{self, AuditQuery};
use haven_core::db::MIGRATIONS;
use haven_core::{api, Role};
use rusqlite::Connection;
use serde_json::json;

/// Some work through the API, so the log has entries of several kinds.
fn some_work(t: &util::TestDb) {
    let lead = util::session(&t.db, Role::Lead);
    let desk = util::session(&t.db, Role::FrontDesk);
    for code in ["LIL", "PAR", "LYO", "ROU", "AMI"] {
        api::call(&t.db, &lead, "create_site", json!({"code": code, "name": format!("Site {code}")}))
            .unwrap();
    }
    let found = api::call(&t.db, &desk, "search_people", json!({"text": ""})).unwrap();
    let id = found["rows"][0]["id"].as_str().unwrap().to_string();
    api::call(&t.db, &desk, "get_person", json!({"id": id})).unwrap();
}

/// Runs SQL as someone with the key and a SQLCipher shell would: the append-only triggers
/// dropped first.
fn tamper(t: &util::TestDb, sql: &str) {
    t.db.write(|tx| {
        tx.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")?;
        tx.execute_batch(sql)?;
        Ok(())
    })
    .unwrap();
}

fn verify(t: &util::TestDb) -> audit::ChainReport {
    t.db.read(audit::verify).unwrap()
}

#[test]
fn an_untouched_log_verifies_and_every_entry_is_numbered() {
    let t = util::seeded(20);
    some_work(&t);
    let report = verify(&t);
    assert!(report.ok, "{report:?}");
    let entries =
        t.db.read(|c| audit::list(c, &AuditQuery { limit: Some(1000), ..Default::default() })).unwrap();
    assert_eq!(report.entries as usize, entries.len());
    assert_eq!(entries[0].seq, Some(report.entries), "newest first");
    assert_eq!(report.head_hash.len(), 64);
}

#[test]
fn an_edited_entry_is_named() {
    let t = util::seeded(20);
    some_work(&t);
    tamper(&t, "UPDATE audit_log SET username = 'someone_else' WHERE seq = 3");
    let report = verify(&t);
    assert!(!report.ok);
    assert_eq!(report.first_bad_seq, Some(3));
    assert!(report.problem.unwrap().contains("changed"));
}

#[test]
fn an_edit_that_also_rehashes_the_entry_breaks_the_next_link() {
    let t = util::seeded(20);
    some_work(&t);
    // Replace entry 2's hash with anything: entry 3 still names the old one.
    tamper(&t, "UPDATE audit_log SET detail = '{}', hash = 'ab' WHERE seq = 2");
    let report = verify(&t);
    assert_eq!(report.first_bad_seq, Some(2));
}

#[test]
fn a_deleted_entry_in_the_middle_or_at_the_end_is_caught() {
    let t = util::seeded(20);
    some_work(&t);
    tamper(&t, "DELETE FROM audit_log WHERE seq = 4");
    let report = verify(&t);
    assert_eq!(report.first_bad_seq, Some(4));
    assert!(report.problem.unwrap().contains("deleted"));

    let t = util::seeded(20);
    some_work(&t);
    let before = verify(&t).entries;
    tamper(&t, &format!("DELETE FROM audit_log WHERE seq = {before}"));
    let report = verify(&t);
    assert!(!report.ok, "the head remembers the newest entry");
    assert_eq!(report.first_bad_seq, Some(before));
}

#[test]
fn the_api_check_is_for_leads_and_is_itself_audited() {
    let t = util::seeded(5);
    let lead = util::session(&t.db, Role::Lead);
    let coord = util::session(&t.db, Role::Coordinator);
    let err = api::call(&t.db, &coord, "verify_audit_log", json!({})).unwrap_err();
    assert_eq!(err.kind(), haven_core::ErrorKind::Forbidden);
    let out = api::call(&t.db, &lead, "verify_audit_log", json!({})).unwrap();
    assert_eq!(out["ok"], true);
    let after = verify(&t);
    assert!(after.ok);
    assert_eq!(after.entries, out["entries"].as_i64().unwrap() + 1, "the check left its own entry");
}

#[test]
fn filters_narrow_the_list() {
    let t = util::seeded(20);
    some_work(&t);
    let list = |q: AuditQuery| t.db.read(|c| audit::list(c, &q)).unwrap();
    let views = list(AuditQuery { action: Some("view".into()), ..Default::default() });
    assert!(!views.is_empty() && views.iter().all(|e| e.action == "view"));
    let tom = list(AuditQuery { username: Some("TOM".into()), ..Default::default() });
    assert!(!tom.is_empty() && tom.iter().all(|e| e.username == "tom"));
    let today = chrono::Utc::now().date_naive();
    assert!(!list(AuditQuery { from: Some(today), to: Some(today), ..Default::default() }).is_empty());
    let yesterday = today.pred_opt().unwrap();
    assert!(list(AuditQuery { to: Some(yesterday), ..Default::default() }).is_empty());
}

#[test]
fn entries_written_before_the_chain_existed_are_chained_by_the_migration() {
    let mut conn = Connection::open_in_memory().unwrap();
    MIGRATIONS.to_version(&mut conn, 2).unwrap();
    conn.execute_batch(
        "INSERT INTO sites (id, site_id, code, name) VALUES ('s1', 's1', 'CAL', 'Calais');
         INSERT INTO audit_log (id, site_id, username, action, entity, created_at)
         VALUES ('a1', 's1', 'sarah', 'setup', 'centre', '2026-01-01T10:00:00.000Z'),
                ('a2', 's1', 'sarah', 'create', 'person', '2026-01-02T10:00:00.000Z'),
                ('a3', 's1', 'tom', 'view', 'person', '2026-01-03T10:00:00.000Z');",
    )
    .unwrap();
    MIGRATIONS.to_latest(&mut conn).unwrap();
    let report = audit::verify(&conn).unwrap();
    assert!(report.ok, "{report:?}");
    assert_eq!(report.entries, 3);
    let seq: i64 = conn.query_row("SELECT seq FROM audit_log WHERE id = 'a3'", [], |r| r.get(0)).unwrap();
    assert_eq!(seq, 3, "numbered oldest first");
    let refused = conn.execute("UPDATE audit_log SET username = 'x' WHERE id = 'a1'", []);
    assert!(refused.is_err(), "append-only again after the migration");
}

/// A database whose WAL is deleted after a crash has lost its last commits; the head file
/// beside it notices at the next open: the sign-in warns and records it, and `verify` says so.
#[test]
fn a_lost_write_ahead_log_is_noticed_warned_about_and_reported() {
    use haven_core::access::keyring;
    use haven_core::{db_path, seed};
    let live = tempfile::tempdir().unwrap();
    let path = db_path(live.path());
    let db = keyring::create(&path, &seed::demo_key()).unwrap();
    seed::seed_demo(&db, 5, 1).unwrap();
    keyring::add_missing(&db, "demo").unwrap();
    drop(db);
    let clean = keyring::unlock(&path, Some("tom"), "demo").unwrap();
    assert!(clean.db.lost_commits().is_none(), "a clean close loses nothing");
    // A registration that lives only in the WAL while Haven runs, then Haven is "killed": the
    // file is copied without its WAL, as a crash and a deleted haven.db-wal leave it.
    let lead = clean.session.clone();
    api::call(
        &clean.db,
        &lead,
        "create_person",
        json!({"given_name": "Lost", "confirm_not_duplicate": true}),
    )
    .unwrap();
    let copy = tempfile::tempdir().unwrap();
    for name in ["haven.db", "haven.keys", "haven.db-head"] {
        std::fs::copy(live.path().join(name), copy.path().join(name)).unwrap();
    }
    assert!(live.path().join("haven.db-wal").exists(), "the commit is still in the WAL");
    drop(clean);

    let opened = keyring::unlock(&db_path(copy.path()), Some("tom"), "demo").unwrap();
    let lost = opened.db.lost_commits().cloned().expect("the loss is noticed");
    assert!(lost.recorded_seq > lost.found_seq, "{lost:?}");
    let notices = api::sign_in(&opened.db, &opened.session);
    assert!(notices.iter().any(|n| n.message.contains("haven.db-wal")), "the sign-in warns: {notices:?}");
    let report = opened.db.read(audit::verify).unwrap();
    assert!(!report.ok, "verify reports the loss: {report:?}");
    assert!(report.problem.unwrap().contains("lost"));
    drop(opened);
    // Recorded in the chain: still reported after the head file has moved on.
    let again = keyring::unlock(&db_path(copy.path()), Some("tom"), "demo").unwrap();
    assert!(again.db.lost_commits().is_none(), "the head file follows the database again");
    assert!(!again.db.read(audit::verify).unwrap().ok);
}
