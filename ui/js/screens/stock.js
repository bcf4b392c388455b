// Stock: what each location holds (from the balance table), batches expiring soon or expired,
// low stock, and, for coordinators and leads, the forms that write the ledger: receive a
// donation or purchase (first on the screen, with its confirmation above it), move stock
// between locations (to another site: on its way until that site marks it received), record
// damaged/expired/lost/found stock, and stock-takes
// (`#/stock/take/<id>`: count, review differences, finalise). The screen starts at the user's
// own site (its lines, its locations first in the forms) and keeps a site chosen here, and the
// last receipt's location and item, for the next receipt.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { checkbox, dateInput, errorSummary, field, notice, select, showApiError, showWithCoreProblems, takeFlash, flash, valueOrNull } from '../form.js';
import { date, num, t, warningText } from '../i18n.js';
import { can } from '../access.js';
import { siteFilter } from '../home-site.js';

const label = (item, variant) => (variant ? `${item} (${variant})` : item);

export async function showStock(main, ctx) {
  const [first, id] = ctx.path;
  if (first === 'take' && id) return showTake(main, id);
  const caseworker = can(ctx.session, 'receive_stock');
  const [o, sites] = await Promise.all([api.stockOverview(), api.listSites()]);
  // A purchase is paid from a fund: those who see the funds choose it (the general fund else).
  const funds = caseworker && can(ctx.session, 'money_overview') ? (await api.moneyOverview()).funds.filter((f) => f.active) : [];
  const flashed = takeFlash();
  const rerender = () => showStock(main, ctx);
  // The user's own site first (or the one chosen here before): its lines, and its locations
  // chosen in the forms. "All sites" shows every line.
  const filter = siteFilter('stock', ctx.session, sites, rerender);
  const site = filter.value();
  const here = (r) => !site || r.site === site;
  const view = { ...o, locations: byPreference(o.locations, site) };
  replace(main,
    h('h1', {}, t('nav.stock')),
    flashed,
    h('div', { class: 'filters' }, filter),
    o.locations.length === 0 ? h('div', { class: 'empty' }, h('p', {}, t('stock.no_locations'))) : null,
    // Receiving comes first, above the tables, so that the form and its confirmation are in
    // view without scrolling.
    caseworker && o.locations.length ? receiveForm(view, funds, rerender) : null,
    shortfallSection((o.shortfalls || []).filter(here)),
    transitSection((o.transits || []).filter((r) => !site || r.from_site === site || r.to_site === site), ctx.session, sites, rerender),
    balancesTable(o.balances.filter(here)),
    expiringSection(o.expiring.filter(here)),
    lowSection(o.low.filter(here)),
    caseworker ? forms(view, rerender) : h('p', { class: 'hint' }, t('stock.coordinators_change')),
    caseworker ? setupForms(o, sites, rerender) : null);
  if (flashed) flashed.scrollIntoView({ block: 'nearest' });
}

/** Locations in use, the chosen site's first (the forms then start on one of them). */
function byPreference(locations, site) {
  const active = locations.filter((l) => l.active);
  return [...active.filter((l) => l.site_code === site), ...active.filter((l) => l.site_code !== site)];
}

/** What the receive form had after a receipt, so the next one starts there. */
const lastReceipt = { location: null, item: null };

function balancesTable(rows) {
  if (!rows.length) return h('p', { class: 'empty', 'data-testid': 'balances-empty' }, t('stock.empty'));
  return h('section', { 'aria-labelledby': 'balances-title' },
    h('h2', { id: 'balances-title' }, t('stock.on_hand')),
    h('p', { class: 'count' }, t('stock.lines', { n: num(rows.length) })),
    h('table', { class: 'table', 'data-testid': 'balances' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('stock.location')),
        h('th', { scope: 'col' }, t('stock.item')),
        h('th', { scope: 'col', class: 'num' }, t('stock.quantity')),
        h('th', { scope: 'col', class: 'num' }, t('stock.expired')),
        h('th', { scope: 'col' }, t('stock.next_expiry')))),
      h('tbody', {}, rows.map((b) => h('tr', {
        'data-testid': 'balance-row', 'data-item': b.item, 'data-variant': b.variant, 'data-location': b.location, 'data-site': b.site,
      },
      h('td', {}, `${b.location} (${b.site})`),
      h('td', {}, label(b.item, b.variant)),
      h('td', { class: 'num', 'data-testid': 'balance-qty' }, `${num(b.quantity)} ${b.unit}`),
      h('td', { class: 'num' }, b.expired ? num(b.expired) : ''),
      h('td', {}, b.next_expiry ? date(b.next_expiry) : ''))))));
}

