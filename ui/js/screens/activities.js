// Activities: a site's timetable for a week (sessions held, cancelled or moved, with places
// taken), a session's sign-up list where the desk signs people up and ticks who came, and for
// coordinators the recurring sessions and one-week changes. The sign-up / attendance sheet
// prints from here.

import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { checkbox, dateInput, errorSummary, field, flash, select, showApiError, takeFlash } from '../form.js';
import { date, num, t, warningText, weekHeading } from '../i18n.js';
import { can } from '../access.js';
import { personPicker } from '../person-picker.js';
import { dayText, isoWeek, printForm, weekBar } from '../week.js';
import { homeSite } from '../home-site.js';

const KINDS = ['childrens_play', 'english', 'womens', 'maktab', 'other'];
const state = { site: null, week: null, open: null };

export async function showActivities(main, { session }) {
  const sites = await api.listSites();
  state.site = state.site || homeSite(session, sites)?.code;
  state.week = state.week || isoWeek();
  const tt = await api.timetable(state.site, state.week);
  const manager = can(session, 'save_session');
  const rerender = () => showActivities(main, { session });
  const change = (site, week) => { state.site = site; state.week = week; state.open = null; rerender(); };

  const items = tt.instances.map((i) => {
    const key = `${i.session_id}/${i.on_date}`;
    const open = state.open === key;
    const status = i.exception === 'cancelled' ? t('activities.cancelled')
      : i.exception === 'moved' ? t('activities.moved', { from: date(i.on_date) }) : null;
    const toggle = h('button', { type: 'button', class: 'button button-secondary button-small', 'aria-expanded': String(open), 'data-testid': 'instance-open',
      onclick: () => { state.open = open ? null : key; rerender(); } }, open ? t('activities.close') : t('activities.sign_ups'));
    return h('li', { class: 'section instance', 'data-testid': 'instance', 'data-title': i.title, 'data-session': i.session_id, 'data-on': i.on_date },
      h('p', { class: 'shift-head' }, h('strong', {}, `${dayText(i.held_on)} ${i.starts_at}–${i.ends_at} ${i.title}`),
        i.place ? h('span', { class: 'muted' }, ` · ${i.place}`) : null,
        i.child_facing ? h('span', { class: 'tag-status' }, t('rota.child_facing')) : null,
        status ? h('span', { class: 'tag-status tag-status-closed', 'data-testid': 'instance-exception' }, status) : null),
      h('p', { class: 'muted' }, t('activities.places', { n: num(i.signed_up), of: num(i.capacity) }),
        i.attended ? ` · ${t('activities.attended', { n: num(i.attended) })}` : '', i.reason ? ` · ${i.reason}` : ''),
      i.exception === 'cancelled' ? null : toggle,
      open ? h('div', { 'data-testid': 'instance-panel' }, signUpPanel(i, rerender),
        printForm({
          title: t('activities.print_session_title', { title: i.title }), button: t('activities.print_session'), testid: 'print-session',
          dialog: () => saveDialog('session_sheet', `activity-${state.site}-${i.on_date}.pdf`, { vars: { title: i.title } }),
          print: (path) => api.printActivitySheet(state.site, tt.week, path, i.session_id),
        }),
        manager ? exceptionForm(i, rerender) : null) : null);
  });

  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, t('nav.activities')), h('p', { class: 'lead', 'data-testid': 'activities-heading' }, weekHeading(tt.days, tt.week))),
    takeFlash(),
    weekBar({ sites, site: state.site, week: state.week, mondayIso: tt.days[0], onChange: change }),
    items.length ? h('ul', { class: 'plain-list' }, items)
      : h('div', { class: 'empty' }, h('p', {}, manager ? t('activities.empty_manager') : t('activities.empty'))),
    printForm({
      title: t('activities.print_title'), button: t('activities.print'), testid: 'print-activity',
      dialog: () => saveDialog('activity_sheet', `activities-${state.site}-${tt.week}.pdf`),
      print: (path) => api.printActivitySheet(state.site, tt.week, path),
    }),
    manager ? await sessionsSection(rerender) : null);
}

/** A person's age as the sheet prints it: months under two years, else years. */
function ageText(p) {
  if (p.age_months != null && p.age_months < 24) return t(p.age_months === 1 ? 'activities.age_month' : 'activities.age_months', { n: p.age_months });
  return p.age ?? '–';
}

function signUpPanel(i, rerender) {
  const box = h('div', { class: 'sign-ups' }, h('p', { class: 'loading' }, t('app.loading')));
  const message = h('div', { tabindex: '-1' });
  const say = (err) => { replace(message, h('p', { class: 'field-error', role: 'alert' }, err.message)); message.focus(); };
  (async () => {
    const people = await api.sessionSignUps(i.session_id, i.on_date);
    const rows = people.map((p) => h('tr', { 'data-testid': 'sign-up-row' },
      h('td', { class: 'code' }, p.code),
      h('td', { dir: 'auto' }, p.name, p.original_name ? h('span', { class: 'name-original', dir: 'auto' }, ` ${p.original_name}`) : null),
      h('td', { class: 'num' }, ageText(p)),
      h('td', {}, ['true', 'false'].map((v) => {
        const value = v === 'true';
        return h('button', { type: 'button', class: `button button-small ${p.attended === value ? '' : 'button-secondary'}`, 'aria-pressed': String(p.attended === value),
          onclick: async () => { try { await api.recordAttendance(i.session_id, i.on_date, p.person_id, p.attended === value ? null : value); rerender(); } catch (err) { say(err); } } },
        value ? t('activities.came') : t('activities.did_not_come'));
      })),
      h('td', {}, h('button', { type: 'button', class: 'button button-secondary button-small',
        onclick: async () => { try { await api.cancelSignUp(i.session_id, i.on_date, p.person_id); rerender(); } catch (err) { say(err); } } }, t('rota.remove')))));
    const picker = personPicker({ name: 'person', label: t('activities.sign_up_person'), testid: 'sign-up-picker' });
    const form = h('form', { class: 'form', novalidate: true }, picker,
      h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'sign-up-submit' }, t('activities.sign_up')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!picker.value) { say({ message: t('activities.choose_person') }); return; }
      try {
        const out = await api.signUp(i.session_id, i.on_date, picker.value);
        if (out.warnings && out.warnings.length) flash(out.warnings.map(warningText).join(' '), 'warning');
        rerender();
      } catch (err) { say(err); }
    });
    replace(box,
      rows.length ? h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, ['people.code', 'people.name', 'people.age', 'activities.attendance', 'rota.remove'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, rows)) : h('p', { class: 'hint' }, t('activities.no_sign_ups')),
      message, i.signed_up < i.capacity ? form : h('p', { class: 'hint' }, t('activities.full')));
  })().catch(say);
  return box;
}

