//! Windows from Linux: the core's and the CLI's tests run for the Windows target under Wine,
//! the release cross-build, the MSI (wixl), and the installed MSI's smoke test with an upgrade
//! in place.
//!
//! Everything lives in one Windows target folder (`<target>/x86_64-pc-windows-gnu`, cargo's own
//! for `--target`) and in `<target>/windows/`: the ProcessPrng shim, the Wine prefix, the MSI's
//! staging folder, the MSIs and the smoke test's PDFs. Wine runs headless: no display is used,
//! and Wine's Mono and Gecko (which it would offer to download) are switched off.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{cargo, root, run, step, target_dir, Result};

/// The Rust target the Windows steps build for.
pub const TARGET: &str = "x86_64-pc-windows-gnu";

/// Where the Windows steps keep what they make, beside cargo's own Windows target folder.
fn work_dir() -> PathBuf {
    target_dir().join("windows")
}

/// `cargo xtask windows [--version X.Y.Z] [--no-build] [--debug] [--smoke-test] [--wine-tests]`:
/// the release cross-build and the MSI (`--debug`: from the debug build, as the test command
/// packs it; never for the office); with `--smoke-test`, also the test command's install, print
/// and upgrade in the Wine prefix; `--wine-tests` runs the core's and the CLI's tests under Wine
/// alone (no build, no MSI).
pub fn windows(args: &[String]) -> Result {
    if !cfg!(target_os = "linux") {
        return Err("`cargo xtask windows` builds the MSI on Linux (wixl); on Windows, \
                    `npx tauri build` makes the installers (see the README)"
            .into());
    }
    let mut version = None;
    let mut rebuild = true;
    let mut smoke = false;
    let mut profile = Profile::Release;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--version" => version = Some(rest.next().ok_or("--version needs a version (1.2.3)")?.clone()),
            "--no-build" => rebuild = false,
            "--debug" => profile = Profile::Debug,
            "--smoke-test" => smoke = true,
            "--wine-tests" => {
                let wine = Wine::prepare()?;
                step("cargo test --target x86_64-pc-windows-gnu: core and CLI tests under Wine");
                return run(&mut test_under_wine(&wine));
            }
            other => return Err(format!("unknown option for `cargo xtask windows`: {other}")),
        }
    }
    let version = match version {
        Some(v) => v,
        None => crate_version()?,
    };
    if rebuild {
        step(&format!(
            "{} cross-build: Haven.exe and haven-cli.exe for x86_64-pc-windows-gnu",
            profile.folder()
        ));
        run(&mut build(profile))?;
    }
    let msi = package(&version, profile)?;
    if smoke {
        let higher = next_version(&version)?;
        let second = package(&higher, profile)?;
        msi_smoke_test(&Wine::prepare()?, &msi, &second, &higher)?;
    }
    println!("{}", msi.display());
    Ok(())
}

/// The product version: the workspace's `version` in the root Cargo.toml.
pub fn crate_version() -> Result<String> {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let mut in_package = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_package = line == "[workspace.package]";
        } else if in_package && line.starts_with("version") {
            if let Some((_, value)) = line.split_once('=') {
                return Ok(value.trim().trim_matches('"').to_string());
            }
        }
    }
    Err("no version under [workspace.package] in Cargo.toml".into())
}

/// The same version with its third number one higher (Windows Installer compares the first
/// three numbers only): the smoke test's upgrade.
pub fn next_version(version: &str) -> Result<String> {
    let parts: Vec<u32> = version
        .split('.')
        .map(|p| p.parse().map_err(|_| format!("not a version: {version}")))
        .collect::<Result<_>>()?;
    match parts.as_slice() {
        [major, minor, patch] => Ok(format!("{major}.{minor}.{}", patch + 1)),
        _ => Err(format!("not a three-part version: {version}")),
    }
}

/// Which of cargo's profiles the Windows executables come from.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// What the office installs (`cargo xtask windows`).
    Release,
    /// The test command's: the same dependencies as the Windows tests, built once.
    Debug,
}

impl Profile {
    fn folder(self) -> &'static str {
        match self {
            Profile::Release => "release",
            Profile::Debug => "debug",
        }
    }
}

