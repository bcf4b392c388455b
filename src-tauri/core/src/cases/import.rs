//! Importing people from the spreadsheets the centre already keeps (CSV, or Excel/LibreOffice
//! workbooks).
//!
//! Columns are matched to fields by their header (English or French, any case), or by a mapping
//! the user chose. Every row is checked first; the report lists each problem with its row number
//! (as the spreadsheet shows it: the header is row 1), column and reason. Only when no row has a
//! problem, and it is not a dry run, are the rows written: all or none, in chunks of their own
//! transactions (so a long import does not lock the desk out), with what each chunk wrote noted
//! until the last lands, so a failure or a stop part-way is taken back. People who look like
//! someone already registered are reported and, unless asked otherwise, skipped. The fields and
//! header words are in `import_fields.rs`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::duplicates::{self, fold};
use super::import_fields::{field_name, parse_relationship, parse_sex, parse_status, parse_yes};
pub use super::import_fields::{guess_field, parse_date, ImportField};
use super::people::{self, NewPerson, PersonDetails};
pub use super::spreadsheet::{read_table, Table, MAX_CELL_CHARS, MAX_COLUMNS, MAX_CSV_BYTES, MAX_ROWS};
use super::{households, Status};
use crate::access::Session;
use crate::Result;

/// What to do with people who look like someone already registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Leave them out (the report lists them).
    #[default]
    Skip,
    /// Import them anyway.
    Import,
}

/// Input of an import.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    /// The file: `.csv` (UTF-8), `.xlsx`, `.xls` or `.ods` (first sheet).
    pub path: String,
    /// Header -> field, for the columns whose header is not recognised (others are guessed).
    #[serde(default)]
    pub mapping: BTreeMap<String, ImportField>,
    /// Check only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Site for rows without one (default: the user's site).
    #[serde(default)]
    pub site: Option<String>,
    /// Likely duplicates: skip (default) or import.
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
}

/// How a column was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ColumnUse {
    /// The header in the file.
    pub header: String,
    /// The field it fills.
    pub field: ImportField,
}

/// A problem with one cell or row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RowError {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// The column's header (empty for the row as a whole).
    pub column: String,
    /// What is wrong.
    pub reason: String,
}

/// A row that looks like someone already registered (or an earlier row of the file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RowDuplicate {
    /// Row number.
    pub row: usize,
    /// The name on the row.
    pub name: String,
    /// Who it looks like: codes and names, or "row N".
    pub matches: Vec<String>,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportReport {
    /// Data rows in the file.
    pub rows: usize,
    /// People who would be written: those on rows without problems that are not left out as
    /// duplicates, blank rows not counted (0 when any row has a problem). What the UI's
    /// "Import N people" button says after a dry run.
    pub ready: usize,
    /// People written (0 for a dry run or when any row has a problem).
    pub imported: usize,
    /// Rows left out as likely duplicates.
    pub skipped: usize,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// How each column was read.
    pub columns: Vec<ColumnUse>,
    /// Problems, by row. Any problem means nothing is imported.
    pub errors: Vec<RowError>,
    /// Likely duplicates.
    pub duplicates: Vec<RowDuplicate>,
}

/// The first rows of a file and the suggested mapping, for the column-mapping screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ImportPreview {
    /// Header and suggested field per column.
    pub columns: Vec<ColumnUse>,
    /// Up to five data rows.
    pub sample: Vec<Vec<String>>,
    /// Data rows in the file.
    pub rows: usize,
}

/// The columns of `table` with the fields they fill: the user's mapping first, else a guess.
pub fn columns(table: &Table, mapping: &BTreeMap<String, ImportField>) -> Vec<ColumnUse> {
    table
        .headers
        .iter()
        .map(|h| ColumnUse {
            header: h.clone(),
            field: mapping.get(h).copied().unwrap_or_else(|| guess_field(h)),
        })
        .collect()
}

