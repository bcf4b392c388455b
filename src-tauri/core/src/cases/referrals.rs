//! Referrals to partner organisations, with follow-up dates. An open referral (made or accepted)
//! whose follow-up date has passed is overdue and shows on the Dashboard.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use super::people;
use crate::access::Session;
use crate::fields::check_len;
use crate::{new_id, Error, Result};

/// Where a referral stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    /// Sent to the partner.
    Made,
    /// The partner took it on.
    Accepted,
    /// The partner declined.
    Declined,
    /// Done.
    Completed,
}

crate::fields::text_enum!(ReferralStatus, Made => "made", Accepted => "accepted", Declined => "declined", Completed => "completed");

/// A referral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Referral {
    /// Id.
    pub id: String,
    /// The person referred.
    pub person_id: String,
    /// Their code.
    pub person_code: String,
    /// Their name (Latin script).
    pub person_name: String,
    /// Their name in original script.
    pub person_original_name: Option<String>,
    /// Partner id.
    pub partner_id: String,
    /// Partner name.
    pub partner: String,
    /// Why.
    pub reason: String,
    /// When.
    pub referred_on: NaiveDate,
    /// The person agreed to the referral.
    pub consent_given: bool,
    /// Where it stands.
    pub status: ReferralStatus,
    /// When to check on it.
    pub follow_up_on: Option<NaiveDate>,
    /// What came of it.
    pub outcome: String,
}

/// Input to make a referral.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReferral {
    /// The person's id.
    pub person: String,
    /// Partner id.
    pub partner: String,
    /// Why.
    pub reason: String,
    /// When (default today).
    #[serde(default)]
    pub referred_on: Option<NaiveDate>,
    /// The person agreed to be referred (required: true).
    pub consent_given: bool,
    /// When to check on it.
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
}

/// Input to change a referral's status or follow-up.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReferral {
    /// Referral id.
    pub id: String,
    /// New status.
    pub status: ReferralStatus,
    /// New follow-up date (none: no more follow-up).
    #[serde(default)]
    pub follow_up_on: Option<NaiveDate>,
    /// What came of it.
    #[serde(default)]
    pub outcome: String,
}

const SELECT: &str = "SELECT r.id, r.person_id, p.code AS person_code,
        p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS person_name,
        p.original_name AS person_original_name, r.partner_id, o.name AS partner, r.reason, r.referred_on, r.consent_given, r.status, r.follow_up_on, r.outcome
    FROM referrals r JOIN people p ON p.id = r.person_id JOIN partners o ON o.id = r.partner_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Referral> {
    Ok(Referral {
        id: r.get("id")?,
        person_id: r.get("person_id")?,
        person_code: r.get("person_code")?,
        person_name: r.get("person_name")?,
        person_original_name: r.get("person_original_name")?,
        partner_id: r.get("partner_id")?,
        partner: r.get("partner")?,
        reason: r.get("reason")?,
        referred_on: r.get("referred_on")?,
        consent_given: r.get("consent_given")?,
        status: r.get("status")?,
        follow_up_on: r.get("follow_up_on")?,
        outcome: r.get("outcome")?,
    })
}

/// Makes a referral; returns it.
pub fn create(
    conn: &Connection,
    session: &Session,
    input: &NewReferral,
    today: NaiveDate,
) -> Result<Referral> {
    let person = people::writable_on(conn, &input.person, today)?;
    let reason = input.reason.trim();
    if reason.is_empty() {
        return Err(Error::at("reason", crate::Code::ReferralReasonMissing, serde_json::json!({})));
    }
    check_len("reason", "The reason", reason, 2000)?;
    if !input.consent_given {
        return Err(Error::at("consent_given", crate::Code::ReferralConsentMissing, serde_json::json!({})));
    }
    let active: Option<bool> = conn
        .query_row("SELECT active FROM partners WHERE id = ?1", [&input.partner], |r| r.get(0))
        .optional()?;
    match active {
        None => return Err(Error::at("partner", crate::Code::ReferralPartnerMissing, serde_json::json!({}))),
        Some(false) => {
            return Err(Error::at("partner", crate::Code::ReferralPartnerNotInUse, serde_json::json!({})))
        }
        Some(true) => {}
    }
    let referred_on = input.referred_on.unwrap_or(today);
    if referred_on > today {
        return Err(Error::at("referred_on", crate::Code::ReferralReferredOnInFuture, serde_json::json!({})));
    }
    if input.follow_up_on.is_some_and(|f| f < referred_on) {
        return Err(Error::at(
            "follow_up_on",
            crate::Code::ReferralFollowUpOnBeforeReferral,
            serde_json::json!({}),
        ));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO referrals (id, site_id, person_id, partner_id, reason, referred_on, consent_given, follow_up_on, created_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)",
        params![id, person.site_id, person.id, input.partner, reason, referred_on, input.follow_up_on, session.user_id],
    )?;
    get(conn, &id)
}

/// Changes a referral's status, follow-up date and outcome.
pub fn update(conn: &Connection, input: &UpdateReferral) -> Result<Referral> {
    let current = get(conn, &input.id)?;
    if input.follow_up_on.is_some_and(|f| f < current.referred_on) {
        return Err(Error::at(
            "follow_up_on",
            crate::Code::ReferralFollowUpOnBeforeReferral,
            serde_json::json!({}),
        ));
    }
    check_len("outcome", "The outcome", input.outcome.trim(), 2000)?;
    conn.execute(
        "UPDATE referrals SET status = ?2, follow_up_on = ?3, outcome = ?4,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![input.id, input.status, input.follow_up_on, input.outcome.trim()],
    )?;
    get(conn, &input.id)
}

/// One referral.
pub fn get(conn: &Connection, id: &str) -> Result<Referral> {
    conn.query_row(&format!("{SELECT} WHERE r.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::ReferralNotFound, serde_json::json!({})))
}

/// A person's referrals, newest first.
pub fn for_person(conn: &Connection, person: &str) -> Result<Vec<Referral>> {
    let mut stmt = conn
        .prepare_cached(&format!("{SELECT} WHERE r.person_id = ?1 ORDER BY r.referred_on DESC, r.id DESC"))?;
    let rows = stmt.query_map([person], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Open referrals whose follow-up date is before `today`, oldest first.
pub fn overdue(conn: &Connection, today: NaiveDate, limit: u32) -> Result<Vec<Referral>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.status IN ('made', 'accepted') AND r.follow_up_on < ?1
         ORDER BY r.follow_up_on, r.id LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![today, limit], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many open referrals are overdue for follow-up.
pub fn overdue_count(conn: &Connection, today: NaiveDate) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM referrals WHERE status IN ('made', 'accepted') AND follow_up_on < ?1",
        [today],
        |r| r.get(0),
    )?)
}
