// Distribution: the list of distribution days (coordinators create them), a day's desk
// (`#/distribution/<id>`: type a code or a name and press Enter to record a collection, or pick
// from the list when several people share the name; live counters;
// the eligible households with their allowances and the shortfalls, from eligible-list.js; a
// collection redraws only what it changed; the printed sign-up
// sheet; reversing a mistaken collection), and the allowance rules (`#/distribution/rules`).

import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { afterTheDay, dayPrinting } from '../day-printing.js';
import { eligibleList } from '../eligible-list.js';
import { h, replace } from '../dom.js';
import { checkbox, confirmBox, dateInput, errorSummary, field, flash, notice, select, showApiError, takeFlash, valueOrNull } from '../form.js';
import { date, num, t } from '../i18n.js';
import { can } from '../access.js';
import { ageText, matchTag, matchedByVariant, todayIso } from '../person-format.js';

export async function showDistribution(main, ctx) {
  const [first] = ctx.path;
  if (first === 'rules') return showRules(main, ctx);
  if (first) return showDesk(main, { ...ctx, id: first });
  return showList(main, ctx);
}

async function showList(main, { session }) {
  const caseworker = can(session, 'create_distribution');
  const [list, overview, rules] = await Promise.all([api.listDistributions(), api.stockOverview(), api.listRules()]);
  const flashed = takeFlash();
  let form = null;
  let asked = null;
  if (caseworker && overview.locations.length) {
    const summary = errorSummary();
    // The user's own site's locations first: a new distribution starts at one of them.
    const active = overview.locations.filter((l) => l.active);
    const mine = [...active.filter((l) => l.site_id === session.site_id), ...active.filter((l) => l.site_id !== session.site_id)];
    const loc = select({ name: 'location', label: t('dist.location'), testid: 'dist-location', value: mine[0]?.id,
      options: mine.map((l) => [l.id, `${l.name} (${l.site_code})`]) });
    const held = dateInput({ name: 'held_on', label: t('dist.held_on'), value: todayIso(), required: true, testid: 'dist-date' });
    const types = rules.types.length ? rules.types : ['weekly'];
    const type = select({ name: 'dist_type', label: t('dist.type'), testid: 'dist-type', options: types.map((x) => [x, x]) });
    form = h('form', { novalidate: true, 'data-testid': 'dist-form' }, summary, loc, held, type,
      h('button', { type: 'submit', class: 'button', 'data-testid': 'dist-create' }, t('dist.create')));
    // A second distribution of the type at the site that week is asked about first: the core
    // refuses it with a `confirm` error naming the other day, and Yes sends it again confirmed.
    asked = h('div', {});
    const create = async (confirmSameWeek) => {
      replace(asked);
      summary.clear(form);
      const day = held.read();
      if (day.problem) { summary.show([day.problem], form); return; }
      try {
        const d = await api.createDistribution({ location: loc.input.value, held_on: day.value, dist_type: type.input.value,
          confirm_same_week: confirmSameWeek });
        location.hash = `#/distribution/${d.id}`;
      } catch (err) {
        if (err.kind !== 'confirm') { showApiError(summary, form, err); return; }
        const box = confirmBox({
          title: t('dist.same_week_title'), body: err.message, yes: t('dist.same_week_yes'), no: t('form.cancel'),
          testid: 'dist-same-week', onNo: () => replace(asked), onYes: () => create(true),
        });
        replace(asked, box);
        box.focus();
      }
    };
    form.addEventListener('submit', (e) => { e.preventDefault(); create(false); });
  }
  replace(main,
    h('h1', {}, t('nav.distribution')), flashed,
    h('p', {}, h('a', { href: '#/distribution/rules', 'data-testid': 'rules-link' }, t('dist.rules'))),
    list.length === 0 ? h('div', { class: 'empty' }, h('p', {}, t('dist.none'))) : h('table', { class: 'table', 'data-testid': 'dist-list' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dist.held_on')), h('th', { scope: 'col' }, t('dist.location')),
        h('th', { scope: 'col' }, t('dist.type')), h('th', { scope: 'col' }, t('dist.status')),
        h('th', { scope: 'col', class: 'num' }, t('dist.households')))),
      h('tbody', {}, list.map((d) => h('tr', { 'data-testid': 'dist-row' },
        h('td', {}, h('a', { href: `#/distribution/${d.id}` }, date(d.held_on))),
        h('td', {}, `${d.location} (${d.site})`), h('td', {}, d.dist_type), h('td', {}, t(`dist.status.${d.status}`)),
        h('td', { class: 'num' }, num(d.collected)))))),
    form ? h('section', { 'aria-labelledby': 'dist-new' }, h('h2', { id: 'dist-new' }, t('dist.new')), form, asked) : null);
}

