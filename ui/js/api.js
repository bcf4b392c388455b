// The only module that talks to the Rust side. One function per command and per core API
// function; every failure becomes an ApiError with {kind, message, field}. The native file
// dialogs and the system viewer (Tauri's dialog and opener plugins) are reached from here too.

const tauri = window.__TAURI__;

/** An error from Haven's core: kind is one of validation, not_found, conflict, forbidden,
 * locked, internal. */
export class ApiError extends Error {
  constructor({ kind = 'internal', message = 'Something went wrong.', field = null } = {}) {
    super(message);
    this.kind = kind;
    this.field = field;
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
export const unlock = (username, passphrase) => invoke('unlock', { username, passphrase });
export const lock = () => invoke('lock');

// Core API (see `haven-cli commands`).
export const sessionInfo = () => call('session_info');
export const dashboardCounts = () => call('dashboard_counts');
export const listSites = () => call('list_sites');
export const createSite = (site) => call('create_site', site);
export const updateSite = (site, values) => call('update_site', { site, ...values });
export const getSettings = () => call('get_settings');
export const updateSettings = (settings) => call('update_settings', settings);
export const listUsers = () => call('list_users');
export const createUser = (user) => call('create_user', user);
export const listAuditLog = (query = {}) => call('list_audit_log', query);

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
export const printPhoneContacts = (path, site = null) => call('print_phone_contacts', { path, site });

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
export const recordCollection = (distribution, person, takeAvailable = false) =>
  call('record_collection', { distribution, person, take_available: takeAvailable });
export const reverseCollection = (id, reason) => call('reverse_collection', { id, reason });
export const printDistributionSheet = (distribution, sort, path) => call('print_distribution_sheet', { distribution, sort, path });
export const stockReports = (query) => call('stock_reports', query);
export const exportReport = (request) => call('export_report', request);
export const stockChart = (query = {}) => call('stock_chart', query);

// Native dialogs and the system viewer.

async function plugin(run) {
  if (!tauri) throw new ApiError({ kind: 'internal', message: 'Haven must be opened as the desktop app.' });
  try {
    return await run();
  } catch (e) {
    throw new ApiError({ kind: 'internal', message: String(e && e.message ? e.message : e) });
  }
}

/** The system's "open file" dialog. `filters`: [{name, extensions: ['csv', ...]}]. Returns the
 * chosen path, or null if the person cancelled. */
export const chooseFile = (title, filters) =>
  plugin(() => tauri.dialog.open({ title, filters, multiple: false, directory: false }));

/** The system's "save as" dialog, starting at `defaultPath` (a file name). Returns the chosen
 * path, or null if the person cancelled. */
export const chooseSavePath = (title, defaultPath, filters) =>
  plugin(() => tauri.dialog.save({ title, defaultPath, filters }));

/** Opens a PDF file Haven wrote in the system viewer. */
export const openPath = (path) => plugin(() => tauri.opener.openPath(path));
