//! The centre's sites: Calais (CAL), Dunkirk (DUN) and Birmingham (BHM) by default. The code
//! prefixes people's human codes (`CAL-0042`), so it is short, upper case and unique.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::{new_id, Error, Result};

/// A site of the centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Site {
    /// Site id.
    pub id: String,
    /// Short code: 2-5 capital letters (`CAL`).
    pub code: String,
    /// Name shown on screens and sheets.
    pub name: String,
    /// Whether the site is in use.
    pub active: bool,
}

/// Input to create a site, or to change one.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// Short code: 2-5 capital letters.
    pub code: String,
    /// Name shown on screens and sheets.
    pub name: String,
    /// Whether the site is in use (default yes).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// Input to change a site.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteUpdate {
    /// The site's id or current code.
    pub site: String,
    /// The new values.
    #[serde(flatten)]
    pub values: SiteInput,
}

/// The default sites of a new centre.
pub fn default_sites() -> Vec<SiteInput> {
    [("CAL", "Calais"), ("DUN", "Dunkirk"), ("BHM", "Birmingham")]
        .into_iter()
        .map(|(code, name)| SiteInput { code: code.into(), name: name.into(), active: true })
        .collect()
}

const COLUMNS: &str = "id, code, name, active";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Site> {
    Ok(Site { id: r.get("id")?, code: r.get("code")?, name: r.get("name")?, active: r.get("active")? })
}

/// Checks and normalises a site's input (code upper-cased, name trimmed).
pub fn validate(input: &SiteInput, field_prefix: &str) -> Result<SiteInput> {
    let code = input.code.trim().to_uppercase();
    if !(2..=5).contains(&code.len()) || !code.chars().all(|c| c.is_ascii_uppercase()) {
        return Err(Error::at(
            format!("{field_prefix}code"),
            crate::Code::SiteCodeInvalid,
            serde_json::json!({"code": input.code.trim()}),
        ));
    }
    let name = crate::fields::line(&format!("{field_prefix}name"), "The site's name", &input.name, 80)?;
    if name.is_empty() {
        return Err(Error::at(
            format!("{field_prefix}name"),
            crate::Code::SiteNameMissing,
            serde_json::json!({}),
        ));
    }
    Ok(SiteInput { code, name, active: input.active })
}

/// Creates a site.
pub fn create(conn: &Connection, input: &SiteInput) -> Result<Site> {
    let input = validate(input, "")?;
    if find(conn, &input.code)?.is_some() {
        return Err(Error::new(
            crate::Code::SiteCodeTaken,
            serde_json::json!({"code": input.code.to_string()}),
        ));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO sites (id, site_id, code, name, active) VALUES (?1, ?1, ?2, ?3, ?4)",
        params![id, input.code, input.name, input.active],
    )?;
    resolve(conn, &id)
}

/// Changes a site's code, name or active flag.
pub fn update(conn: &Connection, input: &SiteUpdate) -> Result<Site> {
    let site = resolve(conn, &input.site)?;
    let values = validate(&input.values, "")?;
    if let Some(other) = find(conn, &values.code)? {
        if other.id != site.id {
            return Err(Error::new(
                crate::Code::SiteCodeTaken,
                serde_json::json!({"code": values.code.to_string()}),
            ));
        }
    }
    conn.execute(
        "UPDATE sites SET code = ?2, name = ?3, active = ?4,
                updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![site.id, values.code, values.name, values.active],
    )?;
    resolve(conn, &site.id)
}

/// Finds a site by id or code.
pub fn find(conn: &Connection, id_or_code: &str) -> Result<Option<Site>> {
    let key = id_or_code.trim();
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM sites WHERE id = ?1 OR code = upper(?1)"), [key], from_row)
        .optional()?)
}

/// A site by id or code, or `NotFound`.
pub fn resolve(conn: &Connection, id_or_code: &str) -> Result<Site> {
    find(conn, id_or_code)?.ok_or_else(|| {
        Error::new(crate::Code::SiteNotFound, serde_json::json!({"site": id_or_code.trim().to_string()}))
    })
}

/// Every site, by code.
pub fn list(conn: &Connection) -> Result<Vec<Site>> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM sites ORDER BY active DESC, name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Takes the next human code for a person at `site_id` and advances this replica's counter.
/// Call inside the transaction that inserts the person.
///
/// Each replica counts on its own (the LOCAL `person_code_counters`) behind its own code tag
/// from the directory of replicas: the replica the centre was set up on has none and goes on
/// with `CAL-0042`; a replica that joined later writes `CAL-B0001`. Two replicas registering at
/// the same time therefore never make the same code, and codes already given never change. A
/// number already taken (a code that arrived from elsewhere) is skipped.
pub fn next_person_code(conn: &Connection, site_id: &str) -> Result<String> {
    let (code, tag): (String, String) = conn.query_row(
        "SELECT s.code, coalesce((SELECT r.code_tag FROM replicas r
                                  WHERE r.id = (SELECT replica FROM exchange_secrets WHERE id = 1)), '')
         FROM sites s WHERE s.id = ?1",
        [site_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let mut take = conn.prepare_cached(
        "INSERT INTO person_code_counters (site_id, next_number) VALUES (?1, 2)
         ON CONFLICT (site_id) DO UPDATE SET next_number = next_number + 1
         RETURNING next_number - 1",
    )?;
    let mut taken = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM people WHERE code = ?1)")?;
    loop {
        let n: i64 = take.query_row([site_id], |r| r.get(0))?;
        let candidate = format!("{code}-{tag}{n:04}");
        if !taken.query_row([&candidate], |r| r.get::<_, bool>(0))? {
            return Ok(candidate);
        }
    }
}
