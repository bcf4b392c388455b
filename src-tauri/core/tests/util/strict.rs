//! API calls for tests that check the core's own error: `ok` and `err` name the function and
//! its input when the outcome is not the expected one.

use haven_core::{api, Db, Session};
use serde_json::Value;

pub fn call(db: &Db, s: &Session, name: &str, input: Value) -> haven_core::Result<Value> {
    api::call(db, s, name, input)
}

pub fn ok(db: &Db, s: &Session, name: &str, input: Value) -> Value {
    call(db, s, name, input.clone()).unwrap_or_else(|e| panic!("{name}({input}) failed: {e}"))
}

pub fn err(db: &Db, s: &Session, name: &str, input: Value) -> haven_core::Error {
    match call(db, s, name, input.clone()) {
        Ok(v) => panic!("{name}({input}) should have been refused, got {v}"),
        Err(e) => e,
    }
}
