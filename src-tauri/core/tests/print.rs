//! The printing engine end to end: real PDFs, read back with poppler (pdftotext, pdfinfo,
//! pdffonts, pdftoppm) and checked with qpdf. These tools are installed by the project's test
//! command; a missing tool fails the test with a message saying which.
//!
//! `HAVEN_WRITE_EXPECTED=1 cargo test -p haven-core --test print` rewrites the sample sheet's
//! PDF and page-1 PNG under `tests/data/expected/` for a person to look at.

#![allow(clippy::expect_used, clippy::unwrap_used)]

mod util;

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use haven_core::api;
use haven_core::print::{
    render, render_report, sample, Align, Cell, Column, Mark, PageSetup, PaperSize, Sheet, SheetHeader,
};
use haven_core::{ErrorKind, Role};
use serde_json::json;

const NAMES_CSV: &str = include_str!("../../../tests/data/names.csv");

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Rows of `tests/data/names.csv` (a simple file: no quoted fields).
fn names() -> Vec<Vec<String>> {
    NAMES_CSV.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect()).collect()
}

/// The distribution-style sample sheet: every script, tick and signature boxes.
fn sample_sheet(repeat: usize) -> Sheet {
    let mut sheet = Sheet::new(
        "Distribution sign-up",
        vec![
            Column::text("No.").mm(9.0).align(Align::End),
            Column::text("Name").weight(2.0),
            Column::text("Name in own script").weight(2.0),
            Column::text("Code").mm(24.0),
            Column::text("People").mm(13.0).align(Align::Center),
            Column::tick_box("Collected"),
            Column::signature("Signature").mm(36.0),
        ],
    );
    sheet.header = SheetHeader {
        centre: "Haven Women's Centre".into(),
        site: "Calais".into(),
        title: "Distribution sign-up".into(),
        date: "Week 48 · 27 Nov 2026".into(),
    };
    sheet.author = "Haven test".into();
    sheet.printed_at = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap().and_hms_opt(14, 5, 0).unwrap();
    let names = names();
    for i in 0..repeat * names.len() {
        let n = &names[i % names.len()];
        let mark = match i % 7 {
            3 => Cell::mark(Mark::Tick),
            5 => Cell::mark(Mark::Cross),
            _ => Cell::default(),
        };
        let code = if i % 9 == 4 {
            Cell { text: n[3].clone(), mark: Some(Mark::Warning) }
        } else {
            n[3].as_str().into()
        };
        sheet.rows.push(vec![
            (i + 1).to_string().into(),
            n[1].as_str().into(),
            n[2].as_str().into(),
            code,
            n[5].as_str().into(),
            mark,
            Cell::default(),
        ]);
    }
    sheet
}

