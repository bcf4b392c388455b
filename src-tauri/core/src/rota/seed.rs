//! Demo volunteers, DBS checks, activity sessions, shifts and sign-ups for `seed-demo`.
//!
//! Deterministic for a seed and relative to `today`, so the demo always shows a mix: valid,
//! expiring soon, expired and missing DBS checks, an applicant not yet approved, a short stay
//! approved for a structured activity, and a rota with gaps this week.

use chrono::{Days, Months, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Connection};

use super::{self as rota, NewShift};
use crate::access::{users, Session};
use crate::activities::week::Week;
use crate::activities::{self, ActivityKind, SessionInput, SignUpInput};
use crate::volunteers::dbs::{DbsLevel, NewDbsCheck, Requirement, Workforce};
use crate::volunteers::{create, set_status, VolunteerDetails, VolunteerStatus};
use crate::Result;

/// (given, family, site, skills, DBS: months since issue or none, enhanced with barred list)
type DemoVolunteer = (&'static str, &'static str, &'static str, &'static [&'static str], Option<u32>, bool);

/// (site, kind, title, weekday, starts, ends, place, capacity, child-facing)
type DemoSession =
    (&'static str, ActivityKind, &'static str, u32, &'static str, &'static str, &'static str, u32, bool);

const VOLUNTEERS: &[DemoVolunteer] = &[
    ("Amira", "Haddad", "CAL", &["early_years", "interpreting"], Some(6), true),
    ("Ben", "Carter", "CAL", &["driving"], Some(12), true),
    ("Chloé", "Dubois", "CAL", &["teaching"], Some(36), true),
    ("Daniel", "Osei", "CAL", &["medical"], None, false),
    ("Elif", "Yilmaz", "CAL", &["interpreting"], Some(40), true),
    ("Fatou", "Diallo", "CAL", &["early_years"], Some(3), false),
    ("Grace", "Kim", "DUN", &["early_years", "teaching"], Some(8), true),
    ("Hamid", "Rahimi", "DUN", &["interpreting", "driving"], Some(20), true),
    ("Ines", "Moreau", "DUN", &["teaching"], None, false),
    ("James", "Walsh", "DUN", &["early_years"], Some(2), true),
    ("Kavya", "Nair", "BHM", &["interpreting"], Some(10), true),
    ("Liam", "O'Brien", "BHM", &["driving"], Some(37), true),
];

/// Seeds the volunteers' side of the demo, once (does nothing if volunteers exist).
pub fn seed(conn: &Connection, seed: u64, today: NaiveDate) -> Result<()> {
    let exists: bool = conn.query_row("SELECT EXISTS (SELECT 1 FROM volunteers)", [], |r| r.get(0))?;
    if exists {
        return Ok(());
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x766f_6c75);
    let lead: Session = users::session_for(&users::first_lead(conn)?);
    let week = Week::of(today);
    let mut ids = Vec::new();
    for (n, &(given, family, site, skills, dbs_age, barred)) in VOLUNTEERS.iter().enumerate() {
        let arrival = today.checked_sub_days(Days::new(rng.random_range(3..40))).unwrap_or(today);
        let departure = today.checked_add_days(Days::new(rng.random_range(20..90)));
        let details = VolunteerDetails {
            given_name: given.into(),
            family_name: family.into(),
            email: format!(
                "{}.{}@example.org",
                given.to_lowercase(),
                family.to_lowercase().replace('\'', "")
            ),
            phone: format!("+44 7700 900{:03}", n + 100),
            emergency_contact: "Parent, +44 7700 900999".into(),
            languages: ["English, French", "English, Arabic", "English, Dari", "French"]
                .choose(&mut rng)
                .copied()
                .unwrap_or("English")
                .into(),
            skills: skills.iter().map(|s| s.to_string()).collect(),
            qualifications: if skills.contains(&"teaching") {
                "Qualified teacher".into()
            } else {
                String::new()
            },
            site: site.into(),
            other_sites: Vec::new(),
            arrival_on: arrival,
            departure_on: departure,
            structured_activity: String::new(),
            notes: if n % 4 == 0 { "References checked by phone.".into() } else { String::new() },
        };
        let id = create(conn, &lead, &details)?;
        if n != 8 {
            set_status(conn, &id, VolunteerStatus::Approved)?;
            set_status(conn, &id, VolunteerStatus::Active)?;
        }
        if let Some(months) = dbs_age {
            let issued = today.checked_sub_months(Months::new(months)).unwrap_or(today);
            // 36 months less 10 days: valid for 9 more days, "expiring soon".
            let issued =
                if months == 36 { issued.checked_add_days(Days::new(10)).unwrap_or(issued) } else { issued };
            let input = NewDbsCheck {
                volunteer: id.clone(),
                level: if barred { DbsLevel::EnhancedBarred } else { DbsLevel::Enhanced },
                workforce: Workforce::Child,
                barred_children: barred,
                barred_adults: false,
                certificate_number: format!("{:012}", 1_000_000_000u64 + rng.random_range(0..999_999_999u64)),
                issued_on: issued,
                update_service_id: None,
                update_checked_on: None,
                verified_on: Some(issued.max(arrival.min(today))),
            };
            crate::volunteers::dbs::create(conn, &lead, &input, today)?;
        }
        ids.push((id, site));
    }
    // A short stay, approved for a structured activity.
    let puppets = VolunteerDetails {
        given_name: "Marta".into(),
        family_name: "Novak".into(),
        site: "CAL".into(),
        skills: vec!["teaching".into()],
        arrival_on: today,
        departure_on: today.checked_add_days(Days::new(5)),
        structured_activity: "Puppet show workshop".into(),
        languages: "English, Polish".into(),
        ..VolunteerDetails::default()
    };
    let marta = create(conn, &lead, &puppets)?;
    set_status(conn, &marta, VolunteerStatus::Approved)?;

    // The timetable.
    let sessions: &[DemoSession] = &[
        (
            "CAL",
            ActivityKind::ChildrensPlay,
            "Children's play",
            1,
            "10:00",
            "12:00",
            "Bus, top deck",
            15,
            true,
        ),
        ("CAL", ActivityKind::English, "English lesson", 2, "14:00", "15:30", "Bus, lower deck", 12, false),
        (
            "CAL",
            ActivityKind::Womens,
            "Women's pamper session",
            4,
            "13:00",
            "15:00",
            "Bus, top deck",
            10,
            false,
        ),
        (
            "CAL",
            ActivityKind::ChildrensPlay,
            "Children's play",
            5,
            "10:00",
            "12:00",
            "Bus, top deck",
            15,
            true,
        ),
        ("DUN", ActivityKind::Maktab, "Maktab early years", 1, "09:30", "12:00", "Maktab tent", 20, true),
        ("DUN", ActivityKind::Maktab, "Maktab early years", 3, "09:30", "12:00", "Maktab tent", 20, true),
        ("DUN", ActivityKind::English, "English lesson", 4, "14:00", "16:00", "School tent", 15, false),
        (
            "BHM",
            ActivityKind::English,
            "English conversation",
            3,
            "10:00",
            "11:30",
            "Meeting room",
            12,
            false,
        ),
    ];
    let start = week.monday.checked_sub_days(Days::new(28)).unwrap_or(week.monday);
    let mut made = Vec::new();
    for &(site, kind, title, weekday, starts, ends, place, capacity, child) in sessions {
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
        let id = rota::save_session(conn, &input, today)?;
        made.push((id, site, weekday, title, starts, ends, child));
    }
    // This week's Thursday pamper session is moved (one of next week's is cancelled below).
    if let Some((id, ..)) = made.iter().find(|m| m.2 == 4 && m.1 == "CAL") {
        rota::set_exception(
            conn,
            &activities::SessionException {
                session: id.clone(),
                on_date: week.day(4),
                kind: Some(activities::ExceptionKind::Moved),
                moved_to: Some(week.day(5)),
                starts_at: Some("14:00".into()),
                ends_at: Some("16:00".into()),
                place: None,
                reason: "Bus at the garage on Thursday".into(),
            },
        )?;
    }
    // Sign-ups: children to play sessions, adults to the rest.
    for (id, site, weekday, _, _, _, child) in &made {
        let sql = if *child {
            "SELECT p.id FROM people p JOIN sites s ON s.id = p.site_id WHERE s.code = ?1 AND p.date_of_birth > ?2 ORDER BY p.code LIMIT ?3"
        } else {
            "SELECT p.id FROM people p JOIN sites s ON s.id = p.site_id WHERE s.code = ?1 AND p.date_of_birth <= ?2 ORDER BY p.code LIMIT ?3"
        };
        let cut = today.checked_sub_months(Months::new(12 * 12)).unwrap_or(today);
        let take: i64 = rng.random_range(3..9);
        let mut stmt = conn.prepare(sql)?;
        let people: Vec<String> =
            stmt.query_map(params![site, cut, take], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        let date = week.day(*weekday);
        for p in people {
            let attended = if date < today { Some(rng.random_bool(0.8)) } else { None };
            activities::sign_up(
                conn,
                &lead,
                &SignUpInput { session: id.clone(), on_date: date, person: p, attended },
            )?;
        }
    }
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
        for (id, site, weekday, title, _, _, child) in &made {
            let input = NewShift {
                site: (*site).into(),
                on_date: w.day(*weekday),
                starts_at: String::new(),
                ends_at: String::new(),
                role: (*title).into(),
                session: Some(id.clone()),
                child_facing: *child,
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
        let here: Vec<&(String, &str)> = ids.iter().filter(|v| v.1 == site).collect();
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
    if let Some((id, _, weekday, ..)) = made.iter().find(|m| m.1 == "DUN") {
        let next = week.sunday().checked_add_days(Days::new(u64::from(*weekday))).unwrap_or(week.sunday());
        rota::set_exception(
            conn,
            &activities::SessionException {
                session: id.clone(),
                on_date: next,
                kind: Some(activities::ExceptionKind::Cancelled),
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
