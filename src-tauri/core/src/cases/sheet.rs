//! The case book's printed sheet: the emergency contact list. The builder only makes a
//! [`Sheet`] from the case book's rows; the API's print path renders and writes it.

use chrono::{NaiveDate, NaiveDateTime};

use super::phones::ContactLine;
use crate::print::{Align, Column, PageSetup, Sheet, SheetHeader};

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