/// Runs a command-line tool; fails the test clearly when it is not installed.
fn tool(name: &str, args: &[&str]) -> std::process::Output {
    Command::new(name)
        .args(args)
        .output()
        .map_err(|e| {
            format!(
                "`{name}` could not be run ({e}). Install poppler-utils and qpdf (the project's test command \
                 does this on Debian: cargo xtask test)."
            )
        })
        .unwrap()
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `qpdf --check` and `pdfinfo` accept the file; returns pdfinfo's output.
fn assert_valid_pdf(path: &Path) -> String {
    let p = path.to_str().unwrap();
    let check = tool("qpdf", &["--check", p]);
    assert!(
        check.status.success(),
        "qpdf --check failed on {p}:\n{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let info = tool("pdfinfo", &[p]);
    assert!(info.status.success(), "pdfinfo failed on {p}: {}", String::from_utf8_lossy(&info.stderr));
    String::from_utf8(info.stdout).unwrap()
}

fn pdftotext(path: &Path, pages: Option<(usize, usize)>) -> String {
    let mut args: Vec<String> = Vec::new();
    if let Some((f, l)) = pages {
        args.extend(["-f".into(), f.to_string(), "-l".into(), l.to_string()]);
    }
    args.extend([path.to_str().unwrap().to_string(), "-".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tool("pdftotext", &args);
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn info_field<'a>(info: &'a str, key: &str) -> &'a str {
    info.lines().find_map(|l| l.strip_prefix(key).map(|v| v.trim_start_matches(':').trim())).unwrap_or("")
}

#[test]
fn every_name_in_every_script_comes_back_out_in_logical_order() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = sample_sheet(1);
    let rendered = render_report(&sheet).unwrap();
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let path = write_pdf(dir.path(), "sample.pdf", &rendered.pdf);
    if util::poppler_skipped_under_wine("every_name_in_every_script_comes_back_out_in_logical_order") {
        return;
    }
    let info = assert_valid_pdf(&path);
    assert_eq!(info_field(&info, "Title"), "Distribution sign-up");
    assert_eq!(info_field(&info, "Author"), "Haven test");
    assert_eq!(info_field(&info, "Pages"), "1");
    assert!(info_field(&info, "Page size").starts_with("595.2"), "A4: {info}");

    let text = pdftotext(&path, None);
    for row in names() {
        for name in [&row[1], &row[2]] {
            // Mixed cells ("فاطمة أحمد (CAL-0042)") come back as their parts.
            for part in name.split(['(', ')']).map(str::trim).filter(|p| !p.is_empty()) {
                assert!(text.contains(part), "{part:?} (from {name:?}) not found in the PDF text:\n{text}");
            }
        }
    }
    for needle in
        ["Haven Women's Centre · Calais", "Week 48 · 27 Nov 2026", "Printed 2026-11-27 14:05 · page 1 of 1"]
    {
        assert!(text.contains(needle), "{needle:?} not in:\n{text}");
    }
}

#[test]
fn long_sheets_repeat_the_headings_and_number_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = sample_sheet(12); // 216 rows
    let rendered = render_report(&sheet).unwrap();
    let path = write_pdf(dir.path(), "long.pdf", &rendered.pdf);
    if util::poppler_skipped_under_wine("long_sheets_repeat_the_headings_and_number_the_pages") {
        return;
    }
    let info = assert_valid_pdf(&path);
    let pages: usize = info_field(&info, "Pages").parse().unwrap();
    assert_eq!(pages, rendered.pages);
    assert!(pages >= 3, "{pages} pages");
    for p in 1..=pages {
        let text = pdftotext(&path, Some((p, p)));
        assert!(text.contains(&format!("page {p} of {pages}")), "page {p} footer missing:\n{text}");
        for heading in ["Name in own script", "Collected", "Signature"] {
            assert!(text.contains(heading), "page {p} has no heading {heading:?}");
        }
        assert!(text.contains("Distribution sign-up"), "page {p} has no title");
    }
    // The last row is on the last page.
    let last = pdftotext(&path, Some((pages, pages)));
    assert!(last.contains(&sheet.rows.len().to_string()));
}

#[test]
fn fonts_are_embedded_and_subset() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_pdf(dir.path(), "fonts.pdf", &render(&sample_sheet(1)).unwrap());
    if util::poppler_skipped_under_wine("fonts_are_embedded_and_subset") {
        return;
    }
    let out = tool("pdffonts", &[path.to_str().unwrap()]);
    let listing = String::from_utf8(out.stdout).unwrap();
    let fonts: Vec<&str> = listing.lines().skip(2).collect();
    assert!(fonts.len() >= 4, "expected Latin, Latin bold, Arabic, Ethiopic fonts:\n{listing}");
    for line in &fonts {
        let cols: Vec<&str> = line.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let n = cols.len();
        assert_eq!(&cols[n - 5..n - 2], &["yes", "yes", "yes"], "not embedded+subset+unicode: {line}");
    }
    for family in ["NotoSans-Regular", "NotoSansArabic", "NotoSansEthiopic"] {
        assert!(listing.contains(family), "{family} missing:\n{listing}");
    }
    // Subsetting keeps a one-page sheet small (the fonts alone are 1.9 MB).
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 150_000, "{size} bytes");
}

#[test]
fn letter_and_landscape_pages_have_their_sizes() {
    let dir = tempfile::tempdir().unwrap();
    for (size, landscape, expected) in [
        (PaperSize::A4, true, "841.89 x 595.2"),
        (PaperSize::Letter, false, "612 x 792"),
        (PaperSize::Letter, true, "792 x 612"),
    ] {
        let mut sheet = sample_sheet(1);
        sheet.page = PageSetup { size, landscape };
        let path = write_pdf(dir.path(), "page.pdf", &render(&sheet).unwrap());
        if util::poppler_skipped_under_wine("letter_and_landscape_pages_have_their_sizes") {
            return;
        }
        let info = assert_valid_pdf(&path);
        assert!(info_field(&info, "Page size").starts_with(expected), "{size:?} {landscape}: {info}");
        let text = pdftotext(&path, None);
        assert!(text.contains("ሰላም ተስፋዬ"));
    }
}

