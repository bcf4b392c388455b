// Possible duplicates (on the Exchange screen, coordinators and leads): records that look like
// one person registered twice, side by side with why; "Merge" (choose the record to keep, then
// confirm) or "Not the same person". Both answers travel to every computer of the centre.

import * as api from '../api.js';
import { h, replace } from '../dom.js';
import { confirmBox, flash } from '../form.js';
import { t } from '../i18n.js';
import { ageText, latinName, nameBlock } from '../person-format.js';
import { reasonText } from './person-new.js';

function side(p, name, checked) {
  const radio = h('input', { type: 'radio', name, value: p.id, checked: checked || null, 'data-testid': 'duplicate-keep' });
  return h('div', { class: 'duplicate-side' },
    h('p', {}, nameBlock(latinName(p), p.original_name, { link: `#/people/${p.id}` })),
    h('p', { class: 'person-meta' }, h('span', { class: 'code' }, p.code), ' · ', p.site, ' · ', ageText(p.age)),
    h('label', { class: 'choice' }, radio, ' ', t('duplicates.keep_this')));
}

/** The section: `pairs` from `list_possible_duplicates`; `rerender` shows the screen again. */
export function duplicatesSection(pairs, rerender) {
  const status = h('div', { role: 'status' });
  const fail = (err, button) => {
    button.disabled = false;
    replace(status, h('p', { class: 'field-error' }, err.message));
  };
  return h('section', { 'aria-labelledby': 'duplicates-title', 'data-testid': 'duplicates' },
    h('h2', { id: 'duplicates-title' }, t('duplicates.title')),
    h('p', { class: 'hint' }, t('duplicates.intro')),
    status,
    pairs.length === 0
      ? h('p', { class: 'empty', 'data-testid': 'duplicates-none' }, t('duplicates.none'))
      : h('ul', { class: 'conflict-list' }, pairs.map((pair, i) => {
        const name = `keep-${i}`;
        const merge = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'duplicate-merge' }, t('duplicates.merge'));
        const dismiss = h('button', { type: 'button', class: 'button button-secondary', 'data-testid': 'duplicate-dismiss' }, t('duplicates.dismiss'));
        const holder = h('div');
        const item = h('li', { class: 'conflict', 'data-testid': 'duplicate' },
          h('fieldset', {},
            h('legend', {}, t('duplicates.why', { reasons: pair.reasons.map(reasonText).join('; ') })),
            h('div', { class: 'side-by-side' }, side(pair.first, name, true), side(pair.second, name, false))),
          h('div', { class: 'button-group' }, merge, dismiss),
          holder);
        merge.addEventListener('click', () => {
          const chosen = item.querySelector(`input[name="${name}"]:checked`);
          const [keep, gone] = chosen && chosen.value === pair.second.id ? [pair.second, pair.first] : [pair.first, pair.second];
          merge.hidden = true;
          replace(holder, confirmBox({
            title: t('duplicates.confirm_title', { merged: gone.code, keep: keep.code }),
            body: t('duplicates.confirm_body', { merged: gone.code, keep: keep.code }),
            yes: t('duplicates.confirm_yes'),
            no: t('form.cancel'),
            testid: 'confirm-merge',
            onYes: async () => {
              try {
                await api.mergePeople(keep.id, gone.id);
                flash(t('duplicates.merged', { merged: gone.code, keep: keep.code }));
                rerender();
              } catch (err) {
                fail(err, merge);
              }
            },
            onNo: () => { replace(holder); merge.hidden = false; merge.focus(); },
          }));
        });
        dismiss.addEventListener('click', async () => {
          dismiss.disabled = true;
          try {
            await api.dismissDuplicate(pair.first.id, pair.second.id);
            flash(t('duplicates.dismissed', { first: pair.first.code, second: pair.second.code }));
            rerender();
          } catch (err) {
            fail(err, dismiss);
          }
        });
        return item;
      })));
}
