// The distribution desk on a busy day, in the real window: three namesakes told apart in the
// pick list (age, name in its own script, household) which closes on the next entry; someone
// registered at another site served only after the desk says so and asks; a second distribution
// in a week asked about before it is made; and at 1280x800 the code box, the message beside it
// and the latest collection on screen without scrolling, names and buttons of the eligible list
// on few lines, what was given totalled, an inactive case refused by name, and closing the
// distribution asked about first.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, find, lock, openScreen, settled, shot, signIn, signInAs, textOf, typeDate, useDemoApp, WAIT } from './helpers.js';
import { cli } from './driver.js';

const demo = useDemoApp();


/** The demo's open distribution (this week's, on the bus). */
function openDistribution() {
  const list = cli(demo.dataDir, 'call', 'list_distributions', '{}');
  const open = list.find((d) => d.status === 'open');
  assert.ok(open, 'the demo has an open distribution');
  return open;
}

/** Registers someone through haven-cli (as the demo's lead) and returns their person record. */
function register(person) {
  return cli(demo.dataDir, 'call', 'create_person', JSON.stringify({ consent: true, confirm_not_duplicate: true, ...person })).person;
}

const yearsAgo = (years) => {
  const d = new Date();
  d.setFullYear(d.getFullYear() - years);
  return d.toISOString().slice(0, 10);
};

async function openDesk(driver, id) {
  await driver.executeScript(`location.hash = '#/distribution/${id}'`);
  await driver.wait(until.elementLocated(byTestId('plan-row')), WAIT, 'the eligible households are listed');
  await find(driver, 'desk-code');
}


const focused = async (driver) => driver.switchTo().activeElement().getAttribute('data-testid');

test('three namesakes are told apart in the pick list, which closes on the next entry', async () => {
  const { driver } = demo.app;
  const dist = openDistribution();
  const young = register({ given_name: 'Hibaaq', family_name: 'Qorsheel', date_of_birth: yearsAgo(19), site: 'CAL' });
  const mother = register({ given_name: 'Hibaaq', family_name: 'Qorsheel', date_of_birth: yearsAgo(34), site: 'CAL', original_name: 'هباق قورشيل' });
  register({ given_name: 'Awa', family_name: 'Qorsheel', date_of_birth: yearsAgo(7), site: 'CAL', household_with: mother.id, relationship: 'child' });
  const elder = register({ given_name: 'Hibaaq', family_name: 'Qorsheel', date_of_birth: yearsAgo(52), site: 'CAL' });

  await signInAs(driver, 'tom');
  await openDesk(driver, dist.id);
  await (await find(driver, 'desk-code')).sendKeys('Hibaaq Qorsheel', Key.ENTER);
  await find(driver, 'desk-pick');
  await shot(driver, 'desk-namesakes');
  const picks = await driver.findElements(byTestId('desk-pick'));
  assert.equal(picks.length, 3, 'the three namesakes are listed');
  const pick = async (p) => driver.findElement(By.css(`[data-testid="desk-pick"][data-code="${p.code}"]`));
  assert.match(await (await pick(young)).getText(), /19 years/, 'the youngest shows her age');
  assert.match(await (await pick(elder)).getText(), /52 years/, 'the eldest shows hers');
  const hers = await pick(mother);
  assert.match(await hers.getText(), /34 years/);
  assert.equal(await (await hers.findElement(byTestId('desk-pick-original'))).getText(), 'هباق قورشيل', 'the name in its own script');
  const members = await hers.findElements(byTestId('desk-pick-member'));
  assert.equal(members.length, 1, 'the one other member of her household');
  assert.match(await members[0].getText(), /Awa Qorsheel.*7 years/);
  assert.equal((await (await pick(young)).findElements(byTestId('desk-pick-member'))).length, 0, 'alone: nobody listed');

  // The next entry: typing in the box closes the list.
  const box = await find(driver, 'desk-code');
  await box.clear();
  await box.sendKeys('CAL-');
  await driver.wait(async () => (await driver.findElements(byTestId('desk-pick'))).length === 0, WAIT, 'the pick list closed');
  await box.clear();
  await lock(driver);
});

