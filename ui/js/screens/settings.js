// Settings, in sections reached by their own address (`#/settings/<section>`), so that no one
// scrolls one long page: the centre and its sites, your passphrase, users, partner
// organisations, the DBS policy, security (auto-lock, backups, retention, restore) and the audit
// log. A section shows when the user may call the function behind it; only a lead changes most
// of them, and the core refuses anyone else (this screen then shows the core's message).

import { can } from '../access.js';
import * as api from '../api.js';
import { openDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { checkbox, confirmBox, errorSummary, field, notice, select, showApiError } from '../form.js';
import { passphraseForm } from './passphrase.js';
import { volunteerInfoSection } from './volunteer-info.js';
import { auditSection } from './audit.js';
import { t } from '../i18n.js';

/** The sections in the order of their tabs: name, title key, and whether the user sees it. */
const SECTIONS = [
  ['centre', 'settings.centre', () => true],
  ['passphrase', 'passphrase.title', () => true],
  ['users', 'settings.users', (may) => may('create_user')],
  ['partners', 'settings.partners', (may) => may('list_partners')],
  ['dbs', 'dbs_policy.title', (may) => may('get_dbs_policy')],
  ['volunteer-info', 'volunteer_info.title', (may) => may('get_volunteer_info')],
  ['security', 'security.title', () => true],
  ['audit', 'audit.title', (may) => may('list_audit_log')],
];

export async function showSettings(main, { session, status, locked, path = [] }) {
  const may = (name) => can(session, name);
  const sections = SECTIONS.filter(([, , shown]) => shown(may));
  const current = sections.find(([name]) => name === path[0]) || sections[0];
  const [name] = current;
  const rerender = () => showSettings(main, { session, status, locked, path: [name] });
  const tabs = h('nav', { class: 'tabs', 'aria-label': t('settings.sections'), 'data-testid': 'settings-sections' },
    sections.map(([n, key]) => h('a', {
      href: `#/settings/${n}`, class: 'tab', 'data-testid': `settings-${n}`,
      'aria-current': n === name ? 'page' : null,
    }, t(key))));
  const panel = h('div', { class: 'tab-panel', 'data-testid': `settings-panel-${name}` },
    await sectionBody(name, { session, status, locked, may, rerender }));
  replace(main, h('h1', {}, t('nav.settings')), tabs, panel);
}

/** One section's forms and lists, with what it needs from the core. */
async function sectionBody(name, { session, status, locked, may, rerender }) {
  switch (name) {
    case 'passphrase': {
      const own = passphraseForm(status && status.passphrase_rules, () => {});
      return h('section', { class: 'section' }, h('h2', {}, t('passphrase.title')), own.form);
    }
    case 'users': {
      const [users, sites] = await Promise.all([api.listUsers(), api.listSites()]);
      return usersSection(users, sites, session, rerender);
    }
    case 'partners':
      return partnersSection(await api.listPartners(), may('save_partner'), rerender);
    case 'dbs':
      return dbsPolicySection(await api.getDbsPolicy(), may('update_dbs_policy'));
    case 'volunteer-info':
      return volunteerInfoSection(await api.getVolunteerInfo(), await api.listSites(), may('update_volunteer_info'));
    case 'security':
      // Restoring goes with the backup settings: offered to whoever may change them (the core's
      // restore check refuses anyone else).
      return h('div', {},
        securityForm(await api.getSecuritySettings(), may('update_security_settings'), may('backup_now')),
        may('update_security_settings') ? restoreSection(locked) : null);
    case 'audit':
      return auditSection();
    default: {
      const [settings, sites] = await Promise.all([api.getSettings(), api.listSites()]);
      return h('div', {},
        centreForm(settings, may('update_settings')),
        sitesSection(sites, may('update_site'), rerender),
        may('create_user') ? null : h('p', { class: 'hint' }, t('settings.lead_only')));
    }
  }
}

// Restoring a backup (a lead): the core checks the file first; once restored, Haven is locked
// and everyone signs in again to the restored data.
function restoreSection(locked) {
  const summary = errorSummary();
  const file = field({ name: 'file', label: t('restore.file'), hint: t('restore.file_hint'), required: false, testid: 'restore-path' });
  file.input.classList.add('input-path');
  const holder = h('div');
  const choose = h('button', { type: 'button', class: 'button button-secondary' }, t('restore.choose'));
  const submit = h('button', { type: 'submit', class: 'button button-warning', 'data-testid': 'restore-submit' }, t('restore.submit'));
  const form = h('form', { class: 'form section', novalidate: true, 'data-testid': 'restore' },
    h('h2', {}, t('restore.title')), h('p', {}, t('restore.intro')), summary, file,
    h('div', { class: 'button-group' }, submit, choose), holder);
  choose.addEventListener('click', async () => {
    try {
      const chosen = await api.chooseFile(openDialog('restore_backup'));
      if (chosen) file.input.value = chosen;
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    summary.clear(form);
    const path = file.input.value.trim();
    if (!path) { summary.show([{ field: 'file', message: t('restore.file_missing') }], form); return; }
    submit.hidden = true;
    const box = confirmBox({
      title: t('restore.confirm_title'), body: t('restore.confirm_body', { path }),
      yes: t('restore.yes'), no: t('form.cancel'), testid: 'restore-confirm',
      onNo: () => { box.remove(); submit.hidden = false; },
      onYes: async () => {
        box.remove();
        try {
          await api.restoreBackup(path);
          locked();
        } catch (err) {
          submit.hidden = false;
          showApiError(summary, form, err);
          // Refused before anything closed: still signed in. Otherwise the unlock screen says why.
          const now = await api.appStatus().catch(() => null);
          if (now && now.phase !== 'unlocked') locked();
        }
      },
    });
    replace(holder, box);
    box.focus();
  });
  return form;
}

// Auto-lock, backups and retention: everyone sees them, a lead changes them.
function securityForm(security, canChange, canBackUp) {
  const summary = errorSummary();
  const lock = field({ name: 'auto_lock_minutes', label: t('security.auto_lock'), hint: t('security.auto_lock_hint'), value: String(security.auto_lock_minutes), inputmode: 'numeric', width: 4, testid: 'auto-lock' });
  const kept = field({ name: 'backups_kept', label: t('security.backups_kept'), value: String(security.backups_kept), inputmode: 'numeric', width: 4 });
  const dir = field({ name: 'backup_dir', label: t('security.backup_dir'), hint: t('security.backup_dir_hint'), value: security.backup_dir, required: false });
  const months = field({ name: 'retention_months', label: t('security.retention'), hint: t('security.retention_hint'), value: String(security.retention_months), inputmode: 'numeric', width: 4 });
  const dbsMonths = field({ name: 'dbs_retention_months', label: t('security.dbs_retention'), hint: t('security.dbs_retention_hint'), value: String(security.dbs_retention_months), inputmode: 'numeric', width: 4 });
  for (const f of [lock, kept, dir, months, dbsMonths]) f.input.disabled = !canChange;
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form section', novalidate: true }, h('h2', {}, t('security.title')), summary, lock, kept, dir, months, dbsMonths, status,
    h('div', { class: 'button-group' },
      canChange ? h('button', { type: 'submit', class: 'button', 'data-testid': 'security-save' }, t('form.save')) : null,
      canBackUp ? h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'backup-now', onclick: backupNow } , t('security.backup_now')) : null));
  async function backupNow() {
    summary.clear(form);
    try {
      const done = await api.backupNow();
      replace(status, notice(t('security.backed_up', { path: done.path, mb: (done.bytes / 1048576).toFixed(1) })));
    } catch (err) {
      showApiError(summary, form, err);
    }
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    const num = (f) => (/^\d+$/.test(f.input.value.trim()) ? Number(f.input.value.trim()) : -1);
    try {
      await api.updateSecuritySettings({ auto_lock_minutes: num(lock), backups_kept: num(kept), backup_dir: dir.input.value, retention_months: num(months), dbs_retention_months: num(dbsMonths) });
      replace(status, notice(t('form.saved')));
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}

function centreForm(settings, canChange) {
  const summary = errorSummary();
  const name = field({ name: 'centre_name', label: t('setup.centre_name'), value: settings.centre_name });
  name.input.disabled = !canChange;
  const language = select({ name: 'language', label: t('settings.language'), hint: t('settings.language_hint'),
    value: settings.language || 'en', testid: 'centre-language', options: [['en', t('lang.en')], ['fr', t('lang.fr')]] });
  language.input.disabled = !canChange;
  const status = h('div');
  const form = h('form', { class: 'form section', novalidate: true },
    h('h2', {}, t('settings.centre')), summary, name, language, status,
    canChange ? h('button', { type: 'submit', class: 'button' }, t('form.save')) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      await api.updateSettings({ centre_name: name.input.value, language: language.input.value });
      replace(status, notice(t('form.saved')));
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}

function sitesSection(sites, canChange, rerender) {
  const table = h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('setup.site_code')), h('th', { scope: 'col' }, t('setup.site_name')), h('th', { scope: 'col' }, t('settings.in_use')))),
    h('tbody', {}, sites.map((s) => h('tr', {}, h('td', {}, s.code), h('td', {}, s.name), h('td', {}, s.active ? t('form.yes') : t('form.no'))))));
  if (!canChange) return h('section', { class: 'section' }, h('h2', {}, t('settings.sites')), table);
  const summary = errorSummary();
  const code = field({ name: 'code', label: t('setup.site_code'), hint: t('settings.site_code_hint') });
  const name = field({ name: 'name', label: t('setup.site_name') });
  const form = h('form', { class: 'form', novalidate: true }, h('h3', {}, t('settings.add_site')), summary, h('div', { class: 'row' }, code, name),
    h('button', { type: 'submit', class: 'button button-secondary' }, t('settings.add_site')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.createSite({ code: code.input.value, name: name.input.value });
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('section', { class: 'section' }, h('h2', {}, t('settings.sites')), table, form);
}

function usersSection(users, sites, session, rerender) {
  const actions = (u, row) => {
    const reset = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': `reset-${u.username}` }, t('users.reset'));
    reset.addEventListener('click', () => resetForm(u, row, rerender));
    if (u.id === session.user_id) return h('td', {}, reset);
    const toggle = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': `toggle-${u.username}` }, u.active ? t('users.stop') : t('users.allow'));
    toggle.addEventListener('click', () => {
      if (!u.active) { resetForm(u, row, rerender); return; }
      row.replaceWith(h('tr', {}, h('td', { colspan: '5' }, confirmBox({
        title: t('users.stop_title', { name: u.display_name }),
        body: t('users.stop_body'),
        yes: t('users.stop'),
        no: t('form.cancel'),
        testid: 'confirm-stop',
        onYes: async () => { await api.setUserActive(u.username, false); rerender(); },
        onNo: rerender,
      }))));
    });
    return h('td', { class: 'button-group' }, reset, toggle);
  };
  const table = h('table', { class: 'table', 'data-testid': 'users' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('settings.user_name')), h('th', { scope: 'col' }, t('unlock.username')), h('th', { scope: 'col' }, t('settings.role')),
      h('th', { scope: 'col' }, t('users.can_sign_in')), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('users.actions'))))),
    h('tbody', {}, users.map((u) => {
      const row = h('tr', {}, h('td', {}, u.display_name), h('td', {}, u.username), h('td', {}, t(`role.${u.role}`)), h('td', {}, u.active ? t('form.yes') : t('form.no')));
      row.append(actions(u, row));
      return row;
    })));
  const summary = errorSummary();
  const display = field({ name: 'display_name', label: t('settings.user_name') });
  const username = field({ name: 'username', label: t('unlock.username'), hint: t('setup.lead_username_hint') });
  const role = select({ name: 'role', label: t('settings.role'), value: 'front_desk', options: ['front_desk', 'coordinator', 'lead'].map((r) => [r, t(`role.${r}`)]) });
  const site = select({ name: 'site', label: t('settings.home_site'), options: sites.map((s) => [s.code, `${s.name} (${s.code})`]) });
  const pass = field({ name: 'passphrase', label: t('users.first_passphrase'), hint: t('users.first_passphrase_hint'), type: 'password', autocomplete: 'new-password' });
  const form = h('form', { class: 'form', novalidate: true }, h('h3', {}, t('settings.add_user')), summary, display, username, role, site, pass,
    h('button', { type: 'submit', class: 'button button-secondary' }, t('settings.add_user')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.createUser({ display_name: display.input.value, username: username.input.value, role: role.input.value, site: site.input.value, passphrase: pass.input.value });
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('section', { class: 'section' }, h('h2', {}, t('settings.users')), table, form);
}

// A lead gives a user a new passphrase (forgotten, or to let them sign in again).
function resetForm(u, row, rerender) {
  const summary = errorSummary();
  const pass = field({ name: 'passphrase', label: t('users.new_passphrase', { name: u.display_name }), hint: t('users.first_passphrase_hint'), type: 'password', autocomplete: 'new-password', testid: 'reset-passphrase' });
  const form = h('form', { class: 'form', novalidate: true }, summary, pass,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', 'data-testid': 'reset-save' }, t('users.reset')),
      h('button', { type: 'button', class: 'button button-secondary', onclick: rerender }, t('form.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.resetPassphrase(u.username, pass.input.value);
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  row.replaceWith(h('tr', {}, h('td', { colspan: '5' }, form)));
  pass.input.focus();
}

// Partner organisations that people are referred to. Coordinators see the list; the lead adds,
// renames and stops using them (a partner is never deleted: old referrals still name it).
function partnersSection(partners, canChange, rerender) {
  const rows = partners.map((p) => {
    const row = h('tr', { 'data-testid': 'partner-row' },
      h('td', { dir: 'auto' }, p.name), h('td', { dir: 'auto', class: 'prewrap' }, p.contact),
      h('td', {}, p.active ? t('form.yes') : t('form.no')),
      canChange ? h('td', {}, h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': 'partner-change', onclick: () => edit(row, p) }, t('settings.partner_change'))) : null);
    return row;
  });
  function edit(row, p) {
    const summary = errorSummary();
    const name = field({ name: 'name', label: t('settings.partner_name'), value: p.name, dir: 'auto' });
    const contact = field({ name: 'contact', label: t('settings.partner_contact'), value: p.contact, required: false, dir: 'auto' });
    const active = checkbox({ name: 'active', label: t('settings.partner_active'), hint: t('settings.partner_active_hint'), checked: p.active });
    const cancel = h('button', { type: 'button', class: 'button button-secondary', onclick: rerender }, t('form.cancel'));
    const form = h('form', { class: 'form', novalidate: true }, summary, name, contact, active,
      h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button' }, t('form.save')), cancel));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api.savePartner({ id: p.id, name: name.input.value, contact: contact.input.value, active: active.input.checked });
        rerender();
      } catch (err) {
        showApiError(summary, form, err);
      }
    });
    row.replaceWith(h('tr', {}, h('td', { colspan: '4' }, form)));
    name.input.focus();
  }
  const table = h('table', { class: 'table', 'data-testid': 'partners' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('settings.partner_name')), h('th', { scope: 'col' }, t('settings.partner_contact')),
      h('th', { scope: 'col' }, t('settings.in_use')), canChange ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('settings.partner_change'))) : null)),
    h('tbody', {}, rows));
  const intro = h('p', { class: 'hint' }, t(canChange ? 'settings.partners_hint' : 'settings.partners_lead_only'));
  if (!canChange) return h('section', { class: 'section' }, h('h2', {}, t('settings.partners')), intro, partners.length ? table : h('p', { class: 'empty' }, t('settings.partners_none')));
  const summary = errorSummary();
  const name = field({ name: 'name', label: t('settings.partner_name'), dir: 'auto', testid: 'partner-name' });
  const contact = field({ name: 'contact', label: t('settings.partner_contact'), hint: t('settings.partner_contact_hint'), required: false, dir: 'auto', testid: 'partner-contact' });
  const form = h('form', { class: 'form', novalidate: true }, h('h3', {}, t('settings.add_partner')), summary, name, contact,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'partner-add' }, t('settings.add_partner')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.savePartner({ name: name.input.value, contact: contact.input.value });
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('section', { class: 'section' }, h('h2', {}, t('settings.partners')), intro, partners.length ? table : h('p', { class: 'empty' }, t('settings.partners_none')), form);
}

