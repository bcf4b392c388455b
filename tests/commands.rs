//! The app's commands through Tauri's mock runtime: no display, the real command handlers, the
//! real capability file (generate_context!), and the real core on a temporary database.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use haven_app::{with_commands, AppState, Launch};
use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{mock_builder, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{Manager, WebviewWindow};

/// The app on the mock runtime. Dropping it waits for the daily backup a sign-in starts, as the
/// real app does on exit, so the temporary folder outlives it and no backup thread is still
/// running when the test process ends.
struct TestApp(tauri::App<MockRuntime>);

impl std::ops::Deref for TestApp {
    type Target = tauri::App<MockRuntime>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.0.state::<AppState>().wait_for_backup();
    }
}

fn app(data_dir: &std::path::Path, demo: bool) -> (TestApp, WebviewWindow<MockRuntime>) {
    let app = with_commands(mock_builder())
        .build(tauri::generate_context!())
        .expect("build the app on the mock runtime");
    // `setup` does not run on the mock runtime: register the state as `run` would.
    app.manage(AppState::new(Launch { data_dir: data_dir.to_path_buf(), demo }).expect("state"));
    let window = match app.get_webview_window("main") {
        Some(w) => w,
        None => tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("window"),
    };
    (TestApp(app), window)
}

/// The origin the app's own pages have on this platform.
fn origin() -> &'static str {
    if cfg!(windows) {
        "http://tauri.localhost"
    } else {
        "tauri://localhost"
    }
}

fn invoke(window: &WebviewWindow<MockRuntime>, cmd: &str, args: Value) -> Result<Value, Value> {
    invoke_from(window, origin(), cmd, args)
}

fn invoke_from(
    window: &WebviewWindow<MockRuntime>,
    url: &str,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: url.parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|body| body.deserialize::<Value>().unwrap())
}

#[test]
fn errors_cross_ipc_as_kind_code_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path(), true);
    let err = invoke(&w, "unlock", json!({"username": "sarah", "passphrase": "not it"})).unwrap_err();
    assert_eq!(
        err,
        json!({"kind": "locked", "code": "access.sign_in.wrong", "message": "The user name or passphrase is not right.",
               "params": {}, "problems": []})
    );
    // Another user's passphrase does not open this user's key either.
    let err = invoke(&w, "unlock", json!({"username": "nobody", "passphrase": "demo"})).unwrap_err();
    assert_eq!(err["kind"], "locked");
}

#[test]
fn demo_unlocks_and_calls_reach_the_core_api() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path(), true);
    let status = invoke(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["phase"], "locked");
    assert_eq!(status["demo_hint"]["passphrase"], "demo");

    let locked = invoke(&w, "call", json!({"name": "dashboard_counts"})).unwrap_err();
    assert_eq!(locked["kind"], "locked", "nothing is reachable before unlock");

    let session = invoke(&w, "unlock", json!({"username": "sarah", "passphrase": "demo"})).unwrap();
    assert_eq!(session["role"], "lead");
    let counts = invoke(&w, "call", json!({"name": "dashboard_counts", "input": {}})).unwrap();
    assert!(counts["people_active"].as_u64().unwrap() > 0);

    invoke(&w, "lock", json!({})).unwrap();
    assert_eq!(invoke(&w, "call", json!({"name": "list_sites"})).unwrap_err()["kind"], "locked");
    // The sign-in started the day's backup; locking waited for it to finish.
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups"))
        .expect("the backups folder")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "db"))
        .filter(|e| e.metadata().map(|m| m.len() > 0).unwrap_or(false))
        .collect();
    assert_eq!(backups.len(), 1, "one complete daily backup after the first sign-in");
}

#[test]
fn roles_are_enforced_behind_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path(), true);
    invoke(&w, "unlock", json!({"username": "tom", "passphrase": "demo"})).unwrap();
    let err = invoke(&w, "call", json!({"name": "list_audit_log", "input": {}})).unwrap_err();
    assert_eq!(err["kind"], "forbidden");
    let err = invoke(&w, "call", json!({"name": "create_user", "input": {"username": "x1", "display_name": "X", "role": "lead", "site": "CAL"}})).unwrap_err();
    assert_eq!(err["kind"], "forbidden");
}

