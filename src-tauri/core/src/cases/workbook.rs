//! The limits of a file to import, and checking a workbook against them before it is read: a
//! hostile file is refused while it is streamed, never after it was loaded.
//!
//! An `.xlsx` or `.ods` file is a zip of XML parts, and a small file can inflate to gigabytes (one
//! cell of a billion characters compresses to a megabyte), or name a cell a million rows and
//! thousands of columns away from the first (a spreadsheet reader then makes room for every
//! cell in between). The spreadsheet reader loads whole parts, so before it runs, the parts it
//! will read are streamed here through [`Guarded`], which stops at a size limit and at any run
//! of text too long to be a cell, and the first sheet and its shared strings are parsed as they
//! stream: each cell's text, and the rows and columns that hold values, are counted and the
//! file is refused at the first cell past a limit. Nothing here holds more than one XML event.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::rc::Rc;

use quick_xml::events::{BytesStart, Event};

use crate::{Error, Result};

/// The most rows one import takes.
pub const MAX_ROWS: usize = 100_000;
/// The most columns a file may have.
pub const MAX_COLUMNS: usize = 100;
/// The longest cell, in characters (a name, a note: far less).
pub const MAX_CELL_CHARS: usize = 10_000;

/// The largest part of a workbook read, inflated (a 100,000-row sheet is far smaller).
pub(crate) const MAX_PART_BYTES: u64 = 256 << 20;
/// The largest shared-strings part, inflated: it is held in memory whole by the reader.
pub(crate) const MAX_STRINGS_BYTES: u64 = 64 << 20;
/// The most cells in the rectangle a sheet's values span (what the reader makes room for).
pub(crate) const MAX_AREA: u64 = 3_000_000;
/// The longest text a cell may hold in the XML (escaped, UTF-8): checked per cell, so the
/// refusal names it.
const MAX_RUN: usize = 4 * MAX_CELL_CHARS + 64;
/// The longest run of bytes between two XML marks that the stream lets through: past a cell's
/// limit, so a cell a little too long is named by the cell check, and any longer is stopped
/// here before it is buffered.
const MAX_STREAM_RUN: usize = 2 * MAX_RUN;

/// Why a guarded read stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Overrun {
    /// The part inflated past its limit.
    Part,
    /// A run of text longer than any cell may be.
    Run,
}

/// A reader that fails once more than `limit` bytes came through it, or once a run of bytes
/// without `<` or `>` passes [`MAX_STREAM_RUN`] (a cell's text, or an attribute, too long to be one);
/// what it hit is left in `hit` for the caller to word.
struct Guarded<R> {
    inner: R,
    read: u64,
    limit: u64,
    run: usize,
    hit: Rc<Cell<Option<Overrun>>>,
}

impl<R: Read> Read for Guarded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            self.hit.set(Some(Overrun::Part));
            return Err(std::io::Error::other("the part is larger than allowed"));
        }
        let mut runs = buf[..n].split(|b| matches!(b, b'<' | b'>'));
        let mut last = self.run + runs.next().map_or(0, <[u8]>::len);
        let mut longest = last;
        for run in runs {
            longest = longest.max(run.len());
            last = run.len();
        }
        self.run = last;
        if longest > MAX_STREAM_RUN {
            self.hit.set(Some(Overrun::Run));
            return Err(std::io::Error::other("a text is longer than allowed"));
        }
        Ok(n)
    }
}

/// The workbook's zip, opened for checking.
struct Parts {
    zip: zip::ZipArchive<BufReader<File>>,
    file: String,
}

impl Parts {
    fn open(path: &Path) -> Result<Parts> {
        let file = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let zip = zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(|e| {
            Error::at(
                "path",
                crate::Code::WorkbookUnreadable,
                serde_json::json!({"file": file.to_string(), "detail": e.to_string()}),
            )
        })?;
        Ok(Parts { zip, file })
    }

