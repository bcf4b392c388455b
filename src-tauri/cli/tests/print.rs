//! `haven-cli print table`: the real binary on real CSV files, good and bad; and
//! `print phone-contacts` from a demo database. Produced PDFs are checked with qpdf and read
//! back with poppler (installed by the project's test command).

#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn names_csv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/names.csv")
}

fn print_table(input: &Path, out: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .args(["print", "table", "--in"])
        .arg(input)
        .args(["--title", "Test sheet", "--out"])
        .arg(out)
        .args(extra)
        .env_remove("HAVEN_PASSPHRASE")
        .output()
        .expect("run haven-cli")
}

/// Whether this test program runs under Wine (the test command's Windows step: Wine sets
/// `WINELOADER` in every process it starts). There a Linux program such as pdftotext starts, but
/// its output and exit status never reach the Windows program, so a test that reads a PDF back
/// with poppler stops before it, saying so on stderr (past the test harness's capture): the PDF
/// has been written by then. The Linux run reads the same engine's PDFs back, and the test
/// command's MSI smoke test reads back PDFs that the Windows build printed.
fn poppler_skipped_under_wine(test: &str) -> bool {
    let wine = cfg!(windows) && std::env::var_os("WINELOADER").is_some();
    if wine {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{test}: PDF written; reading it back with poppler skipped under Wine (README, Windows)"
        );
    }
    wine
}

fn tool(name: &str, args: &[&str]) -> Output {
    Command::new(name)
        .args(args)
        .output()
        .map_err(|e| {
            format!(
                "`{name}` could not be run ({e}); install poppler-utils and qpdf (cargo xtask test does)."
            )
        })
        .unwrap()
}

/// The PDF passes `qpdf --check` and `pdfinfo`; returns pdfinfo's output.
fn assert_valid_pdf(path: &Path) -> String {
    let p = path.to_str().unwrap();
    let check = tool("qpdf", &["--check", p]);
    assert!(check.status.success(), "qpdf --check failed: {}", String::from_utf8_lossy(&check.stdout));
    let info = tool("pdfinfo", &[p]);
    assert!(info.status.success(), "pdfinfo failed: {}", String::from_utf8_lossy(&info.stderr));
    String::from_utf8(info.stdout).unwrap()
}

fn text_of(path: &Path) -> String {
    let out = tool("pdftotext", &[path.to_str().unwrap(), "-"]);
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The command failed with a validation error; returns its message. No PDF was written.
fn validation_error(out: &Output, pdf: &Path) -> String {
    assert_eq!(out.status.code(), Some(1), "stdout: {}", String::from_utf8_lossy(&out.stdout));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
    assert_eq!(err["kind"], "validation", "{err}");
    assert!(!pdf.exists(), "a PDF was written despite the error");
    err["message"].as_str().unwrap().to_string()
}

#[test]
fn prints_the_names_csv_with_a_signature_column() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("names.pdf");
    let out = print_table(&names_csv(), &pdf, &["--sign-column", "Signature", "--site", "Calais"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("18 rows on 1 page"));
    if poppler_skipped_under_wine("prints_the_names_csv_with_a_signature_column") {
        return;
    }
    let info = assert_valid_pdf(&pdf);
    assert!(info.contains("Test sheet"), "{info}");
    let text = text_of(&pdf);
    for needle in [
        "Signature",
        "Name in own script",
        "Calais",
        "page 1 of 1",
        "محمد عبد الله",
        "ሰላም ተስፋዬ",
        "Ayşe Yılmaz",
    ] {
        assert!(text.contains(needle), "{needle:?} missing:\n{text}");
    }
}

#[test]
fn letter_and_landscape_flags_set_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("names.pdf");
    let out = print_table(&names_csv(), &pdf, &["--letter", "--landscape"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("letter_and_landscape_flags_set_the_page") {
        return;
    }
    let info = assert_valid_pdf(&pdf);
    assert!(info.contains("792 x 612"), "{info}");
}

#[test]
fn an_empty_csv_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("empty.csv");
    std::fs::write(&csv, "").unwrap();
    let pdf = dir.path().join("out.pdf");
    let message = validation_error(&print_table(&csv, &pdf, &[]), &pdf);
    assert!(message.contains("is empty"), "{message}");
}

#[test]
fn a_ragged_row_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("ragged.csv");
    std::fs::write(&csv, "Name,Code\nAmina,CAL-1\nFatima\nZoé,CAL-3\n").unwrap();
    let pdf = dir.path().join("out.pdf");
    let message = validation_error(&print_table(&csv, &pdf, &[]), &pdf);
    assert!(message.contains("line 3 (row 2) has 1 fields but the heading row has 2"), "{message}");
}

