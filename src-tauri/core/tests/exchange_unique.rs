//! Exchange between replicas: two computers inserting rows that break a unique rule together
//! (one person signed up twice for one session, two UK checklists of one person, two nappy
//! sizes, one volunteer assigned twice to one shift, two open stock-takes of one location) end
//! with the same row everywhere, whichever applies first, and the loser is listed once.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use serde_json::{json, Value};
use util::call;
use util::exchange::*;

/// Exchanges in turn, `first` applying the other's change first, until both are equal.
fn settle_in_order(first: &Replica, second: &Replica, folder: &std::path::Path) {
    for _ in 0..3 {
        swap(second, folder);
        swap(first, folder);
    }
}

/// The values every clash test reads from the seeded centre (the same on every replica).
fn pick(r: &Replica, query: &str) -> String {
    one(r, query, &[]).unwrap_or_else(|| panic!("the seeded centre has no row for {query}"))
}

/// Two replicas each insert a row (`write(replica, id, variant)`) that clashes with the
/// other's on a unique rule of `table`; in both orders of applying, both end equal with the
/// row made later (Dunkirk's) and the other listed once as an `insert` conflict with both
/// versions.
fn clash(table: &str, write: &dyn Fn(&Replica, &str, &str)) {
    for dunkirk_applies_first in [true, false] {
        let reps = replicas(&["CAL", "DUN"]);
        let (cal, dun) = (&reps[0], &reps[1]);
        let folder = tempfile::tempdir().unwrap();
        // A child both know of (the seeded centre holds no people).
        let child = register(cal, "Clash", "Twice");
        sql(cal, "UPDATE people SET date_of_birth = '2030-06-01' WHERE id = ?1", &[&child]);
        swap(cal, folder.path());
        swap(dun, folder.path());
        write(cal, "row-made-at-calais", "A");
        // Creation times are kept to the millisecond: Dunkirk's row is the later one.
        std::thread::sleep(std::time::Duration::from_millis(5));
        write(dun, "row-made-at-dunkirk", "B");
        if dunkirk_applies_first {
            settle_in_order(dun, cal, folder.path());
        } else {
            settle_in_order(cal, dun, folder.path());
        }
        assert_same(cal, dun);
        for r in [cal, dun] {
            let ids = |id: &str| one(r, &format!("SELECT count(*) FROM {table} WHERE id = ?1"), &[id]);
            assert_eq!(ids("row-made-at-dunkirk").as_deref(), Some("1"), "{table} at {}", r.site);
            assert_eq!(ids("row-made-at-calais").as_deref(), Some("0"), "{table} at {}", r.site);
            let list = call(&r.db, &r.s, "list_conflicts", json!({}));
            let clashes: Vec<&Value> =
                list.as_array().unwrap().iter().filter(|c| c["table"] == table).collect();
            assert_eq!(clashes.len(), 1, "{table} at {}: {list}", r.site);
            assert_eq!(clashes[0]["kind"], "insert");
            assert_eq!(clashes[0]["row"], json!(["row-made-at-calais"]));
            assert_eq!(clashes[0]["winner"]["id"], "row-made-at-dunkirk");
            assert_eq!(clashes[0]["loser"]["id"], "row-made-at-calais");
        }
    }
}

#[test]
fn one_person_signed_up_twice_for_one_session_on_two_computers_ends_as_one_sign_up() {
    clash("session_signups", &|r, id, v| {
        let session = pick(r, "SELECT id FROM activity_sessions ORDER BY id LIMIT 1");
        let person = pick(r, PERSON);
        let attended = if v == "A" { "0" } else { "1" };
        sql(
            r,
            "INSERT INTO session_signups (id, site_id, session_id, on_date, person_id, attended)
             SELECT ?1, site_id, id, '2031-03-03', ?3, ?4 FROM activity_sessions WHERE id = ?2",
            &[id, &session, &person, attended],
        );
    });
}