    /// Streams the part `name` through a [`Guarded`] reader into `each` (one XML event at a
    /// time), refusing it, by its declared size first, when it is larger than `limit`.
    fn scan(&mut self, name: &str, limit: u64, mut each: impl FnMut(&Event<'_>) -> Result<()>) -> Result<()> {
        let file = self.file.clone();
        let too_large = || {
            Error::at(
                "path",
                crate::Code::ImportPartTooLarge,
                serde_json::json!({"file": file, "part": name, "mb": limit >> 20}),
            )
        };
        let part = self.zip.by_name(name).map_err(|e| {
            Error::at("path", crate::Code::WorkbookPartUnreadable, serde_json::json!({"file": file.to_string(), "name": name.to_string(), "detail": e.to_string()}))
        })?;
        if part.size() > limit {
            return Err(too_large());
        }
        let hit = Rc::new(Cell::new(None));
        let guarded = Guarded { inner: part, read: 0, limit, run: 0, hit: hit.clone() };
        let mut xml = quick_xml::Reader::from_reader(BufReader::new(guarded));
        let mut buf = Vec::new();
        loop {
            let event = match xml.read_event_into(&mut buf) {
                Ok(event) => event,
                Err(e) => {
                    return Err(match hit.get() {
                        Some(Overrun::Part) => too_large(),
                        Some(Overrun::Run) => cell_too_long(None),
                        None => Error::at(
                            "path",
                            crate::Code::ImportWorkbookUnreadable,
                            serde_json::json!({"file": file, "part": name, "detail": e.to_string()}),
                        ),
                    })
                }
            };
            if matches!(event, Event::Eof) {
                return Ok(());
            }
            each(&event)?;
            buf.clear();
        }
    }

    fn names(&self) -> Vec<String> {
        self.zip.file_names().flatten().map(|n| n.into_owned()).collect()
    }
}

fn cell_too_long(cell: Option<&str>) -> Error {
    match cell {
        Some(cell) => Error::at(
            "path",
            crate::Code::ImportCellTooLong,
            serde_json::json!({"cell": cell, "max": MAX_CELL_CHARS}),
        ),
        None => Error::at("path", crate::Code::ImportTextTooLong, serde_json::json!({"max": MAX_CELL_CHARS})),
    }
}

pub(crate) fn too_many_rows() -> Error {
    Error::at("path", crate::Code::ImportTooManyRows, serde_json::json!({"max": MAX_ROWS}))
}

pub(crate) fn too_many_columns() -> Error {
    Error::at("path", crate::Code::ImportTooManyColumns, serde_json::json!({"max": MAX_COLUMNS}))
}

/// Checks an `.ods` file (or any zipped workbook but `.xlsx`): every part inflates within
/// [`MAX_PART_BYTES`] and holds no text longer than a cell may be.
pub(crate) fn check_zipped(path: &Path) -> Result<()> {
    let mut parts = Parts::open(path)?;
    for name in parts.names() {
        if name.ends_with(".xml") {
            parts.scan(&name, MAX_PART_BYTES, |_| Ok(()))?;
        }
    }
    Ok(())
}

/// Checks an `.xlsx` file before it is loaded: the parts the reader loads (the workbook, its
/// relationships, styles, the shared strings and the first sheet) within their sizes, no cell
/// longer than [`MAX_CELL_CHARS`], and the first sheet's values within [`MAX_ROWS`] rows (and
/// the header), [`MAX_COLUMNS`] columns and [`MAX_AREA`] cells.
pub(crate) fn check_xlsx(path: &Path) -> Result<()> {
    let mut parts = Parts::open(path)?;
    let names = parts.names();
    let sheet = first_sheet(&mut parts, &names)?;
    for name in &names {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with("sharedstrings.xml") {
            scan_strings(&mut parts, name)?;
        } else if (lower.ends_with(".xml") || lower.ends_with(".rels"))
            && !lower.starts_with("xl/worksheets/")
            && !lower.starts_with("xl/media/")
        {
            parts.scan(name, MAX_PART_BYTES, |_| Ok(()))?;
        }
    }
    scan_sheet(&mut parts, &sheet)
}

/// The path of the workbook's first sheet, as the reader finds it: the first `<sheet>` of
/// `xl/workbook.xml`, through its relationship in `xl/_rels/workbook.xml.rels`.
fn first_sheet(parts: &mut Parts, names: &[String]) -> Result<String> {
    let mut rel_id = None;
    parts.scan("xl/workbook.xml", MAX_PART_BYTES, |event| {
        if let Event::Start(e) | Event::Empty(e) = event {
            if rel_id.is_none() && e.local_name().as_ref() == "sheet" {
                rel_id = e.attributes().flatten().find_map(|a| {
                    (a.key.local_name().as_ref() == "id" && a.key.prefix().is_some())
                        .then(|| a.value.to_string())
                });
            }
        }
        Ok(())
    })?;
    let no_sheet = || Error::at("path", crate::Code::SpreadsheetWorkbookNoSheet, serde_json::json!({}));
    let rel_id = rel_id.ok_or_else(no_sheet)?;
    let mut target = None;
    parts.scan("xl/_rels/workbook.xml.rels", MAX_PART_BYTES, |event| {
        if let Event::Start(e) | Event::Empty(e) = event {
            if target.is_none()
                && e.local_name().as_ref() == "Relationship"
                && attr(e, "Id") == Some(rel_id.clone())
            {
                target = attr(e, "Target");
            }
        }
        Ok(())
    })?;
    let target = target.ok_or_else(no_sheet)?;
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    names.iter().find(|n| **n == path).cloned().ok_or_else(no_sheet)
}

fn attr(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == key).map(|a| a.value.to_string())
}

