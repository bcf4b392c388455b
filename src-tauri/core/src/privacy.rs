//! Data protection: a person's right to see what the centre holds about them (subject access),
//! erasure by anonymisation, and the retention rule that anonymises closed cases after a set
//! number of months.
//!
//! Anonymising keeps what the centre's statistics and stock ledger need (the record, its code,
//! site, sex, year of birth, status, household links, flags' kinds, collections, sign-ups) and
//! removes what identifies the person: names, exact date of birth, nationality, languages,
//! phone, case notes, free text in flags and referrals, phone numbers issued, and the UK
//! checklist. The record is marked, so it is never listed as a living case again.

use chrono::{Datelike, Months, NaiveDate};
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::{Code, Error, Result};

/// Name given to an anonymised person.
pub const ANONYMISED_NAME: &str = "Anonymised";

/// Tables with a `person_id` column: everything recorded about a person, in whichever area.
/// Found from the schema, so tables added later are included without a change here.
pub fn person_tables(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT m.name FROM sqlite_master m
         WHERE m.type = 'table' AND m.sql NOT LIKE 'CREATE VIRTUAL%'
           AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) c WHERE c.name = 'person_id')
         ORDER BY m.name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn json_of(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => json!(format!("<{} bytes>", b.len())),
    }
}

/// Every row of `sql` (with one `?1` parameter) as JSON objects.
fn rows_as_json(conn: &Connection, sql: &str, arg: &str) -> Result<Vec<Value>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(String::from).collect();
    let mut rows = stmt.query([arg])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut obj = Map::new();
        for (i, name) in names.iter().enumerate() {
            obj.insert(name.clone(), json_of(r.get_ref(i)?));
        }
        out.push(Value::Object(obj));
    }
    Ok(out)
}

/// Everything the database holds about one person: their record, every row in every table
/// that refers to them, their household, and the audit entries about them.
pub fn subject_access(conn: &Connection, person_id: &str) -> Result<Value> {
    let person = rows_as_json(conn, "SELECT * FROM people WHERE id = ?1", person_id)?
        .pop()
        .ok_or_else(|| Error::new(Code::PersonNotFound, json!({})))?;
    let mut tables = Map::new();
    for table in person_tables(conn)? {
        let rows = rows_as_json(conn, &format!("SELECT * FROM \"{table}\" WHERE person_id = ?1"), person_id)?;
        if !rows.is_empty() {
            tables.insert(table, Value::Array(rows));
        }
    }
    let household = match person.get("household_id").and_then(Value::as_str) {
        Some(h) => rows_as_json(
            conn,
            "SELECT h.name AS household, p.code, p.given_name, p.family_name, p.relationship
             FROM households h JOIN people p ON p.household_id = h.id WHERE h.id = ?1 ORDER BY p.code",
            h,
        )?,
        None => Vec::new(),
    };
    let audit = rows_as_json(
        conn,
        "SELECT seq, created_at, username, action, entity, detail FROM audit_log
         WHERE entity_id = ?1 ORDER BY seq",
        person_id,
    )?;
    Ok(json!({
        "person": person,
        "household": household,
        "records": tables,
        "audit": audit,
    }))
}

/// Why a person's record was erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erasure {
    /// The person asked.
    Request,
    /// The retention rule: a closed case past the retention period.
    Retention,
}

/// Erases a person on this replica: records the erasure (the one change that travels, an
/// `erasures` row naming the person and when, no values) and anonymises the record here,
/// outside the captured change, so that no changeset carries the values removed. Runs in a
/// transaction that is not captured ([`crate::Db::write_uncaptured`]); every other replica
/// anonymises the person itself when the erasure arrives ([`scrub_erased`]). Returns when it
/// was erased.
pub fn erase(
    tx: &rusqlite::Transaction<'_>,
    s: &crate::Session,
    person_id: &str,
    why: Erasure,
) -> Result<String> {
    let done: Option<Option<String>> = tx
        .query_row("SELECT anonymised_at FROM people WHERE id = ?1", [person_id], |r| r.get(0))
        .optional()?;
    match done {
        None => return Err(Error::new(Code::PersonNotFound, json!({}))),
        Some(Some(_)) => return Err(Error::new(Code::PrivacyAlreadyAnonymised, json!({}))),
        Some(None) => {}
    }
    let at: String = tx.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')", [], |r| r.get(0))?;
    let reason = match why {
        Erasure::Request => "request",
        Erasure::Retention => "retention",
    };
    crate::db::capture::capture_in(tx, |tx| {
        tx.execute(
            "INSERT INTO erasures (person_id, reason, erased_at, erased_by, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?3, ?3)",
            params![person_id, reason, at, s.user_id],
        )?;
        Ok(())
    })?;
    scrub(tx, person_id, &at)?;
    erase_merged(tx)?;
    Ok(at)
}

