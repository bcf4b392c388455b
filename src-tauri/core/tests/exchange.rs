//! Exchange between replicas: capture, apply, conflicts and folder exchange, on real encrypted
//! files in temporary folders. Every replica starts as a copy of one seeded centre (the
//! snapshot a joining replica receives) made a replica of its own at another site. The
//! property test over three replicas is in `exchange_random.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::db::capture::{LOCAL_TABLES, REPLICATED_TABLES};
use haven_core::exchange;
use haven_core::{api, Role};
use serde_json::{json, Value};
use util::exchange::*;
use util::{call, seeded, session};

#[test]
fn every_table_is_classified_replicated_or_local_and_replicated_ones_have_a_primary_key() {
    let t = seeded(0);
    let tables: Vec<String> =
        t.db.read(|c| {
            Ok(c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    for table in &tables {
        let replicated = REPLICATED_TABLES.contains(&table.as_str());
        let local = LOCAL_TABLES.contains(&table.as_str());
        assert!(
            replicated ^ local,
            "table {table} must be in exactly one of REPLICATED_TABLES and LOCAL_TABLES"
        );
        if replicated {
            let pk: i64 =
                t.db.read(|c| {
                    Ok(c.query_row(
                        &format!("SELECT count(*) FROM pragma_table_info('{table}') WHERE pk > 0"),
                        [],
                        |r| r.get(0),
                    )?)
                })
                .unwrap();
            assert!(
                pk > 0,
                "replicated table {table} has no primary key: the session extension would skip it"
            );
        }
    }
    for listed in REPLICATED_TABLES.iter().chain(LOCAL_TABLES) {
        assert!(tables.iter().any(|t| t == listed), "{listed} is listed but no such table exists");
    }
}

#[test]
fn a_write_stores_its_changeset_in_the_same_transaction_and_a_failed_one_stores_nothing() {
    let r = replicas(&["CAL"]).remove(0);
    let before = outbox_count(&r.db);
    register(&r, "Amina", "Capture");
    assert_eq!(outbox_count(&r.db), before + 1, "one registration is one captured change");
    let failed: haven_core::Result<()> = r.db.write(|tx| {
        tx.execute("UPDATE people SET given_name = 'Gone' WHERE family_name = 'Capture'", [])?;
        Err(haven_core::Error::at("x", haven_core::Code::SetupCentreNameMissing, serde_json::json!({})))
    });
    assert!(failed.is_err());
    assert_eq!(outbox_count(&r.db), before + 1, "a rolled-back write leaves no change in the outbox");
    // Derived and local tables are not captured: a write to them alone stores nothing.
    sql(&r, "DELETE FROM person_name_keys WHERE person_id IN (SELECT id FROM people WHERE family_name = 'Capture')", &[]);
    assert_eq!(outbox_count(&r.db), before + 1);
}

/// Do triggers fire while SQLite applies a changeset? Yes: the people_fts triggers index the
/// arriving person (and the stock balance trigger runs too; balances are rebuilt anyway).
#[test]
fn triggers_run_during_an_apply_so_the_search_index_follows_and_name_keys_are_rebuilt() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    register(a, "Mohammed", "Searchable");
    swap(a, folder.path());
    let got = swap(b, folder.path());
    assert!(got.applied >= 1, "{got:?}");
    // The FTS5 triggers on people ran while the changeset was applied.
    let fts = one(b, "SELECT count(*) FROM people_fts WHERE people_fts MATCH 'Searchable'", &[]);
    assert_eq!(fts.as_deref().map(str::parse::<i64>).map(Result::unwrap), Some(1));
    // The name keys (local rowids) were recomputed: a sound-alike spelling finds the person.
    let keys = one(b, "SELECT count(*) FROM person_name_keys k JOIN people p ON p.id = k.person_id AND p.rowid = k.person_rowid WHERE p.family_name = 'Searchable'", &[]);
    assert!(keys.unwrap().parse::<i64>().unwrap() > 0, "name keys are computed with this replica's rowids");
    let page = call(&b.db, &b.s, "search_people", json!({"text": "Muhammad Searchable"}));
    let text = page.to_string();
    assert!(text.contains("Searchable"), "{text}");
}

#[test]
fn two_replicas_exchange_registrations_edits_deletes_stock_and_end_equal() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(a, "Hodan", "Exchange");
    let q = register(b, "Yonas", "Exchange");
    sql(a, "UPDATE people SET other_names = 'Hodi' WHERE id = ?1", &[&p]);
    call(&a.db, &a.s, "add_note", json!({"person": p, "body": "Met at the bus."}));
    sql(b, "DELETE FROM notes WHERE person_id = ?1", &[&q]);
    let loc = call(&a.db, &a.s, "save_location", json!({"site": "CAL", "name": "Exchange shelf"}))["id"]
        .as_str()
        .unwrap()
        .to_string();
    let item = one(a, "SELECT id FROM stock_items ORDER BY name LIMIT 1", &[]).unwrap();
    call(
        &a.db,
        &a.s,
        "receive_stock",
        json!({"location": loc, "item": item, "quantity": 12, "source": "donation", "party": "Donor",
               "expires_on": "2030-01-01"}),
    );
    for _ in 0..2 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    assert_same(a, b);
    assert_eq!(one(b, "SELECT other_names FROM people WHERE id = ?1", &[&p]).as_deref(), Some("Hodi"));
    let shelf = one(b, "SELECT quantity FROM stock_balances WHERE location_id = ?1", &[&loc]);
    assert_eq!(shelf.as_deref(), Some("12"), "the balance was rebuilt from the arriving ledger");
    // Once both have acknowledged everything, running again changes nothing, files included.
    swap(a, folder.path());
    swap(b, folder.path());
    let files = folder_listing(folder.path());
    let again = swap(a, folder.path());
    let again_b = swap(b, folder.path());
    assert_eq!((again.sent, again.applied, again.conflicts), (0, 0, 0), "{again:?}");
    assert_eq!((again_b.sent, again_b.applied, again_b.conflicts), (0, 0, 0), "{again_b:?}");
    assert_eq!(folder_listing(folder.path()), files, "a second run writes no file");
    assert_eq!(outbox_count(&a.db), 0, "changes both replicas have are deleted from the outbox");
    assert_eq!(outbox_count(&b.db), 0);
}

#[test]
fn a_concurrent_edit_has_one_winner_everywhere_and_is_listed_once_then_resolved() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(a, "Samir", "Conflict");
    swap(a, folder.path());
    swap(b, folder.path());
    sql(a, "UPDATE people SET given_name = 'Samira' WHERE id = ?1", &[&p]);
    sql(b, "UPDATE people SET given_name = 'Sami' WHERE id = ?1", &[&p]);
    for _ in 0..2 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    assert_same(a, b);
    // b's edit is later on the clock: it wins on both.
    assert_eq!(one(a, "SELECT given_name FROM people WHERE id = ?1", &[&p]).as_deref(), Some("Sami"));
    for r in [a, b] {
        let list = call(&r.db, &r.s, "list_conflicts", json!({}));
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 1, "{}: {list:?}", r.site);
        assert_eq!(list[0]["kind"], "edit");
        assert_eq!(list[0]["winner"]["given_name"], "Sami");
        assert_eq!(list[0]["loser"]["given_name"], "Samira");
    }
    let id = call(&a.db, &a.s, "list_conflicts", json!({}))[0]["id"].as_str().unwrap().to_string();
    call(&a.db, &a.s, "resolve_conflict", json!({"id": id, "choice": "take_other"}));
    swap(a, folder.path());
    swap(b, folder.path());
    assert_eq!(one(b, "SELECT given_name FROM people WHERE id = ?1", &[&p]).as_deref(), Some("Samira"));
    assert_eq!(call(&b.db, &b.s, "list_conflicts", json!({})), json!([]), "resolved everywhere");
    let front = session(&b.db, Role::FrontDesk);
    assert!(
        api::call(&b.db, &front, "list_conflicts", json!({})).is_err(),
        "the front desk may not see conflicts"
    );
}

