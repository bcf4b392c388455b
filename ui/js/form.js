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

/** A secondary "are you sure?" box: says what will happen, then Yes / Cancel. */
export function confirmBox({ title, body, yes, no, onYes, onNo, testid }) {
  const yesButton = h('button', { type: 'button', class: 'button button-warning', 'data-testid': testid ? `${testid}-yes` : null }, yes);
  const noButton = h('button', { type: 'button', class: 'button button-secondary' }, no);
  const box = h('div', { class: 'confirm', role: 'alertdialog', 'aria-labelledby': `confirm-${++counter}`, tabindex: '-1', 'data-testid': testid },
    h('h3', { id: `confirm-${counter}` }, title), h('p', {}, body),
    h('div', { class: 'button-group' }, yesButton, noButton));
  yesButton.addEventListener('click', () => onYes());
  noButton.addEventListener('click', () => onNo());
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
