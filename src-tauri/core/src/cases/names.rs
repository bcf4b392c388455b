//! Name keys: how a name is found however it was written down.
//!
//! Volunteers romanise the same name by ear, after English or French habits (Mohammed,
//! Muhammad, Mohamed; Youssef, Yusuf; Abdulrahman, Abderrahmane), and a person may be known
//! only by their name in Arabic or Ge'ez script. Every word of a person's names gets keys that
//! such spellings share, stored in `person_name_keys` on every write of a name, so a search is
//! an index look-up:
//!
//! - [`KeyKind::Sound`], from a word in Latin letters: the centre's romanisation rules
//!   ([`LATIN_RULES`], applied in order) bring the spelling to one form, doubled letters are
//!   squeezed, and the key keeps the first consonant, the kind of the first vowel (a/e/i or o/u),
//!   the consonants after it and the kind of the final vowel. The vowels it keeps are what tells
//!   Hassan from Hussein, Omar from Ammar and Amina from Amin.
//! - [`KeyKind::Skeleton`], from the same word: its consonants only. Arabic script writes no
//!   short vowels, so this is what a name in Arabic or Ge'ez script is compared with.
//! - [`KeyKind::Arabic`] and [`KeyKind::Ethiopic`], from a word in Arabic (with the Persian,
//!   Pashto and Sorani letters) or Ge'ez script: the consonant skeleton of its transliteration
//!   ([`ARABIC_LETTERS`], [`ETHIOPIC_ROWS`]).
//!
//! Phonetic algorithms made for English or German names (Soundex, Double Metaphone,
//! Beider-Morse in `rphonetic`) were not used: Double Metaphone drops every vowel after the
//! first letter, which makes Hassan and Hussein (HSN) and Omar and Ammar (AMR) one name, and
//! Beider-Morse needs its rule files on disk and gives dozens of codes per name; neither reads
//! Arabic or Ge'ez script. The rules are data (`name_rules.rs`), tested in `tests/names.rs`.

use std::collections::BTreeSet;

use rusqlite::{params, Connection, Transaction};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::name_rules::{ABD_JOINS, ETHIOPIC_ORDERS};
pub use super::name_rules::{ARABIC_LETTERS, ARTICLES, ETHIOPIC_ROWS, LATIN_RULES};
use super::record::NAMES_SEP;
use crate::Result;

/// Where a key comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyKind {
    /// A Latin-letter word's spelling-forgiving key (keeps some vowels).
    Sound,
    /// A Latin-letter word's consonants, for comparison with other scripts.
    Skeleton,
    /// An Arabic-script word's consonants.
    Arabic,
    /// A Ge'ez-script word's consonants.
    Ethiopic,
}

impl KeyKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Sound => "sound",
            KeyKind::Skeleton => "skeleton",
            KeyKind::Arabic => "arabic",
            KeyKind::Ethiopic => "ethiopic",
        }
    }
}

/// One key of one word.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NameKey {
    /// The key.
    pub key: String,
    /// Where it comes from.
    pub kind: KeyKind,
}

/// The script a word is written in, as far as keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    /// Latin letters (with accents).
    Latin,
    /// Arabic script, with the Persian, Pashto and Sorani letters.
    Arabic,
    /// Ge'ez (Ethiopic) syllables.
    Ethiopic,
}

/// Which script a word is in: the first letter that is not Latin decides.
pub fn script_of(word: &str) -> Script {
    for c in word.chars() {
        if is_arabic(c) {
            return Script::Arabic;
        }
        if is_ethiopic(c) {
            return Script::Ethiopic;
        }
    }
    Script::Latin
}

fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

fn is_ethiopic(c: char) -> bool {
    matches!(c, '\u{1200}'..='\u{137F}')
}

