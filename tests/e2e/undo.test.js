// The front desk undoes its own mistaken collection a moment after recording it, with a reason;
// the stock and the counters go back and the audit log has the reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, createDistribution, find, lock, openScreen, shot, signIn, textOf, useDemoApp, WAIT } from './helpers.js';
import { cli } from './driver.js';

const demo = useDemoApp();


test('the front desk undoes its own collection with a reason', async () => {
  const { driver } = demo.app;
  // A coordinator opens today's distribution; the front desk runs the desk.
  await signIn(driver, 'sarah');
  await openScreen(driver, 'distribution');
  await createDistribution(driver);
  const distId = (await driver.getCurrentUrl()).split('#/distribution/')[1];
  assert.ok(distId, 'the new distribution is shown');
  await lock(driver);
  await signIn(driver, 'tom');
  await driver.executeScript(`location.hash = '#/distribution/${distId}'`);
  await driver.wait(until.elementLocated(byTestId('plan-row')), WAIT, 'the eligible households are listed');
  const code = await (await driver.findElement(byTestId('plan-row'))).getAttribute('data-code');

  await (await find(driver, 'desk-code')).sendKeys(code, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '1', WAIT, 'one household served');
  const served = await driver.findElement(By.css(`[data-testid="plan-row"][data-code="${code}"]`));
  assert.equal(await (await served.findElement(byTestId('plan-collected'))).getText(), '✓', 'ticked in the list');
  const items = Number(await textOf(driver, 'counter-items'));
  assert.ok(items > 0, 'items went out');

  // The wrong household: the desk undoes it, and is asked why first.
  await (await find(driver, 'undo')).click();
  await find(driver, 'undo-confirm');
  await (await find(driver, 'undo-confirm-yes')).click();
  await driver.wait(async () => (await textOf(driver, 'desk-message')).includes('Say why'), WAIT, 'a reason is asked for');
  await (await driver.findElement(By.css('[data-field="undo_reason"] input'))).sendKeys('wrong household');
  await shot(driver, 'desk-undo-confirm');
  await (await find(driver, 'undo-confirm-yes')).click();
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '0', WAIT, 'the collection no longer counts');
  assert.match(await textOf(driver, 'desk-message'), /undone/);
  const row = await find(driver, 'collection-row');
  assert.match(await row.getText(), /Reversed/, 'the row says it was reversed');
  assert.equal((await driver.findElements(byTestId('undo'))).length, 0, 'nothing left to undo');
  // The household is not served any more: its row in the eligible list has its button back.
  const planRow = await driver.findElement(By.css(`[data-testid="plan-row"][data-code="${code}"]`));
  assert.equal((await planRow.findElements(byTestId('plan-tick'))).length, 1, 'the household can be served again from the list');
  await shot(driver, 'desk-undone');
  await lock(driver);

  // The audit log names who undid it and why.
  const log = cli(demo.dataDir, '--user', 'sarah', 'call', 'list_audit_log', JSON.stringify({ action: 'reverse' }));
  const entries = JSON.stringify(log);
  assert.ok(entries.includes('wrong household'), `the reason is in the audit log: ${entries.slice(0, 500)}`);
});
