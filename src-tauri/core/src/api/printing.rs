//! The one print path of the API. Every printed sheet goes the same way: the path is checked,
//! the sheet is built from the database in a read, the PDF is rendered with no transaction
//! open (rendering takes long enough to keep the desk waiting if it held the connection), and
//! then the file is written and the audit entry recorded in one short write transaction, so a
//! file that cannot be written leaves no audit entry for a sheet nobody got. A database opened
//! from read-only media prints with no audit entry, since none can be written there.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::access::{audit, Session};
use crate::print::{render_report, Rendered, Sheet};
use crate::{Db, Error, Result};

/// A sheet written to a PDF file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrintedSheet {
    /// The file written.
    pub path: String,
    /// Rows on the sheet.
    pub rows: usize,
    /// Pages in the PDF.
    pub pages: usize,
}

/// A sheet built from the database, with what its audit entry records.
pub(super) struct Printable {
    /// The sheet to render.
    pub sheet: Sheet,
    /// What the sheet lists, reported back as its rows (people, shifts, phones).
    pub rows: usize,
    /// The audit entry's action (`print`, or `view` for a list whose every print is a view).
    pub action: &'static str,
    /// The audit entry's entity.
    pub entity: &'static str,
    /// The audit entry's entity id, when the sheet is of one thing.
    pub entity_id: Option<String>,
    /// The audit entry's detail.
    pub detail: Option<Value>,
}

/// The trimmed path a PDF is to be written to; an empty one is refused on `path`.
pub(super) fn pdf_path(path: &str) -> Result<&str> {
    let path = path.trim();
    if path.is_empty() {
        return Err(Error::at("path", crate::Code::PrintPathMissing, serde_json::json!({})));
    }
    Ok(path)
}

/// Writes `bytes` to `path`; a failure is reported on the input's `field`.
pub(super) fn write_file(path: &str, bytes: &[u8], field: &str) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| {
        Error::at(
            field,
            crate::Code::ExportPathNotWritten,
            serde_json::json!({"path": path.to_string(), "detail": e.to_string()}),
        )
    })
}

/// Prints a sheet to `path`: `build` reads what the sheet shows, the PDF is rendered outside any
/// transaction, then the file is written and the audit entry recorded in one write transaction.
pub(super) fn print_sheet(
    db: &Db,
    s: &Session,
    path: &str,
    build: impl FnOnce(&Connection) -> Result<Printable>,
) -> Result<PrintedSheet> {
    let path = pdf_path(path)?;
    let printable = db.read(build)?;
    let rendered = render_report(&printable.sheet)?;
    if db.is_read_only_media() {
        // A database on a disk that cannot be written still prints (a distribution goes on
        // from a locked stick): the file is written elsewhere, and no audit entry can be.
        write_file(path, &rendered.pdf, "path")?;
        return Ok(PrintedSheet { path: path.to_string(), rows: printable.rows, pages: rendered.pages });
    }
    let Printable { rows, action, entity, entity_id, detail, .. } = printable;
    let audit = Audited { rows, action, entity, entity_id, detail };
    write_and_audit(db, s, path, &rendered, &audit, |_| Ok(()))
}

/// What a printed document records in the audit log, and reports back.
pub(super) struct Audited {
    /// What the document lists, reported back as its rows.
    pub rows: usize,
    /// The audit entry's action.
    pub action: &'static str,
    /// The audit entry's entity.
    pub entity: &'static str,
    /// The audit entry's entity id, when the document is of one thing.
    pub entity_id: Option<String>,
    /// The audit entry's detail.
    pub detail: Option<Value>,
}

/// Writes a rendered document to `path` and records its audit entry, with `also` (what the
/// print itself issues, such as ID card numbers) in the same write transaction: a file that
/// cannot be written leaves neither.
pub(super) fn write_and_audit(
    db: &Db,
    s: &Session,
    path: &str,
    rendered: &Rendered,
    audited: &Audited,
    also: impl FnOnce(&Connection) -> Result<()>,
) -> Result<PrintedSheet> {
    db.write(|tx| {
        also(tx)?;
        write_file(path, &rendered.pdf, "path")?;
        audit::record(
            tx,
            s,
            audited.action,
            audited.entity,
            audited.entity_id.as_deref(),
            audited.detail.as_ref(),
        )?;
        Ok(PrintedSheet { path: path.to_string(), rows: audited.rows, pages: rendered.pages })
    })
}
