// Volunteers: the list with each volunteer's DBS status, the "DBS due" list, the add / change
// form, and a volunteer's page with their status, restricted notes and DBS checks. Only leads
// and coordinators reach this screen's data (the core refuses the front desk, and the screen
// then says so); DBS detail is shown here and nowhere else, and every view is audited.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { checkbox, dateInput, errorSummary, field, flash, readDates, select, showApiError, showWithCoreProblems, takeFlash, textarea } from '../form.js';
import { date, num, t } from '../i18n.js';
import { can } from '../access.js';
import { todayIso } from '../person-format.js';
import { dbsMark } from '../week.js';
import { homeSite, siteFilter } from '../home-site.js';
import { checksSection, leaverNotice, showApplicationsImport } from './volunteer-checks.js';

const STATUSES = ['applied', 'approved', 'active', 'left'];
const SKILLS = ['early_years', 'teaching', 'medical', 'interpreting', 'driving'];
const NEXT = { applied: ['approved', 'left'], approved: ['active', 'left'], active: ['left'], left: ['approved'] };

export async function showVolunteers(main, { path, session }) {
  if (!can(session, 'list_volunteers')) {
    replace(main, h('h1', {}, t('nav.volunteers')), h('div', { class: 'empty' }, h('p', {}, t('volunteers.coordinators_only'))));
    return;
  }
  const [first, second] = path;
  if (first === 'new') return showForm(main, null, session);
  if (first === 'import' && can(session, 'import_volunteers')) return showApplicationsImport(main);
  if (first && second === 'edit') return showForm(main, await api.getVolunteer(first), session);
  if (first) return showVolunteer(main, first, session);
  return showList(main, session);
}

const statusTag = (s) => h('span', { class: `tag-status tag-status-${s === 'active' ? 'active' : s}` }, t(`volunteer.status.${s}`));

async function showList(main, session) {
  const [sites, due] = await Promise.all([api.listSites(), api.dbsDue()]);
  const results = h('div', { 'data-testid': 'volunteer-results' });
  const statusSel = select({ name: 'status', label: t('volunteers.filter_status'), value: '', options: [['', t('volunteers.all_current')], ...STATUSES.map((s) => [s, t(`volunteer.status.${s}`)])] });
  // The user's own site first (or the one chosen here before); "All sites" lists everyone.
  const siteSel = siteFilter('volunteers', session, sites, (code) => { state.site = code; load(); });
  const state = { status: '', site: siteSel.value(), text: '' };
  const search = field({ name: 'text', label: t('volunteers.search'), required: false, testid: 'volunteer-search', dir: 'auto' });
  const load = async () => {
    const rows = await api.listVolunteers({ status: state.status || null, site: state.site || null, text: state.text || null, include_left: state.status === 'left' });
    replace(results,
      h('p', { class: 'count' }, t('volunteers.count', { n: num(rows.length) })),
      rows.length ? h('table', { class: 'table table-people' },
        h('thead', {}, h('tr', {}, ['volunteers.name', 'people.site', 'volunteers.status', 'volunteers.stay', 'volunteers.dbs_child', 'volunteers.lacks'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows.map((v) => h('tr', { 'data-testid': 'volunteer-row' },
          h('td', { dir: 'auto' }, h('a', { href: `#/volunteers/${v.id}`, 'data-testid': 'volunteer-link' }, v.name)),
          h('td', {}, v.site),
          h('td', {}, statusTag(v.status)),
          h('td', {}, `${date(v.arrival_on)} – ${v.departure_on ? date(v.departure_on) : t('volunteers.open_ended')}`),
          h('td', {}, dbsMark(v.dbs)),
          // What an applicant still lacks before approval; nothing for those already approved.
          h('td', { 'data-testid': 'volunteer-lacks' }, v.status === 'applied' ? (v.lacks.map((l) => t(`volunteer.lack.${l}`)).join(', ') || t('volunteers.lacks_nothing')) : '')))))
        : h('div', { class: 'empty' }, h('p', {}, t('volunteers.none'))));
  };
  statusSel.input.addEventListener('change', () => { state.status = statusSel.input.value; load(); });
  search.input.addEventListener('input', () => { state.text = search.input.value.trim(); load(); });
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, t('nav.volunteers')),
      h('div', { class: 'button-group' },
        h('a', { href: '#/volunteers/new', class: 'button', 'data-testid': 'volunteer-add' }, t('volunteers.add')),
        can(session, 'import_volunteers') ? h('a', { href: '#/volunteers/import', class: 'button button-secondary', 'data-testid': 'applications-open' }, t('applications.title')) : null)),
    takeFlash(),
    dueSection(due),
    h('div', { class: 'filters' }, search, statusSel, siteSel),
    results);
  await load();
}

