// End to end: the case book in the real app window. Register a person whose name is also in
// Arabic script, find them by a Latin and by an Arabic prefix, refer them to a partner with a
// follow-up date in the past and see the referral on the Dashboard as overdue; then check that
// the front desk sees no notes or referrals on a person's page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, until, Key } from 'selenium-webdriver';
import { byTestId, find, isoDay, lock, openScreen, shot, signIn, typeDate, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

/** Types into the People search box and waits for a row with `name` in it. */
async function searchFor(driver, text, name) {
  const box = await find(driver, 'people-search');
  await box.clear();
  await box.sendKeys(text);
  // Wait for the list drawn for this text, not one still showing an earlier search.
  await driver.wait(until.elementLocated(By.css(`[data-testid="people-results"][data-query="${text}"]`)), WAIT,
    `no results drawn for "${text}"`);
  const row = await driver.wait(async () => {
    for (const r of await driver.findElements(byTestId('person-row'))) {
      try {
        if ((await r.getText()).includes(name)) return r;
      } catch { /* the list was redrawn under us */ }
    }
    return false;
  }, WAIT, `no row with "${name}" after typing "${text}"`);
  assert.equal(await box.getAttribute('value'), text, 'the search box holds what was typed');
  return row;
}

test('register a person with an Arabic name, find them in both scripts, and see an overdue follow-up', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await find(driver, 'count-people');

  await openScreen(driver, 'people');
  await find(driver, 'person-row');
  await shot(driver, 'people-list');

  // Register Rahma Idriss, with her name in Arabic script typed through WebDriver.
  await (await find(driver, 'register-person')).click();
  await (await find(driver, 'given-name')).sendKeys('Rahma');
  await (await find(driver, 'family-name')).sendKeys('Idriss');
  const original = await find(driver, 'original-name');
  await original.sendKeys('رحمة إدريس');
  assert.equal(await original.getAttribute('value'), 'رحمة إدريس', 'Arabic typed with sendKeys');
  await driver.findElement(By.css('[data-field="sex"] input[value="female"]')).click();
  await (await find(driver, 'estimated-age')).sendKeys('27');
  await (await find(driver, 'languages')).sendKeys('Arabic, some French');
  await (await find(driver, 'consent')).click();
  await shot(driver, 'register-form');
  await (await find(driver, 'register-submit')).click();

  // A duplicate warning is possible (the demo may hold someone alike): it is someone else.
  const next = await driver.wait(async () => {
    if ((await driver.findElements(byTestId('duplicates'))).length) return 'duplicates';
    if ((await driver.findElements(byTestId('person-name'))).length) return 'person';
    return false;
  }, WAIT, 'neither the person page nor a duplicate warning came');
  if (next === 'duplicates') {
    await shot(driver, 'register-duplicates');
    await (await find(driver, 'confirm-not-duplicate')).click();
  }
  const heading = await find(driver, 'person-name');
  assert.match(await heading.getText(), /Rahma Idriss/);
  assert.match(await heading.getText(), /رحمة إدريس/);
  assert.match(await (await find(driver, 'person-notice')).getText(), /Saved/);
  const code = await (await find(driver, 'person-code')).getText();
  assert.match(code, /^CAL-\d{4}$/, 'registered at Sarah\'s site, Calais');
  await shot(driver, 'person-details');

  // Find her again by a Latin prefix, then by an Arabic prefix.
  await openScreen(driver, 'people');
  await searchFor(driver, 'Rahm', 'Rahma Idriss');
  await shot(driver, 'people-search-latin');
  const row = await searchFor(driver, 'رحم', 'Rahma Idriss');
  assert.match(await row.getText(), /رحمة إدريس/);
  await shot(driver, 'people-search-arabic');
  // Her code alone finds exactly her: Enter opens her page.
  const box = await find(driver, 'people-search');
  await box.clear();
  await box.sendKeys(code, Key.ENTER);
  await driver.wait(async () => (await (await find(driver, 'person-code')).getText()) === code, WAIT, 'Enter on a single match opens it');

  // Refer her: referred 10 days ago, follow-up 3 days ago, so already overdue.
  await (await find(driver, 'tab-referrals')).click();
  const partner = await find(driver, 'referral-partner');
  await partner.findElement(By.css('option:nth-child(2)')).click();
  const partnerName = await partner.findElement(By.css('option:nth-child(2)')).getText();
  await (await find(driver, 'referral-reason')).sendKeys('Antenatal care');
  await (await find(driver, 'referral-consent')).click();
  await typeDate(driver, await find(driver, 'referral-date'), isoDay(-10));
  await typeDate(driver, await find(driver, 'referral-follow-up'), isoDay(-3));
  await (await find(driver, 'referral-form-submit')).click();
  const referral = await find(driver, 'referral');
  assert.match(await referral.getText(), new RegExp(partnerName.replace(/[()]/g, '.')));
  assert.match(await referral.getText(), /Follow-up overdue/);
  await shot(driver, 'person-referrals');

  // The Dashboard lists her among the overdue follow-ups.
  await openScreen(driver, 'dashboard');
  const overdue = await driver.wait(async () => {
    for (const r of await driver.findElements(byTestId('overdue-row'))) {
      if ((await r.getText()).includes('Rahma Idriss')) return r;
    }
    return false;
  }, WAIT, 'Rahma Idriss is not in the overdue follow-ups');
  assert.match(await overdue.getText(), new RegExp(code));
  await shot(driver, 'dashboard-overdue');
  const card = await (await find(driver, 'count-overdue')).getText();
  assert.ok(Number(card.split('\n')[0].replace(/[^\d]/g, '')) >= 1, `the overdue card counts her: ${JSON.stringify(card)}`);
  await lock(driver);
});

test('the front desk sees no Notes or Referrals tabs on a person page', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'tom');
  await openScreen(driver, 'people');
  await (await searchFor(driver, 'Rahm', 'Rahma Idriss')).findElement(byTestId('person-link')).click();
  await find(driver, 'tab-details');
  await find(driver, 'tab-household');
  await find(driver, 'tab-flags');
  for (const tab of ['notes', 'referrals', 'phone', 'uk']) {
    assert.equal((await driver.findElements(byTestId(`tab-${tab}`))).length, 0, `no ${tab} tab for the front desk`);
  }
  // Arrow keys move between the tabs that are there.
  await (await find(driver, 'tab-details')).sendKeys(Key.ARROW_RIGHT);
  await driver.wait(async () => (await (await find(driver, 'tab-household')).getAttribute('aria-selected')) === 'true', WAIT);
  await shot(driver, 'person-front-desk');
  await lock(driver);
});
