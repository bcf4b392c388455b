// Every screen starts at the signed-in user's own site. A coordinator of Dunkirk (not the first
// site in any list) finds Dunkirk chosen on the Dashboard, Stock, a new distribution and
// Volunteers; on Stock the receive form comes before the tables, and after a receipt the
// confirmation is in view and the site and location are kept. Settings is split into sections
// with addresses of their own, and each one is reached.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, until } from 'selenium-webdriver';
import { byTestId, find, lock, openScreen, settled, shot, signIn, useDemoApp, WAIT } from './helpers.js';
import { cli } from './driver.js';

const demo = useDemoApp();

/** The value of the select with data-testid `id`, and the text of its chosen option. */
async function chosen(driver, id) {
  const sel = await find(driver, id);
  return driver.executeScript('const s = arguments[0]; return [s.value, s.selectedOptions[0] ? s.selectedOptions[0].textContent : ""]', sel);
}

/** Where an element is in the window: its top and bottom, and the window's height. */
const placeOf = (driver, el) => driver.executeScript(
  'const r = arguments[0].getBoundingClientRect(); return { top: r.top, bottom: r.bottom, height: window.innerHeight, scrolled: window.scrollY }', el);

test('a Dunkirk coordinator finds Dunkirk chosen on the Dashboard, Stock, a new distribution and Volunteers', async () => {
  const { driver } = demo.app;
  try { await driver.manage().window().setRect({ width: 1280, height: 800 }); } catch { /* the window manager decides */ }
  await signIn(driver, 'helene');

  // Dashboard: Dunkirk's counts, as the core gives them for Dunkirk.
  assert.equal((await chosen(driver, 'dashboard-site'))[0], 'DUN', 'the Dashboard starts at Dunkirk');
  await driver.wait(until.elementLocated(By.css('[data-testid="cards"][data-site="DUN"]')), WAIT, 'the cards are for Dunkirk');
  const dun = cli(demo.dataDir, 'call', 'dashboard_counts', '{"site":"DUN"}');
  const all = cli(demo.dataDir, 'call', 'dashboard_counts');
  assert.ok(dun.people_active < all.people_active, 'Dunkirk is not the whole centre');
  const people = await (await find(driver, 'count-people')).getText();
  assert.equal(Number(people.split('\n')[0].replace(/[^\d]/g, '')), dun.people_active, 'the cards count Dunkirk');

  // Stock: Dunkirk's lines and store; the receive form first, in view without scrolling.
  await openScreen(driver, 'stock');
  await find(driver, 'receive-form');
  assert.equal((await chosen(driver, 'stock-site'))[0], 'DUN', 'Stock starts at Dunkirk');
  const sites = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="balance-row"]\')].map((r) => r.dataset.site)');
  assert.ok(sites.length > 0 && sites.every((s) => s === 'DUN'), `only Dunkirk's lines: ${sites}`);
  const [location, locationText] = await chosen(driver, 'receive-location');
  assert.match(locationText, /\(DUN\)$/, 'the receive form starts at a Dunkirk location');
  const form = await find(driver, 'receive-section');
  const table = await find(driver, 'balances');
  const formAt = await placeOf(driver, form);
  assert.ok(formAt.top < (await placeOf(driver, table)).top, 'the receive form comes before the table');
  assert.ok(formAt.top + formAt.scrolled < formAt.height / 2, `the receive form starts on the first screen: ${JSON.stringify(formAt)}`);
  await shot(driver, 'after-stock-home-site');

  // A receipt: its confirmation in view, and the next receipt starts at the same site and place.
  await (await driver.findElement(By.xpath('//select[@data-testid="receive-item"]/option[starts-with(., "Hygiene kit")]'))).click();
  await (await find(driver, 'receive-quantity')).sendKeys('12');
  await (await find(driver, 'receive-save')).click();
  const confirmation = await driver.wait(until.elementLocated(By.xpath("//*[contains(@class, 'notice')][contains(., '12')]")), WAIT,
    'the receipt is confirmed');
  const seen = await placeOf(driver, confirmation);
  assert.ok(seen.top >= 0 && seen.bottom <= seen.height, `the confirmation is in view: ${JSON.stringify(seen)}`);
  assert.equal((await chosen(driver, 'stock-site'))[0], 'DUN', 'the site is kept after a receipt');
  assert.equal((await chosen(driver, 'receive-location'))[0], location, 'the location is kept after a receipt');
  await shot(driver, 'after-stock-received');

  // A new distribution starts at a Dunkirk location.
  await openScreen(driver, 'distribution');
  assert.match((await chosen(driver, 'dist-location'))[1], /\(DUN\)$/, 'a new distribution starts at Dunkirk');

  // Volunteers: the list and a new volunteer's site.
  await openScreen(driver, 'volunteers');
  await find(driver, 'dbs-due');
  assert.equal((await chosen(driver, 'volunteers-site'))[0], 'DUN', 'the volunteer list starts at Dunkirk');
  await driver.wait(settled(async () => {
    const rows = await driver.findElements(byTestId('volunteer-row'));
    if (!rows.length) return false;
    for (const r of rows) if (!(await r.getText()).includes('DUN')) return false;
    return true;
  }), WAIT, "only Dunkirk's volunteers are listed");
  await (await find(driver, 'volunteer-add')).click();
  assert.equal((await chosen(driver, 'volunteer-site'))[0], 'DUN', 'a new volunteer starts at Dunkirk');
});

