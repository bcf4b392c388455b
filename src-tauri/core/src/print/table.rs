//! Layout: a [`Sheet`] becomes pages of positioned drawing items (points, origin at the
//! bottom-left corner, as in PDF). Nothing here knows the PDF format; `pdf.rs` writes the
//! items out.
//!
//! The body has one row height, so the number of rows per page, and with it "page X of Y",
//! is known before anything is drawn. Every text line is fitted to its cell by the measuring
//! code in `text.rs`; layout only decides the boxes.

use super::fonts::Weight;
use super::sheet::{Align, Cell, ColumnKind, ColumnWidth, Mark, RowStyle, Sheet};
use super::text::{Line, Shaper, TextStyle};
use crate::{Error, Result};

/// Points per millimetre.
pub(crate) const MM: f32 = 72.0 / 25.4;

const MARGIN: f32 = 12.0 * MM;
const PAD_X: f32 = 1.5 * MM;
const PAD_Y: f32 = 1.0 * MM;
const HEADER_HEIGHT: f32 = 16.0 * MM;
const FOOTER_HEIGHT: f32 = 8.0 * MM;
const BODY: TextStyle = TextStyle { size: 9.0, weight: Weight::Regular };
const HEADING: TextStyle = TextStyle { size: 8.0, weight: Weight::Bold };
const TITLE: TextStyle = TextStyle { size: 14.0, weight: Weight::Bold };
const SUBTITLE: TextStyle = TextStyle { size: 10.0, weight: Weight::Regular };
const FOOTER: TextStyle = TextStyle { size: 8.0, weight: Weight::Regular };
const LINE_FACTOR: f32 = 1.3;
const HEADING_LINES: usize = 2;
const MARK_SIZE: f32 = 3.2 * MM;
const TICK_BOX: f32 = 5.0 * MM;
/// Default body row height when people write in the rows.
const PEN_ROW: f32 = 9.5 * MM;
const GRID_GREY: f32 = 0.45;
const HEADING_GREY: f32 = 0.86;
const ZEBRA_GREY: f32 = 0.94;
const MAX_WARNINGS: usize = 20;

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
    Text { x: f32, y: f32, size: f32, line: Line },
    /// A mark in the square of side `size` whose bottom-left corner is (x, y).
    Mark { mark: Mark, x: f32, y: f32, size: f32 },
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

