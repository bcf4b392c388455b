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
    /// Each data row's number as the spreadsheet (or, for a CSV, a text editor) shows it: the
    /// header is row 1.
    pub numbers: Vec<usize>,
    /// Rows that could not be read as cells under the header, with what is wrong; they are not
    /// in `rows`, and an import with any of them writes nothing.
    pub broken: Vec<BrokenRow>,
}

impl Table {
    /// Data rows in the file: the rows read, the broken ones, and every line a broken row
    /// swallowed (an unclosed quote reads the lines after it into one cell).
    pub fn count(&self) -> usize {
        self.rows.len() + self.broken.iter().map(|b| b.lines).sum::<usize>()
    }
}

/// A row that is not a row of cells under the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenRow {
    /// Its number (the header is row 1).
    pub row: usize,
    /// Lines of the file it covers (more than 1: a quote left open).
    pub lines: usize,
    /// What is wrong, in plain words.
    pub reason: String,
}

/// One record as read: its first line, how many lines it covers, its cells.
struct Record {
    line: usize,
    lines: usize,
    cells: Vec<String>,
}

/// Reads a CSV or workbook file into a [`Table`].
pub fn read_table(path: &Path) -> Result<Table> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    let (mut records, delimiter) = match ext.as_str() {
        "csv" | "txt" => read_csv(path)?,
        "xlsx" | "xlsm" | "xls" | "ods" => (read_workbook(path)?, None),
        _ => return Err(Error::at("path", crate::Code::SpreadsheetPathWrongType, serde_json::json!({}))),
    };
    // Trailing empty rows are common in spreadsheets.
    while records.last().is_some_and(|r| r.cells.iter().all(|c| c.trim().is_empty())) {
        records.pop();
    }
    if records.is_empty() {
        return Err(Error::at("path", crate::Code::ImportFileEmpty, serde_json::json!({})));
    }
    let header = records.remove(0);
    let headers: Vec<String> = header.cells.into_iter().map(|h| h.trim().to_string()).collect();
    if headers.iter().all(String::is_empty) {
        return Err(Error::at("path", crate::Code::SpreadsheetHeaderMissing, serde_json::json!({})));
    }
    if records.len() > MAX_ROWS {
        return Err(workbook::too_many_rows());
    }
    let width = headers.len();
    let mut table = Table { headers, rows: Vec::new(), numbers: Vec::new(), broken: Vec::new() };
    for mut r in records {
        match broken(&r, width, delimiter) {
            Some(reason) => table.broken.push(BrokenRow { row: r.line, lines: r.lines, reason }),
            None => {
                r.cells.resize(width.max(r.cells.len()), String::new());
                table.rows.push(r.cells);
                table.numbers.push(r.line);
            }
        }
    }
    Ok(table)
}

/// What makes a record something other than a row of cells under a header `width` wide, if
/// anything. A CSV row must have as many cells as the header (extra empty cells, which some
/// programs write, aside); a workbook row may be shorter (empty cells are not stored) but holds
/// nothing beyond the last header.
fn broken(r: &Record, width: usize, delimiter: Option<u8>) -> Option<String> {
    if r.lines > 1 {
        return Some(format!(
            "This row runs over {} lines: a quote (\") is not closed, or a cell holds a line break, so the lines after it were read as one cell. Close the quote or remove the line break.",
            r.lines
        ));
    }
    let filled = r.cells.iter().rposition(|c| !c.trim().is_empty()).map_or(0, |i| i + 1);
    if filled > width {
        return Some(format!(
            "This row has {filled} cells but the header names {width} columns: a cell holding a comma or semicolon needs quotes, or a column has no header."
        ));
    }
    let d = delimiter?;
    if r.cells.len() < width {
        let (used, other) = if d == b';' { (';', ',') } else { (',', ';') };
        let one = r.cells.first().map(String::as_str).unwrap_or("");
        return Some(if r.cells.len() == 1 && one.contains(other) {
            format!("This row is separated by \"{other}\" but the file by \"{used}\": write it with \"{used}\" between the cells.")
        } else {
            format!(
                "This row has {} cells but the header names {width} columns: add the missing cells (empty ones too, as \"{used}{used}\").",
                r.cells.len()
            )
        });
    }
    None
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

/// Hands on a file with each CRLF line end (Excel on Windows, Notepad) as LF. The CSV reader
/// ends a record at the `\r` of a CRLF and counts the line only when it reads the `\n`, at the
/// start of the next record, so every row of such a file was numbered one too low. A `\r` that
/// ends the buffered block waits for the next block to see what follows it.
struct CrlfAsLf<R> {
    inner: R,
    cr_pending: bool,
}

impl<R: BufRead> Read for CrlfAsLf<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        if self.cr_pending {
            self.cr_pending = false;
            if !self.inner.fill_buf()?.starts_with(b"\n") {
                out[0] = b'\r';
                return Ok(1);
            }
        }
        let data = self.inner.fill_buf()?;
        let (mut i, mut j) = (0, 0);
        while i < data.len() && j < out.len() {
            if data[i] == b'\r' {
                match data.get(i + 1) {
                    Some(b'\n') => {
                        i += 1;
                        continue;
                    }
                    None => {
                        if j == 0 {
                            self.cr_pending = true;
                            i += 1;
                        }
                        break;
                    }
                    Some(_) => {}
                }
            }
            out[j] = data[i];
            i += 1;
            j += 1;
        }
        self.inner.consume(i);
        if j == 0 && self.cr_pending {
            // Only a '\r' was left in the block: settle it against the next block.
            return self.read(out);
        }
        Ok(j)
    }
}

