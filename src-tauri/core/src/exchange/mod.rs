//! Exchange between the replicas of a centre: each Haven install is one replica, belongs to one
//! site and holds the whole centre's data; replicas pass each other change bundles through any
//! folder both can reach.
//!
//! Rooms: `bundle` (the header every bundle carries), `seal` (a bundle's encryption under the
//! centre's exchange key and its origin's Ed25519 signature, and every refusal of a bundle),
//! `replicas` (this replica's keys in LOCAL tables, the replicated directory of replicas,
//! removing a lost one, and the per-origin chain of accepted bundles), `join` (a lead's join
//! file under a one-time code, and a fresh data folder joining the centre with it).
//!
//! LOCAL tables never leave the replica: they are not captured, not put in a bundle, and are
//! emptied in the snapshot a join file carries ([`replicas::LOCAL_TABLES`]).
//!
//! Writing a bundle: [`replicas::next_header`] for its header, [`replicas::seal_keys`] and
//! [`seal::seal`] for the file, then [`replicas::note_bundle`] with [`seal::file_hash`] in the
//! transaction that records it as written. Reading one: [`replicas::directory`] and
//! [`seal::open`] (or [`seal::open_signed`] and [`seal::standing`] to sort a folder's bundles
//! first), then [`replicas::note_bundle`] in the transaction that applies it, so that a bundle
//! is accepted exactly when its changes land.

pub mod bundle;
pub mod join;
pub mod replicas;
pub mod seal;

pub use bundle::BundleHeader;
pub use join::{invite, join, Invite, Joined};
pub use replicas::{Directory, Replica, SealKeys};
pub use seal::{open, seal};
