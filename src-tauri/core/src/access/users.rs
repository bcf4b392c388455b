//! The people who use Haven. Each signs in with their own passphrase (see [`super::keyring`]);
//! the role decides what they may do.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::access::{Role, Session};
use crate::{new_id, Error, Result};

/// A user as listed in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct User {
    /// User id.
    pub id: String,
    /// Sign-in name (unique, case-insensitive).
    pub username: String,
    /// Name shown in the app.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// Home site id.
    pub site_id: String,
    /// Whether the user may sign in.
    pub active: bool,
}

/// Input to create a user.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// Sign-in name: 2-32 letters, digits, dots, dashes or underscores.
    pub username: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Home site code (`CAL`) or id.
    pub site: String,
}

const COLUMNS: &str = "id, username, display_name, role, site_id, active";

fn from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    let role_at = r.as_ref().column_index("role")?;
    let role: String = r.get(role_at)?;
    Ok(User {
        id: r.get("id")?,
        username: r.get("username")?,
        display_name: r.get("display_name")?,
        role: Role::parse(&role).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(role_at, rusqlite::types::Type::Text, Box::new(e))
        })?,
        site_id: r.get("site_id")?,
        active: r.get("active")?,
    })
}

/// Checks a sign-in name.
pub fn validate_username(username: &str) -> Result<()> {
    let ok_len = (2..=32).contains(&username.chars().count());
    let ok_chars = username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if ok_len && ok_chars {
        Ok(())
    } else {
        Err(Error::at("username", crate::Code::UserNameInvalid, serde_json::json!({})))
    }
}

/// Creates a user.
pub fn create(conn: &Connection, input: &NewUser) -> Result<User> {
    let username = input.username.trim();
    validate_username(username)?;
    let display_name = crate::fields::line("display_name", "The name", &input.display_name, 80)?;
    let display_name = display_name.as_str();
    if display_name.is_empty() {
        return Err(Error::at("display_name", crate::Code::UserDisplayNameMissing, serde_json::json!({})));
    }
    let site = crate::sites::resolve(conn, &input.site)?;
    if find_by_username(conn, username)?.is_some() {
        return Err(Error::new(
            crate::Code::UserUsernameTaken,
            serde_json::json!({"username": username.to_string()}),
        ));
    }
    let id = new_id();
    conn.execute(
        "INSERT INTO users (id, site_id, username, display_name, role) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, site.id, username, display_name, input.role.as_str()],
    )?;
    get(conn, &id)
}

/// Lets a user sign in, or stops them.
pub fn set_active(conn: &Connection, id: &str, active: bool) -> Result<User> {
    let user = get(conn, id)?;
    if user.role == Role::Lead && user.active && !active {
        let other_leads: i64 = conn.query_row(
            "SELECT count(*) FROM users WHERE role = 'lead' AND active = 1 AND id <> ?1",
            [id],
            |r| r.get(0),
        )?;
        if other_leads == 0 {
            return Err(Error::at("username", crate::Code::UserLastLead, serde_json::json!({})));
        }
    }
    conn.execute(
        "UPDATE users SET active = ?2, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
        params![id, active],
    )?;
    get(conn, id)
}

/// One user by id.
pub fn get(conn: &Connection, id: &str) -> Result<User> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::new(crate::Code::UserNotFound, serde_json::json!({})))
}

/// One user by sign-in name (case-insensitive), if there is one.
pub fn find_by_username(conn: &Connection, username: &str) -> Result<Option<User>> {
    Ok(conn
        .query_row(&format!("SELECT {COLUMNS} FROM users WHERE username = ?1"), [username], from_row)
        .optional()?)
}

/// Every user, leads first, then by name.
pub fn list(conn: &Connection) -> Result<Vec<User>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM users
         ORDER BY CASE role WHEN 'lead' THEN 0 WHEN 'coordinator' THEN 1 ELSE 2 END, display_name"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The first lead (the person who set the centre up): the CLI acts as them when no `--user`
/// is given.
pub fn first_lead(conn: &Connection) -> Result<User> {
    conn.query_row(
        &format!(
            "SELECT {COLUMNS} FROM users WHERE role = 'lead' AND active = 1 ORDER BY created_at, id LIMIT 1"
        ),
        [],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::new(crate::Code::UserNoLead, serde_json::json!({})))
}

/// Starts a session for an active user, found by sign-in name.
pub fn sign_in(conn: &Connection, username: &str) -> Result<Session> {
    let user = find_by_username(conn, username.trim())?.filter(|u| u.active).ok_or_else(|| {
        Error::at(
            "username",
            crate::Code::UserUsernameNotActive,
            serde_json::json!({"username": username.trim().to_string()}),
        )
    })?;
    Ok(session_for(&user))
}

/// The session of a user.
pub fn session_for(user: &User) -> Session {
    Session {
        user_id: user.id.clone(),
        username: user.username.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        site_id: user.site_id.clone(),
    }
}
