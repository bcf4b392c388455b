//! Stock: the catalogue, locations, the ledger of movements and the balances derived from it,
//! batches with expiry dates, and stock-takes.
//!
//! Every change is a row in `stock_movements` (append-only). `stock_balances` holds one row per
//! (location, item, variant, batch) and is kept equal to the ledger's sum by a trigger in the
//! same transaction, so balances are read without summing the ledger. Before any movement that
//! takes stock away, [`post`] checks the balance inside the caller's write transaction (which is
//! IMMEDIATE, so no other writer can take the same stock in between) and refuses with a message
//! naming the item, the location and the quantity available.
//!
//! Across sites: a transfer to another site's location is in transit until that site confirms
//! it ([`transit`]), and a balance an exchange took below zero (two computers of one site
//! giving out the same stock between exchanges) is shown as empty and listed as a
//! [`Shortfall`] until a stock-take settles it.

mod catalogue;
pub mod export;
mod ledger;
mod locations;
mod movements;
pub mod report;
pub mod seed;
pub mod take;
pub mod transit;

pub use catalogue::{check_variant, get_item, list_items, save_item, Item, ItemInput};
pub use ledger::{
    balance_of, balance_rows, balances, draw, item_label, ledger_sums, lots, not_enough, post, shortfalls,
    Balance, BalanceKey, Lot, Movement, Shortfall,
};
pub use locations::{
    get_location, list_locations, save_location, set_threshold, thresholds, Location, LocationInput,
    Threshold,
};
pub use movements::{
    adjust, receipt_warnings, receive, transfer, AdjustmentInput, ReceiptInput, TransferInput,
};

use serde::{Deserialize, Serialize};

/// Categories of the catalogue.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Baby milk, nappies, wipes.
    Baby,
    /// Protein packs, food parcels.
    Food,
    /// Soap, sanitary pads, toothbrushes.
    Hygiene,
    /// Clothing and clothing vouchers.
    Clothing,
    /// Phones for minors.
    Phone,
    /// Anything else.
    Other,
}

/// How the size of an item is chosen for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariantBy {
    /// The person's nappy size (guessed from the age when not recorded).
    NappySize,
    /// The person's age in years, matched against variants like `2-4`.
    AgeYears,
}

/// Kinds of movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Stock in: a donation or a purchase.
    Receipt,
    /// Given out at a distribution.
    Distribution,
    /// Moved between locations (two rows: out and in).
    Transfer,
    /// Damaged, expired, lost or found.
    Adjustment,
    /// Correction from a stock-take.
    Stocktake,
    /// Undoing an earlier movement (a reversed collection).
    Reversal,
}

/// Reasons of receipts and adjustments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Donated in kind (receipt).
    Donation,
    /// Bought (receipt).
    Purchase,
    /// Damaged (adjustment out).
    Damaged,
    /// Past its date (adjustment out).
    Expired,
    /// Lost (adjustment out).
    Lost,
    /// Found (adjustment in).
    Found,
}

macro_rules! sql_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$v => $s),* }
            }
            /// Parses the stored name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(Self::$v),)* _ => None }
            }
        }
        impl rusqlite::types::FromSql for $t {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                let s = v.as_str()?;
                Self::parse(s).ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown value {s}").into()))
            }
        }
    };
}

sql_enum!(Category { Baby => "baby", Food => "food", Hygiene => "hygiene", Clothing => "clothing", Phone => "phone", Other => "other" });

impl Category {
    /// The category as a heading in an exported report ("Baby", "Hygiene"); the window shows
    /// its own words for it in the user's language.
    pub fn label(self) -> &'static str {
        match self {
            Category::Baby => "Baby",
            Category::Food => "Food",
            Category::Hygiene => "Hygiene",
            Category::Clothing => "Clothing",
            Category::Phone => "Phone",
            Category::Other => "Other",
        }
    }
}
sql_enum!(VariantBy { NappySize => "nappy_size", AgeYears => "age_years" });
sql_enum!(MoveKind { Receipt => "receipt", Distribution => "distribution", Transfer => "transfer", Adjustment => "adjustment", Stocktake => "stocktake", Reversal => "reversal" });
sql_enum!(Reason { Donation => "donation", Purchase => "purchase", Damaged => "damaged", Expired => "expired", Lost => "lost", Found => "found" });
