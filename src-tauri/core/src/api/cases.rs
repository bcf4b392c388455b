//! API functions of the case book. Reads of a person's record are audited; what each role sees
//! is decided in [`PersonRecord`].

use chrono::Local;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::inputs::today;
use super::printing::{print_sheet, Printable, PrintedSheet};
use crate::access::{audit, Role, Session};
use crate::cases::arrivals::{self, Arrival};
use crate::cases::duplicates::{self, Duplicate};
use crate::cases::export::{self, ExportReport, ExportRequest};
use crate::cases::flags::{self, ClearFlag, SetFlag};
use crate::cases::households::{self, Household, JoinHousehold, PersonRef};
use crate::cases::import::{self, ImportPreview, ImportReport, ImportRequest};
use crate::cases::merges::{self, DuplicatePair, Merged};
use crate::cases::notes::{self, NewNote, Note};
use crate::cases::partners::{self, Partner, PartnerInput};
use crate::cases::people::{self, NewPerson, Person, PersonDetails};
use crate::cases::phones::{self, ContactLine, IssuePhone, Phone, PhoneReturn};
use crate::cases::referrals::{self, NewReferral, Referral, UpdateReferral};
use crate::cases::search::{self, PeoplePage, PeopleQuery};
use crate::cases::sheet::phone_contacts;
use crate::cases::uk::{self, UkArrival};
use crate::cases::Status;
use crate::{Db, Error, Result};

/// A person's page: everything on their tabs that the caller's role may see. Parts a role may
/// not see are absent (`null`), not empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PersonRecord {
    /// Details and the visible flags.
    pub person: Person,
    /// Their household, if any.
    pub household: Option<Household>,
    /// Case notes (coordinators and leads).
    pub notes: Option<Vec<Note>>,
    /// Referrals (coordinators and leads).
    pub referrals: Option<Vec<Referral>>,
    /// Phones issued (coordinators and leads).
    pub phones: Option<Vec<Phone>>,
    /// UK arrivals checklist (coordinators and leads).
    pub uk_arrival: Option<UkArrival>,
    /// The nappy size recorded for distributions (absent: chosen by age). The front desk
    /// records it, so every role sees it.
    pub nappy_size: Option<String>,
    /// The codes of the records merged with this one, either way (`CAL-0042`): erasing this
    /// record erases them too.
    pub merged_with: Vec<String>,
}

/// Input naming a record by id.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdInput {
    /// The record's id.
    pub id: String,
}

/// Input to change a person's details.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonUpdate {
    /// The person's id.
    pub id: String,
    /// The new details (all of them).
    #[serde(flatten)]
    pub details: PersonDetails,
}

/// Input to set a person's status.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusInput {
    /// The person's id.
    pub id: String,
    /// The new status.
    pub status: Status,
}

/// Input to move a person to another site.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferInput {
    /// The person's id.
    pub id: String,
    /// The new site's code or id.
    pub site: String,
}

/// Input of lists with an optional size.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListInput {
    /// At most this many (default 100).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// Input naming an optional site.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteFilter {
    /// Only this site (code or id).
    #[serde(default)]
    pub site: Option<String>,
}

fn record(conn: &rusqlite::Connection, s: &Session, id: &str) -> Result<PersonRecord> {
    let today = today();
    let person = people::get(conn, s, id, today)?;
    let household = person.household_id.as_deref().map(|h| households::get(conn, h, today)).transpose()?;
    let caseworker = s.role >= Role::Coordinator;
    Ok(PersonRecord {
        household,
        notes: if caseworker { Some(notes::for_person(conn, s, id)?) } else { None },
        referrals: if caseworker { Some(referrals::for_person(conn, id)?) } else { None },
        phones: if caseworker { Some(phones::for_person(conn, id)?) } else { None },
        uk_arrival: if caseworker { Some(uk::get(conn, id)?) } else { None },
        nappy_size: crate::distribution::nappy_size(conn, id)?,
        merged_with: crate::cases::merges::merged_with(conn, id)?,
        person,
    })
}

