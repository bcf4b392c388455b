//! After the day: the eligible households who did not come (with a phone number to call them
//! where the centre holds one and the person consented to being contacted), per item and size
//! what the collections asked for against what they gave (short stock shows here), and the
//! households served twice at two desks (computers) before those exchanged.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::events::Distribution;
use super::plan::{plan, SheetSort};
use crate::Result;

/// An eligible household that did not collect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NotCollected {
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
    /// A number to call: a member's own phone when they consented, else a centre phone a
    /// member holds now.
    pub phone: Option<String>,
}

/// One item and size over the day's collections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RequestedGiven {
    /// Item name.
    pub item: String,
    /// Size ("" when the item has none).
    pub variant: String,
    /// Units the collections' allowances asked for.
    pub requested: i64,
    /// Units given.
    pub given: i64,
}

/// A household with more than one collection at one distribution: served at two desks
/// (computers) that had not exchanged yet, each of which could not see the other's collection.
/// Both are kept, as are the stock movements of both (the bags left both desks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CollectedTwice {
    /// The household's id (or the person's, on their own).
    pub unit_id: String,
    /// The code of the person who collected first.
    pub code: String,
    /// Their name.
    pub name: String,
    /// How many collections the household has at this distribution.
    pub collections: i64,
    /// When each was recorded (UTC), the earliest first.
    pub recorded_at: Vec<String>,
}

/// What a distribution day left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AfterTheDay {
    /// The distribution.
    pub distribution: Distribution,
    /// Eligible households that did not collect, in the sign-up sheet's order.
    pub not_collected: Vec<NotCollected>,
    /// Requested against given, by item then size.
    pub items: Vec<RequestedGiven>,
    /// Households served twice (at two desks between exchanges), for a coordinator to follow up.
    pub collected_twice: Vec<CollectedTwice>,
}

/// The not-collected list and requested against given of `distribution`.
pub fn after_the_day(conn: &Connection, distribution: &str) -> Result<AfterTheDay> {
    let plan = plan(conn, distribution, SheetSort::FamilyName)?;
    // The household's active members are found first, through the household index and the
    // primary key: an OR of the two columns in one WHERE made SQLite read every person (and
    // every phone) once per household, a minute for the demo's 2,300 households. The number
    // given is the household's own first (one it gave with consent, then one the centre lent),
    // the head's before another member's, so the list is the same on every run.
    let mut phone = conn.prepare_cached(
        "WITH members(id) AS (
           SELECT id FROM people WHERE household_id = ?1 AND status = 'active'
           UNION SELECT id FROM people WHERE id = ?1 AND status = 'active')
         SELECT number FROM (
           SELECT p.phone AS number, 0 AS rank, p.id = ?2 AS head FROM people p
            WHERE p.id IN members
              AND p.phone IS NOT NULL AND p.phone <> '' AND p.consent_at IS NOT NULL
           UNION ALL
           SELECT h.number AS number, 1 AS rank, h.person_id = ?2 AS head FROM phones h
            WHERE h.person_id IN members
              AND h.returned_on IS NULL AND h.lost_on IS NULL AND h.number <> '')
         ORDER BY rank, head DESC, number LIMIT 1",
    )?;
    let mut not_collected = Vec::new();
    for r in plan.rows.iter().filter(|r| !r.collected) {
        let head = r.unit.head();
        not_collected.push(NotCollected {
            unit_id: r.unit.unit_id.clone(),
            code: head.map(|h| h.code.clone()).unwrap_or_default(),
            name: head.map(|h| h.name.clone()).unwrap_or_default(),
            original_name: head.and_then(|h| h.original_name.clone()),
            people: r.unit.members.len() as i64,
            phone: phone
                .query_row(params![r.unit.unit_id, head.map(|h| h.id.as_str())], |row| row.get(0))
                .optional()?,
        });
    }
    let mut stmt = conn.prepare_cached(
        "SELECT i.name AS item, l.variant, sum(l.wanted) AS requested, sum(l.quantity) AS given
         FROM collections c JOIN collection_lines l ON l.collection_id = c.id
         JOIN stock_items i ON i.id = l.item_id
         WHERE c.distribution_id = ?1 AND c.reversed_at IS NULL AND l.reversed = 0
         GROUP BY i.name, l.variant ORDER BY i.name, l.variant",
    )?;
    let items = stmt
        .query_map(params![plan.distribution.id], |r| {
            Ok(RequestedGiven {
                item: r.get("item")?,
                variant: r.get("variant")?,
                requested: r.get("requested")?,
                given: r.get("given")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let collected_twice = collected_twice(conn, &plan.distribution.id)?;
    Ok(AfterTheDay { distribution: plan.distribution, not_collected, items, collected_twice })
}

/// The households of `distribution` with more than one collection not reversed, by the time of
/// their first.
pub fn collected_twice(conn: &Connection, distribution: &str) -> Result<Vec<CollectedTwice>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.unit_id, count(*) AS n, group_concat(c.created_at, ' ') AS times,
                (SELECT p.code FROM collections f JOIN people p ON p.id = f.person_id
                  WHERE f.distribution_id = c.distribution_id AND f.unit_id = c.unit_id AND f.reversed_at IS NULL
                  ORDER BY f.created_at, f.id LIMIT 1) AS code,
                (SELECT trim(p.given_name || ' ' || coalesce(p.family_name, '')) FROM collections f
                  JOIN people p ON p.id = f.person_id
                  WHERE f.distribution_id = c.distribution_id AND f.unit_id = c.unit_id AND f.reversed_at IS NULL
                  ORDER BY f.created_at, f.id LIMIT 1) AS name
         FROM (SELECT * FROM collections WHERE distribution_id = ?1 AND reversed_at IS NULL
               ORDER BY created_at, id) c
         GROUP BY c.unit_id HAVING count(*) > 1 ORDER BY min(c.created_at), c.unit_id",
    )?;
    let rows = stmt.query_map([distribution], |r| {
        let times: String = r.get("times")?;
        Ok(CollectedTwice {
            unit_id: r.get("unit_id")?,
            code: r.get::<_, Option<String>>("code")?.unwrap_or_default(),
            name: r.get::<_, Option<String>>("name")?.unwrap_or_default(),
            collections: r.get("n")?,
            recorded_at: times.split(' ').map(str::to_string).collect(),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