#[test]
fn a_delete_meeting_an_edit_is_a_conflict_and_the_delete_wins_on_both() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(a, "Delia", "Deleted");
    call(&a.db, &a.s, "add_note", json!({"person": p, "body": "First words."}));
    swap(a, folder.path());
    swap(b, folder.path());
    sql(a, "DELETE FROM notes WHERE person_id = ?1", &[&p]);
    sql(b, "UPDATE notes SET body = 'Edited words.' WHERE person_id = ?1", &[&p]);
    // Each side applies the other's change in turn; the last exchange brings a the audit
    // entry of b's apply of a's conflict record.
    swap(b, folder.path());
    swap(a, folder.path());
    swap(b, folder.path());
    swap(a, folder.path());
    assert_same(a, b);
    assert_eq!(one(b, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&p]).as_deref(), Some("0"));
    for r in [a, b] {
        let list = call(&r.db, &r.s, "list_conflicts", json!({}));
        let list = list.as_array().unwrap();
        assert_eq!(list.len(), 1, "{}: {list:?}", r.site);
        assert_eq!(list[0]["kind"], "delete");
        assert!(list[0]["loser"].to_string().contains("Edited words."), "{list:?}");
    }
}

#[test]
fn three_replicas_pass_changes_on_through_two_folders_and_a_gap_waits() {
    let reps = replicas(&["CAL", "DUN", "BHM"]);
    let (a, b, c) = (&reps[0], &reps[1], &reps[2]);
    let stick = tempfile::tempdir().unwrap();
    let office = tempfile::tempdir().unwrap();
    // c has written something b has read: b knows c, so it keeps what c has not acknowledged.
    register(c, "From", "Birmingham");
    swap(c, office.path());
    swap(b, office.path());
    let p = register(a, "Relay", "Person");
    register(a, "Second", "Person");
    swap(a, stick.path());
    swap(b, stick.path());
    swap(b, office.path());
    let got = swap(c, office.path());
    assert!(got.applied >= 2, "{got:?}");
    assert_eq!(one(c, "SELECT given_name FROM people WHERE id = ?1", &[&p]).as_deref(), Some("Relay"));

    // A bundle missing a's first change: a's later ones wait for it, and say so.
    register(a, "Third", "Person");
    register(a, "Fourth", "Person");
    let lone = tempfile::tempdir().unwrap();
    swap(a, lone.path());
    let (name, bytes) =
        folder_listing(lone.path()).into_iter().find(|(n, _)| n.ends_with(".bundle")).unwrap();
    let (header, payload) = a.db.read(|c| exchange::open_bundle(c, &bytes)).unwrap();
    let mut changes = exchange::bundle::decode_changes(&payload).unwrap();
    let cut = tempfile::tempdir().unwrap();
    let a_id = exchange::identity(&a.db).unwrap().replica;
    let last = changes.iter().filter(|ch| ch.origin == a_id).map(|ch| ch.seq).max().unwrap();
    changes.retain(|ch| !(ch.origin == a_id && ch.seq == last - 1));
    let cut_bytes =
        a.db.read(|c| exchange::seal_bundle(c, &header, &exchange::bundle::encode_changes(&changes)))
            .unwrap();
    std::fs::write(cut.path().join(&name), &cut_bytes).unwrap();
    let waited = swap(c, cut.path());
    assert_eq!(waited.applied, 0, "{waited:?}");
    assert_eq!(waited.waiting, 1, "{waited:?}");
    assert!(waited.waiting_for.iter().any(|w| w.contains("has not arrived")), "{waited:?}");
    // The whole bundle, read twice (and the cut one again): everything applies once.
    std::fs::write(cut.path().join(&name), &bytes).unwrap();
    let done = swap(c, cut.path());
    assert_eq!(done.waiting, 0, "{done:?}");
    let twice = swap(c, cut.path());
    assert_eq!(twice.applied, 0, "{twice:?}");
    assert_eq!(one(c, "SELECT count(*) FROM people WHERE given_name = 'Fourth'", &[]).as_deref(), Some("1"));

    for _ in 0..2 {
        for r in [a, b, c] {
            swap(r, stick.path());
            swap(r, office.path());
        }
    }
    assert_same(a, b);
    assert_same(b, c);
}

