// The desk with a USB barcode scanner, in the real window: a scanner types the card's text
// faster than anyone types (keystrokes 5 ms apart) and presses Enter. The desk takes it as one
// code, records the collection once, clears the box and keeps the focus there, and signals
// what happened (colour and tone): recorded, already collected, or refused (an older card's
// number after a reprint). Then a measurement, not an assertion: 200 scans one after another
// with 2,000 households in the distribution, from the Enter key to the "recorded" signal
// drawn on screen, p50 and p95 printed. The eligible list a page at a time, found by code or name.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, find, lock, signIn, WAIT } from './helpers.js';
import { CLI, launch, tempDataDir } from './driver.js';

/** People in the seeded demo: about 2,300 households at Calais, eligible at its distribution. */
const PEOPLE = 15000;
const SCANS = 200;

const session = { app: null, dataDir: null };
before(async () => {
  session.dataDir = tempDataDir();
  execFileSync(CLI, ['--data-dir', session.dataDir, 'seed-demo', '--people', String(PEOPLE)], {
    env: { ...process.env, HAVEN_PASSPHRASE: 'demo' }, encoding: 'utf8',
  });
  session.app = await launch(['--demo', '--data-dir', session.dataDir]);
});
after(async () => {
  try {
    if (session.app) await session.app.stop();
  } finally {
    if (session.dataDir) fs.rmSync(session.dataDir, { recursive: true, force: true });
  }
});

/** Calls an API function through haven-cli as the demo's lead (answers of several megabytes). */
const call = (name, input) => JSON.parse(execFileSync(CLI, ['--data-dir', session.dataDir, 'call', name, JSON.stringify(input)], {
  env: { ...process.env, HAVEN_PASSPHRASE: 'demo' }, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024,
}));

/** The demo's open distribution at Calais, with plenty of every item and size on its shelf. */
function stockedDistribution() {
  const open = call('list_distributions', {}).find((d) => d.status === 'open' && d.site === 'CAL');
  assert.ok(open, 'the demo has an open distribution at Calais');
  const { items } = call('stock_overview', {});
  const far = new Date(Date.now() + 400 * 86400000).toISOString().slice(0, 10);
  for (const item of items) {
    for (const variant of item.variants.length ? item.variants : [null]) {
      call('receive_stock', { location: open.location_id, item: item.id, quantity: 100000, source: 'donation',
        ...(variant ? { variant } : {}), ...(item.tracks_expiry ? { expires_on: far } : {}) });
    }
  }
  return open;
}

/** Types `text` as a scanner does: one key every 5 ms, then Enter. */
async function scan(driver, text) {
  const actions = driver.actions({ async: true });
  for (const ch of text) actions.keyDown(ch).keyUp(ch).pause(5);
  actions.keyDown(Key.ENTER).keyUp(Key.ENTER);
  await actions.perform();
}

const signalCount = async (driver) => Number(await (await find(driver, 'desk-message')).getAttribute('data-signals') || 0);

/** Waits for the desk's next signal after `count` and returns its kind and the message. */
async function nextSignal(driver, count) {
  try {
    await driver.wait(async () => (await signalCount(driver)) > count, WAIT, 'the desk signals');
  } catch (err) {
    const box = await find(driver, 'desk-code');
    const message = await find(driver, 'desk-message');
    throw new Error(`${err.message}; the box holds "${await box.getAttribute('value')}", the message says "${await message.getText()}", focus on ${await focused(driver)}`);
  }
  const message = await find(driver, 'desk-message');
  return { kind: await message.getAttribute('data-signal'), text: await message.getText() };
}

const focused = async (driver) => driver.switchTo().activeElement().getAttribute('data-testid');

async function openDesk(driver, id) {
  await driver.executeScript(`location.hash = '#/distribution/${id}'`);
  await driver.wait(until.elementLocated(byTestId('plan-row')), 60000, 'the eligible households are listed');
  await find(driver, 'desk-code');
}

