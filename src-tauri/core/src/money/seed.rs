//! The demo's money: a year of it. Three restricted funds (the baby-milk appeal, mothers and
//! babies, the lead's travel) beside the general fund; a small list of donors, most with a Gift
//! Aid declaration; weekly gifts (euros in cash at Calais, pounds online), a quarterly grant,
//! the odd bake sale; rent, phone credit and baby milk paid each month; the demo stock's
//! purchases paid through their receipts; and the lead's monthly Calais–Birmingham trips,
//! approved by the other lead and paid from the travel fund, the latest still waiting.

use chrono::{Days, NaiveDate};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

use super::claims::{approve_claim, pay_claim, submit_claim, ClaimInput, ClaimItemInput, ClaimItemKind};
use super::funds::{save_fund, FundInput, GENERAL_FUND};
use super::income::{record_income, save_donor, DonorInput, IncomeInput, IncomeKind, Method};
use super::payments::{pay_for_receipt, record_payment, PaymentInput, ReceiptPayment};
use super::transfers::{transfer, TransferInput};
use super::{Currency, SpendCategory};
use crate::access::users;
use crate::Result;

/// The demo's baby-milk appeal.
pub const MILK_FUND: &str = "Baby milk and protein";
/// The demo's fund for mothers and babies.
pub const MOTHERS_FUND: &str = "Mothers and babies";
/// The demo's fund for the lead's travel.
pub const TRAVEL_FUND: &str = "Lead's travel";

const DONORS: &[(&str, &str, &str)] = &[
    ("Margaret Ellis", "14", "B13 8JP"),
    ("David Okoro", "Rose Cottage", "CV8 1HG"),
    ("Fiona Grant", "3", "B17 9QT"),
    ("Imran Chaudhry", "221", "B11 4AA"),
    ("Claire Dubois", "7", "CT20 1RL"),
    ("Peter Walsh", "48", "B30 2NP"),
    ("Hannah Reid", "The Old Forge", "WR11 7LS"),
    ("Samuel Adeyemi", "9", "B5 7RD"),
    ("Lucy Marsh", "102", "B29 6HH"),
    ("Tomasz Nowak", "16", "B23 5XT"),
    ("Aisha Rahman", "5", "B10 0BS"),
    ("Gareth Hughes", "31", "CF10 3AT"),
];

/// Whether the money was seeded already.
pub fn seeded(conn: &Connection) -> Result<bool> {
    Ok(conn
        .query_row("SELECT count(*) FROM money_funds WHERE name = ?1", [MILK_FUND], |r| r.get::<_, i64>(0))?
        > 0)
}

