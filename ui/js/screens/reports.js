// Reports: stock on hand with its value, low stock, expiring soon, movements over a date range,
// and the weekly distribution summary; each exported as CSV or Excel (coordinators and leads).

import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { dateInput, errorSummary, notice, readDate, select, showProblems } from '../form.js';
import { date, language, num, t } from '../i18n.js';
import { can } from '../access.js';

// Stock is valued in pounds sterling (the centre's accounts), written the current language's way.
const money = (pence) => new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'GBP' }).format(pence / 100);
const categories = (w) => w.categories.map((c) => `${t(`stock.category.${c.category}`)} ${num(c.units)}`).join(', ');

function tableOf(testid, heads, rows) {
  if (!rows.length) return h('p', { class: 'empty' }, t('reports.none'));
  return h('table', { class: 'table', 'data-testid': testid },
    h('thead', {}, h('tr', {}, heads.map(([key, numeric]) => h('th', { scope: 'col', class: numeric ? 'num' : null }, t(key))))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map(([v, numeric]) => h('td', { class: numeric ? 'num' : null }, v))))));
}

export async function showReports(main, { session }) {
  if (!can(session, 'stock_reports')) {
    replace(main, h('h1', {}, t('nav.reports')), h('p', {}, t('reports.coordinators_only')));
    return;
  }
  const sites = await api.listSites();
  const summary = errorSummary();
  const site = select({ name: 'site', label: t('people.site'), testid: 'reports-site', options: [['', t('people.any')], ...sites.map((s) => [s.code, s.name])] });
  const from = dateInput({ name: 'from', label: t('reports.from'), testid: 'reports-from' });
  const to = dateInput({ name: 'to', label: t('reports.to'), testid: 'reports-to' });
  const out = h('div', { 'data-testid': 'reports' });
  const message = h('div', { tabindex: '-1' });
  const query = () => ({ site: site.input.value || null, from: readDate(from), to: readDate(to) });
  const form = h('form', { novalidate: true, class: 'filters' }, summary, site, from, to,
    h('button', { type: 'submit', class: 'button' }, t('reports.show')));
  const exportButton = (report, title, format) => {
    const b = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': `export-${report}-${format}` },
      t(`reports.export_${format}`));
    b.addEventListener('click', async () => {
      try {
        const path = await api.chooseSavePath(saveDialog('report', `${report}.${format}`, { format, vars: { name: t(title) } }));
        if (!path) return;
        const done = await api.exportReport({ report, format, path, ...query() });
        replace(message, notice(t('reports.exported', { n: num(done.rows), path: done.path })));
        message.focus();
      } catch (err) { replace(message, h('p', { class: 'field-error', role: 'alert' }, err.message)); }
    });
    return b;
  };
  const section = (report, title, body) => h('section', {},
    h('h2', {}, t(title)), h('div', { class: 'button-group' }, exportButton(report, title, 'csv'), exportButton(report, title, 'xlsx')), body);
  const run = async () => {
    try {
      const r = await api.stockReports(query());
      const total = r.on_hand.reduce((s, x) => s + x.value, 0);
      replace(out,
        h('p', { class: 'hint' }, t('reports.range', { from: date(r.from), to: date(r.to) })),
        section('weekly', 'reports.weekly', tableOf('report-weekly',
          [['reports.week_of'], ['reports.distributions', 1], ['dist.households', 1], ['dist.people', 1], ['reports.babies', 1],
            ['reports.children', 1], ['reports.adults', 1], ['dist.items_out', 1], ['reports.by_category']],
          r.weekly.map((w) => [[date(w.week_of)], [num(w.distributions), 1], [num(w.households), 1], [num(w.people), 1],
            [num(w.babies), 1], [num(w.children), 1], [num(w.adults), 1], [num(w.items_out), 1], [categories(w)]]))),
        section('on_hand', 'reports.on_hand', h('div', {},
          h('p', {}, t('reports.value_total', { value: money(total) })),
          tableOf('report-on-hand', [['people.site'], ['stock.location'], ['stock.item'], ['stock.quantity', 1], ['reports.value', 1]],
            r.on_hand.map((x) => [[x.site], [x.location], [x.variant ? `${x.item} (${x.variant})` : x.item],
              [`${num(x.quantity)} ${x.unit}`, 1], [money(x.value), 1]])))),
        section('low_stock', 'stock.low_title', tableOf('report-low', [['people.site'], ['stock.item'], ['stock.quantity', 1], ['reports.threshold', 1]],
          r.low.map((x) => [[x.site], [x.item], [num(x.quantity), 1], [num(x.threshold), 1]]))),
        section('expiring', 'stock.expiring_title', tableOf('report-expiring', [['stock.location'], ['stock.item'], ['stock.batch'], ['stock.expires_on'], ['stock.quantity', 1]],
          r.expiring.map((x) => [[x.location], [x.item], [x.batch], [x.expired ? t('stock.expired_on', { date: date(x.expires_on) }) : date(x.expires_on)], [num(x.quantity), 1]]))),
        section('movements', 'reports.movements', tableOf('report-movements',
          [['reports.date'], ['stock.location'], ['stock.item'], ['stock.quantity', 1], ['reports.kind'], ['reports.party'], ['reports.by']],
          r.movements.map((m) => [[date(m.moved_on)], [`${m.location} (${m.site})`], [m.variant ? `${m.item} (${m.variant})` : m.item],
            [m.quantity > 0 ? `+${num(m.quantity)}` : num(m.quantity), 1], [t(`reports.kind.${m.kind}`) + (m.reason ? ` · ${t(`stock.reason.${m.reason}`)}` : '')],
            [m.party], [m.by || '']]))));
    } catch (err) { showProblems(summary, form, err); }
  };
  form.addEventListener('submit', (e) => { e.preventDefault(); run(); });
  replace(main, h('h1', {}, t('nav.reports')), form, message, out);
  await run();
}
