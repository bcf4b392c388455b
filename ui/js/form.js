// Form pieces in the GOV.UK Design System's pattern: label above the field, hint under the
// label, the error message in plain words above the field, and an error summary at the top of
// the form that links to each field in error.

import { h, replace } from './dom.js';
import { errorText, t } from './i18n.js';

let counter = 0;

/** A labelled text field. Returns the wrapper; the input is `wrapper.input`. */
export function field({ name, label, hint, type = 'text', value = '', autocomplete, required = true, dir, testid, inputmode, width }) {
  const id = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('input', {
    id, name, type, value,
    class: width ? `input input-${width}` : 'input',
    autocomplete: autocomplete || 'off',
    required,
    dir,
    inputmode,
    'data-testid': testid,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
    spellcheck: 'false',
  });
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'form-group', dataset: { field: name } },
    h('label', { for: id, class: 'label' }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    error,
    input,
  );
  wrapper.input = input;
  wrapper.error = error;
  return wrapper;
}

/** A labelled select. `options` are [value, text] pairs. */
export function select({ name, label, hint, options, value, testid }) {
  const id = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = hint ? `${id}-hint` : null;
  const el = h('select', { id, name, class: 'input', 'data-testid': testid, 'aria-describedby': [hintId, `${id}-error`].filter(Boolean).join(' ') },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'form-group', dataset: { field: name } },
    h('label', { for: id, class: 'label' }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null, error, el);
  wrapper.input = el;
  wrapper.error = error;
  return wrapper;
}

/** The error summary box for a form; `show(errors)` fills it, `clear()` hides it. */
export function errorSummary() {
  const list = h('ul', { class: 'error-summary-list' });
  const box = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true },
    h('h2', { class: 'error-summary-title' }, t('form.error_summary')), list);
  box.show = (errors, form) => {
    clearFieldErrors(form);
    replace(list, errors.map(({ field: name, message }) => {
      const group = name && form.querySelector(`[data-field="${CSS.escape(name)}"]`);
      if (group) {
        // Two problems of one field are both said beside it.
        const before = group.classList.contains('has-error') ? `${group.error.textContent} ` : '';
        group.classList.add('has-error');
        group.error.hidden = false;
        group.error.textContent = `${before}${message}`;
        const target = group.querySelector('input, select, textarea');
        return h('li', {}, h('a', { href: `#${target.id}`, onclick: (e) => { e.preventDefault(); target.focus(); } }, message));
      }
      return h('li', {}, message);
    }));
    box.hidden = false;
    box.focus();
  };
  box.clear = (form) => { box.hidden = true; clearFieldErrors(form); };
  return box;
}

function clearFieldErrors(form) {
  for (const group of form.querySelectorAll('.form-group.has-error')) {
    group.classList.remove('has-error');
    if (group.error) group.error.hidden = true;
  }
}

/** Shows a core error (ApiError) in a form's summary, beside its field when it names one;
 * a form's several problems all at once, each in the summary and beside its field, in the
 * window's language. (One problem is shown from the error itself, whose field a screen may
 * have pointed at its own input.) */
export function showApiError(summary, form, err) {
  const problems = err.problems || [];
  if (problems.length > 1) {
    summary.show(problems.map((p) => ({ field: p.field, message: p.text ?? errorText(p) })), form);
  } else {
    summary.show([{ field: err.field, message: err.message }], form);
  }
}

/**
 * Shows the window's own `problems` (a date that does not exist, a part of a date missing)
 * together with every problem the core finds in the rest of the form, in one summary, in the
 * order of the form's fields: `check()` sends the form with `check_only: true` and those dates
 * left empty, which the core checks without writing anything. A problem the core finds on a
 * field the window already named is left out (the window's says more). Returns false when the
 * window found nothing, and the form goes on to save.
 */