// The DBS policy: how long a check counts, the Update Service, the "expiring soon" warning and
// the contact printed on the roster. Coordinators see it; the lead changes it.
function dbsPolicySection(policy, canChange) {
  const summary = errorSummary();
  const recheck = field({ name: 'recheck_months', label: t('dbs_policy.recheck_months'), hint: t('dbs_policy.recheck_hint'), type: 'number', width: 'short', value: String(policy.recheck_months), testid: 'policy-recheck' });
  const update = field({ name: 'update_service_months', label: t('dbs_policy.update_months'), hint: t('dbs_policy.update_hint'), type: 'number', width: 'short', value: String(policy.update_service_months), testid: 'policy-update' });
  const soon = field({ name: 'expiring_soon_days', label: t('dbs_policy.soon_days'), hint: t('dbs_policy.soon_hint'), type: 'number', width: 'short', value: String(policy.expiring_soon_days), testid: 'policy-soon' });
  const contact = field({ name: 'roster_contact', label: t('dbs_policy.contact'), hint: t('dbs_policy.contact_hint'), required: false, value: policy.roster_contact, dir: 'auto', testid: 'policy-contact' });
  // Each other issuer's recheck period, and whether its checks count for work with children
  // once a coordinator has recorded a risk assessment (ICPC, another country's certificate).
  const issuers = policy.issuers.map((p) => {
    const months = field({ name: `recheck_${p.issuer}`, label: t('dbs_policy.issuer_recheck', { issuer: t(`checks.issuer.${p.issuer}`) }), type: 'number', width: 'short', value: String(p.recheck_months), testid: `policy-recheck-${p.issuer}` });
    months.input.disabled = !canChange;
    const withRisk = ['icpc', 'foreign'].includes(p.issuer)
      ? checkbox({ name: `children_${p.issuer}`, label: t('dbs_policy.children_with_risk'), checked: p.children_with_risk_assessment, testid: `policy-children-${p.issuer}` }) : null;
    if (withRisk) withRisk.input.disabled = !canChange;
    return { issuer: p.issuer, months, withRisk };
  });
  for (const f of [recheck, update, soon, contact]) f.input.disabled = !canChange;
  const status = h('div');
  const form = h('form', { class: 'form section', novalidate: true, 'data-testid': 'dbs-policy' },
    h('h2', {}, t('dbs_policy.title')), canChange ? null : h('p', { class: 'hint' }, t('dbs_policy.lead_only')),
    summary, h('div', { class: 'cols' }, recheck, update, soon), contact,
    h('h3', {}, t('dbs_policy.issuers')), h('p', { class: 'hint' }, t('dbs_policy.issuers_hint')),
    issuers.map((i) => h('div', { class: 'cols' }, i.months, i.withRisk)), status,
    canChange ? h('button', { type: 'submit', class: 'button', 'data-testid': 'policy-save' }, t('form.save')) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      await api.updateDbsPolicy({
        recheck_months: Number(recheck.input.value) || 0, update_service_months: Number(update.input.value) || 0,
        expiring_soon_days: Number(soon.input.value) || 0, roster_contact: contact.input.value,
        issuers: issuers.map((i) => ({ issuer: i.issuer, recheck_months: Number(i.months.input.value) || 0, children_with_risk_assessment: !!i.withRisk && i.withRisk.input.checked })),
      });
      replace(status, notice(t('form.saved')));
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}
