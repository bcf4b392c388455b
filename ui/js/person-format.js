// How people are written on every screen: names in Latin and original script (right-to-left
// scripts shown the right way round with dir="auto"), ages, statuses, flags.

import { can } from './access.js';
import { h } from './dom.js';
import { date, t } from './i18n.js';

/** Given + family name in Latin script. */
export const latinName = (p) => [p.given_name, p.family_name].filter(Boolean).join(' ');

/** The name block: Latin name, then the original-script name on its own line (dir="auto"). */
export function nameBlock(latin, original, { link, testid } = {}) {
  const main = link
    ? h('a', { href: link, class: 'name-latin', dir: 'auto', 'data-testid': testid }, latin)
    : h('span', { class: 'name-latin', dir: 'auto', 'data-testid': testid }, latin);
  return h('span', { class: 'name' }, main,
    original ? h('span', { class: 'name-original', dir: 'auto', lang: '' }, original) : null);
}

/** An age: months for the under-twos, years after that. */
export function ageText(age) {
  if (!age) return t('age.unknown');
  if (age.years < 2) return age.months === 1 ? t('age.month_one') : t('age.months', { n: age.months });
  return age.years === 1 ? t('age.year_one') : t('age.years', { n: age.years });
}

/** Age with "(estimated)" when the date of birth is a guess. */
export const ageWithEstimate = (age, estimated) => (estimated && age ? `${ageText(age)} ${t('age.estimated')}` : ageText(age));

export const statusText = (s) => t(`status.${s}`);
export const sexText = (s) => t(`sex.${s}`);
export const flagText = (k) => t(`flag.${k}`);
export const relationshipText = (r) => (r ? t(`relationship.${r}`) : '');

/** A small coloured label for a status. */
export const statusTag = (s) => h('span', { class: `tag-status tag-status-${s}` }, statusText(s));

/** Reasons a search gives for a match the letters typed do not show (spelt another way, or
 * the same name in another script). */
const SHOWN_MATCHES = ['sounds_like', 'arabic_script', 'ethiopic_script', 'latin_script'];

/** A label saying why a person was found ("sounds like"), or null when what was typed shows it. */
export const matchTag = (matched) => (SHOWN_MATCHES.includes(matched)
  ? h('span', { class: `tag-match tag-match-${matched}`, 'data-testid': 'match-reason', 'data-matched': matched }, t(`match.${matched}`))
  : null);

/** Whether a person was found only by a name spelt another way or in another script. */
export const matchedByVariant = (matched) => SHOWN_MATCHES.includes(matched);

/** A calendar date for the current language. */
export const dateText = date;

export const SEXES = ['female', 'male', 'other', 'unknown'];
export const STATUSES = ['active', 'moved_on', 'reached_uk', 'closed'];
export const RELATIONSHIPS = ['head', 'mother', 'father', 'child', 'sibling', 'guardian', 'grandparent', 'other'];
export const AGE_BANDS = ['baby', 'toddler', 'child', 'teenager', 'minor', 'adult'];
export const RESTRICTED_FLAGS = ['safeguarding', 'medical'];

/** The flags the user may filter by or set. The restricted ones go with the case notes: whoever
 * may add a note may see and set them (the core checks each flag again). */
export function flagKinds(session, { settable = false } = {}) {
  const open = settable ? ['pregnant', 'unaccompanied_minor'] : ['pregnant', 'baby', 'unaccompanied_minor'];
  return can(session, 'add_note') ? [...open, ...RESTRICTED_FLAGS] : open;
}

/** Today on this computer as YYYY-MM-DD (the site's calendar date). */
export function todayIso() {
  const d = new Date();
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}
