// The rota: a site's week, day by day, each shift with its volunteers and their DBS marks, the
// places still to fill, and whose DBS check ends during the week. Coordinators add shifts and
// put volunteers on them; a refusal (DBS, stay, overlap, not approved) is shown beside the
// shift in the core's words. The weekly roster prints from here.

import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { checkbox, errorSummary, field, flash, select, showApiError, takeFlash } from '../form.js';
import { date, num, t, weekHeading } from '../i18n.js';
import { can } from '../access.js';
import { todayIso } from '../person-format.js';
import { dayText, dbsMark, isoWeek, printForm, weekBar } from '../week.js';
import { homeSite } from '../home-site.js';

const state = { site: null, week: null };

export async function showRota(main, { session }) {
  const sites = await api.listSites();
  state.site = state.site || homeSite(session, sites)?.code;
  state.week = state.week || isoWeek();
  const rota = await api.rotaWeek(state.site, state.week);
  const manager = can(session, 'create_shift');
  const volunteers = manager ? await api.listVolunteers({ site: state.site }) : [];
  const held = manager ? (await api.timetable(state.site, state.week)).instances.filter((i) => i.exception !== 'cancelled') : [];
  const onRota = volunteers.filter((v) => v.status === 'approved' || v.status === 'active');
  const rerender = () => showRota(main, { session });
  const change = (site, week) => { state.site = site; state.week = week; rerender(); };

  const days = rota.days.map((d) => {
    const shifts = rota.shifts.filter((s) => s.on_date === d);
    return h('section', { class: 'section rota-day', 'data-testid': 'rota-day', 'data-date': d },
      h('h2', {}, dayText(d)),
      shifts.length ? h('ul', { class: 'plain-list' }, shifts.map((s) => shiftItem(s, manager, onRota, rerender)))
        : h('p', { class: 'hint' }, t('rota.no_shifts')));
  });

  replace(main,
    h('div', { class: 'page-head' }, h('h1', {}, t('nav.rota')), h('p', { class: 'lead', 'data-testid': 'rota-heading' }, `${rota.site_name} · ${weekHeading(rota.days, rota.week)}`)),
    takeFlash(),
    weekBar({ sites, site: state.site, week: state.week, mondayIso: rota.days[0], onChange: change }),
    h('p', { class: 'count', 'data-testid': 'rota-gaps' }, rota.gaps ? t('rota.gaps', { n: num(rota.gaps) }) : t('rota.no_gaps')),
    rota.expiring.length ? h('div', { class: 'demo-hint', 'data-testid': 'rota-expiring' },
      h('p', {}, t('rota.expiring')), h('ul', {}, rota.expiring.map((e) => h('li', { dir: 'auto' }, `${e.name}: ${t('dbs.valid_until', { date: date(e.until) })}`)))) : null,
    rota.shifts.length ? null : h('div', { class: 'empty' }, h('p', {}, manager ? t('rota.empty_manager') : t('rota.empty'))),
    days,
    manager ? shiftForm(rota, held, rerender) : null,
    manager ? printForm({
      title: t('rota.print_title'), button: t('rota.print'), testid: 'print-roster',
      dialog: () => saveDialog('roster', `roster-${rota.site}-${rota.week}.pdf`),
      print: (path) => api.printRoster(rota.site, rota.week, path),
    }) : null);
}

function shiftItem(s, manager, volunteers, rerender) {
  const gap = Math.max(0, s.needed - s.assigned.length);
  const message = h('div', { class: 'shift-message', tabindex: '-1', 'data-testid': 'shift-message' });
  const people = s.assigned.map((a) => h('li', { 'data-testid': 'shift-volunteer' },
    h('span', { dir: 'auto', class: 'name-latin' }, a.name), ' ', dbsMark(a.dbs),
    manager ? h('button', {
      type: 'button', class: 'button button-secondary button-small', 'aria-label': t('rota.remove_named', { name: a.name }),
      onclick: async () => { try { await api.unassignVolunteer(s.id, a.volunteer_id); rerender(); } catch (err) { say(err); } },
    }, t('rota.remove')) : null));
  const say = (err) => { replace(message, h('p', { class: 'field-error', role: 'alert' }, err.message)); message.focus(); };
  let assign = null;
  if (manager && gap > 0 && !s.cancelled) {
    const free = volunteers.filter((v) => !s.assigned.some((a) => a.volunteer_id === v.id));
    const chooser = h('select', { class: 'input input-small', 'data-testid': 'assign-volunteer', 'aria-label': t('rota.choose_volunteer') },
      h('option', { value: '' }, t('rota.choose_volunteer')),
      free.map((v) => h('option', { value: v.id }, v.name)));
    const button = h('button', { type: 'submit', class: 'button button-small', 'data-testid': 'assign-submit' }, t('rota.assign'));
    assign = h('form', { class: 'assign-form', novalidate: true }, chooser, ' ', button);
    assign.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!chooser.value) { say({ message: t('rota.choose_first') }); return; }
      try {
        await api.assignVolunteer(s.id, chooser.value);
        flash(t('form.saved'));
        rerender();
      } catch (err) {
        say(err);
      }
    });
  }
  return h('li', { class: 'shift', 'data-testid': 'shift', 'data-role': s.role, 'data-id': s.id, 'data-cancelled': String(s.cancelled) },
    h('p', { class: 'shift-head' }, h('strong', {}, `${s.starts_at}–${s.ends_at} ${s.role}`),
      s.child_facing ? h('span', { class: 'tag-status' }, t('rota.child_facing')) : null,
      s.session_id && !s.cancelled ? h('span', { class: 'tag-status' }, t('rota.for_session')) : null,
      s.cancelled ? h('span', { class: 'tag-status tag-status-closed', 'data-testid': 'shift-cancelled' }, t('rota.cancelled')) : null,
      ' ', s.cancelled ? null : h('span', { class: 'muted' }, t('rota.filled', { n: s.assigned.length, of: s.needed }))),
    s.cancelled ? h('p', { class: 'hint' }, s.assigned.length ? t('rota.cancelled_tell') : t('rota.cancelled_hint')) : null,
    people.length ? h('ul', { class: 'plain-list shift-people' }, people) : null,
    gap && !s.cancelled ? h('p', { class: 'muted' }, t('rota.unfilled', { n: gap })) : null,
    message, assign);
}

