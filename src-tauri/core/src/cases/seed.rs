//! The demo case book: people of several origins in households of realistic shapes, names in
//! Latin script and (for about three in four) their own script, with flags, notes, referrals,
//! phones and UK checklists. Deterministic for a given seed.

use chrono::{Datelike, Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::{params, Transaction};
use serde::Serialize;

use super::seed_names::{Name, Origin, ORIGINS};
use crate::access::users;
use crate::sites;
use crate::{Error, Result};

/// What a seed run added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedSummary {
    /// People added.
    pub people: usize,
    /// Households added.
    pub households: usize,
}

/// A kind of household, with its weight among new arrivals.
#[derive(Clone, Copy)]
enum Shape {
    MotherAndChildren,
    Family,
    SingleWoman,
    UnaccompaniedMinor,
    MinorSiblings,
    SingleMan,
}

const SHAPES: &[(Shape, u32)] = &[
    (Shape::MotherAndChildren, 34),
    (Shape::Family, 20),
    (Shape::SingleWoman, 14),
    (Shape::UnaccompaniedMinor, 18),
    (Shape::MinorSiblings, 4),
    (Shape::SingleMan, 10),
];

/// One person to insert.
struct Member {
    female: bool,
    age_days: u64,
    relationship: &'static str,
}

fn pick_weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut n = rng.random_range(0..total.max(1));
    for (item, w) in items {
        if n < *w {
            return item;
        }
        n -= w;
    }
    &items[0].0
}

fn pick<'a>(rng: &mut ChaCha8Rng, names: &'a [Name]) -> &'a Name {
    names.choose(rng).unwrap_or(&("Unknown", None))
}

const YEAR: u64 = 365;

fn household(rng: &mut ChaCha8Rng, shape: Shape) -> Vec<Member> {
    // Children are at least 16 years younger than the youngest parent.
    let children = |rng: &mut ChaCha8Rng, parent_age_days: u64| -> Vec<Member> {
        let oldest = (parent_age_days.saturating_sub(16 * YEAR)).clamp(YEAR, 17 * YEAR);
        let n = rng.random_range(1..=4);
        (0..n)
            .map(|_| Member {
                female: rng.random_bool(0.5),
                // A fifth of children are babies under one.
                age_days: if rng.random_bool(0.2) {
                    rng.random_range(10..YEAR)
                } else {
                    rng.random_range(YEAR..=oldest)
                },
                relationship: "child",
            })
            .collect()
    };
    let adult = |rng: &mut ChaCha8Rng, female: bool, relationship| Member {
        female,
        age_days: rng.random_range(18 * YEAR..46 * YEAR),
        relationship,
    };
    match shape {
        Shape::MotherAndChildren => {
            let mother = adult(rng, true, "mother");
            let kids = children(rng, mother.age_days);
            std::iter::once(mother).chain(kids).collect()
        }
        Shape::Family => {
            let mother = adult(rng, true, "mother");
            let father = adult(rng, false, "father");
            let kids = children(rng, mother.age_days.min(father.age_days));
            [mother, father].into_iter().chain(kids).collect()
        }
        Shape::SingleWoman => vec![adult(rng, true, "head")],
        Shape::SingleMan => vec![adult(rng, false, "head")],
        Shape::UnaccompaniedMinor => vec![Member {
            female: rng.random_bool(0.2),
            age_days: rng.random_range(12 * YEAR..18 * YEAR - 30),
            relationship: "head",
        }],
        Shape::MinorSiblings => {
            let n = rng.random_range(2..=3);
            (0..n)
                .map(|i| Member {
                    female: rng.random_bool(0.4),
                    age_days: rng.random_range(10 * YEAR..18 * YEAR - 30),
                    relationship: if i == 0 { "head" } else { "sibling" },
                })
                .collect()
        }
    }
}

/// A deterministic UUIDv7: fixed time base plus the random part from the seeded generator.
fn seeded_id(rng: &mut ChaCha8Rng, n: u64) -> String {
    const BASE_MS: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes);
    uuid::Builder::from_unix_timestamp_millis(BASE_MS + n, &bytes).into_uuid().to_string()
}

