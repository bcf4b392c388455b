//! Name keys: the spellings the centre meets for one name match, in Latin letters and across
//! Arabic (with Persian, Pashto and Sorani letters) and Ge'ez scripts; different names do not.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use chrono::{Months, NaiveDate};
use haven_core::cases::names::{names_match, person_keys, query_keys, KeyKind};
use haven_core::db::MIGRATIONS;
use haven_core::{Db, ErrorKind, Role, Session};
use rusqlite::Connection;
use serde_json::{json, Value};
use util::{call, err, seeded, session, today};

/// Pairs that are one name written two ways.
const SAME: &[(&str, &str)] = &[
    // Vowel choice and length, doubled letters.
    ("Mohammed", "Muhammad"),
    ("Mohammed", "Mohamed"),
    ("Mohammed", "Mohamad"),
    ("Muhammad", "Mohammad"),
    ("Fatima", "Fatma"),
    ("Fatima", "Fatemeh"),
    ("Fatima", "Fatimah"),
    ("Ahmed", "Ahmad"),
    ("Hassan", "Hasan"),
    ("Hussein", "Hussain"),
    ("Hussein", "Husayn"),
    ("Hussein", "Hossein"),
    ("Mahmoud", "Mahmud"),
    ("Mahmoud", "Mahmood"),
    ("Maryam", "Mariam"),
    ("Maryam", "Meryem"),
    ("Said", "Saeed"),
    ("Yasin", "Yaseen"),
    ("Omar", "Umar"),
    ("Ibrahim", "Ebrahim"),
    ("Mehdi", "Mahdi"),
    // ou/u/oo, ee/i, y/i/ey.
    ("Youssef", "Yusuf"),
    ("Youssef", "Yousef"),
    ("Youssef", "Youcef"),
    ("Noor", "Nour"),
    ("Noor", "Nur"),
    ("Ayoub", "Ayub"),
    ("Zainab", "Zaynab"),
    ("Zainab", "Zeinab"),
    ("Layla", "Leila"),
    ("Layla", "Leyla"),
    // ch/sh, kh/h, q/k/gh, dj/j/g, ph/f, v/w, th/s.
    ("Aisha", "Aïcha"),
    ("Aisha", "Aicha"),
    ("Khadija", "Khadidja"),
    ("Khadija", "Khadeeja"),
    ("Khalid", "Halid"),
    ("Khaled", "Khalid"),
    ("Qasim", "Kasim"),
    ("Tariq", "Tarik"),
    ("Djamila", "Jamila"),
    ("Jamal", "Gamal"),
    ("Mustafa", "Moustapha"),
    ("Mustafa", "Mostafa"),
    ("Vahid", "Wahid"),
    ("Osman", "Othman"),
    ("Ghada", "Qada"),
    // French spellings of Maghrebi names: ou before a vowel, silent final -e.
    ("Walid", "Oualid"),
    ("Amin", "Amine"),
    ("Yasmin", "Yasmine"),
    ("Yasin", "Yassine"),
    ("Oussama", "Usama"),
    // abd, the article, joined or split.
    ("Abdulrahman", "Abdul Rahman"),
    ("Abdulrahman", "Abderrahmane"),
    ("Abdulrahman", "Abdurrahman"),
    ("Abdelkader", "Abdul Qadir"),
    ("Abdelaziz", "Abdulaziz"),
    ("Abdallah", "Abdullah"),
    ("Al-Amin", "Amin"),
    ("El Hassan", "Hassan"),
    // Final -e/-ah/-a, Ge'ez names in Latin letters.
    ("Tesfaye", "Tesfay"),
    ("Zahra", "Zahrah"),
    ("Semira", "Samira"),
    ("Senait", "Senayt"),
    // Two words, in another order.
    ("Mohammed Rahimi", "Muhammad Rahimi"),
    ("Rahimi Mohammed", "Muhammad Rahimi"),
    // Across scripts: Arabic, Persian, Pashto, Sorani letters and Ge'ez syllables.
    ("Fatima", "فاطمة"),
    ("Fatemeh", "فاطمه"),
    ("Mohammed", "محمد"),
    ("Youssef", "يوسف"),
    ("Khadija", "خديجة"),
    ("Aisha", "عائشة"),
    ("Hussein", "حسين"),
    ("Ibrahim", "إبراهيم"),
    ("Mustafa", "مصطفى"),
    ("Omar", "عمر"),
    ("Ali", "علي"),
    ("Ismail", "إسماعيل"),
    ("Said", "سعيد"),
    ("Abdallah", "عبدالله"),
    ("Abdulrahman", "عبد الرحمن"),
    ("Al-Amin", "الأمين"),
    ("Karimi", "کریمی"),
    ("Ahmadzai", "احمدزی"),
    ("Zarghuna", "زرغونه"),
    ("Shilan", "شیلان"),
    ("Rebwar", "ڕێبوار"),
    ("Tesfaye", "ተስፋዬ"),
    ("Senait", "ሰናይት"),
    ("Yohannes", "ዮሐንስ"),
    ("Mikael", "ሚካኤል"),
    ("Berhane", "ብርሃነ"),
    ("Tsega", "ፀጋ"),
    ("Dawit", "ዳዊት"),
    // The same name in two Arabic-script spellings (Persian and Arabic letters).
    ("کریمی", "كريمي"),
    ("فاطمه", "فاطمة"),
];

