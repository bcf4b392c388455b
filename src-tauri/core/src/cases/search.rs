//! Finding people: as-you-type search over every name and code (SQLite FTS5: prefix,
//! accent-insensitive, any script), then the same name spelt another way or written in another
//! script (the name keys of [`super::names`]), with filters. Each row says why it was found.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, Row, Statement};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use super::age::{age_on, born_on_or_before, Age, AgeBand};
use super::flags::FlagKind;
use super::names::{self, KeyKind, NameKey, Script};
use super::{Sex, Status};
use crate::access::{Role, Session};
use crate::{sites, Error, Result};

/// How a list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Newest registrations first (fastest as you type).
    #[default]
    Recent,
    /// By family name, then given name.
    Name,
    /// By code.
    Code,
}

/// A search of the case book.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeopleQuery {
    /// Words to find: the start of any name (Latin or original script), other name, or code.
    #[serde(default)]
    pub text: String,
    /// Only this site (code or id).
    #[serde(default)]
    pub site: Option<String>,
    /// Only this status.
    #[serde(default)]
    pub status: Option<Status>,
    /// Only people with this flag.
    #[serde(default)]
    pub flag: Option<FlagKind>,
    /// Only this age band.
    #[serde(default)]
    pub age_band: Option<AgeBand>,
    /// Order.
    #[serde(default)]
    pub sort: Sort,
    /// At most this many rows (default 50, at most 500).
    #[serde(default)]
    pub limit: Option<u32>,
    /// Skip this many rows.
    #[serde(default)]
    pub offset: Option<u32>,
}

/// Why a person was found by the text typed, best first: what a volunteer reads to judge a
/// match they did not type letter for letter.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Matched {
    /// Their code, exactly.
    Code,
    /// A whole name, as typed (accents and case aside).
    Name,
    /// The start of a name or code.
    Prefix,
    /// A name spelt another way (Muhammad for Mohammed).
    SoundsLike,
    /// Their name in Arabic script (typed in Latin letters or another script).
    ArabicScript,
    /// Their name in Ge'ez script.
    EthiopicScript,
    /// Their name in Latin letters (typed in another script).
    LatinScript,
}

/// One person in a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonRow {
    /// Id.
    pub id: String,
    /// Code.
    pub code: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Name in original script.
    pub original_name: Option<String>,
    /// Sex.
    pub sex: Sex,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Age today.
    pub age: Option<Age>,
    /// Site code.
    pub site: String,
    /// Status.
    pub status: Status,
    /// People (active) in their household, 1 when alone.
    pub household_size: u32,
    /// Why they were found, when text was typed.
    #[serde(default)]
    pub matched: Option<Matched>,
}

/// A page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PeoplePage {
    /// The rows.
    pub rows: Vec<PersonRow>,
    /// Whether more rows follow.
    pub more: bool,
}

/// Builds an FTS5 query from what someone typed: every word must match the start of a word in
/// some name or the code. Words are quoted, so no input is FTS syntax.
pub fn match_expression(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c == '"')
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// Like [`match_expression`], each word a whole word.
fn exact_expression(text: &str) -> Option<String> {
    match_expression(text).map(|e| e.replace("\"*", "\""))
}

pub(super) const ROW_COLUMNS: &str =
    "p.id, p.code, p.given_name, p.family_name, p.original_name, p.sex, p.date_of_birth,
    s.code AS site, p.status,
    CASE WHEN p.household_id IS NULL THEN 1 ELSE
        max(1, (SELECT count(*) FROM people m WHERE m.household_id = p.household_id AND m.status = 'active')) END
        AS household_size";

/// Where each of [`ROW_COLUMNS`] is in a statement, found by name once per statement: a search
/// or an export reads many rows, and finding a column by name compares it with every name
/// before it.
pub(super) struct RowAt {
    id: usize,
    code: usize,
    given_name: usize,
    family_name: usize,
    original_name: usize,
    sex: usize,
    date_of_birth: usize,
    site: usize,
    status: usize,
    household_size: usize,
}

impl RowAt {
    pub(super) fn of(stmt: &Statement<'_>) -> rusqlite::Result<RowAt> {
        let at = |name: &str| stmt.column_index(name);
        Ok(RowAt {
            id: at("id")?,
            code: at("code")?,
            given_name: at("given_name")?,
            family_name: at("family_name")?,
            original_name: at("original_name")?,
            sex: at("sex")?,
            date_of_birth: at("date_of_birth")?,
            site: at("site")?,
            status: at("status")?,
            household_size: at("household_size")?,
        })
    }

