//! The weekly distribution: allowance rules, distribution events, who is eligible and what each
//! household gets, the sign-up sheet, and collections at the desk.
//!
//! A "household" here is a household of the case book, or a person registered on their own.
//! Allowances are computed from the people's current flags and ages, the rules of the
//! distribution's type, and what each person or household already collected (intervals and
//! "once" items). A collection writes distribution movements first-expiry-first-out in one
//! transaction; a household collects once per event; a mistaken collection is reversed by new
//! movements, never by editing or deleting.

pub mod rules;
pub mod sheet;
pub mod undo;

use std::collections::{BTreeMap, HashMap};

use chrono::{Days, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::Session;
use crate::cases::age::age_on;
use crate::cases::search::{self, PersonRow};
use crate::stock::{self, draw, get_item, get_location, Item, MoveKind, Movement, VariantBy};
use crate::{new_id, Error, Result};
use rules::{Per, Rule, RuleFlag};

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
}

const DIST_SELECT: &str =
    "SELECT d.id, d.site_id, s.code, s.name, d.location_id, l.name, d.held_on, d.dist_type, d.status,
        (SELECT count(*) FROM collections c WHERE c.distribution_id = d.id AND c.reversed_at IS NULL)
 FROM distributions d JOIN sites s ON s.id = d.site_id JOIN stock_locations l ON l.id = d.location_id";

fn dist_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Distribution> {
    Ok(Distribution {
        id: r.get(0)?,
        site_id: r.get(1)?,
        site: r.get(2)?,
        site_name: r.get(3)?,
        location_id: r.get(4)?,
        location: r.get(5)?,
        held_on: r.get(6)?,
        dist_type: r.get(7)?,
        status: r.get(8)?,
        collected: r.get(9)?,
    })
}

/// Creates a distribution.
pub fn create(conn: &Connection, s: &Session, input: &NewDistribution) -> Result<Distribution> {
    let loc = get_location(conn, &input.location)?;
    let t = input.dist_type.trim();
    if t.is_empty() {
        return Err(Error::invalid("dist_type", "Choose the type of distribution."));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO distributions (id, site_id, location_id, held_on, dist_type, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![id, loc.site_id, loc.id, input.held_on, t, s.user_id],
    )?;
    get(conn, &id)
}

/// One distribution.
pub fn get(conn: &Connection, id: &str) -> Result<Distribution> {
    let mut stmt = conn.prepare_cached(&format!("{DIST_SELECT} WHERE d.id = ?1"))?;
    stmt.query_row([id], dist_row)
        .optional()?
        .ok_or_else(|| Error::NotFound("That distribution does not exist.".into()))
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
        return Err(Error::NotFound("That distribution does not exist.".into()));
    }
    get(conn, id)
}

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

const MEMBERS_SQL: &str = "SELECT p.id, p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END,
        p.family_name, p.original_name, p.date_of_birth,
        EXISTS (SELECT 1 FROM person_flags f WHERE f.person_id = p.id AND f.kind = 'pregnant' AND f.active = 1),
        EXISTS (SELECT 1 FROM person_flags f WHERE f.person_id = p.id AND f.kind = 'unaccompanied_minor' AND f.active = 1),
        EXISTS (SELECT 1 FROM phones h WHERE h.person_id = p.id AND h.returned_on IS NULL AND h.lost_on IS NULL),
        (SELECT z.nappy_size FROM person_sizes z WHERE z.person_id = p.id)
 FROM people p";