function countersBlock(c) {
  return h('div', { class: 'cards cards-compact', 'data-testid': 'counters' },
    h('div', { class: 'card' }, h('p', { class: 'card-value', 'data-testid': 'counter-households' }, num(c.households)),
      h('p', { class: 'card-label' }, t('dist.served'))),
    h('div', { class: 'card' }, h('p', { class: 'card-value', 'data-testid': 'counter-people' }, num(c.people)),
      h('p', { class: 'card-label' }, t('dist.people'))),
    h('div', { class: 'card' }, h('p', { class: 'card-value', 'data-testid': 'counter-items' }, num(c.items_out)),
      h('p', { class: 'card-label' }, t('dist.items_out'))));
}

function remainingTable(c) {
  return h('table', { class: 'table', 'data-testid': 'remaining' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('stock.item')), h('th', { scope: 'col', class: 'num' }, t('stock.quantity')))),
    h('tbody', {}, c.remaining.map((r) => h('tr', { 'data-testid': 'remaining-row', 'data-item': r.item, 'data-variant': r.variant },
      h('td', {}, r.variant ? `${r.item} (${r.variant})` : r.item),
      h('td', { class: 'num', 'data-testid': 'remaining-qty' }, num(r.quantity))))));
}

/** Puts new counts in the counters drawn by `countersBlock`, changing only their numbers. */
function updateCounters(holder, c) {
  for (const [key, value] of [['households', c.households], ['people', c.people], ['items', c.items_out]]) {
    const el = holder.querySelector(`[data-testid="counter-${key}"]`);
    if (!el) { replace(holder, countersBlock(c)); return; }
    const text = num(value);
    if (el.textContent !== text) el.textContent = text;
  }
}

/** Puts new quantities in the stock table drawn by `remainingTable`; the table is drawn again
 * only when its items are not the same ones. */
function updateRemaining(holder, c) {
  const rows = holder.querySelectorAll('[data-testid="remaining-row"]');
  const same = rows.length === c.remaining.length
    && c.remaining.every((r, i) => rows[i].dataset.item === r.item && (rows[i].dataset.variant || null) === (r.variant || null));
  if (!same) { replace(holder, remainingTable(c)); return; }
  c.remaining.forEach((r, i) => {
    const el = rows[i].querySelector('[data-testid="remaining-qty"]');
    const text = num(r.quantity);
    if (el.textContent !== text) el.textContent = text;
  });
}

/** What a collection gave, each item and size totalled: "Nappies size 4 x2". */
function givenText(c) {
  if (!c.given) return c.summary;
  return c.given.map((g) => (g.variant
    ? t('dist.given_sized', { item: g.item, size: g.variant, n: num(g.quantity) })
    : t('dist.given_item', { item: g.item, n: num(g.quantity) }))).join(', ');
}

/** The desk's tones: [frequency in Hz, seconds] played one after another. */
const TONES = {
  recorded: [[1320, 0.12]],
  already: [[660, 0.12], [660, 0.12]],
  refused: [[220, 0.45]],
  ask: [[880, 0.1], [660, 0.1]],
};
let audio = null;

/** The desk's sound output, made once; null where there is none. */
function audioOutput() {
  if (audio === null) {
    try { audio = new AudioContext(); } catch { audio = false; }
  }
  return audio || null;
}

