// A volunteer's criminal-record checks of every issuer (DBS, Disclosure Scotland, PVG, AccessNI,
// ICPC, a certificate from another country) on the volunteer's page: the list with each check's
// next recheck or renewal, the coordinator's risk assessment, the form to record one (its fields
// follow the issuer chosen, from the core's issuer table), and the notice to Disclosure Scotland
// when a PVG member leaves. Also the import of applications from the interest form.

import * as api from '../api.js';
import { openDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { checkbox, dateInput, errorSummary, field, flash, readDates, select, showApiError, showWithCoreProblems, textarea, valueOrNull } from '../form.js';
import { date, num, t } from '../i18n.js';
import { dbsMark } from '../week.js';

const WORKFORCES = ['child', 'adult', 'both'];

/** The leaver notice for a PVG member who left, with its "done" button. */
export function leaverNotice(rec, rerender) {
  if (!rec.leaver_notice) return null;
  return h('div', { class: 'demo-hint', role: 'status', 'data-testid': 'pvg-leaver-notice' },
    h('p', {}, t('checks.leaver_notice')),
    h('button', {
      type: 'button', class: 'button button-secondary', 'data-testid': 'pvg-leaver-done',
      onclick: async () => { await api.markPvgLeaverNotified(rec.volunteer.id); flash(t('form.saved')); rerender(); },
    }, t('checks.leaver_done')));
}

function riskCell(c, rerender) {
  if (c.risk_assessment) {
    return h('td', { class: 'prewrap', dir: 'auto', 'data-testid': 'check-risk' },
      c.risk_assessment, h('br'), h('span', { class: 'hint' }, `${c.risk_assessed_by || ''} ${c.risk_assessed_on ? date(c.risk_assessed_on) : ''}`));
  }
  const note = textarea({ name: 'note', label: t('checks.risk_assessment'), hint: t('checks.risk_hint'), rows: 3, testid: 'risk-note' });
  const summary = errorSummary();
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'risk-form' }, summary, note,
    h('button', { type: 'submit', class: 'button button-secondary button-small', 'data-testid': 'risk-save' }, t('checks.risk_save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      await api.recordRiskAssessment(c.id, note.input.value);
      flash(t('form.saved'));
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('td', {}, h('details', {}, h('summary', { 'data-testid': 'risk-open' }, t('checks.risk_record')), form));
}

function checksTable(rec, rerender) {
  const checks = rec.checks;
  if (!checks.length) return h('p', { class: 'empty' }, t('dbs.none'));
  const headings = ['checks.issuer', 'dbs.level_label', 'dbs.workforce', 'dbs.certificate', 'dbs.issued_on', 'checks.next', 'dbs.update_service', 'checks.result', 'checks.risk_assessment', 'dbs.verified'];
  return h('table', { class: 'table', 'data-testid': 'dbs-checks' },
    h('thead', {}, h('tr', {}, headings.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, checks.map((c) => h('tr', { 'data-testid': 'check-row', 'data-issuer': c.issuer },
      h('td', {}, t(`checks.issuer.${c.issuer}`), c.country ? ` (${c.country})` : '',
        c.document ? h('div', { class: 'hint', dir: 'auto' }, c.document, c.translated ? ` · ${t('checks.translated')}` : '') : null),
      h('td', {}, c.level_label, [c.barred_children ? t('dbs.barred_children') : null, c.barred_adults ? t('dbs.barred_adults') : null, c.covers_children ? t('checks.covers_children') : null]
        .filter(Boolean).map((x) => h('div', { class: 'hint' }, x))),
      h('td', {}, t(`dbs.workforce.${c.workforce}`)),
      h('td', { class: 'code' }, c.certificate_number),
      h('td', {}, date(c.issued_on)),
      h('td', { 'data-testid': 'check-next' }, c.issuer === 'pvg' ? t('checks.renewal_on', { date: date(c.renewal_on) }) : date(c.next_recheck)),
      h('td', {}, c.update_service_id ? `${c.update_service_id}${c.update_checked_on ? ` · ${t('dbs.checked_on', { date: date(c.update_checked_on) })}` : ''}` : '–',
        c.update_service_id ? h('button', { type: 'button', class: 'button button-secondary button-small', onclick: async () => { await api.recordDbsStatusCheck(c.id); flash(t('form.saved')); rerender(); } }, t('dbs.checked_today')) : null),
      h('td', {}, t(`checks.result.${c.result}`)),
      riskCell(c, rerender),
      h('td', {}, `${c.seen_by || ''} ${date(c.verified_on)}`)))));
}

function checkForm(rec, issuers, rerender) {
  const summary = errorSummary();
  const byCode = Object.fromEntries(issuers.map((i) => [i.code, i]));
  const issuer = select({ name: 'issuer', label: t('checks.issuer'), value: 'dbs', options: issuers.map((i) => [i.code, t(`checks.issuer.${i.code}`)]), testid: 'check-issuer' });
  const levelBox = h('div');
  let level = null;
  const workforce = select({ name: 'workforce', label: t('dbs.workforce'), value: 'child', options: WORKFORCES.map((w) => [w, t(`dbs.workforce.${w}`)]), testid: 'dbs-workforce' });
  const children = checkbox({ name: 'barred_children', label: t('dbs.barred_children'), checked: true, testid: 'dbs-barred-children' });
  const adults = checkbox({ name: 'barred_adults', label: t('dbs.barred_adults') });
  const number = field({ name: 'certificate_number', label: t('dbs.certificate'), hint: t('dbs.certificate_hint'), width: 'medium', testid: 'dbs-number' });
  const issued = dateInput({ name: 'issued_on', label: t('dbs.issued_on'), required: true, testid: 'dbs-issued' });
  const usId = field({ name: 'update_service_id', label: t('dbs.update_service_id'), hint: t('dbs.update_service_hint'), required: false, width: 'medium' });
  const usChecked = dateInput({ name: 'update_checked_on', label: t('dbs.update_checked_on'), testid: 'dbs-update-checked' });
  const renewal = dateInput({ name: 'renewal_on', label: t('checks.renewal_given'), hint: t('checks.renewal_hint'), testid: 'check-renewal' });
  const country = field({ name: 'country', label: t('checks.country'), required: false, testid: 'check-country' });
  const documentName = field({ name: 'document', label: t('checks.document'), hint: t('checks.document_hint'), required: false, dir: 'auto', testid: 'check-document' });
  const translated = checkbox({ name: 'translated', label: t('checks.translated'), testid: 'check-translated' });
  const authenticity = field({ name: 'authenticity', label: t('checks.authenticity'), hint: t('checks.authenticity_hint'), required: false, testid: 'check-authenticity' });
  const covers = checkbox({ name: 'covers_children', label: t('checks.covers_children'), testid: 'check-covers-children' });
  const printedName = field({ name: 'printed_name', label: t('checks.printed_name'), required: false, dir: 'auto' });
  const printedBirth = dateInput({ name: 'printed_birth_date', label: t('checks.printed_birth_date'), testid: 'check-printed-birth' });
  const seenBy = field({ name: 'seen_by', label: t('checks.seen_by'), hint: t('checks.seen_by_hint'), required: false });
  const result = select({ name: 'result', label: t('checks.result'), value: 'clear', options: ['clear', 'disclosed'].map((r) => [r, t(`checks.result.${r}`)]), testid: 'check-result' });
  const risk = textarea({ name: 'risk_assessment', label: t('checks.risk_assessment'), hint: t('checks.risk_hint'), rows: 3 });
  const foreign = h('div', {}, country, documentName, translated, authenticity, covers);
  const update = h('div', { class: 'cols' }, usId, usChecked);
  const follow = () => {
    const i = byCode[issuer.input.value];
    level = select({ name: 'level', label: t('dbs.level_label'), value: i.levels[i.levels.length - 1].code, options: i.levels.map((l) => [l.code, l.label]), testid: 'dbs-level' });
    level.hidden = i.levels.length === 1;
    level.input.addEventListener('change', lists);
    replace(levelBox, level);
    foreign.hidden = !i.foreign;
    update.hidden = !i.update_service;
    renewal.hidden = !i.membership;
    number.querySelector('label').textContent = t(i.digits ? 'checks.number' : 'checks.reference');
    number.querySelector('.hint').textContent = i.digits ? t('checks.number_hint', { n: i.digits }) : t('checks.reference_hint');
    lists();
  };
  const lists = () => {
    const i = byCode[issuer.input.value];
    const l = i.levels.find((x) => x.code === level.input.value);
    const barred = !!l && l.barred_lists && !i.membership;
    children.hidden = !barred;
    adults.hidden = !barred;
  };
  issuer.input.addEventListener('change', follow);
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'dbs-form' },
    h('h3', {}, t('dbs.add')), h('p', { class: 'hint' }, t('dbs.never_content')), summary,
    h('div', { class: 'cols' }, issuer, levelBox, workforce), children, adults, number, issued, update, renewal, foreign,
    h('div', { class: 'cols' }, printedName, printedBirth), seenBy, result, risk,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'dbs-save' }, t('dbs.add')));
  follow();
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    const i = byCode[issuer.input.value];
    // Only the dates this issuer's form shows are read; each problem is listed at once.
    const { values: dates, problems } = readDates({
      issued: issued, printed: printedBirth,
      ...(i.update_service ? { checked: usChecked } : {}),
      ...(i.membership ? { renewal } : {}),
    });
    const barred = !children.hidden;
    try {
      const check = {
        volunteer: rec.volunteer.id, issuer: i.code, level: level.input.value, workforce: workforce.input.value,
        barred_children: barred && children.input.checked, barred_adults: barred && adults.input.checked,
        certificate_number: number.input.value, issued_on: dates.issued,
        update_service_id: i.update_service ? valueOrNull(usId.input) : null,
        update_checked_on: dates.checked ?? null,
        renewal_on: dates.renewal ?? null,
        country: i.foreign ? country.input.value : '', document: i.foreign ? documentName.input.value : '',
        translated: i.foreign && translated.input.checked, authenticity: i.foreign ? authenticity.input.value : '',
        covers_children: i.foreign && covers.input.checked,
        printed_name: printedName.input.value, printed_birth_date: dates.printed,
        seen_by: seenBy.input.value, result: result.input.value, risk_assessment: risk.input.value,
      };
      if (await showWithCoreProblems(summary, form, problems, () => api.addCheck({ ...check, check_only: true }))) return;
      await api.addCheck(check);
      flash(t('form.saved'));
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}