#[test]
fn a_row_whose_parent_has_not_arrived_waits_and_applies_after_it() {
    let reps = replicas(&["CAL", "DUN", "BHM"]);
    let (a, b, c) = (&reps[0], &reps[1], &reps[2]);
    let ab = tempfile::tempdir().unwrap();
    // b registers a person; a receives it and adds a note about them.
    let p = register(b, "Parent", "Later");
    swap(b, ab.path());
    swap(a, ab.path());
    call(&a.db, &a.s, "add_note", json!({"person": p, "body": "About the parent row."}));
    let only_a = tempfile::tempdir().unwrap();
    swap(a, only_a.path());
    // A bundle holding a's note but not b's person, its dependencies forgotten (as an older
    // Haven's would be): the note must wait, not be dropped.
    let (name, bytes) =
        folder_listing(only_a.path()).into_iter().find(|(n, _)| n.ends_with(".bundle")).unwrap();
    let (header, payload) = a.db.read(|c| exchange::open_bundle(c, &bytes)).unwrap();
    let b_id = exchange::identity(&b.db).unwrap().replica;
    let mut changes = exchange::bundle::decode_changes(&payload).unwrap();
    changes.retain(|ch| ch.origin != b_id);
    for ch in &mut changes {
        ch.deps = "{}".into();
    }
    let forged = tempfile::tempdir().unwrap();
    std::fs::write(
        forged.path().join(name),
        a.db.read(|c| exchange::seal_bundle(c, &header, &exchange::bundle::encode_changes(&changes)))
            .unwrap(),
    )
    .unwrap();
    let waited = swap(c, forged.path());
    assert!(waited.waiting >= 1, "{waited:?}");
    assert!(waited.waiting_for.iter().any(|w| w.contains("refers to")), "{waited:?}");
    assert_eq!(one(c, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&p]).as_deref(), Some("0"));
    // b's bundle arrives: the person, then the waiting note.
    swap(c, ab.path());
    let done = swap(c, forged.path());
    assert_eq!(done.waiting, 0, "{done:?}");
    assert_eq!(one(c, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&p]).as_deref(), Some("1"));
}

