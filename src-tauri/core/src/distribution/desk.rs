//! Finding the person typed at the desk: a code or id wins, else the one active person whose
//! names start with the words typed; several are offered as a pick list, and so are people
//! whose name is spelt another way or written in another script (never taken without a pick).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::allowance::{unit_of, Member};
use super::cards::desk_code;
use super::events::Distribution;
use crate::cases::search::{self, Matched, PersonRow};
use crate::{Error, Result};

/// How many people the desk lists for a name before asking for more of it.
pub const DESK_CANDIDATES: u32 = 10;

/// Finds a person by code or id, else by name anywhere in the case book (see
/// [`find_person_at`]).
pub fn find_person(conn: &Connection, who: &str) -> Result<String> {
    find_person_at(conn, None, who)
}

/// The person with this code (any case) or id: for a merged record, the person it was merged
/// into (its code and ID card still work at the desk).
fn by_code_or_id(conn: &Connection, who: &str) -> Result<Option<String>> {
    // Codes are stored upper-case: the unique index on code finds them; ids by primary key.
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(merged_into, id) FROM people WHERE code = ?1
             UNION ALL SELECT coalesce(merged_into, id) FROM people WHERE id = ?2 LIMIT 1",
        )?
        .query_row([who.to_uppercase().as_str(), who], |r| r.get(0))
        .optional()?)
}

/// Whether what was typed has the shape of a code (`CAL-0042`, or `CAL-B0042` from a replica
/// that joined the centre later): letters, a dash, up to two letters, digits.
fn looks_like_code(who: &str) -> bool {
    who.split_once('-').is_some_and(|(site, n)| {
        let digits = n.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        !site.is_empty()
            && site.chars().all(|c| c.is_ascii_alphabetic())
            && n.len() - digits.len() <= 2
            && !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
    })
}

/// Active people of `site` (any site when `None`) whose names start with the words typed, then
/// those whose names sound alike or are the same in another script: by how they matched, then
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
    rows.sort_by_cached_key(|r| {
        (r.matched, r.family_name.to_lowercase(), r.given_name.to_lowercase(), r.code.clone())
    });
    Ok((rows, more))
}

fn full_name(given: &str, family: &str) -> String {
    if family.is_empty() {
        given.to_string()
    } else {
        format!("{given} {family}")
    }
}

/// Whether a row was found by the letters typed (not by a name spelt another way).
fn typed_as_is(r: &PersonRow) -> bool {
    matches!(r.matched, None | Some(Matched::Code | Matched::Name | Matched::Prefix))
}

/// Finds the person typed at the desk: a code (`CAL-0042`, any case), the newest ID card's
/// text (`CAL-0042/2`; an older card's is refused, see [`desk_code`]) or id wins; otherwise the
/// one active person of `site` (any site when `None`) whose given, family, other or
/// original-script name starts with each word typed. Several people matching is a validation
/// error on `person` that names them with their codes, so the desk can type the code (or pick
/// from [`desk_candidates`]); nobody matching is one too. Someone whose name only sounds
/// alike is never taken without a pick: the error names them.
pub fn find_person_at(conn: &Connection, site: Option<&str>, who: &str) -> Result<String> {
    let who = who.trim();
    if who.is_empty() {
        return Err(Error::at("person", crate::Code::DeskPersonMissing, serde_json::json!({})));
    }
    // A scanned card's text (`CAL-0042/2`) stands for its code when it is the newest card.
    let card = desk_code(conn, who)?;
    let who: &str = &card;
    if let Some(id) = by_code_or_id(conn, who)? {
        return Ok(id);
    }
    if looks_like_code(who) {
        return Err(Error::at(
            "person",
            crate::Code::DeskPersonUnknownCode,
            serde_json::json!({"who": who.to_uppercase().to_string()}),
        ));
    }
    let (mut rows, more) = named(conn, site, who)?;
    let sounds_alike = !rows.iter().any(typed_as_is);
    if !sounds_alike {
        rows.retain(typed_as_is);
    }
    match rows.as_slice() {
        [] => Err(Error::at("person", crate::Code::DeskPersonNoMatch, serde_json::json!({"who": who}))),
        [one] if !sounds_alike => Ok(one.id.clone()),
        many if sounds_alike => {
            let list = many
                .iter()
                .map(|r| format!("{} ({})", full_name(&r.given_name, &r.family_name), r.code))
                .collect::<Vec<_>>()
                .join(", ");
            Err(Error::at(
                "person",
                crate::Code::DeskPersonSoundsAlike,
                serde_json::json!({"who": who, "list": list}),
            ))
        }
        many => {
            let list = many
                .iter()
                .map(|r| format!("{} ({})", full_name(&r.given_name, &r.family_name), r.code))
                .collect::<Vec<_>>()
                .join(", ");
            let (code, count) = if more {
                (crate::Code::DeskPersonMany, serde_json::json!(DESK_CANDIDATES))
            } else {
                (crate::Code::DeskPersonSeveral, serde_json::json!(many.len()))
            };
            Err(Error::at("person", code, serde_json::json!({"count": count, "who": who, "list": list})))
        }
    }
}

