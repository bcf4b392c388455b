//! `haven-cli print ...`: sheets as PDF files. `print table` prints any CSV file;
//! `print phone-contacts` prints the emergency contact list from the database; `print roster`
//! and `print activity-sheet` print a site's week (`--week 2026-W48 --site CAL`); later sheets
//! (distribution) join them as further subcommands.
//!
//! Printing a CSV needs no database: the file is the data. Sheets from the database go through
//! the core API as `--user`, so the role check and the audit log are the app's.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use haven_core::api::{self, PrintPhoneContacts, PrintedSheet};
use haven_core::print::{render_report, Cell, Column, Language, PageSetup, PaperSize, Sheet, SheetHeader};
use haven_core::{Code, Db, Error, Session};
use serde_json::json;

/// The sheets `print` can make.
#[derive(Debug, Subcommand)]
pub enum PrintCommand {
    /// Print a CSV file (UTF-8, first row = headings) as a table sheet.
    Table(TableArgs),
    /// Print the emergency contact list: everyone holding a centre phone now (coordinators).
    PhoneContacts(PhoneContactsArgs),
    /// Print a distribution's sign-up sheet: one row per eligible household (coordinators).
    DistributionSheet(DistributionSheetArgs),
    /// Print a site's weekly volunteer roster with DBS marks (coordinators).
    Roster(WeekArgs),
    /// Print a site's activity sign-up and attendance sheet for a week.
    ActivitySheet(WeekArgs),
    /// Print the volunteer information sheet for a site, with its address and the rota
    /// contact filled in (coordinators).
    VolunteerInfo(VolunteerInfoArgs),
    /// Print ID cards with a QR code and a barcode; each print issues new card numbers.
    IdCards(crate::print_day::IdCardsArgs),
    /// Write a distribution's packing list (totals with stock and shortfall, each household's
    /// bag) as PDF, CSV or Excel (coordinators).
    PackingList(crate::print_day::PackingListArgs),
    /// Print a label per household for the bags packed in advance (21 or 24 to a sheet).
    BagLabels(crate::print_day::BagLabelsArgs),
    /// Write a generated CSV of made-up people with names in many scripts (for trying
    /// `print table` on data like a centre's).
    SampleCsv(SampleCsvArgs),
}

/// The languages a sheet prints in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// French.
    Fr,
}

impl LangArg {
    /// The core's language.
    pub fn language(self) -> Language {
        match self {
            LangArg::En => Language::En,
            LangArg::Fr => Language::Fr,
        }
    }
}

/// The language chosen on the command line, for an API input (none: the centre's language).
pub fn lang_input(lang: Option<LangArg>) -> Option<Language> {
    lang.map(LangArg::language)
}

