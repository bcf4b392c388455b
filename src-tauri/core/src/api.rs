//! The one API surface of Haven.
//!
//! The Tauri commands and `haven-cli call` both reach the domain through [`call`] and nothing
//! else. [`FUNCTIONS`] is the permission table: every function with the lowest role allowed to
//! call it. The role is checked here, once, before the function runs, so no caller can forget
//! it; functions that show different fields to different roles check again inside.
//!
//! Each function takes the caller's [`Session`] and a typed input (deserialised from JSON, unknown
//! fields refused), writes the audit log in the same transaction as its changes, and returns a
//! typed output (serialised to JSON). Later areas add rows to [`FUNCTIONS`].

use chrono::{Local, NaiveDate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::access::audit::{self, AuditEntry, AuditQuery};
use crate::access::users::{self, NewUser, User};
use crate::access::{Role, Session};
use crate::dashboard::{self, DashboardCounts};
use crate::settings::{self, CentreSettings};
use crate::sites::{self, Site, SiteInput, SiteUpdate};
use crate::{Db, Error, Result};

/// Input of functions that take none: `{}` (or nothing at all from the CLI).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoInput {}

/// One function of the API, as listed by `haven-cli commands`.
pub struct ApiFunction {
    /// The name callers use (`dashboard_counts`).
    pub name: &'static str,
    /// The lowest role allowed to call it.
    pub min_role: Role,
    /// Whether it changes data.
    pub writes: bool,
    /// One line on what it does.
    pub summary: &'static str,
    input_schema: fn() -> schemars::Schema,
    run: fn(&Db, &Session, Value) -> Result<Value>,
}

impl std::fmt::Debug for ApiFunction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiFunction").field("name", &self.name).field("min_role", &self.min_role).finish()
    }
}

/// A function's description for `commands --json` and the UI.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FunctionInfo {
    /// Name to call.
    pub name: &'static str,
    /// Lowest role allowed.
    pub min_role: Role,
    /// Whether it changes data.
    pub writes: bool,
    /// What it does.
    pub summary: &'static str,
    /// JSON Schema of its input.
    pub input: Value,
}

impl ApiFunction {
    /// The function's description, with the JSON Schema of its input.
    pub fn info(&self) -> FunctionInfo {
        FunctionInfo {
            name: self.name,
            min_role: self.min_role,
            writes: self.writes,
            summary: self.summary,
            input: serde_json::to_value((self.input_schema)()).unwrap_or(Value::Null),
        }
    }
}

type Handler<I, O> = fn(&Db, &Session, I) -> Result<O>;

fn run<I: DeserializeOwned, O: Serialize>(
    db: &Db,
    s: &Session,
    input: Value,
    f: Handler<I, O>,
) -> Result<Value> {
    let input = if input.is_null() { Value::Object(Default::default()) } else { input };
    let input: I = serde_json::from_value(input)
        .map_err(|e| Error::validation(format!("The input is not right: {e}.")))?;
    let out = f(db, s, input)?;
    serde_json::to_value(out).map_err(|e| Error::Internal(format!("Could not encode the result: {e}")))
}

fn schema_of<I: schemars::JsonSchema, O>(_: Handler<I, O>) -> schemars::Schema {
    schemars::schema_for!(I)
}

macro_rules! function {
    ($name:ident, $role:ident, $writes:expr, $summary:literal) => {
        ApiFunction {
            name: stringify!($name),
            min_role: Role::$role,
            writes: $writes,
            summary: $summary,
            input_schema: || schema_of($name as Handler<_, _>),
            run: |db, s, v| run(db, s, v, $name),
        }
    };
}

const READ: bool = false;
const WRITE: bool = true;

/// Every API function and the lowest role that may call it: the permission table.
pub static FUNCTIONS: &[ApiFunction] = &[
    function!(session_info, FrontDesk, READ, "Who is signed in, the centre's name and its sites."),
    function!(
        dashboard_counts,
        FrontDesk,
        READ,
        "Counts of people, households, children and more, per site."
    ),
    function!(list_sites, FrontDesk, READ, "Every site of the centre."),
    function!(create_site, Lead, WRITE, "Add a site (code and name)."),
    function!(update_site, Lead, WRITE, "Change a site's code, name or whether it is in use."),
    function!(get_settings, FrontDesk, READ, "The centre's settings."),
    function!(update_settings, Lead, WRITE, "Change the centre's settings."),
    function!(list_users, Lead, READ, "Every user with their role."),
    function!(create_user, Lead, WRITE, "Add a user with a role."),
    function!(list_audit_log, Lead, READ, "The audit log, newest first."),
];

