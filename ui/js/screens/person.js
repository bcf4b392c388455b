// A person's page: a header with who they are, then tabs. Every role sees Details, Household
// and Flags; coordinators and leads also see Notes, Referrals, Phone and the UK checklist (the
// core sends those parts only to them). Tabs follow the WAI-ARIA tabs pattern: arrow keys move
// between them, Home and End jump to the ends.

import { can } from '../access.js';
import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { idCardButton } from '../day-printing.js';
import { h, replace } from '../dom.js';
import { checkbox, confirmBox, dateInput, errorSummary, field, notice, problemsError, readDate, readDates, select, showApiError, showProblems, takeFlash, textarea, withCoreProblems } from '../form.js';
import { date, dateOfBirth, t } from '../i18n.js';
import { personPicker } from '../person-picker.js';
import {
  RELATIONSHIPS, STATUSES, ageText, ageWithEstimate, flagKinds, flagText, latinName, nameBlock,
  relationshipText, sexText, statusTag, todayIso,
} from '../person-format.js';
import { detailsFields } from './person-new.js';

const TABS = [
  ['details', () => true],
  ['household', () => true],
  ['flags', () => true],
  ['notes', (s) => can(s, 'add_note')],
  ['referrals', (s) => can(s, 'create_referral')],
  ['phone', (s) => can(s, 'issue_phone')],
  ['uk', (s) => can(s, 'save_uk_arrival')],
];

// The tab last open on each person's page, so coming back (or saving) keeps the place.
const lastTab = new Map();

export async function showPerson(main, { session, id }) {
  const [record, sites, partners] = await Promise.all([
    api.getPerson(id), api.listSites(), can(session, 'list_partners') ? api.listPartners() : Promise.resolve([]),
  ]);
  const nappySizes = wearsNappies(record) ? await loadNappySizes() : [];
  const page = { main, session, sites, partners, record, nappySizes, tab: lastTab.get(id) || 'details', message: takeFlash() };
  render(page);
}

// Nappies are given up to three years old (the allowance rules' age band); a size recorded
// for an older child stays visible so it can be cleared.
const wearsNappies = (record) => Boolean(record.nappy_size) || Boolean(record.person.age && record.person.age.years < 3);

/** The nappy sizes of the catalogue (the sizes of items sized by nappy size), in order. */
async function loadNappySizes() {
  const { items } = await api.stockOverview();
  return [...new Set(items.filter((i) => i.variant_by === 'nappy_size').flatMap((i) => i.variants))];
}

/** See and set the nappy size given at distributions; "by age" lets the age choose it. */
function nappyForm(page) {
  const { record } = page;
  const current = record.nappy_size || '';
  const sizes = page.nappySizes.includes(current) || !current ? page.nappySizes : [...page.nappySizes, current];
  const size = select({ name: 'size', label: t('person.nappy_size'), hint: t('person.nappy_size_hint'), value: current, testid: 'nappy-size',
    options: [['', t('person.nappy_by_age')], ...sizes.map((x) => [x, x])] });
  return actionForm({
    title: t('person.nappy_title'), fields: [size], submit: t('person.nappy_save'), testid: 'nappy-form',
    run: async () => {
      const out = await api.setNappySize(record.person.id, size.input.value || null);
      saved(page, (rec) => { rec.nappy_size = out.size || null; });
    },
  });
}