pub(super) fn search_people(db: &Db, s: &Session, q: PeopleQuery) -> Result<PeoplePage> {
    db.read(|c| search::search(c, s, &q, today()))
}

pub(super) fn find_duplicates(db: &Db, _: &Session, d: PersonDetails) -> Result<Vec<Duplicate>> {
    db.read(|c| duplicates::duplicates(c, &d, today()))
}

pub(super) fn create_person(db: &Db, s: &Session, input: NewPerson) -> Result<PersonRecord> {
    db.write(|tx| {
        if !input.confirm_not_duplicate {
            let dups = duplicates::duplicates(tx, &input.details, today())?;
            if !dups.is_empty() {
                let list: Vec<String> = dups
                    .iter()
                    .map(|d| format!("{} {} {}", d.person.code, d.person.given_name, d.person.family_name))
                    .collect();
                return Err(Error::new(
                    crate::Code::PersonMaybeRegistered,
                    serde_json::json!({"list": list.join("; ")}),
                ));
            }
        }
        let id = people::create(tx, s, &input, today())?;
        audit::record(tx, s, "create", "person", Some(&id), None)?;
        record(tx, s, &id)
    })
}

pub(super) fn get_person(db: &Db, s: &Session, input: IdInput) -> Result<PersonRecord> {
    if db.is_read_only_media() {
        // Nothing can be written on that disk, the view's audit entry included; the record is
        // still shown, as reading is what a read-only copy is for.
        return db.read(|c| record(c, s, &input.id));
    }
    // A read, but an audited one: the view is written in the same transaction.
    db.write(|tx| {
        let rec = record(tx, s, &input.id)?;
        audit::record(tx, s, "view", "person", Some(&input.id), None)?;
        Ok(rec)
    })
}

pub(super) fn update_person(db: &Db, s: &Session, input: PersonUpdate) -> Result<PersonRecord> {
    db.write(|tx| {
        people::update(tx, &input.id, &input.details, today())?;
        audit::record(tx, s, "update", "person", Some(&input.id), None)?;
        record(tx, s, &input.id)
    })
}

pub(super) fn set_person_status(db: &Db, s: &Session, input: StatusInput) -> Result<PersonRecord> {
    db.write(|tx| {
        people::set_status(tx, &input.id, input.status)?;
        audit::record(tx, s, "status", "person", Some(&input.id), Some(&json!({"status": input.status})))?;
        record(tx, s, &input.id)
    })
}

pub(super) fn record_consent(db: &Db, s: &Session, input: IdInput) -> Result<PersonRecord> {
    db.write(|tx| {
        people::record_consent(tx, s, &input.id, today())?;
        audit::record(tx, s, "consent", "person", Some(&input.id), None)?;
        record(tx, s, &input.id)
    })
}

pub(super) fn transfer_person(db: &Db, s: &Session, input: TransferInput) -> Result<PersonRecord> {
    db.write(|tx| {
        let before: Option<String> =
            tx.query_row("SELECT site_id FROM people WHERE id = ?1", [&input.id], |r| r.get(0)).optional()?;
        let from = people::transfer(tx, &input.id, &input.site)?;
        let rec = record(tx, s, &input.id)?;
        if let Some(before) = before {
            arrivals::note(tx, s, &input.id, &before, &rec.person.site_id)?;
        }
        let detail = json!({"from": from, "to": rec.person.site_code});
        audit::record(tx, s, "transfer", "person", Some(&input.id), Some(&detail))?;
        Ok(rec)
    })
}

pub(super) fn join_household(db: &Db, s: &Session, input: JoinHousehold) -> Result<PersonRecord> {
    db.write(|tx| {
        let household = households::join(tx, &input.person, &input.with_person, input.relationship)?;
        audit::record(tx, s, "join", "household", Some(&household), Some(&json!({"person": input.person})))?;
        record(tx, s, &input.person)
    })
}

pub(super) fn leave_household(db: &Db, s: &Session, input: PersonRef) -> Result<PersonRecord> {
    db.write(|tx| {
        households::leave(tx, &input.person)?;
        audit::record(tx, s, "leave", "household", None, Some(&json!({"person": input.person})))?;
        record(tx, s, &input.person)
    })
}

