//! The volunteer information sheet: a page the centre writes in Settings, in English and in
//! French, printed (or sent as a PDF) with the site's address and the rota contact filled in.
//!
//! The texts and each site's address are settings. In a text, `{site}`, `{address}` and
//! `{contact}` are replaced when the sheet is printed; the site, its address and the contact
//! are also printed above the text, so a text that names none of them still gives them.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::fields::check_len;
use crate::{settings, sites, Error, Result};

const TEXT_EN: &str = "volunteer_info.en";
const TEXT_FR: &str = "volunteer_info.fr";
const ADDRESS: &str = "volunteer_info.address.";

/// The English text until the centre writes its own.
pub const DEFAULT_EN: &str = "Welcome, and thank you for volunteering with us at {site}.\n\n\
Please arrive 15 minutes before your first shift at {address}. Bring the original of your criminal-record \
check (DBS, PVG, AccessNI, ICPC or your country's certificate) and a photo ID.\n\n\
Never share photos or names of the people we support. Ask before you help a child, and never stay alone \
with one. If you are worried about someone's safety, tell the coordinator at once.\n\n\
Questions about the rota: {contact}.";

/// The French text until the centre writes its own.
pub const DEFAULT_FR: &str = "Bienvenue, et merci de votre engagement bénévole à {site}.\n\n\
Merci d'arriver 15 minutes avant votre premier créneau, au {address}. Apportez l'original de votre \
vérification d'antécédents (DBS, PVG, AccessNI, ICPC ou l'extrait de casier judiciaire de votre pays) et \
une pièce d'identité avec photo.\n\n\
Ne partagez jamais de photos ni de noms des personnes que nous accompagnons. Demandez avant d'aider un \
enfant et ne restez jamais seul·e avec lui. Si vous êtes inquiet·e pour la sécurité de quelqu'un, \
prévenez tout de suite la coordinatrice ou le coordinateur.\n\n\
Questions sur le planning : {contact}.";

/// A site's address, as printed on the sheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteAddress {
    /// Site code.
    pub site: String,
    /// Address (several lines allowed).
    pub address: String,
}

/// The volunteer information sheet's texts and the sites' addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VolunteerInfo {
    /// The English text.
    pub en: String,
    /// The French text.
    pub fr: String,
    /// Each active site's address ("" until entered).
    #[serde(default)]
    pub addresses: Vec<SiteAddress>,
}

/// The language a sheet is printed in (one for every printed sheet).
pub use crate::print::Language;

/// The sheet's texts and every site's address.
pub fn get(conn: &Connection) -> Result<VolunteerInfo> {
    let mut addresses = Vec::new();
    for site in sites::list(conn)? {
        let address = settings::get(conn, &format!("{ADDRESS}{}", site.code))?.unwrap_or_default();
        addresses.push(SiteAddress { site: site.code, address });
    }
    Ok(VolunteerInfo {
        en: settings::get(conn, TEXT_EN)?.unwrap_or_else(|| DEFAULT_EN.to_string()),
        fr: settings::get(conn, TEXT_FR)?.unwrap_or_else(|| DEFAULT_FR.to_string()),
        addresses,
    })
}

/// Checks and stores the texts and the addresses given.
pub fn update(conn: &Connection, info: &VolunteerInfo) -> Result<VolunteerInfo> {
    for (field, text) in [("en", &info.en), ("fr", &info.fr)] {
        if text.trim().is_empty() {
            return Err(Error::at(field, crate::Code::VolunteerInfoTextMissing, serde_json::json!({})));
        }
        check_len(field, "The sheet's text", text.trim(), 8000)?;
    }
    settings::set(conn, TEXT_EN, info.en.trim())?;
    settings::set(conn, TEXT_FR, info.fr.trim())?;
    for a in &info.addresses {
        let site = sites::resolve(conn, a.site.trim()).map_err(|e| {
            e.when_absent(Error::at(
                "addresses",
                crate::Code::VolunteerInfoAddressesUnknownSite,
                serde_json::json!({"site": a.site.to_string()}),
            ))
        })?;
        check_len("addresses", "An address", a.address.trim(), 400)?;
        settings::set(conn, &format!("{ADDRESS}{}", site.code), a.address.trim())?;
    }
    get(conn)
}

/// The sheet's text in `lang` with `{site}`, `{address}` and `{contact}` filled in.
pub fn filled(info: &VolunteerInfo, lang: Language, site: &str, address: &str, contact: &str) -> String {
    let text = match lang {
        Language::En => &info.en,
        Language::Fr => &info.fr,
    };
    let address = address.replace('\n', ", ");
    text.replace("{site}", site).replace("{address}", &address).replace("{contact}", contact)
}
