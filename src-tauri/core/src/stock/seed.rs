//! Demo stock: locations per site, thresholds, receipts of donations and purchases (baby milk in
//! batches, one expired and one expiring soon). The default catalogue comes with the allowance
//! rules (`distribution/rules.rs`) and the past distributions from `distribution/seed.rs`.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;

use super::{receive, save_location, set_threshold, LocationInput, Reason, ReceiptInput};
use crate::access::users;
use crate::Result;

/// Locations of the demo centre: (site code, name). The first that exists holds the demo's
/// distributions.
pub(crate) const LOCATIONS: &[(&str, &str)] =
    &[("CAL", "The bus"), ("CAL", "Store"), ("DUN", "Store"), ("BHM", "Office")];

/// Seeds stock once, on the catalogue already there: does nothing when the ledger already has
/// movements. Returns whether it seeded.
pub fn seed_stock(conn: &Connection, today: NaiveDate) -> Result<bool> {
    let moved: i64 = conn.query_row("SELECT count(*) FROM stock_movements", [], |r| r.get(0))?;
    if moved > 0 {
        return Ok(false);
    }
    let lead = users::first_lead(conn)?;
    let s = users::session_for(&lead);
    let mut locations = Vec::new();
    for &(site, name) in LOCATIONS {
        if crate::sites::find(conn, site)?.is_none() {
            continue;
        }
        let existing = super::list_locations(conn, Some(site))?.into_iter().find(|l| l.name == name);
        let loc = match existing {
            Some(l) => l,
            None => save_location(
                conn,
                &LocationInput { id: None, site: site.into(), name: name.into(), active: None },
            )?,
        };
        locations.push(loc);
    }
    let day = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
    let later = |n: u64| today.checked_add_days(Days::new(n)).unwrap_or(today);
    for (i, loc) in locations.iter().enumerate() {
        let big = if i == 0 { 4 } else { 1 };
        let r = |item: &str,
                 variant: Option<&str>,
                 quantity: i64,
                 source: Reason,
                 exp: Option<NaiveDate>,
                 on: u64| ReceiptInput {
            location: loc.id.clone(),
            item: item.into(),
            variant: variant.map(str::to_string),
            quantity: quantity * big,
            source,
            party: if source == Reason::Purchase {
                "Calais Cash & Carry".into()
            } else {
                "Refugee Community Kitchen".into()
            },
            unit_cost: if source == Reason::Purchase { Some(850) } else { None },
            batch: exp.map(|e| format!("L{}", e.format("%y%m%d"))),
            expires_on: exp,
            received_on: Some(day(on)),
            note: String::new(),
            fund: None,
            category: None,
        };
        let receipts = [
            r("Baby milk", None, 6, Reason::Donation, Some(day(5)), 70),
            r("Baby milk", None, 30, Reason::Purchase, Some(later(12)), 56),
            r("Baby milk", None, 60, Reason::Purchase, Some(later(150)), 21),
            r("Protein food pack", None, 40, Reason::Donation, Some(later(90)), 42),
            r("Food parcel", None, 120, Reason::Donation, Some(later(60)), 35),
            r("Baby wipes", None, 60, Reason::Donation, None, 63),
            r("Hygiene kit", None, 80, Reason::Donation, None, 49),
            r("Sanitary pads", None, 100, Reason::Purchase, None, 28),
            r("Phone", None, 10, Reason::Donation, None, 77),
            r("Nappies", Some("1"), 20, Reason::Donation, None, 60),
            r("Nappies", Some("2"), 25, Reason::Donation, None, 60),
            r("Nappies", Some("3"), 30, Reason::Purchase, None, 30),
            r("Nappies", Some("4"), 30, Reason::Purchase, None, 30),
            r("Nappies", Some("5"), 20, Reason::Donation, None, 14),
            r("Nappies", Some("6"), 10, Reason::Donation, None, 14),
            r("Clothing voucher", Some("2-4"), 40, Reason::Donation, None, 80),
            r("Clothing voucher", Some("5-8"), 40, Reason::Donation, None, 80),
            r("Clothing voucher", Some("9-12"), 40, Reason::Donation, None, 80),
        ];
        for receipt in &receipts {
            receive(conn, &s, receipt, today)?;
        }
        for (item, t) in [("Baby milk", 40), ("Nappies", 40), ("Food parcel", 30), ("Hygiene kit", 20)] {
            set_threshold(conn, &loc.site_id, item, t)?;
        }
    }
    Ok(true)
}
