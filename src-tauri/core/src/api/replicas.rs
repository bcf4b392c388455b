//! API functions about the centre's replicas: the directory, removing a lost computer's
//! replica, and a lead's join file for a new one.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::NoInput;
use crate::access::{audit, Session};
use crate::exchange::{self, replicas, Invite, Replica};
use crate::{Db, Result};

pub(super) fn list_replicas(db: &Db, _: &Session, _: NoInput) -> Result<Vec<Replica>> {
    db.read(replicas::list)
}

/// A replica to remove.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveReplica {
    /// The replica's id or name.
    pub replica: String,
}

pub(super) fn remove_replica(db: &Db, s: &Session, input: RemoveReplica) -> Result<Replica> {
    db.write(|tx| {
        let removed = replicas::remove(tx, &input.replica, &s.user_id)?;
        let detail = json!({"name": removed.name, "site": removed.site});
        audit::record(tx, s, "remove", "replica", Some(&removed.id), Some(&detail))?;
        Ok(removed)
    })
}

/// Where and for which site to make a join file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvite {
    /// The new replica's site (code or id).
    pub site: String,
    /// The join file to write (a new file, on a stick or a shared folder).
    pub path: String,
}

pub(super) fn create_invite(db: &Db, s: &Session, input: CreateInvite) -> Result<Invite> {
    exchange::invite(db, s, &input.site, std::path::Path::new(input.path.trim()))
}
