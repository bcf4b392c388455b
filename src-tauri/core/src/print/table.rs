//! Layout: a [`Sheet`] becomes pages of positioned drawing items (points, origin at the
//! bottom-left corner, as in PDF). Nothing here knows the PDF format; `pdf.rs` writes the
//! items out.
//!
//! Every cell is laid out before anything is drawn: a row is as tall as its fullest cell, and
//! pages are filled row by row, so "page X of Y" is known. Every text line is fitted to its
//! cell by the measuring code in `text.rs`; column widths come from `widths.rs`; layout only
//! decides the boxes.

use super::metrics::*;
use super::sheet::{Align, Cell, ColumnKind, ColumnWidth, Mark, RowStyle, Sheet};
use super::text::{Line, Shaper, TextStyle};
use super::widths::column_widths;
use crate::{Error, Result};

/// One thing to draw. Coordinates in points from the bottom-left corner of the page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Draw {
    /// A filled grey rectangle.
    Fill { x: f32, y: f32, w: f32, h: f32, grey: f32 },
    /// A stroked rectangle.
    Box { x: f32, y: f32, w: f32, h: f32, width: f32 },
    /// A straight line.
    Rule { x1: f32, y1: f32, x2: f32, y2: f32, width: f32, grey: f32 },
    /// A shaped line of text with its left end of baseline at (x, y).
    Text { x: f32, y: f32, size: f32, line: Line, span: Span },
    /// A mark in the square of side `size` whose bottom-left corner is (x, y).
    Mark { mark: Mark, x: f32, y: f32, size: f32 },
}

/// Whether a text item opens or closes a span whose text layer is given whole
/// (ActualText): a cell cut with "…" still copies and searches as all of its text.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) enum Span {
    /// Plain text: its glyphs carry their own text.
    #[default]
    None,
    /// The first line of a cut cell, with the cell's whole text; `end` when it is also the
    /// last line.
    Begin { text: Box<str>, end: bool },
    /// The last line of a cut cell of several lines.
    End,
}

/// One laid-out page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub draws: Vec<Draw>,
}

/// The laid-out document.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    /// Page width and height in points.
    pub width: f32,
    pub height: f32,
    pub pages: Vec<Page>,
    /// What was printed differently from the data.
    pub warnings: Vec<String>,
}

/// A text box: where a cell's lines may go.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellBox {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

struct Warnings {
    list: Vec<String>,
    more: usize,
}

impl Warnings {
    fn missing(&mut self, place: &str, missing: &[char]) {
        if missing.is_empty() {
            return;
        }
        if self.list.len() >= MAX_WARNINGS {
            self.more += 1;
            return;
        }
        let mut chars: Vec<char> = missing.to_vec();
        chars.dedup();
        let listed: Vec<String> =
            chars.iter().take(8).map(|c| format!("{c} (U+{:04X})", *c as u32)).collect();
        self.list.push(format!(
            "{place}: {} cannot be printed with the embedded fonts and shows as \u{FFFD}.",
            listed.join(", ")
        ));
    }

    fn finish(mut self) -> Vec<String> {
        if self.more > 0 {
            self.list
                .push(format!("... and {} more cells with characters that show as \u{FFFD}.", self.more));
        }
        self.list
    }
}

/// A body row with its cells' lines shaped and its height known.
struct RowLines {
    height: f32,
    /// One entry per column: the lines of a text cell (empty for boxes and empty cells) and
    /// the text layer of the whole cell when it is cut or on several lines.
    cells: Vec<CellLines>,
}

/// A text cell's lines and the whole text for its text layer (when cut or on several lines).
type CellLines = (Vec<Line>, Option<Box<str>>);

