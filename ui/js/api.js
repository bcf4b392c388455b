// The only module that talks to the Rust side. One function per command and per core API
// function; every failure becomes an ApiError with {kind, message, field, code, params,
// problems}. The native file dialogs and the system viewer (Tauri's dialog and opener plugins)
// are reached from here too.

import { errorText } from './i18n.js';

// Printed sheets take the window's language: a sheet prints in the words the person reads.
import { language } from './i18n.js';

const tauri = window.__TAURI__;

/** An error from Haven's core: kind is one of validation, not_found, conflict, forbidden,
 * locked, internal, confirm (nothing done yet: the same call with the flag named in `field`
 * set to true goes ahead once the person has confirmed). `code` and `params` name what went
 * wrong; `message` is it worded in the window's language (`error.<code>`), `english` the
 * core's own text. `problems` lists every problem of a form ({field, code, params, message,
 * text}: `text` in the window's language), empty for an error about no field. */
export class ApiError extends Error {
  constructor({ kind = 'internal', message = 'Something went wrong.', field = null, code = null, params = {}, problems = [] } = {}) {
    super(errorText({ code, params, message }));
    this.kind = kind;
    this.field = field;
    this.code = code;
    this.params = params;
    this.english = message;
    this.problems = (problems || []).map((p) => ({ ...p, text: errorText(p) }));
  }
}

async function invoke(cmd, args = {}) {
  if (!tauri || !tauri.core) {
    throw new ApiError({ kind: 'internal', message: 'Haven must be opened as the desktop app.' });
  }
  try {
    return await tauri.core.invoke(cmd, args);
  } catch (e) {
    if (e && typeof e === 'object' && 'kind' in e) throw new ApiError(e);
    throw new ApiError({ kind: 'internal', message: String(e) });
  }
}

/** Runs one function of the core API as the signed-in user. */
function call(name, input = {}) {
  return invoke('call', { name, input });
}

// App life cycle.
export const appStatus = () => invoke('app_status');
export const setupCentre = (input) => invoke('setup_centre', { input });
/** First run on a computer joining a centre: the join file, its one-time code, the user who
 * signs in here (null: the lead who made the file) and their passphrase on this computer. */
export const joinCentre = (file, code, username, passphrase) => invoke('join_centre', { file, code, username, passphrase });
export const unlock = (username, passphrase) => invoke('unlock', { username, passphrase });
export const lock = () => invoke('lock');
/** Restores a backup over the database (a lead); Haven is locked afterwards. */
export const restoreBackup = (path) => invoke('restore_backup', { path });

// Core API (see `haven-cli commands`).
export const sessionInfo = () => call('session_info');
/** The Dashboard's counts at one site (a code), or the whole centre (null). */
export const dashboardCounts = (site = null) => call('dashboard_counts', { site });
/** People moved to `site` (code; null: every site) from another, until met there. */
export const listArrivals = (site = null) => call('list_arrivals', { site });
export const markArrivalMet = (id) => call('mark_arrival_met', { id });
export const listSites = () => call('list_sites');
export const createSite = (site) => call('create_site', site);
export const updateSite = (site, values) => call('update_site', { site, ...values });
export const getSettings = () => call('get_settings');
export const updateSettings = (settings) => call('update_settings', settings);
export const listUsers = () => call('list_users');
export const createUser = (user) => call('create_user', user);
export const listAuditLog = (query = {}) => call('list_audit_log', query);
export const backupNow = (path = null) => call('backup_now', { path });
export const verifyAuditLog = () => call('verify_audit_log');
export const setUserActive = (username, active) => call('set_user_active', { username, active });
export const resetPassphrase = (username, passphrase) => call('reset_passphrase', { username, passphrase });
export const changePassphrase = (current, next) => call('change_passphrase', { current, new: next });
export const printRecoverySheet = (path) => call('print_recovery_sheet', { path, language: language() });
export const getSecuritySettings = () => call('get_security_settings');
export const updateSecuritySettings = (settings) => call('update_security_settings', settings);

