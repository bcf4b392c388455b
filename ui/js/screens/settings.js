// Settings: the centre's name, its sites and its users. Only a lead may change them; the core
// refuses anyone else, and this screen then shows the core's message.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { errorSummary, field, notice, select, showApiError } from '../form.js';
import { t } from '../i18n.js';

export async function showSettings(main, { session }) {
  const isLead = session.role === 'lead';
  const [settings, sites] = await Promise.all([api.getSettings(), api.listSites()]);
  const users = isLead ? await api.listUsers() : [];
  const rerender = () => showSettings(main, { session });

  replace(main,
    h('h1', {}, t('nav.settings')),
    centreForm(settings, isLead),
    sitesSection(sites, isLead, rerender),
    isLead ? usersSection(users, sites, rerender) : h('p', { class: 'hint' }, t('settings.lead_only')));
}

function centreForm(settings, isLead) {
  const summary = errorSummary();
  const name = field({ name: 'centre_name', label: t('setup.centre_name'), value: settings.centre_name });
  name.input.disabled = !isLead;
  const status = h('div');
  const form = h('form', { class: 'form section', novalidate: true },
    h('h2', {}, t('settings.centre')), summary, name, status,
    isLead ? h('button', { type: 'submit', class: 'button' }, t('form.save')) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      await api.updateSettings({ centre_name: name.input.value });
      replace(status, notice(t('form.saved')));
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}

function sitesSection(sites, isLead, rerender) {
  const table = h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('setup.site_code')), h('th', { scope: 'col' }, t('setup.site_name')), h('th', { scope: 'col' }, t('settings.in_use')))),
    h('tbody', {}, sites.map((s) => h('tr', {}, h('td', {}, s.code), h('td', {}, s.name), h('td', {}, s.active ? t('form.yes') : t('form.no'))))));
  if (!isLead) return h('section', { class: 'section' }, h('h2', {}, t('settings.sites')), table);
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

function usersSection(users, sites, rerender) {
  const table = h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('settings.user_name')), h('th', { scope: 'col' }, t('unlock.username')), h('th', { scope: 'col' }, t('settings.role')))),
    h('tbody', {}, users.map((u) => h('tr', {}, h('td', {}, u.display_name), h('td', {}, u.username), h('td', {}, t(`role.${u.role}`))))));
  const summary = errorSummary();
  const display = field({ name: 'display_name', label: t('settings.user_name') });
  const username = field({ name: 'username', label: t('unlock.username'), hint: t('setup.lead_username_hint') });
  const role = select({ name: 'role', label: t('settings.role'), value: 'front_desk', options: ['front_desk', 'coordinator', 'lead'].map((r) => [r, t(`role.${r}`)]) });
  const site = select({ name: 'site', label: t('settings.home_site'), options: sites.map((s) => [s.code, `${s.name} (${s.code})`]) });
  const form = h('form', { class: 'form', novalidate: true }, h('h3', {}, t('settings.add_user')), summary, display, username, role, site,
    h('button', { type: 'submit', class: 'button button-secondary' }, t('settings.add_user')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.createUser({ display_name: display.input.value, username: username.input.value, role: role.input.value, site: site.input.value });
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('section', { class: 'section' }, h('h2', {}, t('settings.users')), table, form);
}