pub(crate) fn insert_people(
    tx: &Transaction<'_>,
    people: usize,
    seed: u64,
    today: NaiveDate,
) -> Result<SeedSummary> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let all_sites = sites::list(tx)?;
    let site_weights: Vec<(&sites::Site, u32)> = all_sites
        .iter()
        .filter(|s| s.active)
        .map(|s| {
            (
                s,
                match s.code.as_str() {
                    "CAL" => 50,
                    "DUN" => 30,
                    "BHM" => 20,
                    _ => 10,
                },
            )
        })
        .collect();
    if site_weights.is_empty() {
        return Err(Error::new(crate::Code::SeedNoActiveSite, serde_json::json!({})));
    }
    let consent_by = users::first_lead(tx)?.id;
    let origins: Vec<(&Origin, u32)> = ORIGINS.iter().map(|o| (o, o.weight)).collect();

    let mut next_number: std::collections::HashMap<String, i64> = tx
        .prepare(
            "SELECT s.id, coalesce(c.next_number, 1) FROM sites s
             LEFT JOIN person_code_counters c ON c.site_id = s.id",
        )?
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<Result<_, _>>()?;

    // This replica's code tag (see `sites::next_person_code`): seeded codes follow the same rule.
    let tag: String = tx.query_row(
        "SELECT coalesce((SELECT r.code_tag FROM replicas r
                          WHERE r.id = (SELECT replica FROM exchange_secrets WHERE id = 1)), '')",
        [],
        |r| r.get(0),
    )?;
    let mut insert_household =
        tx.prepare("INSERT INTO households (id, site_id, name) VALUES (?1, ?2, ?3)")?;
    let mut insert_person = tx.prepare(
        "INSERT INTO people (id, site_id, code, given_name, family_name, original_name, sex,
                             date_of_birth, dob_estimated, nationality, languages, phone, status,
                             household_id, relationship, consent_at, consent_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;

    let mut added = 0usize;
    let mut households = 0usize;
    let mut seeded: Vec<Seeded> = Vec::with_capacity(people);
    let mut serial = 0u64;
    while added < people {
        let site = *pick_weighted(&mut rng, &site_weights);
        let origin = *pick_weighted(&mut rng, &origins);
        let shape = *pick_weighted(&mut rng, SHAPES);
        let mut members = household(&mut rng, shape);
        members.truncate(people - added);
        let minors_only = matches!(shape, Shape::UnaccompaniedMinor | Shape::MinorSiblings);
        let family = pick(&mut rng, origin.family);
        let nationality = origin.nationality.choose(&mut rng).copied().unwrap_or("Unknown");
        // Birmingham mostly sees people who reached the UK; the camps see people moving on.
        let status = match (site.code.as_str(), rng.random_range(0..100)) {
            (_, 0..=79) => "active",
            ("BHM", _) => "reached_uk",
            (_, 80..=91) => "moved_on",
            (_, 92..=96) => "reached_uk",
            _ => "closed",
        };
        let registered = today - Days::new(rng.random_range(0..400));

        serial += 1;
        let household_id = seeded_id(&mut rng, serial);
        insert_household.execute(params![household_id, site.id, format!("{} household", family.0)])?;
        households += 1;

        for m in &members {
            serial += 1;
            let id = seeded_id(&mut rng, serial);
            let given = pick(&mut rng, if m.female { origin.female } else { origin.male });
            // A quarter of people with a name in another script did not have it recorded.
            let original = match (given.1, family.1) {
                (Some(g), Some(f)) if rng.random_bool(0.85) => Some(format!("{g} {f}")),
                _ => None,
            };
            let estimated = rng.random_bool(0.3);
            let born = today - Days::new(m.age_days);
            let born =
                if estimated { NaiveDate::from_ymd_opt(born.year(), 1, 1).unwrap_or(born) } else { born };
            let phone = (m.age_days >= 14 * YEAR && rng.random_bool(0.6)).then(|| {
                let mut part = || rng.random_range(0..100);
                format!("+33 7 {:02} {:02} {:02} {:02}", part(), part(), part(), part())
            });
            let n = next_number.entry(site.id.clone()).or_insert(1);
            let code = format!("{}-{tag}{:04}", site.code, n);
            *n += 1;
            insert_person.execute(params![
                id,
                site.id,
                code,
                given.0,
                family.0,
                original,
                if m.female { "female" } else { "male" },
                born,
                estimated,
                nationality,
                origin.languages,
                phone,
                status,
                household_id,
                m.relationship,
                registered.to_string(),
                consent_by,
            ])?;
            super::names::index_person(tx, &id, given.0, family.0, original.as_deref(), "")?;
            seeded.push(Seeded {
                id,
                site_id: site.id.clone(),
                site_code: site.code.clone(),
                female: m.female,
                age_days: m.age_days,
                active: status == "active" || status == "reached_uk",
                minor_alone: minors_only,
            });
            added += 1;
        }
    }
    let mut update = tx.prepare(
        "INSERT INTO person_code_counters (site_id, next_number) VALUES (?1, ?2)
         ON CONFLICT (site_id) DO UPDATE SET next_number = excluded.next_number",
    )?;
    for (site_id, n) in &next_number {
        update.execute(params![site_id, n])?;
    }
    insert_case_details(tx, &mut rng, &seeded, today)?;
    Ok(SeedSummary { people: added, households })
}

