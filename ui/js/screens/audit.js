// The audit log for leads: who did what to which record and when, with filters, and a check
// of the hash chain that shows whether any entry was edited or deleted.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { dateInput, errorSummary, field, notice, readDates, showApiError } from '../form.js';
import { dateTime, t, tOr } from '../i18n.js';

const PAGE = 100;

export function auditSection() {
  const summary = errorSummary();
  const user = field({ name: 'username', label: t('audit.user'), required: false, width: 10, testid: 'audit-user' });
  const action = field({ name: 'action', label: t('audit.action'), hint: t('audit.action_hint'), required: false, width: 12, testid: 'audit-action' });
  const entity = field({ name: 'entity', label: t('audit.entity'), required: false, width: 12 });
  const from = dateInput({ name: 'from', label: t('audit.from'), testid: 'audit-from' });
  const to = dateInput({ name: 'to', label: t('audit.to'), testid: 'audit-to' });
  const results = h('div', { 'data-testid': 'audit-results' });
  const check = h('div', { 'aria-live': 'polite', 'data-testid': 'audit-check' });
  const verify = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'audit-verify' }, t('audit.verify'));
  const form = h('form', { class: 'form', novalidate: true }, summary,
    h('div', { class: 'row' }, user, action, entity), h('div', { class: 'row' }, from, to),
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'audit-filter' }, t('audit.show')), verify));
  let offset = 0;

  async function load() {
    const blank = (f) => (f.input.value.trim() === '' ? null : f.input.value.trim());
    const dates = readDates({ from, to });
    if (dates.problems.length) { summary.show(dates.problems, form); return; }
    try {
      const rows = await api.listAuditLog({
        username: blank(user), action: blank(action), entity: blank(entity), from: dates.values.from, to: dates.values.to, limit: PAGE, offset,
      });
      const more = h('button', { type: 'button', class: 'button button-secondary button-small' }, t('audit.older'));
      more.addEventListener('click', () => { offset += PAGE; load(); });
      replace(results, rows.length === 0 ? h('p', { class: 'empty' }, t('audit.none')) : h('table', { class: 'table' },
        h('caption', { class: 'visually-hidden' }, t('audit.title')),
        h('thead', {}, h('tr', {}, ['when', 'user', 'action', 'entity', 'detail'].map((c) => h('th', { scope: 'col' }, t(`audit.col_${c}`))))),
        h('tbody', {}, rows.map((e) => h('tr', { 'data-testid': 'audit-row', 'data-action': e.action, 'data-entity': e.entity },
          h('td', { 'data-testid': 'audit-when' }, dateTime(e.at)),
          h('td', {}, e.username),
          h('td', { 'data-testid': 'audit-what' }, tOr(`audit.act.${e.action}`, e.action)),
          h('td', { 'data-testid': 'audit-about', dir: 'auto' }, tOr(`audit.kind.${e.entity}`, e.entity),
            e.subject ? h('span', {}, ': ', h('bdi', {}, e.subject)) : (e.entity_id ? h('span', { class: 'muted' }, ` ${t('audit.gone')}`) : null)),
          // The raw entry, one click away: its number, stored names, record id, UTC time, detail.
          h('td', {}, h('details', { 'data-testid': 'audit-raw' }, h('summary', {}, t('audit.raw')),
            h('pre', { class: 'prewrap' }, [`#${e.seq ?? ''} ${e.at}`, `${e.action} ${e.entity} ${e.entity_id ?? ''}`, e.detail || ''].filter(Boolean).join('\n')))))))),
      rows.length === PAGE ? more : null);
    } catch (err) {
      showApiError(summary, form, err);
    }
  }
  form.addEventListener('submit', (e) => { e.preventDefault(); offset = 0; summary.clear(form); load(); });
  verify.addEventListener('click', async () => {
    try {
      const r = await api.verifyAuditLog();
      replace(check, r.ok
        ? notice(t('audit.intact', { n: r.entries, hash: r.head_hash.slice(0, 16) }))
        : notice(t('audit.broken', { problem: r.problem }), 'error'));
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  load();
  return h('section', { class: 'section', 'data-testid': 'audit' }, h('h2', {}, t('audit.title')), h('p', { class: 'hint' }, t('audit.hint')), form, check, results);
}
