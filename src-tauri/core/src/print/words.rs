//! The printed words of every sheet, in English and in French, looked up by key.
//!
//! The words are the window's own language files (`ui/i18n/en.json` and `fr.json`, keys
//! `print.*`), embedded at build time, so each is written once for the screen and the paper.
//! A sheet names its words by key; names, codes and data are never looked up. A key missing
//! from the French file prints the English words, and one missing from both prints the key
//! (the test `every_print_key_is_in_both_files` fails on either).

use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// The language a sheet is printed in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl Language {
    /// Both languages, English first.
    pub const ALL: [Language; 2] = [Language::En, Language::Fr];

    /// `en` or `fr`.
    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }

    /// The language of a code (`en`, `fr`, any case, spaces around allowed).
    pub fn from_code(code: &str) -> Option<Language> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Language::En),
            "fr" => Some(Language::Fr),
            _ => None,
        }
    }

    /// The language file's text, as embedded.
    pub fn file(self) -> &'static str {
        match self {
            Language::En => include_str!("../../../../ui/i18n/en.json"),
            Language::Fr => include_str!("../../../../ui/i18n/fr.json"),
        }
    }
}

/// Every string of a language file (a file that does not parse gives no words, and each key
/// then prints as itself; the tests read both files).
fn table(lang: Language) -> &'static HashMap<String, String> {
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    static FR: OnceLock<HashMap<String, String>> = OnceLock::new();
    let cell = match lang {
        Language::En => &EN,
        Language::Fr => &FR,
    };
    cell.get_or_init(|| {
        let all: HashMap<String, serde_json::Value> = serde_json::from_str(lang.file()).unwrap_or_default();
        all.into_iter().filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string()))).collect()
    })
}

/// The printed words of one language.
#[derive(Debug, Clone, Copy)]
pub struct Words {
    lang: Language,
}

impl Words {
    /// The words of `lang`.
    pub fn of(lang: Language) -> Words {
        Words { lang }
    }

    /// The language.
    pub fn language(&self) -> Language {
        self.lang
    }

