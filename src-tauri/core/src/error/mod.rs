//! The one error type of the core.
//!
//! Every failure a person can act on is a variant with a plain-language message. The UI and the
//! CLI only branch on [`ErrorKind`], so a kind is added only when some caller needs to tell it
//! apart. Every error also carries a stable [`Code`] and the values its text needs, so the
//! window can word it in the person's language (`error.<code>` in its language files); the
//! English `message` is the code's template filled in, for the CLI and logs. A form's checks
//! gather every problem in a [`Problems`] collector and fail once, before anything is written.

mod codes;
mod problems;

pub use codes::{Code, ErrorKind};
use problems::into_params;
pub use problems::{fill, Params, Problem};

use serde::Serialize;
use serde_json::Value;

/// Result of every fallible core function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A core error: a kind plus a message written for the person who will read it.
///
/// [`Error::Coded`] is the shape every refusal takes: a stable [`Code`], its values, and the
/// English text, so the window words it in the person's language. There is no shape that holds
/// only an English text: a new refusal needs a code of its own (`area.field.what`). The other
/// variants are failures of the machine (storage, files), which carry their detail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The passphrase did not open the database.
    #[error("The passphrase is not right for this database.")]
    WrongPassphrase,
    /// A storage failure.
    #[error("Database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A schema migration failed.
    #[error("Database upgrade failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A file could not be read or written.
    #[error("File error: {0}")]
    Io(#[from] std::io::Error),
    /// A refusal with a stable code; its kind is the code's. A form's validation may hold
    /// several problems (see [`Problems`]).
    #[error("{}", .0.message)]
    Coded(Box<Coded>),
}

/// The inside of [`Error::Coded`].
#[derive(Debug, Clone, PartialEq)]
pub struct Coded {
    /// What went wrong, as a stable name.
    pub code: Code,
    /// The values the code's text needs.
    pub params: Params,
    /// The code's English template filled in with `params`.
    pub message: String,
    /// The input field at fault (validation), or the flag that confirms (confirm).
    pub field: Option<String>,
    /// Every problem of a form, the first one being the error's own code and field; empty for
    /// an error that is about no field.
    pub problems: Vec<Problem>,
}

/// Gathers every problem of a form, so that a person fixing a registration reads them all at
/// once; [`Problems::finish`] fails with all of them, and the caller writes nothing until it
/// passes.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    /// No problem yet.
    pub fn new() -> Self {
        Problems(Vec::new())
    }

    /// Records a problem at `field`.
    pub fn add(&mut self, field: impl Into<String>, code: Code, params: Value) {
        self.0.push(Problem::new(field, code, params));
    }

    /// The value of a check that passed. A refusal about a field is kept as a problem (and
    /// `None` returned, so the form goes on to its next field); any other error (a database
    /// failure, an input refused as a whole) ends the checks and is returned as it is.
    pub fn check<T>(&mut self, result: Result<T>) -> Result<Option<T>> {
        match result {
            Ok(v) => Ok(Some(v)),
            Err(e) => match e.into_problems() {
                Ok(found) => {
                    self.0.extend(found);
                    Ok(None)
                }
                Err(e) => Err(e),
            },
        }
    }

    /// Whether any problem was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a problem names `field`.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|p| p.field == field)
    }

    /// `value` when no problem was found (a form's checked values, `None` only when a check
    /// failed); otherwise the one validation error of [`Problems::finish`].
    pub fn finish_with<T>(self, value: Option<T>) -> Result<T> {
        self.finish()?;
        value.ok_or_else(|| Error::new(Code::InternalFormUnchecked, serde_json::json!({})))
    }

    /// `Ok` when no problem was found; otherwise one validation error holding them all, the
    /// first as its own code and field.
    pub fn finish(self) -> Result<()> {
        let mut found = self.0.into_iter();
        let Some(first) = found.next() else { return Ok(()) };
        let mut problems = vec![first.clone()];
        problems.extend(found);
        Err(Error::Coded(Box::new(Coded {
            code: first.code,
            params: first.params,
            message: first.message,
            field: Some(first.field),
            problems,
        })))
    }
}