#[test]
fn invalid_utf8_is_named_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("latin1.csv");
    // "Zoé" in Latin-1, as an old spreadsheet would save it.
    std::fs::write(&csv, b"Name,Code\nAmina,CAL-1\nZo\xe9,CAL-2\n").unwrap();
    let pdf = dir.path().join("out.pdf");
    let message = validation_error(&print_table(&csv, &pdf, &[]), &pdf);
    assert!(message.contains("not UTF-8") && message.contains("row 2"), "{message}");
}

#[test]
fn a_ten_thousand_character_cell_prints_cut() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("long.csv");
    let long = "فاطمة Amina ሰላም ".repeat(700);
    assert!(long.chars().count() >= 10_000);
    std::fs::write(&csv, format!("Name,Code\n{long},CAL-0001\n")).unwrap();
    let pdf = dir.path().join("out.pdf");
    let out = print_table(&csv, &pdf, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("a_ten_thousand_character_cell_prints_cut") {
        return;
    }
    assert_valid_pdf(&pdf);
    let text = text_of(&pdf);
    assert!(text.contains("CAL-0001"), "{text}");
    // Cut on paper after three lines; the text layer (ActualText) holds all of it.
    let info = String::from_utf8(tool("pdfinfo", &[pdf.to_str().unwrap()]).stdout).unwrap();
    assert!(info.lines().any(|l| l.starts_with("Pages:") && l.ends_with(" 1")), "{info}");
    let squeezed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(squeezed.chars().count() >= 10_000, "the text layer lost the long cell");
}

#[test]
fn a_generated_multi_script_csv_prints_with_every_name_and_code_whole() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("sample.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .args(["print", "sample-csv", "--rows", "500", "--seed", "3", "--out"])
        .arg(&csv)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pdf = dir.path().join("sample.pdf");
    let out = print_table(&csv, &pdf, &["--sign-column", "Signature"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("a_generated_multi_script_csv_prints_with_every_name_and_code_whole") {
        return;
    }
    assert_valid_pdf(&pdf);
    // pdftotext wraps right-to-left lines in bidi controls: read them as spaces.
    let text: String =
        text_of(&pdf).chars().map(|c| if matches!(c, '\u{202A}'..='\u{202E}') { ' ' } else { c }).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let (mut names, mut lost) = (0, Vec::new());
    for record in reader.records() {
        let record = record.unwrap();
        assert!(text.contains(&record[3]), "code {} is cut", &record[3]);
        for name in [&record[1], &record[2]].into_iter().filter(|n| !n.is_empty()) {
            names += 1;
            if !text.contains(name) {
                lost.push(name.to_string());
            }
        }
    }
    assert!(names >= 500);
    assert!(lost.len() * 200 <= names, "{} of {names} names do not read back whole: {lost:?}", lost.len());
    assert!(!text.contains('…'), "something was cut");
}

#[test]
fn a_script_no_font_covers_prints_marked_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("cjk.csv");
    std::fs::write(&csv, "Name,Code\n王芳,BHM-0200\n").unwrap();
    let pdf = dir.path().join("out.pdf");
    let out = print_table(&csv, &pdf, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning: Row 1") && stderr.contains("U+738B"), "{stderr}");
    if poppler_skipped_under_wine("a_script_no_font_covers_prints_marked_with_a_warning") {
        return;
    }
    assert_valid_pdf(&pdf);
    assert!(text_of(&pdf).contains('\u{FFFD}'));
}

#[test]
fn a_header_only_csv_prints_a_blank_sheet_and_a_missing_file_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("blank.csv");
    std::fs::write(&csv, "\u{FEFF}Name,Code,Collected\n").unwrap();
    let pdf = dir.path().join("blank.pdf");
    let out = print_table(&csv, &pdf, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("a_header_only_csv_prints_a_blank_sheet_and_a_missing_file_is_not_found") {
        return;
    }
    assert_valid_pdf(&pdf);
    // The byte-order mark is not part of the first heading.
    assert!(text_of(&pdf).contains("Name"));

    let out = print_table(&dir.path().join("nope.csv"), &pdf, &[]);
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["kind"], "not_found");
}

#[test]
fn a_semicolon_separated_csv_from_a_french_spreadsheet_prints() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("fr.csv");
    std::fs::write(&csv, "Nom;Code;Remarque\nAdèle Kaboré;BHM-0140;lait bébé, taille 4\n").unwrap();
    let pdf = dir.path().join("fr.pdf");
    let out = print_table(&csv, &pdf, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("a_semicolon_separated_csv_from_a_french_spreadsheet_prints") {
        return;
    }
    let text = text_of(&pdf);
    assert!(text.contains("Remarque") && text.contains("lait bébé, taille 4"), "{text}");
}

fn cli_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("HAVEN_DATA_DIR")
        .env("HAVEN_PASSPHRASE", "demo")
        .output()
        .expect("run haven-cli")
}

