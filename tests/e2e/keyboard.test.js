// The keyboard alone, in the real window: signing in, the skip link, finding someone on People
// and opening their page, then recording a collection at the desk by its code and leaving a
// question with Escape, with Tab, Shift+Tab, the arrows, Enter, Escape and typing only (no click
// anywhere). Every element the Tab key
// stops on shows the focus outline of app.css.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { By, Key } from 'selenium-webdriver';
import { cli } from './driver.js';
import { byTestId, find, settled, textOf, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

/** The focused element: its test id, tag, address, the start of its text, and whether it shows
 * the app's focus (app.css: a solid yellow outline, 3px; the dark ring around it WebKit does not
 * draw on a select), not the browser's own faint ring or none. */
const focused = (driver) => driver.executeScript(`
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const seen = s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 3 && s.outlineColor === 'rgb(255, 221, 0)';
  return { testid: el.dataset.testid || null, tag: el.tagName.toLowerCase(), href: el.getAttribute('href'),
           text: (el.innerText || el.value || '').trim().slice(0, 40), seen,
           outline: seen ? undefined : \`\${s.outlineStyle} \${s.outlineWidth} \${s.outlineColor}\` };`);

/** Types `keys` on the keyboard, into whatever has the focus. */
const press = async (driver, ...keys) => driver.actions().sendKeys(...keys).perform();

/** Holds `modifier` down while pressing `key` (Shift+Tab, Ctrl+A). */
const chord = async (driver, modifier, key) => driver.actions().keyDown(modifier).sendKeys(key).keyUp(modifier).perform();

/**
 * Presses Tab (Shift+Tab when `back`) until `wanted(focus)` is true, at most `max` times;
 * every stop on the way must show its focus. Returns the stops made.
 */
async function tabTo(driver, wanted, { back = false, max = 80, what } = {}) {
  const stops = [];
  for (let i = 0; i < max; i++) {
    if (back) await chord(driver, Key.SHIFT, Key.TAB);
    else await press(driver, Key.TAB);
    const f = await focused(driver);
    stops.push(f);
    if (f.tag !== 'body') assert.ok(f.seen, `the focus shows on ${JSON.stringify(f)}`);
    if (wanted(f)) return stops;
  }
  assert.fail(`${what} is not reached with ${back ? 'Shift+Tab' : 'Tab'}; the stops: ${stops.map((s) => s.testid || s.href || s.text || s.tag).join(', ')}`);
}

test('sign in, find someone on People and record a collection at the desk with the keyboard alone', async () => {
  const { driver } = demo.app;
  const people = cli(demo.dataDir, 'call', 'search_people', '{"site":"CAL","status":"active","limit":50}').rows;
  const person = people.find((p) => people.filter((q) => q.family_name === p.family_name).length === 1);
  const dist = cli(demo.dataDir, 'call', 'list_distributions', '{}').find((d) => d.status === 'open');
  assert.ok(person && dist, 'the demo has a person with a family name of their own and an open distribution');

  // Sign in: the screen puts the focus in the name box (or in the passphrase when a name is
  // remembered on this computer).
  await find(driver, 'demo-hint');
  await driver.wait(async () => ['input'].includes((await focused(driver)).tag), WAIT, 'a box of the sign-in form has the focus');
  const first = await driver.switchTo().activeElement();
  if ((await first.getAttribute('type')) === 'password') await chord(driver, Key.SHIFT, Key.TAB);
  assert.equal(await (await driver.switchTo().activeElement()).getAttribute('name'), 'username');
  // What an earlier user left in the box is selected and typed over.
  await chord(driver, Key.CONTROL, 'a');
  await press(driver, 'sarah', Key.TAB);
  await press(driver, 'demo', Key.ENTER);
  await find(driver, 'who');

  // People: the Dashboard has the focus; back to the People link in the navigation, Enter; the
  // search box takes the focus; the name typed finds them; Tab on to their name, Enter opens
  // their page.
  await driver.wait(async () => (await focused(driver)).tag === 'main', WAIT, 'the screen has the focus after signing in');
  await tabTo(driver, (f) => f.testid === 'nav-people', { back: true, what: 'the People link' });
  await press(driver, Key.ENTER);
  await driver.wait(async () => (await focused(driver)).testid === 'people-search', WAIT, 'the search box has the focus');
  // The skip link, first on the page, takes the focus to the screen and leaves it where it is.
  await tabTo(driver, (f) => f.href === '#main', { back: true, what: 'the skip link' });
  await press(driver, Key.ENTER);
  await driver.wait(async () => (await focused(driver)).tag === 'main', WAIT, 'the main region has the focus');
  assert.equal(await driver.executeScript('return location.hash'), '#/people', 'still on People');
  await tabTo(driver, (f) => f.testid === 'people-search', { what: 'the search box' });
  await press(driver, person.family_name);
  await driver.wait(settled(async () => (await find(driver, 'people-results')).getAttribute('data-query')
    .then((q) => q === person.family_name)), WAIT, 'the list shows what was typed');
  await tabTo(driver, (f) => f.href === `#/people/${person.id}`, { what: `the link to ${person.code}` });
  await press(driver, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'person-code')).includes(person.code), WAIT, 'their page is open');
  assert.equal(await driver.executeScript('return location.hash'), `#/people/${person.id}`);

  // The person's tabs: arrow keys move between them, Enter is not needed.
  await tabTo(driver, (f) => f.testid === 'tab-details', { what: 'the Details tab' });
  await press(driver, Key.ARROW_RIGHT);
  await driver.wait(async () => (await focused(driver)).testid === 'tab-household', WAIT, 'the arrow moves to the next tab');
  await find(driver, 'panel-household');

  // The desk: Distribution in the navigation, the open day in the list, its code box.
  await tabTo(driver, (f) => f.testid === 'nav-distribution', { back: true, what: 'the Distribution link' });
  await press(driver, Key.ENTER);
  await find(driver, 'dist-list');
  await tabTo(driver, (f) => f.href === `#/distribution/${dist.id}`, { what: 'the open distribution' });
  await press(driver, Key.ENTER);
  await driver.wait(async () => (await focused(driver)).testid === 'desk-code', WAIT, 'the code box has the focus');
  await find(driver, 'plan-row');
  const code = await driver.findElement(By.xpath("//*[@data-testid='plan-row'][.//*[@data-testid='plan-tick']]")).getAttribute('data-code');
  const served = Number(await textOf(driver, 'counter-households'));
  await press(driver, code, Key.ENTER);
  await driver.wait(settled(async () => Number(await textOf(driver, 'counter-households')) === served + 1), WAIT, 'the collection is recorded');
  await driver.findElement(By.css(`[data-testid="collection-row"][data-code="${code}"]`));
  assert.equal((await focused(driver)).testid, 'desk-code', 'the focus stays in the code box for the next one');
  const recorded = cli(demo.dataDir, 'call', 'distribution_desk', JSON.stringify({ id: dist.id })).collections;
  assert.ok(recorded.some((c) => c.code === code), 'the core has the collection');

  // The same code again: refused as already collected, the focus still in the box.
  await press(driver, code, Key.ENTER);
  await driver.wait(settled(async () => (await find(driver, 'desk-message')).getAttribute('data-signal')
    .then((s) => s === 'already')), WAIT, 'the desk says it was collected already');
  assert.equal((await focused(driver)).testid, 'desk-code');
  assert.equal((await driver.findElements(byTestId('collection-row'))).length, recorded.length, 'nothing more recorded');

  // On to the newest collection's Reverse button: the question takes the focus, Escape answers
  // Cancel, the question goes (leaving no empty row) and the focus is back on the button.
  await tabTo(driver, (f) => f.testid === 'reverse', { what: 'the Reverse button of the newest collection' });
  await press(driver, Key.ENTER);
  await driver.wait(async () => (await focused(driver)).testid === 'reverse-confirm', WAIT, 'the question has the focus');
  await press(driver, Key.ESCAPE);
  await driver.wait(async () => (await driver.findElements(byTestId('reverse-confirm'))).length === 0, WAIT, 'Escape closes the question');
  assert.equal((await focused(driver)).testid, 'reverse', 'the focus is back on the button that asked');
  assert.equal(await driver.executeScript("return document.querySelectorAll('[data-testid=\"collections\"] tbody tr').length"),
    recorded.length, 'one row per collection, none left over from the question');
  assert.equal(cli(demo.dataDir, 'call', 'distribution_desk', JSON.stringify({ id: dist.id })).collections
    .filter((c) => c.reversed_at).length, recorded.filter((c) => c.reversed_at).length, 'nothing reversed');
});
