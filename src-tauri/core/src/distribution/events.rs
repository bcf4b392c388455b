//! Distribution days: create, read, list, open and close.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::stock::get_location;
use crate::{new_id, Error, Result};

/// A distribution day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Distribution {
    /// Id.
    pub id: String,
    /// Site id.
    pub site_id: String,
    /// Site code.
    pub site: String,
    /// Site name.
    pub site_name: String,
    /// Location stock is given from.
    pub location_id: String,
    /// Location name.
    pub location: String,
    /// The day.
    pub held_on: NaiveDate,
    /// Type ("weekly").
    pub dist_type: String,
    /// open or closed.
    pub status: String,
    /// Households that collected (not reversed).
    pub collected: i64,
}

/// Input to create a distribution.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDistribution {
    /// Location stock is given from (its site is the distribution's).
    pub location: String,
    /// The day.
    pub held_on: NaiveDate,
    /// Type ("weekly").
    pub dist_type: String,
    /// Create it even though the site already has a distribution of this type in the same ISO
    /// week (without it, that is refused with a `confirm` error naming the other day).
    #[serde(default)]
    pub confirm_same_week: bool,
}

const DIST_SELECT: &str =
    "SELECT d.id, d.site_id, s.code AS site, s.name AS site_name, d.location_id, l.name AS location, d.held_on,
        d.dist_type, d.status,
        (SELECT count(*) FROM collections c WHERE c.distribution_id = d.id AND c.reversed_at IS NULL) AS collected
 FROM distributions d JOIN sites s ON s.id = d.site_id JOIN stock_locations l ON l.id = d.location_id";

fn dist_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Distribution> {
    Ok(Distribution {
        id: r.get("id")?,
        site_id: r.get("site_id")?,
        site: r.get("site")?,
        site_name: r.get("site_name")?,
        location_id: r.get("location_id")?,
        location: r.get("location")?,
        held_on: r.get("held_on")?,
        dist_type: r.get("dist_type")?,
        status: r.get("status")?,
        collected: r.get("collected")?,
    })
}

/// Creates a distribution.
pub fn create(conn: &Connection, s: &Session, input: &NewDistribution) -> Result<Distribution> {
    let loc = get_location(conn, &input.location)?;
    let t = input.dist_type.trim();
    if t.is_empty() {
        return Err(Error::at("dist_type", crate::Code::DistributionDistTypeMissing, serde_json::json!({})));
    }
    // The types are a closed set: those the allowance rules give something at. A type with no
    // rule would list every household with nothing to give, and free text would be printed on
    // every sheet of the distribution.
    let types = super::rules::types(conn)?;
    if !types.iter().any(|k| k == t) {
        return Err(Error::at(
            "dist_type",
            if types.is_empty() {
                crate::Code::DistributionTypeNoRules
            } else {
                crate::Code::DistributionTypeChoose
            },
            serde_json::json!({"types": types.join(", ")}),
        ));
    }
    crate::fields::check_date("held_on", input.held_on)?;
    if !input.confirm_same_week {
        if let Some(other) = same_week(conn, &loc.site_id, t, input.held_on)? {
            return Err(Error::confirm_with(
                "confirm_same_week",
                crate::Code::DistributionSameWeek,
                serde_json::json!({
                    "site": other.site_name,
                    "type": other.dist_type,
                    "on": other.held_on.to_string(),
                    "location": other.location,
                }),
            ));
        }
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO distributions (id, site_id, location_id, held_on, dist_type, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, loc.site_id, loc.id, input.held_on, t, s.user_id],
    )?;
    get(conn, &id)
}

/// A distribution of `dist_type` at the site in the ISO week (Monday to Sunday) of `on`.
fn same_week(
    conn: &Connection,
    site_id: &str,
    dist_type: &str,
    on: NaiveDate,
) -> Result<Option<Distribution>> {
    let monday = on.checked_sub_days(Days::new(u64::from(on.weekday().num_days_from_monday()))).unwrap_or(on);
    let sunday = monday.checked_add_days(Days::new(6)).unwrap_or(on);
    let mut stmt = conn.prepare_cached(&format!(
        "{DIST_SELECT} WHERE d.site_id = ?1 AND d.dist_type = ?2 AND d.held_on BETWEEN ?3 AND ?4
         ORDER BY d.held_on, d.id LIMIT 1"
    ))?;
    Ok(stmt.query_row(params![site_id, dist_type, monday, sunday], dist_row).optional()?)
}

/// One distribution.
pub fn get(conn: &Connection, id: &str) -> Result<Distribution> {
    let mut stmt = conn.prepare_cached(&format!("{DIST_SELECT} WHERE d.id = ?1"))?;
    stmt.query_row([id], dist_row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::DistributionNotFound, serde_json::json!({})))
}

/// Distributions, newest first.
pub fn list(conn: &Connection, site: Option<&str>, limit: u32) -> Result<Vec<Distribution>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let mut stmt = conn.prepare_cached(&format!(
        "{DIST_SELECT} WHERE ?1 IS NULL OR d.site_id = ?1 ORDER BY d.held_on DESC, d.id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![site_id, limit], dist_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Opens or closes a distribution (closed: no more collections).
pub fn set_status(conn: &Connection, id: &str, open: bool) -> Result<Distribution> {
    let n = conn.execute(
        "UPDATE distributions SET status = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, if open { "open" } else { "closed" }],
    )?;
    if n == 0 {
        return Err(Error::new(crate::Code::DistributionNotFound, serde_json::json!({})));
    }
    get(conn, id)
}
