//! The centre's own rules for name keys, as data: how Latin spellings are brought to one form,
//! which words are articles, and how Arabic-script letters and Ge'ez syllables are written in
//! Latin letters. `names.rs` applies them; `tests/names.rs` checks them on a table of
//! spellings met at the desk.

/// The centre's romanisation rules, applied in this order to a word in lower-case Latin letters
/// without accents: `^` ties a pattern to the start of the word, `$` to its end. They bring the
/// usual spellings of one name to one form: `ch`/`sh`, `kh`/`h`, `q`/`k`/`gh`, `dj`/`j`/`g`,
/// `ou`/`oo`/`u`, `ee`/`i`, `ph`/`f`, `v`/`w`, final `-eh`/`-ah`/`-a`, and the silent final
/// `-e` of French spellings (Amine, Abderrahmane). `x` stands for the sound `sh`.
pub const LATIN_RULES: &[(&str, &str)] = &[
    ("x", "ks"),
    ("sch", "x"),
    ("tch", "x"),
    ("ch", "x"),
    ("sh", "x"),
    ("kh", "h"),
    ("gh", "k"),
    ("ph", "f"),
    ("th", "s"),
    ("dh", "z"),
    ("dj", "j"),
    ("zh", "j"),
    ("ck", "k"),
    ("q", "k"),
    ("ce", "se"),
    ("ci", "si"),
    ("cy", "sy"),
    ("c", "k"),
    ("g", "j"),
    ("^oua", "wa"),
    ("^oue", "we"),
    ("^oui", "wi"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("v", "w"),
    ("eh$", "a"),
    ("ah$", "a"),
    ("e$", ""),
];

/// Words that are an article, not a name: `Al-Amin` and `Amin`, `El Hassan` and `Hassan` are
/// found by each other. Attached articles (`Alhassan`) are left alone: `al` starts too many
/// names (Ali, Alaa).
pub const ARTICLES: &[&str] =
    &["al", "el", "ul", "il", "ar", "as", "ash", "ad", "an", "at", "az", "ed", "er", "es", "en", "ez"];

/// The ways `abd` ("servant of") joins the name after it: `Abdulrahman`, `Abdel Rahman`,
/// `Abderrahmane`, `Abd al-Rahman` all give the words `abd` + `rahman`.
pub(super) const ABD_JOINS: &[&str] = &["ou", "u", "e", "a", "o", "i"];

/// Arabic-script letters (Arabic, Persian, Pashto, Sorani) and the Latin letters they are
/// written with, in the alphabet [`LATIN_RULES`] produce. `ء` is not written in Latin spellings
/// and `ع` is written as a vowel (Ali, Omar, Abdallah); `و` and `ي` are `w` and `y` at the start of a word and vowels elsewhere (see
/// `names::arabic_canonical`); `ة`, `ى` and a final `ه` after a consonant are the vowel `a`.
pub const ARABIC_LETTERS: &[(char, &str)] = &[
    ('ا', "a"),
    ('آ', "a"),
    ('أ', "a"),
    ('إ', "i"),
    ('ٱ', "a"),
    ('ء', ""),
    ('ؤ', "u"),
    ('ئ', "i"),
    ('ب', "b"),
    ('پ', "p"),
    ('ت', "t"),
    ('ٹ', "t"),
    ('ټ', "t"),
    ('ث', "s"),
    ('ج', "j"),
    ('چ', "x"),
    ('ځ', "z"),
    ('څ', "s"),
    ('ح', "h"),
    ('خ', "h"),
    ('د', "d"),
    ('ډ', "d"),
    ('ذ', "z"),
    ('ر', "r"),
    ('ړ', "r"),
    ('ڕ', "r"),
    ('ز', "z"),
    ('ژ', "j"),
    ('ږ', "j"),
    ('س', "s"),
    ('ش', "x"),
    ('ښ', "x"),
    ('ص', "s"),
    ('ض', "d"),
    ('ط', "t"),
    ('ظ', "z"),
    ('ع', "a"),
    ('غ', "k"),
    ('ف', "f"),
    ('ڤ', "w"),
    ('ق', "k"),
    ('ك', "k"),
    ('ک', "k"),
    ('گ', "j"),
    ('ګ', "j"),
    ('ل', "l"),
    ('ڵ', "l"),
    ('م', "m"),
    ('ن', "n"),
    ('ڼ', "n"),
    ('ه', "h"),
    ('ھ', "h"),
    ('ە', "a"),
    ('ة', "a"),
    ('و', "u"),
    ('ۆ', "u"),
    ('ی', "i"),
    ('ي', "i"),
    ('ى', "a"),
    ('ې', "i"),
    ('ۍ', "i"),
    ('ێ', "i"),
    ('ے', "i"),
];

/// Ge'ez syllables come in rows of eight (one consonant with each vowel): the first code point
/// of each row and the Latin letters of its consonant. `አ` and `ዐ` carry a vowel alone.
pub const ETHIOPIC_ROWS: &[(u32, &str)] = &[
    (0x1200, "h"),
    (0x1208, "l"),
    (0x1210, "h"),
    (0x1218, "m"),
    (0x1220, "s"),
    (0x1228, "r"),
    (0x1230, "s"),
    (0x1238, "x"),
    (0x1240, "k"),
    (0x1248, "k"),
    (0x1250, "k"),
    (0x1258, "k"),
    (0x1260, "b"),
    (0x1268, "w"),
    (0x1270, "t"),
    (0x1278, "x"),
    (0x1280, "h"),
    (0x1288, "h"),
    (0x1290, "n"),
    (0x1298, "n"),
    (0x12A0, ""),
    (0x12A8, "k"),
    (0x12B0, "k"),
    (0x12B8, "h"),
    (0x12C0, "h"),
    (0x12C8, "w"),
    (0x12D0, ""),
    (0x12D8, "z"),
    (0x12E0, "j"),
    (0x12E8, "y"),
    (0x12F0, "d"),
    (0x12F8, "d"),
    (0x1300, "j"),
    (0x1308, "j"),
    (0x1310, "j"),
    (0x1318, "j"),
    (0x1320, "t"),
    (0x1328, "x"),
    (0x1330, "p"),
    (0x1338, "ts"),
    (0x1340, "ts"),
    (0x1348, "f"),
    (0x1350, "p"),
];

/// The vowels of the Ge'ez orders (first to eighth: ä, u, i, a, e, ə or none, o, wa).
pub(super) const ETHIOPIC_ORDERS: [&str; 8] = ["e", "u", "i", "a", "e", "", "u", "a"];