impl Error {
    /// An error with a stable code and the values its text needs (an object); its kind is the
    /// code's.
    pub fn new(code: Code, params: Value) -> Self {
        let params = into_params(params);
        let message = fill(code.template(), &params);
        Error::Coded(Box::new(Coded { code, params, message, field: None, problems: Vec::new() }))
    }

    /// A refusal of one input field, with a stable code and its values.
    pub fn at(field: impl Into<String>, code: Code, params: Value) -> Self {
        let problem = Problem::new(field, code, params);
        Error::Coded(Box::new(Coded {
            code,
            params: problem.params.clone(),
            message: problem.message.clone(),
            field: Some(problem.field.clone()),
            problems: vec![problem],
        }))
    }

    /// A refusal that the same call with `flag` set to true turns into the change, with a
    /// stable code and its values.
    pub fn confirm_with(flag: impl Into<String>, code: Code, params: Value) -> Self {
        let params = into_params(params);
        let message = fill(code.template(), &params);
        Error::Coded(Box::new(Coded {
            code,
            params,
            message,
            field: Some(flag.into()),
            problems: Vec::new(),
        }))
    }

    /// `instead` when this error says that what was asked for is absent (`not_found`, or a
    /// query that found no row); this error unchanged otherwise. For an input that names a
    /// record: its absence is the caller's mistake, but a database failure is not, and must
    /// never be reported as one.
    pub fn when_absent(self, instead: Error) -> Error {
        match self {
            Error::Sqlite(rusqlite::Error::QueryReturnedNoRows) => instead,
            other if other.kind() == ErrorKind::NotFound => instead,
            other => other,
        }
    }

    /// This error with its field `from` (any field when `None`) named `to` instead, for a
    /// check whose field is part of a larger input (`rate` of `items[2].rate`); any other
    /// error unchanged.
    pub fn refield(self, from: Option<&str>, to: &str) -> Error {
        let moves = |f: &str| from.is_none_or(|from| from == f);
        match self {
            Error::Coded(mut c) if c.code.kind() == ErrorKind::Validation => {
                if c.field.as_deref().is_some_and(moves) {
                    c.field = Some(to.to_string());
                }
                for p in c.problems.iter_mut().filter(|p| moves(&p.field)) {
                    p.field = to.to_string();
                }
                Error::Coded(c)
            }
            other => other,
        }
    }

    /// The problems about fields this error holds, or the error itself when it is not a
    /// refusal of fields (a database failure, an input refused as a whole).
    pub fn into_problems(self) -> Result<Vec<Problem>, Error> {
        match self {
            Error::Coded(c) if c.code.kind() == ErrorKind::Validation && !c.problems.is_empty() => {
                Ok(c.problems)
            }
            other => Err(other),
        }
    }

    /// The kind the UI and CLI branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::WrongPassphrase => ErrorKind::Locked,
            Error::Sqlite(e) if is_busy(e) => ErrorKind::Conflict,
            Error::Sqlite(_) | Error::Migration(_) | Error::Io(_) => ErrorKind::Internal,
            Error::Coded(c) => c.code.kind(),
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> Code {
        match self {
            Error::WrongPassphrase => Code::AccessPassphraseWrong,
            Error::Sqlite(e) if is_busy(e) => Code::DatabaseBusy,
            Error::Sqlite(_) => Code::InternalDatabase,
            Error::Migration(_) => Code::InternalUpgrade,
            Error::Io(_) => Code::InternalFile,
            Error::Coded(c) => c.code,
        }
    }

