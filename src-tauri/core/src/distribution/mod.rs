//! The weekly distribution: allowance rules, distribution events, who is eligible and what each
//! household gets, the sign-up sheet, and collections at the desk.
//!
//! A "household" here is a household of the case book, or a person registered on their own.
//! Allowances are computed from the people's current flags and ages, the rules of the
//! distribution's type, and what each person or household already collected (intervals and
//! "once" items). A collection writes distribution movements first-expiry-first-out in one
//! transaction; a household collects once per event; a mistaken collection is reversed by new
//! movements, never by editing or deleting.

pub mod after;
mod allowance;
pub mod cards;
pub mod cards_sheet;
mod collections;
mod desk;
mod events;
pub mod labels_sheet;
pub mod packing;
pub mod packing_sheet;
mod plan;
pub mod rules;
pub mod seed;
pub mod sheet;
pub mod undo;

pub use allowance::{
    allowance, compact, item, nappy_size, nappy_sizes, set_nappy_size, unit_of, units_of_site, variant_for,
    AllowanceLine, Context, Member, Unit,
};
pub use collections::{
    collect, collection, collections, counters, reverse, CollectInput, Collection, Counters, Given, Remaining,
};
pub use desk::{desk_candidates, find_person, find_person_at, DeskCandidate, DeskLookup, DESK_CANDIDATES};
pub use events::{create, get, list, set_status, Distribution, NewDistribution};
pub use plan::{plan, plan_some, Need, Plan, PlanRow, SheetSort};
