//! API functions of the centre's money: funds, donors, money in and out, transfers, expense
//! claims and the reports.
//!
//! Roles: the front desk sees nothing of money. Coordinators read the funds and their balances,
//! record donors, money in and payments, and submit their own claims (and see only those).
//! Leads do everything, and alone add or change funds, move money between funds, approve and
//! pay claims (never their own claim), and read and export the reports. Every change is audited
//! in its transaction.

use std::path::PathBuf;

use chrono::{Local, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::cases::IdInput;
use super::inputs::{today, Created};
use super::printing::{pdf_path, print_sheet, Printable};
use crate::access::{audit, Session};
use crate::cases::export::{write_table, ExportFormat};
use crate::money::report::{self, MoneyReport, MonthInOut, Period};
use crate::money::sheet::{self, Table};
use crate::money::{
    self, Claim, ClaimInput, Donor, DonorInput, Fund, FundBalance, FundInput, Income, IncomeInput, Payment,
    PaymentInput, Transfer, TransferInput,
};
use crate::{Db, Error, Result};

/// Input naming a period (both days optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeriodInput {
    /// First day (default: the last 6 April).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (default today).
    #[serde(default)]
    pub to: Option<NaiveDate>,
}

/// Everything the Money screen shows at once.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MoneyOverview {
    /// The period of the lists.
    pub period: Period,
    /// Every fund with its balance today.
    pub funds: Vec<FundBalance>,
    /// Donors.
    pub donors: Vec<Donor>,
    /// Money in over the period (newest 200).
    pub income: Vec<Income>,
    /// Payments over the period (newest 200).
    pub payments: Vec<Payment>,
    /// Transfers over the period.
    pub transfers: Vec<Transfer>,
    /// Claims over the period: all for a lead, one's own for a coordinator.
    pub claims: Vec<Claim>,
    /// Money in and out for the last twelve months, for the chart.
    pub months: Vec<MonthInOut>,
}

pub(super) fn money_overview(db: &Db, s: &Session, input: PeriodInput) -> Result<MoneyOverview> {
    let today = today();
    let period = Period::of(input.from, input.to, today)?;
    db.read(|c| {
        Ok(MoneyOverview {
            period,
            funds: money::balances(c, today)?,
            donors: money::list_donors(c)?,
            income: money::list_income(c, period.from, period.to, 200)?,
            payments: money::list_payments(c, period.from, period.to, 200)?,
            transfers: money::list_transfers(c, period.from, period.to)?,
            claims: money::list_claims(c, s, period.from, period.to)?,
            months: report::months(c, 12, today)?,
        })
    })
}

pub(super) fn save_fund(db: &Db, s: &Session, input: FundInput) -> Result<Fund> {
    db.write(|tx| {
        let fund = money::save_fund(tx, &input, today())?;
        let action = if input.id.is_some() { "update" } else { "create" };
        let detail = json!({"name": fund.name, "restricted": fund.restricted, "categories": fund.categories});
        audit::record(tx, s, action, "money_fund", Some(&fund.id), Some(&detail))?;
        Ok(fund)
    })
}

pub(super) fn save_donor(db: &Db, s: &Session, input: DonorInput) -> Result<Donor> {
    db.write(|tx| {
        let donor = money::save_donor(tx, &input)?;
        let action = if input.id.is_some() { "update" } else { "create" };
        audit::record(tx, s, action, "money_donor", Some(&donor.id), None)?;
        Ok(donor)
    })
}

pub(super) fn record_income(db: &Db, s: &Session, input: IncomeInput) -> Result<Created> {
    db.write(|tx| {
        let id = money::record_income(tx, s, &input, today())?;
        let detail = json!({"kind": input.kind, "amount": input.amount, "currency": input.currency, "fund": input.fund});
        audit::record(tx, s, "record", "money_income", Some(&id), Some(&detail))?;
        Ok(Created { id })
    })
}

/// Where scanned receipts are kept: `receipts/` beside the database.
fn receipts_dir(db: &Db) -> PathBuf {
    db.path().parent().map(|d| d.join(money::payments::RECEIPTS_DIR)).unwrap_or_default()
}

pub(super) fn record_payment(db: &Db, s: &Session, input: PaymentInput) -> Result<Created> {
    let dir = receipts_dir(db);
    db.write(|tx| {
        let id = money::record_payment(tx, s, &input, &dir, today())?;
        let detail = json!({"payee": input.payee, "amount": input.amount, "currency": input.currency,
                            "fund": input.fund, "category": input.category});
        audit::record(tx, s, "record", "money_payment", Some(&id), Some(&detail))?;
        Ok(Created { id })
    })
}

pub(super) fn transfer_funds(db: &Db, s: &Session, input: TransferInput) -> Result<Created> {
    db.write(|tx| {
        let id = money::transfer(tx, s, &input, today())?;
        let detail =
            json!({"from": input.from, "to": input.to, "amount": input.amount, "reason": input.reason});
        audit::record(tx, s, "transfer", "money_transfer", Some(&id), Some(&detail))?;
        Ok(Created { id })
    })
}

pub(super) fn submit_claim(db: &Db, s: &Session, input: ClaimInput) -> Result<Claim> {
    db.write(|tx| {
        let id = money::submit_claim(tx, s, &input, today())?;
        let claim = money::claims::get_claim(tx, &id)?;
        audit::record(
            tx,
            s,
            "submit",
            "money_claim",
            Some(&id),
            Some(&json!({"total_pence": claim.total_pence})),
        )?;
        Ok(claim)
    })
}

pub(super) fn approve_claim(db: &Db, s: &Session, input: IdInput) -> Result<Claim> {
    db.write(|tx| {
        let claim = money::approve_claim(tx, s, &input.id)?;
        audit::record(tx, s, "approve", "money_claim", Some(&claim.id), None)?;
        Ok(claim)
    })
}

