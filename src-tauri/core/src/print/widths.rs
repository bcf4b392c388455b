//! Column widths: fixed, proportional, or from the content, then widened so that no number,
//! code, date or word is cut (see [`column_widths`]).

use super::metrics::{BODY, HEADING, MARK_SIZE, MM, PAD_X};
use super::sheet::{ColumnKind, ColumnWidth, Sheet};
use super::text::Shaper;
use crate::{Error, Result};

/// What a text column's cells need, in points (padding and marks included).
#[derive(Debug, Clone, Copy, Default)]
struct Need {
    /// The widest thing that must never be cut: a number, code or date (a short cell or line
    /// with a digit), or the longest word (a very long word may still break inside).
    min: f32,
    /// The widest cell on one line.
    full: f32,
}

/// Characters of a line measured for its one-line width (more never fit on a page).
const MEASURED_CHARS: usize = 300;
/// Words longer than this may break inside rather than widen their column further.
const LONG_WORD: f32 = 45.0 * MM;
/// The narrowest a signature box is made to leave room for text.
const SIGNATURE_FLOOR: f32 = 25.0 * MM;
/// The narrowest a tick-box column is made to leave room for text.
const TICK_FLOOR: f32 = 12.0 * MM;

/// Whether a line of a cell is one token that must print whole: short, with a digit
/// (row numbers, codes, dates, times, amounts).
fn is_token(line: &str) -> bool {
    line.chars().any(|c| c.is_ascii_digit()) && line.chars().count() <= 24
}

/// What a text column needs: its heading's longest word, and each cell's tokens, words and
/// one-line width. Every distinct text is shaped once (the shaper caches it).
fn need(shaper: &mut Shaper, sheet: &Sheet, col: usize) -> Need {
    let title = &sheet.columns[col].title;
    let heading_word = title.split_whitespace().map(|w| shaper.width(w, HEADING, None)).fold(0.0, f32::max);
    let mut need = Need { min: heading_word + 2.0 * PAD_X, full: heading_word + 2.0 * PAD_X };
    let mut seen: rustc_hash::FxHashSet<(&str, bool)> = rustc_hash::FxHashSet::default();
    for row in &sheet.rows {
        let Some(cell) = row.get(col) else { continue };
        let text = cell.text.trim();
        if !seen.insert((text, cell.mark.is_some())) {
            continue;
        }
        let mark = if cell.mark.is_some() { MARK_SIZE + 1.0 * MM } else { 0.0 };
        if text.is_empty() {
            need.min = need.min.max(mark + 2.0 * PAD_X);
            continue;
        }
        let mut widest_word: f32 = 0.0;
        let mut whole: f32 = 0.0;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            // A line is measured whole up to a length no column shows on one line anyway.
            let shown = line.char_indices().nth(MEASURED_CHARS).map_or(line, |(i, _)| &line[..i]);
            let width = shaper.width(shown, BODY, None);
            whole = whole.max(width);
            if is_token(line) {
                widest_word = widest_word.max(width);
            } else {
                for word in line.split_whitespace() {
                    widest_word = widest_word.max(shaper.width(word, BODY, None).min(LONG_WORD));
                }
            }
        }
        need.min = need.min.max(widest_word + mark + 2.0 * PAD_X);
        need.full = need.full.max(whole + mark + 2.0 * PAD_X);
    }
    need.full = need.full.max(need.min);
    need
}