/// Checks the sheet and lays it out.
pub(crate) fn layout(sheet: &Sheet) -> Result<Layout> {
    validate(sheet)?;
    let (page_w, page_h) = sheet.page.size_mm();
    let (page_w, page_h) = (page_w * MM, page_h * MM);
    let table_w = page_w - 2.0 * MARGIN;
    let mut shaper = Shaper::new()?;
    let widths = column_widths(sheet, table_w, &mut shaper)?;
    let mut warnings = Warnings { list: Vec::new(), more: 0 };

    // Headings wrap at spaces only (columns are at least as wide as their longest word).
    let line_h = BODY.size * LINE_FACTOR;
    let heading_lines: Vec<Vec<Line>> = sheet
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| shaper.wrap(&c.title, HEADING, w - 2.0 * PAD_X, HEADING_LINES))
        .collect();
    for (c, lines) in sheet.columns.iter().zip(&heading_lines) {
        warnings.missing(&format!("Heading \"{}\"", c.title), &missing_of(lines));
    }
    let most_heading_lines = heading_lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let heading_h = (most_heading_lines as f32 * HEADING.size * LINE_FACTOR + 2.0 * PAD_Y).max(7.0 * MM);

    let table_top = page_h - MARGIN - HEADER_HEIGHT;
    let table_bottom = MARGIN + FOOTER_HEIGHT;
    let room = table_top - table_bottom - heading_h;
    let min_row = row_height(sheet, line_h);
    if min_row > room {
        return Err(Error::at("row_height_mm", crate::Code::PrintRowHeightMmTooTall, serde_json::json!({})));
    }
    // No cell may take more lines than a page holds.
    let page_lines = (((room - 2.0 * PAD_Y) / line_h).floor() as usize).max(1);

    // Every cell's lines first: a row is as tall as its fullest cell (at least `min_row`).
    let mut rows = Vec::with_capacity(sheet.rows.len());
    for (r, row) in sheet.rows.iter().enumerate() {
        let mut cells = Vec::with_capacity(row.len());
        let mut most = 0usize;
        for (column, (cell, w)) in sheet.columns.iter().zip(row.iter().zip(&widths)) {
            let laid = match column.kind {
                ColumnKind::Text { max_lines } => {
                    let laid = text_lines(&mut shaper, cell, *w, (max_lines as usize).clamp(1, page_lines));
                    let missing = missing_of(&laid.0);
                    if !missing.is_empty() {
                        warnings.missing(&format!("Row {}, column \"{}\"", r + 1, column.title), &missing);
                    }
                    laid
                }
                _ => (Vec::new(), None),
            };
            most = most.max(laid.0.len());
            cells.push(laid);
        }
        let height = (most as f32 * line_h + 2.0 * PAD_Y).max(min_row).min(room);
        rows.push(RowLines { height, cells });
    }

    // A row that starts a page inside a group repeats the group's text: its lines and the
    // height they need, per group start.
    let group = sheet.group_column.filter(|g| *g < sheet.columns.len());
    let mut group_of: Vec<Option<usize>> = vec![None; rows.len()];
    let mut continued: std::collections::HashMap<usize, (CellLines, f32)> = std::collections::HashMap::new();
    if let Some(g) = group {
        let mut current = None;
        for (i, row) in sheet.rows.iter().enumerate() {
            if !row[g].text.trim().is_empty() {
                current = Some(i);
            } else {
                group_of[i] = current;
            }
        }
        if let ColumnKind::Text { max_lines } = sheet.columns[g].kind {
            for start in group_of.iter().flatten().copied().collect::<std::collections::BTreeSet<_>>() {
                let cell = Cell {
                    text: super::Words::of(sheet.language)
                        .fill("print.continued", &[("text", sheet.rows[start][g].text.trim())]),
                    mark: sheet.rows[start][g].mark,
                };
                let laid =
                    text_lines(&mut shaper, &cell, widths[g], (max_lines as usize).clamp(1, page_lines));
                let h = laid.0.len() as f32 * line_h + 2.0 * PAD_Y;
                continued.insert(start, (laid, h));
            }
        }
    }
    let notes = notes_lines(&mut shaper, sheet, table_w);
    let notes_h = notes_height(&notes);

    // Pages: as many rows as fit under the heading (the notes go under the last one).
    let mut breaks = vec![0usize];
    let mut used = 0.0;
    for i in 0..rows.len() {
        let mut h = rows[i].height;
        if used > 0.0 && used + h > room + 0.01 {
            breaks.push(i);
            used = 0.0;
        }
        if used == 0.0 {
            if let Some((laid, need)) = group_of[i].and_then(|s| continued.get(&s)) {
                h = h.max(*need).min(room);
                rows[i].height = h;
                if let Some(g) = group {
                    rows[i].cells[g] = laid.clone();
                }
            }
        }
        used += h;
    }
    if notes_h > 0.0 && used + notes_h > room + 0.01 {
        breaks.push(rows.len());
    }
    breaks.push(rows.len());
    let page_count = breaks.len() - 1;

    let mut pages = Vec::with_capacity(page_count);
    for p in 0..page_count {
        let mut draws = Vec::new();
        page_header(&mut shaper, sheet, &mut draws, page_w, page_h);
        page_footer(&mut shaper, sheet, &mut draws, page_w, p + 1, page_count);

        let first = breaks[p];
        let page_rows = rows.get_mut(first..breaks[p + 1]).unwrap_or_default();
        let body_h: f32 = page_rows.iter().map(|r| r.height).sum();
        let bottom = table_top - heading_h - body_h;

        // Heading row: shaded, bold, centred.
        draws.push(Draw::Fill {
            x: MARGIN,
            y: table_top - heading_h,
            w: table_w,
            h: heading_h,
            grey: HEADING_GREY,
        });
        let mut x = MARGIN;
        for (lines, w) in heading_lines.iter().zip(&widths) {
            let cell = CellBox { x: x + PAD_X, y: table_top - heading_h, w: w - 2.0 * PAD_X, h: heading_h };
            place_lines(&mut draws, lines.clone(), cell, Align::Center, HEADING, None);
            x += w;
        }

        // Body rows.
        let mut top = table_top - heading_h;
        for (i, laid) in page_rows.iter_mut().enumerate() {
            let row_h = laid.height;
            let y = top - row_h;
            top = y;
            let row = &sheet.rows[first + i];
            let shaded = sheet.row_style == RowStyle::Zebra && (first + i) % 2 == 1;
            if shaded {
                draws.push(Draw::Fill { x: MARGIN, y, w: table_w, h: row_h, grey: ZEBRA_GREY });
            }
            let mut x = MARGIN;
            for (((column, cell), w), lines) in
                sheet.columns.iter().zip(row).zip(&widths).zip(&mut laid.cells)
            {
                let cell_box = CellBox { x, y, w: *w, h: row_h };
                match column.kind {
                    ColumnKind::Text { .. } => {
                        let (lines, actual) = std::mem::take(lines);
                        text_cell(&mut draws, cell, lines, actual, cell_box, column.align)
                    }
                    ColumnKind::TickBox => tick_cell(&mut draws, cell, cell_box, shaded),
                    ColumnKind::SignatureBox => {
                        let inset = 1.0 * MM;
                        let (bx, by, bw, bh) = (x + inset, y + inset, w - 2.0 * inset, row_h - 2.0 * inset);
                        if shaded {
                            // Ink goes on white.
                            draws.push(Draw::Fill { x: bx, y: by, w: bw, h: bh, grey: 1.0 });
                        }
                        draws.push(Draw::Box { x: bx, y: by, w: bw, h: bh, width: 0.6 });
                    }
                }
                x += w;
            }
            draws.push(Draw::Rule {
                x1: MARGIN,
                y1: y,
                x2: MARGIN + table_w,
                y2: y,
                width: 0.4,
                grey: GRID_GREY,
            });
        }

        // Grid: heading rule, column rules and the outer frame.
        let heading_bottom = table_top - heading_h;
        draws.push(Draw::Rule {
            x1: MARGIN,
            y1: heading_bottom,
            x2: MARGIN + table_w,
            y2: heading_bottom,
            width: 0.8,
            grey: 0.0,
        });
        let mut x = MARGIN;
        for w in &widths[..widths.len().saturating_sub(1)] {
            x += w;
            draws.push(Draw::Rule { x1: x, y1: bottom, x2: x, y2: table_top, width: 0.4, grey: GRID_GREY });
        }
        draws.push(Draw::Box { x: MARGIN, y: bottom, w: table_w, h: table_top - bottom, width: 0.8 });
        if p + 1 == page_count {
            place_notes(&mut draws, &notes, MARGIN, bottom);
        }
        pages.push(Page { draws });
    }
    Ok(Layout { width: page_w, height: page_h, pages, warnings: warnings.finish() })
}