/** Plays the desk's tone for `kind` (WebAudio, no sound file) after the signal is drawn, so a
 * slow sound device never holds the screen; silent where there is no sound. */
function beep(kind) {
  setTimeout(() => tone(kind), 0);
}

function tone(kind) {
  try {
    const out = audioOutput();
    if (!out) return;
    let at = out.currentTime;
    for (const [frequency, seconds] of TONES[kind] || []) {
      const osc = out.createOscillator();
      const gain = out.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.25, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + seconds);
      osc.connect(gain).connect(out.destination);
      osc.start(at);
      osc.stop(at + seconds);
      at += seconds + 0.06;
    }
  } catch { /* No audio device: the colour still says it. */ }
}

/** Minutes after recording it that the desk may undo its own collection (the core's rule). */
const UNDO_MINUTES = 15;

async function showDesk(main, { id, session }) {
  const caseworker = can(session, 'reverse_collection');
  const desk = await api.distributionDesk(id);
  const d = desk.distribution;
  const counters = h('div', {}, countersBlock(desk.counters));
  const remaining = h('div', {}, remainingTable(desk.counters));
  // Beside the code box, where the eyes are: what the desk just did, refused or asks.
  const message = h('div', { class: 'desk-message', 'data-testid': 'desk-message', tabindex: '-1', 'aria-live': 'polite' });
  const list = h('tbody', {});
  const say = (el) => replace(message, el);

  // The collections this desk recorded on this screen, with when: the front desk may undo its
  // own mistake for a few minutes (the core checks who and when; this only offers the button).
  const mine = new Map();
  const collectionRow = (c) => {
    const undoable = !caseworker && !c.reversed_at && mine.has(c.id) && Date.now() - mine.get(c.id) < UNDO_MINUTES * 60000;
    if (undoable) return undoRow(c);
    const reverse = caseworker && !c.reversed_at
      ? h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': 'reverse' }, t('dist.reverse')) : null;
    const row = h('tr', { 'data-testid': 'collection-row', 'data-code': c.code },
      h('td', { class: 'code' }, c.code),
      h('td', {}, h('span', { dir: 'auto' }, c.name), c.original_name ? h('span', {}, ' · ', h('span', { class: 'original-name', dir: 'auto' }, c.original_name)) : null),
      h('td', { 'data-testid': 'collection-given' }, givenText(c)),
      h('td', { class: 'nowrap' }, c.reversed_at ? t('dist.reversed') : reverse));
    if (reverse) {
      reverse.addEventListener('click', () => {
        const box = confirmBox({
          title: t('dist.reverse_title', { code: c.code }), body: t('dist.reverse_body'),
          yes: t('dist.reverse_yes'), no: t('form.cancel'), testid: 'reverse-confirm',
          onNo: () => asked.remove(),
          onYes: async () => {
            try {
              const after = await api.reverseCollection(c.id, t('dist.reverse_reason'));
              replace(counters, countersBlock(after.counters));
              replace(remaining, remainingTable(after.counters));
              replace(list, ...after.collections.map(collectionRow));
              unserve(c.code, after.collections);
              say(notice(t('dist.reversed_done', { code: c.code })));
            } catch (err) { say(h('p', { class: 'field-error', role: 'alert' }, err.message)); asked.remove(); }
          },
        });
        // The question takes a row of its own under the collection, removed with its answer.
        const asked = h('tr', {}, h('td', { colspan: 4 }, box));
        row.after(asked);
        box.focus();
      });
    }
    return row;
  };
  // A row the front desk may undo: a confirmation that asks why.
  const undoRow = (c) => {
    const undo = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': 'undo' }, t('dist.undo'));
    const row = h('tr', { 'data-testid': 'collection-row', 'data-code': c.code },
      h('td', { class: 'code' }, c.code),
      h('td', {}, h('span', { dir: 'auto' }, c.name), c.original_name ? h('span', {}, ' · ', h('span', { class: 'original-name', dir: 'auto' }, c.original_name)) : null),
      h('td', { 'data-testid': 'collection-given' }, givenText(c)),
      h('td', { class: 'nowrap' }, undo));
    undo.addEventListener('click', () => {
      const reason = field({ name: 'undo_reason', label: t('dist.undo_reason'), testid: 'undo-reason' });
      const box = confirmBox({
        title: t('dist.undo_title', { code: c.code }), body: t('dist.undo_body', { minutes: UNDO_MINUTES }),
        yes: t('dist.undo_yes'), no: t('form.cancel'), testid: 'undo-confirm',
        onNo: () => holder.remove(),
        onYes: async () => {
          const why = reason.input.value.trim();
          if (!why) { say(h('p', { class: 'field-error', role: 'alert' }, t('dist.undo_reason_missing'))); reason.input.focus(); return; }
          try {
            const after = await api.undoOwnCollection(c.id, why);
            replace(counters, countersBlock(after.counters));
            replace(remaining, remainingTable(after.counters));
            replace(list, ...after.collections.map(collectionRow));
            unserve(c.code, after.collections);
            say(notice(t('dist.undone', { code: c.code })));
            code.focus();
          } catch (err) { say(h('p', { class: 'field-error', role: 'alert' }, err.message)); holder.remove(); }
        },
      });
      box.insertBefore(reason, box.querySelector('.button-group'));
      const holder = h('tr', {}, h('td', { colspan: 4 }, box));
      row.after(holder);
      reason.input.focus();
    });
    return row;
  };
  replace(list, ...desk.collections.map(collectionRow));
  // The sound output is opened with the desk, not at the first scan (opening it can take a while).
  setTimeout(audioOutput, 0);

  // The desk: a code or a name, Enter; the focus stays in the box. A name several people share
  // opens a pick list (arrow keys move through it, Enter records the one chosen, Escape closes it).
  const code = h('input', { id: 'desk-code', class: 'input input-code', autocomplete: 'off', spellcheck: 'false',
    'data-testid': 'desk-code', 'aria-describedby': 'desk-code-hint', disabled: d.status !== 'open' });
  const partial = checkbox({ name: 'take_available', label: t('dist.take_available'), testid: 'take-available' });
  const picks = h('div', { 'data-testid': 'desk-picks' });
  const closePicks = () => replace(picks);
  const pickButtons = () => [...picks.querySelectorAll('button')];
  // The eligible list once it has come (a page of it is drawn; it ticks a row in place).
  let eligible = null;
  // The codes of every member of each eligible household, by code; the codes of households that
  // have collected here.
  const householdOf = new Map();
  const served = new Set();
  // A collection reversed or undone: unless the household has another collection here still
  // standing (made at two desks between exchanges), it is not served any more, and its row in
  // the eligible list gets its button back.
  const unserve = (who, collections) => {
    const codes = householdOf.get(who) || [who];
    if (collections.some((x) => !x.reversed_at && codes.includes(x.code))) return;
    for (const c of codes) served.delete(c);
    if (eligible) eligible.uncollected(who);
  };
  // Records `who`'s household; true when it was recorded. From the list (`fromList`), the
  // focus stays there and a refusal is not offered as a pick list.
  // The text the desk put back in the box after a refusal, to be corrected or picked.
  let putBack = '';
  const record = async (who, { fromList = false, otherSite = false } = {}) => {
    let focusPicks = false;
    let focusAsk = null;
    let recorded = false;
    try {
      const done = await api.recordCollection(id, who, partial.input.checked, otherSite);
      // Only what a collection changes is drawn again: the counters' and the stock's numbers,
      // the new row on top of the collections, the household's row in the eligible list.
      updateCounters(counters, done.counters);
      updateRemaining(remaining, done.counters);
      if (done.collection) {
        mine.set(done.collection.id, Date.now());
        for (const c of householdOf.get(done.collection.code) || [done.collection.code]) served.add(c);
        list.prepend(collectionRow(done.collection));
        if (eligible) eligible.collected(done.collection.code);
      }
      const shown = done.collection ? `${done.collection.name} (${done.collection.code})` : who;
      say(notice(t('dist.collected', { code: shown, what: done.collection ? done.collection.summary : '' })));
      signal('recorded');
      // A name put back after a refusal (then picked from the list) is done with.
      if (!fromList && putBack && code.value === putBack) code.value = '';
      putBack = '';
      closePicks();
      recorded = true;
    } catch (err) {
      if (err.kind === 'confirm' && err.field === 'confirm_other_site') {
        // Someone registered at another site: allowed (people move between camps), but the
        // desk says so and asks; Yes records it, anything else leaves nothing recorded.
        closePicks();
        const box = confirmBox({
          title: t('dist.other_site_title'), body: err.message, yes: t('dist.other_site_yes'), no: t('form.cancel'),
          testid: 'other-site-confirm',
          onNo: () => { say(); code.select(); code.focus(); },
          onYes: async () => { if (await record(who, { fromList, otherSite: true }) && fromList) code.focus(); },
        });
        say(box);
        signal('ask');
        focusAsk = box.querySelector('[data-testid="other-site-confirm-yes"]');
      } else {
        say(h('p', { class: 'field-error', role: 'alert', 'data-testid': 'desk-error' }, err.message));
        signal(err.kind === 'conflict' && await alreadyCollected(who) ? 'already' : 'refused');
        focusPicks = !fromList && err.kind === 'validation' && err.field === 'person' && await showPicks(who);
        // A name typed by hand comes back to be corrected, unless the next code is already
        // being typed (a scanner does not wait for the answer).
        if (!fromList && !code.value) {
          code.value = who;
          putBack = who;
          if (!focusPicks) code.select();
        }
      }
    } finally {
      const first = focusPicks && pickButtons()[0];
      if (focusAsk) focusAsk.focus();
      else if (!fromList) (first || code).focus();
    }
    return recorded;
  };
  // Whether a refusal was for a household that has collected here already (the desk's signal):
  // a code (or a card's text) is known from the eligible list and this desk's collections; only
  // a name typed needs asking the core.
  const alreadyCollected = async (who) => {
    const key = who.trim().toUpperCase().replace(/\/\d+$/, '');
    if (served.has(key)) return true;
    if (/^[A-Z]+-\d+$/.test(key)) return false;
    try {
      const found = await api.deskLookup(id, who);
      return found.candidates.length === 1 && found.candidates[0].already_collected;
    } catch { return false; }
  };
  // Codes entered (typed, or a scanner's keystrokes and Enter) wait their turn: each is taken
  // from the box at its Enter, so the box is empty for the next one at once, and recorded
  // one after another, in order, each once.
  const waiting = [];
  let draining = false;
  const drain = async () => {
    if (draining) return;
    draining = true;
    try {
      while (waiting.length) await record(waiting.shift());
    } finally { draining = false; }
  };
  // What the desk did, seen and heard: green and one high beep for recorded, amber and two
  // beeps for already collected, red and one low tone for not eligible or not found.
  const signal = (kind) => {
    message.dataset.signal = kind;
    message.dataset.signals = String(Number(message.dataset.signals || 0) + 1);
    beep(kind);
  };
  // The people a name may mean; true when there is a list to choose from.
  const showPicks = async (who) => {
    let found;
    try { found = await api.deskLookup(id, who); } catch { closePicks(); return false; }
    // One person is a pick list too when only their name sounds alike: the desk confirms them.
    const alike = found.candidates.length > 0 && found.candidates.every((c) => matchedByVariant(c.matched));
    if (found.candidates.length < 2 && !alike) { closePicks(); return false; }
    const age = (m) => (m == null ? t('age.unknown') : ageText({ years: Math.floor(m / 12), months: m }));
    const rows = found.candidates.map((c) => {
      // Namesakes are told apart by age, the name in its own script and who they live with.
      const others = (c.household || []).map((m) => h('li', { 'data-testid': 'desk-pick-member' },
        h('span', { dir: 'auto' }, m.name),
        m.original_name ? h('span', {}, ' · ', h('span', { class: 'original-name', dir: 'auto' }, m.original_name)) : null,
        h('span', { class: 'hint' }, ` · ${age(m.age_months)}`)));
      const b = h('button', { type: 'button', class: 'desk-pick', 'data-testid': 'desk-pick', 'data-code': c.code },
        h('span', { class: 'desk-pick-line' },
          h('span', { class: 'picker-code' }, c.code), ' ',
          h('span', { dir: 'auto', class: 'desk-pick-name' }, c.name),
          c.original_name ? h('span', {}, ' · ', h('span', { class: 'original-name', dir: 'auto', 'data-testid': 'desk-pick-original' }, c.original_name)) : null,
          h('span', { 'data-testid': 'desk-pick-age' }, ` · ${age(c.age_months)}`),
          h('span', { class: 'hint' }, ` · ${t('dist.pick_household', { n: num(c.household_size) })}`),
          c.already_collected ? h('span', { class: 'hint' }, ` · ${t('dist.pick_collected')}`) : null,
          matchTag(c.matched)),
        others.length ? h('span', { class: 'desk-pick-household' }, h('span', { class: 'hint' }, t('dist.pick_with')),
          h('ul', { class: 'desk-pick-members' }, others)) : null);
      b.addEventListener('click', () => record(c.id));
      return h('li', {}, b);
    });
    replace(picks,
      h('p', { id: 'desk-picks-title', class: 'label' }, alike ? t('dist.pick_title_alike') : t('dist.pick_title', { n: num(found.candidates.length) })),
      h('p', { class: 'hint' }, found.more ? t('dist.pick_more') : t('dist.pick_hint')),
      h('ul', { class: 'desk-pick-list', 'aria-labelledby': 'desk-picks-title' }, rows));
    return true;
  };
  picks.addEventListener('keydown', (e) => {
    const buttons = pickButtons();
    const at = buttons.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = e.key === 'ArrowDown' ? Math.min(at + 1, buttons.length - 1) : at - 1;
      (next < 0 ? code : buttons[next]).focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      closePicks();
      code.focus();
    }
  });
  // The next entry starts afresh: typing in the box closes the last name's pick list.
  code.addEventListener('input', () => { if (pickButtons().length) closePicks(); });
  code.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown' && pickButtons().length) {
      e.preventDefault();
      pickButtons()[0].focus();
      return;
    }
    if (e.key === 'Escape') { closePicks(); return; }
    if (e.key !== 'Enter') return;
    e.preventDefault();
    const who = code.value.trim();
    code.value = '';
    if (!who) return;
    waiting.push(who);
    drain();
  });

  // At 1280x800 the code box, the message beside it and the latest collections show without
  // scrolling; the stock left and the sheet's tools come after the lists.
  const desk_section = h('section', { class: 'desk', 'aria-labelledby': 'desk-title' },
    h('h2', { id: 'desk-title', class: 'visually-hidden' }, t('dist.desk')),
    d.status === 'open' ? null : h('p', { class: 'hint' }, t('dist.closed_hint')),
    h('div', { class: 'desk-entry' },
      h('div', { class: 'desk-box' },
        h('div', { class: 'form-group' }, h('label', { for: 'desk-code', class: 'label' }, t('dist.code')),
          h('p', { id: 'desk-code-hint', class: 'hint' }, t('dist.code_hint')), code),
        partial),
      message),
    picks, counters);

  const planBox = h('div', { 'data-testid': 'plan' }, h('p', { class: 'loading' }, t('app.loading')));
  const afterBox = h('div', {});
  replace(main,
    h('div', { class: 'desk-head' },
      h('h1', {}, t('dist.heading', { date: date(d.held_on), location: d.location, type: d.dist_type })),
      h('a', { href: '#/distribution' }, t('dist.back'))),
    desk_section,
    h('h2', { class: 'desk-h2' }, t('dist.collections')),
    h('table', { class: 'table table-desk', 'data-testid': 'collections' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('people.code')), h('th', { scope: 'col' }, t('people.name')),
        h('th', { scope: 'col' }, t('dist.given')), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('table.actions'))))), list),
    h('h2', {}, t('dist.eligible')),
    planBox,
    h('details', { class: 'desk-stock', 'data-testid': 'remaining-box' },
      h('summary', {}, t('dist.remaining')), remaining),
    caseworker ? toolsBlock(d) : null,
    can(session, 'print_bag_labels') ? dayPrinting(d, { coordinator: can(session, 'print_packing_list') }) : null,
    afterBox);
  code.focus();
  if (can(session, 'distribution_after')) afterTheDay(d).then((el) => replace(afterBox, el)).catch(() => {});
  const plan = await api.distributionPlan(id);
  for (const r of plan.rows) {
    const codes = r.unit.members.map((m) => m.code);
    for (const c of codes) householdOf.set(c, codes);
    if (r.collected) for (const c of codes) served.add(c);
  }
  eligible = eligibleList(plan, served, d.status === 'open' ? { record, codeBox: code } : null);
  replace(planBox, eligible);
}

