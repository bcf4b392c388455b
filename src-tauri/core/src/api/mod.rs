//! The one API surface of Haven.
//!
//! The Tauri commands and `haven-cli call` both reach the domain through [`call`] and nothing
//! else. [`FUNCTIONS`] is the permission table: every function with the lowest role allowed to
//! call it. The role is checked here, once, before the function runs, so no caller can forget
//! it; functions that show different fields to different roles check again inside.
//!
//! Each function takes the caller's [`Session`] and a typed input (deserialised from JSON, unknown
//! fields refused), writes the audit log in the same transaction as its changes, and returns a
//! typed output (serialised to JSON). A new area adds its file here (`api/<area>.rs`) and its
//! rows to [`FUNCTIONS`].

mod activities;
mod cases;
mod centre;
mod distribution;
mod distribution_day;
mod exchange;
mod inputs;
mod money;
mod printing;
mod privacy;
mod replicas;
mod rota;
mod security;
mod sign_in;
mod stock;
mod volunteers;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::access::{Role, Session};
use crate::{Db, Error, Result};

use cases::*;
pub use cases::{undo_stopped_imports, PersonRecord, PrintPhoneContacts, IMPORT_CHUNK};
pub use centre::SessionInfo;
use centre::*;
pub use distribution::PrintDistributionSheet;
use distribution::*;
use distribution_day::*;
pub use distribution_day::{DistributionRef, PrintBagLabels, PrintIdCards, PrintPackingList};
use exchange::*;
pub use exchange::{
    exchange_automatic, ExchangeAutomatic, ExchangeFolder, ExchangeOverview, ListConflicts, ResolveConflict,
    SetExchangeFolder,
};
pub use inputs::{Created, NoInput, PrintWeek, WeekInput};
pub use printing::PrintedSheet;
use privacy::*;
pub use privacy::{apply_retention, RetentionDone, SUBJECT_ACCESS_TITLE};
use replicas::*;
pub use replicas::{CreateInvite, RemoveReplica};
use security::*;
pub use security::{RecoveryKey, RECOVERY_SHEET_TITLE};
pub use sign_in::{session_policy, sign_in, Notice, NoticeKind, SessionPolicy};
use stock::*;

use money::*;
pub use money::{
    MoneyExportInput, MoneyFormat, MoneyOverview, MoneyReportInput, MoneyReportView, PeriodInput,
};

pub use activities::Timetable;
use activities::*;
pub use rota::AssignInput;
use rota::*;
pub use volunteers::VolunteerRecord;
use volunteers::*;