/// Height of a line of notes under the table.
const NOTES_LINE: f32 = 6.0 * MM;
/// Room between the table and the notes.
const NOTES_TOP: f32 = 2.0 * MM;
/// Room between two notes on a line.
const NOTES_GAP: f32 = 6.0 * MM;

/// A note under the table: its mark and its one line of text, and where it starts (from the
/// table's left edge, and which line).
struct Note {
    mark: Option<Mark>,
    line: Line,
    x: f32,
    row: usize,
}

/// The sheet's notes flowed left to right onto as many lines as they need, each note whole
/// (one wider than the table is cut with "…").
fn notes_lines(shaper: &mut Shaper, sheet: &Sheet, table_w: f32) -> Vec<Note> {
    let mut notes = Vec::new();
    let (mut x, mut row) = (0.0, 0usize);
    for cell in sheet.notes.iter().filter(|c| !c.text.trim().is_empty() || c.mark.is_some()) {
        let mark_w = if cell.mark.is_some() { MARK_SIZE + 1.0 * MM } else { 0.0 };
        let line = shaper.fit(cell.text.trim(), BODY, (table_w - mark_w).max(0.0), None);
        let w = mark_w + line.width;
        if x > 0.0 && x + w > table_w {
            row += 1;
            x = 0.0;
        }
        notes.push(Note { mark: cell.mark, line, x, row });
        x += w + NOTES_GAP;
    }
    notes
}

