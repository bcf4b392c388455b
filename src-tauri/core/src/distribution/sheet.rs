//! The distribution sign-up sheet: one row per eligible household, for a pen at the desk.

use chrono::NaiveDateTime;

use super::Plan;
use crate::print::{Align, Cell, Column, Language, PageSetup, Sheet, SheetHeader, Words};

/// Blank numbered rows after the households, for people who walk in.
pub const WALK_IN_ROWS: usize = 10;

/// Title of the sign-up sheet in `lang`.
pub fn title(lang: Language) -> String {
    Words::of(lang).get("print.signup.title")
}

/// One row per household: No., name (Latin and original script), code, household size, the
/// allowance in one line, a collected tick box and a signature box; then [`WALK_IN_ROWS`]
/// blank numbered rows for people who walk in. Landscape for room. Its words are in `lang`.
pub fn sign_up(plan: &Plan, centre: &str, printed_at: NaiveDateTime, lang: Language) -> Sheet {
    let d = &plan.distribution;
    let w = Words::of(lang);
    let mut sheet = Sheet::new(
        title(lang),
        vec![
            Column::text(w.get("print.col.no")).mm(10.0).align(Align::End),
            Column::text(w.get("print.col.name")).weight(1.6).lines(2),
            Column::text(w.get("print.col.original_name")).weight(1.6).lines(2),
            Column::text(w.get("print.col.code")).mm(24.0),
            Column::text(w.get("print.signup.people")).mm(14.0).align(Align::Center),
            Column::text(w.get("print.signup.allowance")).weight(3.0).lines(3),
            Column::tick_box(w.get("print.signup.collected")),
            Column::signature(w.get("print.col.signature")).mm(36.0),
        ],
    );
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    sheet.language = lang;
    // The distribution's type is the centre's own word for it, printed as written.
    let title =
        w.fill("print.signup.title_type", &[("title", &title(lang)), ("type", &capitalised(&d.dist_type))]);
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: format!("{} ({})", d.site_name, d.location),
        title,
        date: w.weekday_date(d.held_on),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet.rows = plan
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let head = r.unit.head();
            vec![
                (i + 1).to_string().into(),
                head.map(|h| h.name.clone()).unwrap_or_default().into(),
                head.and_then(|h| h.original_name.clone()).unwrap_or_default().into(),
                head.map(|h| h.code.clone()).unwrap_or_default().into(),
                r.unit.members.len().to_string().into(),
                r.summary.as_str().into(),
                if r.collected { Cell::mark(crate::print::Mark::Tick) } else { Cell::default() },
                Cell::default(),
            ]
        })
        .collect();
    let households = sheet.rows.len();
    for n in households..households + WALK_IN_ROWS {
        let mut row = vec![Cell::from((n + 1).to_string())];
        row.resize(sheet.columns.len(), Cell::default());
        sheet.rows.push(row);
    }
    sheet
}

/// The text with its first letter in capitals ("weekly" → "Weekly").
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}
