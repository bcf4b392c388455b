//! Free-form pages: text, filled rectangles and rules placed where the caller says, for
//! documents that are not tables (ID cards, bag labels). Text is shaped and embedded exactly
//! as a sheet's cells are (`text.rs`, `pdf.rs`), so names in every script print the same way.
//!
//! Measures are in millimetres from the page's top-left corner, as a ruler on paper reads
//! them; the PDF writer's points from the bottom-left are computed here.

use chrono::NaiveDateTime;

use super::fonts::Weight;
use super::metrics::MM;
use super::sheet::{Align, Sheet};
use super::table::{Draw, Layout, Page, Span};
use super::text::{Shaper, TextStyle};
use super::Rendered;
use crate::Result;

/// A document of free-form pages. Build it page by page, then [`Canvas::render`] it.
pub struct Canvas {
    /// Title, author and print time, for the PDF's metadata.
    meta: Sheet,
    width: f32,
    height: f32,
    pages: Vec<Page>,
    shaper: Shaper,
    missing: Vec<char>,
}

/// How a line of text is set on a [`Canvas`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextBox {
    /// Left edge of the box, mm from the page's left.
    pub x: f32,
    /// Baseline, mm from the page's top.
    pub baseline: f32,
    /// Width of the box in mm: longer text is cut with "…", whole in the text layer.
    pub width: f32,
    /// Type size in points.
    pub size: f32,
    /// Bold.
    pub bold: bool,
    /// Where in the box: the start side follows the text's direction.
    pub align: Align,
}

impl Canvas {
    /// An empty document of `width_mm` × `height_mm` pages, with one page begun.
    pub fn new(
        title: &str,
        author: &str,
        printed_at: NaiveDateTime,
        width_mm: f32,
        height_mm: f32,
    ) -> Result<Canvas> {
        let mut meta = Sheet::new(title, Vec::new());
        meta.author = author.to_string();
        meta.printed_at = printed_at;
        Ok(Canvas {
            meta,
            width: width_mm * MM,
            height: height_mm * MM,
            pages: vec![Page::default()],
            shaper: Shaper::new()?,
            missing: Vec::new(),
        })
    }

    /// Starts a new page; what follows is drawn on it.
    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
    }

    fn draws(&mut self) -> &mut Vec<Draw> {
        if self.pages.is_empty() {
            self.pages.push(Page::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].draws
    }

    /// A black rectangle (a barcode's bar, a QR code's module); top-left corner at (x, y) mm.
    pub fn fill(&mut self, x: f32, y: f32, w: f32, h: f32) {
        let page_h = self.height;
        self.draws().push(Draw::Fill {
            x: x * MM,
            y: page_h - (y + h) * MM,
            w: w * MM,
            h: h * MM,
            grey: 0.0,
        });
    }

    /// A stroked rectangle (a tick box); top-left corner at (x, y) mm, line `width` points.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let page_h = self.height;
        self.draws().push(Draw::Box { x: x * MM, y: page_h - (y + h) * MM, w: w * MM, h: h * MM, width });
    }

    /// A straight line from (x1, y1) to (x2, y2) mm, `width` points, `grey` 0 (black) to 1.
    pub fn rule(&mut self, (x1, y1): (f32, f32), (x2, y2): (f32, f32), width: f32, grey: f32) {
        let page_h = self.height;
        self.draws().push(Draw::Rule {
            x1: x1 * MM,
            y1: page_h - y1 * MM,
            x2: x2 * MM,
            y2: page_h - y2 * MM,
            width,
            grey,
        });
    }

    /// The width in mm `text` takes on one line at `size` points.
    pub fn measure(&mut self, text: &str, size: f32, bold: bool) -> f32 {
        self.shaper.width(text, style(size, bold), None) / MM
    }

    /// Sets `text` on one line in its box: shaped, right to left where it should be, cut with
    /// "…" when longer than the box (its whole text kept in the text layer).
    pub fn text(&mut self, text: &str, b: TextBox) {
        if text.trim().is_empty() {
            return;
        }
        let line = self.shaper.fit(text, style(b.size, b.bold), b.width * MM, None);
        self.missing.extend(line.missing.iter().copied());
        let (x, w) = (b.x * MM, b.width * MM);
        let right = match b.align {
            Align::Start => line.rtl,
            Align::End => !line.rtl,
            Align::Center => false,
        };
        let x = match b.align {
            Align::Center => x + (w - line.width) / 2.0,
            _ if right => x + w - line.width,
            _ => x,
        };
        let span = if line.truncated { Span::Begin { text: text.into(), end: true } } else { Span::None };
        let y = self.height - b.baseline * MM;
        self.draws().push(Draw::Text { x, y, size: b.size, line, span });
    }

    /// The PDF, its page count and any warnings (characters no embedded font covers).
    pub fn render(self) -> Result<Rendered> {
        let mut warnings = Vec::new();
        if !self.missing.is_empty() {
            let mut chars = self.missing.clone();
            chars.sort_unstable();
            chars.dedup();
            let listed: Vec<String> =
                chars.iter().take(8).map(|c| format!("{c} (U+{:04X})", *c as u32)).collect();
            warnings.push(format!(
                "{} cannot be printed with the embedded fonts and shows as \u{FFFD}.",
                listed.join(", ")
            ));
        }
        let layout =
            Layout { width: self.width, height: self.height, pages: self.pages, warnings: warnings.clone() };
        let pdf = super::pdf::emit(&self.meta, &layout)?;
        Ok(Rendered { pdf, pages: layout.pages.len(), warnings })
    }
}

fn style(size: f32, bold: bool) -> TextStyle {
    TextStyle { size, weight: if bold { Weight::Bold } else { Weight::Regular } }
}
