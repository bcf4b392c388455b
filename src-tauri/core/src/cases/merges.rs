//! One person registered twice (at two sites before an exchange, or twice at one) becomes one:
//! the possible duplicates a coordinator reviews, "not the same person", and the merge.
//!
//! A merge travels between replicas as one small record (`person_merges`: this person was
//! merged into that one) and the kept record's values taken from the merged one, as ordinary
//! changes. Moving every row about the merged person to the kept one is local work that every
//! replica does the same way ([`settle`]): where the merge is made, when its record arrives,
//! and after every apply, so that a row made elsewhere before that replica knew of the merge (a
//! note, a collection) follows too. The merged record stays, read-only, marked
//! `merged_into` the kept one; its code still finds the kept person.
//!
//! Every replica ends equal whatever order the records arrive in: the records are taken as
//! links between people, and each group of linked people ends in one person, the only one
//! merged into nobody, or else (two replicas merging a pair in opposite directions, or one
//! person into two others) the first by id of those merged into nobody, or of the group.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::duplicates::duplicates;
use super::people::PersonDetails;
use super::search::{PersonRow, RowAt, ROW_COLUMNS};
use crate::access::Session;
use crate::db::capture::{capture_in, LOCAL_TABLES};
use crate::{Code, Error, Result};

/// Tables whose rows about a person stay with the record they were written for: the person
/// itself, the merge and dismissal records (they name both people on purpose), erasures, and
/// ID cards: a card is printed with the merged record's code and its number for that code, so
/// it stays with that record, where the desk checks it is the newest card and then takes the
/// code to the kept person.
pub const NOT_FOLLOWED: &[&str] =
    &["people", "person_merges", "duplicate_dismissals", "erasures", "id_cards"];

/// Columns that hold a person's id without being named for it: the unit a collection was
/// made for is the household, or the person when they have none.
pub const UNIT_COLUMNS: &[(&str, &str)] = &[("collections", "unit_id"), ("collection_lines", "unit_id")];

/// Two records that may be one person, with why they look alike.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DuplicatePair {
    /// The record registered first.
    pub first: PersonRow,
    /// The other record.
    pub second: PersonRow,
    /// Why they look alike, in plain words (as the duplicate warning says them).
    pub reasons: Vec<String>,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Merged {
    /// The kept person's id.
    pub keep: String,
    /// The kept person's code.
    pub keep_code: String,
    /// The merged person's code (it still finds the kept person).
    pub merged_code: String,
    /// How many rows about the merged person now point at the kept one.
    pub moved: usize,
}

/// Every column of a table that rows about a person follow on a merge: each column named
/// `person_id` or referring to `people`, in every table but the local ones and
/// [`NOT_FOLLOWED`], then [`UNIT_COLUMNS`]. Found from the schema, so a table added later is
/// followed without a change here.
pub fn followed_columns(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
         WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%' AND c.name = 'person_id'
         UNION
         SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
         WHERE m.type = 'table' AND f.\"table\" = 'people'
         ORDER BY 1, 2",
    )?;
    let found = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for f in found {
        let (table, column) = f?;
        if !LOCAL_TABLES.contains(&table.as_str()) && !NOT_FOLLOWED.contains(&table.as_str()) {
            out.push((table, column));
        }
    }
    Ok(out)
}

/// Where each merged person's rows belong, from the merge records (see the module's
/// documentation): merged person → the person their group ends in.
fn ends(conn: &Connection) -> Result<BTreeMap<String, String>> {
    let mut stmt = conn.prepare("SELECT person_id, keep_id FROM person_merges")?;
    let links: Vec<(String, String)> =
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    // Groups of linked people (union-find over the links, both ways).
    let mut parent: HashMap<String, String> = HashMap::new();
    fn find(parent: &mut HashMap<String, String>, x: &str) -> String {
        let mut root = x.to_string();
        while let Some(p) = parent.get(&root).filter(|p| **p != root) {
            root = p.clone();
        }
        parent.insert(x.to_string(), root.clone());
        root
    }
    for (a, b) in &links {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(high, low);
        }
    }
    let merged: BTreeSet<&String> = links.iter().map(|(a, _)| a).collect();
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in &links {
        for x in [a, b] {
            let g = find(&mut parent, x);
            groups.entry(g).or_default().insert(x.clone());
        }
    }
    let mut out = BTreeMap::new();
    for members in groups.values() {
        // BTreeSet: the first is the smallest id.
        let end = members
            .iter()
            .find(|m| !merged.contains(m))
            .or_else(|| members.iter().next())
            .cloned()
            .unwrap_or_default();
        for m in members {
            if *m != end {
                out.insert(m.clone(), end.clone());
            }
        }
    }
    Ok(out)
}

