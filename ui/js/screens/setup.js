// First run: the centre's name, its sites, the first lead and the database passphrase; or, on
// a computer joining an existing centre, the join file a lead made, its one-time code and the
// passphrase of whoever signs in here.

import * as api from '../api.js';
import { openDialog, saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { errorSummary, field, notice, showApiError } from '../form.js';
import { t } from '../i18n.js';
import { languageSwitch } from './lang.js';

const DEFAULT_SITES = [['CAL', 'Calais'], ['DUN', 'Dunkirk'], ['BHM', 'Birmingham']];

export function showSetup(root, status, done) {
  const summary = errorSummary();
  const centre = field({ name: 'centre_name', label: t('setup.centre_name'), hint: t('setup.centre_name_hint') });
  const siteRows = DEFAULT_SITES.map(([code, name], i) => ({
    code: field({ name: `sites[${i}].code`, label: t('setup.site_code'), value: code }),
    name: field({ name: `sites[${i}].name`, label: t('setup.site_name'), value: name, required: false }),
  }));
  const leadName = field({ name: 'lead_display_name', label: t('setup.lead_name'), autocomplete: 'name' });
  const leadUser = field({ name: 'lead_username', label: t('setup.lead_username'), hint: t('setup.lead_username_hint'), autocomplete: 'username' });
  const pass = field({ name: 'passphrase', label: t('setup.passphrase'), type: 'password', autocomplete: 'new-password' });
  const pass2 = field({ name: 'passphrase2', label: t('setup.passphrase_again'), type: 'password', autocomplete: 'new-password' });
  const rules = h('ul', { class: 'hint-list' }, status.passphrase_rules.map((r) => h('li', {}, r)));
  const button = h('button', { type: 'submit', class: 'button' }, t('setup.submit'));
  const joinInstead = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'setup-join' }, t('join.instead'));
  joinInstead.addEventListener('click', () => showJoin(root, status, done));

  const form = h('form', { class: 'panel form', novalidate: true },
    h('h1', {}, t('setup.title')),
    h('p', { class: 'lead' }, t('setup.intro')),
    h('p', { class: 'hint' }, t('join.offer')), joinInstead,
    summary,
    centre,
    h('fieldset', { class: 'fieldset' }, h('legend', {}, t('setup.sites')), h('p', { class: 'hint' }, t('setup.sites_hint')),
      siteRows.map((r) => h('div', { class: 'row' }, r.code, r.name))),
    h('fieldset', { class: 'fieldset' }, h('legend', {}, t('setup.lead')), leadName, leadUser),
    h('fieldset', { class: 'fieldset' }, h('legend', {}, t('setup.passphrase_title')), rules, pass, pass2),
    button,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (pass.input.value !== pass2.input.value) {
      summary.show([{ field: 'passphrase2', message: t('setup.passphrase_mismatch') }], form);
      return;
    }
    const sites = siteRows
      .map((r) => ({ code: r.code.input.value, name: r.name.input.value, active: true }))
      .filter((s) => s.code.trim() || s.name.trim());
    button.disabled = true;
    try {
      const created = await api.setupCentre({
        centre_name: centre.input.value,
        sites,
        lead_username: leadUser.input.value,
        lead_display_name: leadName.input.value,
        passphrase: pass.input.value,
      });
      showRecoveryKey(root, created.recovery_key, done);
    } catch (err) {
      showApiError(summary, form, err);
    } finally {
      button.disabled = false;
    }
  });
  replace(root, h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Haven'), languageSwitch(() => showSetup(root, status, done))),
    h('main', { id: 'main', class: 'main-narrow' }, form));
  centre.input.focus();
}

