//! Demo stock: the default catalogue and rules, locations per site, thresholds, receipts of
//! donations and purchases (baby milk in batches, one expired and one expiring soon), and past
//! weekly distributions with collections, so every screen and the Dashboard chart have data.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;

use super::{receive, save_location, set_threshold, LocationInput, Reason, ReceiptInput};
use crate::access::users;
use crate::distribution::{self, rules, CollectInput, Context, NewDistribution};
use crate::Result;

/// Locations of the demo centre: (site code, name).
const LOCATIONS: &[(&str, &str)] =
    &[("CAL", "The bus"), ("CAL", "Store"), ("DUN", "Store"), ("BHM", "Office")];

/// Seeds stock once: does nothing when the ledger already has movements.
pub fn seed_stock(conn: &Connection, today: NaiveDate) -> Result<()> {
    rules::ensure_defaults(conn)?;
    let moved: i64 = conn.query_row("SELECT count(*) FROM stock_movements", [], |r| r.get(0))?;
    if moved > 0 {
        return Ok(());
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
    // Past weekly distributions on the bus: the first households of Calais collected.
    let Some(bus) = locations.first() else { return Ok(()) };
    let households: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT min(code) FROM people WHERE site_id = ?1 AND status = 'active'
             GROUP BY coalesce(household_id, id) ORDER BY 1 LIMIT 120",
        )?;
        let rows = stmt.query_map([&bus.site_id], |r| r.get(0))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for week in (1..=6u64).rev() {
        let d = distribution::create(
            conn,
            &s,
            &NewDistribution { location: bus.id.clone(), held_on: day(week * 7), dist_type: "weekly".into() },
        )?;
        let ctx = Context::load(conn, &d.id)?;
        let n = 12 + (week as usize * 3);
        let skip = (week as usize * 4) % households.len().max(1);
        for code in households.iter().skip(skip).take(n) {
            let input =
                CollectInput { distribution: d.id.clone(), person: code.clone(), take_available: true };
            distribution::collect(conn, &s, &ctx, &input, today)?;
        }
        distribution::set_status(conn, &d.id, false)?;
    }
    // This week's distribution, open, for the desk.
    let next = later(2);
    distribution::create(
        conn,
        &s,
        &NewDistribution { location: bus.id.clone(), held_on: next, dist_type: "weekly".into() },
    )?;
    Ok(())
}
