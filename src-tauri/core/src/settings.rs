//! Centre-wide settings as key/value pairs: the centre's name here, and the policies each area
//! keeps under its own keys (security and retention in `access/policy.rs`, the DBS policy in
//! `volunteers/dbs.rs`). Known keys are typed in [`CentreSettings`]; the table can hold more.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::print::Language;
use crate::{new_id, Error, Result};

/// Key of the centre's name.
pub const CENTRE_NAME: &str = "centre_name";
/// Key of the centre's language: what sheets print in when the person printing names none.
pub const CENTRE_LANGUAGE: &str = "centre_language";

/// The settings the app shows and edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CentreSettings {
    /// The centre's name, printed on every sheet.
    pub centre_name: String,
    /// The language sheets print in unless the person printing chooses one (`en`, `fr`);
    /// English until set. Left out of a change, it stays as it is.
    #[serde(default)]
    pub language: Option<Language>,
}

/// Reads one centre-wide setting.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1 AND site_id IS NULL", [key], |r| r.get(0))
        .optional()?)
}

/// Writes one centre-wide setting.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    let changed = conn.execute(
        "UPDATE settings SET value = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
         WHERE key = ?1 AND site_id IS NULL",
        params![key, value],
    )?;
    if changed == 0 {
        conn.execute(
            "INSERT INTO settings (id, site_id, key, value) VALUES (?1, NULL, ?2, ?3)",
            params![new_id(), key, value],
        )?;
    }
    Ok(())
}

/// The centre's settings.
pub fn centre(conn: &Connection) -> Result<CentreSettings> {
    Ok(CentreSettings {
        centre_name: get(conn, CENTRE_NAME)?.unwrap_or_default(),
        language: Some(language(conn)?),
    })
}

/// The centre's language (English until set).
pub fn language(conn: &Connection) -> Result<Language> {
    Ok(get(conn, CENTRE_LANGUAGE)?.as_deref().and_then(Language::from_code).unwrap_or_default())
}

/// The language a sheet prints in: the one chosen, else the centre's.
pub fn print_language(conn: &Connection, chosen: Option<Language>) -> Result<Language> {
    match chosen {
        Some(lang) => Ok(lang),
        None => language(conn),
    }
}

/// Checks and stores the centre's settings.
pub fn update_centre(conn: &Connection, input: &CentreSettings) -> Result<CentreSettings> {
    let name = crate::fields::line("centre_name", "The centre's name", &input.centre_name, 120)?;
    let name = name.as_str();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::at("centre_name", crate::Code::SettingsCentreNameInvalid, serde_json::json!({})));
    }
    set(conn, CENTRE_NAME, name)?;
    if let Some(lang) = input.language {
        set(conn, CENTRE_LANGUAGE, lang.code())?;
    }
    centre(conn)
}