/// Pairs that are different names and must not be found for each other.
const DIFFERENT: &[(&str, &str)] = &[
    ("Amina", "Amin"),
    ("Hassan", "Hussein"),
    ("Hasan", "Husayn"),
    ("Omar", "Ammar"),
    ("Fatima", "Fatah"),
    ("Ahmed", "Mahmoud"),
    ("Ali", "Alia"),
    ("Samir", "Samira"),
    ("Karim", "Karima"),
    ("Yusuf", "Yasin"),
    ("Mohammed", "Mahmoud"),
    ("Khalid", "Walid"),
    ("Tesfaye", "Tekle"),
    ("Zahra", "Zohair"),
    ("Noor", "Nadia"),
    // The `له` of Abdallah written in Arabic script is not Ali.
    ("Ali", "له"),
];

#[test]
fn spellings_of_one_name_match_both_ways() {
    assert!(SAME.len() >= 60, "the table has {} pairs", SAME.len());
    let failed: Vec<_> = SAME.iter().filter(|(a, b)| !(names_match(a, b) && names_match(b, a))).collect();
    assert!(failed.is_empty(), "these should match: {failed:?}");
}

#[test]
fn different_names_do_not_match() {
    let matched: Vec<_> = DIFFERENT.iter().filter(|(a, b)| names_match(a, b) || names_match(b, a)).collect();
    assert!(matched.is_empty(), "these should not match: {matched:?}");
}

#[test]
fn every_script_gives_keys_of_its_own_kind() {
    let kinds = |name: &str| person_keys([name]).into_iter().map(|k| k.kind).collect::<Vec<_>>();
    assert_eq!(kinds("Fatima"), [KeyKind::Sound, KeyKind::Skeleton]);
    assert_eq!(kinds("فاطمة"), [KeyKind::Arabic]);
    assert_eq!(kinds("ተስፋዬ"), [KeyKind::Ethiopic]);
}

#[test]
fn short_or_coded_words_are_not_looked_up_by_sound() {
    assert!(query_keys("fa").is_empty());
    assert!(query_keys("CAL-0042").is_empty());
    assert_eq!(query_keys("fatma rah").len(), 2);
    assert_eq!(query_keys("فا").len(), 1);
}

fn years_ago(y: u32) -> NaiveDate {
    today().checked_sub_months(Months::new(y * 12)).unwrap()
}

fn register(db: &Db, s: &Session, body: Value) -> Value {
    let mut body = body;
    body["confirm_not_duplicate"] = json!(true);
    call(db, s, "create_person", body)["person"].clone()
}

/// (code, matched) of each row a search finds, in order.
fn found(db: &Db, s: &Session, query: Value) -> Vec<(String, String)> {
    let page = call(db, s, "search_people", query);
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap().to_string(), r["matched"].as_str().unwrap_or("").to_string()))
        .collect()
}

fn keys_of(db: &Db, id: &str) -> Vec<String> {
    db.read(|c| {
        let mut stmt =
            c.prepare("SELECT kind || ':' || key FROM person_name_keys WHERE person_id = ?1 ORDER BY 1")?;
        let rows = stmt.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<Result<Vec<String>, _>>()?)
    })
    .unwrap()
}

#[test]
fn search_finds_variant_spellings_and_other_scripts_after_the_letters_typed() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let rahimi =
        register(&t.db, &s, json!({"given_name": "Mohammed", "family_name": "Rahimi", "site": "CAL"}))
            ["code"]
            .clone();
    let muhammad =
        register(&t.db, &s, json!({"given_name": "Muhammad", "family_name": "Rahimi", "site": "DUN"}))
            ["code"]
            .clone();
    let fatoum = register(
        &t.db,
        &s,
        json!({"given_name": "Fatoum", "family_name": "Bakri", "original_name": "فاطمة بكري"}),
    )["code"]
        .clone();
    let fatma = register(&t.db, &s, json!({"given_name": "Fatma", "family_name": "Osman", "site": "CAL"}))
        ["code"]
        .clone();
    let tesfay = register(&t.db, &s, json!({"given_name": "Tesfay", "family_name": "Gebre"}))["code"].clone();
    let code = |v: &Value| v.as_str().unwrap().to_string();

    // The letters typed first (whole name, then the start of one), then spelt another way.
    let rows = found(&t.db, &s, json!({"text": "Muhammad Rahimi"}));
    assert_eq!(rows, [(code(&muhammad), "name".into()), (code(&rahimi), "sounds_like".into())]);
    let rows = found(&t.db, &s, json!({"text": "Fatima"}));
    assert_eq!(
        rows,
        [(code(&fatma), "sounds_like".into()), (code(&fatoum), "arabic_script".into())],
        "{rows:?}"
    );
    let rows = found(&t.db, &s, json!({"text": "fatm"}));
    assert_eq!(rows, [(code(&fatma), "prefix".into()), (code(&fatoum), "sounds_like".into())]);
    // Arabic script finds a name in Latin letters; Ge'ez too.
    let rows = found(&t.db, &s, json!({"text": "محمد رحيمي"}));
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|(_, m)| m == "latin_script"), "{rows:?}");
    assert_eq!(found(&t.db, &s, json!({"text": "ተስፋዬ"})), [(code(&tesfay), "latin_script".into())]);
    // Filters still apply to every step.
    let rows = found(&t.db, &s, json!({"text": "Muhammad Rahimi", "site": "CAL"}));
    assert_eq!(rows, [(code(&rahimi), "sounds_like".into())]);
    // The exact code comes first.
    let rows = found(&t.db, &s, json!({"text": code(&fatma).to_lowercase()}));
    assert_eq!(rows[0], (code(&fatma), "code".into()));
    // Different names are not offered.
    register(&t.db, &s, json!({"given_name": "Hussein", "family_name": "Idris"}));
    assert!(found(&t.db, &s, json!({"text": "Hassan"})).is_empty());
}

