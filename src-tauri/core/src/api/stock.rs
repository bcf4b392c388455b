//! API functions of stock and the weekly distribution.
//!
//! Roles: the front desk (FrontDesk) sees stock levels, distributions and their lists, and
//! records collections (seeing a household's names, codes and allowance, never notes or
//! safeguarding). Receipts, transfers, adjustments, stock-takes, the catalogue, locations,
//! thresholds, allowance rules, distributions, reversals, printing and reports: coordinators
//! and leads. Every change is audited in its transaction.

use chrono::{Days, Local, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cases::{IdInput, PrintedSheet, SiteFilter};
use super::today;
use crate::access::{audit, Session};
use crate::distribution::rules::{self, Rule, RuleInput};
use crate::distribution::{
    self, sheet, CollectInput, Collection, Context, Counters, DeskLookup, Distribution, NewDistribution,
    Plan, SheetSort,
};
use crate::print::render_report;
use crate::stock::report::{self, ChartWeek, Expiring, Low, MovementLine, OnHand, ReportExport, WeekSummary};
use crate::stock::take::{self, Count, StockTake};
use crate::stock::{
    self, AdjustmentInput, Balance, Item, ItemInput, Location, LocationInput, ReceiptInput, Threshold,
    TransferInput,
};
use crate::{Db, Error, Result};

/// Everything the Stock screen needs at once.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct StockOverview {
    /// The catalogue.
    pub items: Vec<Item>,
    /// Locations.
    pub locations: Vec<Location>,
    /// Balances per location, item and size.
    pub balances: Vec<Balance>,
    /// Batches expiring within 30 days, or expired.
    pub expiring: Vec<Expiring>,
    /// Items at or below their threshold.
    pub low: Vec<Low>,
    /// Open stock-takes (id, location id, location name).
    pub open_takes: Vec<(String, String, String)>,
    /// Low-stock thresholds set, per site and item.
    pub thresholds: Vec<Threshold>,
}

pub(super) fn stock_overview(db: &Db, _: &Session, input: SiteFilter) -> Result<StockOverview> {
    let today = today();
    db.read(|c| {
        let site = input.site.as_deref().filter(|s| !s.trim().is_empty());
        Ok(StockOverview {
            items: stock::list_items(c)?,
            locations: stock::list_locations(c, site)?,
            balances: stock::balances(c, site, today)?,
            expiring: report::expiring(c, site, 30, today)?,
            low: report::low_stock(c, site)?,
            open_takes: take::open_takes(c)?,
            thresholds: stock::thresholds(c)?,
        })
    })
}

pub(super) fn stock_balances(db: &Db, _: &Session, input: SiteFilter) -> Result<Vec<Balance>> {
    db.read(|c| stock::balances(c, input.site.as_deref().filter(|s| !s.trim().is_empty()), today()))
}

pub(super) fn save_item(db: &Db, s: &Session, input: ItemInput) -> Result<Item> {
    db.write(|tx| {
        let item = stock::save_item(tx, &input)?;
        let action = if input.id.is_some() { "update" } else { "create" };
        audit::record(tx, s, action, "stock_item", Some(&item.id), None)?;
        Ok(item)
    })
}

pub(super) fn save_location(db: &Db, s: &Session, input: LocationInput) -> Result<Location> {
    db.write(|tx| {
        let loc = stock::save_location(tx, &input)?;
        let action = if input.id.is_some() { "update" } else { "create" };
        audit::record(tx, s, action, "stock_location", Some(&loc.id), None)?;
        Ok(loc)
    })
}

/// Input to set a low-stock threshold.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThresholdInput {
    /// Site code or id.
    pub site: String,
    /// Item id or name.
    pub item: String,
    /// Warn at or below this many units.
    pub threshold: i64,
}

pub(super) fn set_threshold(db: &Db, s: &Session, input: ThresholdInput) -> Result<Vec<Low>> {
    db.write(|tx| {
        stock::set_threshold(tx, &input.site, &input.item, input.threshold)?;
        audit::record(
            tx,
            s,
            "threshold",
            "stock_item",
            None,
            Some(&json!({"item": input.item, "site": input.site, "threshold": input.threshold})),
        )?;
        report::low_stock(tx, None)
    })
}

/// What a stock change wrote.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Recorded {
    /// The movement or group id.
    pub id: String,
}

