// Volunteers: the list with each volunteer's DBS status, the "DBS due" list, the add / change
// form, and a volunteer's page with their status, restricted notes and DBS checks. Only leads
// and coordinators reach this screen's data (the core refuses the front desk, and the screen
// then says so); DBS detail is shown here and nowhere else, and every view is audited.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { checkbox, errorSummary, field, flash, select, showApiError, takeFlash, textarea, valueOrNull } from '../form.js';
import { date, num, t } from '../i18n.js';
import { can } from '../access.js';
import { todayIso } from '../person-format.js';
import { dbsMark } from '../week.js';
import { homeSite, siteFilter } from '../home-site.js';

const STATUSES = ['applied', 'approved', 'active', 'left'];
const SKILLS = ['early_years', 'teaching', 'medical', 'interpreting', 'driving'];
const LEVELS = ['basic', 'standard', 'enhanced', 'enhanced_barred'];
const WORKFORCES = ['child', 'adult', 'both'];
const NEXT = { applied: ['approved', 'left'], approved: ['active', 'left'], active: ['left'], left: ['approved'] };

export async function showVolunteers(main, { path, session }) {
  if (!can(session, 'list_volunteers')) {
    replace(main, h('h1', {}, t('nav.volunteers')), h('div', { class: 'empty' }, h('p', {}, t('volunteers.coordinators_only'))));
    return;
  }
  const [first, second] = path;
  if (first === 'new') return showForm(main, null, session);
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
        h('thead', {}, h('tr', {}, ['volunteers.name', 'people.site', 'volunteers.status', 'volunteers.stay', 'volunteers.dbs_child'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows.map((v) => h('tr', { 'data-testid': 'volunteer-row' },
          h('td', { dir: 'auto' }, h('a', { href: `#/volunteers/${v.id}`, 'data-testid': 'volunteer-link' }, v.name)),
          h('td', {}, v.site),
          h('td', {}, statusTag(v.status)),
          h('td', {}, `${date(v.arrival_on)} – ${v.departure_on ? date(v.departure_on) : t('volunteers.open_ended')}`),
          h('td', {}, dbsMark(v.dbs))))))
        : h('div', { class: 'empty' }, h('p', {}, t('volunteers.none'))));
  };
  statusSel.input.addEventListener('change', () => { state.status = statusSel.input.value; load(); });
  search.input.addEventListener('input', () => { state.text = search.input.value.trim(); load(); });
  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, t('nav.volunteers')),
      h('a', { href: '#/volunteers/new', class: 'button', 'data-testid': 'volunteer-add' }, t('volunteers.add'))),
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
      h('a', { href: `#/volunteers/${d.id}`, dir: 'auto' }, d.name), ` (${d.site}) `, dbsMark(d.dbs),
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
  const arrival = field({ name: 'arrival_on', label: t('volunteer.arrival_on'), type: 'date', width: 'date', value: v?.arrival_on || todayIso(), testid: 'volunteer-arrival' });
  const departure = field({ name: 'departure_on', label: t('volunteer.departure_on'), hint: t('volunteer.departure_hint'), type: 'date', width: 'date', value: v?.departure_on || '', required: false, testid: 'volunteer-departure' });
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
    const input = {
      given_name: given.input.value, family_name: family.input.value, email: email.input.value, phone: phone.input.value,
      emergency_contact: emergency.input.value, languages: languages.input.value,
      skills: SKILLS.filter((_, i) => skills[i].input.checked), qualifications: qualifications.input.value,
      site: site.input.value,
      other_sites: sites.filter((s) => s.active).filter((_, i) => others[i].input.checked).map((s) => s.code),
      arrival_on: arrival.input.value, departure_on: valueOrNull(departure.input),
      structured_activity: activity.input.value, notes: notes.input.value,
    };
    if (!input.arrival_on) { summary.show([{ field: 'arrival_on', message: t('volunteer.arrival_missing') }], form); return; }
    try {
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
  ];
  replace(main,
    h('p', { class: 'back' }, h('a', { href: '#/volunteers' }, t('volunteers.back'))),
    h('div', { class: 'page-head' },
      h('h1', { dir: 'auto', 'data-testid': 'volunteer-name' }, [v.given_name, v.family_name].filter(Boolean).join(' ')),
      h('a', { href: `#/volunteers/${v.id}/edit`, class: 'button button-secondary', 'data-testid': 'volunteer-edit' }, t('volunteers.edit'))),
    takeFlash(), message,
    h('p', {}, statusTag(v.status), ' ', h('span', { 'data-testid': 'volunteer-dbs' }, t('volunteer.dbs_child'), ': ', dbsMark(rec.dbs_child_facing))),
    h('div', { class: 'button-group' }, statusButtons),
    h('dl', { class: 'facts' }, facts.flatMap(([k, val]) => [h('dt', {}, t(k)), h('dd', { dir: 'auto' }, val)])),
    h('section', { class: 'section' }, h('h2', {}, t('volunteer.notes')), h('p', { class: 'hint' }, t('volunteer.notes_hint')),
      h('p', { class: 'prewrap', dir: 'auto', 'data-testid': 'volunteer-notes' }, v.notes || '–')),
    dbsSection(rec, rerender));
}

