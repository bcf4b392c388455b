//! Applications from the interest form: the responses the form exports (CSV, or an Excel or
//! LibreOffice workbook) become volunteers in status *applied*.
//!
//! The file is read by the people import's streamed reader (`cases::import::read_table`, with
//! its limits); columns are matched by their English or French headers, or by a mapping. Every
//! row is checked first and each problem reported with its row number and column; if any row has
//! a problem nothing is written, otherwise every row is written in one transaction. An applicant
//! already known, or twice in the file (the same email, or the same name and phone), is listed
//! and not imported again.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{create_application, VolunteerDetails};
use crate::access::Session;
use crate::cases::duplicates::fold;
use crate::cases::import::{parse_date, read_table, RowDuplicate, RowError};
use crate::{ErrorKind, Result};

/// What a column of the form's export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationField {
    /// Given name.
    GivenName,
    /// Family name.
    FamilyName,
    /// The whole name in one column (the last word is taken as the family name).
    FullName,
    /// Email.
    Email,
    /// Phone.
    Phone,
    /// First day available.
    ArrivalOn,
    /// Last day available.
    DepartureOn,
    /// Both dates in one cell: "1/3/2026 - 20/3/2026", "du 01/03/2026 au 20/03/2026".
    DatesAvailable,
    /// The site wanted (code or name: Calais, Dunkirk / Dunkerque, Birmingham).
    Site,
    /// Skills, comma-separated, in English or French.
    Skills,
    /// Teaching (or other) qualification.
    Qualifications,
    /// "Do you have a DBS/PVG/... check?": the answer as given.
    CheckDeclared,
    /// Languages.
    Languages,
    /// Emergency contact.
    EmergencyContact,
    /// A named structured activity they would bring.
    StructuredActivity,
    /// Anything else they wrote (kept in the restricted notes).
    Notes,
    /// Not imported.
    Ignore,
}

/// Header words (folded: lower case, no accents, letters and digits only) and their fields.
const HEADERS: &[(&str, ApplicationField)] = {
    use ApplicationField::*;
    &[
        ("givenname", GivenName),
        ("firstname", GivenName),
        ("prenom", GivenName),
        ("familyname", FamilyName),
        ("lastname", FamilyName),
        ("surname", FamilyName),
        ("nom", FamilyName),
        ("nomdefamille", FamilyName),
        ("name", FullName),
        ("fullname", FullName),
        ("nomcomplet", FullName),
        ("prenometnom", FullName),
        ("email", Email),
        ("emailaddress", Email),
        ("courriel", Email),
        ("adresseemail", Email),
        ("adressemail", Email),
        ("phone", Phone),
        ("phonenumber", Phone),
        ("mobile", Phone),
        ("telephone", Phone),
        ("portable", Phone),
        ("availablefrom", ArrivalOn),
        ("arrival", ArrivalOn),
        ("arrivaldate", ArrivalOn),
        ("arrivee", ArrivalOn),
        ("datedarrivee", ArrivalOn),
        ("disponiblea", ArrivalOn),
        ("disponibleapartirdu", ArrivalOn),
        ("availableuntil", DepartureOn),
        ("departure", DepartureOn),
        ("departuredate", DepartureOn),
        ("depart", DepartureOn),
        ("datededepart", DepartureOn),
        ("disponiblejusquau", DepartureOn),
        ("datesavailable", DatesAvailable),
        ("availability", DatesAvailable),
        ("dates", DatesAvailable),
        ("disponibilites", DatesAvailable),
        ("datesdedisponibilite", DatesAvailable),
        ("site", Site),
        ("sitewanted", Site),
        ("preferredsite", Site),
        ("sitesouhaite", Site),
        ("lieu", Site),
        ("skills", Skills),
        ("competences", Skills),
        ("teachingqualification", Qualifications),
        ("qualification", Qualifications),
        ("qualifications", Qualifications),
        ("diplomedenseignement", Qualifications),
        ("diplome", Qualifications),
        ("doyouhaveadbspvgcheck", CheckDeclared),
        ("doyouhaveadbscheck", CheckDeclared),
        ("dbs", CheckDeclared),
        ("dbspvg", CheckDeclared),
        ("criminalrecordcheck", CheckDeclared),
        ("casierjudiciaire", CheckDeclared),
        ("avezvousuncasierjudiciaireoudbs", CheckDeclared),
        ("avezvousundbspvgouextraitdecasierjudiciaire", CheckDeclared),
        ("languages", Languages),
        ("langues", Languages),
        ("emergencycontact", EmergencyContact),
        ("contactdurgence", EmergencyContact),
        ("structuredactivity", StructuredActivity),
        ("activitystructuree", StructuredActivity),
        ("anythingelse", Notes),
        ("comments", Notes),
        ("notes", Notes),
        ("message", Notes),
        ("autrechose", Notes),
        ("commentaires", Notes),
    ]
};