/// One function of the API, as listed by `haven-cli commands`.
pub struct ApiFunction {
    /// The name callers use (`dashboard_counts`).
    pub name: &'static str,
    /// The lowest role allowed to call it.
    pub min_role: Role,
    /// Whether it writes anything: data, an audit entry (a view, a print, an export) or a file.
    /// A function that does not (READ) runs read-only: [`call`] refuses its writes.
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
    /// Whether it writes anything (audit entries included); READ functions run read-only.
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
    // Every input is an object of named fields (null: none given). serde would also take a
    // list and fill the fields in order, which no caller means: a path could land in a site.
    let mut input = match input {
        Value::Null => Value::Object(Default::default()),
        Value::Object(_) => input,
        other => {
            let what = match other {
                Value::Array(_) => "a list",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                _ => "true or false",
            };
            return Err(Error::new(
                crate::Code::ApiInputNotObject,
                serde_json::json!({"what": what.to_string()}),
            ));
        }
    };
    // Every text of every input is normalised and bounded in one place, before any area sees it.
    crate::fields::normalise_input(&mut input)?;
    let input: I = serde_json::from_value(input).map_err(|e| {
        Error::new(crate::Code::ApiInputInvalid, serde_json::json!({"detail": e.to_string()}))
    })?;
    let out = f(db, s, input)?;
    serde_json::to_value(out).map_err(|e| {
        Error::new(crate::Code::ApiResultNotEncoded, serde_json::json!({"detail": e.to_string()}))
    })
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

/// Writes nothing at all: runs read-only (see [`call`]).
const READ: bool = false;
/// Writes data, an audit entry or a file (every view of a record that is audited is a WRITE).
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
    function!(create_user, Lead, WRITE, "Add a user with a role and a first passphrase."),
    function!(
        set_user_active,
        Lead,
        WRITE,
        "Let a user sign in or stop them (their passphrase stops opening the database)."
    ),
    function!(
        reset_passphrase,
        Lead,
        WRITE,
        "Give a user a new passphrase (they change it at next sign-in)."
    ),
    function!(change_passphrase, FrontDesk, WRITE, "Change your own passphrase."),
    function!(recovery_key, Lead, WRITE, "The database's recovery key (the view is audited)."),
    function!(print_recovery_sheet, Lead, WRITE, "Save the recovery key sheet as a PDF for the safe."),
    function!(
        export_person_data,
        Coordinator,
        WRITE,
        "Subject access: everything held about a person, as JSON and a printable PDF."
    ),
    function!(erase_person, Lead, WRITE, "Erase a person's identity (the numbers stay); needs confirm."),
    function!(run_retention, Lead, WRITE, "Anonymise closed cases older than the retention period."),
    function!(backup_now, Coordinator, WRITE, "Back the database up now (encrypted, with the key file)."),
    function!(get_security_settings, FrontDesk, READ, "Auto-lock, backup and retention settings."),
    function!(update_security_settings, Lead, WRITE, "Change the auto-lock, backup and retention settings."),
    function!(list_audit_log, Lead, READ, "The audit log, newest first, with filters."),
    function!(
        exchange_folder,
        Coordinator,
        WRITE,
        "Exchange changes with the other replicas through a folder (send, apply, acknowledge)."
    ),
    function!(
        exchange_overview,
        Coordinator,
        READ,
        "The Exchange screen: the centre's replicas, this computer's automatic folder, the last exchange."
    ),
    function!(
        set_exchange_folder,
        Coordinator,
        WRITE,
        "Set this computer's automatic exchange folder and minutes ('' turns it off)."
    ),
    function!(
        exchange_automatic,
        FrontDesk,
        WRITE,
        "Exchange through this computer's automatic folder now (or only when due), if one is set."
    ),
    function!(list_conflicts, Coordinator, READ, "Changes that lost to a concurrent one, side by side."),
    function!(
        resolve_conflict,
        Coordinator,
        WRITE,
        "Resolve a conflict: keep the winner, or take the other version (a new change)."
    ),
    function!(
        verify_audit_log,
        Lead,
        WRITE,
        "Check the audit log's hash chain for edited or deleted entries."
    ),
    // The centre's replicas: the computers that exchange its data.
    function!(
        list_replicas,
        Coordinator,
        READ,
        "The centre's replicas: each computer, its site and code tag."
    ),
    function!(
        remove_replica,
        Lead,
        WRITE,
        "Remove a lost or retired computer's replica: its bundles are refused from then on."
    ),
    function!(
        create_invite,
        Lead,
        WRITE,
        "Write a join file for a new computer at a site; returns its one-time code."
    ),
    // The case book.
    function!(search_people, FrontDesk, READ, "Find people by any name or code, with filters."),
    function!(find_duplicates, FrontDesk, READ, "People already registered who may be the person described."),
    function!(create_person, FrontDesk, WRITE, "Register a person."),
    function!(
        get_person,
        FrontDesk,
        WRITE,
        "A person's record (what the role may see); the view is audited."
    ),
    function!(update_person, Coordinator, WRITE, "Change a person's details."),
    function!(set_person_status, Coordinator, WRITE, "Set a person's case status."),
    function!(
        record_consent,
        FrontDesk,
        WRITE,
        "Record today that a person agreed to the centre keeping their data."
    ),
    function!(transfer_person, Coordinator, WRITE, "Move a person to another site (their code stays)."),
    function!(
        list_possible_duplicates,
        Coordinator,
        READ,
        "Pairs of records that may be one person registered twice, with why, for review."
    ),
    function!(
        merge_people,
        Coordinator,
        WRITE,
        "Merge a person registered twice: keep one record, the other marked merged into it."
    ),
    function!(
        dismiss_duplicate,
        Coordinator,
        WRITE,
        "Record that two records that look alike are two people (not asked again)."
    ),
    function!(list_arrivals, FrontDesk, READ, "People moved to a site from another, until met there."),
    function!(mark_arrival_met, FrontDesk, WRITE, "Mark someone moved from another site as met here."),
    function!(join_household, FrontDesk, WRITE, "Put a person in another person's household."),
    function!(leave_household, Coordinator, WRITE, "Take a person out of their household."),
    function!(set_flag, FrontDesk, WRITE, "Set a flag on a person (safeguarding and medical: coordinators)."),
    function!(
        clear_flag,
        FrontDesk,
        WRITE,
        "Clear a flag set by hand (safeguarding and medical: coordinators)."
    ),
    function!(add_note, Coordinator, WRITE, "Add a note to a person's case."),
    function!(list_partners, Coordinator, READ, "Partner organisations for referrals."),
    function!(save_partner, Lead, WRITE, "Add or change a partner organisation."),
    function!(create_referral, Coordinator, WRITE, "Refer a person to a partner organisation."),
    function!(update_referral, Coordinator, WRITE, "Change a referral's status, follow-up date or outcome."),
    function!(overdue_follow_ups, Coordinator, READ, "Open referrals whose follow-up date has passed."),
    function!(issue_phone, Coordinator, WRITE, "Record a phone issued to a person."),
    function!(return_phone, Coordinator, WRITE, "Record a phone as given back or lost."),
    function!(
        phone_contact_list,
        Coordinator,
        WRITE,
        "Everyone holding a centre phone now, with the numbers."
    ),
    function!(
        print_phone_contacts,
        Coordinator,
        WRITE,
        "Print the emergency contact list of the phones held now."
    ),
    function!(save_uk_arrival, Coordinator, WRITE, "Save a person's UK arrivals checklist."),
    function!(
        preview_import,
        Coordinator,
        READ,
        "The columns and first rows of a file to import, with the suggested mapping."
    ),
    function!(
        import_people,
        Coordinator,
        WRITE,
        "Import people from a CSV or workbook: all rows or none; dry run to check."
    ),
    function!(export_people, Coordinator, WRITE, "Write the people a search finds to a CSV or Excel file."),
    // Stock and the weekly distribution.
    function!(stock_overview, FrontDesk, READ, "Catalogue, locations, balances, expiring and low stock."),
    function!(stock_balances, FrontDesk, READ, "Stock balances per location, item and size."),
    function!(save_item, Coordinator, WRITE, "Add or change a catalogue item."),
    function!(save_location, Coordinator, WRITE, "Add or change a stock location."),
    function!(set_threshold, Coordinator, WRITE, "Set an item's low-stock threshold at a site."),
    function!(receive_stock, Coordinator, WRITE, "Record stock received: a donation or a purchase."),
    function!(
        transfer_stock,
        Coordinator,
        WRITE,
        "Move stock between locations (to another site: in transit until that site receives it)."
    ),
    function!(stock_transits, FrontDesk, READ, "Stock on its way between sites, and what arrived lately."),
    function!(receive_transfer, Coordinator, WRITE, "Confirm that stock sent from another site arrived."),
    function!(adjust_stock, Coordinator, WRITE, "Record damaged, expired, lost or found stock."),
    function!(start_stock_take, Coordinator, WRITE, "Start a stock-take of a location."),
    function!(get_stock_take, Coordinator, READ, "A stock-take with its lines."),
    function!(enter_counts, Coordinator, WRITE, "Enter counted quantities on a stock-take."),
    function!(finalise_stock_take, Coordinator, WRITE, "Finalise a stock-take into corrections."),
    function!(cancel_stock_take, Coordinator, WRITE, "Cancel an open stock-take."),
    function!(list_rules, FrontDesk, READ, "The allowance rules."),
    function!(save_rule, Coordinator, WRITE, "Add or change an allowance rule."),
    function!(list_distributions, FrontDesk, READ, "Distributions, newest first."),
    function!(create_distribution, Coordinator, WRITE, "Create a distribution (location, day, type)."),
    function!(set_distribution_status, Coordinator, WRITE, "Open or close a distribution."),
    function!(distribution_plan, FrontDesk, READ, "Eligible households, allowances and shortfalls."),
    function!(distribution_desk, FrontDesk, READ, "A distribution's counters and collections."),
    function!(household_allowance, FrontDesk, WRITE, "A household's allowance at a distribution."),
    function!(
        desk_lookup,
        FrontDesk,
        READ,
        "The people a code or name typed at a distribution's desk may mean."
    ),
    function!(record_collection, FrontDesk, WRITE, "Record a household's collection."),
    function!(reverse_collection, Coordinator, WRITE, "Reverse a mistaken collection."),
    function!(
        undo_own_collection,
        FrontDesk,
        WRITE,
        "Undo a collection you recorded, within minutes of recording it, with a reason."
    ),
    function!(set_nappy_size, FrontDesk, WRITE, "Record a baby's nappy size."),
    function!(print_distribution_sheet, Coordinator, WRITE, "Print a distribution's sign-up sheet."),
    function!(
        print_id_cards,
        FrontDesk,
        WRITE,
        "Print ID cards (one person, a site, or new since a day); each print issues a new card number."
    ),
    function!(
        packing_list,
        Coordinator,
        READ,
        "A distribution's packing list: totals per item and size with stock and shortfall, and each household's bag."
    ),
    function!(
        print_packing_list,
        Coordinator,
        WRITE,
        "Write a distribution's packing list as PDF, CSV or Excel."
    ),
    function!(
        print_bag_labels,
        FrontDesk,
        WRITE,
        "Print a label per household to collect (21 or 24 to a sheet): code, names, the bag's items."
    ),
    function!(
        distribution_after,
        Coordinator,
        READ,
        "After the day: eligible households who did not come (with a phone where allowed), requested against given."
    ),
    function!(stock_reports, Coordinator, READ, "Stock and distribution reports."),
    function!(export_report, Coordinator, WRITE, "Write a stock or distribution report to CSV or Excel."),
    function!(stock_chart, FrontDesk, READ, "Stock and distributions per week, for the Dashboard."),
    // Volunteers and DBS checks. DBS detail and volunteer notes: coordinators and leads.
    function!(list_volunteers, Coordinator, READ, "Volunteers with their DBS status today (no DBS detail)."),
    function!(
        get_volunteer,
        Coordinator,
        WRITE,
        "A volunteer's record with notes and DBS checks; the view is audited."
    ),
    function!(save_volunteer, Coordinator, WRITE, "Add a volunteer or change their details."),
    function!(
        import_volunteers,
        Coordinator,
        WRITE,
        "Import applications from the interest form's export (CSV or workbook): all rows or none."
    ),
    function!(record_references, Coordinator, WRITE, "Record that a volunteer's references were received."),
    function!(
        set_volunteer_status,
        Coordinator,
        WRITE,
        "Move a volunteer to applied, approved, active or left."
    ),
    function!(add_dbs_check, Coordinator, WRITE, "Record a DBS check seen for a volunteer."),
    function!(record_dbs_status_check, Coordinator, WRITE, "Record an Update Service status check."),
    function!(
        check_issuers,
        Coordinator,
        READ,
        "The issuers of criminal-record checks: levels, number formats, what each asks."
    ),
    function!(
        add_check,
        Coordinator,
        WRITE,
        "Record a check of any issuer (DBS, Disclosure Scotland, PVG, AccessNI, ICPC, another country)."
    ),
    function!(
        record_risk_assessment,
        Coordinator,
        WRITE,
        "Record a coordinator's risk assessment of a check (restricted)."
    ),
    function!(
        mark_pvg_leaver_notified,
        Coordinator,
        WRITE,
        "Mark Disclosure Scotland as told that a PVG volunteer who left no longer works here."
    ),
    function!(dbs_due, Coordinator, READ, "Volunteers whose DBS check is missing, expired or expiring soon."),
    function!(
        get_dbs_policy,
        Coordinator,
        READ,
        "The DBS policy: recheck period, Update Service, expiring soon."
    ),
    function!(update_dbs_policy, Lead, WRITE, "Change the DBS policy."),
    function!(
        get_volunteer_info,
        Coordinator,
        READ,
        "The volunteer information sheet's texts (English, French) and the sites' addresses."
    ),
    function!(update_volunteer_info, Coordinator, WRITE, "Change the volunteer information sheet."),
    function!(
        print_volunteer_info,
        Coordinator,
        WRITE,
        "Print the volunteer information sheet for a site, in English or French."
    ),
    // The rota: the front desk reads the week; shifts and the printed roster, coordinators.
    function!(rota_week, FrontDesk, READ, "A site's rota for a week: shifts, names with DBS marks, gaps."),
    function!(create_shift, Coordinator, WRITE, "Add a shift to the rota."),
    function!(delete_shift, Coordinator, WRITE, "Remove a shift from the rota."),
    function!(
        assign_volunteer,
        Coordinator,
        WRITE,
        "Put a volunteer on a shift (refused when a rule says no)."
    ),
    function!(unassign_volunteer, Coordinator, WRITE, "Take a volunteer off a shift."),
    function!(print_roster, Coordinator, WRITE, "Print a site's weekly roster with DBS marks."),
    // The activity timetable.
    function!(timetable, FrontDesk, READ, "A site's activity sessions in a week, with sign-ups."),
    function!(list_sessions, FrontDesk, READ, "The recurring weekly activity sessions."),
    function!(save_session, Coordinator, WRITE, "Add or change a recurring activity session."),
    function!(set_session_exception, Coordinator, WRITE, "Cancel or move one week's session, or undo that."),
    function!(session_sign_ups, FrontDesk, READ, "The people signed up to a session, with attendance."),
    function!(sign_up, FrontDesk, WRITE, "Sign a person up to a session (refused when full)."),
    function!(cancel_sign_up, FrontDesk, WRITE, "Take a person off a session."),
    function!(record_attendance, FrontDesk, WRITE, "Record whether a signed-up person came."),
    function!(print_activity_sheet, FrontDesk, WRITE, "Print the sign-up and attendance sheet of a week."),
    // The centre's money: nothing for the front desk; coordinators record, leads decide.
    function!(
        money_overview,
        Coordinator,
        READ,
        "Funds with balances, donors, money in and out, claims, by month."
    ),
    function!(save_fund, Lead, WRITE, "Add or change a fund (restricted funds name what they may pay for)."),
    function!(save_donor, Coordinator, WRITE, "Add or change a donor (name, house, postcode, thanks)."),
    function!(record_income, Coordinator, WRITE, "Record money in: a donation, a grant or other income."),
    function!(
        record_payment,
        Coordinator,
        WRITE,
        "Record a payment from a fund (refused when the fund may not pay for it)."
    ),
    function!(transfer_funds, Lead, WRITE, "Move money between funds, with a reason."),
    function!(
        submit_claim,
        Coordinator,
        WRITE,
        "Submit your expense claim: costs and mileage at HMRC rates."
    ),
    function!(approve_claim, Lead, WRITE, "Approve someone else's expense claim."),
    function!(pay_claim, Lead, WRITE, "Pay an approved expense claim from a fund."),
    function!(
        money_report,
        Lead,
        READ,
        "A money report: CC16 by fund, where the money went, Gift Aid, travel."
    ),
    function!(export_money_report, Lead, WRITE, "Write a money report to CSV, Excel or PDF."),
];