/// The build of the app and the CLI for Windows in `profile`.
pub fn build(profile: Profile) -> Command {
    let mut c = cargo();
    c.arg("build");
    if profile == Profile::Release {
        c.arg("--release");
    }
    c.args(["--target", TARGET, "--package", "haven", "--package", "haven-cli"]);
    c
}

fn built(profile: Profile, file: &str) -> PathBuf {
    target_dir().join(TARGET).join(profile.folder()).join(file)
}

/// Packs `Haven-<version>-x64.msi` from the executables of `profile` with wixl, then adds what
/// wixl cannot write (the PATH entry) with msibuild. Returns the MSI's path. A debug build's
/// executables are stripped of their debug information on the way in (the installer it makes
/// is the test command's, never shipped), so its cabinet stays small.
pub fn package(version: &str, profile: Profile) -> Result<PathBuf> {
    step(&format!("Haven-{version}-x64.msi (wixl, {} build)", profile.folder()));
    let stage = work_dir().join("msi-stage");
    fs::create_dir_all(&stage).map_err(|e| format!("{}: {e}", stage.display()))?;
    let missing = |from: &Path, e: std::io::Error| {
        format!("could not copy {} ({e}); build it first (cargo xtask windows)", from.display())
    };
    let copy =
        |from: &Path, to: &str| fs::copy(from, stage.join(to)).map(|_| ()).map_err(|e| missing(from, e));
    for (name, to) in [("haven.exe", "Haven.exe"), ("haven-cli.exe", "haven-cli.exe")] {
        let from = built(profile, name);
        match profile {
            Profile::Release => copy(&from, to)?,
            Profile::Debug => {
                if !from.is_file() {
                    return Err(missing(&from, std::io::ErrorKind::NotFound.into()));
                }
                run(Command::new("x86_64-w64-mingw32-strip")
                    .arg("--strip-debug")
                    .arg("-o")
                    .arg(stage.join(to))
                    .arg(&from))?;
            }
        }
    }
    // Haven.exe built for the GNU target imports WebView2Loader.dll; cargo leaves it beside it.
    copy(&built(profile, "WebView2Loader.dll"), "WebView2Loader.dll")?;
    copy(&root().join("icons/icon.ico"), "haven.ico")?;
    let msi = work_dir().join(format!("Haven-{version}-x64.msi"));
    // wixl looks for the files named in the source relative to the folder it runs in.
    run(Command::new("wixl")
        .current_dir(&stage)
        .args(["--arch", "x64", "--define"])
        .arg(format!("Version={version}"))
        .arg("--output")
        .arg(&msi)
        .arg(root().join("src-tauri/xtask/windows/haven.wxs")))?;
    // wixl 0.101 has no <Environment>: the PATH entry is added as a table, with the two
    // standard actions that write it at install and take it off at uninstall.
    let idt = stage.join("Environment.idt");
    fs::write(
        &idt,
        "Environment\tName\tValue\tComponent_\ns72\tl255\tL255\ts72\nEnvironment\tEnvironment\n\
         PathHaven\t=-*PATH\t[~];[INSTALLDIR]\tCli\n",
    )
    .map_err(|e| format!("{}: {e}", idt.display()))?;
    run(Command::new("msibuild")
        .arg(&msi)
        .arg("-i")
        .arg(&idt)
        .args([
            "-q",
            "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('RemoveEnvironmentStrings', 3300)",
        ])
        .args([
            "-q",
            "INSERT INTO InstallExecuteSequence (Action, Sequence) VALUES ('WriteEnvironmentStrings', 5200)",
        ]))?;
    check_msi(&msi, version)?;
    Ok(msi)
}