/// Whether any change in `r`'s outbox holds `text` (changesets store text values as they are).
fn outbox_holds(r: &Replica, text: &str) -> bool {
    r.db.read(|c| {
        let mut stmt = c.prepare("SELECT changeset FROM exchange_outbox")?;
        let blobs: Vec<Vec<u8>> = stmt.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        Ok(blobs.iter().any(|b| b.windows(text.len()).any(|w| w == text.as_bytes())))
    })
    .unwrap()
}

#[test]
fn an_erasure_travels_as_a_record_and_no_change_carries_the_erased_values() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(a, "Leyla", "Secretname");
    call(&a.db, &a.s, "add_note", json!({"person": p, "body": "Private note about Secretname."}));
    for _ in 0..2 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    swap(a, folder.path());
    assert!(!outbox_holds(a, "Secretname"), "acknowledged registrations have left the outbox");
    // Dunkirk edits the record before it hears of the erasure; Calais erases it on request.
    sql(b, "UPDATE people SET other_names = 'Secretalias' WHERE id = ?1", &[&p]);
    call(&b.db, &b.s, "add_note", json!({"person": p, "body": "Dunkirk's note on Secretalias."}));
    call(&a.db, &a.s, "erase_person", json!({"id": p, "confirm": true}));
    assert!(!outbox_holds(a, "Secretname"), "the erasure's change carries no erased value");
    assert!(!outbox_holds(a, "Private note"), "nor the note it removed");
    assert_eq!(one(a, "SELECT count(*) FROM erasures WHERE person_id = ?1", &[&p]).as_deref(), Some("1"));
    for _ in 0..3 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    assert_same(a, b);
    for r in [a, b] {
        let row = one(
            r,
            "SELECT given_name || '|' || family_name || '|' || other_names FROM people WHERE id = ?1",
            &[&p],
        );
        assert_eq!(
            row.as_deref(),
            Some("Anonymised||"),
            "{}: the alias made before the erasure arrived is gone too",
            r.site
        );
        assert_eq!(
            one(r, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&p]).as_deref(),
            Some("0"),
            "{}: both notes are gone, Dunkirk's made before it heard of the erasure too",
            r.site
        );
        let found = call(&r.db, &r.s, "search_people", json!({"text": "Secretname"}));
        assert_eq!(found["rows"], json!([]), "{}: {found}", r.site);
    }
    for r in [a, b] {
        assert!(
            !outbox_holds(r, "Secret"),
            "{}: once acknowledged, nothing in the outbox names the erased person",
            r.site
        );
    }
}

