//! A generated table of made-up people for checking the engine on data it was not tuned on:
//! names in Arabic, Persian, Pashto, Sorani and Ge'ez (Tigrinya, Amharic) scripts with their
//! Latin spelling, and long Turkish, Vietnamese, Polish and French names with diacritics, of
//! random lengths, with the columns a centre prints most (No, Name, Name (original script),
//! Code, Household, Allowance). The same seed gives the same table, so a test, the bench and
//! `haven-cli print sample-csv` print the same rows.
//!
//! Every name is in Unicode normal form C, as Haven stores names.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use unicode_normalization::UnicodeNormalization;

/// The column headings of [`table`].
pub const HEADINGS: [&str; 6] = ["No", "Name", "Name (original script)", "Code", "Household", "Allowance"];

/// Column of the Latin-letter name in a row of [`table`].
pub const NAME: usize = 1;
/// Column of the name in its own script (empty for names written in Latin letters).
pub const ORIGINAL: usize = 2;
/// Column of the household code.
pub const CODE: usize = 3;

/// A script group: given names and family names, each as (Latin spelling, own script).
struct Group {
    given: &'static [(&'static str, &'static str)],
    family: &'static [(&'static str, &'static str)],
}

const ARABIC: Group = Group {
    given: &[
        ("Fatima", "فاطمة"),
        ("Ahmed", "أحمد"),
        ("Aisha", "عائشة"),
        ("Khadija", "خديجة"),
        ("Youssef", "يوسف"),
        ("Maryam", "مريم"),
        ("Abdulrahman", "عبد الرحمن"),
        ("Zainab", "زينب"),
        ("Nour", "نور"),
        ("Salma", "سلمى"),
    ],
    family: &[
        ("Al-Husseini", "الحسيني"),
        ("Al-Abdullah", "العبدالله"),
        ("Al-Shami", "الشامي"),
        ("El-Masri", "المصري"),
        ("Ben Ali", "بن علي"),
        ("Al-Khatib", "الخطيب"),
        ("Al-Zahrani", "الزهراني"),
    ],
};

const PERSIAN: Group = Group {
    given: &[
        ("Zahra", "زهرا"),
        ("Mahsa", "مهسا"),
        ("Fereshteh", "فرشته"),
        ("Narges", "نرگس"),
        ("Parisa", "پریسا"),
        ("Shirin", "شیرین"),
        ("Golnaz", "گلناز"),
        ("Kourosh", "کوروش"),
    ],
    family: &[
        ("Ahmadi", "احمدی"),
        ("Rezaei", "رضایی"),
        ("Mohammadi", "محمدی"),
        ("Hosseini", "حسینی"),
        ("Karimi", "کریمی"),
        ("Nowruzi", "نوروزی"),
        ("Jafari", "جعفری"),
    ],
};

const PASHTO: Group = Group {
    given: &[
        ("Gulalai", "ګلالۍ"),
        ("Malalai", "ملالۍ"),
        ("Nazo", "نازو"),
        ("Zarghuna", "زرغونه"),
        ("Wagma", "وږمه"),
        ("Spogmai", "سپوږمۍ"),
    ],
    family: &[
        ("Zadran", "ځدراڼ"),
        ("Yousafzai", "یوسفزۍ"),
        ("Achakzai", "اڅکزۍ"),
        ("Shinwari", "شینواري"),
        ("Kakar", "کاکړ"),
    ],
};

const SORANI: Group = Group {
    given: &[
        ("Shilan", "شیلان"),
        ("Rozhan", "ڕۆژان"),
        ("Hevi", "هێڤی"),
        ("Bafrin", "بەفرین"),
        ("Zhila", "ژیلا"),
        ("Awat", "ئاوات"),
        ("Diler", "دلێر"),
    ],
    family: &[
        ("Rasul", "ڕەسوڵ"),
        ("Ahmad", "ئەحمەد"),
        ("Karim", "کەریم"),
        ("Mahmud", "مەحموود"),
        ("Salim", "سەلیم"),
    ],
};

const GEEZ: Group = Group {
    given: &[
        ("Tesfaye", "ተስፋዬ"),
        ("Selam", "ሰላም"),
        ("Freweini", "ፍሬወይኒ"),
        ("Helen", "ሄለን"),
        ("Yonas", "ዮናስ"),
        ("Mikael", "ሚካኤል"),
        ("Berhane", "ብርሃነ"),
        ("Elsa", "ኤልሳ"),
        ("Saba", "ሳባ"),
    ],
    family: &[
        ("Gebremedhin", "ገብረመድህን"),
        ("Woldemichael", "ወልደሚካኤል"),
        ("Haileselassie", "ኃይለሥላሴ"),
        ("Teklehaimanot", "ተክለሃይማኖት"),
        ("Gebrehiwet", "ገብረሂወት"),
        ("Abraha", "አብርሃ"),
    ],
};