/// The first rows and suggested mapping of a file.
///
/// Sample cells are cut to [`PREVIEW_CHARS`] characters (with an ellipsis): the screen shows a
/// glimpse, and a reply to the window stays small whatever the file holds.
pub fn preview(path: &Path) -> Result<ImportPreview> {
    let table = read_table(path)?;
    let glimpse = |cell: &String| match cell.char_indices().nth(PREVIEW_CHARS) {
        Some((cut, _)) => format!("{}…", &cell[..cut]),
        None => cell.clone(),
    };
    Ok(ImportPreview {
        columns: columns(&table, &BTreeMap::new()),
        sample: table.rows.iter().take(5).map(|r| r.iter().map(glimpse).collect()).collect(),
        rows: table.count(),
    })
}

/// The most characters of a cell the preview shows.
pub const PREVIEW_CHARS: usize = 200;

/// What a row says of when someone was born, for spotting the same person twice in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Born {
    On(NaiveDate),
    Aged(u32),
    /// Nothing: the row only matches itself.
    Unknown(usize),
}

/// One row, checked and ready to write.
struct Ready {
    row: usize,
    person: NewPerson,
    status: Option<Status>,
    household: Option<String>,
}

/// Checks every row, and writes them all when nothing is wrong and this is not a dry run.
/// Call inside one transaction: a failure part-way leaves nothing behind. (The API writes a
/// large import in chunks instead: [`check`], then [`write_chunk`] per transaction.)
pub fn import(
    conn: &Connection,
    session: &Session,
    req: &ImportRequest,
    today: NaiveDate,
) -> Result<ImportReport> {
    let mut checked = check(conn, session, req, today)?;
    if !checked.report.errors.is_empty() || req.dry_run {
        return Ok(checked.report);
    }
    let mut chunks = Chunks::new();
    let written = write_rows(conn, session, &checked.ready, today, &mut chunks.households)?;
    checked.report.imported = written.people.len();
    Ok(checked.report)
}

/// An import checked and ready to write: the report (with `ready` set), and the rows.
pub struct Checked {
    /// What the checks found; `imported` is 0 until rows are written.
    pub report: ImportReport,
    ready: Vec<Ready>,
}

impl Checked {
    /// The rows to write.
    pub fn len(&self) -> usize {
        self.ready.len()
    }

    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        self.ready.is_empty()
    }
}