function render(page, { focusTab = false, focusMessage = false } = {}) {
  const { main, session, record } = page;
  const p = record.person;
  const tabs = TABS.filter(([, allowed]) => allowed(session)).map(([name]) => name);
  if (!tabs.includes(page.tab)) page.tab = 'details';
  lastTab.set(p.id, page.tab);

  const tabButtons = tabs.map((name) => h('button', {
    type: 'button', role: 'tab', id: `tab-${name}`, class: 'tab',
    'aria-selected': String(name === page.tab), 'aria-controls': 'tab-panel',
    tabindex: name === page.tab ? '0' : '-1', 'data-testid': `tab-${name}`,
    onclick: () => choose(name),
  }, t(`tab.${name}`)));
  const choose = (name, focus = true) => {
    page.tab = name;
    page.message = null;
    render(page, { focusTab: focus });
  };
  const tablist = h('div', { role: 'tablist', class: 'tabs', 'aria-label': t('tab.label') }, tabButtons);
  tablist.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(page.tab);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    choose(tabs[(to + tabs.length) % tabs.length]);
  });

  const message = page.message ? h('div', { tabindex: '-1', 'data-testid': 'person-notice' }, page.message) : null;
  const panel = h('div', { role: 'tabpanel', id: 'tab-panel', class: 'tab-panel', 'aria-labelledby': `tab-${page.tab}`, 'data-testid': `panel-${page.tab}` },
    message, PANELS[page.tab](page));

  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/people', 'data-testid': 'back-to-people' }, t('people.back'))),
    header(p),
    p.merged_into ? h('p', { class: 'notice', role: 'note', 'data-testid': 'person-merged' },
      t('person.merged_into'), ' ', h('a', { href: `#/people/${p.merged_into}`, 'data-testid': 'person-merged-link' }, p.merged_into_code)) : null,
    can(session, 'print_id_cards') && p.status === 'active' ? idCardButton(p) : null,
    tablist,
    panel);
  if (focusTab) tabButtons[tabs.indexOf(page.tab)].focus();
  else if (focusMessage && message) message.focus();
}

/** Shows `rec` (or the page's record with `change` applied) after a save, with "Saved". */
function saved(page, change, text = t('form.saved')) {
  if (change) change(page.record);
  page.message = notice(text);
  render(page, { focusMessage: true });
}

function header(p) {
  return h('div', { class: 'person-head' },
    h('h1', { class: 'person-name', 'data-testid': 'person-name' }, nameBlock(latinName(p), p.original_name)),
    h('p', { class: 'person-meta' },
      h('span', { class: 'code', 'data-testid': 'person-code' }, p.code), ' · ',
      p.site_code, ' · ', ageWithEstimate(p.age, p.dob_estimated), ' · ', sexText(p.sex), ' · ', statusTag(p.status)),
    p.flags.length ? h('ul', { class: 'flag-tags', 'aria-label': t('tab.flags') },
      p.flags.map((f) => h('li', { class: `flag-tag flag-${f.kind}` }, flagText(f.kind)))) : null);
}

