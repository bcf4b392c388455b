// Distribution day's printing, shared by the person page and the distribution screen: ID cards
// (a person's, or a site's), the packing list (PDF, CSV or Excel) and the bag labels. Each asks
// where to save (the native dialog), writes through the core (which checks the role and audits
// the print), then opens the PDF.

import * as api from './api.js';
import { saveDialog } from './dialogs.js';
import { h, replace } from './dom.js';
import { notice } from './form.js';
import { num, t } from './i18n.js';

/** A button that saves with `save(path)` to a path from the dialog `dialog`, then says `done`. */
export function printButton({ label, testid, dialog, fileName, format, save, done, message }) {
  const button = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': testid }, label);
  const say = (el) => { replace(message, el); message.focus(); };
  button.addEventListener('click', async () => {
    try {
      const path = await api.chooseSavePath(saveDialog(dialog, fileName(), { format }));
      if (!path) return;
      const printed = await save(path);
      const text = done(printed);
      if (/\.pdf$/i.test(printed.path)) {
        try { await api.openPath(printed.path); } catch { say(h('div', {}, notice(text), h('p', { class: 'hint' }, t('people.printed_not_opened')))); return; }
      }
      say(notice(text));
    } catch (err) { say(h('p', { class: 'field-error', role: 'alert' }, err.message)); }
  });
  return button;
}

/** The person page's "Print ID card": a new card, numbered, for this person. */
export function idCardButton(person) {
  const message = h('div', { tabindex: '-1', 'data-testid': 'id-card-message' });
  const button = printButton({
    label: t('card.print_one'), testid: 'print-id-card', dialog: 'id_cards', message,
    fileName: () => `id-card-${person.code}.pdf`,
    save: (path) => api.printIdCards(person.code, null, path),
    done: (printed) => t('card.printed', { n: num(printed.rows), path: printed.path }),
  });
  return h('div', { class: 'person-actions' }, button, message);
}

/** The distribution screen's day printing: the site's ID cards, packing list and bag labels. */
export function dayPrinting(d, { coordinator }) {
  const message = h('div', { tabindex: '-1', 'data-testid': 'day-print-message' });
  const buttons = [
    printButton({
      label: t('card.print_site', { site: d.site }), testid: 'print-site-cards', dialog: 'id_cards', message,
      fileName: () => `id-cards-${d.site}.pdf`,
      save: (path) => api.printIdCards(null, d.site, path),
      done: (printed) => t('card.printed', { n: num(printed.rows), path: printed.path }),
    }),
    printButton({
      label: t('day.labels_21'), testid: 'print-labels-21', dialog: 'bag_labels', message,
      fileName: () => `bag-labels-${d.site}-${d.held_on}.pdf`,
      save: (path) => api.printBagLabels(d.id, 21, path),
      done: (printed) => t('day.labels_printed', { n: num(printed.rows), pages: num(printed.pages), path: printed.path }),
    }),
    printButton({
      label: t('day.labels_24'), testid: 'print-labels-24', dialog: 'bag_labels', message,
      fileName: () => `bag-labels-${d.site}-${d.held_on}.pdf`,
      save: (path) => api.printBagLabels(d.id, 24, path),
      done: (printed) => t('day.labels_printed', { n: num(printed.rows), pages: num(printed.pages), path: printed.path }),
    }),
  ];
  if (coordinator) {
    for (const format of ['pdf', 'csv', 'xlsx']) {
      buttons.push(printButton({
        label: t(`day.packing_${format}`), testid: `packing-${format}`, dialog: 'packing_list', format, message,
        fileName: () => `packing-${d.site}-${d.held_on}.${format}`,
        save: (path) => api.printPackingList(d.id, path),
        done: (printed) => t('day.packing_written', { n: num(printed.rows), path: printed.path }),
      }));
    }
  }
  return h('section', { class: 'list-tools', 'aria-labelledby': 'day-print-title', 'data-testid': 'day-printing' },
    h('h2', { id: 'day-print-title' }, t('day.printing')),
    h('p', { class: 'hint' }, t('day.printing_hint')),
    h('div', { class: 'button-group' }, buttons), message);
}

/** After the day: who did not come (with a phone where allowed) and requested against given. */
export async function afterTheDay(d) {
  const after = await api.distributionAfter(d.id);
  return h('section', { 'aria-labelledby': 'after-title', 'data-testid': 'after-day' },
    h('h2', { id: 'after-title' }, t('day.after')),
    h('h3', {}, t('day.not_collected', { n: num(after.not_collected.length) })),
    after.not_collected.length === 0 ? h('p', { class: 'hint' }, t('day.everyone_came')) : h('table', { class: 'table', 'data-testid': 'not-collected' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('people.code')), h('th', { scope: 'col' }, t('people.name')),
        h('th', { scope: 'col', class: 'num' }, t('dist.size')), h('th', { scope: 'col' }, t('day.phone')))),
      h('tbody', {}, after.not_collected.map((r) => h('tr', { 'data-testid': 'not-collected-row', 'data-code': r.code },
        h('td', { class: 'code' }, r.code),
        h('td', {}, h('span', { dir: 'auto' }, r.name), r.original_name ? h('span', {}, ' · ', h('span', { class: 'original-name', dir: 'auto' }, r.original_name)) : null),
        h('td', { class: 'num' }, num(r.people)),
        h('td', { class: 'nowrap', dir: 'ltr' }, r.phone || '—'))))),
    after.collected_twice.length === 0 ? null : h('div', { class: 'notice-warning', 'data-testid': 'collected-twice' },
      h('h3', {}, t('day.collected_twice', { n: num(after.collected_twice.length) })),
      h('p', { class: 'hint' }, t('day.collected_twice_hint')),
      h('ul', {}, after.collected_twice.map((r) => h('li', { 'data-testid': 'collected-twice-row', 'data-code': r.code },
        h('span', { class: 'code' }, r.code), ' ', h('span', { dir: 'auto' }, r.name), ' · ',
        t('day.collected_times', { n: num(r.collections) }))))),
    h('h3', {}, t('day.requested_given')),
    after.items.length === 0 ? h('p', { class: 'hint' }, t('day.nothing_given')) : h('table', { class: 'table', 'data-testid': 'requested-given' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('stock.item')), h('th', { scope: 'col', class: 'num' }, t('day.requested')),
        h('th', { scope: 'col', class: 'num' }, t('day.given')))),
      h('tbody', {}, after.items.map((r) => h('tr', { 'data-testid': 'requested-given-row' },
        h('td', {}, r.variant ? `${r.item} (${r.variant})` : r.item),
        h('td', { class: 'num' }, num(r.requested)),
        h('td', { class: 'num' }, num(r.given)))))));
}