/** Lots an exchange took below zero: shown as empty above, listed here until a count settles
 * them. */
function shortfallSection(rows) {
  if (!rows.length) return null;
  return h('section', { class: 'notice notice-warning', 'aria-labelledby': 'shortfall-title', 'data-testid': 'shortfalls' },
    h('h2', { id: 'shortfall-title' }, t('stock.shortfall_title')),
    h('p', {}, t('stock.shortfall_why')),
    h('ul', {}, rows.map((r) => h('li', { 'data-testid': 'shortfall', 'data-location': r.location },
      t('stock.shortfall_line', { item: label(r.item, r.variant), location: r.location, site: r.site, n: num(r.short) })))));
}

/** Stock on its way between sites (one line a transfer), with "Mark as received" for the
 * receiving site's coordinators (and leads), and what arrived lately. */
function transitSection(rows, session, sites, rerender) {
  if (!rows.length) return null;
  const groups = new Map();
  for (const r of rows) {
    const g = groups.get(r.group_id);
    if (g) { g.quantity += r.quantity; g.batches.push(r.batch); } else groups.set(r.group_id, { ...r, batches: [r.batch] });
  }
  const mySite = sites.find((s) => s.id === session.site_id)?.code;
  const mayReceive = (g) => !g.received_on && can(session, 'receive_transfer') && (session.role === 'lead' || g.to_site === mySite);
  const status = h('div', { role: 'status' });
  const receive = async (g, button) => {
    button.disabled = true;
    try {
      await api.receiveTransfer(g.group_id);
      flash(t('stock.transit_received', { location: `${g.to_location} (${g.to_site})` }));
      rerender();
    } catch (err) {
      button.disabled = false;
      replace(status, h('p', { class: 'field-error' }, err.message));
    }
  };
  return h('section', { 'aria-labelledby': 'transit-title', 'data-testid': 'transits' },
    h('h2', { id: 'transit-title' }, t('stock.transit_title')),
    status,
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('stock.item')),
        h('th', { scope: 'col', class: 'num' }, t('stock.quantity')),
        h('th', { scope: 'col' }, t('stock.from')),
        h('th', { scope: 'col' }, t('stock.to')),
        h('th', { scope: 'col' }, t('stock.transit_sent')),
        h('th', { scope: 'col' }, t('stock.transit_status')))),
      h('tbody', {}, [...groups.values()].map((g) => {
        const button = mayReceive(g)
          ? h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'transit-receive' }, t('stock.transit_receive'))
          : null;
        if (button) button.addEventListener('click', () => receive(g, button));
        return h('tr', { 'data-testid': 'transit', 'data-item': g.item, 'data-status': g.received_on ? 'arrived' : 'on_way' },
          h('td', {}, label(g.item, g.variant)),
          h('td', { class: 'num' }, `${num(g.quantity)} ${g.unit}`),
          h('td', {}, `${g.from_location} (${g.from_site})`),
          h('td', {}, `${g.to_location} (${g.to_site})`),
          h('td', {}, date(g.sent_on), g.sent_by ? ` · ${g.sent_by}` : ''),
          h('td', {}, g.received_on
            ? t('stock.transit_arrived', { date: date(g.received_on), name: g.received_by || '' })
            : h('span', {}, t('stock.transit_on_way'), button ? ' ' : null, button)));
      }))));
}