/** A small form with its own error summary; `run()` does the work and returns the next step. */
function actionForm({ title, intro, fields, submit, run, testid, secondary = true }) {
  const summary = errorSummary();
  const button = h('button', { type: 'submit', class: secondary ? 'button button-secondary' : 'button', 'data-testid': testid ? `${testid}-submit` : null }, submit);
  const form = h('form', { class: 'form section', novalidate: true, 'data-testid': testid },
    title ? h('h2', {}, title) : null, intro ? h('p', { class: 'hint' }, intro) : null,
    summary, ...fields, h('div', { class: 'button-group' }, button));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    button.disabled = true;
    try {
      await run();
    } catch (err) {
      if (err && err.kind === 'locked') { location.reload(); return; }
      showProblems(summary, form, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

const dl = (rows) => h('dl', { class: 'summary-list' }, rows.filter(Boolean).map(([k, v, testid]) =>
  h('div', { class: 'summary-row' }, h('dt', {}, k), h('dd', { 'data-testid': testid }, v === null || v === undefined || v === '' ? h('span', { class: 'muted' }, t('person.not_given')) : v))));

// ---- Details ------------------------------------------------------------------------------

function detailsPanel(page) {
  const { record, session, sites } = page;
  const p = record.person;
  const site = sites.find((s) => s.id === p.site_id);
  const consent = p.consent_at
    ? t('person.consent_recorded', { date: date(p.consent_at), name: p.consent_by || '' })
    : h('span', {}, t('person.consent_none'));
  const view = h('div', {},
    dl([
      [t('person.code'), p.code, 'detail-code'],
      [t('person.site'), site ? `${site.name} (${site.code})` : p.site_code],
      [t('person.given_name'), h('span', { dir: 'auto' }, p.given_name)],
      [t('person.family_name'), p.family_name ? h('span', { dir: 'auto' }, p.family_name) : ''],
      [t('person.view_original_name'), p.original_name ? h('span', { dir: 'auto', class: 'name-original-inline' }, p.original_name) : '', 'detail-original-name'],
      [t('person.view_other_names'), p.other_names.length ? h('span', { dir: 'auto' }, p.other_names.join(', ')) : ''],
      [t('person.sex'), sexText(p.sex)],
      [t('person.date_of_birth'), dateOfBirth(p.date_of_birth, p.dob_estimated), 'detail-date-of-birth'],
      [t('person.age'), p.age ? ageText(p.age) : ''],
      [t('person.view_nationality'), p.nationality],
      [t('person.view_languages'), p.languages],
      [t('person.view_phone'), p.phone ? h('span', { dir: 'ltr' }, p.phone) : ''],
      [t('person.status'), statusTag(p.status)],
      [t('person.consent_title'), consent, 'detail-consent'],
      [t('person.registered'), date(p.created_at)],
      wearsNappies(record) ? [t('person.nappy_size'), record.nappy_size || t('person.nappy_by_age'), 'detail-nappy-size'] : null,
    ]));

  const parts = [view];
  if (wearsNappies(record)) parts.push(nappyForm(page));
  if (!p.consent_at) {
    parts.push(actionForm({
      title: t('person.consent_title'), intro: t('person.consent_hint'), fields: [], submit: t('person.consent_record'), testid: 'record-consent',
      run: async () => { page.record = await api.recordConsent(p.id); saved(page); },
    }));
  }
  if (!can(session, 'update_person')) return h('div', {}, parts);

  const editHolder = h('div');
  const editButton = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'edit-details' }, t('person.edit'));
  editButton.addEventListener('click', () => {
    const fields = detailsFields(p);
    const form = actionForm({
      title: t('person.edit'), fields: fields.elements, submit: t('form.save'), testid: 'edit-form', secondary: false,
      run: async () => {
        const problems = fields.ownProblems();
        const input = fields.typedDetails();
        if (problems.length) {
          // The window's own problems (the date of birth, the age) with the core's, at once.
          throw problemsError(await withCoreProblems(problems, () => api.updatePerson(p.id, { ...input, check_only: true })));
        }
        page.record = await api.updatePerson(p.id, input);
        saved(page);
      },
    });
    const cancel = h('button', { type: 'button', class: 'button button-secondary' }, t('form.cancel'));
    cancel.addEventListener('click', () => { replace(editHolder); view.hidden = false; editButton.hidden = false; editButton.focus(); });
    form.querySelector('.button-group').append(cancel);
    view.hidden = true;
    editButton.hidden = true;
    replace(editHolder, form);
    fields.first.focus();
  });
  parts.splice(1, 0, h('div', { class: 'button-group' }, editButton), editHolder);

  const status = select({ name: 'status', label: t('person.status'), value: p.status, options: STATUSES.map((s) => [s, t(`status.${s}`)]), testid: 'status-select' });
  parts.push(actionForm({
    title: t('person.status_title'), intro: t('person.status_hint'), fields: [status], submit: t('person.status_submit'), testid: 'status-form',
    run: async () => { page.record = await api.setPersonStatus(p.id, status.input.value); saved(page); },
  }));
  const others = sites.filter((s) => s.active && s.id !== p.site_id);
  if (others.length) {
    const to = select({ name: 'site', label: t('person.transfer_to'), value: others[0].code, options: others.map((s) => [s.code, `${s.name} (${s.code})`]), testid: 'transfer-site' });
    parts.push(actionForm({
      title: t('person.transfer_title'), intro: t('person.transfer_hint', { code: p.code }), fields: [to], submit: t('person.transfer_submit'), testid: 'transfer-form',
      run: async () => { page.record = await api.transferPerson(p.id, to.input.value); saved(page); },
    }));
  }
  parts.push(dataProtection(page));
  return h('div', {}, parts);
}

// Subject access (coordinators and leads) and erasure (leads, after a confirmation that says
// exactly what goes and what stays).
function dataProtection(page) {
  const { record, session } = page;
  const p = record.person;
  const summary = errorSummary();
  const status = h('div', { 'aria-live': 'polite' });
  const exportButton = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'export-person-data' }, t('privacy.export'));
  const section = h('section', { class: 'section', 'data-testid': 'data-protection' },
    h('h2', {}, t('privacy.title')), h('p', { class: 'hint' }, t('privacy.export_hint')), summary,
    h('div', { class: 'button-group' }, exportButton), status);
  exportButton.addEventListener('click', async () => {
    try {
      const pdf = await api.chooseSavePath(saveDialog('person_data', `${p.code}-data.pdf`));
      if (!pdf) return;
      const json = pdf.replace(/\.pdf$/i, '') + '.json';
      const out = await api.exportPersonData(p.id, json, pdf);
      replace(status, notice(t('privacy.exported', { pdf: out.pdf_path, json: out.json_path })));
      await api.openPath(out.pdf_path).catch(() => {});
    } catch (err) {
      showApiError(summary, section, err);
    }
  });
  if (can(session, 'erase_person') && !p.anonymised_at) {
    const erase = h('button', { type: 'button', class: 'button button-warning', 'data-testid': 'erase-person' }, t('privacy.erase'));
    const holder = h('div');
    erase.addEventListener('click', () => {
      erase.hidden = true;
      replace(holder, confirmBox({
        title: t('privacy.erase_title', { code: p.code }),
        body: record.merged_with?.length
          ? `${t('privacy.erase_body')} ${t('privacy.erase_merged', { codes: record.merged_with.join(', ') })}`
          : t('privacy.erase_body'),
        yes: t('privacy.erase_yes'),
        no: t('form.cancel'),
        testid: 'confirm-erase',
        onYes: async () => {
          try {
            const done = await api.erasePerson(p.id);
            const words = done.also?.length
              ? t('privacy.erased_with', { code: done.code, codes: done.also.join(', ') })
              : t('privacy.erased', { code: done.code });
            replace(section, h('h2', {}, t('privacy.title')), notice(words));
            page.record = await api.getPerson(p.id);
          } catch (err) {
            showApiError(summary, section, err);
          }
        },
        onNo: () => { replace(holder); erase.hidden = false; erase.focus(); },
      }));
      holder.firstChild.focus();
    });
    section.append(h('p', { class: 'hint' }, t('privacy.erase_hint')), erase, holder);
  }
  return section;
}