/// The shared strings: each string's text within a cell's limit, the part within
/// [`MAX_STRINGS_BYTES`].
fn scan_strings(parts: &mut Parts, name: &str) -> Result<()> {
    let mut text = 0usize;
    parts.scan(name, MAX_STRINGS_BYTES, |event| {
        match event {
            Event::Start(e) if e.local_name().as_ref() == "si" => text = 0,
            Event::Text(t) => text += t.len(),
            Event::CData(t) => text += t.len(),
            Event::GeneralRef(_) => text += 1,
            _ => {}
        }
        if text > MAX_RUN {
            return Err(cell_too_long(None));
        }
        Ok(())
    })
}

/// Where the values of a sheet lie, as its cells stream past.
#[derive(Default)]
struct Extent {
    row: u64,
    next_col: u64,
    cell: Option<(u64, u64)>,
    cell_text: usize,
    has_value: bool,
    top: Option<u64>,
    bottom: u64,
    left: Option<u64>,
    right: u64,
}

impl Extent {
    fn start_row(&mut self, e: &BytesStart<'_>) {
        self.row = attr(e, "r").and_then(|r| r.parse::<u64>().ok()).map_or(self.row + 1, |r| r.max(1));
        self.next_col = 1;
    }

    fn start_cell(&mut self, e: &BytesStart<'_>) {
        let (row, col) = attr(e, "r").and_then(|r| cell_ref(&r)).unwrap_or((self.row.max(1), self.next_col));
        self.next_col = col + 1;
        self.cell = Some((row, col));
        self.cell_text = 0;
        self.has_value = false;
    }

    fn text(&mut self, len: usize) -> Result<()> {
        self.cell_text += len;
        match self.cell {
            Some((row, col)) if self.cell_text > MAX_RUN => Err(cell_too_long(Some(&a1(row, col)))),
            _ => Ok(()),
        }
    }

