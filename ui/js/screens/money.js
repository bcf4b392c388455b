// The Money screen (leads and coordinators): funds and their balances, a chart of money in and
// out by month, recording donations, grants and payments, donors, transfers between funds
// (leads), expense claims (submit; leads approve someone else's and pay), and the reports
// (leads: CC16 by fund, "Where your money went", Gift Aid, travel) as CSV, Excel or PDF.
// Amounts are typed in pounds or euros and sent in pence or cents; the core checks every rule.

import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { checkbox, dateInput, errorSummary, field, flash, notice, readDate, readDates, select, showApiError, showProblems, takeFlash, valueOrNull } from '../form.js';
import { date, language, num, t } from '../i18n.js';
import { can } from '../access.js';

const CATEGORIES = ['baby', 'food', 'hygiene', 'clothing', 'phone', 'travel', 'premises', 'equipment', 'other'];
const REPORTS = ['cc16', 'where_money_went', 'gift_aid', 'travel'];
const NS = 'http://www.w3.org/2000/svg';
/** A report cell that is a calendar date (`2026-03-08`), shown in the UI language instead. */
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Pence as pounds (or cents as euros), written the current language's way. */
export const money = (pence, currency = 'GBP') =>
  new Intl.NumberFormat(language() === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency }).format(pence / 100);

/** An amount typed in pounds or euros ("12.50", "12,50") in pence or cents; 0 when it is not a
 * number, which the core refuses beside the field. */
export const toPence = (text) => {
  const n = Number(String(text).trim().replace(',', '.'));
  return Number.isFinite(n) ? Math.round(n * 100) : 0;
};

const categoryOptions = () => CATEGORIES.map((c) => [c, t(`money.category.${c}`)]);
const fundOptions = (funds) => funds.filter((f) => f.active).map((f) => [f.id, f.restricted ? `${f.name} (${t('money.restricted')})` : f.name]);

/** The amount, currency and rate fields of a form, with the rate shown for euros only. */
function amountFields(prefix) {
  const amount = field({ name: 'amount', label: t('money.amount'), hint: t('money.amount_hint'), inputmode: 'decimal', width: 'short', testid: `${prefix}-amount` });
  const currency = select({ name: 'currency', label: t('money.currency'), testid: `${prefix}-currency`, options: [['GBP', '£ GBP'], ['EUR', '€ EUR']] });
  const rate = field({ name: 'rate', label: t('money.rate'), hint: t('money.rate_hint'), required: false, inputmode: 'decimal', width: 'short', testid: `${prefix}-rate` });
  const sync = () => { rate.hidden = currency.input.value !== 'EUR'; };
  currency.input.addEventListener('change', sync);
  sync();
  return { amount, currency, rate, rateValue: () => (currency.input.value === 'EUR' ? valueOrNull(rate.input) : null) };
}

export async function showMoney(main, ctx) {
  const { session } = ctx;
  if (!can(session, 'money_overview')) {
    replace(main, h('h1', {}, t('nav.money')), h('p', {}, t('money.leads_only')));
    return;
  }
  const [o, sites] = await Promise.all([api.moneyOverview(), api.listSites()]);
  const rerender = () => showMoney(main, ctx);
  const flashed = takeFlash();
  replace(main,
    h('h1', {}, t('nav.money')),
    flashed,
    fundsTable(o.funds),
    monthChart(o.months),
    h('div', { class: 'money-columns' },
      can(session, 'record_income') ? incomeForm(o, sites, rerender) : null,
      can(session, 'record_payment') ? paymentForm(o, sites, rerender) : null),
    claimsSection(o, session, rerender),
    can(session, 'save_donor') ? donorForm(rerender) : null,
    can(session, 'transfer_funds') ? transferForm(o, rerender) : null,
    can(session, 'save_fund') ? fundForm(rerender) : null,
    can(session, 'money_report') ? reportsSection() : null,
    recentLists(o));
  if (flashed) flashed.scrollIntoView({ block: 'nearest' });
}