/// Reads the file and checks every row, writing nothing (it runs on a read snapshot, so no
/// write lock is held while a large file is read and compared with the case book).
pub fn check(conn: &Connection, session: &Session, req: &ImportRequest, today: NaiveDate) -> Result<Checked> {
    let table = read_table(Path::new(&req.path))?;
    let columns = columns(&table, &req.mapping);
    let mut report = ImportReport {
        rows: table.count(),
        ready: 0,
        imported: 0,
        skipped: 0,
        dry_run: req.dry_run,
        columns: columns.clone(),
        errors: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut seen: HashMap<ImportField, &str> = HashMap::new();
    for c in columns.iter().filter(|c| c.field != ImportField::Ignore) {
        if let Some(first) = seen.insert(c.field, &c.header) {
            report.errors.push(RowError {
                row: 1,
                column: c.header.clone(),
                reason: format!(
                    "The columns \"{first}\" and \"{}\" both fill the field {}: map one of them to \"ignore\".",
                    c.header,
                    field_name(c.field)
                ),
            });
        }
    }
    if !columns.iter().any(|c| c.field == ImportField::GivenName) {
        report.errors.push(RowError {
            row: 1,
            column: String::new(),
            reason: "No column holds the given name: map one (e.g. \"Given name\" or \"First name\").".into(),
        });
    }
    if !report.errors.is_empty() {
        return Ok(Checked { report, ready: Vec::new() });
    }
    let default_site = crate::sites::resolve(conn, req.site.as_deref().unwrap_or(&session.site_id))?;
    let mut ready = Vec::with_capacity(table.rows.len());
    let mut in_file: HashMap<(String, Born), usize> = HashMap::new();
    // A row that is not a row of cells is a problem of its own, by its number, and its cells
    // are not read: a semicolon row in a comma file is not one person with a long name.
    for b in &table.broken {
        report.errors.push(RowError { row: b.row, column: String::new(), reason: b.reason.clone() });
    }
    for (cells, &row) in table.rows.iter().zip(&table.numbers) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        match read_row(conn, &columns, cells, row, &default_site.code, today) {
            Ok(r) => {
                let name = format!("{} {}", r.person.details.given_name, r.person.details.family_name)
                    .trim()
                    .to_string();
                // Same name and the same date of birth (or the same estimated age): two rows
                // with a name and nothing else to tell them apart are not taken as one person.
                let d = &r.person.details;
                let when = match (d.date_of_birth, d.estimated_age) {
                    (Some(dob), _) => Born::On(dob),
                    (None, Some(age)) => Born::Aged(age),
                    (None, None) => Born::Unknown(row),
                };
                let key = (fold(&name), when);
                match in_file.get(&key) {
                    Some(first) => {
                        report.duplicates.push(RowDuplicate {
                            row,
                            name,
                            matches: vec![format!("row {first}")],
                        });
                        match req.on_duplicate {
                            OnDuplicate::Skip => report.skipped += 1,
                            OnDuplicate::Import => ready.push(r),
                        }
                    }
                    None => {
                        in_file.insert(key, row);
                        ready.push(r);
                    }
                }
            }
            Err(e) => report.errors.push(e),
        }
    }
    report.errors.sort_by_key(|e| e.row);
    if !report.errors.is_empty() {
        return Ok(Checked { report, ready: Vec::new() });
    }
    let mut to_write = Vec::with_capacity(ready.len());
    for r in ready {
        let dups = duplicates::duplicates(conn, &r.person.details, today)?;
        if dups.is_empty() {
            to_write.push(r);
            continue;
        }
        report.duplicates.push(RowDuplicate {
            row: r.row,
            name: format!("{} {}", r.person.details.given_name, r.person.details.family_name)
                .trim()
                .to_string(),
            matches: dups
                .iter()
                .map(|d| {
                    format!("{} {} {}", d.person.code, d.person.given_name, d.person.family_name)
                        .trim()
                        .to_string()
                })
                .collect(),
        });
        match req.on_duplicate {
            OnDuplicate::Skip => report.skipped += 1,
            OnDuplicate::Import => to_write.push(r),
        }
    }
    report.ready = to_write.len();
    Ok(Checked { report, ready: to_write })
}

/// The people and households a chunk of rows created.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Written {
    people: Vec<String>,
    households: Vec<String>,
}

fn write_rows(
    conn: &Connection,
    session: &Session,
    rows: &[Ready],
    today: NaiveDate,
    households_by_key: &mut HashMap<String, String>,
) -> Result<Written> {
    let mut written = Written::default();
    for r in rows {
        let id = people::create(conn, session, &r.person, today)?;
        if let Some(status) = r.status.filter(|s| *s != Status::Active) {
            people::set_status(conn, &id, status)?;
        }
        if let Some(key) = &r.household {
            match households_by_key.get(key) {
                Some(first) => {
                    let household = households::join(conn, &id, first, r.person.relationship)?;
                    if !written.households.contains(&household) {
                        written.households.push(household);
                    }
                }
                None => {
                    if let Some(rel) = r.person.relationship {
                        conn.execute("UPDATE people SET relationship = ?2 WHERE id = ?1", (&id, rel))?;
                    }
                    households_by_key.insert(key.clone(), id.clone());
                }
            }
        }
        written.people.push(id);
    }
    Ok(written)
}