/// The height the notes take under the table (nothing when there are none).
fn notes_height(notes: &[Note]) -> f32 {
    notes.iter().map(|n| n.row + 1).max().map_or(0.0, |rows| NOTES_TOP + rows as f32 * NOTES_LINE)
}

/// Draws the notes from `left`, their first line just under `top`.
fn place_notes(draws: &mut Vec<Draw>, notes: &[Note], left: f32, top: f32) {
    for note in notes {
        let mut x = left + note.x;
        let y = top - NOTES_TOP - (note.row + 1) as f32 * NOTES_LINE;
        if let Some(mark) = note.mark {
            draws.push(Draw::Mark { mark, x, y: y + (NOTES_LINE - MARK_SIZE) / 2.0, size: MARK_SIZE });
            x += MARK_SIZE + 1.0 * MM;
        }
        let baseline = y + NOTES_LINE / 2.0 - 0.35 * BODY.size;
        draws.push(Draw::Text { x, y: baseline, size: BODY.size, line: note.line.clone(), span: Span::None });
    }
}

fn missing_of(lines: &[Line]) -> Vec<char> {
    lines.iter().flat_map(|l| l.missing.iter().copied()).collect()
}

fn validate(sheet: &Sheet) -> Result<()> {
    if sheet.columns.is_empty() {
        return Err(Error::at("columns", crate::Code::PrintColumnsMissing, serde_json::json!({})));
    }
    for (i, c) in sheet.columns.iter().enumerate() {
        let ok = match c.width {
            ColumnWidth::Mm(mm) => mm.is_finite() && mm > 0.0,
            ColumnWidth::Weight(w) => w.is_finite() && w > 0.0,
            ColumnWidth::Auto => true,
        };
        if !ok {
            return Err(Error::at(
                format!("columns[{i}].width"),
                crate::Code::PrintColumnWidthZero,
                serde_json::json!({"title": c.title}),
            ));
        }
        if matches!(c.kind, ColumnKind::Text { max_lines: 0 }) {
            return Err(Error::at(
                format!("columns[{i}].kind"),
                crate::Code::PrintColumnNoLines,
                serde_json::json!({"title": c.title}),
            ));
        }
    }
    if let Some(h) = sheet.row_height_mm {
        if !(h.is_finite() && (4.0..=60.0).contains(&h)) {
            return Err(Error::at(
                "row_height_mm",
                crate::Code::PrintRowHeightMmOutOfRange,
                serde_json::json!({}),
            ));
        }
    }
    let n = sheet.columns.len();
    if let Some((i, row)) = sheet.rows.iter().enumerate().find(|(_, r)| r.len() != n) {
        return Err(Error::at(
            format!("rows[{i}]"),
            crate::Code::PrintRowCells,
            serde_json::json!({"row": i + 1, "cells": row.len(), "columns": n}),
        ));
    }
    Ok(())
}

