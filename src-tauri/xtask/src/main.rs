//! `cargo xtask`: the two commands of the README, on Debian/Ubuntu and on Windows.
//!
//! - `cargo xtask demo` installs what is missing and opens the app on the demo database.
//! - `cargo xtask test` installs what is missing and runs every check: formatting, lints, core,
//!   CLI and command (mock runtime) tests, the end-to-end tests in a real window, and the
//!   Windows cross-check.
//!
//! Plain std only, so it builds in seconds before anything else.

use std::env;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

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
    // End-to-end tests: a virtual display and WebKit's WebDriver.
    "xvfb",
    "webkit2gtk-driver",
    // PDF checks: pdftotext, pdftoppm, qpdf.
    "poppler-utils",
    "qpdf",
    // The Windows cross-check.
    "gcc-mingw-w64-x86-64",
    // The SQLCipher interoperability check's virtualenv.
    "python3-venv",
];

const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";

type Result<T = ()> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(&args[1..]),
        Some("setup") => setup(true),
        _ => Err("usage: cargo xtask demo [--release] | test [--no-e2e] [--no-windows] | setup".into()),
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
    setup(true)?;

    step("cargo fmt --check");
    timed(&mut times, "fmt", cargo().args(["fmt", "--all", "--", "--check"]))?;
    step("cargo test: core, CLI and command tests (mock runtime)");
    timed(&mut times, "build + test", cargo().args(["test", "--workspace"]))?;
    if e2e {
        step("end-to-end tests: the real app in a real window");
        timed(
            &mut times,
            "build app",
            cargo().args(["build", "--package", "haven", "--package", "haven-cli"]),
        )?;
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
    if windows {
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

/// Opens a database made by haven-cli with another SQLCipher 4 build, from a virtualenv under
/// target/ (Debian's own sqlcipher is 3.x and cannot read version 4 files).
fn sqlcipher_interop() -> Result {
    let venv = root().join("target/interop-venv");
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
        .arg(root().join("target/debug/haven-cli")))
}

/// Runs a step and records how long it took.
fn timed(times: &mut Vec<(&'static str, f64)>, name: &'static str, cmd: &mut Command) -> Result {
    let t = Instant::now();
    let r = run(cmd);
    times.push((name, t.elapsed().as_secs_f64()));
    r
}

/// Starts Xvfb when there is no display (CI), then runs the WebDriver tests with node.
fn end_to_end() -> Result {
    let mut xvfb: Option<Child> = None;
    let needs_display =
        cfg!(target_os = "linux") && (env::var_os("DISPLAY").is_none() || env::var_os("CI").is_some());
    let mut display = env::var("DISPLAY").unwrap_or_default();
    if needs_display {
        let n = free_display()?;
        display = format!(":{n}");
        let child = Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start Xvfb: {e}"))?;
        xvfb = Some(child);
        wait_for(|| Path::new(&format!("/tmp/.X11-unix/X{n}")).exists(), "Xvfb")?;
    }
    let exe = |name: &str| {
        root().join("target/debug").join(if cfg!(windows) { format!("{name}.exe") } else { name.into() })
    };
    let mut node = Command::new("node");
    node.current_dir(root())
        // A test that hangs (a window that never answers) fails after five minutes instead of
        // holding the run until CI's own limit; the slowest test takes seconds.
        .args(["--test", "--test-concurrency=1", "--test-timeout=300000", "tests/e2e/"])
        .env("HAVEN_APP", exe("haven"))
        .env("HAVEN_CLI", exe("haven-cli"))
        .env(
            "TAURI_DRIVER",
            if found("tauri-driver") { PathBuf::from("tauri-driver") } else { cargo_bin("tauri-driver") },
        );
    if !display.is_empty() {
        node.env("DISPLAY", &display);
    }
    let result = run(&mut node);
    if let Some(mut x) = xvfb {
        let _ = x.kill();
        let _ = x.wait();
    }
    result
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
