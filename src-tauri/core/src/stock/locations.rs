//! Places stock is kept, and the low-stock thresholds of each site.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::catalogue::get_item;
use crate::{new_id, Code, Error, Result};

/// A place stock is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Location {
    /// Id.
    pub id: String,
    /// Site id.
    pub site_id: String,
    /// Site code.
    pub site_code: String,
    /// Name ("The bus").
    pub name: String,
    /// In use.
    pub active: bool,
}

/// Input to add or change a location.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationInput {
    /// The location to change; absent to add one.
    #[serde(default)]
    pub id: Option<String>,
    /// Its site (code or id).
    pub site: String,
    /// Name.
    pub name: String,
    /// In use (default yes).
    #[serde(default)]
    pub active: Option<bool>,
}

const LOCATION_SELECT: &str =
    "SELECT l.id, l.site_id, s.code AS site_code, l.name, l.active FROM stock_locations l JOIN sites s ON s.id = l.site_id";

fn location_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Location> {
    Ok(Location {
        id: r.get("id")?,
        site_id: r.get("site_id")?,
        site_code: r.get("site_code")?,
        name: r.get("name")?,
        active: r.get("active")?,
    })
}

/// Locations, of one site or all, by site and name.
pub fn list_locations(conn: &Connection, site: Option<&str>) -> Result<Vec<Location>> {
    let site_id = site.map(|s| crate::sites::resolve(conn, s)).transpose()?.map(|s| s.id);
    let mut stmt = conn.prepare_cached(&format!(
        "{LOCATION_SELECT} WHERE ?1 IS NULL OR l.site_id = ?1 ORDER BY s.code, l.name COLLATE NOCASE"
    ))?;
    let rows = stmt.query_map([site_id], location_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One location by id.
pub fn get_location(conn: &Connection, id: &str) -> Result<Location> {
    let mut stmt = conn.prepare_cached(&format!("{LOCATION_SELECT} WHERE l.id = ?1"))?;
    stmt.query_row([id], location_row)
        .optional()?
        .ok_or_else(|| Error::at("location", Code::StockLocationUnknown, serde_json::json!({})))
}

/// Adds or changes a location.
pub fn save_location(conn: &Connection, input: &LocationInput) -> Result<Location> {
    let name = crate::fields::line("name", "The location's name", &input.name, 80)?;
    let name = name.as_str();
    if name.is_empty() {
        return Err(Error::at("name", crate::Code::LocationNameMissing, serde_json::json!({})));
    }
    let site = crate::sites::resolve(conn, &input.site)?;
    let clash: Option<String> = conn
        .query_row(
            "SELECT id FROM stock_locations WHERE site_id = ?1 AND name = ?2 AND id IS NOT ?3",
            params![site.id, name, input.id],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(Error::at(
            "name",
            crate::Code::StockLocationNameTaken,
            serde_json::json!({"site": site.name, "name": name}),
        ));
    }
    let id = match &input.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE stock_locations SET name = ?2, active = coalesce(?3, active),
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                params![id, name, input.active],
            )?;
            if n == 0 {
                return Err(Error::new(crate::Code::LocationNotFound, serde_json::json!({})));
            }
            id.clone()
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO stock_locations (id, site_id, name, active) VALUES (?1, ?2, ?3, ?4)",
                params![id, site.id, name, input.active.unwrap_or(true)],
            )?;
            id
        }
    };
    get_location(conn, &id)
}

/// Sets the low-stock threshold of an item at a site.
pub fn set_threshold(conn: &Connection, site: &str, item: &str, threshold: i64) -> Result<()> {
    crate::fields::check_quantity("threshold", "the threshold", threshold, 0)?;
    let site = crate::sites::resolve(conn, site)?;
    let item = get_item(conn, item)?;
    conn.execute(
        "INSERT INTO stock_thresholds (id, site_id, item_id, threshold) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (site_id, item_id) DO UPDATE SET threshold = excluded.threshold,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        params![new_id(), site.id, item.id, threshold],
    )?;
    Ok(())
}

/// A low-stock threshold: warn when a site holds this many units of an item or fewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Threshold {
    /// Site code.
    pub site: String,
    /// Item id.
    pub item_id: String,
    /// Warn at or below this many units.
    pub threshold: i64,
}

/// Every threshold set, by site code and item.
pub fn thresholds(conn: &Connection) -> Result<Vec<Threshold>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.code AS site, t.item_id, t.threshold FROM stock_thresholds t JOIN sites s ON s.id = t.site_id
         ORDER BY s.code, t.item_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Threshold { site: r.get("site")?, item_id: r.get("item_id")?, threshold: r.get("threshold")? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
