//! The sheets Haven prints from its data. Each function here only builds a [`Sheet`] from
//! domain rows; [`super::render`] makes the PDF and the caller decides where it goes.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Align, Cell, Column, Mark, PageSetup, Sheet, SheetHeader};
use crate::activities::{Instance, SignUp};
use crate::cases::phones::ContactLine;
use crate::volunteers::rota::RotaWeek;

/// Title of the emergency contact list.
pub const PHONE_CONTACTS_TITLE: &str = "Emergency contact list: phones issued to minors";

/// The emergency contact list: one row per phone held now, so staff can ring a young person
/// who has gone missing or needs help. Landscape: seven columns, and the names need room.
///
/// `centre` and `site` fill the page header (`site` is "All sites" when the list is not for
/// one site); `date` is the day the list is true for.
pub fn phone_contacts(
    lines: &[ContactLine],
    centre: &str,
    site: &str,
    date: NaiveDate,
    printed_at: NaiveDateTime,
) -> Sheet {
    let mut sheet = Sheet::new(
        PHONE_CONTACTS_TITLE,
        vec![
            Column::text("Code").mm(26.0),
            Column::text("Name").weight(2.0).lines(2),
            Column::text("Name in own script").weight(2.0).lines(2),
            Column::text("Site").mm(14.0).align(Align::Center),
            Column::text("Phone number").weight(1.5),
            Column::text("IMEI").mm(40.0),
            Column::text("Issued on").mm(26.0),
        ],
    );
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: site.to_string(),
        title: PHONE_CONTACTS_TITLE.to_string(),
        date: date.format("%-d %b %Y").to_string(),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet.rows = lines
        .iter()
        .map(|l| {
            vec![
                l.code.as_str().into(),
                l.name.as_str().into(),
                l.original_name.clone().unwrap_or_default().into(),
                l.site.as_str().into(),
                l.number.as_str().into(),
                l.imei.as_str().into(),
                l.issued_on.format("%-d %b %Y").to_string().into(),
            ]
        })
        .collect();
    sheet
}

/// Title of the weekly volunteer roster.
pub const ROSTER_TITLE: &str = "Volunteer rota";

/// Legend of the roster's DBS marks, in the order printed.
pub const ROSTER_LEGEND: [(super::Mark, &str); 3] = [
    (super::Mark::Tick, "DBS valid until date"),
    (super::Mark::Warning, "DBS expiring soon"),
    (super::Mark::Cross, "DBS not valid"),
];

fn short(d: NaiveDate) -> String {
    d.format("%-d %b %Y").to_string()
}

fn dbs_cell(name: &str, st: &crate::volunteers::dbs::DbsStatus) -> Cell {
    use crate::volunteers::dbs::DbsStatus;
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
        let on_day: Vec<Vec<&crate::volunteers::rota::Shift>> = rota
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

/// Title of the activity sheet.
pub const ACTIVITY_TITLE: &str = "Activity sign-up and attendance";

/// The sign-up / attendance sheet of a site's sessions in a week: for each session held, one
/// row per person signed up (name in both scripts, code, age, signed-up tick, attended box,
/// ticked or crossed when already recorded), then blank rows for people who walk in, up to
/// the places left (at most 3).
pub fn activity_sheet(
    week_heading: &str,
    sessions: &[(Instance, Vec<SignUp>)],
    centre: &str,
    site: &str,
    printed_at: NaiveDateTime,
) -> Sheet {
    let mut sheet = Sheet::new(
        ACTIVITY_TITLE,
        vec![
            Column::text("Session").weight(2.6).lines(2),
            Column::text("No.").mm(10.0).align(Align::End),
            Column::text("Name").weight(2.0).lines(2),
            Column::text("Name in own script").weight(2.0).lines(2),
            Column::text("Code").mm(24.0),
            Column::text("Age").mm(12.0).align(Align::Center),
            Column::tick_box("Signed up"),
            Column::tick_box("Attended"),
        ],
    );
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: site.to_string(),
        title: ACTIVITY_TITLE.to_string(),
        date: week_heading.to_string(),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    // Two lines for the session's day, time, title and place.
    sheet.row_height_mm = Some(11.0);
    for (i, people) in sessions {
        let label = format!(
            "{} {}–{} {}{}",
            i.held_on.format("%a %-d %b"),
            i.starts_at,
            i.ends_at,
            i.title,
            if i.place.is_empty() { String::new() } else { format!(" · {}", i.place) }
        );
        if i.exception == Some(crate::activities::ExceptionKind::Cancelled) {
            let mut row = vec![Cell::from(label), Cell::default(), Cell::from("Cancelled")];
            row.extend((0..5).map(|_| Cell::default()));
            sheet.rows.push(row);
            continue;
        }
        let blanks = (i.capacity as usize).saturating_sub(people.len()).min(3);
        for n in 0..people.len() + blanks {
            let first = if n == 0 { Cell::from(label.as_str()) } else { Cell::default() };
            let row = match people.get(n) {
                Some(p) => vec![
                    first,
                    (n + 1).to_string().into(),
                    p.name.as_str().into(),
                    p.original_name.clone().unwrap_or_default().into(),
                    p.code.as_str().into(),
                    p.age.map(|a| a.to_string()).unwrap_or_default().into(),
                    Cell::mark(Mark::Tick),
                    match p.attended {
                        Some(true) => Cell::mark(Mark::Tick),
                        Some(false) => Cell::mark(Mark::Cross),
                        None => Cell::default(),
                    },
                ],
                None => {
                    let mut row = vec![first, (n + 1).to_string().into()];
                    row.extend((0..6).map(|_| Cell::default()));
                    row
                }
            };
            sheet.rows.push(row);
        }
    }
    if sessions.is_empty() {
        let mut row = vec![Cell::from("No sessions this week")];
        row.extend((0..7).map(|_| Cell::default()));
        sheet.rows.push(row);
    }
    sheet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_phone_with_every_column_filled_in_order() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        let line = ContactLine {
            code: "CAL-0042".into(),
            name: "Yonas Tesfay".into(),
            original_name: Some("ዮናስ ተስፋይ".into()),
            site: "CAL".into(),
            number: "+33 6 12 34 56 78".into(),
            imei: "490154203237518".into(),
            issued_on: day,
        };
        let sheet =
            phone_contacts(&[line], "Haven", "Calais", day, day.and_hms_opt(9, 0, 0).unwrap_or_default());
        assert!(sheet.page.landscape);
        assert_eq!(sheet.header.title, PHONE_CONTACTS_TITLE);
        assert_eq!(sheet.header.date, "27 Nov 2026");
        let texts: Vec<&str> = sheet.rows[0].iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "CAL-0042",
                "Yonas Tesfay",
                "ዮናስ ተስፋይ",
                "CAL",
                "+33 6 12 34 56 78",
                "490154203237518",
                "27 Nov 2026"
            ]
        );
        assert!(sheet.rows.iter().all(|r| r.len() == sheet.columns.len()));
    }
}
