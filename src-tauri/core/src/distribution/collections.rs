//! Collections at the desk: drawn from stock first-expiry-first-out in one transaction, once per
//! household and distribution, reversed by new movements; the desk's live counters.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::allowance::{allowance, unit_of, Context};
use super::desk::find_person;
use super::events::get;
use crate::access::Session;
use crate::stock::{self, draw, MoveKind, Movement};
use crate::{new_id, Error, Result};

/// A collection as listed at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Collection {
    /// Id.
    pub id: String,
    /// Who came (code).
    pub code: String,
    /// Who came (name).
    pub name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// People in the household.
    pub people: i64,
    /// What was given, in one line, each item and size totalled: "Nappies size 4 x2".
    pub summary: String,
    /// What was given, each item and size totalled, for the desk to word.
    pub given: Vec<Given>,
    /// Units given.
    pub items_out: i64,
    /// Reversed (with the time).
    pub reversed_at: Option<String>,
    /// When (UTC).
    pub at: String,
}

/// One item and size of a collection, totalled over its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Given {
    /// Item.
    pub item: String,
    /// Size ("" when the item has none).
    pub variant: String,
    /// Units given.
    pub quantity: i64,
}

/// Input of a collection at the desk.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectInput {
    /// The distribution.
    pub distribution: String,
    /// A member of the household: their code (CAL-0042), id, or name (see [`find_person_at`]).
    pub person: String,
    /// When stock runs short, give what there is instead of refusing.
    #[serde(default)]
    pub take_available: bool,
    /// Serve someone registered at another site than the distribution's (without it, that is
    /// refused with a `confirm` error naming their site).
    #[serde(default)]
    pub confirm_other_site: bool,
}

/// Who was typed at the desk, as the refusals name them.
struct Who {
    name: String,
    code: String,
    status: String,
    site_id: String,
    site_name: String,
}

fn who(conn: &Connection, person: &str) -> Result<Who> {
    conn.prepare_cached(
        "SELECT p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS name,
                p.code, p.status, p.site_id, s.name AS site_name
         FROM people p JOIN sites s ON s.id = p.site_id WHERE p.id = ?1",
    )?
    .query_row([person], |r| {
        Ok(Who {
            name: r.get("name")?,
            code: r.get("code")?,
            status: r.get("status")?,
            site_id: r.get("site_id")?,
            site_name: r.get("site_name")?,
        })
    })
    .optional()?
    .ok_or_else(|| Error::new(crate::Code::AllowancePersonNotFound, serde_json::json!({})))
}

/// Records a collection: the household's allowance, drawn first-expiry-first-out from the
/// distribution's location, in the caller's transaction. Returns the collection id.
pub fn collect(
    conn: &Connection,
    s: &Session,
    ctx: &Context,
    input: &CollectInput,
    now_date: NaiveDate,
) -> Result<String> {
    let dist = &ctx.dist;
    if dist.status != "open" {
        return Err(Error::new(crate::Code::CollectionDistributionClosed, serde_json::json!({})));
    }
    let person = find_person(conn, &input.person)?;
    let on = dist.held_on;
    let unit = unit_of(conn, &person, on)?;
    let Some(head) = unit.members.iter().find(|m| m.id == person).or(unit.head()) else {
        let w = who(conn, &person)?;
        let code = match w.status.as_str() {
            "moved_on" => crate::Code::CollectionCaseMovedOn,
            "reached_uk" => crate::Code::CollectionCaseReachedUk,
            _ => crate::Code::CollectionCaseNotActive,
        };
        return Err(Error::new(
            code,
            serde_json::json!({"name": w.name, "code": w.code, "status": w.status}),
        ));
    };
    if !input.confirm_other_site {
        let w = who(conn, &person)?;
        if w.site_id != dist.site_id {
            return Err(Error::confirm_with(
                "confirm_other_site",
                crate::Code::CollectionOtherSite,
                serde_json::json!({"name": w.name, "code": w.code, "site": w.site_name, "here": dist.site_name}),
            ));
        }
    }
    let already: Option<String> = conn
        .prepare_cached(
            "SELECT c.created_at FROM collections c WHERE c.distribution_id = ?1 AND c.unit_id = ?2 AND c.reversed_at IS NULL",
        )?
        .query_row(params![dist.id, unit.unit_id], |r| r.get(0))
        .optional()?;
    if let Some(at) = already {
        return Err(Error::new(
            crate::Code::CollectionAlready,
            serde_json::json!({"name": head.name, "code": head.code, "at": at.get(11..16).unwrap_or("")}),
        ));
    }
    let lines = allowance(conn, &ctx.rules, &ctx.items, &unit, on)?;
    if lines.is_empty() {
        return Err(Error::new(
            crate::Code::CollectionNothingDue,
            serde_json::json!({"name": head.name.to_string(), "code": head.code.to_string()}),
        ));
    }
    let id = new_id();
    let babies = unit.members.iter().filter(|m| m.age_months.is_some_and(|a| a < 12)).count();
    let children =
        unit.members.iter().filter(|m| m.age_months.is_some_and(|a| (12..18 * 12).contains(&a))).count();
    conn.prepare_cached(
        "INSERT INTO collections (id, site_id, distribution_id, unit_id, household_id, person_id, people_count,
                babies, children, adults, collected_on, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        dist.site_id,
        dist.id,
        unit.unit_id,
        unit.household_id,
        person,
        unit.members.len() as i64,
        babies as i64,
        children as i64,
        (unit.members.len() - babies - children) as i64,
        on,
        s.user_id
    ])?;
    let _ = now_date;
    let mut line_stmt = conn.prepare_cached(
        "INSERT INTO collection_lines (id, site_id, collection_id, unit_id, person_id, item_id, variant, quantity, wanted, collected_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut items_out = 0;
    for l in &lines {
        let template = Movement {
            site_id: &dist.site_id,
            location_id: &dist.location_id,
            item_id: &l.item_id,
            variant: &l.variant,
            kind: Some(MoveKind::Distribution),
            moved_on: Some(on),
            group_id: Some(&id),
            collection_id: Some(&id),
            ..Movement::default()
        };
        let given = draw(conn, s, &template, l.quantity, Some(on), input.take_available)?;
        line_stmt.execute(params![
            new_id(),
            dist.site_id,
            id,
            unit.unit_id,
            l.person_id,
            l.item_id,
            l.variant,
            given,
            l.quantity,
            on
        ])?;
        items_out += given;
    }
    conn.prepare_cached("UPDATE collections SET items_out = ?2 WHERE id = ?1")?
        .execute(params![id, items_out])?;
    Ok(id)
}