// The case book.
export const searchPeople = (query) => call('search_people', query);
export const findDuplicates = (details) => call('find_duplicates', details);
export const createPerson = (person) => call('create_person', person);
export const getPerson = (id) => call('get_person', { id });
export const updatePerson = (id, details) => call('update_person', { id, ...details });
export const setPersonStatus = (id, status) => call('set_person_status', { id, status });
export const recordConsent = (id) => call('record_consent', { id });
export const transferPerson = (id, site) => call('transfer_person', { id, site });
export const joinHousehold = (person, withPerson, relationship = null) =>
  call('join_household', { person, with_person: withPerson, relationship });
export const leaveHousehold = (person) => call('leave_household', { person });
export const setFlag = (flag) => call('set_flag', flag);
export const clearFlag = (person, kind) => call('clear_flag', { person, kind });
export const addNote = (note) => call('add_note', note);
export const listPartners = () => call('list_partners');
export const savePartner = (partner) => call('save_partner', partner);
export const createReferral = (referral) => call('create_referral', referral);
export const updateReferral = (referral) => call('update_referral', referral);
export const overdueFollowUps = (limit = null) => call('overdue_follow_ups', { limit });
export const issuePhone = (phone) => call('issue_phone', phone);
export const returnPhone = (id, lost = false, on = null) => call('return_phone', { id, lost, on });
export const phoneContactList = (site = null) => call('phone_contact_list', { site });
export const saveUkArrival = (checklist) => call('save_uk_arrival', checklist);
export const exportPersonData = (id, jsonPath, pdfPath) => call('export_person_data', { id, json_path: jsonPath, pdf_path: pdfPath, language: language() });
export const erasePerson = (id) => call('erase_person', { id, confirm: true });
export const printPhoneContacts = (path, site = null) => call('print_phone_contacts', { path, site, language: language() });

// Spreadsheets in and out.
export const previewImport = (path) => call('preview_import', { path });
/** `request`: {path, mapping, dry_run, site, on_duplicate}. */
export const importPeople = (request) => call('import_people', request);
/** `query`: the People list's search and filters; `format`: 'csv' or 'xlsx'. */
export const exportPeople = (query, format, path) => call('export_people', { query, format, path });

// Stock and the weekly distribution.
export const stockOverview = (site = null) => call('stock_overview', { site });
export const stockBalances = (site = null) => call('stock_balances', { site });
export const receiveStock = (receipt) => call('receive_stock', receipt);
export const saveItem = (item) => call('save_item', item);
export const saveLocation = (location) => call('save_location', location);
export const setThreshold = (threshold) => call('set_threshold', threshold);
export const transferStock = (transfer) => call('transfer_stock', transfer);
/** Confirms that stock sent from another site arrived (`transfer`: the id transfer_stock gave). */
export const receiveTransfer = (transfer) => call('receive_transfer', { transfer });
export const adjustStock = (adjustment) => call('adjust_stock', adjustment);
export const startStockTake = (location) => call('start_stock_take', { location });
export const getStockTake = (id) => call('get_stock_take', { id });
export const enterCounts = (id, counts) => call('enter_counts', { id, counts });
export const finaliseStockTake = (id) => call('finalise_stock_take', { id });
export const cancelStockTake = (id) => call('cancel_stock_take', { id });
export const listRules = () => call('list_rules');
export const saveRule = (rule) => call('save_rule', rule);
export const listDistributions = (site = null) => call('list_distributions', { site });
export const createDistribution = (d) => call('create_distribution', d);
export const setDistributionStatus = (id, open) => call('set_distribution_status', { id, open });
export const distributionPlan = (id, sort = 'family_name') => call('distribution_plan', { id, sort });
export const distributionDesk = (id) => call('distribution_desk', { id });
/** The people a code or name typed at the desk may mean (at most 10). */
export const deskLookup = (distribution, query) => call('desk_lookup', { distribution, query });
/** `confirmOtherSite`: serve someone registered at another site (asked first: the core refuses
 * it with a `confirm` error until then). */
