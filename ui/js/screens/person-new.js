// Registering a person: their details, site, consent and (optionally) the household they join.
// Before saving, the core is asked for people who may be the same person; the user checks them
// and either opens that person or confirms that this is someone else.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { checkbox, dateInput, errorSummary, field, flash, radios, select, showApiError, showWithCoreProblems, valueOrNull } from '../form.js';
import { t } from '../i18n.js';
import { personPicker } from '../person-picker.js';
import { RELATIONSHIPS, SEXES, ageText, latinName, matchTag, nameBlock } from '../person-format.js';

/** The PersonDetails fields, filled from `p` (a Person) when editing. Returns
 * {elements, typedDetails(), ownProblems(), first}: `ownProblems()` lists every problem the
 * window finds itself (the date of birth, the age), and `typedDetails()` gives the details
 * with those values left empty, so the core can check the rest of the form at the same time. */
export function detailsFields(p = {}) {
  const given = field({ name: 'given_name', label: t('person.given_name'), hint: t('person.given_name_hint'), value: p.given_name || '', dir: 'auto', testid: 'given-name' });
  const family = field({ name: 'family_name', label: t('person.family_name'), hint: t('person.family_name_hint'), value: p.family_name || '', required: false, dir: 'auto', testid: 'family-name' });
  const original = field({ name: 'original_name', label: t('person.original_name'), hint: t('person.original_name_hint'), value: p.original_name || '', required: false, dir: 'auto', testid: 'original-name' });
  const others = field({ name: 'other_names', label: t('person.other_names'), hint: t('person.other_names_hint'), value: (p.other_names || []).join(', '), required: false, dir: 'auto', testid: 'other-names' });
  const sex = radios({ name: 'sex', legend: t('person.sex'), value: p.sex || 'unknown', options: SEXES.map((s) => [s, t(`sex.${s}`)]) });
  const dob = dateInput({
    name: 'date_of_birth', label: t('person.date_of_birth'), hint: t('person.date_of_birth_hint'), value: p.date_of_birth || '', testid: 'date-of-birth',
    estimated: { name: 'dob_estimated', label: t('person.dob_estimated'), checked: !!p.dob_estimated, testid: 'dob-estimated' },
  });
  const age = field({ name: 'estimated_age', label: t('person.estimated_age'), hint: t('person.estimated_age_hint'), required: false, inputmode: 'numeric', width: 'short', testid: 'estimated-age' });
  const nationality = field({ name: 'nationality', label: t('person.nationality'), value: p.nationality || '', required: false, testid: 'nationality' });
  const languages = field({ name: 'languages', label: t('person.languages'), hint: t('person.languages_hint'), value: p.languages || '', required: false, testid: 'languages' });
  const phone = field({ name: 'phone', label: t('person.phone'), hint: t('person.phone_hint'), type: 'tel', value: p.phone || '', required: false, width: 'medium', testid: 'phone' });

  const elements = [
    h('div', { class: 'cols' }, given, family),
    original, others, sex,
    h('div', { class: 'form-section' },
      h('h3', {}, t('person.age_title')),
      h('div', { class: 'cols' }, dob, age)),
    h('div', { class: 'cols' }, nationality, languages),
    phone,
  ];
  const ageText = () => age.input.value.trim();
  const ageOk = () => /^\d{1,3}$/.test(ageText());
  const ownProblems = () => {
    const born = dob.read();
    const problems = born.problem ? [born.problem] : [];
    if (ageText() && !ageOk()) problems.push({ field: 'estimated_age', message: t('person.estimated_age_invalid') });
    return problems;
  };
  const typedDetails = () => {
    const born = dob.read();
    return {
      given_name: given.input.value,
      family_name: family.input.value,
      original_name: valueOrNull(original.input),
      other_names: others.input.value.split(/[,،;\n]/).map((s) => s.trim()).filter(Boolean),
      sex: sex.value() || 'unknown',
      date_of_birth: born.value,
      dob_estimated: dob.estimated.checked,
      estimated_age: ageOk() ? Number(ageText()) : null,
      nationality: valueOrNull(nationality.input),
      languages: valueOrNull(languages.input),
      phone: valueOrNull(phone.input),
    };
  };
  return { elements, typedDetails, ownProblems, first: given.input };
}

/** The core explains a likely duplicate in English; these are its known phrasings. */
export function reasonText(reason) {
  const aged = /^similar name, aged (\d+)$/.exec(reason);
  if (aged) return t('dup.similar_aged', { n: aged[1] });
  if (reason === 'similar name (age not known)') return t('dup.similar_no_age');
  if (reason === 'same phone number') return t('dup.same_phone');
  if (reason === 'born the same day') return t('dup.same_birthday');
  return reason;
}

