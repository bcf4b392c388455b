//! The packing list of a distribution: what to pack the evening before, from the same
//! allowances the desk gives (the distribution's plan), for every eligible household that has
//! not collected yet. Totals per item and size with the stock the site holds (every active
//! location of the site, batches usable on the day) and the shortfall, then a pick list per
//! household in the sign-up sheet's order.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::events::Distribution;
use super::plan::{plan_some, PlanRow, SheetSort};
use crate::Result;

/// One item and size to pack, over every household.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PackingTotal {
    /// Item id.
    pub item_id: String,
    /// Item name.
    pub item: String,
    /// Unit ("pack", "tin").
    pub unit: String,
    /// Size ("" when the item has none).
    pub variant: String,
    /// Units to pack.
    pub needed: i64,
    /// Units at the distribution's location, usable on the day.
    pub at_location: i64,
    /// Units at all the site's locations, usable on the day.
    pub at_site: i64,
    /// What the site's stock lacks: needed - at_site when positive.
    pub shortfall: i64,
}

/// One line of a household's pick list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PickLine {
    /// Item name.
    pub item: String,
    /// Size ("" when the item has none).
    pub variant: String,
    /// Units.
    pub quantity: i64,
}

/// A household's bag: who, and what goes in it, each item and size totalled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PickList {
    /// The household's id (or the person's, on their own).
    pub unit_id: String,
    /// The code of the person the sheet names.
    pub code: String,
    /// Their name.
    pub name: String,
    /// Their name in original script.
    pub original_name: Option<String>,
    /// Active people in the household.
    pub people: i64,
    /// What goes in the bag.
    pub lines: Vec<PickLine>,
}

/// A distribution's packing list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PackingList {
    /// The distribution.
    pub distribution: Distribution,
    /// Per item and size, by item then size.
    pub totals: Vec<PackingTotal>,
    /// Per household, in the sign-up sheet's order (family name).
    pub households: Vec<PickList>,
}

/// A household's pick list from its plan row.
pub fn pick_list(row: &PlanRow) -> PickList {
    let mut sums: BTreeMap<(String, String), i64> = BTreeMap::new();
    for l in &row.allowance {
        *sums.entry((l.item.clone(), l.variant.clone())).or_default() += l.quantity;
    }
    let head = row.unit.head();
    PickList {
        unit_id: row.unit.unit_id.clone(),
        code: head.map(|h| h.code.clone()).unwrap_or_default(),
        name: head.map(|h| h.name.clone()).unwrap_or_default(),
        original_name: head.and_then(|h| h.original_name.clone()),
        people: row.unit.members.len() as i64,
        lines: sums
            .into_iter()
            .map(|((item, variant), quantity)| PickLine { item, variant, quantity })
            .collect(),
    }
}

/// The packing list of `distribution`: the households still to collect, from its plan.
pub fn packing_list(conn: &Connection, distribution: &str) -> Result<PackingList> {
    packing_list_some(conn, distribution, None)
}

/// [`packing_list`] over the first `limit` households of the site only (benchmarks).
pub fn packing_list_some(conn: &Connection, distribution: &str, limit: Option<usize>) -> Result<PackingList> {
    let plan = plan_some(conn, distribution, SheetSort::FamilyName, limit)?;
    let rows: Vec<&PlanRow> = plan.rows.iter().filter(|r| !r.collected && !r.allowance.is_empty()).collect();
    let mut need: BTreeMap<(String, String), (String, String, String, i64)> = BTreeMap::new();
    for r in &rows {
        for l in &r.allowance {
            need.entry((l.item.clone(), l.variant.clone()))
                .or_insert_with(|| (l.item_id.clone(), l.item.clone(), l.unit.clone(), 0))
                .3 += l.quantity;
        }
    }
    let d = &plan.distribution;
    let on = d.held_on;
    let mut stock = conn.prepare_cached(
        "SELECT COALESCE(sum(max(b.quantity, 0)), 0) AS at_site,
                COALESCE(sum(CASE WHEN b.location_id = ?4 THEN max(b.quantity, 0) END), 0) AS at_location
         FROM stock_balances b JOIN stock_locations l ON l.id = b.location_id
         WHERE b.site_id = ?1 AND b.item_id = ?2 AND b.variant = ?3 AND l.active = 1
           AND (b.expires_on IS NULL OR b.expires_on >= ?5)",
    )?;
    let mut totals = Vec::with_capacity(need.len());
    for ((_, variant), (item_id, item, unit, needed)) in need {
        let (at_site, at_location): (i64, i64) = stock
            .query_row(params![d.site_id, item_id, variant, d.location_id, on], |r| {
                Ok((r.get("at_site")?, r.get("at_location")?))
            })?;
        totals.push(PackingTotal {
            item_id,
            item,
            unit,
            variant,
            needed,
            at_location,
            at_site,
            shortfall: (needed - at_site).max(0),
        });
    }
    let households = rows.iter().map(|r| pick_list(r)).collect();
    Ok(PackingList { distribution: plan.distribution, totals, households })
}
