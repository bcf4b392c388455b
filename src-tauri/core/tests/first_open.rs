//! The first databases a process opens, opened by several threads at once (as the test
//! harness and the app's background backup do), all open.
//!
//! SQLCipher finishes its own start-up just after SQLite marks itself started, so without
//! `Db`'s guard a second thread keying a connection in that moment is refused with "An error
//! occurred with PRAGMA key or rekey" (without the guard: 13 processes in 600 here, 16 threads each). The moment comes
//! once per process, so the test runs itself as many fresh child processes.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Barrier};

use haven_core::{db_path, Db, DbKey};

const TEST_NAME: &str = "threads_opening_the_first_databases_at_once_all_succeed";
const CHILD_PATH: &str = "HAVEN_FIRST_OPEN_PATH";
const CHILD_KEY: &str = "HAVEN_FIRST_OPEN_KEY";
const THREADS: usize = 16;
const PROCESSES: usize = 400;

/// In a child process: sixteen threads open the same database at the same moment.
/// Prints one line per failure and exits 1 if any failed.
fn child(path: PathBuf, key: &str) -> ! {
    let key = DbKey::from_hex(key).expect("key");
    let barrier = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (path, key, barrier) = (path.clone(), key.clone(), Arc::clone(&barrier));
            std::thread::spawn(move || {
                barrier.wait();
                Db::open_with_key(&path, &key).map(|_| ()).map_err(|e| e.to_string())
            })
        })
        .collect();
    let failures: Vec<String> = threads.into_iter().filter_map(|t| t.join().expect("thread").err()).collect();
    for f in &failures {
        println!("FAILED: {f}");
    }
    std::process::exit(i32::from(!failures.is_empty()));
}

/// How many processes to start: [`PROCESSES`], or a tenth of it under Wine (the test command's
/// Windows step, where Wine sets `WINELOADER`), where starting a process costs about a second
/// and the full run takes seven minutes. It says so on stderr (past the harness's capture).
fn processes() -> usize {
    if cfg!(windows) && std::env::var_os("WINELOADER").is_some() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{TEST_NAME}: {} processes instead of {PROCESSES} under Wine (README, Windows)",
            PROCESSES / 10
        );
        PROCESSES / 10
    } else {
        PROCESSES
    }
}

#[test]
fn threads_opening_the_first_databases_at_once_all_succeed() {
    if let (Some(path), Ok(key)) = (std::env::var_os(CHILD_PATH), std::env::var(CHILD_KEY)) {
        child(PathBuf::from(path), &key);
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = db_path(dir.path());
    let key = DbKey::generate();
    drop(Db::create_with_key(&path, &key).expect("create"));

    let exe = std::env::current_exe().expect("test binary");
    let mut failed = Vec::new();
    let processes = processes();
    for run in 0..processes {
        let out = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_PATH, &path)
            .env(CHILD_KEY, key.to_hex())
            .output()
            .expect("run child");
        if !out.status.success() {
            let stdout = String::from_utf8_lossy(&out.stdout);
            let first = stdout.lines().find(|l| l.starts_with("FAILED")).unwrap_or("no failure line");
            failed.push(format!("run {run}: exit {:?}: {first}", out.status.code()));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {processes} processes could not open the database on some thread:\n{}",
        failed.len(),
        failed.join("\n")
    );
}