/// The codes of the other records in `id`'s merge group (the one it was merged into, those
/// merged into it, and so on), in code order: an erasure of one erases them all.
pub fn merged_with(conn: &Connection, id: &str) -> Result<Vec<String>> {
    let Some(members) = groups(conn)?.into_iter().find(|g| g.iter().any(|m| m == id)) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached("SELECT code FROM people WHERE id = ?1")?;
    let mut codes = Vec::new();
    for m in members.iter().filter(|m| *m != id) {
        if let Some(code) = stmt.query_row([m], |r| r.get::<_, String>(0)).optional()? {
            codes.push(code);
        }
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// The groups of people the merge records make one: each group's members, the person it ends
/// in first. Erasure uses it: a group is one person, erased whole ([`crate::privacy`]).
pub fn groups(conn: &Connection) -> Result<Vec<Vec<String>>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (merged, end) in ends(conn)? {
        out.entry(end.clone()).or_insert_with(|| vec![end]).push(merged);
    }
    Ok(out.into_values().collect())
}

/// Brings every replica's rows in line with the merge records: each merged person is marked
/// `merged_into` the person their group ends in and closed, and every row about them follows
/// there.
/// Uncaptured local work (the records travel, this does not), run where a merge is made and
/// after every apply; running it again changes nothing. Returns how many rows moved.
pub(crate) fn settle(conn: &Connection) -> Result<usize> {
    let ends = ends(conn)?;
    let marked: Vec<(String, String)> = conn
        .prepare("SELECT id, merged_into FROM people WHERE merged_into IS NOT NULL")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, into) in &marked {
        // Marked here before a record from elsewhere made them the one kept (two replicas
        // merging a pair in opposite directions): active again, unless someone
        // closed the case themselves (which sets a closing day; a merge closes without one).
        if !ends.contains_key(id) {
            conn.execute(
                "UPDATE people SET merged_into = NULL,
                     status = CASE WHEN status = 'closed' AND closed_on IS NULL THEN 'active' ELSE status END
                 WHERE id = ?1",
                [id],
            )?;
        } else if ends.get(id) != Some(into) {
            conn.execute("UPDATE people SET merged_into = NULL WHERE id = ?1", [id])?;
        }
    }
    if ends.is_empty() {
        return Ok(0);
    }
    let columns = followed_columns(conn)?;
    let mut moved = 0;
    for (merged, end) in &ends {
        // Closed, so that the record is not counted, listed for a distribution or served twice;
        // no closing day is set, so every replica writes the same row.
        conn.execute(
            "UPDATE people SET merged_into = ?2, status = 'closed'
             WHERE id = ?1 AND (merged_into IS NOT ?2 OR status <> 'closed')",
            params![merged, end],
        )?;
        // A row that would break a rule at the kept person (a second UK checklist) stays with
        // the merged record here; the exchange's unique rule then keeps the later of the two
        // (`exchange::settle_merged`, run after this wherever this runs).
        for (table, column) in &columns {
            moved += conn.execute(
                &format!("UPDATE OR IGNORE \"{table}\" SET \"{column}\" = ?2 WHERE \"{column}\" = ?1"),
                params![merged, end],
            )?;
        }
        let unit: String =
            conn.query_row("SELECT coalesce(household_id, id) FROM people WHERE id = ?1", [end], |r| {
                r.get(0)
            })?;
        for (table, column) in UNIT_COLUMNS {
            moved += conn.execute(
                &format!("UPDATE OR IGNORE \"{table}\" SET \"{column}\" = ?2 WHERE \"{column}\" = ?1"),
                params![merged, unit],
            )?;
        }
    }
    Ok(moved)
}

/// The person a code or id stands for now: the kept person when it names a merged record.
pub fn current(conn: &Connection, id: &str) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT coalesce(merged_into, id) FROM people WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .unwrap_or_else(|| id.to_string()))
}

/// The state of a record that a merge must check: its code, and whether it is merged or
/// anonymised.
fn mergeable(conn: &Connection, id: &str, field: &str) -> Result<String> {
    let row: Option<(String, Option<String>, Option<String>)> = conn
        .query_row("SELECT code, merged_into, anonymised_at FROM people WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    let Some((code, merged, anonymised)) = row else {
        return Err(Error::at(field, Code::PersonNotFound, json!({})));
    };
    if anonymised.is_some() {
        return Err(Error::at(field, Code::MergeAnonymised, json!({"code": code})));
    }
    if merged.is_some() {
        return Err(Error::at(field, Code::MergeAlreadyMerged, json!({"code": code})));
    }
    Ok(code)
}

