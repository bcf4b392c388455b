//! Importing people from the spreadsheets the centre already keeps (CSV, or Excel/LibreOffice
//! workbooks).
//!
//! Columns are matched to fields by their header (English or French, any case), or by a mapping
//! the user chose. Every row is checked first; the report lists each problem with its row number
//! (as the spreadsheet shows it: the header is row 1), column and reason. Only when no row has a
//! problem, and it is not a dry run, are all rows written, in one transaction. People who look
//! like someone already registered are reported and, unless asked otherwise, skipped.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::duplicates::{self, fold};
use super::people::{self, NewPerson, PersonDetails};
pub use super::spreadsheet::{read_table, Table, MAX_ROWS};
use super::{households, Relationship, Sex, Status};
use crate::access::Session;
use crate::Result;

/// A field a column can fill.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// Given name (Latin script). Required.
    GivenName,
    /// Family name.
    FamilyName,
    /// Full name in original script.
    OriginalName,
    /// Other names, separated by `;` or `,`.
    OtherNames,
    /// Sex: F/M, female/male, femme/homme.
    Sex,
    /// Date of birth: 2026-01-31, 31/01/2026 or 31.01.2026.
    DateOfBirth,
    /// Age in years, when the date of birth is not known.
    EstimatedAge,
    /// Nationality.
    Nationality,
    /// Languages.
    Languages,
    /// Phone number.
    Phone,
    /// Site code.
    Site,
    /// Status: active, moved on, reached UK, closed.
    Status,
    /// Consent to keep data: yes/no.
    Consent,
    /// Any value shared by the rows of one household (a family number, say).
    Household,
    /// Relationship in the household.
    Relationship,
    /// Not imported.
    Ignore,
}

/// Header words that select a field, compared lower-case without spaces or punctuation.
const HEADERS: &[(&str, ImportField)] = &[
    ("givenname", ImportField::GivenName),
    ("firstname", ImportField::GivenName),
    ("forename", ImportField::GivenName),
    ("prenom", ImportField::GivenName),
    ("familyname", ImportField::FamilyName),
    ("surname", ImportField::FamilyName),
    ("lastname", ImportField::FamilyName),
    ("nom", ImportField::FamilyName),
    ("nomdefamille", ImportField::FamilyName),
    ("originalname", ImportField::OriginalName),
    ("nameinoriginalscript", ImportField::OriginalName),
    ("originalscript", ImportField::OriginalName),
    ("nativename", ImportField::OriginalName),
    ("arabicname", ImportField::OriginalName),
    ("nomoriginal", ImportField::OriginalName),
    ("othernames", ImportField::OtherNames),
    ("aliases", ImportField::OtherNames),
    ("alias", ImportField::OtherNames),
    ("autresnoms", ImportField::OtherNames),
    ("sex", ImportField::Sex),
    ("gender", ImportField::Sex),
    ("sexe", ImportField::Sex),
    ("dateofbirth", ImportField::DateOfBirth),
    ("dob", ImportField::DateOfBirth),
    ("birthdate", ImportField::DateOfBirth),
    ("datedenaissance", ImportField::DateOfBirth),
    ("age", ImportField::EstimatedAge),
    ("estimatedage", ImportField::EstimatedAge),
    ("nationality", ImportField::Nationality),
    ("nationalite", ImportField::Nationality),
    ("languages", ImportField::Languages),
    ("language", ImportField::Languages),
    ("langues", ImportField::Languages),
    ("langue", ImportField::Languages),
    ("phone", ImportField::Phone),
    ("telephone", ImportField::Phone),
    ("mobile", ImportField::Phone),
    ("site", ImportField::Site),
    ("status", ImportField::Status),
    ("statut", ImportField::Status),
    ("consent", ImportField::Consent),
    ("consentement", ImportField::Consent),
    ("household", ImportField::Household),
    ("householdid", ImportField::Household),
    ("family", ImportField::Household),
    ("familyid", ImportField::Household),
    ("familyno", ImportField::Household),
    ("foyer", ImportField::Household),
    ("relationship", ImportField::Relationship),
    ("relation", ImportField::Relationship),
    ("lien", ImportField::Relationship),
];

/// The field a header suggests, if any.
pub fn guess_field(header: &str) -> ImportField {
    let key: String = fold(header).chars().filter(|c| c.is_alphanumeric()).collect();
    HEADERS.iter().find(|(h, _)| *h == key).map(|(_, f)| *f).unwrap_or(ImportField::Ignore)
}

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

/// Parses a date as people write it: ISO, day/month/year (UK and French order) or with dots.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

fn parse_sex(s: &str) -> Option<Sex> {
    match fold(s).as_str() {
        "" | "unknown" | "?" | "inconnu" => Some(Sex::Unknown),
        "f" | "female" | "woman" | "girl" | "femme" | "fille" => Some(Sex::Female),
        "m" | "male" | "man" | "boy" | "h" | "homme" | "garcon" => Some(Sex::Male),
        "other" | "autre" | "x" => Some(Sex::Other),
        _ => None,
    }
}