/// The reason an erasure record gives when it was not asked for but follows from a merge: the
/// record was merged with one that was erased (see [`erase_merged`]).
pub const MERGED_WITH_ERASED: &str = "merged with an erased record";

/// Erases every record merged with an erased one (or into which one was merged), on every
/// replica alike: a merge says two records are one person, and an erasure is that person's
/// request, so the whole group goes. This is what settles an erasure and a merge of the same
/// person made on two computers before they exchange: the rows and values the merge moved to
/// the kept record are anonymised with it wherever they went, and nothing erased comes back.
/// Each such record gets an erasure record of its own, dated and signed as the group's first
/// erasure (by date, then person), written locally and uncaptured, like the scrub (every
/// replica writes the same row); a record erased by someone keeps its own. Runs after every
/// apply and after an erasure here; running it again changes nothing.
pub(crate) fn erase_merged(conn: &Connection) -> Result<()> {
    for members in crate::cases::merges::groups(conn)? {
        // The group's first erasure that someone made (by date, then person).
        let mut first: Option<(String, String, Option<String>)> = None;
        for id in &members {
            let own: Option<(String, Option<String>)> = conn
                .query_row(
                    "SELECT erased_at, erased_by FROM erasures WHERE person_id = ?1 AND reason <> ?2",
                    params![id, MERGED_WITH_ERASED],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            if let Some((at, by)) = own {
                if first.as_ref().is_none_or(|(a, p, _)| (&at, id) < (a, p)) {
                    first = Some((at, id.clone(), by));
                }
            }
        }
        let Some((at, _, by)) = first else { continue };
        for id in &members {
            conn.execute(
                "INSERT INTO erasures (person_id, reason, erased_at, erased_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?3, ?3)
                 ON CONFLICT (person_id) DO UPDATE SET erased_at = excluded.erased_at,
                     erased_by = excluded.erased_by, created_at = excluded.created_at,
                     updated_at = excluded.updated_at
                 WHERE erasures.reason = excluded.reason
                   AND (erasures.erased_at IS NOT excluded.erased_at OR erasures.erased_by IS NOT excluded.erased_by)",
                params![id, MERGED_WITH_ERASED, at, by],
            )?;
            let own: String =
                conn.query_row("SELECT erased_at FROM erasures WHERE person_id = ?1", [id], |r| r.get(0))?;
            scrub(conn, id, &own)?;
        }
    }
    Ok(())
}

/// Anonymises again every person of `people` that has an erasure record: after an apply, a
/// change made elsewhere before that replica knew of the erasure (a new note, a name edited)
/// must not bring a removed value back. Runs uncaptured, inside the apply's transaction.
pub(crate) fn scrub_erased(conn: &Connection, people: &std::collections::BTreeSet<String>) -> Result<()> {
    for id in people {
        let at: Option<String> = conn
            .query_row("SELECT erased_at FROM erasures WHERE person_id = ?1", [id], |r| r.get(0))
            .optional()?;
        if let Some(at) = at {
            scrub(conn, id, &at)?;
        }
    }
    Ok(())
}

/// Removes what identifies the person (see the module's documentation), dated `erased_at` so
/// that every replica ends with the same row. Running it again changes nothing.
fn scrub(conn: &Connection, person_id: &str, erased_at: &str) -> Result<()> {
    let row: Option<(Option<String>, Option<String>)> = conn
        .query_row("SELECT date_of_birth, household_id FROM people WHERE id = ?1", [person_id], |r| {
            Ok((r.get("date_of_birth")?, r.get("household_id")?))
        })
        .optional()?;
    let Some((dob, household)) = row else {
        return Err(Error::new(Code::PersonNotFound, json!({})));
    };
    // The year of birth stays (for age statistics), set to mid-year and marked estimated.
    let year_only = dob
        .as_deref()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .and_then(|d| NaiveDate::from_ymd_opt(d.year(), 7, 1))
        .map(|d| d.format("%Y-%m-%d").to_string());
    conn.execute(
        "UPDATE people SET given_name = ?2, family_name = '', original_name = NULL, other_names = '',
             date_of_birth = ?3, dob_estimated = CASE WHEN ?3 IS NULL THEN dob_estimated ELSE 1 END,
             nationality = NULL, languages = NULL, phone = NULL,
             anonymised_at = ?4, updated_at = ?4
         WHERE id = ?1",
        params![person_id, ANONYMISED_NAME, year_only, erased_at],
    )?;
    crate::cases::names::index_person(conn, person_id, ANONYMISED_NAME, "", None, "")?;
    conn.execute("DELETE FROM notes WHERE person_id = ?1", [person_id])?;
    conn.execute("DELETE FROM uk_arrivals WHERE person_id = ?1", [person_id])?;
    conn.execute("UPDATE person_flags SET details = '' WHERE person_id = ?1", [person_id])?;
    conn.execute(
        "UPDATE referrals SET reason = 'Removed (anonymised)', outcome = '' WHERE person_id = ?1",
        [person_id],
    )?;
    conn.execute("UPDATE phones SET number = '', imei = '' WHERE person_id = ?1", [person_id])?;
    if let Some(h) = household {
        // A household's name is usually a family name: once nobody named is left in it, it goes.
        let named: i64 = conn.query_row(
            "SELECT count(*) FROM people WHERE household_id = ?1 AND anonymised_at IS NULL",
            [&h],
            |r| r.get(0),
        )?;
        if named == 0 {
            conn.execute(
                "UPDATE households SET name = 'Anonymised household', updated_at = ?2
                 WHERE id = ?1 AND name <> 'Anonymised household'",
                params![h, erased_at],
            )?;
        }
    }
    Ok(())
}

/// Closed cases due for anonymisation on `today` under a retention of `months`: closed before
/// the cut-off day (more than `months` ago) and not anonymised yet. A case closed before Haven
/// recorded closing days counts from its last change.
pub fn retention_due(conn: &Connection, months: u32, today: NaiveDate) -> Result<(NaiveDate, Vec<String>)> {
    let cutoff = today
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| Error::at("retention_months", Code::RetentionPeriodTooLong, json!({})))?;
    let mut stmt = conn.prepare(
        "SELECT id FROM people
         WHERE status = 'closed' AND anonymised_at IS NULL
           AND coalesce(closed_on, substr(updated_at, 1, 10)) < ?1
         ORDER BY code",
    )?;
    let ids = stmt.query_map([cutoff.format("%Y-%m-%d").to_string()], |r| r.get::<_, String>(0))?;
    Ok((cutoff, ids.collect::<rusqlite::Result<_>>()?))
}

