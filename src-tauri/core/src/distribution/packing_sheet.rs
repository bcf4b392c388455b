//! The printed packing list: the totals first (each item and size with the site's stock and
//! the shortfall), then every household's pick list in the sign-up sheet's order, each line
//! with a tick box. One table, grouped: a household continued on a new page repeats its name.
//! The same rows go to CSV and Excel through the export writer.

use chrono::NaiveDateTime;

use super::packing::PackingList;
use crate::print::{Align, Cell, Column, Language, Sheet, SheetHeader, Words};

/// Title of the packing list in `lang`.
pub fn title(lang: Language) -> String {
    Words::of(lang).get("print.packing.title")
}

/// Headings of the packing list's table and of its CSV/XLSX export, in `lang`.
pub fn headers(lang: Language) -> [String; 7] {
    let w = Words::of(lang);
    [
        w.get("print.packing.household"),
        w.get("print.packing.item"),
        w.get("print.packing.size"),
        w.get("print.packing.quantity"),
        w.get("print.packing.in_stock"),
        w.get("print.packing.short"),
        w.get("print.packing.packed"),
    ]
}

/// The group heading of a household: code, name, name in original script, people.
fn household(h: &super::packing::PickList) -> String {
    let mut text = format!("{} {}", h.code, h.name);
    if let Some(o) = h.original_name.as_deref().filter(|o| !o.trim().is_empty()) {
        text.push_str(" · ");
        text.push_str(o);
    }
    text.push_str(&format!(" ({})", h.people));
    text
}

/// The list's rows as text, in the table's order: totals ("All households"), then each
/// household's lines (its name on its first line only). The words are in `lang`.
pub fn rows(list: &PackingList, lang: Language) -> Vec<[String; 6]> {
    let mut rows = Vec::new();
    let all = Words::of(lang).fill("print.packing.all", &[("n", &list.households.len().to_string())]);
    for (i, t) in list.totals.iter().enumerate() {
        rows.push([
            if i == 0 { all.clone() } else { String::new() },
            t.item.clone(),
            t.variant.clone(),
            t.needed.to_string(),
            t.at_site.to_string(),
            if t.shortfall > 0 { t.shortfall.to_string() } else { String::new() },
        ]);
    }
    for h in &list.households {
        let name = household(h);
        for (i, l) in h.lines.iter().enumerate() {
            rows.push([
                if i == 0 { name.clone() } else { String::new() },
                l.item.clone(),
                l.variant.clone(),
                l.quantity.to_string(),
                String::new(),
                String::new(),
            ]);
        }
    }
    rows
}

/// The packing list as a sheet, its words in `lang`.
pub fn packing_sheet(list: &PackingList, centre: &str, printed_at: NaiveDateTime, lang: Language) -> Sheet {
    let d = &list.distribution;
    let w = Words::of(lang);
    let [household, item, size, quantity, in_stock, short, packed] = headers(lang);
    let mut sheet = Sheet::new(
        title(lang),
        vec![
            Column::text(household).weight(2.4).lines(2),
            Column::text(item).weight(1.6),
            Column::text(size).mm(16.0),
            Column::text(quantity).mm(20.0).align(Align::End),
            Column::text(in_stock).mm(22.0).align(Align::End),
            Column::text(short).mm(14.0).align(Align::End),
            Column::tick_box(packed),
        ],
    );
    sheet.language = lang;
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: format!("{} ({})", d.site_name, d.location),
        title: w.fill("print.packing.title_type", &[("title", &title(lang)), ("type", &d.dist_type)]),
        date: w.weekday_date(d.held_on),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet.group_column = Some(0);
    sheet.rows = rows(list, lang)
        .into_iter()
        .map(|r| {
            let mut cells: Vec<Cell> = r.into_iter().map(Cell::from).collect();
            cells.push(Cell::default());
            cells
        })
        .collect();
    sheet
}