test('someone registered at another site is served once the desk has said so and asked', async () => {
  const { driver } = demo.app;
  const dist = openDistribution();
  const fromDunkirk = register({ given_name: 'Saida', family_name: 'Warsame', date_of_birth: yearsAgo(30), site: 'DUN' });
  await signInAs(driver, 'tom');
  await openDesk(driver, dist.id);
  const before = Number(await textOf(driver, 'counter-households'));
  await (await find(driver, 'desk-code')).sendKeys(fromDunkirk.code, Key.ENTER);
  const ask = await find(driver, 'other-site-confirm');
  const text = await ask.getText();
  assert.ok(text.includes('Dunkirk') && text.includes('Saida Warsame'), `the desk says who and where from: ${text}`);
  await driver.wait(async () => (await focused(driver)) === 'other-site-confirm-yes', WAIT, 'Yes has the focus');
  assert.equal(Number(await textOf(driver, 'counter-households')), before, 'nothing recorded before the answer');
  await shot(driver, 'desk-other-site');
  await driver.switchTo().activeElement().sendKeys(Key.ENTER);
  await driver.wait(settled(async () => Number(await textOf(driver, 'counter-households')) === before + 1), WAIT, 'recorded once confirmed');
  await driver.findElement(By.css(`[data-testid="collection-row"][data-code="${fromDunkirk.code}"]`));
  await driver.wait(async () => (await focused(driver)) === 'desk-code', WAIT, 'the focus is back in the code box');
  await lock(driver);
});

test('a second distribution of the week at the site is asked about before it is made', async () => {
  const { driver } = demo.app;
  const dist = openDistribution();
  const count = cli(demo.dataDir, 'call', 'list_distributions', '{}').length;
  await signInAs(driver, 'sarah');
  await openScreen(driver, 'distribution');
  const loc = await find(driver, 'dist-location');
  await loc.findElement(By.css(`option[value="${dist.location_id}"]`)).click();
  await typeDate(driver, await find(driver, 'dist-date'), dist.held_on);
  await (await find(driver, 'dist-create')).click();
  const ask = await find(driver, 'dist-same-week');
  // The other day is named, written out in the window's language (`1 Dec 2026`), not ISO text.
  const [y, , d] = dist.held_on.split('-').map(Number);
  assert.match(await ask.getText(), new RegExp(`\\b${d} \\p{L}+\\.? ${y}\\b`, 'u'), 'the other day is named');
  assert.doesNotMatch(await ask.getText(), new RegExp(dist.held_on), 'not as ISO text');
  assert.equal(cli(demo.dataDir, 'call', 'list_distributions', '{}').length, count, 'nothing made yet');
  await shot(driver, 'distribution-same-week');
  await (await find(driver, 'dist-same-week-yes')).click();
  await find(driver, 'desk-code');
  assert.equal(cli(demo.dataDir, 'call', 'list_distributions', '{}').length, count + 1, 'made once confirmed');
  await lock(driver);
});

/** Where an element is on the screen. */
const rect = (driver, el) => driver.executeScript('const r = arguments[0].getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};', el);

/** Lines the text of an element takes (distinct tops of its text's boxes). */
const lines = (driver, el) => driver.executeScript(`
  const range = document.createRange();
  range.selectNodeContents(arguments[0]);
  return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;`, el);

