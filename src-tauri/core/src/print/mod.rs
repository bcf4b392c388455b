//! # Printing: sheets that staff fill in with a pen
//!
//! A [`Sheet`] is plain data: page setup, the page header's fields (centre, site, title,
//! date or week), columns and rows of cells. [`render`] turns it into PDF bytes; the caller
//! decides where the bytes go. Sheets of later issues (distribution, attendance, roster) only
//! build a `Sheet`.
//!
//! ```no_run
//! use haven_core::print::{render, Cell, Column, Sheet};
//! let mut sheet = Sheet::new("Distribution", vec![
//!     Column::text("Name").weight(3.0),
//!     Column::text("Code").mm(24.0),
//!     Column::tick_box("Collected"),
//!     Column::signature("Signature"),
//! ]);
//! sheet.rows.push(vec!["فاطمة أحمد".into(), "CAL-0042".into(), Cell::default(), Cell::default()]);
//! let pdf: Vec<u8> = render(&sheet)?;
//! # Ok::<(), haven_core::Error>(())
//! ```
//!
//! Decisions:
//!
//! - **Fonts are embedded** (Noto Sans, Noto Sans Arabic, Noto Sans Ethiopic; SIL OFL 1.1)
//!   and subset in the output, so a sheet looks the same on every machine. Tick, cross and
//!   warning marks are vector paths, not a symbol font.
//! - **Text is shaped by us** (unicode-bidi + rustybuzz, per-script fallback, see `text.rs`)
//!   and placed in the PDF as glyph ids with their source text attached: Arabic script is
//!   joined and right to left, Ge'ez and accents render, and copying text out of the PDF gives
//!   names in logical order.
//! - **Nothing overflows**: every line is measured from its shaped advances and either fits
//!   its cell, wraps to the column's line limit, or is cut with "…". Right-to-left text aligns
//!   right.
//! - **One row height** for the whole body, tall enough to write in (9.5 mm by default when
//!   the sheet has tick or signature columns), so pages hold a known number of rows and
//!   "page X of Y" is known before drawing. The column headings repeat on every page.
//! - A character that no embedded font covers is drawn as "�" and listed in
//!   [`Rendered::warnings`]; it is never silently dropped.

mod fonts;
mod pdf;
pub mod sheets;
mod table;
mod text;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::Result;

/// Paper size.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaperSize {
    /// ISO A4, 210 × 297 mm (the default).
    #[default]
    A4,
    /// US Letter, 8.5 × 11 in.
    Letter,
}

/// Paper size and orientation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageSetup {
    /// A4 or Letter.
    pub size: PaperSize,
    /// Long edge horizontal.
    pub landscape: bool,
}

impl PageSetup {
    /// Page width and height in millimetres.
    pub fn size_mm(&self) -> (f32, f32) {
        let (w, h) = match self.size {
            PaperSize::A4 => (210.0, 297.0),
            PaperSize::Letter => (215.9, 279.4),
        };
        if self.landscape {
            (h, w)
        } else {
            (w, h)
        }
    }
}

/// The fields of the header printed at the top of every page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetHeader {
    /// The centre's name.
    pub centre: String,
    /// The site the sheet is for ("Calais").
    pub site: String,
    /// The sheet's title ("Distribution sign-up").
    pub title: String,
    /// The date or week the sheet is for ("Week 48 · 23–29 Nov 2026").
    pub date: String,
}

/// How wide a column is.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnWidth {
    /// A fixed width in millimetres.
    Mm(f32),
    /// A share of the width the fixed columns leave.
    Weight(f32),
}

/// Where text sits in its cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Align {
    /// The side the text starts on: left for left-to-right text, right for Arabic script.
    #[default]
    Start,
    /// Centred.
    Center,
    /// The side the text ends on: right for left-to-right text, left for Arabic script.
    End,
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Text, wrapped to at most `max_lines` lines (1: one line, cut with "…").
    Text {
        /// Lines a cell may take (at least 1; fewer if the row is too short).
        max_lines: u8,
    },
    /// A drawn box to tick by hand (a cell's mark, if any, is printed in it).
    TickBox,
    /// A drawn box to sign in.
    SignatureBox,
}

