// Accessibility in the real window: axe-core checks every screen, sub-screen and dialog of the
// app in English and in French, signed in as a lead, and the test fails listing each serious or
// critical violation by its rule, its element and the screen it was on, and each element the Tab
// key stops on that does not show the focus outline. One window for the demo (signed in once
// per language) and one for a new centre's first-run screens.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { By, Key, until } from 'selenium-webdriver';
import { CLI, cli, launch, tempDataDir } from './driver.js';
import { chooseValue, enterCredentials, find, settled, textOf, useDemoApp, WAIT } from './helpers.js';
import { focusNotShown, seriousProblems } from './axe.js';

const demo = useDemoApp();

/** Every serious or critical problem found, one line each, and the count per language. */
const found = [];
const counted = { en: 0, fr: 0 };

/** Checks the window as it is now (or the parts of it `within` names: what changed on a screen
 * already checked); `where` names the screen in the report. The focus outline comes from app.css
 * alone, the same in both languages: it is looked at in English, or when `once` says the screen
 * is checked in one language only. */
async function check(driver, lang, where, within = null, once = false) {
  const lines = await seriousProblems(driver, `[${lang}] ${where}`, within);
  if (lang === 'en' || once) lines.push(...await focusNotShown(driver, `[${lang}] ${where}`, within));
  counted[lang] += lines.length;
  found.push(...lines);
}

/** Waits until the screen has drawn: the element `id` is there and nothing is still loading. */
async function drawn(driver, id) {
  await find(driver, id);
  await driver.wait(async () => (await driver.findElements(By.css('main .loading'))).length === 0, WAIT, 'the screen finished loading');
}

/** Moves to `hash` and waits for the element `id` on the new screen. */
async function go(driver, hash, id) {
  await driver.executeScript('location.hash = arguments[0]', hash);
  await driver.wait(async () => (await driver.executeScript('return location.hash')) === hash, WAIT);
  await drawn(driver, id);
}

/** Clicks the element `id` (looking again if a redraw replaced it) and waits for `then`. */
async function press(driver, id, then) {
  await driver.wait(settled(async () => {
    await (await find(driver, id)).click();
    return true;
  }), WAIT, `[data-testid="${id}"] can be pressed`);
  if (then) await find(driver, then);
}

/** Waits until a form shows the summary of its problems. */
const problemsListed = (driver) =>
  driver.wait(until.elementLocated(By.css('.error-summary:not([hidden])')), WAIT, 'the form lists its problems');

/** Chooses the window's language on the screen shown (the unlock or the setup screen). */
async function chooseLanguage(driver, lang) {
  await chooseValue(driver, 'language', lang);
  await driver.wait(async () => (await driver.executeScript('return document.documentElement.lang')) === lang, WAIT);
}

/** What the demo holds that the walk opens: a person living with others, a volunteer, the open
 * distribution, two namesakes and someone registered at another site. */
function demoFacts(dataDir) {
  const people = cli(dataDir, 'call', 'search_people', '{"site":"CAL","status":"active","limit":50}').rows;
  const dist = cli(dataDir, 'call', 'list_distributions', '{}').find((d) => d.status === 'open');
  assert.ok(dist, 'the demo has an open distribution');
  const volunteer = cli(dataDir, 'call', 'list_volunteers', '{}')[0];
  assert.ok(people.length > 2 && volunteer, 'the demo has people and volunteers');
  // Two namesakes: the desk offers a pick list for their name.
  for (const born of ['1990-05-01', '2001-09-12']) {
    cli(dataDir, 'call', 'create_person', JSON.stringify({ given_name: 'Hibaaq', family_name: 'Qorsheel', date_of_birth: born,
      site: 'CAL', consent: true, confirm_not_duplicate: true }));
  }
  // Someone registered at Dunkirk: the Calais desk asks before serving them.
  const elsewhere = cli(dataDir, 'call', 'search_people', '{"site":"DUN","status":"active","limit":1}').rows[0];
  assert.ok(elsewhere, 'the demo has people at Dunkirk');
  const person = people.find((p) => p.household_size > 1);
  assert.ok(person, 'someone in Calais lives with others');
  return { person, dist, volunteer, namesakes: 'Hibaaq Qorsheel', elsewhere };
}