function exceptionForm(i, rerender) {
  const summary = errorSummary();
  const kind = select({ name: 'kind', label: t('activities.change_week'), value: i.exception || 'cancelled',
    options: [['cancelled', t('activities.cancel')], ['moved', t('activities.move')], ['', t('activities.as_planned')]] });
  const movedTo = dateInput({ name: 'moved_to', label: t('activities.moved_to'), value: i.held_on, testid: 'exception-moved-to' });
  const starts = field({ name: 'starts_at', label: t('rota.starts_at'), hint: t('rota.time_hint'), width: 'short', required: false, value: i.starts_at });
  const ends = field({ name: 'ends_at', label: t('rota.ends_at'), hint: t('rota.time_hint'), width: 'short', required: false, value: i.ends_at });
  const place = field({ name: 'place', label: t('activities.place'), required: false, value: i.place });
  const reason = field({ name: 'reason', label: t('activities.reason'), required: false, value: i.reason });
  const form = h('form', { class: 'form', novalidate: true }, h('h3', {}, t('activities.change_week')), summary, kind,
    h('div', { class: 'cols' }, movedTo, starts, ends), place, reason,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'exception-save' }, t('form.save')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    const moved = kind.input.value === 'moved';
    const day = moved ? movedTo.read() : { value: null, problem: null };
    if (day.problem) { summary.show([day.problem], form); return; }
    try {
      await api.setSessionException({
        session: i.session_id, on_date: i.on_date, kind: kind.input.value || null,
        moved_to: day.value, starts_at: moved ? starts.input.value || null : null,
        ends_at: moved ? ends.input.value || null : null, place: moved ? place.input.value || null : null, reason: reason.input.value,
      });
      flash(t('form.saved'));
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}

async function sessionsSection(rerender) {
  const sessions = await api.listSessions(state.site);
  const weekday = (n) => t(`weekday.${n}`);
  const table = sessions.length ? h('table', { class: 'table', 'data-testid': 'sessions' },
    h('thead', {}, h('tr', {}, ['activities.title', 'activities.day', 'activities.time', 'activities.place', 'activities.capacity'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, sessions.map((s) => h('tr', {}, h('td', {}, s.title, s.active ? '' : ` (${t('activities.stopped')})`), h('td', {}, weekday(s.weekday)),
      h('td', {}, `${s.starts_at}–${s.ends_at}`), h('td', {}, s.place), h('td', { class: 'num' }, num(s.capacity))))))
    : h('p', { class: 'hint' }, t('activities.no_sessions'));
  const summary = errorSummary();
  const kind = select({ name: 'kind', label: t('activities.kind'), value: 'childrens_play', options: KINDS.map((k) => [k, t(`activities.kind.${k}`)]) });
  const title = field({ name: 'title', label: t('activities.title'), testid: 'session-title' });
  const day = select({ name: 'weekday', label: t('activities.day'), value: '1', options: [1, 2, 3, 4, 5, 6, 7].map((n) => [String(n), weekday(n)]) });
  const starts = field({ name: 'starts_at', label: t('rota.starts_at'), hint: t('rota.time_hint'), width: 'short', value: '10:00' });
  const ends = field({ name: 'ends_at', label: t('rota.ends_at'), hint: t('rota.time_hint'), width: 'short', value: '12:00' });
  const place = field({ name: 'place', label: t('activities.place'), required: false });
  const capacity = field({ name: 'capacity', label: t('activities.capacity'), type: 'number', width: 'short', value: '12' });
  const child = checkbox({ name: 'child_facing', label: t('rota.child_facing'), hint: t('rota.child_facing_hint') });
  const form = h('form', { class: 'form', novalidate: true, 'data-testid': 'session-form' },
    h('h3', {}, t('activities.add_session')), summary, h('div', { class: 'cols' }, kind, title), h('div', { class: 'cols' }, day, starts, ends, capacity), place, child,
    h('button', { type: 'submit', class: 'button button-secondary' }, t('activities.add_session')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      await api.saveSession({ site: state.site, kind: kind.input.value, title: title.input.value, weekday: Number(day.input.value),
        starts_at: starts.input.value, ends_at: ends.input.value, place: place.input.value, capacity: Number(capacity.input.value) || 0,
        child_facing: child.input.checked });
      flash(t('form.saved'));
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return h('section', { class: 'section' }, h('h2', {}, t('activities.sessions')), table, form);
}