    pub(super) fn read(&self, r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<PersonRow> {
        let dob: Option<NaiveDate> = r.get(self.date_of_birth)?;
        Ok(PersonRow {
            id: r.get(self.id)?,
            code: r.get(self.code)?,
            given_name: r.get(self.given_name)?,
            family_name: r.get(self.family_name)?,
            original_name: r.get(self.original_name)?,
            sex: r.get(self.sex)?,
            date_of_birth: dob,
            age: dob.and_then(|d| age_on(d, today)),
            site: r.get(self.site)?,
            status: r.get(self.status)?,
            household_size: r.get(self.household_size)?,
            matched: None,
        })
    }
}

/// Searches the case book: one page of results.
pub fn search(conn: &Connection, session: &Session, q: &PeopleQuery, today: NaiveDate) -> Result<PeoplePage> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let mut rows = query(conn, Some(session), q, today, Some((limit + 1, q.offset.unwrap_or(0))))?;
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    Ok(PeoplePage { rows, more })
}

/// Every person the query matches (for exports), ignoring its limit and offset.
pub fn all(
    conn: &Connection,
    session: &Session,
    q: &PeopleQuery,
    today: NaiveDate,
) -> Result<Vec<PersonRow>> {
    query(conn, Some(session), q, today, None)
}

/// Active people whose names (Latin or original script, other names) or code start with the
/// words in `text`, at one site (code or id) or at all: the distribution desk's lookup by name.
/// At most `limit` rows, newest registrations first. No flag is asked for, so there is no role
/// to check.
pub fn active_by_name(
    conn: &Connection,
    site: Option<&str>,
    text: &str,
    limit: u32,
    today: NaiveDate,
) -> Result<Vec<PersonRow>> {
    let q = PeopleQuery {
        text: text.to_string(),
        site: site.map(str::to_string),
        status: Some(Status::Active),
        ..PeopleQuery::default()
    };
    query(conn, None, &q, today, Some((limit.max(1), 0)))
}

/// Where the rows of one step of a search come from.
enum Source {
    /// Everyone (no text typed).
    All,
    /// The person with this code.
    Code(String),
    /// The full-text index (an FTS5 expression).
    Text(String),
    /// The name keys: each typed word matches one of its keys.
    Keys(Vec<Vec<NameKey>>),
}