/// Looks a function up by name.
pub fn function(name: &str) -> Option<&'static ApiFunction> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Runs the API function `name` for `session` with JSON `input`, returning its JSON output.
///
/// Unknown names are `NotFound`, a role below the function's minimum is `Forbidden` (and the
/// function does not run), input of the wrong shape is `Validation`.
pub fn call(db: &Db, session: &Session, name: &str, input: Value) -> Result<Value> {
    let f = function(name).ok_or_else(|| Error::NotFound(format!("There is no API function \"{name}\".")))?;
    session.require(f.min_role, &f.summary.trim_end_matches('.').to_lowercase())?;
    (f.run)(db, session, input)
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// What the app shows about the signed-in user and the centre.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SessionInfo {
    /// The signed-in user.
    pub user: Session,
    /// How the role is shown.
    pub role_label: String,
    /// The centre's name.
    pub centre_name: String,
    /// The centre's sites.
    pub sites: Vec<Site>,
}

fn session_info(db: &Db, s: &Session, _: NoInput) -> Result<SessionInfo> {
    db.read(|c| {
        Ok(SessionInfo {
            user: s.clone(),
            role_label: s.role.label().to_string(),
            centre_name: settings::centre(c)?.centre_name,
            sites: sites::list(c)?,
        })
    })
}

fn dashboard_counts(db: &Db, _: &Session, _: NoInput) -> Result<DashboardCounts> {
    db.read(|c| dashboard::counts(c, today()))
}

fn list_sites(db: &Db, _: &Session, _: NoInput) -> Result<Vec<Site>> {
    db.read(sites::list)
}

fn create_site(db: &Db, s: &Session, input: SiteInput) -> Result<Site> {
    db.write(|tx| {
        let site = sites::create(tx, &input)?;
        audit::record(
            tx,
            s,
            "create",
            "site",
            Some(&site.id),
            Some(&serde_json::json!({"code": site.code})),
        )?;
        Ok(site)
    })
}

fn update_site(db: &Db, s: &Session, input: SiteUpdate) -> Result<Site> {
    db.write(|tx| {
        let site = sites::update(tx, &input)?;
        audit::record(
            tx,
            s,
            "update",
            "site",
            Some(&site.id),
            Some(&serde_json::json!({"code": site.code})),
        )?;
        Ok(site)
    })
}

fn get_settings(db: &Db, _: &Session, _: NoInput) -> Result<CentreSettings> {
    db.read(settings::centre)
}

fn update_settings(db: &Db, s: &Session, input: CentreSettings) -> Result<CentreSettings> {
    db.write(|tx| {
        let out = settings::update_centre(tx, &input)?;
        audit::record(tx, s, "update", "settings", None, None)?;
        Ok(out)
    })
}

fn list_users(db: &Db, _: &Session, _: NoInput) -> Result<Vec<User>> {
    db.read(users::list)
}

fn create_user(db: &Db, s: &Session, input: NewUser) -> Result<User> {
    db.write(|tx| {
        let user = users::create(tx, &input)?;
        audit::record(
            tx,
            s,
            "create",
            "user",
            Some(&user.id),
            Some(&serde_json::json!({"role": user.role})),
        )?;
        Ok(user)
    })
}

fn list_audit_log(db: &Db, _: &Session, input: AuditQuery) -> Result<Vec<AuditEntry>> {
    db.read(|c| audit::list(c, &input))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_are_unique_and_snake_case() {
        let mut names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        assert!(names.iter().all(|n| n.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len(), "duplicate API function name");
    }

    #[test]
    fn every_function_has_an_input_schema() {
        for f in FUNCTIONS {
            let info = f.info();
            assert!(info.input.is_object(), "{} has no input schema", f.name);
        }
    }
}