export async function showRegister(main, { session }) {
  const sites = (await api.listSites()).filter((s) => s.active);
  const home = sites.find((s) => s.id === session.site_id) || sites[0];
  const summary = errorSummary();
  const details = detailsFields();
  const site = select({ name: 'site', label: t('person.site'), value: home && home.code, options: sites.map((s) => [s.code, `${s.name} (${s.code})`]), testid: 'site' });
  const consent = checkbox({ name: 'consent', label: t('person.consent'), hint: t('person.consent_hint'), testid: 'consent' });
  const household = personPicker({ name: 'household_with', label: t('register.household_with'), hint: t('register.household_with_hint'), testid: 'household-picker' });
  const relationship = select({ name: 'relationship', label: t('register.relationship'), value: '', options: [['', t('register.relationship_none')], ...RELATIONSHIPS.map((r) => [r, t(`relationship.${r}`)])], testid: 'relationship' });
  const submit = h('button', { type: 'submit', class: 'button', 'data-testid': 'register-submit' }, t('register.submit'));
  const duplicates = h('div', { hidden: true });

  let confirmed = false;
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'register-form' },
    summary,
    h('section', { class: 'section' }, h('h2', {}, t('register.about')), ...details.elements),
    h('section', { class: 'section' }, h('h2', {}, t('register.centre')), site, consent),
    h('section', { class: 'section' }, h('h2', {}, t('register.household')), h('p', { class: 'hint' }, t('register.household_hint')), household, relationship),
    duplicates,
    h('div', { class: 'button-group' }, submit, h('a', { href: '#/people', class: 'link-button' }, t('form.cancel'))));

  // Changing the details after the duplicate warning asks for a fresh check.
  form.addEventListener('input', () => {
    if (duplicates.hidden) return;
    duplicates.hidden = true;
    submit.hidden = false;
    confirmed = false;
  });

  const save = async () => {
    summary.clear(form);
    const problems = details.ownProblems();
    const input = details.typedDetails();
    const centre = {
      site: site.input.value || null,
      consent: consent.input.checked,
      household_with: household.value,
      relationship: household.value ? (relationship.input.value || null) : null,
    };
    submit.disabled = true;
    try {
      // A date of birth that does not exist is listed with the form's other problems.
      const check = () => api.createPerson({ ...input, ...centre, confirm_not_duplicate: true, check_only: true });
      if (await showWithCoreProblems(summary, form, problems, check)) return;
      if (!confirmed) {
        const found = await api.findDuplicates(input);
        if (found.length) {
          showDuplicates(found);
          return;
        }
      }
      const record = await api.createPerson({ ...input, ...centre, confirm_not_duplicate: confirmed });
      flash(t('register.saved', { code: record.person.code }));
      location.hash = `#/people/${record.person.id}`;
    } catch (err) {
      showApiError(summary, form, err);
    } finally {
      submit.disabled = false;
    }
  };

  function showDuplicates(found) {
    const registerAnyway = h('button', { type: 'button', class: 'button', 'data-testid': 'confirm-not-duplicate' }, t('dup.register_anyway'));
    registerAnyway.addEventListener('click', () => { confirmed = true; save(); });
    replace(duplicates, h('div', { class: 'duplicates', tabindex: '-1', role: 'region', 'aria-labelledby': 'dup-title', 'data-testid': 'duplicates' },
      h('h2', { id: 'dup-title' }, t('dup.title')),
      h('p', {}, t('dup.intro')),
      h('ul', { class: 'dup-list' }, found.map((d) => h('li', { class: 'dup', 'data-testid': 'duplicate' },
        h('div', { class: 'dup-who' },
          h('span', { class: 'code' }, d.person.code), ' ',
          nameBlock(latinName(d.person), d.person.original_name),
          h('span', { class: 'dup-meta' }, `${ageText(d.person.age)} · ${d.person.site} · ${t(`status.${d.person.status}`)} · ${t('dist.pick_household', { n: d.person.household_size })}`),
          matchTag(d.person.matched)),
        h('p', { class: 'dup-reasons' }, d.reasons.map(reasonText).join('; ')),
        h('a', { href: `#/people/${d.person.id}`, class: 'button button-secondary', 'data-testid': 'duplicate-open' }, t('dup.open'))))),
      h('p', {}, t('dup.otherwise')),
      registerAnyway));
    duplicates.hidden = false;
    submit.hidden = true;
    duplicates.firstChild.focus();
    duplicates.firstChild.scrollIntoView({ block: 'start' });
  }

  form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/people' }, t('people.back'))),
    h('h1', {}, t('register.title')),
    form);
  details.first.focus();
}
