//! Crash safety: a child process registering people and recording each one's collection at a
//! distribution, one transaction at a time, is killed at random moments (SIGKILL on Linux,
//! TerminateProcess on Windows), 200 times. After every kill the database opens,
//! `PRAGMA integrity_check` says ok, every person and collection the child reported as
//! committed is there, and the stock balances still equal the ledger's sums. Every write also
//! captures its changes for the other replicas in the same transaction: after every kill the
//! people in the database are exactly those the outbox's changes insert, and this replica's
//! changes are numbered without a gap (none committed and lost from the outbox, none there
//! without its commit).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use haven_core::{db_path, seed, Db};
use rand::{Rng, SeedableRng};
use serde_json::Value;

const KILLS: usize = 200;

/// Runs `haven-cli call NAME INPUT` on the demo database as its lead and returns its output.
fn call(dir: &std::path::Path, name: &str, input: &Value) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(["--user", "sarah", "call", name, &input.to_string()])
        .env("HAVEN_PASSPHRASE", "demo")
        .output()
        .unwrap();
    assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Collects the commits the writer reported ("person ID" or "collection ID" a line) and
/// returns how many lines were promises.
fn take(out: &str, people: &mut Vec<String>, collections: &mut Vec<String>) -> usize {
    let mut n = 0;
    for line in out.lines() {
        match line.trim().split_once(' ') {
            Some(("person", id)) if id.len() == 36 => people.push(id.to_string()),
            Some(("collection", id)) if id.len() == 36 => collections.push(id.to_string()),
            _ => continue,
        }
        n += 1;
    }
    n
}

/// Rows where the balance table and the ledger disagree.
const LEDGER_MISMATCHES: &str = "
    SELECT count(*) FROM (
        SELECT location_id, item_id, variant, batch, sum(quantity) AS q FROM stock_movements
        GROUP BY location_id, item_id, variant, batch) m
    LEFT JOIN stock_balances b USING (location_id, item_id, variant, batch)
    WHERE coalesce(b.quantity, 0) <> m.q";

