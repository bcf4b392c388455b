// End to end: the real Haven binary in a real window (WebKitGTK under Xvfb), driven through
// tauri-driver. Unlock the demo database, check the Dashboard's counts against the database
// itself (through haven-cli), switch language, and see a wrong passphrase refused.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { By, until } from 'selenium-webdriver';
import { launch, tempDataDir, cli } from './driver.js';

const WAIT = 15000;
let app;
let dataDir;

before(async () => {
  dataDir = tempDataDir();
  app = await launch(['--demo', '--data-dir', dataDir]);
});

after(async () => {
  if (app) await app.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

const byTestId = (id) => By.css(`[data-testid="${id}"]`);

async function field(driver, name) {
  return driver.wait(until.elementLocated(By.css(`[data-field="${name}"] input`)), WAIT);
}

/** The text of the element found by `locator`, or null if the screen was redrawn under us. */
async function textOf(driver, locator) {
  try {
    return await driver.findElement(locator).getText();
  } catch {
    return null;
  }
}

async function signIn(driver, username, passphrase) {
  const user = await field(driver, 'username');
  await user.clear();
  await user.sendKeys(username);
  const pass = await field(driver, 'passphrase');
  await pass.clear();
  await pass.sendKeys(passphrase);
  await driver.findElement(byTestId('unlock')).click();
}

test('a wrong passphrase is refused with a clear message', async () => {
  const { driver } = app;
  await driver.wait(until.elementLocated(byTestId('demo-hint')), WAIT);
  await signIn(driver, 'sarah', 'not the passphrase');
  const summary = await driver.wait(until.elementLocated(By.css('.error-summary:not([hidden])')), WAIT);
  assert.match(await summary.getText(), /passphrase is not right/i);
});

test('the demo unlocks and the Dashboard shows the database counts', async () => {
  const { driver } = app;
  await signIn(driver, 'sarah', 'demo');
  const people = await driver.wait(until.elementLocated(byTestId('count-people')), WAIT);
  const shown = Number((await people.getText()).split('\n')[0].replace(/[^\d]/g, ''));
  const counts = cli(dataDir, 'call', 'dashboard_counts');
  assert.ok(counts.people_active > 0, 'the demo has active people');
  assert.equal(shown, counts.people_active, 'Dashboard people count matches the database');
  const households = await driver.findElement(byTestId('count-households')).getText();
  assert.equal(Number(households.split('\n')[0].replace(/[^\d]/g, '')), counts.households);
  assert.match(await driver.findElement(byTestId('who')).getText(), /Sarah Okafor/);
});

test('switching language changes the text and is remembered after locking', async () => {
  const { driver } = app;
  const nav = await driver.findElement(byTestId('nav-dashboard'));
  assert.equal(await nav.getText(), 'Dashboard');
  await driver.findElement(By.css('[data-testid="language"] option[value="fr"]')).click();
  await driver.wait(async () => (await textOf(driver, byTestId('nav-dashboard'))) === 'Tableau de bord', WAIT);
  await driver.findElement(byTestId('lock')).click();
  await driver.wait(until.elementLocated(By.css('form h1')), WAIT);
  await driver.wait(async () => (await textOf(driver, By.css('form h1'))) === 'Connexion', WAIT, 'the unlock screen is in French');
  // Back to English for whoever runs next on this profile.
  await driver.findElement(By.css('[data-testid="language"] option[value="en"]')).click();
  await driver.wait(async () => (await textOf(driver, By.css('form h1'))) === 'Sign in', WAIT);
});