/** Print the sign-up sheet (save dialog, or a typed path), open/close the day. */
function toolsBlock(d) {
  const message = h('div', { tabindex: '-1', 'data-testid': 'print-message' });
  const say = (el) => { replace(message, el); message.focus(); };
  const sort = select({ name: 'sort', label: t('dist.sort'), testid: 'sheet-sort',
    options: [['family_name', t('dist.sort_family')], ['code', t('dist.sort_code')]] });
  const pathField = field({ name: 'sheet_path', label: t('dist.sheet_path'), hint: t('dist.sheet_path_hint'), required: false, testid: 'sheet-path' });
  const print = async (path) => {
    const printed = await api.printDistributionSheet(d.id, sort.input.value, path);
    const text = t('dist.printed', { n: num(printed.rows), pages: num(printed.pages), path: printed.path });
    try { await api.openPath(printed.path); say(notice(text)); } catch {
      say(h('div', {}, notice(text), h('p', { class: 'hint' }, t('people.printed_not_opened'))));
    }
  };
  const printButton = h('button', { type: 'button', class: 'button', 'data-testid': 'print-sheet' }, t('dist.print'));
  printButton.addEventListener('click', async () => {
    try {
      const typed = valueOrNull(pathField.input);
      const path = typed || await api.chooseSavePath(saveDialog('sign_up_sheet', `sign-up-${d.site}-${d.held_on}.pdf`));
      if (path) await print(path);
    } catch (err) { say(h('p', { class: 'field-error', role: 'alert' }, err.message)); }
  });
  const toggle = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'dist-toggle' },
    d.status === 'open' ? t('dist.close') : t('dist.reopen'));
  const setStatus = async () => {
    try {
      await api.setDistributionStatus(d.id, d.status !== 'open');
      flash(d.status === 'open' ? t('dist.closed_done') : t('dist.reopened_done'));
      location.hash = '#/distribution';
    } catch (err) { say(h('p', { class: 'field-error', role: 'alert' }, err.message)); }
  };
  // Closing ends the desk's day (no more collections): asked first. Reopening is not.
  const asked = h('div', {});
  toggle.addEventListener('click', () => {
    if (d.status !== 'open') { setStatus(); return; }
    const box = confirmBox({
      title: t('dist.close_title'), body: t('dist.close_body'),
      yes: t('dist.close_yes'), no: t('form.cancel'), testid: 'close-confirm',
      onNo: () => { replace(asked); toggle.focus(); }, onYes: setStatus,
    });
    replace(asked, box);
    box.focus();
  });
  return h('section', { class: 'list-tools', 'aria-labelledby': 'print-title' },
    h('h2', { id: 'print-title' }, t('dist.sheet')), sort, pathField,
    h('div', { class: 'button-group' }, printButton, toggle), asked, message);
}

