//! API functions for people's data-protection rights: subject access, erasure, retention.

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::inputs::today;
use super::printing::write_file;
use crate::access::{audit, policy, Session};
use crate::db::capture::capture_in;
use crate::print::{render_report, Column, PageSetup, Sheet, SheetHeader};
use crate::{privacy, settings, Code, Db, Error, Result};

/// Where to write a person's data.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportPersonData {
    /// The person's id.
    pub id: String,
    /// Write everything as JSON here (machine-readable copy).
    #[serde(default)]
    pub json_path: Option<String>,
    /// Write a printable PDF here (for the person to read).
    #[serde(default)]
    pub pdf_path: Option<String>,
    /// The language of the PDF's own words (`en`, `fr`); the centre's language when left out.
    /// The data is printed as recorded.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
}

/// What was written.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonDataWritten {
    /// The JSON file, if asked for.
    pub json_path: Option<String>,
    /// The PDF file, if asked for.
    pub pdf_path: Option<String>,
    /// Records found about the person (rows in all tables, audit entries included).
    pub records: usize,
}

/// Title of the subject access sheet in English (`print.access.title` in each language).
pub const SUBJECT_ACCESS_TITLE: &str = "Your information held by the centre";

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&if prefix.is_empty() { k.clone() } else { format!("{prefix} › {k}") }, v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix} {}", i + 1), v, out);
            }
        }
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

/// Writes a person's data as JSON and as a printable PDF. The data is read first, the PDF is
/// rendered with no transaction open, then the files are written and the access recorded in one
/// write transaction (the API's one print path, with two files).
pub(super) fn export_person_data(db: &Db, s: &Session, input: ExportPersonData) -> Result<PersonDataWritten> {
    let clean = |p: &Option<String>| p.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(String::from);
    let (json_path, pdf_path) = (clean(&input.json_path), clean(&input.pdf_path));
    if json_path.is_none() && pdf_path.is_none() {
        return Err(Error::at("json_path", Code::PrivacyJsonPathMissing, json!({})));
    }
    let (data, centre, lang) = db.read(|c| {
        Ok((
            privacy::subject_access(c, &input.id)?,
            settings::centre(c)?.centre_name,
            settings::print_language(c, input.language)?,
        ))
    })?;
    let mut lines = Vec::new();
    flatten("", &data, &mut lines);
    let json_text = match &json_path {
        Some(_) => Some(
            serde_json::to_string_pretty(&data)
                .map_err(|e| Error::new(Code::PrivacyNotEncoded, json!({"detail": e.to_string()})))?,
        ),
        None => None,
    };
    let pdf = match &pdf_path {
        Some(_) => {
            let now = Local::now().naive_local();
            let w = crate::print::Words::of(lang);
            let title = w.get("print.access.title");
            let mut sheet = Sheet::new(
                &title,
                vec![
                    Column::text(w.get("print.access.what")).weight(1.0).lines(2),
                    Column::text(w.get("print.access.recorded")).weight(2.0).lines(6),
                ],
            );
            sheet.page = PageSetup::default();
            sheet.language = lang;
            sheet.header = SheetHeader {
                centre: centre.clone(),
                site: data["person"]["code"].as_str().unwrap_or_default().to_string(),
                title,
                date: w.date(today()),
            };
            sheet.author = centre;
            sheet.printed_at = now;
            sheet.rows = lines.iter().map(|(k, v)| vec![k.as_str().into(), v.as_str().into()]).collect();
            Some(render_report(&sheet)?.pdf)
        }
        None => None,
    };
    let records = data["records"]
        .as_object()
        .map(|m| m.values().filter_map(Value::as_array).map(Vec::len).sum())
        .unwrap_or(0)
        + data["audit"].as_array().map(Vec::len).unwrap_or(0)
        + 1;
    db.write(|tx| {
        if let (Some(path), Some(text)) = (&json_path, &json_text) {
            write_file(path, text.as_bytes(), "json_path")?;
        }
        if let (Some(path), Some(pdf)) = (&pdf_path, &pdf) {
            write_file(path, pdf, "pdf_path")?;
        }
        let detail = json!({"json": json_path.is_some(), "pdf": pdf_path.is_some(), "records": records});
        audit::record(tx, s, "subject_access", "person", Some(&input.id), Some(&detail))?;
        Ok(PersonDataWritten { json_path: json_path.clone(), pdf_path: pdf_path.clone(), records })
    })
}

