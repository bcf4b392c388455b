// Shared pieces of the Volunteers, Rota and Activities screens: ISO weeks (`2026-W48`), the
// DBS mark beside a volunteer's name, the site-and-week chooser and the "print to a file" form.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { errorSummary, field, notice, showApiError } from './form.js';
import { date, language, t } from './i18n.js';

const pad = (n) => String(n).padStart(2, '0');

/** The ISO week (`2026-W48`) of a local Date. */
export function isoWeek(d = new Date()) {
  const day = new Date(Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()));
  const dow = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - dow);
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day - yearStart) / 86400000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${pad(week)}`;
}

/** The week `weeks` weeks after the one whose Monday is `mondayIso`. */
export function shiftWeek(mondayIso, weeks) {
  const [y, m, d] = mondayIso.split('-').map(Number);
  return isoWeek(new Date(y, m - 1, d + 7 * weeks));
}

/** A short day heading: "Mon 23 Nov". */
export function dayText(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  const when = new Date(Date.UTC(y, m - 1, d));
  const wd = new Intl.DateTimeFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { weekday: 'short', timeZone: 'UTC' }).format(when);
  return `${wd} ${date(iso)}`;
}

/** The DBS status as words: "valid until 3 Mar 2027", "expired", "missing", ... */
export function dbsText(dbs) {
  switch (dbs.state) {
    case 'valid': return t('dbs.valid_until', { date: date(dbs.until) });
    case 'expiring_soon': return t('dbs.expiring_until', { date: date(dbs.until) });
    case 'expired': return t('dbs.expired_since', { date: date(dbs.since) });
    case 'insufficient': return dbs.level === 'enhanced_barred' ? t('dbs.not_for_children') : t('dbs.insufficient', { level: t(`dbs.level.${dbs.level}`) });
    case 'needs_risk_assessment': return t('dbs.needs_risk_assessment', { issuer: t(`checks.issuer.${dbs.issuer}`) });
    default: return t('dbs.missing');
  }
}

/** A DBS mark: ✓ valid, ⚠ expiring soon, ✗ not valid, with the words beside it. */
export function dbsMark(dbs) {
  const kind = dbs.state === 'valid' ? 'ok' : dbs.state === 'expiring_soon' ? 'soon' : 'bad';
  const symbol = kind === 'ok' ? '✓' : kind === 'soon' ? '⚠' : '✗';
  return h('span', { class: `dbs-mark dbs-${kind}`, 'data-testid': 'dbs-mark', 'data-state': dbs.state },
    h('span', { 'aria-hidden': 'true' }, symbol), ' ', dbsText(dbs));
}

/** Site and week chooser: previous / this / next week buttons and a site select. */
export function weekBar({ sites, site, week, mondayIso, onChange }) {
  const siteSelect = h('select', { class: 'input input-small', 'data-testid': 'week-site', 'aria-label': t('week.site') },
    sites.filter((s) => s.active).map((s) => h('option', { value: s.code, selected: s.code === site }, `${s.name} (${s.code})`)));
  siteSelect.addEventListener('change', () => onChange(siteSelect.value, week));
  const button = (label, to, testid) => h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': testid, onclick: () => onChange(siteSelect.value, to) }, label);
  return h('div', { class: 'button-group week-bar', role: 'group', 'aria-label': t('week.choose') },
    siteSelect,
    button(t('week.previous'), shiftWeek(mondayIso, -1), 'week-prev'),
    button(t('week.this'), isoWeek(), 'week-this'),
    button(t('week.next'), shiftWeek(mondayIso, 1), 'week-next'));
}

/**
 * A small form that prints a sheet to a PDF file: a path field (typed, or filled by the
 * system's "save as" dialog, whose options `dialog()` returns), then the print button. The PDF
 * is opened in the system viewer.
 */
export function printForm({ title, button, dialog, testid, print }) {
  const summary = errorSummary();
  const path = field({ name: 'path', label: t('print.path'), hint: t('print.path_hint'), required: false, testid: `${testid}-path` });
  path.input.classList.add('input-path');
  const status = h('div', { tabindex: '-1', 'data-testid': `${testid}-status` });
  const choose = h('button', { type: 'button', class: 'button button-secondary' }, t('print.choose'));
  choose.addEventListener('click', async () => {
    try {
      const chosen = await api.chooseSavePath(dialog());
      if (chosen) path.input.value = chosen;
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  const form = h('form', { class: 'form section', novalidate: true, 'data-testid': testid },
    h('h2', {}, title), summary, path,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', 'data-testid': `${testid}-submit` }, button), choose),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    replace(status);
    if (!path.input.value.trim()) {
      summary.show([{ field: 'path', message: t('print.path_missing') }], form);
      return;
    }
    try {
      const printed = await print(path.input.value.trim());
      const text = t('print.done', { path: printed.path, pages: printed.pages });
      // Said once, after the viewer has opened or not: a message that grows a line later moves
      // the page under a hand (or a test) reaching for the next button.
      let opened = true;
      try { await api.openPath(printed.path); } catch { opened = false; }
      replace(status, notice(text), opened ? null : h('p', { class: 'hint' }, t('print.not_opened')));
      status.focus();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}
