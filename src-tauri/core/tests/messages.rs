//! Messages with codes: every code the core's error type lists has its text in both language
//! files, the English one the core's own template (so the two cannot drift apart), and the
//! French one using only the values the code carries. No error is built the older way, with
//! only an English text (those constructors are gone): the count stays at 0.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use haven_core::Code;
use serde_json::{Map, Value};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn language(lang: &str) -> Map<String, Value> {
    let path = repo().join(format!("ui/i18n/{lang}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The `{name}` placeholders of a text, as the window's `t(key, vars)` reads them.
fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                out.insert(name.to_string());
            }
        }
    }
    out
}

#[test]
fn every_code_has_its_text_in_english_and_french() {
    assert!(Code::ALL.len() > 50, "the codes come from the error type");
    let (en, fr) = (language("en"), language("fr"));
    let mut lacking = Vec::new();
    for code in Code::ALL {
        let key = format!("error.{}", code.as_str());
        match en.get(&key).and_then(Value::as_str) {
            Some(text) if text == code.template() => {}
            Some(text) => {
                lacking.push(format!("en.json {key} is {text:?}, the core says {:?}", code.template()))
            }
            None => lacking.push(format!("en.json lacks {key}")),
        }
        match fr.get(&key).and_then(Value::as_str) {
            Some(text) if !text.trim().is_empty() => {
                let mut carried = placeholders(code.template());
                carried.extend(code.more_params().iter().map(|p| p.to_string()));
                let extra: Vec<String> = placeholders(text).difference(&carried).cloned().collect();
                if !extra.is_empty() {
                    lacking.push(format!("fr.json {key} uses {extra:?}, which the code does not carry"));
                }
            }
            _ => lacking.push(format!("fr.json lacks {key}")),
        }
    }
    let known: BTreeSet<String> = Code::ALL.iter().map(|c| format!("error.{}", c.as_str())).collect();
    // `error.date.*`: the window's own date input (day, month, year) words its problems before
    // anything reaches the core (ui/js/form.js); the core's date checks have codes of their own.
    for key in en.keys().chain(fr.keys()).filter(|k| k.starts_with("error.") && !k.starts_with("error.date."))
    {
        if !known.contains(key) {
            lacking.push(format!("{key} is no code of the core"));
        }
    }
    assert!(lacking.is_empty(), "{}", lacking.join("\n"));
}

#[test]
fn french_texts_of_worded_codes_are_not_the_english_ones() {
    let fr = language("fr");
    let same: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| c.template() != "{message}")
        .filter(|c| fr.get(&format!("error.{}", c.as_str())).and_then(Value::as_str) == Some(c.template()))
        .map(|c| c.as_str())
        .collect();
    assert!(same.is_empty(), "French texts left in English: {same:?}");
}

/// The older constructors, which crossed with a generic code (`validation.other`, ...) and so
/// reached the window in English whatever its language; removed, and kept from coming back.
const OLDER: [&str; 8] = [
    "Error::invalid(",
    "Error::validation(",
    "Error::NotFound(",
    "Error::Conflict(",
    "Error::Forbidden(",
    "Error::Locked(",
    "Error::confirm(",
    "Error::Internal(",
];

/// How many errors are still built the older way: none.
const OLDER_AT_MOST: usize = 0;

fn count_older(dir: &std::path::Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            count_older(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("error/mod.rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // Tests inside a file may build errors of any shape.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for (n, line) in code.lines().enumerate() {
                for older in OLDER {
                    if line.contains(older) && !line.trim_start().starts_with("//") {
                        found.push(format!("{}:{}", path.display(), n + 1));
                    }
                }
            }
        }
    }
}

#[test]
fn errors_still_built_the_older_way_only_go_down() {
    let mut found = Vec::new();
    // The core and haven-cli, whose own refusals reach scripts the same way.
    count_older(&repo().join("src-tauri/core/src"), &mut found);
    count_older(&repo().join("src-tauri/cli/src"), &mut found);
    println!("{} errors still built the older way (generic code, English text):", found.len());
    for f in &found {
        println!("  {f}");
    }
    assert_eq!(
        found.len(),
        OLDER_AT_MOST,
        "errors built the older way, with no code of their own: give each a code"
    );
}