/// The smallest body row height: the sheet's own; else tall enough for the most lines a
/// fixed or proportional column allows (a content-sized column's rows just grow), and at
/// least 9.5 mm when there are tick or signature columns (room for a pen), else 7 mm. Rows
/// grow past it to fit their text.
fn row_height(sheet: &Sheet, line_h: f32) -> f32 {
    if let Some(mm) = sheet.row_height_mm {
        return mm * MM;
    }
    let pen = sheet.columns.iter().any(|c| matches!(c.kind, ColumnKind::TickBox | ColumnKind::SignatureBox));
    let most_lines = sheet
        .columns
        .iter()
        .filter(|c| c.width != ColumnWidth::Auto)
        .map(|c| if let ColumnKind::Text { max_lines } = c.kind { max_lines.min(6) as usize } else { 1 })
        .max()
        .unwrap_or(1);
    let text = most_lines as f32 * line_h + 2.0 * PAD_Y;
    if pen {
        text.max(PEN_ROW)
    } else {
        text.max(7.0 * MM)
    }
}

/// Where a cell's text goes in its column box of width `w`: inside the padding, beside the
/// mark if there is one. Returns (left inset, width).
fn text_room(cell: &Cell, w: f32) -> (f32, f32) {
    let inner = w - 2.0 * PAD_X;
    if cell.mark.is_none() {
        return (PAD_X, inner);
    }
    let rtl = Shaper::is_rtl(&cell.text);
    let taken = MARK_SIZE + 1.0 * MM;
    (if rtl { PAD_X } else { PAD_X + taken }, inner - taken)
}

/// A text cell's lines in a column of width `w`: wrapped at spaces onto up to `lines` lines,
/// cut with "…" only past them. A cell cut or on several lines also gets its whole text for
/// the PDF's text layer (ActualText), so it reads back whole wherever a reader's column
/// guessing would split it: the text of its glyphs set on one line, which is how readers
/// expect right-to-left text (see `text.rs`).
fn text_lines(shaper: &mut Shaper, cell: &Cell, w: f32, lines: usize) -> CellLines {
    let (_, room) = text_room(cell, w);
    if cell.text.trim().is_empty() || room <= 0.0 {
        return (Vec::new(), None);
    }
    let laid = if lines == 1 && !cell.text.contains('\n') {
        vec![shaper.fit(&cell.text, BODY, room, None)]
    } else {
        shaper.wrap(&cell.text, BODY, room, lines)
    };
    let actual = (laid.len() > 1 || laid.iter().any(|l| l.truncated)).then(|| {
        let whole = cell.text.split_whitespace().collect::<Vec<_>>().join(" ");
        shaper.shape(&whole, BODY, None).glyphs.iter().map(|g| &*g.text).collect::<String>().into_boxed_str()
    });
    (laid, actual)
}

/// Draws a text cell's mark and lines, with `actual` as the text layer of all of them.
fn text_cell(
    draws: &mut Vec<Draw>,
    cell: &Cell,
    lines: Vec<Line>,
    actual: Option<Box<str>>,
    b: CellBox,
    align: Align,
) {
    let (left, room) = text_room(cell, b.w);
    if let Some(mark) = cell.mark {
        // The mark sits on the side the text starts from.
        let rtl = Shaper::is_rtl(&cell.text);
        let my = b.y + (b.h - MARK_SIZE) / 2.0;
        let mx = if rtl { b.x + b.w - PAD_X - MARK_SIZE } else { b.x + PAD_X };
        draws.push(Draw::Mark { mark, x: mx, y: my, size: MARK_SIZE });
    }
    if lines.is_empty() {
        return;
    }
    place_lines(draws, lines, CellBox { x: b.x + left, y: b.y, w: room, h: b.h }, align, BODY, actual);
}

fn tick_cell(draws: &mut Vec<Draw>, cell: &Cell, b: CellBox, shaded: bool) {
    let side = TICK_BOX.min(b.w - 2.0 * PAD_X).min(b.h - 2.0 * PAD_Y).max(0.0);
    let x = b.x + (b.w - side) / 2.0;
    let y = b.y + (b.h - side) / 2.0;
    if shaded {
        draws.push(Draw::Fill { x, y, w: side, h: side, grey: 1.0 });
    }
    draws.push(Draw::Box { x, y, w: side, h: side, width: 0.8 });
    if let Some(mark) = cell.mark {
        let m = side * 0.8;
        draws.push(Draw::Mark { mark, x: x + (side - m) / 2.0, y: y + (side - m) / 2.0, size: m });
    }
}