const FLAGS = ['', 'baby', 'pregnant', 'unaccompanied_minor'];

async function showRules(main, { session }) {
  const caseworker = can(session, 'save_rule');
  const [{ rules, types }, overview] = await Promise.all([api.listRules(), api.stockOverview()]);
  const flashed = takeFlash();
  const table = h('table', { class: 'table', 'data-testid': 'rules' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('dist.type')), h('th', { scope: 'col' }, t('dist.rule')),
      h('th', { scope: 'col' }, t('dist.status')), h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('table.actions'))))),
    h('tbody', {}, rules.map((r) => {
      const edit = caseworker ? h('button', { type: 'button', class: 'button button-secondary button-small' }, t('dist.edit')) : null;
      if (edit) edit.addEventListener('click', () => { fill(r); form.scrollIntoView(); });
      return h('tr', { 'data-testid': 'rule-row' }, h('td', {}, r.dist_type), h('td', {}, r.description),
        h('td', {}, r.active ? t('dist.rule_active') : t('dist.rule_inactive')), h('td', {}, edit));
    })));
  const summary = errorSummary();
  let editing = null;
  const type = field({ name: 'dist_type', label: t('dist.type'), value: types[0] || 'weekly' });
  const item = select({ name: 'item', label: t('stock.item'), options: overview.items.map((i) => [i.id, i.name]) });
  const quantity = field({ name: 'quantity', label: t('stock.quantity'), type: 'number', width: 'short', value: '1' });
  const per = select({ name: 'per', label: t('dist.per'), options: [['person', t('dist.per.person')], ['household', t('dist.per.household')]] });
  const flag = select({ name: 'flag', label: t('dist.flag'), options: FLAGS.map((f) => [f, f ? t(`flag.${f}`) : t('dist.flag_any')]) });
  const minAge = field({ name: 'min_age_months', label: t('dist.min_age'), hint: t('dist.months_hint'), required: false, width: 'short', inputmode: 'numeric' });
  const maxAge = field({ name: 'max_age_months', label: t('dist.max_age'), hint: t('dist.months_hint'), required: false, width: 'short', inputmode: 'numeric' });
  const interval = field({ name: 'interval_days', label: t('dist.interval'), required: false, width: 'short', value: '0', inputmode: 'numeric' });
  const once = checkbox({ name: 'once', label: t('dist.once') });
  const noPhone = checkbox({ name: 'without_phone', label: t('dist.without_phone') });
  const active = checkbox({ name: 'active', label: t('dist.rule_active'), checked: true });
  const heading = h('h2', {}, t('dist.rule_new'));
  const fill = (r) => {
    editing = r.id;
    heading.textContent = t('dist.rule_edit');
    type.input.value = r.dist_type; item.input.value = r.item_id; quantity.input.value = r.quantity; per.input.value = r.per;
    flag.input.value = r.flag || ''; minAge.input.value = r.min_age_months ?? ''; maxAge.input.value = r.max_age_months ?? '';
    interval.input.value = r.interval_days; once.input.checked = r.once; noPhone.input.checked = r.without_phone; active.input.checked = r.active;
  };
  const numOrNull = (input) => (input.value.trim() === '' ? null : Number(input.value));
  const form = h('form', { novalidate: true }, heading, summary, type, item, quantity, per, flag, minAge, maxAge, interval, once, noPhone, active,
    h('button', { type: 'submit', class: 'button' }, t('dist.rule_save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.saveRule({ id: editing, dist_type: type.input.value, item: item.input.value, quantity: Number(quantity.input.value || 0),
        per: per.input.value, flag: flag.input.value || null, min_age_months: numOrNull(minAge), max_age_months: numOrNull(maxAge),
        interval_days: Number(interval.input.value || 0), once: once.input.checked, without_phone: noPhone.input.checked, active: active.input.checked });
      flash(t('dist.rule_saved'));
      showRules(main, { session });
    } catch (err) { showApiError(summary, form, err); }
  });
  replace(main, h('h1', {}, t('dist.rules')), flashed, h('p', {}, h('a', { href: '#/distribution' }, t('dist.back'))),
    h('p', { class: 'hint' }, t('dist.rules_hint')), table, caseworker ? form : null);
}
