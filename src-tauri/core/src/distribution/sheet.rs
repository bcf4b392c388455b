//! The distribution sign-up sheet: one row per eligible household, for a pen at the desk.

use chrono::NaiveDateTime;

use super::Plan;
use crate::print::{Align, Cell, Column, PageSetup, Sheet, SheetHeader};

/// Blank numbered rows after the households, for people who walk in.
pub const WALK_IN_ROWS: usize = 10;

/// Title of the sign-up sheet.
pub const TITLE: &str = "Distribution sign-up sheet";

/// One row per household: No., name (Latin and original script), code, household size, the
/// allowance in one line, a collected tick box and a signature box; then [`WALK_IN_ROWS`]
/// blank numbered rows for people who walk in. Landscape for room.
pub fn sign_up(plan: &Plan, centre: &str, printed_at: NaiveDateTime) -> Sheet {
    let d = &plan.distribution;
    let mut sheet = Sheet::new(
        TITLE,
        vec![
            Column::text("No.").mm(10.0).align(Align::End),
            Column::text("Name").weight(1.6).lines(2),
            Column::text("Name in own script").weight(1.6).lines(2),
            Column::text("Code").mm(24.0),
            Column::text("People").mm(14.0).align(Align::Center),
            Column::text("Allowance").weight(3.0).lines(3),
            Column::tick_box("Collected"),
            Column::signature("Signature").mm(36.0),
        ],
    );
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    let title = format!("{TITLE}: {}", capitalised(&d.dist_type));
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: format!("{} ({})", d.site_name, d.location),
        title,
        date: d.held_on.format("%a %-d %b %Y").to_string(),
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