#[test]
fn keys_follow_every_write_of_a_name() {
    let t = seeded(0);
    let lead = session(&t.db, Role::Lead);
    let p = register(
        &t.db,
        &lead,
        json!({"given_name": "Youssef", "family_name": "Haddad", "original_name": "يوسف"}),
    );
    let id = p["id"].as_str().unwrap();
    assert_eq!(
        keys_of(&t.db, id),
        ["arabic:ysf", "skeleton:hd", "skeleton:ysf", "sound:had", "sound:yusf"],
        "both names and the original script"
    );
    call(&t.db, &lead, "update_person", json!({"id": id, "given_name": "Omar", "family_name": "Haddad"}));
    assert_eq!(keys_of(&t.db, id), ["skeleton:_mr", "skeleton:hd", "sound:had", "sound:umr"]);
    call(&t.db, &lead, "erase_person", json!({"id": id, "confirm": true}));
    assert!(!keys_of(&t.db, id).iter().any(|k| k.contains("umr")), "an erased name leaves no key");
}

#[test]
fn the_migration_computes_keys_for_people_registered_before() {
    let mut conn = Connection::open_in_memory().unwrap();
    MIGRATIONS.to_version(&mut conn, 6).unwrap();
    conn.execute_batch(
        "INSERT INTO sites (id, site_id, code, name) VALUES ('s1', 's1', 'CAL', 'Calais');
         INSERT INTO people (id, site_id, code, given_name, family_name, original_name)
         VALUES ('p1', 's1', 'CAL-0001', 'Khadidja', 'Osman', 'خديجة عثمان');",
    )
    .unwrap();
    MIGRATIONS.to_latest(&mut conn).unwrap();
    let keys: Vec<String> = conn
        .prepare("SELECT kind || ':' || key FROM person_name_keys WHERE person_id = 'p1' ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        keys,
        ["arabic:_smn", "arabic:hdj", "skeleton:_smn", "skeleton:hdj", "sound:hadja", "sound:usmn"]
    );
}

#[test]
fn the_duplicate_warning_finds_a_variant_spelling_and_tells_namesakes_apart_by_age() {
    let t = seeded(0);
    let s = session(&t.db, Role::FrontDesk);
    let first = register(
        &t.db,
        &s,
        json!({"given_name": "Mohammed", "family_name": "Rahimi", "date_of_birth": years_ago(30)}),
    );
    let dups = call(
        &t.db,
        &s,
        "find_duplicates",
        json!({"given_name": "Muhammad", "family_name": "Rahimi", "date_of_birth": years_ago(30)}),
    );
    let dups = dups.as_array().unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["person"]["id"], first["id"]);
    assert_eq!(dups[0]["person"]["matched"], "sounds_like");
    assert!(dups[0]["reasons"].as_array().unwrap().contains(&json!("born the same day")), "{dups:?}");
    // The same name in Arabic script, with no Latin spelling alike.
    let dups = call(
        &t.db,
        &s,
        "find_duplicates",
        json!({"given_name": "Mhd", "original_name": "محمد رحيمي", "estimated_age": 30}),
    );
    assert_eq!(dups.as_array().unwrap().len(), 1, "{dups}");
    // A namesake forty years older is someone else.
    let dups = call(
        &t.db,
        &s,
        "find_duplicates",
        json!({"given_name": "Muhammad", "family_name": "Rahimi", "estimated_age": 70}),
    );
    assert!(dups.as_array().unwrap().is_empty(), "{dups}");
    // Registering the variant without confirming is refused with the warning.
    let refused = err(
        &t.db,
        &s,
        "create_person",
        json!({"given_name": "Mohamad", "family_name": "Rahimy", "estimated_age": 31}),
    );
    assert_eq!(refused.kind, ErrorKind::Conflict);
    assert!(refused.message.contains(first["code"].as_str().unwrap()), "{}", refused.message);
}
