//! Stock and distribution reports written to a CSV or XLSX file: which report, for which site
//! and dates, and the rows the report functions of [`super::report`] return, as text.

use std::path::Path;

use chrono::{Days, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::report::{expiring, low_stock, movements, on_hand, weekly};
use super::Category;
use crate::cases::export::{write_table, ExportFormat};
use crate::{Error, Result};

/// Reports that can be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Stock on hand with value.
    OnHand,
    /// Low stock.
    LowStock,
    /// Expiring soon and expired.
    Expiring,
    /// Movements over a date range.
    Movements,
    /// Weekly distribution summary.
    Weekly,
}

/// Input of a report export.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportExport {
    /// Which report.
    pub report: ReportKind,
    /// Only this site (code or id).
    #[serde(default)]
    pub site: Option<String>,
    /// From (movements, weekly; default 12 weeks ago).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// To (default today).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Expiring within this many days (default 30).
    #[serde(default)]
    pub days: Option<u32>,
    /// csv or xlsx.
    #[serde(default)]
    pub format: ExportFormat,
    /// Where to write.
    pub path: String,
}

fn pounds(pence: i64) -> String {
    format!("{}.{:02}", pence / 100, pence % 100)
}

/// Writes a report to a CSV or XLSX file; returns the number of rows.
pub fn export(conn: &Connection, req: &ReportExport, today: NaiveDate) -> Result<usize> {
    if req.path.trim().is_empty() {
        return Err(Error::at("path", crate::Code::ExportPathMissing, serde_json::json!({})));
    }
    let site = req.site.as_deref();
    let to = req.to.unwrap_or(today);
    let from = req.from.unwrap_or_else(|| to.checked_sub_days(Days::new(84)).unwrap_or(to));
    let (headers, rows): (Vec<&str>, Vec<Vec<String>>) = match req.report {
        ReportKind::OnHand => (
            vec!["Site", "Location", "Item", "Category", "Size", "Quantity", "Unit", "Value (£)", "Low"],
            on_hand(conn, site)?
                .into_iter()
                .map(|r| {
                    vec![
                        r.site,
                        r.location,
                        r.item,
                        Category::parse(&r.category).map_or(r.category.clone(), |c| c.label().to_string()),
                        r.variant,
                        r.quantity.to_string(),
                        r.unit,
                        pounds(r.value),
                        if r.low { "yes".into() } else { String::new() },
                    ]
                })
                .collect(),
        ),
        ReportKind::LowStock => (
            vec!["Site", "Item", "Quantity", "Unit", "Threshold"],
            low_stock(conn, site)?
                .into_iter()
                .map(|r| vec![r.site, r.item, r.quantity.to_string(), r.unit, r.threshold.to_string()])
                .collect(),
        ),
        ReportKind::Expiring => (
            vec!["Site", "Location", "Item", "Size", "Batch", "Expires on", "Quantity", "Expired"],
            expiring(conn, site, req.days.unwrap_or(30), today)?
                .into_iter()
                .map(|r| {
                    vec![
                        r.site,
                        r.location,
                        r.item,
                        r.variant,
                        r.batch,
                        r.expires_on.to_string(),
                        r.quantity.to_string(),
                        if r.expired { "yes".into() } else { String::new() },
                    ]
                })
                .collect(),
        ),
        ReportKind::Movements => (
            vec![
                "Date",
                "Site",
                "Location",
                "Item",
                "Size",
                "Batch",
                "Quantity",
                "Kind",
                "Reason",
                "Donor or supplier",
                "Unit cost",
                "Note",
                "By",
            ],
            movements(conn, site, from, to, u32::MAX)?
                .into_iter()
                .map(|r| {
                    vec![
                        r.moved_on.to_string(),
                        r.site,
                        r.location,
                        r.item,
                        r.variant,
                        r.batch,
                        r.quantity.to_string(),
                        r.kind,
                        r.reason.unwrap_or_default(),
                        r.party,
                        r.unit_cost.map(pounds).unwrap_or_default(),
                        r.note,
                        r.by.unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        ReportKind::Weekly => (
            vec![
                "Week of",
                "Distributions",
                "Households",
                "People",
                "Babies",
                "Children",
                "Adults",
                "Items out",
                "By category",
            ],
            weekly(conn, site, from, to)?
                .into_iter()
                .map(|r| {
                    vec![
                        r.week_of.to_string(),
                        r.distributions.to_string(),
                        r.households.to_string(),
                        r.people.to_string(),
                        r.babies.to_string(),
                        r.children.to_string(),
                        r.adults.to_string(),
                        r.items_out.to_string(),
                        r.by_category,
                    ]
                })
                .collect(),
        ),
    };
    write_table(Path::new(req.path.trim()), req.format, &headers, &rows)?;
    Ok(rows.len())
}
