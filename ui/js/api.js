// The only module that talks to the Rust side. One function per command and per core API
// function; every failure becomes an ApiError with {kind, message, field}.

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
