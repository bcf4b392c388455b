//! What a household gets: its members as the allowance sees them, the rules that match them,
//! intervals and "once" items, sizes (a baby's nappy size, or the age band), and the context a
//! distribution reads once.

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

use super::events::{get, Distribution};
use super::rules::{self, Per, Rule, RuleFlag};
use crate::cases::age::age_on;
use crate::stock::{self, get_item, Item, VariantBy};
use crate::{new_id, Error, Result};

/// A member of a household as the allowance sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Member {
    /// Person id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Given and family name.
    pub name: String,
    /// Family name (for sorting).
    pub family_name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// Age in whole months, when the date of birth is known.
    pub age_months: Option<u32>,
    /// Pregnant (flag set).
    #[serde(skip)]
    pub pregnant: bool,
    /// Unaccompanied minor (set or derived).
    #[serde(skip)]
    pub unaccompanied: bool,
    /// Holds a centre phone now.
    #[serde(skip)]
    pub has_phone: bool,
    /// Nappy size recorded.
    pub nappy_size: Option<String>,
}

/// A household (or a person on their own) at a distribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Unit {
    /// The household id, or the person's id for someone on their own.
    pub unit_id: String,
    /// The household id.
    pub household_id: Option<String>,
    /// Active members, adults first.
    pub members: Vec<Member>,
}

impl Unit {
    /// The person the sheet names: the eldest adult, else the eldest.
    pub fn head(&self) -> Option<&Member> {
        self.members.first()
    }
}

/// One line of an allowance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AllowanceLine {
    /// Item id.
    pub item_id: String,
    /// Item name.
    pub item: String,
    /// Unit.
    pub unit: String,
    /// Size.
    pub variant: String,
    /// How many.
    pub quantity: i64,
    /// For this person (per-person rules).
    pub person_id: Option<String>,
    /// Why ("baby under 12 months").
    pub reason: String,
}

const MEMBERS_SQL: &str = "SELECT p.id, p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS name,
        p.family_name, p.original_name, p.date_of_birth,
        EXISTS (SELECT 1 FROM person_flags f WHERE f.person_id = p.id AND f.kind = 'pregnant' AND f.active = 1) AS pregnant,
        EXISTS (SELECT 1 FROM person_flags f WHERE f.person_id = p.id AND f.kind = 'unaccompanied_minor' AND f.active = 1)
          AS unaccompanied,
        EXISTS (SELECT 1 FROM phones h WHERE h.person_id = p.id AND h.returned_on IS NULL AND h.lost_on IS NULL) AS has_phone,
        (SELECT z.nappy_size FROM person_sizes z WHERE z.person_id = p.id) AS nappy_size
 FROM people p";

fn member_rows(stmt: &mut rusqlite::CachedStatement<'_>, key: &str, on: NaiveDate) -> Result<Vec<Member>> {
    let mut members: Vec<Member> = stmt
        .query_map([key], |r| {
            let dob: Option<NaiveDate> = r.get("date_of_birth")?;
            Ok(Member {
                id: r.get("id")?,
                code: r.get("code")?,
                name: r.get("name")?,
                family_name: r.get("family_name")?,
                original_name: r.get("original_name")?,
                age_months: dob.and_then(|d| age_on(d, on)).map(|a| a.months),
                pregnant: r.get("pregnant")?,
                unaccompanied: r.get("unaccompanied")?,
                has_phone: r.get("has_phone")?,
                nappy_size: r.get("nappy_size")?,
            })
        })?
        .collect::<Result<_, _>>()?;
    // Unknown ages count as adults (older first), as the case book does for "no adult".
    members.sort_by_key(|m| (std::cmp::Reverse(m.age_months.unwrap_or(u32::MAX)), m.code.clone()));
    let adult = members.iter().any(|m| m.age_months.is_none_or(|a| a >= 18 * 12));
    if !adult {
        for m in &mut members {
            m.unaccompanied = true;
        }
    }
    Ok(members)
}