/// Looks a function up by name.
pub fn function(name: &str) -> Option<&'static ApiFunction> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

/// Who is signed in, the centre, its sites and the functions the user may call. It sits beside
/// the table it lists, so no area's API file depends on the table.
fn session_info(db: &Db, s: &Session, _: NoInput) -> Result<SessionInfo> {
    let mut info = about_session(db, s)?;
    info.functions = callable_by(s).map(|f| f.name.to_string()).collect();
    Ok(info)
}

/// The functions `session`'s role may call (what `session_info` lists for the UI).
pub fn callable_by(session: &Session) -> impl Iterator<Item = &'static ApiFunction> + '_ {
    FUNCTIONS.iter().filter(move |f| session.role >= f.min_role)
}

/// Runs the API function `name` for `session` with JSON `input`, returning its JSON output.
///
/// Unknown names are `NotFound`, a role below the function's minimum is `Forbidden` (and the
/// function does not run), input of the wrong shape is `Validation`. A function marked READ
/// runs under [`Db::read_only`]: any write it tried would fail as `Internal`.
pub fn call(db: &Db, session: &Session, name: &str, input: Value) -> Result<Value> {
    let f = function(name).ok_or_else(|| {
        Error::new(crate::Code::ApiFunctionUnknown, serde_json::json!({"name": name.to_string()}))
    })?;
    dispatch(f, db, session, input)
}

