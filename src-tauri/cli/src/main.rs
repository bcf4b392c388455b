//! `haven-cli`: Haven from a terminal. The same core as the app, for scripts, set-up and
//! benchmarks. `main` only reports errors; the work is in [`run`].
//!
//! Everything meant for standard output goes through [`say!`], which returns the write's error
//! instead of panicking as `println!` does. A reader that stops early (`haven-cli ... | head`)
//! closes the pipe; `main` treats that broken pipe as the end of the output, not a failure.

/// `println!` that hands a failed write to the caller with `?` (the enclosing function returns
/// an `anyhow::Result`), so a closed standard output ends the command instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod bench;
mod info;
mod join;
mod people;
mod print;
mod print_day;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use haven_core::access::{audit, keyring, users};
use haven_core::{api, db_path, seed, setup, Code, Db, DbKey, Error, Session};
use serde_json::json;

/// Haven from a terminal: seed demo data, inspect the database, call any API function, benchmark.
#[derive(Debug, Parser)]
#[command(name = "haven-cli", version, about)]
struct Cli {
    /// Folder holding haven.db (default: $HAVEN_DATA_DIR, else the OS app-data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Act as this user (sign-in name). Default: the centre's first lead.
    #[arg(long, global = true, value_name = "NAME")]
    user: Option<String>,
    /// Read the passphrase from this file (first line). Else $HAVEN_PASSPHRASE, else a prompt.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the database if absent and fill it with a demo centre.
    SeedDemo {
        /// How many people to add.
        #[arg(long, default_value_t = 200)]
        people: usize,
        /// Seed of the generator: the same seed gives the same people.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Schema version, encryption and row counts.
    Info {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Every API function with its minimum role and input shape.
    Commands {
        /// JSON (with each input's JSON Schema) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run one API function as --user and print its JSON result.
    Call {
        /// Function name (see `commands`).
        name: String,
        /// Input as JSON (default `{}`); `-` reads it from standard input.
        input: Option<String>,
    },
    /// Import from a spreadsheet: all rows or none.
    Import {
        #[command(subcommand)]
        what: people::ImportWhat,
    },
    /// Export to a spreadsheet.
    Export {
        #[command(subcommand)]
        what: people::ExportWhat,
    },
    /// Time Haven's work on generated data (a fresh temporary database).
    Bench {
        /// One JSON object a line: {"name", "n", "p50_ms", "p95_ms"}.
        #[arg(long)]
        json: bool,
        /// People in the generated database.
        #[arg(long, default_value_t = 100_000)]
        people: usize,
        /// Run only the rows whose name contains this (or one of these, comma-separated).
        #[arg(long)]
        only: Option<String>,
    },
    /// Make a PDF sheet (`print table` needs no database).
    Print {
        #[command(subcommand)]
        command: print::PrintCommand,
    },
    /// The audit log: `audit verify` checks its hash chain (exit code 1 if broken).
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Back the database up to a new file, encrypted with the same key (key file beside it).
    Backup {
        /// The backup file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Exchange changes with the centre's other replicas through a folder (a USB stick, a
    /// shared folder): write this replica's bundle, apply the others', acknowledge.
    Exchange {
        /// The folder every replica can reach.
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
        /// One JSON object: {"sent", "applied", "waiting", "conflicts"}.
        #[arg(long)]
        json: bool,
    },
    /// Replace the database with a backup, after checking it (the current file is kept aside).
    /// Signs in to the current database for its key, or takes $HAVEN_RECOVERY_KEY.
    Restore {
        /// The backup file.
        file: PathBuf,
    },
    /// Test aid: register people one transaction at a time, printing each committed id (the
    /// crash test kills this at random moments and checks every printed id survived). With a
    /// distribution, each new person's household then collects there, in its own transaction.
    #[command(hide = true)]
    StressWrite {
        /// How many people to register.
        #[arg(long, default_value_t = 1000)]
        count: usize,
        /// Record a collection at this distribution for each person registered.
        #[arg(long)]
        distribution: Option<String>,
    },
    /// Anonymise closed cases past the retention period and reduce old DBS detail (a lead; the
    /// app also does this at every sign-in).
    Retention,
    /// Remove what a set-up that did not finish left (a full disk, a crash): its staging folder,
    /// or a database whose key file holds no user (renamed aside, not deleted).
    DiscardUnfinished,
    /// Print the database's recovery key (a lead's passphrase is needed; the view is audited).
    RecoveryKey,
    /// Regain access with the recovery key: give --user a new passphrase ($HAVEN_PASSPHRASE,
    /// --passphrase-file or a prompt). The key comes from $HAVEN_RECOVERY_KEY or a prompt.
    Recover,
    /// Write a join file for a new computer at a site and print its one-time code (a lead).
    Invite {
        /// The new computer's site code.
        #[arg(long, value_name = "CODE")]
        site: String,
        /// The join file to write (a new file).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Print {"file": ..., "code": ...} instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Make an empty --data-dir a replica of the centre from a join file and its one-time code.
    /// --user (default: the lead who made the file) gets $HAVEN_PASSPHRASE on this computer.
    Join {
        /// The join file.
        file: PathBuf,
        /// The one-time code shown when the file was made.
        #[arg(long, value_name = "CODE")]
        code: String,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check that no entry was edited, deleted or slipped in (a lead's passphrase is needed).
    Verify {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`| head`): nobody is left to read the rest or an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

/// Whether the failure was standard output closing under the command.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        let io = cause.downcast_ref::<std::io::Error>().or_else(|| match cause.downcast_ref::<Error>() {
            Some(Error::Io(e)) => Some(e),
            _ => None,
        });
        io.is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints an error on stderr: a core error as its payload (`{kind, message, field?, code,
/// params, problems}`), anything else as the same shape of kind `internal` with the chain of
/// causes as its message.
fn report(err: &anyhow::Error) {
    let payload = match err.downcast_ref::<Error>() {
        Some(e) => serde_json::to_value(e.to_payload()),
        None => serde_json::to_value(
            Error::new(Code::InternalFailure, json!({"detail": format!("{err:#}")})).to_payload(),
        ),
    };
    let line = payload.map(|p| p.to_string()).unwrap_or_else(|_| format!("{err:#}"));
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Commands { json } => print_commands(*json),
        Command::Bench { json, people, only } => bench::run(*json, *people, only.as_deref()),
        Command::Print { command } => print::run(command, || signed_in(&cli)),
        Command::SeedDemo { people, seed } => {
            let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
            let passphrase = passphrase(&cli)?;
            let summary = if path.exists() {
                refuse_unfinished(&path)?;
                let db = keyring::unlock(&path, cli.user.as_deref(), &passphrase)?.db;
                let summary = seed::seed_demo(&db, *people, *seed)?;
                keyring::add_missing(&db, &passphrase)?;
                summary
            } else {
                // A new demo database is built aside and moved in whole (see setup::create_whole).
                setup::create_whole(&path, &seed::demo_key(), |db| {
                    let summary = seed::seed_demo(db, *people, *seed)?;
                    keyring::add_missing(db, &passphrase)?;
                    Ok(summary)
                })?
                .1
            };
            say!(
                "Added {} people in {} households to {}",
                summary.people,
                summary.households,
                path.display()
            );
            Ok(())
        }
        Command::Info { json } => {
            let (db, _) = signed_in(&cli)?;
            info::print(&db, *json)
        }
        Command::RecoveryKey => {
            let (db, session) = signed_in(&cli)?;
            let out = api::call(&db, &session, "recovery_key", serde_json::Value::Null)?;
            say!("{}", out["key"].as_str().unwrap_or_default());
            Ok(())
        }
        Command::Recover => recover(&cli),
        Command::Invite { site, out, json } => {
            let (db, session) = signed_in(&cli)?;
            join::invite(&db, &session, site, out, *json)
        }
        Command::Join { file, code } => {
            let dir = haven_core::resolve_data_dir(cli.data_dir.clone())?;
            join::join(dir, file, code, cli.user.as_deref(), &passphrase(&cli)?)
        }
        Command::DiscardUnfinished => {
            let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
            match setup::discard_unfinished(&path)? {
                None => say!("Nothing unfinished in {}.", path.parent().unwrap_or(&path).display()),
                Some(found) => {
                    if let Some(dir) = found.staging {
                        say!("Removed {dir}.");
                    }
                    if let Some(db) = found.keyless_database {
                        say!("Set {db} and its key file aside (renamed .unfinished-...). Set the centre up again.");
                    }
                }
            }
            Ok(())
        }
        Command::StressWrite { count, distribution } => {
            let (db, session) = signed_in(&cli)?;
            let mut out = std::io::stdout().lock();
            for i in 0..*count {
                let input = serde_json::json!({
                    "given_name": format!("Crash{i}"),
                    "family_name": format!("Test{}", std::process::id()),
                    "confirm_not_duplicate": true,
                });
                let person = api::call(&db, &session, "create_person", input)?;
                let id = person["person"]["id"].as_str().unwrap_or_default().to_string();
                // Printed only after the commit returned: each line is a promise the test checks.
                writeln!(out, "person {id}")?;
                out.flush()?;
                if let Some(d) = distribution {
                    let input = serde_json::json!({"distribution": d, "person": id});
                    let done = api::call(&db, &session, "record_collection", input)?;
                    writeln!(out, "collection {}", done["id"].as_str().unwrap_or_default())?;
                    out.flush()?;
                }
            }
            Ok(())
        }
        Command::Audit { command: AuditCommand::Verify { json } } => {
            let (db, session) = signed_in(&cli)?;
            let out = api::call(&db, &session, "verify_audit_log", serde_json::Value::Null)?;
            if *json {
                say!("{out}");
            } else if out["ok"] == true {
                say!(
                    "The audit log is intact: {} entries, newest hash {}.",
                    out["entries"],
                    out["head_hash"]
                );
            } else {
                say!("The audit log is NOT intact: {}", out["problem"].as_str().unwrap_or_default());
            }
            if out["ok"] == true {
                Ok(())
            } else {
                let problem = out["problem"].as_str().unwrap_or_default();
                Err(Error::new(Code::AuditNotIntact, json!({"problem": problem})).into())
            }
        }
        Command::Backup { out } => {
            let (db, session) = signed_in(&cli)?;
            let input = serde_json::json!({"path": out.display().to_string()});
            let done = api::call(&db, &session, "backup_now", input)?;
            say!("{}", serde_json::to_string_pretty(&done)?);
            Ok(())
        }
        Command::Restore { file } => restore(&cli, file),
        Command::Exchange { dir, json } => {
            let (db, session) = signed_in(&cli)?;
            let out = api::call(
                &db,
                &session,
                "exchange_folder",
                serde_json::json!({"dir": dir.display().to_string()}),
            )?;
            let done: haven_core::exchange::ExchangeReport = serde_json::from_value(out)?;
            if *json {
                let four = serde_json::json!({"sent": done.sent, "applied": done.applied,
                    "waiting": done.waiting, "conflicts": done.conflicts});
                say!("{four}");
            } else {
                say!(
                    "Sent {} changes, applied {}, {} waiting, {} conflicts.",
                    done.sent,
                    done.applied,
                    done.waiting,
                    done.conflicts
                );
                for why in &done.waiting_for {
                    say!("Waiting: {why}.");
                }
            }
            for why in &done.refused {
                let _ = writeln!(std::io::stderr(), "notice: not read: {why}");
            }
            Ok(())
        }
        Command::Retention => {
            let (db, session) = signed_in(&cli)?;
            let out = api::call(&db, &session, "run_retention", serde_json::Value::Null)?;
            say!("{}", serde_json::to_string_pretty(&out)?);
            let done: api::RetentionDone = serde_json::from_value(out)?;
            print_notices(&api::Notice::of_retention(&done));
            Ok(())
        }
        Command::Import { what } => {
            let (db, session) = signed_in(&cli)?;
            if people::import(&db, &session, what)? {
                Ok(())
            } else {
                Err(Error::new(Code::ImportFileHasProblems, json!({})).into())
            }
        }
        Command::Export { what } => {
            let (db, session) = signed_in(&cli)?;
            people::export(&db, &session, what)
        }
        Command::Call { name, input } => {
            let (db, session) = signed_in(&cli)?;
            let input = parse_input(input.as_deref())?;
            let out = api::call(&db, &session, name, input)?;
            say!("{}", serde_json::to_string_pretty(&out)?);
            Ok(())
        }
    }
}

/// Opens the database as `--user` (default: the lead who set the centre up) with their own
/// passphrase.
fn signed_in(cli: &Cli) -> anyhow::Result<(Db, Session)> {
    let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
    refuse_unfinished(&path)?;
    let unlocked = keyring::unlock(&path, cli.user.as_deref(), &passphrase(cli)?)?;
    if unlocked.db.is_read_only_media() {
        // Said once on stderr (stdout keeps the JSON): why a change will be refused.
        print_notices(&api::sign_in(&unlocked.db, &unlocked.session));
    } else if let Some(lost) = unlocked.db.lost_commits() {
        // The app says this at sign-in; a script hears it on stderr, its stdout unchanged.
        print_notices(&[api::Notice::commits_lost(lost)]);
    }
    Ok((unlocked.db, unlocked.session))
}

/// Refuses, saying what and how to remove it, a data folder that a set-up did not finish.
fn refuse_unfinished(path: &Path) -> anyhow::Result<()> {
    match setup::unfinished(path) {
        Some(found) => Err(setup::unfinished_error(path, &found).into()),
        None => Ok(()),
    }
}

/// Restores a backup over the database: a lead signed in (the core checks the role and the
/// backup first), or the recovery key when there is no database here any more.
fn restore(cli: &Cli, file: &Path) -> anyhow::Result<()> {
    let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
    let done = if path.exists() {
        let (db, session) = signed_in(cli)?;
        haven_core::backup::restore_over(db, &session, file)?
    } else {
        let key = DbKey::from_hex(&recovery_key_input()?)?;
        let done = haven_core::backup::restore(&path, file, &key)?;
        let db = Db::open_with_key(&path, &key)?;
        let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
        db.write(|tx| {
            let detail = serde_json::json!({"from": file.display().to_string(), "replaced": done.replaced});
            audit::record(tx, &lead, "restore", "database", None, Some(&detail))
        })?;
        done
    };
    say!("{}", serde_json::to_string_pretty(&done)?);
    print_notices(&[api::Notice::restored(file, &done)]);
    Ok(())
}

/// Prints the core's notices (what Haven did on the user's behalf) on stderr, one
/// `notice: <message>` line each, so stdout stays the command's JSON. The app shows the same
/// notices in its own words.
fn print_notices(notices: &[api::Notice]) {
    let mut err = std::io::stderr().lock();
    for n in notices {
        let _ = writeln!(err, "notice: {}", n.message);
    }
}

fn recovery_key_input() -> anyhow::Result<String> {
    match std::env::var("HAVEN_RECOVERY_KEY") {
        Ok(k) => Ok(k),
        Err(_) if std::io::stdin().is_terminal() => Ok(rpassword::prompt_password("Recovery key: ")?),
        Err(_) => Err(Error::new(Code::CliRecoveryKeyMissing, json!({})).into()),
    }
}

/// Opens the database with the recovery key and gives `--user` a new passphrase; a damaged key
/// file is set aside and rebuilt (see [`keyring::recover`]).
fn recover(cli: &Cli) -> anyhow::Result<()> {
    let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
    let Some(username) = cli.user.as_deref() else {
        return Err(Error::at("user", Code::CliUserMissing, json!({})).into());
    };
    let key = DbKey::from_hex(&recovery_key_input()?)?;
    let db = Db::open_with_key(&path, &key).map_err(|e| match e {
        Error::WrongPassphrase => Error::new(Code::CliRecoveryKeyWrong, json!({})),
        other => other,
    })?;
    let new_passphrase = passphrase(cli)?;
    let done = keyring::recover(&db, username, &new_passphrase)?;
    if let Some(aside) = &done.damaged_key_file {
        say!("The key file was damaged: it is kept as {aside} and a new one was made.");
    }
    say!("{} can sign in with the new passphrase.", done.username);
    if !done.need_new_passphrase.is_empty() {
        say!(
            "These users need a new passphrase from a lead (reset_passphrase): {}",
            done.need_new_passphrase.join(", ")
        );
    }
    Ok(())
}

/// The passphrase from --passphrase-file, $HAVEN_PASSPHRASE, or a prompt on a terminal.
fn passphrase(cli: &Cli) -> anyhow::Result<String> {
    if let Some(file) = &cli.passphrase_file {
        return read_passphrase_file(file);
    }
    if let Ok(p) = std::env::var("HAVEN_PASSPHRASE") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return Ok(rpassword::prompt_password("Passphrase: ")?);
    }
    Err(Error::new(Code::CliPassphraseMissing, json!({})).into())
}

fn read_passphrase_file(file: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Error::at(
            "passphrase_file",
            Code::CliPassphraseFileUnreadable,
            json!({"path": file.display().to_string(), "detail": e.to_string()}),
        )
    })?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

fn parse_input(input: Option<&str>) -> anyhow::Result<serde_json::Value> {
    let text = match input {
        None => return Ok(serde_json::Value::Null),
        Some("-") => std::io::read_to_string(std::io::stdin())?,
        Some(text) => text.to_string(),
    };
    serde_json::from_str(&text)
        .map_err(|e| Error::new(Code::CliInputNotJson, json!({"detail": e.to_string()})).into())
}

fn print_commands(json: bool) -> anyhow::Result<()> {
    let infos: Vec<_> = api::FUNCTIONS.iter().map(|f| f.info()).collect();
    if json {
        say!("{}", serde_json::to_string_pretty(&infos)?);
        return Ok(());
    }
    say!("{:<22} {:<12} {:<6} summary", "name", "min role", "writes");
    for f in infos {
        let writes = if f.writes { "yes" } else { "" };
        say!("{:<22} {:<12} {:<6} {}", f.name, f.min_role.as_str(), writes, f.summary);
    }
    Ok(())
}