/// Options of `print volunteer-info`.
#[derive(Debug, Args)]
pub struct VolunteerInfoArgs {
    /// The site (code) whose address is filled in.
    #[arg(long)]
    site: String,
    /// The language of the printed words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

/// Options of `print sample-csv`.
#[derive(Debug, Args)]
pub struct SampleCsvArgs {
    /// How many rows.
    #[arg(long, default_value_t = 2000)]
    rows: usize,
    /// The generator's seed: the same seed writes the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write the CSV.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
}

/// Options of `print distribution-sheet`.
#[derive(Debug, Args)]
pub struct DistributionSheetArgs {
    /// The distribution's id (`call list_distributions`).
    #[arg(long)]
    distribution: String,
    /// Order of the rows: family-name or code.
    #[arg(long, value_enum, default_value = "family-name")]
    sort: SheetSortArg,
    /// The language of the printed words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

/// Orders of the sign-up sheet.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SheetSortArg {
    /// By family name.
    FamilyName,
    /// By code.
    Code,
}

/// Options of `print roster` and `print activity-sheet`.
#[derive(Debug, Args)]
pub struct WeekArgs {
    /// The ISO week, like 2026-W48.
    #[arg(long, value_name = "YYYY-Www")]
    week: String,
    /// The site (code, e.g. CAL).
    #[arg(long)]
    site: String,
    /// Only this activity session (its id; activity sheet only).
    #[arg(long)]
    session: Option<String>,
    /// The language of the printed words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

/// Options of `print phone-contacts`.
#[derive(Debug, Args)]
pub struct PhoneContactsArgs {
    /// Only this site (code, e.g. CAL); default every site.
    #[arg(long)]
    site: Option<String>,
    /// The language of the printed words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<LangArg>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

/// Options of `print table`.
#[derive(Debug, Args)]
pub struct TableArgs {
    /// The CSV file: UTF-8, comma- (or semicolon-) separated, the first row holds the column
    /// headings.
    #[arg(long = "in", value_name = "FILE.csv")]
    input: PathBuf,
    /// The sheet's title (page header and PDF title).
    #[arg(long)]
    title: String,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Long edge horizontal.
    #[arg(long)]
    landscape: bool,
    /// US Letter paper instead of A4.
    #[arg(long)]
    letter: bool,
    /// Add a signature column with this heading at the right.
    #[arg(long, value_name = "HEADING")]
    sign_column: Option<String>,
    /// The centre's name, for the page header.
    #[arg(long, default_value = "")]
    centre: String,
    /// The site, for the page header.
    #[arg(long, default_value = "")]
    site: String,
    /// The date or week the sheet is for, for the page header.
    #[arg(long, default_value = "")]
    date: String,
    /// The language of the sheet's own words (the footer's "page 1 of 2"): en or fr. No
    /// database is opened for a CSV, so the default is English.
    #[arg(long, value_enum, default_value = "en")]
    lang: LangArg,
}

/// Runs a `print` subcommand. `open` opens the database and signs in as `--user`; only sheets
/// made from the database call it.
pub fn run(
    command: &PrintCommand,
    open: impl FnOnce() -> anyhow::Result<(Db, Session)>,
) -> anyhow::Result<()> {
    match command {
        PrintCommand::Table(args) => table(args),
        PrintCommand::SampleCsv(args) => {
            let text = haven_core::print::sample::csv(args.rows, args.seed)?;
            std::fs::write(&args.out, text).map_err(|e| cannot_write(&args.out, &e))?;
            say!("Wrote {}: {} rows", args.out.display(), args.rows);
            Ok(())
        }
        PrintCommand::PhoneContacts(args) => {
            let (db, session) = open()?;
            phone_contacts(&db, &session, args)
        }
        PrintCommand::DistributionSheet(args) => {
            let (db, session) = open()?;
            distribution_sheet(&db, &session, args)
        }
        PrintCommand::IdCards(args) => {
            let (db, session) = open()?;
            crate::print_day::id_cards(&db, &session, args)
        }
        PrintCommand::PackingList(args) => {
            let (db, session) = open()?;
            crate::print_day::packing_list(&db, &session, args)
        }
        PrintCommand::BagLabels(args) => {
            let (db, session) = open()?;
            crate::print_day::bag_labels(&db, &session, args)
        }
        PrintCommand::Roster(args) => {
            let (db, session) = open()?;
            week_sheet(&db, &session, "print_roster", "shifts", args)
        }
        PrintCommand::ActivitySheet(args) => {
            let (db, session) = open()?;
            week_sheet(&db, &session, "print_activity_sheet", "people signed up", args)
        }
        PrintCommand::VolunteerInfo(args) => {
            let (db, session) = open()?;
            let out = args.out.to_str().ok_or_else(|| Error::at("out", Code::CliOutNotText, json!({})))?;
            let input =
                serde_json::json!({"site": args.site, "language": lang_input(args.lang), "path": out});
            let printed: PrintedSheet =
                serde_json::from_value(api::call(&db, &session, "print_volunteer_info", input)?)?;
            say!("Wrote {}: {} page(s)", printed.path, printed.pages);
            Ok(())
        }
    }
}

fn distribution_sheet(db: &Db, session: &Session, args: &DistributionSheetArgs) -> anyhow::Result<()> {
    let out = args.out.to_str().ok_or_else(|| Error::at("out", Code::CliOutNotText, json!({})))?;
    let sort = match args.sort {
        SheetSortArg::FamilyName => "family_name",
        SheetSortArg::Code => "code",
    };
    let input = serde_json::json!({
        "distribution": args.distribution,
        "sort": sort,
        "language": lang_input(args.lang),
        "path": out,
    });
    let printed: PrintedSheet =
        serde_json::from_value(api::call(db, session, "print_distribution_sheet", input)?)?;
    let pages = if printed.pages == 1 { "1 page".to_string() } else { format!("{} pages", printed.pages) };
    say!("Wrote {}: {} households on {pages}", printed.path, printed.rows);
    Ok(())
}

fn phone_contacts(db: &Db, session: &Session, args: &PhoneContactsArgs) -> anyhow::Result<()> {
    let out = args.out.to_str().ok_or_else(|| Error::at("out", Code::CliOutNotText, json!({})))?;
    let input = PrintPhoneContacts {
        site: args.site.clone(),
        language: lang_input(args.lang),
        path: out.to_string(),
    };
    let printed: PrintedSheet = serde_json::from_value(api::call(
        db,
        session,
        "print_phone_contacts",
        serde_json::to_value(input)?,
    )?)?;
    let pages = if printed.pages == 1 { "1 page".to_string() } else { format!("{} pages", printed.pages) };
    let phones = if printed.rows == 1 { "1 phone".to_string() } else { format!("{} phones", printed.rows) };
    say!("Wrote {}: {phones} on {pages}", printed.path);
    Ok(())
}

fn week_sheet(db: &Db, session: &Session, function: &str, what: &str, args: &WeekArgs) -> anyhow::Result<()> {
    let out = args.out.to_str().ok_or_else(|| Error::at("out", Code::CliOutNotText, json!({})))?;
    let input = api::PrintWeek {
        week: Some(args.week.clone()),
        site: args.site.clone(),
        session: args.session.clone(),
        language: lang_input(args.lang),
        path: out.to_string(),
    };
    let printed: PrintedSheet =
        serde_json::from_value(api::call(db, session, function, serde_json::to_value(input)?)?)?;
    let pages = if printed.pages == 1 { "1 page".to_string() } else { format!("{} pages", printed.pages) };
    say!("Wrote {}: {} {what} on {pages}", printed.path, printed.rows);
    Ok(())
}

fn table(args: &TableArgs) -> anyhow::Result<()> {
    let (headings, rows) = read_csv(&args.input)?;
    let row_count = rows.len();
    let mut sheet = Sheet::table(args.title.as_str(), &headings, rows);
    if let Some(heading) = &args.sign_column {
        sheet.columns.push(Column::signature(heading.as_str()).mm(30.0));
        sheet.rows.iter_mut().for_each(|r| r.push(Cell::default()));
    }
    sheet.page = PageSetup {
        size: if args.letter { PaperSize::Letter } else { PaperSize::A4 },
        landscape: args.landscape,
    };
    sheet.header = SheetHeader {
        centre: args.centre.clone(),
        site: args.site.clone(),
        title: args.title.clone(),
        date: args.date.clone(),
    };
    sheet.author = if args.centre.is_empty() { "Haven".into() } else { args.centre.clone() };
    sheet.language = args.lang.language();

    let rendered = render_report(&sheet)?;
    std::fs::write(&args.out, &rendered.pdf).map_err(|e| cannot_write(&args.out, &e))?;
    for warning in &rendered.warnings {
        // A warning that cannot be shown (stderr closed) must not fail a sheet already written.
        let _ = writeln!(std::io::stderr(), "warning: {warning}");
    }
    let pages = if rendered.pages == 1 { "1 page".to_string() } else { format!("{} pages", rendered.pages) };
    say!("Wrote {}: {row_count} rows on {pages}, {} bytes", args.out.display(), rendered.pdf.len());
    Ok(())
}

/// Headings and rows of a CSV file, every row as long as the headings.
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), Error> {
    let name = path.display();
    let bytes = std::fs::read(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::new(Code::CliInNotFound, json!({"path": name.to_string()})),
        _ => {
            Error::at("in", Code::CliInCannotRead, json!({"path": name.to_string(), "detail": e.to_string()}))
        }
    })?;
    // Spreadsheet programs often start UTF-8 files with a byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::at("in", Code::CliInEmpty, json!({"path": name.to_string()})));
    }
    // French spreadsheets save "CSV" with semicolons: take the separator the heading row uses.
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let delimiter = if !first_line.contains(&b',') && first_line.contains(&b';') { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(true).flexible(false).delimiter(delimiter).from_reader(bytes);
    let headings: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&name.to_string(), &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&name.to_string(), &e))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok((headings, rows))
}