/// The steps of a search for `text`, best match first: exact code, whole names, starts of
/// names, the same names spelt another way, then written in another script. The steps by keys
/// are left out when a word is too short to say how it sounds.
fn steps(text: &str) -> Vec<(Source, Matched)> {
    let Some(prefix) = match_expression(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let trimmed = text.trim();
    if !trimmed.contains(char::is_whitespace) {
        out.push((Source::Code(trimmed.to_uppercase()), Matched::Code));
    }
    if let Some(exact) = exact_expression(text) {
        out.push((Source::Text(exact), Matched::Name));
    }
    out.push((Source::Text(prefix), Matched::Prefix));
    let typed = names::query_keys(text);
    if typed.is_empty() || typed.len() != names::words(text).len() {
        return out;
    }
    let own = |q: &names::QueryKey| match (q.script, &q.sound) {
        (Script::Latin, Some(sound)) => NameKey { key: sound.clone(), kind: KeyKind::Sound },
        (Script::Arabic, _) => NameKey { key: q.skeleton.clone(), kind: KeyKind::Arabic },
        (Script::Ethiopic, _) => NameKey { key: q.skeleton.clone(), kind: KeyKind::Ethiopic },
        (Script::Latin, None) => NameKey { key: q.skeleton.clone(), kind: KeyKind::Skeleton },
    };
    out.push((Source::Keys(typed.iter().map(|q| vec![own(q)]).collect()), Matched::SoundsLike));
    for (script, kind, matched) in [
        (Script::Arabic, KeyKind::Arabic, Matched::ArabicScript),
        (Script::Ethiopic, KeyKind::Ethiopic, Matched::EthiopicScript),
        (Script::Latin, KeyKind::Skeleton, Matched::LatinScript),
    ] {
        if typed.iter().all(|q| q.script == script) {
            continue;
        }
        let words = typed
            .iter()
            .map(|q| {
                let mut keys = vec![own(q)];
                if q.script != script {
                    keys.push(NameKey { key: q.skeleton.clone(), kind });
                }
                keys
            })
            .collect();
        out.push((Source::Keys(words), matched));
    }
    out
}

/// The rows a query finds: each step of [`steps`] in turn, people already found left out, each
/// row saying which step found it. With a page, each step reads at most the rows the page can
/// still show (`limit + offset`), so as-you-type searches stop after the first steps.
fn query(
    conn: &Connection,
    session: Option<&Session>,
    q: &PeopleQuery,
    today: NaiveDate,
    page: Option<(u32, u32)>,
) -> Result<Vec<PersonRow>> {
    let steps = steps(&q.text);
    if steps.is_empty() {
        return query_source(conn, session, q, today, &Source::All, page);
    }
    let want = page.map(|(limit, offset)| limit as usize + offset as usize);
    let mut out: Vec<PersonRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (source, matched) in &steps {
        if want.is_some_and(|w| out.len() >= w) {
            break;
        }
        let rows = query_source(conn, session, q, today, source, want.map(|w| (w as u32, 0)))?;
        for mut row in rows {
            if seen.insert(row.id.clone()) {
                row.matched = Some(*matched);
                out.push(row);
            }
        }
    }
    Ok(match page {
        Some((limit, offset)) => out.into_iter().skip(offset as usize).take(limit as usize).collect(),
        None => out,
    })
}

fn query_source(
    conn: &Connection,
    session: Option<&Session>,
    q: &PeopleQuery,
    today: NaiveDate,
    source: &Source,
    page: Option<(u32, u32)>,
) -> Result<Vec<PersonRow>> {
    // The page's people are chosen first (by rowid), and only they are read whole: the columns
    // cost a look-up each (site, household size), so they are not computed for every
    // candidate a sort goes through.
    let mut sql = "SELECT p.rowid AS page_rowid FROM ".to_string();
    let mut args: Vec<Value> = Vec::new();
    let mut conditions: Vec<String> = Vec::new();
    // An order the source is read in already (newest first), used for the default sort.
    let mut index_order: Option<&str> = None;
    match source {
        Source::All => sql.push_str("people p"),
        Source::Code(code) => {
            sql.push_str("people p");
            args.push(Value::Text(code.clone()));
            // A merged record's code finds the person it was merged into.
            conditions.push(format!(
                "p.id = (SELECT coalesce(c.merged_into, c.id) FROM people c WHERE c.code = ?{})",
                args.len()
            ));
        }
        Source::Text(expr) => {
            // CROSS JOIN keeps the full-text index as the outer loop, read in rowid order, so a
            // page stops after its rows instead of filtering the whole table first.
            sql.push_str("people_fts f CROSS JOIN people p ON p.rowid = f.rowid");
            args.push(Value::Text(expr.clone()));
            conditions.push(format!("people_fts MATCH ?{}", args.len()));
            index_order = Some(" ORDER BY f.rowid DESC");
        }
        Source::Keys(words) => {
            // The first word's keys lead; every other word is a look-up of the person's keys by
            // primary key. With one key leading, its index range is read newest person first,
            // so a page stops after its rows like the full-text index does.
            let Some((first, rest)) = words.split_first() else {
                return Ok(Vec::new());
            };
            let key_match = |alias: &str, k: &NameKey, args: &mut Vec<Value>| {
                args.push(Value::Text(k.key.clone()));
                format!("{alias}.key = ?{} AND {alias}.kind = '{}'", args.len(), k.kind.as_str())
            };
            if let [one] = first.as_slice() {
                sql.push_str("person_name_keys d CROSS JOIN people p ON p.rowid = d.person_rowid");
                conditions.push(key_match("d", one, &mut args));
                index_order = Some(" ORDER BY d.person_rowid DESC");
            } else {
                let leads: Vec<String> = first
                    .iter()
                    .map(|k| {
                        format!(
                            "SELECT person_rowid FROM person_name_keys k WHERE {}",
                            key_match("k", k, &mut args)
                        )
                    })
                    .collect();
                sql.push_str(&format!(
                    "({}) d CROSS JOIN people p ON p.rowid = d.person_rowid",
                    leads.join(" UNION ")
                ));
            }
            for word in rest {
                let any: Vec<String> = word
                    .iter()
                    .map(|k| {
                        format!(
                            "EXISTS (SELECT 1 FROM person_name_keys k WHERE {} AND k.person_rowid = p.rowid)",
                            key_match("k", k, &mut args)
                        )
                    })
                    .collect();
                conditions.push(format!("({})", any.join(" OR ")));
            }
        }
    }
    // A merged record is shown through the person it was merged into, never as a case of its own.
    conditions.push("p.merged_into IS NULL".to_string());
    if let Some(site) = &q.site {
        args.push(Value::Text(sites::resolve(conn, site)?.id));
        conditions.push(format!("p.site_id = ?{}", args.len()));
    }
    if let Some(status) = q.status {
        args.push(Value::Text(status.as_str().into()));
        conditions.push(format!("p.status = ?{}", args.len()));
    }
    if let Some(band) = q.age_band {
        let (after, by) = band.birth_range(today);
        if let Some(after) = after {
            args.push(Value::Text(after.to_string()));
            conditions.push(format!("p.date_of_birth > ?{}", args.len()));
        }
        if let Some(by) = by {
            args.push(Value::Text(by.to_string()));
            conditions.push(format!("p.date_of_birth <= ?{}", args.len()));
        }
    }
    if let Some(flag) = q.flag {
        if flag.restricted() {
            match session {
                Some(s) => s.require(Role::Coordinator, "search by safeguarding or medical flags")?,
                None => {
                    return Err(Error::new(crate::Code::SearchFlagsCoordinatorOnly, serde_json::json!({})))
                }
            }
        }
        conditions.push(flag_condition(flag, today, &mut args));
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    let order = match q.sort {
        Sort::Recent => " ORDER BY p.rowid DESC",
        Sort::Name => " ORDER BY p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.code",
        Sort::Code => " ORDER BY p.code",
    };
    sql.push_str(match index_order {
        Some(by_index) if q.sort == Sort::Recent => by_index,
        _ => order,
    });
    if let Some((limit, offset)) = page {
        args.push(Value::Integer(i64::from(limit)));
        args.push(Value::Integer(i64::from(offset)));
        sql.push_str(&format!(" LIMIT ?{} OFFSET ?{}", args.len() - 1, args.len()));
    }
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM ({sql}) page CROSS JOIN people p ON p.rowid = page.page_rowid
         JOIN sites s ON s.id = p.site_id{order}"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let at = RowAt::of(&stmt)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| at.read(r, today))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// People whose names match `text` by their name keys only (spelt another way, or written in
/// another script), at any site and status: the duplicate check's candidates. At most `limit`
/// per step.
pub(super) fn by_keys(conn: &Connection, text: &str, today: NaiveDate, limit: u32) -> Result<Vec<PersonRow>> {
    let q = PeopleQuery::default();
    let mut out: Vec<PersonRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for (source, matched) in steps(text).into_iter().filter(|(s, _)| matches!(s, Source::Keys(_))) {
        for mut row in query_source(conn, None, &q, today, &source, Some((limit, 0)))? {
            if seen.insert(row.id.clone()) {
                row.matched = Some(matched);
                out.push(row);
            }
        }
    }
    Ok(out)
}

fn flag_condition(flag: FlagKind, today: NaiveDate, args: &mut Vec<Value>) -> String {
    let set_by_hand = |kind: &str| {
        format!("EXISTS (SELECT 1 FROM person_flags pf WHERE pf.person_id = p.id AND pf.active = 1 AND pf.kind = '{kind}')")
    };
    match flag {
        FlagKind::Baby => {
            args.push(Value::Text(born_on_or_before(today, 1).to_string()));
            format!("p.date_of_birth > ?{}", args.len())
        }
        FlagKind::UnaccompaniedMinor => {
            args.push(Value::Text(born_on_or_before(today, 18).to_string()));
            let n = args.len();
            format!(
                "p.status = 'active' AND ({} OR (p.date_of_birth > ?{n} AND NOT EXISTS (
                    SELECT 1 FROM people a WHERE a.household_id = p.household_id AND a.status = 'active'
                      AND a.date_of_birth <= ?{n})))",
                set_by_hand("unaccompanied_minor")
            )
        }
        other => set_by_hand(other.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_quoted_prefix_terms() {
        assert_eq!(match_expression("  fat  ahm "), Some("\"fat\"* AND \"ahm\"*".into()));
        assert_eq!(match_expression("CAL-0042"), Some("\"CAL-0042\"*".into()));
        assert_eq!(match_expression("x\" OR 1"), Some("\"x\"* AND \"OR\"* AND \"1\"*".into()));
        assert_eq!(match_expression(" - ( "), None);
        assert_eq!(match_expression("فاط"), Some("\"فاط\"*".into()));
        assert_eq!(exact_expression("fatima ali"), Some("\"fatima\" AND \"ali\"".into()));
    }

    #[test]
    fn steps_go_from_the_code_to_other_scripts() {
        let kinds = |text: &str| steps(text).into_iter().map(|(_, m)| m).collect::<Vec<_>>();
        use Matched::*;
        assert_eq!(kinds("fatma"), [Code, Name, Prefix, SoundsLike, ArabicScript, EthiopicScript]);
        assert_eq!(kinds("fatma rahimi"), [Name, Prefix, SoundsLike, ArabicScript, EthiopicScript]);
        assert_eq!(kinds("فاطمة"), [Code, Name, Prefix, SoundsLike, EthiopicScript, LatinScript]);
        assert_eq!(kinds("fa"), [Code, Name, Prefix], "too short to say how it sounds");
        assert_eq!(kinds("fatma r"), [Name, Prefix]);
        assert!(kinds(" ( ").is_empty());
    }
}
