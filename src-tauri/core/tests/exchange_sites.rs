//! Stock and people across sites: stock sent to another site is on its way until someone there
//! receives it (once, however many of its computers confirm it), stock two computers of a site
//! gave out between exchanges is a shortfall until counted, and a person moved to another site
//! is on its arrivals until met. Replicas in temporary folders, as in `exchange.rs`.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use serde_json::json;
use util::call;
use util::exchange::*;

/// A fresh location at `site` on replica `r`, and its id.
fn location_at(r: &Replica, site: &str, name: &str) -> String {
    call(&r.db, &r.s, "save_location", json!({"site": site, "name": name}))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The balance table's exact sum at `loc` (it may be below zero after an exchange).
fn raw_balance(r: &Replica, loc: &str) -> i64 {
    one(r, "SELECT coalesce(sum(quantity), 0) FROM stock_balances WHERE location_id = ?1", &[loc])
        .unwrap()
        .parse()
        .unwrap()
}

/// What the Stock screen shows at `loc`.
fn shown(r: &Replica, loc: &str) -> i64 {
    call(&r.db, &r.s, "stock_balances", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["location_id"] == loc)
        .map(|b| b["quantity"].as_i64().unwrap())
        .sum()
}

#[test]
fn stock_sent_to_another_site_is_in_transit_until_someone_there_receives_it() {
    let reps = replicas(&["CAL", "BHM"]);
    let (cal, bhm) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let bus = location_at(cal, "CAL", "Transit bus");
    let office = location_at(cal, "BHM", "Transit office store");
    let item = one(cal, "SELECT id FROM stock_items WHERE name = 'Baby milk'", &[]).unwrap();
    call(
        &cal.db,
        &cal.s,
        "receive_stock",
        json!({"location": bus, "item": item, "quantity": 20, "source": "donation", "party": "Donor",
               "expires_on": "2030-01-01", "batch": "L1"}),
    );
    let sent = call(
        &cal.db,
        &cal.s,
        "transfer_stock",
        json!({"from": bus, "to": office, "item": item, "quantity": 12, "note": "For the office"}),
    );
    let transfer = sent["id"].as_str().unwrap().to_string();
    assert_eq!(shown(cal, &bus), 8, "the stock left the bus");
    assert_eq!(shown(cal, &office), 0, "it is stock nowhere while on its way");
    let on_way = call(&cal.db, &cal.s, "stock_transits", json!({"site": "BHM"}));
    assert_eq!(on_way.as_array().unwrap().len(), 1, "{on_way}");
    assert_eq!(on_way[0]["quantity"], 12);
    assert_eq!(on_way[0]["received_on"], serde_json::Value::Null);

    // Someone of another site cannot confirm it; nor can it be confirmed before it arrived.
    let dunkirk = util::signed_in(&cal.db, "helene");
    let refused = util::err(&cal.db, &dunkirk, "receive_transfer", json!({"transfer": transfer}));
    assert_eq!(refused.kind.as_str(), "forbidden", "{refused:?}");

    for _ in 0..2 {
        swap(cal, folder.path());
        swap(bhm, folder.path());
    }
    let priya = util::signed_in(&bhm.db, "priya");
    let overview = call(&bhm.db, &priya, "stock_overview", json!({"site": "BHM"}));
    assert_eq!(overview["transits"].as_array().unwrap().len(), 1, "Birmingham sees it coming");
    call(&bhm.db, &priya, "receive_transfer", json!({"transfer": transfer}));
    assert_eq!(shown(bhm, &office), 12, "received in Birmingham");
    let batch =
        one(bhm, "SELECT batch || ' ' || expires_on FROM stock_balances WHERE location_id = ?1", &[&office]);
    assert_eq!(batch.as_deref(), Some("L1 2030-01-01"), "the batch and its expiry travel with it");
    let again = util::err(&bhm.db, &priya, "receive_transfer", json!({"transfer": transfer}));
    assert_eq!(again.kind.as_str(), "conflict", "received once only: {again:?}");

    for _ in 0..2 {
        swap(bhm, folder.path());
        swap(cal, folder.path());
    }
    assert_same(cal, bhm);
    assert_eq!(shown(cal, &office), 12, "Calais sees it arrived");
    let done = call(&cal.db, &cal.s, "stock_transits", json!({"site": "CAL"}));
    assert_eq!(done[0]["received_by"], "Priya Sandhu", "{done}");
    util::stock::assert_ledger_matches(&cal.db);
    util::stock::assert_ledger_matches(&bhm.db);
}

#[test]
fn two_office_computers_receiving_the_same_transfer_count_it_once() {
    let reps = replicas(&["CAL", "BHM", "BHM"]);
    let folder = tempfile::tempdir().unwrap();
    let bus = location_at(&reps[0], "CAL", "Twice bus");
    let office = location_at(&reps[0], "BHM", "Twice office store");
    let item = one(&reps[0], "SELECT id FROM stock_items WHERE name = 'Baby milk'", &[]).unwrap();
    call(
        &reps[0].db,
        &reps[0].s,
        "receive_stock",
        json!({"location": bus, "item": item, "quantity": 30, "source": "donation", "party": "Donor",
               "expires_on": "2030-01-01"}),
    );
    let transfer = call(
        &reps[0].db,
        &reps[0].s,
        "transfer_stock",
        json!({"from": bus, "to": office, "item": item, "quantity": 12}),
    )["id"]
        .as_str()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        for r in &reps {
            swap(r, folder.path());
        }
    }
    // Both office computers confirm it before they next exchange.
    for r in &reps[1..] {
        let priya = util::signed_in(&r.db, "priya");
        call(&r.db, &priya, "receive_transfer", json!({"transfer": transfer}));
    }
    for _ in 0..3 {
        for r in &reps {
            swap(r, folder.path());
        }
    }
    assert_same(&reps[0], &reps[1]);
    assert_same(&reps[1], &reps[2]);
    for r in &reps {
        assert_eq!(shown(r, &office), 12, "{}: the tins arrived once", r.site);
        assert_eq!(shown(r, &bus), 18, "{}", r.site);
        util::stock::assert_ledger_matches(&r.db);
    }
}

