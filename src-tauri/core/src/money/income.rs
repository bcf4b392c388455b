//! Money in: donations (from a donor on the list, or anonymous), grants and other income, each
//! to a fund; and the donors themselves, with only what Gift Aid needs.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::funds::get_fund;
use super::{convert, rate_text, Currency};
use crate::access::Session;
use crate::fields::{check_date, check_len, line, text_enum};
use crate::{new_id, sites, Error, Result};

/// Kinds of money in, the receipts lines of the CC16 account.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IncomeKind {
    /// A gift.
    Donation,
    /// A grant from a funder.
    Grant,
    /// Anything else (a sale, a refund).
    Other,
}
text_enum!(IncomeKind, Donation => "donation", Grant => "grant", Other => "other");

impl IncomeKind {
    /// Every kind, in report order.
    pub const ALL: [IncomeKind; 3] = [IncomeKind::Donation, IncomeKind::Grant, IncomeKind::Other];

    /// The kind as a line of a report.
    pub fn label(self) -> &'static str {
        match self {
            IncomeKind::Donation => "Donations",
            IncomeKind::Grant => "Grants",
            IncomeKind::Other => "Other income",
        }
    }
}

/// How money came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Cash.
    Cash,
    /// A bank transfer.
    #[default]
    Bank,
    /// An online giving platform.
    Online,
    /// A cheque.
    Cheque,
}
text_enum!(Method, Cash => "cash", Bank => "bank", Online => "online", Cheque => "cheque");

/// A donor: only what a Gift Aid claim needs, and whether they wish to be thanked.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Donor {
    /// Id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// House number or name.
    pub house: String,
    /// Postcode.
    pub postcode: String,
    /// Agreed to be thanked.
    pub thank: bool,
}

/// Input to add or change a donor.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DonorInput {
    /// Id of the donor to change (none: a new donor).
    #[serde(default)]
    pub id: Option<String>,
    /// Full name.
    pub name: String,
    /// House number or name.
    #[serde(default)]
    pub house: String,
    /// Postcode.
    #[serde(default)]
    pub postcode: String,
    /// Agreed to be thanked.
    #[serde(default)]
    pub thank: bool,
}

fn donor_row(r: &Row<'_>) -> rusqlite::Result<Donor> {
    Ok(Donor { id: r.get(0)?, name: r.get(1)?, house: r.get(2)?, postcode: r.get(3)?, thank: r.get(4)? })
}

/// Every donor by name.
pub fn list_donors(conn: &Connection) -> Result<Vec<Donor>> {
    let mut st = conn.prepare_cached(
        "SELECT id, name, house, postcode, thank FROM money_donors ORDER BY name COLLATE NOCASE",
    )?;
    let rows = st.query_map([], donor_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn get_donor(conn: &Connection, id: &str) -> Result<Donor> {
    conn.query_row(
        "SELECT id, name, house, postcode, thank FROM money_donors WHERE id = ?1",
        [id.trim()],
        donor_row,
    )
    .optional()?
    .ok_or_else(|| Error::at("donor", crate::Code::IncomeDonorUnknown, serde_json::json!({})))
}

/// Adds or changes a donor.
pub fn save_donor(conn: &Connection, input: &DonorInput) -> Result<Donor> {
    let name = line("name", "The donor's name", &input.name, 120)?;
    if name.is_empty() {
        return Err(Error::at("name", crate::Code::IncomeDonorNameMissing, serde_json::json!({})));
    }
    let house = line("house", "The house number or name", &input.house, 80)?;
    let postcode = line("postcode", "The postcode", &input.postcode, 12)?.to_uppercase();
    let id = match &input.id {
        Some(id) => {
            let d = get_donor(conn, id)?;
            conn.execute(
                "UPDATE money_donors SET name = ?2, house = ?3, postcode = ?4, thank = ?5,
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                params![d.id, name, house, postcode, input.thank],
            )?;
            d.id
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO money_donors (id, name, house, postcode, thank) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![id, name, house, postcode, input.thank],
            )?;
            id
        }
    };
    get_donor(conn, &id)
}

/// Input to record money in.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncomeInput {
    /// donation, grant or other.
    #[serde(default = "donation")]
    pub kind: IncomeKind,
    /// Fund id or name (default: the general fund).
    #[serde(default)]
    pub fund: Option<String>,
    /// Donations: the donor's id (none: anonymous).
    #[serde(default)]
    pub donor: Option<String>,
    /// Grants: the funder; other income: where it came from.
    #[serde(default)]
    pub source: String,
    /// Day received (default today).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// Amount in pence or cents.
    pub amount: i64,
    /// GBP or EUR.
    #[serde(default)]
    pub currency: Currency,
    /// EUR: pounds for one euro as typed (`0.8561`).
    #[serde(default)]
    pub rate: Option<String>,
    /// Cash, bank, online or cheque.
    #[serde(default)]
    pub method: Method,
    /// The donor made a Gift Aid declaration.
    #[serde(default)]
    pub gift_aid: bool,
    /// The declaration's date.
    #[serde(default)]
    pub declared_on: Option<NaiveDate>,
    /// Site (code or id) where it came in.
    #[serde(default)]
    pub site: Option<String>,
    /// Note.
    #[serde(default)]
    pub note: String,
}

fn donation() -> IncomeKind {
    IncomeKind::Donation
}

