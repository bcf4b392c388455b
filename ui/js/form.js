// Form pieces in the GOV.UK Design System's pattern: label above the field, hint under the
// label, the error message in plain words above the field, and an error summary at the top of
// the form that links to each field in error.

import { h, replace } from './dom.js';
import { t } from './i18n.js';

let counter = 0;

/** A labelled text field. Returns the wrapper; the input is `wrapper.input`. */
export function field({ name, label, hint, type = 'text', value = '', autocomplete, required = true, dir }) {
  const id = `f-${name.replace(/[^\w-]/g, '-')}-${++counter}`;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('input', {
    id, name, type, value,
    class: 'input',
    autocomplete: autocomplete || 'off',
    required,
    dir,
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
export function select({ name, label, options, value }) {
  const id = `f-${name}-${++counter}`;
  const el = h('select', { id, name, class: 'input' },
    options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'form-group', dataset: { field: name } },
    h('label', { for: id, class: 'label' }, label), error, el);
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
        group.classList.add('has-error');
        group.error.hidden = false;
        group.error.textContent = message;
        const target = group.querySelector('input, select');
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

/** Shows a core error (ApiError) in a form's summary, beside its field when it names one. */
export function showApiError(summary, form, err) {
  summary.show([{ field: err.field, message: err.message }], form);
}

/** A "Saved" or other short status line that screen readers announce. */
export function notice(text, kind = 'success') {
  return h('div', { class: `notice notice-${kind}`, role: 'status' }, text);
}