export const recordCollection = (distribution, person, takeAvailable = false, confirmOtherSite = false) =>
  call('record_collection', { distribution, person, take_available: takeAvailable, confirm_other_site: confirmOtherSite });
/** `size`: one of the catalogue's nappy sizes, or null for "by age". */
export const setNappySize = (person, size) => call('set_nappy_size', { person, size });
export const reverseCollection = (id, reason) => call('reverse_collection', { id, reason });
/** Undoes a collection the signed-in user recorded a few minutes ago (any role), with a reason. */
export const undoOwnCollection = (id, reason) => call('undo_own_collection', { id, reason });
export const printDistributionSheet = (distribution, sort, path) => call('print_distribution_sheet', { distribution, sort, path, language: language() });
export const printIdCards = (person, site, path) => call('print_id_cards', { person, site, path, language: language() });
export const printPackingList = (distribution, path) => call('print_packing_list', { distribution, path, language: language() });
export const printBagLabels = (distribution, perPage, path) => call('print_bag_labels', { distribution, per_page: perPage, path, language: language() });
export const distributionAfter = (distribution) => call('distribution_after', { distribution });
export const stockReports = (query) => call('stock_reports', query);
export const exportReport = (request) => call('export_report', request);
export const stockChart = (query = {}) => call('stock_chart', query);
// Volunteers, DBS checks and the rota.
export const listVolunteers = (query = {}) => call('list_volunteers', query);
export const getVolunteer = (id) => call('get_volunteer', { id });
/** `volunteer`: the details, with `id` to change an existing volunteer. */
export const saveVolunteer = (volunteer) => call('save_volunteer', volunteer);
export const setVolunteerStatus = (id, status) => call('set_volunteer_status', { id, status });
export const addDbsCheck = (check) => call('add_dbs_check', check);
export const recordDbsStatusCheck = (id, checkedOn = null) => call('record_dbs_status_check', { id, checked_on: checkedOn });
export const dbsDue = () => call('dbs_due');
/** The issuers of criminal-record checks: levels, number formats, what each form asks. */
export const checkIssuers = () => call('check_issuers');
/** `check`: a check of any issuer (the fields of `add_check`). */
export const addCheck = (check) => call('add_check', check);
export const recordRiskAssessment = (id, note) => call('record_risk_assessment', { id, note });
export const markPvgLeaverNotified = (id) => call('mark_pvg_leaver_notified', { id });
export const recordReferences = (id) => call('record_references', { id, received_on: null });
export const importVolunteers = (path, dryRun) => call('import_volunteers', { path, dry_run: dryRun });
export const getVolunteerInfo = () => call('get_volunteer_info');
/** `info`: the sheet's texts (`en`, `fr`) and the sites' `addresses`. */
export const updateVolunteerInfo = (info) => call('update_volunteer_info', info);
export const printVolunteerInfo = (site, language, path) => call('print_volunteer_info', { site, language, path });
export const getDbsPolicy = () => call('get_dbs_policy');
export const updateDbsPolicy = (policy) => call('update_dbs_policy', policy);
export const rotaWeek = (site, week = null) => call('rota_week', { site, week });
export const createShift = (shift) => call('create_shift', shift);
export const deleteShift = (id) => call('delete_shift', { id });
export const assignVolunteer = (shift, volunteer) => call('assign_volunteer', { shift, volunteer });
export const unassignVolunteer = (shift, volunteer) => call('unassign_volunteer', { shift, volunteer });
export const printRoster = (site, week, path) => call('print_roster', { site, week, path, language: language() });

