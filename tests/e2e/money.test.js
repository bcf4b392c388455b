// End to end: the centre's money in the real app window. A lead records a donation to the
// baby-milk appeal and sees the fund rise; buys baby milk on the Stock screen, paid from that
// fund, and sees the fund fall by the cost; submits a travel claim, which the other lead
// approves (the claimant has no Approve button on their own claim); and prints "Where your
// money went", whose text is read back from the PDF. The front desk has no Money entry.
//
// Native save dialogs cannot be driven through WebDriver, so the test types the PDF's path into
// the report's path field, which is the screen's keyboard path too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { By, until } from 'selenium-webdriver';
import { byTestId, find, isoDay, lock, openScreen, settled, shot, signIn, signInAs, typeDate, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();
const MILK_FUND = 'Baby milk and protein';

/** Chooses the option whose text starts with `text` in the select with data-testid `id`. */
async function choose(driver, id, text) {
  const options = await (await find(driver, id)).findElements(By.css('option'));
  for (const o of options) {
    if ((await o.getText()).startsWith(text)) { await o.click(); return; }
  }
  throw new Error(`no option "${text}" in ${id}`);
}


async function openMoney(driver) {
  await openScreen(driver, 'money');
  await find(driver, 'money-funds');
}

/** The milk fund's balance on the Money screen, in pence. */
async function milkBalance(driver) {
  await openMoney(driver);
  const cell = await find(driver, 'money-funds').then((t) =>
    t.findElement(By.css(`[data-testid="money-fund"][data-fund="${MILK_FUND}"] [data-testid="money-fund-balance"]`)));
  const text = await cell.getText();
  return Math.round(Number(text.replace(/[^\d.-]/g, '')) * 100);
}

test('a donation to the milk fund, milk bought from it, a claim approved by the other lead, and "Where your money went" printed', async () => {
  const { driver } = demo.app;
  await signInAs(driver, 'sarah');

  // A donation of £50 to the milk appeal.
  const start = await milkBalance(driver);
  await choose(driver, 'income-kind', 'Donation');
  await choose(driver, 'income-fund', MILK_FUND);
  await (await find(driver, 'income-amount')).sendKeys('50');
  await (await find(driver, 'income-save')).click();
  await driver.wait(settled(async () => (await milkBalance(driver)) === start + 5000), WAIT, 'the milk fund rose by £50');
  await shot(driver, 'money-screen');

  // Ten tins of baby milk bought on the Stock screen at £8.50, paid from the milk fund.
  await openScreen(driver, 'stock');
  await find(driver, 'receive-form');
  await choose(driver, 'receive-location', 'The bus (CAL)');
  await choose(driver, 'receive-item', 'Baby milk');
  await (await find(driver, 'receive-quantity')).sendKeys('10');
  await choose(driver, 'receive-source', 'Purchase');
  await (await find(driver, 'receive-party')).sendKeys('Pharmacie du Centre');
  await (await find(driver, 'receive-cost')).sendKeys('8.50');
  await choose(driver, 'receive-fund', MILK_FUND);
  await typeDate(driver, await find(driver, 'receive-expiry'), isoDay(200));
  await (await find(driver, 'receive-save')).click();
  await driver.wait(until.elementLocated(byTestId('flash-success')), WAIT, 'the purchase is recorded');
  await driver.wait(settled(async () => (await milkBalance(driver)) === start + 5000 - 8500), WAIT,
    'the milk fund fell by the £85 the milk cost');

  // Sarah claims a trip; she cannot approve her own claim.
  await openMoney(driver);
  await (await find(driver, 'claim-form-details')).findElement(By.css('summary')).click();
  await (await find(driver, 'claim-from')).sendKeys('Calais');
  await (await find(driver, 'claim-to')).sendKeys('Birmingham');
  await (await find(driver, 'claim-purpose')).sendKeys('E2E office visit');
  await (await find(driver, 'claim-miles')).sendKeys('100');
  await (await find(driver, 'claim-submit')).click();
  const mine = By.xpath('//tr[@data-testid="claim-row"][td[contains(., "E2E office visit")]]');
  const row = await driver.wait(until.elementLocated(mine), WAIT, 'the claim is listed');
  assert.equal((await row.findElements(byTestId('claim-approve'))).length, 0, 'no Approve on one\'s own claim');
  assert.match(await row.getText(), /£45\.00/, '100 miles at 45p');

  // Amira, the other lead, approves it.
  await signInAs(driver, 'amira');
  await openMoney(driver);
  const theirs = await driver.wait(until.elementLocated(mine), WAIT, 'the other lead sees the claim');
  await (await theirs.findElement(byTestId('claim-approve'))).click();
  await driver.wait(settled(async () => (await driver.findElement(mine).getAttribute('data-status')) === 'approved'), WAIT,
    'the claim is approved');
  assert.match(await driver.findElement(mine).getText(), /Amira Haddad/);

  // "Where your money went" as a PDF, read back.
  const pdf = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'haven-money-')), 'where-money-went.pdf');
  await (await find(driver, 'money-report')).findElement(By.css('option[value="where_money_went"]')).click();
  await (await find(driver, 'money-report-path')).sendKeys(pdf);
  await (await find(driver, 'money-export-pdf')).click();
  await driver.wait(async () => fs.existsSync(pdf) && (await (await find(driver, 'money-report-status')).getText()).includes(pdf),
    WAIT, 'the PDF is written');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  for (const want of ['Where your money went', 'Money in', 'Money out', 'Baby milk']) {
    assert.ok(text.includes(want), `the PDF says "${want}":\n${text}`);
  }
  fs.rmSync(path.dirname(pdf), { recursive: true, force: true });
  await shot(driver, 'money-report-printed');

  // The front desk has no Money entry.
  await signInAs(driver, 'tom');
  await find(driver, 'nav-stock');
  assert.equal((await driver.findElements(byTestId('nav-money'))).length, 0, 'no Money for the front desk');
  await lock(driver);
});
