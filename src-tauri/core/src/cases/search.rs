//! Finding people: as-you-type search over every name and code (SQLite FTS5: prefix,
//! accent-insensitive, any script), filters, and the duplicate warning shown before a new
//! person is saved.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, Row, Statement};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::age::{age_on, born_on_or_before, Age, AgeBand};
use super::flags::FlagKind;
use super::people::{self, PersonDetails};
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

const ROW_COLUMNS: &str =
    "p.id, p.code, p.given_name, p.family_name, p.original_name, p.sex, p.date_of_birth,
    s.code AS site, p.status,
    CASE WHEN p.household_id IS NULL THEN 1 ELSE
        max(1, (SELECT count(*) FROM people m WHERE m.household_id = p.household_id AND m.status = 'active')) END
        AS household_size";

/// Where each of [`ROW_COLUMNS`] is in a statement, found by name once per statement: a search
/// or an export reads many rows, and finding a column by name compares it with every name
/// before it.
struct RowAt {
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
    fn of(stmt: &Statement<'_>) -> rusqlite::Result<RowAt> {
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

    fn read(&self, r: &Row<'_>, today: NaiveDate) -> rusqlite::Result<PersonRow> {
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

fn query(
    conn: &Connection,
    session: Option<&Session>,
    q: &PeopleQuery,
    today: NaiveDate,
    page: Option<(u32, u32)>,
) -> Result<Vec<PersonRow>> {
    let mut sql = format!("SELECT {ROW_COLUMNS} FROM ");
    let mut args: Vec<Value> = Vec::new();
    let mut conditions: Vec<String> = Vec::new();
    let text = match_expression(&q.text);
    match &text {
        Some(expr) => {
            // CROSS JOIN keeps the full-text index as the outer loop, read in rowid order, so a
            // page stops after its rows instead of filtering the whole table first.
            sql.push_str(
                "people_fts f CROSS JOIN people p ON p.rowid = f.rowid JOIN sites s ON s.id = p.site_id",
            );
            args.push(Value::Text(expr.clone()));
            conditions.push(format!("people_fts MATCH ?{}", args.len()));
        }
        None => sql.push_str("people p JOIN sites s ON s.id = p.site_id"),
    }
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
                    return Err(Error::Forbidden(
                        "Searching by safeguarding or medical flags needs a coordinator.".into(),
                    ))
                }
            }
        }
        conditions.push(flag_condition(flag, today, &mut args));
    }
    if !conditions.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conditions.join(" AND "));
    }
    sql.push_str(match q.sort {
        Sort::Recent if text.is_some() => " ORDER BY f.rowid DESC",
        Sort::Recent => " ORDER BY p.rowid DESC",
        Sort::Name => " ORDER BY p.family_name COLLATE NOCASE, p.given_name COLLATE NOCASE, p.code",
        Sort::Code => " ORDER BY p.code",
    });
    if let Some((limit, offset)) = page {
        args.push(Value::Integer(i64::from(limit)));
        args.push(Value::Integer(i64::from(offset)));
        sql.push_str(&format!(" LIMIT ?{} OFFSET ?{}", args.len() - 1, args.len()));
    }
    let mut stmt = conn.prepare_cached(&sql)?;
    let at = RowAt::of(&stmt)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| at.read(r, today))?;
    Ok(rows.collect::<Result<_, _>>()?)
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

/// Someone already in the case book who may be the person being registered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Duplicate {
    /// The person already registered.
    pub person: PersonRow,
    /// Why they look alike, in plain words.
    pub reasons: Vec<String>,
}

