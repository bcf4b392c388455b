//! `cargo xtask`: the two commands of the README, on Debian/Ubuntu and on Windows.
//!
//! - `cargo xtask demo` installs what is missing and opens the app on the demo database.
//! - `cargo xtask test` installs what is missing and runs every check: formatting, lints, core,
//!   CLI and command (mock runtime) tests, the end-to-end tests in a real window, and on Linux
//!   the Windows step: the core's and CLI's tests for Windows under Wine and the Windows
//!   installer's build, install and upgrade (`--windows-check`: a `cargo check` instead).
//! - `cargo xtask e2e` builds the app and the CLI and runs the end-to-end tests alone.
//! - `cargo xtask windows` cross-builds the release app and CLI for Windows and packs the MSI.
//!
//! Plain std only, so it builds in seconds before anything else. Built binaries are looked for
//! in `CARGO_TARGET_DIR` when it is set, else in the repository's `target/`.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

mod windows;

/// Debian packages the build, the app and the tests need.
const APT_PACKAGES: &[&str] = &[
    "build-essential",
    "curl",
    "wget",
    "file",
    "pkg-config",
    "libwebkit2gtk-4.1-dev",
    "libxdo-dev",
    "libssl-dev",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libclang-dev",
    // End-to-end tests: a virtual display and WebKit's WebDriver; xwininfo reads the titles of
    // the native file dialogs on the display.
    "xvfb",
    "webkit2gtk-driver",
    "x11-utils",
    // PDF checks: pdftotext, pdftoppm, qpdf.
    "poppler-utils",
    "qpdf",
    // ID card tests read the Code 128 barcode back with zbarimg.
    "zbar-tools",
    // Windows: the cross-compiler (also for the Wine prefix's ProcessPrng shim), Wine to run
    // the tests and the installer, wixl to build the MSI and msitools (msiinfo, msiextract,
    // msibuild) to read and finish it.
    "gcc-mingw-w64-x86-64",
    "wine",
    "wine64",
    "wixl",
    "msitools",
    // The SQLCipher interoperability check's virtualenv.
    "python3-venv",
];

const WINDOWS_TARGET: &str = windows::TARGET;

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("e2e") => e2e_only(&args[1..]),
        Some("setup") => setup(true),
        Some("windows") => setup(true).and_then(|()| windows::windows(&args[1..])),
        _ => Err("usage: cargo xtask demo [--release] | test [--no-e2e] [--no-windows] [--windows-check] [--windows-full] \
                  | e2e [--no-build] | windows [--version X.Y.Z] [--no-build] [--debug] [--smoke-test] [--wine-tests] | setup"
            .into()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    // src-tauri/xtask -> repository root
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("."))
}

/// Where cargo puts what it builds: `CARGO_TARGET_DIR` (relative to the repository when
/// relative), else the repository's `target/`.
fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root().join(dir),
        _ => root().join("target"),
    }
}

/// A binary of the workspace's debug build.
fn debug_exe(name: &str) -> PathBuf {
    target_dir().join("debug").join(if cfg!(windows) { format!("{name}.exe") } else { name.into() })
}

fn step(name: &str) {
    println!("\n==> {name}");
}

fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo() -> Command {
    let mut c = Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    // A CI run builds once from clean: incremental caches only cost time and disk there.
    if env::var_os("CI").is_some() {
        c.env("CARGO_INCREMENTAL", "0");
    }
    c
}

fn npm() -> Command {
    let mut c = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    c.current_dir(root());
    c
}

/// Node's (major, minor) version, from `node --version` ("v20.11.1").
fn node_version() -> Option<(u32, u32)> {
    let out = Command::new("node").arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.trim().trim_start_matches('v').split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn found(program: &str) -> bool {
    Command::new(program).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// Installs what is missing: Debian packages (Linux), the Windows target, npm packages.
fn setup(for_tests: bool) -> Result {
    if cfg!(target_os = "linux") {
        apt_install()?;
    }
    if !found("node") || node_version().is_none_or(|v| v < (20, 11)) {
        return Err("Node.js 20.11 or later is needed (https://nodejs.org).".into());
    }
    let lock_stamp = root().join("node_modules/.package-lock.json");
    if !lock_stamp.exists() || newer(&root().join("package-lock.json"), &lock_stamp) {
        step("npm ci");
        run(npm().args(["ci", "--no-audit", "--no-fund"]))?;
    }
    if for_tests {
        if cfg!(target_os = "linux") && found("rustup") {
            let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
            if !installed
                .map(|o| String::from_utf8_lossy(&o.stdout).contains(WINDOWS_TARGET))
                .unwrap_or(false)
            {
                step("rustup target add x86_64-pc-windows-gnu");
                run(Command::new("rustup").args(["target", "add", WINDOWS_TARGET]))?;
            }
        }
        if !found("tauri-driver") && !cargo_bin("tauri-driver").exists() {
            step("cargo install tauri-driver");
            run(cargo().args(["install", "tauri-driver", "--version", "^2", "--locked"]))?;
        }
    }
    Ok(())
}

fn newer(a: &Path, b: &Path) -> bool {
    match (a.metadata().and_then(|m| m.modified()), b.metadata().and_then(|m| m.modified())) {
        (Ok(a), Ok(b)) => a > b,
        _ => true,
    }
}

fn cargo_bin(name: &str) -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| {
            env::var_os(if cfg!(windows) { "USERPROFILE" } else { "HOME" })
                .map(|h| PathBuf::from(h).join(".cargo"))
        })
        .unwrap_or_default();
    home.join("bin").join(if cfg!(windows) { format!("{name}.exe") } else { name.to_string() })
}

