//! Crash safety: a child process registering people one transaction at a time is killed at
//! random moments (SIGKILL on Linux, TerminateProcess on Windows), 200 times. After every kill
//! the database opens, `PRAGMA integrity_check` says ok, and every person the child reported as
//! committed is there.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use haven_core::{db_path, seed, Db};
use rand::{Rng, SeedableRng};

const KILLS: usize = 200;

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
    let path = db_path(dir.path());
    let writer = || {
        Command::new(env!("CARGO_BIN_EXE_haven-cli"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(["--user", "tom", "stress-write", "--count", "100000"])
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
    assert_eq!(first.trim().len(), 36, "the writer reports a committed id");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let mut promised: Vec<String> = vec![first.trim().to_string()];
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
        let ids: Vec<String> =
            out.lines().map(str::trim).filter(|l| l.len() == 36).map(String::from).collect();
        if !ids.is_empty() {
            killed_mid_run += 1;
        }
        promised.extend(ids);

        let db = Db::open_with_key(&path, &seed::demo_key()).unwrap();
        let (integrity, found) = db
            .read(|c| {
                let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
                let mut stmt = c.prepare_cached("SELECT count(*) FROM people WHERE id = ?1")?;
                let mut found = 0usize;
                for id in &promised {
                    found += stmt.query_row([id], |r| r.get::<_, i64>(0))? as usize;
                }
                Ok((integrity, found))
            })
            .unwrap();
        assert_eq!(integrity, "ok", "round {round}");
        assert_eq!(found, promised.len(), "round {round}: a committed person is missing");
    }
    assert!(killed_mid_run > KILLS / 4, "many kills should land mid-run, got {killed_mid_run}");
    assert!(promised.len() > KILLS, "the writers committed {} people", promised.len());
}
