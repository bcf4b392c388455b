//! Partner organisations people are referred to. The lead keeps the list.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};

use crate::fields::check_len;
use crate::{new_id, Error, Result};

/// The organisations a new centre starts with.
pub const DEFAULT_PARTNERS: &[&str] = &[
    "MSF (Médecins Sans Frontières)",
    "Médecins du Monde",
    "Save the Children",
    "Salaam",
    "L'Auberge des Migrants",
    "Housing team",
    "Local authority children's services",
];

/// A partner organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Partner {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// How to reach them.
    pub contact: String,
    /// Still referred to.
    pub active: bool,
}

/// Input to add or change a partner.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerInput {
    /// To change an existing partner: its id.
    #[serde(default)]
    pub id: Option<String>,
    /// Name.
    pub name: String,
    /// How to reach them.
    #[serde(default)]
    pub contact: String,
    /// Still referred to (default yes).
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

const SELECT: &str = "SELECT id, name, contact, active FROM partners";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Partner> {
    Ok(Partner {
        id: r.get("id")?,
        name: r.get("name")?,
        contact: r.get("contact")?,
        active: r.get("active")?,
    })
}

/// Every partner, active first, by name.
pub fn list(conn: &Connection) -> Result<Vec<Partner>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY active DESC, name"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds or changes a partner.
pub fn save(conn: &Connection, input: &PartnerInput) -> Result<Partner> {
    let name = input.name.trim();
    if name.is_empty() {
        return Err(Error::at("name", crate::Code::PartnerNameMissing, serde_json::json!({})));
    }
    crate::fields::line("name", "The name", name, 120)?;
    check_len("contact", "The contact", input.contact.trim(), 500)?;
    let clash: Option<String> =
        conn.query_row("SELECT id FROM partners WHERE name = ?1", [name], |r| r.get(0)).optional()?;
    if clash.is_some() && clash != input.id {
        return Err(Error::new(crate::Code::PartnerNameTaken, serde_json::json!({"name": name.to_string()})));
    }
    let id = match &input.id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE partners SET name = ?2, contact = ?3, active = ?4,
                        updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
                params![id, name, input.contact.trim(), input.active],
            )?;
            if n == 0 {
                return Err(Error::new(crate::Code::PartnerNotFound, serde_json::json!({})));
            }
            id.clone()
        }
        None => {
            let id = new_id();
            conn.execute(
                "INSERT INTO partners (id, name, contact, active) VALUES (?1, ?2, ?3, ?4)",
                params![id, name, input.contact.trim(), input.active],
            )?;
            id
        }
    };
    Ok(conn.query_row(&format!("{SELECT} WHERE id = ?1"), [id], from_row)?)
}

/// Adds the default partners that are missing.
pub fn ensure_defaults(conn: &Connection) -> Result<()> {
    for name in DEFAULT_PARTNERS {
        conn.execute(
            "INSERT INTO partners (id, name) SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM partners WHERE name = ?2)",
            params![new_id(), name],
        )?;
    }
    Ok(())
}