fn apt_install() -> Result {
    if !found("dpkg-query") {
        println!("(not a Debian/Ubuntu system: install the packages listed in the README yourself)");
        return Ok(());
    }
    let missing: Vec<&str> = APT_PACKAGES
        .iter()
        .copied()
        .filter(|p| {
            let out = Command::new("dpkg-query").args(["-W", "-f=${Status}", p]).output();
            !out.map(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed")).unwrap_or(false)
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    step(&format!("apt-get install {}", missing.join(" ")));
    let root_user =
        Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let apt = |args: &[&str]| {
        let mut c = if root_user { Command::new("apt-get") } else { Command::new("sudo") };
        if !root_user {
            c.arg("apt-get");
        }
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    run(&mut apt(&["update", "-qq"]))?;
    let mut install = apt(&["install", "-y", "-qq", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install)
}

fn demo(args: &[String]) -> Result {
    setup(false)?;
    let release = args.iter().any(|a| a == "--release");
    step("building and opening Haven on the demo database (passphrase: demo)");
    let mut cmd = cargo();
    cmd.args(["run", "--package", "haven", "--bin", "haven"]);
    if release {
        cmd.arg("--release");
    }
    cmd.args(["--", "--demo"]);
    run(&mut cmd)
}

fn test(args: &[String]) -> Result {
    let started = Instant::now();
    let mut times: Vec<(&str, f64)> = Vec::new();
    let e2e = !args.iter().any(|a| a == "--no-e2e");
    let windows = !args.iter().any(|a| a == "--no-windows") && cfg!(target_os = "linux");
    // The whole Windows step (the suites under Wine, a debug cross-build of the app, two MSIs
    // and their smoke test) runs in every run; `--windows-check` (or HAVEN_TEST_WINDOWS=check)
    // cross-checks with `cargo check` instead, for a quicker run. `--windows-full` (and
    // HAVEN_TEST_WINDOWS=full), which chose the whole step when it was not the default, are
    // still taken.
    let windows_full = !(args.iter().any(|a| a == "--windows-check")
        || env::var("HAVEN_TEST_WINDOWS").is_ok_and(|v| v == "check"));
    setup(true)?;

    step("cargo fmt --check");
    timed(&mut times, "fmt", cargo().args(["fmt", "--all", "--", "--check"]))?;
    step("the app's own build leaves out tauri's mock runtime (the `test` feature)");
    let t = Instant::now();
    no_mock_runtime()?;
    times.push(("no mock runtime", t.elapsed().as_secs_f64()));
    step("cargo test: core, CLI and command tests (mock runtime)");
    timed(&mut times, "build + test", cargo().args(["test", "--workspace"]))?;
    if e2e {
        step("end-to-end tests: the real app in a real window");
        timed(&mut times, "build app", &mut build_app())?;
        let t = Instant::now();
        end_to_end()?;
        times.push(("end-to-end", t.elapsed().as_secs_f64()));
    }
    if cfg!(target_os = "linux") {
        step("an independent SQLCipher 4 client (PyPI sqlcipher3-binary) reads haven-cli's database");
        let t = Instant::now();
        sqlcipher_interop()?;
        times.push(("interop", t.elapsed().as_secs_f64()));
    }
    step("cargo clippy (warnings are errors)");
    timed(
        &mut times,
        "clippy",
        cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
    )?;
    if windows && windows_full {
        windows_steps(&mut times)?;
    } else if windows {
        step("cargo check --target x86_64-pc-windows-gnu (Windows portability)");
        timed(
            &mut times,
            "windows check",
            cargo().args(["check", "--workspace", "--all-targets", "--target", WINDOWS_TARGET]),
        )?;
    }
    println!();
    for (name, secs) in &times {
        println!("{name:<16} {secs:>7.0} s");
    }
    println!("All checks passed in {:.0} s.", started.elapsed().as_secs_f64());
    Ok(())
}

/// The Windows steps of the test command, all in one Windows target folder: the core's and the
/// CLI's tests under Wine, the app and the CLI built in the same (debug) profile so that they
/// reuse the tests' dependencies, the MSI and a second one of a higher version, and the
/// installed MSI's smoke test with the upgrade in place. The release build and its MSI, what
/// the office installs, are `cargo xtask windows`: the installer is the same WiX source, and a
/// release cross-build from cold (its own OpenSSL, LTO-free but optimised) would take longer
/// than CI gives the whole command.
fn windows_steps(times: &mut Vec<(&'static str, f64)>) -> Result {
    let t = Instant::now();
    let wine = windows::Wine::prepare()?;
    times.push(("wine prefix", t.elapsed().as_secs_f64()));
    step("cargo test --target x86_64-pc-windows-gnu: core and CLI tests under Wine");
    timed(times, "windows tests", &mut windows::test_under_wine(&wine))?;
    step("cargo check --target x86_64-pc-windows-gnu -p xtask (the test command itself on Windows)");
    timed(
        times,
        "windows xtask",
        cargo().args(["check", "--package", "xtask", "--all-targets", "--target", WINDOWS_TARGET]),
    )?;
    step("debug cross-build: Haven.exe and haven-cli.exe for Windows, for the installer's smoke test");
    timed(times, "windows build", &mut windows::build(windows::Profile::Debug))?;
    let t = Instant::now();
    let version = windows::crate_version()?;
    let higher = windows::next_version(&version)?;
    let first = windows::package(&version, windows::Profile::Debug)?;
    let second = windows::package(&higher, windows::Profile::Debug)?;
    times.push(("windows msi", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    windows::msi_smoke_test(&wine, &first, &second, &higher)?;
    times.push(("msi smoke test", t.elapsed().as_secs_f64()));
    Ok(())
}

/// The app and the CLI as users get them (the app without tauri's `test` feature).
fn build_app() -> Command {
    let mut c = cargo();
    c.args(["build", "--package", "haven", "--package", "haven-cli"]);
    c
}

/// `cargo xtask e2e [--no-build]`: the end-to-end step alone, on the binaries in the target
/// folder (or those `HAVEN_APP` and `HAVEN_CLI` name).
fn e2e_only(args: &[String]) -> Result {
    setup(true)?;
    if !args.iter().any(|a| a == "--no-build") {
        step("cargo build: the app and the CLI");
        run(&mut build_app())?;
    }
    step("end-to-end tests: the real app in a real window");
    end_to_end()
}

/// Fails if tauri's `test` feature (the mock runtime) is on in the app's normal build. It is a
/// dev-dependency feature: only the command tests may have it. `cargo tree` without dev edges
/// resolves features as `cargo build` (and a release build) does.
fn no_mock_runtime() -> Result {
    let out = cargo()
        .args(["tree", "--package", "haven", "--edges", "normal,build", "--invert", "tauri"])
        .args(["--depth", "0", "--format", "{p} [{f}]"])
        .output()
        .map_err(|e| format!("could not run cargo tree: {e}"))?;
    if !out.status.success() {
        return Err(format!("cargo tree failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.starts_with("tauri ")).ok_or("cargo tree did not show tauri")?;
    println!("{line}");
    let features = line.rsplit_once('[').map(|(_, f)| f.trim_end_matches(']')).unwrap_or("");
    if features.split(',').any(|f| f == "test") {
        return Err("the app's normal build enables tauri's `test` feature (the mock runtime): \
                    keep it in [dev-dependencies]"
            .into());
    }
    Ok(())
}

/// Opens a database made by haven-cli with another SQLCipher 4 build, from a virtualenv in the
/// target folder (Debian's own sqlcipher is 3.x and cannot read version 4 files).
fn sqlcipher_interop() -> Result {
    let venv = target_dir().join("interop-venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    let has = Command::new(&python).args(["-c", "import sqlcipher3"]).stderr(Stdio::null()).status();
    if !has.map(|s| s.success()).unwrap_or(false) {
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "sqlcipher3-binary"]))?;
    }
    run(Command::new(&python)
        .arg(root().join("tests/interop/sqlcipher_check.py"))
        .arg(debug_exe("haven-cli")))
}

/// Runs a step and records how long it took.
fn timed(times: &mut Vec<(&'static str, f64)>, name: &'static str, cmd: &mut Command) -> Result {
    let t = Instant::now();
    let r = run(cmd);
    times.push((name, t.elapsed().as_secs_f64()));
    r
}

/// How long the whole end-to-end step may take unless `HAVEN_E2E_TIMEOUT` (seconds) says
/// otherwise. A full run takes a few minutes; past this something hangs, and the step ends it
/// and says what was still running rather than waiting for CI's own limit.
const E2E_LIMIT: Duration = Duration::from_secs(20 * 60);

/// Programs the end-to-end tests start, none of which may outlive the run.
const E2E_PROGRAMS: &[&str] =
    &["haven", "tauri-driver", "WebKitWebDriver", "WebKitWebProcess", "WebKitNetworkProcess"];

/// Starts Xvfb when there is no display (CI), then runs the WebDriver tests with node, within
/// the step's time limit. Every process the run starts carries a marker in its environment, so
/// whatever is left when node has exited (or has been stopped) is found, ended and named.
fn end_to_end() -> Result {
    let mut xvfb: Option<Child> = None;
    let needs_display =
        cfg!(target_os = "linux") && (env::var_os("DISPLAY").is_none() || env::var_os("CI").is_some());
    let mut display = env::var("DISPLAY").unwrap_or_default();
    if needs_display {
        let n = free_display()?;
        display = format!(":{n}");
        let child = Command::new("Xvfb")
            // Room for a 1280x800 window: the desk's layout is checked at that size.
            .args([display.as_str(), "-screen", "0", "1440x900x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start Xvfb: {e}"))?;
        xvfb = Some(child);
        wait_for(|| Path::new(&format!("/tmp/.X11-unix/X{n}")).exists(), "Xvfb")?;
    }
    let result = run_node(&display);
    if let Some(mut x) = xvfb {
        let _ = x.kill();
        let _ = x.wait();
    }
    result
}

/// Runs `node --test` on tests/e2e/ and checks that it leaves nothing behind.
fn run_node(display: &str) -> Result {
    let limit = match env::var("HAVEN_E2E_TIMEOUT") {
        Ok(secs) => Duration::from_secs(
            secs.trim()
                .parse()
                .map_err(|_| format!("HAVEN_E2E_TIMEOUT is not a number of seconds: {secs}"))?,
        ),
        Err(_) => E2E_LIMIT,
    };
    let since_epoch = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let marker = format!("HAVEN_E2E_RUN={}-{}", std::process::id(), since_epoch.as_nanos());
    let exe = |var: &str, name: &str| env::var_os(var).map(PathBuf::from).unwrap_or_else(|| debug_exe(name));
    let mut node = Command::new("node");
    node.current_dir(root())
        // A test that hangs (a window that never answers) fails after five minutes instead of
        // holding the run until the step's limit; the slowest test takes seconds.
        .args(["--test", "--test-concurrency=1", "--test-timeout=300000", "tests/e2e/"])
        .env("HAVEN_APP", exe("HAVEN_APP", "haven"))
        .env("HAVEN_CLI", exe("HAVEN_CLI", "haven-cli"))
        .env(
            "TAURI_DRIVER",
            if found("tauri-driver") { PathBuf::from("tauri-driver") } else { cargo_bin("tauri-driver") },
        );
    if let Some((key, value)) = marker.split_once('=') {
        node.env(key, value);
    }
    if !display.is_empty() {
        node.env("DISPLAY", display);
    }
    // Its own process group: on a time-out the whole tree is found and ended, not only node.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut node, 0);
    let mut child = node.spawn().map_err(|e| format!("could not start node: {e}"))?;
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(500)),
            Err(e) => return Err(format!("could not wait for node: {e}")),
        }
    };
    let Some(status) = status else {
        let running = run_processes(&marker, child.id());
        end_processes(&running);
        let _ = child.kill();
        let _ = child.wait();
        return Err(format!(
            "the end-to-end tests did not finish within {} s (HAVEN_E2E_TIMEOUT); still running: {}",
            limit.as_secs(),
            describe(&running)
        ));
    };
    let left = run_processes(&marker, child.id());
    end_processes(&left);
    let (named, other): (Vec<&Proc>, Vec<&Proc>) = left.iter().partition(|p| p.is_e2e_program());
    if !other.is_empty() {
        println!("(ended after the run: {})", describe(other.iter().copied()));
    }
    if !named.is_empty() {
        return Err(format!(
            "processes started by the end-to-end tests outlived them (now ended): {}",
            describe(named.iter().copied())
        ));
    }
    if status.success() {
        Ok(())
    } else {
        Err(format!("the end-to-end tests failed ({status})"))
    }
}

/// A running process, as read from /proc.
#[derive(Debug, Clone)]
struct Proc {
    pid: u32,
    /// The kernel's name for it (the program's file name, cut to 15 bytes).
    comm: String,
    /// Its command line, arguments joined by spaces.
    cmdline: String,
}

impl Proc {
    /// Whether this is one of the programs the end-to-end tests start.
    fn is_e2e_program(&self) -> bool {
        let program = self.cmdline.split(' ').next().unwrap_or("");
        let file = Path::new(program).file_name().and_then(|f| f.to_str()).unwrap_or("");
        E2E_PROGRAMS.iter().any(|name| {
            // The kernel keeps only the first 15 bytes of the name.
            *name == file || name.get(..15).unwrap_or(name) == self.comm
        })
    }
}

fn describe<'a>(procs: impl IntoIterator<Item = &'a Proc>) -> String {
    let all: Vec<String> = procs
        .into_iter()
        .map(|p| {
            let cmd: String = p.cmdline.chars().take(160).collect();
            format!("{} {} ({cmd})", p.pid, p.comm)
        })
        .collect();
    if all.is_empty() {
        "nothing".into()
    } else {
        all.join("; ")
    }
}

/// The live processes of one run: those in `group` (node's own process group) or carrying
/// `marker` in their environment, and their descendants. Zombies are left out: they have
/// closed their files and hold nothing open.
#[cfg(target_os = "linux")]
fn run_processes(marker: &str, group: u32) -> Vec<Proc> {
    struct Entry {
        proc: Proc,
        ppid: u32,
        ours: bool,
    }
    let mut entries = Vec::new();
    let Ok(dir) = std::fs::read_dir("/proc") else { return Vec::new() };
    for entry in dir.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
        if pid == std::process::id() {
            continue;
        }
        // A process may end while it is read: then it is simply not listed.
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else { continue };
        let comm = stat.get(open + 1..close).unwrap_or("").to_string();
        let fields: Vec<&str> = stat.get(close + 2..).unwrap_or("").split(' ').collect();
        let (Some(state), Some(ppid), Some(pgid)) = (fields.first(), fields.get(1), fields.get(2)) else {
            continue;
        };
        if *state == "Z" || *state == "X" {
            continue;
        }
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        let marked = environ.split(|b| *b == 0).any(|v| v == marker.as_bytes());
        let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline)
            .split('\0')
            .filter(|a| !a.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        entries.push(Entry {
            proc: Proc { pid, comm, cmdline },
            ppid: ppid.parse().unwrap_or(0),
            ours: marked || pgid.parse() == Ok(group),
        });
    }
    let mut grew = true;
    while grew {
        grew = false;
        let ours: std::collections::HashSet<u32> =
            entries.iter().filter(|e| e.ours).map(|e| e.proc.pid).collect();
        for e in entries.iter_mut().filter(|e| !e.ours) {
            if ours.contains(&e.ppid) {
                e.ours = true;
                grew = true;
            }
        }
    }
    entries.into_iter().filter(|e| e.ours).map(|e| e.proc).collect()
}

/// Elsewhere there is no /proc to read: node itself is still stopped at the time limit.
#[cfg(not(target_os = "linux"))]
fn run_processes(_marker: &str, _group: u32) -> Vec<Proc> {
    Vec::new()
}

/// Ends `procs`: SIGTERM, then SIGKILL for those still there after five seconds.
fn end_processes(procs: &[Proc]) {
    if procs.is_empty() || !cfg!(unix) {
        return;
    }
    let signal = |sig: &str, procs: &[&Proc]| {
        let _ = Command::new("kill")
            .arg(sig)
            .args(procs.iter().map(|p| p.pid.to_string()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    let alive = |p: &&Proc| {
        std::fs::read_to_string(format!("/proc/{}/stat", p.pid))
            .map(|s| s.rfind(')').and_then(|c| s.get(c + 2..c + 3)).is_some_and(|st| st != "Z" && st != "X"))
            .unwrap_or(false)
    };
    let all: Vec<&Proc> = procs.iter().collect();
    signal("-TERM", &all);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline && all.iter().any(alive) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let left: Vec<&Proc> = all.into_iter().filter(alive).collect();
    if !left.is_empty() {
        signal("-KILL", &left);
    }
}

fn free_display() -> Result<u32> {
    (90..200)
        .find(|n| {
            !Path::new(&format!("/tmp/.X{n}-lock")).exists()
                && !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists()
        })
        .ok_or_else(|| "no free X display number".to_string())
}

fn wait_for(ready: impl Fn() -> bool, what: &str) -> Result {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("{what} did not start within 20 s"))
}