// ---- Household ----------------------------------------------------------------------------

function householdPanel(page) {
  const { record, session } = page;
  const p = record.person;
  const hh = record.household;
  const parts = [];
  if (hh) {
    parts.push(h('section', { class: 'section' },
      h('h2', { dir: 'auto' }, hh.name),
      h('p', { class: 'count' }, hh.size === 1 ? t('household.size_one') : t('household.size', { n: hh.size })),
      h('table', { class: 'table', 'data-testid': 'household-members' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, t('people.code')), h('th', { scope: 'col' }, t('people.name')),
          h('th', { scope: 'col' }, t('household.relationship')), h('th', { scope: 'col' }, t('people.age')),
          h('th', { scope: 'col' }, t('people.status')))),
        h('tbody', {}, hh.members.map((m) => h('tr', { class: m.id === p.id ? 'row-current' : null },
          h('td', { class: 'code' }, m.code),
          h('td', {}, m.id === p.id
            ? h('span', {}, nameBlock(m.name, m.original_name), h('span', { class: 'muted' }, ` ${t('household.this_person')}`))
            : nameBlock(m.name, m.original_name, { link: `#/people/${m.id}` })),
          h('td', {}, relationshipText(m.relationship)),
          h('td', {}, ageText(m.age)),
          h('td', {}, statusTag(m.status))))))));
    if (can(session, 'leave_household')) {
      const holder = h('div');
      const leave = h('button', { type: 'button', class: 'button button-warning', 'data-testid': 'leave-household' }, t('household.leave'));
      leave.addEventListener('click', () => {
        const box = confirmBox({
          title: t('household.leave_confirm_title', { name: latinName(p) }),
          body: t('household.leave_confirm_body', { household: hh.name }),
          yes: t('household.leave_yes'), no: t('form.cancel'), testid: 'leave-confirm',
          onYes: async () => {
            try {
              page.record = await api.leaveHousehold(p.id);
              saved(page);
            } catch (err) {
              replace(holder, h('p', { class: 'field-error', role: 'alert' }, err.message));
            }
          },
          onNo: () => { replace(holder); leave.hidden = false; leave.focus(); },
        });
        leave.hidden = true;
        replace(holder, box);
        box.focus();
      });
      parts.push(h('div', {}, leave, holder));
    }
    return h('div', {}, parts);
  }
  parts.push(h('p', { class: 'empty' }, t('household.none')));
  const picker = personPicker({ name: 'with_person', label: t('household.join_with'), exclude: p.id, testid: 'join-picker' });
  const relationship = select({ name: 'relationship', label: t('register.relationship'), value: '', options: [['', t('register.relationship_none')], ...RELATIONSHIPS.map((r) => [r, t(`relationship.${r}`)])] });
  parts.push(actionForm({
    title: t('household.join_title'), fields: [picker, relationship], submit: t('household.join_submit'), testid: 'join-form',
    run: async () => {
      if (!picker.value) throw { kind: 'validation', field: 'with_person', message: t('household.join_choose') };
      page.record = await api.joinHousehold(p.id, picker.value, relationship.input.value || null);
      saved(page);
    },
  }));
  return h('div', {}, parts);
}