/// What a reviewer checks by hand: the summary names Haven, its version and x64, and the
/// cabinet holds both executables.
fn check_msi(msi: &Path, version: &str) -> Result {
    let suminfo = output(Command::new("msiinfo").arg("suminfo").arg(msi))?;
    for want in [format!("Haven {version}"), "x64".to_string()] {
        if !suminfo.contains(&want) {
            return Err(format!("msiinfo suminfo does not show {want:?}:\n{suminfo}"));
        }
    }
    let files = output(Command::new("msiextract").arg("--list").arg(msi))?;
    for want in ["Haven/Haven.exe", "Haven/haven-cli.exe", "Haven/WebView2Loader.dll"] {
        if !files.lines().any(|l| l.trim() == want) {
            return Err(format!("msiextract does not list {want}:\n{files}"));
        }
    }
    print!("{suminfo}{files}");
    Ok(())
}

fn output(cmd: &mut Command) -> Result<String> {
    let shown = format!("{cmd:?}");
    let out = cmd.stderr(Stdio::inherit()).output().map_err(|e| format!("could not start {shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{shown} failed ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A Wine prefix made for the tests, with the ProcessPrng shim in its system folder.
pub struct Wine {
    prefix: PathBuf,
}

impl Wine {
    /// Builds the shim when its source changed, makes the prefix when there is none, and puts
    /// the shim in the prefix's system folder.
    pub fn prepare() -> Result<Wine> {
        let dir = work_dir();
        fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let source = root().join("src-tauri/xtask/windows");
        let dll = dir.join("bcryptprimitives.dll");
        let c = source.join("processprng.c");
        let def = source.join("bcryptprimitives.def");
        if crate::newer(&c, &dll) || crate::newer(&def, &dll) {
            step("the ProcessPrng shim (bcryptprimitives.dll, for the Wine prefix only)");
            run(Command::new("x86_64-w64-mingw32-gcc")
                .args(["-O2", "-shared", "-s", "-o"])
                .arg(&dll)
                .arg(&c)
                .arg(&def)
                .arg("-ladvapi32"))?;
        }
        let wine = Wine { prefix: dir.join("wine-prefix") };
        if !wine.prefix.join("system.reg").exists() {
            step("a Wine prefix for the Windows tests (headless)");
            run(wine.env(&mut Command::new("wineboot")).arg("--init"))?;
            wine.wait()?;
        }
        let system32 = wine.prefix.join("drive_c/windows/system32");
        fs::copy(&dll, system32.join("bcryptprimitives.dll"))
            .map_err(|e| format!("could not put the shim in {}: {e}", system32.display()))?;
        Ok(wine)
    }

    /// Sets the prefix's environment on `cmd`: this prefix, 64-bit, quiet, no display, no
    /// Mono or Gecko, and the shim taken as the native DLL it is.
    pub fn env<'a>(&self, cmd: &'a mut Command) -> &'a mut Command {
        cmd.env("WINEPREFIX", &self.prefix)
            .env("WINEARCH", "win64")
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=;bcryptprimitives=n")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
    }

    /// `wine <program>` in this prefix.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("wine");
        self.env(&mut c).arg(program);
        c
    }

    /// Waits until every process of the prefix has ended (wineserver stays a few seconds after
    /// the last one; a later step reading the prefix's files waits for it).
    pub fn wait(&self) -> Result {
        run(self.env(&mut Command::new("wineserver")).arg("--wait"))
    }

    /// A file inside the prefix's C: drive.
    pub fn drive_c(&self, path: &str) -> PathBuf {
        self.prefix.join("drive_c").join(path)
    }
}

/// A Linux path as Windows programs under Wine see it (Wine's Z: is the Linux root).
fn z_path(path: &Path) -> String {
    format!("Z:{}", path.display()).replace('/', "\\")
}

/// `cargo test -p haven-core -p haven-cli` for Windows, each test program run by Wine.
pub fn test_under_wine(wine: &Wine) -> Command {
    let mut c = cargo();
    wine.env(&mut c);
    // Every test program runs even after one fails, so a run shows every failure under Wine.
    c.env("CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER", "wine").args([
        "test",
        "--no-fail-fast",
        "--target",
        TARGET,
        "--package",
        "haven-core",
        "--package",
        "haven-cli",
    ]);
    c
}

