//! A person registered twice: the possible duplicates listed for review, "not the same
//! person", and the merge, on one replica and across two (the merge record travels, every
//! replica moves the rows itself and ends equal).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::cases::merges;
use haven_core::db::capture::LOCAL_TABLES;
use haven_core::{distribution, Role};
use serde_json::{json, Value};
use util::distribution::{adult_at, distribution, shelf_at};
use util::exchange::*;
use util::stock::receive;
use util::{call, err, session, today};

/// Registers a girl with a date of birth and a phone, past the duplicate warning.
fn girl(r: &Replica, given: &str, family: &str, phone: Option<&str>) -> String {
    let mut body = json!({"given_name": given, "family_name": family, "site": r.site, "sex": "female",
                          "date_of_birth": "2010-03-04", "confirm_not_duplicate": true});
    if let Some(p) = phone {
        body["phone"] = json!(p);
    }
    call(&r.db, &r.s, "create_person", body)["person"]["id"].as_str().unwrap().to_string()
}

fn pairs(r: &Replica) -> Vec<(String, String)> {
    let list = call(&r.db, &r.s, "list_possible_duplicates", json!({}));
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let (a, b) = (p["first"]["id"].as_str().unwrap(), p["second"]["id"].as_str().unwrap());
            if a < b {
                (a.to_string(), b.to_string())
            } else {
                (b.to_string(), a.to_string())
            }
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

fn code_of(r: &Replica, id: &str) -> String {
    one(r, "SELECT code FROM people WHERE id = ?1", &[id]).unwrap()
}

fn exchange_rounds(reps: &[&Replica], folder: &std::path::Path, rounds: usize) {
    for _ in 0..rounds {
        for r in reps {
            swap(r, folder);
        }
    }
}

#[test]
fn a_girl_registered_at_two_sites_is_listed_on_both_merged_on_one_and_both_end_equal() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let kept = girl(a, "Hawa", "Tesfay", None);
    let gone = girl(b, "Hawa", "Tesfai", Some("+33 6 11 22 33 44"));
    call(&b.db, &b.s, "add_note", json!({"person": gone, "body": "Registered in Dunkirk."}));
    assert!(
        !pairs(a).contains(&pair(&kept, &gone)),
        "before the exchange Calais does not know Dunkirk's record"
    );
    exchange_rounds(&[a, b], folder.path(), 2);
    for r in [a, b] {
        assert!(pairs(r).contains(&pair(&kept, &gone)), "{}: the pair is listed after the apply", r.site);
    }
    // Dunkirk writes a note to its record before it hears of the merge Calais makes.
    call(&b.db, &b.s, "add_note", json!({"person": gone, "body": "Seen again at the bus."}));
    let merged = call(&a.db, &a.s, "merge_people", json!({"keep": kept, "merged": gone, "confirm": true}));
    assert_eq!(merged["keep"], json!(kept));
    assert!(merged["moved"].as_u64().unwrap() >= 1, "{merged}");
    exchange_rounds(&[a, b], folder.path(), 3);
    assert_same(a, b);
    let gone_code = code_of(a, &gone);
    for r in [a, b] {
        let notes = one(r, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&kept]);
        assert_eq!(notes.as_deref(), Some("2"), "{}: both Dunkirk notes, the late one too, follow", r.site);
        assert_eq!(one(r, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&gone]).as_deref(), Some("0"));
        // What the kept record lacked comes from the merged one.
        let phone = one(r, "SELECT phone FROM people WHERE id = ?1", &[&kept]);
        assert_eq!(phone.as_deref(), Some("+33 6 11 22 33 44"), "{}", r.site);
        // The old code finds the kept person, in the search and at the desk.
        let found = call(&r.db, &r.s, "search_people", json!({"text": gone_code}));
        let ids: Vec<&str> =
            found["rows"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
        assert_eq!(ids, vec![kept.as_str()], "{}: {found}", r.site);
        let at_desk = r.db.read(|c| distribution::find_person(c, &gone_code)).unwrap();
        assert_eq!(at_desk, kept, "{}: the desk takes the merged code to the kept person", r.site);
        // The merged record stays, read-only, marked.
        let page = call(&r.db, &r.s, "get_person", json!({"id": gone}));
        assert_eq!(page["person"]["merged_into"], json!(kept));
        assert_eq!(page["person"]["merged_into_code"], json!(code_of(r, &kept)));
        assert_eq!(
            page["person"]["status"],
            json!("closed"),
            "{}: not counted or served as a case of its own",
            r.site
        );
        for (name, body) in [
            ("add_note", json!({"person": gone, "body": "More."})),
            ("set_person_status", json!({"id": gone, "status": "active"})),
            ("join_household", json!({"person": kept, "with_person": gone})),
        ] {
            let refused = err(&r.db, &r.s, name, body);
            assert_eq!(refused.code.as_str(), "person.merged", "{}: {name}", r.site);
        }
        assert!(!pairs(r).contains(&pair(&kept, &gone)), "{}: a merged pair is not listed again", r.site);
    }
}