/// Adds a year of money up to `today`, the same for the same `seed`.
pub fn seed(conn: &Connection, seed: u64, today: NaiveDate) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6d6f_6e65);
    let lead = users::session_for(&users::first_lead(conn)?);
    let other = users::find_by_username(conn, "amira")?.map(|u| users::session_for(&u));
    let day = |n: u64| today.checked_sub_days(Days::new(n)).unwrap_or(today);
    let start = day(364);
    let fund = |name: &str, purpose: &str, categories: Vec<SpendCategory>, opening: i64| FundInput {
        id: None,
        name: name.into(),
        restricted: true,
        purpose: purpose.into(),
        categories,
        opening_pence: opening,
        opened_on: Some(start),
        active: true,
    };
    use SpendCategory::*;
    let milk = save_fund(
        conn,
        &fund(
            MILK_FUND,
            "Fresh baby milk and good-quality protein for kids and their mums",
            vec![Baby, Food],
            0,
        ),
        today,
    )?
    .id;
    let mothers = save_fund(
        conn,
        &fund(
            MOTHERS_FUND,
            "Nappies, clothing and care for new and pregnant mothers",
            vec![Baby, Hygiene, Clothing],
            40_000,
        ),
        today,
    )?
    .id;
    let travel = save_fund(
        conn,
        &fund(TRAVEL_FUND, "The lead's travelling costs between Calais and the UK", vec![Travel], 0),
        today,
    )?
    .id;
    save_fund(
        conn,
        &FundInput {
            id: Some(GENERAL_FUND.into()),
            name: "General fund".into(),
            restricted: false,
            purpose: "Whatever the centre needs most".into(),
            categories: Vec::new(),
            opening_pence: 125_000,
            opened_on: Some(start),
            active: true,
        },
        today,
    )?;
    let mut donors = Vec::new();
    for (i, (name, house, postcode)) in DONORS.iter().enumerate() {
        // Two in three gave a Gift Aid declaration (which needs the house and postcode).
        let declared = i % 3 != 2;
        let d = save_donor(
            conn,
            &DonorInput {
                id: None,
                name: (*name).into(),
                house: if declared { (*house).into() } else { String::new() },
                postcode: if declared { (*postcode).into() } else { String::new() },
                thank: i % 4 != 3,
            },
        )?;
        donors.push((d.id, declared));
    }
    let income = |fund: &str, kind: IncomeKind, on: NaiveDate, amount: i64| IncomeInput {
        kind,
        fund: Some(fund.into()),
        donor: None,
        source: String::new(),
        received_on: Some(on),
        amount,
        currency: Currency::Gbp,
        rate: None,
        method: Method::Online,
        gift_aid: false,
        declared_on: None,
        site: None,
        note: String::new(),
    };
    let payment =
        |fund: &str, category: SpendCategory, on: NaiveDate, payee: &str, amount: i64| PaymentInput {
            paid_on: Some(on),
            payee: payee.into(),
            amount,
            currency: Currency::Gbp,
            rate: None,
            fund: Some(fund.into()),
            category,
            site: None,
            receipt_ref: String::new(),
            receipt_path: None,
            approved_by: String::new(),
            note: String::new(),
        };
    let nowhere = std::path::Path::new("");
    // Weekly gifts: named donors online (Gift Aid where declared) and cash in euros at Calais.
    for week in 0..52u64 {
        let on = day(364 - week * 7);
        for _ in 0..rng.random_range(2..6) {
            let (donor, declared) = donors.choose(&mut rng).cloned().unwrap_or_default();
            let to = if rng.random_bool(0.45) { milk.as_str() } else { GENERAL_FUND };
            let mut gift = income(to, IncomeKind::Donation, on, rng.random_range(2..40) * 500);
            gift.donor = Some(donor);
            gift.gift_aid = declared;
            gift.declared_on = declared.then_some(start);
            record_income(conn, &lead, &gift, today)?;
        }
        let mut cash = income(GENERAL_FUND, IncomeKind::Donation, on, rng.random_range(20..120) * 100);
        cash.currency = Currency::Eur;
        cash.rate = Some(format!("0.{}", rng.random_range(8400..8700)));
        cash.method = Method::Cash;
        cash.site = Some("CAL".into());
        record_income(conn, &lead, &cash, today)?;
    }
    // The baby-milk appeal's online page pays out each month.
    for month in 0..12u64 {
        let mut appeal =
            income(&milk, IncomeKind::Donation, day(345 - month * 30), rng.random_range(300..600) * 100);
        appeal.source = "Baby milk appeal (online giving page)".into();
        record_income(conn, &lead, &appeal, today)?;
    }
    // A grant each quarter, and a bake sale twice a year.
    for q in 0..4u64 {
        let mut grant = income(&mothers, IncomeKind::Grant, day(350 - q * 91), 250_000);
        grant.source = "Birmingham Community Foundation".into();
        grant.method = Method::Bank;
        record_income(conn, &lead, &grant, today)?;
    }
    for on in [day(300), day(120)] {
        let mut sale = income(GENERAL_FUND, IncomeKind::Other, on, rng.random_range(150..400) * 100);
        sale.source = "Bake sale".into();
        sale.method = Method::Cash;
        record_income(conn, &lead, &sale, today)?;
    }
    // The travel fund's own appeal, and a top-up from the general fund.
    record_income(conn, &lead, &income(&travel, IncomeKind::Donation, day(360), 300_000), today)?;
    transfer(
        conn,
        &lead,
        &TransferInput {
            from: GENERAL_FUND.into(),
            to: travel.clone(),
            amount: 60_000,
            reason: "The trustees agreed to top up the travel fund for the winter trips".into(),
            moved_on: Some(day(150)),
        },
        today,
    )?;
    // Each month: rent of the Calais store (euros), phone credit, baby milk and nappies.
    for month in 0..12u64 {
        let on = day(350 - month * 30);
        let mut rent = payment(GENERAL_FUND, Premises, on, "SCI Entrepôt du Port", 45_000);
        rent.currency = Currency::Eur;
        rent.rate = Some("0.85".into());
        rent.receipt_ref = format!("LOYER-{:02}", month + 1);
        record_payment(conn, &lead, &rent, nowhere, today)?;
        record_payment(
            conn,
            &lead,
            &payment(GENERAL_FUND, Phone, on, "Lebara", rng.random_range(40..90) * 100),
            nowhere,
            today,
        )?;
        let milk_buy = payment(&milk, Baby, on, "Pharmacie du Centre", rng.random_range(150..300) * 100);
        record_payment(conn, &lead, &milk_buy, nowhere, today)?;
        let care = payment(&mothers, Hygiene, on, "Boots", rng.random_range(50..150) * 100);
        record_payment(conn, &lead, &care, nowhere, today)?;
    }
    // The demo stock's purchases, paid through their receipts: baby milk from the appeal,
    // nappies and other baby things from the mothers' fund, the rest from the general fund.
    let mut st = conn.prepare(
        "SELECT m.id, CASE WHEN i.name = 'Baby milk' THEN 'milk' ELSE i.category END
         FROM stock_movements m JOIN stock_items i ON i.id = m.item_id
         WHERE m.kind = 'receipt' AND m.reason = 'purchase'
           AND NOT EXISTS (SELECT 1 FROM money_payments p WHERE p.stock_movement_id = m.id)
         ORDER BY m.moved_on, m.id",
    )?;
    let purchases = st
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (movement, category) in purchases {
        let fund = match category.as_str() {
            "milk" => Some(milk.as_str()),
            "baby" => Some(mothers.as_str()),
            _ => None,
        };
        pay_for_receipt(conn, &lead, &ReceiptPayment { movement_id: &movement, fund, category: None })?;
    }
    // The lead's monthly trips: tunnel and mileage, approved by the other lead and paid from the
    // travel fund; the latest waits for approval.
    for month in 0..12u64 {
        let on = day(340 - month * 30);
        let claim = ClaimInput {
            claimed_on: Some(on),
            from: "Calais".into(),
            to: "Birmingham".into(),
            purpose: "Monthly trip to the Birmingham office".into(),
            miles: 380,
            items: vec![ClaimItemInput {
                kind: ClaimItemKind::Tunnel,
                amount: rng.random_range(9_000..14_000),
                currency: Currency::Eur,
                rate: Some("0.855".into()),
                receipt_ref: format!("LS-{:05}", rng.random_range(10_000..99_999)),
            }],
        };
        let id = submit_claim(conn, &lead, &claim, today)?;
        if let (Some(other), true) = (&other, month < 11) {
            approve_claim(conn, other, &id)?;
            pay_claim(conn, other, &id, Some(&travel), on)?;
        }
    }
    Ok(())
}