#[test]
fn first_run_setup_validates_then_creates_the_centre() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path(), false);
    assert_eq!(invoke(&w, "app_status", json!({})).unwrap()["phase"], "setup");
    let mut input = json!({
        "centre_name": "Haven Centre",
        "sites": [{"code": "CAL", "name": "Calais"}, {"code": "BHM", "name": "Birmingham"}],
        "lead_username": "amina",
        "lead_display_name": "Amina Yusuf",
        "passphrase": "short"
    });
    let err = invoke(&w, "setup_centre", json!({"input": input})).unwrap_err();
    assert_eq!(err["kind"], "validation");
    assert_eq!(err["field"], "passphrase");
    assert!(!dir.path().join("haven.db").exists(), "a refused setup leaves no database");

    input["passphrase"] = json!("river lantern seven");
    let done = invoke(&w, "setup_centre", json!({"input": input})).unwrap();
    assert_eq!(done["session"]["username"], "amina");
    let key = done["recovery_key"]["key"].as_str().unwrap();
    assert_eq!(key.len(), 64, "the recovery key is shown once, at setup");
    assert!(key.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(dir.path().join("haven.keys").exists(), "the lead's wrapped key is beside the database");
    let info = invoke(&w, "call", json!({"name": "session_info"})).unwrap();
    assert_eq!(info["centre_name"], "Haven Centre");
    assert_eq!(info["sites"].as_array().unwrap().len(), 2);
    let may = |info: &Value, name: &str| info["functions"].as_array().unwrap().iter().any(|f| f == name);
    assert!(may(&info, "create_user") && may(&info, "search_people"), "a lead may call both: {info}");
    let again = invoke(&w, "setup_centre", json!({"input": input})).unwrap_err();
    assert_eq!(again["kind"], "conflict");

    // A user the lead adds must choose their own passphrase before anything else shows.
    let user = json!({"username": "tom", "display_name": "Tom", "role": "front_desk", "site": "CAL", "passphrase": "given by amina"});
    invoke(&w, "call", json!({"name": "create_user", "input": user})).unwrap();
    invoke(&w, "lock", json!({})).unwrap();
    invoke(&w, "unlock", json!({"username": "tom", "passphrase": "given by amina"})).unwrap();
    assert_eq!(invoke(&w, "app_status", json!({})).unwrap()["must_change_passphrase"], true);
    let change = json!({"current": "given by amina", "new": "tom's own words"});
    invoke(&w, "call", json!({"name": "change_passphrase", "input": change})).unwrap();
    assert_eq!(invoke(&w, "app_status", json!({})).unwrap()["must_change_passphrase"], false);
    invoke(&w, "lock", json!({})).unwrap();
    let old = invoke(&w, "unlock", json!({"username": "tom", "passphrase": "given by amina"})).unwrap_err();
    assert_eq!(old["kind"], "locked", "the old passphrase no longer opens");
    invoke(&w, "unlock", json!({"username": "tom", "passphrase": "tom's own words"})).unwrap();
    let info = invoke(&w, "call", json!({"name": "session_info"})).unwrap();
    assert!(may(&info, "search_people") && !may(&info, "create_user"), "the front desk's functions: {info}");
    let status = invoke(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["functions"], info["functions"], "the app's status carries the same list");
}

#[test]
fn only_granted_commands_from_the_apps_own_pages_are_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path(), true);
    assert!(invoke(&w, "app_status", json!({})).is_ok());
    let remote = invoke_from(&w, "https://example.com", "app_status", json!({})).unwrap_err();
    assert!(remote.to_string().contains("not allowed"), "remote content must not reach commands: {remote}");
    let shell = invoke(&w, "plugin:shell|execute", json!({})).unwrap_err();
    assert!(shell.to_string().contains("not found") || shell.to_string().contains("not allowed"), "{shell}");
}

#[test]
fn the_window_is_locked_down_no_remote_content_no_shell_no_devtools_in_release() {
    let root = env!("CARGO_MANIFEST_DIR");
    let conf: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{root}/tauri.conf.json")).unwrap()).unwrap();
    let csp = &conf["app"]["security"]["csp"];
    assert_eq!(csp["default-src"], "'self'");
    assert_eq!(csp["script-src"], "'self'");
    for (directive, value) in csp.as_object().unwrap() {
        let value = value.as_str().unwrap();
        assert!(!value.contains("unsafe-inline") && !value.contains("unsafe-eval"), "{directive}: {value}");
        assert!(
            !value.contains("https:") && !value.contains('*'),
            "{directive} allows remote content: {value}"
        );
    }
    assert_eq!(conf["app"]["security"]["freezePrototype"], true);
    let caps = std::fs::read_to_string(format!("{root}/src-tauri/capabilities/default.json")).unwrap();
    for forbidden in ["shell:", "fs:", "http:", "process:", "core:webview:allow-internal-toggle-devtools"] {
        assert!(!caps.contains(forbidden), "the capability grants {forbidden}");
    }
    // Devtools exist only in debug builds: the tauri crate's `devtools` feature stays off.
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
    let tauri_line = manifest.lines().find(|l| l.starts_with("tauri = ")).unwrap();
    assert!(!tauri_line.contains("devtools"), "{tauri_line}");
}

