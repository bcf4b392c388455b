//! `haven-cli bench`: timings of Haven's work on generated data, in a fresh temporary database.
//!
//! Each row runs its work a number of times and reports the median and 95th percentile. Row
//! names are a contract with scripts and outside checks: add rows, never rename them.
//! Benchmarks, not tests, check speed targets: this machine is shared and timings are noisy.

use std::time::Instant;

use chrono::{Days, Local, Months};
use haven_core::access::{keyring, users};
use haven_core::activities::week::Week;
use haven_core::print::{self, Align, Cell, Column, Sheet};
use haven_core::rota::{self, NewShift};
use haven_core::volunteers::dbs::{self, DbsLevel, NewDbsCheck, Workforce};
use haven_core::volunteers::{self, VolunteerDetails, VolunteerStatus};
use haven_core::{api, dashboard, db_path, seed, Db, DbKey};
use serde::Serialize;
use serde_json::json;

mod money;

const BENCH_PASSPHRASE: &str = "bench passphrase";

/// One row of the bench table; serialised as one JSON line.
#[derive(Debug, Serialize)]
struct Row {
    name: &'static str,
    n: u64,
    p50_ms: f64,
    p95_ms: f64,
    #[serde(skip)]
    note: String,
}

/// Times `samples` runs of `f` and returns (p50, p95) in milliseconds.
fn measure(samples: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<(f64, f64)> {
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples.max(1) {
        let start = Instant::now();
        f()?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    Ok((round(at(0.5)), round(at(0.95))))
}

fn round(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

struct Bench {
    json: bool,
    only: Option<String>,
    rows: Vec<Row>,
}

impl Bench {
    fn wants(&self, name: &str) -> bool {
        self.only.as_deref().is_none_or(|o| o.split(',').any(|part| name.contains(part.trim())))
    }

    fn push(&mut self, row: Row) -> anyhow::Result<()> {
        if self.json {
            say!("{}", serde_json::to_string(&row)?);
        } else {
            say!("{:<28} {:>9} {:>10.3} {:>10.3}  {}", row.name, row.n, row.p50_ms, row.p95_ms, row.note);
        }
        self.rows.push(row);
        Ok(())
    }
}

pub fn run(json: bool, people: usize, only: Option<&str>) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let path = db_path(dir.path());
    let mut bench = Bench { json, only: only.map(str::to_string), rows: Vec::new() };
    if !json {
        say!("{:<28} {:>9} {:>10} {:>10}  note", "name", "n", "p50 ms", "p95 ms");
    }

    print_table_process(&mut bench, dir.path())?;
    let db = keyring::create(&path, &DbKey::generate())?;
    // Seeding is the set-up of every other row, so it always runs; it is reported when asked.
    let start = Instant::now();
    let summary = seed::seed_demo(&db, people, 42)?;
    let seed_ms = round(start.elapsed().as_secs_f64() * 1000.0);
    if bench.wants("seed_people_100k") {
        let note = format!("{} households, one transaction", summary.households);
        bench.push(Row {
            name: "seed_people_100k",
            n: people as u64,
            p50_ms: seed_ms,
            p95_ms: seed_ms,
            note,
        })?;
    }
    keyring::add_missing(&db, BENCH_PASSPHRASE)?;
    drop(db);

    if bench.wants("open_unlock") {
        let (p50, p95) = measure(10, || {
            let unlocked = keyring::unlock(&path, Some("tom"), BENCH_PASSPHRASE)?;
            drop(unlocked);
            Ok(())
        })?;
        let note =
            "sign-in: Argon2id (46 MiB) unwraps the key, raw-key open, pragmas, migration check, audit"
                .to_string();
        bench.push(Row { name: "open_unlock", n: 1, p50_ms: p50, p95_ms: p95, note })?;
    }

    let db = keyring::unlock(&path, None, BENCH_PASSPHRASE)?.db;
    if bench.wants("dashboard_counts") {
        let today = Local::now().date_naive();
        let (p50, p95) = measure(20, || {
            db.read(|c| dashboard::counts(c, today))?;
            Ok(())
        })?;
        let note = "all Dashboard counts".to_string();
        bench.push(Row { name: "dashboard_counts", n: people as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("api_call_overhead") {
        let session = db.read(|c| {
            haven_core::access::users::first_lead(c).map(|u| haven_core::access::users::session_for(&u))
        })?;
        let (p50, p95) = measure(200, || {
            api::call(&db, &session, "list_sites", serde_json::Value::Null)?;
            Ok(())
        })?;
        let note = "list_sites through the API dispatcher (role check, JSON in and out)".to_string();
        bench.push(Row { name: "api_call_overhead", n: 1, p50_ms: p50, p95_ms: p95, note })?;
    }
    cases(&mut bench, &db, people)?;
    if bench.wants("sheet_2000_rows") {
        let sheet = bench_sheet(&db, 2000)?;
        let mut last = None;
        let (p50, p95) = measure(5, || {
            last = Some(print::render_report(&sheet)?);
            Ok(())
        })?;
        let (pages, bytes) = last.map_or((0, 0), |r| (r.pages, r.pdf.len()));
        let note = format!("{pages} pages, {bytes} bytes; mixed-script names, tick + signature columns");
        bench.push(Row {
            name: "sheet_2000_rows",
            n: sheet.rows.len() as u64,
            p50_ms: p50,
            p95_ms: p95,
            note,
        })?;
    }
    stock(&mut bench, &db)?;
    distribution_day(&mut bench, &db)?;
    volunteers(&mut bench, &db, dir.path())?;
    money::money(&mut bench, &db)?;
    import_contention(&mut bench, &path, people)?;
    commit_floor(&mut bench, dir.path())?;
    exchange(&mut bench, dir.path())?;
    capture_overhead(&mut bench, &db)?;
    if bench.rows.is_empty() {
        anyhow::bail!("no bench row matches {:?}", bench.only.unwrap_or_default());
    }
    Ok(())
}

/// The whole `haven-cli print table` process on the generated 2,000-row multi-script table
/// (names in five scripts and long Latin names, a signature column), as a person runs it:
/// start, read the CSV, lay out, shape, embed and subset the fonts, write the PDF, exit.
fn print_table_process(bench: &mut Bench, dir: &std::path::Path) -> anyhow::Result<()> {
    if !bench.wants("print_table_2000_process") {
        return Ok(());
    }
    let csv = dir.join("print-table-2000.csv");
    std::fs::write(&csv, print::sample::csv(2000, 1)?)?;
    let pdf = dir.join("print-table-2000.pdf");
    let exe = std::env::current_exe()?;
    let (p50, p95) = measure(9, || {
        let out = std::process::Command::new(&exe)
            .args(["print", "table", "--title", "Multi-script sample", "--sign-column", "Signature", "--in"])
            .arg(&csv)
            .arg("--out")
            .arg(&pdf)
            .output()?;
        if !out.status.success() {
            anyhow::bail!("print table failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(())
    })?;
    let bytes = std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0);
    let note = format!("whole process, {bytes} bytes; print sample-csv --rows 2000 --seed 1");
    bench.push(Row { name: "print_table_2000_process", n: 2000, p50_ms: p50, p95_ms: p95, note })
}

/// As-you-type searches: each word typed one letter at a time, in Latin and original scripts,
/// and codes; with and without a site filter.
const TYPED: &[&str] = &[
    "fatima",
    "tesfay",
    "ahmed osm",
    "zahra",
    "nguyen",
    "ሰናይት",
    "فاطمة",
    "کریمی",
    "CAL-0042",
    "DUN-01",
    "shilan r",
];

/// Names as another volunteer might have written the seed's names: other romanisations, joined
/// or split `abd`, French spellings, and the names in Arabic script and Ge'ez syllables.
const VARIANTS: &[&str] = &[
    "muhammad",
    "mohamad",
    "fatma",
    "fatemeh",
    "yusuf",
    "khadidja",
    "aicha",
    "hussain",
    "mahmud",
    "abdullah",
    "mostafa",
    "zeinab",
    "tesfai",
    "leila",
    "ebrahim",
    "youssef mahmud",
    "muhammad abdalla",
    "محمد",
    "فاطمه",
    "ተስፋዬ",
];

fn cases(bench: &mut Bench, db: &Db, people: usize) -> anyhow::Result<()> {
    let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    if bench.wants("search_people_100k") {
        let mut queries = Vec::new();
        for word in TYPED {
            let chars: Vec<char> = word.chars().collect();
            for n in 1..=chars.len() {
                let text: String = chars[..n].iter().collect();
                if text.ends_with(' ') {
                    continue;
                }
                queries.push(json!({"text": text, "limit": 50}));
                queries.push(json!({"text": text, "limit": 50, "site": "CAL", "status": "active"}));
            }
        }
        let mut i = 0;
        let (p50, p95) = measure(queries.len() * 3, || {
            let q = queries[i % queries.len()].clone();
            i += 1;
            api::call(db, &lead, "search_people", q)?;
            Ok(())
        })?;
        let note = format!(
            "{} as-you-type prefix queries x3, first 50 rows, with and without filters",
            queries.len()
        );
        bench.push(Row { name: "search_people_100k", n: people as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("search_variants_100k") {
        let mut queries = Vec::new();
        for text in VARIANTS {
            queries.push(json!({"text": text, "limit": 50}));
            queries.push(json!({"text": text, "limit": 50, "site": "CAL", "status": "active"}));
        }
        let mut i = 0;
        let (p50, p95) = measure(queries.len() * 5, || {
            let q = queries[i % queries.len()].clone();
            i += 1;
            api::call(db, &lead, "search_people", q)?;
            Ok(())
        })?;
        let note = format!(
            "{} whole-word variant spellings (Latin, Arabic, Ge'ez) x5, first 50 rows, with and without filters",
            queries.len()
        );
        bench.push(Row { name: "search_variants_100k", n: people as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    let ids: Vec<String> = db.read(|c| {
        let mut stmt = c.prepare("SELECT id FROM people ORDER BY rowid LIMIT 200")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })?;
    if bench.wants("open_person") && !ids.is_empty() {
        let mut i = 0;
        let (p50, p95) = measure(200, || {
            api::call(db, &lead, "get_person", json!({"id": ids[i % ids.len()]}))?;
            i += 1;
            Ok(())
        })?;
        let note =
            "a person page: details, flags, household, notes, referrals, phones, UK; audited".to_string();
        bench.push(Row { name: "open_person", n: people as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("create_person") {
        // Names nobody else has, so the duplicate check runs but finds nothing.
        let mut i: u64 = 0;
        let mut name = move || {
            i += 1;
            let mut n = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            (0..8)
                .map(|_| {
                    let c = char::from(b'a' + (n % 26) as u8);
                    n /= 26;
                    c
                })
                .collect::<String>()
        };
        let (p50, p95) = measure(100, || {
            let input =
                json!({"given_name": name(), "family_name": name(), "estimated_age": 30, "consent": true});
            api::call(db, &lead, "create_person", input)?;
            Ok(())
        })?;
        let note =
            "duplicate check, code, insert, search index and name keys, audit: one transaction".to_string();
        bench.push(Row { name: "create_person", n: people as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    Ok(())
}

/// A distribution-style sheet of `rows` rows from the seeded people (every script the seed
/// has, names in their own script beside a code), repeated if there are fewer people.
fn bench_sheet(db: &Db, rows: usize) -> anyhow::Result<Sheet> {
    let people: Vec<(String, Option<String>, String)> = db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT given_name || ' ' || family_name, original_name, code FROM people ORDER BY code LIMIT ?1",
        )?;
        let found = stmt
            .query_map([rows as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(found)
    })?;
    if people.is_empty() {
        anyhow::bail!("the bench database has no people to print");
    }
    let mut sheet = Sheet::new(
        "Distribution sign-up",
        vec![
            Column::text("No.").mm(11.0).align(Align::End),
            Column::text("Name").weight(2.0),
            Column::text("Name in own script").weight(2.0),
            Column::text("Code").mm(22.0),
            Column::tick_box("Collected"),
            Column::signature("Signature").mm(36.0),
        ],
    );
    sheet.header.centre = "Haven bench centre".into();
    sheet.header.site = "Calais".into();
    sheet.header.date = "Week 48".into();
    for i in 0..rows {
        let (name, original, code) = &people[i % people.len()];
        let own = match original {
            Some(o) => format!("{o} ({code})"),
            None => name.clone(),
        };
        sheet.rows.push(vec![
            (i + 1).to_string().into(),
            name.as_str().into(),
            own.into(),
            code.as_str().into(),
            Cell::default(),
            Cell::default(),
        ]);
    }
    Ok(sheet)
}

/// A location at Calais with plenty of every item and size, for the stock rows.
fn bench_location(db: &Db, lead: &haven_core::Session) -> anyhow::Result<String> {
    let loc = api::call(db, lead, "save_location", json!({"site": "CAL", "name": "Bench desk"}))?;
    let loc = loc["id"].as_str().unwrap_or_default().to_string();
    let items = db.read(haven_core::stock::list_items)?;
    let far = Local::now().date_naive() + chrono::Days::new(365);
    for item in items {
        let sizes = if item.variants.is_empty() { vec![String::new()] } else { item.variants.clone() };
        for v in sizes {
            let mut r =
                json!({"location": loc, "item": item.id, "quantity": 1_000_000, "source": "donation"});
            if !v.is_empty() {
                r["variant"] = json!(v);
            }
            if item.tracks_expiry {
                r["expires_on"] = json!(far);
            }
            api::call(db, lead, "receive_stock", r)?;
        }
    }
    Ok(loc)
}

/// A new weekly distribution at `loc` on `held_on`; its id. The rows make several in a week on
/// purpose, so each is confirmed.
fn weekly_distribution(
    db: &Db,
    lead: &haven_core::Session,
    loc: &str,
    held_on: chrono::NaiveDate,
) -> anyhow::Result<String> {
    let d = api::call(
        db,
        lead,
        "create_distribution",
        json!({"location": loc, "held_on": held_on, "dist_type": "weekly", "confirm_same_week": true}),
    )?;
    Ok(d["id"].as_str().unwrap_or_default().to_string())
}

/// Pages one collection writes to the write-ahead log, on average over 50 collections: each
/// page is encrypted and authenticated on commit, which is most of a collection's cost.
fn pages_per_collection(
    db: &Db,
    lead: &haven_core::Session,
    desk: &haven_core::Session,
    loc: &str,
    codes: &[String],
    today: chrono::NaiveDate,
) -> anyhow::Result<f64> {
    let id = weekly_distribution(db, lead, loc, today + Days::new(10))?;
    let wal = {
        let mut p = db.path().as_os_str().to_owned();
        p.push("-wal");
        std::path::PathBuf::from(p)
    };
    // SQLCipher answers `PRAGMA cipher_page_size` with text.
    let page: String = db.read(|c| Ok(c.query_row("PRAGMA cipher_page_size", [], |r| r.get(0))?))?;
    let frame = page.trim().parse::<u64>().unwrap_or(4096) + 24;
    // Connection settings and a checkpoint, not reads: outside `Db::read`'s read-only
    // transaction (a checkpoint cannot run inside one).
    {
        let c = db.conn()?;
        c.execute_batch("PRAGMA wal_autocheckpoint = 0")?;
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    let before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let mut done = 0u32;
    for code in codes.iter().rev().take(50) {
        api::call(db, desk, "record_collection", json!({"distribution": id, "person": code}))?;
        done += 1;
    }
    let after = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    db.conn()?.execute_batch("PRAGMA wal_autocheckpoint = 1000")?;
    Ok((after.saturating_sub(before.max(32)) / frame) as f64 / f64::from(done.max(1)))
}

/// What any encrypted, durable commit costs here, whatever Haven writes in it: 500
/// transactions one after another, each changing one page or 25 pages of a scratch database
/// opened as Haven opens its own (SQLCipher, WAL, synchronous FULL). `record_500_collections`
/// is measured against this floor.
fn commit_floor(bench: &mut Bench, dir: &std::path::Path) -> anyhow::Result<()> {
    let names = [("commit_floor_1_page", 1u32), ("commit_floor_25_pages", 25)];
    if !names.iter().any(|(n, _)| bench.wants(n)) {
        return Ok(());
    }
    const PER_PAGE: u32 = 30;
    const PAGES: u32 = 1000;
    let db = Db::create_with_key(&dir.join("floor.db"), &DbKey::generate())?;
    db.write(|tx| {
        tx.execute_batch("CREATE TABLE floor (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")?;
        let mut ins = tx.prepare("INSERT INTO floor (id, v) VALUES (?1, ?2)")?;
        let filler = "x".repeat(100);
        for id in 0..PER_PAGE * PAGES {
            ins.execute((id, &filler))?;
        }
        Ok(())
    })?;
    for (name, pages) in names {
        if !bench.wants(name) {
            continue;
        }
        let mut stamp = 0u64;
        let (p50, p95) = measure(3, || {
            for _ in 0..500 {
                // A new value every time: SQLite skips writing a row whose bytes do not change.
                stamp += 1;
                let round = (stamp % u64::from(PER_PAGE)) as u32;
                db.write(|tx| {
                    let mut up = tx.prepare_cached("UPDATE floor SET v = ?2 WHERE id = ?1")?;
                    // Rows a page apart: each update dirties a different page.
                    for k in 0..pages {
                        let id = (k * (PAGES / 25)) * PER_PAGE + round;
                        up.execute((id, format!("{stamp:0>100}")))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })?;
        let note = format!(
            "total for 500 commits of {pages} changed page(s) each: the encrypted, durable commit alone"
        );
        bench.push(Row { name, n: 500, p50_ms: p50, p95_ms: p95, note })?;
    }
    Ok(())
}

/// Stock and distribution rows: collections at the desk, balances over a big ledger, the
/// sign-up sheet.
fn stock(bench: &mut Bench, db: &Db) -> anyhow::Result<()> {
    let wanted = ["record_500_collections", "stock_balance_1m_movements", "distribution_sheet_2000"];
    if !wanted.iter().any(|w| bench.wants(w)) {
        return Ok(());
    }
    let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    let desk = db.read(|c| users::sign_in(c, "tom"))?;
    let loc = bench_location(db, &lead)?;
    let today = Local::now().date_naive();
    let codes: Vec<String> = db.read(|c| {
        let mut stmt = c.prepare(
            "SELECT min(p.code) FROM people p JOIN sites s ON s.id = p.site_id
             WHERE s.code = 'CAL' AND p.status = 'active' GROUP BY coalesce(p.household_id, p.id) ORDER BY 1 LIMIT 1500",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    })?;
    if bench.wants("record_500_collections") && codes.len() >= 500 {
        // Three distributions; each sample records 500 households one after another, as the
        // front desk does (one transaction, FEFO draws and audit entry per collection).
        let mut samples = Vec::new();
        for (k, chunk) in codes.chunks(500).take(3).enumerate() {
            if chunk.len() < 500 {
                break;
            }
            let held_on = today + chrono::Days::new(k as u64 + 1);
            let id = weekly_distribution(db, &lead, &loc, held_on)?;
            let (ms, _) = measure(1, || {
                for code in chunk {
                    api::call(db, &desk, "record_collection", json!({"distribution": id, "person": code}))?;
                }
                Ok(())
            })?;
            samples.push(ms);
        }
        samples.sort_by(f64::total_cmp);
        let p50 = samples.get(samples.len() / 2).copied().unwrap_or_default();
        let p95 = samples.last().copied().unwrap_or_default();
        let pages = pages_per_collection(db, &lead, &desk, &loc, &codes[..codes.len().min(1500)], today)?;
        let note = format!(
            "total for 500 households one after another (x{}), API as the front desk; {pages:.1} pages written a collection",
            samples.len()
        );
        bench.push(Row { name: "record_500_collections", n: 500, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("stock_balance_1m_movements") {
        let existing: i64 =
            db.read(|c| Ok(c.query_row("SELECT count(*) FROM stock_movements", [], |r| r.get(0))?))?;
        let to_add = (1_000_000 - existing).max(0);
        // Fill the ledger to 1,000,000 movements at Calais: receipts and draws on every item,
        // size and a few batches (the balance table is kept by the trigger, as in real use).
        db.write(|tx| {
            let keys: Vec<(String, String, String, String)> = {
                let mut stmt = tx.prepare(
                    "SELECT b.location_id, b.item_id, b.variant, b.site_id FROM stock_balances b
                     JOIN sites s ON s.id = b.site_id WHERE s.code = 'CAL' GROUP BY 1, 2, 3",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
                rows.collect::<Result<_, _>>()?
            };
            let mut ins = tx.prepare(
                "INSERT INTO stock_movements (id, site_id, location_id, item_id, variant, batch, quantity, kind, moved_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for i in 0..to_add {
                let (loc, item, variant, site) = &keys[(i as usize / 2) % keys.len().max(1)];
                let (q, kind) = if i % 2 == 0 { (2, "receipt") } else { (-1, "distribution") };
                let batch = format!("B{}", (i / 2) % 4);
                let day = today - chrono::Days::new((i % 700) as u64);
                ins.execute((haven_core::new_id(), site, loc, item, variant, batch, q, kind, day))?;
            }
            Ok(())
        })?;
        let movements: i64 =
            db.read(|c| Ok(c.query_row("SELECT count(*) FROM stock_movements", [], |r| r.get(0))?))?;
        let mut lines = 0;
        let (p50, p95) = measure(50, || {
            lines = api::call(db, &desk, "stock_balances", json!({"site": "CAL"}))?
                .as_array()
                .map_or(0, Vec::len);
            Ok(())
        })?;
        let note = format!("{lines} balance lines for Calais, through the API; ledger {movements} movements");
        bench.push(Row {
            name: "stock_balance_1m_movements",
            n: movements as u64,
            p50_ms: p50,
            p95_ms: p95,
            note,
        })?;
    }
    if bench.wants("distribution_sheet_2000") {
        let held_on = today + chrono::Days::new(30);
        let id = weekly_distribution(db, &lead, &loc, held_on)?;
        let centre = db.read(haven_core::settings::centre)?.centre_name;
        let mut last = (0, 0);
        let (p50, p95) = measure(3, || {
            let plan = db.read(|c| {
                haven_core::distribution::plan_some(
                    c,
                    &id,
                    haven_core::distribution::SheetSort::FamilyName,
                    Some(2000),
                )
            })?;
            let sheet = haven_core::distribution::sheet::sign_up(
                &plan,
                &centre,
                Local::now().naive_local(),
                haven_core::print::Language::En,
            );
            let r = print::render_report(&sheet)?;
            last = (plan.rows.len(), r.pages);
            Ok(())
        })?;
        let note = format!(
            "{} households: allowances from rules and history, then the PDF ({} pages)",
            last.0, last.1
        );
        bench.push(Row {
            name: "distribution_sheet_2000",
            n: last.0 as u64,
            p50_ms: p50,
            p95_ms: p95,
            note,
        })?;
    }
    Ok(())
}

/// Distribution day's documents: 500 ID cards (who, their next numbers, the PDF with QR codes
/// and barcodes) and the packing list of 2,000 households (allowances, totals, stock).
fn distribution_day(bench: &mut Bench, db: &Db) -> anyhow::Result<()> {
    let lead = db.read(|c| users::sign_in(c, "sarah"))?;
    if bench.wants("id_cards_500") {
        let centre = db.read(haven_core::settings::centre)?.centre_name;
        let today = Local::now().date_naive();
        // 500 people of Calais, one selection each (a site's whole case book at 100,000
        // people is more than one print makes).
        let codes: Vec<String> = db.read(|c| {
            let mut stmt = c.prepare(
                "SELECT p.code FROM people p JOIN sites s ON s.id = p.site_id
                 WHERE s.code = 'CAL' AND p.status = 'active' ORDER BY p.code LIMIT 500",
            )?;
            let codes = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
            Ok(codes)
        })?;
        let mut last = (0, 0);
        let (p50, p95) = measure(3, || {
            let cards = db.read(|c| {
                let mut cards = Vec::with_capacity(codes.len());
                for code in &codes {
                    let one = haven_core::distribution::cards::CardSelection {
                        person: Some(code.clone()),
                        ..Default::default()
                    };
                    cards.extend(haven_core::distribution::cards::cards_to_issue(c, &lead, &one, today)?);
                }
                Ok(cards)
            })?;
            let r = haven_core::distribution::cards_sheet::render_cards(
                &cards,
                &centre,
                haven_core::distribution::cards_sheet::CardsPerPage::Ten,
                Local::now().naive_local(),
                haven_core::print::Language::En,
            )?;
            last = (cards.len(), r.pages);
            Ok(())
        })?;
        let note = format!("{} cards read and drawn (QR, Code 128, both scripts), {} pages", last.0, last.1);
        bench.push(Row { name: "id_cards_500", n: last.0 as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    let packing = bench.wants("packing_list_2000");
    let after = bench.wants("after_the_day");
    if packing || after {
        let made: Option<String> = db.read(|c| {
            let mut stmt = c.prepare("SELECT id FROM stock_locations WHERE name = 'Bench desk'")?;
            let mut rows = stmt.query([])?;
            Ok(match rows.next()? {
                Some(r) => Some(r.get(0)?),
                None => None,
            })
        })?;
        let loc = match made {
            Some(id) => id,
            None => bench_location(db, &lead)?,
        };
        let held_on = Local::now().date_naive() + chrono::Days::new(33);
        let id = weekly_distribution(db, &lead, &loc, held_on)?;
        if packing {
            let mut last = (0, 0);
            let (p50, p95) = measure(5, || {
                let list =
                    db.read(|c| haven_core::distribution::packing::packing_list_some(c, &id, Some(2000)))?;
                last = (list.households.len(), list.totals.len());
                Ok(())
            })?;
            let note =
                format!("{} households' bags and {} item totals with the site's stock", last.0, last.1);
            bench.push(Row {
                name: "packing_list_2000",
                n: last.0 as u64,
                p50_ms: p50,
                p95_ms: p95,
                note,
            })?;
        }
        if after {
            // Nobody has collected from this distribution yet: every eligible household is on
            // the not-collected list with its phone looked up, the list's worst case.
            let mut last = 0;
            let (p50, p95) = measure(5, || {
                let day = db.read(|c| haven_core::distribution::after::after_the_day(c, &id))?;
                last = day.not_collected.len();
                Ok(())
            })?;
            let note = format!("{last} households not collected, each with a phone where consented");
            bench.push(Row { name: "after_the_day", n: last as u64, p50_ms: p50, p95_ms: p95, note })?;
        }
    }
    Ok(())
}

/// Adds `n` approved volunteers at `site` staying the whole of `week`. With `lapsed`, their DBS
/// checks are a mix of valid, expiring soon, expired and missing; without, all are current
/// (some expiring soon), so every one of them can go on the rota. Returns their ids.
fn add_volunteers(db: &Db, n: usize, site: &str, week: Week, lapsed: bool) -> anyhow::Result<Vec<String>> {
    let today = Local::now().date_naive();
    let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    Ok(db.write(|tx| {
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let details = VolunteerDetails {
                given_name: format!("Volunteer{i}"),
                family_name: ["Haddad", "Carter", "Dubois", "Osei", "Rahimi"][i % 5].into(),
                site: site.into(),
                arrival_on: week.monday.min(today) - Days::new(30),
                departure_on: Some(week.sunday().max(today) + Days::new(30)),
                ..VolunteerDetails::default()
            };
            let id = volunteers::create(tx, &lead, &details)?;
            volunteers::set_status(tx, &id, VolunteerStatus::Approved)?;
            let months = if lapsed { [6u32, 20, 35, 40][i % 4] } else { [6u32, 20, 35][i % 3] };
            if !lapsed || i % 10 != 9 {
                let input = NewDbsCheck {
                    volunteer: id.clone(),
                    level: DbsLevel::EnhancedBarred,
                    workforce: Workforce::Both,
                    barred_children: true,
                    barred_adults: true,
                    certificate_number: format!("{:012}", 100_000_000_000u64 + i as u64),
                    issued_on: today - Months::new(months),
                    update_service_id: None,
                    update_checked_on: None,
                    verified_on: None,
                };
                dbs::create(tx, &lead, &input, today)?;
            }
            ids.push(id);
        }
        Ok(ids)
    })?)
}

fn volunteers(bench: &mut Bench, db: &Db, dir: &std::path::Path) -> anyhow::Result<()> {
    let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    let week = Week::of(Local::now().date_naive());
    if bench.wants("roster_200_volunteers") {
        // A bench site of its own, so the demo's rota does not mix in.
        db.write(|tx| {
            haven_core::sites::create(
                tx,
                &haven_core::sites::SiteInput {
                    code: "RBN".into(),
                    name: "Roster bench".into(),
                    active: true,
                },
            )
        })?;
        let ids = add_volunteers(db, 200, "RBN", week, false)?;
        // 7 days x 4 shifts (not overlapping); every volunteer once in the week, where their
        // DBS allows (the rest leave gaps, as on a real rota).
        let times = [("08:00", "10:00"), ("10:00", "12:00"), ("13:00", "15:00"), ("15:00", "17:00")];
        let mut shifts = Vec::new();
        db.write(|tx| {
            for day in 1..=7 {
                for (k, (starts, ends)) in times.iter().enumerate() {
                    let input = NewShift {
                        site: "RBN".into(),
                        on_date: week.day(day),
                        starts_at: (*starts).into(),
                        ends_at: (*ends).into(),
                        role: ["Front desk", "Children's play", "Warehouse", "English lesson"][k].into(),
                        session: None,
                        child_facing: k == 1,
                        required_dbs: None,
                        needed: Some(8),
                    };
                    shifts.push(rota::create_shift(tx, &input)?);
                }
            }
            let mut placed = 0u64;
            for (i, v) in ids.iter().enumerate() {
                if rota::assign(tx, &lead, &shifts[i % shifts.len()], v).is_ok() {
                    placed += 1;
                }
            }
            Ok(placed)
        })?;
        let out = dir.join("roster.pdf");
        let input = json!({"week": week.label(), "site": "RBN", "path": out.to_str().unwrap_or_default()});
        let mut pages = 0;
        let (p50, p95) = measure(10, || {
            let printed = api::call(db, &lead, "print_roster", input.clone())?;
            pages = printed["pages"].as_u64().unwrap_or_default();
            Ok(())
        })?;
        let assigned: i64 = db.read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM shift_assignments a JOIN shifts s ON s.id = a.shift_id JOIN sites t ON t.id = s.site_id WHERE t.code = 'RBN'",
                [],
                |r| r.get(0),
            )?)
        })?;
        let note = format!(
            "print_roster: week grid, {assigned} names with DBS marks, {pages} page(s), written and audited"
        );
        bench.push(Row { name: "roster_200_volunteers", n: 200, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("dbs_status_5000") {
        let have: i64 = db.read(|c| Ok(c.query_row("SELECT count(*) FROM volunteers", [], |r| r.get(0))?))?;
        let more = 5000usize.saturating_sub(have as usize);
        add_volunteers(db, more, "BHM", week, true)?;
        let mut due = 0;
        let (p50, p95) = measure(10, || {
            let list = api::call(db, &lead, "dbs_due", serde_json::Value::Null)?;
            due = list.as_array().map_or(0, Vec::len);
            Ok(())
        })?;
        let note =
            format!("dbs_due: status of every volunteer today from their checks and the policy ({due} due)");
        bench.push(Row { name: "dbs_status_5000", n: 5000, p50_ms: p50, p95_ms: p95, note })?;
    }
    Ok(())
}

/// The front desk during a long import: a coordinator imports a file of up to 50,000 people
/// (in another connection, as another window or process would) while the desk searches and,
/// every tenth search, registers someone. Reports the desk's search and registration times
/// measured while the import ran, and how many failed (the target: none).
fn import_contention(bench: &mut Bench, path: &std::path::Path, people: usize) -> anyhow::Result<()> {
    if !bench.wants("search_during_import") && !bench.wants("register_during_import") {
        return Ok(());
    }
    let rows = people.clamp(1000, 50_000);
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("import.csv");
    let mut text = String::from("Given name,Family name,Date of birth,Sex,Site\n");
    for i in 0..rows {
        let site = ["CAL", "DUN", "BHM"][i % 3];
        text.push_str(&format!(
            "Imp{i},Fam{},{:02}/{:02}/{},F,{site}\n",
            i % 997,
            1 + i % 28,
            1 + i % 12,
            1950 + i % 60
        ));
    }
    std::fs::write(&file, text)?;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let importer = {
        let (path, done, file) = (path.to_path_buf(), done.clone(), file.display().to_string());
        std::thread::spawn(move || -> anyhow::Result<(f64, usize)> {
            let unlocked = keyring::unlock(&path, Some("helene"), BENCH_PASSPHRASE)?;
            let start = Instant::now();
            let out = api::call(&unlocked.db, &unlocked.session, "import_people", json!({"path": file}));
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            let imported = out?["imported"].as_u64().unwrap_or(0) as usize;
            Ok((start.elapsed().as_secs_f64(), imported))
        })
    };
    let desk = keyring::unlock(path, Some("tom"), BENCH_PASSPHRASE)?;
    let (mut searches, mut registrations) = (Vec::new(), Vec::new());
    let (mut search_failed, mut register_failed) = (0, 0);
    let mut i = 0;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        let query = json!({"text": TYPED[i % TYPED.len()], "limit": 50});
        let start = Instant::now();
        match api::call(&desk.db, &desk.session, "search_people", query) {
            Ok(_) => searches.push(start.elapsed().as_secs_f64() * 1000.0),
            Err(_) => search_failed += 1,
        }
        if i % 10 == 9 {
            let person =
                json!({"given_name": format!("Desk{i}"), "estimated_age": 30, "confirm_not_duplicate": true});
            let start = Instant::now();
            match api::call(&desk.db, &desk.session, "create_person", person) {
                Ok(_) => registrations.push(start.elapsed().as_secs_f64() * 1000.0),
                Err(_) => register_failed += 1,
            }
        }
        i += 1;
    }
    let (import_s, imported) =
        importer.join().map_err(|_| anyhow::anyhow!("the import thread panicked"))??;
    let quantiles = |mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        let at = |q: f64| t.get(((t.len().max(1) - 1) as f64 * q).round() as usize).copied().unwrap_or(0.0);
        (round(at(0.5)), round(at(0.95)))
    };
    let (n_search, n_register) = (searches.len(), registrations.len());
    if bench.wants("search_during_import") {
        let (p50, p95) = quantiles(searches);
        let note = format!(
            "front desk, another connection: {n_search} searches, {search_failed} failed, while {imported} people were imported in {import_s:.1} s"
        );
        bench.push(Row { name: "search_during_import", n: rows as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("register_during_import") {
        let (p50, p95) = quantiles(registrations);
        let note = format!(
            "front desk registrations during the same import: {n_register} done, {register_failed} failed"
        );
        bench.push(Row { name: "register_during_import", n: rows as u64, p50_ms: p50, p95_ms: p95, note })?;
    }
    Ok(())
}

/// Exchange between replicas: a replica's bundle of 10,000 new people (one seeding
/// transaction: people, households and their rows) written to an empty folder, and applied on
/// a copy of the centre taken before them (each sample on a fresh copy).
fn exchange(bench: &mut Bench, dir: &std::path::Path) -> anyhow::Result<()> {
    if !bench.wants("exchange_export_10k_changes") && !bench.wants("exchange_apply_10k_changes") {
        return Ok(());
    }
    let key = DbKey::generate();
    let source_path = dir.join("exchange-source").join("haven.db");
    let source = keyring::create(&source_path, &key)?;
    seed::seed_demo(&source, 0, 42)?;
    let lead = source.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    // The receiving replica, at Dunkirk: added to the centre before the copy is taken.
    let handover = haven_core::exchange::hand_over(&source, &lead, "DUN")?;
    source.conn()?.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    let before = dir.join("exchange-before.db");
    std::fs::copy(&source_path, &before)?;
    seed::seed_demo(&source, 10_000, 43)?;
    let rows = source.read(|c| {
        let mut n = 0usize;
        let mut stmt = c.prepare("SELECT changeset FROM exchange_outbox")?;
        let mut found = stmt.query([])?;
        while let Some(row) = found.next()? {
            let changeset: Vec<u8> = row.get(0)?;
            n += haven_core::db::capture::rows_of(&changeset)?.len();
        }
        Ok(n)
    })?;
    let mut round_no = 0;
    let mut bundle = (std::path::PathBuf::new(), 0u64);
    let (p50, p95) = measure(5, || {
        round_no += 1;
        let folder = dir.join(format!("exchange-out-{round_no}"));
        std::fs::create_dir_all(&folder)?;
        haven_core::exchange::exchange_folder(&source, &lead, &folder)?;
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "bundle") {
                bundle = (folder.clone(), std::fs::metadata(&path)?.len());
            }
        }
        Ok(())
    })?;
    if bench.wants("exchange_export_10k_changes") {
        let note = format!("bundle of 10,000 people ({rows} rows changed in all): {} bytes", bundle.1);
        bench.push(Row { name: "exchange_export_10k_changes", n: 10_000, p50_ms: p50, p95_ms: p95, note })?;
    }
    if bench.wants("exchange_apply_10k_changes") {
        let mut samples = Vec::new();
        for i in 0..3 {
            let target_path = dir.join(format!("exchange-target-{i}")).join("haven.db");
            std::fs::create_dir_all(target_path.parent().unwrap_or(dir))?;
            std::fs::copy(&before, &target_path)?;
            let target = Db::open_with_key(&target_path, &key)?;
            haven_core::exchange::take_over(&target, &handover)?;
            let start = Instant::now();
            let done = haven_core::exchange::exchange_folder(&target, &lead, &bundle.0)?;
            samples.push(start.elapsed().as_secs_f64() * 1000.0);
            if done.applied == 0 {
                anyhow::bail!("the exchange bench applied nothing: {done:?}");
            }
        }
        samples.sort_by(f64::total_cmp);
        let note =
            format!("the same bundle on a fresh copy each time; {rows} rows, name keys and index rebuilt");
        bench.push(Row {
            name: "exchange_apply_10k_changes",
            n: 10_000,
            p50_ms: round(samples[1]),
            p95_ms: round(samples[2]),
            note,
        })?;
    }
    Ok(())
}

/// What capture costs a registration: `create_person` with capture, against the same without.
fn capture_overhead(bench: &mut Bench, db: &Db) -> anyhow::Result<()> {
    if !bench.wants("capture_overhead") {
        return Ok(());
    }
    let lead = db.read(|c| users::first_lead(c).map(|u| users::session_for(&u)))?;
    let mut i: u64 = 1_000_000;
    let mut one = |db: &Db| -> anyhow::Result<()> {
        i += 1;
        let given: String = (0..8).map(|k| char::from(b'a' + ((i >> (k * 3)) % 26) as u8)).collect();
        let input = json!({"given_name": given, "family_name": "Overhead", "estimated_age": 30, "consent": true,
                           "confirm_not_duplicate": true});
        api::call(db, &lead, "create_person", input)?;
        Ok(())
    };
    // Alternate the two so that the machine's load falls on both alike.
    let (mut with, mut without) = (Vec::new(), Vec::new());
    for _ in 0..60 {
        let start = Instant::now();
        one(db)?;
        with.push(start.elapsed().as_secs_f64() * 1000.0);
        haven_core::db::capture::set_capture_off_for_bench(true);
        let start = Instant::now();
        let r = one(db);
        haven_core::db::capture::set_capture_off_for_bench(false);
        r?;
        without.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    with.sort_by(f64::total_cmp);
    without.sort_by(f64::total_cmp);
    let at = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    let (w50, o50) = (at(&with, 0.5), at(&without, 0.5));
    let note = format!(
        "create_person with capture; without: p50 {:.3} ms; capture adds {:.1} %",
        o50,
        (w50 / o50 - 1.0) * 100.0
    );
    bench.push(Row {
        name: "capture_overhead",
        n: 60,
        p50_ms: round(w50),
        p95_ms: round(at(&with, 0.95)),
        note,
    })
}