#[test]
fn stock_given_out_twice_between_exchanges_is_a_shortfall_until_the_shelf_is_counted() {
    let reps = replicas(&["CAL", "CAL"]);
    let (a, b) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let shelf = location_at(a, "CAL", "Shortfall shelf");
    let item = one(a, "SELECT id FROM stock_items WHERE name = 'Baby milk'", &[]).unwrap();
    call(
        &a.db,
        &a.s,
        "receive_stock",
        json!({"location": shelf, "item": item, "quantity": 10, "source": "donation", "party": "Donor",
               "expires_on": "2030-01-01"}),
    );
    swap(a, folder.path());
    swap(b, folder.path());
    assert_eq!(shown(b, &shelf), 10);
    // The same tins go out on both computers of the site before they exchange again.
    for (r, reason) in [(a, "lost"), (b, "damaged")] {
        call(
            &r.db,
            &r.s,
            "adjust_stock",
            json!({"location": shelf, "item": item, "quantity": 8, "reason": reason}),
        );
    }
    for _ in 0..2 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    assert_same(a, b);
    for r in [a, b] {
        assert_eq!(raw_balance(r, &shelf), -6, "the ledger keeps both movements");
        assert_eq!(shown(r, &shelf), 0, "the screen shows the shelf empty, never below zero");
        let overview = call(&r.db, &r.s, "stock_overview", json!({"site": "CAL"}));
        let short = overview["shortfalls"].as_array().unwrap();
        assert_eq!(short.len(), 1, "{overview}");
        assert_eq!(
            (short[0]["location_id"].as_str(), short[0]["short"].as_i64()),
            (Some(shelf.as_str()), Some(6))
        );
        // Nothing more can be taken from it, and stock arriving there is recorded.
        let more = util::err(
            &r.db,
            &r.s,
            "adjust_stock",
            json!({"location": shelf, "item": item, "quantity": 1, "reason": "lost"}),
        );
        assert_eq!(more.kind.as_str(), "conflict", "{more:?}");
    }
    // Counting the shelf settles it: two tins are really there.
    let take = call(&a.db, &a.s, "start_stock_take", json!({"location": shelf}));
    let line = take["lines"].as_array().unwrap().iter().find(|l| l["item_id"] == item.as_str()).unwrap()
        ["id"]
        .clone();
    assert_eq!(
        take["lines"].as_array().unwrap().iter().find(|l| l["id"] == line).unwrap()["expected"],
        -6,
        "the count starts from the ledger's sum"
    );
    let id = take["id"].clone();
    call(&a.db, &a.s, "enter_counts", json!({"id": id, "counts": [{"line": line, "counted": 2}]}));
    call(&a.db, &a.s, "finalise_stock_take", json!({"id": id}));
    for _ in 0..2 {
        swap(a, folder.path());
        swap(b, folder.path());
    }
    assert_same(a, b);
    for r in [a, b] {
        assert_eq!((raw_balance(r, &shelf), shown(r, &shelf)), (2, 2));
        let overview = call(&r.db, &r.s, "stock_overview", json!({"site": "CAL"}));
        assert_eq!(overview["shortfalls"], json!([]), "settled");
        util::stock::assert_ledger_matches(&r.db);
    }
}

