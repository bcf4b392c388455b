//! ID cards: who gets one, the number each new card takes, and the desk's check of a scanned
//! card.
//!
//! A card carries its number after the person's code, `CAL-0042/2` (the second card printed
//! for CAL-0042), in its QR code, its barcode and its text. Every print issues the next number,
//! so a replaced card is known: the desk takes the newest card's number, and the plain code
//! typed by hand as before, and refuses an older number with a message that a newer card
//! exists. The card shows nothing a finder could misuse: names, code, site, household size,
//! issue date and number (no date of birth, no flags, no phone).

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::access::{Role, Session};
use crate::{new_id, sites, Error, Result};

/// One card to print: only what the card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IdCard {
    /// The person's id (not printed).
    pub person_id: String,
    /// The person's code, `CAL-0042`.
    pub code: String,
    /// The card's number for this person, from 1.
    pub number: i64,
    /// Given and family name.
    pub name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// The site's name.
    pub site: String,
    /// Active people in the household (1 on their own).
    pub household_size: i64,
    /// The day the card is issued.
    pub issued_on: NaiveDate,
}

impl IdCard {
    /// What the QR code and barcode hold: the code and the card's number, `CAL-0042/2`.
    pub fn card_code(&self) -> String {
        card_code(&self.code, self.number)
    }
}

/// `CAL-0042/2`: a code and a card number as a card carries them.
pub fn card_code(code: &str, number: i64) -> String {
    format!("{code}/{number}")
}

/// Whose cards to print.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CardSelection {
    /// One person (code or id).
    #[serde(default)]
    pub person: Option<String>,
    /// Every active person of a site (code or id).
    #[serde(default)]
    pub site: Option<String>,
    /// Only people registered on or after this day.
    #[serde(default)]
    pub since: Option<NaiveDate>,
}

/// The most cards one print makes (the largest site's case book, with room).
pub const MAX_CARDS: usize = 20_000;

const CARD_SQL: &str = "SELECT p.id, p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS name,
        p.original_name, s.name AS site_name,
        CASE WHEN p.household_id IS NULL THEN 1 ELSE
          (SELECT count(*) FROM people m WHERE m.household_id = p.household_id AND m.status = 'active') END
          AS household_size,
        (SELECT max(c.number) FROM id_cards c WHERE c.person_id = p.id) AS last_card
 FROM people p JOIN sites s ON s.id = p.site_id
 WHERE p.status = 'active' AND (?1 IS NULL OR p.site_id = ?1) AND (?2 IS NULL OR p.id = ?2)
   AND (?3 IS NULL OR p.created_at >= ?3)
 ORDER BY s.code, p.family_name, p.given_name, p.code";

/// [`CARD_SQL`] for one person, found by the primary key (the general query's `OR` would read
/// every person of the centre for one card).
const ONE_CARD_SQL: &str = "SELECT p.id, p.code, p.given_name || CASE WHEN p.family_name = '' THEN '' ELSE ' ' || p.family_name END AS name,
        p.original_name, s.name AS site_name,
        CASE WHEN p.household_id IS NULL THEN 1 ELSE
          (SELECT count(*) FROM people m WHERE m.household_id = p.household_id AND m.status = 'active') END
          AS household_size,
        (SELECT max(c.number) FROM id_cards c WHERE c.person_id = p.id) AS last_card
 FROM people p JOIN sites s ON s.id = p.site_id
 WHERE p.id = ?2 AND p.status = 'active' AND (?1 IS NULL OR p.site_id = ?1)
   AND (?3 IS NULL OR p.created_at >= ?3)";

