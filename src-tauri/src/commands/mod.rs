//! Tauri commands: thin wrappers that take the state, call one core function and map the
//! error. The domain's functions are all reached through [`call`], which runs the core's API
//! (the same one `haven-cli call` uses), so the UI can do nothing a script cannot.

use haven_core::backup::RestoreDone;
use haven_core::setup::SetupInput;
use haven_core::Session;
use tauri::State;

use crate::error::IpcError;
use crate::state::{AppState, AppStatus, SetupDone};

/// Which screen to show first, and the demo hint.
#[tauri::command]
pub fn app_status(state: State<'_, AppState>) -> Result<AppStatus, IpcError> {
    Ok(state.status()?)
}

/// First run: creates the centre, signs the lead in and shows the recovery key once.
#[tauri::command(async)]
pub fn setup_centre(state: State<'_, AppState>, input: SetupInput) -> Result<SetupDone, IpcError> {
    Ok(state.setup(&input)?)
}

/// First run on a computer joining an existing centre: a join file, its one-time code, who
/// signs in here (none: the lead who made the file) and their passphrase on this computer.
#[tauri::command(async)]
pub fn join_centre(
    state: State<'_, AppState>,
    file: String,
    code: String,
    username: Option<String>,
    passphrase: String,
) -> Result<SetupDone, IpcError> {
    Ok(state.join(std::path::Path::new(file.trim()), &code, username.as_deref(), &passphrase)?)
}

/// Opens the database and signs a user in.
#[tauri::command(async)]
pub fn unlock(state: State<'_, AppState>, username: String, passphrase: String) -> Result<Session, IpcError> {
    Ok(state.unlock(&username, &passphrase)?)
}

/// Closes the database.
#[tauri::command]
pub fn lock(state: State<'_, AppState>) -> Result<(), IpcError> {
    Ok(state.lock()?)
}

/// Restores a backup over the database (a lead); Haven then locks: everyone signs in again.
#[tauri::command(async)]
pub fn restore_backup(state: State<'_, AppState>, path: String) -> Result<RestoreDone, IpcError> {
    Ok(state.restore(std::path::Path::new(path.trim()))?)
}

/// Runs one function of the core API as the signed-in user.
#[tauri::command(async)]
pub fn call(
    state: State<'_, AppState>,
    name: String,
    input: Option<serde_json::Value>,
) -> Result<serde_json::Value, IpcError> {
    Ok(state.call(&name, input.unwrap_or_default())?)
}
