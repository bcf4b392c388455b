// Choosing a person by typing: a combobox over search_people. Type part of a name or a code,
// move with the arrow keys, Enter (or a click) chooses. `picker.value` is the chosen id.

import * as api from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { ageText, latinName, matchTag } from './person-format.js';

let counter = 0;

/** A person picker field. `exclude` is an id never offered (the person themselves). */
export function personPicker({ name, label, hint, exclude = null, testid = 'person-picker', onChange = () => {} }) {
  const id = `pick-${++counter}`;
  const listId = `${id}-list`;
  const input = h('input', {
    id, type: 'search', class: 'input', dir: 'auto', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    'aria-describedby': `${id}-hint ${id}-error`, 'data-testid': testid,
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', hidden: true, 'aria-label': label });
  // "No one matches" (or why the search failed) is said beside the list, not in it: a listbox
  // holds only options, and the status is read out as the person types.
  const empty = h('p', { class: 'picker-list picker-empty', role: 'status', hidden: true, 'data-testid': `${testid}-empty` });
  const chosen = h('div', { class: 'picker-chosen', hidden: true, 'data-testid': `${testid}-chosen` });
  const error = h('p', { id: `${id}-error`, class: 'field-error', hidden: true });
  const wrapper = h('div', { class: 'form-group picker', dataset: { field: name } },
    h('label', { for: id, class: 'label' }, label),
    h('p', { id: `${id}-hint`, class: 'hint' }, hint || t('picker.hint')),
    error, chosen, input, list, empty);
  wrapper.input = input;
  wrapper.error = error;
  wrapper.value = null;

  let rows = [];
  let active = -1;
  let timer = null;
  let seq = 0;

  const close = () => {
    list.hidden = true;
    empty.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0 && list.children[i]) input.setAttribute('aria-activedescendant', list.children[i].id);
    else input.removeAttribute('aria-activedescendant');
  };
  // Says `text` in place of the list (nobody found, or the search failed).
  const say = (text) => {
    close();
    rows = [];
    replace(list);
    empty.textContent = text;
    empty.hidden = false;
  };
  const choose = (row) => {
    wrapper.value = row.id;
    replace(chosen,
      h('span', {}, t('picker.chosen'), ' ', h('strong', { dir: 'auto' }, `${row.code} ${latinName(row)}`),
        row.original_name ? h('span', { dir: 'auto', class: 'name-original-inline' }, ` ${row.original_name}`) : null),
      h('button', { type: 'button', class: 'button button-secondary button-small', onclick: clear }, t('picker.change')));
    chosen.hidden = false;
    input.hidden = true;
    close();
    onChange(row);
  };
  function clear() {
    wrapper.value = null;
    chosen.hidden = true;
    input.hidden = false;
    input.value = '';
    input.focus();
    onChange(null);
  }
  const search = async () => {
    const text = input.value.trim();
    const mine = ++seq;
    if (!text) { close(); return; }
    let page;
    try {
      page = await api.searchPeople({ text, limit: 8 });
    } catch (err) {
      if (mine === seq) say(err.message);
      return;
    }
    if (mine !== seq) return;
    rows = page.rows.filter((r) => r.id !== exclude);
    if (!rows.length) { say(t('picker.none')); return; }
    empty.hidden = true;
    replace(list, rows.map((r, i) => h('li', {
      id: `${id}-opt-${i}`, role: 'option', class: 'picker-option', 'aria-selected': 'false', 'data-testid': `${testid}-option`,
      onmousedown: (e) => { e.preventDefault(); choose(r); },
    }, h('span', { class: 'picker-code' }, r.code), ' ',
      h('span', { dir: 'auto' }, latinName(r)),
      r.original_name ? h('span', { dir: 'auto', class: 'name-original-inline' }, ` ${r.original_name}`) : null,
      h('span', { class: 'picker-age' }, ` · ${ageText(r.age)}`), ' ', matchTag(r.matched))));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(0);
  };
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(search, 200); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && rows.length) { e.preventDefault(); highlight(Math.min(active + 1, rows.length - 1)); }
    else if (e.key === 'ArrowUp' && rows.length) { e.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (e.key === 'Enter' && !list.hidden && active >= 0) { e.preventDefault(); choose(rows[active]); }
    else if (e.key === 'Escape') close();
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  return wrapper;
}
