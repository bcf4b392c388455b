//! Helpers of the volunteers and rota tests: approved volunteers, DBS checks, shifts.

use chrono::{Days, NaiveDate};
use haven_core::{Db, Session};
use serde_json::{json, Value};

use super::strict::{call, ok};
use super::today;

/// The date `offset` days from today (before it when negative).
pub fn day(offset: i64) -> NaiveDate {
    if offset >= 0 {
        today().checked_add_days(Days::new(offset as u64)).unwrap()
    } else {
        today().checked_sub_days(Days::new((-offset) as u64)).unwrap()
    }
}

/// An approved volunteer at CAL staying from 30 days ago to 60 days ahead.
pub fn approved_volunteer(db: &Db, s: &Session, given: &str) -> String {
    let v = ok(
        db,
        s,
        "save_volunteer",
        json!({"given_name": given, "family_name": "Test", "site": "CAL",
               "arrival_on": day(-30), "departure_on": day(60), "notes": "RESTRICTED-NOTE-XYZ"}),
    );
    let id = v["id"].as_str().unwrap().to_string();
    ok(db, s, "set_volunteer_status", json!({"id": id, "status": "approved"}));
    id
}

pub fn shift(db: &Db, s: &Session, on: NaiveDate, starts: &str, ends: &str, child_facing: bool) -> String {
    let v = ok(
        db,
        s,
        "create_shift",
        json!({"site": "CAL", "on_date": on, "starts_at": starts, "ends_at": ends,
               "role": if child_facing { "Children's play" } else { "Front desk" }, "child_facing": child_facing, "needed": 3}),
    );
    v["id"].as_str().unwrap().to_string()
}

pub fn dbs(db: &Db, s: &Session, v: &str, issued: NaiveDate, barred_children: bool, extra: Value) -> String {
    let mut input = json!({"volunteer": v, "level": "enhanced_barred", "workforce": "child",
        "barred_children": barred_children, "certificate_number": "001234567890", "issued_on": issued});
    if let (Some(obj), Some(more)) = (input.as_object_mut(), extra.as_object()) {
        obj.extend(more.clone());
    }
    ok(db, s, "add_dbs_check", input)["id"].as_str().unwrap().to_string()
}

pub fn assign(db: &Db, s: &Session, shift: &str, v: &str) -> haven_core::Result<Value> {
    call(db, s, "assign_volunteer", json!({"shift": shift, "volunteer": v}))
}
