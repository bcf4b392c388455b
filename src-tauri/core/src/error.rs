//! The one error type of the core.
//!
//! Every failure a person can act on is a variant with a plain-language message. The UI and the
//! CLI only branch on [`ErrorKind`], so a kind is added only when some caller needs to tell it
//! apart; everything else is a message inside an existing kind.

use serde::Serialize;

/// Result of every fallible core function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The small, stable set of error kinds that cross to the UI and the CLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The input was wrong; nothing was changed.
    Validation,
    /// The thing asked for does not exist (or is not visible to the caller).
    NotFound,
    /// The change clashes with existing data (duplicate code, already exists, ...).
    Conflict,
    /// The caller's role may not do this.
    Forbidden,
    /// The database is locked: wrong passphrase, or not unlocked yet.
    Locked,
    /// Something broke that the person cannot fix (disk, bug); the message says what.
    Internal,
    /// Allowed, but only once the person has confirmed: nothing was changed, and the same call
    /// with the input flag named in `field` set to true does it (the UI asks, then sends it).
    Confirm,
}

impl ErrorKind {
    /// The wire name of the kind (`"not_found"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Validation => "validation",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::Locked => "locked",
            ErrorKind::Internal => "internal",
            ErrorKind::Confirm => "confirm",
        }
    }
}

/// A core error: a kind plus a message written for the person who will read it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input failed a rule. `field` names the form field when there is one, so the UI can put
    /// the message beside it.
    #[error("{message}")]
    Validation {
        /// The input field at fault, if any (`"passphrase"`, `"sites[1].code"`).
        field: Option<String>,
        /// What is wrong, in plain words.
        message: String,
    },
    /// A record that was asked for does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A change clashes with data already there.
    #[error("{0}")]
    Conflict(String),
    /// The caller's role is not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// The passphrase did not open the database.
    #[error("The passphrase is not right for this database.")]
    WrongPassphrase,
    /// The database is not open (not unlocked yet, or locked again).
    #[error("{0}")]
    Locked(String),
    /// A storage failure.
    #[error("Database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A schema migration failed.
    #[error("Database upgrade failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),
    /// A file could not be read or written.
    #[error("File error: {0}")]
    Io(#[from] std::io::Error),
    /// Any other failure that is not the caller's fault.
    #[error("{0}")]
    Internal(String),
    /// The change needs the person's confirmation first (a second distribution in the same
    /// week, someone from another site at the desk): nothing was changed.
    #[error("{message}")]
    NeedsConfirmation {
        /// The input flag that confirms (`"confirm_same_week"`): the same call with it set to
        /// true goes ahead.
        flag: String,
        /// What the person confirms, in plain words.
        message: String,
    },
}

impl Error {
    /// A validation error tied to one input field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation { field: Some(field.into()), message: message.into() }
    }

    /// A refusal that the same call with `flag` set to true turns into the change.
    pub fn confirm(flag: impl Into<String>, message: impl Into<String>) -> Self {
        Error::NeedsConfirmation { flag: flag.into(), message: message.into() }
    }

    /// A validation error about the input as a whole.
    pub fn validation(message: impl Into<String>) -> Self {
        Error::Validation { field: None, message: message.into() }
    }

    /// `instead` when this error says that what was asked for is absent (`not_found`, or a
    /// query that found no row); this error unchanged otherwise. For an input that names a
    /// record: its absence is the caller's mistake, but a database failure is not, and must
    /// never be reported as one.
    pub fn when_absent(self, instead: Error) -> Error {
        match self {
            Error::NotFound(_) | Error::Sqlite(rusqlite::Error::QueryReturnedNoRows) => instead,
            other => other,
        }
    }

    /// The kind the UI and CLI branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation { .. } => ErrorKind::Validation,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::Forbidden(_) => ErrorKind::Forbidden,
            Error::WrongPassphrase | Error::Locked(_) => ErrorKind::Locked,
            Error::NeedsConfirmation { .. } => ErrorKind::Confirm,
            Error::Sqlite(e) if is_busy(e) => ErrorKind::Conflict,
            Error::Sqlite(_) | Error::Migration(_) | Error::Io(_) | Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The `{kind, message, field?}` shape that crosses to the UI and the CLI.
    pub fn to_payload(&self) -> ErrorPayload {
        let field = match self {
            Error::Validation { field, .. } => field.clone(),
            Error::NeedsConfirmation { flag, .. } => Some(flag.clone()),
            _ => None,
        };
        ErrorPayload { kind: self.kind(), message: self.to_string(), field }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// An error as data: what the UI receives from a failed command and the CLI prints on stderr.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ErrorPayload {
    /// One of the stable kinds.
    pub kind: ErrorKind,
    /// A message a person can act on.
    pub message: String,
    /// The input field at fault, for validation errors; for `confirm`, the input flag that
    /// confirms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl From<&Error> for ErrorPayload {
    fn from(e: &Error) -> Self {
        e.to_payload()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_json_shape_is_kind_and_message() {
        let json =
            serde_json::to_value(Error::NotFound("No site CAL.".into()).to_payload()).unwrap_or_default();
        assert_eq!(json, serde_json::json!({"kind": "not_found", "message": "No site CAL."}));
    }

    #[test]
    fn only_absence_becomes_the_callers_mistake() {
        let choose = || Error::invalid("site", "Choose a site.");
        assert_eq!(Error::NotFound("No site X.".into()).when_absent(choose()).kind(), ErrorKind::Validation);
        let no_row = Error::Sqlite(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(no_row.when_absent(choose()).kind(), ErrorKind::Validation);
        let failure = Error::Sqlite(rusqlite::Error::InvalidQuery);
        assert_eq!(failure.when_absent(choose()).kind(), ErrorKind::Internal, "a database failure stays one");
    }

    #[test]
    fn validation_payload_names_the_field() {
        let json =
            serde_json::to_value(Error::invalid("passphrase", "Too short.").to_payload()).unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"kind": "validation", "message": "Too short.", "field": "passphrase"})
        );
    }

    #[test]
    fn confirm_payload_names_the_flag_that_confirms() {
        let json = serde_json::to_value(Error::confirm("confirm_same_week", "Again?").to_payload())
            .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"kind": "confirm", "message": "Again?", "field": "confirm_same_week"})
        );
    }

    #[test]
    fn wrong_passphrase_is_locked() {
        assert_eq!(Error::WrongPassphrase.kind(), ErrorKind::Locked);
        assert_eq!(Error::WrongPassphrase.kind().as_str(), "locked");
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
