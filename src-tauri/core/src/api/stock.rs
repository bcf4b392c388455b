//! API functions of stock: the catalogue, locations, receipts, transfers, adjustments,
//! stock-takes and the reports.
//!
//! Roles: the front desk (FrontDesk) sees stock levels. Receipts, transfers, adjustments,
//! stock-takes, the catalogue, locations, thresholds and reports: coordinators and leads. Every
//! change is audited in its transaction.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cases::{IdInput, SiteFilter};
use super::inputs::today;
use crate::access::{audit, Session};
use crate::money;
use crate::stock::export::{self, ReportExport};
use crate::stock::report::{self, ChartWeek, Expiring, Low, MovementLine, OnHand, WeekSummary};
use crate::stock::take::{self, Count, StockTake};
use crate::stock::transit::{self, Transit};
use crate::stock::Reason;
use crate::stock::{
    self, AdjustmentInput, Balance, Item, ItemInput, Location, LocationInput, ReceiptInput, Shortfall,
    Threshold, TransferInput,
};
use crate::{Db, Error, Result, Warning};

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
    /// Stock on its way to or from the site's locations, and what arrived in the last 14 days.
    #[serde(default)]
    pub transits: Vec<Transit>,
    /// Lots an exchange took below zero, which a count settles.
    #[serde(default)]
    pub shortfalls: Vec<Shortfall>,
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
            transits: transit::list(c, site, today, RECENT_ARRIVALS_DAYS)?,
            shortfalls: stock::shortfalls(c, site)?,
        })
    })
}

/// How long stock that arrived from another site stays listed on the Stock screen.
const RECENT_ARRIVALS_DAYS: u64 = 14;

pub(super) fn stock_transits(db: &Db, _: &Session, input: SiteFilter) -> Result<Vec<Transit>> {
    let site = input.site.filter(|s| !s.trim().is_empty());
    db.read(|c| transit::list(c, site.as_deref(), today(), RECENT_ARRIVALS_DAYS))
}

/// Input naming a transfer between sites by its reference (the `id` `transfer_stock` returned).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRef {
    /// The transfer's reference.
    pub transfer: String,
}

pub(super) fn receive_transfer(db: &Db, s: &Session, input: TransferRef) -> Result<Recorded> {
    db.write(|tx| {
        let batches = transit::receive(tx, s, &input.transfer, today())?;
        let detail = json!({"batches": batches});
        audit::record(tx, s, "receive", "stock_transit", Some(&input.transfer), Some(&detail))?;
        Ok(Recorded { id: input.transfer.clone(), warnings: Vec::new() })
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
    /// What the person should know about the change, done all the same (stock received
    /// already expired).
    #[serde(default)]
    pub warnings: Vec<Warning>,
}

pub(super) fn receive_stock(db: &Db, s: &Session, input: ReceiptInput) -> Result<Recorded> {
    db.write(|tx| {
        let id = stock::receive(tx, s, &input, today())?;
        let warnings = stock::receipt_warnings(tx, &input, today())?;
        let detail = json!({"item": input.item, "quantity": input.quantity, "source": input.source});
        audit::record(tx, s, "receive", "stock_movement", Some(&id), Some(&detail))?;
        // A purchase writes its payment in the same transaction: a fund that may not pay for
        // it refuses, and the receipt is taken back with it, so stock and money always agree.
        if input.source == Reason::Purchase {
            let receipt = money::ReceiptPayment {
                movement_id: &id,
                fund: input.fund.as_deref(),
                category: input.category.as_deref(),
            };
            if let Some(payment) = money::pay_for_receipt(tx, s, &receipt)? {
                let detail = json!({"stock_movement": id, "fund": input.fund});
                audit::record(tx, s, "record", "money_payment", Some(&payment), Some(&detail))?;
            }
        }
        Ok(Recorded { id, warnings })
    })
}

pub(super) fn transfer_stock(db: &Db, s: &Session, input: TransferInput) -> Result<Recorded> {
    db.write(|tx| {
        let id = stock::transfer(tx, s, &input, today())?;
        let detail =
            json!({"item": input.item, "quantity": input.quantity, "from": input.from, "to": input.to});
        audit::record(tx, s, "transfer", "stock_movement", Some(&id), Some(&detail))?;
        Ok(Recorded { id, warnings: Vec::new() })
    })
}

pub(super) fn adjust_stock(db: &Db, s: &Session, input: AdjustmentInput) -> Result<Recorded> {
    db.write(|tx| {
        let id = stock::adjust(tx, s, &input, today())?;
        let detail = json!({"item": input.item, "quantity": input.quantity, "reason": input.reason});
        audit::record(tx, s, "adjust", "stock_movement", Some(&id), Some(&detail))?;
        Ok(Recorded { id, warnings: Vec::new() })
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
        return Err(Error::at("from", crate::Code::MoneyReportFromAfterTo, serde_json::json!({})));
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
        let rows = export::export(tx, &input, today())?;
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