/// Settings keys of an import being written in chunks: `import.unfinished.<import>.<chunk>`,
/// each holding what its chunk created and when. The last chunk's transaction removes them;
/// while they are there the import is unfinished, and [`undo`] can take it all back.
const UNFINISHED: &str = "import.unfinished.";

/// An unfinished import whose last chunk is older than this was stopped (killed, a power cut):
/// a live import writes a chunk every fraction of a second.
pub const STALE_AFTER: chrono::Duration = chrono::Duration::minutes(2);

/// A chunked import in progress: its id, the next chunk's number, and the households made so
/// far by the file's household column (rows of one household may fall in different chunks).
pub struct Chunks {
    id: String,
    next: usize,
    households: HashMap<String, String>,
}

impl Chunks {
    /// A new chunked import.
    pub fn new() -> Chunks {
        Chunks { id: crate::new_id(), next: 0, households: HashMap::new() }
    }

    /// The import's id (what [`undo`] takes).
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl Default for Chunks {
    fn default() -> Self {
        Chunks::new()
    }
}

/// Writes rows `range` of a checked import in the caller's transaction, noting what they
/// created under the import's unfinished keys; the last chunk (`last`) removes those keys, in
/// the same transaction, so the import is finished exactly when its last rows land. Returns
/// the people written.
pub fn write_chunk(
    conn: &Connection,
    session: &Session,
    checked: &Checked,
    range: std::ops::Range<usize>,
    chunks: &mut Chunks,
    today: NaiveDate,
    last: bool,
) -> Result<usize> {
    let rows = checked.ready.get(range).unwrap_or_default();
    let written = write_rows(conn, session, rows, today, &mut chunks.households)?;
    let n = written.people.len();
    if last {
        conn.execute(
            "DELETE FROM settings WHERE key LIKE ?1 || '%' AND site_id IS NULL",
            [format!("{UNFINISHED}{}.", chunks.id)],
        )?;
    } else {
        let note = serde_json::json!({"at": chrono::Utc::now().to_rfc3339(), "written": written});
        crate::settings::set(conn, &format!("{UNFINISHED}{}.{}", chunks.id, chunks.next), &note.to_string())?;
    }
    chunks.next += 1;
    Ok(n)
}

/// Takes back everything an unfinished import wrote (its people, and households it made that
/// are left empty), in the caller's transaction. Returns how many people were removed.
pub fn undo(conn: &Connection, import_id: &str) -> Result<usize> {
    let notes: Vec<String> = conn
        .prepare("SELECT value FROM settings WHERE key LIKE ?1 || '%' AND site_id IS NULL")?
        .query_map([format!("{UNFINISHED}{import_id}.")], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut removed = 0;
    for note in notes {
        let written: Written = serde_json::from_str::<serde_json::Value>(&note)
            .ok()
            .and_then(|v| serde_json::from_value(v["written"].clone()).ok())
            .unwrap_or_default();
        for id in &written.people {
            removed += conn.execute("DELETE FROM people WHERE id = ?1", [id])?;
        }
        for id in &written.households {
            conn.execute(
                "DELETE FROM households WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM people WHERE household_id = ?1)",
                [id],
            )?;
        }
    }
    conn.execute(
        "DELETE FROM settings WHERE key LIKE ?1 || '%' AND site_id IS NULL",
        [format!("{UNFINISHED}{import_id}.")],
    )?;
    Ok(removed)
}

/// The unfinished imports whose last chunk is older than [`STALE_AFTER`] (stopped part-way):
/// their ids, for [`undo`].
pub fn stale(conn: &Connection, now: chrono::DateTime<chrono::Utc>) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT key, value FROM settings WHERE key LIKE ?1 || '%' AND site_id IS NULL")?
        .query_map([UNFINISHED], |r| Ok((r.get("key")?, r.get("value")?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut newest: BTreeMap<String, Option<chrono::DateTime<chrono::Utc>>> = BTreeMap::new();
    for (key, value) in rows {
        let Some(id) = key.strip_prefix(UNFINISHED).and_then(|rest| rest.rsplit_once('.')).map(|(id, _)| id)
        else {
            continue;
        };
        let at = serde_json::from_str::<serde_json::Value>(&value)
            .ok()
            .and_then(|v| v["at"].as_str().and_then(|a| chrono::DateTime::parse_from_rfc3339(a).ok()))
            .map(|a| a.with_timezone(&chrono::Utc));
        let entry = newest.entry(id.to_string()).or_insert(at);
        *entry = (*entry).max(at);
    }
    Ok(newest
        .into_iter()
        .filter(|(_, at)| at.is_none_or(|at| now - at > STALE_AFTER))
        .map(|(id, _)| id)
        .collect())
}

fn read_row(
    conn: &Connection,
    columns: &[ColumnUse],
    cells: &[String],
    row: usize,
    default_site: &str,
    today: NaiveDate,
) -> Result<Ready, RowError> {
    let mut d = PersonDetails::default();
    let mut person = NewPerson { site: Some(default_site.to_string()), ..Default::default() };
    let mut household = None;
    let mut status = None;
    let bad = |c: &ColumnUse, reason: String| RowError { row, column: c.header.clone(), reason };
    for (c, raw) in columns.iter().zip(cells) {
        let v = raw.trim();
        match c.field {
            ImportField::GivenName => d.given_name = v.to_string(),
            ImportField::FamilyName => d.family_name = v.to_string(),
            ImportField::OriginalName => d.original_name = Some(v.to_string()),
            ImportField::OtherNames => {
                d.other_names =
                    v.split([';', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
            }
            ImportField::Sex => {
                d.sex = parse_sex(v).ok_or_else(|| bad(c, format!("\"{v}\" is not a sex: use F or M.")))?
            }
            ImportField::DateOfBirth if !v.is_empty() => {
                d.date_of_birth = Some(parse_date(v).ok_or_else(|| {
                    bad(c, format!("\"{v}\" is not a date: write it like 31/01/2010 or 2010-01-31."))
                })?)
            }
            ImportField::EstimatedAge if !v.is_empty() => {
                d.estimated_age =
                    Some(v.parse().map_err(|_| bad(c, format!("\"{v}\" is not an age in years.")))?)
            }
            ImportField::Nationality => d.nationality = Some(v.to_string()),
            ImportField::Languages => d.languages = Some(v.to_string()),
            ImportField::Phone => d.phone = Some(v.to_string()),
            ImportField::Site if !v.is_empty() => {
                let site = crate::sites::find(conn, v)
                    .map_err(|e| bad(c, e.to_string()))?
                    .ok_or_else(|| bad(c, format!("There is no site \"{v}\".")))?;
                person.site = Some(site.code);
            }
            ImportField::Status => {
                status = Some(parse_status(v).ok_or_else(|| bad(c, format!("\"{v}\" is not a status.")))?)
            }
            ImportField::Consent => {
                person.consent = parse_yes(v).ok_or_else(|| bad(c, format!("\"{v}\" is not yes or no.")))?
            }
            ImportField::Household if !v.is_empty() => household = Some(v.to_string()),
            ImportField::Relationship => {
                person.relationship =
                    parse_relationship(v).ok_or_else(|| bad(c, format!("\"{v}\" is not a relationship.")))?
            }
            _ => {}
        }
    }
    if d.date_of_birth.is_some() {
        d.estimated_age = None;
    }
    // The same checks as the registration form, with the column named.
    if let Err(e) = people::check(&d, today) {
        let payload = e.to_payload();
        let column = payload
            .field
            .as_deref()
            .and_then(|f| columns.iter().find(|c| field_name(c.field) == f))
            .map(|c| c.header.clone())
            .unwrap_or_default();
        return Err(RowError { row, column, reason: payload.message });
    }
    person.details = d;
    person.confirm_not_duplicate = true;
    Ok(Ready { row, person, status, household })
}