/// The household of a person (or the person alone), active members only.
pub fn unit_of(conn: &Connection, person_id: &str, on: NaiveDate) -> Result<Unit> {
    let household: Option<Option<String>> = conn
        .prepare_cached("SELECT household_id FROM people WHERE id = ?1")?
        .query_row([person_id], |r| r.get(0))
        .optional()?;
    let Some(household) = household else {
        return Err(Error::new(crate::Code::AllowancePersonNotFound, serde_json::json!({})));
    };
    let members = match &household {
        Some(h) => {
            let mut stmt = conn.prepare_cached(&format!(
                "{MEMBERS_SQL} WHERE p.household_id = ?1 AND p.status = 'active'"
            ))?;
            member_rows(&mut stmt, h, on)?
        }
        None => {
            let mut stmt =
                conn.prepare_cached(&format!("{MEMBERS_SQL} WHERE p.id = ?1 AND p.status = 'active'"))?;
            member_rows(&mut stmt, person_id, on)?
        }
    };
    Ok(Unit {
        unit_id: household.clone().unwrap_or_else(|| person_id.to_string()),
        household_id: household,
        members,
    })
}

/// Every active household (and person on their own) of a site.
pub fn units_of_site(
    conn: &Connection,
    site_id: &str,
    on: NaiveDate,
    limit: Option<usize>,
) -> Result<Vec<Unit>> {
    // The unit keys, then each unit through the cached statements of `unit_of`.
    let mut keys = conn.prepare(
        "SELECT coalesce(household_id, id) AS unit_key, min(id) AS person_id FROM people
         WHERE site_id = ?1 AND status = 'active'
         GROUP BY coalesce(household_id, id) LIMIT ?2",
    )?;
    let limit = limit.map_or(-1, |n| n as i64);
    // Every household of the site is read: the columns are found by name once, not once a row.
    let (unit_key, person_id) = (keys.column_index("unit_key")?, keys.column_index("person_id")?);
    let pairs: Vec<(String, String)> = keys
        .query_map(params![site_id, limit], |r| Ok((r.get(unit_key)?, r.get(person_id)?)))?
        .collect::<Result<_, _>>()?;
    let mut units = Vec::with_capacity(pairs.len());
    for (_, person) in pairs {
        let u = unit_of(conn, &person, on)?;
        if !u.members.is_empty() {
            units.push(u);
        }
    }
    Ok(units)
}

/// A nappy size for a baby whose size is not recorded, from the age (the makers' weight bands).
fn nappy_size_for_age(months: u32) -> &'static str {
    match months {
        0 => "1",
        1..=3 => "2",
        4..=8 => "3",
        9..=17 => "4",
        18..=29 => "5",
        _ => "6",
    }
}

/// The size of `item` for `member`: their recorded nappy size (or one guessed from the age), or
/// the age band in years that contains their age (`2-4`, `13-17`, `18+`).
pub fn variant_for(item: &Item, member: Option<&Member>) -> String {
    if item.variants.is_empty() {
        return String::new();
    }
    let first = item.variants.first().cloned().unwrap_or_default();
    let Some(m) = member else { return first };
    match item.variant_by {
        Some(VariantBy::NappySize) => {
            let size = m
                .nappy_size
                .clone()
                .or_else(|| m.age_months.map(|a| nappy_size_for_age(a).to_string()))
                .unwrap_or_else(|| first.clone());
            item.variants.iter().find(|v| v.eq_ignore_ascii_case(&size)).cloned().unwrap_or(first)
        }
        Some(VariantBy::AgeYears) => {
            let Some(years) = m.age_months.map(|a| a / 12) else { return first };
            item.variants
                .iter()
                .find(|v| {
                    let v = v.trim();
                    if let Some(lo) = v.strip_suffix('+') {
                        return lo.trim().parse::<u32>().is_ok_and(|lo| years >= lo);
                    }
                    match v.split_once('-') {
                        Some((lo, hi)) => match (lo.trim().parse::<u32>(), hi.trim().parse::<u32>()) {
                            (Ok(lo), Ok(hi)) => years >= lo && years <= hi,
                            _ => false,
                        },
                        None => v.parse::<u32>().is_ok_and(|n| n == years),
                    }
                })
                .cloned()
                .unwrap_or(first)
        }
        None => first,
    }
}

