// The Dashboard: real counts from the database for the user's own site (or another, or the
// whole centre), and (for coordinators and leads) the referrals whose follow-up date has passed.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { date, dateTime, num, t } from '../i18n.js';
import { stockChart } from '../stock-chart.js';
import { siteFilter } from '../home-site.js';

function card(key, value, testid, warn = false) {
  return h('div', { class: warn ? 'card card-warn' : 'card', 'data-testid': testid },
    h('p', { class: 'card-value' }, num(value)),
    h('p', { class: 'card-label' }, t(key)));
}

export async function showDashboard(main, ctx) {
  const sites = await api.listSites();
  const filter = siteFilter('dashboard', ctx.session, sites, () => showDashboard(main, ctx));
  const site = filter.value() || null;
  const c = await api.dashboardCounts(site);
  // An empty centre (not just an empty site) is asked for its first person.
  if (c.people_total === 0 && c.sites.every((x) => x.people === 0)) {
    replace(main, h('h1', {}, t('nav.dashboard')),
      h('div', { class: 'empty' }, h('p', {}, t('dashboard.empty')),
        h('a', { href: '#/people/new', class: 'button' }, t('people.register'))));
    return;
  }
  // overdue_follow_ups is null for the front desk: they see no referrals.
  const caseworker = c.overdue_follow_ups !== null && c.overdue_follow_ups !== undefined;
  const [overdue, arrivals] = await Promise.all([caseworker ? api.overdueFollowUps(100) : [], api.listArrivals(site)]);
  const rerender = () => showDashboard(main, ctx);
  replace(main,
    h('h1', {}, t('nav.dashboard')),
    h('div', { class: 'filters' }, filter),
    h('div', { class: 'cards', 'data-testid': 'cards', 'data-site': c.site || '' },
      card('dashboard.people_active', c.people_active, 'count-people'),
      card('dashboard.households', c.households, 'count-households'),
      card('dashboard.children', c.children, 'count-children'),
      card('dashboard.babies', c.babies, 'count-babies'),
      card('dashboard.women', c.women, 'count-women'),
      card('dashboard.pregnant', c.pregnant, 'count-pregnant'),
      card('dashboard.unaccompanied', c.unaccompanied_minors, 'count-unaccompanied'),
      caseworker ? card('dashboard.overdue', c.overdue_follow_ups, 'count-overdue', c.overdue_follow_ups > 0) : null),
    arrivalsSection(arrivals, ctx.session, sites, rerender),
    caseworker ? overdueSection(overdue, c.overdue_follow_ups, c.today) : null,
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
    h('p', { class: 'hint' }, t('dashboard.total', { total: num(c.people_total), date: date(c.today) })),
    await stockChart(site));
}

/** People moved here from another site: expected until someone here marks them met. */
function arrivalsSection(rows, session, sites, rerender) {
  if (!rows.length) return null;
  const mySite = sites.find((s) => s.id === session.site_id)?.code;
  const status = h('div', { role: 'status' });
  return h('section', { 'aria-labelledby': 'arrivals-title', 'data-testid': 'arrivals' },
    h('h2', { id: 'arrivals-title' }, t('arrivals.title')),
    status,
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('arrivals.person')),
        h('th', { scope: 'col' }, t('arrivals.from')),
        h('th', { scope: 'col' }, t('arrivals.to')),
        h('th', { scope: 'col' }, t('arrivals.moved')),
        h('th', { scope: 'col' }, t('arrivals.state')))),
      h('tbody', {}, rows.map((a) => {
        let state = a.met_on ? t('arrivals.met', { date: date(a.met_on), name: a.met_by || '' }) : t('arrivals.expected');
        if (!a.met_on && (session.role === 'lead' || a.to_site === mySite)) {
          const button = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'arrival-met' }, t('arrivals.mark_met'));
          button.addEventListener('click', async () => {
            button.disabled = true;
            try { await api.markArrivalMet(a.id); rerender(); } catch (err) {
              button.disabled = false;
              replace(status, h('p', { class: 'field-error' }, err.message));
            }
          });
          state = h('span', {}, t('arrivals.expected'), ' ', button);
        }
        return h('tr', { 'data-testid': 'arrival', 'data-code': a.code, 'data-state': a.met_on ? 'met' : 'expected' },
          h('td', {}, h('a', { href: `#/people/${encodeURIComponent(a.person_id)}` }, `${a.code} · ${a.given_name} ${a.family_name}`.trim()),
            a.original_name ? h('span', { dir: 'auto', class: 'original-name' }, ` ${a.original_name}`) : null),
          h('td', {}, a.from_site),
          h('td', {}, a.to_site),
          h('td', {}, dateTime(a.transferred_at), a.transferred_by ? ` · ${a.transferred_by}` : ''),
          h('td', {}, state));
      }))));
}

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000);
}

function overdueSection(rows, total, today) {
  const title = h('h2', { id: 'overdue-title' }, t('dashboard.overdue_title'));
  if (!rows.length) {
    return h('section', { 'aria-labelledby': 'overdue-title', 'data-testid': 'overdue' }, title,
      h('p', { class: 'empty' }, t('dashboard.overdue_none')));
  }
  return h('section', { 'aria-labelledby': 'overdue-title', 'data-testid': 'overdue' }, title,
    h('p', { class: 'hint' }, t('dashboard.overdue_hint')),
    h('table', { class: 'table', 'data-testid': 'overdue-list' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('people.code')),
        h('th', { scope: 'col' }, t('people.name')),
        h('th', { scope: 'col' }, t('referrals.partner')),
        h('th', { scope: 'col' }, t('referrals.follow_up_on')),
        h('th', { scope: 'col', class: 'num' }, t('dashboard.days_late')))),
      h('tbody', {}, rows.map((r) => h('tr', { 'data-testid': 'overdue-row', 'data-person': r.person_id },
        h('td', { class: 'code' }, h('a', { href: `#/people/${r.person_id}` }, r.person_code)),
        h('td', {}, h('a', { href: `#/people/${r.person_id}`, dir: 'auto', 'data-testid': 'overdue-person' }, r.person_name),
          r.person_original_name ? h('span', { class: 'original-name', dir: 'auto', lang: '' }, ` · ${r.person_original_name}`) : null),
        h('td', {}, r.partner),
        h('td', {}, date(r.follow_up_on)),
        h('td', { class: 'num' }, num(daysBetween(r.follow_up_on, today))))))),
    total > rows.length ? h('p', { class: 'hint' }, t('dashboard.overdue_more', { n: num(total - rows.length) })) : null);
}