#[test]
fn print_phone_contacts_writes_the_list_for_a_coordinator_and_refuses_the_front_desk() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli_in(dir.path(), &["seed-demo", "--people", "200"]).status.success());
    let pdf = dir.path().join("contacts.pdf");
    let out =
        cli_in(dir.path(), &["--user", "sarah", "print", "phone-contacts", "--out", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.starts_with("Wrote ") && said.contains("phone"), "{said}");
    if poppler_skipped_under_wine(
        "print_phone_contacts_writes_the_list_for_a_coordinator_and_refuses_the_front_desk",
    ) {
        return;
    }
    assert_valid_pdf(&pdf);
    assert!(text_of(&pdf).contains("Emergency contact list"), "the sheet has its title");

    let refused = dir.path().join("refused.pdf");
    let out =
        cli_in(dir.path(), &["--user", "tom", "print", "phone-contacts", "--out", refused.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).expect("JSON error on stderr");
    assert_eq!(err["kind"], "forbidden", "{err}");
    assert!(!refused.exists(), "no PDF for the front desk");
}

#[test]
fn print_distribution_sheet_and_export_a_stock_report() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli_in(dir.path(), &["seed-demo", "--people", "300"]).status.success());
    let list = cli_in(dir.path(), &["--user", "sarah", "call", "list_distributions", r#"{"site":"CAL"}"#]);
    assert!(list.status.success(), "stderr: {}", String::from_utf8_lossy(&list.stderr));
    let list: Value = serde_json::from_slice(&list.stdout).unwrap();
    let open = list.as_array().unwrap().iter().find(|d| d["status"] == "open").expect("an open distribution");
    let pdf = dir.path().join("sheet.pdf");
    let id = open["id"].as_str().unwrap();
    let out = cli_in(
        dir.path(),
        &[
            "--user",
            "sarah",
            "print",
            "distribution-sheet",
            "--distribution",
            id,
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("households"));
    if poppler_skipped_under_wine("print_distribution_sheet_and_export_a_stock_report") {
        return;
    }
    assert_valid_pdf(&pdf);
    assert!(text_of(&pdf).contains("Distribution sign-up sheet"), "the sheet has its title");

    let csv = dir.path().join("on-hand.csv");
    let out = cli_in(
        dir.path(),
        &["--user", "sarah", "export", "report", "on-hand", "--out", csv.to_str().unwrap()],
    );
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("Baby milk") && text.contains("The bus"), "{text}");
}

#[test]
fn print_roster_and_activity_sheet_for_an_iso_week_and_site() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli_in(dir.path(), &["seed-demo", "--people", "200"]).status.success());
    let week = chrono::Local::now().date_naive().format("%G-W%V").to_string();
    let roster = dir.path().join("roster.pdf");
    let args = [
        "--user",
        "helene",
        "print",
        "roster",
        "--week",
        &week,
        "--site",
        "DUN",
        "--out",
        roster.to_str().unwrap(),
    ];
    let out = cli_in(dir.path(), &args);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("print_roster_and_activity_sheet_for_an_iso_week_and_site") {
        return;
    }
    assert_valid_pdf(&roster);
    // Cells wrap: compare words, not lines.
    let text = text_of(&roster).split_whitespace().collect::<Vec<_>>().join(" ");
    for want in ["Volunteer rota", "Dunkirk", "DBS valid until", "DBS expiring soon", "DBS not valid"] {
        assert!(text.contains(want), "the roster has {want}: {text}");
    }

    let sheet = dir.path().join("activity.pdf");
    let args = [
        "--user",
        "tom",
        "print",
        "activity-sheet",
        "--week",
        &week,
        "--site",
        "CAL",
        "--out",
        sheet.to_str().unwrap(),
    ];
    let out = cli_in(dir.path(), &args);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    assert_valid_pdf(&sheet);
    assert!(text_of(&sheet).contains("Activity sign-up and attendance"));

    let bad = cli_in(
        dir.path(),
        &["--user", "sarah", "print", "roster", "--week", "2026-48", "--site", "CAL", "--out", "x.pdf"],
    );
    assert_eq!(bad.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&bad.stderr).expect("JSON error on stderr");
    assert_eq!(err["kind"], "validation", "{err}");
}