function dueSection(due) {
  return h('section', { class: 'section', 'data-testid': 'dbs-due' },
    h('h2', {}, t('volunteers.dbs_due', { n: num(due.length) })),
    due.length ? h('ul', { class: 'plain-list' }, due.map((d) => h('li', {},
      h('a', { href: `#/volunteers/${d.id}`, dir: 'auto' }, d.name), ` (${d.site}) `,
      d.leaver_notice ? h('strong', { 'data-testid': 'dbs-due-leaver' }, t('checks.leaver_notice_short'), ' ') : null,
      dbsMark(d.dbs),
      d.child_facing && d.child_facing.state !== 'valid' && d.dbs.state === 'valid'
        ? h('span', { class: 'hint', 'data-testid': 'dbs-due-child' }, ' ', t('volunteers.dbs_not_child')) : null)))
      : h('p', { class: 'hint' }, t('volunteers.dbs_due_none')));
}

async function showForm(main, record, session) {
  const v = record ? record.volunteer : null;
  const sites = await api.listSites();
  const summary = errorSummary();
  const given = field({ name: 'given_name', label: t('person.given_name'), value: v?.given_name || '', dir: 'auto', testid: 'volunteer-given' });
  const family = field({ name: 'family_name', label: t('person.family_name'), value: v?.family_name || '', required: false, dir: 'auto', testid: 'volunteer-family' });
  const email = field({ name: 'email', label: t('volunteer.email'), value: v?.email || '', type: 'email', required: false });
  const phone = field({ name: 'phone', label: t('volunteer.phone'), value: v?.phone || '', type: 'tel', required: false });
  const emergency = field({ name: 'emergency_contact', label: t('volunteer.emergency_contact'), hint: t('volunteer.emergency_contact_hint'), value: v?.emergency_contact || '', required: false });
  const languages = field({ name: 'languages', label: t('person.languages'), value: v?.languages || '', required: false });
  const site = select({ name: 'site', label: t('volunteer.site'), value: v?.site || homeSite(session, sites.filter((s) => s.active))?.code, options: sites.filter((s) => s.active).map((s) => [s.code, `${s.name} (${s.code})`]), testid: 'volunteer-site' });
  const others = sites.filter((s) => s.active).map((s) => checkbox({ name: `other_${s.code}`, label: s.name, checked: !!v && v.sites.includes(s.code) && v.site !== s.code }));
  const skills = SKILLS.map((k) => checkbox({ name: `skill_${k}`, label: t(`volunteer.skill.${k}`), checked: !!v && v.skills.includes(k) }));
  const qualifications = field({ name: 'qualifications', label: t('volunteer.qualifications'), value: v?.qualifications || '', required: false });
  const arrival = dateInput({ name: 'arrival_on', label: t('volunteer.arrival_on'), value: v?.arrival_on || todayIso(), required: true, testid: 'volunteer-arrival' });
  const departure = dateInput({ name: 'departure_on', label: t('volunteer.departure_on'), hint: t('volunteer.departure_hint'), value: v?.departure_on || '', testid: 'volunteer-departure' });
  const activity = field({ name: 'structured_activity', label: t('volunteer.structured_activity'), hint: t('volunteer.structured_activity_hint'), value: v?.structured_activity || '', required: false });
  const notes = textarea({ name: 'notes', label: t('volunteer.notes'), hint: t('volunteer.notes_hint'), value: v?.notes || '' });
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'volunteer-form' },
    summary,
    h('div', { class: 'cols' }, given, family, email, phone),
    emergency, languages,
    h('div', { class: 'cols' }, arrival, departure), activity,
    site,
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'label' }, t('volunteer.other_sites')), others),
    h('fieldset', { class: 'fieldset' }, h('legend', { class: 'label' }, t('volunteer.skills')), skills),
    qualifications, notes,
    h('div', { class: 'button-group' },
      h('button', { type: 'submit', class: 'button', 'data-testid': 'volunteer-save' }, t('form.save')),
      h('a', { href: v ? `#/volunteers/${v.id}` : '#/volunteers' }, t('form.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    const { values: stay, problems } = readDates({ arrival, departure });
    const input = {
      given_name: given.input.value, family_name: family.input.value, email: email.input.value, phone: phone.input.value,
      emergency_contact: emergency.input.value, languages: languages.input.value,
      skills: SKILLS.filter((_, i) => skills[i].input.checked), qualifications: qualifications.input.value,
      site: site.input.value,
      other_sites: sites.filter((s) => s.active).filter((_, i) => others[i].input.checked).map((s) => s.code),
      arrival_on: stay.arrival, departure_on: stay.departure,
      structured_activity: activity.input.value, notes: notes.input.value,
    };
    try {
      const withId = v ? { id: v.id, ...input } : input;
      if (await showWithCoreProblems(summary, form, problems, () => api.saveVolunteer({ ...withId, check_only: true }))) return;
      const saved = await api.saveVolunteer(v ? { id: v.id, ...input } : input);
      flash(t('form.saved'));
      location.hash = `#/volunteers/${saved.id}`;
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/volunteers' }, t('volunteers.back'))),
    h('h1', {}, v ? t('volunteers.change', { name: [v.given_name, v.family_name].join(' ') }) : t('volunteers.add')),
    form);
  given.input.focus();
}

async function showVolunteer(main, id, session) {
  const rec = await api.getVolunteer(id);
  const v = rec.volunteer;
  const rerender = () => showVolunteer(main, id, session);
  const message = h('div', { tabindex: '-1' });
  const statusButtons = (NEXT[v.status] || []).map((s) => h('button', {
    type: 'button', class: 'button button-secondary', 'data-testid': `volunteer-make-${s}`,
    onclick: async () => {
      try { await api.setVolunteerStatus(v.id, s); flash(t('form.saved')); rerender(); } catch (err) { replace(message, h('p', { class: 'field-error', role: 'alert' }, err.message)); message.focus(); }
    },
  }, t(`volunteer.make.${s}`)));
  const facts = [
    ['volunteer.site', v.sites.join(', ')],
    ['volunteers.stay', `${date(v.arrival_on)} – ${v.departure_on ? date(v.departure_on) : t('volunteers.open_ended')}`],
    ['volunteer.structured_activity', v.structured_activity || '–'],
    ['volunteer.email', v.email || '–'], ['volunteer.phone', v.phone || '–'],
    ['volunteer.emergency_contact', v.emergency_contact || '–'], ['person.languages', v.languages || '–'],
    ['volunteer.skills', v.skills.map((k) => t(`volunteer.skill.${k}`)).join(', ') || '–'],
    ['volunteer.qualifications', v.qualifications || '–'],
    ['volunteer.check_declared', v.check_declared || '–'],
    ['volunteer.references', v.references_on ? date(v.references_on) : t('volunteer.references_none')],
  ];
  const references = v.references_on ? null : h('button', {
    type: 'button', class: 'button button-secondary', 'data-testid': 'volunteer-references',
    onclick: async () => { await api.recordReferences(v.id); flash(t('form.saved')); rerender(); },
  }, t('volunteer.references_received'));
  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/volunteers' }, t('volunteers.back'))),
    h('div', { class: 'page-head' },
      h('h1', { dir: 'auto', 'data-testid': 'volunteer-name' }, [v.given_name, v.family_name].filter(Boolean).join(' ')),
      h('a', { href: `#/volunteers/${v.id}/edit`, class: 'button button-secondary', 'data-testid': 'volunteer-edit' }, t('volunteers.edit'))),
    takeFlash(), message,
    h('p', {}, statusTag(v.status), ' ', h('span', { 'data-testid': 'volunteer-dbs' }, t('volunteer.dbs_child'), ': ', dbsMark(rec.dbs_child_facing))),
    leaverNotice(rec, rerender),
    h('div', { class: 'button-group' }, statusButtons, references),
    h('dl', { class: 'facts' }, facts.flatMap(([k, val]) => [h('dt', {}, t(k)), h('dd', { dir: 'auto' }, val)])),
    h('section', { class: 'section' }, h('h2', {}, t('volunteer.notes')), h('p', { class: 'hint' }, t('volunteer.notes_hint')),
      h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'volunteer-notes' }, v.notes || '–')),
    await checksSection(rec, rerender));
}
