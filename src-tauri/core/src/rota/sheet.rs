//! The rota's printed sheet: a site's week as a grid of shifts by days. The builder only makes a
//! [`Sheet`] from the rota's rows; the API's print path renders and writes it.

use chrono::{NaiveDate, NaiveDateTime};

use super::{RotaWeek, Shift};
use crate::print::{Cell, Column, Mark, PageSetup, Sheet, SheetHeader};
use crate::volunteers::dbs::DbsStatus;

/// Title of the weekly volunteer roster.
pub const ROSTER_TITLE: &str = "Volunteer rota";

/// Legend of the roster's DBS marks, in the order printed.
pub const ROSTER_LEGEND: [(Mark, &str); 3] = [
    (Mark::Tick, "DBS valid until date"),
    (Mark::Warning, "DBS expiring soon"),
    (Mark::Cross, "DBS not valid"),
];

fn short(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

/// A volunteer's cell: the name, then the DBS date on a line of its own (a short line with a
/// digit, so the engine never cuts it).
fn dbs_cell(name: &str, st: &DbsStatus) -> Cell {
    let (mark, text) = match st {
        DbsStatus::Valid { until } => (Mark::Tick, format!("{name}\nuntil {}", short(*until))),
        DbsStatus::ExpiringSoon { until } => (Mark::Warning, format!("{name}\nexpires {}", short(*until))),
        _ => (Mark::Cross, format!("{name}\nDBS not valid")),
    };
    Cell { text, mark: Some(mark) }
}

/// Written under a child-facing shift's time and role.
pub const CHILD_FACING: &str = "Child-facing";

/// What [`CHILD_FACING`] means, in the notes under the table.
pub const CHILD_FACING_NOTE: &str = "Child-facing: enhanced DBS with the children's barred list";

/// The weekly roster of a site: a grid of shifts (rows) by days (columns); each volunteer with
/// a DBS mark for what the shift needs on its date (valid until / expiring soon / not valid),
/// unfilled places written as such, shifts whose session is cancelled written "Cancelled",
/// child-facing shifts marked under their time and role, the rota contact in the header, and
/// under the table the legend of the marks, the gaps, the contact and the printed date.
pub fn roster(rota: &RotaWeek, centre: &str, contact: &str, printed_at: NaiveDateTime) -> Sheet {
    let mut columns = vec![Column::text("Shift").mm(40.0).lines(3)];
    for d in &rota.days {
        columns.push(Column::text(d.format("%a %-d %b").to_string()).weight(1.0).lines(3));
    }
    let mut sheet = Sheet::new(ROSTER_TITLE, columns);
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    let site = if contact.trim().is_empty() {
        rota.site_name.clone()
    } else {
        format!("{} · Rota contact: {}", rota.site_name, contact.trim())
    };
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site,
        title: ROSTER_TITLE.to_string(),
        date: rota.heading.clone(),
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
                        cells.push(Cell { text: "Cancelled".into(), mark: None });
                        continue;
                    }
                    cells.extend(s.assigned.iter().map(|a| dbs_cell(&a.name, &a.dbs)));
                    for _ in 0..s.gap() {
                        cells.push(Cell { text: "unfilled".into(), mark: None });
                    }
                }
                cells
            })
            .collect();
        let height = lines_per_day.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let child_facing = on_day.iter().flatten().any(|s| s.child_facing && !s.cancelled);
        let label = if child_facing {
            format!("{starts}–{ends} {role}\n{CHILD_FACING}")
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
        let mut row = vec![Cell::from("No shifts this week")];
        row.extend((0..7).map(|_| Cell::default()));
        sheet.rows.push(row);
    }
    // The legend goes under the table, not in a row of it.
    let mut notes: Vec<Cell> =
        ROSTER_LEGEND.iter().map(|(m, t)| Cell { text: (*t).to_string(), mark: Some(*m) }).collect();
    if rota.shifts.iter().any(|s| s.child_facing && !s.cancelled) {
        notes.push(Cell::from(CHILD_FACING_NOTE));
    }
    notes.push(Cell::from(format!("Gaps: {}", rota.gaps)));
    if !contact.trim().is_empty() {
        notes.push(Cell::from(format!("Contact: {}", contact.trim())));
    }
    notes.push(Cell::from(format!("Printed {}", printed_at.format("%-d %b %Y %H:%M"))));
    sheet.notes = notes;
    sheet
}
