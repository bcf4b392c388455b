// End to end: a form with several mistakes, in French. Switch to French, register a person
// with four mistakes at once (no given name, a family name in Arabic script, an age past 120, a
// phone number in words): the error summary lists every problem, each in French from
// `error.<code>` in fr.json and beside its field, and nobody was registered.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { By } from 'selenium-webdriver';
import { cli } from './driver.js';
import { byTestId, chooseValue, find, openScreen, signIn, signInAs, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

const fr = JSON.parse(fs.readFileSync('ui/i18n/fr.json', 'utf8'));
const en = JSON.parse(fs.readFileSync('ui/i18n/en.json', 'utf8'));

/** The text of error.<code> in `lang`, filled as the window's t(key, vars) fills it. */
const worded = (lang, code, vars = {}) =>
  lang[`error.${code}`].replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));

/** The texts of the elements `css` finds, or null while the screen is being redrawn. */
async function textsOf(driver, css) {
  try {
    const found = await driver.findElements(By.css(css));
    return await Promise.all(found.map((el) => el.getText()));
  } catch (err) {
    if (err.name === 'StaleElementReferenceError' || err.name === 'NoSuchElementError') return null;
    throw err;
  }
}

test('every mistake on the person form is listed at once, in French, and nothing is written', async () => {
  const { driver } = demo.app;
  const before = cli(demo.dataDir, 'info', '--json').people;
  await signIn(driver, 'sarah');
  await find(driver, 'count-people');
  await chooseValue(driver, 'language', 'fr');
  await driver.wait(async () => (await textsOf(driver, '[data-testid="nav-dashboard"]'))?.[0] === 'Tableau de bord', WAIT,
    'the window is in French');

  await openScreen(driver, 'people');
  await (await find(driver, 'register-person')).click();
  await find(driver, 'given-name');
  await (await find(driver, 'family-name')).sendKeys('حداد');
  await driver.findElement(By.css('[data-field="sex"] input[value="female"]')).click();
  await (await find(driver, 'estimated-age')).sendKeys('150');
  await (await find(driver, 'phone')).sendKeys('appelez-moi');
  await (await find(driver, 'register-submit')).click();

  const want = [
    ['given_name', 'person.given_name.missing'],
    ['family_name', 'name.not_latin'],
    ['estimated_age', 'person.estimated_age.out_of_range'],
    ['phone', 'phone.invalid'],
  ];
  const listed = await driver.wait(async () => {
    const items = await textsOf(driver, '.error-summary:not([hidden]) li');
    return items && items.length >= want.length ? items : false;
  }, WAIT, 'the summary lists every problem');
  assert.deepEqual(listed, want.map(([, code]) => worded(fr, code)), 'the summary, in French, in the form\'s order');
  for (const [name, code] of want) {
    assert.notEqual(worded(fr, code), worded(en, code), `${code} has its own French text`);
    const beside = await driver.findElement(By.css(`[data-field="${name}"] .field-error`));
    assert.equal(await beside.getText(), worded(fr, code), `the message beside ${name}`);
  }
  // Each summary line links to its field.
  const link = await driver.findElement(By.css('.error-summary li a'));
  await link.click();
  const focused = await driver.executeScript('return document.activeElement.closest("[data-field]")?.dataset.field');
  assert.equal(focused, 'given_name', 'the first link moves to its field');

  assert.equal(cli(demo.dataDir, 'info', '--json').people, before, 'nobody was registered');
  assert.equal((await driver.findElements(byTestId('person-name'))).length, 0, 'still on the form');
  // English again for whoever runs next on this profile.
  await chooseValue(driver, 'language', 'en');
});

/** Whether `text` is one of fr.json's error texts (its placeholders filled with anything). */
const FRENCH = Object.entries(fr).filter(([k, v]) => k.startsWith('error.') && v !== '{message}').map(([k, v]) => [k,
  new RegExp(`^${v.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\\?\}/g, '.+')}$`, 's')]);
const frenchKey = (text) => FRENCH.find(([, re]) => re.test(text))?.[0];

/** What the centre holds that the four forms below would add to: one number each. */
function counts(dataDir, volunteer) {
  const v = cli(dataDir, 'call', 'get_volunteer', JSON.stringify({ id: volunteer }));
  return {
    volunteers: cli(dataDir, 'call', 'list_volunteers', '{}').length,
    checks: JSON.stringify(v).split('"issued_on"').length,
    ledger: JSON.stringify(cli(dataDir, 'call', 'stock_balances', '{}')),
    rota: JSON.stringify(cli(dataDir, 'call', 'rota_week', JSON.stringify({ site: 'CAL' }))),
  };
}

test('in French, the stock receipt, shift, volunteer and check forms each list every problem at once, and nothing is written', async () => {
  const { driver } = demo.app;
  const volunteer = cli(demo.dataDir, 'call', 'list_volunteers', '{}')[0].id;
  const before = counts(demo.dataDir, volunteer);
  // The test before leaves Sarah signed in: lock first, as the next person at the laptop would.
  await signInAs(driver, 'sarah');
  await find(driver, 'count-people');
  await chooseValue(driver, 'language', 'fr');
  await driver.wait(async () => (await textsOf(driver, '[data-testid="nav-dashboard"]'))?.[0] === 'Tableau de bord', WAIT,
    'the window is in French');
  /** Types `text` over the field with data-testid `id`. */
  const retype = async (id, text) => {
    const box = await find(driver, id);
    await box.clear();
    await box.sendKeys(text);
  };
  // Each form empty, with a mistake or two more where a field starts filled in or a second
  // empty field is no mistake.
  const forms = [
    ['#/stock', 'receive-form', 'receive-save', async () => {}],
    ['#/rota', 'shift-form', 'shift-save', async () => { await retype('shift-ends', '25:99'); await retype('shift-needed', '0'); }],
    ['#/volunteers/new', 'volunteer-form', 'volunteer-save', async () => {
      await driver.findElement(By.css('[data-testid="volunteer-form"] [data-field="email"] input')).sendKeys('pas-un-courriel');
      await driver.findElement(By.css('[data-testid="volunteer-form"] [data-field="phone"] input')).sendKeys('appelez-moi');
    }],
    // A date's own parts are checked in the window first (in a round of their own): the issue
    // date is typed right, and the mistakes are the core's to find.
    [`#/volunteers/${volunteer}`, 'dbs-form', 'dbs-save', async () => {
      await retype('dbs-issued-day', '3');
      await retype('dbs-issued-month', '4');
      await retype('dbs-issued-year', '2099');
      await retype('dbs-number', '12AB');
    }],
  ];
  for (const [hash, form, submit, mistakes] of forms) {
    await driver.executeScript('location.hash = arguments[0]', hash);
    await find(driver, form);
    await mistakes();
    await (await find(driver, submit)).click();
    const listed = await driver.wait(async () => {
      const items = await textsOf(driver, `[data-testid="${form}"] .error-summary:not([hidden]) li`);
      return items && items.length ? items : false;
    }, WAIT, `${form} lists its problems`);
    assert.ok(listed.length >= 2, `${form}: every problem at once, not the first alone: ${listed.join(' | ')}`);
    for (const line of listed) {
      const key = frenchKey(line);
      assert.ok(key, `${form}: "${line}" is a French text of fr.json`);
      assert.notEqual(fr[key], en[key], `${form}: ${key} has its own French text`);
    }
  }
  assert.deepEqual(counts(demo.dataDir, volunteer), before, 'nothing was written');
  await chooseValue(driver, 'language', 'en');
});
