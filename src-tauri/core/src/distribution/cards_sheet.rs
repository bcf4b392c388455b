//! The printed ID cards: credit-card size (85.6 × 54 mm), 8 or 10 to an A4 page with crop
//! marks in the margins at every cut line. Each card shows the centre, the names in Latin and
//! original script (shaped), the code in large type, a QR code and a Code 128 barcode of the
//! card's text (`CAL-0042/2`), the site, the household size, the issue date and the card's
//! number. The codes are drawn as vector squares and bars, sharp at any printer's resolution.

use barcoders::sym::code128::Code128;
use chrono::NaiveDateTime;
use qrcode::{Color, EcLevel, QrCode};

use super::cards::IdCard;
use crate::print::{Align, Canvas, Language, Rendered, TextBox, Words};
use crate::{Error, Result};

/// Card width in mm (ISO/IEC 7810 ID-1).
pub const CARD_W: f32 = 85.6;
/// Card height in mm.
pub const CARD_H: f32 = 54.0;
const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// Side of the QR code in mm, and its top-left corner on the card.
const QR_SIDE: f32 = 21.0;
const QR_X: f32 = 60.0;
const QR_Y: f32 = 5.0;
/// Width of the barcode's narrowest bar in mm (scanners read 0.25 mm and up).
const BAR_MODULE: f32 = 0.3;

/// Cards on an A4 page: two columns of 4 with room between (easier to cut with scissors), or
/// two columns of 5 edge to edge (a guillotine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardsPerPage {
    /// 8 cards, 6 mm between them.
    Eight,
    /// 10 cards, edge to edge.
    Ten,
}

impl CardsPerPage {
    /// From 8 or 10; anything else is refused on `per_page`.
    pub fn from_count(n: u32) -> Result<CardsPerPage> {
        match n {
            8 => Ok(CardsPerPage::Eight),
            10 => Ok(CardsPerPage::Ten),
            _ => Err(Error::at("per_page", crate::Code::CardPerPageInvalid, serde_json::json!({}))),
        }
    }

    fn rows(self) -> usize {
        match self {
            CardsPerPage::Eight => 4,
            CardsPerPage::Ten => 5,
        }
    }

    fn gap(self) -> f32 {
        match self {
            CardsPerPage::Eight => 6.0,
            CardsPerPage::Ten => 0.0,
        }
    }

    /// How many cards fill a page.
    pub fn count(self) -> usize {
        self.rows() * 2
    }
}

/// The top-left corner (mm from the page's top-left) of the `i`th card on a page.
pub fn card_origin(layout: CardsPerPage, i: usize) -> (f32, f32) {
    let gap = layout.gap();
    let block_w = 2.0 * CARD_W + gap;
    let block_h = layout.rows() as f32 * CARD_H + (layout.rows() - 1) as f32 * gap;
    let left = (PAGE_W - block_w) / 2.0;
    let top = (PAGE_H - block_h) / 2.0;
    let (row, col) = (i / 2, i % 2);
    (left + col as f32 * (CARD_W + gap), top + row as f32 * (CARD_H + gap))
}

/// Renders the cards, `layout` to a page, in the order given, the words in `lang`.
pub fn render_cards(
    cards: &[IdCard],
    centre: &str,
    layout: CardsPerPage,
    printed_at: NaiveDateTime,
    lang: Language,
) -> Result<Rendered> {
    let w = Words::of(lang);
    let mut canvas = Canvas::new(&w.get("print.cards.title"), centre, printed_at, PAGE_W, PAGE_H)?;
    for (n, page) in cards.chunks(layout.count()).enumerate() {
        if n > 0 {
            canvas.new_page();
        }
        crop_marks(&mut canvas, layout);
        for (i, card) in page.iter().enumerate() {
            let (x, y) = card_origin(layout, i);
            draw_card(&mut canvas, &w, card, centre, x, y)?;
        }
    }
    canvas.render()
}

/// Short lines in the page margins along every cut line, clear of the cards.
fn crop_marks(canvas: &mut Canvas, layout: CardsPerPage) {
    let (left, top) = card_origin(layout, 0);
    let (_, bottom_top) = card_origin(layout, layout.count() - 1);
    let bottom = bottom_top + CARD_H;
    let right = left + 2.0 * CARD_W + layout.gap();
    let mut xs = vec![left, left + CARD_W, right - CARD_W, right];
    xs.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    let mut ys = Vec::new();
    for r in 0..layout.rows() {
        let (_, y) = card_origin(layout, r * 2);
        ys.push(y);
        ys.push(y + CARD_H);
    }
    ys.dedup_by(|a, b| (*a - *b).abs() < 0.01);
    let (off, len) = (2.0, 5.0);
    for x in xs {
        canvas.rule((x, top - off - len), (x, top - off), 0.3, 0.0);
        canvas.rule((x, bottom + off), (x, bottom + off + len), 0.3, 0.0);
    }
    for y in ys {
        canvas.rule((left - off - len, y), (left - off, y), 0.3, 0.0);
        canvas.rule((right + off, y), (right + off + len, y), 0.3, 0.0);
    }
}

