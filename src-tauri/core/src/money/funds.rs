//! Funds: the general fund and restricted funds, each restricted fund with its stated purpose
//! and the spending categories that purpose allows; balances worked out from the rows.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::{check_amount, SpendCategory};
use crate::fields::{check_date, check_len, line};
use crate::{new_id, Error, Result};

/// The id of the general (unrestricted) fund, which always exists.
pub const GENERAL_FUND: &str = "general";

/// A fund.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Fund {
    /// Id (`general` for the general fund).
    pub id: String,
    /// Name ("Baby milk and protein").
    pub name: String,
    /// Restricted: spent only on its purpose.
    pub restricted: bool,
    /// The purpose the donors gave for.
    pub purpose: String,
    /// Restricted funds: the spending categories allowed.
    pub categories: Vec<SpendCategory>,
    /// Opening balance in pence.
    pub opening_pence: i64,
    /// The day the opening balance is of.
    pub opened_on: NaiveDate,
    /// Still in use.
    pub active: bool,
}

/// Input to add or change a fund.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundInput {
    /// Id of the fund to change (none: a new fund).
    #[serde(default)]
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// Restricted to its purpose.
    #[serde(default)]
    pub restricted: bool,
    /// The purpose.
    #[serde(default)]
    pub purpose: String,
    /// Restricted funds: the spending categories the purpose allows (at least one).
    #[serde(default)]
    pub categories: Vec<SpendCategory>,
    /// Opening balance in pence (default 0).
    #[serde(default)]
    pub opening_pence: i64,
    /// The day of the opening balance (default today).
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    /// In use (default true).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

const COLUMNS: &str = "id, name, restricted, purpose, categories, opening_pence, opened_on, active";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Fund> {
    let categories: String = r.get(4)?;
    Ok(Fund {
        id: r.get(0)?,
        name: r.get(1)?,
        restricted: r.get(2)?,
        purpose: r.get(3)?,
        categories: categories.split(',').filter_map(|c| SpendCategory::parse(c).ok()).collect(),
        opening_pence: r.get(5)?,
        opened_on: r.get(6)?,
        active: r.get(7)?,
    })
}

/// Every fund, the general fund first, then by name.
pub fn list_funds(conn: &Connection) -> Result<Vec<Fund>> {
    let mut st = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM money_funds ORDER BY id <> 'general', name COLLATE NOCASE"
    ))?;
    let rows = st.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A fund by id or name; `field` names the input in the refusal.
pub fn get_fund(conn: &Connection, field: &str, id_or_name: &str) -> Result<Fund> {
    let key = id_or_name.trim();
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM money_funds WHERE id = ?1 OR name = ?1 COLLATE NOCASE"),
        [key],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::at(field, crate::Code::FundUnknown, serde_json::json!({"key": key.to_string()})))
}

/// Adds or changes a fund. A restricted fund must say its purpose and allow at least one
/// category; the general fund stays unrestricted and in use.
pub fn save_fund(conn: &Connection, input: &FundInput, today: NaiveDate) -> Result<Fund> {
    let name = line("name", "The fund's name", &input.name, 80)?;
    if name.is_empty() {
        return Err(Error::at("name", crate::Code::FundNameMissing, serde_json::json!({})));
    }
    let purpose = input.purpose.trim();
    check_len("purpose", "The purpose", purpose, 300)?;
    if input.opening_pence != 0 {
        check_amount("opening_pence", input.opening_pence.abs())?;
    }
    let opened_on = check_date("opened_on", input.opened_on.unwrap_or(today))?;
    let mut categories = input.categories.clone();
    categories.sort_unstable();
    categories.dedup();
    if input.restricted {
        if purpose.is_empty() {
            return Err(Error::at("purpose", crate::Code::FundPurposeMissing, serde_json::json!({})));
        }
        if categories.is_empty() {
            return Err(Error::at("categories", crate::Code::FundCategoriesMissing, serde_json::json!({})));
        }
    }
    let stored: String = if input.restricted {
        categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
    } else {
        String::new()
    };
    let clash: Option<String> = conn
        .query_row(
            "SELECT id FROM money_funds WHERE name = ?1 COLLATE NOCASE AND id IS NOT ?2",
            params![name, input.id],
            |r| r.get(0),
        )
        .optional()?;
    if clash.is_some() {
        return Err(Error::at(
            "name",
            crate::Code::FundNameTaken,
            serde_json::json!({"name": name.to_string()}),
        ));
    }
    let id = match &input.id {
        Some(id) => {
            let fund = get_fund(conn, "id", id)?;
            if fund.id == GENERAL_FUND && (input.restricted || !input.active) {
                return Err(Error::at("restricted", crate::Code::FundGeneralStays, serde_json::json!({})));
            }
            conn.execute(
                "UPDATE money_funds SET name = ?2, restricted = ?3, purpose = ?4, categories = ?5,
                        opening_pence = ?6, opened_on = ?7, active = ?8,
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
                 WHERE id = ?1",
                params![
                    fund.id,
                    name,
                    input.restricted,
                    purpose,
                    stored,
                    input.opening_pence,
                    opened_on,
                    input.active
                ],
            )?;
            fund.id
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO money_funds (id, name, restricted, purpose, categories, opening_pence, opened_on, active)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![id, name, input.restricted, purpose, stored, input.opening_pence, opened_on, input.active],
            )?;
            id
        }
    };
    get_fund(conn, "id", &id)
}

