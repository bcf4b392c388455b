// Exchange in the real window: the centre's computer (this window) and a Birmingham laptop
// (a replica joined with haven-cli) share a folder. Someone registered on the laptop and moved
// to Calais reaches the centre after "Exchange now" and is on its Dashboard's arrivals until
// marked met; the same record changed on both before they exchange shows in the conflicts list
// side by side and is resolved; the automatic folder is set and shown.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { By, until } from 'selenium-webdriver';
import { CLI, cli, launch, tempDataDir } from './driver.js';
import { byTestId, find, openScreen, settled, shot, signIn, WAIT } from './helpers.js';

const run = { app: null, dirs: [] };
after(async () => {
  if (run.app) await run.app.stop();
  for (const dir of run.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const env = { ...process.env, HAVEN_PASSPHRASE: 'demo' };
/** Priya's passphrase on the laptop, chosen when it joined. */
const LAPTOP = { ...process.env, HAVEN_PASSPHRASE: 'harbour window eleven' };

/** haven-cli on the laptop as Priya; the JSON it prints. */
function onLaptop(laptop, ...args) {
  const out = execFileSync(CLI, ['--data-dir', laptop, '--user', 'priya', ...args], { env: LAPTOP, encoding: 'utf8' });
  return out.trim() ? JSON.parse(out) : null;
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

test('a laptop\'s registration moved to Calais arrives with "Exchange now" and is met; a record changed on both is a conflict resolved on the screen', async () => {
  const centre = tempDataDir();
  const laptop = tempDataDir();
  const share = tempDataDir();
  run.dirs.push(centre, laptop, share);
  execFileSync(CLI, ['--data-dir', centre, 'seed-demo', '--people', '30'], { env });
  const file = path.join(share, 'bhm.join');
  const made = cli(centre, 'invite', '--site', 'BHM', '--out', file, '--json');
  execFileSync(CLI, ['--data-dir', laptop, '--user', 'priya', 'join', file, '--code', made.code], { env: LAPTOP });
  fs.rmSync(file);

  // The laptop registers someone and exchanges through the shared folder.
  const person = onLaptop(laptop, 'call', 'create_person',
    JSON.stringify({ given_name: 'Samira', family_name: 'Laptopova', site: 'BHM', confirm_not_duplicate: true })).person;
  // Priya moves her to Calais, where she is going next.
  onLaptop(laptop, 'call', 'transfer_person', JSON.stringify({ id: person.id, site: 'CAL' }));
  onLaptop(laptop, 'exchange', '--dir', share, '--json');

  run.app = await launch(['--data-dir', centre]);
  const { driver } = run.app;
  await signIn(driver, 'sarah');
  const said = await exchangeNow(driver, share);
  assert.match(said, /applied [1-9]/, said);
  await shot(driver, 'exchange-screen');
  await openScreen(driver, 'people');
  const search = await find(driver, 'people-search');
  await search.sendKeys('Laptopova');
  await driver.wait(until.elementLocated(By.xpath(`//*[contains(., "${person.code}")]`)), WAIT, 'the laptop\'s registration is found here');

  // Calais's Dashboard lists her among the arrivals until someone marks her met.
  await openScreen(driver, 'dashboard');
  const arrival = By.css(`[data-testid="arrival"][data-code="${person.code}"]`);
  const row = await driver.wait(until.elementLocated(arrival), WAIT, 'she is listed as arriving');
  assert.match(await row.getText(), /BHM/, 'from Birmingham');
  await (await row.findElement(byTestId('arrival-met'))).click();
  await driver.wait(until.elementLocated(By.css(`[data-testid="arrival"][data-code="${person.code}"][data-state="met"]`)), WAIT,
    'marked met');
  await shot(driver, 'dashboard-arrivals');

  // Both change the same record's status before they next exchange.
  onLaptop(laptop, 'call', 'set_person_status', JSON.stringify({ id: person.id, status: 'reached_uk' }));
  onLaptop(laptop, 'exchange', '--dir', share, '--json');
  cli(centre, '--user', 'sarah', 'call', 'set_person_status', JSON.stringify({ id: person.id, status: 'closed' }));
  await exchangeNow(driver, share);
  const conflict = await driver.wait(until.elementLocated(By.css('[data-testid="conflict"][data-table="people"]')), WAIT,
    'the conflict is listed');
  const text = await conflict.getText();
  assert.match(text, /reached_uk/, 'one version');
  assert.match(text, /closed/, 'and the other, side by side');
  await shot(driver, 'exchange-conflict');
  await (await conflict.findElement(byTestId('conflict-keep'))).click();
  await find(driver, 'conflicts-none');

  // The automatic folder: set, and shown as on.
  const dir = await find(driver, 'exchange-auto-dir');
  await dir.clear();
  await dir.sendKeys(share);
  await (await find(driver, 'exchange-auto-save')).click();
  await driver.wait(settled(async () => (await (await find(driver, 'exchange-auto-state')).getText()).includes(share)), WAIT,
    'the automatic folder is shown as on');
});
