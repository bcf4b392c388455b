// The signed-in app: header, navigation and the current screen (chosen by the URL hash).

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { noticeText, t } from '../i18n.js';
import { languageSwitch } from './lang.js';
import { showDashboard } from './dashboard.js';
import { showSettings } from './settings.js';
import { showPeople } from './people.js';
import { showStock } from './stock.js';
import { showDistribution } from './distribution.js';
import { showReports } from './reports.js';
import { showActivities } from './activities.js';
import { showRota } from './rota.js';
import { showVolunteers } from './volunteers.js';
import { showMoney } from './money.js';
import { showExchange } from './exchange.js';
import { can } from '../access.js';

const SCREENS = [
  ['dashboard', showDashboard],
  ['people', showPeople],
  ['stock', showStock],
  ['distribution', showDistribution],
  ['activities', showActivities],
  ['volunteers', showVolunteers],
  ['rota', showRota],
  ['reports', showReports],
  ['money', showMoney],
  ['exchange', showExchange],
  ['settings', showSettings],
];

/** The screen named by the URL hash (`#/people/<id>` is the people screen with path [id]). */
function currentScreen() {
  const [name, ...path] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  return SCREENS.find(([n]) => n === name) ? { name, path } : { name: 'dashboard', path: [] };
}

export async function showShell(root, status, done) {
  // What the user may call comes from the core (the functions `session_info` lists, also in
  // the app's status), not from their role's name.
  const session = { ...status.session, functions: new Set(status.functions || []) };
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' });
  const nav = h('nav', { class: 'nav', 'aria-label': t('nav.label') },
    // Money is for leads and coordinators only: the front desk has no entry for it.
    // Exchange is for coordinators and leads (the automatic exchange runs for everyone).
    h('ul', {}, SCREENS.filter(([name]) => (name !== 'money' || can(session, 'money_overview'))
      && (name !== 'exchange' || can(session, 'exchange_overview'))).map(([name]) => h('li', {},
      h('a', { href: `#/${name}`, 'data-screen': name, 'data-testid': `nav-${name}` }, t(`nav.${name}`))))));
  const lockButton = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'lock' }, t('shell.lock'));
  lockButton.addEventListener('click', async () => { clearTimeout(idleTimer); await api.lock(); done(); });
  const rerender = () => showShell(root, status, done);

  replace(root,
    h('header', { class: 'topbar' },
      h('span', { class: 'brand' }, 'Haven'),
      h('span', { class: 'who', 'data-testid': 'who' }, t('shell.signed_in', { name: session.display_name, role: t(`role.${session.role}`) })),
      status.demo ? h('span', { class: 'tag' }, t('shell.demo')) : null,
      languageSwitch(rerender),
      lockButton),
    (status.notices || []).length
      ? h('div', { class: 'notices', role: 'status', 'data-testid': 'notices' }, status.notices.map((n) => h('p', {}, noticeText(n))))
      : null,
    h('div', { class: 'layout' }, nav, main));

  const render = async () => {
    const { name, path } = currentScreen();
    for (const a of nav.querySelectorAll('a')) {
      if (a.dataset.screen === name) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    const show = SCREENS.find(([n]) => n === name)[1];
    // Each move gets a view of its own: a screen's answer that arrives after the user has moved
    // on (a slow list, a redraw after a save) lands in a view no longer on the page, never over
    // the screen now shown.
    const view = h('div', { class: 'view' }, h('p', { class: 'loading' }, t('app.loading')));
    replace(main, view);
    try {
      // `locked`: a screen that closed the database (a restore) sends the app to sign-in.
      await show(view, { name, path, session, status, locked: done });
    } catch (err) {
      if (err.kind === 'locked') { done(); return; }
      replace(view, h('h1', {}, t(`nav.${name}`)), h('p', { class: 'field-error' }, err.message));
    }
  };
  // After a move, focus goes to the new screen, unless the screen already put it somewhere
  // useful (the search box on People, the first field of a form).
  window.onhashchange = () => {
    render().then(() => { if (!main.contains(document.activeElement)) main.focus(); });
  };
  watchIdle(status.auto_lock_minutes, done);
  exchangeAutomatically(session);
  await render();
  // After signing in too: the focus starts in the screen (a screen reader reads from there, and
  // Shift+Tab reaches the navigation), not on the page's body left behind by the sign-in form.
  // The page stays at its top (focusing a screen taller than the window would scroll it).
  if (!main.contains(document.activeElement)) main.focus({ preventScroll: true });
}

// This computer's automatic exchange folder (the office's shared folder): once at sign-in,
// then whenever its minutes have passed (the core decides; this page only asks each minute).
// The core also exchanges when Haven closes. A folder that is not there is recorded for the
// Exchange screen; nothing here interrupts the person at work.
// A sign-in starts a fresh document, so "once per document" is once per sign-in (a redraw after
// a language switch does not exchange again).
let exchangeTimer = null;
function exchangeAutomatically(session) {
  if (exchangeTimer !== null || !can(session, 'exchange_automatic')) return;
  api.exchangeAutomatic(false).catch(() => {});
  exchangeTimer = setInterval(() => { api.exchangeAutomatic(true).catch(() => {}); }, 60 * 1000);
}

// Locks the app after the centre's auto-lock time without a key press, click or scroll (the
// core locks too, on the next call after that time, whatever this page does).
let idleTimer = null;
function watchIdle(minutes, done) {
  if (!minutes) return;
  const reset = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(async () => {
      await api.lock().catch(() => {});
      done();
    }, minutes * 60 * 1000);
  };
  for (const ev of ['keydown', 'mousedown', 'wheel', 'touchstart']) {
    document.removeEventListener(ev, watchIdle.reset);
    document.addEventListener(ev, reset, { passive: true });
  }
  watchIdle.reset = reset;
  reset();
}