/// Folds a name for comparison: lower case, accents removed, spaces squeezed.
pub fn fold(name: &str) -> String {
    let folded: String = name
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn similar(a: &str, b: &str) -> bool {
    let (a, b) = (fold(a), fold(b));
    a == b || (a.chars().count() >= 3 && strsim::jaro_winkler(&a, &b) >= 0.88)
}

fn digits(phone: &str) -> String {
    let d: String = phone.chars().filter(char::is_ascii_digit).collect();
    // Compare the last 9 digits: "+33 6 12 34 56 78" and "06 12 34 56 78" are the same phone.
    d.chars().skip(d.len().saturating_sub(9)).collect()
}

/// People who may be the same as the one described: a similar name (accent-insensitive, or the
/// same name in original script) with an age within two years (or an unknown age), or the same
/// phone number. At most ten, closest first.
pub fn duplicates(conn: &Connection, d: &PersonDetails, today: NaiveDate) -> Result<Vec<Duplicate>> {
    let checked = people::check(d, today)?;
    let mut candidates: Vec<(String, PersonRow)> = Vec::new();
    let mut add = |conn: &Connection, sql: &str, arg: &str| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let at = RowAt::of(&stmt)?;
        let phone = stmt.column_index("phone")?;
        let found = stmt.query_map([arg], |r| {
            Ok((r.get::<_, Option<String>>(phone)?.unwrap_or_default(), at.read(r, today)?))
        })?;
        for f in found {
            let (phone, person) = f?;
            if !candidates.iter().any(|(_, c)| c.id == person.id) {
                candidates.push((phone, person));
            }
        }
        Ok(())
    };
    let prefix = |name: &str| fold(name).chars().take(3).collect::<String>();
    let with_phone = format!("SELECT {ROW_COLUMNS}, p.phone FROM");
    let names = [&checked.given_name, &checked.family_name]
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| prefix(n))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(expr) = match_expression(&names) {
        add(
            conn,
            &format!("{with_phone} people_fts f CROSS JOIN people p ON p.rowid = f.rowid JOIN sites s ON s.id = p.site_id
                      WHERE people_fts MATCH ?1 LIMIT 200"),
            &expr,
        )?;
    }
    if let Some(original) = &checked.original_name {
        add(
            conn,
            &format!(
                "{with_phone} people p JOIN sites s ON s.id = p.site_id WHERE p.original_name = ?1 LIMIT 50"
            ),
            original,
        )?;
    }
    if let Some(phone) = &checked.phone {
        let tail = digits(phone);
        if tail.len() >= 6 {
            add(
                conn,
                &format!("{with_phone} people p JOIN sites s ON s.id = p.site_id
                          WHERE p.phone IS NOT NULL AND replace(replace(replace(replace(replace(p.phone, ' ', ''), '-', ''), '.', ''), '(', ''), ')', '') LIKE '%' || ?1
                          LIMIT 50"),
                &tail,
            )?;
        }
    }
    let age = checked.date_of_birth.and_then(|dob| age_on(dob, today));
    let mut out: Vec<(u32, Duplicate)> = Vec::new();
    for (phone, person) in candidates {
        let mut reasons = Vec::new();
        let mut score = 0;
        let name_alike = similar(&checked.given_name, &person.given_name)
            && (checked.family_name.is_empty() || similar(&checked.family_name, &person.family_name));
        let original_alike = checked.original_name.is_some() && checked.original_name == person.original_name;
        let close_age = match (age, person.age) {
            (Some(a), Some(b)) => a.years.abs_diff(b.years) <= 2,
            _ => true,
        };
        if (name_alike || original_alike) && close_age {
            reasons.push(match (age, person.age) {
                (Some(_), Some(b)) => format!("similar name, aged {}", b.years),
                _ => "similar name (age not known)".to_string(),
            });
            score += if original_alike { 3 } else { 2 };
        }
        if let Some(p) = &checked.phone {
            if !phone.is_empty() && digits(p) == digits(&phone) {
                reasons.push("same phone number".to_string());
                score += 3;
            }
        }
        if !reasons.is_empty() {
            out.push((score, Duplicate { person, reasons }));
        }
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.person.code.cmp(&b.1.person.code)));
    Ok(out.into_iter().take(10).map(|(_, d)| d).collect())
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
    }

    #[test]
    fn folding_ignores_accents_and_case() {
        assert_eq!(fold("Zoë  NGUYỄN"), "zoe nguyen");
        assert!(similar("Mohammed", "Mohamed"));
        assert!(similar("Hélène", "helene"));
        assert!(!similar("Amina", "Omar"));
    }

    #[test]
    fn phones_compare_on_their_last_nine_digits() {
        assert_eq!(digits("+33 6 12 34 56 78"), digits("06 12 34 56 78"));
    }
}
