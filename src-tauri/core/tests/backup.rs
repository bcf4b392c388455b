//! Backups are encrypted copies made while Haven runs; a restore checks the copy before it
//! replaces anything, and keeps the replaced file.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use haven_core::access::keyring;
use haven_core::{api, backup, db_path, seed, Db, DbKey, ErrorKind};
use serde_json::json;

fn people(db: &Db) -> i64 {
    db.read(|c| Ok(c.query_row("SELECT count(*) FROM people", [], |r| r.get(0))?)).unwrap()
}

/// A demo centre keyed by a random key, as the app makes it.
fn centre(dir: &std::path::Path, n: usize) -> (Db, DbKey) {
    let key = DbKey::generate();
    let db = keyring::create(&db_path(dir), &key).unwrap();
    seed::seed_demo(&db, n, 5).unwrap();
    keyring::add_missing(&db, "demo").unwrap();
    (db, key)
}

#[test]
fn backup_then_restore_round_trip_keeps_the_replaced_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let (db, key) = centre(dir.path(), 40);
    let file = dir.path().join("usb").join("monday.db");
    let done = backup::backup_to(&db, &file).unwrap();
    assert!(done.bytes > 0);
    assert!(dir.path().join("usb").join("monday.db.keys").exists(), "the key file travels with it");
    let head = std::fs::read(&file).unwrap();
    assert!(!head.starts_with(b"SQLite format 3"), "the backup is encrypted");
    assert!(Db::open(&file, "demo").is_err(), "a passphrase alone does not open it");

    seed::seed_demo(&db, 25, 6).unwrap();
    assert_eq!(people(&db), 65);
    drop(db);

    let restored = backup::restore(&path, &file, &key).unwrap();
    assert_eq!(restored.people, 40);
    let aside = restored.replaced.expect("the live file was set aside");
    assert_eq!(people(&Db::open_with_key(std::path::Path::new(&aside), &key).unwrap()), 65);
    // The users' own passphrases open the restored database.
    let u = keyring::unlock(&path, Some("tom"), "demo").unwrap();
    assert_eq!(people(&u.db), 40);
}

#[test]
fn a_damaged_or_foreign_backup_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let (db, key) = centre(dir.path(), 30);
    let file = dir.path().join("b.db");
    backup::backup_to(&db, &file).unwrap();
    drop(db);
    let before = std::fs::read(&path).unwrap();

    // Flip bytes in the middle of the file: SQLCipher's page checks refuse it.
    let mut bytes = std::fs::read(&file).unwrap();
    let mid = bytes.len() / 2;
    for b in &mut bytes[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let damaged = dir.path().join("damaged.db");
    std::fs::write(&damaged, &bytes).unwrap();
    let err = backup::restore(&path, &damaged, &key).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation, "{err}");

    let other = DbKey::generate();
    let err = backup::restore(&path, &file, &other).unwrap_err();
    assert!(err.to_string().contains("another key"), "{err}");

    let err = backup::restore(&path, &dir.path().join("nothing.db"), &key).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);

    assert_eq!(std::fs::read(&path).unwrap(), before, "the live database is untouched");
    assert!(!dir.path().join("haven.db.restoring").exists());
}

#[test]
fn automatic_backups_keep_the_newest_n_and_the_api_audits_them() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = centre(dir.path(), 10);
    let lead = db.read(|c| haven_core::access::users::sign_in(c, "sarah")).unwrap();
    let settings =
        json!({"auto_lock_minutes": 15, "backups_kept": 2, "backup_dir": "", "retention_months": 24});
    api::call(&db, &lead, "update_security_settings", settings).unwrap();
    for _ in 0..3 {
        api::call(&db, &lead, "backup_now", json!({})).unwrap();
    }
    let folder = dir.path().join("backups");
    let kept: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".db"))
        .collect();
    assert_eq!(kept.len(), 2, "the oldest beyond 2 were removed");
    assert!(backup::automatic_if_due(&db).unwrap().is_none(), "one was made today");
    let n: i64 = db
        .read(
            |c| Ok(c.query_row("SELECT count(*) FROM audit_log WHERE action = 'backup'", [], |r| r.get(0))?),
        )
        .unwrap();
    assert_eq!(n, 3);
    let desk = db.read(|c| haven_core::access::users::sign_in(c, "tom")).unwrap();
    let err = api::call(&db, &desk, "backup_now", json!({})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Forbidden);
}