/// A person added by this seed run, for the case details that follow.
struct Seeded {
    id: String,
    site_id: String,
    site_code: String,
    female: bool,
    age_days: u64,
    active: bool,
    minor_alone: bool,
}

const SEPARATIONS: &[&str] = &[
    "Separated from family in Libya; mother believed to be in Khartoum.",
    "Travelled alone from Kabul; uncle in Leeds (not confirmed).",
    "Separated at the border crossing; siblings' whereabouts unknown.",
    "Came with a cousin who has moved on to Germany.",
];
const MEDICAL: &[&str] = &[
    "Asthma: needs an inhaler.",
    "Insulin-dependent diabetes.",
    "Recovering from a leg injury; walks with difficulty.",
    "Epilepsy: medication from MSF clinic.",
];
const NOTES: &[&str] = &[
    "Came to the women's session; asked about English lessons.",
    "Needs baby clothes 6-12 months at the next distribution.",
    "Prefers an interpreter who speaks the same dialect.",
    "Asked for help with the asylum appointment letter.",
    "Tent damaged in the storm; referred to the shelter team.",
];
const RESTRICTED_NOTES: &[&str] = &[
    "Disclosed a safeguarding concern to the lead; see the lead before any contact.",
    "Possible trafficking indicators discussed with the lead.",
];
const COUNCILS: &[&str] = &["Birmingham City Council", "Sandwell Council", "Solihull Council"];
const SOCIAL_WORKERS: &[&str] = &["Grace Mensah", "Tom Hughes", "Aisha Patel", "Owen Davies"];