/// Refuses spending `category` from `fund` when the fund is restricted to other purposes, with a
/// message naming the fund and what it may pay for.
pub fn check_spending(fund: &Fund, category: SpendCategory, field: &str) -> Result<()> {
    if !fund.active {
        return Err(Error::at(
            field,
            crate::Code::FundNotInUse,
            serde_json::json!({"name": fund.name.to_string()}),
        ));
    }
    if fund.restricted && !fund.categories.contains(&category) {
        let allowed: Vec<&str> = fund.categories.iter().map(|c| c.label()).collect();
        return Err(Error::at(
            field,
            crate::Code::FundCategoryRestricted,
            serde_json::json!({
                "fund": fund.name,
                "purpose": fund.purpose,
                "allowed": allowed.join(", ").to_lowercase(),
                "category": category.label().to_lowercase(),
            }),
        ));
    }
    Ok(())
}

/// A fund with its balance.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FundBalance {
    /// The fund.
    #[serde(flatten)]
    pub fund: Fund,
    /// Money in (pence), up to the day.
    pub money_in: i64,
    /// Money out (pence).
    pub money_out: i64,
    /// Transfers in minus transfers out (pence).
    pub transfers: i64,
    /// Opening + in − out + transfers.
    pub balance: i64,
}

/// Every fund's balance at the end of `on` (all rows dated on or before it, and the opening
/// balance when the fund was opened by then).
pub fn balances(conn: &Connection, on: NaiveDate) -> Result<Vec<FundBalance>> {
    let sum = |sql: &str, fund: &str| -> Result<i64> {
        Ok(conn
            .prepare_cached(sql)?
            .query_row(params![fund, on], |r| r.get::<_, Option<i64>>(0))?
            .unwrap_or(0))
    };
    let mut out = Vec::new();
    for fund in list_funds(conn)? {
        let money_in = sum(
            "SELECT sum(gbp_pence) FROM money_income WHERE fund_id = ?1 AND received_on <= ?2",
            &fund.id,
        )?;
        let money_out =
            sum("SELECT sum(gbp_pence) FROM money_payments WHERE fund_id = ?1 AND paid_on <= ?2", &fund.id)?;
        let t_in = sum(
            "SELECT sum(gbp_pence) FROM money_transfers WHERE to_fund = ?1 AND moved_on <= ?2",
            &fund.id,
        )?;
        let t_out = sum(
            "SELECT sum(gbp_pence) FROM money_transfers WHERE from_fund = ?1 AND moved_on <= ?2",
            &fund.id,
        )?;
        let opening = if fund.opened_on <= on { fund.opening_pence } else { 0 };
        let transfers = t_in - t_out;
        let balance = opening + money_in - money_out + transfers;
        out.push(FundBalance { fund, money_in, money_out, transfers, balance });
    }
    Ok(out)
}
