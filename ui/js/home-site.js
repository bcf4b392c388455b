// The signed-in user's own site: where every screen starts (stock, new distributions, volunteers,
// the dashboard, the timetable and the rota), whatever site comes first in a list. A site the
// user chooses on a screen is kept for the rest of the session (the next sign-in starts a fresh
// document, so the next user starts at their own site).

import { select } from './form.js';
import { t } from './i18n.js';

/** The user's home site among `sites` (matched by id), else the first site; null when none. */
export function homeSite(session, sites) {
  return sites.find((s) => s.id === session.site_id) || sites[0] || null;
}

/** The site chosen on each screen in this session, by screen name: a site code, or '' for all. */
const chosen = new Map();

/**
 * A site filter for `screen`: the sites in use and "All sites", set to the site chosen there
 * before, else the user's home site. `onChange(code)` runs after a choice (it is remembered).
 * The select's `value()` is the code ('' for all sites).
 */
export function siteFilter(screen, session, sites, onChange, testid = `${screen}-site`) {
  const active = sites.filter((s) => s.active);
  const home = homeSite(session, active);
  const value = chosen.has(screen) ? chosen.get(screen) : (home ? home.code : '');
  const sel = select({ name: `${screen}-site`, label: t('people.site'), value, testid,
    options: [...active.map((s) => [s.code, `${s.name} (${s.code})`]), ['', t('volunteers.all_sites')]] });
  sel.classList.add('site-filter');
  sel.value = () => sel.input.value;
  sel.input.addEventListener('change', () => {
    chosen.set(screen, sel.input.value);
    onChange(sel.input.value);
  });
  return sel;
}
