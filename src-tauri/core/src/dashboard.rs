//! The Dashboard's numbers, computed from the database on every view.

use chrono::{Months, NaiveDate};
use rusqlite::{params_from_iter, Connection, ToSql};
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
    /// Per site (always every site in use, to compare).
    pub sites: Vec<SiteCounts>,
    /// The site the counts above are for (its code), or none for the whole centre.
    #[serde(default)]
    pub site: Option<String>,
}

/// Counts for `today`, the whole centre.
pub fn counts(conn: &Connection, today: NaiveDate) -> Result<DashboardCounts> {
    counts_at(conn, today, None)
}

/// ` AND p.site_id = ?n` when counting one site, else nothing: the whole centre's queries stay
/// as they are.
fn at_site(site_id: Option<&str>, n: usize) -> String {
    site_id.map(|_| format!(" AND p.site_id = ?{n}")).unwrap_or_default()
}

/// A query's parameters, then the site's id when counting one site.
fn with_site<'a>(site: Option<&'a dyn ToSql>, args: &[&'a dyn ToSql]) -> Vec<&'a dyn ToSql> {
    args.iter().copied().chain(site).collect()
}

/// Counts for `today`, at the site with id `site_id` (people whose site it is), or the whole
/// centre. The per-site table lists every site either way.
pub fn counts_at(conn: &Connection, today: NaiveDate, site_id: Option<&str>) -> Result<DashboardCounts> {
    let adult_born_by = today.checked_sub_months(Months::new(18 * 12)).unwrap_or(NaiveDate::MIN);
    let baby_born_after = today.checked_sub_months(Months::new(12)).unwrap_or(NaiveDate::MIN);
    // The site's id is the last parameter of each query that counts one site.
    let site_param: Option<&dyn ToSql> = site_id.as_ref().map(|id| id as &dyn ToSql);
    let people_site = site_id.map(|_| " WHERE p.site_id = ?3").unwrap_or_default();
    let (people_active, people_total, children, babies, women): (u64, u64, u64, u64, u64) = conn.query_row(
        &format!(
            "SELECT count(*) FILTER (WHERE status = 'active') AS people_active,
                count(*) AS people_total,
                count(*) FILTER (WHERE status = 'active' AND date_of_birth > ?1) AS children,
                count(*) FILTER (WHERE status = 'active' AND date_of_birth > ?2) AS babies,
                count(*) FILTER (WHERE status = 'active' AND sex = 'female' AND date_of_birth <= ?1) AS women
         FROM people p{people_site}"
        ),
        params_from_iter(with_site(site_param, &[&adult_born_by, &baby_born_after])),
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
        &format!(
            "SELECT count(*) FROM households h
         WHERE EXISTS (SELECT 1 FROM people p WHERE p.household_id = h.id AND p.status = 'active'{})",
            at_site(site_id, 1)
        ),
        params_from_iter(with_site(site_param, &[])),
        |r| r.get(0),
    )?;
    // Unaccompanied: minors with no active adult in their household, plus anyone flagged by hand
    // who is not already counted. Two index-only passes instead of one OR that scans the table.
    let no_adult = "NOT EXISTS (SELECT 1 FROM people a WHERE a.household_id = p.household_id
                                AND a.status = 'active' AND a.date_of_birth <= ?1)";
    let derived: u64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM people p WHERE p.status = 'active' AND p.date_of_birth > ?1 AND {no_adult}{}",
            at_site(site_id, 2)
        ),
        params_from_iter(with_site(site_param, &[&adult_born_by])),
        |r| r.get(0),
    )?;
    let flagged_only: u64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM person_flags f CROSS JOIN people p ON p.id = f.person_id
             WHERE f.kind = 'unaccompanied_minor' AND f.active = 1 AND p.status = 'active'
               AND NOT (p.date_of_birth > ?1 AND {no_adult}){}",
            at_site(site_id, 2)
        ),
        params_from_iter(with_site(site_param, &[&adult_born_by])),
        |r| r.get(0),
    )?;
    let unaccompanied_minors = derived + flagged_only;
    let pregnant: u64 = conn.query_row(
        &format!(
            "SELECT count(*) FROM person_flags f CROSS JOIN people p ON p.id = f.person_id
         WHERE f.kind = 'pregnant' AND f.active = 1 AND p.status = 'active'{}",
            at_site(site_id, 1)
        ),
        params_from_iter(with_site(site_param, &[])),
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
        site: None,
    })
}
