//! Applications from the interest form through the API: a realistic export in English (CSV) and
//! in French (XLSX, real date cells), row errors with nothing imported, duplicates listed and not
//! imported, the fixed file imported whole, and the applied list saying what each applicant
//! still lacks.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::{ErrorKind, Role};
use serde_json::{json, Value};
use util::strict::{err, ok};
use util::{seeded, session};

const ENGLISH_HEADER: &str =
    "Timestamp,First name,Last name,Email address,Phone number,Dates available,Site wanted,\
Skills,Teaching qualification,\"Do you have a DBS/PVG/other check?\",Anything else?";

fn english_rows(bad_date: bool, duplicate_email: bool) -> String {
    let mut rows = vec![
        ENGLISH_HEADER.to_string(),
        "2026-10-02 09:14,Hannah,Price,hannah.price@example.org,+44 7700 900123,01/03/2027 - 21/03/2027,Calais,\
\"Teaching, first aid\",PGCE 2019,\"Yes, enhanced DBS on the Update Service\",Happy to drive the van"
            .to_string(),
        "2026-10-03 18:40,Morag,Campbell,morag.c@example.org,+44 7700 900456,15/02/2027 - 30/04/2027,Dunkirk,\
Early years,,\"PVG member (children)\",\"I speak Gaelic; can bring puppets\""
            .to_string(),
        format!(
            "2026-10-05 11:02,Yusuf,Ahmed,yusuf.a@example.org,07700 900789,{},Birmingham,Interpreting,,No,Arabic and Pashto",
            if bad_date { "31/02/2027 - 14/03/2027" } else { "01/02/2027 - 14/03/2027" }
        ),
        format!(
            "2026-10-06 20:30,Sophie,Turner,{},+44 7700 900321,10/01/2027 - 15/01/2027,Calais,Music,,Basic DBS,Short music workshop",
            if duplicate_email { "Hannah.Price@example.org" } else { "sophie.t@example.org" }
        ),
    ];
    rows.push(String::new());
    rows.join("\n")
}

fn import(t: &util::TestDb, s: &haven_core::Session, path: &std::path::Path, dry_run: bool) -> Value {
    ok(&t.db, s, "import_volunteers", json!({"path": path.to_str().unwrap(), "dry_run": dry_run}))
}

fn applied(t: &util::TestDb, s: &haven_core::Session) -> Vec<Value> {
    ok(&t.db, s, "list_volunteers", json!({"status": "applied"})).as_array().unwrap().clone()
}

#[test]
fn an_english_csv_with_a_bad_date_imports_nothing_and_the_fixed_file_imports_all() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let before = applied(&t, &s).len();
    let path = t.dir.path().join("form.csv");
    std::fs::write(&path, english_rows(true, true)).unwrap();
    let r = import(&t, &s, &path, false);
    assert_eq!(r["imported"], 0, "{r}");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!(errors[0]["row"], 4);
    assert_eq!(errors[0]["column"], "Dates available");
    assert!(errors[0]["reason"].as_str().unwrap().contains("31/02/2027"), "{r}");
    let dups = r["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{r}");
    assert_eq!(dups[0]["row"], 5);
    assert!(dups[0]["matches"][0].as_str().unwrap().contains("row 2 (same email)"), "{r}");
    assert_eq!(applied(&t, &s).len(), before, "nothing imported");

    // Fixed: the date corrected and Sophie's own email. A dry run first writes nothing.
    std::fs::write(&path, english_rows(false, false)).unwrap();
    let dry = import(&t, &s, &path, true);
    assert_eq!((dry["ready"].as_u64(), dry["imported"].as_u64()), (Some(4), Some(0)), "{dry}");
    assert_eq!(applied(&t, &s).len(), before);
    let r = import(&t, &s, &path, false);
    assert_eq!(r["imported"], 4, "{r}");
    assert!(r["errors"].as_array().unwrap().is_empty());
    let list = applied(&t, &s);
    assert_eq!(list.len(), before + 4);
    let line =
        |name: &str| list.iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("{name}")).clone();
    let hannah = line("Hannah Price");
    assert_eq!(hannah["site"], "CAL");
    assert_eq!(hannah["skills"], json!(["teaching", "medical"]));
    assert_eq!(hannah["lacks"], json!(["check", "references"]));
    assert_eq!(line("Morag Campbell")["site"], "DUN");
    assert_eq!(line("Yusuf Ahmed")["site"], "BHM");
    // Six days of music with no structured activity named: the stay is lacking too.
    assert_eq!(line("Sophie Turner")["lacks"], json!(["stay", "check", "references"]));
    let rec = ok(&t.db, &s, "get_volunteer", json!({"id": hannah["id"]}));
    assert_eq!(rec["volunteer"]["check_declared"], "Yes, enhanced DBS on the Update Service");
    assert_eq!(rec["volunteer"]["qualifications"], "PGCE 2019");
    assert_eq!(rec["volunteer"]["email"], "hannah.price@example.org");
    assert!(rec["volunteer"]["notes"].as_str().unwrap().contains("drive the van"));

    // The same file again: everyone is already known, listed and not imported twice.
    let again = import(&t, &s, &path, false);
    assert_eq!((again["imported"].as_u64(), again["skipped"].as_u64()), (Some(0), Some(4)), "{again}");
    assert_eq!(applied(&t, &s).len(), before + 4);

    // What the applicant lacks goes as it is recorded; a short stay is not approved.
    let sophie = line("Sophie Turner")["id"].clone();
    let e = err(&t.db, &s, "set_volunteer_status", json!({"id": sophie, "status": "approved"}));
    assert_eq!(e.kind(), ErrorKind::Validation);
    ok(&t.db, &s, "record_references", json!({"id": hannah["id"]}));
    ok(
        &t.db,
        &s,
        "add_check",
        json!({"volunteer": hannah["id"], "issuer": "dbs", "level": "enhanced",
        "workforce": "adult", "certificate_number": "001234567890", "issued_on": util::today()}),
    );
    assert_eq!(line_of(&t, &s, "Hannah Price")["lacks"], json!([]));
}

