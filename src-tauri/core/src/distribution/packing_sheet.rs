//! The printed packing list: the totals first (each item and size with the site's stock and
//! the shortfall), then every household's pick list in the sign-up sheet's order, each line
//! with a tick box. One table, grouped: a household continued on a new page repeats its name.
//! The same rows go to CSV and Excel through the export writer.

use chrono::NaiveDateTime;

use super::packing::PackingList;
use crate::print::{Align, Cell, Column, Sheet, SheetHeader};

/// Title of the packing list.
pub const TITLE: &str = "Packing list";

/// Headings of the packing list's table and of its CSV/XLSX export.
pub const HEADERS: [&str; 7] =
    ["Household", "Item", "Size", "Quantity", "In stock at the site", "Short", "Packed"];

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
/// household's lines (its name on its first line only).
pub fn rows(list: &PackingList) -> Vec<[String; 6]> {
    let mut rows = Vec::new();
    let all = format!("All households ({})", list.households.len());
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

/// The packing list as a sheet.
pub fn packing_sheet(list: &PackingList, centre: &str, printed_at: NaiveDateTime) -> Sheet {
    let d = &list.distribution;
    let mut sheet = Sheet::new(
        TITLE,
        vec![
            Column::text(HEADERS[0]).weight(2.4).lines(2),
            Column::text(HEADERS[1]).weight(1.6),
            Column::text(HEADERS[2]).mm(16.0),
            Column::text(HEADERS[3]).mm(20.0).align(Align::End),
            Column::text(HEADERS[4]).mm(22.0).align(Align::End),
            Column::text(HEADERS[5]).mm(14.0).align(Align::End),
            Column::tick_box(HEADERS[6]),
        ],
    );
    sheet.header = SheetHeader {
        centre: centre.to_string(),
        site: format!("{} ({})", d.site_name, d.location),
        title: format!("{TITLE}: {}", d.dist_type),
        date: d.held_on.format("%a %-d %b %Y").to_string(),
    };
    sheet.author = centre.to_string();
    sheet.printed_at = printed_at;
    sheet.group_column = Some(0);
    sheet.rows = rows(list)
        .into_iter()
        .map(|r| {
            let mut cells: Vec<Cell> = r.into_iter().map(Cell::from).collect();
            cells.push(Cell::default());
            cells
        })
        .collect();
    sheet
}
