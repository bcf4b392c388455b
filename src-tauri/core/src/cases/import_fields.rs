//! What a spreadsheet's columns can fill: the fields, the header words (English and French)
//! that name them, and how a cell's text is read as each field's value.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::duplicates::fold;
use super::{Relationship, Sex, Status};

/// A field a column can fill.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    /// Given name (Latin script). Required.
    GivenName,
    /// Family name.
    FamilyName,
    /// Full name in original script.
    OriginalName,
    /// Other names, separated by `;` or `,`.
    OtherNames,
    /// Sex: F/M, female/male, femme/homme.
    Sex,
    /// Date of birth: 2026-01-31, 31/01/2026 or 31.01.2026.
    DateOfBirth,
    /// Age in years, when the date of birth is not known.
    EstimatedAge,
    /// Nationality.
    Nationality,
    /// Languages.
    Languages,
    /// Phone number.
    Phone,
    /// Site code.
    Site,
    /// Status: active, moved on, reached UK, closed.
    Status,
    /// Consent to keep data: yes/no.
    Consent,
    /// Any value shared by the rows of one household (a family number, say).
    Household,
    /// Relationship in the household.
    Relationship,
    /// Not imported.
    Ignore,
}

/// Header words that select a field, compared lower-case without spaces or punctuation.
const HEADERS: &[(&str, ImportField)] = &[
    ("givenname", ImportField::GivenName),
    ("firstname", ImportField::GivenName),
    ("forename", ImportField::GivenName),
    ("prenom", ImportField::GivenName),
    ("familyname", ImportField::FamilyName),
    ("surname", ImportField::FamilyName),
    ("lastname", ImportField::FamilyName),
    ("nom", ImportField::FamilyName),
    ("nomdefamille", ImportField::FamilyName),
    ("originalname", ImportField::OriginalName),
    ("nameinoriginalscript", ImportField::OriginalName),
    ("originalscript", ImportField::OriginalName),
    ("nativename", ImportField::OriginalName),
    ("arabicname", ImportField::OriginalName),
    ("nomoriginal", ImportField::OriginalName),
    ("othernames", ImportField::OtherNames),
    ("aliases", ImportField::OtherNames),
    ("alias", ImportField::OtherNames),
    ("autresnoms", ImportField::OtherNames),
    ("sex", ImportField::Sex),
    ("gender", ImportField::Sex),
    ("sexe", ImportField::Sex),
    ("dateofbirth", ImportField::DateOfBirth),
    ("dob", ImportField::DateOfBirth),
    ("birthdate", ImportField::DateOfBirth),
    ("datedenaissance", ImportField::DateOfBirth),
    ("age", ImportField::EstimatedAge),
    ("estimatedage", ImportField::EstimatedAge),
    ("nationality", ImportField::Nationality),
    ("nationalite", ImportField::Nationality),
    ("languages", ImportField::Languages),
    ("language", ImportField::Languages),
    ("langues", ImportField::Languages),
    ("langue", ImportField::Languages),
    ("phone", ImportField::Phone),
    ("telephone", ImportField::Phone),
    ("mobile", ImportField::Phone),
    ("site", ImportField::Site),
    ("status", ImportField::Status),
    ("statut", ImportField::Status),
    ("consent", ImportField::Consent),
    ("consentement", ImportField::Consent),
    ("household", ImportField::Household),
    ("householdid", ImportField::Household),
    ("family", ImportField::Household),
    ("familyid", ImportField::Household),
    ("familyno", ImportField::Household),
    ("foyer", ImportField::Household),
    ("relationship", ImportField::Relationship),
    ("relation", ImportField::Relationship),
    ("lien", ImportField::Relationship),
];

/// The field a header suggests, if any.
pub fn guess_field(header: &str) -> ImportField {
    let key: String = fold(header).chars().filter(|c| c.is_alphanumeric()).collect();
    HEADERS.iter().find(|(h, _)| *h == key).map(|(_, f)| *f).unwrap_or(ImportField::Ignore)
}