export async function showWithCoreProblems(summary, form, problems, check) {
  if (!problems.length) return false;
  const all = await withCoreProblems(problems, check);
  const groups = [...form.querySelectorAll('[data-field]')].map((g) => g.dataset.field);
  const place = (p) => { const i = groups.indexOf(p.field); return i < 0 ? groups.length : i; };
  summary.show(all.map((p, i) => [p, i]).sort(([a, i], [b, j]) => place(a) - place(b) || i - j).map(([p]) => p), form);
  return true;
}

/** The window's own `problems` and, after them, those the core finds when `check()` sends the
 * form with `check_only` (see `showWithCoreProblems`), in the window's language. */
export async function withCoreProblems(problems, check) {
  let more = [];
  try {
    await check();
  } catch (err) {
    more = (err.problems || []).map((p) => ({ field: p.field, message: p.text ?? errorText(p) }));
  }
  const named = new Set(problems.map((p) => p.field));
  return [...problems, ...more.filter((p) => !named.has(p.field))];
}

/** A "Saved" or other short status line that screen readers announce. */
export function notice(text, kind = 'success') {
  return h('div', { class: `notice notice-${kind}`, role: 'status' }, text);
}

/** A labelled multi-line text field. The textarea is `wrapper.input`. */
export function textarea({ name, label, hint, value = '', rows = 4, testid, dir = 'auto' }) {
  const id = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('textarea', {
    id, name, rows, dir, class: 'input textarea', 'data-testid': testid,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
  });
  input.value = value;
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'form-group', dataset: { field: name } },
    h('label', { for: id, class: 'label' }, label),
    hint ? h('p', { id: hintId, class: 'hint' }, hint) : null,
    error, input);
  wrapper.input = input;
  wrapper.error = error;
  return wrapper;
}

/** A single checkbox with its label beside it (GOV.UK style). The box is `wrapper.input`. */
export function checkbox({ name, label, hint, checked = false, testid }) {
  const id = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('input', {
    id, name, type: 'checkbox', class: 'checkbox-input', checked, 'data-testid': testid,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
  });
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'form-group', dataset: { field: name } },
    error,
    h('div', { class: 'checkbox' }, input,
      h('label', { for: id, class: 'checkbox-label' }, label),
      hint ? h('p', { id: hintId, class: 'hint checkbox-hint' }, hint) : null));
  wrapper.input = input;
  wrapper.error = error;
  return wrapper;
}

/** Radios in a fieldset with a legend. `options` are [value, text] pairs; the chosen value is
 * `wrapper.value()`. */
export function radios({ name, legend, hint, options, value, inline = true }) {
  const base = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const error = h('p', { id: `${base}-error`, class: 'field-error', hidden: true });
  const inputs = options.map(([v], i) => h('input', {
    id: `${base}-${i}`, name: base, type: 'radio', value: v, class: 'radio-input', checked: v === value,
  }));
  const wrapper = h('div', { class: 'form-group', dataset: { field: name } },
    h('fieldset', { class: 'fieldset', 'aria-describedby': `${base}-error` },
      h('legend', { class: 'label' }, legend),
      hint ? h('p', { class: 'hint' }, hint) : null,
      error,
      h('div', { class: inline ? 'radios radios-inline' : 'radios' },
        options.map(([, text], i) => h('div', { class: 'radio' }, inputs[i],
          h('label', { for: inputs[i].id, class: 'radio-label' }, text))))));
  wrapper.inputs = inputs;
  wrapper.error = error;
  wrapper.value = () => (inputs.find((r) => r.checked) || {}).value ?? null;
  return wrapper;
}

/** A secondary "are you sure?" box: says what will happen, then Yes / Cancel. Escape answers
 * Cancel; after Cancel the focus goes back to the control that asked, when it is still on the
 * page and nothing else took the focus. */