// ---- Flags --------------------------------------------------------------------------------

function flagsPanel(page) {
  const { record, session } = page;
  const p = record.person;
  const list = p.flags.length
    ? h('ul', { class: 'flag-list', 'data-testid': 'flag-list' }, p.flags.map((f) => {
      const clear = f.derived ? null : h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': `clear-flag-${f.kind}` }, t('flags.clear'));
      if (clear) {
        clear.addEventListener('click', async () => {
          clear.disabled = true;
          try {
            page.record = await api.clearFlag(p.id, f.kind);
            saved(page);
          } catch (err) {
            clear.disabled = false;
            clear.after(h('p', { class: 'field-error', role: 'alert' }, err.message));
          }
        });
      }
      return h('li', { class: 'flag-item', 'data-testid': `flag-${f.kind}` },
        h('div', {},
          h('strong', {}, flagText(f.kind)),
          f.derived ? h('span', { class: 'tag-derived' }, t('flags.derived')) : null,
          f.derived ? h('p', { class: 'hint' }, t(`flags.derived_${f.kind}`)) : null,
          f.due_date ? h('p', {}, t('flags.due', { date: date(f.due_date) })) : null,
          f.details ? h('p', { class: 'prewrap', dir: 'auto' }, f.details) : null),
        clear);
    }))
    : h('p', { class: 'empty' }, t('flags.none'));

  const kinds = flagKinds(session, { settable: true });
  const kind = select({ name: 'kind', label: t('flags.kind'), value: kinds[0], options: kinds.map((k) => [k, flagText(k)]), testid: 'flag-kind' });
  const due = dateInput({ name: 'due_date', label: t('flags.due_date'), hint: t('flags.due_date_hint'), testid: 'flag-due' });
  const details = textarea({ name: 'details', label: t('flags.details'), rows: 3, testid: 'flag-details' });
  const detailsHint = h('p', { class: 'hint' });
  details.querySelector('label').after(detailsHint);
  const sync = () => {
    due.hidden = kind.input.value !== 'pregnant';
    detailsHint.textContent = t(`flags.details_hint_${kind.input.value}`);
  };
  kind.input.addEventListener('change', sync);
  sync();
  const form = actionForm({
    title: t('flags.set_title'), fields: [kind, due, details], submit: t('flags.set_submit'), testid: 'flag-form',
    run: async () => {
      const expected = kind.input.value === 'pregnant' ? due.read() : { value: null, problem: null };
      if (expected.problem) throw problemsError([expected.problem]);
      page.record = await api.setFlag({
        person: p.id, kind: kind.input.value,
        due_date: expected.value,
        details: details.input.value,
      });
      saved(page);
    },
  });
  return h('div', {}, h('h2', {}, t('tab.flags')), list, form);
}

// ---- Notes --------------------------------------------------------------------------------