function shiftForm(rota, held, rerender) {
  const summary = errorSummary();
  // The day is one of the week shown, by name ("Mon 23 Nov"): no date widget whose order
  // follows the computer's locale.
  const on = select({ name: 'on_date', label: t('rota.date'), value: rota.days.includes(todayIso()) ? todayIso() : rota.days[0], testid: 'shift-date',
    options: rota.days.map((d) => [d, dayText(d)]) });
  const starts = field({ name: 'starts_at', label: t('rota.starts_at'), hint: t('rota.time_hint'), width: 'short', value: '09:00', testid: 'shift-starts' });
  const ends = field({ name: 'ends_at', label: t('rota.ends_at'), hint: t('rota.time_hint'), width: 'short', value: '13:00', testid: 'shift-ends' });
  const role = field({ name: 'role', label: t('rota.role'), hint: t('rota.role_hint'), testid: 'shift-role' });
  const child = checkbox({ name: 'child_facing', label: t('rota.child_facing'), hint: t('rota.child_facing_hint'), testid: 'shift-child' });
  const needed = field({ name: 'needed', label: t('rota.needed'), type: 'number', width: 'short', value: '1', testid: 'shift-needed' });
  const level = select({ name: 'required_dbs', label: t('rota.required_dbs'), value: 'basic', options: ['none', 'basic', 'standard', 'enhanced'].map((l) => [l, t(`dbs.require.${l}`)]) });
  // A shift for a session takes the session's day and times, and follows them if it moves.
  const instanceKey = (i) => `${i.session_id}/${i.on_date}`;
  const linked = select({ name: 'session', label: t('rota.session'), hint: t('rota.session_hint'), value: '', testid: 'shift-session',
    options: [['', t('rota.no_session')], ...held.map((i) => [instanceKey(i), `${dayText(i.held_on)} ${i.starts_at}–${i.ends_at} ${i.title}`])] });
  const chosen = () => held.find((i) => instanceKey(i) === linked.input.value) || null;
  const follow = () => {
    const i = chosen();
    for (const f of [on, starts, ends]) f.input.disabled = Boolean(i);
    if (i) {
      on.input.value = i.held_on; starts.input.value = i.starts_at; ends.input.value = i.ends_at;
      role.input.placeholder = i.title;
      if (i.child_facing) child.input.checked = true;
    } else {
      role.input.placeholder = '';
    }
    child.input.disabled = Boolean(i && i.child_facing);
  };
  linked.input.addEventListener('change', follow);
  const form = h('form', { class: 'form section', novalidate: true, 'data-testid': 'shift-form' },
    h('h2', {}, t('rota.add_shift')), summary, held.length ? linked : null, h('div', { class: 'cols' }, on, starts, ends, needed), role, child, level,
    h('button', { type: 'submit', class: 'button button-secondary', 'data-testid': 'shift-save' }, t('rota.add_shift')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    const i = chosen();
    if (!i && !on.input.value) { summary.show([{ field: 'on_date', message: t('rota.date_missing') }], form); return; }
    const when = i ? { session: i.session_id, on_date: i.on_date }
      : { on_date: on.input.value, starts_at: starts.input.value, ends_at: ends.input.value };
    try {
      await api.createShift({
        site: rota.site, ...when, role: role.input.value, child_facing: child.input.checked,
        required_dbs: level.input.value, needed: Number(needed.input.value) || 1,
      });
      flash(t('form.saved'));
      rerender();
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  return form;
}