export function confirmBox({ title, body, yes, no, onYes, onNo, testid }) {
  const asker = document.activeElement;
  const yesButton = h('button', { type: 'button', class: 'button button-warning', 'data-testid': testid ? `${testid}-yes` : null }, yes);
  const noButton = h('button', { type: 'button', class: 'button button-secondary' }, no);
  const box = h('div', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': `confirm-${++counter}`, tabindex: '-1', 'data-testid': testid },
    h('h3', { id: `confirm-${counter}` }, title), h('p', {}, body),
    h('div', { class: 'button-group' }, yesButton, noButton));
  yesButton.addEventListener('click', () => onYes());
  noButton.addEventListener('click', () => {
    onNo();
    const lost = !document.activeElement || document.activeElement === document.body;
    if (lost && asker && asker !== document.body && asker.isConnected) asker.focus();
  });
  box.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    noButton.click();
  });
  return box;
}

// A message carried from one screen to the next (for "Saved" after a form moves on).
let flashed = null;

/** Remembers a notice for the next screen that calls `takeFlash()`; `kind` 'warning' when
 * the work was done but the core's answer carried warnings. */
export function flash(text, kind = 'success') { flashed = { text, kind }; }

/** The remembered notice (once), as an element, or null. */
export function takeFlash() {
  const f = flashed;
  flashed = null;
  return f ? h('div', { class: `notice notice-${f.kind}`, role: 'status', 'data-testid': `flash-${f.kind}` }, f.text) : null;
}

/** Value of a text input: trimmed, empty becomes null. */
export const valueOrNull = (input) => (input.value.trim() === '' ? null : input.value.trim());

/** The parts of a typed date, in the order they are typed in every language. */
const DATE_PARTS = ['day', 'month', 'year'];

/**
 * A date typed as three numbers, day, month and year, in that order in both languages (the
 * GOV.UK date input): one fieldset with the label as its legend, the hint "For example,
 * 27 3 2015", numeric keyboards, and the whole group marked when in error. A browser's own
 * date widget follows the computer's locale (month first under a US locale), which swaps days
 * and months when dates are copied from paper.
 *
 * `wrapper.read()` gives `{ value, problem }`: the ISO date (`2015-04-03`, or null when left
 * empty and not `required`), or a problem `{ field, code, params, message }` (a part missing,
 * not a number, a year out of range, a date that does not exist such as 31/02). The core
 * checks the date again and stays the authority. With `estimated` ({ name, label, checked,
 * testid }), an "estimated" tick (field `name`) sits under the parts (`wrapper.estimated`);
 * ticked, a year alone is enough and stands for 1 January of that year, as the core estimates
 * a date from an age. `wrapper.set(iso)` fills the parts again. The group's data-testid is
 * `testid`; its inputs carry `data-part="day|month|year"` and the test ids `<testid>-day`, ...
 */
