// Import people from a spreadsheet (coordinators and leads), in four steps on one screen:
//   1. choose the file (the system's open dialog, or type its path: keyboard users and the
//      end-to-end test use the text field);
//   2. match each column to a field (the core suggests a match from the column's name);
//   3. check the file: a dry run that lists every problem by row and column, and the people
//      who may already be registered; if anything is wrong, nothing can be imported;
//   4. import: all rows or none, in one transaction (the core's import_people), then a
//      confirmation page with the count.
// Reading the file, the checks and the writing are the core's; this screen only shows them.

import * as api from '../api.js';
import { openDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { errorSummary, field, radios, select, showApiError } from '../form.js';
import { num, t } from '../i18n.js';

/** Fields a column can fill, in the order of the select (the core's ImportField). */
const FIELDS = [
  'given_name', 'family_name', 'original_name', 'other_names', 'sex', 'date_of_birth', 'estimated_age',
  'nationality', 'languages', 'phone', 'site', 'status', 'consent', 'household', 'relationship', 'ignore',
];
const EXAMPLES = 3;

export async function showImport(main, { session }) {
  const sites = await api.listSites();
  const home = sites.find((s) => s.id === session.site_id);
  const page = {
    main,
    sites: sites.filter((s) => s.active),
    path: '',
    preview: null,
    mapping: {},
    site: home ? home.code : null,
    onDuplicate: 'skip',
  };
  stepFile(page);
}

/** A page heading that takes the focus, so each step is announced. */
function heading(text, testid) {
  return h('h1', { tabindex: '-1', 'data-testid': testid }, text);
}

function show(page, ...children) {
  replace(page.main, ...children);
  const first = page.main.querySelector('h1');
  if (first) first.focus();
}

const backToPeople = () =>
  h('p', { class: 'back' }, h('a', { href: '#/people', 'data-testid': 'back-to-people' }, t('people.back')));

/** A button that shows `busyText` and is disabled while `work` runs. */
function busyButton(text, busyText, attrs, work) {
  const button = h('button', { type: 'button', class: 'button', ...attrs }, text);
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    button.textContent = busyText;
    try {
      await work();
    } finally {
      button.disabled = false;
      button.textContent = text;
    }
  });
  return button;
}

