//! The rota's printed sheet: a site's week as a grid of shifts by days. The builder only makes a
//! [`Sheet`] from the rota's rows; the API's print path renders and writes it.

use chrono::NaiveDateTime;

use super::{RotaWeek, Shift};
use crate::print::{Cell, Column, Language, Mark, PageSetup, Sheet, SheetHeader, Words};
use crate::volunteers::dbs::DbsStatus;

/// Title of the weekly volunteer roster in `lang`.
pub fn roster_title(lang: Language) -> String {
    Words::of(lang).get("print.roster.title")
}

/// Legend of the roster's DBS marks, in the order printed: each mark and the key of its words.
pub const ROSTER_LEGEND: [(Mark, &str); 3] = [
    (Mark::Tick, "print.roster.valid"),
    (Mark::Warning, "print.roster.expiring"),
    (Mark::Cross, "print.roster.not_valid"),
];

/// A volunteer's cell: the name, then the DBS date on a line of its own (a short line with a
/// digit, so the engine never cuts it).
fn dbs_cell(w: &Words, name: &str, st: &DbsStatus) -> Cell {
    let (mark, text) = match st {
        DbsStatus::Valid { until } => {
            (Mark::Tick, w.fill("print.roster.until", &[("date", &w.date(*until))]))
        }
        DbsStatus::ExpiringSoon { until } => {
            (Mark::Warning, w.fill("print.roster.expires", &[("date", &w.date(*until))]))
        }
        _ => (Mark::Cross, w.get("print.roster.not_valid")),
    };
    Cell { text: format!("{name}\n{text}"), mark: Some(mark) }
}

/// The weekly roster of a site: a grid of shifts (rows) by days (columns); each volunteer with
/// a DBS mark for what the shift needs on its date (valid until / expiring soon / not valid),
/// unfilled places written as such, shifts whose session is cancelled written "Cancelled",
/// child-facing shifts marked under their time and role, the rota contact in the header, and
/// under the table the legend of the marks, the gaps, the contact and the printed date. Its
/// words are in `lang`.
pub fn roster(
    rota: &RotaWeek,
    centre: &str,
    contact: &str,
    printed_at: NaiveDateTime,
    lang: Language,
) -> Sheet {
    let w = Words::of(lang);
    let mut columns = vec![Column::text(w.get("print.roster.shift")).mm(40.0).lines(3)];
    for d in &rota.days {
        columns.push(Column::text(w.weekday_day_month(*d)).weight(1.0).lines(3));
    }
    let mut sheet = Sheet::new(roster_title(lang), columns);
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    sheet.language = lang;
    let site = if contact.trim().is_empty() {
        rota.site_name.clone()
    } else {
        w.fill("print.roster.site_contact", &[("site", &rota.site_name), ("contact", contact.trim())])
    };
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site,
        title: roster_title(lang),
        date: rota.days.first().map(|monday| w.week(*monday)).unwrap_or_else(|| rota.heading.clone()),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet.row_height_mm = Some(14.0);
    // Slots: the same time and role on different days share a row band.
    let mut slots: Vec<(&str, &str, &str)> =
        rota.shifts.iter().map(|s| (s.starts_at.as_str(), s.ends_at.as_str(), s.role.as_str())).collect();
    slots.sort_unstable();
    slots.dedup();
    for (starts, ends, role) in slots {
        let on_day: Vec<Vec<&Shift>> = rota
            .days
            .iter()
            .map(|d| {
                rota.shifts
                    .iter()
                    .filter(|s| {
                        s.on_date == *d && s.starts_at == starts && s.ends_at == ends && s.role == role
                    })
                    .collect()
            })
            .collect();
        let lines_per_day: Vec<Vec<Cell>> = on_day
            .iter()
            .map(|shifts| {
                let mut cells = Vec::new();
                for s in shifts {
                    // Its session is not held: nobody works it (the screen lists whom to tell).
                    if s.cancelled {
                        cells.push(Cell { text: w.get("print.cancelled"), mark: None });
                        continue;
                    }
                    cells.extend(s.assigned.iter().map(|a| dbs_cell(&w, &a.name, &a.dbs)));
                    for _ in 0..s.gap() {
                        cells.push(Cell { text: w.get("print.roster.unfilled"), mark: None });
                    }
                }
                cells
            })
            .collect();
        let height = lines_per_day.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let child_facing = on_day.iter().flatten().any(|s| s.child_facing && !s.cancelled);
        let label = if child_facing {
            format!("{starts}–{ends} {role}\n{}", w.get("print.roster.child_facing"))
        } else {
            format!("{starts}–{ends} {role}")
        };
        for j in 0..height {
            let mut row = vec![if j == 0 { Cell::from(label.as_str()) } else { Cell::default() }];
            for cells in &lines_per_day {
                row.push(cells.get(j).cloned().unwrap_or_default());
            }
            sheet.rows.push(row);
        }
    }
    if rota.shifts.is_empty() {
        let mut row = vec![Cell::from(w.get("print.roster.none"))];
        row.extend((0..7).map(|_| Cell::default()));
        sheet.rows.push(row);
    }
    // The legend goes under the table, not in a row of it.
    let mut notes: Vec<Cell> =
        ROSTER_LEGEND.iter().map(|(m, key)| Cell { text: w.get(key), mark: Some(*m) }).collect();
    if rota.shifts.iter().any(|s| s.child_facing && !s.cancelled) {
        notes.push(Cell::from(w.get("print.roster.child_facing_note")));
    }
    notes.push(Cell::from(w.fill("print.roster.gaps", &[("n", &rota.gaps.to_string())])));
    if !contact.trim().is_empty() {
        notes.push(Cell::from(w.fill("print.roster.contact", &[("contact", contact.trim())])));
    }
    notes.push(Cell::from(w.fill("print.printed", &[("when", &w.date_time(printed_at))])));
    sheet.notes = notes;
    sheet
}