/// Words of a skills cell and the skill each names ([`SKILLS`]).
const SKILL_WORDS: &[(&str, &str)] = &[
    ("early years", "early_years"),
    ("early_years", "early_years"),
    ("childcare", "early_years"),
    ("petite enfance", "early_years"),
    ("teaching", "teaching"),
    ("teacher", "teaching"),
    ("enseignement", "teaching"),
    ("enseignant", "teaching"),
    ("medical", "medical"),
    ("first aid", "medical"),
    ("nurse", "medical"),
    ("infirmier", "medical"),
    ("infirmiere", "medical"),
    ("premiers secours", "medical"),
    ("interpreting", "interpreting"),
    ("interpreter", "interpreting"),
    ("translation", "interpreting"),
    ("interpretariat", "interpreting"),
    ("traduction", "interpreting"),
    ("driving", "driving"),
    ("driver", "driving"),
    ("conduite", "driving"),
    ("permis de conduire", "driving"),
];

/// The field a header suggests.
pub fn guess_field(header: &str) -> ApplicationField {
    let key: String = fold(header).chars().filter(|c| c.is_alphanumeric()).collect();
    match HEADERS.iter().find(|(h, _)| *h == key) {
        Some((_, f)) => *f,
        // Forms ask about the check in many words ("Do you have a DBS/PVG/other check?").
        None if ["dbs", "pvg", "casier", "criminalrecord", "accessni"].iter().any(|w| key.contains(w)) => {
            ApplicationField::CheckDeclared
        }
        None => ApplicationField::Ignore,
    }
}

/// Input of an applications import.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationImport {
    /// The file: `.csv` (UTF-8), `.xlsx`, `.xls` or `.ods` (first sheet).
    pub path: String,
    /// Header -> field, for the columns whose header is not recognised.
    #[serde(default)]
    pub mapping: BTreeMap<String, ApplicationField>,
    /// Check only; write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Site for rows without one (default: the user's site).
    #[serde(default)]
    pub site: Option<String>,
}

/// How a column was read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApplicationColumn {
    /// The header in the file.
    pub header: String,
    /// The field it fills.
    pub field: ApplicationField,
}

/// What an applications import found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ApplicationReport {
    /// Data rows in the file.
    pub rows: usize,
    /// Applicants who would be written (0 when any row has a problem).
    pub ready: usize,
    /// Applicants written (0 for a dry run or when any row has a problem).
    pub imported: usize,
    /// Rows left out as already known.
    pub skipped: usize,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// How each column was read.
    pub columns: Vec<ApplicationColumn>,
    /// Problems, by row. Any problem means nothing is imported.
    pub errors: Vec<RowError>,
    /// Applicants already known or twice in the file: listed, not imported.
    pub duplicates: Vec<RowDuplicate>,
}

struct Row {
    row: usize,
    details: VolunteerDetails,
    declared: String,
}