test('a scanned card is recorded once, the box cleared and focused; a second scan is already collected; an older card is refused', async () => {
  const { driver } = session.app;
  const dist = stockedDistribution();
  const person = call('create_person', { given_name: 'Hodan', family_name: 'Warsame', date_of_birth: '1990-04-17', site: 'CAL',
    original_name: 'هودان ورسمه', consent: true, confirm_not_duplicate: true }).person;
  // Two cards printed: the first was lost, the second is the one in hand.
  const out = path.join(session.dataDir, 'card.pdf');
  execFileSync(CLI, ['--data-dir', session.dataDir, 'print', 'id-cards', '--person', person.code, '--out', out], { env: { ...process.env, HAVEN_PASSPHRASE: 'demo' } });
  execFileSync(CLI, ['--data-dir', session.dataDir, 'print', 'id-cards', '--person', person.code, '--out', out], { env: { ...process.env, HAVEN_PASSPHRASE: 'demo' } });

  await signIn(driver, 'tom');
  await openDesk(driver, dist.id);
  const box = await find(driver, 'desk-code');
  await box.click();
  let count = await signalCount(driver);
  await scan(driver, `${person.code}/2`);
  let signal = await nextSignal(driver, count);
  assert.equal(signal.kind, 'recorded', signal.text);
  assert.match(signal.text, new RegExp(person.code));
  const rows = await driver.findElements(By.css(`[data-testid="collection-row"][data-code="${person.code}"]`));
  assert.equal(rows.length, 1, 'recorded once');
  assert.equal(await box.getAttribute('value'), '', 'the box is cleared');
  assert.equal(await focused(driver), 'desk-code', 'the box keeps the focus');
  const recorded = call('distribution_desk', { id: dist.id }).collections.filter((c) => c.code === person.code && !c.reversed_at);
  assert.equal(recorded.length, 1, 'one collection in the database');

  count = await signalCount(driver);
  await scan(driver, `${person.code}/2`);
  signal = await nextSignal(driver, count);
  assert.equal(signal.kind, 'already', signal.text);
  assert.match(signal.text, /already collected/);
  await driver.wait(async () => (await focused(driver)) === 'desk-code', WAIT, 'the focus is back in the box');

  // The lost card: a newer card exists. The refused text is still in the box, selected, so
  // the next scan types over it (WebDriver's clear() would take the focus away).
  assert.equal(await box.getAttribute('value'), `${person.code}/2`);
  count = await signalCount(driver);
  await scan(driver, `${person.code}/1`);
  signal = await nextSignal(driver, count);
  assert.equal(signal.kind, 'refused', signal.text);
  assert.match(signal.text, /newer card/);
  assert.equal(await box.getAttribute('value'), `${person.code}/1`, 'the new scan replaced the old text');
});

test('measurement: 200 scans with 2,000 households, Enter to the recorded signal on screen', async () => {
  const { driver } = session.app;
  const dist = call('list_distributions', {}).find((d) => d.status === 'open' && d.site === 'CAL');
  const plan = call('distribution_plan', { id: dist.id });
  const codes = plan.rows.filter((r) => !r.collected).map((r) => r.unit.members[0].code).slice(0, SCANS);
  assert.ok(plan.rows.length >= 2000, `2,000 households in the distribution (${plan.rows.length})`);
  await openDesk(driver, dist.id);
  const box = await find(driver, 'desk-code');
  await box.clear();
  await box.click();
  // Times each Enter in the code box to the next frame drawn after the "recorded" signal.
  await driver.executeScript(`
    const box = document.querySelector('[data-testid="desk-code"]');
    const message = document.querySelector('[data-testid="desk-message"]');
    const times = [];
    let start = 0;
    box.addEventListener('keydown', (e) => { if (e.key === 'Enter') start = performance.now(); }, true);
    new MutationObserver(() => {
      if (message.dataset.signal !== 'recorded' || !start) return;
      const from = start;
      start = 0;
      requestAnimationFrame(() => times.push(performance.now() - from));
    }).observe(message, { attributes: true, attributeFilter: ['data-signals'] });
    window.havenScanTimes = times;
    // The core's share: each record_collection call from the window to its answer (IPC and the
    // core's work), the rest of a scan being the window's.
    // Tauri's invoke is frozen; its IPC is a fetch of the command's address, timed here.
    const fetched = window.fetch.bind(window);
    const calls = [];
    window.fetch = async (url, options) => {
      const mine = String(url).endsWith('/call') && typeof options?.body === 'string' && options.body.includes('"record_collection"');
      if (!mine) return fetched(url, options);
      const from = performance.now();
      try { return await fetched(url, options); } finally { calls.push(performance.now() - from); }
    };
    window.havenCoreTimes = calls;
  `);
  for (const code of codes) {
    const count = await signalCount(driver);
    await scan(driver, code);
    const signal = await nextSignal(driver, count);
    assert.equal(signal.kind, 'recorded', `${code}: ${signal.text}`);
  }
  await driver.wait(async () => (await driver.executeScript('return window.havenScanTimes.length')) >= codes.length, WAIT);
  const times = (await driver.executeScript('return window.havenScanTimes.slice()')).sort((a, b) => a - b);
  const core = (await driver.executeScript('return window.havenCoreTimes.slice()')).sort((a, b) => a - b);
  const at = (list, q) => list[Math.round((list.length - 1) * q)];
  console.log(`desk scan, Enter to recorded on screen: ${times.length} scans, ${plan.rows.length} households: `
    + `p50 ${at(times, 0.5).toFixed(1)} ms, p95 ${at(times, 0.95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms; `
    + (core.length ? `of which record_collection, window to answer: p50 ${at(core, 0.5).toFixed(1)} ms, p95 ${at(core, 0.95).toFixed(1)} ms`
      : 'record_collection not timed'));
});