function expiringSection(rows) {
  return h('section', { 'aria-labelledby': 'expiring-title', 'data-testid': 'expiring' },
    h('h2', { id: 'expiring-title' }, t('stock.expiring_title')),
    rows.length === 0 ? h('p', { class: 'empty' }, t('stock.expiring_none')) : h('table', { class: 'table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('stock.location')), h('th', { scope: 'col' }, t('stock.item')),
        h('th', { scope: 'col' }, t('stock.batch')), h('th', { scope: 'col' }, t('stock.expires_on')),
        h('th', { scope: 'col', class: 'num' }, t('stock.quantity')))),
      h('tbody', {}, rows.map((r) => h('tr', { class: r.expired ? 'row-warn' : '' },
        h('td', {}, `${r.location} (${r.site})`), h('td', {}, label(r.item, r.variant)), h('td', {}, r.batch),
        h('td', {}, r.expired ? t('stock.expired_on', { date: date(r.expires_on) }) : date(r.expires_on)),
        h('td', { class: 'num' }, num(r.quantity)))))));
}

function lowSection(rows) {
  return h('section', { 'aria-labelledby': 'low-title', 'data-testid': 'low-stock' },
    h('h2', { id: 'low-title' }, t('stock.low_title')),
    rows.length === 0 ? h('p', { class: 'empty' }, t('stock.low_none')) : h('ul', {},
      rows.map((r) => h('li', {}, t('stock.low_line', {
        item: r.item, site: r.site, n: num(r.quantity), unit: r.unit, threshold: num(r.threshold),
      })))));
}

/** Item and size pickers: the size list follows the item. */
function itemPicker(items, prefix) {
  const item = select({ name: 'item', label: t('stock.item'), testid: `${prefix}-item`,
    options: items.filter((i) => i.active).map((i) => [i.id, `${i.name} (${i.unit})`]) });
  const variant = select({ name: 'variant', label: t('stock.size'), testid: `${prefix}-variant`, options: [] });
  const sync = () => {
    const it = items.find((i) => i.id === item.input.value);
    replace(variant.input, ...(it && it.variants.length ? it.variants : ['']).map((v) => h('option', { value: v }, v || '–')));
    variant.hidden = !(it && it.variants.length);
    return it;
  };
  item.input.addEventListener('change', sync);
  sync();
  return { item, variant, current: () => items.find((i) => i.id === item.input.value), sync };
}

/** A location picker over `locations` (in use, in the order given: the chosen site's first),
 * set to `value` when it is one of them, else the first. */
function locationSelect(locations, name, text, testid, value = null) {
  const active = locations.filter((l) => l.active);
  const chosen = active.some((l) => l.id === value) ? value : active[0]?.id;
  return select({ name, label: text, testid, value: chosen,
    options: active.map((l) => [l.id, `${l.name} (${l.site_code})`]) });
}

function forms(o, rerender) {
  if (!o.locations.length) return null;
  return h('div', { class: 'stock-forms' },
    transferForm(o, rerender), adjustForm(o, rerender), takeSection(o));
}

/** The catalogue, locations and thresholds (coordinators and leads). */
function setupForms(o, sites, rerender) {
  const loc = (() => {
    const summary = errorSummary();
    const site = select({ name: 'site', label: t('people.site'), options: sites.map((x) => [x.code, x.name]) });
    const name = field({ name: 'name', label: t('stock.location_name'), testid: 'location-name' });
    const form = h('form', { novalidate: true }, summary, site, name,
      h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'location-save' }, t('stock.location_add')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await api.saveLocation({ site: site.input.value, name: name.input.value }); flash(t('stock.saved')); rerender(); } catch (err) { showApiError(summary, form, err); }
    });
    return h('section', {}, h('h2', {}, t('stock.location_add')), form);
  })();
  const threshold = (() => {
    const summary = errorSummary();
    const site = select({ name: 'site', label: t('people.site'), options: sites.map((x) => [x.code, x.name]) });
    const item = select({ name: 'item', label: t('stock.item'), options: o.items.map((i) => [i.id, i.name]) });
    const n = field({ name: 'threshold', label: t('stock.threshold'), hint: t('stock.threshold_hint'), type: 'number', width: 'short', inputmode: 'numeric' });
    const form = h('form', { novalidate: true }, summary, site, item, n,
      h('button', { type: 'submit', class: 'button button-secondary' }, t('stock.threshold_save')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      try { await api.setThreshold({ site: site.input.value, item: item.input.value, threshold: Number(n.input.value || 0) }); flash(t('stock.saved')); rerender(); } catch (err) { showApiError(summary, form, err); }
    });
    return h('section', {}, h('h2', {}, t('stock.threshold_title')), form);
  })();
  const item = itemForm(o, sites, rerender);
  const details = h('details', { class: 'stock-setup', 'data-testid': 'stock-setup' }, h('summary', {}, t('stock.setup')),
    catalogueTable(o, (it) => { details.open = true; item.fill(it); }),
    h('div', { class: 'stock-forms' }, loc, threshold, item));
  return details;
}

