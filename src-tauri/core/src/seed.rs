//! Demo data: a realistic, deterministic centre to try Haven on, test it with and benchmark it.
//!
//! The same `seed` gives the same people, households and ids (ages are counted back from today,
//! so a person's date of birth moves with the calendar). About three in four people have a name
//! in their own script as well as in Latin script; others have Latin names with diacritics.
//!
//! This file sets up the centre and calls each area's seed, lowest area first: the case book
//! (`cases/seed.rs`), stock (`stock/seed.rs`) and its distributions (`distribution/seed.rs`),
//! then volunteers (`volunteers/seed.rs`), activity sessions (`activities/seed.rs`) and the rota
//! (`rota/seed.rs`), and last the centre's money (`money/seed.rs`).

use chrono::Local;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rusqlite::Transaction;

use crate::access::{users, Role};
use crate::cases::seed::insert_people;
pub use crate::cases::seed::SeedSummary;
use crate::sites;
use crate::{settings, Db, Error, Result};

/// The demo database's passphrase (shown on its unlock screen).
pub const DEMO_PASSPHRASE: &str = "demo";

/// The demo database's key: fixed, so `haven-cli recovery-key` and stock SQLCipher tools can
/// open any demo database (it holds made-up people only). Real centres get a random key.
pub fn demo_key() -> crate::DbKey {
    use sha2::{Digest, Sha256};
    crate::DbKey::from_bytes(Sha256::digest(b"Haven demo database: made-up people only").into())
}

/// The demo users: sign-in name, display name, role, home site.
pub const DEMO_USERS: &[(&str, &str, Role, &str)] = &[
    ("sarah", "Sarah Okafor", Role::Lead, "CAL"),
    ("helene", "Hélène Martin", Role::Coordinator, "DUN"),
    ("priya", "Priya Sandhu", Role::Coordinator, "BHM"),
    ("tom", "Tom Reyes", Role::FrontDesk, "CAL"),
    // A second lead, so that a lead's expense claim has someone to approve it.
    ("amira", "Amira Haddad", Role::Lead, "BHM"),
];

/// Adds the demo centre (settings, sites, users; those already present are kept) and `people`
/// more people in households, all in one transaction.
pub fn seed_demo(db: &Db, people: usize, seed: u64) -> Result<SeedSummary> {
    if people > 1_000_000 {
        return Err(Error::at("people", crate::Code::SeedPeopleTooMany, serde_json::json!({})));
    }
    let today = Local::now().date_naive();
    db.write(|tx| {
        ensure_centre(tx)?;
        let summary = insert_people(tx, people, seed, today)?;
        // The catalogue and the weekly rules, then stock received, then distributions of it.
        crate::distribution::rules::ensure_defaults(tx)?;
        if crate::stock::seed::seed_stock(tx, today)? {
            crate::distribution::seed::seed(tx, today)?;
        }
        // The volunteers' side is seeded once. Its three seeds draw from one generator, in
        // this order, so the same seed gives the same demo.
        if !crate::volunteers::seed::seeded(tx)? {
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x766f_6c75);
            let team = crate::volunteers::seed::seed(tx, &mut rng, today)?;
            let sessions = crate::activities::seed::seed(tx, &mut rng, today)?;
            crate::rota::seed::seed(tx, &mut rng, today, &team, &sessions)?;
        }
        // A year of the centre's money, after the stock whose purchases it pays.
        if !crate::money::seed::seeded(tx)? {
            crate::money::seed::seed(tx, seed, today)?;
        }
        Ok(summary)
    })
}

fn ensure_centre(tx: &Transaction<'_>) -> Result<()> {
    if settings::get(tx, settings::CENTRE_NAME)?.is_none() {
        settings::set(tx, settings::CENTRE_NAME, "Haven Centre (demo)")?;
    }
    for site in sites::default_sites() {
        if sites::find(tx, &site.code)?.is_none() {
            sites::create(tx, &site)?;
        }
    }
    crate::cases::partners::ensure_defaults(tx)?;
    for &(username, display_name, role, site) in DEMO_USERS {
        if users::find_by_username(tx, username)?.is_none() {
            users::create(
                tx,
                &users::NewUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    role,
                    site: site.into(),
                },
            )?;
        }
    }
    Ok(())
}