    fn end_cell(&mut self) -> Result<()> {
        let Some((row, col)) = self.cell.take() else { return Ok(()) };
        if !self.has_value {
            return Ok(());
        }
        let top = self.top.map_or(row, |t| t.min(row));
        self.top = Some(top);
        self.bottom = self.bottom.max(row);
        let left = self.left.map_or(col, |l| l.min(col));
        self.left = Some(left);
        self.right = self.right.max(col);
        let height = self.bottom - top + 1;
        let width = self.right - left + 1;
        if height > MAX_ROWS as u64 + 1 {
            return Err(too_many_rows());
        }
        if width > MAX_COLUMNS as u64 {
            return Err(too_many_columns());
        }
        if height * width > MAX_AREA {
            return Err(Error::at(
                "path",
                crate::Code::ImportTooManyCells,
                serde_json::json!({"rows": height, "columns": width, "max": MAX_AREA}),
            ));
        }
        Ok(())
    }
}

/// The first sheet: its cells' text, and the rectangle its values span, checked cell by cell.
fn scan_sheet(parts: &mut Parts, name: &str) -> Result<()> {
    let mut at = Extent::default();
    parts.scan(name, MAX_PART_BYTES, |event| match event {
        Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "row" => {
            at.start_row(e);
            Ok(())
        }
        Event::Start(e) if e.local_name().as_ref() == "c" => {
            at.start_cell(e);
            Ok(())
        }
        Event::Empty(e) if e.local_name().as_ref() == "c" => {
            // A cell with no content (a style only): it moves the column on, holds nothing.
            at.start_cell(e);
            at.cell = None;
            Ok(())
        }
        Event::Start(e) | Event::Empty(e) if matches!(e.local_name().as_ref(), "v" | "is" | "t") => {
            at.has_value |= at.cell.is_some();
            Ok(())
        }
        Event::End(e) if e.local_name().as_ref() == "c" => at.end_cell(),
        Event::Text(t) => at.text(t.len()),
        Event::CData(t) => at.text(t.len()),
        Event::GeneralRef(_) => at.text(1),
        _ => Ok(()),
    })
}

/// A cell reference (`B12`) as 1-based row and column.
fn cell_ref(r: &str) -> Option<(u64, u64)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let col = letters.bytes().fold(0u64, |n, b| n * 26 + u64::from(b - b'A' + 1));
    let row = digits.parse::<u64>().ok().filter(|r| *r > 0)?;
    Some((row, col))
}

/// A 1-based row and column as a cell reference (`B12`).
pub(crate) fn a1(row: u64, col: u64) -> String {
    let mut letters = Vec::new();
    let mut n = col;
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &row.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_read_both_ways() {
        assert_eq!(cell_ref("A1"), Some((1, 1)));
        assert_eq!(cell_ref("XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref("a1"), None);
        assert_eq!(cell_ref("A0"), None);
        assert_eq!(a1(12, 2), "B12");
        assert_eq!(a1(1, 27), "AA1");
        assert_eq!(a1(1_048_576, 16_384), "XFD1048576");
    }

    #[test]
    fn a_long_run_of_text_stops_the_read() {
        let hit = Rc::new(Cell::new(None));
        let text = format!("<t>{}</t>", "a".repeat(MAX_STREAM_RUN + 1));
        let mut g = Guarded { inner: text.as_bytes(), read: 0, limit: u64::MAX, run: 0, hit: hit.clone() };
        let mut sink = Vec::new();
        assert!(g.read_to_end(&mut sink).is_err());
        assert_eq!(hit.get(), Some(Overrun::Run));
    }

    #[test]
    fn a_part_past_its_limit_stops_the_read() {
        let hit = Rc::new(Cell::new(None));
        let text = "<a></a>".repeat(100);
        let mut g = Guarded { inner: text.as_bytes(), read: 0, limit: 300, run: 0, hit: hit.clone() };
        let mut sink = Vec::new();
        assert!(g.read_to_end(&mut sink).is_err());
        assert_eq!(hit.get(), Some(Overrun::Part));
    }
}
