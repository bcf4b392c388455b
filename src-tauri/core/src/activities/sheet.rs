//! The activities' printed sheet: sign-up and attendance for a site's week. The builder only
//! makes a [`Sheet`] from the timetable's rows; the API's print path renders and writes it.

use chrono::NaiveDateTime;

use super::{ExceptionKind, Instance, SignUp};
use crate::print::{Align, Cell, Column, Mark, PageSetup, Sheet, SheetHeader};

/// A person's age as printed: months under two years ("8 months"), else years.
fn age(p: &SignUp) -> String {
    match (p.age_months, p.age) {
        (Some(1), _) => "1 month".to_string(),
        (Some(m), _) if m < 24 => format!("{m} months"),
        (_, Some(years)) => years.to_string(),
        _ => String::new(),
    }
}

/// Title of the activity sheet.
pub const ACTIVITY_TITLE: &str = "Activity sign-up and attendance";

/// The sign-up / attendance sheet of a site's sessions in a week: for each session held, one
/// row per person signed up (name in both scripts, code, age, signed-up tick, attended box,
/// ticked or crossed when already recorded), then blank rows for people who walk in: every
/// place left when the sheet is for one session, else up to 3. A session continued on a new
/// page repeats its name there; babies under two have their age in months.
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
    sheet.group_column = Some(0);
    let single = sessions.len() == 1;
    for (i, people) in sessions {
        let label = format!(
            "{} {}–{} {}{}",
            i.held_on.format("%a %-d %b"),
            i.starts_at,
            i.ends_at,
            i.title,
            if i.place.is_empty() { String::new() } else { format!(" · {}", i.place) }
        );
        if i.exception == Some(ExceptionKind::Cancelled) {
            let mut row = vec![Cell::from(label), Cell::default(), Cell::from("Cancelled")];
            row.extend((0..5).map(|_| Cell::default()));
            sheet.rows.push(row);
            continue;
        }
        let free = (i.capacity as usize).saturating_sub(people.len());
        let blanks = if single { free } else { free.min(3) };
        for n in 0..people.len() + blanks {
            let first = if n == 0 { Cell::from(label.as_str()) } else { Cell::default() };
            let row = match people.get(n) {
                Some(p) => vec![
                    first,
                    (n + 1).to_string().into(),
                    p.name.as_str().into(),
                    p.original_name.clone().unwrap_or_default().into(),
                    p.code.as_str().into(),
                    age(p).into(),
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