#[test]
fn the_automatic_folder_exchanges_when_due_for_whoever_is_signed_in_and_records_the_outcome() {
    let reps = replicas(&["BHM", "BHM"]);
    let (a, b) = (&reps[0], &reps[1]);
    let share = tempfile::tempdir().unwrap();
    let dir = share.path().to_string_lossy().to_string();
    // Refused settings change nothing.
    let bad = util::err(&a.db, &a.s, "set_exchange_folder", json!({"dir": dir, "minutes": 2}));
    assert_eq!(bad.field.as_deref(), Some("minutes"), "{bad:?}");
    let gone = util::err(
        &a.db,
        &a.s,
        "set_exchange_folder",
        json!({"dir": format!("{dir}/missing"), "minutes": 15}),
    );
    assert_eq!(gone.field.as_deref(), Some("dir"), "{gone:?}");
    assert_eq!(call(&a.db, &a.s, "exchange_overview", json!({}))["automatic"]["dir"], "");
    // The front desk may not choose the folder, but its sign-in runs the exchange.
    let desk = session(&a.db, Role::FrontDesk);
    let refused = util::err(&a.db, &desk, "set_exchange_folder", json!({"dir": dir, "minutes": 15}));
    assert_eq!(refused.kind.as_str(), "forbidden");
    assert_eq!(
        call(&a.db, &desk, "exchange_automatic", json!({})),
        serde_json::Value::Null,
        "no folder: nothing"
    );
    for r in [a, b] {
        call(&r.db, &r.s, "set_exchange_folder", json!({"dir": dir, "minutes": 15}));
    }
    let p = register(a, "Automatic", "Officepc");
    let first = call(&a.db, &desk, "exchange_automatic", json!({"due_only": true}));
    assert!(first["sent"].as_u64().unwrap() > 0, "never exchanged, so due: {first}");
    assert_eq!(
        call(&a.db, &desk, "exchange_automatic", json!({"due_only": true})),
        serde_json::Value::Null,
        "not due again yet"
    );
    call(&b.db, &b.s, "exchange_automatic", json!({}));
    assert_eq!(one(b, "SELECT family_name FROM people WHERE id = ?1", &[&p]).as_deref(), Some("Officepc"));
    let seen = call(&b.db, &b.s, "exchange_overview", json!({}));
    assert_eq!(seen["automatic"]["last_report"]["applied"].as_u64().map(|n| n > 0), Some(true), "{seen}");
    assert_eq!(seen["replicas"].as_array().unwrap().len(), 2);
    // The share gone (the network down): the outcome says so, and nothing else changes.
    drop(share);
    let down = util::err(&b.db, &b.s, "exchange_automatic", json!({}));
    assert_eq!(down.field.as_deref(), Some("dir"), "{down:?}");
    let after = call(&b.db, &b.s, "exchange_overview", json!({}));
    assert!(after["automatic"]["last_error"].as_str().unwrap().contains("no folder"), "{after}");
}