// The activity timetable.
export const timetable = (site, week = null) => call('timetable', { site, week });
export const listSessions = (site = null) => call('list_sessions', { site });
export const saveSession = (session) => call('save_session', session);
/** `exception`: {session, on_date, kind: 'cancelled' | 'moved' | null, moved_to, starts_at, ends_at, place, reason}. */
export const setSessionException = (exception) => call('set_session_exception', exception);
export const sessionSignUps = (session, onDate) => call('session_sign_ups', { session, on_date: onDate });
export const signUp = (session, onDate, person) => call('sign_up', { session, on_date: onDate, person });
export const cancelSignUp = (session, onDate, person) => call('cancel_sign_up', { session, on_date: onDate, person });
export const recordAttendance = (session, onDate, person, attended) =>
  call('record_attendance', { session, on_date: onDate, person, attended });
export const printActivitySheet = (site, week, path, session = null) =>
  call('print_activity_sheet', { site, week, path, session, language: language() });

// The centre's money (leads and coordinators; the core checks every role).
export const moneyOverview = () => call('money_overview');
/** `fund`: {name, restricted, purpose, categories}, with `id` to change a fund (leads). */
export const saveFund = (fund) => call('save_fund', fund);
export const saveDonor = (donor) => call('save_donor', donor);
/** Amounts in pence or cents; euros with the `rate` used (pounds for one euro, as typed). */
export const recordIncome = (income) => call('record_income', income);
export const recordPayment = (payment) => call('record_payment', payment);
export const transferFunds = (transfer) => call('transfer_funds', transfer);
export const submitClaim = (claim) => call('submit_claim', claim);
export const approveClaim = (id) => call('approve_claim', { id });
export const payClaim = (id, fund = null) => call('pay_claim', { id, fund });
export const moneyReport = (report, from = null, to = null) => call('money_report', { report, from, to, language: language() });
export const exportMoneyReport = (report, from, to, format, path) =>
  call('export_money_report', { report, from, to, format, path, language: language() });

// Exchange between the centre's computers.
export const exchangeOverview = () => call('exchange_overview', {});
export const exchangeFolder = (dir) => call('exchange_folder', { dir });
/** This computer's automatic folder ('' turns it off) and minutes between exchanges. */
export const setExchangeFolder = (dir, minutes) => call('set_exchange_folder', { dir, minutes });
/** The automatic exchange now, or (`dueOnly`) only when its minutes have passed. */
export const exchangeAutomatic = (dueOnly) => call('exchange_automatic', { due_only: dueOnly });
export const listConflicts = (all = false) => call('list_conflicts', { all });
/** `choice`: 'keep' or 'take_other'. */
export const resolveConflict = (id, choice) => call('resolve_conflict', { id, choice });
export const removeReplica = (replica) => call('remove_replica', { replica });
export const listPossibleDuplicates = () => call('list_possible_duplicates', {});
export const mergePeople = (keep, merged) => call('merge_people', { keep, merged, confirm: true });
export const dismissDuplicate = (first, second) => call('dismiss_duplicate', { first, second });
export const createInvite = (site, path) => call('create_invite', { site, path });

// Native dialogs and the system viewer.

async function plugin(run) {
  if (!tauri) throw new ApiError({ kind: 'internal', message: 'Haven must be opened as the desktop app.' });
  try {
    return await run();
  } catch (e) {
    throw new ApiError({ kind: 'internal', message: String(e && e.message ? e.message : e) });
  }
}

/** The system's "open file" dialog, with the options `openDialog` (dialogs.js) builds for its
 * purpose. Returns the chosen path, or null if the person cancelled. */
export const chooseFile = (options) => plugin(() => tauri.dialog.open(options));

/** The system's "save as" dialog, with the options `saveDialog` (dialogs.js) builds for its
 * purpose (title, suggested file name, file kinds). Returns the chosen path, or null if the
 * person cancelled. */
export const chooseSavePath = (options) => plugin(() => tauri.dialog.save(options));

/** Opens a PDF file Haven wrote in the system viewer. */
export const openPath = (path) => plugin(() => tauri.opener.openPath(path));
