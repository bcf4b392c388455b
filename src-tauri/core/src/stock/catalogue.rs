//! The catalogue: items, their category and sizes, and the sizes a movement may name.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Category, VariantBy};
use crate::{new_id, Code, Error, Result};

/// An item of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Item {
    /// Id.
    pub id: String,
    /// Name ("Baby milk (first infant formula)").
    pub name: String,
    /// Category.
    pub category: Category,
    /// Unit counted ("tin", "pack").
    pub unit: String,
    /// Receipts record a batch and an expiry date; distribution draws first-expiry-first-out.
    pub tracks_expiry: bool,
    /// Sizes, in order (empty: one size).
    pub variants: Vec<String>,
    /// How a person's size is chosen.
    pub variant_by: Option<VariantBy>,
    /// Still given out.
    pub active: bool,
}

/// Input to add or change a catalogue item.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    /// The item to change; absent to add one.
    #[serde(default)]
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Category.
    pub category: Category,
    /// Unit counted.
    #[serde(default)]
    pub unit: Option<String>,
    /// Track batches and expiry dates.
    #[serde(default)]
    pub tracks_expiry: bool,
    /// Sizes, in order.
    #[serde(default)]
    pub variants: Vec<String>,
    /// How a person's size is chosen.
    #[serde(default)]
    pub variant_by: Option<VariantBy>,
    /// Still given out (default yes).
    #[serde(default)]
    pub active: Option<bool>,
}

const ITEM_SELECT: &str =
    "SELECT id, name, category, unit, tracks_expiry, variants, variant_by, active FROM stock_items";

fn item_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Item> {
    let variants: String = r.get("variants")?;
    Ok(Item {
        id: r.get("id")?,
        name: r.get("name")?,
        category: r.get("category")?,
        unit: r.get("unit")?,
        tracks_expiry: r.get("tracks_expiry")?,
        variants: split_variants(&variants),
        variant_by: r.get("variant_by")?,
        active: r.get("active")?,
    })
}

fn split_variants(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|v| !v.is_empty()).map(str::to_string).collect()
}

/// The whole catalogue, by category and name.
pub fn list_items(conn: &Connection) -> Result<Vec<Item>> {
    let mut stmt = conn.prepare_cached(&format!("{ITEM_SELECT} ORDER BY category, name COLLATE NOCASE"))?;
    let rows = stmt.query_map([], item_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One item by id or exact name.
pub fn get_item(conn: &Connection, id_or_name: &str) -> Result<Item> {
    let mut stmt =
        conn.prepare_cached(&format!("{ITEM_SELECT} WHERE id = ?1 OR name = ?1 COLLATE NOCASE"))?;
    stmt.query_row([id_or_name.trim()], item_row)
        .optional()?
        .ok_or_else(|| Error::at("item", Code::StockItemUnknown, json!({"item": id_or_name})))
}

/// Adds or changes a catalogue item.
pub fn save_item(conn: &Connection, input: &ItemInput) -> Result<Item> {
    let name = crate::fields::line("name", "The item's name", &input.name, 80)?;
    let name = name.as_str();
    if name.is_empty() {
        return Err(Error::at("name", crate::Code::ItemNameMissing, serde_json::json!({})));
    }
    let unit = crate::fields::optional_line("unit", "The unit", input.unit.as_deref(), 20)?;
    let unit = unit.as_deref().unwrap_or("each");
    let mut variants = Vec::new();
    for (i, v) in input.variants.iter().enumerate() {
        let v = crate::fields::line(&format!("variants[{i}]"), "A size", v, 20)?;
        if !v.is_empty() {
            variants.push(v);
        }
    }
    if variants.iter().any(|v| v.contains(',')) {
        return Err(Error::at("variants", crate::Code::ItemVariantsComma, serde_json::json!({})));
    }
    if input.variant_by.is_some() && variants.is_empty() {
        return Err(Error::at("variants", crate::Code::ItemVariantsMissing, serde_json::json!({})));
    }
    let taken: Option<String> = conn
        .query_row(
            "SELECT id FROM stock_items WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
            params![name, input.id],
            |r| r.get(0),
        )
        .optional()?;
    if taken.is_some() {
        return Err(Error::at(
            "name",
            crate::Code::ItemNameTaken,
            serde_json::json!({"name": name.to_string()}),
        ));
    }
    let joined = variants.join(",");
    let by = input.variant_by.map(VariantBy::as_str);
    let id = match &input.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE stock_items SET name = ?2, category = ?3, unit = ?4, tracks_expiry = ?5, variants = ?6,
                        variant_by = ?7, active = coalesce(?8, active),
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?1",
                params![id, name, input.category.as_str(), unit, input.tracks_expiry, joined, by, input.active],
            )?;
            if n == 0 {
                return Err(Error::new(crate::Code::ItemNotFound, serde_json::json!({})));
            }
            id.clone()
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO stock_items (id, name, category, unit, tracks_expiry, variants, variant_by, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    name,
                    input.category.as_str(),
                    unit,
                    input.tracks_expiry,
                    joined,
                    by,
                    input.active.unwrap_or(true)
                ],
            )?;
            id
        }
    };
    get_item(conn, &id)
}

/// Checks a size against the item's sizes and returns it ('' for items without sizes).
pub fn check_variant(item: &Item, variant: Option<&str>) -> Result<String> {
    let v = variant.map(str::trim).unwrap_or("");
    if item.variants.is_empty() {
        if !v.is_empty() {
            return Err(Error::at("variant", Code::StockVariantNone, json!({"item": item.name})));
        }
        return Ok(String::new());
    }
    if v.is_empty() {
        return Err(Error::at("variant", Code::StockVariantMissing, json!({"item": item.name})));
    }
    item.variants.iter().find(|x| x.eq_ignore_ascii_case(v)).cloned().ok_or_else(|| {
        Error::at(
            "variant",
            Code::StockVariantUnknown,
            json!({"item": item.name, "sizes": item.variants.join(", ")}),
        )
    })
}
