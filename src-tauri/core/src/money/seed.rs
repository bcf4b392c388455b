//! The demo's money: filled in below.