function fundsTable(funds) {
  return h('section', { 'aria-labelledby': 'funds-title' },
    h('h2', { id: 'funds-title' }, t('money.funds')),
    h('table', { class: 'table', 'data-testid': 'money-funds' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('money.fund')), h('th', { scope: 'col' }, t('money.purpose')),
        h('th', { scope: 'col', class: 'num' }, t('money.in')), h('th', { scope: 'col', class: 'num' }, t('money.out')),
        h('th', { scope: 'col', class: 'num' }, t('money.balance')))),
      h('tbody', {}, funds.map((f) => h('tr', { 'data-testid': 'money-fund', 'data-fund': f.name },
        h('th', { scope: 'row' }, f.name, f.restricted ? h('span', { class: 'tag' }, t('money.restricted')) : null),
        h('td', {}, f.purpose, f.restricted ? h('span', { class: 'hint' }, ` (${f.categories.map((c) => t(`money.category.${c}`)).join(', ')})`) : null),
        h('td', { class: 'num' }, money(f.money_in)), h('td', { class: 'num' }, money(f.money_out)),
        h('td', { class: 'num', 'data-testid': 'money-fund-balance' }, money(f.balance)))))));
}

function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** Money in and out per month as paired bars (SVG), with the same numbers as a table. */
function monthChart(months) {
  if (!months.length || months.every((m) => !m.money_in && !m.money_out)) return null;
  const W = 720; const H = 220; const L = 64; const R = 16; const T = 16; const B = 36;
  const max = Math.max(1, ...months.map((m) => Math.max(m.money_in, m.money_out)));
  const step = (W - L - R) / months.length;
  const y = (v) => T + (H - T - B) * (1 - v / max);
  const label = (m) => new Date(`${m.month}-01T00:00:00`).toLocaleDateString(language() === 'fr' ? 'fr-FR' : 'en-GB', { month: 'short' });
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'money-chart-title', class: 'chart', 'data-testid': 'money-chart' },
    s('title', { id: 'money-chart-title' }, t('money.chart_title')));
  svg.append(s('line', { x1: L, y1: H - B, x2: W - R, y2: H - B, class: 'chart-axis' }));
  months.forEach((m, i) => {
    const x = L + i * step;
    for (const [v, k, off] of [[m.money_in, 'in', 0.15], [m.money_out, 'out', 0.5]]) {
      svg.append(s('rect', { x: x + step * off, y: y(v), width: step * 0.35, height: H - B - y(v), class: `chart-bar chart-bar-${k}`, 'data-testid': `money-bar-${k}` },
        s('title', {}, `${label(m)} ${m.month.slice(0, 4)}: ${t(`money.${k}`)} ${money(v)}`)));
    }
    svg.append(s('text', { x: x + step / 2, y: H - B + 16, 'text-anchor': 'middle', class: 'chart-label' }, label(m)));
  });
  svg.append(s('text', { x: L - 6, y: T + 10, 'text-anchor': 'end', class: 'chart-label' }, money(max)));
  return h('section', { 'aria-labelledby': 'money-chart-heading' },
    h('h2', { id: 'money-chart-heading' }, t('money.chart_title')),
    h('p', { class: 'hint' }, h('span', { class: 'key key-bar' }), ` ${t('money.in')} `, h('span', { class: 'key key-out' }), ` ${t('money.out')}`),
    svg,
    h('details', {}, h('summary', {}, t('chart.as_table')),
      h('table', { class: 'table' }, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('money.month')),
        h('th', { scope: 'col', class: 'num' }, t('money.in')), h('th', { scope: 'col', class: 'num' }, t('money.out')))),
      h('tbody', {}, months.map((m) => h('tr', {}, h('th', { scope: 'row' }, `${label(m)} ${m.month.slice(0, 4)}`),
        h('td', { class: 'num' }, money(m.money_in)), h('td', { class: 'num' }, money(m.money_out))))))));
}

