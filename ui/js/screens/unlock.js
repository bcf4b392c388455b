// Later runs: sign in with a user name and the database passphrase.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { errorSummary, field, showApiError } from '../form.js';
import { noticeText, t } from '../i18n.js';
import { languageSwitch } from './lang.js';

const LAST_USER = 'haven.lastUser';

export function showUnlock(root, status, done) {
  const summary = errorSummary();
  const user = field({ name: 'username', label: t('unlock.username'), value: localStorage.getItem(LAST_USER) || '', autocomplete: 'username' });
  const pass = field({ name: 'passphrase', label: t('unlock.passphrase'), type: 'password', autocomplete: 'current-password' });
  const button = h('button', { type: 'submit', class: 'button', 'data-testid': 'unlock' }, t('unlock.submit'));
  const demo = status.demo_hint && h('div', { class: 'demo-hint', 'data-testid': 'demo-hint' },
    h('h2', {}, t('unlock.demo_title')),
    h('p', {}, t('unlock.demo_passphrase'), ' ', h('code', {}, status.demo_hint.passphrase)),
    h('p', {}, t('unlock.demo_users')),
    h('ul', {}, status.demo_hint.users.map(([name, role]) => h('li', {}, h('code', {}, name), ` — ${role}`))));

  const notices = (status.notices || []).length
    ? h('div', { class: 'notices', role: 'status', 'data-testid': 'unlock-notices' }, status.notices.map((n) => h('p', {}, noticeText(n))))
    : null;
  const form = h('form', { class: 'panel form', novalidate: true },
    h('h1', {}, t('unlock.title')),
    notices, summary, demo, user, pass, button,
    h('p', { class: 'hint' }, t('unlock.data_dir', { dir: status.data_dir })),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      await api.unlock(user.input.value, pass.input.value);
      localStorage.setItem(LAST_USER, user.input.value.trim());
      done();
    } catch (err) {
      showApiError(summary, form, err.field ? err : { ...err, message: err.message, field: err.kind === 'locked' ? 'passphrase' : null });
      pass.input.value = '';
    } finally {
      button.disabled = false;
    }
  });
  replace(root, h('header', { class: 'topbar' }, h('span', { class: 'brand' }, 'Haven'), languageSwitch(() => showUnlock(root, status, done))),
    h('main', { id: 'main', class: 'main-narrow' }, form));
  (user.input.value ? pass.input : user.input).focus();
}