/** The checks section of a volunteer's page. */
export async function checksSection(rec, rerender) {
  const issuers = await api.checkIssuers();
  return h('section', { class: 'section' },
    h('h2', {}, t('dbs.title')), h('p', { class: 'hint' }, t('dbs.restricted')),
    h('p', {}, t('volunteer.dbs_any'), ': ', dbsMark(rec.dbs_status)),
    checksTable(rec, rerender), checkForm(rec, issuers, rerender));
}

/** Import applications from the interest form: choose the file, check it, then import. */
export function showApplicationsImport(main) {
  const summary = errorSummary();
  const report = h('div', { tabindex: '-1', 'data-testid': 'applications-report' });
  const path = field({ name: 'path', label: t('import.path'), hint: t('applications.path_hint'), testid: 'applications-path' });
  path.input.classList.add('input-path');
  const choose = h('button', { type: 'button', class: 'button button-secondary' }, t('import.choose'));
  choose.addEventListener('click', async () => {
    try {
      const chosen = await api.chooseFile(openDialog('import_people'));
      if (chosen) path.input.value = chosen;
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  const show = (r) => {
    const rows = [];
    if (r.errors.length) {
      rows.push(h('p', { class: 'field-error', role: 'alert' }, t('applications.problems', { n: num(r.errors.length) })),
        h('ul', { 'data-testid': 'applications-errors' }, r.errors.map((e) => h('li', {}, t('applications.row', { row: e.row }), e.column ? ` · ${e.column}` : '', ': ', e.reason))));
    }
    if (r.duplicates.length) {
      rows.push(h('p', {}, t('applications.known', { n: num(r.duplicates.length) })),
        h('ul', { 'data-testid': 'applications-duplicates' }, r.duplicates.map((d) => h('li', { dir: 'auto' }, t('applications.row', { row: d.row }), ` · ${d.name}: ${d.matches.join('; ')}`))));
    }
    if (r.dry_run && !r.errors.length) {
      rows.push(h('button', {
        type: 'button', class: 'button', 'data-testid': 'applications-import',
        onclick: async () => {
          try { const done = await api.importVolunteers(path.input.value.trim(), false); flash(t('applications.done', { n: num(done.imported) })); location.hash = '#/volunteers'; } catch (err) { showApiError(summary, form, err); }
        },
      }, t('applications.import', { n: num(r.ready) })));
    }
    replace(report, ...rows);
    report.focus();
  };
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'applications-form' }, summary, path,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', 'data-testid': 'applications-check' }, t('applications.check')), choose));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    replace(report);
    try { show(await api.importVolunteers(path.input.value.trim(), true)); } catch (err) { showApiError(summary, form, err); }
  });
  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/volunteers' }, t('volunteers.back'))),
    h('h1', {}, t('applications.title')), h('p', { class: 'hint' }, t('applications.intro')),
    form, report);
}
