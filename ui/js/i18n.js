// UI text from i18n/<lang>.json. The chosen language is remembered on this computer.

const LANGS = ['en', 'fr'];
const STORE_KEY = 'haven.lang';
let strings = {};
let fallback = {};
let current = 'en';

async function fetchStrings(lang) {
  const res = await fetch(`i18n/${lang}.json`);
  if (!res.ok) throw new Error(`missing i18n/${lang}.json`);
  return res.json();
}

/** Loads the language this window was using (or the one remembered on this computer, or
 * English). */
export async function init() {
  fallback = await fetchStrings('en');
  // The address names the language too: a lock reloads the page at once, and the webview may
  // not yet have handed the just-saved choice to the new page's storage.
  const inAddress = new URLSearchParams(location.search).get('lang');
  const saved = LANGS.includes(inAddress) ? inAddress : localStorage.getItem(STORE_KEY);
  await setLanguage(LANGS.includes(saved) ? saved : 'en');
}

/** Switches language, remembers it (on this computer and in the window's address), and
 * re-labels static text. */
export async function setLanguage(lang) {
  if (!LANGS.includes(lang)) return;
  strings = lang === 'en' ? fallback : await fetchStrings(lang);
  current = lang;
  localStorage.setItem(STORE_KEY, lang);
  const query = new URLSearchParams(location.search);
  query.set('lang', lang);
  history.replaceState(history.state, '', `${location.pathname}?${query}${location.hash}`);
  document.documentElement.lang = lang;
  translateStatic(document);
}

export const language = () => current;
export const languages = () => LANGS;

/** The locale dates and numbers are written in for the current language. */
const locale = () => (current === 'fr' ? 'fr-FR' : 'en-GB');

/** The text for `key`, with {name} placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = strings[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** The text for `key`, or `otherwise` when this UI has no text for it (a word the core
 * added after this window was written). */
export function tOr(key, otherwise, vars = {}) {
  return (key in strings || key in fallback) ? t(key, vars) : otherwise;
}

/** A moment (`2026-11-29T09:15:00.000Z`, UTC) as this computer's local date and time. */
export function dateTime(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return String(iso ?? '');
  // The 24-hour clock in both languages, whatever this computer's own setting.
  return new Intl.DateTimeFormat(locale(),
    { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(when);
}

/** A notice from the core ({kind, params, message}) in the current language: the text of
 * `notice.<kind>` filled from its params, or the core's English message for a kind this UI
 * has no text for. */
export function noticeText(notice) {
  const params = notice.params || {};
  // A notice about a failure (the retention rule, a restore) carries that error's code: the
  // error is worded too, not left in English inside a translated sentence.
  if (!params.error_code) return wordedFrom('notice', notice);
  const error = errorText({ code: params.error_code, params: params.error_params, message: params.error });
  return wordedFrom('notice', { ...notice, params: { ...params, error } });
}

/** An error or one problem of a form from the core ({code, params, message}) in the current
 * language: the text of `error.<code>` filled from its params, or the core's English message
 * for a code this UI has no text for. */
export function errorText(error) {
  const key = `error.${error.code}`;
  return error.code && (key in strings || key in fallback) ? t(key, datesWritten(error.params || {})) : error.message;
}

/** An error's params with every calendar date (`2026-11-27`, as the core sends dates) written
 * out in the current language (`27 nov. 2026`), so no date in a message is ISO text or English. */
function datesWritten(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) out[k] = typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? date(v) : v;
  return out;
}

/** A warning from the core ({kind, params, message}: work done, but worth knowing) in the
 * current language, from `warning.<kind>`, or the core's English message. */
export function warningText(warning) {
  return wordedFrom('warning', warning);
}

function wordedFrom(prefix, notice) {
  const key = `${prefix}.${notice.kind}`;
  return key in strings || key in fallback ? t(key, notice.params || {}) : notice.message;
}

/** Fills every [data-i18n] element under `root` with its text. */
export function translateStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

/** A number formatted for the current language. */
export const num = (n) => new Intl.NumberFormat(locale()).format(n);

/** A calendar date (`2026-03-08`) written out for the current language, never as ISO text:
 * `8 Mar 2026` / `8 mars 2026`; with `{ long: true }` the month in full (`3 April 2015` /
 * `3 avril 2015`), for a date a person reads back against their papers. */
export function date(iso, { long = false } = {}) {
  if (!iso) return '';
  const [y, m, d] = String(iso).slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return String(iso);
  return new Intl.DateTimeFormat(locale(),
    { day: 'numeric', month: long ? 'long' : 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

/** A date of birth for the current language: `3 April 2015`; an estimate is `about 2015` when
 * only the year is known (stored as 1 January, as the core estimates from an age), otherwise
 * `about 3 April 2015`. */
export function dateOfBirth(iso, estimated) {
  if (!iso) return '';
  if (!estimated) return date(iso, { long: true });
  const text = String(iso);
  if (text.slice(5, 10) === '01-01') return t('date.about_year', { year: text.slice(0, 4) });
  return t('date.about_day', { date: date(iso, { long: true }) });
}

/** A week's heading from its seven ISO days: `Week 48 · 23 – 29 Nov 2026` /
 * `Semaine 48 · 23 – 29 nov. 2026`. */
export function weekHeading(days, week) {
  if (!days || !days.length) return '';
  const first = days[0];
  const last = days[days.length - 1];
  const [y, m, d] = first.split('-').map(Number);
  const dayMonth = new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' })
    .format(new Date(Date.UTC(y, m - 1, d)));
  const number = Number(String(week || '').split('-W')[1]) || '';
  return t('week.heading', { n: number, from: dayMonth, to: date(last) });
}
