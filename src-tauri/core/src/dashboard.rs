//! The Dashboard's numbers, computed from the database on every view.

use chrono::{Months, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::Result;

/// Counts for one site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteCounts {
    /// Site code.
    pub code: String,
    /// Site name.
    pub name: String,
    /// Active people.
    pub people: u64,
    /// Households with at least one active person.
    pub households: u64,
}

/// What the Dashboard shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DashboardCounts {
    /// The day the ages were computed for.
    pub today: NaiveDate,
    /// Active people (status `active`).
    pub people_active: u64,
    /// Everyone in the case book, whatever their status.
    pub people_total: u64,
    /// Households with at least one active person.
    pub households: u64,
    /// Active children under 18.
    pub children: u64,
    /// Active babies under 12 months.
    pub babies: u64,
    /// Active women 18 and over.
    pub women: u64,
    /// Active under-18s with no adult in their household, or flagged by hand.
    pub unaccompanied_minors: u64,
    /// Active people flagged pregnant.
    pub pregnant: u64,
    /// Open referrals past their follow-up date (coordinators and leads only).
    pub overdue_follow_ups: Option<u64>,
    /// Per site.
    pub sites: Vec<SiteCounts>,
}

/// Counts for `today`.
pub fn counts(conn: &Connection, today: NaiveDate) -> Result<DashboardCounts> {
    let adult_born_by = today.checked_sub_months(Months::new(18 * 12)).unwrap_or(NaiveDate::MIN);
    let baby_born_after = today.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN);
    let (people_active, people_total, children, babies, women): (u64, u64, u64, u64, u64) = conn.query_row(
        "SELECT count(*) FILTER (WHERE status = 'active') AS people_active,
                count(*) AS people_total,
                count(*) FILTER (WHERE status = 'active' AND date_of_birth > ?1) AS children,
                count(*) FILTER (WHERE status = 'active' AND date_of_birth > ?2) AS babies,
                count(*) FILTER (WHERE status = 'active' AND sex = 'female' AND date_of_birth <= ?1) AS women
         FROM people",
        (adult_born_by, baby_born_after),
        |r| {
            Ok((
                r.get("people_active")?,
                r.get("people_total")?,
                r.get("children")?,
                r.get("babies")?,
                r.get("women")?,
            ))
        },
    )?;
    let households: u64 = conn.query_row(
        "SELECT count(*) FROM households h
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.household_id = h.id AND p.status = 'active')",
        [],
        |r| r.get(0),
    )?;
    // Unaccompanied: minors with no active adult in their household, plus anyone flagged by hand
    // who is not already counted. Two index-only passes instead of one OR that scans the table.
    let no_adult = "NOT EXISTS (SELECT 1 FROM people a WHERE a.household_id = p.household_id
                                AND a.status = 'active' AND a.date_of_birth <= ?1)";
    let derived: u64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM people p WHERE p.status = 'active' AND p.date_of_birth > ?1 AND {no_adult}"
        ),
        [adult_born_by],
        |r| r.get(0),
    )?;
    let flagged_only: u64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM person_flags f CROSS JOIN people p ON p.id = f.person_id
             WHERE f.kind = 'unaccompanied_minor' AND f.active = 1 AND p.status = 'active'
               AND NOT (p.date_of_birth > ?1 AND {no_adult})"
        ),
        [adult_born_by],
        |r| r.get(0),
    )?;
    let unaccompanied_minors = derived + flagged_only;
    let pregnant: u64 = conn.query_row(
        "SELECT count(*) FROM person_flags f CROSS JOIN people p ON p.id = f.person_id
         WHERE f.kind = 'pregnant' AND f.active = 1 AND p.status = 'active'",
        [],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare_cached(
        "SELECT s.code, s.name,
                (SELECT count(*) FROM people p WHERE p.site_id = s.id AND p.status = 'active') AS people,
                (SELECT count(DISTINCT p.household_id) FROM people p WHERE p.site_id = s.id AND p.status = 'active')
                    AS households
         FROM sites s WHERE s.active = 1 ORDER BY s.name",
    )?;
    let sites = stmt
        .query_map([], |r| {
            Ok(SiteCounts {
                code: r.get("code")?,
                name: r.get("name")?,
                people: r.get("people")?,
                households: r.get("households")?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(DashboardCounts {
        today,
        people_active,
        people_total,
        households,
        children,
        babies,
        women,
        unaccompanied_minors,
        pregnant,
        overdue_follow_ups: None,
        sites,
    })
}
