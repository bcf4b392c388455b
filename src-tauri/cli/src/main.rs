//! `haven-cli`: Haven from a terminal. The same core as the app, for scripts, set-up and
//! benchmarks. `main` only reports errors; the work is in [`run`].

mod bench;
mod info;
mod people;
mod print;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use haven_core::access::users;
use haven_core::{api, db_path, seed, Db, Error, Session};

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
        /// Run only the rows whose name contains this.
        #[arg(long)]
        only: Option<String>,
    },
    /// Make a PDF sheet (`print table` needs no database).
    Print {
        #[command(subcommand)]
        command: print::PrintCommand,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            report(&err);
            ExitCode::FAILURE
        }
    }
}

/// Prints an error on stderr: a core error as its `{kind, message}` JSON, anything else as
/// `{kind: "internal"}` with the chain of causes.
fn report(err: &anyhow::Error) {
    let payload = match err.downcast_ref::<Error>() {
        Some(e) => serde_json::to_value(e.to_payload()),
        None => serde_json::to_value(serde_json::json!({"kind": "internal", "message": format!("{err:#}")})),
    };
    let line = payload.map(|p| p.to_string()).unwrap_or_else(|_| format!("{err:#}"));
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Commands { json } => print_commands(*json),
        Command::Bench { json, people, only } => bench::run(*json, *people, only.as_deref()),
        Command::Print { command } => print::run(command, || {
            let db = open(&cli)?;
            let session = session(&db, cli.user.as_deref())?;
            Ok((db, session))
        }),
        Command::SeedDemo { people, seed } => {
            let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
            let db = Db::open_or_create(&path, &passphrase(&cli)?)?;
            let summary = seed::seed_demo(&db, *people, *seed)?;
            println!(
                "Added {} people in {} households to {}",
                summary.people,
                summary.households,
                path.display()
            );
            Ok(())
        }
        Command::Info { json } => {
            let db = open(&cli)?;
            info::print(&db, *json)
        }
        Command::Import { what } => {
            let db = open(&cli)?;
            let session = session(&db, cli.user.as_deref())?;
            if people::import(&db, &session, what)? {
                Ok(())
            } else {
                Err(Error::validation("The file has problems (listed above); nothing was imported.").into())
            }
        }
        Command::Export { what } => {
            let db = open(&cli)?;
            let session = session(&db, cli.user.as_deref())?;
            people::export(&db, &session, what)
        }
        Command::Call { name, input } => {
            let db = open(&cli)?;
            let session = session(&db, cli.user.as_deref())?;
            let input = parse_input(input.as_deref())?;
            let out = api::call(&db, &session, name, input)?;
            println!("{}", serde_json::to_string_pretty(&out)?);
            Ok(())
        }
    }
}

fn open(cli: &Cli) -> anyhow::Result<Db> {
    let path = db_path(&haven_core::resolve_data_dir(cli.data_dir.clone())?);
    Ok(Db::open(&path, &passphrase(cli)?)?)
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
    Err(Error::Locked(
        "No passphrase: set HAVEN_PASSPHRASE, use --passphrase-file, or run in a terminal.".into(),
    )
    .into())
}

fn read_passphrase_file(file: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("could not read the passphrase file {}", file.display()))?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}

/// The session to act as: `--user`, or the first lead.
fn session(db: &Db, user: Option<&str>) -> anyhow::Result<Session> {
    Ok(db.read(|c| match user {
        Some(name) => users::sign_in(c, name),
        None => users::first_lead(c).map(|u| users::session_for(&u)),
    })?)
}

fn parse_input(input: Option<&str>) -> anyhow::Result<serde_json::Value> {
    let text = match input {
        None => return Ok(serde_json::Value::Null),
        Some("-") => std::io::read_to_string(std::io::stdin())?,
        Some(text) => text.to_string(),
    };
    serde_json::from_str(&text)
        .map_err(|e| Error::validation(format!("The input is not valid JSON: {e}.")).into())
}

fn print_commands(json: bool) -> anyhow::Result<()> {
    let infos: Vec<_> = api::FUNCTIONS.iter().map(|f| f.info()).collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&infos)?);
        return Ok(());
    }
    println!("{:<22} {:<12} {:<6} summary", "name", "min role", "writes");
    for f in infos {
        let writes = if f.writes { "yes" } else { "" };
        println!("{:<22} {:<12} {:<6} {}", f.name, f.min_role.as_str(), writes, f.summary);
    }
    Ok(())
}
