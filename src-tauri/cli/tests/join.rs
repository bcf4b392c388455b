//! `haven-cli invite` and `haven-cli join` as a lead and a new computer use them: the real
//! binary on real encrypted files.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const NEW_PASS: &str = "harbour window eleven";

fn cli(dir: &Path, passphrase: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("HAVEN_DATA_DIR")
        .env("HAVEN_PASSPHRASE", passphrase)
        .output()
        .expect("run haven-cli")
}

fn json_out(out: &Output) -> Value {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn json_err(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(1), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    serde_json::from_slice(&out.stderr).expect("JSON error on stderr")
}

#[test]
fn a_lead_invites_and_a_fresh_folder_joins_once_with_the_code() {
    let centre = tempfile::tempdir().unwrap();
    assert!(cli(centre.path(), "demo", &["seed-demo", "--people", "25"]).status.success());
    let file = centre.path().join("bhm.join");
    let file_arg = file.to_str().unwrap();

    // Only a lead makes a join file.
    let err = json_err(&cli(
        centre.path(),
        "demo",
        &["--user", "tom", "invite", "--site", "BHM", "--out", file_arg],
    ));
    assert_eq!(err["kind"], "forbidden");
    assert!(!file.exists());

    let made =
        json_out(&cli(centre.path(), "demo", &["invite", "--site", "BHM", "--out", file_arg, "--json"]));
    assert_eq!(made["file"], file_arg);
    let code = made["code"].as_str().unwrap().to_string();
    assert_eq!(code.len(), 14, "{code}");
    assert_eq!(code.matches('-').count(), 2, "{code}");
    let err = json_err(&cli(centre.path(), "demo", &["invite", "--site", "BHM", "--out", file_arg]));
    assert_eq!(err["kind"], "validation", "an existing file is never overwritten");

    // A wrong code is refused and leaves the new folder empty.
    let laptop = tempfile::tempdir().unwrap();
    let wrong = "2222-3333-4444";
    let err =
        json_err(&cli(laptop.path(), NEW_PASS, &["join", file_arg, "--code", wrong, "--user", "priya"]));
    assert_eq!(err["kind"], "validation");
    assert!(!laptop.path().join("haven.db").exists());

    // The right code: Priya's passphrase opens the new replica, which holds the whole centre.
    let out = cli(laptop.path(), NEW_PASS, &["join", file_arg, "--code", &code, "--user", "priya"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("recovery key"));
    let info = json_out(&cli(laptop.path(), NEW_PASS, &["--user", "priya", "info", "--json"]));
    assert_eq!(info["people"], 25);
    let replicas = json_out(&cli(laptop.path(), NEW_PASS, &["--user", "priya", "call", "list_replicas"]));
    let here: Vec<&Value> =
        replicas.as_array().unwrap().iter().filter(|r| r["this_computer"] == true).collect();
    assert_eq!(here.len(), 1);
    assert_eq!(here[0]["site"], "BHM");
    // People registered here carry the replica's tag.
    let person = json_out(&cli(
        laptop.path(),
        NEW_PASS,
        &[
            "--user",
            "priya",
            "call",
            "create_person",
            r#"{"given_name":"Joined","family_name":"Laptop","site":"BHM","confirm_not_duplicate":true}"#,
        ],
    ));
    assert_eq!(person["person"]["code"], "BHM-B0001");

    // The file works once.
    let other = tempfile::tempdir().unwrap();
    let err = json_err(&cli(other.path(), NEW_PASS, &["join", file_arg, "--code", &code]));
    assert_eq!(err["kind"], "conflict");
    assert!(err["message"].as_str().unwrap().contains("already used"), "{err}");
    assert!(!other.path().join("haven.db").exists());
}