/// Latin-letter names: Turkish, Vietnamese, Polish and French, with their diacritics.
const LATIN_GIVEN: &[&str] = &[
    "Şeyda",
    "Zerafet",
    "Gülşen",
    "Çağla",
    "Öznur",
    "Ilgın",
    "İpek",
    "Ayşegül",
    "Thị Phương Anh",
    "Quang",
    "Ngọc Hân",
    "Thùy Dương",
    "Minh Khuê",
    "Hồng Nhung",
    "Małgorzata",
    "Żaneta",
    "Agnieszka",
    "Jędrzej",
    "Marie-Hélène",
    "Françoise",
    "Anaïs",
    "Zoé",
    "Gaëlle",
    "Noémie",
];

const LATIN_FAMILY: &[&str] = &[
    "Karaağaçlıoğlu",
    "Yıldırım",
    "Öztürk",
    "Kılıçarslan",
    "Nguyễn",
    "Hoàng",
    "Huỳnh",
    "Đặng",
    "Brzęczyszczykiewicz",
    "Wiśniewska",
    "Łukaszewicz",
    "Gąsiorowska",
    "de la Fontaine",
    "Lefèvre",
    "Château-Giron",
    "d'Aubigné",
    "Lemaître",
];

const TITLES: &[&str] = &["Dr.", "Mme", "Hajja", "Prof."];

const ALLOWANCES: &[&str] = &[
    "Food parcel",
    "Hygiene kit",
    "Nappies size 4 × 20",
    "Baby milk (first stage) × 2",
    "Sanitary pads × 2",
    "Winter coat",
    "Phone top-up £10",
];

/// A generated multi-script table: [`HEADINGS`] and `rows` rows, the same for the same `seed`.
pub fn table(rows: usize, seed: u64) -> Vec<Vec<String>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let groups = [&ARABIC, &PERSIAN, &PASHTO, &SORANI, &GEEZ];
    (0..rows)
        .map(|i| {
            // Half the rows have a name in another script, half a Latin-letter name.
            let (name, original) = if i % 2 == 0 {
                let group = groups[(i / 2) % groups.len()];
                let given = rng.random_range(1..=3);
                let family = rng.random_range(1..=2);
                let mut parts: Vec<(&str, &str)> = Vec::new();
                for _ in 0..given {
                    parts.push(group.given[rng.random_range(0..group.given.len())]);
                }
                for _ in 0..family {
                    parts.push(group.family[rng.random_range(0..group.family.len())]);
                }
                let latin: Vec<&str> = parts.iter().map(|p| p.0).collect();
                let own: Vec<&str> = parts.iter().map(|p| p.1).collect();
                (latin.join(" "), own.join(" "))
            } else {
                let mut parts: Vec<&str> = Vec::new();
                if rng.random_ratio(1, 6) {
                    parts.push(TITLES[rng.random_range(0..TITLES.len())]);
                }
                for _ in 0..rng.random_range(1..=3) {
                    parts.push(LATIN_GIVEN[rng.random_range(0..LATIN_GIVEN.len())]);
                }
                for _ in 0..rng.random_range(1..=3) {
                    parts.push(LATIN_FAMILY[rng.random_range(0..LATIN_FAMILY.len())]);
                }
                (parts.join(" "), String::new())
            };
            let household = rng.random_range(1..=9);
            let first = rng.random_range(0..ALLOWANCES.len());
            let items: Vec<&str> = (0..rng.random_range(1..=3))
                .map(|k| ALLOWANCES[(first + 2 * k) % ALLOWANCES.len()])
                .collect();
            vec![
                (i + 1).to_string(),
                name.nfc().collect(),
                original.nfc().collect(),
                format!("HLD-{:05}", rng.random_range(1..100_000)),
                household.to_string(),
                items.join(", "),
            ]
        })
        .collect()
}

/// [`table`] as CSV text (UTF-8, comma-separated, headings first), as `haven-cli print table`
/// reads it.
pub fn csv(rows: usize, seed: u64) -> crate::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |e: csv::Error| {
        crate::Error::new(crate::Code::PrintSampleNotWritten, serde_json::json!({"detail": e.to_string()}))
    };
    out.write_record(HEADINGS).map_err(write)?;
    for row in table(rows, seed) {
        out.write_record(&row).map_err(write)?;
    }
    let bytes = out.into_inner().map_err(|e| {
        crate::Error::new(crate::Code::PrintSampleNotWritten, serde_json::json!({"detail": e.to_string()}))
    })?;
    String::from_utf8(bytes).map_err(|e| {
        crate::Error::new(crate::Code::PrintSampleNotText, serde_json::json!({"detail": e.to_string()}))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_table_and_every_script_is_there() {
        let a = table(500, 1);
        assert_eq!(a, table(500, 1));
        assert_ne!(a, table(500, 2));
        let all: String = a.iter().map(|r| r.join(" ")).collect();
        for probe in ["ف", "پ", "ځ", "ڕ", "ሰ", "ş", "ễ", "ł", "è"] {
            assert!(all.contains(probe), "no {probe} in the sample");
        }
        assert!(a.iter().all(|r| r.len() == HEADINGS.len()));
        let longest = a.iter().map(|r| r[NAME].chars().count()).max().unwrap_or(0);
        assert!(longest > 50, "names should reach over 50 letters, longest {longest}");
    }
}
