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
  return new Intl.DateTimeFormat(current === 'fr' ? 'fr-FR' : 'en-GB',
    { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(when);
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
  return error.code && (key in strings || key in fallback) ? t(key, error.params || {}) : error.message;
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
export const num = (n) => new Intl.NumberFormat(current === 'fr' ? 'fr-FR' : 'en-GB').format(n);

/** A calendar date (`2026-03-08`) written out for the current language: 8 Mar 2026. */
export function date(iso) {
  if (!iso) return '';
  const [y, m, d] = String(iso).slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return String(iso);
  return new Intl.DateTimeFormat(current === 'fr' ? 'fr-FR' : 'en-GB',
    { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}