fn line_of(t: &util::TestDb, s: &haven_core::Session, name: &str) -> Value {
    applied(t, s).into_iter().find(|v| v["name"] == name).unwrap()
}

fn french_workbook(path: &std::path::Path, bad_date: bool, duplicate_email: bool) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let headers = [
        "Prénom",
        "Nom",
        "Courriel",
        "Téléphone",
        "Date d'arrivée",
        "Date de départ",
        "Site souhaité",
        "Compétences",
        "Diplôme d'enseignement",
        "Casier judiciaire",
        "Commentaires",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows: [[&str; 11]; 3] = [
        [
            "Camille",
            "Martin",
            "camille.martin@example.fr",
            "+33 6 12 34 56 78",
            "2027-03-01",
            "2027-03-31",
            "Calais",
            "Enseignement, petite enfance",
            "CAPES",
            "Extrait de casier judiciaire, bulletin n° 3",
            "Disponible le week-end",
        ],
        [
            "Léa",
            "Dubois",
            "lea.dubois@example.fr",
            "+33 6 98 76 54 32",
            "2027-04-01",
            "2027-04-20",
            "Dunkerque",
            "Conduite",
            "",
            "Non",
            "",
        ],
        [
            "Hugo",
            "Bernard",
            if duplicate_email { "CAMILLE.MARTIN@example.fr" } else { "hugo.b@example.fr" },
            "+33 7 11 22 33 44",
            "2027-05-01",
            "2027-05-31",
            "Calais",
            "Premiers secours",
            "",
            "Oui",
            "",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            if (c == 4 || c == 5) && !v.is_empty() {
                if bad_date && r == 2 && c == 4 {
                    // Typed as text, and no real day.
                    ws.write_string(r, c, "32/04/2027").unwrap();
                } else {
                    let d = ExcelDateTime::parse_from_str(v).unwrap();
                    ws.write_datetime_with_format(r, c, &d, &date).unwrap();
                }
            } else {
                ws.write_string(r, c, *v).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn a_french_workbook_with_a_bad_date_and_a_duplicate_email_imports_nothing_until_fixed() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let before = applied(&t, &s).len();
    let path = t.dir.path().join("formulaire.xlsx");
    french_workbook(&path, true, true);
    let r = import(&t, &s, &path, false);
    assert_eq!(r["imported"], 0, "{r}");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!(
        (errors[0]["row"].as_u64(), errors[0]["column"].as_str()),
        (Some(3), Some("Date d'arrivée")),
        "{r}"
    );
    assert_eq!(r["duplicates"][0]["row"], 4, "{r}");
    assert_eq!(applied(&t, &s).len(), before);
    let fields: Vec<&str> =
        r["columns"].as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap()).collect();
    assert_eq!(
        fields,
        [
            "given_name",
            "family_name",
            "email",
            "phone",
            "arrival_on",
            "departure_on",
            "site",
            "skills",
            "qualifications",
            "check_declared",
            "notes"
        ]
    );

    french_workbook(&path, false, false);
    let r = import(&t, &s, &path, false);
    assert_eq!(r["imported"], 3, "{r}");
    let list = applied(&t, &s);
    let camille = list.iter().find(|v| v["name"] == "Camille Martin").unwrap();
    assert_eq!(camille["arrival_on"], "2027-03-01");
    assert_eq!(camille["departure_on"], "2027-03-31");
    assert_eq!(camille["skills"], json!(["teaching", "early_years"]));
    assert_eq!(list.iter().find(|v| v["name"] == "Léa Dubois").unwrap()["site"], "DUN");
}

#[test]
fn the_same_name_and_phone_is_a_duplicate_and_a_mapping_reads_any_header() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    ok(
        &t.db,
        &s,
        "save_volunteer",
        json!({"given_name": "Aisha", "family_name": "Khan", "phone": "+44 7700 900999", "site": "BHM",
               "arrival_on": "2027-01-01"}),
    );
    let path = t.dir.path().join("form.csv");
    std::fs::write(
        &path,
        "Your name,Mobile,When can you come?\nAisha Khan,+44 7700 900 999,01/01/2027 - 31/01/2027\n\
         Ben Ode,+44 7700 900111,01/01/2027 - 31/01/2027\n",
    )
    .unwrap();
    let input = json!({"path": path.to_str().unwrap(), "dry_run": true});
    let r = ok(&t.db, &s, "import_volunteers", input);
    assert!(r["errors"][0]["reason"].as_str().unwrap().contains("No column holds the name"), "{r}");
    let input = json!({"path": path.to_str().unwrap(),
        "mapping": {"Your name": "full_name", "When can you come?": "dates_available"}});
    let r = ok(&t.db, &s, "import_volunteers", input);
    assert_eq!(r["imported"], 1, "{r}");
    assert_eq!(r["duplicates"][0]["row"], 2);
    assert!(r["duplicates"][0]["matches"][0].as_str().unwrap().contains("same name and phone"), "{r}");
    // A cell with a direction override is a row problem, by its column.
    std::fs::write(
        &path,
        "Name,Dates available,Anything else?\nEve Stone,01/01/2027 - 31/01/2027,see Rlo\u{202E}gnp.exe\n",
    )
    .unwrap();
    let r = ok(&t.db, &s, "import_volunteers", json!({"path": path.to_str().unwrap()}));
    assert_eq!(
        (r["imported"].as_u64(), r["errors"][0]["column"].as_str()),
        (Some(0), Some("Anything else?")),
        "{r}"
    );
    let desk = session(&t.db, Role::FrontDesk);
    let e = haven_core::api::call(&t.db, &desk, "import_volunteers", json!({"path": path.to_str().unwrap()}));
    assert_eq!(e.unwrap_err().kind(), ErrorKind::Forbidden);
}

#[test]
fn the_information_sheet_is_edited_in_both_languages_and_printed_with_the_address_and_contact() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let mut info = ok(&t.db, &s, "get_volunteer_info", json!({}));
    assert!(info["fr"].as_str().unwrap().contains("Bienvenue"), "{info}");
    info["fr"] = json!("Bienvenue à {site} !\n\nRendez-vous au {address}. Planning : {contact}.");
    for a in info["addresses"].as_array_mut().unwrap() {
        if a["site"] == "DUN" {
            a["address"] = json!("Rue des Bénévoles 12\n59140 Dunkerque");
        }
    }
    ok(&t.db, &s, "update_volunteer_info", info.clone());
    let mut empty = info.clone();
    empty["en"] = json!("  ");
    let e = err(&t.db, &s, "update_volunteer_info", empty);
    assert_eq!(e.to_payload().field.as_deref(), Some("en"));
    let path = t.dir.path().join("info.pdf");
    let printed = ok(
        &t.db,
        &s,
        "print_volunteer_info",
        json!({"site": "DUN", "language": "fr", "path": path.to_str().unwrap()}),
    );
    assert_eq!(printed["pages"], 1);
    if !util::poppler_skipped_under_wine("the_information_sheet_is_edited_in_both_languages_and_printed") {
        let out =
            std::process::Command::new("pdftotext").args([path.to_str().unwrap(), "-"]).output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        for want in [
            "Informations pour les bénévoles",
            "Rue des Bénévoles 12",
            "Rendez-vous au Rue des Bénévoles 12, 59140 Dunkerque",
            "Contact pour le planning",
            "Sarah Okafor",
        ] {
            assert!(text.contains(want), "the sheet reads \"{want}\": {text}");
        }
        assert!(!text.contains("{address}") && !text.contains("{contact}"), "{text}");
    }
    let desk = session(&t.db, Role::FrontDesk);
    let e = haven_core::api::call(
        &t.db,
        &desk,
        "print_volunteer_info",
        json!({"site": "DUN", "path": path.to_str().unwrap()}),
    );
    assert_eq!(e.unwrap_err().kind(), ErrorKind::Forbidden);
}