function incomeForm(o, sites, rerender) {
  const summary = errorSummary();
  const kind = select({ name: 'kind', label: t('money.kind'), testid: 'income-kind',
    options: [['donation', t('money.kind.donation')], ['grant', t('money.kind.grant')], ['other', t('money.kind.other')]] });
  const fund = select({ name: 'fund', label: t('money.fund'), testid: 'income-fund', options: fundOptions(o.funds) });
  const donor = select({ name: 'donor', label: t('money.donor'), testid: 'income-donor',
    options: [['', t('money.anonymous')], ...o.donors.map((d) => [d.id, d.postcode ? `${d.name} (${d.postcode})` : d.name])] });
  const source = field({ name: 'source', label: t('money.source'), hint: t('money.source_hint'), required: false, testid: 'income-source' });
  const a = amountFields('income');
  const method = select({ name: 'method', label: t('money.method'), testid: 'income-method',
    options: ['bank', 'online', 'cash', 'cheque'].map((m) => [m, t(`money.method.${m}`)]) });
  const giftAid = checkbox({ name: 'gift_aid', label: t('money.gift_aid'), hint: t('money.gift_aid_hint'), testid: 'income-gift-aid' });
  const declared = dateInput({ name: 'declared_on', label: t('money.declared_on'), testid: 'income-declared' });
  const on = dateInput({ name: 'received_on', label: t('money.received_on'), hint: t('money.date_today_hint'), testid: 'income-date' });
  const site = select({ name: 'site', label: t('people.site'), options: [['', t('people.any')], ...sites.map((x) => [x.code, x.name])] });
  const sync = () => {
    const gift = kind.input.value === 'donation';
    donor.hidden = !gift; giftAid.hidden = !gift; declared.hidden = !gift || !giftAid.input.checked;
  };
  kind.input.addEventListener('change', sync);
  giftAid.input.addEventListener('change', sync);
  sync();
  const form = h('form', { novalidate: true, 'data-testid': 'income-form' }, summary, kind, fund, donor, source, a.amount, a.currency, a.rate,
    method, giftAid, declared, on, site, h('button', { type: 'submit', class: 'button', 'data-testid': 'income-save' }, t('money.record_income')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const isGift = kind.input.value === 'donation';
    const declares = isGift && giftAid.input.checked;
    const { values: dates, problems } = readDates(declares ? { received: on, declared } : { received: on });
    if (problems.length) { summary.show(problems, form); return; }
    try {
      await api.recordIncome({
        kind: kind.input.value,
        fund: fund.input.value,
        donor: isGift ? valueOrNull(donor.input) : null,
        source: source.input.value,
        amount: toPence(a.amount.input.value),
        currency: a.currency.input.value,
        rate: a.rateValue(),
        method: method.input.value,
        gift_aid: isGift && giftAid.input.checked,
        declared_on: dates.declared ?? null,
        received_on: dates.received,
        site: valueOrNull(site.input),
      });
      flash(t('money.income_recorded', { amount: `${a.amount.input.value} ${a.currency.input.value}` }));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'income-title' }, h('h2', { id: 'income-title' }, t('money.income_title')), form);
}

function paymentForm(o, sites, rerender) {
  const summary = errorSummary();
  const payee = field({ name: 'payee', label: t('money.payee'), testid: 'payment-payee' });
  const a = amountFields('payment');
  const fund = select({ name: 'fund', label: t('money.fund'), testid: 'payment-fund', options: fundOptions(o.funds) });
  const category = select({ name: 'category', label: t('money.category'), testid: 'payment-category', options: categoryOptions() });
  const site = select({ name: 'site', label: t('people.site'), options: [['', t('people.any')], ...sites.map((x) => [x.code, x.name])] });
  const ref = field({ name: 'receipt_ref', label: t('money.receipt_ref'), required: false, testid: 'payment-ref' });
  const file = field({ name: 'receipt_path', label: t('money.receipt_file'), hint: t('money.receipt_file_hint'), required: false, testid: 'payment-file' });
  const approved = field({ name: 'approved_by', label: t('money.approved_by'), required: false });
  const on = dateInput({ name: 'paid_on', label: t('money.paid_on'), hint: t('money.date_today_hint'), testid: 'payment-date' });
  const form = h('form', { novalidate: true, 'data-testid': 'payment-form' }, summary, payee, a.amount, a.currency, a.rate, fund, category, site,
    ref, file, approved, on, h('button', { type: 'submit', class: 'button', 'data-testid': 'payment-save' }, t('money.record_payment')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const paid = on.read();
    if (paid.problem) { summary.show([paid.problem], form); return; }
    try {
      await api.recordPayment({
        payee: payee.input.value,
        amount: toPence(a.amount.input.value),
        currency: a.currency.input.value,
        rate: a.rateValue(),
        fund: fund.input.value,
        category: category.input.value,
        site: valueOrNull(site.input),
        receipt_ref: ref.input.value,
        receipt_path: valueOrNull(file.input),
        approved_by: approved.input.value,
        paid_on: paid.value,
      });
      flash(t('money.payment_recorded', { payee: payee.input.value }));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'payment-title' }, h('h2', { id: 'payment-title' }, t('money.payment_title')), form);
}

function claimsSection(o, session, rerender) {
  const message = h('div', { tabindex: '-1', 'data-testid': 'claim-message' });
  const say = (err) => { replace(message, h('p', { class: 'field-error', role: 'alert' }, err.message)); message.focus(); };
  const lead = can(session, 'approve_claim');
  const payFrom = lead ? h('select', { class: 'input input-small', 'aria-label': t('money.pay_from'), 'data-testid': 'claim-pay-fund' },
    fundOptions(o.funds).map(([v, text]) => h('option', { value: v }, text))) : null;
  const rows = o.claims.map((c) => {
    const actions = [];
    if (lead && c.status === 'submitted' && c.claimant_id !== session.user_id) {
      actions.push(h('button', { type: 'button', class: 'button button-small', 'data-testid': 'claim-approve',
        onclick: async () => { try { await api.approveClaim(c.id); flash(t('money.claim_approved')); rerender(); } catch (err) { say(err); } } }, t('money.approve')));
    }
    if (lead && c.status === 'approved') {
      actions.push(h('button', { type: 'button', class: 'button button-small', 'data-testid': 'claim-pay',
        onclick: async () => { try { await api.payClaim(c.id, payFrom.value); flash(t('money.claim_paid')); rerender(); } catch (err) { say(err); } } }, t('money.pay')));
    }
    return h('tr', { 'data-testid': 'claim-row', 'data-status': c.status },
      h('td', {}, date(c.claimed_on)), h('td', {}, c.claimant), h('td', {}, `${c.from} → ${c.to}`), h('td', {}, c.purpose),
      h('td', { class: 'num' }, num(c.miles)), h('td', { class: 'num' }, money(c.total_pence)),
      h('td', { 'data-testid': 'claim-status' }, t(`money.status.${c.status}`), c.approved_by ? h('span', { class: 'hint' }, ` (${c.approved_by})`) : null),
      h('td', {}, actions));
  });
  return h('section', { 'aria-labelledby': 'claims-title' },
    h('h2', { id: 'claims-title' }, t('money.claims')),
    h('p', { class: 'hint' }, t('money.mileage_rule')),
    message,
    lead && o.claims.some((c) => c.status === 'approved') ? h('div', { class: 'form-group' }, h('label', { class: 'label' }, t('money.pay_from')), payFrom) : null,
    rows.length ? h('table', { class: 'table', 'data-testid': 'money-claims' },
      h('thead', {}, h('tr', {}, ['money.date', 'money.claimant', 'money.journey', 'money.purpose', 'money.miles', 'money.total', 'money.status', 'money.actions']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, rows)) : h('p', { class: 'empty' }, t('money.no_claims')),
    can(session, 'submit_claim') ? claimForm(rerender) : null);
}

function claimForm(rerender) {
  const summary = errorSummary();
  const on = dateInput({ name: 'claimed_on', label: t('money.claimed_on'), hint: t('money.date_today_hint'), testid: 'claim-date' });
  const from = field({ name: 'from', label: t('money.from'), testid: 'claim-from' });
  const to = field({ name: 'to', label: t('money.to'), testid: 'claim-to' });
  const purpose = field({ name: 'purpose', label: t('money.purpose'), testid: 'claim-purpose' });
  const miles = field({ name: 'miles', label: t('money.miles'), hint: t('money.miles_hint'), type: 'number', inputmode: 'numeric', width: 'short', required: false, testid: 'claim-miles' });
  const kind = select({ name: 'items[0].kind', label: t('money.cost_kind'), testid: 'claim-cost-kind',
    options: [['', t('money.no_cost')], ...['ferry', 'tunnel', 'train', 'fuel', 'other'].map((k) => [k, t(`money.cost.${k}`)])] });
  const a = amountFields('claim-cost');
  const ref = field({ name: 'items[0].receipt_ref', label: t('money.receipt_ref'), required: false, testid: 'claim-cost-ref' });
  const form = h('form', { novalidate: true, 'data-testid': 'claim-form' }, summary, on, from, to, purpose, miles, kind, a.amount, a.currency, a.rate, ref,
    h('button', { type: 'submit', class: 'button', 'data-testid': 'claim-submit' }, t('money.submit_claim')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const journey = on.read();
    if (journey.problem) { summary.show([journey.problem], form); return; }
    try {
      const claim = await api.submitClaim({
        claimed_on: journey.value,
        from: from.input.value,
        to: to.input.value,
        purpose: purpose.input.value,
        miles: Number(miles.input.value || 0),
        items: kind.input.value ? [{ kind: kind.input.value, amount: toPence(a.amount.input.value), currency: a.currency.input.value,
          rate: a.rateValue(), receipt_ref: ref.input.value }] : [],
      });
      flash(t('money.claim_submitted', { total: money(claim.total_pence) }));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('details', { 'data-testid': 'claim-form-details' }, h('summary', {}, t('money.submit_claim_title')), form);
}

function donorForm(rerender) {
  const summary = errorSummary();
  const name = field({ name: 'name', label: t('money.donor_name'), testid: 'donor-name' });
  const house = field({ name: 'house', label: t('money.house'), required: false, testid: 'donor-house' });
  const postcode = field({ name: 'postcode', label: t('money.postcode'), required: false, width: 'short', testid: 'donor-postcode' });
  const thank = checkbox({ name: 'thank', label: t('money.thank') });
  const form = h('form', { novalidate: true, 'data-testid': 'donor-form' }, summary, name, house, postcode, thank,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'donor-save' }, t('money.add_donor')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.saveDonor({ name: name.input.value, house: house.input.value, postcode: postcode.input.value, thank: thank.input.checked });
      flash(t('money.donor_added', { name: name.input.value }));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('details', {}, h('summary', {}, t('money.donor_title')), h('p', { class: 'hint' }, t('money.donor_hint')), form);
}

function transferForm(o, rerender) {
  const summary = errorSummary();
  const from = select({ name: 'from', label: t('money.transfer_from'), options: fundOptions(o.funds) });
  const to = select({ name: 'to', label: t('money.transfer_to'), options: fundOptions(o.funds) });
  const amount = field({ name: 'amount', label: t('money.amount_gbp'), inputmode: 'decimal', width: 'short' });
  const reason = field({ name: 'reason', label: t('money.reason') });
  const form = h('form', { novalidate: true, 'data-testid': 'transfer-form' }, summary, from, to, amount, reason,
    h('button', { type: 'submit', class: 'button button-secondary' }, t('money.transfer')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.transferFunds({ from: from.input.value, to: to.input.value, amount: toPence(amount.input.value), reason: reason.input.value });
      flash(t('money.transferred'));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('details', {}, h('summary', {}, t('money.transfer_title')), h('p', { class: 'hint' }, t('money.transfer_hint')), form);
}

function fundForm(rerender) {
  const summary = errorSummary();
  const name = field({ name: 'name', label: t('money.fund_name') });
  const restricted = checkbox({ name: 'restricted', label: t('money.restricted_fund'), hint: t('money.restricted_hint') });
  const purpose = field({ name: 'purpose', label: t('money.purpose'), required: false });
  const cats = CATEGORIES.map((c) => checkbox({ name: `category-${c}`, label: t(`money.category.${c}`) }));
  const box = h('fieldset', { class: 'fieldset', dataset: { field: 'categories' } }, h('legend', { class: 'label' }, t('money.allowed')), cats);
  const form = h('form', { novalidate: true }, summary, name, restricted, purpose, box,
    h('button', { type: 'submit', class: 'button button-secondary' }, t('money.add_fund')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.saveFund({ name: name.input.value, restricted: restricted.input.checked, purpose: purpose.input.value,
        categories: CATEGORIES.filter((c, i) => cats[i].input.checked) });
      flash(t('money.fund_added', { name: name.input.value }));
      rerender();
    } catch (err) { showApiError(summary, form, err); }
  });
  return h('details', {}, h('summary', {}, t('money.fund_title')), form);
}

function reportsSection() {
  const summary = errorSummary();
  const report = select({ name: 'report', label: t('money.report'), testid: 'money-report', options: REPORTS.map((r) => [r, t(`money.report.${r}`)]) });
  const from = dateInput({ name: 'from', label: t('reports.from'), testid: 'money-report-from' });
  const to = dateInput({ name: 'to', label: t('reports.to'), testid: 'money-report-to' });
  const path = field({ name: 'path', label: t('print.path'), hint: t('money.report_path_hint'), required: false, testid: 'money-report-path' });
  const out = h('div', { 'data-testid': 'money-report-table' });
  const status = h('div', { tabindex: '-1', 'data-testid': 'money-report-status' });
  const show = async () => {
    const r = await api.moneyReport(report.input.value, readDate(from), readDate(to));
    replace(out, h('h3', {}, t(`money.report.${r.report}`)), h('p', { class: 'hint' }, t('reports.range', { from: date(r.period.from), to: date(r.period.to) })),
      h('table', { class: 'table' }, h('thead', {}, h('tr', {}, r.headers.map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, r.rows.map((row) => h('tr', {}, row.map((c) => h('td', {}, ISO_DAY.test(c) ? date(c) : c)))))));
  };
  const exportAs = (format) => {
    const b = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': `money-export-${format}` }, t(`money.export_${format}`));
    b.addEventListener('click', async () => {
      summary.clear(form);
      replace(status);
      try {
        let chosen = valueOrNull(path.input);
        if (!chosen) {
          chosen = await api.chooseSavePath(saveDialog('money_report', `${report.input.value}.${format}`,
            { format, vars: { name: t(`money.report.${report.input.value}`) } }));
        }
        if (!chosen) return;
        const done = await api.exportMoneyReport(report.input.value, readDate(from), readDate(to), format, chosen);
        replace(status, notice(format === 'pdf' ? t('print.done', { path: done.path, pages: done.pages }) : t('reports.exported', { n: num(done.rows), path: done.path })));
        if (format === 'pdf') await api.openPath(done.path).catch(() => {});
        status.focus();
      } catch (err) { showProblems(summary, form, err); }
    });
    return b;
  };
  const form = h('form', { novalidate: true, class: 'form section', 'data-testid': 'money-reports' }, summary, report, from, to,
    h('div', { class: 'button-group' }, h('button', { type: 'submit', class: 'button', 'data-testid': 'money-report-show' }, t('reports.show'))),
    path, h('div', { class: 'button-group' }, exportAs('csv'), exportAs('xlsx'), exportAs('pdf')), status, out);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try { await show(); } catch (err) { showProblems(summary, form, err); }
  });
  return h('section', { 'aria-labelledby': 'money-reports-title' }, h('h2', { id: 'money-reports-title' }, t('money.reports')), form);
}

function recentLists(o) {
  const list = (title, testid, rows) => h('details', {}, h('summary', {}, title),
    rows.length ? h('table', { class: 'table', 'data-testid': testid }, h('tbody', {}, rows)) : h('p', { class: 'empty' }, t('reports.none')));
  const amount = (x) => (x.currency === 'GBP' ? money(x.gbp_pence) : `${money(x.amount, 'EUR')} (${money(x.gbp_pence)})`);
  return h('section', {},
    list(t('money.recent_in'), 'money-income', o.income.map((i) => h('tr', {}, h('td', {}, date(i.received_on)), h('td', {}, t(`money.kind.${i.kind}`)),
      h('td', {}, i.donor || i.source || t('money.anonymous')), h('td', {}, i.fund), h('td', { class: 'num' }, amount(i))))),
    list(t('money.recent_out'), 'money-payments', o.payments.map((p) => h('tr', {}, h('td', {}, date(p.paid_on)), h('td', {}, p.payee),
      h('td', {}, t(`money.category.${p.category}`)), h('td', {}, p.fund), h('td', { class: 'num' }, amount(p))))),
    list(t('money.recent_transfers'), 'money-transfers', o.transfers.map((x) => h('tr', {}, h('td', {}, date(x.moved_on)),
      h('td', {}, `${x.from} → ${x.to}`), h('td', {}, x.reason), h('td', { class: 'num' }, money(x.gbp_pence))))));
}
