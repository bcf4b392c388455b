//! Stock and distribution reports: stock on hand with value, low stock, expiring soon, movements
//! over a date range, the weekly distribution summary and the Dashboard chart (written to a
//! file by `export.rs`).

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::Category;
use crate::fields::total;
use crate::Result;

fn site_id(conn: &Connection, site: Option<&str>) -> Result<Option<String>> {
    Ok(site
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| crate::sites::resolve(conn, s))
        .transpose()?
        .map(|s| s.id))
}

/// Stock on hand of one item and size at one location, with its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OnHand {
    /// Site code.
    pub site: String,
    /// Location.
    pub location: String,
    /// Item.
    pub item: String,
    /// Category.
    pub category: String,
    /// Size.
    pub variant: String,
    /// Unit.
    pub unit: String,
    /// Units.
    pub quantity: i64,
    /// Value at the average purchase cost of the item (pence); donated-only items are 0.
    pub value: i64,
    /// Total of the item at the site is at or below its threshold.
    pub low: bool,
}

/// Stock on hand by site and location.
pub fn on_hand(conn: &Connection, site: Option<&str>) -> Result<Vec<OnHand>> {
    let site = site_id(conn, site)?;
    let mut stmt = conn.prepare(
        "WITH cost AS (SELECT item_id, CAST(round(total(quantity * unit_cost) / total(quantity)) AS INTEGER) AS avg
                       FROM stock_movements WHERE kind = 'receipt' AND reason = 'purchase' GROUP BY item_id),
              site_total AS (SELECT site_id, item_id, sum(max(quantity, 0)) AS q FROM stock_balances GROUP BY site_id, item_id)
         SELECT s.code AS site, l.name AS location, i.name AS item, i.category, b.variant, i.unit,
                sum(max(b.quantity, 0)) AS quantity,
                CAST(min(total(max(b.quantity, 0)) * coalesce((SELECT avg FROM cost WHERE cost.item_id = b.item_id), 0), 9.0e18) AS INTEGER) AS value,
                coalesce((SELECT st.q FROM site_total st WHERE st.site_id = b.site_id AND st.item_id = b.item_id), 0)
                  <= coalesce((SELECT t.threshold FROM stock_thresholds t WHERE t.site_id = b.site_id AND t.item_id = b.item_id), -1)
                  AS low
         FROM stock_balances b JOIN stock_locations l ON l.id = b.location_id JOIN sites s ON s.id = b.site_id
         JOIN stock_items i ON i.id = b.item_id
         WHERE ?1 IS NULL OR b.site_id = ?1
         GROUP BY b.site_id, b.location_id, b.item_id, b.variant HAVING sum(max(b.quantity, 0)) > 0
         ORDER BY s.code, l.name, i.category, i.name, b.variant",
    )?;
    // Every row of the report is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (site_code, location, item, category, variant, unit, quantity, value, low) = (
        at("site")?,
        at("location")?,
        at("item")?,
        at("category")?,
        at("variant")?,
        at("unit")?,
        at("quantity")?,
        at("value")?,
        at("low")?,
    );
    let rows = stmt.query_map([site], |r| {
        Ok(OnHand {
            site: r.get(site_code)?,
            location: r.get(location)?,
            item: r.get(item)?,
            category: r.get(category)?,
            variant: r.get(variant)?,
            unit: r.get(unit)?,
            quantity: r.get(quantity)?,
            value: r.get(value)?,
            low: r.get(low)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// An item at or below its threshold at a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Low {
    /// Site code.
    pub site: String,
    /// Item.
    pub item: String,
    /// Unit.
    pub unit: String,
    /// Units at the site.
    pub quantity: i64,
    /// Threshold.
    pub threshold: i64,
}

/// Items at or below their threshold.
pub fn low_stock(conn: &Connection, site: Option<&str>) -> Result<Vec<Low>> {
    let site = site_id(conn, site)?;
    let mut stmt = conn.prepare(
        "SELECT s.code AS site, i.name AS item, i.unit,
                coalesce((SELECT sum(max(b.quantity, 0)) FROM stock_balances b WHERE b.site_id = t.site_id AND b.item_id = t.item_id), 0) AS q,
                t.threshold
         FROM stock_thresholds t JOIN sites s ON s.id = t.site_id JOIN stock_items i ON i.id = t.item_id
         WHERE (?1 IS NULL OR t.site_id = ?1) AND i.active = 1 AND q <= t.threshold
         ORDER BY s.code, i.name",
    )?;
    // Every row of the report is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (site_code, item, unit, quantity, threshold) =
        (at("site")?, at("item")?, at("unit")?, at("q")?, at("threshold")?);
    let rows = stmt.query_map([site], |r| {
        Ok(Low {
            site: r.get(site_code)?,
            item: r.get(item)?,
            unit: r.get(unit)?,
            quantity: r.get(quantity)?,
            threshold: r.get(threshold)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A batch expiring soon, or expired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Expiring {
    /// Site code.
    pub site: String,
    /// Location id.
    pub location_id: String,
    /// Location.
    pub location: String,
    /// Item.
    pub item: String,
    /// Size.
    pub variant: String,
    /// Batch.
    pub batch: String,
    /// Expiry date.
    pub expires_on: NaiveDate,
    /// Units.
    pub quantity: i64,
    /// Already past its date.
    pub expired: bool,
}

/// Batches held that expire within `days` days of `today` (expired ones first).
pub fn expiring(conn: &Connection, site: Option<&str>, days: u32, today: NaiveDate) -> Result<Vec<Expiring>> {
    let site = site_id(conn, site)?;
    let until = today.checked_add_days(Days::new(days as u64)).unwrap_or(today);
    let mut stmt = conn.prepare(
        "SELECT s.code AS site, b.location_id, l.name AS location, i.name AS item, b.variant, b.batch, b.expires_on,
                b.quantity, b.expires_on < ?3 AS expired
         FROM stock_balances b JOIN stock_locations l ON l.id = b.location_id JOIN sites s ON s.id = b.site_id
         JOIN stock_items i ON i.id = b.item_id
         WHERE (?1 IS NULL OR b.site_id = ?1) AND b.quantity > 0 AND b.expires_on IS NOT NULL AND b.expires_on <= ?2
         ORDER BY b.expires_on, s.code, l.name, i.name",
    )?;
    // Every row of the report is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (site_code, location_id, location, item, variant, batch, expires_on, quantity, expired) = (
        at("site")?,
        at("location_id")?,
        at("location")?,
        at("item")?,
        at("variant")?,
        at("batch")?,
        at("expires_on")?,
        at("quantity")?,
        at("expired")?,
    );
    let rows = stmt.query_map(params![site, until, today], |r| {
        Ok(Expiring {
            site: r.get(site_code)?,
            location_id: r.get(location_id)?,
            location: r.get(location)?,
            item: r.get(item)?,
            variant: r.get(variant)?,
            batch: r.get(batch)?,
            expires_on: r.get(expires_on)?,
            quantity: r.get(quantity)?,
            expired: r.get(expired)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One movement of the ledger, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MovementLine {
    /// Id.
    pub id: String,
    /// Date.
    pub moved_on: NaiveDate,
    /// Site code.
    pub site: String,
    /// Location.
    pub location: String,
    /// Item.
    pub item: String,
    /// Size.
    pub variant: String,
    /// Batch.
    pub batch: String,
    /// Signed units.
    pub quantity: i64,
    /// Kind.
    pub kind: String,
    /// Reason.
    pub reason: Option<String>,
    /// Donor or supplier.
    pub party: String,
    /// Unit cost (pence).
    pub unit_cost: Option<i64>,
    /// Note.
    pub note: String,
    /// Who recorded it.
    pub by: Option<String>,
}

/// Movements between two dates (inclusive), newest first, at most `limit`.
pub fn movements(
    conn: &Connection,
    site: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
    limit: u32,
) -> Result<Vec<MovementLine>> {
    let site = site_id(conn, site)?;
    let mut stmt = conn.prepare(
        "SELECT m.id, m.moved_on, s.code AS site, l.name AS location, i.name AS item, m.variant, m.batch, m.quantity,
                m.kind, m.reason, m.party, m.unit_cost, m.note, u.display_name AS recorded_by
         FROM stock_movements m JOIN sites s ON s.id = m.site_id JOIN stock_locations l ON l.id = m.location_id
         JOIN stock_items i ON i.id = m.item_id LEFT JOIN users u ON u.id = m.created_by
         WHERE (?1 IS NULL OR m.site_id = ?1) AND m.moved_on BETWEEN ?2 AND ?3
         ORDER BY m.moved_on DESC, m.id DESC LIMIT ?4",
    )?;
    // Every row of the report is read: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (
        id,
        moved_on,
        site_code,
        location,
        item,
        variant,
        batch,
        quantity,
        kind,
        reason,
        party,
        unit_cost,
        note,
        by,
    ) = (
        at("id")?,
        at("moved_on")?,
        at("site")?,
        at("location")?,
        at("item")?,
        at("variant")?,
        at("batch")?,
        at("quantity")?,
        at("kind")?,
        at("reason")?,
        at("party")?,
        at("unit_cost")?,
        at("note")?,
        at("recorded_by")?,
    );
    let rows = stmt.query_map(params![site, from, to, limit], |r| {
        Ok(MovementLine {
            id: r.get(id)?,
            moved_on: r.get(moved_on)?,
            site: r.get(site_code)?,
            location: r.get(location)?,
            item: r.get(item)?,
            variant: r.get(variant)?,
            batch: r.get(batch)?,
            quantity: r.get(quantity)?,
            kind: r.get(kind)?,
            reason: r.get(reason)?,
            party: r.get(party)?,
            unit_cost: r.get(unit_cost)?,
            note: r.get(note)?,
            by: r.get(by)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One week of distributions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WeekSummary {
    /// Monday of the week.
    pub week_of: NaiveDate,
    /// Distributions held.
    pub distributions: i64,
    /// Households served.
    pub households: i64,
    /// People in them.
    pub people: i64,
    /// Babies under 12 months.
    pub babies: i64,
    /// Children 1-17.
    pub children: i64,
    /// Adults (and unknown ages).
    pub adults: i64,
    /// Units given out.
    pub items_out: i64,
    /// Units given out per category, as a reader would write it ("Baby 40, Food 25").
    pub by_category: String,
    /// Units given out per category, in the catalogue's order (for a window that names the
    /// categories in its own language).
    pub categories: Vec<CategoryUnits>,
}

/// Units of one category given out in a week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryUnits {
    /// The category.
    pub category: Category,
    /// Units given out.
    pub units: i64,
}

fn monday(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(d.weekday().num_days_from_monday() as u64)).unwrap_or(d)
}

/// The weekly distribution summary between two dates.
pub fn weekly(
    conn: &Connection,
    site: Option<&str>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<WeekSummary>> {
    let site = site_id(conn, site)?;
    let mut stmt = conn.prepare(
        "SELECT d.held_on, count(DISTINCT d.id) AS distributions, count(c.id) AS households,
                coalesce(sum(c.people_count), 0) AS people, coalesce(sum(c.babies), 0) AS babies,
                coalesce(sum(c.children), 0) AS children, coalesce(sum(c.adults), 0) AS adults
         FROM distributions d LEFT JOIN collections c ON c.distribution_id = d.id AND c.reversed_at IS NULL
         WHERE (?1 IS NULL OR d.site_id = ?1) AND d.held_on BETWEEN ?2 AND ?3
         GROUP BY d.held_on ORDER BY d.held_on",
    )?;
    // One row a day of the range: the columns are found by name once, not once a row.
    let at = |name: &str| stmt.column_index(name);
    let (held_on, distributions, households, people, babies, children, adults) = (
        at("held_on")?,
        at("distributions")?,
        at("households")?,
        at("people")?,
        at("babies")?,
        at("children")?,
        at("adults")?,
    );
    let days: Vec<(NaiveDate, [i64; 6])> = stmt
        .query_map(params![site, from, to], |r| {
            Ok((
                r.get(held_on)?,
                [
                    r.get(distributions)?,
                    r.get(households)?,
                    r.get(people)?,
                    r.get(babies)?,
                    r.get(children)?,
                    r.get(adults)?,
                ],
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut cat = conn.prepare(
        "SELECT d.held_on, i.category, sum(l.quantity) AS quantity
         FROM collection_lines l JOIN collections c ON c.id = l.collection_id JOIN distributions d ON d.id = c.distribution_id
         JOIN stock_items i ON i.id = l.item_id
         WHERE l.reversed = 0 AND (?1 IS NULL OR d.site_id = ?1) AND d.held_on BETWEEN ?2 AND ?3
         GROUP BY d.held_on, i.category",
    )?;
    let at = |name: &str| cat.column_index(name);
    let (held_on, category, quantity) = (at("held_on")?, at("category")?, at("quantity")?);
    let cats: Vec<(NaiveDate, Category, i64)> = cat
        .query_map(params![site, from, to], |r| Ok((r.get(held_on)?, r.get(category)?, r.get(quantity)?)))?
        .collect::<Result<_, _>>()?;
    let mut weeks: std::collections::BTreeMap<
        NaiveDate,
        (WeekSummary, std::collections::BTreeMap<Category, i64>),
    > = Default::default();
    let blank = |w| WeekSummary {
        week_of: w,
        distributions: 0,
        households: 0,
        people: 0,
        babies: 0,
        children: 0,
        adults: 0,
        items_out: 0,
        by_category: String::new(),
        categories: Vec::new(),
    };
    for (day, n) in days {
        let w = monday(day);
        let e = weeks.entry(w).or_insert_with(|| (blank(w), Default::default()));
        e.0.distributions = e.0.distributions.saturating_add(n[0]);
        e.0.households = e.0.households.saturating_add(n[1]);
        e.0.people = e.0.people.saturating_add(n[2]);
        e.0.babies = e.0.babies.saturating_add(n[3]);
        e.0.children = e.0.children.saturating_add(n[4]);
        e.0.adults = e.0.adults.saturating_add(n[5]);
    }
    for (day, c, q) in cats {
        let w = monday(day);
        let e = weeks.entry(w).or_insert_with(|| (blank(w), Default::default()));
        e.0.items_out = e.0.items_out.saturating_add(q);
        let by_category = e.1.entry(c).or_default();
        *by_category = by_category.saturating_add(q);
    }
    Ok(weeks
        .into_values()
        .map(|(mut s, c)| {
            s.by_category =
                c.iter().map(|(k, v)| format!("{} {v}", k.label())).collect::<Vec<_>>().join(", ");
            s.categories = c.into_iter().map(|(category, units)| CategoryUnits { category, units }).collect();
            s
        })
        .collect())
}

/// One week of the Dashboard chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ChartWeek {
    /// Monday of the week.
    pub week_of: NaiveDate,
    /// Units in stock at the end of the week.
    pub stock: i64,
    /// Units given out that week.
    pub given_out: i64,
    /// Households served that week.
    pub households: i64,
}

/// Stock level and distributions per week, the last `weeks` weeks up to `today`.
pub fn chart(conn: &Connection, site: Option<&str>, weeks: u32, today: NaiveDate) -> Result<Vec<ChartWeek>> {
    let site = site_id(conn, site)?;
    let weeks = weeks.clamp(1, 104);
    let this_monday = monday(today);
    let first = this_monday.checked_sub_days(Days::new(7 * (weeks as u64 - 1))).unwrap_or(this_monday);
    let now: i64 = conn.query_row(
        "SELECT coalesce(sum(max(quantity, 0)), 0) FROM stock_balances WHERE ?1 IS NULL OR site_id = ?1",
        [&site],
        |r| r.get(0),
    )?;
    // Net movements per day since the first Monday (few rows: the range is bounded by an index).
    let mut stmt = conn.prepare(
        "SELECT moved_on, sum(quantity) AS net,
                sum(CASE WHEN kind IN ('distribution', 'reversal') THEN -quantity ELSE 0 END) AS given_out
         FROM stock_movements WHERE (?1 IS NULL OR site_id = ?1) AND moved_on >= ?2 GROUP BY moved_on",
    )?;
    let at = |name: &str| stmt.column_index(name);
    let (moved_on, net, given_out) = (at("moved_on")?, at("net")?, at("given_out")?);
    let per_day: Vec<(NaiveDate, i64, i64)> = stmt
        .query_map(params![site, first], |r| Ok((r.get(moved_on)?, r.get(net)?, r.get(given_out)?)))?
        .collect::<Result<_, _>>()?;
    let served = weekly(conn, None, first, today.checked_add_days(Days::new(7)).unwrap_or(today))?;
    let served: Vec<WeekSummary> = if site.is_some() {
        weekly(conn, site.as_deref(), first, today.checked_add_days(Days::new(7)).unwrap_or(today))?
    } else {
        served
    };
    let mut out = Vec::new();
    for k in 0..weeks {
        let w = first.checked_add_days(Days::new(7 * k as u64)).unwrap_or(first);
        let end = w.checked_add_days(Days::new(6)).unwrap_or(w);
        let after = total(per_day.iter().filter(|(d, _, _)| *d > end).map(|(_, q, _)| *q));
        let given_out = total(per_day.iter().filter(|(d, _, _)| *d >= w && *d <= end).map(|(_, _, g)| *g));
        let households = served.iter().find(|s| s.week_of == w).map_or(0, |s| s.households);
        out.push(ChartWeek { week_of: w, stock: now.saturating_sub(after), given_out, households });
    }
    Ok(out)
}
