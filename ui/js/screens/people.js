// People: the case book's list. Search as you type (any script, codes), filters, pages of 50.
// `#/people/new` is the register form, `#/people/import` the spreadsheet import and
// `#/people/<id>` a person's page. Coordinators and leads also get the list's tools: import,
// export of what the list shows (CSV or Excel), and the printed emergency contact list.

import { can } from '../access.js';
import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { notice, select, takeFlash } from '../form.js';
import { num, t } from '../i18n.js';
import {
  AGE_BANDS, STATUSES, ageText, flagKinds, latinName, matchTag, nameBlock, sexText, statusTag, todayIso,
} from '../person-format.js';
import { showImport } from './people-import.js';
import { showRegister } from './person-new.js';
import { showPerson } from './person.js';

const PAGE = 50;
const DEBOUNCE_MS = 200;

// The search survives leaving the screen, so "back to People" finds the list as it was.
const state = { text: '', site: '', status: '', flag: '', age_band: '', offset: 0 };

export async function showPeople(main, ctx) {
  const [first] = ctx.path;
  if (first === 'new') return showRegister(main, ctx);
  if (first === 'import') {
    if (can(ctx.session, 'import_people')) return showImport(main, ctx);
    return replace(main, h('h1', {}, t('import.title')), h('p', {}, t('import.coordinators_only')));
  }
  if (first) return showPerson(main, { ...ctx, id: first });
  return showList(main, ctx);
}

async function showList(main, { session }) {
  const sites = await api.listSites();
  const flash = takeFlash();

  const search = h('input', {
    id: 'people-search', type: 'search', class: 'input input-search', dir: 'auto', autocomplete: 'off',
    spellcheck: 'false', 'aria-describedby': 'people-search-hint', 'data-testid': 'people-search', value: state.text,
  });
  const filter = (name, label, options, testid) => {
    const s = select({ name, label, value: state[name], testid, options: [['', t('people.any')], ...options] });
    s.input.addEventListener('change', () => { state[name] = s.input.value; state.offset = 0; run(); });
    return s;
  };
  const filters = h('div', { class: 'filters' },
    filter('site', t('people.site'), sites.map((s) => [s.code, s.name]), 'filter-site'),
    filter('status', t('people.status'), STATUSES.map((s) => [s, t(`status.${s}`)]), 'filter-status'),
    filter('flag', t('people.flag'), flagKinds(session).map((k) => [k, t(`flag.${k}`)]), 'filter-flag'),
    filter('age_band', t('people.age_band'), AGE_BANDS.map((b) => [b, t(`band.${b}`)]), 'filter-age'));

  const count = h('p', { class: 'count', role: 'status', 'data-testid': 'people-count' });
  const results = h('div', { 'data-testid': 'people-results' });
  const prev = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'people-prev' }, t('people.previous'));
  const next = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'people-next' }, t('people.next'));
  const pager = h('div', { class: 'pager button-group', hidden: true }, prev, next);

  let rows = [];
  let seq = 0;
  let timer = null;

  const filtered = () => state.text.trim() || state.site || state.status || state.flag || state.age_band;

  async function run() {
    clearTimeout(timer);
    const mine = ++seq;
    const query = {
      text: state.text,
      site: state.site || null,
      status: state.status || null,
      flag: state.flag || null,
      age_band: state.age_band || null,
      limit: PAGE,
      offset: state.offset,
    };
    let page;
    try {
      page = await api.searchPeople(query);
    } catch (err) {
      if (mine !== seq) return;
      rows = [];
      replace(count, '');
      replace(results, h('p', { class: 'field-error' }, err.message));
      pager.hidden = true;
      return;
    }
    if (mine !== seq) return; // a later search already answered
    rows = page.rows;
    render(page);
    // Says which text the list shows results for (tests wait on it; it is harmless otherwise).
    results.dataset.query = query.text;
  }

  function render(page) {
    const from = state.offset + 1;
    const to = state.offset + rows.length;
    if (rows.length === 0) {
      replace(count, '');
      replace(results, emptyState());
    } else {
      replace(count, state.offset === 0 && !page.more
        ? (rows.length === 1 ? t('people.count_one') : t('people.count_all', { n: num(rows.length) }))
        : t(page.more ? 'people.count_page_more' : 'people.count_page', { from: num(from), to: num(to) }));
      replace(results, table(rows));
    }
    prev.disabled = state.offset === 0;
    next.disabled = !page.more;
    pager.hidden = state.offset === 0 && !page.more;
  }

  function emptyState() {
    if (!filtered() && state.offset === 0) {
      return h('div', { class: 'empty', 'data-testid': 'people-empty' },
        h('p', {}, t('people.empty_none')),
        h('a', { href: '#/people/new', class: 'button' }, t('people.register')));
    }
    return h('div', { class: 'empty', 'data-testid': 'people-empty' },
      h('p', {}, state.text.trim() ? t('people.empty_search', { text: state.text.trim() }) : t('people.empty_filters')),
      h('ul', { class: 'hint-list' },
        h('li', {}, t('people.empty_tip_spelling')),
        h('li', {}, t('people.empty_tip_filters')),
        h('li', {}, t('people.empty_tip_register'))));
  }

  search.addEventListener('input', () => {
    state.text = search.value;
    state.offset = 0;
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  });
  search.addEventListener('keydown', async (e) => {
    if (e.key !== 'Enter') return;
    e.preventDefault();
    // Enter answers for what is typed now, not for a search still waiting on its debounce.
    state.text = search.value;
    state.offset = 0;
    await run();
    if (rows.length === 1) location.hash = `#/people/${rows[0].id}`;
  });
  prev.addEventListener('click', () => { state.offset = Math.max(0, state.offset - PAGE); run(); });
  next.addEventListener('click', () => { state.offset += PAGE; run(); });

  const toolsMessage = h('div', { 'data-testid': 'people-tools-message', tabindex: '-1' });
  const tools = can(session, 'export_people') ? listTools(toolsMessage, sites) : null;

  replace(main,
    h('div', { class: 'page-head' },
      h('h1', {}, t('nav.people')),
      h('a', { href: '#/people/new', class: 'button', 'data-testid': 'register-person' }, t('people.register'))),
    tools,
    toolsMessage,
    flash,
    h('div', { class: 'search-box' },
      h('label', { for: 'people-search', class: 'label' }, t('people.search')),
      h('p', { id: 'people-search-hint', class: 'hint' }, t('people.search_hint')),
      search),
    filters, count, results, pager);
  await run();
  search.focus();
}