#[test]
fn a_rota_refusal_crosses_ipc_as_a_validation_error_and_dbs_detail_is_forbidden_to_the_front_desk() {
    let dir = tempfile::tempdir().unwrap();
    let (_app, w) = app(dir.path(), true);
    invoke(&w, "unlock", json!({"username": "sarah", "passphrase": "demo"})).unwrap();
    let call = |name: &str, input: Value| invoke(&w, "call", json!({"name": name, "input": input}));
    let v = call(
        "save_volunteer",
        json!({"given_name": "Noor", "site": "CAL", "arrival_on": "2030-01-01", "departure_on": "2030-02-01"}),
    )
    .unwrap()["id"]
        .clone();
    call("set_volunteer_status", json!({"id": v, "status": "approved"})).unwrap();
    let shift = call(
        "create_shift",
        json!({"site": "CAL", "on_date": "2030-01-10", "starts_at": "06:00", "ends_at": "07:00", "role": "Play", "child_facing": true}),
    )
    .unwrap()["id"]
        .clone();
    let err = call("assign_volunteer", json!({"shift": shift, "volunteer": v})).unwrap_err();
    assert_eq!(err["kind"], "validation", "{err}");
    assert_eq!(err["field"], "volunteer", "{err}");
    assert!(err["message"].as_str().unwrap().contains("child-facing"), "{err}");

    invoke(&w, "lock", json!({})).unwrap();
    invoke(&w, "unlock", json!({"username": "tom", "passphrase": "demo"})).unwrap();
    let err = invoke(&w, "call", json!({"name": "get_volunteer", "input": {"id": v}})).unwrap_err();
    assert_eq!(err["kind"], "forbidden");
}

#[test]
fn haven_locks_itself_after_the_idle_minutes_whatever_the_page_does() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path(), true);
    invoke(&w, "unlock", json!({"username": "sarah", "passphrase": "demo"})).unwrap();
    assert_eq!(invoke(&w, "app_status", json!({})).unwrap()["auto_lock_minutes"], 15);
    let state = app.state::<AppState>();
    state.pretend_idle_for(std::time::Duration::from_secs(14 * 60));
    invoke(&w, "call", json!({"name": "list_sites"})).expect("14 idle minutes: still open");
    state.pretend_idle_for(std::time::Duration::from_secs(15 * 60 + 1));
    let err = invoke(&w, "call", json!({"name": "list_sites"})).unwrap_err();
    assert_eq!(err["kind"], "locked");
    assert!(err["message"].as_str().unwrap().contains("15 minutes"), "{err}");
    assert_eq!(invoke(&w, "app_status", json!({})).unwrap()["phase"], "locked");
}