/// Parses a date as people write it: ISO, day/month/year (UK and French order) or with dots.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

pub(super) fn parse_sex(s: &str) -> Option<Sex> {
    match fold(s).as_str() {
        "" | "unknown" | "?" | "inconnu" => Some(Sex::Unknown),
        "f" | "female" | "woman" | "girl" | "femme" | "fille" => Some(Sex::Female),
        "m" | "male" | "man" | "boy" | "h" | "homme" | "garcon" => Some(Sex::Male),
        "other" | "autre" | "x" => Some(Sex::Other),
        _ => None,
    }
}

pub(super) fn parse_status(s: &str) -> Option<Status> {
    let key: String = fold(s).chars().filter(|c| c.is_alphanumeric()).collect();
    match key.as_str() {
        "" | "active" | "actif" | "en cours" => Some(Status::Active),
        "movedon" | "parti" => Some(Status::MovedOn),
        "reacheduk" | "uk" | "arriveauroyaumeuni" => Some(Status::ReachedUk),
        "closed" | "ferme" | "clos" => Some(Status::Closed),
        _ => None,
    }
}

pub(super) fn parse_yes(s: &str) -> Option<bool> {
    match fold(s).as_str() {
        "" | "no" | "n" | "non" | "false" | "0" => Some(false),
        "yes" | "y" | "oui" | "o" | "true" | "1" | "x" => Some(true),
        _ => None,
    }
}

pub(super) fn parse_relationship(s: &str) -> Option<Option<Relationship>> {
    let key = fold(s);
    if key.is_empty() {
        return Some(None);
    }
    let r = match key.as_str() {
        "head" | "chef" => Relationship::Head,
        "mother" | "mere" => Relationship::Mother,
        "father" | "pere" => Relationship::Father,
        "child" | "son" | "daughter" | "enfant" | "fils" | "fille" => Relationship::Child,
        "sibling" | "brother" | "sister" | "frere" | "soeur" => Relationship::Sibling,
        "guardian" | "tuteur" | "tutrice" => Relationship::Guardian,
        "grandparent" | "grandmother" | "grandfather" | "grand-mere" | "grand-pere" => {
            Relationship::Grandparent
        }
        "other" | "autre" => Relationship::Other,
        _ => return None,
    };
    Some(Some(r))
}

/// The field's name in the API (`given_name`), as errors name it.
pub(super) fn field_name(f: ImportField) -> &'static str {
    match f {
        ImportField::GivenName => "given_name",
        ImportField::FamilyName => "family_name",
        ImportField::OriginalName => "original_name",
        ImportField::OtherNames => "other_names",
        ImportField::Sex => "sex",
        ImportField::DateOfBirth => "date_of_birth",
        ImportField::EstimatedAge => "estimated_age",
        ImportField::Nationality => "nationality",
        ImportField::Languages => "languages",
        ImportField::Phone => "phone",
        ImportField::Site => "site",
        ImportField::Status => "status",
        ImportField::Consent => "consent",
        ImportField::Household => "household",
        ImportField::Relationship => "relationship",
        ImportField::Ignore => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_english_and_french_are_recognised() {
        assert_eq!(guess_field("First Name"), ImportField::GivenName);
        assert_eq!(guess_field("Prénom"), ImportField::GivenName);
        assert_eq!(guess_field("SURNAME"), ImportField::FamilyName);
        assert_eq!(guess_field("Date de naissance"), ImportField::DateOfBirth);
        assert_eq!(guess_field("D.O.B."), ImportField::DateOfBirth);
        assert_eq!(guess_field("Shoe size"), ImportField::Ignore);
    }

    #[test]
    fn dates_are_read_in_day_month_order() {
        let d = NaiveDate::from_ymd_opt(2010, 1, 31);
        assert_eq!(parse_date("31/01/2010"), d);
        assert_eq!(parse_date("2010-01-31"), d);
        assert_eq!(parse_date("31.01.2010"), d);
        assert_eq!(parse_date("01/31/2010"), None, "month/day order is not guessed");
    }
}
