//! `haven-cli import people` and `haven-cli export people`: the case book to and from the
//! spreadsheets the centre keeps. Both run through the core API as `--user`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use std::io::Write as _;

use haven_core::cases::import::{ImportField, ImportReport};
use haven_core::volunteers::import::{ApplicationField, ApplicationReport};
use haven_core::{api, Code, Db, Error, Session};
use serde_json::json;

/// What to import.
#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// People from a .csv (UTF-8), .xlsx, .xls or .ods file (first sheet, header row first).
    People {
        /// The file.
        file: PathBuf,
        /// Check every row and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Site for rows without a site column (default: the user's site).
        #[arg(long)]
        site: Option<String>,
        /// Map a column to a field: --map "Prénom de l'enfant=given_name" (repeatable).
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        mapping: Vec<String>,
        /// Import rows that look like someone already registered (default: skip them).
        #[arg(long)]
        import_duplicates: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Volunteer applications from the interest form's export (.csv, .xlsx, .xls or .ods):
    /// each becomes a volunteer in status "applied"; applicants already known (same email, or
    /// same name and phone) are listed, not imported.
    Volunteers {
        /// The file.
        file: PathBuf,
        /// Check every row and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Site for rows without a site column (default: the user's site).
        #[arg(long)]
        site: Option<String>,
        /// Map a column to a field: --map "Vos disponibilités=dates_available" (repeatable).
        #[arg(long = "map", value_name = "HEADER=FIELD")]
        mapping: Vec<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// File formats for exports.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// UTF-8 CSV.
    Csv,
    /// Excel workbook.
    Xlsx,
    /// A printed PDF (the money reports only).
    Pdf,
}

/// What to export.
#[derive(Debug, Subcommand)]
pub enum ExportWhat {
    /// People, filtered as in the People list.
    People {
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
        /// File format (default: from the file's extension).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Search words.
        #[arg(long, default_value = "")]
        text: String,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// Only this status (active, moved_on, reached_uk, closed).
        #[arg(long)]
        status: Option<String>,
    },
    /// A stock, distribution or money report (money: CSV, XLSX or PDF, a lead).
    Report {
        /// Which report.
        #[arg(value_enum)]
        report: ReportArg,
        /// Where to write.
        #[arg(long)]
        out: PathBuf,
        /// File format (default: from the file's extension).
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Only this site.
        #[arg(long)]
        site: Option<String>,
        /// From this date (YYYY-MM-DD; movements and weekly: default 12 weeks ago; money: the
        /// last 6 April).
        #[arg(long)]
        from: Option<String>,
        /// To this date (default today).
        #[arg(long)]
        to: Option<String>,
        /// Expiring within this many days (default 30).
        #[arg(long)]
        days: Option<u32>,
        /// The language of a money report's words: en or fr (default: the centre's language).
        #[arg(long, value_enum)]
        lang: Option<crate::print::LangArg>,
    },
}

/// The stock and distribution reports.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReportArg {
    /// Stock on hand with value.
    OnHand,
    /// Items at or below their threshold.
    LowStock,
    /// Batches expiring soon, and expired.
    Expiring,
    /// Movements over a date range.
    Movements,
    /// Weekly distribution summary.
    Weekly,
    /// Money: receipts and payments by fund in the Charity Commission's CC16 shape.
    MoneyCc16,
    /// Money: the donors' one-page "Where your money went".
    WhereMoneyWent,
    /// Money: donations with a Gift Aid declaration.
    GiftAid,
    /// Money: expense claims (travel costs).
    Travel,
}

fn parse_mapping<F: serde::de::DeserializeOwned>(pairs: &[String]) -> anyhow::Result<BTreeMap<String, F>> {
    let mut out = BTreeMap::new();
    for pair in pairs {
        let (header, field) = pair
            .rsplit_once('=')
            .ok_or_else(|| Error::at("map", Code::CliMapInvalid, json!({"pair": pair})))?;
        let field: F = serde_json::from_value(json!(field.trim()))
            .map_err(|_| Error::at("map", Code::CliMapUnknownField, json!({"field": field.trim()})))?;
        out.insert(header.trim().to_string(), field);
    }
    Ok(out)
}

pub fn import(db: &Db, session: &Session, what: &ImportWhat) -> anyhow::Result<bool> {
    let (file, dry_run, site, mapping, import_duplicates, json) = match what {
        ImportWhat::People { file, dry_run, site, mapping, import_duplicates, json } => {
            (file, dry_run, site, mapping, import_duplicates, json)
        }
        ImportWhat::Volunteers { file, dry_run, site, mapping, json } => {
            return import_volunteers(db, session, file, *dry_run, site, mapping, *json)
        }
    };
    let input = json!({
        "path": file.display().to_string(),
        "dry_run": dry_run,
        "site": site,
        "mapping": parse_mapping::<ImportField>(mapping)?,
        "on_duplicate": if *import_duplicates { "import" } else { "skip" },
    });
    // Progress on stderr (stdout keeps the report), one line per tenth of the rows.
    let mut shown = 0;
    let progress = |written: usize, total: usize| {
        if total > api::IMPORT_CHUNK && (written * 10 / total > shown || written == total) {
            shown = written * 10 / total;
            let _ = writeln!(std::io::stderr(), "progress: {written} of {total} people written");
        }
    };
    let report = api::import_people_with_progress(db, session, serde_json::from_value(input)?, progress)?;
    let out = serde_json::to_value(&report)?;
    if *json {
        say!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        print_report(&report)?;
    }
    Ok(report.errors.is_empty())
}

