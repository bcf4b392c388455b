//! API functions of the weekly distribution: allowance rules, distributions, the eligible list,
//! the desk and its collections, nappy sizes and the sign-up sheet.
//!
//! Roles: the front desk (FrontDesk) sees distributions and their lists, and records collections
//! (seeing a household's names, codes and allowance, never notes or safeguarding). Allowance
//! rules, distributions, reversals and printing: coordinators and leads. Every change is audited
//! in its transaction.

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cases::IdInput;
use super::inputs::today;
use super::printing::{print_sheet, Printable, PrintedSheet};
use crate::access::{audit, Session};
use crate::distribution::rules::{self, Rule, RuleInput};
use crate::distribution::{
    self, sheet, CollectInput, Collection, Context, Counters, DeskLookup, Distribution, NewDistribution,
    Plan, SheetSort,
};
use crate::{Db, Error, Result};

/// The rules and the types that have some.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleList {
    /// Every rule.
    pub rules: Vec<Rule>,
    /// Distribution types with active rules.
    pub types: Vec<String>,
}

pub(super) fn list_rules(db: &Db, _: &Session, _: super::inputs::NoInput) -> Result<RuleList> {
    db.read(|c| Ok(RuleList { rules: rules::list(c)?, types: rules::types(c)? }))
}

pub(super) fn save_rule(db: &Db, s: &Session, input: RuleInput) -> Result<Rule> {
    db.write(|tx| {
        let r = rules::save(tx, &input)?;
        let action = if input.id.is_some() { "update" } else { "create" };
        audit::record(tx, s, action, "allowance_rule", Some(&r.id), None)?;
        Ok(r)
    })
}

/// Input of the distributions list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionsQuery {
    /// Only this site.
    #[serde(default)]
    pub site: Option<String>,
    /// At most this many (default 50).
    #[serde(default)]
    pub limit: Option<u32>,
}

pub(super) fn list_distributions(
    db: &Db,
    _: &Session,
    input: DistributionsQuery,
) -> Result<Vec<Distribution>> {
    db.read(|c| {
        distribution::list(
            c,
            input.site.as_deref().filter(|s| !s.trim().is_empty()),
            input.limit.unwrap_or(50).clamp(1, 1000),
        )
    })
}

pub(super) fn create_distribution(db: &Db, s: &Session, input: NewDistribution) -> Result<Distribution> {
    db.write(|tx| {
        let d = distribution::create(tx, s, &input)?;
        audit::record(
            tx,
            s,
            "create",
            "distribution",
            Some(&d.id),
            Some(&json!({"held_on": d.held_on, "type": d.dist_type})),
        )?;
        Ok(d)
    })
}

/// Input to open or close a distribution.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionStatus {
    /// The distribution.
    pub id: String,
    /// Open (collections allowed) or closed.
    pub open: bool,
}

pub(super) fn set_distribution_status(
    db: &Db,
    s: &Session,
    input: DistributionStatus,
) -> Result<Distribution> {
    db.write(|tx| {
        let d = distribution::set_status(tx, &input.id, input.open)?;
        audit::record(tx, s, if input.open { "open" } else { "close" }, "distribution", Some(&d.id), None)?;
        Ok(d)
    })
}

/// Input of the eligible list.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanInput {
    /// The distribution.
    pub id: String,
    /// Order of the list.
    #[serde(default)]
    pub sort: SheetSort,
}

pub(super) fn distribution_plan(db: &Db, _: &Session, input: PlanInput) -> Result<Plan> {
    db.read(|c| distribution::plan(c, &input.id, input.sort))
}

/// The desk's view of a distribution: counters and the latest collections.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Desk {
    /// The distribution.
    pub distribution: Distribution,
    /// Households served, items out, stock left.
    pub counters: Counters,
    /// Latest collections first.
    pub collections: Vec<Collection>,
}

fn desk_of(c: &rusqlite::Connection, id: &str) -> Result<Desk> {
    Ok(Desk {
        distribution: distribution::get(c, id)?,
        counters: distribution::counters(c, id)?,
        collections: distribution::collections(c, id, 200)?,
    })
}

pub(super) fn distribution_desk(db: &Db, _: &Session, input: IdInput) -> Result<Desk> {
    db.read(|c| desk_of(c, &input.id))
}

/// A household's allowance as the desk sees it before recording.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HouseholdAllowance {
    /// The household.
    pub unit: distribution::Unit,
    /// What they get.
    pub allowance: Vec<distribution::AllowanceLine>,
    /// In one line.
    pub summary: String,
    /// Already collected at this distribution.
    pub collected: bool,
}

/// Input naming a person at a distribution.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonAtDistribution {
    /// The distribution.
    pub distribution: String,
    /// Code, id or name (of someone at the distribution's site).
    pub person: String,
}

/// What was typed at a distribution's desk.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeskQuery {
    /// The distribution.
    pub distribution: String,
    /// A code, or the start of a name (any script).
    pub query: String,
}

pub(super) fn desk_lookup(db: &Db, _: &Session, input: DeskQuery) -> Result<DeskLookup> {
    db.read(|c| {
        let dist = distribution::get(c, &input.distribution)?;
        distribution::desk_candidates(c, &dist, &input.query)
    })
}