/// Taking the other version of such a conflict puts the lost row back in place of the kept
/// one, everywhere.
#[test]
fn taking_the_lost_sign_up_back_replaces_the_kept_one_on_every_replica() {
    let reps = replicas(&["CAL", "DUN"]);
    let (cal, dun) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    register(cal, "Clash", "Twice");
    swap(cal, folder.path());
    swap(dun, folder.path());
    let session = pick(cal, "SELECT id FROM activity_sessions ORDER BY id LIMIT 1");
    let person = pick(cal, PERSON);
    for (r, id) in [(cal, "signup-cal"), (dun, "signup-dun")] {
        sql(
            r,
            "INSERT INTO session_signups (id, site_id, session_id, on_date, person_id)
             SELECT ?1, site_id, id, '2031-03-03', ?3 FROM activity_sessions WHERE id = ?2",
            &[id, &session, &person],
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    settle_in_order(cal, dun, folder.path());
    let conflict = call(&cal.db, &cal.s, "list_conflicts", json!({}))[0]["id"].as_str().unwrap().to_string();
    call(&cal.db, &cal.s, "resolve_conflict", json!({"id": conflict, "choice": "take_other"}));
    settle_in_order(cal, dun, folder.path());
    assert_same(cal, dun);
    for r in [cal, dun] {
        let kept = one(r, "SELECT group_concat(id) FROM session_signups WHERE person_id = ?1", &[&person]);
        assert_eq!(kept.as_deref(), Some("signup-cal"), "at {}", r.site);
        assert_eq!(call(&r.db, &r.s, "list_conflicts", json!({})), json!([]), "resolved at {}", r.site);
    }
}

#[test]
fn two_uk_checklists_of_one_person_made_on_two_computers_end_as_one() {
    clash("uk_arrivals", &|r, id, v| {
        let person = pick(r, PERSON);
        let site = site_id(&r.db, r.site);
        let authority = format!("Council {v}");
        sql(
            r,
            "INSERT INTO uk_arrivals (id, site_id, person_id, local_authority) VALUES (?1, ?2, ?3, ?4)",
            &[id, &site, &person, &authority],
        );
    });
}

#[test]
fn two_nappy_sizes_of_one_child_set_on_two_computers_end_as_one() {
    clash("person_sizes", &|r, id, v| {
        let person = pick(r, PERSON);
        let site = site_id(&r.db, r.site);
        let size = if v == "A" { "3" } else { "4" };
        sql(
            r,
            "INSERT INTO person_sizes (id, site_id, person_id, nappy_size) VALUES (?1, ?2, ?3, ?4)",
            &[id, &site, &person, size],
        );
    });
}

#[test]
fn one_volunteer_assigned_twice_to_one_shift_on_two_computers_ends_as_one_assignment() {
    clash("shift_assignments", &|r, id, _| {
        let (shift, volunteer) = (
            pick(r, "SELECT id FROM shifts ORDER BY id LIMIT 1"),
            pick(
                r,
                "SELECT v.id FROM volunteers v WHERE v.id NOT IN
                   (SELECT volunteer_id FROM shift_assignments WHERE shift_id = (SELECT id FROM shifts ORDER BY id LIMIT 1))
                 ORDER BY v.id LIMIT 1",
            ),
        );
        sql(
            r,
            "INSERT INTO shift_assignments (id, site_id, shift_id, volunteer_id)
             SELECT ?1, site_id, id, ?3 FROM shifts WHERE id = ?2",
            &[id, &shift, &volunteer],
        );
    });
}

/// The child registered at Calais before the clash.
const PERSON: &str = "SELECT id FROM people WHERE family_name = 'Twice'";

/// A location with no open stock-take.
const FREE_LOCATION: &str = "SELECT id FROM stock_locations
     WHERE id NOT IN (SELECT location_id FROM stock_takes WHERE status = 'open') ORDER BY id LIMIT 1";

/// The rows pointing at the stock-take that lost follow the one kept (on the computer that
/// made it, and when they arrive elsewhere after it), or go where the kept one already counts
/// that item: nothing is left pointing at a row that is not there, nothing waits for it.
#[test]
fn two_open_stock_takes_of_one_location_end_as_one_and_the_lost_ones_lines_follow_it() {
    clash("stock_takes", &|r, id, v| {
        let location = pick(r, FREE_LOCATION);
        let items: Vec<String> = (0..3)
            .map(|k| pick(r, &format!("SELECT id FROM stock_items ORDER BY id LIMIT 1 OFFSET {k}")))
            .collect();
        // Calais counts items 0 and 1, Dunkirk items 1 and 2: item 1 is counted on both.
        let mine: &[usize] = if v == "A" { &[0, 1] } else { &[1, 2] };
        r.db.write(|tx| {
            tx.execute(
                "INSERT INTO stock_takes (id, site_id, location_id, status, started_on)
                 SELECT ?1, site_id, id, 'open', '2031-03-03' FROM stock_locations WHERE id = ?2",
                [id, &location],
            )?;
            for k in mine {
                tx.execute(
                    "INSERT INTO stock_take_lines (id, site_id, stock_take_id, item_id, expected, counted)
                     SELECT ?1, site_id, ?2, ?3, 5, ?4 FROM stock_takes WHERE id = ?2",
                    rusqlite::params![format!("{id}-line-{k}"), id, items[*k], if v == "A" { 7 } else { 9 }],
                )?;
            }
            Ok(())
        })
        .unwrap();
    });
    // The lines, checked once more on a fresh pair.
    let reps = replicas(&["CAL", "DUN"]);
    let (cal, dun) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let location = pick(cal, FREE_LOCATION);
    let items: Vec<String> = (0..3)
        .map(|k| pick(cal, &format!("SELECT id FROM stock_items ORDER BY id LIMIT 1 OFFSET {k}")))
        .collect();
    for (r, id, mine, n) in [(cal, "take-cal", [0usize, 1], "7"), (dun, "take-dun", [1, 2], "9")] {
        sql(
            r,
            "INSERT INTO stock_takes (id, site_id, location_id, status, started_on)
             SELECT ?1, site_id, id, 'open', '2031-03-03' FROM stock_locations WHERE id = ?2",
            &[id, &location],
        );
        // Each line in a change of its own, after the stock-take: they arrive one by one.
        for k in mine {
            sql(
                r,
                "INSERT INTO stock_take_lines (id, site_id, stock_take_id, item_id, expected, counted)
                 SELECT ?1, site_id, ?2, ?3, 5, ?4 FROM stock_takes WHERE id = ?2",
                &[&format!("{id}-line-{k}"), id, &items[k], n],
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    settle_in_order(cal, dun, folder.path());
    assert_same(cal, dun);
    for r in [cal, dun] {
        let lines = |take: &str| {
            one(r, "SELECT group_concat(id, ' ') FROM (SELECT id FROM stock_take_lines WHERE stock_take_id = ?1 ORDER BY id)", &[take])
        };
        // Calais's line of item 0 follows the kept stock-take; its line of item 1 goes (the
        // kept one counted item 1 itself).
        assert_eq!(
            lines("take-dun").as_deref(),
            Some("take-cal-line-0 take-dun-line-1 take-dun-line-2"),
            "at {}",
            r.site
        );
        let left = one(r, "SELECT count(*) FROM stock_take_lines WHERE stock_take_id = 'take-cal'", &[]);
        assert_eq!(left.as_deref(), Some("0"), "at {}", r.site);
        let report = swap(r, folder.path());
        assert_eq!(report.waiting, 0, "nothing waits for the stock-take that lost: {report:?}");
    } // Taking Calais's stock-take back: the kept one makes way and every line follows the one
      // taken back, on both.
    let conflict = call(&cal.db, &cal.s, "list_conflicts", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["table"] == "stock_takes")
        .map(|c| c["id"].as_str().unwrap().to_string())
        .unwrap();
    call(&cal.db, &cal.s, "resolve_conflict", json!({"id": conflict, "choice": "take_other"}));
    settle_in_order(cal, dun, folder.path());
    assert_same(cal, dun);
    for r in [cal, dun] {
        let lines = one(
            r,
            "SELECT group_concat(id, ' ') FROM (SELECT id FROM stock_take_lines WHERE stock_take_id = 'take-cal' ORDER BY id)",
            &[],
        );
        assert_eq!(
            lines.as_deref(),
            Some("take-cal-line-0 take-dun-line-1 take-dun-line-2"),
            "at {}",
            r.site
        );
        assert_eq!(
            one(r, "SELECT count(*) FROM stock_takes WHERE id = 'take-dun'", &[]).as_deref(),
            Some("0")
        );
    }
}