/** The walk through every screen of the signed-in app, checking each state on the way. */
async function walkSignedIn(driver, lang, facts) {
  const at = (where, ...within) => check(driver, lang, where, within.length ? within : null);

  await go(driver, '#/dashboard', 'count-people');
  await at('Dashboard');

  await go(driver, '#/people', 'people-search');
  await (await find(driver, 'people-search')).sendKeys(facts.person.family_name);
  await find(driver, 'people-results');
  await driver.wait(async () => (await driver.findElements(By.css('[data-testid="people-results"] table'))).length > 0, WAIT, 'people found');
  await at('People, a search');

  await go(driver, `#/people/${facts.person.id}`, 'tab-details');
  const tabs = await driver.executeScript("return [...document.querySelectorAll('[role=\"tab\"]')].map((b) => b.dataset.testid)");
  for (const name of tabs) {
    await press(driver, name, `panel-${name.replace(/^tab-/, '')}`);
    await at(`Person, ${name.replace(/^tab-/, '')} tab`);
  }
  await press(driver, 'tab-details', 'panel-details');
  await press(driver, 'edit-details', 'edit-form');
  await at('Person, editing the details');
  // Away and back: the page is drawn again without the edit form.
  await go(driver, '#/people/new', 'register-form');
  await go(driver, `#/people/${facts.person.id}`, 'tab-details');
  await press(driver, 'tab-details', 'erase-person');
  await press(driver, 'erase-person', 'confirm-erase');
  await at('Person, the erase question', '[data-testid="confirm-erase"]');
  await press(driver, 'tab-household', 'panel-household');
  await press(driver, 'leave-household', 'leave-confirm');
  await at('Person, the leave-household question', '[data-testid="leave-confirm"]');
  await press(driver, 'tab-details', 'panel-details');

  await go(driver, '#/people/new', 'register-form');
  await at('New person');
  await press(driver, 'register-submit');
  await problemsListed(driver);
  await at('New person, with problems', '[data-testid="register-form"]');
  await (await find(driver, 'household-picker')).sendKeys(facts.person.family_name);
  await find(driver, 'household-picker-option');
  await at('New person, the household picker open', '.picker');
  await (await find(driver, 'household-picker')).sendKeys('qqqzzzxx');
  await driver.wait(async () => (await find(driver, 'household-picker-empty')).isDisplayed(), WAIT, 'the picker says nobody matches');
  await at('New person, the household picker finding nobody', '.picker');

  await go(driver, '#/people/import', 'import-path');
  await at('Import people');
  await (await find(driver, 'import-path')).sendKeys(path.resolve('tests/data/people_import_bad.csv'));
  await press(driver, 'import-continue', 'import-mapping');
  await at('Import people, the columns');
  await press(driver, 'import-check', 'import-problems');
  await at('Import people, the problems found');

  await go(driver, '#/stock', 'receive-form');
  await (await find(driver, 'stock-setup')).findElement(By.css('summary')).click();
  await at('Stock, its set-up open');
  await press(driver, 'receive-save');
  await problemsListed(driver);
  await at('Stock, a receipt with problems', '[data-testid="receive-form"]');
  const open = await driver.findElements(By.css('a[href^="#/stock/take/"]'));
  if (open.length) await open[0].click();
  else await press(driver, 'take-start');
  await drawn(driver, 'take-line');
  await at('Stock take');

  await go(driver, '#/distribution', 'dist-list');
  await at('Distribution list');
  await go(driver, '#/distribution/rules', 'rules');
  await at('Distribution rules');
  await go(driver, `#/distribution/${facts.dist.id}`, 'plan-row');
  await at('Distribution desk');
  // A household still to collect (the other language's walk served one already).
  const code = await driver.findElement(By.xpath("//*[@data-testid='plan-row'][.//*[@data-testid='plan-tick']]")).getAttribute('data-code');
  const served = Number(await textOf(driver, 'counter-households'));
  const box = await find(driver, 'desk-code');
  await box.sendKeys(code, Key.ENTER);
  await driver.wait(settled(async () => Number(await textOf(driver, 'counter-households')) === served + 1), WAIT,
    'the collection is recorded');
  await at('Distribution desk, a collection recorded', '.desk', '[data-testid="collections"]');
  await press(driver, 'reverse', 'reverse-confirm');
  await at('Distribution desk, the reverse question', '[data-testid="reverse-confirm"]');
  await box.clear();
  await box.sendKeys(facts.namesakes, Key.ENTER);
  await find(driver, 'desk-pick');
  await at('Distribution desk, the pick list', '.desk');
  await box.clear();
  await box.sendKeys(facts.elsewhere.code, Key.ENTER);
  await find(driver, 'other-site-confirm');
  await at('Distribution desk, the other-site question', '.desk');
  await press(driver, 'dist-toggle', 'close-confirm');
  await at('Distribution desk, the close question', '[data-testid="close-confirm"]');

  await go(driver, '#/activities', 'instance-open');
  await press(driver, 'instance-open', 'instance-panel');
  await at('Activities, a session open');

  await go(driver, '#/volunteers', 'volunteer-link');
  await at('Volunteers');
  await go(driver, `#/volunteers/${facts.volunteer.id}`, 'volunteer-name');
  await at('A volunteer');
  await press(driver, 'dbs-save');
  await problemsListed(driver);
  await at('A volunteer, a check with problems', '[data-testid="dbs-form"]');
  await go(driver, '#/volunteers/new', 'volunteer-form');
  await press(driver, 'volunteer-save');
  await problemsListed(driver);
  await at('New volunteer, with problems');
  await go(driver, '#/volunteers/import', 'applications-form');
  await at('Volunteer applications');

  await go(driver, '#/rota', 'rota-day');
  await at('Rota');
  await press(driver, 'shift-save');
  await problemsListed(driver);
  await at('Rota, a shift with problems', '[data-testid="shift-form"]');
  await go(driver, '#/reports', 'reports');
  await driver.wait(async () => (await driver.findElements(By.css('[data-testid="reports"] table'))).length > 0, WAIT, 'the reports are shown');
  await at('Reports');
  await go(driver, '#/money', 'money-funds');
  await at('Money');
  await press(driver, 'payment-save');
  await problemsListed(driver);
  await at('Money, a payment with problems', '[data-testid="payment-form"]');
  await go(driver, '#/exchange', 'exchange-now-section');
  await at('Exchange');
  await press(driver, 'exchange-now');
  await problemsListed(driver);
  await at('Exchange, no folder chosen', '[data-testid="exchange-now-section"]');
  await go(driver, '#/exchange', 'replicas');
  await (await find(driver, 'exchange-auto-minutes')).clear();
  await press(driver, 'exchange-auto-save');
  await problemsListed(driver);
  await at('Exchange, an automatic folder with problems', '[data-testid="exchange-auto-form"]');

  for (const section of ['centre', 'passphrase', 'users', 'partners', 'dbs', 'volunteer-info', 'security', 'audit']) {
    await go(driver, `#/settings/${section}`, `settings-panel-${section}`);
    await at(`Settings, ${section}`);
  }
  await go(driver, '#/settings/users', 'settings-panel-users');
  await press(driver, 'toggle-tom', 'confirm-stop');
  await at('Settings, the stop-user question', '[data-testid="confirm-stop"]');
  await go(driver, '#/settings/security', 'restore-path');
  await (await find(driver, 'restore-path')).sendKeys('/nowhere/backup.db');
  await press(driver, 'restore-submit', 'restore-confirm');
  await at('Settings, the restore question', '[data-testid="restore-confirm"]');
}

