// End to end: dates typed as day, month and year. A date of birth copied from paper as 03 / 04 /
// 2015 reads back as 3 April 2015 in English and 3 avril 2015 in French, whatever order this
// computer's locale puts dates in; a year alone with the "estimated" tick reads "vers 2015"; and
// 31/02 is refused on the French screen with a French message, and nothing is written; with
// other mistakes on the same form, all are listed in one French summary.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By } from 'selenium-webdriver';
import { cli } from './driver.js';
import { byTestId, chooseValue, find, openScreen, settled, shot, signIn, textOf, typeDateParts, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

/** The address of the first person registered (typed 03 04 2015 in English). */
let nawal = null;

/** How many people the case book finds by `text`. */
const countNamed = (text) => cli(demo.dataDir, 'call', 'search_people', JSON.stringify({ text, limit: 500 })).rows.length;

/** Opens the register form from the People screen. */
async function openRegister(driver) {
  await openScreen(driver, 'people');
  await (await find(driver, 'register-person')).click();
  await find(driver, 'given-name');
}

/** Fills the register form's name, date of birth and consent. */
async function fillRegister(driver, given, family, dob, { estimated = false } = {}) {
  await openRegister(driver);
  await (await find(driver, 'given-name')).sendKeys(given);
  await (await find(driver, 'family-name')).sendKeys(family);
  await typeDateParts(driver, await find(driver, 'date-of-birth'), dob);
  if (estimated) await (await find(driver, 'dob-estimated')).click();
  await (await find(driver, 'consent')).click();
}

/** Submits the register form (confirming a possible duplicate) and returns the date of birth
 * the person page shows. */
async function registerAndReadBirth(driver) {
  await (await find(driver, 'register-submit')).click();
  const next = await driver.wait(async () => {
    if ((await driver.findElements(byTestId('duplicates'))).length) return 'duplicates';
    if ((await driver.findElements(byTestId('detail-date-of-birth'))).length) return 'person';
    return false;
  }, WAIT, 'neither the person page nor a duplicate warning came');
  if (next === 'duplicates') await (await find(driver, 'confirm-not-duplicate')).click();
  await find(driver, 'person-code');
  return textOf(driver, 'detail-date-of-birth');
}

/** Chooses the UI language and waits for the navigation to be relabelled. */
async function useLanguage(driver, lang, dashboard) {
  await chooseValue(driver, 'language', lang);
  await driver.wait(settled(async () => (await textOf(driver, 'nav-dashboard')) === dashboard), WAIT, `the window is not in ${lang}`);
}

test('a date of birth typed as 03 04 2015 reads back as 3 April 2015, and 3 avril 2015 in French', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await find(driver, 'count-people');

  await fillRegister(driver, 'Nawal', 'Benkirane', { day: '03', month: '04', year: '2015' });
  // Day, month, year in that order on the screen, in their own boxes.
  const order = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="date-of-birth"] [data-part]\')].map((i) => i.dataset.part)');
  assert.deepEqual(order, ['day', 'month', 'year']);
  await shot(driver, 'date-of-birth-en');
  assert.equal(await registerAndReadBirth(driver), '3 April 2015');
  nawal = await driver.executeScript('return location.hash');

  await useLanguage(driver, 'fr', 'Tableau de bord');
  assert.equal(await textOf(driver, 'detail-date-of-birth'), '3 avril 2015', 'the same person, read in French');
  await fillRegister(driver, 'Samira', 'Benkirane', { day: '03', month: '04', year: '2015' });
  const parts = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="date-of-birth"] label\')].map((l) => l.textContent)');
  assert.deepEqual(parts.slice(0, 3), ['Jour', 'Mois', 'Année'], 'the parts are labelled in French, day first');
  await shot(driver, 'date-of-birth-fr');
  assert.equal(await registerAndReadBirth(driver), '3 avril 2015');

  // Only the year known: the year alone with the tick.
  await fillRegister(driver, 'Rim', 'Benkirane', { day: '', month: '', year: '2015' }, { estimated: true });
  assert.equal(await registerAndReadBirth(driver), 'vers 2015');
});

test('31/02 is refused with a French message on the French screen, and nothing is written', async () => {
  const { driver } = demo.app;
  const before = countNamed('Tigist Haileselassie');
  await fillRegister(driver, 'Tigist', 'Haileselassie', { day: '31', month: '02', year: '2015' });
  await (await find(driver, 'register-submit')).click();
  const summary = await driver.wait(async () => {
    const box = await driver.findElement(By.css('[data-testid="register-form"] .error-summary'));
    return (await box.isDisplayed()) ? box : false;
  }, WAIT, 'no error summary');
  const message = 'Date de naissance : cette date n’existe pas ; vérifiez le jour et le mois.';
  assert.match(await summary.getText(), new RegExp(message));
  assert.match(await summary.getText(), /Il y a un problème/, 'the summary heading is French too');
  const group = await driver.findElement(By.css('[data-testid="register-form"] [data-field="date_of_birth"]'));
  assert.match(await group.getAttribute('class'), /has-error/, 'the whole date is marked in error');
  assert.equal(await group.findElement(By.css('.field-error')).getText(), message, 'the message beside the date');
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', group);
  await shot(driver, 'date-impossible-fr');
  assert.equal(countNamed('Tigist Haileselassie'), before, 'nothing was written');

  // A missing month and a year out of range each say so.
  await typeDateParts(driver, await find(driver, 'date-of-birth'), { day: '12', month: '', year: '2015' });
  await (await find(driver, 'register-submit')).click();
  await driver.wait(settled(async () => (await summary.getText()).includes('Date de naissance : indiquez aussi le mois.')), WAIT,
    'the missing month is named');
  await typeDateParts(driver, await find(driver, 'date-of-birth'), { day: '12', month: '5', year: '1850' });
  await (await find(driver, 'register-submit')).click();
  await driver.wait(settled(async () => (await summary.getText()).includes('Date de naissance : l’année doit être comprise entre 1900 et 2100.')), WAIT,
    'the year out of range is named');
  assert.equal(countNamed('Tigist Haileselassie'), before, 'still nothing written');

  // The rota's week is headed in French, its days written out, never as ISO dates.
  await openScreen(driver, 'rota');
  const heading = await textOf(driver, 'rota-heading');
  assert.match(heading, /Semaine \d+ · \d+ \S+ – \d+ \S+ \d{4}$/, `the week's heading in French: ${heading}`);
  assert.doesNotMatch(await driver.findElement(By.css('main')).getText(), /\d{4}-\d{2}-\d{2}/, 'no ISO date on the rota');

  // Back to English for whoever runs next on this profile.
  await useLanguage(driver, 'en', 'Dashboard');
});