/// Installs `first` silently into the prefix, seeds the demo with the installed haven-cli.exe
/// (in %APPDATA%, as the office's would be), prints a distribution sheet and a roster and reads
/// them back with pdftotext; then installs `second` (a higher version) and checks that it
/// replaced the first in place, that the data is still there and that it still prints.
pub fn msi_smoke_test(wine: &Wine, first: &Path, second: &Path, second_version: &str) -> Result {
    let out = work_dir().join("smoke");
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    // A run before may have left Haven installed: start from none.
    uninstall_all(wine)?;

    step(&format!("wine msiexec /i {} /qn", first.display()));
    install(wine, first)?;
    for exe in ["Program Files/Haven/Haven.exe", "Program Files/Haven/haven-cli.exe"] {
        if !wine.drive_c(exe).is_file() {
            return Err(format!("the MSI did not install C:\\{exe}"));
        }
    }
    let products = installed_products(wine)?;
    if products.len() != 1 {
        return Err(format!("one Haven should be installed, found {products:?}"));
    }
    // The Start-menu shortcut: all users' menu on Windows; Wine puts it in the user's.
    let user = env::var("USER").unwrap_or_else(|_| "root".into());
    let menus = [
        wine.drive_c("ProgramData/Microsoft/Windows/Start Menu/Programs/Haven.lnk"),
        wine.drive_c(&format!(
            "users/{user}/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Haven.lnk"
        )),
    ];
    if !menus.iter().any(|m| m.is_file()) {
        return Err("the MSI made no Start-menu shortcut Haven.lnk".into());
    }
    let path_value =
        registry_value(wine, r"HKLM\System\CurrentControlSet\Control\Session Manager\Environment", "PATH")?;
    if !path_value.to_lowercase().contains(r"c:\program files\haven") {
        return Err(format!("the install folder is not on the system PATH: {path_value}"));
    }

    let data = wine.drive_c(&format!("users/{user}/AppData/Roaming/org.haven-centre.haven"));
    let _ = fs::remove_dir_all(&data);
    step("the installed haven-cli.exe seeds the demo in %APPDATA% and prints");
    cli(wine, &["seed-demo", "--people", "300"])?;
    if !data.join("haven.db").is_file() {
        return Err(format!("seed-demo did not write {}", data.join("haven.db").display()));
    }
    let people = people_count(wine)?;
    print_and_read(wine, &out, "before")?;

    step(&format!("wine msiexec /i {} /qn: the upgrade in place", second.display()));
    install(wine, second)?;
    let products = installed_products(wine)?;
    if products.len() != 1 || !products[0].1.starts_with(second_version) {
        return Err(format!("the upgrade should leave one Haven, {second_version}: {products:?}"));
    }
    if !wine.drive_c("Program Files/Haven/haven-cli.exe").is_file() {
        return Err("haven-cli.exe is gone after the upgrade".into());
    }
    let after = people_count(wine)?;
    if after != people {
        return Err(format!("the upgrade changed the data: {people} people before, {after} after"));
    }
    print_and_read(wine, &out, "after")?;
    println!("installed, seeded ({people} people), printed, upgraded to {second_version}, data kept");
    uninstall_all(wine)?;
    wine.wait()
}

/// `wine msiexec /i <msi> /qn`, then waits for the installer's processes to end.
fn install(wine: &Wine, msi: &Path) -> Result {
    run(wine.command("msiexec").arg("/i").arg(z_path(msi)).arg("/qn"))?;
    wine.wait()
}

/// Removes every installed Haven (by product code), so each smoke test starts from none.
fn uninstall_all(wine: &Wine) -> Result {
    for (code, _) in installed_products(wine)? {
        run(wine.command("msiexec").args(["/x", &code, "/qn"]))?;
    }
    wine.wait()
}