function notesPanel(page) {
  const { record } = page;
  const p = record.person;
  const notes = record.notes || [];
  const list = notes.length
    ? h('ul', { class: 'note-list', 'data-testid': 'note-list' }, notes.map((n) => h('li', { class: 'note', 'data-testid': 'note' },
      h('p', { class: 'note-meta' }, `${date(n.noted_on)} · ${n.author}`, n.restricted ? h('span', { class: 'tag-restricted' }, t('notes.restricted_tag')) : null),
      h('p', { class: 'prewrap', dir: 'auto' }, n.body))))
    : h('p', { class: 'empty' }, t('notes.none'));
  const body = textarea({ name: 'body', label: t('notes.body'), hint: t('notes.body_hint'), rows: 5, testid: 'note-body' });
  const on = dateInput({ name: 'noted_on', label: t('notes.noted_on'), hint: t('notes.noted_on_hint'), value: todayIso(), testid: 'note-date' });
  const restricted = checkbox({ name: 'restricted', label: t('notes.restricted'), hint: t('notes.restricted_hint'), testid: 'note-restricted' });
  return h('div', {}, h('h2', {}, t('tab.notes')), list, actionForm({
    title: t('notes.add_title'), fields: [body, on, restricted], submit: t('notes.add_submit'), testid: 'note-form', secondary: false,
    run: async () => {
      const notes = await api.addNote({ person: p.id, body: body.input.value, noted_on: readDate(on), restricted: restricted.input.checked });
      saved(page, (r) => { r.notes = notes; });
    },
  }));
}

// ---- Referrals ----------------------------------------------------------------------------

const REFERRAL_STATUSES = ['made', 'accepted', 'declined', 'completed'];

function referralsPanel(page) {
  const { record, partners } = page;
  const p = record.person;
  const referrals = record.referrals || [];
  const today = todayIso();
  const list = referrals.length
    ? h('ul', { class: 'referral-list', 'data-testid': 'referral-list' }, referrals.map((r) => referralItem(page, r, today)))
    : h('p', { class: 'empty' }, t('referrals.none'));

  const active = partners.filter((x) => x.active);
  const partner = select({ name: 'partner', label: t('referrals.partner'), value: '', options: [['', t('referrals.partner_choose')], ...active.map((x) => [x.id, x.name])], testid: 'referral-partner' });
  const reason = textarea({ name: 'reason', label: t('referrals.reason'), hint: t('referrals.reason_hint'), rows: 3, testid: 'referral-reason' });
  const consent = checkbox({ name: 'consent_given', label: t('referrals.consent'), hint: t('referrals.consent_hint'), testid: 'referral-consent' });
  const on = dateInput({ name: 'referred_on', label: t('referrals.referred_on'), value: today, testid: 'referral-date' });
  const follow = dateInput({ name: 'follow_up_on', label: t('referrals.follow_up_on'), hint: t('referrals.follow_up_hint'), testid: 'referral-follow-up' });
  return h('div', {}, h('h2', {}, t('tab.referrals')), list, actionForm({
    title: t('referrals.add_title'), fields: [partner, reason, consent, h('div', { class: 'cols' }, on, follow)],
    submit: t('referrals.add_submit'), testid: 'referral-form', secondary: false,
    run: async () => {
      const dates = readDates({ on, follow });
      if (dates.problems.length) throw problemsError(dates.problems);
      const r = await api.createReferral({
        person: p.id, partner: partner.input.value, reason: reason.input.value, consent_given: consent.input.checked,
        referred_on: dates.values.on, follow_up_on: dates.values.follow,
      });
      saved(page, (rec) => { rec.referrals = [r, ...(rec.referrals || [])]; });
    },
  }));
}