pub(super) fn set_flag(db: &Db, s: &Session, input: SetFlag) -> Result<PersonRecord> {
    db.write(|tx| {
        flags::set(tx, s, &input, today())?;
        audit::record(tx, s, "set_flag", "person", Some(&input.person), Some(&json!({"kind": input.kind})))?;
        record(tx, s, &input.person)
    })
}

pub(super) fn clear_flag(db: &Db, s: &Session, input: ClearFlag) -> Result<PersonRecord> {
    db.write(|tx| {
        flags::clear(tx, s, &input)?;
        audit::record(
            tx,
            s,
            "clear_flag",
            "person",
            Some(&input.person),
            Some(&json!({"kind": input.kind})),
        )?;
        record(tx, s, &input.person)
    })
}

pub(super) fn add_note(db: &Db, s: &Session, input: NewNote) -> Result<Vec<Note>> {
    db.write(|tx| {
        let id = notes::add(tx, s, &input, today())?;
        audit::record(tx, s, "create", "note", Some(&id), Some(&json!({"person": input.person})))?;
        notes::for_person(tx, s, &input.person)
    })
}

pub(super) fn list_partners(db: &Db, _: &Session, _: super::inputs::NoInput) -> Result<Vec<Partner>> {
    db.read(partners::list)
}

pub(super) fn save_partner(db: &Db, s: &Session, input: PartnerInput) -> Result<Partner> {
    db.write(|tx| {
        let p = partners::save(tx, &input)?;
        let action = if input.id.is_some() { "update" } else { "create" };
        audit::record(tx, s, action, "partner", Some(&p.id), None)?;
        Ok(p)
    })
}

pub(super) fn create_referral(db: &Db, s: &Session, input: NewReferral) -> Result<Referral> {
    db.write(|tx| {
        let r = referrals::create(tx, s, &input, today())?;
        audit::record(tx, s, "create", "referral", Some(&r.id), Some(&json!({"person": r.person_id})))?;
        Ok(r)
    })
}

pub(super) fn update_referral(db: &Db, s: &Session, input: UpdateReferral) -> Result<Referral> {
    db.write(|tx| {
        let r = referrals::update(tx, &input)?;
        audit::record(tx, s, "update", "referral", Some(&r.id), Some(&json!({"status": r.status})))?;
        Ok(r)
    })
}

pub(super) fn overdue_follow_ups(db: &Db, _: &Session, input: ListInput) -> Result<Vec<Referral>> {
    db.read(|c| referrals::overdue(c, today(), input.limit.unwrap_or(100).clamp(1, 1000)))
}

pub(super) fn issue_phone(db: &Db, s: &Session, input: IssuePhone) -> Result<Phone> {
    db.write(|tx| {
        let p = phones::issue(tx, &input, today())?;
        audit::record(tx, s, "issue", "phone", Some(&p.id), Some(&json!({"person": p.person_id})))?;
        Ok(p)
    })
}

pub(super) fn return_phone(db: &Db, s: &Session, input: PhoneReturn) -> Result<Phone> {
    db.write(|tx| {
        let p = phones::give_back(tx, &input, today())?;
        let action = if input.lost { "lost" } else { "returned" };
        audit::record(tx, s, action, "phone", Some(&p.id), Some(&json!({"person": p.person_id})))?;
        Ok(p)
    })
}

pub(super) fn phone_contact_list(db: &Db, s: &Session, input: SiteFilter) -> Result<Vec<ContactLine>> {
    db.write(|tx| {
        let list = phones::contact_list(tx, input.site.as_deref())?;
        audit::record(tx, s, "view", "phone_contacts", None, Some(&json!({"rows": list.len()})))?;
        Ok(list)
    })
}

/// Input to print the emergency contact list.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintPhoneContacts {
    /// Only this site (code or id); every site if absent.
    #[serde(default)]
    pub site: Option<String>,
    /// The language of the sheet's words (`en`, `fr`); the centre's language when left out.
    #[serde(default)]
    pub language: Option<crate::print::Language>,
    /// Where to write the PDF.
    pub path: String,
}

