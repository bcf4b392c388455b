//! API functions of distribution day, beside `distribution.rs`: ID cards, the packing list,
//! bag labels, and what the day left (who did not come, requested against given).
//!
//! Roles: the front desk prints its own site's ID cards (which show no flags, no date of birth
//! and no phone) and bag labels; the packing list and the after-the-day lists are for
//! coordinators and leads (the not-collected list carries phone numbers).

use chrono::Local;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::today;
use std::path::Path;

use super::printing::{pdf_path, print_sheet, write_and_audit, Audited, Printable, PrintedSheet};
use crate::access::{audit, Role, Session};
use crate::cases::export::{write_table, ExportFormat};
use crate::distribution::after::{self, AfterTheDay};
use crate::distribution::cards::{self, CardSelection};
use crate::distribution::cards_sheet::{render_cards, CardsPerPage};
use crate::distribution::labels_sheet::{render_labels, LabelSheet};
use crate::distribution::packing::{self, PackingList};
use crate::distribution::packing_sheet;
use crate::{Db, Error, Result};

/// Input to print ID cards: one person, a site's people, or those registered since a day.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintIdCards {
    /// One person (code or id).
    #[serde(default)]
    pub person: Option<String>,
    /// Every active person of a site (code or id); the front desk's own site when left out.
    #[serde(default)]
    pub site: Option<String>,
    /// Only people registered on or after this day.
    #[serde(default)]
    pub since: Option<chrono::NaiveDate>,
    /// Cards to an A4 page: 8 (room to cut between) or 10 (edge to edge; the default).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// The language of the cards' words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
    /// Where to write the PDF.
    pub path: String,
}

/// Prints ID cards, each with its next number, and records the numbers and the audit entry in
/// one write: a card printed is a card the desk knows, and its older cards stop working.
pub(super) fn print_id_cards(db: &Db, s: &Session, input: PrintIdCards) -> Result<PrintedSheet> {
    let path = pdf_path(&input.path)?;
    let layout = CardsPerPage::from_count(input.per_page.unwrap_or(10))?;
    if db.is_read_only_media() {
        return Err(Error::new(crate::Code::CardReadOnlyMedia, serde_json::json!({})));
    }
    let on = today();
    let selection =
        CardSelection { person: input.person.clone(), site: input.site.clone(), since: input.since };
    let (cards, centre, lang) = db.read(|c| {
        Ok((
            cards::cards_to_issue(c, s, &selection, on)?,
            crate::settings::centre(c)?.centre_name,
            crate::settings::print_language(c, input.language)?,
        ))
    })?;
    let rendered = render_cards(&cards, &centre, layout, Local::now().naive_local(), lang)?;
    let one = (cards.len() == 1).then(|| cards[0].person_id.clone());
    let audited = Audited {
        rows: cards.len(),
        action: "print",
        entity: if one.is_some() { "person" } else { "id_cards" },
        entity_id: one,
        detail: Some(json!({
            "id_cards": cards.len(),
            "reissued": cards.iter().filter(|c| c.number > 1).count(),
            "site": input.site,
            "since": input.since,
        })),
    };
    write_and_audit(db, s, path, &rendered, &audited, |tx| cards::issue(tx, s, &cards))
}

/// Input naming a distribution.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionRef {
    /// The distribution.
    pub distribution: String,
}

pub(super) fn packing_list(db: &Db, _: &Session, input: DistributionRef) -> Result<PackingList> {
    db.read(|c| packing::packing_list(c, &input.distribution))
}

/// Input to write a distribution's packing list.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintPackingList {
    /// The distribution.
    pub distribution: String,
    /// Where to write it: a `.pdf`, `.csv` or `.xlsx` file (the ending chooses the format).
    pub path: String,
    /// The language of the list's words (the PDF's and the file's headings) (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
}

