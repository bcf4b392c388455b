//! Distribution day's documents, through the API on a real encrypted database, read back from
//! the PDFs: ID cards whose QR code (rqrr) and barcode (zbarimg) decode to the card's text and
//! whose names come back out (pdftotext), reissue numbers the desk holds to, the front desk's
//! own site only.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Days;
use haven_core::{ErrorKind, Role};
use serde_json::{json, Value};
use util::distribution::{distribution, months_ago, shelf_at};
use util::stock::receive;
use util::{call, err, seeded, session, today};

/// Runs a command-line reader (poppler, zbar); fails the test clearly when it is not installed.
/// `None` under Wine, where a Linux program's output never reaches the Windows test program
/// (`util::poppler_skipped_under_wine`): the tests' database checks still run there.
fn tool(name: &str, args: &[&str]) -> Option<std::process::Output> {
    if util::poppler_skipped_under_wine(name) {
        return None;
    }
    let out = Command::new(name)
        .args(args)
        .output()
        .map_err(|e| {
            format!(
                "`{name}` could not be run ({e}). Install poppler-utils and zbar-tools (the project's test \
                 command does this on Debian: cargo xtask test)."
            )
        })
        .unwrap();
    Some(out)
}

fn pdftotext(path: &Path) -> Option<String> {
    let out = tool("pdftotext", &[path.to_str().unwrap(), "-"])?;
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Page 1 of `pdf` as a PNG at `dpi`.
fn page_png(pdf: &Path, dpi: u32) -> Option<PathBuf> {
    let stem = pdf.with_extension("");
    let out = tool(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-png",
            "-singlefile",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    )?;
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    Some(stem.with_extension("png"))
}

/// Every QR code rqrr finds on page 1 of `pdf`, rendered at the first of a few printer
/// resolutions at which it finds any (its grid finder is sensitive to how modules fall on
/// pixels).
fn qr_codes(pdf: &Path) -> Option<Vec<String>> {
    for dpi in [200, 300, 150, 250] {
        let img = image::open(page_png(pdf, dpi)?).unwrap().to_luma8();
        let mut prepared = rqrr::PreparedImage::prepare(img);
        let found: Vec<String> = prepared
            .detect_grids()
            .into_iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect();
        if !found.is_empty() {
            return Some(found);
        }
    }
    Some(Vec::new())
}

/// Every Code 128 barcode zbarimg finds on the image.
fn barcodes(png: &Path) -> Vec<String> {
    // Only reached with a page image, so never under Wine.
    let out = tool("zbarimg", &["-q", "--raw", "-Sdisable", "-Scode128.enable", png.to_str().unwrap()])
        .expect("zbarimg runs wherever pdftoppm ran");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

fn person_with_script(
    t: &util::TestDb,
    s: &haven_core::Session,
    given: &str,
    family: &str,
    original: &str,
) -> Value {
    call(
        &t.db,
        s,
        "create_person",
        json!({"given_name": given, "family_name": family, "original_name": original,
               "date_of_birth": "1990-04-17", "site": "CAL", "consent": true, "confirm_not_duplicate": true}),
    )["person"]
        .clone()
}

#[test]
fn an_id_card_decodes_to_its_code_and_number_and_shows_both_scripts() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let p = person_with_script(&t, &s, "Fatima", "Ahmed", "فاطمة أحمد");
    let code = p["code"].as_str().unwrap();
    let path = t.dir.path().join("card.pdf");
    let printed = call(&t.db, &s, "print_id_cards", json!({"person": code, "path": path}));
    assert_eq!(printed["rows"], 1);

    if let Some(text) = pdftotext(&path) {
        for expected in [code, "Fatima Ahmed", "فاطمة أحمد", "Card 1", &format!("{code}/1")] {
            assert!(text.contains(expected), "{expected} is not on the card:\n{text}");
        }
        assert!(
            !text.contains("1990") && !text.contains("17 Apr"),
            "the date of birth is on the card:\n{text}"
        );
        assert_eq!(qr_codes(&path).unwrap(), vec![format!("{code}/1")]);
        let png = page_png(&path, 200).unwrap();
        assert_eq!(barcodes(&png), vec![format!("{code}/1")]);
    }

    // A reprint is card 2, recorded and audited.
    let again = t.dir.path().join("card2.pdf");
    call(&t.db, &s, "print_id_cards", json!({"person": code, "path": again, "per_page": 8}));
    if let Some(found) = qr_codes(&again) {
        assert_eq!(found, vec![format!("{code}/2")]);
        let png = page_png(&again, 200).unwrap();
        assert_eq!(barcodes(&png), vec![format!("{code}/2")]);
    }
    let (cards, audits): (i64, i64) = t
        .db
        .read(|c| {
            Ok((
                c.query_row("SELECT count(*) FROM id_cards WHERE person_id = ?1", [p["id"].as_str().unwrap()], |r| {
                    r.get(0)
                })?,
                c.query_row(
                    "SELECT count(*) FROM audit_log WHERE action = 'print' AND entity = 'person' AND entity_id = ?1",
                    [p["id"].as_str().unwrap()],
                    |r| r.get(0),
                )?,
            ))
        })
        .unwrap();
    assert_eq!((cards, audits), (2, 2));
}

#[test]
fn the_desk_refuses_an_older_cards_number_and_takes_the_newest_or_the_plain_code() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    let d = stocked_distribution(&t, &s, 5);
    let a = person_with_script(&t, &s, "Hodan", "Warsame", "هودان ورسمه");
    let b = person_with_script(&t, &s, "Amina", "Jama", "أمينة جامع");
    let (ca, cb) = (a["code"].as_str().unwrap(), b["code"].as_str().unwrap());
    for _ in 0..2 {
        call(&t.db, &s, "print_id_cards", json!({"person": ca, "path": t.dir.path().join("a.pdf")}));
    }
    call(&t.db, &s, "print_id_cards", json!({"person": cb, "path": t.dir.path().join("b.pdf")}));

    let old = err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": format!("{ca}/1")}));
    assert_eq!(old.kind, ErrorKind::Validation);
    assert!(
        old.message.contains("newer card") && old.message.contains(&format!("{ca}/2")),
        "{}",
        old.message
    );
    let never =
        err(&t.db, &desk, "record_collection", json!({"distribution": d, "person": format!("{ca}/3")}));
    assert!(never.message.contains("No card"), "{}", never.message);
    let lookup = err(&t.db, &desk, "desk_lookup", json!({"distribution": d, "query": format!("{ca}/1")}));
    assert!(lookup.message.contains("newer card"), "{}", lookup.message);

    let got =
        call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": format!("{ca}/2")}));
    assert_eq!(got["collection"]["code"], ca);
    // The plain code typed by hand works as before, in any case.
    let got =
        call(&t.db, &desk, "record_collection", json!({"distribution": d, "person": cb.to_lowercase()}));
    assert_eq!(got["collection"]["code"], cb);
}