pub(super) fn matches(rule: &Rule, m: &Member) -> bool {
    let flag_ok = match rule.flag {
        None => true,
        Some(RuleFlag::Baby) => m.age_months.is_some_and(|a| a < 12),
        Some(RuleFlag::Pregnant) => m.pregnant,
        Some(RuleFlag::UnaccompaniedMinor) => m.unaccompanied && m.age_months.is_none_or(|a| a < 18 * 12),
    };
    let age_ok = match (rule.min_age_months, rule.max_age_months) {
        (None, None) => true,
        (lo, hi) => m.age_months.is_some_and(|a| lo.is_none_or(|lo| a >= lo) && hi.is_none_or(|hi| a < hi)),
    };
    flag_ok && age_ok && !(rule.without_phone && m.has_phone)
}

/// Whether `key` (a person, or a unit) collected `item` on a day of `days` (reversed
/// collections aside), at any site and distribution; every day when `days` is `None`.
fn collected_in(
    conn: &Connection,
    per_person: bool,
    key: &str,
    item: &str,
    days: Option<(NaiveDate, NaiveDate)>,
) -> Result<bool> {
    let sql = if per_person {
        "SELECT EXISTS (SELECT 1 FROM collection_lines WHERE person_id = ?1 AND item_id = ?2 AND reversed = 0
                AND quantity > 0 AND (?3 IS NULL OR collected_on BETWEEN ?3 AND ?4))"
    } else {
        "SELECT EXISTS (SELECT 1 FROM collection_lines WHERE unit_id = ?1 AND item_id = ?2 AND reversed = 0
                AND quantity > 0 AND (?3 IS NULL OR collected_on BETWEEN ?3 AND ?4))"
    };
    let (from, to) = days.unzip();
    Ok(conn.prepare_cached(sql)?.query_row(params![key, item, from, to], |r| r.get(0))?)
}

/// The days around `on` on which a collection keeps an item with an interval of `interval`
/// days from being due: fewer than `interval` days before or after it. Collections are not
/// always recorded in the order of their days (a later distribution may be held first, or
/// recorded on a desk that was offline), so the rule looks both ways.
fn interval_days_around(on: NaiveDate, interval: u32) -> (NaiveDate, NaiveDate) {
    let span = Days::new(u64::from(interval.saturating_sub(1)));
    (on.checked_sub_days(span).unwrap_or(NaiveDate::MIN), on.checked_add_days(span).unwrap_or(NaiveDate::MAX))
}

pub(super) fn reason(rule: &Rule) -> String {
    let mut parts = Vec::new();
    if let Some(f) = rule.flag {
        parts.push(f.label().to_string());
    }
    match (rule.min_age_months, rule.max_age_months) {
        (None, None) => {}
        (lo, hi) => parts.push(rules::band_label(lo, hi)),
    }
    if rule.without_phone {
        parts.push("no phone".into());
    }
    if parts.is_empty() {
        parts.push(if rule.per == Per::Household { "every household".into() } else { "everyone".into() });
    }
    parts.join(", ")
}

/// What `unit` gets at a distribution of `dist_type` on `on`, with `rules` and the catalogue.
pub fn allowance(
    conn: &Connection,
    rules: &[Rule],
    items: &HashMap<String, Item>,
    unit: &Unit,
    on: NaiveDate,
) -> Result<Vec<AllowanceLine>> {
    let mut lines: Vec<AllowanceLine> = Vec::new();
    for rule in rules {
        let Some(item) = items.get(&rule.item_id) else { continue };
        if !item.active {
            continue;
        }
        let due = |per_person: bool, key: &str| -> Result<bool> {
            if !rule.once && rule.interval_days == 0 {
                return Ok(true);
            }
            let days = if rule.once { None } else { Some(interval_days_around(on, rule.interval_days)) };
            Ok(!collected_in(conn, per_person, key, &rule.item_id, days)?)
        };
        match rule.per {
            Per::Person => {
                for m in unit.members.iter().filter(|m| matches(rule, m)) {
                    if !due(true, &m.id)? {
                        continue;
                    }
                    lines.push(AllowanceLine {
                        item_id: item.id.clone(),
                        item: item.name.clone(),
                        unit: item.unit.clone(),
                        variant: variant_for(item, Some(m)),
                        quantity: rule.quantity,
                        person_id: Some(m.id.clone()),
                        reason: reason(rule),
                    });
                }
            }
            Per::Household => {
                let who = unit.members.iter().find(|m| matches(rule, m));
                if who.is_none() || !due(false, &unit.unit_id)? {
                    continue;
                }
                lines.push(AllowanceLine {
                    item_id: item.id.clone(),
                    item: item.name.clone(),
                    unit: item.unit.clone(),
                    variant: variant_for(item, who),
                    quantity: rule.quantity,
                    person_id: None,
                    reason: reason(rule),
                });
            }
        }
    }
    Ok(lines)
}

