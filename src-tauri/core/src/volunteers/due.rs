//! The "DBS due" list: volunteers whose check (of any issuer) is missing, expired, expiring soon
//! or not for child-facing work, and PVG members who left whose notice to Disclosure Scotland is
//! not marked done.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::dbs::{self, DbsPolicy, DbsStatus, Requirement};
use super::{full_name, VolunteerStatus};
use crate::Result;

/// One line of the "DBS due" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DbsDue {
    /// The volunteer's id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Home site code.
    pub site: String,
    /// Status.
    pub status: VolunteerStatus,
    /// DBS status today (any level).
    pub dbs: DbsStatus,
    /// DBS status today for child-facing work (an enhanced check with the children's barred
    /// list): the centre's work with children needs it.
    pub child_facing: DbsStatus,
    /// A PVG member who left: the centre must tell Disclosure Scotland, and has not marked it
    /// done.
    #[serde(default)]
    pub leaver_notice: bool,
}

/// Volunteers not yet gone whose DBS check is missing, expired or expiring soon on `today`,
/// or does not cover child-facing work (a basic check, or an enhanced check for the adult
/// workforce only), and PVG members who left whose leaver notice to Disclosure Scotland is not
/// marked done: the notices first, then the most urgent.
pub fn dbs_due(conn: &Connection, today: NaiveDate) -> Result<Vec<DbsDue>> {
    let policy: DbsPolicy = dbs::policy(conn)?;
    let facts = dbs::facts_by_volunteer(conn)?;
    let mut stmt = conn.prepare(
        "SELECT v.id, v.given_name, v.family_name, s.code AS site, v.status,
                EXISTS (SELECT 1 FROM dbs_checks c WHERE c.volunteer_id = v.id AND c.issuer = 'pvg'
                        AND c.leaver_notified_on IS NULL AND v.status = 'left') AS leaver_notice
         FROM volunteers v JOIN sites s ON s.id = v.site_id
         WHERE (v.status <> 'left' AND (v.departure_on IS NULL OR v.departure_on >= ?1))
            OR (v.status = 'left' AND EXISTS (SELECT 1 FROM dbs_checks c WHERE c.volunteer_id = v.id
                                              AND c.issuer = 'pvg' AND c.leaver_notified_on IS NULL))",
    )?;
    // Every volunteer is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (id, given_name, family_name, site, status, leaver_notice) =
        (at("id")?, at("given_name")?, at("family_name")?, at("site")?, at("status")?, at("leaver_notice")?);
    let rows = stmt.query_map([today], |r| {
        Ok((
            r.get::<_, String>(id)?,
            full_name(&r.get::<_, String>(given_name)?, &r.get::<_, String>(family_name)?),
            r.get(site)?,
            r.get(status)?,
            r.get::<_, bool>(leaver_notice)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, site, status, leaver_notice) = row?;
        let f = facts.get(&id).map(Vec::as_slice).unwrap_or_default();
        let dbs = dbs::status(f, Requirement::None, today, &policy);
        let child_facing = dbs::status(f, Requirement::EnhancedBarred, today, &policy);
        if leaver_notice
            || !matches!(dbs, DbsStatus::Valid { .. })
            || !matches!(child_facing, DbsStatus::Valid { .. })
        {
            out.push(DbsDue { id, name, site, status, dbs, child_facing, leaver_notice });
        }
    }
    let rank = |s: &DbsStatus| match s {
        DbsStatus::Missing => (0, NaiveDate::MIN),
        DbsStatus::Expired { since } => (1, *since),
        DbsStatus::Insufficient { .. } | DbsStatus::NeedsRiskAssessment { .. } => (2, NaiveDate::MIN),
        DbsStatus::ExpiringSoon { until } => (3, *until),
        DbsStatus::Valid { .. } => (4, NaiveDate::MAX),
    };
    // Whatever is more urgent, any work or child-facing work, places the volunteer.
    let urgency = |d: &DbsDue| (!d.leaver_notice, rank(&d.dbs).min(rank(&d.child_facing)));
    out.sort_by(|a, b| urgency(a).cmp(&urgency(b)).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}
