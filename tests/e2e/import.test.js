// End to end: importing people from a spreadsheet in the real app window. A file with a bad
// date is checked and refused row by row (nothing imported); the good file is checked, imported
// all at once, and its people are then found in the People search in their own script.
//
// Native file dialogs cannot be driven through WebDriver, so the test types each file's path
// into the labelled path field, which is the screen's keyboard path too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { By, until } from 'selenium-webdriver';
import { byTestId, find, lock, openScreen, shot, signIn, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

const DATA = path.resolve('tests/data');

/** Searches the People list for `text` and returns the text of each row drawn for it. */
async function peopleFound(driver, text) {
  await openScreen(driver, 'people');
  const box = await find(driver, 'people-search');
  await box.clear();
  await box.sendKeys(text);
  await driver.wait(until.elementLocated(By.css(`[data-testid="people-results"][data-query="${text}"]`)), WAIT,
    `no results drawn for "${text}"`);
  const rows = [];
  for (const r of await driver.findElements(byTestId('person-row'))) rows.push(await r.getText());
  return rows;
}

/** Opens the import screen from the People list and goes to the column matching for `file`. */
async function openFile(driver, file) {
  await openScreen(driver, 'people');
  await (await find(driver, 'import-people')).click();
  const box = await find(driver, 'import-path');
  await box.clear();
  await box.sendKeys(path.join(DATA, file));
  await (await find(driver, 'import-continue')).click();
  await find(driver, 'import-mapping');
}

/** The selected field of the column headed `header` on the matching step. */
async function fieldOf(driver, header) {
  const chooser = await driver.findElement(By.css(`[data-testid="import-field"][data-header="${header}"]`));
  return chooser.getAttribute('value');
}

test('a file with a bad date is refused row by row, then the good file is imported and found', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await find(driver, 'count-people');
  const huongBefore = (await peopleFound(driver, 'Hương')).length;
  const fatimaBefore = (await peopleFound(driver, 'فاطمة عثمان')).filter((r) => r.includes('Fatima')).length;
  await shot(driver, 'io-people-tools');

  // The bad file: Senait's date of birth is 31/02/2001 (row 4, counting the header as row 1).
  await openScreen(driver, 'people');
  await (await find(driver, 'import-people')).click();
  await find(driver, 'import-path');
  await shot(driver, 'io-import-file');
  await openFile(driver, 'people_import_bad.csv');
  assert.equal(await fieldOf(driver, 'First name'), 'given_name', 'a known header is matched');
  assert.equal(await fieldOf(driver, 'Date of birth'), 'date_of_birth');
  assert.equal(await fieldOf(driver, 'Name in original script'), 'original_name');
  await shot(driver, 'io-import-mapping');
  await (await find(driver, 'import-check')).click();
  const problems = await find(driver, 'import-problems');
  assert.match(await problems.getText(), /Nothing will be imported until these are fixed in the spreadsheet/);
  const error = await driver.wait(
    until.elementLocated(By.css('[data-testid="import-error"][data-row="4"][data-column="Date of birth"]')), WAIT,
    'no error for row 4, column "Date of birth"');
  const cells = await Promise.all((await error.findElements(By.css('td'))).map((td) => td.getText()));
  assert.deepEqual(cells.slice(0, 2), ['4', 'Date of birth'], 'the row and the column');
  assert.match(cells[2], /31\/02\/2001.*not a date/, 'the reason, in plain words');
  assert.equal((await driver.findElements(byTestId('import-apply'))).length, 0, 'no import button while the file has problems');
  await shot(driver, 'io-import-errors');
  assert.equal((await peopleFound(driver, 'Hương')).length, huongBefore,
    'nothing from the bad file was imported (Hương\'s row had no problem)');

  // The good file: checked, then imported in one go.
  await openFile(driver, 'people_import.csv');
  await (await find(driver, 'import-check')).click();
  await find(driver, 'import-ok');
  const apply = await find(driver, 'import-apply');
  const label = await apply.getText();
  const ready = Number(label.replace(/[^\d]/g, ''));
  assert.ok(ready >= 1 && ready <= 5, `the button says how many: ${label}`);
  await shot(driver, 'io-import-report');
  await apply.click();
  const done = await find(driver, 'import-done-count');
  assert.equal(await done.getText(), ready === 1 ? '1 person imported' : `${ready} people imported`);
  await shot(driver, 'io-import-done');

  // Fatima is in the People search, with her name in Arabic script.
  const rows = (await peopleFound(driver, 'فاطمة عثمان')).filter((r) => r.includes('Fatima'));
  assert.equal(rows.length, fatimaBefore + 1, `Fatima Osman was imported once: ${JSON.stringify(rows)}`);
  assert.ok(rows.every((r) => r.includes('فاطمة عثمان')), 'shown with her original name');
  await shot(driver, 'io-people-after-import');
  await lock(driver);
});

test('the front desk gets no import, export or print buttons', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'tom');
  await openScreen(driver, 'people');
  await find(driver, 'people-search');
  for (const id of ['import-people', 'export-csv', 'export-excel', 'print-phone-contacts']) {
    assert.equal((await driver.findElements(byTestId(id))).length, 0, `no ${id} for the front desk`);
  }
  await lock(driver);
});