/// Puts lines in a box, vertically centred, aligned by `align` and each line's direction.
pub(crate) fn place_lines(
    draws: &mut Vec<Draw>,
    lines: Vec<Line>,
    b: CellBox,
    align: Align,
    style: TextStyle,
    actual: Option<Box<str>>,
) {
    let line_h = style.size * LINE_FACTOR;
    let block = lines.len() as f32 * line_h;
    let top = b.y + (b.h + block) / 2.0;
    let last = lines.len().saturating_sub(1);
    let mut actual = actual;
    let spans = actual.is_some();
    for (i, line) in lines.into_iter().enumerate() {
        let x = aligned_x(&line, b.x, b.w, align);
        // Centre the cap height in the line box.
        let y = top - (i as f32 + 0.5) * line_h - 0.35 * style.size;
        let span = match (actual.take(), spans && i == last) {
            (Some(text), end) => Span::Begin { text, end },
            (None, true) => Span::End,
            (None, false) => Span::None,
        };
        draws.push(Draw::Text { x, y, size: style.size, line, span });
    }
}

fn aligned_x(line: &Line, x: f32, w: f32, align: Align) -> f32 {
    let right = match align {
        Align::Start => line.rtl,
        Align::End => !line.rtl,
        Align::Center => return x + (w - line.width) / 2.0,
    };
    if right {
        x + w - line.width
    } else {
        x
    }
}

fn page_header(shaper: &mut Shaper, sheet: &Sheet, draws: &mut Vec<Draw>, page_w: f32, page_h: f32) {
    let h = &sheet.header;
    let width = page_w - 2.0 * MARGIN;
    let top = page_h - MARGIN;
    // Line 1: centre and site, small. Line 2: title (left) and date or week (right).
    let place = [h.centre.trim(), h.site.trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" · ");
    let date = shaper.fit(&h.date, SUBTITLE, width * 0.4, None);
    let date_w = date.width;
    let line1 = shaper.fit(&place, SUBTITLE, width, Some(false));
    draws.push(Draw::Text {
        x: MARGIN,
        y: top - 4.0 * MM,
        size: SUBTITLE.size,
        line: line1,
        span: Span::None,
    });
    let title = shaper.fit(&h.title, TITLE, width - date_w - 6.0 * MM, Some(false));
    draws.push(Draw::Text { x: MARGIN, y: top - 10.5 * MM, size: TITLE.size, line: title, span: Span::None });
    draws.push(Draw::Text {
        x: page_w - MARGIN - date_w,
        y: top - 10.5 * MM,
        size: SUBTITLE.size,
        line: date,
        span: Span::None,
    });
    draws.push(Draw::Rule {
        x1: MARGIN,
        y1: top - 13.0 * MM,
        x2: page_w - MARGIN,
        y2: top - 13.0 * MM,
        width: 1.0,
        grey: 0.0,
    });
}

fn page_footer(
    shaper: &mut Shaper,
    sheet: &Sheet,
    draws: &mut Vec<Draw>,
    page_w: f32,
    page: usize,
    pages: usize,
) {
    let width = page_w - 2.0 * MARGIN;
    let y = MARGIN + 1.5 * MM;
    let words = super::Words::of(sheet.language);
    let text = words.fill(
        "print.footer",
        &[
            ("when", &words.stamp(sheet.printed_at)),
            ("page", &page.to_string()),
            ("pages", &pages.to_string()),
        ],
    );
    let right = shaper.fit(&text, FOOTER, width * 0.6, Some(false));
    let right_w = right.width;
    draws.push(Draw::Text {
        x: page_w - MARGIN - right_w,
        y,
        size: FOOTER.size,
        line: right,
        span: Span::None,
    });
    let left = shaper.fit(&sheet.header.title, FOOTER, width - right_w - 6.0 * MM, Some(false));
    draws.push(Draw::Text { x: MARGIN, y, size: FOOTER.size, line: left, span: Span::None });
    draws.push(Draw::Rule {
        x1: MARGIN,
        y1: y + 3.5 * MM,
        x2: page_w - MARGIN,
        y2: y + 3.5 * MM,
        width: 0.4,
        grey: GRID_GREY,
    });
}

#[cfg(test)]
mod tests {
    use super::super::sheet::{Column, PageSetup, PaperSize};
    use super::*;