#[test]
fn export_report_writes_the_money_reports_as_csv_xlsx_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cli_in(dir.path(), &["seed-demo", "--people", "50"]).status.success());
    let today = chrono::Local::now().date_naive();
    let from = (today - chrono::Days::new(90)).to_string();
    let to = today.to_string();
    let run = |report: &str, file: &str| {
        let out = dir.path().join(file);
        let args = [
            "--user",
            "sarah",
            "export",
            "report",
            report,
            "--from",
            &from,
            "--to",
            &to,
            "--out",
            out.to_str().unwrap(),
        ];
        let done = cli_in(dir.path(), &args);
        assert!(done.status.success(), "{report}: {}", String::from_utf8_lossy(&done.stderr));
        out
    };
    let pdf = run("where-money-went", "where.pdf");
    if !poppler_skipped_under_wine("export_report_writes_the_money_reports_as_csv_xlsx_and_pdf") {
        assert_valid_pdf(&pdf);
        let text = text_of(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("Where your money went") && text.contains("Money out"), "{text}");
    }
    let csv = std::fs::read_to_string(run("money-cc16", "cc16.csv")).unwrap();
    assert!(csv.contains("Cash funds at the end of the period"), "{csv}");
    assert!(std::fs::read_to_string(run("gift-aid", "gift.csv")).unwrap().contains("Postcode"));
    assert!(std::fs::metadata(run("travel", "travel.xlsx")).unwrap().len() > 0);
    // The front desk sees nothing of money.
    let out = dir.path().join("no.csv");
    let denied = cli_in(
        dir.path(),
        &["--user", "tom", "export", "report", "gift-aid", "--out", out.to_str().unwrap()],
    );
    assert!(!denied.status.success());
    assert!(String::from_utf8_lossy(&denied.stderr).contains("forbidden"));
}

#[test]
fn print_volunteer_info_fills_in_the_site_and_the_rota_contact() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_haven-cli"))
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("HAVEN_PASSPHRASE", "demo")
            .env_remove("HAVEN_DATA_DIR")
            .output()
            .unwrap()
    };
    assert!(run(&["seed-demo", "--people", "2"]).status.success());
    let pdf = dir.path().join("info.pdf");
    let out = run(&[
        "--user",
        "helene",
        "print",
        "volunteer-info",
        "--site",
        "CAL",
        "--lang",
        "fr",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    if poppler_skipped_under_wine("print_volunteer_info_fills_in_the_site_and_the_rota_contact") {
        return;
    }
    let text = text_of(&pdf).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Informations pour les bénévoles") && text.contains("Calais"), "{text}");
    assert!(text.contains("Questions sur le planning : Sarah Okafor"), "{text}");
}

/// Runs haven-cli with the demo passphrase on `dir`.
fn day_cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_haven-cli"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("HAVEN_PASSPHRASE", "demo")
        .output()
        .unwrap()
}

#[test]
fn distribution_day_commands_write_cards_packing_lists_and_labels() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(day_cli(d, &["seed-demo", "--people", "60"]).status.success());
    let list: Value =
        serde_json::from_slice(&day_cli(d, &["call", "list_distributions", "{}"]).stdout).unwrap();
    let dist = list.as_array().unwrap().iter().find(|x| x["status"] == "open").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();

    let cards = d.join("cards.pdf");
    let out = day_cli(d, &["--user", "tom", "print", "id-cards", "--out", cards.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("cards on"));
    if !poppler_skipped_under_wine("distribution_day_commands_write_cards_packing_lists_and_labels") {
        assert!(text_of(&cards).contains("/1"), "card numbers are printed");
    }
    let out = day_cli(
        d,
        &["--user", "tom", "print", "id-cards", "--site", "DUN", "--out", cards.to_str().unwrap()],
    );
    assert!(!out.status.success(), "the front desk prints its own site's cards only");
    let out = day_cli(d, &["print", "id-cards", "--per-page", "9", "--out", cards.to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("per_page"));

    for ext in ["pdf", "csv", "xlsx"] {
        let file = d.join(format!("packing.{ext}"));
        let out =
            day_cli(d, &["print", "packing-list", "--distribution", &dist, "--out", file.to_str().unwrap()]);
        assert!(out.status.success(), "{ext}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(file.exists());
    }
    let labels = d.join("labels.pdf");
    for per_page in ["21", "24"] {
        let out = day_cli(
            d,
            &[
                "print",
                "bag-labels",
                "--distribution",
                &dist,
                "--per-page",
                per_page,
                "--out",
                labels.to_str().unwrap(),
            ],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains("labels on"));
    }
}
