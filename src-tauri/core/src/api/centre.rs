//! API functions about the centre itself: who is signed in, the Dashboard, sites, settings,
//! users and the audit log.

use serde::{Deserialize, Serialize};

use super::inputs::{today, NoInput};
use crate::access::audit::{self, AuditEntry, AuditQuery};
use crate::access::users::{self, NewUser, User};
use crate::access::{Role, Session};
use crate::dashboard::{self, DashboardCounts};
use crate::settings::{self, CentreSettings};
use crate::sites::{self, Site, SiteInput, SiteUpdate};
use crate::{Db, Error, Result};

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
    /// The API functions this user may call, by name, in the table's order: the UI shows a
    /// screen, tab or button when the function behind it is here (never by role name).
    pub functions: Vec<String>,
}

/// The session's user, the centre and its sites; the permission table's file adds the
/// functions (see `api::session_info`), so this file does not depend on the table.
pub(super) fn about_session(db: &Db, s: &Session) -> Result<SessionInfo> {
    db.read(|c| {
        Ok(SessionInfo {
            user: s.clone(),
            role_label: s.role.label().to_string(),
            centre_name: settings::centre(c)?.centre_name,
            sites: sites::list(c)?,
            functions: Vec::new(),
        })
    })
}

/// Which site the Dashboard counts.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DashboardQuery {
    /// Site code or id; none (or empty) for the whole centre.
    #[serde(default)]
    pub site: Option<String>,
}

pub(super) fn dashboard_counts(db: &Db, s: &Session, q: DashboardQuery) -> Result<DashboardCounts> {
    db.read(|c| {
        let site = match q.site.as_deref().map(str::trim).filter(|x| !x.is_empty()) {
            Some(code) => Some(sites::resolve(c, code).map_err(|e| {
                e.when_absent(Error::at("site", crate::Code::SiteMissing, serde_json::json!({})))
            })?),
            None => None,
        };
        let mut counts = dashboard::counts_at(c, today(), site.as_ref().map(|x| x.id.as_str()))?;
        counts.site = site.map(|x| x.code);
        if s.role >= Role::Coordinator {
            counts.overdue_follow_ups = Some(crate::cases::referrals::overdue_count(c, today())?);
        }
        Ok(counts)
    })
}

pub(super) fn list_sites(db: &Db, _: &Session, _: NoInput) -> Result<Vec<Site>> {
    db.read(sites::list)
}

pub(super) fn create_site(db: &Db, s: &Session, input: SiteInput) -> Result<Site> {
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

pub(super) fn update_site(db: &Db, s: &Session, input: SiteUpdate) -> Result<Site> {
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

pub(super) fn get_settings(db: &Db, _: &Session, _: NoInput) -> Result<CentreSettings> {
    db.read(settings::centre)
}

pub(super) fn update_settings(db: &Db, s: &Session, input: CentreSettings) -> Result<CentreSettings> {
    db.write(|tx| {
        let out = settings::update_centre(tx, &input)?;
        audit::record(tx, s, "update", "settings", None, None)?;
        Ok(out)
    })
}

pub(super) fn list_users(db: &Db, _: &Session, _: NoInput) -> Result<Vec<User>> {
    db.read(users::list)
}

/// A new user and the first passphrase the lead gives them (they are asked to change it).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Sign-in name: 2-32 letters, digits, dots, dashes or underscores.
    pub username: String,
    /// Name shown in the app.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Home site code (`CAL`) or id.
    pub site: String,
    /// A first passphrase, told to the user in person; they choose their own at first sign-in.
    pub passphrase: String,
}

pub(super) fn create_user(db: &Db, s: &Session, input: CreateUser) -> Result<User> {
    crate::access::passphrase::check_new_passphrase(&input.passphrase)?;
    let new = NewUser {
        username: input.username,
        display_name: input.display_name,
        role: input.role,
        site: input.site,
    };
    db.write(|tx| {
        let user = users::create(tx, &new)?;
        crate::access::keyring::set_passphrase(db, &user, &input.passphrase, true)?;
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

pub(super) fn list_audit_log(db: &Db, _: &Session, input: AuditQuery) -> Result<Vec<AuditEntry>> {
    db.read(|c| audit::list(c, &input))
}