    fn sheet(rows: usize) -> Sheet {
        let mut s = Sheet::new(
            "Test",
            vec![
                Column::text("No.").mm(12.0).align(Align::End),
                Column::text("Name").weight(3.0),
                Column::text("Notes").weight(2.0).lines(2),
                Column::tick_box("Collected"),
                Column::signature("Signature"),
            ],
        );
        let names = [
            "فاطمة أحمد (CAL-0042)",
            "ተስፋዬ ገብረመድህን",
            "Zoé Ngoné Nguyễn Thị Phương Anh de la Fontaine",
            "گلالۍ ځدراڼ",
        ];
        for i in 0..rows {
            s.rows.push(vec![
                (i + 1).to_string().into(),
                names[i % names.len()].into(),
                "Needs size 4 nappies and baby milk (first stage), collects for her sister too".into(),
                Cell::default(),
                Cell::default(),
            ]);
        }
        s
    }

    /// Every text item of a page lies inside one column of the table or the page margins.
    fn assert_text_inside_cells(layout: &Layout, sheet: &Sheet) {
        let table_w = layout.width - 2.0 * MARGIN;
        let widths = column_widths(sheet, table_w, &mut Shaper::new().unwrap()).unwrap();
        let mut edges = vec![MARGIN];
        for w in &widths {
            edges.push(edges.last().unwrap() + w);
        }
        let table_top = layout.height - MARGIN - HEADER_HEIGHT;
        for page in &layout.pages {
            for d in &page.draws {
                if let Draw::Text { x, y, line, .. } = d {
                    if *y > table_top || *y < MARGIN + FOOTER_HEIGHT {
                        // Page header and footer: inside the margins.
                        assert!(*x >= MARGIN - 0.01 && x + line.width <= layout.width - MARGIN + 0.01);
                        continue;
                    }
                    let col = edges
                        .windows(2)
                        .position(|e| *x >= e[0] - 0.01 && *x < e[1])
                        .expect("text left of the table");
                    let (left, right) = (edges[col], edges[col + 1]);
                    assert!(
                        *x >= left + PAD_X - 0.01 && x + line.width <= right - PAD_X + 0.01,
                        "text {:?} from {x} to {} crosses column {col} ({left}..{right})",
                        line.glyphs.iter().map(|g| &*g.text).collect::<String>(),
                        x + line.width
                    );
                }
            }
        }
    }

    #[test]
    fn no_text_crosses_its_cell_in_any_page_setup() {
        for size in [PaperSize::A4, PaperSize::Letter] {
            for landscape in [false, true] {
                let mut s = sheet(40);
                s.page = PageSetup { size, landscape };
                let layout = layout(&s).unwrap();
                assert_text_inside_cells(&layout, &s);
            }
        }
    }

    #[test]
    fn rows_are_paginated_with_the_heading_on_every_page() {
        let s = sheet(100);
        let layout = layout(&s).unwrap();
        assert!(layout.pages.len() >= 3, "{} pages", layout.pages.len());
        for (p, page) in layout.pages.iter().enumerate() {
            let texts: Vec<String> = page
                .draws
                .iter()
                .filter_map(|d| {
                    if let Draw::Text { line, .. } = d {
                        Some(line.glyphs.iter().map(|g| &*g.text).collect())
                    } else {
                        None
                    }
                })
                .collect();
            assert!(texts.iter().any(|t| t == "Collected"), "page {} has no heading", p + 1);
            let footer = format!("page {} of {}", p + 1, layout.pages.len());
            assert!(texts.iter().any(|t| t.ends_with(&footer)), "page {} has no footer {footer:?}", p + 1);
        }
        let boxes: usize =
            layout.pages.iter().flat_map(|p| &p.draws).filter(|d| matches!(d, Draw::Box { .. })).count();
        // Two boxes per row (tick, signature) plus a frame per page.
        assert_eq!(boxes, 2 * 100 + layout.pages.len());
    }

    #[test]
    fn pen_rows_are_tall_enough_to_write_in() {
        let s = sheet(1);
        let h = row_height(&s, BODY.size * LINE_FACTOR);
        assert!((9.0 * MM..=12.0 * MM).contains(&h), "row height {} mm", h / MM);
    }