test('31/02 and the form\'s other mistakes are listed together in one French summary, and nothing is written', async () => {
  const { driver } = demo.app;
  await useLanguage(driver, 'fr', 'Tableau de bord');
  const before = countNamed('Gebremedhin');
  // No given name, a phone number that is none, and a date of birth that does not exist: the
  // date is the window's own finding, the other two the core's, and all three come at once.
  await openRegister(driver);
  await (await find(driver, 'family-name')).sendKeys('Gebremedhin');
  await typeDateParts(driver, await find(driver, 'date-of-birth'), { day: '31', month: '02', year: '2015' });
  await (await find(driver, 'phone')).sendKeys('appelez-moi');
  await (await find(driver, 'consent')).click();
  await (await find(driver, 'register-submit')).click();
  const summary = await driver.findElement(By.css('[data-testid="register-form"] .error-summary'));
  const wanted = [
    'Saisissez le prénom de la personne en lettres latines.',
    'Date de naissance : cette date n’existe pas ; vérifiez le jour et le mois.',
    'Saisissez le numéro de téléphone avec 6 à 15 chiffres, par exemple +33 6 12 34 56 78.',
  ];
  await driver.wait(settled(async () => (await summary.isDisplayed()) && (await summary.getText()).includes(wanted[2])),
    WAIT, 'the core\'s problems are not listed beside the date\'s');
  const items = await driver.executeScript(
    'return [...document.querySelectorAll(\'[data-testid="register-form"] .error-summary li\')].map((li) => li.textContent)');
  assert.deepEqual(items, wanted, 'one summary, in the order of the form, every message in French');
  assert.match(await summary.getText(), /Il y a un problème/);
  for (const name of ['given_name', 'date_of_birth', 'phone']) {
    const group = await driver.findElement(By.css(`[data-testid="register-form"] [data-field="${name}"]`));
    assert.match(await group.getAttribute('class'), /has-error/, `${name} is marked beside its field`);
  }
  await shot(driver, 'date-and-others-fr');
  assert.equal(countNamed('Gebremedhin'), before, 'nothing was written');
  await useLanguage(driver, 'en', 'Dashboard');
});

test('editing a date of birth shows the typed parts again, and an estimate keeps only its year', async () => {
  const { driver } = demo.app;
  assert.ok(nawal, 'the first test registered Nawal');
  await driver.executeScript('location.hash = arguments[0]', nawal);
  await (await find(driver, 'edit-details')).click();
  const group = await find(driver, 'date-of-birth');
  const shown = async () => driver.executeScript(
    'return [...arguments[0].querySelectorAll("[data-part]")].map((i) => i.value)', group);
  assert.deepEqual(await shown(), ['3', '4', '2015'], 'the date of birth in its three boxes');

  // Only the year, with the tick: about 2014.
  await typeDateParts(driver, group, { day: '', month: '', year: '2014' });
  await (await find(driver, 'dob-estimated')).click();
  await (await find(driver, 'edit-form-submit')).click();
  await driver.wait(settled(async () => (await textOf(driver, 'detail-date-of-birth')) === 'about 2014'), WAIT,
    'the estimate reads about 2014');
  const stored = cli(demo.dataDir, 'call', 'get_person', JSON.stringify({ id: nawal.split('/').pop() })).person;
  assert.equal(stored.date_of_birth, '2014-01-01', 'a year alone is stored as 1 January');
  assert.equal(stored.dob_estimated, true);

  // Editing again shows the year alone, ticked; a day with no month is refused by name.
  await (await find(driver, 'edit-details')).click();
  const again = await find(driver, 'date-of-birth');
  assert.deepEqual(await driver.executeScript(
    'return [...arguments[0].querySelectorAll("[data-part]")].map((i) => i.value)', again), ['', '', '2014']);
  assert.equal(await (await find(driver, 'dob-estimated')).isSelected(), true);
  await typeDateParts(driver, again, { day: '12', month: '', year: '2014' });
  await (await find(driver, 'edit-form-submit')).click();
  const form = await find(driver, 'edit-form');
  await driver.wait(settled(async () => (await form.findElement(By.css('.error-summary')).getText())
    .includes('Date of birth: enter the month as well.')), WAIT, 'the missing month is named');
});
