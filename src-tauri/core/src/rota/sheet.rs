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

fn dbs_cell(name: &str, st: &DbsStatus) -> Cell {
    let (mark, text) = match st {
        DbsStatus::Valid { until } => (Mark::Tick, format!("{name} (until {})", short(*until))),
        DbsStatus::ExpiringSoon { until } => (Mark::Warning, format!("{name} (expires {})", short(*until))),
        _ => (Mark::Cross, format!("{name} (DBS not valid)")),
    };
    Cell { text, mark: Some(mark) }
}

/// The weekly roster of a site: a grid of shifts (rows) by days (columns); each volunteer with
/// a DBS mark for what the shift needs on its date (valid until / expiring soon / not valid),
/// unfilled places written as such, shifts whose session is cancelled written "Cancelled", a
/// legend of the marks and the rota contact in the header.
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
        for j in 0..height {
            let mut row =
                vec![if j == 0 { Cell::from(format!("{starts}–{ends} {role}")) } else { Cell::default() }];
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
    let mut legend = vec![Cell::from("Legend")];
    legend.extend(ROSTER_LEGEND.iter().map(|(m, t)| Cell { text: (*t).to_string(), mark: Some(*m) }));
    legend.push(Cell::from(format!("Gaps: {}", rota.gaps)));
    let contact_cell =
        if contact.trim().is_empty() { String::new() } else { format!("Contact: {}", contact.trim()) };
    legend.push(Cell::from(contact_cell));
    legend.push(Cell::from(format!("Printed {}", printed_at.format("%-d %b %Y %H:%M"))));
    legend.resize(sheet.columns.len(), Cell::default());
    sheet.rows.push(legend);
    sheet
}