/// The cards a print would issue, each with its next number, in site and family-name order.
/// The front desk prints its own site's cards only: with no site it gets its own, and another
/// site (or a person registered at one) is refused.
pub fn cards_to_issue(
    conn: &Connection,
    s: &Session,
    selection: &CardSelection,
    today: NaiveDate,
) -> Result<Vec<IdCard>> {
    let person = match selection.person.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(
            conn.prepare_cached(
                "SELECT coalesce(merged_into, id) FROM people WHERE code = ?1
             UNION ALL SELECT coalesce(merged_into, id) FROM people WHERE id = ?2 LIMIT 1",
            )?
            .query_row([p.to_uppercase().as_str(), p], |r| r.get::<_, String>(0))
            .optional()?
            .ok_or_else(|| {
                Error::at(
                    "person",
                    crate::Code::CardPersonUnknown,
                    serde_json::json!({"p": p.to_uppercase().to_string()}),
                )
            })?,
        ),
        None => None,
    };
    let mut site = match selection.site.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(code) => Some(sites::resolve(conn, code)?.id),
        None => None,
    };
    if s.role < Role::Coordinator {
        if site.as_ref().is_some_and(|id| *id != s.site_id) {
            return Err(Error::new(crate::Code::CardsOtherSite, serde_json::json!({})));
        }
        site = Some(s.site_id.clone());
    }
    let since = selection.since.map(|d| d.format("%Y-%m-%d").to_string());
    let mut stmt = conn.prepare_cached(if person.is_some() { ONE_CARD_SQL } else { CARD_SQL })?;
    let mut rows = stmt.query(params![site, person, since])?;
    let mut cards = Vec::new();
    while let Some(r) = rows.next()? {
        if cards.len() >= MAX_CARDS {
            return Err(Error::at("site", crate::Code::CardsTooMany, serde_json::json!({"max": MAX_CARDS})));
        }
        let last: Option<i64> = r.get("last_card")?;
        cards.push(IdCard {
            person_id: r.get("id")?,
            code: r.get("code")?,
            number: last.unwrap_or(0) + 1,
            name: r.get("name")?,
            original_name: r.get::<_, Option<String>>("original_name")?.filter(|n| !n.trim().is_empty()),
            site: r.get("site_name")?,
            household_size: r.get("household_size")?,
            issued_on: today,
        });
    }
    if cards.is_empty() {
        if let Some(p) = &person {
            let (code, site_ok): (String, bool) = conn.query_row(
                "SELECT code, (?2 IS NULL OR site_id = ?2) FROM people WHERE id = ?1",
                params![p, site],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            return Err(if site_ok {
                Error::at(
                    "person",
                    crate::Code::CardPersonCaseNotActive,
                    serde_json::json!({"code": code.to_string()}),
                )
            } else if s.role < Role::Coordinator {
                Error::new(crate::Code::CardOtherSite, serde_json::json!({"code": code.to_string()}))
            } else {
                Error::at(
                    "person",
                    crate::Code::CardPersonNotAtSite,
                    serde_json::json!({"code": code.to_string()}),
                )
            });
        }
        return Err(Error::at("site", crate::Code::CardSiteNobody, serde_json::json!({})));
    }
    Ok(cards)
}

/// Records the cards printed, in the caller's transaction. A card number issued meanwhile by
/// another print on this computer is a conflict: nothing is recorded and the print is made
/// again. (Two computers printing a person's next card between exchanges both keep theirs:
/// the two cards carry the same text, and both are the newest; migration 0018.)
pub fn issue(conn: &Connection, s: &Session, cards: &[IdCard]) -> Result<()> {
    let mut taken =
        conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM id_cards WHERE person_id = ?1 AND number >= ?2)")?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO id_cards (id, site_id, person_id, number, issued_on, created_by)
         SELECT ?1, p.site_id, p.id, ?3, ?4, ?5 FROM people p WHERE p.id = ?2",
    )?;
    for c in cards {
        if taken.query_row(params![c.person_id, c.number], |r| r.get::<_, bool>(0))? {
            return Err(Error::new(
                crate::Code::CardPrintedMeanwhile,
                serde_json::json!({"c": c.card_code().to_string()}),
            ));
        }
        insert.execute(params![new_id(), c.person_id, c.number, c.issued_on, s.user_id])?;
    }
    Ok(())
}

/// Splits a card's text, `CAL-0042/2`, into the code and the card number.
pub fn parse_card_code(typed: &str) -> Option<(&str, i64)> {
    let (code, number) = typed.trim().rsplit_once('/')?;
    if code.is_empty() || number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((code.trim(), number.parse().ok()?))
}

/// What the desk looks up for a scanned or typed text: a card's text (`CAL-0042/2`) becomes
/// its code when it is that person's newest card; an older card is refused, saying a newer
/// one exists; any other text is returned as typed.
pub fn desk_code<'a>(conn: &Connection, typed: &'a str) -> Result<std::borrow::Cow<'a, str>> {
    let Some((code, number)) = parse_card_code(typed) else {
        return Ok(typed.into());
    };
    let code_upper = code.to_uppercase();
    let newest: Option<Option<i64>> = conn
        .prepare_cached(
            "SELECT (SELECT max(c.number) FROM id_cards c WHERE c.person_id = p.id) FROM people p WHERE p.code = ?1",
        )?
        .query_row([&code_upper], |r| r.get(0))
        .optional()?;
    let Some(newest) = newest else {
        return Err(Error::at(
            "person",
            crate::Code::CardPersonUnknownCode,
            serde_json::json!({"code_upper": code_upper.to_string()}),
        ));
    };
    match newest {
        Some(n) if number == n => Ok(code_upper.into()),
        Some(n) if number < n => Err(Error::at(
            "person",
            crate::Code::CardOld,
            serde_json::json!({"card": card_code(&code_upper, number), "newest": card_code(&code_upper, n)}),
        )),
        _ => Err(Error::at(
            "person",
            crate::Code::CardNotPrinted,
            serde_json::json!({"card": card_code(&code_upper, number)}),
        )),
    }
}
