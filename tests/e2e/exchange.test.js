// Exchange between two real windows: the centre's computer and a Birmingham laptop (a replica
// joined with haven-cli; the join screens have their own test) run side by side on two data
// folders and share a folder. Someone registered in the laptop's window and moved to Calais
// reaches the centre after "Exchange now" on each and is on its Dashboard's arrivals until
// marked met; the same record's status changed in both windows before they exchange shows in
// the conflicts list side by side and is resolved; the automatic folder is set and shown.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { By, until } from 'selenium-webdriver';
import { CLI, cli, launch, tempDataDir } from './driver.js';
import { byTestId, chooseValue, find, openScreen, settled, shot, signIn, WAIT } from './helpers.js';

const run = { apps: [], dirs: [] };
after(async () => {
  for (const app of run.apps.reverse()) await app.stop();
  for (const dir of run.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, HAVEN_PASSPHRASE: 'demo' };
/** Priya's passphrase on the laptop, chosen when it joined. */
const PRIYA = 'harbour window eleven';

/** Presses the person page's button `testid` and waits for the page drawn again with "Saved"
 * (the notice of an earlier save is taken away first, so it cannot answer for this one). */
async function submitSaved(driver, testid) {
  await driver.executeScript('document.querySelector(\'[data-testid="person-notice"]\')?.remove()');
  await (await find(driver, testid)).click();
  await driver.wait(settled(async () => /Saved/.test(await (await find(driver, 'person-notice')).getText())), WAIT,
    `${testid}: saved`);
}

/** Sets the status of the person whose page `hash` is. */
async function setStatus(driver, hash, status) {
  await driver.executeScript('location.hash = arguments[0]', hash);
  await chooseValue(driver, 'status-select', status);
  await submitSaved(driver, 'status-form-submit');
}

/** Presses "Exchange now" on the Exchange screen with `dir` and returns the message shown. */
async function exchangeNow(driver, dir) {
  await openScreen(driver, 'exchange');
  const box = await find(driver, 'exchange-dir');
  await box.clear();
  await box.sendKeys(dir);
  await (await find(driver, 'exchange-now')).click();
  const said = await driver.wait(until.elementLocated(By.css('[data-testid="flash-success"], [data-testid="flash-warning"]')), WAIT,
    'the exchange says what it did');
  return said.getText();
}

test('two windows on two computers: a registration moved to Calais in one arrives in the other with "Exchange now" and is met; a status changed in both is a conflict resolved on the screen', async () => {
  const centre = tempDataDir();
  const laptop = tempDataDir();
  const share = tempDataDir();
  run.dirs.push(centre, laptop, share);
  execFileSync(CLI, ['--data-dir', centre, 'seed-demo', '--people', '30'], { env });
  const file = path.join(share, 'bhm.join');
  const made = cli(centre, 'invite', '--site', 'BHM', '--out', file, '--json');
  execFileSync(CLI, ['--data-dir', laptop, '--user', 'priya', 'join', file, '--code', made.code],
    { env: { ...process.env, HAVEN_PASSPHRASE: PRIYA } });
  fs.rmSync(file);

  // Both computers' windows are open at once, each on its own data folder.
  const onLaptop = await launch(['--data-dir', laptop]);
  run.apps.push(onLaptop);
  const onCentre = await launch(['--data-dir', centre]);
  run.apps.push(onCentre);
  const L = onLaptop.driver;
  const C = onCentre.driver;
  await signIn(L, 'priya', PRIYA);
  await signIn(C, 'sarah');

  // Priya registers Samira in the laptop's window...
  await openScreen(L, 'people');
  await (await find(L, 'register-person')).click();
  await (await find(L, 'given-name')).sendKeys('Samira');
  await (await find(L, 'family-name')).sendKeys('Laptopova');
  await L.findElement(By.css('[data-field="sex"] input[value="female"]')).click();
  await (await find(L, 'estimated-age')).sendKeys('16');
  await (await find(L, 'consent')).click();
  await (await find(L, 'register-submit')).click();
  const next = await L.wait(async () => {
    if ((await L.findElements(byTestId('duplicates'))).length) return 'duplicates';
    if ((await L.findElements(byTestId('person-name'))).length) return 'person';
    return false;
  }, WAIT, 'neither the person page nor a duplicate warning came');
  if (next === 'duplicates') await (await find(L, 'confirm-not-duplicate')).click();
  const code = await (await find(L, 'person-code')).getText();
  assert.match(code, /^BHM-/, 'registered at Priya\'s site, Birmingham');
  const samira = await L.executeScript('return location.hash');
  // ...moves her to Calais, where she is going next, and exchanges through the shared folder.
  await chooseValue(L, 'transfer-site', 'CAL');
  await submitSaved(L, 'transfer-form-submit');
  assert.match(await exchangeNow(L, share), /sent [1-9]/i);

  // The centre's window exchanges and finds her.
  const said = await exchangeNow(C, share);
  assert.match(said, /applied [1-9]/, said);
  await shot(C, 'exchange-screen');
  await openScreen(C, 'people');
  const search = await find(C, 'people-search');
  await search.sendKeys('Laptopova');
  await C.wait(until.elementLocated(By.xpath(`//*[contains(., "${code}")]`)), WAIT, 'the laptop\'s registration is found here');

  // Calais's Dashboard lists her among the arrivals until someone marks her met.
  await openScreen(C, 'dashboard');
  const arrival = By.css(`[data-testid="arrival"][data-code="${code}"]`);
  const row = await C.wait(until.elementLocated(arrival), WAIT, 'she is listed as arriving');
  assert.match(await row.getText(), /BHM/, 'from Birmingham');
  await (await row.findElement(byTestId('arrival-met'))).click();
  await C.wait(until.elementLocated(By.css(`[data-testid="arrival"][data-code="${code}"][data-state="met"]`)), WAIT,
    'marked met');
  await shot(C, 'dashboard-arrivals');

  // Each window changes her status before they next exchange: a conflict.
  await setStatus(L, samira, 'reached_uk');
  await exchangeNow(L, share);
  await setStatus(C, samira, 'closed');
  await exchangeNow(C, share);
  const conflict = await C.wait(until.elementLocated(By.css('[data-testid="conflict"][data-table="people"]')), WAIT,
    'the conflict is listed');
  const text = await conflict.getText();
  assert.match(text, /reached_uk/, 'one version');
  assert.match(text, /closed/, 'and the other, side by side');
  await shot(C, 'exchange-conflict');
  await (await conflict.findElement(byTestId('conflict-keep'))).click();
  await find(C, 'conflicts-none');

  // The automatic folder: set, and shown as on.
  const dir = await find(C, 'exchange-auto-dir');
  await dir.clear();
  await dir.sendKeys(share);
  await (await find(C, 'exchange-auto-save')).click();
  await C.wait(settled(async () => (await (await find(C, 'exchange-auto-state')).getText()).includes(share)), WAIT,
    'the automatic folder is shown as on');
});
