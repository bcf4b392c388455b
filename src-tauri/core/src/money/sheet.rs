//! The money reports as tables of text (for CSV and XLSX) and as printed sheets (for the PDF):
//! the builders only make plain rows and a [`Sheet`]; the API's paths write and render them.

use chrono::NaiveDateTime;

use super::claims::Claim;
use super::income::IncomeKind;
use super::report::{Cc16, GiftAidRow, Period, WhereMoneyWent};
use super::{pounds, SpendCategory};
use crate::print::{Language, PageSetup, Sheet, SheetHeader, Words};

/// A report as a table of text: its title, headings and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The report's title.
    pub title: String,
    /// Headings.
    pub headers: Vec<String>,
    /// Rows, one cell per heading.
    pub rows: Vec<Vec<String>>,
    /// Wide tables print in landscape.
    pub landscape: bool,
}

/// The CC16 account: one line per receipt kind, payment category, transfers and balances; one
/// column per fund, then the unrestricted, restricted and total columns. Words in `lang`.
pub fn cc16_table(r: &Cc16, lang: Language) -> Table {
    let w = Words::of(lang);
    let mut headers = vec!["".to_string()];
    headers.extend(r.funds.iter().map(|f| {
        if f.restricted {
            w.fill("print.money.restricted_fund", &[("fund", &f.name)])
        } else {
            f.name.clone()
        }
    }));
    headers.extend(
        ["print.money.unrestricted_funds", "print.money.restricted_funds", "print.money.total_funds"]
            .map(|k| w.get(k)),
    );
    let mut rows = Vec::new();
    let mut line = |label: &str, value: &dyn Fn(&super::report::Cc16Fund) -> i64| {
        let values: Vec<i64> = r.funds.iter().map(value).collect();
        let unrestricted: i64 =
            r.funds.iter().zip(&values).filter(|(f, _)| !f.restricted).map(|(_, v)| v).sum();
        let restricted: i64 = r.funds.iter().zip(&values).filter(|(f, _)| f.restricted).map(|(_, v)| v).sum();
        let mut row = vec![label.to_string()];
        row.extend(values.iter().map(|v| pounds(*v)));
        row.extend([pounds(unrestricted), pounds(restricted), pounds(unrestricted + restricted)]);
        rows.push(row);
    };
    for kind in IncomeKind::ALL {
        let label = w.fill("print.money.receipts_of", &[("kind", &kind_label(&w, kind.as_str()))]);
        line(&label, &|f| f.receipts.get(&kind).copied().unwrap_or(0));
    }
    line(&w.get("print.money.total_receipts"), &|f| f.total_receipts);
    for cat in SpendCategory::ALL {
        if r.funds.iter().any(|f| f.payments.contains_key(&cat)) {
            let label = w.fill("print.money.payments_of", &[("category", &category_label(&w, cat.as_str()))]);
            line(&label, &|f| f.payments.get(&cat).copied().unwrap_or(0));
        }
    }
    line(&w.get("print.money.total_payments"), &|f| f.total_payments);
    line(&w.get("print.money.net"), &|f| f.total_receipts - f.total_payments);
    line(&w.get("print.money.transfers"), &|f| f.transfers);
    line(&w.get("print.money.opening"), &|f| f.opening);
    line(&w.get("print.money.closing"), &|f| f.closing);
    Table { title: w.get("print.money.cc16"), headers, rows, landscape: true }
}

/// A kind of income in `w`'s language ("Donations").
fn kind_label(w: &Words, key: &str) -> String {
    w.get(&format!("print.money.kind.{key}"))
}

/// A spending category in `w`'s language, the window's own words for it.
fn category_label(w: &Words, key: &str) -> String {
    w.get(&format!("money.category.{key}"))
}