/// Column widths in points. Fixed columns as given, proportional ones by weight, content
/// ones from what their cells need; then every text column is widened to its [`Need::min`]
/// (taking room from columns with more than they need, then from signature and tick boxes
/// down to a floor), so numbers, codes, dates and words are not cut.
pub(crate) fn column_widths(sheet: &Sheet, table_w: f32, shaper: &mut Shaper) -> Result<Vec<f32>> {
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
    let flexible = sheet.columns.iter().filter(|c| !matches!(c.width, ColumnWidth::Mm(_))).count();
    let min_flexible = 10.0 * MM * flexible as f32;
    if left < min_flexible {
        return Err(Error::at(
            "columns",
            crate::Code::PrintColumnsTooWide,
            serde_json::json!({
                "fixed": (fixed / MM).round() as i64,
                "available": ((table_w - min_flexible) / MM).round() as i64,
            }),
        ));
    }
    let needs: Vec<Option<Need>> = (0..sheet.columns.len())
        .map(|i| matches!(sheet.columns[i].kind, ColumnKind::Text { .. }).then(|| need(shaper, sheet, i)))
        .collect();
    let need_of = |i: usize| needs[i].unwrap_or_default();

    // Content columns: their full width if everything fits, else their minimum and a share
    // of what is left in proportion to what they lack.
    let autos: Vec<usize> =
        (0..sheet.columns.len()).filter(|i| sheet.columns[*i].width == ColumnWidth::Auto).collect();
    let weighted_min: f32 = (0..sheet.columns.len())
        .filter(|i| matches!(sheet.columns[*i].width, ColumnWidth::Weight(_)))
        .map(|i| need_of(i).min.max(10.0 * MM))
        .sum();
    let auto_full: f32 = autos.iter().map(|i| need_of(*i).full.max(10.0 * MM)).sum();
    let mut auto_w = vec![0.0; sheet.columns.len()];
    let weighted_left;
    if auto_full + weighted_min <= left {
        let spare = left - auto_full;
        if weights > 0.0 {
            weighted_left = spare;
            autos.iter().for_each(|i| auto_w[*i] = need_of(*i).full.max(10.0 * MM));
        } else {
            // Only content columns: the spare room goes in proportion to their width.
            weighted_left = 0.0;
            for i in &autos {
                let full = need_of(*i).full.max(10.0 * MM);
                auto_w[*i] = full + spare * full / auto_full.max(1.0);
            }
        }
    } else {
        weighted_left = weighted_min;
        // Each content column gets the same fraction of its one-line width, never less than
        // its minimum: found by halving, as the sum grows with the fraction.
        let room = (left - weighted_min).max(0.0);
        let width_at = |f: f32, i: usize| {
            let n = need_of(i);
            (n.full * f).clamp(n.min.max(10.0 * MM), n.full.max(10.0 * MM))
        };
        let (mut lo, mut hi) = (0.0f32, 1.0f32);
        for _ in 0..30 {
            let mid = (lo + hi) / 2.0;
            if autos.iter().map(|i| width_at(mid, *i)).sum::<f32>() > room {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        autos.iter().for_each(|i| auto_w[*i] = width_at(lo, *i));
    }
    let mut widths: Vec<f32> = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| match c.width {
            ColumnWidth::Mm(mm) => mm * MM,
            ColumnWidth::Weight(w) => weighted_left * w / weights,
            ColumnWidth::Auto => auto_w[i],
        })
        .collect();
    settle(sheet, &mut widths, &needs, table_w);
    Ok(widths)
}

/// Widens text columns narrower than their minimum, taking the room from text columns wider
/// than theirs (in proportion to what they can spare), then from signature and tick boxes;
/// if the page is still too narrow, every text column is scaled down alike.
fn settle(sheet: &Sheet, widths: &mut [f32], needs: &[Option<Need>], table_w: f32) {
    let mins: Vec<f32> = needs.iter().map(|n| n.map_or(0.0, |n| n.min)).collect();
    let deficit: f32 = widths.iter().zip(&mins).map(|(w, m)| (m - w).max(0.0)).sum();
    if deficit <= 0.01 {
        return;
    }
    for (w, m) in widths.iter_mut().zip(&mins) {
        *w = w.max(*m);
    }
    let mut owed = deficit;
    // First from text columns with room to spare, then from the boxes.
    let spare = |widths: &[f32], i: usize| -> f32 {
        match sheet.columns[i].kind {
            ColumnKind::Text { .. } => (widths[i] - mins[i]).max(0.0),
            ColumnKind::SignatureBox => (widths[i] - SIGNATURE_FLOOR).max(0.0),
            ColumnKind::TickBox => (widths[i] - TICK_FLOOR).max(0.0),
        }
    };
    for boxes in [false, true] {
        let pick = |i: usize| matches!(sheet.columns[i].kind, ColumnKind::Text { .. }) != boxes;
        let total: f32 = (0..widths.len()).filter(|i| pick(*i)).map(|i| spare(widths, i)).sum();
        if total <= 0.0 || owed <= 0.0 {
            continue;
        }
        let take = owed.min(total);
        let shares: Vec<f32> =
            (0..widths.len()).map(|i| if pick(i) { take * spare(widths, i) / total } else { 0.0 }).collect();
        widths.iter_mut().zip(shares).for_each(|(w, s)| *w -= s);
        owed -= take;
    }
    if owed > 0.01 {
        // Not even the minimums fit: text columns shrink alike (long tokens then wrap).
        let text: f32 = (0..widths.len())
            .filter(|i| matches!(sheet.columns[*i].kind, ColumnKind::Text { .. }))
            .map(|i| widths[i])
            .sum();
        let others: f32 = widths.iter().sum::<f32>() - text;
        let scale = ((table_w - others) / text.max(1.0)).clamp(0.0, 1.0);
        for (i, w) in widths.iter_mut().enumerate() {
            if matches!(sheet.columns[i].kind, ColumnKind::Text { .. }) {
                *w *= scale;
            }
        }
    }
}