/// Prints the emergency contact list to the input's path. Each print is audited as a view of
/// the list, recorded with the file's writing, so a print that fails leaves no audit entry for
/// a list nobody got.
pub(super) fn print_phone_contacts(db: &Db, s: &Session, input: PrintPhoneContacts) -> Result<PrintedSheet> {
    print_sheet(db, s, &input.path, |c| {
        let site = input.site.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let lang = crate::settings::print_language(c, input.language)?;
        let site_name = match site {
            Some(site) => crate::sites::resolve(c, site)?.name,
            None => crate::print::Words::of(lang).get("print.all_sites"),
        };
        let list = phones::contact_list(c, site)?;
        let centre = crate::settings::centre(c)?.centre_name;
        let sheet = phone_contacts(&list, &centre, &site_name, today(), Local::now().naive_local(), lang);
        let detail = json!({"rows": list.len(), "printed": true, "site": site});
        Ok(Printable {
            sheet,
            rows: list.len(),
            action: "view",
            entity: "phone_contacts",
            entity_id: None,
            detail: Some(detail),
        })
    })
}

pub(super) fn save_uk_arrival(db: &Db, s: &Session, input: UkArrival) -> Result<UkArrival> {
    db.write(|tx| {
        let saved = uk::save(tx, &input, today())?;
        audit::record(tx, s, "update", "uk_arrival", Some(&input.person), None)?;
        Ok(saved)
    })
}

/// Input naming a file.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PathInput {
    /// The file's path.
    pub path: String,
}

pub(super) fn preview_import(_: &Db, _: &Session, input: PathInput) -> Result<ImportPreview> {
    import::preview(std::path::Path::new(&input.path))
}

/// People written per transaction by an import: a chunk takes a fraction of a second, so
/// another window or process that needs to write (a registration, a sign-in) waits that long at
/// most, never the whole import.
pub const IMPORT_CHUNK: usize = 500;

/// The pause after each chunk: the lock is free long enough for a writer that is waiting (it
/// tries every 2 ms, see `db::busy_wait`) to take its turn.
const IMPORT_PAUSE: std::time::Duration = std::time::Duration::from_millis(10);

pub(super) fn import_people(db: &Db, s: &Session, input: ImportRequest) -> Result<ImportReport> {
    run_import(db, s, input, |_, _| {})
}

/// The file is read and every row checked on a read snapshot, holding no lock. Then the rows
/// are written [`IMPORT_CHUNK`] per transaction, all or nothing: each chunk notes what it
/// created, and the last one removes the notes and writes the audit entry in its own
/// transaction. If a chunk fails, what the earlier ones wrote is taken back; if the process
/// is stopped part-way, the next import or sign-in takes it back (see `import::stale`).
pub(super) fn run_import(
    db: &Db,
    s: &Session,
    input: ImportRequest,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportReport> {
    let today = today();
    undo_stopped_imports(db, s)?;
    let checked = db.read(|c| import::check(c, s, &input, today))?;
    let mut report = checked.report.clone();
    if !report.errors.is_empty() || input.dry_run || checked.is_empty() {
        return Ok(report);
    }
    let total = checked.len();
    let mut chunks = import::Chunks::new();
    let mut written = 0;
    while written < total {
        let end = (written + IMPORT_CHUNK).min(total);
        let last = end == total;
        let done = db.write(|tx| {
            let n = import::write_chunk(tx, s, &checked, written..end, &mut chunks, today, last)?;
            if last {
                let detail = json!({"rows": report.rows, "imported": total, "skipped": report.skipped});
                audit::record(tx, s, "import", "person", None, Some(&detail))?;
            }
            Ok(n)
        });
        match done {
            Ok(n) => written += n,
            Err(e) => {
                // All or nothing: the chunks already written are taken back. If even that
                // fails, the next import or sign-in does it.
                let _ = db.write(|tx| import::undo(tx, chunks.id()));
                return Err(e);
            }
        }
        progress(written, total);
        if !last {
            std::thread::sleep(IMPORT_PAUSE);
        }
    }
    report.imported = written;
    Ok(report)
}

/// Takes back imports that were stopped part-way (see [`import::stale`]), audited.
pub fn undo_stopped_imports(db: &Db, s: &Session) -> Result<usize> {
    let stopped = db.read(|c| import::stale(c, chrono::Utc::now()))?;
    let mut removed = 0;
    for id in stopped {
        removed += db.write(|tx| {
            let n = import::undo(tx, &id)?;
            audit::record(tx, s, "import_undone", "person", None, Some(&json!({"import": id, "people": n})))?;
            Ok(n)
        })?;
    }
    Ok(removed)
}

pub(super) fn export_people(db: &Db, s: &Session, input: ExportRequest) -> Result<ExportReport> {
    db.write(|tx| {
        let report = export::export(tx, s, &input, today())?;
        audit::record(tx, s, "export", "person", None, Some(&json!({"rows": report.rows})))?;
        Ok(report)
    })
}

/// Which arrivals to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArrivalsInput {
    /// The receiving site (code or id); none: every site.
    #[serde(default)]
    pub site: Option<String>,
}