function dbsSection(rec, rerender) {
  const checks = rec.dbs_checks;
  const table = checks.length ? h('table', { class: 'table', 'data-testid': 'dbs-checks' },
    h('thead', {}, h('tr', {}, ['dbs.level_label', 'dbs.workforce', 'dbs.barred', 'dbs.certificate', 'dbs.issued_on', 'dbs.update_service', 'dbs.verified'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, checks.map((c) => h('tr', {},
      h('td', {}, t(`dbs.level.${c.level}`)), h('td', {}, t(`dbs.workforce.${c.workforce}`)),
      h('td', {}, [c.barred_children ? t('dbs.barred_children') : null, c.barred_adults ? t('dbs.barred_adults') : null].filter(Boolean).join(', ') || '–'),
      h('td', { class: 'code' }, c.certificate_number), h('td', {}, date(c.issued_on)),
      h('td', {}, c.update_service_id ? `${c.update_service_id}${c.update_checked_on ? ` · ${t('dbs.checked_on', { date: date(c.update_checked_on) })}` : ''}` : '–',
        c.update_service_id ? h('button', { type: 'button', class: 'button button-secondary button-small', onclick: async () => { await api.recordDbsStatusCheck(c.id); flash(t('form.saved')); rerender(); } }, t('dbs.checked_today')) : null),
      h('td', {}, `${c.verified_by || ''} ${date(c.verified_on)}`)))))
    : h('p', { class: 'empty' }, t('dbs.none'));

  const summary = errorSummary();
  const level = select({ name: 'level', label: t('dbs.level_label'), value: 'enhanced_barred', options: LEVELS.map((l) => [l, t(`dbs.level.${l}`)]), testid: 'dbs-level' });
  const workforce = select({ name: 'workforce', label: t('dbs.workforce'), value: 'child', options: WORKFORCES.map((w) => [w, t(`dbs.workforce.${w}`)]), testid: 'dbs-workforce' });
  const children = checkbox({ name: 'barred_children', label: t('dbs.barred_children'), checked: true, testid: 'dbs-barred-children' });
  const adults = checkbox({ name: 'barred_adults', label: t('dbs.barred_adults') });
  const number = field({ name: 'certificate_number', label: t('dbs.certificate'), hint: t('dbs.certificate_hint'), inputmode: 'numeric', width: 'medium', testid: 'dbs-number' });
  const issued = field({ name: 'issued_on', label: t('dbs.issued_on'), type: 'date', width: 'date', testid: 'dbs-issued' });
  const usId = field({ name: 'update_service_id', label: t('dbs.update_service_id'), hint: t('dbs.update_service_hint'), required: false, width: 'medium' });
  const usChecked = field({ name: 'update_checked_on', label: t('dbs.update_checked_on'), type: 'date', width: 'date', required: false });
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'dbs-form' },
    h('h3', {}, t('dbs.add')), h('p', { class: 'hint' }, t('dbs.never_content')), summary,
    h('div', { class: 'cols' }, level, workforce), children, adults, number, issued, h('div', { class: 'cols' }, usId, usChecked),
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'dbs-save' }, t('dbs.add')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    if (!issued.input.value) { summary.show([{ field: 'issued_on', message: t('dbs.issued_missing') }], form); return; }
    try {
      await api.addDbsCheck({
        volunteer: rec.volunteer.id, level: level.input.value, workforce: workforce.input.value,
        barred_children: children.input.checked, barred_adults: adults.input.checked,
        certificate_number: number.input.value, issued_on: issued.input.value,
        update_service_id: valueOrNull(usId.input), update_checked_on: valueOrNull(usChecked.input),
      });
      flash(t('form.saved'));
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('section', { class: 'section' },
    h('h2', {}, t('dbs.title')), h('p', { class: 'hint' }, t('dbs.restricted')),
    h('p', {}, t('volunteer.dbs_any'), ': ', dbsMark(rec.dbs_status)),
    table, form);
}