test('the eligible list shows a page at a time, ticks a scanned household in place, and finds any household', async () => {
  const { driver } = session.app;
  const dist = call('list_distributions', {}).find((d) => d.status === 'open' && d.site === 'CAL');
  const plan = call('distribution_plan', { id: dist.id });
  // Still on the desk of the measurement above: its scans are ticked on the page.
  const rows = await driver.findElements(byTestId('plan-row'));
  assert.equal(rows.length, 100, 'one page of the 2,329 households');
  assert.match(await (await find(driver, 'plan-page')).getText(), /Households 1 to 100 of 2,329/);
  const code = (r) => r.unit.members[0].code;
  const served = plan.rows.filter((r) => r.collected).map(code);
  const firstServed = await driver.findElement(By.css(`[data-testid="plan-row"][data-code="${served[0]}"]`));
  assert.equal(await (await firstServed.findElement(byTestId('plan-collected'))).getText(), '✓');
  assert.equal((await firstServed.findElements(byTestId('plan-tick'))).length, 0);

  // A scan now, of a household on no page shown: ticked when its page is shown.
  const waiting = plan.rows.filter((r) => !r.collected);
  const later = code(waiting[waiting.length - 1]);
  const box = await find(driver, 'desk-code');
  await box.click();
  const count = await signalCount(driver);
  await scan(driver, later);
  assert.equal((await nextSignal(driver, count)).kind, 'recorded');

  // The box finds it by code, and by name among the rest.
  const findBox = await find(driver, 'plan-find');
  await findBox.sendKeys(later);
  await driver.wait(async () => (await driver.findElements(byTestId('plan-row'))).length === 1, WAIT, 'one household found');
  const found = await find(driver, 'plan-row');
  assert.equal(await found.getAttribute('data-code'), later);
  assert.equal(await (await found.findElement(byTestId('plan-collected'))).getText(), '✓', 'ticked after the scan');
  const other = waiting[waiting.length - 2].unit.members[0];
  await findBox.clear();
  await findBox.sendKeys(other.name.toUpperCase());
  await driver.wait(async () => (await driver.findElements(By.css(`[data-testid="plan-row"][data-code="${other.code}"]`))).length === 1,
    WAIT, `${other.name} found by name`);
  assert.equal((await driver.findElements(By.css(`[data-testid="plan-row"][data-code="${other.code}"] [data-testid="plan-tick"]`))).length, 1,
    'not collected: it can be ticked');
  // Scanned now: its row, the same element, is ticked in place; the list is not drawn again.
  await driver.executeScript(`document.querySelector('[data-testid="plan-row"][data-code="${other.code}"]').dataset.before = 'yes'`);
  await box.click();
  const again = await signalCount(driver);
  await scan(driver, other.code);
  assert.equal((await nextSignal(driver, again)).kind, 'recorded');
  const same = await driver.findElement(By.css(`[data-testid="plan-row"][data-code="${other.code}"]`));
  assert.equal(await same.getAttribute('data-before'), 'yes', 'the same row element');
  assert.equal(await (await same.findElement(byTestId('plan-collected'))).getText(), '✓', 'ticked in place');
  assert.equal(await (await find(driver, 'plan-find')).getAttribute('value'), other.name.toUpperCase(), 'what was being found stays');
  await findBox.sendKeys('zzzz');
  await find(driver, 'plan-none');
  assert.equal((await driver.findElements(byTestId('plan-row'))).length, 0);

  // Emptied, the box gives the whole list back; the next page holds the next households.
  await driver.executeScript(`const f = document.querySelector('[data-testid="plan-find"]'); f.value = ''; f.dispatchEvent(new Event('input'));`);
  await driver.wait(async () => (await driver.findElements(byTestId('plan-row'))).length === 100, WAIT, 'the first page again');
  await (await find(driver, 'plan-next')).click();
  await driver.wait(async () => (await (await find(driver, 'plan-row')).getAttribute('data-code')) === code(plan.rows[100]), WAIT,
    'the 101st household first on the second page');
  assert.match(await (await find(driver, 'plan-page')).getText(), /Households 101 to 200 of 2,329/);
  assert.equal(await (await find(driver, 'plan-prev')).isEnabled(), true);
});

test('the print buttons: the front desk prints cards and labels, a coordinator also the packing list and sees who did not come', async () => {
  const { driver } = session.app;
  const dist = call('list_distributions', {}).find((d) => d.status === 'open' && d.site === 'CAL');
  const someone = call('distribution_plan', { id: dist.id }).rows.find((r) => !r.collected).unit.members[0];
  // The front desk (signed in from the tests above): a card on the person page; cards and
  // labels, no packing list and no after-the-day list, on the desk.
  await driver.executeScript(`location.hash = '#/people/${someone.id}'`);
  await find(driver, 'print-id-card');
  await openDesk(driver, dist.id);
  await find(driver, 'day-printing');
  assert.equal((await driver.findElements(byTestId('print-labels-21'))).length, 1);
  assert.equal((await driver.findElements(byTestId('packing-pdf'))).length, 0, 'the packing list is for coordinators');
  assert.equal((await driver.findElements(byTestId('after-day'))).length, 0, 'phones are for coordinators');
  await lock(driver);
  await signIn(driver, 'sarah');
  await openDesk(driver, dist.id);
  for (const id of ['print-site-cards', 'print-labels-24', 'packing-pdf', 'packing-csv', 'packing-xlsx']) await find(driver, id);
  await driver.wait(until.elementLocated(byTestId('not-collected-row')), WAIT, 'the households who did not come are listed');
  await find(driver, 'requested-given-row');
});
