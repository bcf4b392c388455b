// End to end: checks of other issuers in the real app window. A Scottish volunteer's PVG
// membership (for the child workforce) is recorded and they go on a child-facing shift; a French
// volunteer's extrait de casier judiciaire is recorded and the rota refuses them, naming the
// risk assessment, until a coordinator records one on their page. Then applications from the
// interest form are imported (a bad date first: nothing imported), and the volunteer
// information sheet is printed in French from Settings and read back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { By, until } from 'selenium-webdriver';
import { byTestId, chooseValue, find, isoDay, openScreen, shot, signIn, typeDate, useDemoApp, WAIT } from './helpers.js';

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
  await openScreen(driver, 'volunteers');
  // The list draws once its data is in: wait for it, or its drawing would replace the form.
  await find(driver, 'volunteer-results');
  await find(driver, 'dbs-due');
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
  await openScreen(driver, 'rota');
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

  await openScreen(driver, 'rota');
  await assignTo(driver, 'Story time', 'Camille Martin');
  const message = await (await shiftNamed(driver, 'Story time')).findElement(byTestId('shift-message'));
  await driver.wait(async () => (await message.getText()) !== '', WAIT, 'a refusal is shown beside the shift');
  const refusal = await message.getText();
  assert.match(refusal, /Camille Martin cannot take this shift/);
  assert.match(refusal, /risk assessment/);
  await shot(driver, 'checks-refused');

  // The coordinator records the risk assessment on Camille's page; the rota takes her.
  await openScreen(driver, 'volunteers');
  await type(await find(driver, 'volunteer-search'), 'Camille');
  await driver.wait(async () => (await driver.findElements(byTestId('volunteer-row'))).length === 1, WAIT, 'one volunteer found');
  await (await find(driver, 'volunteer-link')).click();
  await (await find(driver, 'risk-open')).click();
  await type(await find(driver, 'risk-note'), 'Met Camille and her referee; accepted for story time with another adult present.');
  await (await find(driver, 'risk-save')).click();
  await waitText(driver, 'volunteer-dbs', /valid until/, 'the certificate counts with the risk assessment');
  await waitText(driver, 'check-risk', /Met Camille/, 'the risk assessment is shown');

  await openScreen(driver, 'rota');
  await assignTo(driver, 'Story time', 'Camille Martin');
  await onShift(driver, 'Story time', 'Camille Martin');
  await shot(driver, 'checks-assigned');
});

test('applications are imported from the form after a bad date is fixed, and the information sheet prints in French', async () => {
  const { driver } = demo.app;
  const file = path.join(demo.dataDir, 'form.csv');
  const rows = (arrival) => 'First name,Last name,Email address,Dates available,Site wanted,Anything else?\n'
    + 'Hannah,Price,hannah@example.org,01/03/2027 - 21/03/2027,Calais,Can drive\n'
    + `Yusuf,Ahmed,yusuf@example.org,${arrival} - 14/03/2027,Calais,\n`;
  fs.writeFileSync(file, rows('31/02/2027'));
  await openScreen(driver, 'volunteers');
  await find(driver, 'dbs-due');
  await (await find(driver, 'applications-open')).click();
  await type(await find(driver, 'applications-path'), file);
  await (await find(driver, 'applications-check')).click();
  await waitText(driver, 'applications-errors', /Row 3.*31\/02\/2027/, 'the bad date is named by row');
  assert.equal((await driver.findElements(byTestId('applications-import'))).length, 0, 'nothing can be imported');
  fs.writeFileSync(file, rows('01/02/2027'));
  await (await find(driver, 'applications-check')).click();
  await (await find(driver, 'applications-import')).click();
  await type(await find(driver, 'volunteer-search'), 'Hannah');
  await driver.wait(async () => (await driver.findElements(byTestId('volunteer-row'))).length === 1, WAIT, 'Hannah was imported');
  await waitText(driver, 'volunteer-lacks', /references/, 'the list says what she still lacks');
  await shot(driver, 'checks-applied');

  await driver.executeScript("location.hash = '#/settings/volunteer-info'");
  await find(driver, 'volunteer-info');
  await chooseValue(driver, 'info-site', 'DUN');
  await chooseValue(driver, 'info-language', 'fr');
  const pdf = path.join(demo.dataDir, 'info.pdf');
  await type(await find(driver, 'print-info-path'), pdf);
  await (await find(driver, 'print-info-submit')).click();
  await waitText(driver, 'print-info-status', /Saved/, 'the sheet is saved');
  const text = execFileSync('pdftotext', [pdf, '-']).toString().split(/\s+/).join(' ');
  assert.match(text, /Informations pour les bénévoles/);
  assert.match(text, /Contact pour le planning/);
});