/// Imports people as `import_people` does (the same role check, the same chunks), calling
/// `progress(written, total)` after each chunk: the CLI prints it.
pub fn import_people_with_progress(
    db: &Db,
    session: &Session,
    input: crate::cases::import::ImportRequest,
    progress: impl FnMut(usize, usize),
) -> Result<crate::cases::import::ImportReport> {
    check_role(session, "import_people")?;
    run_import(db, session, input, progress)
}

/// The role check `call` makes for function `name`, for the entry points beside it.
fn check_role(session: &Session, name: &str) -> Result<()> {
    let f = function(name).ok_or_else(|| {
        Error::new(crate::Code::ApiFunctionUnknown, serde_json::json!({"name": name.to_string()}))
    })?;
    session.require(f.min_role, &f.summary.trim_end_matches('.').to_lowercase())
}

/// The input key (`"check_only": true`) that asks one of the [`CHECKABLE`] functions to check
/// its input and write nothing. The window uses it when it has found a problem itself (a date
/// that does not exist, a part of a date missing): it sends the form without that value, and
/// shows its own problem and every problem the core finds in the rest of the form at once.
pub const CHECK_ONLY: &str = "check_only";

/// The functions that can [`CHECK_ONLY`]: the forms whose dates are typed in parts. Each writes
/// through [`Db::write`] only (no file), which rolls back while checking.
pub const CHECKABLE: &[&str] =
    &["create_person", "update_person", "save_volunteer", "add_check", "receive_stock"];