const CATEGORIES = ['baby', 'food', 'hygiene', 'clothing', 'phone', 'other'];

/** The catalogue with a "Change" action per item (coordinators and leads). */
function catalogueTable(o, edit) {
  const limits = (it) => o.thresholds.filter((x) => x.item_id === it.id).map((x) => `${x.site} ${num(x.threshold)}`).join(', ');
  return h('section', { 'aria-labelledby': 'catalogue-title' },
    h('h2', { id: 'catalogue-title' }, t('stock.catalogue')),
    h('p', { class: 'count' }, t('stock.catalogue_count', { n: num(o.items.length) })),
    h('table', { class: 'table', 'data-testid': 'catalogue' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('stock.item_name')), h('th', { scope: 'col' }, t('stock.category')),
        h('th', { scope: 'col' }, t('stock.unit')), h('th', { scope: 'col' }, t('stock.sizes')),
        h('th', { scope: 'col' }, t('stock.expiry_col')), h('th', { scope: 'col' }, t('stock.threshold_col')),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('table.actions'))))),
      h('tbody', {}, o.items.map((it) => {
        const change = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': 'item-edit',
          'aria-label': t('stock.item_edit_named', { name: it.name }) }, t('stock.item_edit'));
        change.addEventListener('click', () => edit(it));
        return h('tr', { 'data-testid': 'catalogue-row', 'data-item': it.name, class: it.active ? '' : 'row-muted' },
          h('td', {}, it.active ? it.name : `${it.name} (${t('stock.item_inactive')})`),
          h('td', {}, t(`stock.category.${it.category}`)), h('td', {}, it.unit),
          h('td', {}, it.variants.join(', ')), h('td', {}, it.tracks_expiry ? t('stock.yes') : ''),
          h('td', {}, limits(it)), h('td', {}, change));
      }))));
}