// Step 1: the file.
function stepFile(page) {
  const summary = errorSummary();
  const path = field({
    name: 'path', label: t('import.path'), hint: t('import.path_hint'), value: page.path, testid: 'import-path',
  });
  path.input.classList.add('input-path');
  const choose = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'import-choose' },
    t('import.choose'));
  choose.addEventListener('click', async () => {
    try {
      const chosen = await api.chooseFile(openDialog('import_people'));
      if (chosen) {
        path.input.value = chosen;
        path.input.focus();
      }
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  const submit = h('button', { type: 'submit', class: 'button', 'data-testid': 'import-continue' }, t('import.continue'));
  const form = h('form', { novalidate: true },
    summary,
    path,
    h('div', { class: 'button-group choose-file' }, choose),
    h('div', { class: 'button-group form-actions' }, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = path.input.value.trim();
    if (!value) {
      summary.show([{ field: 'path', message: t('import.path_missing') }], form);
      return;
    }
    submit.disabled = true;
    submit.textContent = t('import.reading');
    try {
      const preview = await api.previewImport(value);
      page.path = value;
      page.preview = preview;
      page.mapping = Object.fromEntries(preview.columns.map((c) => [c.header, c.field]));
      stepMapping(page);
    } catch (err) {
      submit.disabled = false;
      submit.textContent = t('import.continue');
      showApiError(summary, form, { ...err, message: err.message, field: 'path' });
    }
  });

  show(page,
    backToPeople(),
    heading(t('import.title'), 'import-title'),
    h('p', { class: 'lead' }, t('import.intro')),
    h('ul', { class: 'hint-list' },
      h('li', {}, t('import.intro_formats')),
      h('li', {}, t('import.intro_header')),
      h('li', {}, t('import.intro_safe'))),
    form);
}

// Step 2: the columns.
function stepMapping(page) {
  const { preview } = page;
  const summary = errorSummary();
  const options = FIELDS.map((f) => [f, t(`import.field.${f}`)]);
  const rows = preview.columns.map((c, i) => {
    const id = `import-col-${i}`;
    const chooser = h('select', {
      class: 'input input-small', 'aria-labelledby': `${id}-header`, 'data-testid': 'import-field',
      'data-header': c.header,
    }, options.map(([v, text]) => h('option', { value: v, selected: v === page.mapping[c.header] }, text)));
    chooser.addEventListener('change', () => { page.mapping[c.header] = chooser.value; });
    const examples = preview.sample.map((r) => (r[i] || '').trim()).filter(Boolean).slice(0, EXAMPLES);
    return h('tr', {},
      h('th', { scope: 'row', id: `${id}-header`, dir: 'auto' }, c.header || t('import.no_header', { n: i + 1 })),
      h('td', {}, chooser),
      h('td', { class: 'examples' }, examples.length
        ? examples.map((x) => h('span', { class: 'example', dir: 'auto' }, x))
        : h('span', { class: 'muted' }, t('import.no_examples'))));
  });

  const site = select({
    name: 'site', label: t('import.site'), hint: t('import.site_hint'), value: page.site, testid: 'import-site',
    options: page.sites.map((s) => [s.code, s.name]),
  });
  site.input.addEventListener('change', () => { page.site = site.input.value; });
  const dup = radios({
    name: 'on_duplicate', legend: t('import.duplicates'), hint: t('import.duplicates_hint'), value: page.onDuplicate,
    inline: false, options: [['skip', t('import.duplicates_skip')], ['import', t('import.duplicates_import')]],
  });
  for (const r of dup.inputs) r.addEventListener('change', () => { page.onDuplicate = dup.value(); });

  const check = busyButton(t('import.check'), t('import.checking'), { 'data-testid': 'import-check' },
    () => runCheck(page, summary, form));
  const back = h('button', { type: 'button', class: 'button button-secondary' }, t('import.other_file'));
  back.addEventListener('click', () => stepFile(page));
  const form = h('form', { novalidate: true, onsubmit: (e) => e.preventDefault() },
    summary,
    h('table', { class: 'table table-mapping', 'data-testid': 'import-mapping' },
      h('caption', { class: 'table-caption' }, t('import.columns_caption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('import.column')),
        h('th', { scope: 'col' }, t('import.holds')),
        h('th', { scope: 'col' }, t('import.examples')))),
      h('tbody', {}, rows)),
    site,
    dup,
    h('div', { class: 'button-group form-actions' }, check, back));

  show(page,
    backToPeople(),
    heading(t('import.mapping_title'), 'import-mapping-title'),
    fileLine(page),
    h('p', {}, t('import.mapping_intro')),
    form);
}

function fileLine(page) {
  const n = page.preview ? page.preview.rows : 0;
  return h('p', { class: 'file-line' },
    h('span', { class: 'label-inline' }, t('import.file')), ' ',
    h('span', { class: 'path', 'data-testid': 'import-file' }, page.path), ' · ',
    n === 1 ? t('import.rows_one') : t('import.rows', { n: num(n) }));
}

function request(page, dryRun) {
  return {
    path: page.path,
    mapping: page.mapping,
    dry_run: dryRun,
    site: page.site,
    on_duplicate: page.onDuplicate,
  };
}

async function runCheck(page, summary, form) {
  try {
    const report = await api.importPeople(request(page, true));
    stepReport(page, report);
  } catch (err) {
    showApiError(summary, form, err);
  }
}

// Step 3: the report of the dry run (or of a real run that found a problem).
function stepReport(page, report) {
  const summary = errorSummary();
  let body;
  let actions;
  const countLines = [
    report.errors.length ? null : report.ready === 1 ? t('import.ready_one') : t('import.ready', { n: num(report.ready) }),
    report.skipped ? t('import.skipped', { n: num(report.skipped) }) : null,
  ].filter(Boolean);
  const counts = countLines.length
    ? h('ul', { class: 'counts', 'data-testid': 'import-counts' }, countLines.map((line) => h('li', {}, line)))
    : null;

  const again = busyButton(t('import.check_again'), t('import.checking'), { 'data-testid': 'import-check-again' },
    () => runCheck(page, summary, actions));
  const remap = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'import-remap' },
    t('import.change_mapping'));
  remap.addEventListener('click', () => stepMapping(page));

  if (report.errors.length) {
    // Nothing can be imported: the file must be fixed first.
    actions = h('div', { class: 'button-group form-actions' }, again, remap);
    body = [
      counts,
      h('div', { class: 'error-summary', role: 'alert', 'data-testid': 'import-problems' },
        h('h2', { class: 'error-summary-title' }, report.errors.length === 1
          ? t('import.problems_one') : t('import.problems', { n: num(report.errors.length) })),
        h('p', {}, t('import.nothing_imported')),
        h('p', {}, t('import.fix_then_check'))),
      errorsTable(report.errors),
      duplicatesPart(report),
      actions,
    ];
  } else {
    const apply = report.ready > 0
      ? busyButton(report.ready === 1 ? t('import.apply_one') : t('import.apply', { n: num(report.ready) }),
        t('import.importing'), { 'data-testid': 'import-apply' }, async () => {
          try {
            const done = await api.importPeople(request(page, false));
            if (done.errors.length || done.imported === 0) stepReport(page, done);
            else stepDone(page, done);
          } catch (err) {
            showApiError(summary, actions, err);
          }
        })
      : null;
    again.className = 'button button-secondary';
    actions = h('div', { class: 'button-group form-actions' }, apply, remap, again);
    body = [
      h('div', { class: 'notice notice-success', 'data-testid': 'import-ok' },
        report.ready > 0 ? t('import.no_problems') : t('import.no_one')),
      counts,
      duplicatesPart(report),
      report.ready > 0 ? h('p', {}, t('import.all_or_none')) : null,
      actions,
    ];
  }

  show(page,
    backToPeople(),
    heading(t('import.report_title'), 'import-report-title'),
    fileLine(page),
    summary,
    ...body);
}

