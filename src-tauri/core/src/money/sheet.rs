//! The money reports as tables of text (for CSV and XLSX) and as printed sheets (for the PDF):
//! the builders only make plain rows and a [`Sheet`]; the API's paths write and render them.

use chrono::NaiveDateTime;

use super::claims::Claim;
use super::income::IncomeKind;
use super::report::{Cc16, GiftAidRow, Period, WhereMoneyWent};
use super::{pounds, SpendCategory};
use crate::print::{PageSetup, Sheet, SheetHeader};

/// Title of the CC16-shaped account.
pub const CC16_TITLE: &str = "Receipts and payments by fund";
/// Title of the donors' summary.
pub const WHERE_TITLE: &str = "Where your money went";
/// Title of the Gift Aid schedule.
pub const GIFT_AID_TITLE: &str = "Gift Aid schedule";
/// Title of the travel costs.
pub const TRAVEL_TITLE: &str = "Travel costs";

/// A report as a table of text: its title, headings and rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The report's title.
    pub title: &'static str,
    /// Headings.
    pub headers: Vec<String>,
    /// Rows, one cell per heading.
    pub rows: Vec<Vec<String>>,
    /// Wide tables print in landscape.
    pub landscape: bool,
}

/// The CC16 account: one line per receipt kind, payment category, transfers and balances; one
/// column per fund, then the unrestricted, restricted and total columns.
pub fn cc16_table(r: &Cc16) -> Table {
    let mut headers = vec!["".to_string()];
    headers.extend(r.funds.iter().map(|f| {
        if f.restricted {
            format!("{} (restricted)", f.name)
        } else {
            f.name.clone()
        }
    }));
    headers.extend(["Unrestricted funds", "Restricted funds", "Total funds"].map(String::from));
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
        line(&format!("Receipts: {}", kind.label()), &|f| f.receipts.get(&kind).copied().unwrap_or(0));
    }
    line("Total receipts", &|f| f.total_receipts);
    for cat in SpendCategory::ALL {
        if r.funds.iter().any(|f| f.payments.contains_key(&cat)) {
            line(&format!("Payments: {}", cat.label()), &|f| f.payments.get(&cat).copied().unwrap_or(0));
        }
    }
    line("Total payments", &|f| f.total_payments);
    line("Net of receipts and payments", &|f| f.total_receipts - f.total_payments);
    line("Transfers between funds", &|f| f.transfers);
    line("Cash funds at the start of the period", &|f| f.opening);
    line("Cash funds at the end of the period", &|f| f.closing);
    Table { title: CC16_TITLE, headers, rows, landscape: true }
}

/// "Where your money went" as a two-column table: money in, money out by category, and what
/// the centre gave out.
pub fn where_table(r: &WhereMoneyWent) -> Table {
    let mut rows = vec![vec!["Money in".to_string(), pounds(r.money_in)]];
    for l in &r.money_in_by_kind {
        rows.push(vec![format!("  {}", l.label), pounds(l.pence)]);
    }
    rows.push(vec!["Gifts received".into(), r.donations.to_string()]);
    rows.push(vec!["Money out".into(), pounds(r.money_out)]);
    for l in &r.money_out_by_category {
        rows.push(vec![format!("  {}", l.label), pounds(l.pence)]);
    }
    if !r.given_out.is_empty() {
        rows.push(vec!["What we gave out".into(), String::new()]);
        for g in &r.given_out {
            rows.push(vec![format!("  {}", g.item), format!("{} {}", g.quantity, g.unit)]);
        }
    }
    Table { title: WHERE_TITLE, headers: vec!["".into(), "£ / quantity".into()], rows, landscape: false }
}

/// The Gift Aid schedule: donor, house, postcode, date, amount, then the total.
pub fn gift_aid_table(rows: &[GiftAidRow]) -> Table {
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
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        pounds(rows.iter().map(|g| g.pence).sum()),
        String::new(),
    ]);
    Table {
        title: GIFT_AID_TITLE,
        headers: ["Donor", "House", "Postcode", "Date", "Amount (£)", "Declared on"]
            .map(String::from)
            .to_vec(),
        rows: out,
        landscape: false,
    }
}

/// The travel costs: every claim of the period, then the total.
pub fn travel_table(claims: &[Claim]) -> Table {
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
                c.status.as_str().to_string(),
            ]
        })
        .collect();
    let total = |f: fn(&Claim) -> i64| claims.iter().map(f).sum::<i64>();
    rows.push(vec![
        "Total".into(),
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
        title: TRAVEL_TITLE,
        headers: [
            "Date",
            "Claimant",
            "From",
            "To",
            "Purpose",
            "Miles",
            "Mileage (£)",
            "Other costs (£)",
            "Total (£)",
            "Status",
        ]
        .map(String::from)
        .to_vec(),
        rows,
        landscape: true,
    }
}

/// A report's printed sheet, with the centre's header and the period.
pub fn sheet(table: &Table, centre: &str, period: &Period, printed_at: NaiveDateTime) -> Sheet {
    let mut sheet = Sheet::table(table.title, &table.headers, table.rows.clone());
    sheet.page = PageSetup { landscape: table.landscape, ..PageSetup::default() };
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: String::new(),
        title: table.title.to_string(),
        date: format!("{} to {}", period.from.format("%-d %b %Y"), period.to.format("%-d %b %Y")),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet
}
