//! Helpers for integration tests: a real SQLCipher file in a temporary folder.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]
#![allow(dead_code)]

pub mod distribution;
pub mod stock;
pub mod strict;
pub mod volunteers;

use haven_core::access::users;
use haven_core::{api, db_path, seed, Db, Role, Session};
use serde_json::Value;
use tempfile::TempDir;

/// A seeded demo database in its own temporary folder (deleted on drop).
pub struct TestDb {
    pub db: Db,
    pub dir: TempDir,
}

pub fn seeded(people: usize) -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = Db::create(&db_path(dir.path()), seed::DEMO_PASSPHRASE).expect("create db");
    seed::seed_demo(&db, people, 7).expect("seed");
    TestDb { db, dir }
}

/// The session of the demo user with `role`.
pub fn session(db: &Db, role: Role) -> Session {
    let name = seed::DEMO_USERS.iter().find(|u| u.2 == role).expect("a demo user with that role").0;
    db.read(|c| users::sign_in(c, name)).expect("sign in")
}

/// Today, local.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Calls an API function that must succeed.
pub fn call(db: &Db, s: &Session, name: &str, input: Value) -> Value {
    api::call(db, s, name, input).unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

/// Calls an API function that must fail, and returns its error as the UI sees it.
pub fn err(db: &Db, s: &Session, name: &str, input: Value) -> haven_core::ErrorPayload {
    match api::call(db, s, name, input) {
        Ok(v) => panic!("{name} should have failed, got {v}"),
        Err(e) => e.to_payload(),
    }
}