/// Haven's entries under the Uninstall key (what Settings › Apps lists): product code and
/// version.
fn installed_products(wine: &Wine) -> Result<Vec<(String, String)>> {
    let key = r"HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall";
    let listing = output(wine.command("reg").args(["query", key, "/s"]))?;
    let mut products = Vec::new();
    let mut current: Option<String> = None;
    let mut name = String::new();
    let mut version = String::new();
    let mut finish = |code: Option<String>, name: &str, version: &str| {
        if let Some(code) = code {
            if name == "Haven" {
                products.push((code, version.to_string()));
            }
        }
    };
    for line in listing.lines() {
        let line = line.trim_end_matches('\r');
        if let Some(sub) = line.strip_prefix("HKEY_LOCAL_MACHINE\\").and_then(|l| l.rsplit('\\').next()) {
            finish(current.take(), &name, &version);
            name.clear();
            version.clear();
            current = sub.starts_with('{').then(|| sub.to_string());
        } else if let Some(value) = reg_line(line, "DisplayName") {
            name = value;
        } else if let Some(value) = reg_line(line, "DisplayVersion") {
            version = value;
        }
    }
    finish(current.take(), &name, &version);
    Ok(products)
}

/// The value of a `reg query` line `    <name>    REG_SZ    <value>`.
fn reg_line(line: &str, name: &str) -> Option<String> {
    let mut parts = line.split_whitespace();
    if parts.next()? != name {
        return None;
    }
    parts.next()?;
    Some(parts.collect::<Vec<_>>().join(" "))
}

fn registry_value(wine: &Wine, key: &str, name: &str) -> Result<String> {
    let listing = output(wine.command("reg").args(["query", key, "/v", name]))?;
    listing
        .lines()
        .find_map(|l| reg_line(l.trim_end_matches('\r'), name))
        .ok_or_else(|| format!("no {name} under {key}"))
}

/// Runs the installed `haven-cli.exe` as the demo's users do (passphrase `demo`).
fn cli(wine: &Wine, args: &[&str]) -> Result<String> {
    output(wine.command(r"C:\Program Files\Haven\haven-cli.exe").args(args).env("HAVEN_PASSPHRASE", "demo"))
}

/// The number of people in the installed haven-cli's database (`info --json`).
fn people_count(wine: &Wine) -> Result<u64> {
    let info = cli(wine, &["info", "--json"])?;
    let at = info.find("\"people\"").ok_or_else(|| format!("info --json names no people: {info}"))?;
    let digits: String = info[at + "\"people\"".len()..]
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().map_err(|_| format!("info --json: no count of people: {info}"))
}

/// Prints the open Calais distribution's sign-up sheet and this week's Dunkirk roster into
/// `out` and checks their text with pdftotext.
fn print_and_read(wine: &Wine, out: &Path, label: &str) -> Result {
    let list = cli(wine, &["--user", "sarah", "call", "list_distributions", r#"{"site":"CAL"}"#])?;
    let id = open_distribution_id(&list).ok_or_else(|| format!("no open distribution in {list}"))?;
    let sheet = out.join(format!("sheet-{label}.pdf"));
    let roster = out.join(format!("roster-{label}.pdf"));
    let sheet_z = z_path(&sheet);
    cli(wine, &["--user", "sarah", "print", "distribution-sheet", "--distribution", &id, "--out", &sheet_z])?;
    let week = output(Command::new("date").arg("+%G-W%V"))?;
    let roster_z = z_path(&roster);
    cli(
        wine,
        &["--user", "helene", "print", "roster", "--week", week.trim(), "--site", "DUN", "--out", &roster_z],
    )?;
    for (pdf, wants) in
        [(&sheet, &["Distribution sign-up sheet"][..]), (&roster, &["Volunteer rota", "Dunkirk"][..])]
    {
        let text = output(Command::new("pdftotext").arg(pdf).arg("-"))?;
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for want in wants {
            if !words.contains(want) {
                return Err(format!("{} does not read {want:?}: {words}", pdf.display()));
            }
        }
    }
    Ok(())
}

/// The id of the first distribution whose status is open, from `list_distributions`' JSON
/// (xtask reads it without a JSON library: each object's `"id"` comes before its `"status"`).
fn open_distribution_id(json: &str) -> Option<String> {
    json.split('{')
        .find(|object| object.contains(r#""status":"open""#) || object.contains(r#""status": "open""#))
        .and_then(|object| {
            let at = object.find(r#""id""#)?;
            let rest = &object[at + 4..];
            let start = rest.find('"')? + 1;
            let end = rest[start..].find('"')?;
            Some(rest[start..start + end].to_string())
        })
}
