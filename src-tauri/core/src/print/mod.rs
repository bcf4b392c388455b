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
pub mod sample;
mod sheet;
mod table;
mod text;

pub use sheet::{
    Align, Cell, Column, ColumnKind, ColumnWidth, Mark, PageSetup, PaperSize, RowStyle, Sheet, SheetHeader,
};

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