/// Flags, notes, referrals, phones and UK checklists for the people just added.
fn insert_case_details(
    tx: &Transaction<'_>,
    rng: &mut ChaCha8Rng,
    seeded: &[Seeded],
    today: NaiveDate,
) -> Result<()> {
    let author = tx
        .query_row("SELECT id FROM users WHERE role = 'coordinator' ORDER BY username LIMIT 1", [], |r| {
            r.get::<_, String>(0)
        })
        .or_else(|_| users::first_lead(tx).map(|u| u.id))?;
    let partners: Vec<String> = tx
        .prepare("SELECT id FROM partners WHERE active = 1")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut flag = tx.prepare(
        "INSERT INTO person_flags (id, site_id, person_id, kind, due_date, details, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut note = tx.prepare(
        "INSERT INTO notes (id, site_id, person_id, author_id, noted_on, body, restricted)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut referral = tx.prepare(
        "INSERT INTO referrals (id, site_id, person_id, partner_id, reason, referred_on, consent_given, status,
                                follow_up_on, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9)",
    )?;
    let mut phone = tx.prepare(
        "INSERT INTO phones (id, site_id, person_id, number, imei, issued_on, returned_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut uk = tx.prepare(
        "INSERT INTO uk_arrivals (id, site_id, person_id, local_authority, social_worker, social_worker_contact,
                                  gp_registered_on, gp_practice, school_enrolled_on, school, next_appointment_on,
                                  next_appointment)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    let days_ago = |rng: &mut ChaCha8Rng, max: u64| today - Days::new(rng.random_range(0..max));
    let mut serial = 1u64 << 40;
    let mut id = |rng: &mut ChaCha8Rng| {
        serial += 1;
        seeded_id(rng, serial)
    };
    for p in seeded.iter().filter(|p| p.active) {
        let adult = p.age_days >= 18 * YEAR;
        if p.female && adult && p.age_days < 44 * YEAR && rng.random_bool(0.08) {
            let due = today + Days::new(rng.random_range(14..260));
            flag.execute(params![id(rng), p.site_id, p.id, "pregnant", due, "", author])?;
        }
        if p.minor_alone && rng.random_bool(0.4) {
            let details = SEPARATIONS.choose(rng).copied().unwrap_or_default();
            flag.execute(params![
                id(rng),
                p.site_id,
                p.id,
                "unaccompanied_minor",
                None::<NaiveDate>,
                details,
                author
            ])?;
        }
        if !adult && rng.random_bool(0.02) {
            let details = "Concern raised by a volunteer; the lead is following up.";
            flag.execute(params![
                id(rng),
                p.site_id,
                p.id,
                "safeguarding",
                None::<NaiveDate>,
                details,
                author
            ])?;
        }
        if rng.random_bool(0.04) {
            let details = MEDICAL.choose(rng).copied().unwrap_or_default();
            flag.execute(params![id(rng), p.site_id, p.id, "medical", None::<NaiveDate>, details, author])?;
        }
        if rng.random_bool(0.15) {
            for _ in 0..rng.random_range(1..=3) {
                let restricted = rng.random_bool(0.1);
                let body = if restricted { RESTRICTED_NOTES.choose(rng) } else { NOTES.choose(rng) };
                note.execute(params![
                    id(rng),
                    p.site_id,
                    p.id,
                    author,
                    days_ago(rng, 200),
                    body.copied().unwrap_or_default(),
                    restricted
                ])?;
            }
        }
        if rng.random_bool(0.08) {
            if let Some(partner) = partners.choose(rng) {
                let on = days_ago(rng, 120);
                let status = ["made", "made", "accepted", "completed", "declined"]
                    .choose(rng)
                    .copied()
                    .unwrap_or("made");
                let follow_up = on + Days::new(rng.random_range(14..100));
                let reason = if adult {
                    "Health check and follow-up care."
                } else {
                    "Child protection assessment and support."
                };
                referral.execute(params![
                    id(rng),
                    p.site_id,
                    p.id,
                    partner,
                    reason,
                    on,
                    status,
                    follow_up,
                    author
                ])?;
            }
        }
        if p.minor_alone && p.age_days >= 12 * YEAR && rng.random_bool(0.5) {
            let number = format!(
                "+33 7 {:02} {:02} {:02} {:02}",
                rng.random_range(0..100),
                rng.random_range(0..100),
                rng.random_range(0..100),
                rng.random_range(0..100)
            );
            let imei: String = (0..15).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect();
            let issued = days_ago(rng, 150);
            let returned = rng.random_bool(0.15).then(|| issued + Days::new(rng.random_range(1..30)));
            phone.execute(params![id(rng), p.site_id, p.id, number, imei, issued, returned])?;
        }
        if p.site_code == "BHM" && rng.random_bool(0.6) {
            let council = COUNCILS.choose(rng).copied().unwrap_or_default();
            let worker = SOCIAL_WORKERS.choose(rng).copied().unwrap_or_default();
            let gp = rng.random_bool(0.7).then(|| days_ago(rng, 90));
            let school =
                (!adult && p.age_days >= 4 * YEAR && rng.random_bool(0.6)).then(|| days_ago(rng, 60));
            let next = today + Days::new(rng.random_range(1..30));
            uk.execute(params![
                id(rng),
                p.site_id,
                p.id,
                council,
                worker,
                "0121 303 1888",
                gp,
                if gp.is_some() { "Summerfield Health Centre" } else { "" },
                school,
                if school.is_some() { "Park Hill Primary School" } else { "" },
                next,
                "Review with the social worker",
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_have_names_of_each_kind() {
        for o in ORIGINS {
            assert!(!o.female.is_empty() && !o.male.is_empty() && !o.family.is_empty());
        }
    }
}