#[test]
fn a_minor_moved_from_calais_is_on_birminghams_arrivals_with_their_record_until_met() {
    let reps = replicas(&["CAL", "BHM"]);
    let (cal, bhm) = (&reps[0], &reps[1]);
    let folder = tempfile::tempdir().unwrap();
    let p = register(cal, "Yonas", "Moved");
    call(&cal.db, &cal.s, "add_note", json!({"person": p, "body": "Travelling to the UK with his cousin."}));
    call(&cal.db, &cal.s, "transfer_person", json!({"id": p, "site": "BHM"}));
    let here = call(&cal.db, &cal.s, "list_arrivals", json!({"site": "BHM"}));
    assert_eq!(here.as_array().unwrap().len(), 1, "{here}");
    for _ in 0..2 {
        swap(cal, folder.path());
        swap(bhm, folder.path());
    }
    let priya = util::signed_in(&bhm.db, "priya");
    let coming = call(&bhm.db, &priya, "list_arrivals", json!({"site": "BHM"}));
    let arrival = &coming.as_array().unwrap()[0];
    assert_eq!(
        (arrival["person_id"].as_str(), arrival["from_site"].as_str()),
        (Some(p.as_str()), Some("CAL"))
    );
    assert_eq!(arrival["met_on"], serde_json::Value::Null);
    let notes = call(&bhm.db, &priya, "get_person", json!({"id": p}));
    assert!(notes.to_string().contains("Travelling to the UK"), "the notes came with the record: {notes}");
    // Someone of another site cannot mark it; Priya, in Birmingham, can.
    let dunkirk = util::signed_in(&bhm.db, "helene");
    let refused = util::err(&bhm.db, &dunkirk, "mark_arrival_met", json!({"id": arrival["id"]}));
    assert_eq!(refused.kind.as_str(), "forbidden", "{refused:?}");
    let after = call(&bhm.db, &priya, "mark_arrival_met", json!({"id": arrival["id"]}));
    assert_eq!(after[0]["met_by"], "Priya Sandhu", "{after}");
    let again = util::err(&bhm.db, &priya, "mark_arrival_met", json!({"id": arrival["id"]}));
    assert_eq!(again.kind.as_str(), "conflict");
    for _ in 0..2 {
        swap(bhm, folder.path());
        swap(cal, folder.path());
    }
    assert_same(cal, bhm);
    let seen = call(&cal.db, &cal.s, "list_arrivals", json!({"site": "BHM"}));
    assert_eq!(seen[0]["met_by"], "Priya Sandhu", "Calais sees he was met: {seen}");
}