    /// The words of `key` (the English ones when this language has none, else the key).
    pub fn get(&self, key: &str) -> String {
        table(self.lang)
            .get(key)
            .or_else(|| table(Language::En).get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The words of `key` with each `{name}` replaced by its value, in one pass over the
    /// words: a value is never read for placeholders (a site named "{contact}" prints as such).
    pub fn fill(&self, key: &str, vars: &[(&str, &str)]) -> String {
        let words = self.get(key);
        let mut out = String::with_capacity(words.len());
        let mut rest = words.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let value = after.find('}').and_then(|close| {
                vars.iter().find(|(name, _)| *name == &after[..close]).map(|(n, v)| (n.len(), *v))
            });
            match value {
                Some((len, v)) => {
                    out.push_str(v);
                    rest = &after[len + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// "1 person" / "3 people" (`{n}` in the key's `.one` or `.other` words).
    pub fn count(&self, key: &str, n: usize) -> String {
        // French counts 0 and 1 in the singular.
        let one = match self.lang {
            Language::En => n == 1,
            Language::Fr => n <= 1,
        };
        let key = format!("{key}.{}", if one { "one" } else { "other" });
        self.fill(&key, &[("n", &n.to_string())])
    }

    fn month(&self, d: NaiveDate) -> String {
        self.get(&format!("print.month.{}", d.month()))
    }

    fn weekday(&self, d: NaiveDate) -> String {
        self.get(&format!("print.weekday.{}", d.weekday().number_from_monday()))
    }

    /// "27 Nov 2026" / "27 nov. 2026".
    pub fn date(&self, d: NaiveDate) -> String {
        format!("{} {} {}", d.day(), self.month(d), d.year())
    }

    /// "27 Nov" / "27 nov.".
    pub fn day_month(&self, d: NaiveDate) -> String {
        format!("{} {}", d.day(), self.month(d))
    }

    /// "Fri 27 Nov" / "ven. 27 nov.".
    pub fn weekday_day_month(&self, d: NaiveDate) -> String {
        format!("{} {}", self.weekday(d), self.day_month(d))
    }

    /// "Fri 27 Nov 2026" / "ven. 27 nov. 2026".
    pub fn weekday_date(&self, d: NaiveDate) -> String {
        format!("{} {}", self.weekday(d), self.date(d))
    }

    /// "27 Nov 2026 14:05" / "27 nov. 2026 14:05" (24-hour in both).
    pub fn date_time(&self, t: NaiveDateTime) -> String {
        format!("{} {}", self.date(t.date()), t.format("%H:%M"))
    }

    /// "Week 48 · 23 Nov – 29 Nov 2026" for the ISO week starting on `monday`.
    pub fn week(&self, monday: NaiveDate) -> String {
        let sunday = monday.checked_add_days(chrono::Days::new(6)).unwrap_or(monday);
        self.fill(
            "print.week",
            &[
                ("week", &monday.iso_week().week().to_string()),
                ("from", &self.day_month(monday)),
                ("to", &self.date(sunday)),
            ],
        )
    }

    /// The footer's stamp of when a sheet was printed: numbers only, in the language's order
    /// ("2026-11-27 14:05" / "27/11/2026 14:05").
    pub fn stamp(&self, t: NaiveDateTime) -> String {
        match self.lang {
            Language::En => t.format("%Y-%m-%d %H:%M").to_string(),
            Language::Fr => t.format("%d/%m/%Y %H:%M").to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: Language) -> Vec<String> {
        let all: HashMap<String, serde_json::Value> = serde_json::from_str(lang.file()).unwrap_or_default();
        let mut keys: Vec<String> = all.into_keys().filter(|k| k.starts_with("print.")).collect();
        keys.sort();
        keys
    }

    #[test]
    fn every_print_key_is_in_both_files() {
        let (en, fr) = (keys(Language::En), keys(Language::Fr));
        assert!(en.len() > 50, "the English file has {} print keys", en.len());
        let only_en: Vec<&String> = en.iter().filter(|k| !fr.contains(k)).collect();
        let only_fr: Vec<&String> = fr.iter().filter(|k| !en.contains(k)).collect();
        assert!(only_en.is_empty(), "print keys missing from fr.json: {only_en:?}");
        assert!(only_fr.is_empty(), "print keys missing from en.json: {only_fr:?}");
        for lang in Language::ALL {
            for k in keys(lang) {
                assert!(!Words::of(lang).get(&k).trim().is_empty(), "{k} is empty in {lang:?}");
            }
        }
    }

    /// Every `"print.…"` key the core's sources name is in both language files, so no sheet
    /// prints a key instead of words.
    #[test]
    fn every_key_the_sheets_use_is_written() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![src];
        let mut used = Vec::new();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()));
                continue;
            }
            // The error codes' list names codes, not printed words (`print.path.missing` is
            // worded from `error.print.path.missing`).
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("error/codes.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for (i, _) in text.match_indices("\"print.") {
                let key: String = text[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || "._".contains(*c))
                    .collect();
                // A key built with a number or a count's form after it ends with a dot.
                if !key.ends_with('.') {
                    used.push((path.display().to_string(), key));
                }
            }
        }
        assert!(used.len() > 50, "only {} keys found", used.len());
        for lang in Language::ALL {
            let written = keys(lang);
            for (file, key) in &used {
                let counted = format!("{key}.one");
                assert!(
                    written.contains(key) || written.contains(&counted),
                    "{file} uses {key}, missing from {}.json",
                    lang.code()
                );
            }
        }
    }

    #[test]
    fn dates_weeks_and_counts_read_in_each_language() {
        let (en, fr) = (Words::of(Language::En), Words::of(Language::Fr));
        let d = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default();
        assert_eq!(en.date(d), "27 Nov 2026");
        assert_eq!(fr.date(d), "27 nov. 2026");
        assert_eq!(en.weekday_date(d), "Fri 27 Nov 2026");
        assert_eq!(fr.weekday_date(d), "ven. 27 nov. 2026");
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        assert_eq!(en.week(monday), "Week 48 · 23 Nov – 29 Nov 2026");
        assert_eq!(fr.week(monday), "Semaine 48 · du 23 nov. au 29 nov. 2026");
        assert_eq!(en.count("print.people", 1), "1 person");
        assert_eq!(fr.count("print.people", 3), "3 personnes");
        let absent = format!("{}.no_such_key", "print");
        assert_eq!(fr.get(&absent), absent);
        let t = d.and_hms_opt(14, 5, 0).unwrap_or_default();
        assert_eq!(fr.stamp(t), "27/11/2026 14:05");
        assert_eq!(Language::from_code(" FR "), Some(Language::Fr));
        // A value is printed as given, even when it looks like a placeholder.
        let site = en.fill("print.roster.site_contact", &[("site", "{contact}"), ("contact", "Amira")]);
        assert_eq!(site, "{contact} · Rota contact: Amira");
        assert_eq!(Language::from_code("de"), None);
    }
}
