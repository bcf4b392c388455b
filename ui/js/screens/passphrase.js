// Choosing your own passphrase: after a lead set one for you (new user, reset), before anything
// else; and from Settings at any time.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { errorSummary, field, notice, showApiError } from '../form.js';
import { t } from '../i18n.js';

/** The change-passphrase form. `onDone` runs after the change is saved. */
export function passphraseForm(rules, onDone) {
  const summary = errorSummary();
  const current = field({ name: 'current', label: t('passphrase.current'), type: 'password', autocomplete: 'current-password', testid: 'pass-current' });
  const next = field({ name: 'new', label: t('passphrase.new'), type: 'password', autocomplete: 'new-password', testid: 'pass-new' });
  const again = field({ name: 'new_again', label: t('passphrase.again'), type: 'password', autocomplete: 'new-password', testid: 'pass-again' });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'passphrase-form' },
    summary,
    rules ? h('ul', { class: 'hint-list' }, rules.map((r) => h('li', {}, r))) : null,
    current, next, again, status,
    h('button', { type: 'submit', class: 'button', 'data-testid': 'pass-save' }, t('passphrase.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    if (next.input.value !== again.input.value) {
      summary.show([{ field: 'new_again', message: t('setup.passphrase_mismatch') }], form);
      return;
    }
    try {
      await api.changePassphrase(current.input.value, next.input.value);
      for (const f of [current, next, again]) f.input.value = '';
      replace(status, notice(t('passphrase.saved')));
      onDone();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return { form, focus: () => current.input.focus() };
}

/** The screen shown after signing in with a passphrase someone else chose. */
export function showMustChange(root, status, done) {
  const { form, focus } = passphraseForm(status.passphrase_rules, done);
  const lock = h('button', { type: 'button', class: 'button button-secondary' }, t('shell.lock'));
  lock.addEventListener('click', async () => { await api.lock(); done(); });
  replace(root,
    h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Haven'), lock),
    h('main', { id: 'main', class: 'main-narrow' },
      h('div', { class: 'panel' }, h('h1', {}, t('passphrase.must_title')), h('p', { class: 'lead' }, t('passphrase.must_intro')), form)));
  focus();
}
