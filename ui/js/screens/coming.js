// Screens whose work is still being built say what they will do, in the user's language.

import { h, replace } from '../dom.js';
import { t } from '../i18n.js';

export async function showComing(main, { name }) {
  replace(main,
    h('h1', {}, t(`nav.${name}`)),
    h('div', { class: 'empty' },
      h('p', {}, t(`coming.${name}`)),
      h('p', { class: 'hint' }, t('coming.note'))));
}
