//! The rules a new passphrase must meet: long enough, and not one of the passphrases people
//! pick most. Setup, the passphrase screen and a lead's reset all check through here, so the
//! rules live beside the keyring that seals the database key under the passphrase.

use crate::{Error, Result};

/// Shortest passphrase accepted for a real centre's database.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// Passphrases people pick most often; refused whatever their length.
const COMMON_PASSPHRASES: &[&str] = &[
    "password",
    "password1",
    "password123",
    "passw0rd",
    "123456789",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "qwerty123",
    "iloveyou",
    "letmein123",
    "welcome123",
    "football",
    "abc123456",
    "changeme",
    "administrator",
    "haven12345",
    "havencentre",
    "calais2024",
    "calais2025",
    "calais2026",
    "birmingham",
    "0123456789",
    "1q2w3e4r5t",
    "aaaaaaaaaa",
    "azertyuiop",
    "motdepasse",
];

/// The rules a new passphrase must meet, as shown on the setup screen.
pub fn passphrase_rules() -> Vec<String> {
    vec![
        format!("At least {MIN_PASSPHRASE_CHARS} characters. A few unrelated words is easy to remember."),
        "Not a common password such as \"password123\" or \"qwertyuiop\".".into(),
        "Only you know it. If it is forgotten, a lead can set a new one, or the recovery key opens the data."
            .into(),
    ]
}

/// Checks a new passphrase against the rules.
pub fn check_new_passphrase(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::at(
            "passphrase",
            crate::Code::AccessPassphraseTooShort,
            serde_json::json!({"min": MIN_PASSPHRASE_CHARS}),
        ));
    }
    let folded = passphrase.to_lowercase();
    if COMMON_PASSPHRASES.contains(&folded.as_str()) || too_guessable(&folded) {
        return Err(Error::at("passphrase", crate::Code::AccessPassphraseTooEasy, serde_json::json!({})));
    }
    Ok(())
}

/// Words at the heart of the passwords people pick most, with digits or symbols around them
/// ("Password2026!", "calais123456").
const COMMON_WORDS: &[&str] = &[
    "password",
    "passwort",
    "motdepasse",
    "qwerty",
    "azerty",
    "qwertz",
    "welcome",
    "bienvenue",
    "letmein",
    "iloveyou",
    "jetaime",
    "admin",
    "administrator",
    "changeme",
    "football",
    "monkey",
    "dragon",
    "sunshine",
    "princess",
    "haven",
    "havencentre",
    "calais",
    "dunkirk",
    "dunkerque",
    "birmingham",
    "volunteer",
    "benevole",
];

/// Runs of keys or letters people type for "a long password".
const SEQUENCES: &[&str] = &[
    "abcdefghijklmnopqrstuvwxyz",
    "01234567890",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertzuiopasdfghjklyxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
];

/// Passphrases long enough but easy to guess: few different characters, only digits (dates,
/// phone numbers), a common word padded with digits or symbols, or a run along the keyboard.
fn too_guessable(folded: &str) -> bool {
    let distinct: std::collections::BTreeSet<char> = folded.chars().collect();
    if distinct.len() < 4 || folded.chars().all(|c| c.is_ascii_digit() || !c.is_alphanumeric()) {
        return true;
    }
    let letters: String = folded.chars().filter(|c| c.is_alphabetic()).collect();
    if COMMON_WORDS.contains(&letters.as_str()) {
        return true;
    }
    let compact: String = folded.chars().filter(|c| !c.is_whitespace()).collect();
    SEQUENCES.iter().any(|seq| {
        let reversed: String = seq.chars().rev().collect();
        seq.contains(compact.as_str()) || reversed.contains(compact.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passphrase_rules_hold_at_their_boundaries() {
        assert!(check_new_passphrase("123456789").is_err(), "9 characters is too short");
        assert!(check_new_passphrase("kettle1234").is_ok(), "10 characters is enough");
        assert!(check_new_passphrase("Password123").is_err(), "common, whatever the case");
        assert!(check_new_passphrase("zzzzzzzzzzzz").is_err(), "one repeated character");
        assert!(check_new_passphrase("abababababab").is_err(), "two characters repeated");
        assert!(check_new_passphrase("0612345678").is_err(), "only digits: a phone number");
        assert!(check_new_passphrase("Password2026!").is_err(), "a common word padded");
        assert!(check_new_passphrase("Calais123456").is_err(), "the camp's name padded");
        assert!(check_new_passphrase("asdfghjklz").is_err(), "a run along the keyboard");
        assert!(check_new_passphrase("zyxwvutsrqpo").is_err(), "the alphabet backwards");
        assert!(check_new_passphrase("blue kettle morning").is_ok());
        assert!(check_new_passphrase("ሰላም ለዓለም 2026").is_ok(), "any script");
    }
}