/// Adds up allowance lines per item and size: "Baby milk 4, Nappies (3) 1".
pub fn compact(lines: &[AllowanceLine]) -> String {
    let mut sums: BTreeMap<(String, String), i64> = BTreeMap::new();
    for l in lines {
        *sums.entry((l.item.clone(), l.variant.clone())).or_default() += l.quantity;
    }
    sums.into_iter()
        .map(|((item, v), q)| if v.is_empty() { format!("{item} {q}") } else { format!("{item} ({v}) {q}") })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The rules and catalogue a distribution uses, read once.
pub struct Context {
    /// The distribution.
    pub dist: Distribution,
    /// Its type's active rules.
    pub rules: Vec<Rule>,
    /// The catalogue by id.
    pub items: HashMap<String, Item>,
}

impl Context {
    /// Reads the distribution, its rules and the catalogue.
    pub fn load(conn: &Connection, distribution: &str) -> Result<Context> {
        let dist = get(conn, distribution)?;
        let rules = rules::for_type(conn, &dist.dist_type)?;
        let items = stock::list_items(conn)?.into_iter().map(|i| (i.id.clone(), i)).collect();
        Ok(Context { dist, rules, items })
    }
}

/// Nappy sizes are recorded for children younger than this (in years).
pub const NAPPY_AGE_LIMIT: u32 = 18;

/// Records a child's nappy size (the case book has no field for it). Only a child's: a size
/// for an adult (or someone whose age is not known) is refused, so nappies are never drawn
/// for a grown-up by a slip of the desk. Clearing a size is always allowed.
pub fn set_nappy_size(conn: &Connection, person: &str, size: Option<&str>, today: NaiveDate) -> Result<()> {
    let (site, born): (String, Option<NaiveDate>) = conn
        .query_row("SELECT site_id, date_of_birth FROM people WHERE id = ?1", [person], |r| {
            Ok((r.get("site_id")?, r.get("date_of_birth")?))
        })
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::AllowancePersonNotFound, serde_json::json!({})))?;
    let size = size.map(str::trim).filter(|s| !s.is_empty());
    if size.is_some() {
        match born.and_then(|b| age_on(b, today)) {
            Some(age) if age.years < NAPPY_AGE_LIMIT => {}
            Some(age) => {
                return Err(Error::at(
                    "size",
                    crate::Code::NappySizeTooOld,
                    serde_json::json!({"limit": NAPPY_AGE_LIMIT, "age": age.years}),
                ))
            }
            None => return Err(Error::at("size", crate::Code::NappySizeNoAge, serde_json::json!({}))),
        }
    }
    conn.execute(
        "INSERT INTO person_sizes (id, site_id, person_id, nappy_size) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (person_id) DO UPDATE SET nappy_size = excluded.nappy_size,
             updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
        params![new_id(), site, person, size],
    )?;
    Ok(())
}

/// A person's recorded nappy size (`None`: chosen by age when nappies are given).
pub fn nappy_size(conn: &Connection, person: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT nappy_size FROM person_sizes WHERE person_id = ?1")?
        .query_row([person], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// The nappy sizes of the catalogue: the sizes of every item sized by nappy size, in order.
pub fn nappy_sizes(conn: &Connection) -> Result<Vec<String>> {
    let mut sizes: Vec<String> = Vec::new();
    for item in stock::list_items(conn)? {
        if item.variant_by == Some(VariantBy::NappySize) {
            for v in item.variants {
                if !sizes.contains(&v) {
                    sizes.push(v);
                }
            }
        }
    }
    Ok(sizes)
}

/// The item for an id or name (for rules and tests).
pub fn item(conn: &Connection, id_or_name: &str) -> Result<Item> {
    get_item(conn, id_or_name)
}