/// How long someone met stays on the Dashboard's arrivals list.
const MET_SHOWN_DAYS: u64 = 14;

pub(super) fn list_arrivals(db: &Db, _: &Session, input: ArrivalsInput) -> Result<Vec<Arrival>> {
    let site = input.site.filter(|s| !s.trim().is_empty());
    db.read(|c| arrivals::list(c, site.as_deref(), today(), MET_SHOWN_DAYS))
}

pub(super) fn mark_arrival_met(db: &Db, s: &Session, input: IdInput) -> Result<Vec<Arrival>> {
    db.write(|tx| {
        arrivals::mark_met(tx, s, &input.id, today())?;
        audit::record(tx, s, "meet", "person_transfer", Some(&input.id), None)?;
        arrivals::list(tx, None, today(), MET_SHOWN_DAYS)
    })
}

/// How many possible duplicates the review list shows at once (the first by code).
pub const DUPLICATES_SHOWN: usize = 100;

pub(super) fn list_possible_duplicates(
    db: &Db,
    _: &Session,
    _: super::inputs::NoInput,
) -> Result<Vec<DuplicatePair>> {
    db.read(|c| merges::possible_duplicates(c, today(), DUPLICATES_SHOWN))
}

/// Merge a person registered twice into one record.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MergePeople {
    /// The record kept (its id).
    pub keep: String,
    /// The record merged into it (its id): it stays, read-only, and its code finds the kept one.
    pub merged: String,
    /// Must be true: the coordinator has checked that the two records are one person.
    #[serde(default)]
    pub confirm: bool,
}

pub(super) fn merge_people(db: &Db, s: &Session, input: MergePeople) -> Result<Merged> {
    if !input.confirm {
        return Err(Error::at("confirm", crate::Code::MergeUnconfirmed, json!({})));
    }
    // Uncaptured: the merge record and the kept record's new values travel (merges::merge
    // captures them), the rows moved do not: every replica moves them itself.
    db.write_uncaptured(|tx| {
        let done = merges::merge(tx, s, &input.keep, &input.merged)?;
        // A row the kept person may have once and both had: settled as the exchange settles it.
        crate::exchange::settle_merged(tx)?;
        let detail = json!({"merged": input.merged, "merged_code": done.merged_code, "moved": done.moved});
        audit::record(tx, s, "merge", "person", Some(&input.keep), Some(&detail))?;
        Ok(done)
    })
}

/// Two records found to be two people.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissDuplicate {
    /// One record's id.
    pub first: String,
    /// The other record's id.
    pub second: String,
}

pub(super) fn dismiss_duplicate(db: &Db, s: &Session, input: DismissDuplicate) -> Result<Vec<DuplicatePair>> {
    db.write(|tx| {
        merges::dismiss(tx, s, &input.first, &input.second)?;
        let detail = json!({"second": input.second});
        audit::record(tx, s, "not_duplicate", "person", Some(&input.first), Some(&detail))?;
        merges::possible_duplicates(tx, today(), DUPLICATES_SHOWN)
    })
}