test('the checks report a button without a name and a link whose focus is not shown', async () => {
  const { driver } = demo.app;
  await find(driver, 'demo-hint');
  await driver.executeScript(`const main = document.querySelector('main');
    main.append(document.createElement('button'));
    main.append(Object.assign(document.createElement('a'), { href: '#/planted', textContent: 'planted', style: 'outline: none' }));`);
  const problems = await seriousProblems(driver, 'planted');
  assert.ok(problems.some((p) => p.startsWith('planted: button-name (critical)')), `the planted button is reported: ${problems}`);
  const unseen = await focusNotShown(driver, 'planted');
  assert.equal(unseen.length, 1, `only the planted link is reported: ${unseen}`);
  assert.ok(unseen[0].startsWith('planted: focus not shown at a[href="#/planted"] "planted" (none'), unseen[0]);
  await driver.executeScript("for (const el of document.querySelectorAll('main > button:last-of-type, a[href=\"#/planted\"]')) el.remove()");
  assert.deepEqual(await seriousProblems(driver, 'planted'), [], 'and nothing else on the unlock screen');
  assert.deepEqual(await focusNotShown(driver, 'planted'), []);
});

test('every screen and dialog, in English and French, has no serious or critical violation', async (t) => {
  const { driver } = demo.app;
  const facts = demoFacts(demo.dataDir);
  for (const lang of ['en', 'fr']) {
    await find(driver, 'demo-hint');
    await chooseLanguage(driver, lang);
    await check(driver, lang, 'Sign in');
    await enterCredentials(driver, 'sarah', 'not the passphrase');
    await problemsListed(driver);
    await check(driver, lang, 'Sign in, refused');
    await enterCredentials(driver, 'sarah', 'demo');
    await find(driver, 'who');
    await walkSignedIn(driver, lang, facts);
    await press(driver, 'lock');
  }
  // Back to English for whoever runs next on this computer's app profile.
  await find(driver, 'demo-hint');
  await chooseLanguage(driver, 'en');
  t.diagnostic(`serious or critical violations: ${counted.en} in English, ${counted.fr} in French`);
  assert.deepEqual(found, [], `serious or critical violations:\n${found.join('\n')}`);
});

