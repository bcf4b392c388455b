//! A distribution's list: the eligible households with their allowances, in the sign-up sheet's
//! order, and the need against stock.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::allowance::{allowance, compact, units_of_site, AllowanceLine, Context, Unit};
use super::events::Distribution;
use crate::stock::{self};
use crate::Result;

/// One household on a distribution's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanRow {
    /// The household (or person).
    pub unit: Unit,
    /// What they get.
    pub allowance: Vec<AllowanceLine>,
    /// The allowance in one line.
    pub summary: String,
    /// Collected at this distribution already.
    pub collected: bool,
}

/// Need against stock for one item and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Need {
    /// Item id.
    pub item_id: String,
    /// Item name.
    pub item: String,
    /// Size.
    pub variant: String,
    /// Units the eligible households are due (not yet collected).
    pub needed: i64,
    /// Units at the location that can be given out on the day (not expired).
    pub available: i64,
    /// needed - available when positive.
    pub shortfall: i64,
}

/// Sort orders of the sign-up sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SheetSort {
    /// By family name.
    #[default]
    FamilyName,
    /// By code.
    Code,
}

/// The eligible households with their allowances, and need against stock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Plan {
    /// The distribution.
    pub distribution: Distribution,
    /// Households with a non-empty allowance.
    pub rows: Vec<PlanRow>,
    /// Need against stock per item and size.
    pub needs: Vec<Need>,
}

/// Computes who is eligible and what they get, and the shortfalls against stock.
pub fn plan(conn: &Connection, distribution: &str, sort: SheetSort) -> Result<Plan> {
    plan_some(conn, distribution, sort, None)
}

/// [`plan`] for the first `limit` households of the site only (benchmarks, previews).
pub fn plan_some(
    conn: &Connection,
    distribution: &str,
    sort: SheetSort,
    limit: Option<usize>,
) -> Result<Plan> {
    let ctx = Context::load(conn, distribution)?;
    let on = ctx.dist.held_on;
    let collected: std::collections::HashSet<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT unit_id FROM collections WHERE distribution_id = ?1 AND reversed_at IS NULL",
        )?;
        let rows = stmt.query_map([&ctx.dist.id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut rows = Vec::new();
    for unit in units_of_site(conn, &ctx.dist.site_id, on, limit)? {
        let done = collected.contains(&unit.unit_id);
        let allowance = allowance(conn, &ctx.rules, &ctx.items, &unit, on)?;
        if allowance.is_empty() && !done {
            continue;
        }
        rows.push(PlanRow { summary: compact(&allowance), allowance, collected: done, unit });
    }
    let key = |r: &PlanRow| -> (String, String) {
        let head = r.unit.head();
        let code = head.map(|h| h.code.clone()).unwrap_or_default();
        match sort {
            SheetSort::FamilyName => (
                head.map(|h| format!("{} {}", h.family_name, h.name).to_lowercase()).unwrap_or_default(),
                code,
            ),
            SheetSort::Code => (code, String::new()),
        }
    };
    rows.sort_by_cached_key(key);
    let mut need: BTreeMap<(String, String), (String, i64)> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.collected) {
        for l in &r.allowance {
            need.entry((l.item_id.clone(), l.variant.clone())).or_insert_with(|| (l.item.clone(), 0)).1 +=
                l.quantity;
        }
    }
    let mut needs = Vec::new();
    for ((item_id, variant), (item, needed)) in need {
        let available: i64 = stock::lots(conn, &ctx.dist.location_id, &item_id, &variant)?
            .iter()
            .filter(|l| l.expires_on.is_none_or(|e| e >= on))
            .map(|l| l.quantity)
            .sum();
        needs.push(Need {
            item_id,
            item,
            variant,
            needed,
            available,
            shortfall: (needed - available).max(0),
        });
    }
    Ok(Plan { distribution: ctx.dist, rows, needs })
}
