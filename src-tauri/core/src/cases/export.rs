//! Exporting a filtered list of people as CSV or an Excel workbook.

use std::path::Path;

use chrono::NaiveDate;
use rusqlite::Connection;
use rust_xlsxwriter::{Format, Workbook};
use serde::{Deserialize, Serialize};

use super::search::{self, PeopleQuery};
use crate::access::Session;
use crate::{Error, Result};

/// File formats for exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// UTF-8 CSV with a byte-order mark (so Excel shows Arabic and Ge'ez names right).
    #[default]
    Csv,
    /// Excel workbook.
    Xlsx,
}

/// Input of an export.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportRequest {
    /// Which people (the list's search and filters; limit and offset are ignored).
    #[serde(default)]
    pub query: PeopleQuery,
    /// File format.
    #[serde(default)]
    pub format: ExportFormat,
    /// Where to write the file.
    pub path: String,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExportReport {
    /// People written.
    pub rows: usize,
    /// The file.
    pub path: String,
}

const HEADERS: [&str; 10] = [
    "Code",
    "Given name",
    "Family name",
    "Name in original script",
    "Sex",
    "Age",
    "Site",
    "Status",
    "Household size",
    "Date of birth",
];

/// Writes the people matching the request's query to its file.
pub fn export(
    conn: &Connection,
    session: &Session,
    req: &ExportRequest,
    today: NaiveDate,
) -> Result<ExportReport> {
    let rows = search::all(conn, session, &req.query, today)?;
    let table: Vec<[String; 10]> = rows
        .iter()
        .map(|r| {
            [
                r.code.clone(),
                r.given_name.clone(),
                r.family_name.clone(),
                r.original_name.clone().unwrap_or_default(),
                r.sex.as_str().to_string(),
                r.age.map(|a| a.years.to_string()).unwrap_or_default(),
                r.site.clone(),
                r.status.as_str().to_string(),
                r.household_size.to_string(),
                r.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    write_table(Path::new(&req.path), req.format, &HEADERS, &table)?;
    Ok(ExportReport { rows: table.len(), path: req.path.clone() })
}

/// Writes a table (headings, then rows of text) to `path` as CSV (with a byte-order mark) or
/// an Excel workbook with the headings in bold and frozen. Used by every export, so every CSV
/// cell passes [`csv_cell`]; workbook cells are written as strings, which a spreadsheet never
/// evaluates.
pub fn write_table<R: AsRef<[String]>>(
    path: &Path,
    format: ExportFormat,
    headers: &[&str],
    rows: &[R],
) -> Result<()> {
    let bytes = match format {
        ExportFormat::Csv => {
            let mut out = b"\xEF\xBB\xBF".to_vec();
            {
                let mut w = csv::Writer::from_writer(&mut out);
                w.write_record(headers).map_err(csv_error)?;
                for r in rows {
                    let cells: Vec<_> = r.as_ref().iter().map(|v| csv_cell(v)).collect();
                    w.write_record(cells.iter().map(|c| c.as_bytes())).map_err(csv_error)?;
                }
                w.flush()?;
            }
            out
        }
        ExportFormat::Xlsx => {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            let bold = Format::new().set_bold();
            let xl = |e: rust_xlsxwriter::XlsxError| {
                Error::new(
                    crate::Code::ExportWorkbookNotWritten,
                    serde_json::json!({"detail": e.to_string()}),
                )
            };
            for (c, h) in headers.iter().enumerate() {
                sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(xl)?;
            }
            for (i, r) in rows.iter().enumerate() {
                for (c, v) in r.as_ref().iter().enumerate() {
                    sheet.write_string(i as u32 + 1, c as u16, v).map_err(xl)?;
                }
            }
            sheet.set_freeze_panes(1, 0).map_err(xl)?;
            book.save_to_buffer().map_err(xl)?
        }
    };
    std::fs::write(path, bytes).map_err(|e| {
        Error::at(
            "path",
            crate::Code::ExportPathNotWritten,
            serde_json::json!({"path": path.display().to_string(), "detail": e.to_string()}),
        )
    })
}

/// A CSV cell that a spreadsheet opening the file shows as text. Excel and LibreOffice treat a
/// cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a formula,
/// so a name such as `=HYPERLINK(...)` would run as code at the office: such a cell gets a
/// leading `'`, which both show as text and hide. A plain number (`-3`, `12.50`) is left alone,
/// because a quantity taken out of stock is negative and must stay a number.
pub fn csv_cell(value: &str) -> std::borrow::Cow<'_, str> {
    let risky = value
        .starts_with(['=', '+', '-', '@', '\t', '\r', '\n', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}']);
    if risky && !is_plain_number(value) {
        std::borrow::Cow::Owned(format!("'{value}"))
    } else {
        std::borrow::Cow::Borrowed(value)
    }
}

/// `-12`, `3.50`: an optional minus, digits, and at most one decimal point followed by digits.
fn is_plain_number(value: &str) -> bool {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    !whole.is_empty()
        && !fraction.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

fn csv_error(e: csv::Error) -> Error {
    Error::new(crate::Code::ExportCsvNotWritten, serde_json::json!({"detail": e.to_string()}))
}