pub(super) fn household_allowance(
    db: &Db,
    s: &Session,
    input: PersonAtDistribution,
) -> Result<HouseholdAllowance> {
    db.write(|tx| {
        let ctx = Context::load(tx, &input.distribution)?;
        let person = distribution::find_person_at(tx, Some(&ctx.dist.site_id), &input.person)?;
        let unit = distribution::unit_of(tx, &person, ctx.dist.held_on)?;
        let allowance = distribution::allowance(tx, &ctx.rules, &ctx.items, &unit, ctx.dist.held_on)?;
        let collected: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM collections WHERE distribution_id = ?1 AND unit_id = ?2 AND reversed_at IS NULL)",
            rusqlite::params![ctx.dist.id, unit.unit_id],
            |r| r.get(0),
        )?;
        audit::record(tx, s, "view", "allowance", Some(&person), Some(&json!({"distribution": ctx.dist.id})))?;
        Ok(HouseholdAllowance { summary: distribution::compact(&allowance), allowance, collected, unit })
    })
}

/// What a collection wrote, with the desk's new counters.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Collected {
    /// The collection id.
    pub id: String,
    /// The collection as listed at the desk.
    pub collection: Option<Collection>,
    /// Households served, items out, stock left.
    pub counters: Counters,
}

pub(super) fn record_collection(db: &Db, s: &Session, input: CollectInput) -> Result<Collected> {
    db.write(|tx| {
        let ctx = Context::load(tx, &input.distribution)?;
        // A name typed at the desk means someone at the distribution's own site.
        let mut input = input;
        input.person = distribution::find_person_at(tx, Some(&ctx.dist.site_id), &input.person)?;
        let id = distribution::collect(tx, s, &ctx, &input, today())?;
        audit::record(
            tx,
            s,
            "collect",
            "collection",
            Some(&id),
            Some(&json!({"distribution": ctx.dist.id})),
        )?;
        Ok(Collected {
            collection: Some(distribution::collection(tx, &id)?),
            counters: distribution::counters(tx, &ctx.dist.id)?,
            id,
        })
    })
}

/// Input to reverse a collection.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReverseInput {
    /// The collection.
    pub id: String,
    /// Why (e.g. "wrong household").
    pub reason: String,
}

pub(super) fn reverse_collection(db: &Db, s: &Session, input: ReverseInput) -> Result<Desk> {
    reverse_and_audit(db, s, &input, false)
}

pub(super) fn undo_own_collection(db: &Db, s: &Session, input: ReverseInput) -> Result<Desk> {
    reverse_and_audit(db, s, &input, true)
}

/// A coordinator's reversal, or (`own`) the recorder's own undo within minutes: the same
/// reversing movements and the same audit entry, an undo marked `"own": true`.
fn reverse_and_audit(db: &Db, s: &Session, input: &ReverseInput, own: bool) -> Result<Desk> {
    db.write(|tx| {
        let dist: String = tx
            .query_row("SELECT distribution_id FROM collections WHERE id = ?1", [&input.id], |r| r.get(0))
            .map_err(|e| {
                Error::from(e).when_absent(Error::new(crate::Code::CollectionNotFound, serde_json::json!({})))
            })?;
        let back = if own {
            distribution::undo::undo_own(tx, s, &input.id, &input.reason, today())?
        } else {
            distribution::reverse(tx, s, &input.id, &input.reason, today())?
        };
        let mut detail = json!({"units": back, "reason": input.reason.trim()});
        if own {
            detail["own"] = json!(true);
        }
        audit::record(tx, s, "reverse", "collection", Some(&input.id), Some(&detail))?;
        desk_of(tx, &dist)
    })
}

/// Input to record a nappy size.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NappySizeInput {
    /// The person's id.
    pub person: String,
    /// Size (1-6); empty to clear.
    #[serde(default)]
    pub size: Option<String>,
}

pub(super) fn set_nappy_size(db: &Db, s: &Session, input: NappySizeInput) -> Result<NappySizeInput> {
    db.write(|tx| {
        if let Some(size) = input.size.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            let sizes = distribution::nappy_sizes(tx)?;
            if !sizes.is_empty() && !sizes.iter().any(|v| v == size) {
                return Err(Error::at(
                    "size",
                    crate::Code::NappySizeUnknown,
                    serde_json::json!({"size": size, "sizes": sizes.join(", ")}),
                ));
            }
        }
        distribution::set_nappy_size(tx, &input.person, input.size.as_deref(), today())?;
        audit::record(tx, s, "nappy_size", "person", Some(&input.person), None)?;
        Ok(input)
    })
}

/// Input to print a sign-up sheet.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintDistributionSheet {
    /// The distribution.
    pub distribution: String,
    /// Order of the rows.
    #[serde(default)]
    pub sort: SheetSort,
    /// The language of the sheet's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
    /// Where to write the PDF.
    pub path: String,
}

pub(super) fn print_distribution_sheet(
    db: &Db,
    s: &Session,
    input: PrintDistributionSheet,
) -> Result<PrintedSheet> {
    print_sheet(db, s, &input.path, |c| {
        let plan = distribution::plan(c, &input.distribution, input.sort)?;
        let centre = crate::settings::centre(c)?.centre_name;
        let lang = crate::settings::print_language(c, input.language)?;
        let sheet = sheet::sign_up(&plan, &centre, Local::now().naive_local(), lang);
        Ok(Printable {
            sheet,
            rows: plan.rows.len(),
            action: "print",
            entity: "distribution",
            entity_id: Some(plan.distribution.id.clone()),
            detail: Some(json!({"rows": plan.rows.len()})),
        })
    })
}
