// Settings › Volunteer information: the sheet the centre gives new volunteers, written in
// English and French, each site's address, and printing it for a site in either language.
// `{site}`, `{address}` and `{contact}` in a text are filled in when it is printed.

import * as api from '../api.js';
import { saveDialog } from '../dialogs.js';
import { h, replace } from '../dom.js';
import { errorSummary, notice, select, showApiError, textarea } from '../form.js';
import { t } from '../i18n.js';
import { printForm } from '../week.js';

export function volunteerInfoSection(info, sites, canChange) {
  const summary = errorSummary();
  const en = textarea({ name: 'en', label: t('volunteer_info.en'), hint: t('volunteer_info.hint'), value: info.en, rows: 10, testid: 'info-en' });
  const fr = textarea({ name: 'fr', label: t('volunteer_info.fr'), hint: t('volunteer_info.hint'), value: info.fr, rows: 10, testid: 'info-fr' });
  const addresses = info.addresses.map((a) => ({
    site: a.site,
    box: textarea({ name: `address_${a.site}`, label: t('volunteer_info.address', { site: sites.find((s) => s.code === a.site)?.name || a.site }), value: a.address, rows: 3, testid: `info-address-${a.site}` }),
  }));
  for (const f of [en, fr, ...addresses.map((a) => a.box)]) f.input.disabled = !canChange;
  const status = h('div');
  const form = h('form', { class: 'form section', novalidate: true, 'data-testid': 'volunteer-info' },
    h('h2', {}, t('volunteer_info.title')), summary, en, fr, addresses.map((a) => a.box), status,
    canChange ? h('button', { type: 'submit', class: 'button', 'data-testid': 'info-save' }, t('form.save')) : null);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    summary.clear(form);
    try {
      await api.updateVolunteerInfo({ en: en.input.value, fr: fr.input.value, addresses: addresses.map((a) => ({ site: a.site, address: a.box.input.value })) });
      replace(status, notice(t('form.saved')));
    } catch (err) {
      showApiError(summary, form, err);
    }
  });
  const active = sites.filter((s) => s.active);
  const site = select({ name: 'site', label: t('volunteer.site'), value: active[0]?.code, options: active.map((s) => [s.code, `${s.name} (${s.code})`]), testid: 'info-site' });
  const language = select({ name: 'language', label: t('volunteer_info.language'), value: 'en', options: [['en', 'English'], ['fr', 'Français']], testid: 'info-language' });
  const print = printForm({
    title: t('volunteer_info.print_title'), button: t('volunteer_info.print'), testid: 'print-info',
    dialog: () => saveDialog('volunteer_info', `volunteer-info-${site.input.value}-${language.input.value}.pdf`),
    print: (path) => api.printVolunteerInfo(site.input.value, language.input.value, path),
  });
  return h('div', {}, form, h('div', { class: 'cols' }, site, language), print);
}