/** The list's search and filters as the core's PeopleQuery (no paging: exports take all). */
function currentQuery() {
  return {
    text: state.text,
    site: state.site || null,
    status: state.status || null,
    flag: state.flag || null,
    age_band: state.age_band || null,
  };
}

/** Import, export and print buttons (coordinators and leads). Results and errors are shown in
 * `message`, which takes the focus so a screen reader says them. */
function listTools(message, sites) {
  const say = (el) => { replace(message, el); message.focus(); };
  const failed = (err) => say(h('p', { class: 'field-error', role: 'alert' }, err.message));
  const busy = async (button, work) => {
    button.disabled = true;
    try { await work(); } catch (err) { failed(err); } finally { button.disabled = false; }
  };

  const exportButton = (format, label, testid) => {
    const button = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': testid }, label);
    button.addEventListener('click', () => busy(button, async () => {
      const ext = format === 'xlsx' ? 'xlsx' : 'csv';
      const path = await api.chooseSavePath(saveDialog('people_list', `people-${todayIso()}.${ext}`, { format: ext }));
      if (!path) return;
      const report = await api.exportPeople(currentQuery(), format, path);
      say(notice(report.rows === 1 ? t('people.exported_one', { path: report.path })
        : t('people.exported', { n: num(report.rows), path: report.path })));
    }));
    return button;
  };

  const printButton = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'print-phone-contacts' },
    t('people.print_contacts'));
  printButton.addEventListener('click', () => busy(printButton, async () => {
    const site = sites.find((s) => s.code === state.site);
    const path = await api.chooseSavePath(saveDialog('phone_contacts',
      `emergency-contacts-${site ? `${site.code}-` : ''}${todayIso()}.pdf`));
    if (!path) return;
    const printed = await api.printPhoneContacts(path, site ? site.code : null);
    const text = t('people.printed', { n: num(printed.rows), path: printed.path });
    try {
      await api.openPath(printed.path);
      say(notice(text));
    } catch {
      // Saved, but no viewer would open it: say where the file is.
      say(h('div', {}, notice(text), h('p', { class: 'hint' }, t('people.printed_not_opened'))));
    }
  }));

  return h('div', { class: 'button-group list-tools', role: 'group', 'aria-label': t('people.tools') },
    h('a', { href: '#/people/import', class: 'button button-secondary', 'data-testid': 'import-people' }, t('people.import')),
    exportButton('csv', t('people.export_csv'), 'export-csv'),
    exportButton('xlsx', t('people.export_excel'), 'export-excel'),
    printButton);
}

function table(rows) {
  return h('table', { class: 'table table-people' },
    h('caption', { class: 'visually-hidden' }, t('nav.people')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('people.code')),
      h('th', { scope: 'col' }, t('people.name')),
      h('th', { scope: 'col' }, t('people.age')),
      h('th', { scope: 'col' }, t('people.sex')),
      h('th', { scope: 'col' }, t('people.site')),
      h('th', { scope: 'col' }, t('people.status')),
      h('th', { scope: 'col', class: 'num' }, t('people.household')))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-testid': 'person-row', 'data-id': r.id },
      h('td', { class: 'code' }, r.code),
      h('td', {}, nameBlock(latinName(r), r.original_name, { link: `#/people/${r.id}`, testid: 'person-link' }), matchTag(r.matched)),
      h('td', {}, ageText(r.age)),
      h('td', {}, sexText(r.sex)),
      h('td', {}, r.site),
      h('td', {}, statusTag(r.status)),
      h('td', { class: 'num' }, r.household_size ? num(r.household_size) : '–')))));
}
