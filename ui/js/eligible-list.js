// The desk's eligible households (a distribution's plan): the shortfalls, a box that finds a
// household in the list by code or name, and the list itself a page at a time. A day at a big
// site has over 2,000 households; drawing them all made every collection at the desk lay out a
// table of 2,000 rows again (the tick in one row changes the table's column widths), so the
// window shows one page and the box reaches any household.

import { h, replace } from './dom.js';
import { num, t } from './i18n.js';

/** Households on a page of the list. */
const PAGE = 100;

/** Text folded for finding: lower case, accents taken off, so "Hélène" is found by "helene". */
const fold = (s) => (s || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * The eligible households, their allowances and the shortfalls. `served` holds the codes of
 * every member of the households that have collected (the desk adds to it as it records).
 * With `desk` (an open distribution), each household not yet served has a button that records
 * its collection through `desk.record`. Returns the element, with `collected(code)`: the desk
 * calls it when it has recorded the household of `code`, and the row is ticked in place if it
 * is on the page shown; and `uncollected(code)` when that collection was reversed. `desk.codeBox`
 * takes the focus after the list's last button is used.
 */
export function eligibleList(plan, served, desk) {
  const short = plan.needs.filter((n) => n.shortfall > 0);
  // Each household once, with the text the finding box looks in: every member's code and
  // names, both scripts.
  const all = plan.rows.map((r) => ({
    row: r,
    head: r.unit.members[0] || {},
    text: r.unit.members.map((m) => fold(`${m.code} ${m.name} ${m.original_name || ''}`)).join(' '),
  }));
  let shown = all;
  let offset = 0;
  // Each household's entry, by the code of every member.
  const byCode = new Map();
  for (const e of all) for (const m of e.row.unit.members) byCode.set(m.code, e);
  // The collected cell of each row on the page, by the code of every member of its household.
  const cells = new Map();

  const findHint = h('p', { id: 'plan-find-hint', class: 'hint' }, t('dist.find_hint'));
  const find = h('input', {
    id: 'plan-find', type: 'search', class: 'input input-search', dir: 'auto', autocomplete: 'off', spellcheck: 'false',
    'aria-describedby': 'plan-find-hint', 'aria-controls': 'plan-table', 'data-testid': 'plan-find',
  });
  const count = h('p', { class: 'count', role: 'status', 'data-testid': 'plan-page' });
  const body = h('tbody', {});
  const prev = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'plan-prev', 'aria-controls': 'plan-table' }, t('people.previous'));
  const next = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'plan-next', 'aria-controls': 'plan-table' }, t('people.next'));
  const pager = h('div', { class: 'pager button-group' }, prev, next);
  const empty = h('p', { class: 'empty', 'data-testid': 'plan-none', hidden: true });

  const collectedCell = (entry) => {
    const { row: r, head } = entry;
    const done = r.collected || served.has(head.code);
    const cell = h('td', { class: 'nowrap', 'data-testid': 'plan-collected' }, done ? '✓' : '');
    if (desk && !done) {
      const tick = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': 'plan-tick',
        'aria-label': t('dist.tick_label', { name: head.name, code: head.code }) }, t('dist.tick'));
      tick.addEventListener('click', async () => {
        tick.disabled = true;
        const row = cell.closest('tr');
        if (!await desk.record(head.id, { fromList: true })) { tick.disabled = false; return; }
        // The button has become a tick: the focus goes on to the next household's button, so a
        // keyboard works down the list, or back to the desk's box after the last.
        let next = row && row.nextElementSibling;
        while (next && !next.querySelector('[data-testid="plan-tick"]')) next = next.nextElementSibling;
        (next ? next.querySelector('[data-testid="plan-tick"]') : desk.codeBox)?.focus();
      });
      cell.append(tick);
    }
    return cell;
  };

  const rowOf = (entry) => {
    const { row: r, head } = entry;
    const cell = collectedCell(entry);
    for (const m of r.unit.members) cells.set(m.code, cell);
    entry.cell = cell;
    return h('tr', { 'data-testid': 'plan-row', 'data-code': head.code },
      h('td', { class: 'code' }, head.code),
      h('td', { class: 'plan-name' }, h('span', { dir: 'auto', 'data-testid': 'plan-name' }, head.name),
        head.original_name ? h('span', {}, ' · ', h('span', { class: 'original-name', dir: 'auto', 'data-testid': 'plan-original' }, head.original_name)) : null),
      h('td', { class: 'num' }, num(r.unit.members.length)),
      h('td', {}, r.summary),
      cell);
  };

  const render = () => {
    cells.clear();
    const page = shown.slice(offset, offset + PAGE);
    replace(body, page.map(rowOf));
    const query = find.value.trim();
    empty.hidden = page.length > 0 || !query;
    replace(empty, empty.hidden ? '' : t('dist.find_none', { text: query }));
    // A list on one page needs no "1 to 62 of 62" under its "62 households".
    const whole = !query && shown.length <= PAGE;
    replace(count, page.length === 0 || whole ? ''
      : t(query ? 'dist.page_found' : 'dist.page', { from: num(offset + 1), to: num(offset + page.length), n: num(shown.length) }));
    prev.disabled = offset === 0;
    next.disabled = offset + PAGE >= shown.length;
    pager.hidden = shown.length <= PAGE;
  };

  find.addEventListener('input', () => {
    const words = fold(find.value).split(/\s+/).filter(Boolean);
    shown = words.length ? all.filter((e) => words.every((w) => e.text.includes(w))) : all;
    offset = 0;
    render();
  });
  // Enter in the box finds, it does not send anything anywhere.
  find.addEventListener('keydown', (e) => { if (e.key === 'Enter') e.preventDefault(); });
  prev.addEventListener('click', () => { offset = Math.max(0, offset - PAGE); render(); });
  next.addEventListener('click', () => { offset += PAGE; render(); });
  render();

  const el = h('div', {},
    h('p', { class: 'count', 'data-testid': 'plan-count' }, t('dist.eligible_count', { n: num(plan.rows.length) })),
    short.length ? h('div', { class: 'notice notice-warning', 'data-testid': 'shortfalls' },
      h('p', {}, t('dist.shortfalls')),
      h('ul', {}, short.map((n) => h('li', {}, t('dist.shortfall_line', {
        item: n.variant ? `${n.item} (${n.variant})` : n.item, needed: num(n.needed), available: num(n.available), short: num(n.shortfall),
      }))))) : h('p', { class: 'hint' }, t('dist.no_shortfall')),
    h('div', { class: 'search-box' }, h('label', { for: 'plan-find', class: 'label' }, t('dist.find')), findHint, find),
    count,
    h('table', { class: 'table table-plan', id: 'plan-table' },
      h('caption', { class: 'visually-hidden' }, t('dist.eligible')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('people.code')), h('th', { scope: 'col' }, t('people.name')),
        h('th', { scope: 'col', class: 'num' }, t('dist.size')), h('th', { scope: 'col' }, t('dist.allowance')),
        h('th', { scope: 'col' }, t('dist.collected_col')))),
      body),
    empty, pager);
  // Only the one cell changes: the rest of the page is not drawn again.
  el.collected = (code) => {
    const cell = cells.get(code);
    if (cell) replace(cell, '✓');
  };
  // A collection reversed or undone (and the household's codes taken out of `served`): the
  // household is not served any more, and its row gets its button back if it is on the page.
  el.uncollected = (code) => {
    const entry = byCode.get(code);
    if (!entry) return;
    entry.row.collected = false;
    const cell = cells.get(code);
    if (!cell) return;
    const fresh = collectedCell(entry);
    cell.replaceWith(fresh);
    for (const m of entry.row.unit.members) cells.set(m.code, fresh);
    entry.cell = fresh;
  };
  return el;
}
