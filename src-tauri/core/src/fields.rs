//! Checks and conversions that every area uses on the fields it stores: the one rule every
//! text follows ([`normalise`]: NFC, no control characters, no direction overrides or
//! invisible characters, a bound on length), one-line fields, dates in a sane range, quantities,
//! phone numbers, emails, trimmed optional text, and enums stored as their text names. They
//! sit below all areas so that no area has to import another one to check a field.
//!
//! Every string of every API input passes [`normalise_input`] before the function sees it
//! (`api::run`), and rows read from a spreadsheet pass [`normalise`] through the same checks of
//! the area, so no text reaches the database, a printed sheet or an export without it.

use chrono::{Datelike, NaiveDate};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;
use unicode_script::{Script, UnicodeScript};

use serde_json::json;

use crate::{Code, Error, Problems, Result};

/// The longest text any input may hold, in characters (a case note is at most 10,000).
pub const MAX_TEXT: usize = 20_000;

/// The first year a date may be in (a date of birth 120 years back stays inside).
pub const FIRST_YEAR: i32 = 1900;
/// The last year a date may be in.
pub const LAST_YEAR: i32 = 2100;

/// What an invisible or direction-changing character is, for the refusal; `None` for a
/// character a text may hold.
fn hidden(c: char) -> Option<&'static str> {
    match c {
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some("a hidden direction override"),
        '\u{200B}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{180E}'
        | '\u{00AD}'
        | '\u{034F}'
        | '\u{2061}'..='\u{2064}' => Some("an invisible character"),
        '\u{2028}' | '\u{2029}' => Some("a line separator"),
        '\u{FFF9}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}' => Some("an invisible character"),
        c if c.is_control() && c != '\n' && c != '\t' => Some("a control character"),
        _ => None,
    }
}

/// A letter of a script that joins its letters (Arabic, Persian, Indic scripts ...), where a
/// zero-width (non-)joiner between two letters is part of how a word is spelled.
fn joining_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| {
        c.is_alphabetic() && !matches!(c.script(), Script::Latin | Script::Common | Script::Inherited)
    })
}

/// Normalises a text as typed: NFC (so `é` typed two ways is one name), line breaks as `\n`,
/// and the invisible left-to-right and right-to-left marks removed (they only steer display).
/// Refuses, naming `field`: control characters other than line breaks and tabs, direction
/// overrides and isolates (`U+202E` makes `Rlo\u{202E}gnp.exe` print as `Rloexe.png`),
/// zero-width characters (a zero-width joiner or non-joiner only between two letters of a
/// script that joins, as Persian spells words), and text longer than [`MAX_TEXT`].
pub fn normalise(field: &str, value: &str) -> Result<String> {
    if value.len() > MAX_TEXT * 4 || value.chars().count() > MAX_TEXT {
        return Err(Error::at(field, Code::TextTooLongAny, json!({"max": MAX_TEXT})));
    }
    let text: String = value
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .nfc()
        .filter(|c| !matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}'))
        .collect();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let what = match c {
            '\u{200C}' | '\u{200D}' => {
                let (before, after) =
                    (i.checked_sub(1).and_then(|j| chars.get(j)).copied(), chars.get(i + 1).copied());
                (!(joining_letter(before) && joining_letter(after))).then_some("an invisible character")
            }
            c => hidden(c),
        };
        if let Some(what) = what {
            let codepoint = format!("{:04X}", c as u32);
            return Err(Error::at(
                field,
                Code::TextHidden,
                json!({"what": what, "codepoint": codepoint, "position": i + 1}),
            ));
        }
    }
    Ok(text)
}

/// A one-line text: [`normalise`]d, trimmed, with no line break or tab, at most `max`
/// characters. `label` starts the refusal ("The site's name").
pub(crate) fn line(field: &str, label: &str, value: &str, max: usize) -> Result<String> {
    let text = normalise(field, value)?;
    let text = text.trim();
    if text.contains(['\n', '\t']) {
        return Err(Error::at(field, Code::TextOneLine, json!({"label": label})));
    }
    check_len(field, label, text, max)?;
    Ok(text.to_string())
}