test('at 1280x800 the desk shows the code box, the message and the latest collection without scrolling', async () => {
  const { driver } = demo.app;
  const dist = openDistribution();
  await driver.manage().window().setRect({ width: 1280, height: 800 });
  await signInAs(driver, 'tom');
  await openDesk(driver, dist.id);
  const viewport = await driver.executeScript('return {width: window.innerWidth, height: window.innerHeight};');
  const served = Number(await textOf(driver, 'counter-households'));
  const planCodes = [];
  for (const r of await driver.findElements(byTestId('plan-row'))) {
    if ((await r.findElements(byTestId('plan-tick'))).length) planCodes.push(await r.getAttribute('data-code'));
    if (planCodes.length >= 2) break;
  }
  await (await find(driver, 'desk-code')).sendKeys(planCodes[0], Key.ENTER);
  await driver.wait(settled(async () => Number(await textOf(driver, 'counter-households')) === served + 1), WAIT, 'one more household served');
  await shot(driver, 'desk-1280x800');

  // Nothing scrolled, and the box, the message and the newest collection are in the window.
  assert.equal(await driver.executeScript('return window.scrollY || document.scrollingElement.scrollTop;'), 0, 'not scrolled');
  const code = await rect(driver, await find(driver, 'desk-code'));
  const message = await rect(driver, await find(driver, 'desk-message'));
  const newest = await rect(driver, await find(driver, 'collection-row'));
  for (const [name, r] of [['the code box', code], ['the message', message], ['the latest collection', newest]]) {
    assert.ok(r.top >= 0 && r.bottom <= viewport.height && r.left >= 0 && r.right <= viewport.width,
      `${name} is within ${viewport.width}x${viewport.height}: ${JSON.stringify(r)}`);
  }
  assert.ok(message.left >= code.right && message.top < code.bottom, `the message is beside the code box: ${JSON.stringify({ code, message })}`);
  assert.equal(await (await find(driver, 'collection-row')).getAttribute('data-code'), planCodes[0], 'the newest is the one just recorded');

  // What was given is totalled: no item named twice.
  const given = (await textOf(driver, 'collection-given')).split(', ').map((g) => g.replace(/ x\d+$/, ''));
  assert.ok(given.length > 0 && new Set(given).size === given.length, `each item once: ${given}`);
  assert.ok((await textOf(driver, 'collection-given')).match(/ x\d+/), 'with its total');

  // The eligible list: names on one or two lines, each button on one.
  const names = await driver.findElements(byTestId('plan-name'));
  for (const n of names.slice(0, 25)) assert.ok(await lines(driver, n) <= 2, `${await n.getText()} on at most two lines`);
  const ticks = await driver.findElements(byTestId('plan-tick'));
  assert.ok(ticks.length > 0);
  for (const b of ticks.slice(0, 25)) assert.equal(await lines(driver, b), 1, 'a button on one line');

  // An inactive case: refused by name, with what to do.
  const gone = register({ given_name: 'Zahra', family_name: 'Karimi', date_of_birth: yearsAgo(40), site: 'CAL' });
  cli(demo.dataDir, 'call', 'set_person_status', JSON.stringify({ id: gone.id, status: 'moved_on' }));
  await (await find(driver, 'desk-code')).sendKeys(gone.code, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'desk-error')).includes('Zahra Karimi'), WAIT, 'the refusal names the person');
  assert.match(await textOf(driver, 'desk-error'), /coordinator/, 'and the next step');
  const error = await rect(driver, await find(driver, 'desk-error'));
  assert.ok(error.top >= 0 && error.bottom <= viewport.height, 'the refusal is in view');
  await lock(driver);

  // Closing the distribution is asked about first; Cancel leaves it open.
  await signInAs(driver, 'sarah');
  await openDesk(driver, dist.id);
  await shot(driver, 'desk-1280x800-coordinator');
  await (await find(driver, 'dist-toggle')).click();
  await find(driver, 'close-confirm');
  assert.equal(cli(demo.dataDir, 'call', 'list_distributions', '{}').find((d) => d.id === dist.id).status, 'open', 'still open while asked');
  await (await find(driver, 'close-confirm-yes')).click();
  await driver.wait(until.elementLocated(byTestId('dist-list')), WAIT, 'back to the list');
  assert.equal(cli(demo.dataDir, 'call', 'list_distributions', '{}').find((d) => d.id === dist.id).status, 'closed');
  await lock(driver);
});