#[test]
fn two_replicas_merging_a_pair_in_opposite_directions_end_equal() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let x = girl(a, "Semhar", "Kidane", None);
    let y = girl(b, "Semhar", "Kidane", None);
    call(&a.db, &a.s, "add_note", json!({"person": x, "body": "Calais note."}));
    call(&b.db, &b.s, "add_note", json!({"person": y, "body": "Dunkirk note."}));
    exchange_rounds(&[a, b], folder.path(), 2);
    call(&a.db, &a.s, "merge_people", json!({"keep": x, "merged": y, "confirm": true}));
    call(&b.db, &b.s, "merge_people", json!({"keep": y, "merged": x, "confirm": true}));
    exchange_rounds(&[a, b], folder.path(), 3);
    assert_same(a, b);
    for r in [a, b] {
        let living = one(
            r,
            "SELECT group_concat(id) FROM people WHERE id IN (?1, ?2) AND merged_into IS NULL",
            &[&x, &y],
        );
        let living = living.unwrap();
        assert!(living == x || living == y, "{}: exactly one of the two is kept, got {living}", r.site);
        let notes = one(r, "SELECT count(*) FROM notes WHERE person_id = ?1", &[&living]);
        assert_eq!(notes.as_deref(), Some("2"), "{}: both notes are on the kept record", r.site);
    }
}

#[test]
fn one_person_merged_into_two_others_on_two_replicas_ends_as_one_everywhere() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let x = girl(a, "Lula", "Gebre", None);
    let y = girl(a, "Lula", "Gebrey", None);
    let z = girl(b, "Lula", "Gebreh", None);
    call(&a.db, &a.s, "add_note", json!({"person": x, "body": "Note on the one merged twice."}));
    exchange_rounds(&[a, b], folder.path(), 2);
    call(&a.db, &a.s, "merge_people", json!({"keep": y, "merged": x, "confirm": true}));
    call(&b.db, &b.s, "merge_people", json!({"keep": z, "merged": x, "confirm": true}));
    exchange_rounds(&[a, b], folder.path(), 3);
    assert_same(a, b);
    for r in [a, b] {
        assert_eq!(
            one(r, "SELECT count(*) FROM person_merges", &[]).as_deref(),
            Some("2"),
            "{}: both records stand",
            r.site
        );
        let living = one(
            r,
            "SELECT group_concat(id) FROM people WHERE id IN (?1, ?2, ?3) AND merged_into IS NULL",
            &[&x, &y, &z],
        );
        let living = living.unwrap();
        assert!(living == y || living == z, "{}: one of the three is left, got {living}", r.site);
        let note = one(r, "SELECT person_id FROM notes WHERE body = 'Note on the one merged twice.'", &[]);
        assert_eq!(note.as_deref(), Some(living.as_str()), "{}", r.site);
    }
}