#[test]
fn a_script_no_font_covers_is_marked_and_the_pdf_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = Sheet::new("Fallback", vec![Column::text("Name"), Column::text("Code").mm(30.0)]);
    sheet.rows.push(vec!["王芳".into(), "BHM-0200".into()]);
    sheet.rows.push(vec!["ဒေါ်အောင်".into(), "BHM-0201".into()]);
    let rendered = render_report(&sheet).unwrap();
    assert_eq!(rendered.warnings.len(), 2, "{:?}", rendered.warnings);
    assert!(rendered.warnings[0].contains("Row 1") && rendered.warnings[0].contains("王"));
    let path = write_pdf(dir.path(), "fallback.pdf", &rendered.pdf);
    if util::poppler_skipped_under_wine("a_script_no_font_covers_is_marked_and_the_pdf_stays_valid") {
        return;
    }
    assert_valid_pdf(&path);
    let text = pdftotext(&path, None);
    assert!(text.contains('\u{FFFD}'), "the fallback mark is not in the text");
    assert!(text.contains("BHM-0201"));
}

#[test]
fn a_ten_thousand_character_cell_is_cut_not_spilled() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet =
        Sheet::new("Long", vec![Column::text("Name"), Column::text("Notes").lines(3), Column::text("Code")]);
    let long = "Amina فاطمة ሰላም Zoé ".repeat(500);
    sheet.rows.push(vec![long.clone().into(), long.into(), "CAL-0001".into()]);
    let path = write_pdf(dir.path(), "long-cell.pdf", &render(&sheet).unwrap());
    if util::poppler_skipped_under_wine("a_ten_thousand_character_cell_is_cut_not_spilled") {
        return;
    }
    assert_valid_pdf(&path);
    let text = pdftotext(&path, None);
    // On paper the cell ends in "…"; its text layer (ActualText) holds the whole text.
    assert!(uncompressed(&path).contains("/ActualText"), "the cut cell has no text layer");
    assert!(read_back(&text).contains(&"Amina فاطمة ሰላም Zoé ".repeat(20)), "the text layer is not whole");
    assert!(text.contains("CAL-0001"), "the next cell was lost");
}

#[test]
fn sample_sheet_page_one_renders_to_png() {
    let dir = tempfile::tempdir().unwrap();
    let mut sheet = sample_sheet(3);
    sheet.page.landscape = false;
    let pdf = render(&sheet).unwrap();
    let path = write_pdf(dir.path(), "sample.pdf", &pdf);
    if util::poppler_skipped_under_wine("sample_sheet_page_one_renders_to_png") {
        return;
    }
    assert_valid_pdf(&path);
    let prefix = dir.path().join("page");
    let out = tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "110",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            path.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "pdftoppm failed: {}", String::from_utf8_lossy(&out.stderr));
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 20_000, "page 1 rendered to {} bytes", png.len());
    if std::env::var_os("HAVEN_WRITE_EXPECTED").is_some() {
        let expected = repo_root().join("tests/data/expected");
        std::fs::create_dir_all(&expected).unwrap();
        std::fs::write(expected.join("sample-sheet.pdf"), &pdf).unwrap();
        std::fs::write(expected.join("sample-sheet-page1.png"), &png).unwrap();
    }
}

