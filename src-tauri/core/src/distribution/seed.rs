//! Demo distributions: six past weekly distributions on the bus, in which the first households
//! of Calais collected, and this week's, open for the desk; so the desk, the reports and the
//! Dashboard chart have data. Runs once, after the demo stock is received.

use chrono::{Days, NaiveDate};
use rusqlite::Connection;

use super::{collect, create, set_status, CollectInput, Context, NewDistribution};
use crate::access::users;
use crate::stock::{self, seed::LOCATIONS};
use crate::Result;

/// Adds the demo's distributions at the first demo location that exists.
pub fn seed(conn: &Connection, today: NaiveDate) -> Result<()> {
    let lead = users::first_lead(conn)?;
    let s = users::session_for(&lead);
    let day = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
    let later = |n: u64| today.checked_add_days(Days::new(n)).unwrap_or(today);
    // Past weekly distributions on the bus: the first households of Calais collected.
    let mut bus = None;
    for &(site, name) in LOCATIONS {
        if crate::sites::find(conn, site)?.is_none() {
            continue;
        }
        bus = stock::list_locations(conn, Some(site))?.into_iter().find(|l| l.name == name);
        break;
    }
    let Some(bus) = bus else { return Ok(()) };
    let households: Vec<String> = {
        let mut stmt = conn.prepare(
            "SELECT min(code) FROM people WHERE site_id = ?1 AND status = 'active'
             GROUP BY coalesce(household_id, id) ORDER BY 1 LIMIT 120",
        )?;
        let rows = stmt.query_map([&bus.site_id], |r| r.get(0))?;
        rows.collect::<std::result::Result<_, _>>()?
    };
    for week in (1..=6u64).rev() {
        let d = create(
            conn,
            &s,
            &NewDistribution {
                location: bus.id.clone(),
                held_on: day(week * 7),
                dist_type: "weekly".into(),
                confirm_same_week: false,
            },
        )?;
        let ctx = Context::load(conn, &d.id)?;
        let n = 12 + (week as usize * 3);
        let skip = (week as usize * 4) % households.len().max(1);
        for code in households.iter().skip(skip).take(n) {
            let input = CollectInput {
                distribution: d.id.clone(),
                person: code.clone(),
                take_available: true,
                confirm_other_site: false,
            };
            collect(conn, &s, &ctx, &input, today)?;
        }
        set_status(conn, &d.id, false)?;
    }
    // This week's distribution, open, for the desk.
    let next = later(2);
    create(
        conn,
        &s,
        &NewDistribution {
            location: bus.id.clone(),
            held_on: next,
            dist_type: "weekly".into(),
            confirm_same_week: false,
        },
    )?;
    Ok(())
}