/** Add an item, or change one (`fill(item)`): its details, then its threshold at each site. */
function itemForm(o, sites, rerender) {
  const summary = errorSummary();
  let editing = null;
  const heading = h('h2', {}, t('stock.item_add'));
  const name = field({ name: 'name', label: t('stock.item_name'), testid: 'item-name' });
  const category = select({ name: 'category', label: t('stock.category'), testid: 'item-category',
    options: CATEGORIES.map((c) => [c, t(`stock.category.${c}`)]) });
  const unit = field({ name: 'unit', label: t('stock.unit'), hint: t('stock.unit_hint'), required: false, width: 'short', testid: 'item-unit' });
  const expiry = checkbox({ name: 'tracks_expiry', label: t('stock.tracks_expiry'), testid: 'item-expiry' });
  const sizes = field({ name: 'variants', label: t('stock.sizes'), hint: t('stock.sizes_hint'), required: false, testid: 'item-sizes' });
  const by = select({ name: 'variant_by', label: t('stock.size_by'), testid: 'item-size-by',
    options: [['', t('stock.size_by.none')], ['nappy_size', t('stock.size_by.nappy_size')], ['age_years', t('stock.size_by.age_years')]] });
  const active = checkbox({ name: 'active', label: t('stock.item_active'), checked: true, testid: 'item-active' });
  // One threshold per site, shown when changing an item.
  const limits = sites.map((x) => {
    const f = field({ name: `threshold-${x.code}`, label: t('stock.threshold_at', { site: x.name }), hint: t('stock.threshold_hint'),
      required: false, type: 'number', width: 'short', inputmode: 'numeric', testid: `item-threshold-${x.code}` });
    f.site = x.code;
    return f;
  });
  const limitsBox = h('fieldset', { class: 'fieldset', hidden: true },
    h('legend', { class: 'label' }, t('stock.threshold_title')), limits);
  const save = h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'item-save' }, t('stock.item_add'));
  const cancel = h('button', { type: 'button', class: 'button button-secondary', hidden: true }, t('form.cancel'));
  const form = h('form', { novalidate: true, 'data-testid': 'item-form' }, heading, summary, name, category, unit, expiry, sizes, by, active,
    limitsBox, h('div', { class: 'button-group' }, save, cancel));
  const current = (it) => (x) => o.thresholds.find((r) => r.item_id === it.id && r.site === x.site);
  const fill = (it) => {
    editing = it;
    summary.clear(form);
    heading.textContent = t('stock.item_edit_title', { name: it.name });
    save.textContent = t('stock.item_save');
    name.input.value = it.name; category.input.value = it.category; unit.input.value = it.unit;
    expiry.input.checked = it.tracks_expiry; sizes.input.value = it.variants.join(', ');
    by.input.value = it.variant_by || ''; active.input.checked = it.active;
    for (const f of limits) { const r = current(it)(f); f.input.value = r ? String(r.threshold) : ''; }
    limitsBox.hidden = false;
    cancel.hidden = false;
    form.scrollIntoView();
    name.input.focus();
  };
  cancel.addEventListener('click', () => rerender());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const saved = await api.saveItem({ id: editing ? editing.id : null, name: name.input.value, category: category.input.value,
        unit: valueOrNull(unit.input), tracks_expiry: expiry.input.checked,
        variants: sizes.input.value.split(',').map((x) => x.trim()).filter(Boolean),
        variant_by: by.input.value || null, active: active.input.checked });
      if (editing) {
        for (const f of limits) {
          const typed = f.input.value.trim();
          const was = current(editing)(f);
          if (typed === '' || (was && String(was.threshold) === typed)) continue;
          try {
            await api.setThreshold({ site: f.site, item: saved.id, threshold: Number(typed) });
          } catch (err) {
            throw Object.assign(err, { field: err.field === 'threshold' ? `threshold-${f.site}` : err.field });
          }
        }
      }
      flash(t('stock.saved'));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  const wrapper = h('section', { 'data-testid': 'item-section' }, form);
  wrapper.fill = fill;
  return wrapper;
}

