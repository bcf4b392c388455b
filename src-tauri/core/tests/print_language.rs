//! Printed sheets in the chosen language: a distribution's sign-up sheet and a site's roster
//! printed in French read back (pdftotext) with French words and no English ones, names and
//! data as written; a sheet printed without a language takes the centre's.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use std::process::Command;

use haven_core::Role;
use serde_json::json;
use util::distribution::{distribution, months_ago};
use util::stock::shelf;
use util::strict::ok;
use util::volunteers::{approved_volunteer, day, dbs, shift};
use util::{call, seeded, session, today};

/// pdftotext's words of a PDF, one space between each (cells wrap: compare words, not lines).
fn pdf_words(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext is installed");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn a_french_sign_up_sheet_reads_back_in_french_and_the_centres_language_is_the_default() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let loc = shelf(&t.db, &s, "Sheet shelf");
    let body = json!({"given_name": "Fatima", "family_name": "Ahmadi", "original_name": "فاطمة احمدی",
                      "date_of_birth": months_ago(12 * 30), "site": "CAL", "consent": true, "confirm_not_duplicate": true});
    call(&t.db, &s, "create_person", body);
    let d = distribution(&t.db, &s, &loc, today());
    let fr = t.dir.path().join("fr.pdf");
    call(&t.db, &s, "print_distribution_sheet", json!({"distribution": d, "path": fr, "language": "fr"}));
    if util::poppler_skipped_under_wine("a_french_sign_up_sheet_reads_back_in_french") {
        return;
    }
    let text = pdf_words(&fr);
    for want in [
        "Feuille d'émargement de la distribution : Weekly",
        "N°",
        "Nom",
        "Nom dans son écriture",
        "Personnes",
        "Dotation",
        "Reçu",
        "Signature",
        "Imprimé le",
        "page 1 sur ",
        // Names and data are printed as written.
        "Fatima Ahmadi",
        "Food parcel 1",
    ] {
        assert!(text.contains(want), "the French sheet has \"{want}\": {text}");
    }
    for english in
        ["sign-up sheet", "Name in own script", "Allowance", "Collected", "People", "Printed", "page 1 of"]
    {
        assert!(!text.contains(english), "English \"{english}\" on the French sheet: {text}");
    }
    // The day is in French too ("ven. 27 nov. 2026").
    let months =
        ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."];
    let month = months[usize::try_from(chrono::Datelike::month0(&today())).unwrap()];
    assert!(text.contains(&format!("{} {month}", chrono::Datelike::day(&today()))), "{text}");

    // Without a language the sheet takes the centre's: French once a lead sets it, and a
    // language chosen when printing wins over it.
    let lead = session(&t.db, Role::Lead);
    call(&t.db, &lead, "update_settings", json!({"centre_name": "Haven", "language": "fr"}));
    let default = t.dir.path().join("default.pdf");
    call(&t.db, &s, "print_distribution_sheet", json!({"distribution": d, "path": default}));
    assert!(pdf_words(&default).contains("page 1 sur "), "the centre's language is the default");
    let en = t.dir.path().join("en.pdf");
    call(&t.db, &s, "print_distribution_sheet", json!({"distribution": d, "path": en, "language": "en"}));
    let text = pdf_words(&en);
    assert!(text.contains("Distribution sign-up sheet: Weekly") && text.contains("page 1 of "), "{text}");
    assert!(!text.contains("Dotation"), "{text}");
}

#[test]
fn a_french_roster_reads_back_in_french() {
    let t = seeded(0);
    let coord = session(&t.db, Role::Coordinator);
    let v = approved_volunteer(&t.db, &coord, "Zainab");
    dbs(&t.db, &coord, &v, day(-20), true, json!({}));
    let sh = shift(&t.db, &coord, today(), "07:00", "08:00", true);
    ok(&t.db, &coord, "assign_volunteer", json!({"shift": sh, "volunteer": v}));
    // A second place on another shift stays empty: a gap.
    shift(&t.db, &coord, today(), "09:00", "10:00", false);
    let path = t.dir.path().join("roster.pdf");
    let input = json!({"site": "CAL", "path": path.to_str().unwrap(), "language": "fr"});
    ok(&t.db, &coord, "print_roster", input);
    if util::poppler_skipped_under_wine("a_french_roster_reads_back_in_french") {
        return;
    }
    let text = pdf_words(&path);
    for want in [
        "Planning des bénévoles",
        "Créneau",
        "Semaine ",
        "Zainab Test jusqu'au ",
        "DBS valide jusqu'à la date indiquée",
        "DBS bientôt expiré",
        "DBS non valide",
        "Auprès des enfants",
        "à pourvoir",
        "Places à pourvoir :",
        "Contact pour le planning :",
        "Imprimé le",
        "page 1 sur ",
    ] {
        assert!(text.contains(want), "the French roster has \"{want}\":\n{text}");
    }
    for english in [
        "Volunteer rota",
        "Shift",
        "Week ",
        "until",
        "DBS valid until",
        "expiring",
        "Child-facing",
        "unfilled",
        "Gaps",
        "Rota contact",
        "Printed",
        "page 1 of",
    ] {
        assert!(!text.contains(english), "English \"{english}\" on the French roster:\n{text}");
    }
    // Day headings are French: "lun. 23 nov." ... "dim. 29 nov.".
    assert!(
        ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."].iter().all(|d| text.contains(d)),
        "{text}"
    );
}