/// Lower case, compatibility forms unfolded (Arabic presentation forms, ligatures), accents
/// and Arabic vowel marks removed.
fn fold(word: &str) -> String {
    word.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Splits a name into the words keys are made from: on spaces, hyphens and apostrophes, with
/// articles dropped and `abd` split from the name it joins.
pub fn words(name: &str) -> Vec<String> {
    let folded = fold(name);
    let mut out = Vec::new();
    for word in folded.split(|c: char| !(c.is_alphanumeric())).filter(|w| !w.is_empty()) {
        if ARTICLES.contains(&word) || word == "ال" {
            continue;
        }
        match script_of(word) {
            Script::Latin => split_abd_latin(word, &mut out),
            Script::Arabic => split_abd_arabic(word, &mut out),
            Script::Ethiopic => out.push(word.to_string()),
        }
    }
    out
}

fn split_abd_latin(word: &str, out: &mut Vec<String>) {
    if let Some(rest) = word.strip_prefix("abd").filter(|r| !r.is_empty()) {
        out.push("abd".into());
        let rest = ABD_JOINS.iter().find_map(|j| rest.strip_prefix(j)).unwrap_or(rest);
        // The article after `abd` (abd-ul-, abd-el-), unless it is the name itself (Abdal?).
        let rest = match rest.strip_prefix('l') {
            Some(r) if r.chars().count() >= 2 => r,
            _ => rest,
        };
        if rest.chars().count() >= 2 {
            out.push(rest.to_string());
        }
    } else {
        out.push(word.to_string());
    }
}

fn split_abd_arabic(word: &str, out: &mut Vec<String>) {
    let word = word.strip_prefix("ال").filter(|r| r.chars().count() >= 2).unwrap_or(word);
    match word.strip_prefix("عبد").filter(|r| !r.is_empty()) {
        Some(rest) => {
            out.push("عبد".into());
            let rest = rest.strip_prefix("ال").filter(|r| !r.is_empty()).unwrap_or(rest);
            out.push(rest.to_string());
        }
        None => out.push(word.to_string()),
    }
}

/// A Latin word brought to the centre's one spelling ([`LATIN_RULES`]), letters a to z only.
pub fn latin_canonical(word: &str) -> String {
    let mut w: String = fold(word).chars().filter(char::is_ascii_lowercase).collect();
    for (from, to) in LATIN_RULES {
        let (start, from) = match from.strip_prefix('^') {
            Some(f) => (true, f),
            None => (false, *from),
        };
        let (end, from) = match from.strip_suffix('$') {
            Some(f) => (true, f),
            None => (false, from),
        };
        if start {
            if let Some(rest) = w.strip_prefix(from) {
                w = format!("{to}{rest}");
            }
        } else if end {
            // A final `-e` goes only when a name of two letters or more is left (`Le` stays).
            let left = if to.is_empty() { 2 } else { 1 };
            if w.len() >= from.len() + left {
                if let Some(rest) = w.strip_suffix(from) {
                    w = format!("{rest}{to}");
                }
            }
        } else {
            w = w.replace(from, to);
        }
    }
    w
}

/// An Arabic-script word in the letters [`LATIN_RULES`] produce.
pub fn arabic_canonical(word: &str) -> String {
    let letters: Vec<char> = fold(word).chars().filter(|c| is_arabic(*c)).collect();
    let mut out = String::new();
    for (i, c) in letters.iter().enumerate() {
        let last = i + 1 == letters.len();
        let after_consonant = i > 0 && !matches!(letters[i - 1], 'ا' | 'و' | 'ي' | 'ی' | 'ى');
        let latin = match c {
            'و' if i == 0 => "w",
            'ي' | 'ی' if i == 0 => "y",
            // A final heh after a consonant is the vowel of Fatemeh, Abdallah.
            'ه' | 'ھ' if last && after_consonant => "a",
            _ => ARABIC_LETTERS.iter().find(|(l, _)| l == c).map_or("", |(_, s)| s),
        };
        out.push_str(latin);
    }
    out
}

/// A Ge'ez-script word in the letters [`LATIN_RULES`] produce: each syllable's consonant and
/// vowel.
pub fn ethiopic_canonical(word: &str) -> String {
    let mut out = String::new();
    for c in word.chars() {
        let cp = u32::from(c);
        if !(0x1200..0x1358).contains(&cp) {
            continue;
        }
        let row = cp - (cp - 0x1200) % 8;
        let consonant = ETHIOPIC_ROWS.iter().find(|(start, _)| *start == row).map_or("", |(_, s)| s);
        out.push_str(consonant);
        out.push_str(ETHIOPIC_ORDERS[((cp - 0x1200) % 8) as usize]);
    }
    out
}

fn is_vowel_at(w: &[u8], i: usize) -> bool {
    match w[i] {
        b'a' | b'e' | b'i' | b'o' | b'u' => true,
        // `y` and `w` start a word as consonants (Yusuf, Walid) and are vowels after that
        // (Husayn, Tesfay, Marwa).
        b'y' | b'w' => i > 0,
        _ => false,
    }
}

fn vowel_class(c: u8, last: bool) -> u8 {
    match c {
        b'o' | b'u' | b'w' => b'u',
        b'a' => b'a',
        _ if last => b'i',
        _ => b'a',
    }
}

fn squeeze(w: &str) -> Vec<u8> {
    let mut out: Vec<u8> = Vec::with_capacity(w.len());
    for b in w.bytes() {
        if out.last() != Some(&b) {
            out.push(b);
        }
    }
    out
}

/// The spelling-forgiving key of a word in canonical letters: first consonant, first vowel's
/// kind (a/e/i as `a`, o/u as `u`), the consonants after it, the final vowel's kind (`a`, `i`
/// for e/i/y, `u`).
pub fn sound_key(canonical: &str) -> String {
    let w = squeeze(canonical);
    let mut key = Vec::with_capacity(w.len());
    let mut seen_vowel = false;
    for i in 0..w.len() {
        if is_vowel_at(&w, i) {
            if !seen_vowel {
                key.push(vowel_class(w[i], false));
                seen_vowel = true;
            }
        } else if key.last() != Some(&w[i]) {
            key.push(w[i]);
        }
    }
    if let Some(last) = w.len().checked_sub(1) {
        if last > 0 && is_vowel_at(&w, last) && seen_vowel {
            key.push(vowel_class(w[last], true));
        }
    }
    String::from_utf8(key).unwrap_or_default()
}

/// The consonants of a word in canonical letters, doubled ones once, after `_` when the word
/// starts with a vowel: Arabic script writes that vowel (Ali and `علي`, Omar and `عمر`), and it
/// keeps the `له` of `عبدالله` from being Ali.
pub fn skeleton_key(canonical: &str) -> String {
    let w = squeeze(canonical);
    let mut key = Vec::with_capacity(w.len() + 1);
    if w.first().is_some_and(|c| matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')) {
        key.push(b'_');
    }
    for i in 0..w.len() {
        if !is_vowel_at(&w, i) && key.last() != Some(&w[i]) {
            key.push(w[i]);
        }
    }
    String::from_utf8(key).unwrap_or_default()
}

/// The keys of one word (as [`words`] gives them).
pub fn word_keys(word: &str) -> Vec<NameKey> {
    let key = |key: String, kind| NameKey { key, kind };
    let mut out = Vec::new();
    match script_of(word) {
        Script::Latin => {
            let c = latin_canonical(word);
            if !c.is_empty() {
                out.push(key(sound_key(&c), KeyKind::Sound));
                let s = skeleton_key(&c);
                if !s.is_empty() {
                    out.push(key(s, KeyKind::Skeleton));
                }
            }
        }
        Script::Arabic => {
            let s = skeleton_key(&arabic_canonical(word));
            if !s.is_empty() {
                out.push(key(s, KeyKind::Arabic));
            }
        }
        Script::Ethiopic => {
            let s = skeleton_key(&ethiopic_canonical(word));
            if !s.is_empty() {
                out.push(key(s, KeyKind::Ethiopic));
            }
        }
    }
    out
}

/// Every key of a person's names, once each.
pub fn person_keys<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeSet<NameKey> {
    names.into_iter().flat_map(words).flat_map(|w| word_keys(&w)).collect()
}

/// Whether two names match word for word in any order (every word of the shorter one has a
/// word of the other with its sound key, or with its consonants when the scripts differ): what
/// the search finds by keys, as one function for the tests and the duplicate check.
pub fn names_match(a: &str, b: &str) -> bool {
    let (wa, wb) = (words(a), words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    let (short, long) = if wa.len() <= wb.len() { (wa, wb) } else { (wb, wa) };
    let long_keys: BTreeSet<NameKey> = long.iter().flat_map(|w| word_keys(w)).collect();
    short.iter().all(|w| query_keys(w).iter().any(|q| q.targets().iter().any(|k| long_keys.contains(k))))
}

/// What one typed word is looked for as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryKey {
    /// The word's script.
    pub script: Script,
    /// Its sound key (Latin words) or consonants (other scripts).
    pub sound: Option<String>,
    /// Its consonants.
    pub skeleton: String,
}

impl QueryKey {
    /// The stored keys that match this word: the same sound, or the same consonants in any
    /// other script.
    pub fn targets(&self) -> Vec<NameKey> {
        let k = |key: &String, kind| NameKey { key: key.clone(), kind };
        let mut out = Vec::new();
        match self.script {
            Script::Latin => {
                if let Some(s) = &self.sound {
                    out.push(k(s, KeyKind::Sound));
                }
                out.push(k(&self.skeleton, KeyKind::Arabic));
                out.push(k(&self.skeleton, KeyKind::Ethiopic));
            }
            Script::Arabic => {
                out.push(k(&self.skeleton, KeyKind::Arabic));
                out.push(k(&self.skeleton, KeyKind::Skeleton));
                out.push(k(&self.skeleton, KeyKind::Ethiopic));
            }
            Script::Ethiopic => {
                out.push(k(&self.skeleton, KeyKind::Ethiopic));
                out.push(k(&self.skeleton, KeyKind::Skeleton));
                out.push(k(&self.skeleton, KeyKind::Arabic));
            }
        }
        out
    }
}

/// The keys of the words typed in a search (one entry per word after [`words`]). A word too
/// short to say how it sounds (fewer than three Latin letters, or two letters of another
/// script) gives none.
pub fn query_keys(text: &str) -> Vec<QueryKey> {
    // A code (CAL-0042) or a number is not a name.
    if text.chars().any(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    words(text)
        .into_iter()
        .filter_map(|w| {
            let script = script_of(&w);
            let (canonical, min) = match script {
                Script::Latin => (latin_canonical(&w), 3),
                Script::Arabic => (arabic_canonical(&w), 2),
                Script::Ethiopic => (ethiopic_canonical(&w), 2),
            };
            let letters = w.chars().filter(|c| c.is_alphabetic()).count();
            let skeleton = skeleton_key(&canonical);
            (letters >= min && !skeleton.is_empty()).then(|| QueryKey {
                script,
                sound: (script == Script::Latin).then(|| sound_key(&canonical)),
                skeleton,
            })
        })
        .collect()
}

/// Stores the keys of a person's names in place of those they had: called on every write of
/// a name (registration, edit, import, anonymisation, the demo) in the caller's transaction.
pub fn index_person(
    conn: &Connection,
    person_id: &str,
    given_name: &str,
    family_name: &str,
    original_name: Option<&str>,
    other_names: &str,
) -> Result<()> {
    Ok(store(conn, person_id, [given_name, family_name, original_name.unwrap_or(""), other_names])?)
}

fn store(conn: &Connection, person_id: &str, names: [&str; 4]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM person_name_keys WHERE person_id = ?1")?.execute([person_id])?;
    let [given, family, original, others] = names;
    let keys = person_keys([given, family, original].into_iter().chain(others.split(NAMES_SEP)));
    let mut insert = conn.prepare_cached(
        "INSERT INTO person_name_keys (person_id, person_rowid, key, kind)
         SELECT id, rowid, ?2, ?3 FROM people WHERE id = ?1",
    )?;
    for k in keys {
        insert.execute(params![person_id, k.key, k.kind.as_str()])?;
    }
    Ok(())
}

/// Migration hook (version 7): computes the keys of everyone registered before the keys
/// existed, in the migration's transaction.
pub(crate) fn index_existing_people(tx: &Transaction<'_>) -> rusqlite_migration::HookResult {
    let people: Vec<(String, String, String, Option<String>, String)> = {
        let mut stmt =
            tx.prepare("SELECT id, given_name, family_name, original_name, other_names FROM people")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get("id")?,
                r.get("given_name")?,
                r.get("family_name")?,
                r.get("original_name")?,
                r.get("other_names")?,
            ))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for (id, given, family, original, others) in &people {
        store(tx, id, [given, family, original.as_deref().unwrap_or(""), others])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_bring_spellings_to_one_form() {
        assert_eq!(latin_canonical("Khadidja"), "hadija");
        assert_eq!(latin_canonical("Aïcha"), "aixa");
        assert_eq!(latin_canonical("Fatemeh"), "fatema");
        assert_eq!(latin_canonical("Oualid"), "walid");
        assert_eq!(latin_canonical("Moustapha"), "mustafa");
    }

    #[test]
    fn keys_keep_the_vowels_that_tell_names_apart() {
        assert_eq!(sound_key(&latin_canonical("Hassan")), "hasn");
        assert_eq!(sound_key(&latin_canonical("Hussein")), "husn");
        assert_eq!(sound_key(&latin_canonical("Amina")), "amna");
        assert_eq!(sound_key(&latin_canonical("Amin")), "amn");
        assert_eq!(skeleton_key(&latin_canonical("Mohammed")), "mhmd");
    }

    #[test]
    fn abd_is_split_from_the_name_it_joins() {
        assert_eq!(words("Abderrahmane"), ["abd", "rrahmane"]);
        assert_eq!(words("Abdul Rahman"), ["abd", "rahman"]);
        assert_eq!(words("Abdallah"), ["abd", "lah"]);
        assert_eq!(words("Al-Amin El Hassan"), ["amin", "hassan"]);
        assert_eq!(words("عبدالرحمن"), ["عبد", "رحمن"]);
    }

    #[test]
    fn scripts_are_told_apart() {
        assert_eq!(script_of("Fatima"), Script::Latin);
        assert_eq!(script_of("فاطمة"), Script::Arabic);
        assert_eq!(script_of("ተስፋዬ"), Script::Ethiopic);
    }
}