/// A CSV error in plain words, naming the line and row.
fn csv_error(name: &str, e: &csv::Error) -> Error {
    // Line numbers count from 1 and include the heading row; data rows count from 1 after it:
    // the code says which of the line, the row or neither is known.
    let at = |pos: Option<&csv::Position>, [row, line, unknown]: [Code; 3], mut params: serde_json::Value| {
        let code = match pos {
            Some(p) if p.line() > 1 => {
                params["line"] = json!(p.line());
                params["row"] = json!(p.line() - 1);
                row
            }
            Some(p) => {
                params["line"] = json!(p.line());
                line
            }
            None => unknown,
        };
        Error::at("in", code, params)
    };
    match e.kind() {
        csv::ErrorKind::Utf8 { pos, .. } => at(
            pos.as_ref(),
            [Code::CliCsvNotUtf8Row, Code::CliCsvNotUtf8Line, Code::CliCsvNotUtf8],
            json!({"path": name}),
        ),
        csv::ErrorKind::UnequalLengths { pos, expected_len, len } => at(
            pos.as_ref(),
            [Code::CliCsvUnequalRow, Code::CliCsvUnequalLine, Code::CliCsvUnequal],
            json!({"path": name, "len": len, "expected": expected_len}),
        ),
        csv::ErrorKind::Io(io) => {
            Error::at("in", Code::CliInCannotRead, json!({"path": name, "detail": io.to_string()}))
        }
        _ => Error::at("in", Code::CliCsvInvalid, json!({"path": name, "detail": e.to_string()})),
    }
}

/// A file haven-cli could not write.
fn cannot_write(out: &Path, e: &std::io::Error) -> Error {
    Error::at(
        "out",
        Code::CliOutCannotWrite,
        json!({"path": out.display().to_string(), "detail": e.to_string()}),
    )
}
