// The Dashboard's chart of stock levels and distributions per week, drawn as SVG (no chart
// service): bars are units given out each week, the line is units in stock at the week's end.

import * as api from './api.js';
import { h } from './dom.js';
import { date, num, t } from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** The chart section for `site` (a code; null: every site), or null when there is no stock
 * history. */
export async function stockChart(site = null) {
  const weeks = await api.stockChart({ weeks: 12, site });
  if (!weeks.length || weeks.every((w) => w.stock === 0 && w.given_out === 0)) return null;
  const W = 720; const H = 240; const L = 56; const R = 56; const T = 16; const B = 40;
  const maxStock = Math.max(1, ...weeks.map((w) => w.stock));
  const maxOut = Math.max(1, ...weeks.map((w) => w.given_out));
  const step = (W - L - R) / weeks.length;
  const y = (v, max) => T + (H - T - B) * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'chart-title chart-desc', class: 'chart', 'data-testid': 'stock-chart' },
    s('title', { id: 'chart-title' }, t('chart.title')),
    s('desc', { id: 'chart-desc' }, t('chart.desc')));
  svg.append(s('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'chart-axis' }));
  weeks.forEach((w, i) => {
    const x = L + i * step;
    const top = y(w.given_out, maxOut);
    svg.append(s('rect', { x: x + step * 0.2, y: top, width: step * 0.6, height: H - B - top, class: 'chart-bar', 'data-testid': 'chart-bar' },
      s('title', {}, t('chart.bar', { week: date(w.week_of), n: num(w.given_out), households: num(w.households) }))));
    if (i % 2 === 0) svg.append(s('text', { x: x + step / 2, y: H - B + 16, 'text-anchor': 'middle', class: 'chart-label' }, date(w.week_of).replace(/ \d{4}$/, '')));
  });
  const points = weeks.map((w, i) => `${L + i * step + step / 2},${y(w.stock, maxStock)}`).join(' ');
  svg.append(s('polyline', { points, class: 'chart-line', fill: 'none' }));
  svg.append(s('text', { x: L - 6, y: T + 10, 'text-anchor': 'end', class: 'chart-label' }, num(maxOut)));
  svg.append(s('text', { x: W - R + 6, y: T + 10, class: 'chart-label chart-label-line' }, num(maxStock)));
  const rows = weeks.map((w) => h('tr', {}, h('th', { scope: 'row' }, date(w.week_of)), h('td', { class: 'num' }, num(w.given_out)),
    h('td', { class: 'num' }, num(w.households)), h('td', { class: 'num' }, num(w.stock))));
  return h('section', { 'aria-labelledby': 'chart-heading', 'data-testid': 'stock-chart-section' },
    h('h2', { id: 'chart-heading' }, t('chart.title')),
    h('p', { class: 'hint' }, h('span', { class: 'key key-bar' }), ` ${t('chart.key_out')} `, h('span', { class: 'key key-line' }), ` ${t('chart.key_stock')}`),
    svg,
    h('details', {}, h('summary', {}, t('chart.as_table')),
      h('table', { class: 'table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('reports.week_of')),
        h('th', { scope: 'col', class: 'num' }, t('chart.key_out')), h('th', { scope: 'col', class: 'num' }, t('dist.households')),
        h('th', { scope: 'col', class: 'num' }, t('chart.key_stock')))), h('tbody', {}, rows))));
}