/// [`line`] for an optional field: empty becomes `None`.
pub(crate) fn optional_line(
    field: &str,
    label: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>> {
    let text = line(field, label, value.unwrap_or(""), max)?;
    Ok((!text.is_empty()).then_some(text))
}

/// Checks that a name typed in a field for Latin letters is in Latin letters. A name in another
/// script cannot be found by a Latin search, so it is refused naming its script and the field
/// where it belongs (`elsewhere`, "Name in original script").
pub(crate) fn check_latin(field: &str, label: &str, value: &str, elsewhere: &str) -> Result<()> {
    let other = value
        .chars()
        .filter(|c| c.is_alphabetic())
        .map(|c| c.script())
        .find(|s| !matches!(s, Script::Latin | Script::Common | Script::Inherited));
    match other {
        Some(script) => Err(Error::at(
            field,
            Code::NameNotLatin,
            json!({"label": label, "script": script.full_name().replace('_', " "), "elsewhere": elsewhere}),
        )),
        None => Ok(()),
    }
}

/// Checks that a date lies between [`FIRST_YEAR`] and [`LAST_YEAR`].
pub(crate) fn check_date(field: &str, date: NaiveDate) -> Result<NaiveDate> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err(Error::at(
            field,
            Code::DateOutOfRange,
            json!({"first": FIRST_YEAR, "last": LAST_YEAR, "date": date.to_string()}),
        ))
    }
}

/// Fields whose text is used exactly as given: passphrases and keys (a changed character would
/// lock someone out: `current` and `new` are `change_passphrase`'s) and file paths (the file
/// system's own spelling).
fn taken_as_given(key: &str) -> bool {
    matches!(key, "current" | "new" | "key" | "path")
        || key.contains("passphrase")
        || key.ends_with("_key")
        || key.ends_with("_path")
        || key.ends_with("_dir")
}

/// Normalises every string of an API input in place ([`normalise`]), and checks every
/// date-shaped string (`YYYY-MM-DD`) is a real date within the sane range, naming the field
/// (`"counts[2].counted"`) so the window can show the refusal beside it. Every refused string
/// is a problem of the one error returned.
pub fn normalise_input(value: &mut Value) -> Result<()> {
    let mut p = Problems::new();
    walk(value, "", &mut p)?;
    p.finish()
}

fn walk(value: &mut Value, at: &str, p: &mut Problems) -> Result<()> {
    match value {
        Value::String(s) => {
            if let Some(text) = p.check(normalise(at, s))? {
                p.check(check_date_text(at, &text))?;
                *s = text;
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{at}[{i}]"), p)?;
            }
        }
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if taken_as_given(key) {
                    continue;
                }
                let path = if at.is_empty() { key.clone() } else { format!("{at}.{key}") };
                walk(item, &path, p)?;
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// A `YYYY-MM-DD` text that is no date (`2026-02-30`) or lies outside the sane range is
/// refused here, where the field is known, rather than as a shapeless "out of range" later.
fn check_date_text(field: &str, text: &str) -> Result<()> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Ok(());
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(date) => check_date(field, date).map(|_| ()),
        Err(_) => Err(Error::at(field, Code::DateNotADate, json!({"date": text}))),
    }
}

macro_rules! text_enum {
    ($t:ty, $($v:ident => $s:literal),+ $(,)?) => {
        impl $t {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),+ }
            }
            /// Parses the stored name.
            pub fn parse(s: &str) -> Result<Self> {
                match s {
                    $($s => Ok(Self::$v),)+
                    _ => Err(Error::new($crate::Code::ValueUnknown, serde_json::json!({"value": s}))),
                }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).map_err(|e| rusqlite::types::FromSqlError::Other(Box::new(e)))
            }
        }
        impl rusqlite::types::ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }
    };
}

pub(crate) use text_enum;