    /// The `{kind, message, field?, code, params, problems}` shape that crosses to the UI and
    /// the CLI.
    pub fn to_payload(&self) -> ErrorPayload {
        let message = self.to_string();
        let (field, params, problems) = match self {
            Error::Coded(c) => (c.field.clone(), c.params.clone(), c.problems.clone()),
            Error::WrongPassphrase => (None, Params::new(), Vec::new()),
            Error::Sqlite(e) => (None, detail_param(e), Vec::new()),
            Error::Migration(e) => (None, detail_param(e), Vec::new()),
            Error::Io(e) => (None, detail_param(e), Vec::new()),
        };
        ErrorPayload { kind: self.kind(), message, field, code: self.code(), params, problems }
    }
}

fn detail_param(e: &dyn std::fmt::Display) -> Params {
    into_params(serde_json::json!({"detail": e.to_string()}))
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// An error as data: what the UI receives from a failed command and the CLI prints on stderr.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ErrorPayload {
    /// One of the stable kinds.
    pub kind: ErrorKind,
    /// A message a person can act on, in English.
    pub message: String,
    /// The input field at fault, for validation errors; for `confirm`, the input flag that
    /// confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// What went wrong, as a stable name: the window words it from `error.<code>`.
    #[schemars(with = "String")]
    pub code: Code,
    /// The values the code's text needs.
    pub params: Params,
    /// Every problem of a form at once (empty for errors that are not about fields).
    pub problems: Vec<Problem>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        e.to_payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn payload_json_shape_is_kind_message_code_params_and_problems() {
        let json = serde_json::to_value(Error::new(Code::SiteNotFound, json!({"site": "CAL"})).to_payload())
            .unwrap_or_default();
        assert_eq!(
            json,
            json!({"kind": "not_found", "message": Code::SiteNotFound.template().replace("{site}", "CAL"),
                   "code": "site.not_found", "params": {"site": "CAL"}, "problems": []})
        );
    }

    #[test]
    fn only_absence_becomes_the_callers_mistake() {
        let choose = || Error::at("site", Code::SetupSitesMissing, json!({}));
        let no_row = Error::Sqlite(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(no_row.when_absent(choose()).kind(), ErrorKind::Validation);
        let coded = Error::new(Code::SiteNotFound, json!({"site": "X"}));
        assert_eq!(coded.when_absent(choose()).kind(), ErrorKind::Validation, "a coded absence too");
        let failure = Error::Sqlite(rusqlite::Error::InvalidQuery);
        assert_eq!(failure.when_absent(choose()).kind(), ErrorKind::Internal, "a database failure stays one");
    }

    #[test]
    fn validation_payload_names_the_field_and_sends_numbers_as_numbers() {
        let e = Error::at("passphrase", Code::AccessPassphraseTooShort, json!({"min": 12}));
        let json = serde_json::to_value(e.to_payload()).unwrap_or_default();
        assert_eq!(json["kind"], "validation");
        assert_eq!(json["message"], "The passphrase must be at least 12 characters long.");
        assert_eq!(json["field"], "passphrase");
        assert_eq!(json["code"], "access.passphrase.too_short");
        assert_eq!(
            json["problems"],
            json!([{"field": "passphrase", "code": "access.passphrase.too_short", "params": {"min": 12},
                    "message": "The passphrase must be at least 12 characters long."}])
        );
    }

    #[test]
    fn confirm_payload_names_the_flag_that_confirms() {
        let e = Error::confirm_with(
            "confirm_same_week",
            Code::DistributionSameWeek,
            json!({"site": "Calais", "type": "weekly", "on": "2026-11-30", "location": "Hall"}),
        );
        let json = serde_json::to_value(e.to_payload()).unwrap_or_default();
        assert_eq!(json["kind"], "confirm");
        assert!(
            json["message"].as_str().is_some_and(|m| m.starts_with("Calais already has a weekly")),
            "{json}"
        );
        assert_eq!(json["field"], "confirm_same_week");
        assert_eq!(json["problems"], json!([]));
    }

    #[test]
    fn wrong_passphrase_is_locked() {
        assert_eq!(Error::WrongPassphrase.kind(), ErrorKind::Locked);
        assert_eq!(Error::WrongPassphrase.kind().as_str(), "locked");
        assert_eq!(Error::WrongPassphrase.to_payload().message, Code::AccessPassphraseWrong.template());
    }

    #[test]
    fn a_coded_error_fills_its_template_and_takes_its_codes_kind() {
        let e = Error::at("date_of_birth", Code::PersonDateOfBirthInFuture, json!({}));
        assert_eq!(e.kind(), ErrorKind::Validation);
        let p = e.to_payload();
        assert_eq!(p.message, "The date of birth is in the future.");
        assert_eq!(p.field.as_deref(), Some("date_of_birth"));
        assert_eq!(p.problems.len(), 1);
        let e = Error::new(Code::TextTooLong, json!({"label": "The note", "max": 500}));
        assert_eq!(e.to_string(), "The note is too long (at most 500 characters).");
    }

    #[test]
    fn fill_leaves_unknown_placeholders_and_lone_braces() {
        let params = into_params(json!({"n": 3, "who": "Léa"}));
        assert_eq!(fill("{who} has {n} {missing} {", &params), "Léa has 3 {missing} {");
        assert_eq!(fill("{not a name} {n}", &params), "{not a name} 3");
    }

    #[test]
    fn fill_writes_a_calendar_date_out_and_leaves_other_text_alone() {
        // Errors carry dates as ISO text, for the window to write in the UI's language; the
        // English message writes them out as the window does in English.
        let params = into_params(json!({"day": "2026-11-27", "code": "2026-11-27x", "bad": "2026-02-31"}));
        assert_eq!(fill("{day} {code} {bad}", &params), "27 Nov 2026 2026-11-27x 2026-02-31");
    }

    #[test]
    fn problems_gather_every_refusal_and_fail_once() {
        let mut p = Problems::new();
        assert_eq!(p.check(Ok::<_, Error>(1)).ok().flatten(), Some(1));
        let first = Error::at("a", Code::SetupCentreNameMissing, json!({}));
        assert!(p.check::<()>(Err(first)).is_ok_and(|v| v.is_none()));
        p.add("b", Code::PersonDateOfBirthInFuture, json!({}));
        let stop = p.check::<()>(Err(Error::Sqlite(rusqlite::Error::InvalidQuery)));
        assert!(stop.is_err(), "a database failure is not a problem of the form");
        assert!(p.has("a") && p.has("b"));
        let e = p.finish().err().map(|e| e.to_payload());
        let fields: Vec<String> = e.iter().flat_map(|e| e.problems.iter().map(|p| p.field.clone())).collect();
        assert_eq!(fields, ["a", "b"]);
        assert_eq!(e.and_then(|e| e.field).as_deref(), Some("a"), "the first problem is the error's field");
        assert!(Problems::new().finish().is_ok());
    }

    #[test]
    fn every_code_is_dotted_unique_and_of_its_kind() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            let s = code.as_str();
            assert!(
                s.contains('.') && s.chars().all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
                "{s}"
            );
            assert!(seen.insert(s), "{s} twice");
            assert!(!code.template().is_empty(), "{s}");
        }
    }
}

/// Something a person should know about work that was done all the same: part of a
/// function's answer (a `warnings` list), never a refusal. The window words it from
/// `warning.<kind>` in its language files with `params`; `message` is the English for the CLI
/// and logs.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Warning {
    /// What it is about (`expired_on_receipt`, `session_audience`).
    pub kind: String,
    /// The values the text needs, by name.
    pub params: serde_json::Value,
    /// The warning in English.
    pub message: String,
}

impl Warning {
    /// A warning of `kind` with its values and English text.
    pub fn new(kind: &str, params: serde_json::Value, message: impl Into<String>) -> Self {
        Warning { kind: kind.to_string(), params, message: message.into() }
    }
}
