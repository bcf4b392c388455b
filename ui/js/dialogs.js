// The options of every native "save as" and "open" dialog the window shows, one entry per
// purpose. Each dialog's title comes from the language files under its own `dialog.*` key, so a
// dialog says what it saves or opens (a sign-up sheet's dialog once borrowed the emergency
// contact list's title because the screens passed titles by hand).

import { t } from './i18n.js';

/** What each "save as" dialog saves: its title's key and the kinds of file it offers. */
export const SAVE_DIALOGS = {
  sign_up_sheet: { title: 'dialog.save.sign_up_sheet', formats: ['pdf'] },
  phone_contacts: { title: 'dialog.save.phone_contacts', formats: ['pdf'] },
  people_list: { title: 'dialog.save.people_list', formats: ['csv', 'xlsx'] },
  person_data: { title: 'dialog.save.person_data', formats: ['pdf'] },
  recovery_sheet: { title: 'dialog.save.recovery_sheet', formats: ['pdf'] },
  report: { title: 'dialog.save.report', formats: ['csv', 'xlsx'] },
  money_report: { title: 'dialog.save.money_report', formats: ['csv', 'xlsx', 'pdf'] },
  roster: { title: 'dialog.save.roster', formats: ['pdf'] },
  activity_sheet: { title: 'dialog.save.activity_sheet', formats: ['pdf'] },
  session_sheet: { title: 'dialog.save.session_sheet', formats: ['pdf'] },
  volunteer_info: { title: 'dialog.save.volunteer_info', formats: ['pdf'] },
  id_cards: { title: 'dialog.save.id_cards', formats: ['pdf'] },
  packing_list: { title: 'dialog.save.packing_list', formats: ['pdf', 'csv', 'xlsx'] },
  bag_labels: { title: 'dialog.save.bag_labels', formats: ['pdf'] },
};

/** What each "open" dialog opens: its title's key and the files it lists. */
export const OPEN_DIALOGS = {
  import_people: { title: 'dialog.open.import_people', filter: 'import.spreadsheets', extensions: ['csv', 'xlsx', 'xls', 'ods'] },
  restore_backup: { title: 'dialog.open.restore_backup', filter: 'restore.filter', extensions: ['db'] },
  join_file: { title: 'dialog.open.join_file', filter: 'join.filter', extensions: ['join'] },
};

const FORMAT_NAMES = { pdf: 'PDF', csv: 'people.csv_files', xlsx: 'people.excel_files' };

function formatFilter(format) {
  const name = FORMAT_NAMES[format];
  return { name: name === 'PDF' ? name : t(name), extensions: [format] };
}

/**
 * The options of the "save as" dialog for `purpose` (a key of SAVE_DIALOGS): its title in the
 * current language (`vars` fill its placeholders), the suggested file name, and the one file
 * kind offered (`format`, the purpose's first by default).
 */
export function saveDialog(purpose, defaultPath, { format, vars = {} } = {}) {
  const spec = SAVE_DIALOGS[purpose];
  if (!spec) throw new Error(`no save dialog for ${purpose}`);
  const kind = format ?? spec.formats[0];
  return { title: t(spec.title, vars), defaultPath, filters: [formatFilter(kind)] };
}

/** The options of the "open" dialog for `purpose` (a key of OPEN_DIALOGS). */
export function openDialog(purpose) {
  const spec = OPEN_DIALOGS[purpose];
  if (!spec) throw new Error(`no open dialog for ${purpose}`);
  return { title: t(spec.title), filters: [{ name: t(spec.filter), extensions: spec.extensions }], multiple: false, directory: false };
}