/// Input to pay an approved claim.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PayClaimInput {
    /// The claim.
    pub id: String,
    /// Fund id or name to pay it from (default: the general fund).
    #[serde(default)]
    pub fund: Option<String>,
    /// Day paid (default today).
    #[serde(default)]
    pub paid_on: Option<NaiveDate>,
}

pub(super) fn pay_claim(db: &Db, s: &Session, input: PayClaimInput) -> Result<Claim> {
    db.write(|tx| {
        let paid_on = crate::fields::check_date("paid_on", input.paid_on.unwrap_or_else(today))?;
        let payment = money::pay_claim(tx, s, &input.id, input.fund.as_deref(), paid_on)?;
        audit::record(tx, s, "pay", "money_claim", Some(&input.id), Some(&json!({"payment": payment})))?;
        money::claims::get_claim(tx, &input.id)
    })
}

/// Input of a money report.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyReportInput {
    /// cc16, where_money_went, gift_aid or travel.
    pub report: MoneyReport,
    /// First day (default: the last 6 April).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (default today).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// The language of the report's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
}

/// A money report as the screen shows it: a table of text, and the report's own data.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MoneyReportView {
    /// Which report.
    pub report: MoneyReport,
    /// The period.
    pub period: Period,
    /// Title.
    pub title: String,
    /// Headings.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<String>>,
    /// The report's data (the CC16 account's funds, the summary's lines, ...).
    pub data: serde_json::Value,
}

fn build(
    c: &rusqlite::Connection,
    s: &Session,
    report: MoneyReport,
    p: &Period,
    lang: crate::print::Language,
) -> Result<(Table, serde_json::Value)> {
    let enc = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| {
            Error::new(crate::Code::MoneyReportNotEncoded, serde_json::json!({"detail": e.to_string()}))
        })
    };
    Ok(match report {
        MoneyReport::Cc16 => {
            let r = report::cc16(c, p)?;
            (sheet::cc16_table(&r, lang), enc(serde_json::to_value(&r))?)
        }
        MoneyReport::WhereMoneyWent => {
            let r = report::where_money_went(c, p)?;
            (sheet::where_table(&r, lang), enc(serde_json::to_value(&r))?)
        }
        MoneyReport::GiftAid => {
            let r = report::gift_aid(c, p)?;
            (sheet::gift_aid_table(&r, lang), enc(serde_json::to_value(&r))?)
        }
        MoneyReport::Travel => {
            let r = report::travel(c, s, p)?;
            (sheet::travel_table(&r, lang), enc(serde_json::to_value(&r))?)
        }
    })
}

pub(super) fn money_report(db: &Db, s: &Session, input: MoneyReportInput) -> Result<MoneyReportView> {
    let period = Period::of(input.from, input.to, today())?;
    db.read(|c| {
        let lang = crate::settings::print_language(c, input.language)?;
        let (table, data) = build(c, s, input.report, &period, lang)?;
        Ok(MoneyReportView {
            report: input.report,
            period,
            title: table.title,
            headers: table.headers,
            rows: table.rows,
            data,
        })
    })
}

/// File formats of a money report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoneyFormat {
    /// UTF-8 CSV.
    #[default]
    Csv,
    /// Excel workbook.
    Xlsx,
    /// A printed PDF.
    Pdf,
}

/// Input to write a money report to a file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoneyExportInput {
    /// cc16, where_money_went, gift_aid or travel.
    pub report: MoneyReport,
    /// First day (default: the last 6 April).
    #[serde(default)]
    pub from: Option<NaiveDate>,
    /// Last day (default today).
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// csv, xlsx or pdf.
    #[serde(default)]
    pub format: MoneyFormat,
    /// The language of the report's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
    /// Where to write.
    pub path: String,
}

/// What a money report export wrote.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MoneyExported {
    /// The file.
    pub path: String,
    /// Rows of the table.
    pub rows: usize,
    /// Pages (PDF only).
    pub pages: Option<usize>,
}

pub(super) fn export_money_report(db: &Db, s: &Session, input: MoneyExportInput) -> Result<MoneyExported> {
    let period = Period::of(input.from, input.to, today())?;
    let detail =
        json!({"report": input.report, "from": period.from, "to": period.to, "format": input.format});
    if input.format == MoneyFormat::Pdf {
        let printed = print_sheet(db, s, &input.path, |c| {
            let lang = crate::settings::print_language(c, input.language)?;
            let (table, _) = build(c, s, input.report, &period, lang)?;
            let centre = crate::settings::centre(c)?.centre_name;
            let rows = table.rows.len();
            Ok(Printable {
                sheet: sheet::sheet(&table, &centre, &period, Local::now().naive_local(), lang),
                rows,
                action: "print",
                entity: "money_report",
                entity_id: None,
                detail: Some(detail.clone()),
            })
        })?;
        return Ok(MoneyExported { path: printed.path, rows: printed.rows, pages: Some(printed.pages) });
    }
    let path = pdf_path(&input.path)
        .map_err(|_| Error::at("path", crate::Code::ExportPathMissing, serde_json::json!({})))?;
    let format = if input.format == MoneyFormat::Xlsx { ExportFormat::Xlsx } else { ExportFormat::Csv };
    db.write(|tx| {
        let lang = crate::settings::print_language(tx, input.language)?;
        let (table, _) = build(tx, s, input.report, &period, lang)?;
        let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
        write_table(std::path::Path::new(path), format, &headers, &table.rows)?;
        audit::record(tx, s, "export", "money_report", None, Some(&detail))?;
        Ok(MoneyExported { path: path.to_string(), rows: table.rows.len(), pages: None })
    })
}
