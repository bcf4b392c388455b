// Start-up: load the language, ask the core where we are (setup, locked, unlocked) and show
// the right screen.

import * as api from './api.js';
import { init as initI18n } from './i18n.js';
import { h, replace } from './dom.js';
import { showSetup } from './screens/setup.js';
import { showUnlock } from './screens/unlock.js';
import { showShell } from './screens/shell.js';
import { showMustChange } from './screens/passphrase.js';

const root = document.getElementById('app');

/** Whether this document has shown a signed-in user's screens. */
let signedInHere = false;

/**
 * Starts a new document at the bare address (no screen in the hash). Every module's state, every
 * screen, form, list and cached answer goes with the old document, so nothing a user saw or
 * typed survives into the next user's session, whichever screen or module held it.
 */
function reloadBlank() {
  history.replaceState(null, '', location.pathname + location.search);
  location.reload();
}

/** Shows the screen the app's state calls for. Screens call it again after a change. */
export async function route() {
  let status;
  try {
    status = await api.appStatus();
  } catch (err) {
    replace(root, h('div', { class: 'panel' }, h('h1', {}, 'Haven'), h('p', { class: 'field-error' }, err.message)));
    return;
  }
  // Locked after a session in this document (by hand, after the idle time, after a restore, or
  // found locked by a call): sign-in starts from a fresh document, never over the last screen.
  if (status.phase === 'locked' && signedInHere) {
    replace(root);
    reloadBlank();
    return;
  }
  // A new document that opens locked starts with no screen named, so the next user lands on
  // their own start screen rather than on the address the last one left.
  if (status.phase !== 'unlocked' && location.hash) history.replaceState(null, '', location.pathname + location.search);
  if (status.phase === 'unlocked') signedInHere = true;
  if (status.phase === 'setup') showSetup(root, status, route);
  else if (status.phase === 'locked') showUnlock(root, status, route);
  else if (status.must_change_passphrase) showMustChange(root, status, route);
  else showShell(root, status, route);
}

// "Skip to main content" moves the focus to the screen's main region. Followed as a link, its
// `#main` would be read by the shell as a screen's address and show the Dashboard instead.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  const target = document.getElementById('main');
  if (!target) return;
  e.preventDefault();
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus();
});

initI18n().then(route, (err) => {
  replace(root, h('p', { class: 'field-error' }, `Haven could not load its text: ${err.message}`));
});