fn digits(phone: &str) -> String {
    phone.chars().filter(char::is_ascii_digit).collect()
}

/// A date in a cell, or the row's problem naming it.
fn date_in(cell: &str, row: usize, header: &str) -> std::result::Result<NaiveDate, RowError> {
    parse_date(cell).filter(|d| (1900..=2100).contains(&d.year())).ok_or_else(|| RowError {
        row,
        column: header.to_string(),
        reason: format!("\"{}\" is not a date: write it as 21/03/2026 or 2026-03-21.", cell.trim()),
    })
}

/// The two dates of a "dates available" cell.
fn date_range(cell: &str, row: usize, header: &str) -> std::result::Result<(NaiveDate, NaiveDate), RowError> {
    let folded = fold(cell);
    let text = folded.strip_prefix("du ").unwrap_or(&folded);
    let parts: Vec<&str> = [" - ", " – ", " to ", " au ", " until ", " jusqu'au "]
        .iter()
        .find_map(|sep| text.split_once(sep).map(|(a, b)| vec![a, b]))
        .unwrap_or_default();
    match parts.as_slice() {
        [a, b] => Ok((date_in(a, row, header)?, date_in(b, row, header)?)),
        _ => Err(RowError {
            row,
            column: header.to_string(),
            reason: format!("\"{}\" is not two dates: write it as 01/03/2026 - 20/03/2026.", cell.trim()),
        }),
    }
}

/// The site a cell names: its code, its name, or a name starting with its code (Dunkerque).
fn site_in(sites: &[(String, String)], cell: &str) -> Option<String> {
    let key = fold(cell);
    sites
        .iter()
        .find(|(code, name)| {
            let code = fold(code);
            key == code || key == fold(name) || (code.len() >= 3 && key.starts_with(&code))
        })
        .map(|(code, _)| code.clone())
}

fn read_row(
    cols: &[ApplicationColumn],
    cells: &[String],
    row: usize,
    sites: &[(String, String)],
    default_site: &str,
) -> std::result::Result<Row, RowError> {
    use ApplicationField::*;
    let mut d = VolunteerDetails { site: default_site.to_string(), ..VolunteerDetails::default() };
    let mut declared = String::new();
    let mut notes: Vec<String> = Vec::new();
    let (mut arrival, mut departure) = (None, None);
    for (c, cell) in cols.iter().zip(cells) {
        // A file's cells never went through the API's normalising: each follows the same rule
        // here (NFC, no control characters, direction overrides or invisible characters).
        let text = crate::fields::normalise("cell", cell).map_err(|e| RowError {
            row,
            column: c.header.clone(),
            reason: e.to_string(),
        })?;
        let v = text.trim();
        if v.is_empty() || c.field == ApplicationField::Ignore {
            continue;
        }
        match c.field {
            GivenName => d.given_name = v.into(),
            FamilyName => d.family_name = v.into(),
            FullName => match v.rsplit_once(' ') {
                Some((given, family)) => {
                    d.given_name = given.trim().into();
                    d.family_name = family.into();
                }
                None => d.given_name = v.into(),
            },
            Email => d.email = v.to_lowercase(),
            Phone => d.phone = v.into(),
            ArrivalOn => arrival = Some(date_in(v, row, &c.header)?),
            DepartureOn => departure = Some(date_in(v, row, &c.header)?),
            DatesAvailable => {
                let (a, b) = date_range(v, row, &c.header)?;
                arrival = Some(a);
                departure = Some(b);
            }
            Site => {
                d.site = site_in(sites, v).ok_or_else(|| RowError {
                    row,
                    column: c.header.clone(),
                    reason: format!("There is no site \"{v}\"."),
                })?
            }
            Skills => {
                let mut other = Vec::new();
                for word in v.split([',', ';', '/']).map(str::trim).filter(|w| !w.is_empty()) {
                    let key = fold(word);
                    match SKILL_WORDS.iter().find(|(w, _)| *w == key) {
                        Some((_, skill)) if !d.skills.iter().any(|s| s == skill) => {
                            d.skills.push((*skill).into())
                        }
                        Some(_) => {}
                        None => other.push(word),
                    }
                }
                if !other.is_empty() {
                    notes.push(format!("Other skills: {}", other.join(", ")));
                }
            }
            Qualifications => d.qualifications = v.into(),
            CheckDeclared => declared = v.into(),
            Languages => d.languages = v.into(),
            EmergencyContact => d.emergency_contact = v.into(),
            StructuredActivity => d.structured_activity = v.into(),
            Notes => notes.push(v.into()),
            Ignore => {}
        }
    }
    d.notes = notes.join("\n");
    d.arrival_on = arrival.ok_or_else(|| RowError {
        row,
        column: String::new(),
        reason: "No date available from: fill in the first day the applicant can come.".into(),
    })?;
    d.departure_on = departure;
    Ok(Row { row, details: d, declared })
}

