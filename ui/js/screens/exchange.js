// Exchange (coordinators and leads): exchange now through a folder (a USB stick, the office's
// shared folder), this computer's automatic folder, the last exchange's outcome, the conflicts
// list side by side (keep the winner, or take the other version), the possible duplicates
// (duplicates.js: merge, or not the same person), and the centre's computers
// (a lead removes a lost one, or writes a join file for a new one).

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { confirmBox, errorSummary, field, flash, notice, select, showApiError, takeFlash } from '../form.js';
import { dateTime, num, t } from '../i18n.js';
import { can } from '../access.js';
import { duplicatesSection } from './duplicates.js';

export async function showExchange(main, ctx) {
  const { session } = ctx;
  if (!can(session, 'exchange_overview')) {
    replace(main, h('h1', {}, t('nav.exchange')), h('p', {}, t('exchange.coordinators_only')));
    return;
  }
  const [o, conflicts, sites, duplicates] = await Promise.all([
    api.exchangeOverview(), api.listConflicts(), api.listSites(),
    can(session, 'list_possible_duplicates') ? api.listPossibleDuplicates() : Promise.resolve([]),
  ]);
  const rerender = () => showExchange(main, ctx);
  const flashed = takeFlash();
  replace(main,
    h('h1', {}, t('nav.exchange')),
    flashed,
    h('p', { class: 'hint' }, t('exchange.intro')),
    nowSection(o, rerender),
    automaticSection(o.automatic, can(session, 'set_exchange_folder'), rerender),
    conflictsSection(conflicts, rerender),
    duplicatesSection(duplicates, rerender),
    replicasSection(o, sites, session, rerender));
  if (flashed) flashed.scrollIntoView({ block: 'nearest' });
}

/** One exchange's outcome in words. */
export function reportLines(report) {
  const lines = [t('exchange.report', { sent: num(report.sent), applied: num(report.applied), conflicts: num(report.conflicts) })];
  if (report.waiting) lines.push(t('exchange.waiting', { n: num(report.waiting), why: report.waiting_for.join('; ') }));
  for (const r of report.refused || []) lines.push(t('exchange.refused', { why: r }));
  return lines;
}

function nowSection(o, rerender) {
  const summary = errorSummary();
  const dir = field({ name: 'dir', label: t('exchange.folder'), hint: t('exchange.folder_hint'), value: o.automatic.dir, testid: 'exchange-dir' });
  const result = h('div', { role: 'status', 'data-testid': 'exchange-result' });
  const button = h('button', { type: 'submit', class: 'button', 'data-testid': 'exchange-now' }, t('exchange.now'));
  const form = h('form', { novalidate: true }, summary, dir, button);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    button.disabled = true;
    replace(result, h('p', { class: 'loading' }, t('exchange.running')));
    try {
      const report = await api.exchangeFolder(dir.input.value.trim());
      flash(reportLines(report).join(' '), report.refused.length || report.waiting ? 'warning' : 'success');
      rerender();
    } catch (err) {
      button.disabled = false;
      replace(result);
      showApiError(summary, form, err);
    }
  });
  const last = o.automatic;
  return h('section', { 'aria-labelledby': 'exchange-now-title', 'data-testid': 'exchange-now-section' },
    h('h2', { id: 'exchange-now-title' }, t('exchange.now_title')),
    form, result,
    last.last_at
      ? h('p', { 'data-testid': 'exchange-last' },
        t('exchange.last', { when: dateTime(last.last_at) }), ' ',
        last.last_error ? h('span', { class: 'field-error' }, last.last_error) : (last.last_report ? reportLines(last.last_report).join(' ') : ''))
      : h('p', { class: 'empty', 'data-testid': 'exchange-last' }, t('exchange.never')),
    h('p', { class: 'hint' }, t('exchange.outbox', { n: num(o.outbox) })));
}

function automaticSection(auto, mayChange, rerender) {
  const intro = h('p', { class: 'hint' }, t('exchange.auto_intro'));
  const state = h('p', { 'data-testid': 'exchange-auto-state' },
    auto.dir ? t('exchange.auto_on', { dir: auto.dir, minutes: num(auto.minutes) }) : t('exchange.auto_off'));
  if (!mayChange) return h('section', { 'aria-labelledby': 'exchange-auto-title' }, h('h2', { id: 'exchange-auto-title' }, t('exchange.auto_title')), intro, state);
  const summary = errorSummary();
  const dir = field({ name: 'dir', label: t('exchange.auto_folder'), hint: t('exchange.auto_folder_hint'), value: auto.dir, required: false, testid: 'exchange-auto-dir' });
  const minutes = field({ name: 'minutes', label: t('exchange.auto_minutes'), type: 'number', inputmode: 'numeric', width: 'short', value: String(auto.minutes), testid: 'exchange-auto-minutes' });
  const form = h('form', { novalidate: true, 'data-testid': 'exchange-auto-form' }, summary, dir, minutes,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'exchange-auto-save' }, t('exchange.auto_save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.setExchangeFolder(dir.input.value.trim(), Number(minutes.input.value || 0));
      flash(dir.input.value.trim() ? t('exchange.auto_saved') : t('exchange.auto_stopped'));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'exchange-auto-title' }, h('h2', { id: 'exchange-auto-title' }, t('exchange.auto_title')), intro, state, form);
}

