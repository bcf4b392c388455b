//! The activities' printed sheet: sign-up and attendance for a site's week. The builder only
//! makes a [`Sheet`] from the timetable's rows; the API's print path renders and writes it.

use chrono::{NaiveDate, NaiveDateTime};

use super::{ExceptionKind, Instance, SignUp};
use crate::print::{Align, Cell, Column, Language, Mark, PageSetup, Sheet, SheetHeader, Words};

/// A person's age as printed: months under two years ("8 months"), else years.
fn age(w: &Words, p: &SignUp) -> String {
    match (p.age_months, p.age) {
        (Some(m), _) if m < 24 => w.count("print.activity.months", m as usize),
        (_, Some(years)) => years.to_string(),
        _ => String::new(),
    }
}

/// Title of the activity sheet in `lang`.
pub fn activity_title(lang: Language) -> String {
    Words::of(lang).get("print.activity.title")
}

/// The sign-up / attendance sheet of a site's sessions in a week: for each session held, one
/// row per person signed up (name in both scripts, code, age, signed-up tick, attended box,
/// ticked or crossed when already recorded), then blank rows for people who walk in: every
/// place left when the sheet is for one session, else up to 3. A session continued on a new
/// page repeats its name there; babies under two have their age in months. The week starts
/// on `monday`; the words are in `lang`.
pub fn activity_sheet(
    monday: NaiveDate,
    sessions: &[(Instance, Vec<SignUp>)],
    centre: &str,
    site: &str,
    printed_at: NaiveDateTime,
    lang: Language,
) -> Sheet {
    let w = Words::of(lang);
    let mut sheet = Sheet::new(
        activity_title(lang),
        vec![
            Column::text(w.get("print.activity.session")).weight(2.6).lines(2),
            Column::text(w.get("print.col.no")).mm(10.0).align(Align::End),
            Column::text(w.get("print.col.name")).weight(2.0).lines(2),
            Column::text(w.get("print.col.original_name")).weight(2.0).lines(2),
            Column::text(w.get("print.col.code")).mm(24.0),
            Column::text(w.get("print.activity.age")).mm(12.0).align(Align::Center),
            Column::tick_box(w.get("print.activity.signed_up")),
            Column::tick_box(w.get("print.activity.attended")),
        ],
    );
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    sheet.language = lang;
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: site.to_string(),
        title: activity_title(lang),
        date: w.week(monday),
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
            w.weekday_day_month(i.held_on),
            i.starts_at,
            i.ends_at,
            i.title,
            if i.place.is_empty() { String::new() } else { format!(" · {}", i.place) }
        );
        if i.exception == Some(ExceptionKind::Cancelled) {
            let mut row = vec![Cell::from(label), Cell::default(), Cell::from(w.get("print.cancelled"))];
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
                    age(&w, p).into(),
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
        let mut row = vec![Cell::from(w.get("print.activity.none"))];
        row.extend((0..7).map(|_| Cell::default()));
        sheet.rows.push(row);
    }
    sheet
}
