//! Reading the centre's spreadsheets for an import: a CSV file (UTF-8, comma or semicolon) or a
//! workbook's first sheet, as a header row and data rows of text.

use std::path::Path;

use calamine::{open_workbook_auto, Data, DataType, Reader};

use crate::{Error, Result};

/// The most rows one import takes.
pub const MAX_ROWS: usize = 100_000;

/// A table read from a file: the header row and the data rows, as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Data rows, each as long as the header.
    pub rows: Vec<Vec<String>>,
}

/// Reads a CSV or workbook file into a [`Table`].
pub fn read_table(path: &Path) -> Result<Table> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let mut rows = match ext.as_str() {
        "csv" | "txt" => read_csv(path)?,
        "xlsx" | "xlsm" | "xls" | "ods" => read_workbook(path)?,
        _ => return Err(Error::invalid("path", "Choose a .csv, .xlsx, .xls or .ods file.")),
    };
    // Trailing empty rows are common in spreadsheets.
    while rows.last().is_some_and(|r| r.iter().all(|c| c.trim().is_empty())) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(Error::invalid(
            "path",
            "The file is empty: it needs a header row and at least one person.",
        ));
    }
    let headers: Vec<String> = rows.remove(0).into_iter().map(|h| h.trim().to_string()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::invalid("path", "The first row must name the columns."));
    }
    if rows.len() > MAX_ROWS {
        return Err(Error::invalid(
            "path",
            format!("The file has {} rows; import at most {MAX_ROWS} at a time.", rows.len()),
        ));
    }
    let width = headers.len();
    for r in &mut rows {
        r.resize(width.max(r.len()), String::new());
    }
    Ok(Table { headers, rows })
}

fn read_csv(path: &Path) -> Result<Vec<Vec<String>>> {
    let bytes = std::fs::read(path)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // Excel in Europe writes ';' between columns: take whichever separates the header.
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(bytes);
    let mut rows = Vec::new();
    for (i, record) in reader.byte_records().enumerate() {
        let record = record.map_err(|e| {
            Error::invalid("path", format!("Row {}: the file is not valid CSV ({e}).", i + 1))
        })?;
        let mut row = Vec::with_capacity(record.len());
        for field in &record {
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::invalid(
                    "path",
                    format!("Row {}: the text is not UTF-8. Save the file as \"CSV UTF-8\".", i + 1),
                )
            })?;
            row.push(text.to_string());
        }
        rows.push(row);
    }
    Ok(rows)
}

fn read_workbook(path: &Path) -> Result<Vec<Vec<String>>> {
    let mut book = open_workbook_auto(path)
        .map_err(|e| Error::invalid("path", format!("The workbook could not be read: {e}.")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::invalid("path", "The workbook has no sheet."))?
        .map_err(|e| Error::invalid("path", format!("The first sheet could not be read: {e}.")))?;
    Ok(range.rows().map(|r| r.iter().map(cell_text).collect()).collect())
}

/// A workbook cell as text; dates as `YYYY-MM-DD`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(_) | Data::DateTimeIso(_) => cell.as_date().map(|d| d.to_string()).unwrap_or_default(),
        other => other.to_string(),
    }
}
