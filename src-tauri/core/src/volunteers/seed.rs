//! Demo volunteers and their DBS checks for `seed-demo`.
//!
//! Deterministic for a seed and relative to `today`, so the demo always shows a mix: valid,
//! expiring soon, expired and missing DBS checks, an applicant not yet approved, and a short stay
//! approved for a structured activity.

use chrono::{Days, Months, NaiveDate};
use rand::seq::IndexedRandom;
use rand::Rng;
use rusqlite::Connection;

use super::dbs::{DbsLevel, NewDbsCheck, Workforce};
use super::{create, set_status, VolunteerDetails, VolunteerStatus};
use crate::access::{users, Session};
use crate::Result;

/// (given, family, site, skills, DBS: months since issue or none, enhanced with barred list)
type DemoVolunteer = (&'static str, &'static str, &'static str, &'static [&'static str], Option<u32>, bool);

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

/// A demo volunteer the rota may put on shifts: their id and home site's code.
pub type DemoTeam = Vec<(String, &'static str)>;

/// Whether the demo's volunteers are there already (the volunteers' side is seeded once).
pub fn seeded(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM volunteers)", [], |r| r.get(0))?)
}

/// Seeds the demo's volunteers with their DBS checks, drawing from `rng` (the generator the
/// timetable and rota seeds go on with). Returns the volunteers the rota may staff, in the
/// order they were made (the short stay is left off: approved, not active).
pub fn seed(conn: &Connection, rng: &mut impl Rng, today: NaiveDate) -> Result<DemoTeam> {
    let lead: Session = users::session_for(&users::first_lead(conn)?);
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
                .choose(rng)
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
            super::dbs::create(conn, &lead, &input, today)?;
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
    Ok(ids)
}