function receiveForm(o, funds, rerender) {
  const summary = errorSummary();
  const loc = locationSelect(o.locations, 'location', t('stock.location'), 'receive-location', lastReceipt.location);
  const pick = itemPicker(o.items, 'receive');
  if (lastReceipt.item && o.items.some((i) => i.active && i.id === lastReceipt.item)) {
    pick.item.input.value = lastReceipt.item;
    pick.sync();
  }
  const quantity = field({ name: 'quantity', label: t('stock.quantity'), type: 'number', inputmode: 'numeric', width: 'short', testid: 'receive-quantity' });
  const source = select({ name: 'source', label: t('stock.source'), testid: 'receive-source',
    options: [['donation', t('stock.donation')], ['purchase', t('stock.purchase')]] });
  const party = field({ name: 'party', label: t('stock.party'), required: false, testid: 'receive-party' });
  const cost = field({ name: 'unit_cost', label: t('stock.unit_cost'), hint: t('stock.unit_cost_hint'), required: false, inputmode: 'decimal', width: 'short', testid: 'receive-cost' });
  const expires = dateInput({ name: 'expires_on', label: t('stock.expires_on'), testid: 'receive-expiry' });
  const batch = field({ name: 'batch', label: t('stock.batch'), hint: t('stock.batch_hint'), required: false, testid: 'receive-batch' });
  const fund = select({ name: 'fund', label: t('stock.fund'), hint: t('stock.fund_hint'), testid: 'receive-fund',
    options: [['', t('stock.fund_general')], ...funds.filter((f) => f.id !== 'general').map((f) => [f.id, f.name])] });
  const category = select({ name: 'category', label: t('money.category'), testid: 'receive-category',
    options: [['', t('stock.category_of_item')], ...['baby', 'food', 'hygiene', 'clothing', 'phone', 'other'].map((c) => [c, t(`money.category.${c}`)])] });
  const sync = () => {
    const it = pick.current();
    expires.hidden = !(it && it.tracks_expiry);
    batch.hidden = expires.hidden;
    cost.hidden = source.input.value !== 'purchase';
    fund.hidden = cost.hidden || !funds.length;
    category.hidden = fund.hidden;
  };
  pick.item.input.addEventListener('change', sync);
  source.input.addEventListener('change', sync);
  sync();
  const form = h('form', { novalidate: true, 'data-testid': 'receive-form' },
    summary, loc, pick.item, pick.variant, quantity, source, party, cost, fund, category, expires, batch,
    h('button', { type: 'submit', class: 'button', 'data-testid': 'receive-save' }, t('stock.receive')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const it = pick.current();
    const pence = valueOrNull(cost.input);
    const expiry = it && it.tracks_expiry ? expires.read() : { value: null, problem: null };
    try {
      const receipt = {
        location: loc.input.value,
        item: pick.item.input.value,
        variant: it && it.variants.length ? pick.variant.input.value : null,
        quantity: Number(quantity.input.value || 0),
        source: source.input.value,
        party: party.input.value,
        unit_cost: pence === null ? null : Math.round(Number(pence.replace(',', '.')) * 100),
        expires_on: expiry.value,
        batch: it && it.tracks_expiry ? valueOrNull(batch.input) : null,
        fund: source.input.value === 'purchase' ? valueOrNull(fund.input) : null,
        category: source.input.value === 'purchase' ? valueOrNull(category.input) : null,
      };
      const own = expiry.problem ? [expiry.problem] : [];
      if (await showWithCoreProblems(summary, form, own, () => api.receiveStock({ ...receipt, check_only: true }))) return;
      const out = await api.receiveStock(receipt);
      lastReceipt.location = loc.input.value;
      lastReceipt.item = pick.item.input.value;
      const warnings = (out.warnings || []).map(warningText);
      flash([t('stock.received', { n: num(Number(quantity.input.value)), item: it ? it.name : '' }), ...warnings].join(' '),
        warnings.length ? 'warning' : 'success');
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'receive-title', 'data-testid': 'receive-section' }, h('h2', { id: 'receive-title' }, t('stock.receive_title')), form);
}

function transferForm(o, rerender) {
  if (o.locations.length < 2) return null;
  const summary = errorSummary();
  const from = locationSelect(o.locations, 'from', t('stock.from'), 'transfer-from');
  const to = locationSelect(o.locations, 'to', t('stock.to'), 'transfer-to');
  const pick = itemPicker(o.items, 'transfer');
  const quantity = field({ name: 'quantity', label: t('stock.quantity'), type: 'number', inputmode: 'numeric', width: 'short', testid: 'transfer-quantity' });
  const form = h('form', { novalidate: true }, summary, from, to, pick.item, pick.variant, quantity,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'transfer-save' }, t('stock.transfer')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const it = pick.current();
    try {
      await api.transferStock({ from: from.input.value, to: to.input.value, item: pick.item.input.value,
        variant: it && it.variants.length ? pick.variant.input.value : null, quantity: Number(quantity.input.value || 0) });
      const [a, b] = [from.input.value, to.input.value].map((id) => o.locations.find((l) => l.id === id));
      flash(a && b && a.site_code !== b.site_code ? t('stock.sent_in_transit', { site: b.site_code }) : t('stock.moved'));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'transfer-title' }, h('h2', { id: 'transfer-title' }, t('stock.transfer_title')), form);
}

