//! The error that crosses IPC: `{ "kind": "...", "message": "..." }` (plus `field` for
//! validation errors, and for `confirm` the input flag that confirms), the same shape the CLI
//! prints. Commands return `Result<T, IpcError>`.

use haven_core::{Error, ErrorPayload};
use serde::Serialize;

/// A core error on its way to the UI.
#[derive(Debug, Serialize)]
#[serde(transparent)]
pub struct IpcError(ErrorPayload);

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        IpcError(e.to_payload())
    }
}

impl IpcError {
    /// The payload sent to the UI.
    pub fn payload(&self) -> &ErrorPayload {
        &self.0
    }
}
