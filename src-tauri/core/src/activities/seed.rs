//! Demo activity sessions and sign-ups for `seed-demo`: a weekly timetable at each site, one
//! session moved this week, and people from the case book signed up (children to play
//! sessions, adults to the rest), with attendance for the days already past.

use chrono::{Days, Months, NaiveDate};
use rand::Rng;
use rusqlite::{params, Connection};

use super::week::Week;
use super::{ActivityKind, ExceptionKind, SessionException, SessionInput, SignUpInput};
use crate::access::{users, Session};
use crate::volunteers::dbs::Requirement;
use crate::Result;

/// (site, kind, title, weekday, starts, ends, place, capacity, child-facing)
type DemoSession =
    (&'static str, ActivityKind, &'static str, u32, &'static str, &'static str, &'static str, u32, bool);

const SESSIONS: &[DemoSession] = &[
    ("CAL", ActivityKind::ChildrensPlay, "Children's play", 1, "10:00", "12:00", "Bus, top deck", 15, true),
    ("CAL", ActivityKind::English, "English lesson", 2, "14:00", "15:30", "Bus, lower deck", 12, false),
    ("CAL", ActivityKind::Womens, "Women's pamper session", 4, "13:00", "15:00", "Bus, top deck", 10, false),
    ("CAL", ActivityKind::ChildrensPlay, "Children's play", 5, "10:00", "12:00", "Bus, top deck", 15, true),
    ("DUN", ActivityKind::Maktab, "Maktab early years", 1, "09:30", "12:00", "Maktab tent", 20, true),
    ("DUN", ActivityKind::Maktab, "Maktab early years", 3, "09:30", "12:00", "Maktab tent", 20, true),
    ("DUN", ActivityKind::English, "English lesson", 4, "14:00", "16:00", "School tent", 15, false),
    ("BHM", ActivityKind::English, "English conversation", 3, "10:00", "11:30", "Meeting room", 12, false),
];

/// A demo session the rota staffs.
#[derive(Debug, Clone)]
pub struct DemoSessionMade {
    /// The session's id.
    pub id: String,
    /// Its site's code.
    pub site: &'static str,
    /// ISO weekday it is held on (1 = Monday).
    pub weekday: u32,
    /// Its title (the role of the shift that staffs it).
    pub title: &'static str,
    /// Whether it is child-facing.
    pub child_facing: bool,
}

/// Seeds the timetable and its sign-ups, drawing from `rng` after the volunteers' seed (one
/// generator, so a seed gives the same demo). Sessions are saved here with no shifts yet: the
/// rota's seed staffs them afterwards. Returns the sessions in the order they were made.
pub fn seed(conn: &Connection, rng: &mut impl Rng, today: NaiveDate) -> Result<Vec<DemoSessionMade>> {
    let lead: Session = users::session_for(&users::first_lead(conn)?);
    let week = Week::of(today);
    let start = week.monday.checked_sub_days(Days::new(28)).unwrap_or(week.monday);
    let mut made = Vec::new();
    for &(site, kind, title, weekday, starts, ends, place, capacity, child) in SESSIONS {
        let input = SessionInput {
            id: None,
            site: site.into(),
            kind,
            title: title.into(),
            weekday,
            starts_at: starts.into(),
            ends_at: ends.into(),
            place: place.into(),
            capacity,
            child_facing: child,
            required_dbs: if child { Some(Requirement::EnhancedBarred) } else { Some(Requirement::Basic) },
            starts_on: Some(start),
            ends_on: None,
            active: true,
        };
        let id = super::save_session(conn, &input, today)?;
        made.push(DemoSessionMade { id, site, weekday, title, child_facing: child });
    }
    // This week's Thursday pamper session is moved (the rota's seed cancels one of next week's).
    if let Some(m) = made.iter().find(|m| m.weekday == 4 && m.site == "CAL") {
        super::set_exception(
            conn,
            &SessionException {
                session: m.id.clone(),
                on_date: week.day(4),
                kind: Some(ExceptionKind::Moved),
                moved_to: Some(week.day(5)),
                starts_at: Some("14:00".into()),
                ends_at: Some("16:00".into()),
                place: None,
                reason: "Bus at the garage on Thursday".into(),
            },
        )?;
    }
    // Sign-ups: children to play sessions, adults to the rest.
    for m in &made {
        let sql = if m.child_facing {
            "SELECT p.id FROM people p JOIN sites s ON s.id = p.site_id WHERE s.code = ?1 AND p.date_of_birth > ?2 ORDER BY p.code LIMIT ?3"
        } else {
            "SELECT p.id FROM people p JOIN sites s ON s.id = p.site_id WHERE s.code = ?1 AND p.date_of_birth <= ?2 ORDER BY p.code LIMIT ?3"
        };
        let cut = today.checked_sub_months(Months::new(12 * 12)).unwrap_or(today);
        let take: i64 = rng.random_range(3..9);
        let mut stmt = conn.prepare(sql)?;
        let people: Vec<String> =
            stmt.query_map(params![m.site, cut, take], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let date = week.day(m.weekday);
        for p in people {
            let attended = if date < today { Some(rng.random_bool(0.8)) } else { None };
            super::sign_up(
                conn,
                &lead,
                &SignUpInput { session: m.id.clone(), on_date: date, person: p, attended },
            )?;
        }
    }
    Ok(made)
}