fn import_volunteers(
    db: &Db,
    session: &Session,
    file: &std::path::Path,
    dry_run: bool,
    site: &Option<String>,
    mapping: &[String],
    json: bool,
) -> anyhow::Result<bool> {
    let input = json!({
        "path": file.display().to_string(),
        "dry_run": dry_run,
        "site": site,
        "mapping": parse_mapping::<ApplicationField>(mapping)?,
    });
    let out = api::call(db, session, "import_volunteers", input)?;
    let r: ApplicationReport = serde_json::from_value(out.clone())?;
    if json {
        say!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(r.errors.is_empty());
    }
    say!("{} rows read{}", r.rows, if r.dry_run { " (dry run: nothing written)" } else { "" });
    for c in &r.columns {
        say!("  column {:<28} -> {:?}", format!("\"{}\"", c.header), c.field);
    }
    print_problems(&r.errors)?;
    for d in &r.duplicates {
        say!("  row {} ({}) is already known: {}", d.row, d.name, d.matches.join("; "));
    }
    say!("{} imported, {} already known (not imported)", r.imported, r.skipped);
    Ok(r.errors.is_empty())
}

fn print_problems(errors: &[haven_core::cases::import::RowError]) -> anyhow::Result<()> {
    if !errors.is_empty() {
        say!("{} problem(s); nothing was imported:", errors.len());
        for e in errors {
            let column =
                if e.column.is_empty() { String::new() } else { format!(", column \"{}\"", e.column) };
            say!("  row {}{column}: {}", e.row, e.reason);
        }
    }
    Ok(())
}

fn print_report(r: &ImportReport) -> anyhow::Result<()> {
    say!("{} rows read{}", r.rows, if r.dry_run { " (dry run: nothing written)" } else { "" });
    for c in &r.columns {
        say!("  column {:<28} -> {:?}", format!("\"{}\"", c.header), c.field);
    }
    print_problems(&r.errors)?;
    for d in &r.duplicates {
        say!("  row {} ({}) looks like {}", d.row, d.name, d.matches.join("; "));
    }
    say!("{} imported, {} skipped as likely duplicates", r.imported, r.skipped);
    Ok(())
}

pub fn export(db: &Db, session: &Session, what: &ExportWhat) -> anyhow::Result<()> {
    let (out, format, text, site, status) = match what {
        ExportWhat::People { out, format, text, site, status } => (out, format, text, site, status),
        ExportWhat::Report { report, out, format, site, from, to, days, lang } => {
            // The money reports have a function of their own (and a PDF form).
            let (money, report) = match report {
                ReportArg::OnHand => (false, "on_hand"),
                ReportArg::LowStock => (false, "low_stock"),
                ReportArg::Expiring => (false, "expiring"),
                ReportArg::Movements => (false, "movements"),
                ReportArg::Weekly => (false, "weekly"),
                ReportArg::MoneyCc16 => (true, "cc16"),
                ReportArg::WhereMoneyWent => (true, "where_money_went"),
                ReportArg::GiftAid => (true, "gift_aid"),
                ReportArg::Travel => (true, "travel"),
            };
            if money {
                let ext = |e: &str| out.extension().is_some_and(|x| x.eq_ignore_ascii_case(e));
                let format = match format {
                    Some(Format::Xlsx) => "xlsx",
                    Some(Format::Csv) => "csv",
                    Some(Format::Pdf) => "pdf",
                    None if ext("xlsx") => "xlsx",
                    None if ext("pdf") => "pdf",
                    None => "csv",
                };
                let input = json!({"report": report, "format": format, "path": out.display().to_string(),
                                   "from": from, "to": to, "language": crate::print::lang_input(*lang)});
                let done = api::call(db, session, "export_money_report", input)?;
                say!("Wrote {} rows to {}", done["rows"], out.display());
                return Ok(());
            }
            let format = match format {
                Some(Format::Xlsx) => "xlsx",
                Some(Format::Csv) => "csv",
                Some(Format::Pdf) => return Err(pdf_refused()),
                None if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) => "xlsx",
                None => "csv",
            };
            let input = json!({"report": report, "format": format, "path": out.display().to_string(),
                               "site": site, "from": from, "to": to, "days": days});
            let done = api::call(db, session, "export_report", input)?;
            say!("Wrote {} rows to {}", done["rows"], out.display());
            return Ok(());
        }
    };
    let format = match format {
        Some(Format::Xlsx) => "xlsx",
        Some(Format::Csv) => "csv",
        Some(Format::Pdf) => return Err(pdf_refused()),
        None if out.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) => "xlsx",
        None => "csv",
    };
    let input = json!({
        "path": out.display().to_string(),
        "format": format,
        "query": {"text": text, "site": site, "status": status},
    });
    let report = api::call(db, session, "export_people", input)?;
    say!("Wrote {} people to {}", report["rows"], out.display());
    Ok(())
}

/// A PDF asked of an export that has none.
fn pdf_refused() -> anyhow::Error {
    Error::at("format", Code::CliFormatNoPdf, json!({})).into()
}
