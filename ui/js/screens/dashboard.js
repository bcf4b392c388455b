// The Dashboard: real counts from the database.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { num, t } from '../i18n.js';

function card(key, value, testid) {
  return h('div', { class: 'card', 'data-testid': testid },
    h('p', { class: 'card-value' }, num(value)),
    h('p', { class: 'card-label' }, t(key)));
}

export async function showDashboard(main) {
  const c = await api.dashboardCounts();
  if (c.people_total === 0) {
    replace(main, h('h1', {}, t('nav.dashboard')),
      h('div', { class: 'empty' }, h('p', {}, t('dashboard.empty'))));
    return;
  }
  replace(main,
    h('h1', {}, t('nav.dashboard')),
    h('div', { class: 'cards' },
      card('dashboard.people_active', c.people_active, 'count-people'),
      card('dashboard.households', c.households, 'count-households'),
      card('dashboard.children', c.children, 'count-children'),
      card('dashboard.babies', c.babies, 'count-babies'),
      card('dashboard.women', c.women, 'count-women'),
      card('dashboard.unaccompanied', c.unaccompanied_minors, 'count-unaccompanied')),
    h('h2', {}, t('dashboard.by_site')),
    h('table', { class: 'table' },
      h('caption', { class: 'visually-hidden' }, t('dashboard.by_site')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dashboard.site')),
        h('th', { scope: 'col', class: 'num' }, t('dashboard.people_active')),
        h('th', { scope: 'col', class: 'num' }, t('dashboard.households')))),
      h('tbody', {}, c.sites.map((s) => h('tr', {},
        h('th', { scope: 'row' }, `${s.name} (${s.code})`),
        h('td', { class: 'num' }, num(s.people)),
        h('td', { class: 'num' }, num(s.households)))))),
    h('p', { class: 'hint' }, t('dashboard.total', { total: num(c.people_total), date: c.today })));
}
