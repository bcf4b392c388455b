// End to end: the real Haven binary in a real window (WebKitGTK under Xvfb), driven through
// tauri-driver. Unlock the demo database, check the Dashboard's counts against the database
// itself (through haven-cli), switch language, and see a wrong passphrase refused.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, until } from 'selenium-webdriver';
import { cli } from './driver.js';
import { byTestId, chooseValue, enterCredentials, lock, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

/** The text of the element found by `locator`, or null if the screen was redrawn under us. */
async function textOf(driver, locator) {
  try {
    return await driver.findElement(locator).getText();
  } catch {
    return null;
  }
}

test('a wrong passphrase is refused with a clear message', async () => {
  const { driver } = demo.app;
  await driver.wait(until.elementLocated(byTestId('demo-hint')), WAIT);
  // English, whatever an earlier run left in this computer's app profile.
  await chooseValue(driver, 'language', 'en');
  await driver.wait(async () => (await textOf(driver, By.css('form h1'))) === 'Sign in', WAIT);
  await enterCredentials(driver, 'sarah', 'not the passphrase');
  const summary = await driver.wait(until.elementLocated(By.css('.error-summary:not([hidden])')), WAIT);
  assert.match(await summary.getText(), /passphrase is not right/i);
});

test('the demo unlocks and the Dashboard shows the database counts', async () => {
  const { driver } = demo.app;
  await enterCredentials(driver, 'sarah', 'demo');
  const people = await driver.wait(until.elementLocated(byTestId('count-people')), WAIT);
  const shown = Number((await people.getText()).split('\n')[0].replace(/[^\d]/g, ''));
  // The Dashboard starts at the user's own site (Sarah's is Calais).
  const counts = cli(demo.dataDir, 'call', 'dashboard_counts', '{"site":"CAL"}');
  assert.ok(counts.people_active > 0, 'the demo has active people');
  assert.equal(shown, counts.people_active, 'Dashboard people count matches the database');
  const households = await driver.findElement(byTestId('count-households')).getText();
  assert.equal(Number(households.split('\n')[0].replace(/[^\d]/g, '')), counts.households);
  assert.match(await driver.findElement(byTestId('who')).getText(), /Sarah Okafor/);
});

test('switching language changes the text and is remembered after locking', async () => {
  const { driver } = demo.app;
  const nav = await driver.findElement(byTestId('nav-dashboard'));
  assert.equal(await nav.getText(), 'Dashboard');
  await chooseValue(driver, 'language', 'fr');
  await driver.wait(async () => (await textOf(driver, byTestId('nav-dashboard'))) === 'Tableau de bord', WAIT);
  await lock(driver);
  await driver.wait(until.elementLocated(By.css('form h1')), WAIT);
  await driver.wait(async () => (await textOf(driver, By.css('form h1'))) === 'Connexion', WAIT, 'the unlock screen is in French');
  // Back to English for whoever runs next on this profile.
  await chooseValue(driver, 'language', 'en');
  await driver.wait(async () => (await textOf(driver, By.css('form h1'))) === 'Sign in', WAIT);
});