/// One card with its top-left corner at (x, y) mm.
fn draw_card(canvas: &mut Canvas, w: &Words, card: &IdCard, centre: &str, x: f32, y: f32) -> Result<()> {
    // A faint outline shows the card's edge where the cut lands a little off.
    canvas.rule((x, y), (x + CARD_W, y), 0.2, 0.8);
    canvas.rule((x, y + CARD_H), (x + CARD_W, y + CARD_H), 0.2, 0.8);
    canvas.rule((x, y), (x, y + CARD_H), 0.2, 0.8);
    canvas.rule((x + CARD_W, y), (x + CARD_W, y + CARD_H), 0.2, 0.8);
    let pad = 4.0;
    // Text left of the QR code keeps its quiet zone (4 modules) clear.
    let narrow = QR_X - 3.5 - pad;
    let wide = CARD_W - 2.0 * pad;
    let at = |baseline: f32, width: f32, size: f32, bold: bool| TextBox {
        x: x + pad,
        baseline: y + baseline,
        width,
        size,
        bold,
        align: Align::Start,
    };
    canvas.text(centre, at(6.0, narrow, 7.0, true));
    canvas.text(&card.name, at(12.0, narrow, 10.0, true));
    if let Some(original) = &card.original_name {
        canvas.text(original, at(18.0, narrow, 10.0, false));
    }
    canvas.text(&card.code, at(27.5, narrow, 20.0, true));
    let people = w.count("print.people", usize::try_from(card.household_size).unwrap_or(0));
    canvas.text(
        &w.fill("print.cards.household", &[("site", &card.site), ("people", &people)]),
        at(33.5, wide, 7.5, false),
    );
    canvas.text(
        &w.fill(
            "print.cards.issued",
            &[("date", &w.date(card.issued_on)), ("number", &card.number.to_string())],
        ),
        at(37.5, wide, 7.5, false),
    );
    let text = card.card_code();
    draw_qr(canvas, &text, x + QR_X, y + QR_Y)?;
    let bars_w = draw_barcode(canvas, &text, x + pad, y + 40.5, 9.0)?;
    canvas.text(
        &text,
        TextBox {
            x: x + pad + bars_w + 2.0,
            baseline: y + 47.0,
            width: CARD_W - 2.0 * pad - bars_w - 2.0,
            size: 8.0,
            bold: false,
            align: Align::End,
        },
    );
    Ok(())
}

/// The QR code of `text` as squares, a row's run of dark modules as one rectangle, with its
/// top-left corner at (x, y) mm and side [`QR_SIDE`].
fn draw_qr(canvas: &mut Canvas, text: &str, x: f32, y: f32) -> Result<()> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        Error::new(
            crate::Code::CardQrNotMade,
            serde_json::json!({"text": text.to_string(), "detail": e.to_string()}),
        )
    })?;
    let n = code.width();
    let colors = code.to_colors();
    let module = QR_SIDE / n as f32;
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && colors[row * n + col] == Color::Dark {
                col += 1;
            }
            canvas.fill(
                x + start as f32 * module,
                y + row as f32 * module,
                (col - start) as f32 * module,
                module,
            );
        }
    }
    Ok(())
}

/// The Code 128 barcode of `text` (character set B) as bars `height` mm tall, its left quiet
/// zone starting at (x, y) mm. Returns the width it takes with its quiet zones.
fn draw_barcode(canvas: &mut Canvas, text: &str, x: f32, y: f32, height: f32) -> Result<f32> {
    let bars = Code128::new(format!("\u{0181}{text}"))
        .map_err(|e| {
            Error::new(
                crate::Code::CardBarcodeNotMade,
                serde_json::json!({"text": text.to_string(), "detail": e.to_string()}),
            )
        })?
        .encode();
    let quiet = 10;
    let mut i = 0;
    while i < bars.len() {
        if bars[i] == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < bars.len() && bars[i] == 1 {
            i += 1;
        }
        canvas.fill(x + (quiet + start) as f32 * BAR_MODULE, y, (i - start) as f32 * BAR_MODULE, height);
    }
    Ok((bars.len() + 2 * quiet) as f32 * BAR_MODULE)
}
