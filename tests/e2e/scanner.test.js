// The desk with a USB barcode scanner, in the real window: a scanner types the card's text
// faster than anyone types (keystrokes 5 ms apart) and presses Enter. The desk takes it as one
// code, records the collection once, clears the box and keeps the focus there, and signals
// what happened (colour and tone): recorded, already collected, or refused (an older card's
// number after a reprint). Then a measurement, not an assertion: 200 scans one after another
// with 2,000 households in the distribution, from the Enter key to the "recorded" signal
// drawn on screen, p50 and p95 printed.

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
  `);
  for (const code of codes) {
    const count = await signalCount(driver);
    await scan(driver, code);
    const signal = await nextSignal(driver, count);
    assert.equal(signal.kind, 'recorded', `${code}: ${signal.text}`);
  }
  await driver.wait(async () => (await driver.executeScript('return window.havenScanTimes.length')) >= codes.length, WAIT);
  const times = (await driver.executeScript('return window.havenScanTimes.slice()')).sort((a, b) => a - b);
  const at = (q) => times[Math.round((times.length - 1) * q)];
  console.log(`desk scan, Enter to recorded on screen: ${times.length} scans, ${plan.rows.length} households: `
    + `p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${times[times.length - 1].toFixed(1)} ms`);
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
  await find(driver, 'not-collected-row');
  await find(driver, 'requested-given-row');
});