/// Erase a person: their identity is removed, the numbers stay.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErasePerson {
    /// The person's id.
    pub id: String,
    /// Must be true: the lead has read what will happen.
    #[serde(default)]
    pub confirm: bool,
}

/// The anonymised record's code, and those erased with it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Erased {
    /// The person's code, which stays on the anonymised record.
    pub code: String,
    /// The codes of the records merged with this one, erased with it (one person's records).
    pub also: Vec<String>,
}

pub(super) fn erase_person(db: &Db, s: &Session, input: ErasePerson) -> Result<Erased> {
    if !input.confirm {
        return Err(Error::at("confirm", Code::PrivacyEraseUnconfirmed, json!({})));
    }
    // Uncaptured: only the erasure record travels (privacy::erase captures it alone).
    db.write_uncaptured(|tx| {
        let code: String =
            tx.query_row("SELECT code FROM people WHERE id = ?1", [&input.id], |r| r.get(0))
                .map_err(|e| Error::from(e).when_absent(Error::new(Code::PersonNotFound, json!({}))))?;
        let also = crate::cases::merges::merged_with(tx, &input.id)?;
        privacy::erase(tx, s, &input.id, privacy::Erasure::Request)?;
        audit::record(
            tx,
            s,
            "erase",
            "person",
            Some(&input.id),
            Some(&json!({"reason": "request", "also": also})),
        )?;
        Ok(Erased { code, also })
    })
}

/// What the retention rule did.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RetentionDone {
    /// Cases closed before this day were due.
    pub cutoff: chrono::NaiveDate,
    /// How many were anonymised now.
    pub anonymised: usize,
    /// Their codes.
    pub codes: Vec<String>,
    /// DBS checks reduced to certificate number and status (volunteers who left long ago).
    pub dbs_reduced: usize,
}

/// Anonymises every closed case past the retention period, in one transaction.
pub fn apply_retention(db: &Db, s: &Session) -> Result<RetentionDone> {
    // Uncaptured: each erasure record travels (privacy::erase captures it alone), the values it
    // removes do not; the DBS reductions are captured as ordinary changes.
    db.write_uncaptured(|tx| {
        let settings = policy::get(tx)?;
        let months = settings.retention_months;
        let (cutoff, ids) = privacy::retention_due(tx, months, today())?;
        let mut codes = Vec::new();
        for id in &ids {
            codes.push(
                tx.query_row("SELECT code FROM people WHERE id = ?1", [id], |r| r.get::<_, String>(0))?,
            );
            privacy::erase(tx, s, id, privacy::Erasure::Retention)?;
            audit::record(
                tx,
                s,
                "erase",
                "person",
                Some(id),
                Some(&json!({"reason": "retention", "months": months})),
            )?;
        }
        // The reductions and their audit entries: one captured change.
        let reduced = capture_in(tx, |tx| {
            let reduced = privacy::reduce_dbs_detail(tx, settings.dbs_retention_months, today())?;
            for r in &reduced {
                let detail =
                    json!({"reason": "retention", "months": settings.dbs_retention_months, "check": r.check_id});
                audit::record(tx, s, "reduce", "dbs_check", Some(&r.volunteer_id), Some(&detail))?;
            }
            Ok(reduced)
        })?;
        Ok(RetentionDone { cutoff, anonymised: ids.len(), codes, dbs_reduced: reduced.len() })
    })
}

pub(super) fn run_retention(db: &Db, s: &Session, _: super::inputs::NoInput) -> Result<RetentionDone> {
    apply_retention(db, s)
}
