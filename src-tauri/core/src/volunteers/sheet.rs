//! The volunteers' printed sheet: the volunteer information sheet, built as plain
//! [`Sheet`] data; the API's print path renders and writes it.

use chrono::NaiveDateTime;

use super::info::Language;
use crate::print::{Cell, Column, RowStyle, Sheet, SheetHeader, Words};

/// The sheet's title in each language.
pub fn info_title(lang: Language) -> String {
    Words::of(lang).get("print.info.title")
}

/// The volunteer information sheet: the site, its address and the rota contact first, then the
/// centre's text (already filled in), one paragraph a row.
pub fn info_sheet(
    lang: Language,
    text: &str,
    centre: &str,
    site: &str,
    address: &str,
    contact: &str,
    printed_at: NaiveDateTime,
) -> Sheet {
    let w = Words::of(lang);
    let (site_label, address_label, contact_label) =
        (w.get("print.info.site"), w.get("print.info.address"), w.get("print.info.contact"));
    let title = info_title(lang);
    let mut sheet =
        Sheet::new(&title, vec![Column::text("").mm(45.0).lines(3), Column::text("").weight(1.0).lines(60)]);
    sheet.language = lang;
    sheet.header =
        SheetHeader { centre: centre.to_string(), site: site.to_string(), title, date: String::new() };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet.row_style = RowStyle::Ruled;
    for (label, value) in [(site_label, site), (address_label, address), (contact_label, contact)] {
        if !value.trim().is_empty() {
            sheet.rows.push(vec![Cell::from(label.as_str()), Cell::from(value.trim())]);
        }
    }
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        sheet.rows.push(vec![Cell::default(), Cell::from(paragraph)]);
    }
    sheet
}
