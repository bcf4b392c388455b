//! The duplicate warning shown before a new person is saved (and for each row of an import):
//! people already registered whose names are alike (spelt alike, sounding alike by the name
//! keys, or the same name in another script) and whose age fits, or who have the same phone.

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::age::age_on;
use super::names::names_match;
use super::people::{self, PersonDetails};
use super::search::{by_keys, match_expression, PersonRow, RowAt, ROW_COLUMNS};
use crate::Result;

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

/// People who may be the same as the one described: a similar name (accent-insensitive, spelt
/// another way by the name keys, or the same name in original script or across scripts) with an
/// age within two years (or an unknown age), or the same phone number. A namesake born on
/// another day is told apart by the age; one born the same day is ranked first. At most ten,
/// closest first.
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
    let latin = format!("{} {}", checked.given_name, checked.family_name);
    for text in [Some(&latin), checked.original_name.as_ref()].into_iter().flatten() {
        for person in by_keys(conn, text, today, 100)? {
            if !candidates.iter().any(|(_, c)| c.id == person.id) {
                let phone: Option<String> = conn
                    .prepare_cached("SELECT phone FROM people WHERE id = ?1")?
                    .query_row([&person.id], |r| r.get(0))?;
                candidates.push((phone.unwrap_or_default(), person));
            }
        }
    }
    let age = checked.date_of_birth.and_then(|dob| age_on(dob, today));
    let mut out: Vec<(u32, Duplicate)> = Vec::new();
    for (phone, person) in candidates {
        let mut reasons = Vec::new();
        let mut score = 0;
        let their_latin = format!("{} {}", person.given_name, person.family_name);
        let name_alike = (similar(&checked.given_name, &person.given_name)
            && (checked.family_name.is_empty() || similar(&checked.family_name, &person.family_name)))
            || names_match(&latin, &their_latin);
        let original_alike = match (&checked.original_name, &person.original_name) {
            (Some(mine), Some(theirs)) => mine == theirs || names_match(mine, theirs),
            (Some(mine), None) => names_match(mine, &their_latin),
            (None, Some(theirs)) => names_match(&latin, theirs),
            (None, None) => false,
        };
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
            if checked.date_of_birth.is_some() && checked.date_of_birth == person.date_of_birth {
                reasons.push("born the same day".to_string());
                score += 2;
            }
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
