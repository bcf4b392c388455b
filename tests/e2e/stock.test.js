// End to end: stock and the weekly distribution in the real app window. Receive a donation and
// see the balance rise; create a distribution; print its sign-up sheet (the PDF exists and its
// text has the households' names in Latin and in their own script); record collections by
// typing codes and pressing Enter, see the counters rise and the stock fall, and a second
// collection by the same household refused.
//
// Native save dialogs cannot be driven through WebDriver, so the test types the PDF's path into
// the sheet's "Save as" field, which is the screen's keyboard path too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { By, Key, until } from 'selenium-webdriver';
import { WAIT, byTestId, find, shot, signIn, useDemoApp } from './helpers.js';

const demo = useDemoApp();

/** Chooses the option whose text is `text` in the select with data-testid `id`. */
async function choose(driver, id, text) {
  const sel = await find(driver, id);
  const options = await sel.findElements(By.css('option'));
  for (const o of options) {
    if ((await o.getText()) === text) { await o.click(); return; }
  }
  throw new Error(`no option "${text}" in ${id}`);
}

/** Units shown for `item` at `location` on the Stock screen (0 when there is no line). */
async function balance(driver, item, location) {
  await (await find(driver, 'nav-stock')).click();
  await find(driver, 'receive-form');
  const rows = await driver.findElements(By.css(`[data-testid="balance-row"][data-item="${item}"][data-variant=""][data-location="${location}"]`));
  if (!rows.length) return 0;
  const text = await rows[0].findElement(byTestId('balance-qty')).getText();
  return Number(text.replace(/[^\d]/g, ''));
}

/** Units left of `item` on the desk's "stock left" table. */
async function remaining(driver, item) {
  const cell = await driver.findElement(By.css(`[data-testid="remaining-row"][data-item="${item}"][data-variant=""] [data-testid="remaining-qty"]`));
  return Number((await cell.getText()).replace(/[^\d]/g, ''));
}

/** The text of the element with data-testid `id`; '' while the screen is redrawing it. */
async function textOf(driver, id) {
  try {
    return await (await find(driver, id)).getText();
  } catch (err) {
    if (err.name === 'StaleElementReferenceError') return '';
    throw err;
  }
}

test('receive a donation, create a distribution, print its sheet, record collections by code and see stock fall', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await find(driver, 'count-people');
  await find(driver, 'stock-chart');
  await shot(driver, 'stock-dashboard-chart');

  // Receive a donation of hygiene kits on the bus.
  const before = await balance(driver, 'Hygiene kit', 'The bus');
  await choose(driver, 'receive-location', 'The bus (CAL)');
  await choose(driver, 'receive-item', 'Hygiene kit (kit)');
  await (await find(driver, 'receive-quantity')).sendKeys('25');
  await choose(driver, 'receive-source', 'Donation');
  await (await find(driver, 'receive-party')).sendKeys('Secours Populaire');
  await (await find(driver, 'receive-save')).click();
  await driver.wait(async () => (await balance(driver, 'Hygiene kit', 'The bus')) === before + 25, WAIT,
    'the balance rose by the 25 kits received');
  await shot(driver, 'stock-screen');

  // Create today's distribution on the bus.
  await (await find(driver, 'nav-distribution')).click();
  await choose(driver, 'dist-location', 'The bus (CAL)');
  await (await find(driver, 'dist-create')).click();
  await find(driver, 'desk-code');
  await driver.wait(until.elementLocated(byTestId('plan-row')), WAIT, 'the eligible households are listed');

  // Two households, one with a name in its own script.
  const rows = await driver.findElements(byTestId('plan-row'));
  assert.ok(rows.length >= 2, 'at least two eligible households');
  let scripted = null;
  for (const r of rows) {
    const own = await r.findElements(byTestId('plan-original'));
    if (own.length) {
      scripted = { code: await r.getAttribute('data-code'), name: await r.findElement(byTestId('plan-name')).getText(), own: await own[0].getText() };
      break;
    }
  }
  assert.ok(scripted, 'a household with a name in its own script');
  const other = await (rows[0] === undefined ? null : rows[0]).getAttribute('data-code');
  const second = other === scripted.code ? await rows[1].getAttribute('data-code') : other;

  // Print the sign-up sheet to a typed path.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-sheet-'));
  const pdf = path.join(dir, 'sign-up.pdf');
  await (await find(driver, 'sheet-path')).sendKeys(pdf);
  await (await find(driver, 'print-sheet')).click();
  await driver.wait(async () => (await textOf(driver, 'print-message')).includes('sign-up.pdf'), WAIT, 'the sheet is saved');
  assert.ok(fs.existsSync(pdf), 'the PDF exists');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.ok(text.includes(scripted.name), `the Latin name ${scripted.name} is on the sheet`);
  for (const word of scripted.own.split(/\s+/).filter(Boolean)) {
    assert.ok(text.includes(word), `the name in its own script (${word}) is on the sheet`);
  }
  assert.ok(text.includes(scripted.code), 'the code is on the sheet');
  fs.rmSync(dir, { recursive: true, force: true });

  // Record collections by typing codes and pressing Enter.
  const foodBefore = await remaining(driver, 'Food parcel');
  const box = await find(driver, 'desk-code');
  await box.sendKeys(scripted.code, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '1', WAIT, 'one household served');
  await driver.wait(async () => (await driver.switchTo().activeElement().getAttribute('data-testid')) === 'desk-code', WAIT,
    'the focus returns to the code box');
  await (await find(driver, 'desk-code')).sendKeys(second, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '2', WAIT, 'two households served');
  assert.equal(await remaining(driver, 'Food parcel'), foodBefore - 2, 'one food parcel each left the shelf');
  assert.ok(Number(await textOf(driver, 'counter-items')) >= 2, 'items out counted');
  const served = await driver.findElements(byTestId('collection-row'));
  assert.equal(served.length, 2);

  // The same household again: refused, nothing taken.
  await (await find(driver, 'desk-code')).sendKeys(scripted.code, Key.ENTER);
  const error = await find(driver, 'desk-error');
  assert.match(await error.getText(), /already collected/);
  assert.equal(await textOf(driver, 'counter-households'), '2');
  await shot(driver, 'distribution-desk');

  // The Stock screen shows the fall too.
  const food = await balance(driver, 'Food parcel', 'The bus');
  assert.equal(food, foodBefore - 2, 'the Stock screen shows the food parcels gone');
});