export function dateInput({ name, label, hint, value = '', required = false, testid, minYear = 1900, maxYear = 2100, estimated }) {
  const base = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = `${base}-hint`;
  const errorId = `${base}-error`;
  const inputs = {};
  const items = DATE_PARTS.map((part) => {
    const id = `${base}-${part}`;
    inputs[part] = h('input', {
      id, name: `${name}-${part}`, type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false',
      maxlength: part === 'year' ? '4' : '2',
      class: `input date-input-${part}`, 'data-part': part, 'data-testid': testid ? `${testid}-${part}` : null,
    });
    return h('div', { class: 'date-input-item' },
      h('label', { for: id, class: 'date-input-label' }, t(`date.${part}`)), inputs[part]);
  });
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const tick = estimated ? checkbox({ name: estimated.name || `${name}_estimated`, label: estimated.label, checked: !!estimated.checked, testid: estimated.testid }) : null;
  if (tick) tick.classList.add('date-input-estimated');
  const wrapper = h('div', { class: 'form-group date-group', dataset: { field: name } },
    h('fieldset', { class: 'fieldset date-fieldset', 'aria-describedby': `${hintId} ${errorId}`, 'data-testid': testid },
      h('legend', { class: 'label' }, label),
      h('p', { id: hintId, class: 'hint' }, hint ? `${hint} ${t('date.hint')}` : t('date.hint')),
      error,
      h('div', { class: 'date-input' }, items),
      tick));
  wrapper.inputs = inputs;
  wrapper.error = error;
  wrapper.estimated = tick ? tick.input : null;
  wrapper.set = (iso) => {
    const [y, m, d] = String(iso || '').slice(0, 10).split('-');
    const yearOnly = tick && tick.input.checked && m === '01' && d === '01';
    inputs.year.value = y || '';
    inputs.month.value = y && !yearOnly ? String(Number(m)) : '';
    inputs.day.value = y && !yearOnly ? String(Number(d)) : '';
  };
  wrapper.set(value);
  wrapper.read = () => {
    for (const part of DATE_PARTS) inputs[part].classList.remove('input-error');
    const typed = Object.fromEntries(DATE_PARTS.map((part) => [part, inputs[part].value.trim()]));
    const bad = (code, parts, params = {}) => {
      for (const part of parts) inputs[part].classList.add('input-error');
      const all = { label, ...params };
      return { value: null, problem: { field: name, code, params: all, message: t(`error.${code}`, all) } };
    };
    const empty = DATE_PARTS.filter((part) => !typed[part]);
    if (empty.length === 3) return required ? bad('date.missing', DATE_PARTS) : { value: null, problem: null };
    // An estimate may be a year alone: it stands for 1 January, as an age does in the core.
    const yearAlone = tick && tick.input.checked && typed.year && !typed.day && !typed.month;
    if (yearAlone) {
      typed.day = '1';
      typed.month = '1';
    } else if (empty.length) {
      return bad(`date.missing_${empty.join('_')}`, empty);
    }
    const notNumbers = DATE_PARTS.filter((part) => !/^\d+$/.test(typed[part]));
    if (notNumbers.length) return bad('date.not_numbers', notNumbers);
    if (typed.year.length !== 4) return bad('date.year_digits', ['year']);
    const [day, month, year] = DATE_PARTS.map((part) => Number(typed[part]));
    if (year < minYear || year > maxYear) return bad('date.year_range', ['year'], { min: minYear, max: maxYear });
    const when = new Date(Date.UTC(year, month - 1, day));
    if (month < 1 || month > 12 || day < 1 || when.getUTCDate() !== day || when.getUTCMonth() !== month - 1) {
      return bad('date.impossible', month < 1 || month > 12 ? ['month'] : ['day', 'month']);
    }
    const pad = (n, w) => String(n).padStart(w, '0');
    return { value: `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`, problem: null };
  };
  return wrapper;
}

/** A validation error (the shape of a core error) listing `problems` found in the window
 * before calling the core, already in the UI language; the first one is its `field` and
 * `message`. */
export const problemsError = (problems) => ({ kind: 'validation', ...problems[0], problems, local: true });

/** Shows an error in a form's summary: every problem of one found in the window
 * (`problemsError`) at once, or a core error as `showApiError` does. */
export function showProblems(summary, form, err) {
  if (err && err.local) summary.show(err.problems, form);
  else showApiError(summary, form, err);
}

/** The ISO date of a date input (null when left empty), or throws its problem as a
 * `problemsError`, for forms whose errors reach `showProblems`. */
export function readDate(input) {
  const { value, problem } = input.read();
  if (problem) throw problemsError([problem]);
  return value;
}

/**
 * Reads several date inputs at once: `{ values: {key: iso|null}, problems: [...] }` with every
 * problem of every date, so a form can list them all together rather than one per attempt.
 */
export function readDates(dates) {
  const values = {};
  const problems = [];
  for (const [key, input] of Object.entries(dates)) {
    const { value, problem } = input.read();
    values[key] = value;
    if (problem) problems.push(problem);
  }
  return { values, problems };
}
