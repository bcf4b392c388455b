//! The money reports through the API: the CC16 account of the seeded year recomputed from the
//! database directly, and every report written to CSV, XLSX and a PDF read back (split from
//! `money.rs` at 600 lines).

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

mod util;

use haven_core::{Db, Role, Session};
use serde_json::json;
use util::strict::{err, ok};
use util::{seeded, session, today};

fn balance(db: &Db, s: &Session, fund: &str) -> i64 {
    let o = ok(db, s, "money_overview", json!({}));
    o["funds"].as_array().unwrap().iter().find(|f| f["id"] == fund).expect("the fund")["balance"]
        .as_i64()
        .unwrap()
}

fn count(db: &Db, table: &str) -> i64 {
    db.read(|c| Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)).unwrap()
}

fn sum(db: &Db, sql: &str, args: &[&dyn rusqlite::ToSql]) -> i64 {
    db.read(|c| Ok(c.query_row(sql, args, |r| r.get::<_, Option<i64>>(0))?.unwrap_or(0))).unwrap()
}

#[test]
fn the_cc16_account_of_the_seeded_year_adds_up_to_the_rows_in_the_database() {
    let t = seeded(20);
    let lead = session(&t.db, Role::Lead);
    let to = today();
    let from = to.checked_sub_days(chrono::Days::new(180)).unwrap();
    let r = ok(&t.db, &lead, "money_report", json!({"report": "cc16", "from": from, "to": to}));
    let funds = r["data"]["funds"].as_array().unwrap();
    assert!(funds.len() >= 4, "the seed has the general fund and three restricted funds");
    let mut grand = 0;
    for f in funds {
        let id = f["id"].as_str().unwrap();
        let q = |sql: &str| sum(&t.db, sql, &[&id, &from, &to]);
        for kind in ["donation", "grant", "other"] {
            let want = sum(
                &t.db,
                "SELECT sum(gbp_pence) FROM money_income WHERE fund_id = ?1 AND kind = ?4 AND received_on BETWEEN ?2 AND ?3",
                &[&id, &from, &to, &kind],
            );
            assert_eq!(f["receipts"][kind].as_i64().unwrap_or(0), want, "{id} {kind}");
        }
        let receipts =
            q("SELECT sum(gbp_pence) FROM money_income WHERE fund_id = ?1 AND received_on BETWEEN ?2 AND ?3");
        let payments =
            q("SELECT sum(gbp_pence) FROM money_payments WHERE fund_id = ?1 AND paid_on BETWEEN ?2 AND ?3");
        let t_in =
            q("SELECT sum(gbp_pence) FROM money_transfers WHERE to_fund = ?1 AND moved_on BETWEEN ?2 AND ?3");
        let t_out = q(
            "SELECT sum(gbp_pence) FROM money_transfers WHERE from_fund = ?1 AND moved_on BETWEEN ?2 AND ?3",
        );
        let by_category: i64 = f["payments"].as_object().unwrap().values().map(|v| v.as_i64().unwrap()).sum();
        assert_eq!(
            (f["total_receipts"].as_i64(), f["total_payments"].as_i64()),
            (Some(receipts), Some(payments)),
            "{id}"
        );
        assert_eq!(by_category, payments, "{id}: the categories add up to the payments");
        assert_eq!(f["transfers"].as_i64(), Some(t_in - t_out), "{id}");
        let before = |sql: &str| sum(&t.db, sql, &[&id, &from]);
        let opening =
            sum(
                &t.db,
                "SELECT opening_pence FROM money_funds WHERE id = ?1 AND opened_on <= ?2",
                &[&id, &to],
            ) + before("SELECT sum(gbp_pence) FROM money_income WHERE fund_id = ?1 AND received_on < ?2")
                - before("SELECT sum(gbp_pence) FROM money_payments WHERE fund_id = ?1 AND paid_on < ?2")
                + before("SELECT sum(gbp_pence) FROM money_transfers WHERE to_fund = ?1 AND moved_on < ?2")
                - before("SELECT sum(gbp_pence) FROM money_transfers WHERE from_fund = ?1 AND moved_on < ?2");
        assert_eq!(f["opening"].as_i64(), Some(opening), "{id}");
        let closing = opening + receipts - payments + t_in - t_out;
        assert_eq!(f["closing"].as_i64(), Some(closing), "{id}");
        assert_eq!(balance(&t.db, &lead, id), closing, "{id}: the closing balance is today's balance");
        grand += closing;
    }
    // The table's last line, "Total funds" column, is the sum of every fund's closing balance.
    let last = r["rows"].as_array().unwrap().last().unwrap().as_array().unwrap();
    assert_eq!(last[0], "Cash funds at the end of the period");
    assert_eq!(last.last().unwrap().as_str().unwrap(), haven_core::money::pounds(grand));
    // The seed is a plausible year: the appeal has money in, stock purchases were paid, the
    // lead's trips were paid from the travel fund and the latest waits.
    assert!(sum(&t.db, "SELECT count(*) FROM money_payments WHERE stock_movement_id IS NOT NULL", &[]) > 0);
    assert_eq!(sum(&t.db, "SELECT count(*) FROM money_claims WHERE status = 'submitted'", &[]), 1);
    assert!(sum(&t.db, "SELECT count(*) FROM money_claims WHERE status = 'paid'", &[]) >= 10);
    assert!(sum(&t.db, "SELECT count(*) FROM money_income WHERE gift_aid = 1", &[]) > 20);
}

fn pdf_text(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    assert!(out.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_money_report_is_written_to_csv_xlsx_and_a_pdf_that_reads_back() {
    let t = seeded(60);
    let lead = session(&t.db, Role::Lead);
    let from = today().checked_sub_days(chrono::Days::new(60)).unwrap();
    let audit = count(&t.db, "audit_log");
    for report in ["cc16", "where_money_went", "gift_aid", "travel"] {
        for format in ["csv", "xlsx", "pdf"] {
            let path = t.dir.path().join(format!("{report}.{format}"));
            let done = ok(
                &t.db,
                &lead,
                "export_money_report",
                json!({"report": report, "from": from, "to": today(), "format": format, "path": path.display().to_string()}),
            );
            assert!(done["rows"].as_u64().unwrap() > 0, "{report} {format}");
            assert!(std::fs::metadata(&path).unwrap().len() > 0);
        }
    }
    assert_eq!(count(&t.db, "audit_log"), audit + 12, "every export is audited");
    let csv = std::fs::read_to_string(t.dir.path().join("cc16.csv")).unwrap();
    assert!(csv.contains("Baby milk and protein (restricted)") && csv.contains("Total receipts"), "{csv}");
    if !util::poppler_skipped_under_wine(
        "every_money_report_is_written_to_csv_xlsx_and_a_pdf_that_reads_back",
    ) {
        let text = pdf_text(&t.dir.path().join("where_money_went.pdf"));
        for want in ["Where your money went", "Money in", "Money out", "What we gave out", "Baby milk"] {
            assert!(text.contains(want), "{want} missing from:\n{text}");
        }
        let travel = pdf_text(&t.dir.path().join("travel.pdf"));
        assert!(travel.contains("Birmingham") && travel.contains("Sarah Okafor"), "{travel}");
    }
    let e = err(
        &t.db,
        &lead,
        "export_money_report",
        json!({"report": "cc16", "from": today(), "to": from, "path": "x.csv"}),
    );
    assert_eq!(e.to_payload().field.as_deref(), Some("from"));
}