#[test]
fn the_front_desk_prints_its_own_sites_cards_with_no_flags_and_no_other_site() {
    let t = seeded(40);
    let s = session(&t.db, Role::Coordinator);
    let desk = session(&t.db, Role::FrontDesk);
    // A pregnant woman at the desk's site: the flag is never on her card.
    let p = person_with_script(&t, &s, "Samira", "Osman", "سميرة عثمان");
    call(
        &t.db,
        &s,
        "set_flag",
        json!({"person": p["id"], "kind": "pregnant", "due_date": today() + Days::new(90)}),
    );
    let site: String = t
        .db
        .read(|c| Ok(c.query_row("SELECT code FROM sites WHERE id = ?1", [&desk.site_id], |r| r.get(0))?))
        .unwrap();
    let active_here: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM people WHERE site_id = ?1 AND status = 'active'",
                [&desk.site_id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let path = t.dir.path().join("site.pdf");
    let printed = call(&t.db, &desk, "print_id_cards", json!({"per_page": 8, "path": path}));
    assert_eq!(printed["rows"], active_here);
    assert_eq!(printed["pages"].as_i64().unwrap(), (active_here + 7) / 8);
    if let Some(text) = pdftotext(&path) {
        assert!(text.contains(&format!("{}/1", p["code"].as_str().unwrap())) || site != "CAL", "{text}");
        for word in ["Pregnant", "pregnant", "Unaccompanied", "Safeguarding", "Medical", "+44", "+33"] {
            assert!(!text.contains(word), "{word} is on a card:\n{text}");
        }
    }
    let ten =
        call(&t.db, &desk, "print_id_cards", json!({"site": site, "path": t.dir.path().join("ten.pdf")}));
    assert_eq!(ten["pages"].as_i64().unwrap(), (active_here + 9) / 10);

    let other = if site == "CAL" { "DUN" } else { "CAL" };
    let refused =
        err(&t.db, &desk, "print_id_cards", json!({"site": other, "path": t.dir.path().join("x.pdf")}));
    assert_eq!(refused.kind, ErrorKind::Forbidden);
    let elsewhere = call(
        &t.db,
        &s,
        "create_person",
        json!({"given_name": "Nadia", "family_name": "Farah", "date_of_birth": months_ago(400), "site": other,
               "consent": true, "confirm_not_duplicate": true}),
    )["person"]
        .clone();
    let refused = err(
        &t.db,
        &desk,
        "print_id_cards",
        json!({"person": elsewhere["code"], "path": t.dir.path().join("y.pdf")}),
    );
    assert_eq!(refused.kind, ErrorKind::Forbidden);
    assert!(!t.dir.path().join("y.pdf").exists());
    // New since a day: today's registrations only (the demo's people were registered earlier
    // in the seed's clock, so count them by the date they carry).
    let new_today: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM people WHERE status = 'active' AND created_at >= ?1",
                [today().format("%Y-%m-%d").to_string()],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    let since =
        call(&t.db, &s, "print_id_cards", json!({"since": today(), "path": t.dir.path().join("new.pdf")}));
    assert_eq!(since["rows"], new_today);
    if let Some(text) = pdftotext(&t.dir.path().join("new.pdf")) {
        assert!(text.contains("Nadia Farah"), "registered today, so on the cards");
    }
    // Nobody registered after today.
    let none = err(
        &t.db,
        &s,
        "print_id_cards",
        json!({"since": today() + Days::new(1), "path": t.dir.path().join("z.pdf")}),
    );
    assert_eq!(none.kind, ErrorKind::Validation);
}

/// A distribution at a fresh Calais shelf holding `q` of every item and size, and a second
/// Calais shelf with one more of each; the distribution's id.
fn stocked_distribution(t: &util::TestDb, s: &haven_core::Session, q: i64) -> String {
    let shelf = shelf_at(&t.db, s, "CAL", "Packing shelf");
    let spare = shelf_at(&t.db, s, "CAL", "Packing spare");
    let items = t.db.read(haven_core::stock::list_items).unwrap();
    for item in &items {
        let name = item.name.as_str();
        let expiry = item.tracks_expiry.then(|| today() + Days::new(400));
        let sizes: Vec<Option<&str>> = if item.variants.is_empty() {
            vec![None]
        } else {
            item.variants.iter().map(|v| Some(v.as_str())).collect()
        };
        for size in sizes {
            receive(&t.db, s, &shelf, name, size, q, expiry);
            receive(&t.db, s, &spare, name, size, 1, expiry);
        }
    }
    distribution(&t.db, s, &shelf, today() + Days::new(2))
}

#[test]
fn the_packing_lists_totals_are_the_sum_of_each_households_allowance() {
    let t = seeded(60);
    let s = session(&t.db, Role::Coordinator);
    let d = stocked_distribution(&t, &s, 3);
    let list = call(&t.db, &s, "packing_list", json!({"distribution": d}));
    let households = list["households"].as_array().unwrap();
    assert!(households.len() >= 3, "too few households to test: {list}");

    // Each household's allowance as the desk computes it, summed by item and size.
    let mut sums: std::collections::BTreeMap<(String, String), i64> = Default::default();
    for h in households {
        let due = call(&t.db, &s, "household_allowance", json!({"distribution": d, "person": h["code"]}));
        let mut own: std::collections::BTreeMap<(String, String), i64> = Default::default();
        for l in due["allowance"].as_array().unwrap() {
            let key = (l["item"].as_str().unwrap().to_string(), l["variant"].as_str().unwrap().to_string());
            *own.entry(key.clone()).or_default() += l["quantity"].as_i64().unwrap();
            *sums.entry(key).or_default() += l["quantity"].as_i64().unwrap();
        }
        let picked: std::collections::BTreeMap<(String, String), i64> = h["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    (l["item"].as_str().unwrap().to_string(), l["variant"].as_str().unwrap().to_string()),
                    l["quantity"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(picked, own, "the pick list of {} is not its allowance", h["code"]);
    }
    let totals: std::collections::BTreeMap<(String, String), i64> = list["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                (t["item"].as_str().unwrap().to_string(), t["variant"].as_str().unwrap().to_string()),
                t["needed"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(totals, sums);
    // Stock: 3 at the distribution's shelf and 1 at the other Calais shelf, besides the demo's.
    for t in list["totals"].as_array().unwrap() {
        let (needed, at_site, at_location) = (
            t["needed"].as_i64().unwrap(),
            t["at_site"].as_i64().unwrap(),
            t["at_location"].as_i64().unwrap(),
        );
        assert_eq!(at_location, 3, "{t}");
        assert!(at_site >= 4, "{t}");
        assert_eq!(t["shortfall"].as_i64().unwrap(), (needed - at_site).max(0), "{t}");
    }

    // PDF, CSV and Excel.
    let pdf = t.dir.path().join("packing.pdf");
    let printed = call(&t.db, &s, "print_packing_list", json!({"distribution": d, "path": pdf}));
    assert_eq!(printed["rows"].as_u64().unwrap() as usize, households.len());
    if let Some(text) = pdftotext(&pdf) {
        assert!(text.contains("Packing list") && text.contains("All households"), "{text}");
        for h in households {
            assert!(text.contains(h["code"].as_str().unwrap()), "{} is not on the pick list", h["code"]);
        }
    }
    let csv = t.dir.path().join("packing.csv");
    call(&t.db, &s, "print_packing_list", json!({"distribution": d, "path": csv}));
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert!(csv_text.contains("Household,Item,Size,Quantity,In stock at the site,Short"), "{csv_text}");
    let first = &list["totals"][0];
    assert!(csv_text.contains(&format!(
        "{},{},{}",
        first["item"].as_str().unwrap(),
        first["variant"].as_str().unwrap(),
        first["needed"]
    )));
    let xlsx = t.dir.path().join("packing.xlsx");
    call(&t.db, &s, "print_packing_list", json!({"distribution": d, "path": xlsx}));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "not a workbook");
    let bad =
        err(&t.db, &s, "print_packing_list", json!({"distribution": d, "path": t.dir.path().join("p.txt")}));
    assert_eq!(bad.field.as_deref(), Some("path"));
    // The front desk gets neither the list nor the file.
    let desk = session(&t.db, Role::FrontDesk);
    assert_eq!(err(&t.db, &desk, "packing_list", json!({"distribution": d})).kind, ErrorKind::Forbidden);
}

/// Each word pdftotext finds on page 1, with its box in mm from the top-left.
fn words(pdf: &Path) -> Option<Vec<(String, [f32; 4])>> {
    let out = tool("pdftotext", &["-bbox", "-f", "1", "-l", "1", pdf.to_str().unwrap(), "-"])?;
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).unwrap();
    let mm = |v: &str| v.parse::<f32>().unwrap() * 25.4 / 72.0;
    let found = html
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l.strip_prefix("<word ")?;
            let attr = |name: &str| {
                let start = rest.find(&format!("{name}=\""))? + name.len() + 2;
                Some(rest[start..].split('"').next()?.to_string())
            };
            let text = rest.split('>').nth(1)?.split('<').next()?.to_string();
            Some((text, [mm(&attr("xMin")?), mm(&attr("yMin")?), mm(&attr("xMax")?), mm(&attr("yMax")?)]))
        })
        .collect();
    Some(found)
}

#[test]
fn bag_labels_land_inside_their_cells_on_both_label_sheets() {
    use haven_core::distribution::labels_sheet::LabelSheet;
    let t = seeded(60);
    let s = session(&t.db, Role::Coordinator);
    let d = stocked_distribution(&t, &s, 3);
    let list = call(&t.db, &s, "packing_list", json!({"distribution": d}));
    let codes: Vec<String> = list["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["code"].as_str().unwrap().to_string())
        .collect();
    for per_page in [21u32, 24] {
        let sheet = LabelSheet::from_count(per_page).unwrap();
        let (w, h) = sheet.size();
        let pdf = t.dir.path().join(format!("labels-{per_page}.pdf"));
        let printed = call(
            &t.db,
            &s,
            "print_bag_labels",
            json!({"distribution": d, "per_page": per_page, "path": pdf}),
        );
        assert_eq!(printed["rows"].as_u64().unwrap() as usize, codes.len());
        assert_eq!(printed["pages"].as_u64().unwrap() as usize, codes.len().div_ceil(per_page as usize));
        let Some(found) = words(&pdf) else { continue };
        assert!(found.len() > codes.len().min(per_page as usize) * 3, "too few words: {found:?}");
        // Every word lies wholly inside one label, clear of its edges by a millimetre.
        let cell_of = |b: &[f32; 4]| {
            (0..sheet.count()).find(|&i| {
                let (x, y) = sheet.origin(i);
                b[0] >= x + 1.0 && b[2] <= x + w - 1.0 && b[1] >= y + 1.0 && b[3] <= y + h - 1.0
            })
        };
        for (text, b) in &found {
            assert!(cell_of(b).is_some(), "{per_page} to a page: \"{text}\" at {b:?} is not inside a label");
        }
        // The households' codes are in their labels, in order.
        for (i, code) in codes.iter().take(sheet.count()).enumerate() {
            let (_, b) =
                found.iter().find(|(t, _)| t == code).unwrap_or_else(|| panic!("{code} is not on page 1"));
            assert_eq!(cell_of(b), Some(i), "{code} is not in label {i}");
        }
    }
    // The front desk prints its own site's labels.
    let desk = session(&t.db, Role::FrontDesk);
    let own: String = t
        .db
        .read(|c| Ok(c.query_row("SELECT code FROM sites WHERE id = ?1", [&desk.site_id], |r| r.get(0))?))
        .unwrap();
    let out = api_call(
        &t,
        &desk,
        "print_bag_labels",
        json!({"distribution": d, "path": t.dir.path().join("fd.pdf")}),
    );
    assert_eq!(out.is_ok(), own == "CAL", "{out:?}");
    let bad = err(
        &t.db,
        &s,
        "print_bag_labels",
        json!({"distribution": d, "per_page": 30, "path": t.dir.path().join("b.pdf")}),
    );
    assert_eq!(bad.field.as_deref(), Some("per_page"));
}

fn api_call(
    t: &util::TestDb,
    s: &haven_core::Session,
    name: &str,
    input: Value,
) -> haven_core::Result<Value> {
    haven_core::api::call(&t.db, s, name, input)
}

#[test]
fn after_the_day_lists_who_did_not_come_with_a_phone_only_where_consented_and_requested_against_given() {
    let t = seeded(0);
    let s = session(&t.db, Role::Coordinator);
    let d = stocked_distribution(&t, &s, 1);
    let came = person_with_script(&t, &s, "Hodan", "Warsame", "هودان ورسمه");
    let phoned = call(
        &t.db,
        &s,
        "create_person",
        json!({"given_name": "Amina", "family_name": "Jama", "date_of_birth": "1991-02-03", "site": "CAL",
               "phone": "+33 6 12 34 56 78", "consent": true, "confirm_not_duplicate": true}),
    )["person"]
        .clone();
    let no_consent = call(
        &t.db,
        &s,
        "create_person",
        json!({"given_name": "Samira", "family_name": "Osman", "date_of_birth": "1992-02-03", "site": "CAL",
               "phone": "+33 6 98 76 54 32", "consent": false, "confirm_not_duplicate": true}),
    )["person"]
        .clone();
    // Her daughter's own number, though its digits sort first, does not stand before hers.
    call(
        &t.db,
        &s,
        "create_person",
        json!({"given_name": "Idil", "family_name": "Jama", "date_of_birth": "2012-05-06", "site": "CAL",
               "phone": "+33 6 00 00 00 01", "consent": true, "confirm_not_duplicate": true,
               "household_with": phoned["id"], "relationship": "child"}),
    );
    // Stock for one household only: the second collection gets what is left.
    call(&t.db, &s, "record_collection", json!({"distribution": d, "person": came["code"]}));

    let after = call(&t.db, &s, "distribution_after", json!({"distribution": d}));
    let missing = after["not_collected"].as_array().unwrap();
    let row = |p: &Value| missing.iter().find(|r| r["code"] == p["code"]).cloned();
    assert!(row(&came).is_none(), "who came is not listed: {after}");
    assert_eq!(row(&phoned).expect("listed")["phone"], "+33 6 12 34 56 78");
    assert_eq!(row(&no_consent).expect("listed")["phone"], Value::Null, "no consent, no number");
    // Requested against given: the one collection asked for its allowance and got it.
    let items = after["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let parcel = items.iter().find(|i| i["item"] == "Food parcel").expect("food parcels were given");
    assert_eq!((parcel["requested"].as_i64(), parcel["given"].as_i64()), (Some(1), Some(1)));
    // Phones are not for the front desk.
    let desk = session(&t.db, Role::FrontDesk);
    assert_eq!(
        err(&t.db, &desk, "distribution_after", json!({"distribution": d})).kind,
        ErrorKind::Forbidden
    );
}