fn too_long(row: usize, col: usize) -> Error {
    Error::at(
        "path",
        crate::Code::ImportCellTooLong,
        serde_json::json!({"cell": workbook::a1(row as u64, col as u64), "max": MAX_CELL_CHARS}),
    )
}

/// The records of a CSV file and the separator it uses.
fn read_csv(path: &Path) -> Result<(Vec<Record>, Option<u8>)> {
    let over = Rc::new(Cell::new(false));
    let file = std::fs::File::open(path)?;
    let mut input = BufReader::new(Capped { inner: file, left: MAX_CSV_BYTES, over: over.clone() });
    let too_large =
        || Error::at("path", crate::Code::ImportFileTooLarge, serde_json::json!({"mb": MAX_CSV_BYTES >> 20}));
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
    let input = CrlfAsLf { inner: input, cr_pending: false };
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
                let at = e.position().map_or(row, |p| p.line() as usize);
                return Err(Error::at(
                    "path",
                    crate::Code::SpreadsheetRowNotCsv,
                    serde_json::json!({"at": at.to_string(), "detail": e.to_string()}),
                ));
            }
        }
        // Header and MAX_ROWS data rows; a longer file stops here, unread.
        if row > MAX_ROWS + 1 {
            return Err(workbook::too_many_rows());
        }
        if record.len() > MAX_COLUMNS {
            return Err(workbook::too_many_columns());
        }
        // A text editor's line number, which is the spreadsheet's row while no cell spans lines.
        let line = record.position().map_or(row, |p| p.line() as usize);
        let mut cells = Vec::with_capacity(record.len());
        let mut breaks = 0;
        for (col, field) in record.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| {
                Error::at("path", crate::Code::ImportRowNotUtf8, serde_json::json!({"row": line}))
            })?;
            if field.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
                return Err(too_long(line, col + 1));
            }
            // A quote left open at the end of the file takes the file's last line break too.
            breaks += text.trim_end_matches(['\r', '\n']).replace("\r\n", "\n").matches(['\n', '\r']).count();
            cells.push(text.to_string());
        }
        rows.push(Record { line, lines: breaks + 1, cells });
    }
    Ok((rows, Some(delimiter)))
}

fn read_workbook(path: &Path) -> Result<Vec<Record>> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" => workbook::check_xlsx(path)?,
        "ods" => workbook::check_zipped(path)?,
        _ => {
            if std::fs::metadata(path)?.len() > MAX_XLS_BYTES {
                return Err(Error::at(
                    "path",
                    crate::Code::ImportWorkbookTooLarge,
                    serde_json::json!({"mb": MAX_XLS_BYTES >> 20}),
                ));
            }
        }
    }
    let mut book = open_workbook_auto(path).map_err(|e| {
        Error::at(
            "path",
            crate::Code::SpreadsheetWorkbookUnreadable,
            serde_json::json!({"detail": e.to_string()}),
        )
    })?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::at("path", crate::Code::SpreadsheetWorkbookNoSheet, serde_json::json!({})))?
        .map_err(|e| {
            Error::at(
                "path",
                crate::Code::SpreadsheetSheetUnreadable,
                serde_json::json!({"detail": e.to_string()}),
            )
        })?;
    let (height, width) = range.get_size();
    if height > MAX_ROWS + 1 {
        return Err(workbook::too_many_rows());
    }
    if width > MAX_COLUMNS {
        return Err(workbook::too_many_columns());
    }
    let first = range.start().map_or(0, |(row, _)| row as usize);
    let mut rows = Vec::with_capacity(height);
    for (r, cells) in range.rows().enumerate() {
        let mut row = Vec::with_capacity(cells.len());
        for (c, cell) in cells.iter().enumerate() {
            let text = cell_text(cell);
            if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
                return Err(too_long(first + r + 1, c + 1));
            }
            row.push(text);
        }
        rows.push(Record { line: first + r + 1, lines: 1, cells: row });
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything `CrlfAsLf` hands on from `input`, read through blocks of `block` bytes into
    /// reads of `chunk` bytes, so a `\r` falls at every block's end in turn.
    fn through(input: &[u8], block: usize, chunk: usize) -> std::io::Result<Vec<u8>> {
        let mut reader = CrlfAsLf { inner: BufReader::with_capacity(block, input), cr_pending: false };
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            match reader.read(&mut buf)? {
                0 => return Ok(out),
                n => out.extend_from_slice(&buf[..n]),
            }
        }
    }

    #[test]
    fn crlf_becomes_lf_and_a_lone_cr_stays_whatever_the_block_sizes() -> std::io::Result<()> {
        let input = b"a,b\r\n\"x\r\ny\",z\r\nlone\rcr\r\n\r\nend\r";
        let want = b"a,b\n\"x\ny\",z\nlone\rcr\n\nend\r".to_vec();
        for block in 1..=8 {
            for chunk in 1..=5 {
                assert_eq!(through(input, block, chunk)?, want, "block {block}, chunk {chunk}");
            }
        }
        Ok(())
    }
}