    #[test]
    fn rtl_cells_align_right() {
        let mut s = Sheet::new("T", vec![Column::text("Name")]);
        s.rows.push(vec!["فاطمة".into()]);
        s.rows.push(vec!["Amina".into()]);
        let layout = layout(&s).unwrap();
        let texts: Vec<(f32, &Line)> = layout.pages[0]
            .draws
            .iter()
            .filter_map(|d| if let Draw::Text { x, line, .. } = d { Some((*x, line)) } else { None })
            .collect();
        let right_edge = layout.width - MARGIN - PAD_X;
        let (x, line) = texts.iter().find(|(_, l)| l.rtl).unwrap();
        assert!((x + line.width - right_edge).abs() < 0.01, "Arabic not flush right");
        let (x, _) = texts.iter().find(|(_, l)| l.glyphs.first().is_some_and(|g| &*g.text == "A")).unwrap();
        assert!((x - (MARGIN + PAD_X)).abs() < 0.01, "Latin not flush left");
    }

    #[test]
    fn bad_shapes_are_validation_errors() {
        let mut s = sheet(3);
        s.rows[1].pop();
        let err = layout(&s).unwrap_err();
        assert_eq!(err.to_payload().field.as_deref(), Some("rows[1]"));
        assert!(err.to_string().contains("Row 2 has 4 cells"), "{err}");

        let s = Sheet::new("T", vec![]);
        assert!(layout(&s).is_err_and(|e| e.kind() == crate::ErrorKind::Validation));

        let s = Sheet::new("T", vec![Column::text("A").mm(150.0), Column::text("B").mm(100.0)]);
        assert!(layout(&s).unwrap_err().to_string().contains("too wide"));

        let mut s = sheet(1);
        s.row_height_mm = Some(f32::NAN);
        assert!(layout(&s).is_err_and(|e| e.kind() == crate::ErrorKind::Validation));
    }

    #[test]
    fn an_empty_sheet_is_one_page_of_headings() {
        let layout = layout(&sheet(0)).unwrap();
        assert_eq!(layout.pages.len(), 1);
    }

    #[test]
    fn numbers_codes_and_heading_words_are_never_cut_and_boxes_give_way_first() {
        let headings: Vec<String> =
            ["No", "Name", "Name (original script)", "Code", "Household", "Allowance"]
                .map(String::from)
                .to_vec();
        let rows: Vec<Vec<String>> = (0..300)
            .map(|i| {
                vec![
                    (i + 1).to_string(),
                    "Dr. Şeyda Zerafet Karaağaçlıoğlu Quang Hoàng Nguyễn".into(),
                    "فاطمة أحمد محمد عبد الرحمن الحسيني".into(),
                    format!("HLD-{:05}", i * 7),
                    "4".into(),
                    "Food parcel, Hygiene kit, Nappies size 4 × 20, Baby milk (first stage) × 2".into(),
                ]
            })
            .collect();
        let mut s = Sheet::table("T", &headings, rows);
        s.columns.push(Column::signature("Signature"));
        s.rows.iter_mut().for_each(|r| r.push(Cell::default()));
        let mut shaper = Shaper::new().unwrap();
        let widths = column_widths(&s, 186.0 * MM, &mut shaper).unwrap();
        let code = shaper.shape("HLD-02093", BODY, None).width + 2.0 * PAD_X;
        assert!(widths[3] >= code - 0.01, "code column {} < {code}", widths[3]);
        let number = shaper.shape("300", BODY, None).width + 2.0 * PAD_X;
        assert!(widths[0] >= number - 0.01);
        let household = shaper.shape("Household", HEADING, None).width + 2.0 * PAD_X;
        assert!(widths[4] >= household - 0.01, "heading word cut");
        assert!(widths[6] <= 40.0 * MM + 0.01, "the signature box takes no more than given");
        assert!((widths.iter().sum::<f32>() - 186.0 * MM).abs() < 0.5, "the table fills the width");
        let laid = layout(&s).unwrap();
        // Every heading line is whole words of the headings (the heading row is the first
        // text drawn in the table, centred over its column).
        let mut words: Vec<&str> = headings.iter().flat_map(|h| h.split(' ')).collect();
        words.push("Signature");
        let heading_lines: Vec<&Line> = laid.pages[0]
            .draws
            .iter()
            .filter_map(|d| {
                if let Draw::Text { line, size, .. } = d {
                    (*size == HEADING.size).then_some(line)
                } else {
                    None
                }
            })
            .filter(|l| !l.text.starts_with("Printed") && l.text != "T")
            .collect();
        assert!(heading_lines.len() >= headings.len());
        for line in heading_lines {
            for w in line.text.split(' ') {
                assert!(words.contains(&w), "heading broken inside a word: {:?}", line.text);
            }
        }
        assert_text_inside_cells(&laid, &s);
    }
}
