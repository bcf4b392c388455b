//! Bag labels: one per household on an A4 sheet of labels, 21 (3 × 7, 70 × 42.3 mm) or 24
//! (3 × 8, 70 × 37 mm) to the page, the common sizes sold for laser printers. Each label shows
//! the code in large type, the name in Latin and original script (shaped), and what goes in
//! the bag, so bags packed the evening before are handed out by code. Everything on a label
//! stays inside it, clear of its edges by a padding the printer's drift cannot cross.

use chrono::NaiveDateTime;

use super::packing::PickList;
use crate::print::{Align, Canvas, Language, Rendered, TextBox, Words};
use crate::{Error, Result};

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
/// Text keeps this far from a label's edges, in mm.
pub const LABEL_PAD: f32 = 4.0;

/// A sheet of labels: 3 columns of 7 or of 8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelSheet {
    /// 21 labels of 70 × 42.3 mm.
    TwentyOne,
    /// 24 labels of 70 × 37 mm.
    TwentyFour,
}

impl LabelSheet {
    /// From 21 or 24; anything else is refused on `per_page`.
    pub fn from_count(n: u32) -> Result<LabelSheet> {
        match n {
            21 => Ok(LabelSheet::TwentyOne),
            24 => Ok(LabelSheet::TwentyFour),
            _ => Err(Error::at("per_page", crate::Code::LabelsPerPageInvalid, serde_json::json!({}))),
        }
    }

    fn rows(self) -> usize {
        match self {
            LabelSheet::TwentyOne => 7,
            LabelSheet::TwentyFour => 8,
        }
    }

    /// Labels on a page.
    pub fn count(self) -> usize {
        self.rows() * 3
    }

    /// A label's width and height in mm.
    pub fn size(self) -> (f32, f32) {
        match self {
            LabelSheet::TwentyOne => (70.0, 42.3),
            LabelSheet::TwentyFour => (70.0, 37.0),
        }
    }

    /// The `i`th label's top-left corner on its page, mm from the page's top-left: the labels
    /// fill the page's width and are centred down it, as the label sheets are cut.
    pub fn origin(self, i: usize) -> (f32, f32) {
        let (w, h) = self.size();
        let top = (PAGE_H - self.rows() as f32 * h) / 2.0;
        let left = (PAGE_W - 3.0 * w) / 2.0;
        (left + (i % 3) as f32 * w, top + (i / 3) as f32 * h)
    }
}

/// Renders one label per household, in the order given, the words in `lang`.
pub fn render_labels(
    bags: &[PickList],
    centre: &str,
    day: &str,
    sheet: LabelSheet,
    printed_at: NaiveDateTime,
    lang: Language,
) -> Result<Rendered> {
    let w = Words::of(lang);
    let mut canvas = Canvas::new(&w.get("print.labels.title"), centre, printed_at, PAGE_W, PAGE_H)?;
    for (n, page) in bags.chunks(sheet.count()).enumerate() {
        if n > 0 {
            canvas.new_page();
        }
        for (i, bag) in page.iter().enumerate() {
            let (x, y) = sheet.origin(i);
            draw_label(&mut canvas, &w, bag, day, sheet, x, y);
        }
    }
    canvas.render()
}

/// What goes in the bag, item by item: "Nappies (4) 2".
fn items(bag: &PickList) -> Vec<String> {
    bag.lines
        .iter()
        .map(|l| {
            if l.variant.is_empty() {
                format!("{} ×{}", l.item, l.quantity)
            } else {
                format!("{} ({}) ×{}", l.item, l.variant, l.quantity)
            }
        })
        .collect()
}

fn draw_label(
    canvas: &mut Canvas,
    words: &Words,
    bag: &PickList,
    day: &str,
    sheet: LabelSheet,
    x: f32,
    y: f32,
) {
    let (w, h) = sheet.size();
    let inner = w - 2.0 * LABEL_PAD;
    let at = |baseline: f32, size: f32, bold: bool, align: Align| TextBox {
        x: x + LABEL_PAD,
        baseline: y + baseline,
        width: inner,
        size,
        bold,
        align,
    };
    canvas.text(&bag.code, at(LABEL_PAD + 6.0, 18.0, true, Align::Start));
    let people = words.count("print.people", usize::try_from(bag.people).unwrap_or(0));
    canvas.text(&format!("{day} · {people}"), at(LABEL_PAD + 2.0, 6.5, false, Align::End));
    canvas.text(&bag.name, at(LABEL_PAD + 11.0, 9.0, true, Align::Start));
    let mut baseline = LABEL_PAD + 11.0;
    if let Some(original) = bag.original_name.as_deref().filter(|o| !o.trim().is_empty()) {
        baseline += 4.2;
        canvas.text(original, at(baseline, 9.0, false, Align::Start));
    }
    // The items, as many to a line as fit; the last line that fits takes the rest, cut with
    // "…" (the whole list stays in the text layer).
    let size = 7.5;
    let step = 3.3;
    let last_baseline = h - LABEL_PAD - 0.5;
    let mut line = String::new();
    let mut rest = items(bag).into_iter().peekable();
    baseline += step + 0.6;
    while let Some(item) = rest.next() {
        let candidate = if line.is_empty() { item.clone() } else { format!("{line}, {item}") };
        if line.is_empty() || canvas.measure(&candidate, size, false) <= inner {
            line = candidate;
            continue;
        }
        if baseline + step > last_baseline {
            // No room for another line: this one carries what is left.
            line = std::iter::once(line)
                .chain(std::iter::once(item))
                .chain(rest.by_ref())
                .collect::<Vec<_>>()
                .join(", ");
            break;
        }
        canvas.text(&line, at(baseline, size, false, Align::Start));
        baseline += step;
        line = item;
    }
    if !line.is_empty() && baseline <= last_baseline {
        canvas.text(&line, at(baseline, size, false, Align::Start));
    }
}