/// Checks a phone number as people write it: digits with spaces, `+`, `-`, `.` or brackets,
/// 6 to 15 digits in all.
pub(crate) fn check_phone(field: &str, phone: &str) -> Result<()> {
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if allowed && (6..=15).contains(&digits) {
        Ok(())
    } else {
        Err(Error::at(field, Code::PhoneInvalid, json!({})))
    }
}

/// Checks a free-text field's length.
pub(crate) fn check_len(field: &str, label: &str, value: &str, max: usize) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::at(field, Code::TextTooLong, json!({"label": label, "max": max})));
    }
    Ok(())
}

/// The most units one receipt, transfer, adjustment, count or allowance rule may name. A
/// million is far beyond any delivery the centre sees, and keeps every sum of quantities far
/// from the limits of a 64-bit integer, so no total, value or chart can overflow.
pub const MAX_QUANTITY: i64 = 1_000_000;

/// The most units one shelf may hold of one item, size and batch (a thousand of the largest
/// receipts).
pub const MAX_STOCK: i64 = 1_000_000_000;

/// The most one unit may cost, in pence (£100,000).
pub const MAX_UNIT_COST: i64 = 10_000_000;

/// Checks a quantity typed by a user: `min` (0 or 1) up to [`MAX_QUANTITY`]. `what` says what
/// is counted in the refusal ("how many arrived").
pub(crate) fn check_quantity(field: &str, what: &str, quantity: i64, min: i64) -> Result<i64> {
    if quantity < min {
        let code = if min > 0 { Code::QuantityNotPositive } else { Code::QuantityNegative };
        return Err(Error::at(field, code, json!({"what": what})));
    }
    if quantity > MAX_QUANTITY {
        return Err(Error::at(
            field,
            Code::QuantityTooLarge,
            json!({"what": what, "max": MAX_QUANTITY, "quantity": quantity}),
        ));
    }
    Ok(quantity)
}

/// Adds quantities without overflowing: a total too large to hold stays at the largest number.
pub(crate) fn total(quantities: impl IntoIterator<Item = i64>) -> i64 {
    quantities.into_iter().fold(0, i64::saturating_add)
}

/// Checks an email address as a volunteer gives it: one `@` with a name before it and a domain
/// after it holding a dot (`lea.martin@` and `lea@localhost` are refused: nobody could write to
/// them), no spaces, at most 120 characters. Whether the mailbox exists is not known offline.
pub(crate) fn check_email(field: &str, email: &str) -> Result<()> {
    let refused = || Error::at(field, Code::EmailInvalid, json!({}));
    check_len(field, "The email address", email, 120)?;
    let (local, domain) = email.split_once('@').ok_or_else(refused)?;
    let labels: Vec<&str> = domain.split('.').collect();
    let good_label = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let local_ok = !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && !"@<>()[]\\,;:\"".contains(c));
    if local_ok && labels.len() >= 2 && labels.iter().all(good_label) {
        Ok(())
    } else {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrases_keys_and_paths_pass_as_given_and_other_text_is_normalised() -> Result<()> {
        let decomposed = "cafe\u{0301} cre\u{0300}me";
        let mut input = serde_json::json!({
            "current": decomposed, "new": decomposed, "passphrase": decomposed, "key": decomposed,
            "path": decomposed, "json_path": decomposed, "backup_dir": decomposed,
            "given_name": decomposed, "sites": [{"name": decomposed}],
        });
        normalise_input(&mut input)?;
        for key in ["current", "new", "passphrase", "key", "path", "json_path", "backup_dir"] {
            assert_eq!(input[key], decomposed, "{key} is taken as given");
        }
        assert_eq!(input["given_name"], "caf\u{00E9} cr\u{00E8}me");
        assert_eq!(input["sites"][0]["name"], "caf\u{00E9} cr\u{00E8}me");
        let mut bad = serde_json::json!({"sites": [{"code": "CAL"}, {"name": "x\u{202E}y"}]});
        let field = normalise_input(&mut bad).err().and_then(|e| e.to_payload().field);
        assert_eq!(field.as_deref(), Some("sites[1].name"), "the refusal names the field's path");
        Ok(())
    }
}
