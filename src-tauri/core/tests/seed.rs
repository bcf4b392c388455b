//! Demo data: deterministic, realistic, in every script the centre meets, and large.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::{db_path, seed, Db};
use util::seeded;

fn people_rows(db: &Db) -> Vec<(String, String, String, Option<String>)> {
    db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT id, code, given_name || ' ' || family_name, original_name FROM people ORDER BY code",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    })
    .expect("read people")
}

#[test]
fn the_same_seed_gives_the_same_people() {
    let a = seeded(150);
    let b = seeded(150);
    assert_eq!(people_rows(&a.db), people_rows(&b.db));
}

#[test]
fn names_come_in_every_script() {
    let t = seeded(1000);
    let rows = people_rows(&t.db);
    assert_eq!(rows.len(), 1000);
    let originals: Vec<&str> = rows.iter().filter_map(|r| r.3.as_deref()).collect();
    let has = |lo: u32, hi: u32| originals.iter().any(|n| n.chars().any(|c| (lo..=hi).contains(&(c as u32))));
    assert!(has(0x0600, 0x06FF), "Arabic script");
    assert!(
        originals.iter().any(|n| n.contains('ۍ') || n.contains('ښ') || n.contains('ګ')),
        "Pashto letters"
    );
    assert!(
        originals.iter().any(|n| n.contains('ە') || n.contains('ڕ') || n.contains('ێ')),
        "Sorani letters"
    );
    assert!(
        originals.iter().any(|n| n.contains('ی') && n.contains('پ') || n.contains("رضایی")),
        "Farsi letters"
    );
    assert!(has(0x1200, 0x137F), "Ge'ez script");
    let share = originals.len() as f64 / rows.len() as f64;
    assert!((0.4..0.85).contains(&share), "a realistic share has an original-script name: {share}");
    assert!(
        rows.iter().any(|r| r.2.chars().any(|c| "ễầảịọốêîûëçşÏïé".contains(c))),
        "Latin names with diacritics"
    );
}

#[test]
fn codes_are_unique_per_site_and_continue_after_a_second_seed() {
    let t = seeded(100);
    seed::seed_demo(&t.db, 100, 99).expect("second seed");
    let rows = people_rows(&t.db);
    assert_eq!(rows.len(), 200);
    let mut codes: Vec<&str> = rows.iter().map(|r| r.1.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 200, "every code is unique");
    assert!(codes.iter().all(|c| c.len() >= 8 && ["CAL-", "DUN-", "BHM-"].iter().any(|p| c.starts_with(p))));
    let users: i64 =
        t.db.read(|c| Ok(c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)).expect("users");
    assert_eq!(users as usize, seed::DEMO_USERS.len(), "users are not duplicated");
}

#[test]
fn households_have_members_and_minors_alone_exist() {
    let t = seeded(500);
    let (households, empty, max): (i64, i64, i64) = t
        .db
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*), count(*) FILTER (WHERE n = 0), max(n) FROM
                 (SELECT h.id, count(p.id) AS n FROM households h LEFT JOIN people p ON p.household_id = h.id GROUP BY h.id)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?)
        })
        .expect("households");
    assert!(households > 100);
    assert_eq!(empty, 0, "no empty household");
    assert!(max >= 4, "some families are large");
}

#[test]
fn seed_refuses_an_absurd_size_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let db = Db::create(&db_path(dir.path()), "x").expect("db");
    assert!(seed::seed_demo(&db, 2_000_000, 1).is_err());
    let n: i64 =
        db.read(|c| Ok(c.query_row("SELECT count(*) FROM sites", [], |r| r.get(0))?)).expect("count");
    assert_eq!(n, 0);
}