/// A detail's field as a column of the file (for a problem the volunteer checks find).
fn column_of(cols: &[ApplicationColumn], field: Option<&str>) -> String {
    use ApplicationField::*;
    let wanted: &[ApplicationField] = match field.unwrap_or_default() {
        "given_name" => &[GivenName, FullName],
        "family_name" => &[FamilyName, FullName],
        "email" => &[Email],
        "phone" => &[Phone],
        "departure_on" => &[DepartureOn, DatesAvailable],
        "arrival_on" => &[ArrivalOn, DatesAvailable],
        "site" => &[Site],
        "skills" => &[Skills],
        "qualifications" => &[Qualifications],
        "languages" => &[Languages],
        "emergency_contact" => &[EmergencyContact],
        "structured_activity" => &[StructuredActivity],
        "notes" => &[Notes],
        "check_declared" => &[CheckDeclared],
        _ => &[],
    };
    cols.iter().find(|c| wanted.contains(&c.field)).map(|c| c.header.clone()).unwrap_or_default()
}

/// Checks every row of the file and, when none has a problem and this is not a dry run, adds
/// every applicant in the caller's transaction (a failure part-way leaves nothing).
pub fn import(conn: &Connection, session: &Session, req: &ApplicationImport) -> Result<ApplicationReport> {
    let table = read_table(Path::new(&req.path))?;
    let columns: Vec<ApplicationColumn> = table
        .headers
        .iter()
        .map(|h| ApplicationColumn {
            header: h.clone(),
            field: req.mapping.get(h).copied().unwrap_or_else(|| guess_field(h)),
        })
        .collect();
    let mut report = ApplicationReport {
        rows: table.count(),
        ready: 0,
        imported: 0,
        skipped: 0,
        dry_run: req.dry_run,
        columns: columns.clone(),
        errors: Vec::new(),
        duplicates: Vec::new(),
    };
    let mut seen: HashMap<ApplicationField, &str> = HashMap::new();
    for c in columns.iter().filter(|c| c.field != ApplicationField::Ignore) {
        if let Some(first) = seen.insert(c.field, &c.header) {
            report.errors.push(RowError {
                row: 1,
                column: c.header.clone(),
                reason: format!(
                    "The columns \"{first}\" and \"{}\" fill the same field: map one to \"ignore\".",
                    c.header
                ),
            });
        }
    }
    let named = |f| columns.iter().any(|c| c.field == f);
    if !named(ApplicationField::GivenName) && !named(ApplicationField::FullName) {
        report.errors.push(RowError {
            row: 1,
            column: String::new(),
            reason: "No column holds the name: map one (e.g. \"First name\" or \"Name\").".into(),
        });
    }
    if !report.errors.is_empty() {
        return Ok(report);
    }
    let default_site = crate::sites::resolve(conn, req.site.as_deref().unwrap_or(&session.site_id))?.code;
    let sites: Vec<(String, String)> = {
        let mut stmt = conn.prepare("SELECT code, name FROM sites ORDER BY code")?;
        let rows = stmt.query_map([], |r| Ok((r.get("code")?, r.get("name")?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    // Applicants already known: by email, and by name and phone.
    let mut by_email: HashMap<String, String> = HashMap::new();
    let mut by_name_phone: HashMap<(String, String), String> = HashMap::new();
    {
        let mut stmt = conn.prepare("SELECT given_name, family_name, email, phone FROM volunteers")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>("given_name")?,
                r.get::<_, String>("family_name")?,
                r.get::<_, String>("email")?,
                r.get::<_, String>("phone")?,
            ))
        })?;
        for row in rows {
            let (given, family, email, phone) = row?;
            let name = super::full_name(&given, &family);
            if !email.is_empty() {
                by_email.insert(email.to_lowercase(), name.clone());
            }
            if !digits(&phone).is_empty() {
                by_name_phone.insert((fold(&name), digits(&phone)), name);
            }
        }
    }
    for b in &table.broken {
        report.errors.push(RowError { row: b.row, column: String::new(), reason: b.reason.clone() });
    }
    let mut ready = Vec::new();
    for (cells, &row) in table.rows.iter().zip(&table.numbers) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let r = match read_row(&columns, cells, row, &sites, &default_site) {
            Ok(r) => r,
            Err(e) => {
                report.errors.push(e);
                continue;
            }
        };
        let name = super::full_name(r.details.given_name.trim(), r.details.family_name.trim());
        let email = r.details.email.trim().to_lowercase();
        let phone = digits(&r.details.phone);
        let known = (!email.is_empty())
            .then(|| by_email.get(&email))
            .flatten()
            .map(|n| format!("{n} (same email)"))
            .or_else(|| {
                (!phone.is_empty())
                    .then(|| by_name_phone.get(&(fold(&name), phone.clone())))
                    .flatten()
                    .map(|n| format!("{n} (same name and phone)"))
            });
        if let Some(matches) = known {
            report.duplicates.push(RowDuplicate { row, name, matches: vec![matches] });
            report.skipped += 1;
            continue;
        }
        let label = format!("row {row}");
        if !email.is_empty() {
            by_email.insert(email, label.clone());
        }
        if !phone.is_empty() {
            by_name_phone.insert((fold(&name), phone), label);
        }
        ready.push(r);
    }
    if !report.errors.is_empty() {
        report.errors.sort_by_key(|e| e.row);
        return Ok(report);
    }
    // Each row is checked by the same rules as the form, by writing it inside a savepoint that
    // is taken back for a dry run and for a file with problems.
    conn.execute_batch("SAVEPOINT application_import")?;
    let outcome = write_rows(conn, session, &ready, &columns, &mut report);
    let keep = matches!(outcome, Ok(())) && report.errors.is_empty() && !req.dry_run;
    conn.execute_batch(if keep {
        "RELEASE application_import"
    } else {
        "ROLLBACK TO application_import; RELEASE application_import"
    })?;
    outcome?;
    report.errors.sort_by_key(|e| e.row);
    if keep {
        report.imported = report.ready;
    }
    Ok(report)
}

fn write_rows(
    conn: &Connection,
    session: &Session,
    ready: &[Row],
    columns: &[ApplicationColumn],
    report: &mut ApplicationReport,
) -> Result<()> {
    let mut written = 0;
    for r in ready {
        match create_application(conn, session, &r.details, &r.declared) {
            Ok(_) => written += 1,
            Err(e) if e.kind() == ErrorKind::Validation => report.errors.push(RowError {
                row: r.row,
                column: column_of(columns, e.to_payload().field.as_deref()),
                reason: e.to_string(),
            }),
            Err(e) => return Err(e),
        }
    }
    report.ready = if report.errors.is_empty() { written } else { 0 };
    Ok(())
}