/// The format a file's ending names; anything else is refused on `path`.
fn format_of(path: &str) -> Result<Option<ExportFormat>> {
    let lower = path.to_lowercase();
    if lower.ends_with(".pdf") {
        Ok(None)
    } else if lower.ends_with(".csv") {
        Ok(Some(ExportFormat::Csv))
    } else if lower.ends_with(".xlsx") {
        Ok(Some(ExportFormat::Xlsx))
    } else {
        Err(Error::at("path", crate::Code::PackingPathWrongType, serde_json::json!({})))
    }
}

pub(super) fn print_packing_list(db: &Db, s: &Session, input: PrintPackingList) -> Result<PrintedSheet> {
    let path = pdf_path(&input.path)?;
    let audit_of = |list: &PackingList| Audited {
        rows: list.households.len(),
        action: "print",
        entity: "distribution",
        entity_id: Some(list.distribution.id.clone()),
        detail: Some(json!({"packing_list": list.households.len(), "items": list.totals.len()})),
    };
    match format_of(path)? {
        None => print_sheet(db, s, path, |c| {
            let list = packing::packing_list(c, &input.distribution)?;
            let centre = crate::settings::centre(c)?.centre_name;
            let a = audit_of(&list);
            let lang = crate::settings::print_language(c, input.language)?;
            Ok(Printable {
                sheet: packing_sheet::packing_sheet(&list, &centre, Local::now().naive_local(), lang),
                rows: a.rows,
                action: a.action,
                entity: a.entity,
                entity_id: a.entity_id,
                detail: a.detail,
            })
        }),
        Some(format) => db.write(|tx| {
            let list = packing::packing_list(tx, &input.distribution)?;
            let lang = crate::settings::print_language(tx, input.language)?;
            let mut headers = packing_sheet::headers(lang).to_vec();
            headers.pop();
            let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
            write_table(Path::new(path), format, &headers, &packing_sheet::rows(&list, lang))?;
            let a = audit_of(&list);
            audit::record(tx, s, a.action, a.entity, a.entity_id.as_deref(), a.detail.as_ref())?;
            Ok(PrintedSheet { path: path.to_string(), rows: a.rows, pages: 0 })
        }),
    }
}

/// Input to print a distribution's bag labels.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintBagLabels {
    /// The distribution.
    pub distribution: String,
    /// Labels to an A4 sheet: 21 (70 × 42.3 mm; the default) or 24 (70 × 37 mm).
    #[serde(default)]
    pub per_page: Option<u32>,
    /// The language of the sheet's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
    /// Where to write the PDF.
    pub path: String,
}

/// Prints one label per household still to collect, in the sign-up sheet's order. The front
/// desk prints its own site's labels only.
pub(super) fn print_bag_labels(db: &Db, s: &Session, input: PrintBagLabels) -> Result<PrintedSheet> {
    let path = pdf_path(&input.path)?;
    let sheet = LabelSheet::from_count(input.per_page.unwrap_or(21))?;
    let (list, centre, lang) = db.read(|c| {
        let list = packing::packing_list(c, &input.distribution)?;
        if s.role < Role::Coordinator && list.distribution.site_id != s.site_id {
            return Err(Error::new(crate::Code::LabelsOtherSite, serde_json::json!({})));
        }
        let lang = crate::settings::print_language(c, input.language)?;
        Ok((list, crate::settings::centre(c)?.centre_name, lang))
    })?;
    let d = &list.distribution;
    let day = crate::print::Words::of(lang).weekday_day_month(d.held_on);
    let rendered = render_labels(&list.households, &centre, &day, sheet, Local::now().naive_local(), lang)?;
    let audited = Audited {
        rows: list.households.len(),
        action: "print",
        entity: "distribution",
        entity_id: Some(d.id.clone()),
        detail: Some(json!({"bag_labels": list.households.len()})),
    };
    if db.is_read_only_media() {
        super::printing::write_file(path, &rendered.pdf, "path")?;
        return Ok(PrintedSheet { path: path.to_string(), rows: audited.rows, pages: rendered.pages });
    }
    write_and_audit(db, s, path, &rendered, &audited, |_| Ok(()))
}

pub(super) fn distribution_after(db: &Db, _: &Session, input: DistributionRef) -> Result<AfterTheDay> {
    db.read(|c| after::after_the_day(c, &input.distribution))
}