/// Checks the sheet and lays it out.
pub(crate) fn layout(sheet: &Sheet) -> Result<Layout> {
    validate(sheet)?;
    let (page_w, page_h) = sheet.page.size_mm();
    let (page_w, page_h) = (page_w * MM, page_h * MM);
    let table_w = page_w - 2.0 * MARGIN;
    let widths = column_widths(sheet, table_w)?;
    let mut shaper = Shaper::new()?;
    let mut warnings = Warnings { list: Vec::new(), more: 0 };

    // Heights: headings take up to two lines; body rows one height for all.
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
    let row_h = row_height(sheet, line_h);
    let lines_per_cell = (((row_h - 2.0 * PAD_Y) / line_h).floor() as usize).max(1);

    let table_top = page_h - MARGIN - HEADER_HEIGHT;
    let table_bottom = MARGIN + FOOTER_HEIGHT;
    let room = table_top - table_bottom - heading_h;
    let rows_per_page = (room / row_h).floor() as usize;
    if rows_per_page == 0 {
        return Err(Error::invalid("row_height_mm", "The rows are too tall to fit on the page."));
    }
    let page_count = sheet.rows.len().div_ceil(rows_per_page).max(1);

    let mut pages = Vec::with_capacity(page_count);
    for p in 0..page_count {
        let mut draws = Vec::new();
        page_header(&mut shaper, sheet, &mut draws, page_w, page_h);
        page_footer(&mut shaper, sheet, &mut draws, page_w, p + 1, page_count);

        let first = p * rows_per_page;
        let rows = sheet.rows.get(first..(first + rows_per_page).min(sheet.rows.len())).unwrap_or_default();
        let body_h = rows.len() as f32 * row_h;
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
            place_lines(&mut draws, lines.clone(), cell, Align::Center, HEADING);
            x += w;
        }

        // Body rows.
        for (i, row) in rows.iter().enumerate() {
            let top = table_top - heading_h - i as f32 * row_h;
            let y = top - row_h;
            let shaded = sheet.row_style == RowStyle::Zebra && (first + i) % 2 == 1;
            if shaded {
                draws.push(Draw::Fill { x: MARGIN, y, w: table_w, h: row_h, grey: ZEBRA_GREY });
            }
            let mut x = MARGIN;
            for ((column, cell), w) in sheet.columns.iter().zip(row).zip(&widths) {
                let place = || format!("Row {}, column \"{}\"", first + i + 1, column.title);
                let cell_box = CellBox { x, y, w: *w, h: row_h };
                match column.kind {
                    ColumnKind::Text { max_lines } => {
                        let lines = (max_lines as usize).clamp(1, lines_per_cell);
                        let missing = text_cell(&mut shaper, &mut draws, cell, cell_box, column.align, lines);
                        warnings.missing(&place(), &missing);
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
        pages.push(Page { draws });
    }
    Ok(Layout { width: page_w, height: page_h, pages, warnings: warnings.finish() })
}

fn missing_of(lines: &[Line]) -> Vec<char> {
    lines.iter().flat_map(|l| l.missing.iter().copied()).collect()
}

fn validate(sheet: &Sheet) -> Result<()> {
    if sheet.columns.is_empty() {
        return Err(Error::invalid("columns", "A sheet needs at least one column."));
    }
    for (i, c) in sheet.columns.iter().enumerate() {
        let ok = match c.width {
            ColumnWidth::Mm(mm) => mm.is_finite() && mm > 0.0,
            ColumnWidth::Weight(w) => w.is_finite() && w > 0.0,
        };
        if !ok {
            return Err(Error::invalid(
                format!("columns[{i}].width"),
                format!("Column \"{}\" needs a width above zero.", c.title),
            ));
        }
        if matches!(c.kind, ColumnKind::Text { max_lines: 0 }) {
            return Err(Error::invalid(
                format!("columns[{i}].kind"),
                format!("Column \"{}\" needs at least one line of text.", c.title),
            ));
        }
    }
    if let Some(h) = sheet.row_height_mm {
        if !(h.is_finite() && (4.0..=60.0).contains(&h)) {
            return Err(Error::invalid("row_height_mm", "The row height must be between 4 and 60 mm."));
        }
    }
    let n = sheet.columns.len();
    if let Some((i, row)) = sheet.rows.iter().enumerate().find(|(_, r)| r.len() != n) {
        return Err(Error::invalid(
            format!("rows[{i}]"),
            format!("Row {} has {} cells but the sheet has {n} columns.", i + 1, row.len()),
        ));
    }
    Ok(())
}

/// Column widths in points: fixed ones as given, the rest shared by weight.
fn column_widths(sheet: &Sheet, table_w: f32) -> Result<Vec<f32>> {
    let fixed: f32 = sheet
        .columns
        .iter()
        .filter_map(|c| if let ColumnWidth::Mm(mm) = c.width { Some(mm * MM) } else { None })
        .sum();
    let weights: f32 = sheet
        .columns
        .iter()
        .filter_map(|c| if let ColumnWidth::Weight(w) = c.width { Some(w) } else { None })
        .sum();
    let left = table_w - fixed;
    // Every proportional column gets at least 10 mm.
    let min_flexible =
        10.0 * MM * sheet.columns.iter().filter(|c| matches!(c.width, ColumnWidth::Weight(_))).count() as f32;
    if left < min_flexible {
        return Err(Error::invalid(
            "columns",
            format!(
                "The columns are too wide for the page: {:.0} mm of fixed widths, {:.0} mm available.",
                fixed / MM,
                (table_w - min_flexible) / MM
            ),
        ));
    }
    Ok(sheet
        .columns
        .iter()
        .map(|c| match c.width {
            ColumnWidth::Mm(mm) => mm * MM,
            ColumnWidth::Weight(w) => left * w / weights,
        })
        .collect())
}

fn row_height(sheet: &Sheet, line_h: f32) -> f32 {
    if let Some(mm) = sheet.row_height_mm {
        return mm * MM;
    }
    let pen = sheet.columns.iter().any(|c| matches!(c.kind, ColumnKind::TickBox | ColumnKind::SignatureBox));
    let most_lines = sheet
        .columns
        .iter()
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

/// Lays out a text cell; returns the characters no font covers.
fn text_cell(
    shaper: &mut Shaper,
    draws: &mut Vec<Draw>,
    cell: &Cell,
    b: CellBox,
    align: Align,
    lines: usize,
) -> Vec<char> {
    let mut inner = CellBox { x: b.x + PAD_X, y: b.y, w: b.w - 2.0 * PAD_X, h: b.h };
    let rtl = Shaper::is_rtl(&cell.text);
    if let Some(mark) = cell.mark {
        // The mark sits on the side the text starts from.
        let my = b.y + (b.h - MARK_SIZE) / 2.0;
        let mx = if rtl { inner.x + inner.w - MARK_SIZE } else { inner.x };
        draws.push(Draw::Mark { mark, x: mx, y: my, size: MARK_SIZE });
        inner.w -= MARK_SIZE + 1.0 * MM;
        if !rtl {
            inner.x += MARK_SIZE + 1.0 * MM;
        }
    }
    if cell.text.trim().is_empty() || inner.w <= 0.0 {
        return Vec::new();
    }
    let laid = if lines == 1 {
        vec![shaper.fit(&cell.text, BODY, inner.w, None)]
    } else {
        shaper.wrap(&cell.text, BODY, inner.w, lines)
    };
    let missing = missing_of(&laid);
    place_lines(draws, laid, inner, align, BODY);
    missing
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
) {
    let line_h = style.size * LINE_FACTOR;
    let block = lines.len() as f32 * line_h;
    let top = b.y + (b.h + block) / 2.0;
    for (i, line) in lines.into_iter().enumerate() {
        let x = aligned_x(&line, b.x, b.w, align);
        // Centre the cap height in the line box.
        let y = top - (i as f32 + 0.5) * line_h - 0.35 * style.size;
        draws.push(Draw::Text { x, y, size: style.size, line });
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
    draws.push(Draw::Text { x: MARGIN, y: top - 4.0 * MM, size: SUBTITLE.size, line: line1 });
    let title = shaper.fit(&h.title, TITLE, width - date_w - 6.0 * MM, Some(false));
    draws.push(Draw::Text { x: MARGIN, y: top - 10.5 * MM, size: TITLE.size, line: title });
    draws.push(Draw::Text {
        x: page_w - MARGIN - date_w,
        y: top - 10.5 * MM,
        size: SUBTITLE.size,
        line: date,
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
    let text = format!("Printed {} · page {page} of {pages}", sheet.printed_at.format("%Y-%m-%d %H:%M"));
    let right = shaper.fit(&text, FOOTER, width * 0.6, Some(false));
    let right_w = right.width;
    draws.push(Draw::Text { x: page_w - MARGIN - right_w, y, size: FOOTER.size, line: right });
    let left = shaper.fit(&sheet.header.title, FOOTER, width - right_w - 6.0 * MM, Some(false));
    draws.push(Draw::Text { x: MARGIN, y, size: FOOTER.size, line: left });
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
        let widths = column_widths(sheet, table_w).unwrap();
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
        assert!(matches!(layout(&s), Err(Error::Validation { .. })));

        let s = Sheet::new("T", vec![Column::text("A").mm(150.0), Column::text("B").mm(100.0)]);
        assert!(layout(&s).unwrap_err().to_string().contains("too wide"));

        let mut s = sheet(1);
        s.row_height_mm = Some(f32::NAN);
        assert!(matches!(layout(&s), Err(Error::Validation { .. })));
    }

    #[test]
    fn an_empty_sheet_is_one_page_of_headings() {
        let layout = layout(&sheet(0)).unwrap();
        assert_eq!(layout.pages.len(), 1);
    }
}