const fresh = { app: null, dir: null };
after(async () => {
  if (fresh.app) await fresh.app.stop();
  if (fresh.dir) fs.rmSync(fresh.dir, { recursive: true, force: true });
});

test("a new centre's first-run screens (English and French) and a new user's first sign-in have no serious or critical violation", async (t) => {
  fresh.dir = tempDataDir();
  fresh.app = await launch(['--data-dir', fresh.dir]);
  const { driver } = fresh.app;
  const before = found.length;
  for (const lang of ['en', 'fr']) {
    await find(driver, 'setup-join');
    await chooseLanguage(driver, lang);
    await check(driver, lang, 'Setup');
    await driver.findElement(By.css('form button[type="submit"]')).click();
    await problemsListed(driver);
    await check(driver, lang, 'Setup, with problems');
    await press(driver, 'setup-join', 'join-submit');
    await check(driver, lang, 'Joining a centre');
    await press(driver, 'join-submit');
    await problemsListed(driver);
    await check(driver, lang, 'Joining a centre, with problems');
    await driver.navigate().refresh();
  }
  // Set up in French: the recovery key is shown once, then the lead is in.
  await find(driver, 'setup-join');
  for (const [name, value] of [['centre_name', 'Centre test'], ['lead_display_name', 'Amina Yusuf'], ['lead_username', 'amina'],
    ['passphrase', 'river lantern seven'], ['passphrase2', 'river lantern seven']]) {
    await driver.findElement(By.css(`[data-field="${name}"] input`)).sendKeys(value);
  }
  await driver.findElement(By.css('form button[type="submit"]')).click();
  await find(driver, 'recovery-key');
  await check(driver, 'fr', 'The recovery key', null, true);
  await press(driver, 'recovery-kept');
  await press(driver, 'recovery-continue', 'who');
  // A user the lead added signs in with the first passphrase they were given: they are asked
  // for their own before anything else.
  execFileSync(CLI, ['--data-dir', fresh.dir, '--user', 'amina', 'call', 'create_user', JSON.stringify({
    username: 'tom', display_name: 'Tom Reed', role: 'front_desk', site: 'CAL', passphrase: 'first words for tom' })],
  { env: { ...process.env, HAVEN_PASSPHRASE: 'river lantern seven' } });
  await press(driver, 'lock');
  await enterCredentials(driver, 'tom', 'first words for tom');
  await find(driver, 'passphrase-form');
  await check(driver, 'fr', 'A passphrase to choose at first sign-in', null, true);
  await driver.findElement(By.css('header button')).click();
  // Back to English for whoever runs next on this computer's app profile.
  await find(driver, 'language');
  await chooseLanguage(driver, 'en');
  const late = found.slice(before);
  t.diagnostic(`serious or critical violations on the first-run screens: ${late.length}`);
  assert.deepEqual(late, [], `serious or critical violations:\n${late.join('\n')}`);
});