pub(super) fn receive_stock(db: &Db, s: &Session, input: ReceiptInput) -> Result<Recorded> {
    db.write(|tx| {
        let id = stock::receive(tx, s, &input, today())?;
        let detail = json!({"item": input.item, "quantity": input.quantity, "source": input.source});
        audit::record(tx, s, "receive", "stock_movement", Some(&id), Some(&detail))?;
        Ok(Recorded { id })
    })
}

pub(super) fn transfer_stock(db: &Db, s: &Session, input: TransferInput) -> Result<Recorded> {
    db.write(|tx| {
        let id = stock::transfer(tx, s, &input, today())?;
        let detail =
            json!({"item": input.item, "quantity": input.quantity, "from": input.from, "to": input.to});
        audit::record(tx, s, "transfer", "stock_movement", Some(&id), Some(&detail))?;
        Ok(Recorded { id })
    })
}

pub(super) fn adjust_stock(db: &Db, s: &Session, input: AdjustmentInput) -> Result<Recorded> {
    db.write(|tx| {
        let id = stock::adjust(tx, s, &input, today())?;
        let detail = json!({"item": input.item, "quantity": input.quantity, "reason": input.reason});
        audit::record(tx, s, "adjust", "stock_movement", Some(&id), Some(&detail))?;
        Ok(Recorded { id })
    })
}

/// Input naming a location.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationRef {
    /// Location id.
    pub location: String,
}

pub(super) fn start_stock_take(db: &Db, s: &Session, input: LocationRef) -> Result<StockTake> {
    db.write(|tx| {
        let t = take::start(tx, s, &input.location, today())?;
        audit::record(tx, s, "start", "stock_take", Some(&t.id), None)?;
        Ok(t)
    })
}

pub(super) fn get_stock_take(db: &Db, _: &Session, input: IdInput) -> Result<StockTake> {
    db.read(|c| take::get(c, &input.id))
}

/// Counted quantities of a stock-take.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CountsInput {
    /// The stock-take.
    pub id: String,
    /// Counts.
    pub counts: Vec<Count>,
}

pub(super) fn enter_counts(db: &Db, s: &Session, input: CountsInput) -> Result<StockTake> {
    db.write(|tx| {
        let t = take::enter_counts(tx, &input.id, &input.counts)?;
        audit::record(
            tx,
            s,
            "count",
            "stock_take",
            Some(&input.id),
            Some(&json!({"lines": input.counts.len()})),
        )?;
        Ok(t)
    })
}

pub(super) fn finalise_stock_take(db: &Db, s: &Session, input: IdInput) -> Result<StockTake> {
    db.write(|tx| {
        let n = take::finalise(tx, s, &input.id, today())?;
        audit::record(tx, s, "finalise", "stock_take", Some(&input.id), Some(&json!({"corrections": n})))?;
        take::get(tx, &input.id)
    })
}

pub(super) fn cancel_stock_take(db: &Db, s: &Session, input: IdInput) -> Result<StockTake> {
    db.write(|tx| {
        take::cancel(tx, &input.id)?;
        audit::record(tx, s, "cancel", "stock_take", Some(&input.id), None)?;
        take::get(tx, &input.id)
    })
}

/// The rules and the types that have some.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleList {
    /// Every rule.
    pub rules: Vec<Rule>,
    /// Distribution types with active rules.
    pub types: Vec<String>,
}

pub(super) fn list_rules(db: &Db, _: &Session, _: super::NoInput) -> Result<RuleList> {
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
    db.write(|tx| {
        let dist: String = tx
            .query_row("SELECT distribution_id FROM collections WHERE id = ?1", [&input.id], |r| r.get(0))
            .map_err(|_| Error::NotFound("That collection does not exist.".into()))?;
        let back = distribution::reverse(tx, s, &input.id, &input.reason, today())?;
        audit::record(
            tx,
            s,
            "reverse",
            "collection",
            Some(&input.id),
            Some(&json!({"units": back, "reason": input.reason.trim()})),
        )?;
        desk_of(tx, &dist)
    })
}