/** Locks, waits until the signed-in page is gone (Settings has fields named like the sign-in
 * form's), and signs in as `username`. */
async function switchUser(driver, username) {
  const who = await find(driver, 'who');
  await lock(driver);
  await driver.wait(until.stalenessOf(who), WAIT, 'the signed-in page is replaced');
  await signIn(driver, username);
}

/** Opens Settings' section `name` by its tab and checks the address and the page's height. */
async function reach(driver, name) {
  await (await find(driver, `settings-${name}`)).click();
  await find(driver, `settings-panel-${name}`);
  assert.match(await driver.getCurrentUrl(), new RegExp(`#/settings/${name}$`), `the ${name} section has its own address`);
  const height = await driver.executeScript('return document.documentElement.scrollHeight');
  assert.ok(height < 3000, `the ${name} section is not one long page: ${height} px`);
  await shot(driver, `after-settings-${name}`);
}

test('Settings is in sections, each reached by its tab and its address', async () => {
  const { driver } = demo.app;
  await switchUser(driver, 'sarah');
  await openScreen(driver, 'settings');
  await find(driver, 'settings-panel-centre');
  const tabs = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="settings-sections"] a\')].map((a) => a.dataset.testid)');
  assert.deepEqual(tabs, ['centre', 'passphrase', 'users', 'partners', 'dbs', 'volunteer-info', 'security', 'audit'].map((n) => `settings-${n}`),
    'a lead has every section');
  for (const name of ['passphrase', 'users', 'partners', 'dbs', 'volunteer-info', 'security', 'audit', 'centre']) await reach(driver, name);
  // Each section's own content is there.
  await (await find(driver, 'settings-users')).click();
  await find(driver, 'users');
  await (await find(driver, 'settings-security')).click();
  await find(driver, 'restore');
  await (await find(driver, 'settings-audit')).click();
  await find(driver, 'audit-verify');

  // An address names a section directly; a coordinator has no users or audit sections.
  await switchUser(driver, 'helene');
  await driver.executeScript("location.hash = '#/settings/dbs'");
  await find(driver, 'dbs-policy');
  const theirs = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="settings-sections"] a\')].map((a) => a.dataset.testid)');
  assert.deepEqual(theirs, ['centre', 'passphrase', 'partners', 'dbs', 'volunteer-info', 'security'].map((n) => `settings-${n}`));
});
