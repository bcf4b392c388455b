//! # haven-core
//!
//! Everything Haven knows and does, without a window: the encrypted store, the domain (sites,
//! users and access, the case book, stock, the weekly distribution, volunteers and the rota,
//! activities), the one API surface that the app and the CLI call, demo data, and printing.
//!
//! Layers, lowest first: `error`, `fields` (checks every area uses), `db`, `settings`, `sites`,
//! `access`; then the areas, each calling only areas below it (`cases`, `stock`,
//! `distribution`; `money`, above `stock`; `volunteers`, `activities`, then `rota`, whose shifts follow activity
//! sessions); `privacy`, `backup`, `setup`, `seed` and `dashboard` above them; and `api` on top.
//! `exchange` (replicas, their keys, sealed bundles, joining) sits above `setup`, below `api`.
//! `print` knows no area: each area builds its sheets as plain data. `tests/layers.rs` fails on
//! any import circle between files or between these modules.
//!
//! This crate never depends on Tauri: it is tested headless and reused by `haven-cli`.

pub mod access;
pub mod activities;
pub mod api;
pub mod backup;
pub mod cases;
pub mod dashboard;
pub mod db;
pub mod distribution;
pub mod durable;
mod error;
pub mod exchange;
pub mod fields;
pub mod money;
pub mod print;
pub mod privacy;
pub mod rota;
pub mod seed;
pub mod settings;
pub mod setup;
pub mod sites;
pub mod stock;
pub mod volunteers;

use std::path::PathBuf;

pub use access::{Role, Session};
pub use db::{db_path, with_tx, Db, DbKey, LostCommits, DB_FILE_NAME};
pub use error::{
    fill, Code, Coded, Error, ErrorKind, ErrorPayload, Params, Problem, Problems, Result, Warning,
};

/// The app's identifier: the name of its folder in the OS app-data directory. Must match
/// `identifier` in `tauri.conf.json`.
pub const APP_IDENTIFIER: &str = "org.haven-centre.haven";

/// Name of the demo database's folder inside the data directory.
pub const DEMO_DIR_NAME: &str = "demo";

/// A new record id: UUIDv7, time-ordered and unique across sites.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The OS app-data folder for Haven (`%APPDATA%\org.haven-centre.haven` on Windows,
/// `~/.local/share/org.haven-centre.haven` on Linux): the same folder the app uses, so the CLI
/// and the app open the same `haven.db` by default.
pub fn default_data_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join(APP_IDENTIFIER))
        .ok_or_else(|| Error::new(crate::Code::DatabaseNoAppDataFolder, serde_json::json!({})))
}

/// The data directory in use: `--data-dir` if given, else `HAVEN_DATA_DIR`, else the OS default.
pub fn resolve_data_dir(flag: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = flag {
        return Ok(dir);
    }
    match std::env::var_os("HAVEN_DATA_DIR") {
        Some(dir) if !dir.is_empty() => Ok(PathBuf::from(dir)),
        _ => default_data_dir(),
    }
}