function referralItem(page, r, today) {
  const open = r.status === 'made' || r.status === 'accepted';
  const overdue = open && r.follow_up_on && r.follow_up_on < today;
  const holder = h('div');
  const change = h('button', { type: 'button', class: 'button button-secondary button-small', 'data-testid': 'referral-update' }, t('referrals.update'));
  change.addEventListener('click', () => {
    const status = select({ name: 'status', label: t('referrals.status'), value: r.status, options: REFERRAL_STATUSES.map((s) => [s, t(`referral_status.${s}`)]), testid: 'referral-status' });
    const follow = dateInput({ name: 'follow_up_on', label: t('referrals.follow_up_on'), hint: t('referrals.follow_up_hint'), value: r.follow_up_on || '', testid: 'referral-update-follow-up' });
    const outcome = textarea({ name: 'outcome', label: t('referrals.outcome'), value: r.outcome, rows: 3, testid: 'referral-outcome' });
    const form = actionForm({
      fields: [status, follow, outcome], submit: t('form.save'), testid: 'referral-update-form',
      run: async () => {
        const updated = await api.updateReferral({ id: r.id, status: status.input.value, follow_up_on: readDate(follow), outcome: outcome.input.value });
        saved(page, (rec) => { rec.referrals = rec.referrals.map((x) => (x.id === r.id ? updated : x)); });
      },
    });
    change.hidden = true;
    replace(holder, form);
    status.input.focus();
  });
  return h('li', { class: 'referral', 'data-testid': 'referral' },
    h('div', { class: 'referral-head' },
      h('h3', {}, r.partner),
      h('span', { class: `tag-status tag-referral-${r.status}` }, t(`referral_status.${r.status}`)),
      overdue ? h('span', { class: 'tag-overdue' }, t('referrals.overdue')) : null),
    dl([
      [t('referrals.referred_on'), date(r.referred_on)],
      [t('referrals.follow_up_on'), r.follow_up_on ? date(r.follow_up_on) : t('referrals.no_follow_up')],
      [t('referrals.reason'), h('span', { class: 'prewrap', dir: 'auto' }, r.reason)],
      r.outcome ? [t('referrals.outcome'), h('span', { class: 'prewrap', dir: 'auto' }, r.outcome)] : null,
    ]),
    change, holder);
}

// ---- Phone --------------------------------------------------------------------------------

function phonePanel(page) {
  const { record } = page;
  const p = record.person;
  const phones = record.phones || [];
  const held = phones.find((x) => !x.returned_on && !x.lost_on);
  const parts = [h('h2', {}, t('tab.phone')), h('p', { class: 'hint' }, t('phone.intro'))];
  parts.push(phones.length
    ? h('table', { class: 'table', 'data-testid': 'phone-list' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('phone.number')), h('th', { scope: 'col' }, t('phone.imei')),
        h('th', { scope: 'col' }, t('phone.issued_on')), h('th', { scope: 'col' }, t('phone.state')))),
      h('tbody', {}, phones.map((x) => h('tr', {},
        h('td', { dir: 'ltr' }, x.number), h('td', { class: 'code' }, x.imei), h('td', {}, date(x.issued_on)),
        h('td', {}, x.returned_on ? t('phone.returned', { date: date(x.returned_on) })
          : x.lost_on ? t('phone.lost', { date: date(x.lost_on) }) : h('strong', {}, t('phone.held')))))))
    : h('p', { class: 'empty' }, t('phone.none')));

  if (held) {
    const on = dateInput({ name: 'on', label: t('phone.back_on'), value: todayIso(), testid: 'phone-back-date' });
    const summary = errorSummary();
    const back = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'phone-returned' }, t('phone.record_returned'));
    const lost = h('button', { type: 'button', class: 'button button-warning', 'data-testid': 'phone-lost' }, t('phone.record_lost'));
    const holder = h('div');
    const form = h('form', { class: 'form section', novalidate: true },
      h('h2', {}, t('phone.back_title')), summary, on, h('div', { class: 'button-group' }, back, lost), holder);
    const giveBack = async (isLost) => {
      summary.clear(form);
      try {
        const updated = await api.returnPhone(held.id, isLost, readDate(on));
        saved(page, (rec) => { rec.phones = rec.phones.map((x) => (x.id === held.id ? updated : x)); });
      } catch (err) {
        showProblems(summary, form, err);
      }
    };
    form.addEventListener('submit', (e) => e.preventDefault());
    back.addEventListener('click', () => giveBack(false));
    lost.addEventListener('click', () => {
      replace(holder, confirmBox({
        title: t('phone.lost_confirm_title'), body: t('phone.lost_confirm_body'),
        yes: t('phone.lost_yes'), no: t('form.cancel'), testid: 'phone-lost-confirm',
        onYes: () => giveBack(true), onNo: () => { replace(holder); lost.focus(); },
      }));
      holder.firstChild.focus();
    });
    parts.push(form);
  } else {
    const number = field({ name: 'number', label: t('phone.number'), hint: t('phone.number_hint'), type: 'tel', required: false, width: 'medium', testid: 'phone-number' });
    const imei = field({ name: 'imei', label: t('phone.imei'), hint: t('phone.imei_hint'), required: false, inputmode: 'numeric', width: 'medium', testid: 'phone-imei' });
    const on = dateInput({ name: 'issued_on', label: t('phone.issued_on'), value: todayIso(), testid: 'phone-issued-on' });
    parts.push(actionForm({
      title: t('phone.issue_title'), fields: [number, imei, on], submit: t('phone.issue_submit'), testid: 'phone-form', secondary: false,
      run: async () => {
        const issued = await api.issuePhone({ person: p.id, number: number.input.value, imei: imei.input.value, issued_on: readDate(on) });
        saved(page, (rec) => { rec.phones = [issued, ...(rec.phones || [])]; });
      },
    }));
  }
  return h('div', {}, parts);
}