/// Runs `f` after its role check; READ functions under [`Db::read_only`]; an input with
/// [`CHECK_ONLY`] under [`Db::checking_only`], answering `{"checked": true}` when the checks
/// passed (nothing is written either way).
fn dispatch(f: &ApiFunction, db: &Db, session: &Session, mut input: Value) -> Result<Value> {
    session.require(f.min_role, &f.summary.trim_end_matches('.').to_lowercase())?;
    let check_only = input.as_object_mut().and_then(|m| m.remove(CHECK_ONLY)).is_some_and(|v| v == true);
    if check_only {
        if !CHECKABLE.contains(&f.name) {
            return Err(Error::new(crate::Code::ApiCheckOnlyNotAForm, serde_json::json!({"name": f.name})));
        }
        return match db.checking_only(|| (f.run)(db, session, input)) {
            Ok(_) => Ok(serde_json::json!({"checked": true})),
            Err(e) if e.code() == crate::Code::DatabaseCheckedOnly => {
                Ok(serde_json::json!({"checked": true}))
            }
            Err(e) => Err(e),
        };
    }
    if f.writes {
        (f.run)(db, session, input)
    } else {
        // The table's mark is enforced, not trusted: a READ function that tried to write
        // (an audit entry included) fails instead of writing.
        db.read_only(f.name, || (f.run)(db, session, input))
    }
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
    fn a_read_function_that_writes_is_stopped_and_writes_nothing() -> Result<()> {
        let dir = tempfile::tempdir()?;
        let db = Db::create(&crate::db_path(dir.path()), crate::seed::DEMO_PASSPHRASE)?;
        crate::seed::seed_demo(&db, 5, 1)?;
        let lead =
            db.read(|c| crate::access::users::first_lead(c).map(|u| crate::access::users::session_for(&u)))?;
        let audit =
            || db.read(|c| Ok(c.query_row("SELECT count(*) FROM audit_log", [], |r| r.get::<_, i64>(0))?));
        let before = audit()?;
        // phone_contact_list audits the view: the same function wrongly marked READ.
        let mismarked =
            function!(phone_contact_list, Coordinator, READ, "The phone list, marked READ by mistake.");
        let err = dispatch(&mismarked, &db, &lead, Value::Null).err();
        assert!(
            matches!(&err, Some(e) if e.kind() == crate::ErrorKind::Internal && e.to_string().contains("phone_contact_list")),
            "a READ function's write must fail as internal, naming it: {err:?}"
        );
        assert_eq!(audit()?, before, "nothing may be written");
        // Correctly marked, it runs and audits.
        let marked = function!(phone_contact_list, Coordinator, WRITE, "The phone list.");
        dispatch(&marked, &db, &lead, Value::Null)?;
        assert_eq!(audit()?, before + 1, "the WRITE function audits its view");
        Ok(())
    }

    #[test]
    fn every_function_has_an_input_schema() {
        for f in FUNCTIONS {
            let info = f.info();
            assert!(info.input.is_object(), "{} has no input schema", f.name);
        }
    }
}