/// Merges the person `merged` into `keep`, in the caller's transaction (one that is not
/// captured, [`crate::Db::write_uncaptured`]): the merge record and the values the kept record
/// lacks (phone, original-script name, date of birth, nationality, languages, household) are
/// captured as one change; moving the rows is [`settle`], which every replica does
/// itself. An anonymised or already merged record cannot be merged.
pub fn merge(tx: &Transaction<'_>, s: &Session, keep: &str, merged: &str) -> Result<Merged> {
    if keep == merged {
        return Err(Error::at("merged", Code::MergeSamePerson, json!({})));
    }
    let keep_code = mergeable(tx, keep, "keep")?;
    let merged_code = mergeable(tx, merged, "merged")?;
    capture_in(tx, |tx| {
        tx.execute(
            "INSERT INTO person_merges (person_id, keep_id, merged_at, merged_by, created_at, updated_at)
             VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?3,
                     strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            params![merged, keep, s.user_id],
        )?;
        // Nothing is lost: what the kept record lacks comes from the merged one (which keeps
        // its own names and values, read-only). Only those columns are written, so a concurrent
        // edit of the kept record's other fields elsewhere is not a conflict.
        tx.execute(
            "UPDATE people SET
                 phone = coalesce(nullif(people.phone, ''), m.phone),
                 original_name = coalesce(nullif(people.original_name, ''), m.original_name),
                 dob_estimated = CASE WHEN people.date_of_birth IS NULL AND m.date_of_birth IS NOT NULL
                                      THEN m.dob_estimated ELSE people.dob_estimated END,
                 date_of_birth = coalesce(people.date_of_birth, m.date_of_birth),
                 nationality = coalesce(nullif(people.nationality, ''), m.nationality),
                 languages = coalesce(nullif(people.languages, ''), m.languages),
                 relationship = CASE WHEN people.household_id IS NULL THEN m.relationship
                                     ELSE people.relationship END,
                 household_id = coalesce(people.household_id, m.household_id)
             FROM (SELECT * FROM people WHERE id = ?2) m
             WHERE people.id = ?1",
            params![keep, merged],
        )?;
        Ok(())
    })?;
    let (given, family, original, others): (String, String, Option<String>, String) = tx.query_row(
        "SELECT given_name, family_name, original_name, other_names FROM people WHERE id = ?1",
        [keep],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    super::names::index_person(tx, keep, &given, &family, original.as_deref(), &others)?;
    let moved = settle(tx)?;
    Ok(Merged { keep: keep.to_string(), keep_code, merged_code, moved })
}

/// Records that `a` and `b` are two people, so the pair is not offered again on any replica
/// (a replicated row, in the caller's captured transaction). Saying it twice changes nothing.
pub fn dismiss(conn: &Connection, s: &Session, a: &str, b: &str) -> Result<()> {
    if a == b {
        return Err(Error::at("second", Code::MergeSamePerson, json!({})));
    }
    for (id, field) in [(a, "first"), (b, "second")] {
        let found: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)", [id], |r| r.get(0))?;
        if !found {
            return Err(Error::at(field, Code::PersonNotFound, json!({})));
        }
    }
    let (x, y) = if a < b { (a, b) } else { (b, a) };
    conn.execute(
        "INSERT INTO duplicate_dismissals (person_a, person_b, dismissed_at, dismissed_by, created_at, updated_at)
         VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?3,
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
         ON CONFLICT (person_a, person_b) DO NOTHING",
        params![x, y, s.user_id],
    )?;
    Ok(())
}

/// Pairs of living records (not merged, not anonymised) that the duplicate check finds alike
/// (names alike in any script with an age that fits, or the same phone), leaving out pairs
/// found to be two people: at most `limit`, in the order of the first record's code.
pub fn possible_duplicates(conn: &Connection, today: NaiveDate, limit: usize) -> Result<Vec<DuplicatePair>> {
    let dismissed: BTreeSet<(String, String)> = conn
        .prepare("SELECT person_a, person_b FROM duplicate_dismissals")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let living: Vec<(PersonRow, Option<String>)> = {
        let mut stmt = conn.prepare(&format!(
            "SELECT {ROW_COLUMNS}, p.phone FROM people p JOIN sites s ON s.id = p.site_id
             WHERE p.merged_into IS NULL AND p.anonymised_at IS NULL ORDER BY p.code"
        ))?;
        let at = RowAt::of(&stmt)?;
        let phone = stmt.column_index("phone")?;
        let rows = stmt.query_map([], |r| Ok((at.read(r, today)?, r.get(phone)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let by_id: HashMap<&str, &PersonRow> = living.iter().map(|(p, _)| (p.id.as_str(), p)).collect();
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for (person, phone) in &living {
        let details = PersonDetails {
            given_name: person.given_name.clone(),
            family_name: person.family_name.clone(),
            original_name: person.original_name.clone(),
            date_of_birth: person.date_of_birth,
            phone: phone.clone(),
            ..PersonDetails::default()
        };
        // A record the form would refuse today (an odd date kept from an import) is left out
        // rather than stopping the whole list.
        let found = match duplicates(conn, &details, today) {
            Ok(found) => found,
            Err(e) if e.kind() == crate::ErrorKind::Validation => continue,
            Err(e) => return Err(e),
        };
        for d in found {
            let Some(other) = by_id.get(d.person.id.as_str()) else { continue };
            if other.id == person.id {
                continue;
            }
            let key = if person.id < other.id {
                (person.id.clone(), other.id.clone())
            } else {
                (other.id.clone(), person.id.clone())
            };
            if dismissed.contains(&key) || !seen.insert(key) {
                continue;
            }
            out.push(DuplicatePair { first: person.clone(), second: (*other).clone(), reasons: d.reasons });
            if out.len() >= limit {
                return Ok(out);
            }
        }
    }
    Ok(out)
}
