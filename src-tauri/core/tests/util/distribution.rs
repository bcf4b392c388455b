//! Helpers of the distribution tests: people, distributions and what a collection gave.

use chrono::{Months, NaiveDate};
use haven_core::{Db, Session};
use serde_json::{json, Value};

use super::{call, today};

/// The day `m` months before today.
pub fn months_ago(m: u32) -> NaiveDate {
    today().checked_sub_months(Months::new(m)).unwrap()
}

/// Someone registered at Calais, born on `dob`; a child in the household of `with` when given.
pub fn person(
    db: &Db,
    s: &Session,
    given: &str,
    family: &str,
    dob: NaiveDate,
    with: Option<&Value>,
) -> Value {
    let mut body = json!({"given_name": given, "family_name": family, "date_of_birth": dob, "site": "CAL",
                          "consent": true, "confirm_not_duplicate": true});
    if let Some(w) = with {
        body["household_with"] = w["id"].clone();
        body["relationship"] = json!("child");
    }
    call(db, s, "create_person", body)["person"].clone()
}

/// A weekly distribution at `loc` on `on`; confirmed, as these tests mean every one they make
/// (the demo's own distribution may fall in the same week).
pub fn distribution(db: &Db, s: &Session, loc: &str, on: NaiveDate) -> String {
    let d = call(
        db,
        s,
        "create_distribution",
        json!({"location": loc, "held_on": on, "dist_type": "weekly", "confirm_same_week": true}),
    );
    d["id"].as_str().unwrap().to_string()
}

/// A fresh location at `site`.
pub fn shelf_at(db: &Db, s: &Session, site: &str, name: &str) -> String {
    call(db, s, "save_location", json!({"site": site, "name": name}))["id"].as_str().unwrap().to_string()
}

/// An adult on their own, registered at `site`.
pub fn adult_at(db: &Db, s: &Session, site: &str, given: &str, family: &str) -> Value {
    call(
        db,
        s,
        "create_person",
        json!({"given_name": given, "family_name": family, "date_of_birth": months_ago(12 * 30), "site": site,
               "consent": true, "confirm_not_duplicate": true}),
    )["person"]
        .clone()
}

/// The items of a collection's lines, as recorded.
pub fn collected_items(db: &Db, collection: &str) -> Vec<String> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT i.name FROM collection_lines l JOIN stock_items i ON i.id = l.item_id
             WHERE l.collection_id = ?1 AND l.quantity > 0 ORDER BY i.name",
        )?;
        let rows = stmt.query_map([collection], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })
    .unwrap()
}