/** A version of a row as a small table of its fields. */
function version(v) {
  if (v === null || v === undefined) return h('p', { class: 'empty' }, t('exchange.deleted'));
  const entries = Object.entries(v).filter(([k]) => !['created_at', 'updated_at'].includes(k));
  return h('dl', { class: 'version' }, entries.flatMap(([k, val]) => [h('dt', {}, k), h('dd', { dir: 'auto' }, val === null ? '—' : String(val))]));
}

function conflictsSection(conflicts, rerender) {
  const status = h('div', { role: 'status' });
  const resolve = async (c, choice, button) => {
    button.disabled = true;
    try {
      await api.resolveConflict(c.id, choice);
      flash(choice === 'keep' ? t('exchange.kept') : t('exchange.taken'));
      rerender();
    } catch (err) {
      button.disabled = false;
      replace(status, h('p', { class: 'field-error' }, err.message));
    }
  };
  return h('section', { 'aria-labelledby': 'conflicts-title', 'data-testid': 'conflicts' },
    h('h2', { id: 'conflicts-title' }, t('exchange.conflicts_title')),
    h('p', { class: 'hint' }, t('exchange.conflicts_intro')),
    status,
    conflicts.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'conflicts-none' }, t('exchange.conflicts_none'))
      : h('ul', { class: 'conflict-list' }, conflicts.map((c) => {
        const keep = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'conflict-keep' }, t('exchange.keep'));
        const other = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'conflict-take-other' }, t('exchange.take_other'));
        keep.addEventListener('click', () => resolve(c, 'keep', keep));
        other.addEventListener('click', () => resolve(c, 'take_other', other));
        return h('li', { class: 'conflict', 'data-testid': 'conflict', 'data-table': c.table },
          h('p', {}, t(`exchange.kind_${c.kind}`, { table: c.table })),
          h('div', { class: 'side-by-side' },
            h('div', {}, h('h3', {}, t('exchange.winner', { when: dateTime(c.winner_at) })), version(c.winner)),
            h('div', {}, h('h3', {}, t('exchange.loser', { when: dateTime(c.loser_at) })), version(c.loser))),
          h('div', { class: 'button-group' }, keep, other));
      })));
}

function replicasSection(o, sites, session, rerender) {
  const mayRemove = can(session, 'remove_replica');
  const status = h('div', { role: 'status' });
  const rows = o.replicas.map((r) => {
    let action = null;
    if (mayRemove && !r.this_computer && !r.removed_at) {
      action = h('button', { type: 'button', class: 'button button-warning', 'data-testid': 'replica-remove' }, t('exchange.remove'));
      action.addEventListener('click', () => {
        replace(status, confirmBox({
          title: t('exchange.remove_title', { name: r.name }), body: t('exchange.remove_body'),
          yes: t('exchange.remove'), no: t('form.cancel'), testid: 'replica-remove-confirm',
          onNo: () => replace(status),
          onYes: async () => {
            try {
              await api.removeReplica(r.id);
              flash(t('exchange.removed', { name: r.name }));
              rerender();
            } catch (err) { replace(status, h('p', { class: 'field-error' }, err.message)); }
          },
        }));
      });
    }
    return h('tr', { 'data-testid': 'replica', 'data-this': r.this_computer ? 'yes' : 'no' },
      h('td', {}, r.name, r.this_computer ? h('span', { class: 'tag' }, t('exchange.this_computer')) : null),
      h('td', {}, r.site || ''),
      h('td', {}, r.code_tag || ''),
      h('td', {}, r.removed_at ? t('exchange.removed_on', { when: dateTime(r.removed_at) }) : t('exchange.active')),
      h('td', {}, action));
  });
  return h('section', { 'aria-labelledby': 'replicas-title', 'data-testid': 'replicas' },
    h('h2', { id: 'replicas-title' }, t('exchange.replicas_title')),
    status,
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('exchange.computer')),
        h('th', { scope: 'col' }, t('exchange.site')),
        h('th', { scope: 'col' }, t('exchange.code_tag')),
        h('th', { scope: 'col' }, t('exchange.state')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('exchange.actions'))))),
      h('tbody', {}, rows)),
    can(session, 'create_invite') ? inviteForm(sites) : null);
}

function inviteForm(sites) {
  const summary = errorSummary();
  const site = select({ name: 'site', label: t('exchange.invite_site'), testid: 'invite-site', options: sites.map((s) => [s.code, `${s.name} (${s.code})`]) });
  const path = field({ name: 'path', label: t('exchange.invite_path'), hint: t('exchange.invite_path_hint'), testid: 'invite-path' });
  const result = h('div', { role: 'status', 'data-testid': 'invite-result' });
  const form = h('form', { novalidate: true }, summary, site, path,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'invite-save' }, t('exchange.invite')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      const done = await api.createInvite(site.input.value, path.input.value.trim());
      replace(result, notice(t('exchange.invite_done', { file: done.file, code: done.code }), 'success'));
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('div', {}, h('h3', {}, t('exchange.invite_title')), h('p', { class: 'hint' }, t('exchange.invite_intro')), form, result);
}