#[test]
fn two_automatic_backups_at_once_both_land_in_their_own_files() {
    // The daily backup at sign-in and "Back up now" pressed straight after.
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = centre(dir.path(), 20);
    let db = std::sync::Arc::new(db);
    for round in 0..5 {
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let (db, barrier) = (std::sync::Arc::clone(&db), std::sync::Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    backup::automatic(&db).map(|d| d.path).map_err(|e| e.to_string())
                })
            })
            .collect();
        let paths: Vec<String> = runs
            .into_iter()
            .map(|r| r.join().unwrap().unwrap_or_else(|e| panic!("round {round}: {e}")))
            .collect();
        assert_ne!(paths[0], paths[1], "round {round}: two backups, two files");
    }
}

#[test]
fn an_empty_cut_or_unfinished_backup_is_refused_by_name_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let (db, key) = centre(dir.path(), 30);
    let file = dir.path().join("b.db");
    backup::backup_to(&db, &file).unwrap();
    drop(db);
    let bytes = std::fs::read(&file).unwrap();
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let part = dir.path().join("killed.db.part");
    std::fs::write(&part, &bytes[..bytes.len() / 2]).unwrap();
    for (file, says) in [(&empty, "0 bytes"), (&cut, "damaged or cut short"), (&part, "unfinished backup")] {
        let err = backup::restore(&path, file, &key).unwrap_err();
        let payload = err.to_payload();
        assert_eq!((payload.kind, payload.field.as_deref()), (ErrorKind::Validation, Some("file")), "{err}");
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(err.to_string().contains(&name) && err.to_string().contains(says), "{err}");
        assert!(err.to_string().contains("Choose another backup"), "{err}");
        assert!(!err.to_string().contains("newer Haven"), "{err}");
    }
}

#[test]
fn a_backup_folder_haven_cannot_write_in_is_refused_when_it_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = centre(dir.path(), 0);
    let lead = db
        .read(|c| {
            haven_core::access::users::first_lead(c).map(|u| haven_core::access::users::session_for(&u))
        })
        .unwrap();
    let settings = |d: &str| json!({"auto_lock_minutes": 15, "backups_kept": 2, "backup_dir": d, "retention_months": 24});
    for bad in ["/proc/self", "/sys", "relative/folder"] {
        let err = api::call(&db, &lead, "update_security_settings", settings(bad)).unwrap_err().to_payload();
        assert_eq!(
            (err.kind, err.field.as_deref()),
            (ErrorKind::Validation, Some("backup_dir")),
            "{bad}: {}",
            err.message
        );
    }
    let good = dir.path().join("usb").join("backups");
    api::call(&db, &lead, "update_security_settings", settings(&good.display().to_string())).unwrap();
    assert!(good.is_dir(), "the folder is made when it is set");
    assert_eq!(std::fs::read_dir(&good).unwrap().count(), 0, "the check leaves nothing behind");
}

#[test]
fn a_database_opened_read_only_reads_and_prints_and_refuses_changes_saying_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(dir.path());
    let (db, key) = centre(dir.path(), 20);
    drop(db);
    let files_before = std::fs::read_dir(dir.path()).unwrap().count();
    let db = Db::open_read_only_with_key(&path, &key).unwrap();
    assert!(db.is_read_only_media());
    let lead = db.read(|c| haven_core::access::users::sign_in(c, "sarah")).unwrap();
    let notices = api::sign_in(&db, &lead);
    assert_eq!(notices.len(), 1);
    assert_eq!(serde_json::to_value(notices[0].kind).unwrap(), "read_only_media");
    // Reading works.
    let page = api::call(&db, &lead, "search_people", json!({"limit": 5})).unwrap();
    assert_eq!(page["rows"].as_array().unwrap().len(), 5);
    api::call(&db, &lead, "stock_overview", json!({})).unwrap();
    let someone = page["rows"][0]["id"].clone();
    let person = api::call(&db, &lead, "get_person", json!({"id": someone})).unwrap();
    assert_eq!(person["person"]["id"], someone, "a person's page opens (its view cannot be audited there)");
    // A change is refused, naming the file and what to do.
    let err = api::call(&db, &lead, "create_site", json!({"code": "LIL", "name": "Lille"})).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert!(
        err.to_string().contains("read-only") && err.to_string().contains("copy the whole folder"),
        "{err}"
    );
    // Printing works (written elsewhere; no audit entry can be written here).
    let out = tempfile::tempdir().unwrap();
    let pdf = out.path().join("roster.pdf");
    api::call(&db, &lead, "print_roster", json!({"site": "CAL", "week": "2026-W48", "path": pdf})).unwrap();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    drop(db);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        files_before,
        "no WAL, journal or lock file was made"
    );
}