#[test]
fn audit_entries_travel_as_written_one_chain_per_replica_each_checked_everywhere() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(a, "Amina", "Chained");
    // An erasure is written without capture: its audit entry must still reach b, or a's chain
    // would arrive there with a gap.
    let q = register(a, "Erased", "Person");
    call(&a.db, &a.s, "erase_person", json!({"id": q, "confirm": true}));
    register(b, "Bilal", "Chained");
    swap(a, folder.path());
    swap(b, folder.path());
    swap(a, folder.path());
    // a's last exchange audited its apply of b's work; that entry reaches b one exchange later.
    swap(b, folder.path());
    assert_same(a, b);

    let a_id = one(a, "SELECT replica FROM exchange_secrets", &[]).unwrap();
    let b_id = one(b, "SELECT replica FROM exchange_secrets", &[]).unwrap();
    for r in [a, b] {
        let report = call(&r.db, &r.s, "verify_audit_log", json!({}));
        assert_eq!(report["ok"], true, "{}: {report}", r.site);
        let chains = report["chains"].as_array().unwrap();
        let origins: Vec<&str> = chains.iter().map(|c| c["origin"].as_str().unwrap()).collect();
        assert!(origins.contains(&a_id.as_str()) && origins.contains(&b_id.as_str()), "{report}");
        assert_eq!(chains.iter().filter(|c| c["own"] == true).count(), 1, "{report}");
    }
    // Every replica holds the entry of a's registration and of a's erasure, in a's chain.
    for r in [a, b] {
        for action in ["create", "erase"] {
            let origin = one(
                r,
                "SELECT origin FROM audit_log WHERE entity = 'person' AND action = ?1 AND entity_id IN (?2, ?3)",
                &[action, &p, &q],
            );
            assert_eq!(origin.as_deref(), Some(a_id.as_str()), "{}: {action}", r.site);
        }
        // Each apply of the other's work is audited in the chain of the replica that applied it.
        let applies = one(
            r,
            "SELECT count(*) FROM audit_log WHERE action = 'exchange' AND origin = ?1",
            &[if r.site == "CAL" { &a_id } else { &b_id }],
        );
        assert_ne!(applies.as_deref(), Some("0"), "{}", r.site);
    }

    // An entry of a's chain changed on b is found there, and named as a's.
    let conn = b.db.conn().unwrap();
    conn.execute_batch("DROP TRIGGER audit_log_no_update").unwrap();
    conn.execute(
        "UPDATE audit_log SET detail = '{\"rewritten\":true}'
         WHERE origin = ?1 AND seq = (SELECT min(seq) + 1 FROM audit_log WHERE origin = ?1)",
        [&a_id],
    )
    .unwrap();
    drop(conn);
    let report = call(&b.db, &b.s, "verify_audit_log", json!({}));
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["problem_chain"], a_id.as_str(), "{report}");
    assert!(report["problem"].as_str().unwrap().contains("was changed after it was written"), "{report}");
    // a's own log is untouched.
    assert_eq!(call(&a.db, &a.s, "verify_audit_log", json!({}))["ok"], true);
}