fn parse_status(s: &str) -> Option<Status> {
    let key: String = fold(s).chars().filter(|c| c.is_alphanumeric()).collect();
    match key.as_str() {
        "" | "active" | "actif" | "en cours" => Some(Status::Active),
        "movedon" | "parti" => Some(Status::MovedOn),
        "reacheduk" | "uk" | "arriveauroyaumeuni" => Some(Status::ReachedUk),
        "closed" | "ferme" | "clos" => Some(Status::Closed),
        _ => None,
    }
}

fn parse_yes(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "" | "no" | "n" | "non" | "false" | "0" => Some(false),
        "yes" | "y" | "oui" | "o" | "true" | "1" | "x" => Some(true),
        _ => None,
    }
}

fn parse_relationship(s: &str) -> Option<Option<Relationship>> {
    let key = fold(s);
    if key.is_empty() {
        return Some(None);
    }
    let r = match key.as_str() {
        "head" | "chef" => Relationship::Head,
        "mother" | "mere" => Relationship::Mother,
        "father" | "pere" => Relationship::Father,
        "child" | "son" | "daughter" | "enfant" | "fils" | "fille" => Relationship::Child,
        "sibling" | "brother" | "sister" | "frere" | "soeur" => Relationship::Sibling,
        "guardian" | "tuteur" | "tutrice" => Relationship::Guardian,
        "grandparent" | "grandmother" | "grandfather" | "grand-mere" | "grand-pere" => {
            Relationship::Grandparent
        }
        "other" | "autre" => Relationship::Other,
        _ => return None,
    };
    Some(Some(r))
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
pub fn preview(path: &Path) -> Result<ImportPreview> {
    let table = read_table(path)?;
    Ok(ImportPreview {
        columns: columns(&table, &BTreeMap::new()),
        sample: table.rows.iter().take(5).cloned().collect(),
        rows: table.rows.len(),
    })
}

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
/// Call inside one transaction: a failure part-way leaves nothing behind.
pub fn import(
    conn: &Connection,
    session: &Session,
    req: &ImportRequest,
    today: NaiveDate,
) -> Result<ImportReport> {
    let table = read_table(Path::new(&req.path))?;
    let columns = columns(&table, &req.mapping);
    let mut report = ImportReport {
        rows: table.rows.len(),
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
        return Ok(report);
    }
    let default_site = crate::sites::resolve(conn, req.site.as_deref().unwrap_or(&session.site_id))?;
    let mut ready = Vec::with_capacity(table.rows.len());
    let mut in_file: HashMap<(String, Born), usize> = HashMap::new();
    for (i, cells) in table.rows.iter().enumerate() {
        let row = i + 2;
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
    if !report.errors.is_empty() {
        return Ok(report);
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
    if req.dry_run {
        return Ok(report);
    }
    let mut households_by_key: HashMap<String, String> = HashMap::new();
    for r in &to_write {
        let id = people::create(conn, session, &r.person, today)?;
        if let Some(status) = r.status.filter(|s| *s != Status::Active) {
            people::set_status(conn, &id, status)?;
        }
        if let Some(key) = &r.household {
            match households_by_key.get(key) {
                Some(first) => {
                    households::join(conn, &id, first, r.person.relationship)?;
                }
                None => {
                    if let Some(rel) = r.person.relationship {
                        conn.execute("UPDATE people SET relationship = ?2 WHERE id = ?1", (&id, rel))?;
                    }
                    households_by_key.insert(key.clone(), id.clone());
                }
            }
        }
        report.imported += 1;
    }
    Ok(report)
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

fn field_name(f: ImportField) -> &'static str {
    match f {
        ImportField::GivenName => "given_name",
        ImportField::FamilyName => "family_name",
        ImportField::OriginalName => "original_name",
        ImportField::OtherNames => "other_names",
        ImportField::Sex => "sex",
        ImportField::DateOfBirth => "date_of_birth",
        ImportField::EstimatedAge => "estimated_age",
        ImportField::Nationality => "nationality",
        ImportField::Languages => "languages",
        ImportField::Phone => "phone",
        ImportField::Site => "site",
        ImportField::Status => "status",
        ImportField::Consent => "consent",
        ImportField::Household => "household",
        ImportField::Relationship => "relationship",
        ImportField::Ignore => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_english_and_french_are_recognised() {
        assert_eq!(guess_field("First Name"), ImportField::GivenName);
        assert_eq!(guess_field("Prénom"), ImportField::GivenName);
        assert_eq!(guess_field("SURNAME"), ImportField::FamilyName);
        assert_eq!(guess_field("Date de naissance"), ImportField::DateOfBirth);
        assert_eq!(guess_field("D.O.B."), ImportField::DateOfBirth);
        assert_eq!(guess_field("Shoe size"), ImportField::Ignore);
    }

    #[test]
    fn dates_are_read_in_day_month_order() {
        let d = NaiveDate::from_ymd_opt(2010, 1, 31);
        assert_eq!(parse_date("31/01/2010"), d);
        assert_eq!(parse_date("2010-01-31"), d);
        assert_eq!(parse_date("31.01.2010"), d);
        assert_eq!(parse_date("01/31/2010"), None, "month/day order is not guessed");
    }
}
