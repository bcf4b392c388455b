//! Reading the centre's spreadsheets for an import: a CSV file (UTF-8, comma or semicolon) or a
//! workbook's first sheet, as a header row and data rows of text.
//!
//! Limits are checked while the file is read, never after: a CSV file is streamed and stops at
//! the first row, column or cell past a limit (or at [`MAX_CSV_BYTES`]); a workbook is checked
//! part by part as it inflates (`workbook.rs`) before the spreadsheet reader loads it.

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use calamine::{open_workbook_auto, Data, DataType, Reader};

use super::workbook;
use crate::{Error, Result};

pub use super::workbook::{MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS};
/// The largest CSV file read (100,000 rows of people take a few megabytes).
pub const MAX_CSV_BYTES: u64 = 64 << 20;
/// The largest `.xls` file read (the format holds at most 65,536 rows).
pub const MAX_XLS_BYTES: u64 = 64 << 20;

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
        return Err(workbook::too_many_rows());
    }
    let width = headers.len();
    for r in &mut rows {
        r.resize(width.max(r.len()), String::new());
    }
    Ok(Table { headers, rows })
}

/// A reader that fails past `limit` bytes, saying so in `over` (the CSV reader wraps the error).
struct Capped<R> {
    inner: R,
    left: u64,
    over: Rc<Cell<bool>>,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        match self.left.checked_sub(n as u64) {
            Some(left) => self.left = left,
            None => {
                self.over.set(true);
                return Err(std::io::Error::other("the file is larger than allowed"));
            }
        }
        Ok(n)
    }
}

fn too_long(row: usize, col: usize) -> Error {
    Error::invalid(
        "path",
        format!(
            "Cell {} holds more than {MAX_CELL_CHARS} characters: that is not a list of people. Check the file.",
            workbook::a1(row as u64, col as u64)
        ),
    )
}

fn read_csv(path: &Path) -> Result<Vec<Vec<String>>> {
    let over = Rc::new(Cell::new(false));
    let file = std::fs::File::open(path)?;
    let mut input = BufReader::new(Capped { inner: file, left: MAX_CSV_BYTES, over: over.clone() });
    let too_large = || {
        Error::invalid(
            "path",
            format!("The file is larger than {} MB: import it in parts.", MAX_CSV_BYTES >> 20),
        )
    };
    // Excel in Europe writes ';' between columns: take whichever separates the header, looked
    // for in the first buffered block only (a header is short).
    let head = input.fill_buf().map_err(|e| if over.get() { too_large() } else { e.into() })?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first_line = head.split(|b| *b == b'\n').next().unwrap_or_default();
    let semicolons = first_line.iter().filter(|b| **b == b';').count();
    let commas = first_line.iter().filter(|b| **b == b',').count();
    let delimiter = if semicolons > commas { b';' } else { b',' };
    if input.fill_buf()?.starts_with(b"\xEF\xBB\xBF") {
        input.consume(3);
    }
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(input);
    let mut rows = Vec::new();
    let mut record = csv::ByteRecord::new();
    loop {
        let row = rows.len() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) if over.get() => return Err(too_large()),
            Err(e) => {
                return Err(Error::invalid("path", format!("Row {row}: the file is not valid CSV ({e}).")));
            }
        }
        // Header and MAX_ROWS data rows; a longer file stops here, unread.
        if row > MAX_ROWS + 1 {
            return Err(workbook::too_many_rows());
        }
        if record.len() > MAX_COLUMNS {
            return Err(workbook::too_many_columns());
        }
        let mut cells = Vec::with_capacity(record.len());
        for (col, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::invalid(
                    "path",
                    format!("Row {row}: the text is not UTF-8. Save the file as \"CSV UTF-8\"."),
                )
            })?;
            if field.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
                return Err(too_long(row, col + 1));
            }
            cells.push(text.to_string());
        }
        rows.push(cells);
    }
    Ok(rows)
}

fn read_workbook(path: &Path) -> Result<Vec<Vec<String>>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" => workbook::check_xlsx(path)?,
        "ods" => workbook::check_zipped(path)?,
        _ => {
            if std::fs::metadata(path)?.len() > MAX_XLS_BYTES {
                return Err(Error::invalid(
                    "path",
                    format!("The workbook is larger than {} MB: import it in parts.", MAX_XLS_BYTES >> 20),
                ));
            }
        }
    }
    let mut book = open_workbook_auto(path)
        .map_err(|e| Error::invalid("path", format!("The workbook could not be read: {e}.")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::invalid("path", "The workbook has no sheet."))?
        .map_err(|e| Error::invalid("path", format!("The first sheet could not be read: {e}.")))?;
    let (height, width) = range.get_size();
    if height > MAX_ROWS + 1 {
        return Err(workbook::too_many_rows());
    }
    if width > MAX_COLUMNS {
        return Err(workbook::too_many_columns());
    }
    let mut rows = Vec::with_capacity(height);
    for (r, cells) in range.rows().enumerate() {
        let mut row = Vec::with_capacity(cells.len());
        for (c, cell) in cells.iter().enumerate() {
            let text = cell_text(cell);
            if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
                return Err(too_long(r + 1, c + 1));
            }
            row.push(text);
        }
        rows.push(row);
    }
    Ok(rows)
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
