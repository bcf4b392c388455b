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

/** Shows the screen the app's state calls for. Screens call it again after a change. */
export async function route() {
  let status;
  try {
    status = await api.appStatus();
  } catch (err) {
    replace(root, h('div', { class: 'panel' }, h('h1', {}, 'Haven'), h('p', { class: 'field-error' }, err.message)));
    return;
  }
  if (status.phase === 'setup') showSetup(root, status, route);
  else if (status.phase === 'locked') showUnlock(root, status, route);
  else if (status.must_change_passphrase) showMustChange(root, status, route);
  else showShell(root, status, route);
}

initI18n().then(route, (err) => {
  replace(root, h('p', { class: 'field-error' }, `Haven could not load its text: ${err.message}`));
});