#[test]
fn killed_writers_never_lose_a_committed_transaction_or_damage_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let seeded = Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["seed-demo", "--people", "20"])
        .env("HAVEN_PASSPHRASE", "demo")
        .output()
        .unwrap();
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    // A shelf with plenty of what every household gets weekly, and today's distribution there.
    let shelf = call(dir.path(), "save_location", &serde_json::json!({"site": "CAL", "name": "Crash shelf"}));
    let shelf = shelf["id"].as_str().unwrap().to_string();
    let far = (chrono::Local::now().date_naive() + chrono::Days::new(365)).to_string();
    for item in ["Food parcel", "Hygiene kit"] {
        call(
            dir.path(),
            "receive_stock",
            &serde_json::json!({"location": shelf, "item": item, "quantity": 1_000_000,
                                "source": "donation", "expires_on": far}),
        );
    }
    let today = chrono::Local::now().date_naive().to_string();
    let dist = call(
        dir.path(),
        "create_distribution",
        &serde_json::json!({"location": shelf, "held_on": today, "dist_type": "weekly", "confirm_same_week": true}),
    );
    let dist = dist["id"].as_str().unwrap().to_string();
    let path = db_path(dir.path());
    let writer = || {
        Command::new(env!("CARGO_BIN_EXE_haven-cli"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--user", "tom", "stress-write", "--count", "100000", "--distribution", &dist])
            .env("HAVEN_PASSPHRASE", "demo")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    // How long this machine takes from start to the first commit (sign-in included), so the
    // kills land before, around and well after it however busy the machine is.
    let started = Instant::now();
    let mut child = writer();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    let to_first_commit = started.elapsed().as_millis() as u64;
    child.kill().unwrap();
    child.wait().unwrap();
    let mut people: Vec<String> = Vec::new();
    let mut collections: Vec<String> = Vec::new();
    assert_eq!(
        take(&first, &mut people, &mut collections),
        1,
        "the writer reports a committed person: {first:?}"
    );
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut killed_mid_run = 0;
    for round in 0..KILLS {
        let mut child = writer();
        // From before the database is open to well into the writes.
        std::thread::sleep(Duration::from_millis(
            rng.random_range(to_first_commit / 3..to_first_commit * 3 + 10),
        ));
        let exited_early = child.try_wait().unwrap().is_some();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(!exited_early, "round {round}: the writer stopped by itself");
        let mut out = String::new();
        child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        if take(&out, &mut people, &mut collections) > 0 {
            killed_mid_run += 1;
        }

        let db = Db::open_with_key(&path, &seed::demo_key()).unwrap();
        let (integrity, people_found, collections_found, mismatches) = db
            .read(|c| {
                let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                let count = |table: &str, ids: &[String]| -> haven_core::Result<usize> {
                    let mut stmt =
                        c.prepare_cached(&format!("SELECT count(*) FROM {table} WHERE id = ?1"))?;
                    let mut found = 0usize;
                    for id in ids {
                        found += stmt.query_row([id], |r| r.get::<_, i64>(0))? as usize;
                    }
                    Ok(found)
                };
                let mismatches: i64 = c.query_row(LEDGER_MISMATCHES, [], |r| r.get(0))?;
                check_outbox(c, round)?;
                Ok((integrity, count("people", &people)?, count("collections", &collections)?, mismatches))
            })
            .unwrap();
        assert_eq!(integrity, "ok", "round {round}");
        assert_eq!(people_found, people.len(), "round {round}: a committed person is missing");
        assert_eq!(collections_found, collections.len(), "round {round}: a committed collection is missing");
        assert_eq!(mismatches, 0, "round {round}: the balances no longer equal the ledger");
    }
    assert!(killed_mid_run > KILLS / 4, "many kills should land mid-run, got {killed_mid_run}");
    assert!(people.len() > KILLS, "the writers committed {} people", people.len());
    assert!(collections.len() > KILLS / 2, "the writers committed {} collections", collections.len());
}

/// The outbox holds exactly what committed: the people it inserts are the people there, and
/// this replica's change numbers run 1, 2, ... up to the last one recorded as written.
fn check_outbox(c: &rusqlite::Connection, round: usize) -> haven_core::Result<()> {
    let mut in_outbox = std::collections::BTreeSet::new();
    let mut seqs = Vec::new();
    let me: String = c.query_row("SELECT replica FROM exchange_self", [], |r| r.get(0))?;
    let mut stmt = c.prepare("SELECT seq, changeset FROM exchange_outbox WHERE origin = ?1 ORDER BY seq")?;
    let mut rows = stmt.query([&me])?;
    while let Some(row) = rows.next()? {
        seqs.push(row.get::<_, i64>(0)?);
        let changeset: Vec<u8> = row.get(1)?;
        for r in haven_core::db::capture::rows_of(&changeset)? {
            if r.table == "people" && !r.deleted {
                in_outbox.insert(r.pk);
            }
        }
    }
    let last: i64 = c.query_row("SELECT seq FROM exchange_applied WHERE origin = ?1", [&me], |r| r.get(0))?;
    assert_eq!(seqs, (1..=last).collect::<Vec<_>>(), "round {round}: the outbox's numbers have a gap");
    let mut stmt = c.prepare("SELECT json_array(id) FROM people")?;
    let in_db: std::collections::BTreeSet<String> =
        stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    assert_eq!(in_db, in_outbox, "round {round}: people committed and captured differ");
    Ok(())
}

/// Runs haven-cli with the demo passphrase and returns its output.
fn haven(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("HAVEN_PASSPHRASE", "demo")
        .output()
        .unwrap()
}

/// Puts a data folder back to the files in `from` (database and key file; no WAL, no head).
fn reset(from: &std::path::Path, to: &std::path::Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for file in ["haven.db", "haven.keys"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
}

/// (people, last change of `origin` applied) in the database at `dir`.
fn applied_state(dir: &std::path::Path, origin: &str) -> (i64, i64) {
    let db = Db::open_with_key(&db_path(dir), &seed::demo_key()).unwrap();
    db.read(|c| {
        let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        assert_eq!(integrity, "ok");
        let people: i64 = c.query_row("SELECT count(*) FROM people", [], |r| r.get(0))?;
        let seq: i64 = c.query_row(
            "SELECT coalesce(max(seq), 0) FROM exchange_applied WHERE origin = ?1",
            [origin],
            |r| r.get(0),
        )?;
        Ok((people, seq))
    })
    .unwrap()
}

/// Issue 16: an exchange killed while it applies a bundle (60 times, at random moments) leaves
/// the bundle applied whole or not at all, and the next exchange applies it.
#[test]
fn a_killed_exchange_never_leaves_a_bundle_half_applied() {
    let source = tempfile::tempdir().unwrap();
    let pristine = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    let out = haven(source.path(), &["seed-demo", "--people", "0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // The receiving replica: a copy of the centre before the new people, at Dunkirk, taking
    // over a replica the source's lead added to the centre.
    let handover = {
        let unlocked = haven_core::access::keyring::unlock(&db_path(source.path()), None, "demo").unwrap();
        let handover = haven_core::exchange::hand_over(&unlocked.db, &unlocked.session, "DUN").unwrap();
        unlocked.db.conn().unwrap().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
        handover
    };
    reset(source.path(), pristine.path());
    {
        let unlocked = haven_core::access::keyring::unlock(&db_path(pristine.path()), None, "demo").unwrap();
        haven_core::exchange::take_over(&unlocked.db, &handover).unwrap();
        unlocked.db.conn().unwrap().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let _ = std::fs::remove_file(haven_core::db::head_path(&db_path(pristine.path())));
    for n in 0..3 {
        let body = serde_json::json!({"given_name": format!("Kill{n}"), "family_name": "Apply", "site": "CAL",
                                      "confirm_not_duplicate": true});
        call(source.path(), "create_person", &body);
    }
    let out = haven(source.path(), &["seed-demo", "--people", "1500"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = haven(source.path(), &["exchange", "--dir", folder.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let origin: String = {
        let db = Db::open_with_key(&db_path(source.path()), &seed::demo_key()).unwrap();
        db.read(|c| Ok(c.query_row("SELECT replica FROM exchange_self", [], |r| r.get(0))?)).unwrap()
    };
    let exchange = || {
        Command::new(env!("CARGO_BIN_EXE_haven-cli"))
            .arg("--data-dir")
            .arg(target.path())
            .args(["exchange", "--dir", folder.path().to_str().unwrap()])
            .env("HAVEN_PASSPHRASE", "demo")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap()
    };
    reset(pristine.path(), target.path());
    let before = applied_state(target.path(), &origin);
    reset(pristine.path(), target.path());
    let started = Instant::now();
    assert!(exchange().wait().unwrap().success());
    let whole = started.elapsed().as_millis() as u64;
    let after = applied_state(target.path(), &origin);
    assert!(after.0 > before.0 + 1500 && after.1 > before.1, "{before:?} {after:?}");

    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(16);
    let (mut none, mut all) = (0, 0);
    for round in 0..60 {
        reset(pristine.path(), target.path());
        let mut child = exchange();
        std::thread::sleep(Duration::from_millis(rng.random_range(whole / 4..whole * 5 / 4 + 5)));
        child.kill().unwrap();
        child.wait().unwrap();
        let state = applied_state(target.path(), &origin);
        assert!(state == before || state == after, "round {round}: half applied: {state:?}");
        if state == before {
            none += 1;
        } else {
            all += 1;
        }
        if round % 10 == 0 {
            assert!(exchange().wait().unwrap().success());
            assert_eq!(
                applied_state(target.path(), &origin),
                after,
                "round {round}: the next exchange applies it"
            );
        }
    }
    assert!(none > 5 && all > 0, "kills should land before and after the commit: {none} none, {all} whole");
}