/// Text from the PDF with runs of whitespace made single spaces (a phone number's spaces or
/// a cell's wrapped name must not hide it).
fn squeezed(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_emergency_contact_list_prints_each_minors_phone_and_name_from_the_demo() {
    let t = util::seeded(200);
    let coordinator = util::session(&t.db, Role::Coordinator);
    let lines = api::call(&t.db, &coordinator, "phone_contact_list", json!({})).unwrap();
    let lines = lines.as_array().unwrap();
    assert!(!lines.is_empty(), "the demo issues phones to some unaccompanied minors");
    let path = t.dir.path().join("contacts.pdf");
    let printed =
        api::call(&t.db, &coordinator, "print_phone_contacts", json!({"path": path.to_str().unwrap()}))
            .unwrap();
    assert_eq!(printed["rows"].as_u64(), Some(lines.len() as u64), "{printed}");
    assert!(printed["pages"].as_u64().unwrap() >= 1, "{printed}");
    if util::poppler_skipped_under_wine(
        "the_emergency_contact_list_prints_each_minors_phone_and_name_from_the_demo",
    ) {
        return;
    }
    let info = assert_valid_pdf(&path);
    assert_eq!(info_field(&info, "Title"), "Emergency contact list: phones issued to minors");
    let text = squeezed(&pdftotext(&path, None));
    assert!(text.contains("Emergency contact list: phones issued to minors"), "the title is printed");
    for line in lines {
        let (name, number, code) = (
            line["name"].as_str().unwrap(),
            line["number"].as_str().unwrap(),
            line["code"].as_str().unwrap(),
        );
        assert!(text.contains(code), "{code} is on the list:\n{text}");
        assert!(text.contains(name), "{name} ({code}) is on the list:\n{text}");
        assert!(text.contains(&squeezed(number)), "{code}'s number {number} is on the list:\n{text}");
        if let Some(original) = line["original_name"].as_str().filter(|n| !n.is_empty()) {
            assert!(text.contains(&squeezed(original)), "{code}'s name {original} is on the list:\n{text}");
        }
    }
    let audit: i64 =
        t.db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM audit_log WHERE action = 'view' AND entity = 'phone_contacts'",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(audit, 2, "the list on screen and the print are both audited as views");
}

#[test]
fn the_emergency_contact_list_for_one_site_has_only_that_sites_phones() {
    let t = util::seeded(200);
    let coordinator = util::session(&t.db, Role::Coordinator);
    let all = api::call(&t.db, &coordinator, "phone_contact_list", json!({})).unwrap();
    let site = all[0]["site"].as_str().unwrap().to_string();
    let path = t.dir.path().join("site.pdf");
    let printed = api::call(
        &t.db,
        &coordinator,
        "print_phone_contacts",
        json!({"site": site, "path": path.to_str().unwrap()}),
    )
    .unwrap();
    let here = all.as_array().unwrap().iter().filter(|l| l["site"] == site.as_str()).count();
    assert_eq!(printed["rows"].as_u64(), Some(here as u64));
}

#[test]
fn the_front_desk_cannot_print_the_emergency_contact_list() {
    let t = util::seeded(50);
    let front_desk = util::session(&t.db, Role::FrontDesk);
    let path = t.dir.path().join("contacts.pdf");
    let err = api::call(&t.db, &front_desk, "print_phone_contacts", json!({"path": path.to_str().unwrap()}))
        .err()
        .map(|e| e.kind());
    assert_eq!(err, Some(ErrorKind::Forbidden));
    assert!(!path.exists(), "no file is written for a refused print");
}

#[test]
fn printing_the_contact_list_to_a_folder_that_does_not_exist_is_a_validation_error_on_path() {
    let t = util::seeded(20);
    let coordinator = util::session(&t.db, Role::Coordinator);
    let path = t.dir.path().join("no such folder").join("contacts.pdf");
    let err = api::call(&t.db, &coordinator, "print_phone_contacts", json!({"path": path.to_str().unwrap()}))
        .err()
        .map(|e| e.to_payload());
    let err = err.expect("refused");
    assert_eq!((err.kind, err.field.as_deref()), (ErrorKind::Validation, Some("path")));
}

/// pdftotext's text with the bidi controls it wraps right-to-left lines in made spaces (it
/// puts no space between such a line and the cell beside it), and runs of whitespace made
/// single spaces.
fn read_back(text: &str) -> String {
    let plain: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    squeezed(&plain)
}

/// The PDF's content streams uncompressed (qpdf), to look for operators.
fn uncompressed(path: &Path) -> String {
    let out = tool("qpdf", &["--qdf", "--object-streams=disable", path.to_str().unwrap(), "-"]);
    assert!(out.status.success(), "qpdf --qdf failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The generated multi-script table (names in Arabic, Persian, Pashto, Sorani and Ge'ez
/// scripts, long Turkish, Vietnamese, Polish and French names) printed as `print table`
/// prints a CSV, with a signature column: names read back whole, and no number or code is cut.
fn assert_sample_table_reads_back(rows: usize, seed: u64, page: PageSetup) {
    let data = haven_core::print::sample::table(rows, seed);
    let headings: Vec<String> = haven_core::print::sample::HEADINGS.iter().map(|h| h.to_string()).collect();
    let mut sheet = Sheet::table("Multi-script sample", &headings, data.clone());
    sheet.columns.push(Column::signature("Signature").mm(30.0));
    sheet.rows.iter_mut().for_each(|r| r.push(Cell::default()));
    sheet.page = page;
    let dir = tempfile::tempdir().unwrap();
    let rendered = render_report(&sheet).unwrap();
    assert!(rendered.warnings.is_empty(), "{:?}", rendered.warnings);
    let path = write_pdf(dir.path(), "sample.pdf", &rendered.pdf);
    assert_valid_pdf(&path);
    let raw = pdftotext(&path, None);
    let text = read_back(&raw);
    let names: Vec<&String> = data
        .iter()
        .flat_map(|r| [&r[sample::NAME], &r[sample::ORIGINAL]])
        .filter(|n| !n.is_empty())
        .collect();
    let lost: Vec<&&String> = names.iter().filter(|n| !text.contains(n.as_str())).collect();
    let whole = 1.0 - lost.len() as f64 / names.len() as f64;
    assert!(
        whole >= 0.995,
        "{:.2} % of {} names read back whole; lost: {:?}",
        whole * 100.0,
        names.len(),
        &lost[..lost.len().min(10)]
    );
    let tokens: std::collections::HashSet<&str> = text.split(' ').collect();
    for row in &data {
        assert!(tokens.contains(row[0].as_str()), "row number {} is cut", row[0]);
        assert!(tokens.contains(row[sample::CODE].as_str()), "code {} is cut", row[sample::CODE]);
    }
    assert!(!raw.contains('…'), "something was cut with an ellipsis");
}

#[test]
fn a_generated_table_of_600_names_in_every_script_reads_back_whole_and_cuts_no_code() {
    if util::poppler_skipped_under_wine(
        "a_generated_table_of_600_names_in_every_script_reads_back_whole_and_cuts_no_code",
    ) {
        return;
    }
    assert_sample_table_reads_back(600, 1, PageSetup::default());
}

#[test]
fn the_generated_table_reads_back_whole_on_letter_landscape_too() {
    if util::poppler_skipped_under_wine("the_generated_table_reads_back_whole_on_letter_landscape_too") {
        return;
    }
    assert_sample_table_reads_back(500, 2, PageSetup { size: PaperSize::Letter, landscape: true });
}

#[test]
fn a_name_past_three_lines_is_cut_on_paper_but_whole_in_the_text_layer() {
    let mut sheet =
        Sheet::new("Long", vec![Column::text("No").auto(), Column::text("Name").mm(30.0).lines(3)]);
    let long = "Marie-Hélène Françoise Anaïs Zoé Gaëlle Noémie Ayşegül Öztürk Kılıçarslan Brzęczyszczykiewicz de la Fontaine";
    let arabic = "فاطمة عائشة خديجة مريم زينب سلمى نور العبدالله الحسيني الشامي المصري الزهراني";
    sheet.rows.push(vec!["1".into(), long.into()]);
    sheet.rows.push(vec!["2".into(), arabic.into()]);
    let dir = tempfile::tempdir().unwrap();
    let path = write_pdf(dir.path(), "long.pdf", &render(&sheet).unwrap());
    if util::poppler_skipped_under_wine("a_name_past_three_lines_is_cut_on_paper_but_whole_in_the_text_layer")
    {
        return;
    }
    assert_valid_pdf(&path);
    let text = read_back(&pdftotext(&path, None));
    assert!(text.contains(long), "the whole Latin name is not in the text layer: {text}");
    assert!(text.contains(arabic), "the whole Arabic name is not in the text layer: {text}");
    // On paper it is cut: the content stream holds an ellipsis glyph inside an ActualText span.
    let content = uncompressed(&path);
    assert!(content.matches("/ActualText").count() >= 2, "no ActualText spans");
}
