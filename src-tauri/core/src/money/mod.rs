//! The centre's money: funds, money in (donations, grants, other income) with a small list of
//! donors for Gift Aid, money out (payments, some paying for a stock purchase or an expense
//! claim), transfers between funds, expense claims with mileage at HMRC's rates, and the reports
//! a donor or a trustee reads.
//!
//! Every amount is an integer of pence or cents. An amount in euros keeps the rate used (pounds
//! per euro, read from the text typed and held in millionths, never as a float) and its
//! equivalent in pence, which is what every balance and report adds up.
//!
//! The fund rules (UK charity law: money given for a stated purpose may only be spent on it):
//! - the **general fund** is unrestricted: any payment may be charged to it;
//! - a **restricted fund** lists the spending categories its purpose allows; a payment charged
//!   to it in another category is refused with a message naming the fund (a stock purchase and
//!   a paid claim follow the same rule);
//! - money moves between funds only by a **transfer**, which a lead records with a reason.
//!
//! A fund's balance on a day is its opening balance, plus the money in, minus the money out,
//! plus the transfers in, minus the transfers out, up to that day ([`funds::balances`]).
//!
//! Roles are checked by the API: leads do everything here; coordinators record donors,
//! donations and payments and submit their own claims; the front desk sees nothing of money.

pub mod claims;
pub mod funds;
pub mod income;
pub mod payments;
pub mod report;
pub mod seed;
pub mod sheet;
pub mod transfers;

pub use claims::{approve_claim, list_claims, mileage_pence, pay_claim, submit_claim, tax_year_of};
pub use claims::{Claim, ClaimInput, ClaimItem, ClaimItemInput, ClaimItemKind, ClaimStatus};
pub use funds::{balances, get_fund, list_funds, save_fund, Fund, FundBalance, FundInput, GENERAL_FUND};
pub use income::{
    list_donors, list_income, record_income, save_donor, Donor, DonorInput, Income, IncomeInput,
};
pub use income::{IncomeKind, Method};
pub use payments::{list_payments, pay_for_receipt, record_payment, Payment, PaymentInput, ReceiptPayment};
pub use transfers::{list_transfers, transfer, Transfer, TransferInput};

use serde::{Deserialize, Serialize};

use crate::fields::text_enum;
use crate::{Error, Result};

/// The most one amount may be, in pence or cents (£10 million): far beyond anything the centre
/// sees, and far from what a 64-bit sum of a lifetime of rows could overflow.
pub const MAX_AMOUNT: i64 = 1_000_000_000;

/// The currencies the centre handles: pounds in Birmingham, euros in Calais and Dunkirk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Currency {
    /// Pounds sterling (amounts in pence).
    #[default]
    #[serde(rename = "GBP")]
    Gbp,
    /// Euros (amounts in cents), with the rate used.
    #[serde(rename = "EUR")]
    Eur,
}
text_enum!(Currency, Gbp => "GBP", Eur => "EUR");

/// What money is spent on: the categories a restricted fund allows and the lines of the reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SpendCategory {
    /// Baby milk, nappies, wipes.
    Baby,
    /// Food and protein.
    Food,
    /// Hygiene and sanitary products.
    Hygiene,
    /// Clothing.
    Clothing,
    /// Phones and credit.
    Phone,
    /// Travel: ferries, tunnel, trains, fuel, mileage.
    Travel,
    /// Rent, storage, the bus's upkeep.
    Premises,
    /// Equipment.
    Equipment,
    /// Anything else.
    Other,
}
text_enum!(SpendCategory, Baby => "baby", Food => "food", Hygiene => "hygiene", Clothing => "clothing",
    Phone => "phone", Travel => "travel", Premises => "premises", Equipment => "equipment", Other => "other");

impl SpendCategory {
    /// Every category, in report order.
    pub const ALL: [SpendCategory; 9] = [
        SpendCategory::Baby,
        SpendCategory::Food,
        SpendCategory::Hygiene,
        SpendCategory::Clothing,
        SpendCategory::Phone,
        SpendCategory::Travel,
        SpendCategory::Premises,
        SpendCategory::Equipment,
        SpendCategory::Other,
    ];

    /// The category as a line of a printed or exported report.
    pub fn label(self) -> &'static str {
        match self {
            SpendCategory::Baby => "Baby milk, nappies and baby care",
            SpendCategory::Food => "Food and protein",
            SpendCategory::Hygiene => "Hygiene",
            SpendCategory::Clothing => "Clothing",
            SpendCategory::Phone => "Phones",
            SpendCategory::Travel => "Travel",
            SpendCategory::Premises => "Premises and the bus",
            SpendCategory::Equipment => "Equipment",
            SpendCategory::Other => "Other costs",
        }
    }

    /// The spending category of a stock purchase of an item of `category`.
    pub fn of_stock(category: crate::stock::Category) -> SpendCategory {
        use crate::stock::Category;
        match category {
            Category::Baby => SpendCategory::Baby,
            Category::Food => SpendCategory::Food,
            Category::Hygiene => SpendCategory::Hygiene,
            Category::Clothing => SpendCategory::Clothing,
            Category::Phone => SpendCategory::Phone,
            Category::Other => SpendCategory::Other,
        }
    }
}