function errorsTable(errors) {
  return h('table', { class: 'table table-import-errors', 'data-testid': 'import-errors' },
    h('caption', { class: 'table-caption' }, t('import.errors_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col', class: 'num' }, t('import.row')),
      h('th', { scope: 'col' }, t('import.column')),
      h('th', { scope: 'col' }, t('import.reason')))),
    h('tbody', {}, errors.map((e) => h('tr', { 'data-testid': 'import-error', 'data-row': e.row, 'data-column': e.column },
      h('td', { class: 'num' }, num(e.row)),
      h('td', { dir: 'auto' }, e.column || t('import.whole_row')),
      h('td', {}, e.reason)))));
}

function duplicatesPart(report) {
  if (!report.duplicates.length) return null;
  const skipping = report.skipped > 0;
  return h('div', { 'data-testid': 'import-duplicates' },
    h('h2', {}, t('import.duplicates_title')),
    h('p', {}, skipping ? t('import.duplicates_skipped') : t('import.duplicates_imported')),
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'num' }, t('import.row')),
        h('th', { scope: 'col' }, t('import.name')),
        h('th', { scope: 'col' }, t('import.may_be')))),
      h('tbody', {}, report.duplicates.map((d) => h('tr', { 'data-testid': 'import-duplicate' },
        h('td', { class: 'num' }, num(d.row)),
        h('td', { dir: 'auto' }, d.name),
        h('td', { dir: 'auto' }, d.matches.map((m) => m.replace(/^row (\d+)$/, (_, n) => t('import.same_as_row', { n }))).join('; ')))))));
}

// Step 4: done.
function stepDone(page, report) {
  const another = h('button', { type: 'button', class: 'button button-secondary' }, t('import.another'));
  another.addEventListener('click', () => {
    page.path = '';
    page.preview = null;
    stepFile(page);
  });
  show(page,
    h('div', { class: 'confirmation-panel', 'data-testid': 'import-done' },
      heading(t('import.done_title'), 'import-done-title'),
      h('p', { class: 'confirmation-count', 'data-testid': 'import-done-count' },
        report.imported === 1 ? t('import.done_one') : t('import.done', { n: num(report.imported) }))),
    h('p', {}, t('import.done_where')),
    report.skipped ? h('p', {}, report.skipped === 1 ? t('import.done_skipped_one')
      : t('import.done_skipped', { n: num(report.skipped) })) : null,
    h('div', { class: 'button-group' },
      h('a', { href: '#/people', class: 'button', 'data-testid': 'import-to-people' }, t('import.to_people')),
      another));
}
