//! Transfers between funds: the only way money moves from one fund to another, recorded by a
//! lead with a reason, which the reports show beside it.

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::check_amount;
use super::funds::get_fund;
use crate::access::{Role, Session};
use crate::fields::{check_date, line};
use crate::{new_id, Error, Result};

/// Input of a transfer between funds.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// From this fund (id or name).
    pub from: String,
    /// To this fund (id or name).
    pub to: String,
    /// Pence.
    pub amount: i64,
    /// Why (required).
    pub reason: String,
    /// Day (default today).
    #[serde(default)]
    pub moved_on: Option<NaiveDate>,
}

/// A transfer, as listed.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Transfer {
    /// Id.
    pub id: String,
    /// Day.
    pub moved_on: NaiveDate,
    /// From fund name.
    pub from: String,
    /// To fund name.
    pub to: String,
    /// Pence.
    pub gbp_pence: i64,
    /// Why.
    pub reason: String,
}

/// Records a transfer; a lead only (checked here as well as by the API's table).
pub fn transfer(conn: &Connection, s: &Session, input: &TransferInput, today: NaiveDate) -> Result<String> {
    s.require(Role::Lead, "move money between funds")?;
    let amount = check_amount("amount", input.amount)?;
    let from = get_fund(conn, "from", &input.from)?;
    let to = get_fund(conn, "to", &input.to)?;
    if from.id == to.id {
        return Err(Error::at("to", crate::Code::TransferToSameFund, serde_json::json!({})));
    }
    if !to.active {
        return Err(Error::at(
            "to",
            crate::Code::IncomeFundNotInUse,
            serde_json::json!({"name": to.name.to_string()}),
        ));
    }
    let reason = line("reason", "The reason", &input.reason, 300)?;
    if reason.is_empty() {
        return Err(Error::at("reason", crate::Code::TransferReasonMissing, serde_json::json!({})));
    }
    let moved_on = check_date("moved_on", input.moved_on.unwrap_or(today))?;
    let id = new_id();
    conn.prepare_cached(
        "INSERT INTO money_transfers (id, moved_on, from_fund, to_fund, gbp_pence, reason, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id, moved_on, from.id, to.id, amount, reason, s.user_id])?;
    Ok(id)
}

/// Transfers between two days (inclusive), newest first.
pub fn list_transfers(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Transfer>> {
    let mut st = conn.prepare_cached(
        "SELECT t.id, t.moved_on, a.name, b.name, t.gbp_pence, t.reason
         FROM money_transfers t JOIN money_funds a ON a.id = t.from_fund JOIN money_funds b ON b.id = t.to_fund
         WHERE t.moved_on BETWEEN ?1 AND ?2 ORDER BY t.moved_on DESC, t.created_at DESC",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok(Transfer {
                id: r.get(0)?,
                moved_on: r.get(1)?,
                from: r.get(2)?,
                to: r.get(3)?,
                gbp_pence: r.get(4)?,
                reason: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