// A computer joining an existing centre: the join file (from a stick or the shared folder),
// the one-time code the lead was shown, and who signs in here with which passphrase.
function showJoin(root, status, done) {
  const summary = errorSummary();
  const file = field({ name: 'file', label: t('join.file'), hint: t('join.file_hint') });
  const choose = h('button', { type: 'button', class: 'button button-secondary' }, t('join.choose'));
  choose.addEventListener('click', async () => {
    try {
      const path = await api.chooseFile(openDialog('join_file'));
      if (path) file.input.value = path;
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  const code = field({ name: 'code', label: t('join.code'), hint: t('join.code_hint'), autocomplete: 'off' });
  const user = field({ name: 'user', label: t('join.username'), hint: t('join.username_hint'), required: false, autocomplete: 'username' });
  const pass = field({ name: 'passphrase', label: t('setup.passphrase'), type: 'password', autocomplete: 'new-password' });
  const pass2 = field({ name: 'passphrase2', label: t('setup.passphrase_again'), type: 'password', autocomplete: 'new-password' });
  const rules = h('ul', { class: 'hint-list' }, status.passphrase_rules.map((r) => h('li', {}, r)));
  const button = h('button', { type: 'submit', class: 'button', 'data-testid': 'join-submit' }, t('join.submit'));
  const back = h('button', { type: 'button', class: 'button button-secondary' }, t('join.back'));
  back.addEventListener('click', () => showSetup(root, status, done));
  const form = h('form', { class: 'panel form', novalidate: true },
    h('h1', {}, t('join.title')),
    h('p', { class: 'lead' }, t('join.intro')),
    summary,
    h('div', { class: 'row' }, file, choose),
    code,
    user,
    h('fieldset', { class: 'fieldset' }, h('legend', {}, t('setup.passphrase_title')), rules, pass, pass2),
    h('div', { class: 'button-group' }, button, back),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (pass.input.value !== pass2.input.value) {
      summary.show([{ field: 'passphrase2', message: t('setup.passphrase_mismatch') }], form);
      return;
    }
    button.disabled = true;
    try {
      const username = user.input.value.trim() || null;
      const joined = await api.joinCentre(file.input.value, code.input.value, username, pass.input.value);
      showRecoveryKey(root, joined.recovery_key, done);
    } catch (err) {
      showApiError(summary, form, err);
    } finally {
      button.disabled = false;
    }
  });
  replace(root, h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Haven'), languageSwitch(() => showJoin(root, status, done))),
    h('main', { id: 'main', class: 'main-narrow' }, form));
  file.input.focus();
}

// Shown once, straight after setup: the recovery key opens the data if every passphrase is
// forgotten. The lead saves the sheet (or copies the key by hand) before going on.
function showRecoveryKey(root, key, done) {
  const summary = errorSummary();
  const status = h('div', { 'aria-live': 'polite' });
  const kept = h('input', { type: 'checkbox', id: 'recovery-kept', 'data-testid': 'recovery-kept' });
  const go = h('button', { type: 'submit', class: 'button', disabled: true, 'data-testid': 'recovery-continue' }, t('recovery.continue'));
  kept.addEventListener('change', () => { go.disabled = !kept.checked; });
  const save = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'recovery-save' }, t('recovery.save'));
  save.addEventListener('click', async () => {
    try {
      const path = await api.chooseSavePath(saveDialog('recovery_sheet', 'haven-recovery-key.pdf'));
      if (!path) return;
      const printed = await api.printRecoverySheet(path);
      replace(status, notice(t('recovery.saved', { path: printed.path })));
      await api.openPath(printed.path).catch(() => {});
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  const form = h('form', { class: 'panel form', novalidate: true },
    h('h1', {}, t('recovery.title')),
    summary,
    h('p', { class: 'lead' }, t('recovery.intro')),
    h('p', { class: 'recovery-key', 'data-testid': 'recovery-key' }, h('code', {}, key.grouped)),
    h('p', { class: 'hint' }, t('recovery.hint')),
    h('div', { class: 'button-group' }, save), status,
    h('div', { class: 'checkbox' }, kept, h('label', { for: 'recovery-kept' }, t('recovery.kept'))),
    go);
  form.addEventListener('submit', (e) => { e.preventDefault(); if (kept.checked) done(); });
  replace(root, h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Haven')), h('main', { id: 'main', class: 'main-narrow' }, form));
  save.focus();
}