/// An amount as typed: pence or cents, the currency, and for euros the rate used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Converted {
    /// The amount in its own currency's minor unit.
    pub amount: i64,
    /// Its currency.
    pub currency: Currency,
    /// Pounds per euro in millionths (euros only).
    pub rate_ppm: Option<i64>,
    /// The amount in pence.
    pub gbp_pence: i64,
}

/// Checks an amount (more than 0, at most [`MAX_AMOUNT`]) and converts it to pence: a euro
/// amount needs the rate used (pounds per euro, like `0.8561`), a pound amount takes none.
pub fn convert(field: &str, amount: i64, currency: Currency, rate: Option<&str>) -> Result<Converted> {
    check_amount(field, amount)?;
    let rate = rate.map(str::trim).filter(|r| !r.is_empty());
    match currency {
        Currency::Gbp => {
            if rate.is_some() {
                return Err(Error::at("rate", crate::Code::MoneyRateNotForPounds, serde_json::json!({})));
            }
            Ok(Converted { amount, currency, rate_ppm: None, gbp_pence: amount })
        }
        Currency::Eur => {
            let Some(rate) = rate else {
                return Err(Error::at("rate", crate::Code::MoneyRateMissing, serde_json::json!({})));
            };
            let ppm = parse_rate(rate)?;
            // Rounded to the nearest penny; i128 so no product can overflow.
            let gbp = (i128::from(amount) * i128::from(ppm) + 500_000) / 1_000_000;
            let gbp_pence = i64::try_from(gbp)
                .map_err(|_| Error::at(field, crate::Code::MoneyAmountTooLarge, serde_json::json!({})))?;
            Ok(Converted { amount, currency, rate_ppm: Some(ppm), gbp_pence })
        }
    }
}

/// Refuses an amount that is not more than 0 or is past [`MAX_AMOUNT`].
pub fn check_amount(field: &str, amount: i64) -> Result<i64> {
    if amount <= 0 {
        return Err(Error::at(field, crate::Code::MoneyAmountNotPositive, serde_json::json!({})));
    }
    if amount > MAX_AMOUNT {
        return Err(Error::at(field, crate::Code::MoneyAmountOverLimit, serde_json::json!({})));
    }
    Ok(amount)
}

/// Reads a rate typed as a decimal (`0.8561`, up to six decimals, more than 0 and under 10)
/// into millionths, without going through a float.
pub fn parse_rate(text: &str) -> Result<i64> {
    let bad =
        || Error::at("rate", crate::Code::MoneyRateInvalid, serde_json::json!({"text": text.to_string()}));
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 6
        || whole.len() > 1
        || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
    let frac_ppm: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().map_err(|_| bad())? };
    let ppm = whole * 1_000_000 + frac_ppm;
    if ppm == 0 {
        return Err(bad());
    }
    Ok(ppm)
}

/// Pence as pounds with two decimals (`1234` → `12.34`), for exports and sheets.
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let p = pence.unsigned_abs();
    format!("{sign}{}.{:02}", p / 100, p % 100)
}

/// A rate held in millionths as the decimal it was typed as (`856100` → `0.8561`).
pub fn rate_text(ppm: i64) -> String {
    let s = format!("{}.{:06}", ppm / 1_000_000, ppm % 1_000_000);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_are_converted_with_the_rate_typed_and_rounded_to_the_penny() -> Result<()> {
        let c = convert("amount", 10_000, Currency::Eur, Some("0.8561"))?;
        assert_eq!((c.rate_ppm, c.gbp_pence), (Some(856_100), 8_561));
        assert_eq!(convert("amount", 3, Currency::Eur, Some("0.5"))?.gbp_pence, 2, "1.5p rounds up");
        assert!(convert("amount", 100, Currency::Eur, None).is_err(), "a euro amount needs its rate");
        assert!(convert("amount", 100, Currency::Gbp, Some("1.1")).is_err());
        assert!(convert("amount", -5, Currency::Gbp, None).is_err());
        for bad in ["", ".", "abc", "0", "12.5", "0.1234567", "-0.5", "1e3"] {
            assert!(parse_rate(bad).is_err(), "{bad} is no rate");
        }
        assert_eq!(rate_text(856_100), "0.8561");
        assert_eq!(pounds(-1205), "-12.05");
        Ok(())
    }
}