/// Money in, as listed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Income {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: IncomeKind,
    /// Fund id.
    pub fund_id: String,
    /// Fund name.
    pub fund: String,
    /// Donor's name ("" for anonymous or no donor).
    pub donor: String,
    /// Funder or source.
    pub source: String,
    /// Day received.
    pub received_on: NaiveDate,
    /// Amount in its currency's minor unit.
    pub amount: i64,
    /// Currency.
    pub currency: Currency,
    /// The rate used (euros), as a decimal.
    pub rate: Option<String>,
    /// The amount in pence.
    pub gbp_pence: i64,
    /// Method.
    pub method: Method,
    /// Gift Aid declared.
    pub gift_aid: bool,
    /// The declaration's date.
    pub declared_on: Option<NaiveDate>,
}

/// Records money in; returns its id. A Gift Aid declaration needs a donor with a house and a
/// postcode (HMRC's minimum), a donation in pounds, and the declaration's date.
pub fn record_income(
    conn: &Connection,
    s: &Session,
    input: &IncomeInput,
    today: NaiveDate,
) -> Result<String> {
    let money = convert("amount", input.amount, input.currency, input.rate.as_deref())?;
    let fund = get_fund(conn, "fund", input.fund.as_deref().unwrap_or(super::GENERAL_FUND))?;
    if !fund.active {
        return Err(Error::at(
            "fund",
            crate::Code::IncomeFundNotInUse,
            serde_json::json!({"name": fund.name.to_string()}),
        ));
    }
    let received_on = check_date("received_on", input.received_on.unwrap_or(today))?;
    if received_on > today {
        return Err(Error::at("received_on", crate::Code::IncomeReceivedOnInFuture, serde_json::json!({})));
    }
    let source = line("source", "The funder or source", &input.source, 120)?;
    check_len("note", "The note", input.note.trim(), 500)?;
    let donor = match input.donor.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(id) if input.kind == IncomeKind::Donation => Some(get_donor(conn, id)?),
        Some(_) => {
            return Err(Error::at("donor", crate::Code::IncomeDonorNotDonation, serde_json::json!({})))
        }
        None => None,
    };
    if input.kind == IncomeKind::Grant && source.is_empty() {
        return Err(Error::at("source", crate::Code::IncomeSourceMissing, serde_json::json!({})));
    }
    let declared_on = if input.gift_aid {
        let Some(d) = &donor else {
            return Err(Error::at("gift_aid", crate::Code::IncomeGiftAidNoDonor, serde_json::json!({})));
        };
        if d.house.is_empty() || d.postcode.is_empty() {
            return Err(Error::at(
                "gift_aid",
                crate::Code::IncomeGiftAidNoAddress,
                serde_json::json!({"name": d.name}),
            ));
        }
        if input.currency != Currency::Gbp {
            return Err(Error::at("gift_aid", crate::Code::IncomeGiftAidNotPounds, serde_json::json!({})));
        }
        let Some(on) = input.declared_on else {
            return Err(Error::at(
                "declared_on",
                crate::Code::IncomeDeclaredOnMissing,
                serde_json::json!({}),
            ));
        };
        Some(check_date("declared_on", on)?)
    } else {
        None
    };
    let site = match input.site.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
        Some(code) => Some(
            sites::resolve(conn, code)
                .map_err(|e| {
                    e.when_absent(Error::at("site", crate::Code::IncomeSiteUnknown, serde_json::json!({})))
                })?
                .id,
        ),
        None => None,
    };
    let id = new_id();
    conn.prepare_cached(
        "INSERT INTO money_income (id, kind, fund_id, donor_id, source, received_on, currency, amount,
                                   rate_ppm, gbp_pence, method, gift_aid, declared_on, site_id, note, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        id,
        input.kind,
        fund.id,
        donor.map(|d| d.id),
        source,
        received_on,
        money.currency,
        money.amount,
        money.rate_ppm,
        money.gbp_pence,
        input.method,
        input.gift_aid,
        declared_on,
        site,
        input.note.trim(),
        s.user_id,
    ])?;
    Ok(id)
}

/// Money in between two days (inclusive), newest first, at most `limit` rows.
pub fn list_income(conn: &Connection, from: NaiveDate, to: NaiveDate, limit: u32) -> Result<Vec<Income>> {
    let mut st = conn.prepare_cached(
        "SELECT i.id, i.kind, i.fund_id, f.name, coalesce(d.name, ''), i.source, i.received_on, i.amount,
                i.currency, i.rate_ppm, i.gbp_pence, i.method, i.gift_aid, i.declared_on
         FROM money_income i JOIN money_funds f ON f.id = i.fund_id
         LEFT JOIN money_donors d ON d.id = i.donor_id
         WHERE i.received_on BETWEEN ?1 AND ?2
         ORDER BY i.received_on DESC, i.created_at DESC LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![from, to, limit], |r| {
            Ok(Income {
                id: r.get(0)?,
                kind: r.get(1)?,
                fund_id: r.get(2)?,
                fund: r.get(3)?,
                donor: r.get(4)?,
                source: r.get(5)?,
                received_on: r.get(6)?,
                amount: r.get(7)?,
                currency: r.get(8)?,
                rate: r.get::<_, Option<i64>>(9)?.map(rate_text),
                gbp_pence: r.get(10)?,
                method: r.get(11)?,
                gift_aid: r.get(12)?,
                declared_on: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