/// "Where your money went" as a two-column table: money in, money out by category, and what
/// the centre gave out. Words in `lang`.
pub fn where_table(r: &WhereMoneyWent, lang: Language) -> Table {
    let w = Words::of(lang);
    let mut rows = vec![vec![w.get("print.money.money_in"), pounds(r.money_in)]];
    for l in &r.money_in_by_kind {
        rows.push(vec![format!("  {}", kind_label(&w, &l.key)), pounds(l.pence)]);
    }
    rows.push(vec![w.get("print.money.gifts"), r.donations.to_string()]);
    rows.push(vec![w.get("print.money.money_out"), pounds(r.money_out)]);
    for l in &r.money_out_by_category {
        rows.push(vec![format!("  {}", category_label(&w, &l.key)), pounds(l.pence)]);
    }
    if !r.given_out.is_empty() {
        rows.push(vec![w.get("print.money.given_out"), String::new()]);
        for g in &r.given_out {
            rows.push(vec![format!("  {}", g.item), format!("{} {}", g.quantity, g.unit)]);
        }
    }
    Table {
        title: w.get("print.money.where"),
        headers: vec!["".into(), w.get("print.money.amount_or_quantity")],
        rows,
        landscape: false,
    }
}

/// The Gift Aid schedule: donor, house, postcode, date, amount, then the total. Words in `lang`.
pub fn gift_aid_table(rows: &[GiftAidRow], lang: Language) -> Table {
    let w = Words::of(lang);
    let mut out: Vec<Vec<String>> = rows
        .iter()
        .map(|g| {
            vec![
                g.donor.clone(),
                g.house.clone(),
                g.postcode.clone(),
                g.received_on.to_string(),
                pounds(g.pence),
                g.declared_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    out.push(vec![
        w.get("print.money.total"),
        String::new(),
        String::new(),
        String::new(),
        pounds(rows.iter().map(|g| g.pence).sum()),
        String::new(),
    ]);
    Table {
        title: w.get("print.money.gift_aid"),
        headers: [
            "print.money.donor",
            "print.money.house",
            "print.money.postcode",
            "print.money.date",
            "print.money.amount",
            "print.money.declared_on",
        ]
        .map(|k| w.get(k))
        .to_vec(),
        rows: out,
        landscape: false,
    }
}

/// The travel costs: every claim of the period, then the total. Words in `lang`.
pub fn travel_table(claims: &[Claim], lang: Language) -> Table {
    let w = Words::of(lang);
    let mut rows: Vec<Vec<String>> = claims
        .iter()
        .map(|c| {
            vec![
                c.claimed_on.to_string(),
                c.claimant.clone(),
                c.from.clone(),
                c.to.clone(),
                c.purpose.clone(),
                c.miles.to_string(),
                pounds(c.mileage_pence),
                pounds(c.total_pence - c.mileage_pence),
                pounds(c.total_pence),
                w.get(&format!("money.status.{}", c.status.as_str())),
            ]
        })
        .collect();
    let total = |f: fn(&Claim) -> i64| claims.iter().map(f).sum::<i64>();
    rows.push(vec![
        w.get("print.money.total"),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        total(|c| c.miles).to_string(),
        pounds(total(|c| c.mileage_pence)),
        pounds(total(|c| c.total_pence - c.mileage_pence)),
        pounds(total(|c| c.total_pence)),
        String::new(),
    ]);
    Table {
        title: w.get("print.money.travel"),
        headers: [
            "print.money.date",
            "print.money.claimant",
            "print.money.from",
            "print.money.to",
            "print.money.purpose",
            "print.money.miles",
            "print.money.mileage",
            "print.money.other_costs",
            "print.money.total_pounds",
            "print.money.status",
        ]
        .map(|k| w.get(k))
        .to_vec(),
        rows,
        landscape: true,
    }
}

/// A report's printed sheet, with the centre's header and the period, words in `lang`.
pub fn sheet(
    table: &Table,
    centre: &str,
    period: &Period,
    printed_at: NaiveDateTime,
    lang: Language,
) -> Sheet {
    let w = Words::of(lang);
    let mut sheet = Sheet::table(table.title.as_str(), &table.headers, table.rows.clone());
    sheet.page = PageSetup { landscape: table.landscape, ..PageSetup::default() };
    sheet.language = lang;
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: String::new(),
        title: table.title.clone(),
        date: w.fill("print.money.period", &[("from", &w.date(period.from)), ("to", &w.date(period.to))]),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet
}