// ---- UK checklist -------------------------------------------------------------------------

const UK_FIELDS = [
  ['local_authority', 'text'], ['social_worker', 'text'], ['social_worker_contact', 'text'],
  ['gp_practice', 'text'], ['gp_registered_on', 'date'], ['school', 'text'], ['school_enrolled_on', 'date'],
  ['housing', 'text'], ['housing_from', 'date'], ['next_appointment', 'text'], ['next_appointment_on', 'date'],
];

function ukPanel(page) {
  const { record } = page;
  const uk = record.uk_arrival || {};
  const inputs = {};
  const dates = {};
  const make = ([name, type]) => {
    if (type === 'date') {
      dates[name] = dateInput({ name, label: t(`uk.${name}`), value: uk[name] || '', testid: `uk-${name}` });
      return dates[name];
    }
    const f = field({ name, label: t(`uk.${name}`), value: uk[name] || '', required: false, dir: 'auto', testid: `uk-${name}` });
    inputs[name] = f.input;
    return f;
  };
  const byName = Object.fromEntries(UK_FIELDS.map((f) => [f[0], make(f)]));
  const group = (title, ...names) => h('fieldset', { class: 'fieldset' }, h('legend', {}, title), h('div', { class: 'cols' }, names.map((n) => byName[n])));
  return h('div', {}, actionForm({
    title: t('uk.title'), intro: t('uk.intro'), secondary: false, submit: t('form.save'), testid: 'uk-form',
    fields: [
      group(t('uk.group_authority'), 'local_authority', 'social_worker', 'social_worker_contact'),
      group(t('uk.group_gp'), 'gp_practice', 'gp_registered_on'),
      group(t('uk.group_school'), 'school', 'school_enrolled_on'),
      group(t('uk.group_housing'), 'housing', 'housing_from'),
      group(t('uk.group_appointment'), 'next_appointment', 'next_appointment_on'),
    ],
    run: async () => {
      const typed = readDates(dates);
      if (typed.problems.length) throw problemsError(typed.problems);
      const v = (name) => (name in dates ? typed.values[name] : inputs[name].value);
      // Written out, so that the UI contract test sees every field this form sends.
      const result = await api.saveUkArrival({
        person: record.person.id,
        local_authority: v('local_authority'), social_worker: v('social_worker'), social_worker_contact: v('social_worker_contact'),
        gp_practice: v('gp_practice'), gp_registered_on: v('gp_registered_on'),
        school: v('school'), school_enrolled_on: v('school_enrolled_on'),
        housing: v('housing'), housing_from: v('housing_from'),
        next_appointment: v('next_appointment'), next_appointment_on: v('next_appointment_on'),
      });
      saved(page, (rec) => { rec.uk_arrival = result; });
    },
  }));
}

const PANELS = {
  details: detailsPanel,
  household: householdPanel,
  flags: flagsPanel,
  notes: notesPanel,
  referrals: referralsPanel,
  phone: phonePanel,
  uk: ukPanel,
};
