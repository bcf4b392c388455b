//! The case book's printed sheet: the emergency contact list. The builder only makes a
//! [`Sheet`] from the case book's rows; the API's print path renders and writes it.

use chrono::{NaiveDate, NaiveDateTime};

use super::phones::ContactLine;
use crate::print::{Align, Column, Language, PageSetup, Sheet, SheetHeader, Words};

/// Title of the emergency contact list in `lang`.
pub fn phone_contacts_title(lang: Language) -> String {
    Words::of(lang).get("print.phones.title")
}

/// The emergency contact list: one row per phone held now, so staff can ring a young person
/// who has gone missing or needs help. Landscape: seven columns, and the names need room.
///
/// `centre` and `site` fill the page header (`site` is "All sites" when the list is not for
/// one site); `date` is the day the list is true for; the words are in `lang`.
pub fn phone_contacts(
    lines: &[ContactLine],
    centre: &str,
    site: &str,
    date: NaiveDate,
    printed_at: NaiveDateTime,
    lang: Language,
) -> Sheet {
    let w = Words::of(lang);
    let mut sheet = Sheet::new(
        phone_contacts_title(lang),
        vec![
            Column::text(w.get("print.col.code")).mm(26.0),
            Column::text(w.get("print.col.name")).weight(2.0).lines(2),
            Column::text(w.get("print.col.original_name")).weight(2.0).lines(2),
            Column::text(w.get("print.col.site")).mm(14.0).align(Align::Center),
            Column::text(w.get("print.phones.number")).weight(1.5),
            Column::text(w.get("print.phones.imei")).mm(40.0),
            Column::text(w.get("print.phones.issued_on")).mm(26.0),
        ],
    );
    sheet.page = PageSetup { landscape: true, ..PageSetup::default() };
    sheet.language = lang;
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: site.to_string(),
        title: phone_contacts_title(lang),
        date: w.date(date),
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
                w.date(l.issued_on).into(),
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
        let at = day.and_hms_opt(9, 0, 0).unwrap_or_default();
        let sheet = phone_contacts(std::slice::from_ref(&line), "Haven", "Calais", day, at, Language::En);
        assert!(sheet.page.landscape);
        assert_eq!(sheet.header.title, phone_contacts_title(Language::En));
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
        // In French the words change and the data stays as written.
        let fr = phone_contacts(&[line], "Haven", "Calais", day, at, Language::Fr);
        assert_eq!(fr.header.title, "Liste des contacts d'urgence : téléphones remis aux mineurs");
        assert_eq!(fr.header.date, "27 nov. 2026");
        assert_eq!(fr.columns[4].title, "Numéro de téléphone");
        assert_eq!(fr.rows[0][1].text, "Yonas Tesfay");
        assert_eq!(fr.language, Language::Fr);
    }
}