/// Reverses a collection: a reversing movement for each of its movements, the collection and
/// its lines marked reversed (so the household may collect again). Returns the units put back.
pub fn reverse(conn: &Connection, s: &Session, collection: &str, why: &str, today: NaiveDate) -> Result<i64> {
    let reversed: Option<Option<String>> = conn
        .query_row("SELECT reversed_at FROM collections WHERE id = ?1", [collection], |r| r.get(0))
        .optional()?;
    match reversed {
        None => return Err(Error::new(crate::Code::CollectionNotFound, serde_json::json!({}))),
        Some(Some(_)) => {
            return Err(Error::new(crate::Code::CollectionAlreadyReversed, serde_json::json!({})))
        }
        Some(None) => {}
    }
    let why = why.trim();
    if why.is_empty() {
        return Err(Error::at("reason", crate::Code::CollectionReasonMissing, serde_json::json!({})));
    }
    type Row = (String, String, String, String, String, String, Option<NaiveDate>, i64);
    let moves: Vec<Row> = {
        let mut stmt = conn.prepare(
            "SELECT id, site_id, location_id, item_id, variant, batch, expires_on, quantity FROM stock_movements
             WHERE collection_id = ?1 AND kind = 'distribution'",
        )?;
        let rows = stmt.query_map([collection], |r| {
            Ok((
                r.get("id")?,
                r.get("site_id")?,
                r.get("location_id")?,
                r.get("item_id")?,
                r.get("variant")?,
                r.get("batch")?,
                r.get("expires_on")?,
                r.get("quantity")?,
            ))
        })?;
        rows.collect::<Result<_, _>>()?
    };
    let mut back = 0;
    for (mid, site, loc, item, variant, batch, exp, q) in &moves {
        stock::post(
            conn,
            s,
            &Movement {
                site_id: site,
                location_id: loc,
                item_id: item,
                variant,
                batch,
                expires_on: *exp,
                quantity: -q,
                kind: Some(MoveKind::Reversal),
                moved_on: Some(today),
                note: why,
                group_id: Some(collection),
                collection_id: Some(collection),
                reverses_id: Some(mid),
                ..Movement::default()
            },
        )?;
        back += -q;
    }
    conn.execute(
        "UPDATE collections SET reversed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), reversed_by = ?2, reverse_reason = ?3,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![collection, s.user_id, why],
    )?;
    conn.execute("UPDATE collection_lines SET reversed = 1 WHERE collection_id = ?1", [collection])?;
    Ok(back)
}