#[test]
fn a_household_served_at_two_office_desks_before_they_exchange_keeps_both_collections_everywhere() {
    use util::distribution::{adult_at, distribution, shelf_at};
    let reps = replicas(&["CAL", "BHM", "BHM"]);
    let (pc1, pc2) = (&reps[1], &reps[2]);
    let folder = tempfile::tempdir().unwrap();
    let shelf = shelf_at(&pc1.db, &pc1.s, "BHM", "Office shelf");
    // What an adult on their own is given at a weekly distribution.
    let later = chrono::Local::now().date_naive() + chrono::Days::new(400);
    util::stock::receive(&pc1.db, &pc1.s, &shelf, "Food parcel", None, 20, Some(later));
    util::stock::receive(&pc1.db, &pc1.s, &shelf, "Hygiene kit", None, 20, None);
    let d = distribution(&pc1.db, &pc1.s, &shelf, chrono::Local::now().date_naive());
    let hodan = adult_at(&pc1.db, &pc1.s, "BHM", "Hodan", "Twice");
    swap(pc1, folder.path());
    swap(pc2, folder.path());

    // Both office desks serve her before they next exchange: each sees no other collection.
    let collect = |r: &Replica| {
        call(&r.db, &r.s, "record_collection", json!({"distribution": d, "person": hodan["code"]}))
    };
    collect(pc1);
    collect(pc2);
    for _ in 0..2 {
        swap(pc1, folder.path());
        swap(pc2, folder.path());
    }
    assert_same(pc1, pc2);
    for r in [pc1, pc2] {
        let n = one(
            r,
            "SELECT count(*) FROM collections WHERE distribution_id = ?1 AND reversed_at IS NULL",
            &[&d],
        );
        assert_eq!(n.as_deref(), Some("2"), "{}: both collections are kept", r.site);
        r.db.read(|c| {
            assert_eq!(haven_core::stock::ledger_sums(c)?, haven_core::stock::balance_rows(c)?, "{}", r.site);
            Ok(())
        })
        .unwrap();
        let after = call(&r.db, &r.s, "distribution_after", json!({"distribution": d}));
        let twice = after["collected_twice"].as_array().unwrap();
        assert_eq!(twice.len(), 1, "{}: {after}", r.site);
        assert_eq!(twice[0]["code"], hodan["code"]);
        assert_eq!(twice[0]["collections"], 2);
        // Each desk now sees her collection: a third is refused.
        let e =
            util::err(&r.db, &r.s, "record_collection", json!({"distribution": d, "person": hodan["code"]}));
        assert_eq!(e.kind, haven_core::ErrorKind::Conflict, "{}: {}", r.site, e.message);
    }
}

#[test]
fn two_edits_of_one_record_changing_different_fields_end_the_same_whichever_arrives_first() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(a, "Selam", "Two Edits");
    swap(a, folder.path());
    swap(b, folder.path());
    // Both change the other names (a conflict the later edit wins); each also changes a field
    // the other leaves alone, which both replicas must keep.
    sql(a, "UPDATE people SET other_names = 'From A', nationality = 'Eritrean' WHERE id = ?1", &[&p]);
    sql(b, "UPDATE people SET other_names = 'From B', languages = 'Tigrinya' WHERE id = ?1", &[&p]);
    for _ in 0..2 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    assert_same(a, b);
    for r in [a, b] {
        let row = one(
            r,
            "SELECT other_names || '|' || nationality || '|' || languages FROM people WHERE id = ?1",
            &[&p],
        );
        assert_eq!(row.as_deref(), Some("From B|Eritrean|Tigrinya"), "{}", r.site);
        let listed = call(&r.db, &r.s, "list_conflicts", json!({}));
        assert_eq!(listed.as_array().unwrap().len(), 1, "{}: {listed}", r.site);
    }
}