pub(super) fn undo_own_collection(db: &Db, s: &Session, input: ReverseInput) -> Result<Desk> {
    db.write(|tx| {
        let dist: String = tx
            .query_row("SELECT distribution_id FROM collections WHERE id = ?1", [&input.id], |r| r.get(0))
            .map_err(|_| Error::NotFound("That collection does not exist.".into()))?;
        let back = distribution::undo::undo_own(tx, s, &input.id, &input.reason, today())?;
        // The same audit entry as a coordinator's reversal, marked as the recorder's own undo.
        audit::record(
            tx,
            s,
            "reverse",
            "collection",
            Some(&input.id),
            Some(&json!({"units": back, "reason": input.reason.trim(), "own": true})),
        )?;
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
                return Err(Error::invalid(
                    "size",
                    format!("There is no nappy size \"{size}\": choose {}, or by age.", sizes.join(", ")),
                ));
            }
        }
        distribution::set_nappy_size(tx, &input.person, input.size.as_deref())?;
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
    /// Where to write the PDF.
    pub path: String,
}

pub(super) fn print_distribution_sheet(
    db: &Db,
    s: &Session,
    input: PrintDistributionSheet,
) -> Result<PrintedSheet> {
    let path = input.path.trim();
    if path.is_empty() {
        return Err(Error::invalid("path", "Choose where to save the PDF."));
    }
    db.write(|tx| {
        let plan = distribution::plan(tx, &input.distribution, input.sort)?;
        let centre = crate::settings::centre(tx)?.centre_name;
        let sheet = sheet::sign_up(&plan, &centre, Local::now().naive_local());
        let rendered = render_report(&sheet)?;
        std::fs::write(path, &rendered.pdf)
            .map_err(|e| Error::invalid("path", format!("Could not write {path}: {e}.")))?;
        audit::record(
            tx,
            s,
            "print",
            "distribution",
            Some(&plan.distribution.id),
            Some(&json!({"rows": plan.rows.len()})),
        )?;
        Ok(PrintedSheet { path: path.to_string(), rows: plan.rows.len(), pages: rendered.pages })
    })
}

/// Input of the reports.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportQuery {
    /// Only this site.
    #[serde(default)]
    pub site: Option<String>,
    /// From (default 12 weeks ago).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// To (default today).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Expiring within this many days (default 30).
    #[serde(default)]
    pub days: Option<u32>,
}

/// Every stock and distribution report.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reports {
    /// Stock on hand with value.
    pub on_hand: Vec<OnHand>,
    /// Low stock.
    pub low: Vec<Low>,
    /// Expiring soon and expired.
    pub expiring: Vec<Expiring>,
    /// Movements in the range (newest 500).
    pub movements: Vec<MovementLine>,
    /// Weekly distribution summary.
    pub weekly: Vec<WeekSummary>,
    /// The range used.
    pub from: NaiveDate,
    /// The range used.
    pub to: NaiveDate,
}

pub(super) fn stock_reports(db: &Db, _: &Session, q: ReportQuery) -> Result<Reports> {
    let today = today();
    let to = q.to.unwrap_or(today);
    let from = q.from.unwrap_or_else(|| to.checked_sub_days(Days::new(84)).unwrap_or(to));
    if from > to {
        return Err(Error::invalid("from", "The start date is after the end date."));
    }
    db.read(|c| {
        let site = q.site.as_deref().filter(|s| !s.trim().is_empty());
        Ok(Reports {
            on_hand: report::on_hand(c, site)?,
            low: report::low_stock(c, site)?,
            expiring: report::expiring(c, site, q.days.unwrap_or(30), today)?,
            movements: report::movements(c, site, from, to, 500)?,
            weekly: report::weekly(c, site, from, to)?,
            from,
            to,
        })
    })
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Exported {
    /// Rows written.
    pub rows: usize,
    /// The file.
    pub path: String,
}

pub(super) fn export_report(db: &Db, s: &Session, input: ReportExport) -> Result<Exported> {
    db.write(|tx| {
        let rows = report::export(tx, &input, today())?;
        audit::record(
            tx,
            s,
            "export",
            "stock_report",
            None,
            Some(&json!({"report": input.report, "rows": rows})),
        )?;
        Ok(Exported { rows, path: input.path.trim().to_string() })
    })
}

/// Input of the Dashboard chart.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChartQuery {
    /// Only this site.
    #[serde(default)]
    pub site: Option<String>,
    /// Weeks back (default 12).
    #[serde(default)]
    pub weeks: Option<u32>,
}

pub(super) fn stock_chart(db: &Db, _: &Session, q: ChartQuery) -> Result<Vec<ChartWeek>> {
    db.read(|c| {
        report::chart(c, q.site.as_deref().filter(|s| !s.trim().is_empty()), q.weeks.unwrap_or(12), today())
    })
}