#[test]
fn a_lead_restores_a_backup_in_the_app_and_everyone_signs_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let (app, w) = app(dir.path(), true);
    let call = |name: &str, input: Value| invoke(&w, "call", json!({"name": name, "input": input}));
    let phase = || invoke(&w, "app_status", json!({})).unwrap()["phase"].clone();

    // A coordinator may back up but not restore: refused, still signed in.
    invoke(&w, "unlock", json!({"username": "helene", "passphrase": "demo"})).unwrap();
    let backup = call("backup_now", json!({})).unwrap()["path"].as_str().unwrap().to_string();
    let err = invoke(&w, "restore_backup", json!({"path": backup})).unwrap_err();
    assert_eq!(err["kind"], "forbidden", "{err}");
    assert_eq!(phase(), "unlocked");
    invoke(&w, "lock", json!({})).unwrap();

    // After the backup, a lead adds a volunteer.
    invoke(&w, "unlock", json!({"username": "sarah", "passphrase": "demo"})).unwrap();
    app.state::<AppState>().wait_for_backup();
    let volunteer = json!({"given_name": "Restorecheck", "family_name": "Later", "site": "CAL",
                           "arrival_on": "2026-03-01", "departure_on": "2026-03-20"});
    call("save_volunteer", volunteer).unwrap();
    let names = |v: Value| v.to_string().contains("Restorecheck");
    assert!(names(call("list_volunteers", json!({})).unwrap()));

    // A file that is not a backup: refused before anything closes.
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"not a database").unwrap();
    let err = invoke(&w, "restore_backup", json!({"path": junk.to_str().unwrap()})).unwrap_err();
    assert_eq!(err["kind"], "validation", "{err}");
    assert_eq!(phase(), "unlocked", "a refused restore leaves the lead signed in");
    assert!(names(call("list_volunteers", json!({})).unwrap()), "and changes nothing");

    // The backup: restored, Haven locked with a notice, the replaced file kept aside.
    let done = invoke(&w, "restore_backup", json!({"path": backup})).unwrap();
    let replaced = done["replaced"].as_str().expect("the replaced database is kept").to_string();
    assert!(std::path::Path::new(&replaced).is_file(), "{replaced}");
    let status = invoke(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["phase"], "locked");
    assert!(status["notices"].to_string().contains("was restored"), "{status}");
    assert_eq!(status["notices"][0]["kind"], "restored", "a notice the UI words by its kind: {status}");
    assert_eq!(call("list_sites", json!({})).unwrap_err()["kind"], "locked");

    // Signed in again: the data is the backup's, and the restore is in its audit log.
    invoke(&w, "unlock", json!({"username": "sarah", "passphrase": "demo"})).unwrap();
    assert!(
        !names(call("list_volunteers", json!({})).unwrap()),
        "the volunteer added after the backup is gone"
    );
    let log = call("list_audit_log", json!({"entity": "database", "limit": 5})).unwrap();
    assert!(log.as_array().unwrap().iter().any(|e| e["action"] == "restore"), "{log}");
    assert_eq!(
        invoke(&w, "app_status", json!({})).unwrap()["notices"],
        json!([]),
        "the notice was shown once"
    );
}

#[test]
fn a_new_computer_joins_a_centre_from_its_first_run_screen() {
    // A centre on another computer, whose lead makes a join file for Birmingham.
    let centre = tempfile::tempdir().unwrap();
    let input = haven_core::setup::SetupInput {
        centre_name: "Haven Centre".into(),
        sites: haven_core::sites::default_sites(),
        lead_username: "sarah".into(),
        lead_display_name: "Sarah Okafor".into(),
        passphrase: "river lantern seven".into(),
    };
    let made = haven_core::setup::initialise(&centre.path().join("haven.db"), &input).unwrap();
    let file = centre.path().join("bhm.join");
    let invite = json!({"site": "BHM", "path": file.display().to_string()});
    let out = haven_core::api::call(&made.db, &made.session, "create_invite", invite).unwrap();
    let code = out["code"].as_str().unwrap().to_string();
    drop(made);

    let laptop = tempfile::tempdir().unwrap();
    let (_app, w) = app(laptop.path(), false);
    assert_eq!(invoke(&w, "app_status", json!({})).unwrap()["phase"], "setup");
    let file = file.display().to_string();
    let args = |code: &str| json!({"file": file, "code": code, "username": null, "passphrase": "harbour window eleven"});
    let err = invoke(&w, "join_centre", args("2222-3333-4444")).unwrap_err();
    assert_eq!((err["kind"].clone(), err["field"].clone()), (json!("validation"), json!("code")), "{err}");
    assert!(!laptop.path().join("haven.db").exists());

    let done = invoke(&w, "join_centre", args(&code)).unwrap();
    assert_eq!(done["session"]["username"], "sarah", "the lead who made the file, by default");
    assert_eq!(
        done["recovery_key"]["key"].as_str().unwrap().len(),
        64,
        "this computer's own key, shown once"
    );
    let status = invoke(&w, "app_status", json!({})).unwrap();
    assert_eq!(status["phase"], "unlocked", "{status}");
    let replicas = invoke(&w, "call", json!({"name": "list_replicas"})).unwrap();
    let here: Vec<&Value> =
        replicas.as_array().unwrap().iter().filter(|r| r["this_computer"] == true).collect();
    assert_eq!(here[0]["site"], "BHM");
    let again = invoke(&w, "join_centre", args(&code)).unwrap_err();
    assert_eq!(again["kind"], "conflict");
}