/// Each column ends with the latest edit that set it, whichever order the edits arrive in: two
/// replicas change one field, a third changes another later (its later stamp on the row must
/// not decide the field it never touched), and a later edit that sets a field back to what it
/// was still beats an older concurrent edit of it (no SQLite conflict is raised for that one).
#[test]
fn concurrent_edits_of_one_record_are_settled_column_by_column_in_any_order() {
    let reps = replicas(&["CAL", "DUN", "BHM", "BHM", "BHM"]);
    let p = register(&reps[0], "Hiwet", "Columns");
    let everyone = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        for r in &reps {
            swap(r, everyone.path());
        }
    }
    let original = one(&reps[0], "SELECT nationality FROM people WHERE id = ?1", &[&p]).unwrap();
    let tick = || std::thread::sleep(std::time::Duration::from_millis(3));
    // Each of the first three edits without seeing the others, in this clock order.
    sql(&reps[0], "UPDATE people SET nationality = 'Eritrean', other_names = 'A' WHERE id = ?1", &[&p]);
    tick();
    sql(&reps[1], "UPDATE people SET nationality = 'Ethiopian', other_names = 'B' WHERE id = ?1", &[&p]);
    tick();
    sql(&reps[2], "UPDATE people SET languages = 'Tigrinya', other_names = 'C' WHERE id = ?1", &[&p]);
    // One folder each, so that the observers can take the edits in the order they choose.
    let folders: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (r, f) in reps.iter().zip(&folders) {
        swap(r, f.path());
    }
    for (observer, order) in [(3, [2, 0, 1]), (4, [0, 1, 2])] {
        for i in order {
            swap(&reps[observer], folders[i].path());
        }
    }
    let row = "SELECT nationality || '|' || languages || '|' || other_names FROM people WHERE id = ?1";
    for observer in [3, 4] {
        assert_eq!(
            one(&reps[observer], row, &[&p]).as_deref(),
            Some("Ethiopian|Tigrinya|C"),
            "observer {observer}"
        );
    }
    // The second edit's replica sets the nationality back, later than the first edit: a replica
    // that sees that and then the first edit keeps the nationality as it was.
    tick();
    sql(&reps[1], "UPDATE people SET nationality = ?1 WHERE id = ?2", &[&original, &p]);
    let back = tempfile::tempdir().unwrap();
    swap(&reps[1], back.path());
    // The third replica takes the setting back (and the second edit) before the first edit.
    swap(&reps[2], back.path());
    assert_eq!(one(&reps[2], "SELECT nationality FROM people WHERE id = ?1", &[&p]), Some(original.clone()));
    for r in &reps {
        for f in folders.iter().map(|f| f.path()).chain([back.path()]) {
            swap(r, f);
        }
    }
    for _ in 0..2 {
        for r in &reps {
            swap(r, everyone.path());
        }
    }
    for r in &reps[1..] {
        assert_same(&reps[0], r);
    }
    let want = format!("{original}|Tigrinya|C");
    assert_eq!(one(&reps[0], row, &[&p]).as_deref(), Some(want.as_str()));
    // The first two edits lost (the third won every column it set), each listed once, with
    // what it lost; the setting back was made after its replica's own edit, so no conflict.
    for r in &reps {
        let listed = call(&r.db, &r.s, "list_conflicts", json!({}));
        let losers: Vec<&Value> = listed.as_array().unwrap().iter().map(|c| &c["loser"]).collect();
        assert_eq!(losers.len(), 2, "{}: {listed}", r.site);
        assert!(losers.iter().any(|l| l["other_names"] == "A" || l["nationality"] == "Eritrean"), "{listed}");
        assert!(losers.iter().any(|l| l["other_names"] == "B"), "{listed}");
    }
}

/// A row stamped before column stamps existed (schema 19) carries its row stamp in every
/// column; its next edit writes them all out, the columns it set with its own stamp.
#[test]
fn a_row_stamped_before_column_stamps_gets_them_at_its_next_edit() {
    let reps = replicas(&["CAL"]);
    let a = &reps[0];
    let p = register(a, "Old", "Stamp");
    let key = format!("[\"{p}\"]");
    sql(a, "UPDATE exchange_stamps SET fields = NULL WHERE tbl = 'people' AND pk = ?1", &[&key]);
    let old = one(
        a,
        "SELECT json_array(hlc, origin, seq) FROM exchange_stamps WHERE tbl = 'people' AND pk = ?1",
        &[&key],
    )
    .unwrap();
    sql(a, "UPDATE people SET other_names = 'Newer' WHERE id = ?1", &[&p]);
    let fields: Value = serde_json::from_str(
        &one(a, "SELECT fields FROM exchange_stamps WHERE tbl = 'people' AND pk = ?1", &[&key]).unwrap(),
    )
    .unwrap();
    let old: Value = serde_json::from_str(&old).unwrap();
    assert_eq!(fields["nationality"], old, "a column the edit left keeps the row's old stamp: {fields}");
    assert_ne!(fields["other_names"], old, "the column it set has the edit's stamp: {fields}");
    assert!(fields["other_names"][0].as_i64().unwrap() > old[0].as_i64().unwrap());
    assert!(fields.get("id").is_none(), "no stamp for the key: {fields}");
}