function adjustForm(o, rerender) {
  const summary = errorSummary();
  const loc = locationSelect(o.locations, 'location', t('stock.location'), 'adjust-location');
  const pick = itemPicker(o.items, 'adjust');
  const quantity = field({ name: 'quantity', label: t('stock.quantity'), type: 'number', inputmode: 'numeric', width: 'short' });
  const reason = select({ name: 'reason', label: t('stock.reason'), options:
    ['damaged', 'expired', 'lost', 'found'].map((r) => [r, t(`stock.reason.${r}`)]) });
  const note = field({ name: 'note', label: t('stock.note'), required: false });
  const form = h('form', { novalidate: true }, summary, loc, pick.item, pick.variant, quantity, reason, note,
    h('button', { type: 'submit', class: 'button button-secondary' }, t('stock.adjust')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const it = pick.current();
    try {
      await api.adjustStock({ location: loc.input.value, item: pick.item.input.value,
        variant: it && it.variants.length ? pick.variant.input.value : null,
        quantity: Number(quantity.input.value || 0), reason: reason.input.value, note: note.input.value });
      flash(t('stock.adjusted'));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'adjust-title' }, h('h2', { id: 'adjust-title' }, t('stock.adjust_title')), form);
}

function takeSection(o) {
  const summary = errorSummary();
  const loc = locationSelect(o.locations, 'location', t('stock.location'), 'take-location');
  const form = h('form', { novalidate: true }, summary, loc,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'take-start' }, t('stock.take_start')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const take = await api.startStockTake(loc.input.value);
      location.hash = `#/stock/take/${take.id}`;
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'take-title' }, h('h2', { id: 'take-title' }, t('stock.take_title')),
    h('p', { class: 'hint' }, t('stock.take_hint')),
    o.open_takes.length ? h('ul', {}, o.open_takes.map(([id, , name]) =>
      h('li', {}, h('a', { href: `#/stock/take/${id}` }, t('stock.take_open', { location: name }))))) : null,
    form);
}

async function showTake(main, id) {
  const take = await api.getStockTake(id);
  const summary = errorSummary();
  const open = take.status === 'open';
  const inputs = new Map();
  const rows = take.lines.map((l) => {
    const input = h('input', { type: 'number', min: '0', class: 'input input-short', inputmode: 'numeric',
      value: l.counted ?? '', disabled: !open, 'aria-label': t('stock.counted_of', { item: label(l.item, l.variant) }),
      'data-testid': 'take-count' });
    inputs.set(l.id, input);
    return h('tr', { 'data-testid': 'take-line' },
      h('td', {}, label(l.item, l.variant)), h('td', {}, l.batch), h('td', {}, l.expires_on ? date(l.expires_on) : ''),
      h('td', { class: 'num' }, num(l.expected)), h('td', {}, input),
      h('td', { class: 'num' }, l.difference === null || l.difference === undefined ? '' : (l.difference > 0 ? `+${l.difference}` : String(l.difference))));
  });
  const counts = () => [...inputs].map(([line, input]) => ({ line, counted: input.value === '' ? null : Number(input.value) }));
  const save = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'take-save' }, t('stock.take_save'));
  const finalise = h('button', { type: 'button', class: 'button', 'data-testid': 'take-finalise' }, t('stock.take_finalise'));
  const cancel = h('button', { type: 'button', class: 'button button-warning' }, t('stock.take_cancel'));
  const form = h('form', { novalidate: true }, summary,
    h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('stock.item')), h('th', { scope: 'col' }, t('stock.batch')),
        h('th', { scope: 'col' }, t('stock.expires_on')), h('th', { scope: 'col', class: 'num' }, t('stock.expected')),
        h('th', { scope: 'col' }, t('stock.counted')), h('th', { scope: 'col', class: 'num' }, t('stock.difference')))),
      h('tbody', {}, rows)),
    open ? h('div', { class: 'button-group' }, save, finalise, cancel) : null);
  save.addEventListener('click', async () => {
    try { await api.enterCounts(id, counts()); showTake(main, id); } catch (err) { showApiError(summary, form, err); }
  });
  finalise.addEventListener('click', async () => {
    try {
      await api.enterCounts(id, counts());
      await api.finaliseStockTake(id);
      flash(t('stock.take_done'));
      location.hash = '#/stock';
    } catch (err) { showApiError(summary, form, err); }
  });
  cancel.addEventListener('click', async () => {
    try { await api.cancelStockTake(id); location.hash = '#/stock'; } catch (err) { showApiError(summary, form, err); }
  });
  replace(main, h('h1', {}, t('stock.take_heading', { location: take.location })),
    h('p', {}, t('stock.take_status', { date: date(take.started_on), status: t(`stock.take.${take.status}`) })),
    open ? h('p', { class: 'hint' }, t('stock.take_review')) : notice(t(`stock.take.${take.status}`)),
    form, h('p', {}, h('a', { href: '#/stock' }, t('stock.back'))));
}
