// The language switch, shown on every screen. Changing it re-renders the current screen.

import { h } from '../dom.js';
import { language, languages, setLanguage, t } from '../i18n.js';

export function languageSwitch(rerender) {
  const id = 'lang-switch';
  const sel = h('select', { id, class: 'input input-small', 'data-testid': 'language' },
    languages().map((l) => h('option', { value: l, selected: l === language() }, t(`lang.${l}`))));
  sel.addEventListener('change', async () => {
    await setLanguage(sel.value);
    rerender();
  });
  return h('div', { class: 'lang-switch' }, h('label', { for: id, class: 'label-inline' }, t('lang.label')), sel);
}
