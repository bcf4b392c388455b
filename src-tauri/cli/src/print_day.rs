//! `haven-cli print id-cards | packing-list | bag-labels`: distribution day's documents, through
//! the core API as `--user` (role check and audit as in the app).

use std::path::PathBuf;

use clap::Args;
use haven_core::api::{self, PrintedSheet};
use haven_core::{Db, Error, Session};

/// Options of `print id-cards`.
#[derive(Debug, Args)]
pub struct IdCardsArgs {
    /// Every active person of this site (code, e.g. CAL); the front desk's own site by default.
    #[arg(long)]
    site: Option<String>,
    /// One person (code, e.g. CAL-0042).
    #[arg(long)]
    person: Option<String>,
    /// Only people registered on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    since: Option<String>,
    /// Cards to a page: 8 (room to cut between them) or 10 (edge to edge).
    #[arg(long, default_value_t = 10)]
    per_page: u32,
    /// The language of the printed words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<crate::print::LangArg>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

fn out_text(out: &std::path::Path) -> Result<&str, Error> {
    out.to_str().ok_or_else(|| Error::at("out", haven_core::Code::CliOutNotText, serde_json::json!({})))
}

fn pages(n: usize) -> String {
    if n == 1 {
        "1 page".to_string()
    } else {
        format!("{n} pages")
    }
}

/// `print id-cards`.
pub fn id_cards(db: &Db, session: &Session, args: &IdCardsArgs) -> anyhow::Result<()> {
    let input = serde_json::json!({
        "site": args.site,
        "person": args.person,
        "since": args.since,
        "per_page": args.per_page,
        "language": crate::print::lang_input(args.lang),
        "path": out_text(&args.out)?,
    });
    let printed: PrintedSheet = serde_json::from_value(api::call(db, session, "print_id_cards", input)?)?;
    let cards = if printed.rows == 1 { "1 card".to_string() } else { format!("{} cards", printed.rows) };
    say!("Wrote {}: {cards} on {}", printed.path, pages(printed.pages));
    Ok(())
}

/// Options of `print packing-list`.
#[derive(Debug, Args)]
pub struct PackingListArgs {
    /// The distribution's id (`call list_distributions`).
    #[arg(long)]
    distribution: String,
    /// The language of the list's words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<crate::print::LangArg>,
    /// Where to write it: FILE.pdf, FILE.csv or FILE.xlsx (the ending chooses the format).
    #[arg(long, value_name = "FILE.pdf|.csv|.xlsx")]
    out: PathBuf,
}

/// `print packing-list`.
pub fn packing_list(db: &Db, session: &Session, args: &PackingListArgs) -> anyhow::Result<()> {
    let input = serde_json::json!({
        "distribution": args.distribution,
        "language": crate::print::lang_input(args.lang),
        "path": out_text(&args.out)?,
    });
    let printed: PrintedSheet = serde_json::from_value(api::call(db, session, "print_packing_list", input)?)?;
    let households =
        if printed.rows == 1 { "1 household".to_string() } else { format!("{} households", printed.rows) };
    if printed.pages > 0 {
        say!("Wrote {}: {households} on {}", printed.path, pages(printed.pages));
    } else {
        say!("Wrote {}: {households}", printed.path);
    }
    Ok(())
}

/// Options of `print bag-labels`.
#[derive(Debug, Args)]
pub struct BagLabelsArgs {
    /// The distribution's id (`call list_distributions`).
    #[arg(long)]
    distribution: String,
    /// Labels to an A4 sheet: 21 (70 × 42.3 mm) or 24 (70 × 37 mm).
    #[arg(long, default_value_t = 21)]
    per_page: u32,
    /// The language of the printed words: en or fr (default: the centre's language).
    #[arg(long, value_enum)]
    lang: Option<crate::print::LangArg>,
    /// Where to write the PDF.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
}

/// `print bag-labels`.
pub fn bag_labels(db: &Db, session: &Session, args: &BagLabelsArgs) -> anyhow::Result<()> {
    let input = serde_json::json!({
        "distribution": args.distribution,
        "per_page": args.per_page,
        "language": crate::print::lang_input(args.lang),
        "path": out_text(&args.out)?,
    });
    let printed: PrintedSheet = serde_json::from_value(api::call(db, session, "print_bag_labels", input)?)?;
    let labels = if printed.rows == 1 { "1 label".to_string() } else { format!("{} labels", printed.rows) };
    say!("Wrote {}: {labels} on {}", printed.path, pages(printed.pages));
    Ok(())
}
