//! Who is using Haven and what they may do: roles, the signed-in session, users, and the
//! append-only audit log.

pub mod audit;
pub mod keyring;
pub mod passphrase;
pub mod policy;
pub mod users;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// What a user may do. Ordered: a higher role can do everything a lower one can.
///
/// The front-desk role is deliberately not called "Volunteer": volunteers are also people on the
/// rota, and the two must never be confused in code.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Volunteer at the front desk: registers people with basic fields, ticks collections,
    /// sees the timetable. No case notes, referrals or DBS details.
    FrontDesk,
    /// Runs cases, stock, distribution, activities, volunteers and the rota; sees DBS details.
    Coordinator,
    /// Everything, including users, settings and the audit log.
    Lead,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 3] = [Role::FrontDesk, Role::Coordinator, Role::Lead];

    /// The stored and wire name (`"front_desk"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::FrontDesk => "front_desk",
            Role::Coordinator => "coordinator",
            Role::Lead => "lead",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Result<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| {
            Error::at("role", crate::Code::AccessRoleUnknown, serde_json::json!({"s": s.to_string()}))
        })
    }

    /// How the role is shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::FrontDesk => "Volunteer (front desk)",
            Role::Coordinator => "Coordinator",
            Role::Lead => "Lead",
        }
    }
}

/// The signed-in user every API function acts for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Session {
    /// The user's id.
    pub user_id: String,
    /// Sign-in name.
    pub username: String,
    /// Name shown in the app and the audit log.
    pub display_name: String,
    /// What the user may do.
    pub role: Role,
    /// The user's home site.
    pub site_id: String,
}

impl Session {
    /// Refuses with `Forbidden` unless the session's role is at least `min`. `what` is a
    /// verb phrase or a noun phrase ("read case notes", "the audit log"): the refusal reads
    /// right with either, names who may do it, and what to do.
    pub fn require(&self, min: Role, what: &str) -> Result<()> {
        if self.role >= min {
            Ok(())
        } else {
            let who = match min {
                Role::FrontDesk => "any signed-in user",
                Role::Coordinator => "a coordinator or a lead",
                Role::Lead => "a lead",
            };
            Err(Error::new(
                crate::Code::AccessRoleTooLow,
                serde_json::json!({"who": who.to_string(), "what": what.to_string(), "role": self.role.label().to_string()}),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(role: Role) -> Session {
        Session {
            user_id: "u".into(),
            username: "u".into(),
            display_name: "U".into(),
            role,
            site_id: "s".into(),
        }
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Lead > Role::Coordinator && Role::Coordinator > Role::FrontDesk);
        assert!(session(Role::Lead).require(Role::Coordinator, "x").is_ok());
        let err = session(Role::FrontDesk).require(Role::Coordinator, "read case notes");
        assert!(
            matches!(&err, Err(e) if e.kind() == crate::ErrorKind::Forbidden && e.to_string().contains("read case notes")),
            "{err:?}"
        );
        // A function summarised as a noun phrase reads as well as one summarised by a verb.
        let err = session(Role::FrontDesk).require(Role::Lead, "the database's recovery key");
        assert!(
            matches!(&err, Err(e) if e.kind() == crate::ErrorKind::Forbidden
                && e.to_string() == "Only a lead may do this: the database's recovery key. You are signed in as Volunteer (front desk): ask a lead, or sign in as one."),
            "{err:?}"
        );
    }

    #[test]
    fn role_names_round_trip() -> Result<()> {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str())?, r);
            assert_eq!(serde_json::to_value(r).ok(), Some(serde_json::json!(r.as_str())));
        }
        assert!(Role::parse("volunteer").is_err());
        Ok(())
    }
}