/// Someone the desk may mean: only what the front desk sees (name, code, age, household,
/// whether the household has collected).
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
    /// Age in whole months on the distribution's day, when the date of birth is known.
    pub age_months: Option<u32>,
    /// Active people in their household at this distribution (1 on their own).
    pub household_size: i64,
    /// The other active members of their household (names, original script, ages), so
    /// namesakes can be told apart.
    pub household: Vec<Member>,
    /// Their household has collected at this distribution (not reversed).
    pub already_collected: bool,
    /// Why they were found: their code (or id), or how a name typed matched theirs.
    pub matched: Option<Matched>,
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
    // (id, code, name, original name, why it matched) of each person the desk may mean.
    type Found = (String, String, String, Option<String>, Option<Matched>);
    let mut people: Vec<Found> = Vec::new();
    let mut more = false;
    let card = desk_code(conn, query)?;
    let query: &str = &card;
    if let Some(id) = by_code_or_id(conn, query)? {
        let p = conn
            .prepare_cached("SELECT code, given_name, family_name, original_name FROM people WHERE id = ?1")?
            .query_row([&id], |r| {
                Ok((
                    r.get::<_, String>("code")?,
                    r.get::<_, String>("given_name")?,
                    r.get::<_, String>("family_name")?,
                    r.get("original_name")?,
                ))
            })?;
        people.push((id, p.0, full_name(&p.1, &p.2), p.3, Some(Matched::Code)));
    } else if !looks_like_code(query) {
        let (rows, m) = named(conn, Some(&dist.site_id), query)?;
        more = m;
        people.extend(
            rows.into_iter().map(|r| {
                (r.id, r.code, full_name(&r.given_name, &r.family_name), r.original_name, r.matched)
            }),
        );
    }
    let mut collected = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM collections WHERE distribution_id = ?1 AND unit_id = ?2 AND reversed_at IS NULL)",
    )?;
    let mut candidates = Vec::with_capacity(people.len());
    for (id, code, name, original_name, matched) in people {
        let unit = unit_of(conn, &id, dist.held_on)?;
        let age_months = unit.members.iter().find(|m| m.id == id).and_then(|m| m.age_months);
        candidates.push(DeskCandidate {
            already_collected: collected.query_row(params![dist.id, unit.unit_id], |r| r.get(0))?,
            household_size: unit.members.len() as i64,
            household: unit.members.into_iter().filter(|m| m.id != id).collect(),
            age_months,
            id,
            code,
            name,
            original_name,
            matched,
        });
    }
    Ok(DeskLookup { candidates, more })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_every_replica_have_the_shape_of_a_code() {
        assert!(looks_like_code("CAL-0042"));
        assert!(looks_like_code("bhm-b0001"), "a joined replica's code, typed in lower case");
        assert!(looks_like_code("BHM-BC0001"), "two tag letters");
        assert!(!looks_like_code("BHM-BCD0001"), "at most two tag letters");
        assert!(!looks_like_code("BHM-B"), "a tag without a number");
        assert!(!looks_like_code("Jean-Luc"), "a name with a dash");
    }
}