#[test]
fn not_the_same_person_travels_and_the_pair_is_not_asked_again() {
    let reps = replicas(&["CAL", "DUN"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let x = girl(a, "Ruta", "Haile", None);
    let y = girl(b, "Ruta", "Haile", None);
    exchange_rounds(&[a, b], folder.path(), 2);
    assert!(pairs(a).contains(&pair(&x, &y)));
    let left = call(&a.db, &a.s, "dismiss_duplicate", json!({"first": y, "second": x}));
    assert!(!left.to_string().contains(&y), "the answer is the list without the pair");
    exchange_rounds(&[a, b], folder.path(), 2);
    assert_same(a, b);
    for r in [a, b] {
        assert!(!pairs(r).contains(&pair(&x, &y)), "{}: dismissed everywhere", r.site);
    }
}

#[test]
fn the_front_desk_is_refused_and_erased_or_merged_records_cannot_be_merged() {
    let r = replicas(&["CAL"]).remove(0);
    let (p, q, e) =
        (girl(&r, "Amal", "Idris", None), girl(&r, "Amal", "Idriss", None), girl(&r, "Amal", "Idrisa", None));
    let desk = session(&r.db, Role::FrontDesk);
    let refused = err(&r.db, &desk, "merge_people", json!({"keep": p, "merged": q, "confirm": true}));
    assert_eq!(refused.kind, haven_core::ErrorKind::Forbidden);
    assert_eq!(
        err(&r.db, &desk, "list_possible_duplicates", json!({})).kind,
        haven_core::ErrorKind::Forbidden
    );
    let unconfirmed = err(&r.db, &r.s, "merge_people", json!({"keep": p, "merged": q}));
    assert_eq!(unconfirmed.code.as_str(), "merge.unconfirmed");
    let same = err(&r.db, &r.s, "merge_people", json!({"keep": p, "merged": p, "confirm": true}));
    assert_eq!(same.code.as_str(), "merge.same_person");
    call(&r.db, &r.s, "erase_person", json!({"id": e, "confirm": true}));
    for body in
        [json!({"keep": p, "merged": e, "confirm": true}), json!({"keep": e, "merged": p, "confirm": true})]
    {
        let erased = err(&r.db, &r.s, "merge_people", body);
        assert_eq!(erased.code.as_str(), "merge.anonymised");
    }
    assert_eq!(
        one(&r, "SELECT count(*) FROM person_merges", &[]).as_deref(),
        Some("0"),
        "a refusal writes nothing"
    );
    call(&r.db, &r.s, "merge_people", json!({"keep": p, "merged": q, "confirm": true}));
    let again = err(&r.db, &r.s, "merge_people", json!({"keep": e, "merged": q, "confirm": true}));
    assert_eq!(again.code.as_str(), "merge.anonymised", "the erased record is checked first");
    let twice = err(&r.db, &r.s, "merge_people", json!({"keep": p, "merged": q, "confirm": true}));
    assert_eq!(twice.code.as_str(), "merge.already_merged");
    let audited = one(&r, "SELECT count(*) FROM audit_log WHERE action = 'merge' AND entity_id = ?1", &[&p]);
    assert_eq!(audited.as_deref(), Some("1"));
    // Each record names the other, so the erase confirmation can say both go; erasing one
    // says so too.
    let code = |id: &str| one(&r, "SELECT code FROM people WHERE id = ?1", &[id]).unwrap();
    for (id, other) in [(&p, &q), (&q, &p)] {
        let rec = call(&r.db, &r.s, "get_person", json!({"id": id}));
        assert_eq!(rec["merged_with"], json!([code(other)]));
    }
    assert_eq!(call(&r.db, &r.s, "get_person", json!({"id": e}))["merged_with"], json!([]));
    let erased = call(&r.db, &r.s, "erase_person", json!({"id": q, "confirm": true}));
    assert_eq!(erased, json!({"code": code(&q), "also": [code(&p)]}));
    let anonymised = one(&r, "SELECT anonymised_at IS NOT NULL FROM people WHERE id = ?1", &[&p]);
    assert_eq!(anonymised.as_deref(), Some("1"), "the kept record is erased with it");
}

/// Every table that holds a person's id follows a merge, found from the schema: a table
/// added later (made here) follows without being named anywhere.
#[test]
fn every_row_about_the_merged_person_follows_even_in_a_table_added_later() {
    let r = replicas(&["CAL"]).remove(0);
    let (keep, gone) = (girl(&r, "Nour", "Saleh", None), girl(&r, "Nour", "Salih", Some("07700 900123")));
    sql(&r, "CREATE TABLE later_things (id TEXT PRIMARY KEY, person_id TEXT REFERENCES people(id))", &[]);
    sql(&r, "INSERT INTO later_things VALUES ('t1', ?1)", &[&gone]);
    call(&r.db, &r.s, "add_note", json!({"person": gone, "body": "A note."}));
    call(&r.db, &r.s, "set_flag", json!({"person": gone, "kind": "unaccompanied_minor"}));
    let followed = r.db.read(merges::followed_columns).unwrap();
    // Every column naming a person, in every table but the local ones and the records that
    // name both people on purpose, is followed.
    let in_schema: Vec<(String, String)> = r
        .db
        .read(|c| {
            Ok(c.prepare(
                "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND (c.name = 'person_id' OR EXISTS (
                     SELECT 1 FROM pragma_foreign_key_list(m.name) f WHERE f.\"table\" = 'people' AND f.\"from\" = c.name))",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
        })
        .unwrap();
    for (table, column) in &in_schema {
        if LOCAL_TABLES.contains(&table.as_str()) || merges::NOT_FOLLOWED.contains(&table.as_str()) {
            continue;
        }
        assert!(
            followed.contains(&(table.clone(), column.clone())),
            "{table}.{column} holds a person's id but does not follow a merge"
        );
    }
    assert!(followed.contains(&("later_things".into(), "person_id".into())));
    call(&r.db, &r.s, "merge_people", json!({"keep": keep, "merged": gone, "confirm": true}));
    for (table, column) in &followed {
        let left = one(&r, &format!("SELECT count(*) FROM \"{table}\" WHERE \"{column}\" = ?1"), &[&gone]);
        assert_eq!(left.as_deref(), Some("0"), "{table}.{column} still points at the merged person");
    }
    assert_eq!(
        one(&r, "SELECT person_id FROM later_things WHERE id = 't1'", &[]).as_deref(),
        Some(keep.as_str())
    );
    let page = call(&r.db, &r.s, "get_person", json!({"id": keep}));
    let flags: Vec<&Value> = page["person"]["flags"].as_array().unwrap().iter().collect();
    assert!(flags.iter().any(|f| f["kind"] == json!("unaccompanied_minor")), "{page}");
    assert_eq!(page["person"]["phone"], json!("07700 900123"));
}

/// At the desk the merged record's code, and its ID card, serve the kept person, and the
/// merged record's collection counts as the kept person's: one collection per distribution.
#[test]
fn at_the_desk_the_merged_code_and_card_serve_the_kept_person_once_per_distribution() {
    let r = replicas(&["CAL"]).remove(0);
    // Adults: the allowance of an unaccompanied girl would need a phone in stock too.
    let id = |p: Value| p["id"].as_str().unwrap().to_string();
    let keep = id(adult_at(&r.db, &r.s, "CAL", "Meron", "Tekle"));
    let gone = id(adult_at(&r.db, &r.s, "CAL", "Meron", "Tekele"));
    let shelf = shelf_at(&r.db, &r.s, "CAL", "Merge shelf");
    receive(&r.db, &r.s, &shelf, "Food parcel", None, 10, Some(today() + chrono::Days::new(30)));
    receive(&r.db, &r.s, &shelf, "Hygiene kit", None, 10, None);
    let d = distribution(&r.db, &r.s, &shelf, today());
    let gone_code = code_of(&r, &gone);
    let site = site_id(&r.db, "CAL");
    sql(
        &r,
        "INSERT INTO id_cards (id, site_id, person_id, number, issued_on) VALUES ('card-1', ?1, ?2, 1, date('now'))",
        &[&site, &gone],
    );
    call(&r.db, &r.s, "record_collection", json!({"distribution": d, "person": gone_code}));
    call(&r.db, &r.s, "merge_people", json!({"keep": keep, "merged": gone, "confirm": true}));
    let by_card = r.db.read(|c| distribution::find_person(c, &format!("{gone_code}/1"))).unwrap();
    assert_eq!(by_card, keep, "the merged record's card serves the kept person");
    for who in [code_of(&r, &keep), gone_code.clone()] {
        let twice = err(&r.db, &r.s, "record_collection", json!({"distribution": d, "person": who}));
        assert!(twice.message.contains("already collected"), "{who}: {}", twice.message);
    }
}

/// One computer erases a person while another merges that person with a second record (into
/// it, or it into them): whichever exchanges first, both end equal, with the whole merged group
/// erased. The merge says the two records are one person and the erasure is that person's
/// request: nothing of the erased record comes back through the merge, not the values the kept
/// record took from it, not the notes and UK checklist that followed it.
#[test]
fn an_erasure_and_a_merge_of_the_same_person_on_two_computers_end_equal_and_erased() {
    for (erased_is_kept, dunkirk_first) in [(false, false), (false, true), (true, false), (true, true)] {
        let reps = replicas(&["CAL", "DUN"]);
        let (a, b) = (&reps[0], &reps[1]);
        let folder = tempfile::tempdir().unwrap();
        let p = girl(a, "Selam", "Haile", Some("+33 6 11 22 33 44"));
        let k = girl(b, "Selam", "Hailé", None);
        call(&a.db, &a.s, "add_note", json!({"person": p, "body": "Note about Selam P."}));
        call(&b.db, &b.s, "add_note", json!({"person": k, "body": "Note about Selam K."}));
        sql(a, "INSERT INTO uk_arrivals (id, site_id, person_id, local_authority) SELECT 'uk-p', site_id, id, 'Kent' FROM people WHERE id = ?1", &[&p]);
        exchange_rounds(&[a, b], folder.path(), 2);
        // Calais erases one record; Dunkirk, not knowing, merges P into K.
        let erased = if erased_is_kept { &k } else { &p };
        call(&a.db, &a.s, "erase_person", json!({"id": erased, "confirm": true}));
        call(&b.db, &b.s, "merge_people", json!({"keep": k, "merged": p, "confirm": true}));
        if dunkirk_first {
            exchange_rounds(&[b, a], folder.path(), 3);
        } else {
            exchange_rounds(&[a, b], folder.path(), 3);
        }
        assert_same(a, b);
        for r in [a, b] {
            let case =
                format!("{} (erased the kept one: {erased_is_kept}, Dunkirk first: {dunkirk_first})", r.site);
            for id in [&p, &k] {
                assert_eq!(
                    one(r, "SELECT anonymised_at IS NOT NULL FROM people WHERE id = ?1", &[id]).as_deref(),
                    Some("1"),
                    "{case}: every record of the merged group is erased"
                );
                assert!(
                    one(r, "SELECT count(*) FROM erasures WHERE person_id = ?1", &[id]).as_deref()
                        == Some("1"),
                    "{case}: each has its erasure record, so later rows about it are scrubbed too"
                );
            }
            assert_eq!(
                one(r, "SELECT count(*) FROM notes WHERE person_id IN (?1, ?2)", &[&p, &k]).as_deref(),
                Some("0"),
                "{case}: no note followed to the kept record"
            );
            assert_eq!(
                one(r, "SELECT count(*) FROM uk_arrivals WHERE person_id IN (?1, ?2)", &[&p, &k]).as_deref(),
                Some("0"),
                "{case}"
            );
            assert_eq!(
                one(r, "SELECT count(*) FROM people WHERE id IN (?1, ?2) AND (phone IS NOT NULL OR given_name <> 'Anonymised')", &[&p, &k])
                    .as_deref(),
                Some("0"),
                "{case}: the phone the kept record took from the erased one is gone"
            );
            assert_eq!(
                one(r, "SELECT merged_into FROM people WHERE id = ?1", &[&p]).as_deref(),
                Some(k.as_str()),
                "{case}: the merge stands"
            );
        }
    }
}

/// A row a person may have once (a sign-up for one session and day) made for the merged
/// record on one computer while another merges it into a record that has one: the merge makes
/// them one person, so the two sign-ups are settled as two computers making them: the later
/// stays, with the kept person, on both, whichever arrives first.
#[test]
fn a_sign_up_of_the_merged_record_meeting_one_of_the_kept_record_ends_as_one_everywhere() {
    for kept_signs_later in [false, true] {
        let reps = replicas(&["CAL", "DUN"]);
        let (a, b) = (&reps[0], &reps[1]);
        let folder = tempfile::tempdir().unwrap();
        let p = girl(a, "Meron", "Tesfay", None);
        let k = girl(a, "Meron", "Tesfaye", None);
        exchange_rounds(&[a, b], folder.path(), 2);
        let session = one(a, "SELECT id FROM activity_sessions ORDER BY id LIMIT 1", &[]).unwrap();
        let sign_up = |r: &Replica, id: &str, person: &str| {
            sql(
                r,
                "INSERT INTO session_signups (id, site_id, session_id, on_date, person_id)
                 SELECT ?1, site_id, id, '2031-04-01', ?3 FROM activity_sessions WHERE id = ?2",
                &[id, &session, person],
            );
            std::thread::sleep(std::time::Duration::from_millis(5));
        };
        // Dunkirk merges P into K; Calais, not knowing, signs P up; K was signed up before
        // (at Dunkirk) or after (at Calais... as K) that.
        call(&b.db, &b.s, "merge_people", json!({"keep": k, "merged": p, "confirm": true}));
        if kept_signs_later {
            sign_up(a, "signup-of-p", &p);
            sign_up(b, "signup-of-k", &k);
        } else {
            sign_up(b, "signup-of-k", &k);
            sign_up(a, "signup-of-p", &p);
        }
        exchange_rounds(&[a, b], folder.path(), 3);
        assert_same(a, b);
        let later = if kept_signs_later { "signup-of-k" } else { "signup-of-p" };
        for r in [a, b] {
            let left = one(r, "SELECT group_concat(id || ':' || person_id) FROM session_signups WHERE on_date = '2031-04-01'", &[]);
            assert_eq!(
                left,
                Some(format!("{later}:{k}")),
                "at {} (kept signs later: {kept_signs_later})",
                r.site
            );
        }
    }
}