/// One column of a sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Heading, repeated at the top of the table on every page.
    pub title: String,
    /// Fixed or proportional width.
    pub width: ColumnWidth,
    /// Alignment of the cells (headings are always centred).
    pub align: Align,
    /// Text, tick box or signature box.
    pub kind: ColumnKind,
}

impl Column {
    /// A one-line text column with weight 1.
    pub fn text(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            width: ColumnWidth::Weight(1.0),
            align: Align::Start,
            kind: ColumnKind::Text { max_lines: 1 },
        }
    }

    /// A tick-box column, 20 mm wide.
    pub fn tick_box(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            width: ColumnWidth::Mm(20.0),
            align: Align::Center,
            kind: ColumnKind::TickBox,
        }
    }

    /// A signature column, 40 mm wide.
    pub fn signature(title: impl Into<String>) -> Column {
        Column {
            title: title.into(),
            width: ColumnWidth::Mm(40.0),
            align: Align::Center,
            kind: ColumnKind::SignatureBox,
        }
    }

    /// With a proportional width.
    pub fn weight(mut self, weight: f32) -> Column {
        self.width = ColumnWidth::Weight(weight);
        self
    }

    /// With a fixed width in millimetres.
    pub fn mm(mut self, mm: f32) -> Column {
        self.width = ColumnWidth::Mm(mm);
        self
    }

    /// With an alignment.
    pub fn align(mut self, align: Align) -> Column {
        self.align = align;
        self
    }

    /// Text wrapped to at most `lines` lines.
    pub fn lines(mut self, lines: u8) -> Column {
        self.kind = ColumnKind::Text { max_lines: lines };
        self
    }
}

/// A drawn mark: a tick, a cross, or a warning triangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// ✓
    Tick,
    /// ✗
    Cross,
    /// ⚠
    Warning,
}

/// One cell: text and an optional mark printed before it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    /// The text (any script, mixed scripts welcome).
    pub text: String,
    /// A mark before the text, or inside the box of a tick-box column.
    pub mark: Option<Mark>,
}

impl Cell {
    /// A cell with only a mark.
    pub fn mark(mark: Mark) -> Cell {
        Cell { text: String::new(), mark: Some(mark) }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell { text: text.to_string(), mark: None }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell { text, mark: None }
    }
}

/// How body rows are told apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStyle {
    /// Every other row shaded light grey, on top of the grid lines.
    #[default]
    Zebra,
    /// Grid lines only.
    Ruled,
}

/// A printable table: everything a sheet needs, as plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// Paper size and orientation.
    pub page: PageSetup,
    /// The page header's fields; `header.title` is also the PDF's title.
    pub header: SheetHeader,
    /// The PDF's author (the centre, or the person printing).
    pub author: String,
    /// When the sheet was printed (local time), shown in the footer and the PDF's metadata.
    pub printed_at: NaiveDateTime,
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// The rows; each has exactly one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Body row height in millimetres. `None`: 9.5 mm if there are tick or signature
    /// columns (room for a pen), else just enough for the text.
    pub row_height_mm: Option<f32>,
    /// Zebra or ruled rows.
    pub row_style: RowStyle,
}

impl Sheet {
    /// An A4 portrait sheet with a title, printed now, and no rows.
    pub fn new(title: impl Into<String>, columns: Vec<Column>) -> Sheet {
        Sheet {
            page: PageSetup::default(),
            header: SheetHeader { title: title.into(), ..SheetHeader::default() },
            author: String::new(),
            printed_at: chrono::Local::now().naive_local(),
            columns,
            rows: Vec::new(),
            row_height_mm: None,
            row_style: RowStyle::default(),
        }
    }
}

/// A rendered sheet: the PDF and what the caller may want to tell the person.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Things printed differently from the data, in plain words (characters no embedded font
    /// covers, shown as "�"). Empty when the sheet is exactly the data.
    pub warnings: Vec<String>,
}

/// Renders a sheet to PDF bytes.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>> {
    render_report(sheet).map(|r| r.pdf)
}

/// Renders a sheet to PDF bytes, with the page count and any warnings.
pub fn render_report(sheet: &Sheet) -> Result<Rendered> {
    let layout = table::layout(sheet)?;
    let pages = layout.pages.len();
    let warnings = layout.warnings.clone();
    let pdf = pdf::emit(sheet, &layout)?;
    Ok(Rendered { pdf, pages, warnings })
}