/// One DBS check reduced by [`reduce_dbs_detail`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReducedCheck {
    /// The check's id (now deleted).
    pub check_id: String,
    /// The volunteer's id.
    pub volunteer_id: String,
}

/// Reduces the DBS checks of volunteers who left more than `months` ago to the certificate
/// number and the status the check had on the day they left, in the caller's transaction.
pub fn reduce_dbs_detail(conn: &Connection, months: u32, today: NaiveDate) -> Result<Vec<ReducedCheck>> {
    use crate::volunteers::{checks, dbs};
    let cutoff = today
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| Error::at("dbs_retention_months", Code::RetentionPeriodTooLong, json!({})))?;
    let policy = dbs::policy(conn)?;
    let due: Vec<(String, String, NaiveDate)> = {
        let mut stmt = conn.prepare(
            "SELECT c.id, c.volunteer_id, coalesce(v.departure_on, substr(v.updated_at, 1, 10)) AS left_on
             FROM dbs_checks c JOIN volunteers v ON v.id = c.volunteer_id
             WHERE v.status = 'left' AND coalesce(v.departure_on, substr(v.updated_at, 1, 10)) < ?1
             ORDER BY c.volunteer_id, c.issued_on",
        )?;
        let rows = stmt.query_map([cutoff.format("%Y-%m-%d").to_string()], |r| {
            Ok((r.get("id")?, r.get("volunteer_id")?, r.get("left_on")?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut done = Vec::new();
    // Rows come ordered by volunteer: each volunteer's checks are read once.
    // Every issuer's checks are reduced alike.
    let mut checks: (String, Vec<checks::Check>) = (String::new(), Vec::new());
    for (check_id, volunteer_id, left_on) in due {
        if checks.0 != volunteer_id {
            checks = (volunteer_id.clone(), checks::for_volunteer(conn, &volunteer_id)?);
        }
        let Some(check) = checks.1.iter().find(|c| c.id == check_id) else { continue };
        let until = checks::facts(check).valid_until(&policy);
        // DBS checks keep the wording they always had; the others name their issuer.
        let what = if check.issuer == crate::volunteers::issuers::IssuerCode::Dbs {
            check.level_label.clone()
        } else {
            format!("{}, {}", check.issuer_name, check.level_label)
        };
        let status = if until >= left_on {
            format!("{what}: valid when the volunteer left (until {})", until.format("%-d %b %Y"))
        } else {
            format!("{what}: expired before the volunteer left")
        };
        conn.execute(
            "INSERT INTO dbs_reduced (id, site_id, volunteer_id, certificate_number, status, reduced_on, issuer)
             SELECT ?1, site_id, volunteer_id, certificate_number, ?3, ?4, issuer FROM dbs_checks WHERE id = ?2",
            params![crate::new_id(), check_id, status, today.format("%Y-%m-%d").to_string()],
        )?;
        conn.execute("DELETE FROM dbs_checks WHERE id = ?1", [&check_id])?;
        done.push(ReducedCheck { check_id, volunteer_id });
    }
    Ok(done)
}