const COLLECTION_SELECT: &str = "SELECT c.id, p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS name,
        p.original_name, c.people_count AS people, c.reversed_at, c.created_at AS at,
        (SELECT coalesce(sum(l.quantity), 0) FROM collection_lines l WHERE l.collection_id = c.id) AS items_out
 FROM collections c JOIN people p ON p.id = c.person_id";

fn collection_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get("id")?,
        code: r.get("code")?,
        name: r.get("name")?,
        original_name: r.get("original_name")?,
        people: r.get("people")?,
        reversed_at: r.get("reversed_at")?,
        at: r.get("at")?,
        summary: String::new(),
        given: Vec::new(),
        items_out: r.get("items_out")?,
    })
}

/// Fills in what each collection gave: its lines summed per item and size (a household of
/// three babies is given "Nappies size 4 x3", not the same item three times).
fn with_given(conn: &Connection, mut list: Vec<Collection>) -> Result<Vec<Collection>> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.name AS item, l.variant, sum(l.quantity) AS quantity
         FROM collection_lines l JOIN stock_items i ON i.id = l.item_id
         WHERE l.collection_id = ?1 AND l.quantity > 0
         GROUP BY l.item_id, l.variant ORDER BY i.category, i.name, l.variant",
    )?;
    for c in &mut list {
        c.given = stmt
            .query_map([&c.id], |r| {
                Ok(Given { item: r.get("item")?, variant: r.get("variant")?, quantity: r.get("quantity")? })
            })?
            .collect::<Result<_, _>>()?;
        c.summary = c
            .given
            .iter()
            .map(|g| {
                if g.variant.is_empty() {
                    format!("{} x{}", g.item, g.quantity)
                } else {
                    format!("{} size {} x{}", g.item, g.variant, g.quantity)
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
    }
    Ok(list)
}

/// The collections of a distribution, newest first.
pub fn collections(conn: &Connection, distribution: &str, limit: u32) -> Result<Vec<Collection>> {
    // The newest ids first, then their details: the summaries are worked out for those only.
    let mut stmt = conn.prepare_cached(&format!(
        "{COLLECTION_SELECT} WHERE c.id IN (SELECT id FROM collections WHERE distribution_id = ?1
                                             ORDER BY created_at DESC, id DESC LIMIT ?2)
         ORDER BY c.created_at DESC, c.id DESC"
    ))?;
    let rows = stmt.query_map(params![distribution, limit], collection_row)?;
    with_given(conn, rows.collect::<Result<_, _>>()?)
}

/// One collection as listed at the desk.
pub fn collection(conn: &Connection, id: &str) -> Result<Collection> {
    let mut stmt = conn.prepare_cached(&format!("{COLLECTION_SELECT} WHERE c.id = ?1"))?;
    let one = stmt
        .query_row([id], collection_row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::CollectionNotFound, serde_json::json!({})))?;
    with_given(conn, vec![one])?
        .pop()
        .ok_or_else(|| Error::new(crate::Code::CollectionNotFound, serde_json::json!({})))
}

/// Live counters of a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counters {
    /// Households served.
    pub households: i64,
    /// People in them.
    pub people: i64,
    /// Units given out.
    pub items_out: i64,
    /// What is left at the location, per item and size (usable on the day).
    pub remaining: Vec<Remaining>,
}

/// Stock left of one item and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Remaining {
    /// Item.
    pub item: String,
    /// Size.
    pub variant: String,
    /// Units.
    pub quantity: i64,
}

/// Households served, items out and the stock left at the distribution's location.
pub fn counters(conn: &Connection, distribution: &str) -> Result<Counters> {
    let dist = get(conn, distribution)?;
    let (households, people, items_out): (i64, i64, i64) = conn
        .prepare_cached(
            "SELECT count(*) AS households, coalesce(sum(people_count), 0) AS people,
                    coalesce(sum(items_out), 0) AS items_out FROM collections
             WHERE distribution_id = ?1 AND reversed_at IS NULL",
        )?
        .query_row([distribution], |r| Ok((r.get("households")?, r.get("people")?, r.get("items_out")?)))?;
    let mut stmt = conn.prepare_cached(
        "SELECT i.name AS item, b.variant,
                sum(CASE WHEN b.expires_on IS NULL OR b.expires_on >= ?2 THEN max(b.quantity, 0) ELSE 0 END) AS quantity
         FROM stock_balances b JOIN stock_items i ON i.id = b.item_id
         WHERE b.location_id = ?1 GROUP BY b.item_id, b.variant ORDER BY i.category, i.name, b.variant",
    )?;
    let remaining = stmt
        .query_map(params![dist.location_id, dist.held_on], |r| {
            Ok(Remaining { item: r.get("item")?, variant: r.get("variant")?, quantity: r.get("quantity")? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Counters { households, people, items_out, remaining })
}