fn member_rows(stmt: &mut rusqlite::CachedStatement<'_>, key: &str, on: NaiveDate) -> Result<Vec<Member>> {
    let mut members: Vec<Member> = stmt
        .query_map([key], |r| {
            let dob: Option<NaiveDate> = r.get(5)?;
            Ok(Member {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                family_name: r.get(3)?,
                original_name: r.get(4)?,
                age_months: dob.and_then(|d| age_on(d, on)).map(|a| a.months),
                pregnant: r.get(6)?,
                unaccompanied: r.get(7)?,
                has_phone: r.get(8)?,
                nappy_size: r.get(9)?,
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
        return Err(Error::NotFound("That person does not exist.".into()));
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
        "SELECT coalesce(household_id, id), min(id) FROM people WHERE site_id = ?1 AND status = 'active'
         GROUP BY coalesce(household_id, id) LIMIT ?2",
    )?;
    let limit = limit.map_or(-1, |n| n as i64);
    let pairs: Vec<(String, String)> =
        keys.query_map(params![site_id, limit], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
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

fn matches(rule: &Rule, m: &Member) -> bool {
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

/// The last day `key` (a person, or a unit) collected `item`, reversed collections aside.
fn last_collected(
    conn: &Connection,
    per_person: bool,
    key: &str,
    item: &str,
    before: Option<NaiveDate>,
) -> Result<Option<NaiveDate>> {
    let sql = if per_person {
        "SELECT max(collected_on) FROM collection_lines WHERE person_id = ?1 AND item_id = ?2 AND reversed = 0 AND quantity > 0 AND (?3 IS NULL OR collected_on <= ?3)"
    } else {
        "SELECT max(collected_on) FROM collection_lines WHERE unit_id = ?1 AND item_id = ?2 AND reversed = 0 AND quantity > 0 AND (?3 IS NULL OR collected_on <= ?3)"
    };
    Ok(conn.prepare_cached(sql)?.query_row(params![key, item, before], |r| r.get(0))?)
}

fn reason(rule: &Rule) -> String {
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
            let last = if rule.once {
                last_collected(conn, per_person, key, &rule.item_id, None)?
            } else {
                last_collected(conn, per_person, key, &rule.item_id, Some(on))?
            };
            Ok(match last {
                None => true,
                Some(_) if rule.once => false,
                Some(d) => {
                    d.checked_add_days(Days::new(rule.interval_days as u64)).is_none_or(|next| next <= on)
                }
            })
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
    /// What was given, in one line.
    pub summary: String,
    /// Units given.
    pub items_out: i64,
    /// Reversed (with the time).
    pub reversed_at: Option<String>,
    /// When (UTC).
    pub at: String,
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
}

/// How many people the desk lists for a name before asking for more of it.
pub const DESK_CANDIDATES: u32 = 10;

/// Finds a person by code or id, else by name anywhere in the case book (see
/// [`find_person_at`]).
pub fn find_person(conn: &Connection, who: &str) -> Result<String> {
    find_person_at(conn, None, who)
}

/// The person with this code (any case) or id.
fn by_code_or_id(conn: &Connection, who: &str) -> Result<Option<String>> {
    // Codes are stored upper-case: the unique index on code finds them; ids by primary key.
    Ok(conn
        .prepare_cached(
            "SELECT id FROM people WHERE code = ?1 UNION ALL SELECT id FROM people WHERE id = ?2 LIMIT 1",
        )?
        .query_row([who.to_uppercase().as_str(), who], |r| r.get(0))
        .optional()?)
}

/// Whether what was typed has the shape of a code (`CAL-0042`): letters, a dash, digits.
fn looks_like_code(who: &str) -> bool {
    who.split_once('-').is_some_and(|(site, n)| {
        !site.is_empty()
            && site.chars().all(|c| c.is_ascii_alphabetic())
            && !n.is_empty()
            && n.chars().all(|c| c.is_ascii_digit())
    })
}

/// Active people of `site` (any site when `None`) whose names start with the words typed, by
/// family name; `more` when there were more than [`DESK_CANDIDATES`].
fn named(conn: &Connection, site: Option<&str>, who: &str) -> Result<(Vec<PersonRow>, bool)> {
    // Punctuation alone is no name (the search would otherwise match everyone).
    if !who.chars().any(char::is_alphanumeric) {
        return Ok((Vec::new(), false));
    }
    let today = chrono::Local::now().date_naive();
    let mut rows = search::active_by_name(conn, site, who, DESK_CANDIDATES + 1, today)?;
    let more = rows.len() > DESK_CANDIDATES as usize;
    rows.truncate(DESK_CANDIDATES as usize);
    rows.sort_by_cached_key(|r| (r.family_name.to_lowercase(), r.given_name.to_lowercase(), r.code.clone()));
    Ok((rows, more))
}

fn full_name(given: &str, family: &str) -> String {
    if family.is_empty() {
        given.to_string()
    } else {
        format!("{given} {family}")
    }
}

/// Finds the person typed at the desk: a code (`CAL-0042`, any case) or id wins; otherwise the
/// one active person of `site` (any site when `None`) whose given, family, other or
/// original-script name starts with each word typed. Several people matching is a validation
/// error on `person` that names them with their codes, so the desk can type the code (or pick
/// from [`desk_candidates`]); nobody matching is one too.
pub fn find_person_at(conn: &Connection, site: Option<&str>, who: &str) -> Result<String> {
    let who = who.trim();
    if who.is_empty() {
        return Err(Error::invalid("person", "Type a code or a name, e.g. CAL-0042."));
    }
    if let Some(id) = by_code_or_id(conn, who)? {
        return Ok(id);
    }
    if looks_like_code(who) {
        return Err(Error::invalid("person", format!("Nobody has the code {}.", who.to_uppercase())));
    }
    let (rows, more) = named(conn, site, who)?;
    match rows.as_slice() {
        [] => Err(Error::invalid(
            "person",
            format!("Nobody registered here matches \"{who}\". Check the spelling, or type the code."),
        )),
        [one] => Ok(one.id.clone()),
        many => {
            let list = many
                .iter()
                .map(|r| format!("{} ({})", full_name(&r.given_name, &r.family_name), r.code))
                .collect::<Vec<_>>()
                .join(", ");
            let count = if more {
                format!("More than {DESK_CANDIDATES} people match")
            } else {
                format!("{} people match", many.len())
            };
            Err(Error::invalid("person", format!("{count} \"{who}\": {list}. Type the code.")))
        }
    }
}

/// Someone the desk may mean: only what the front desk sees (name, code, household, whether
/// the household has collected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeskCandidate {
    /// Person id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Given and family name.
    pub name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// Active people in their household at this distribution (1 on their own).
    pub household_size: i64,
    /// Their household has collected at this distribution (not reversed).
    pub already_collected: bool,
}

/// The desk's pick list for what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DeskLookup {
    /// At most [`DESK_CANDIDATES`] people, by family name.
    pub candidates: Vec<DeskCandidate>,
    /// More people match than are listed: type more of the name.
    pub more: bool,
}

/// The people a distribution's desk may mean by `query`: the one with that code or id, else the
/// active people of the distribution's site whose names start with the words typed.
pub fn desk_candidates(conn: &Connection, dist: &Distribution, query: &str) -> Result<DeskLookup> {
    let query = query.trim();
    if query.is_empty() {
        return Ok(DeskLookup { candidates: Vec::new(), more: false });
    }
    let mut people: Vec<(String, String, String, Option<String>)> = Vec::new();
    let mut more = false;
    if let Some(id) = by_code_or_id(conn, query)? {
        let p = conn
            .prepare_cached("SELECT code, given_name, family_name, original_name FROM people WHERE id = ?1")?
            .query_row([&id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?))
            })?;
        people.push((id, p.0, full_name(&p.1, &p.2), p.3));
    } else if !looks_like_code(query) {
        let (rows, m) = named(conn, Some(&dist.site_id), query)?;
        more = m;
        people.extend(
            rows.into_iter()
                .map(|r| (r.id, r.code, full_name(&r.given_name, &r.family_name), r.original_name)),
        );
    }
    let mut collected = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM collections WHERE distribution_id = ?1 AND unit_id = ?2 AND reversed_at IS NULL)",
    )?;
    let mut candidates = Vec::with_capacity(people.len());
    for (id, code, name, original_name) in people {
        let unit = unit_of(conn, &id, dist.held_on)?;
        candidates.push(DeskCandidate {
            already_collected: collected.query_row(params![dist.id, unit.unit_id], |r| r.get(0))?,
            household_size: unit.members.len() as i64,
            id,
            code,
            name,
            original_name,
        });
    }
    Ok(DeskLookup { candidates, more })
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
        return Err(Error::Conflict("This distribution is closed: reopen it to record collections.".into()));
    }
    let person = find_person(conn, &input.person)?;
    let on = dist.held_on;
    let unit = unit_of(conn, &person, on)?;
    let Some(head) = unit.members.iter().find(|m| m.id == person).or(unit.head()) else {
        return Err(Error::Conflict("This person's case is not active: nothing can be collected.".into()));
    };
    let already: Option<String> = conn
        .prepare_cached(
            "SELECT c.created_at FROM collections c WHERE c.distribution_id = ?1 AND c.unit_id = ?2 AND c.reversed_at IS NULL",
        )?
        .query_row(params![dist.id, unit.unit_id], |r| r.get(0))
        .optional()?;
    if let Some(at) = already {
        return Err(Error::Conflict(format!(
            "{} ({})'s household has already collected at this distribution ({}).",
            head.name,
            head.code,
            at.get(11..16).unwrap_or("")
        )));
    }
    let lines = allowance(conn, &ctx.rules, &ctx.items, &unit, on)?;
    if lines.is_empty() {
        return Err(Error::Conflict(format!(
            "Nothing is due to {} ({})'s household at this distribution.",
            head.name, head.code
        )));
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
        None => return Err(Error::NotFound("That collection does not exist.".into())),
        Some(Some(_)) => return Err(Error::Conflict("This collection has already been reversed.".into())),
        Some(None) => {}
    }
    let why = why.trim();
    if why.is_empty() {
        return Err(Error::invalid("reason", "Say why the collection is reversed."));
    }
    type Row = (String, String, String, String, String, String, Option<NaiveDate>, i64);
    let moves: Vec<Row> = {
        let mut stmt = conn.prepare(
            "SELECT id, site_id, location_id, item_id, variant, batch, expires_on, quantity FROM stock_movements
             WHERE collection_id = ?1 AND kind = 'distribution'",
        )?;
        let rows = stmt.query_map([collection], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
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

const COLLECTION_SELECT: &str = "SELECT c.id, p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END,
        p.original_name, c.people_count, c.reversed_at, c.created_at,
        (SELECT group_concat(i.name || CASE WHEN l.variant = '' THEN '' ELSE ' (' || l.variant || ')' END || ' ' || l.quantity, ', ')
           FROM collection_lines l JOIN stock_items i ON i.id = l.item_id WHERE l.collection_id = c.id AND l.quantity > 0),
        (SELECT coalesce(sum(l.quantity), 0) FROM collection_lines l WHERE l.collection_id = c.id)
 FROM collections c JOIN people p ON p.id = c.person_id";

fn collection_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        original_name: r.get(3)?,
        people: r.get(4)?,
        reversed_at: r.get(5)?,
        at: r.get(6)?,
        summary: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        items_out: r.get(8)?,
    })
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
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One collection as listed at the desk.
pub fn collection(conn: &Connection, id: &str) -> Result<Collection> {
    let mut stmt = conn.prepare_cached(&format!("{COLLECTION_SELECT} WHERE c.id = ?1"))?;
    stmt.query_row([id], collection_row)
        .optional()?
        .ok_or_else(|| Error::NotFound("That collection does not exist.".into()))
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
            "SELECT count(*), coalesce(sum(people_count), 0), coalesce(sum(items_out), 0) FROM collections
             WHERE distribution_id = ?1 AND reversed_at IS NULL",
        )?
        .query_row([distribution], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    let mut stmt = conn.prepare_cached(
        "SELECT i.name, b.variant, sum(CASE WHEN b.expires_on IS NULL OR b.expires_on >= ?2 THEN b.quantity ELSE 0 END)
         FROM stock_balances b JOIN stock_items i ON i.id = b.item_id
         WHERE b.location_id = ?1 GROUP BY b.item_id, b.variant ORDER BY i.category, i.name, b.variant",
    )?;
    let remaining = stmt
        .query_map(params![dist.location_id, dist.held_on], |r| {
            Ok(Remaining { item: r.get(0)?, variant: r.get(1)?, quantity: r.get(2)? })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Counters { households, people, items_out, remaining })
}

/// Records a baby's nappy size (the case book has no field for it).
pub fn set_nappy_size(conn: &Connection, person: &str, size: Option<&str>) -> Result<()> {
    let site: String = conn
        .query_row("SELECT site_id FROM people WHERE id = ?1", [person], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound("That person does not exist.".into()))?;
    let size = size.map(str::trim).filter(|s| !s.is_empty());
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
