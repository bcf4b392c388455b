//! # Printing: sheets that staff fill in with a pen
//!
//! A [`Sheet`] is plain data: page setup, the page header's fields (centre, site, title,
//! date or week), columns and rows of cells. [`render`] turns it into PDF bytes; the caller
//! decides where the bytes go. This module knows no area of Haven: each area builds its own
//! sheets (`distribution/sheet.rs`, `activities/sheet.rs`, `rota/sheet.rs`,
//! `cases/sheet.rs`) and the API's one print path renders and writes them.
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
//! - **Nothing overflows, and nothing that matters is cut**: every line is measured from its
//!   shaped advances. Columns are at least as wide as their widest number, code or date (a
//!   short line with a digit) and their longest word, taking room from wider columns, then
//!   from signature and tick boxes ([`ColumnWidth::Auto`] columns share the rest in
//!   proportion to what their cells need on one line). Text wraps at spaces onto its column's
//!   line limit and the row grows to fit; only text past that limit is cut with "…".
//!   Right-to-left text aligns right. Headings wrap at spaces only.
//! - **The text layer is whole**: a cell cut or on several lines is one marked-content span
//!   whose ActualText is the whole cell, so search, copy and `pdftotext` give the name whole
//!   and in logical order (right-to-left text is stored as readers expect it, see `text.rs`).
//! - **Rows grow; pages follow**: a row is as tall as its fullest cell (at least the sheet's
//!   row height, 9.5 mm by default when the sheet has tick or signature columns), pages are
//!   filled row by row before anything is drawn, so "page X of Y" is known. The column
//!   headings repeat on every page; a row that starts a page inside a group (see
//!   [`Sheet::group_column`]) repeats the group's name; [`Sheet::notes`] go under the table on
//!   the last page.
//! - **Free-form pages** ([`Canvas`]) place shaped text, filled rectangles and rules where
//!   the caller says, for documents that are not tables (ID cards, bag labels).
//! - A character that no embedded font covers is drawn as "�" and listed in
//!   [`Rendered::warnings`]; it is never silently dropped.

mod canvas;
mod fonts;
mod metrics;
mod pdf;
pub mod sample;
mod sheet;
mod table;
mod text;
mod widths;
mod words;

pub use canvas::{Canvas, TextBox};
pub use sheet::{
    Align, Cell, Column, ColumnKind, ColumnWidth, Mark, PageSetup, PaperSize, RowStyle, Sheet, SheetHeader,
};
pub use words::{Language, Words};

use crate::Result;

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
