//! The demo's rota for `seed-demo`: shifts this week and next at each site (the front desk every
//! weekday, and one for each activity session), filled as far as the rules allow so that the
//! demo shows gaps, and one of next week's sessions cancelled after its shift was filled.
//!
//! The volunteers (`volunteers/seed.rs`) and the timetable (`activities/seed.rs`) are seeded
//! first; this seed goes on with their generator, so a seed gives the same demo.

use chrono::{Days, NaiveDate};
use rand::Rng;
use rusqlite::Connection;

use super::{self as rota, NewShift};
use crate::access::{users, Session};
use crate::activities::seed::DemoSessionMade;
use crate::activities::week::Week;
use crate::activities::{ExceptionKind, SessionException};
use crate::volunteers::dbs::Requirement;
use crate::volunteers::seed::DemoTeam;
use crate::Result;

/// Seeds the rota for `team` and the sessions `made`, drawing from `rng`.
pub fn seed(
    conn: &Connection,
    rng: &mut impl Rng,
    today: NaiveDate,
    team: &DemoTeam,
    made: &[DemoSessionMade],
) -> Result<()> {
    let lead: Session = users::session_for(&users::first_lead(conn)?);
    let week = Week::of(today);
    // Shifts this week and next: front desk every weekday, and one per child-facing session.
    for w in [week, Week::of(week.sunday().checked_add_days(Days::new(1)).unwrap_or(week.sunday()))] {
        for site in ["CAL", "DUN", "BHM"] {
            for day in 1..=5 {
                let input = NewShift {
                    site: site.into(),
                    on_date: w.day(day),
                    starts_at: "09:00".into(),
                    ends_at: "13:00".into(),
                    role: "Front desk".into(),
                    session: None,
                    child_facing: false,
                    required_dbs: Some(Requirement::Basic),
                    needed: Some(2),
                };
                rota::create_shift(conn, &input)?;
            }
        }
        // A shift for a session takes the session's date and times (moved ones included).
        for m in made {
            let input = NewShift {
                site: m.site.into(),
                on_date: w.day(m.weekday),
                starts_at: String::new(),
                ends_at: String::new(),
                role: m.title.into(),
                session: Some(m.id.clone()),
                child_facing: m.child_facing,
                required_dbs: None,
                needed: Some(2),
            };
            rota::create_shift(conn, &input)?;
        }
    }
    // Fill what the rules allow, leaving gaps; refusals are the rota doing its job.
    let mut stmt = conn.prepare(
        "SELECT sh.id, s.code AS site FROM shifts sh JOIN sites s ON s.id = sh.site_id ORDER BY sh.on_date, sh.starts_at, sh.id",
    )?;
    let shifts: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get("id")?, r.get("site")?)))?.collect::<rusqlite::Result<_>>()?;
    for (n, (shift, site)) in shifts.iter().enumerate() {
        let here: Vec<&(String, &str)> = team.iter().filter(|v| v.1 == site).collect();
        if here.is_empty() || n % 5 == 4 {
            continue;
        }
        let first = rng.random_range(0..here.len());
        for k in 0..here.len() {
            let v = here[(first + k) % here.len()];
            // Errors are rules (DBS, overlap, full): try the next volunteer.
            if let Err(e) = rota::assign(conn, &lead, shift, &v.0) {
                if e.kind() == crate::ErrorKind::Internal {
                    return Err(e);
                }
            }
            let filled: u32 =
                conn.query_row("SELECT count(*) FROM shift_assignments WHERE shift_id = ?1", [shift], |r| {
                    r.get(0)
                })?;
            if filled > (n as u32 % 2) {
                break;
            }
        }
    }
    // One of next week's Dunkirk sessions is cancelled after its shift was filled: the rota
    // keeps the shift, marked cancelled, with its volunteers to tell.
    if let Some(m) = made.iter().find(|m| m.site == "DUN") {
        let next = week.sunday().checked_add_days(Days::new(u64::from(m.weekday))).unwrap_or(week.sunday());
        rota::set_exception(
            conn,
            &SessionException {
                session: m.id.clone(),
                on_date: next,
                kind: Some(ExceptionKind::Cancelled),
                moved_to: None,
                starts_at: None,
                ends_at: None,
                place: None,
                reason: "Hall not available".into(),
            },
        )?;
    }
    Ok(())
}
