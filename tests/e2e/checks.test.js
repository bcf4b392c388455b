// End to end: checks of other issuers in the real app window. A Scottish volunteer's PVG
// membership (for the child workforce) is recorded and they go on a child-facing shift; a French
// volunteer's extrait de casier judiciaire is recorded and the rota refuses them, naming the
// risk assessment, until a coordinator records one on their page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, until } from 'selenium-webdriver';
import { WAIT, byTestId, chooseValue, find, isoDay, shot, signIn, typeDate, useDemoApp } from './helpers.js';

const demo = useDemoApp();

async function type(el, text) {
  await el.clear();
  await el.sendKeys(text);
}

/** Waits until the text of [data-testid=id] matches `re` (the screen may be redrawn meanwhile). */
async function waitText(driver, id, re, what) {
  await driver.wait(async () => {
    try {
      return re.test(await (await driver.findElement(byTestId(id))).getText());
    } catch {
      return false;
    }
  }, WAIT, what);
}

const shiftNamed = (driver, role) =>
  driver.wait(until.elementLocated(By.css(`[data-testid="shift"][data-role="${role}"]`)), WAIT, `no shift "${role}" on the rota`);

async function assignTo(driver, role, name) {
  const shift = await shiftNamed(driver, role);
  const chooser = await shift.findElement(byTestId('assign-volunteer'));
  let chosen = false;
  for (const option of await chooser.findElements(By.css('option'))) {
    if ((await option.getText()) === name) { await option.click(); chosen = true; break; }
  }
  assert.ok(chosen, `${name} is offered for the shift`);
  await (await shift.findElement(byTestId('assign-submit'))).click();
}

async function onShift(driver, role, name) {
  await driver.wait(async () => {
    try {
      const names = await (await shiftNamed(driver, role)).findElements(byTestId('shift-volunteer'));
      for (const n of names) if ((await n.getText()).includes(name)) return true;
      return false;
    } catch {
      return false;
    }
  }, WAIT, `${name} is on "${role}"`);
}

/** Adds an approved volunteer at Calais and leaves their page open. */
async function addVolunteer(driver, given, family) {
  await (await find(driver, 'nav-volunteers')).click();
  await (await find(driver, 'volunteer-add')).click();
  await type(await find(driver, 'volunteer-given'), given);
  await type(await find(driver, 'volunteer-family'), family);
  await chooseValue(driver, 'volunteer-site', 'CAL');
  await typeDate(driver, await find(driver, 'volunteer-arrival'), isoDay(-5));
  await typeDate(driver, await find(driver, 'volunteer-departure'), isoDay(40));
  await (await find(driver, 'volunteer-save')).click();
  await waitText(driver, 'volunteer-name', new RegExp(`^${given} ${family}$`), `${given}'s page`);
  await (await find(driver, 'volunteer-make-approved')).click();
  await find(driver, 'volunteer-make-active');
}

test('a PVG member goes on a child-facing shift; a French certificate is refused until the risk assessment is recorded', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');

  // A Scottish volunteer: PVG scheme membership for the child workforce.
  await addVolunteer(driver, 'Morag', 'Campbell');
  await chooseValue(driver, 'check-issuer', 'pvg');
  await type(await find(driver, 'dbs-number'), '1234 5678 9012 3456');
  await typeDate(driver, await find(driver, 'dbs-issued'), isoDay(-100));
  await (await find(driver, 'dbs-save')).click();
  await waitText(driver, 'volunteer-dbs', /valid until/, 'the PVG membership counts for children');
  assert.match(await (await find(driver, 'check-next')).getText(), /renews/);
  assert.match(await (await find(driver, 'dbs-checks')).getText(), /1234567890123456/);
  await shot(driver, 'checks-pvg');

  // A child-facing shift at Calais today, for two.
  await (await find(driver, 'nav-rota')).click();
  await chooseValue(driver, 'week-site', 'CAL');
  await find(driver, 'shift-form');
  await type(await find(driver, 'shift-starts'), '06:00');
  await type(await find(driver, 'shift-ends'), '07:30');
  await type(await find(driver, 'shift-role'), 'Story time');
  await type(await find(driver, 'shift-needed'), '2');
  await (await find(driver, 'shift-child')).click();
  await (await find(driver, 'shift-save')).click();
  await assignTo(driver, 'Story time', 'Morag Campbell');
  await onShift(driver, 'Story time', 'Morag Campbell');

  // A French volunteer: extrait de casier judiciaire, covering work with children.
  await addVolunteer(driver, 'Camille', 'Martin');
  await chooseValue(driver, 'check-issuer', 'foreign');
  await type(await find(driver, 'check-country'), 'France');
  await type(await find(driver, 'check-document'), 'Extrait de casier judiciaire, bulletin n° 3');
  await type(await find(driver, 'check-authenticity'), 'Verification code checked online');
  await (await find(driver, 'check-covers-children')).click();
  await type(await find(driver, 'dbs-number'), 'B3-2026-118');
  await typeDate(driver, await find(driver, 'dbs-issued'), isoDay(-30));
  await (await find(driver, 'dbs-save')).click();
  await waitText(driver, 'volunteer-dbs', /risk assessment/, 'the certificate waits for a risk assessment');

  await (await find(driver, 'nav-rota')).click();
  await assignTo(driver, 'Story time', 'Camille Martin');
  const message = await (await shiftNamed(driver, 'Story time')).findElement(byTestId('shift-message'));
  await driver.wait(async () => (await message.getText()) !== '', WAIT, 'a refusal is shown beside the shift');
  const refusal = await message.getText();
  assert.match(refusal, /Camille Martin cannot take this shift/);
  assert.match(refusal, /risk assessment/);
  await shot(driver, 'checks-refused');

  // The coordinator records the risk assessment on Camille's page; the rota takes her.
  await (await find(driver, 'nav-volunteers')).click();
  await type(await find(driver, 'volunteer-search'), 'Camille');
  await driver.wait(async () => (await driver.findElements(byTestId('volunteer-row'))).length === 1, WAIT, 'one volunteer found');
  await (await find(driver, 'volunteer-link')).click();
  await (await find(driver, 'risk-open')).click();
  await type(await find(driver, 'risk-note'), 'Met Camille and her referee; accepted for story time with another adult present.');
  await (await find(driver, 'risk-save')).click();
  await waitText(driver, 'volunteer-dbs', /valid until/, 'the certificate counts with the risk assessment');
  await waitText(driver, 'check-risk', /Met Camille/, 'the risk assessment is shown');

  await (await find(driver, 'nav-rota')).click();
  await assignTo(driver, 'Story time', 'Camille Martin');
  await onShift(driver, 'Story time', 'Camille Martin');
  await shot(driver, 'checks-assigned');
});
