// Each native file dialog is titled for what it saves or opens, in the window's language: the
// sign-up sheet's "save as" dialog says it saves the sign-up sheet (it once said "the emergency
// contact list"). The title is read from the real dialog on the display.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createDistribution, find, openScreen, shot, signIn, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

const strings = (lang) => JSON.parse(fs.readFileSync(`ui/i18n/${lang}.json`, 'utf8'));

/** The names of the top-level windows on the test display (the app's, and its dialogs'). */
function windowNames() {
  const tree = execFileSync('xwininfo', ['-root', '-tree'], { encoding: 'utf8' });
  return [...tree.matchAll(/0x[0-9a-f]+ "([^"]*)"/g)].map((m) => m[1]);
}

/** The options object a dialog purpose gives the dialog plugin, built by the page's module. */
async function dialogOptions(driver, kind, purpose, ...args) {
  return driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     import(new URL('js/dialogs.js', location.href).href)
       .then((m) => done(m[arguments[0]](...arguments[1])), (e) => done({ error: String(e) }));`,
    kind, [purpose, ...args]);
}

test('every file dialog has a title of its own, in English and French', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  const [en, fr] = [strings('en'), strings('fr')];
  const purposes = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     import(new URL('js/dialogs.js', location.href).href).then((m) => done({
       save: Object.fromEntries(Object.entries(m.SAVE_DIALOGS).map(([k, v]) => [k, v.title])),
       open: Object.fromEntries(Object.entries(m.OPEN_DIALOGS).map(([k, v]) => [k, v.title])),
     }), (e) => done({ error: String(e) }));`);
  assert.ok(!purposes.error, purposes.error);
  const keys = [...Object.values(purposes.save), ...Object.values(purposes.open)];
  for (const lang of [en, fr]) {
    for (const key of keys) assert.ok(lang[key], `${key} has a text in both languages`);
    assert.equal(new Set(keys.map((k) => lang[k])).size, keys.length, 'no two dialogs share a title');
  }
  const sheet = await dialogOptions(driver, 'saveDialog', 'sign_up_sheet', 'sign-up.pdf');
  assert.deepEqual(sheet, { title: 'Save the sign-up sheet (PDF)', defaultPath: 'sign-up.pdf', filters: [{ name: 'PDF', extensions: ['pdf'] }] });
  const contacts = await dialogOptions(driver, 'saveDialog', 'phone_contacts', 'contacts.pdf');
  assert.equal(contacts.title, 'Save the emergency contact list (PDF)');
});

test("the sign-up sheet's save dialog on the screen is titled for the sign-up sheet", async () => {
  const { driver } = demo.app;
  await openScreen(driver, 'distribution');
  await createDistribution(driver);
  await find(driver, 'print-sheet');
  assert.ok(!windowNames().includes('Save the sign-up sheet (PDF)'), 'no such dialog yet');
  // No path typed: the button opens the system's "save as" dialog.
  await (await find(driver, 'print-sheet')).click();
  await driver.wait(() => windowNames().includes('Save the sign-up sheet (PDF)'), WAIT,
    `a dialog titled "Save the sign-up sheet (PDF)" opens (windows: ${JSON.stringify(windowNames().filter(Boolean))})`);
  assert.ok(!windowNames().includes('Save the emergency contact list (PDF)'), 'not titled for the contact list');
  await shot(driver, 'sign-up-save-dialog');
  // The dialog stays open: the file's session ends the app and everything it opened.
});
