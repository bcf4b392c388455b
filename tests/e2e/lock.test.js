// Locking ends the page: after a lead locks on a person's restricted notes with a search typed,
// the front desk who signs in next finds nothing of the lead's page in the document and starts
// on their own start screen with an empty search.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By } from 'selenium-webdriver';
import { byTestId, field, find, lock, openScreen, shot, signIn, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

/** As the signed-in user, the first person (by the list's order) with a restricted note. */
async function personWithRestrictedNote(driver) {
  return driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const call = (name, input) => window.__TAURI__.core.invoke('call', { name, input });
     (async () => {
       const page = await call('search_people', { limit: 500 });
       for (const row of page.rows) {
         const record = await call('get_person', { id: row.id });
         const note = (record.notes || []).find((n) => n.restricted);
         if (note) return { id: row.id, code: row.code, body: note.body };
       }
       return null;
     })().then(done, (e) => done({ error: String(e && e.message ? e.message : JSON.stringify(e)) }));`);
}

test("after a lead locks, the front desk finds none of the lead's page", async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  const person = await personWithRestrictedNote(driver);
  assert.ok(person && !person.error, `the demo has a person with a restricted note: ${JSON.stringify(person)}`);

  // The lead searches by code (one match opens the person) and reads the restricted notes.
  await openScreen(driver, 'people');
  await (await find(driver, 'people-search')).sendKeys(person.code);
  await driver.wait(async () => {
    if ((await driver.findElements(byTestId('tab-notes'))).length) return true;
    const links = await driver.findElements(By.css(`[data-testid="person-link"][href$="${person.id}"]`));
    if (links.length) await links[0].click();
    return false;
  }, WAIT, 'the search finds the person');
  await (await find(driver, 'tab-notes')).click();
  await driver.wait(async () => (await (await find(driver, 'note-list')).getText()).includes(person.body),
    WAIT, 'the lead sees the restricted note');
  await shot(driver, 'lock-lead-notes');
  await lock(driver);

  // The sign-in screen holds nothing of the lead's page, before and after the next sign-in.
  await field(driver, 'username');
  assert.ok(!(await driver.getPageSource()).includes(person.body), 'the sign-in page has no note text');
  await signIn(driver, 'tom');
  assert.match(await (await find(driver, 'who')).getText(), /Tom Reyes/);
  const source = await driver.getPageSource();
  assert.ok(!source.includes(person.body), 'the front desk page has none of the note text');
  assert.equal((await driver.findElements(byTestId('note-list'))).length, 0, 'no note list');
  assert.equal((await driver.findElements(byTestId('tab-notes'))).length, 0, 'no person page');
  assert.equal(await driver.executeScript('return location.hash'), '', 'no screen of the lead in the address');
  const current = await driver.findElement(By.css('nav a[aria-current="page"]'));
  assert.equal(await current.getAttribute('data-screen'), 'dashboard', 'the front desk starts on the dashboard');
  await shot(driver, 'lock-front-desk-start');

  // The People screen starts afresh: the lead's search is not typed there.
  await openScreen(driver, 'people');
  const search = await find(driver, 'people-search');
  assert.equal(await search.getAttribute('value'), '', 'the search box is empty');
  await lock(driver);
});
