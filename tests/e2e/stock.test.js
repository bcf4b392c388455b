// End to end: stock and the weekly distribution in the real app window. Receive a donation and
// see the balance rise; create a distribution; print its sign-up sheet (the PDF exists and its
// text has the households' names in Latin and in their own script); record collections by
// typing codes and pressing Enter, then one by typing a name and one by choosing from the pick
// list a shared name opens, see the counters rise and the stock fall, and a second collection by
// the same household refused. Then a catalogue item changed from the Stock screen, and a baby's
// nappy size recorded on their page. Last, baby milk received already expired: recorded, and
// the screen says so in a warning.
//
// Native save dialogs cannot be driven through WebDriver, so the test types the PDF's path into
// the sheet's "Save as" field, which is the screen's keyboard path too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { By, Key, until } from 'selenium-webdriver';
import { byTestId, createDistribution, find, isoDay, lock, openScreen, shot, signIn, textOf, typeDate, useDemoApp, WAIT } from './helpers.js';
import { cli } from './driver.js';

const demo = useDemoApp();

/** Chooses the option whose text is `text` in the select with data-testid `id`. */
async function choose(driver, id, text) {
  const sel = await find(driver, id);
  const options = await sel.findElements(By.css('option'));
  for (const o of options) {
    if ((await o.getText()) === text) { await o.click(); return; }
  }
  throw new Error(`no option "${text}" in ${id}`);
}

/** Units shown for `item` at `location` on the Stock screen (0 when there is no line). */
async function balance(driver, item, location) {
  await openScreen(driver, 'stock');
  // The screen draws itself again after a save: a line read while it does is read again.
  for (let attempt = 1; ; attempt++) {
    try {
      await find(driver, 'receive-form');
      const rows = await driver.findElements(By.css(`[data-testid="balance-row"][data-item="${item}"][data-variant=""][data-location="${location}"]`));
      if (!rows.length) return 0;
      const text = await rows[0].findElement(byTestId('balance-qty')).getText();
      return Number(text.replace(/[^\d]/g, ''));
    } catch (err) {
      if (err?.name !== 'StaleElementReferenceError' || attempt >= 5) throw err;
    }
  }
}

/** Units left of `item` on the desk's "stock left" table. */
async function remaining(driver, item) {
  const cell = await driver.findElement(By.css(`[data-testid="remaining-row"][data-item="${item}"][data-variant=""] [data-testid="remaining-qty"]`));
  // Read whether or not the folded "Stock left" section is open.
  return Number((await driver.executeScript('return arguments[0].textContent', cell)).replace(/[^\d]/g, ''));
}


test('receive a donation, create a distribution, print its sheet, record collections by code, by name and from the list, and see stock fall', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await find(driver, 'count-people');
  await find(driver, 'stock-chart');
  await shot(driver, 'stock-dashboard-chart');

  // Receive a donation of hygiene kits on the bus.
  const before = await balance(driver, 'Hygiene kit', 'The bus');
  await choose(driver, 'receive-location', 'The bus (CAL)');
  await choose(driver, 'receive-item', 'Hygiene kit (kit)');
  await (await find(driver, 'receive-quantity')).sendKeys('25');
  await choose(driver, 'receive-source', 'Donation');
  await (await find(driver, 'receive-party')).sendKeys('Secours Populaire');
  await (await find(driver, 'receive-save')).click();
  await driver.wait(async () => (await balance(driver, 'Hygiene kit', 'The bus')) === before + 25, WAIT,
    'the balance rose by the 25 kits received');
  await shot(driver, 'stock-screen');

  // Create today's distribution on the bus.
  await openScreen(driver, 'distribution');
  await choose(driver, 'dist-location', 'The bus (CAL)');
  await createDistribution(driver);
  await driver.wait(until.elementLocated(byTestId('plan-row')), WAIT, 'the eligible households are listed');

  // Two households, one with a name in its own script.
  const rows = await driver.findElements(byTestId('plan-row'));
  assert.ok(rows.length >= 2, 'at least two eligible households');
  let scripted = null;
  for (const r of rows) {
    const own = await r.findElements(byTestId('plan-original'));
    if (own.length) {
      scripted = { code: await r.getAttribute('data-code'), name: await r.findElement(byTestId('plan-name')).getText(), own: await own[0].getText() };
      break;
    }
  }
  assert.ok(scripted, 'a household with a name in its own script');
  const other = await (rows[0] === undefined ? null : rows[0]).getAttribute('data-code');
  const second = other === scripted.code ? await rows[1].getAttribute('data-code') : other;

  // Print the sign-up sheet to a typed path.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haven-sheet-'));
  const pdf = path.join(dir, 'sign-up.pdf');
  await (await find(driver, 'sheet-path')).sendKeys(pdf);
  await (await find(driver, 'print-sheet')).click();
  await driver.wait(async () => (await textOf(driver, 'print-message')).includes('sign-up.pdf'), WAIT, 'the sheet is saved');
  assert.ok(fs.existsSync(pdf), 'the PDF exists');
  const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  assert.ok(text.includes(scripted.name), `the Latin name ${scripted.name} is on the sheet`);
  for (const word of scripted.own.split(/\s+/).filter(Boolean)) {
    assert.ok(text.includes(word), `the name in its own script (${word}) is on the sheet`);
  }
  assert.ok(text.includes(scripted.code), 'the code is on the sheet');
  fs.rmSync(dir, { recursive: true, force: true });

  // Record collections by typing codes and pressing Enter.
  const foodBefore = await remaining(driver, 'Food parcel');
  const box = await find(driver, 'desk-code');
  await box.sendKeys(scripted.code, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '1', WAIT, 'one household served');
  await driver.wait(async () => (await driver.switchTo().activeElement().getAttribute('data-testid')) === 'desk-code', WAIT,
    'the focus returns to the code box');
  await (await find(driver, 'desk-code')).sendKeys(second, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '2', WAIT, 'two households served');
  assert.equal(await remaining(driver, 'Food parcel'), foodBefore - 2, 'one food parcel each left the shelf');
  assert.ok(Number(await textOf(driver, 'counter-items')) >= 2, 'items out counted');
  const served = await driver.findElements(byTestId('collection-row'));
  assert.equal(served.length, 2);

  // A third household by typing a name: the head of a household whose full name nobody else
  // at the site has (asked of the core through haven-cli, as the desk's pick list would).
  const distId = (await driver.getCurrentUrl()).split('#/distribution/')[1];
  const lookup = (query) => cli(demo.dataDir, 'call', 'desk_lookup', JSON.stringify({ distribution: distId, query }));
  const planRows = [];
  for (const r of await driver.findElements(byTestId('plan-row'))) {
    planRows.push({ code: await r.getAttribute('data-code'), name: await r.findElement(byTestId('plan-name')).getText() });
  }
  const served2 = new Set([scripted.code, second]);
  const byName = planRows.find((r) => {
    if (served2.has(r.code)) return false;
    const found = lookup(r.name).candidates;
    return found.length === 1 && found[0].code === r.code && !found[0].already_collected;
  });
  assert.ok(byName, 'a household head whose name is theirs alone at the site');
  await (await find(driver, 'desk-code')).sendKeys(byName.name, Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '3', WAIT,
    `the household of ${byName.name} served by name`);
  await driver.findElement(By.css(`[data-testid="collection-row"][data-code="${byName.code}"]`));
  assert.equal(await (await find(driver, 'desk-code')).getAttribute('value'), '', 'the box is cleared');

  // A name several people share: the error names them, a pick list opens with the focus on its
  // first row; the arrow keys move and Enter records the one chosen.
  served2.add(byName.code);
  let shared = null;
  for (const r of planRows) {
    const given = r.name.split(' ')[0];
    const found = lookup(given).candidates;
    const at = found.findIndex((c) => !c.already_collected && !served2.has(c.code) && planRows.some((p) => p.code === c.code));
    if (found.length >= 2 && at >= 0) { shared = { given, at, code: found[at].code, n: found.length }; break; }
  }
  assert.ok(shared, 'a given name several people at the site share');
  await (await find(driver, 'desk-code')).sendKeys(shared.given, Key.ENTER);
  await find(driver, 'desk-pick');
  assert.match(await textOf(driver, 'desk-error'), /Type the code/);
  const picks = await driver.findElements(byTestId('desk-pick'));
  assert.equal(picks.length, shared.n, 'every person with the name is listed');
  await driver.wait(async () => (await driver.switchTo().activeElement().getAttribute('data-testid')) === 'desk-pick', WAIT,
    'the focus is on the pick list');
  for (let i = 0; i < shared.at; i += 1) await driver.switchTo().activeElement().sendKeys(Key.ARROW_DOWN);
  assert.equal(await driver.switchTo().activeElement().getAttribute('data-code'), shared.code);
  await shot(driver, 'distribution-desk-picks');
  await driver.switchTo().activeElement().sendKeys(Key.ENTER);
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '4', WAIT, 'the person chosen is served');
  await driver.findElement(By.css(`[data-testid="collection-row"][data-code="${shared.code}"]`));
  assert.equal((await driver.findElements(byTestId('desk-pick'))).length, 0, 'the pick list is closed');
  await driver.wait(async () => (await driver.switchTo().activeElement().getAttribute('data-testid')) === 'desk-code', WAIT,
    'the focus returns to the box');

  // The same household again: refused, nothing taken.
  await (await find(driver, 'desk-code')).sendKeys(scripted.code, Key.ENTER);
  const error = await find(driver, 'desk-error');
  assert.match(await error.getText(), /already collected/);
  assert.equal(await textOf(driver, 'counter-households'), '4');
  await shot(driver, 'distribution-desk');

  // The eligible list follows the desk: a household served by its code is ticked there.
  const rowOf = (code) => driver.findElement(By.css(`[data-testid="plan-row"][data-code="${code}"]`));
  assert.equal(await (await rowOf(scripted.code)).findElement(byTestId('plan-collected')).getText(), '✓');
  // Tick a household from the list: it is recorded like a typed code.
  const tick = await driver.findElement(By.css('[data-testid="plan-row"] [data-testid="plan-tick"]'));
  const ticked = await tick.findElement(By.xpath('ancestor::tr')).getAttribute('data-code');
  await tick.click();
  await driver.wait(async () => (await textOf(driver, 'counter-households')) === '5', WAIT, 'the ticked household is served');
  await driver.findElement(By.css(`[data-testid="collection-row"][data-code="${ticked}"]`));
  assert.equal(await (await rowOf(ticked)).findElement(byTestId('plan-collected')).getText(), '✓', 'its row is ticked');
  assert.equal((await (await rowOf(ticked)).findElements(byTestId('plan-tick'))).length, 0, 'and cannot be ticked twice');
  // The focus went on to the next household's button, not lost with the one that went.
  const nextTick = await driver.findElement(By.xpath(
    `//*[@data-testid='plan-row'][@data-code='${ticked}']/following-sibling::*[.//*[@data-testid='plan-tick']][1]//*[@data-testid='plan-tick']`));
  const focusedId = await driver.executeScript('return document.activeElement;');
  assert.equal(await focusedId.getId(), await nextTick.getId(), 'the next household\'s button has the focus');

  // The Stock screen shows the fall too.
  const food = await balance(driver, 'Food parcel', 'The bus');
  assert.equal(food, foodBefore - 5, 'the Stock screen shows the food parcels gone');
  await lock(driver);
});

test('a coordinator changes a catalogue item and its threshold; the front desk records a baby\'s nappy size', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'helene');
  await openScreen(driver, 'stock');
  await (await find(driver, 'stock-setup')).findElement(By.css('summary')).click();
  const edit = async () => {
    const row = await driver.wait(until.elementLocated(By.css('[data-testid="catalogue-row"][data-item="Hygiene kit"]')), WAIT);
    await row.findElement(byTestId('item-edit')).click();
    const name = await find(driver, 'item-name');
    assert.equal(await name.getAttribute('value'), 'Hygiene kit', 'the form holds the item');
    return name;
  };
  // A bad change is refused beside its field, and nothing is saved.
  const name = await edit();
  await name.clear();
  await (await find(driver, 'item-save')).click();
  await driver.wait(until.elementLocated(By.css('[data-testid="item-form"] [data-field="name"].has-error')), WAIT,
    'the empty name is shown as the error');
  // A good change: the unit and the threshold at Calais.
  await name.sendKeys('Hygiene kit');
  const unit = await find(driver, 'item-unit');
  await unit.clear();
  await unit.sendKeys('bag');
  const limit = await find(driver, 'item-threshold-CAL');
  await limit.clear();
  await limit.sendKeys('7');
  await (await find(driver, 'item-save')).click();
  await driver.wait(async () => {
    const rows = await driver.findElements(By.css('[data-testid="catalogue-row"][data-item="Hygiene kit"]'));
    if (!rows.length) return false;
    try {
      const text = await rows[0].getAttribute('textContent');
      return text.includes('bag') && text.includes('CAL 7');
    } catch { return false; }
  }, WAIT, 'the catalogue shows the new unit and threshold');
  const item = cli(demo.dataDir, 'call', 'stock_overview', '{}').items.find((i) => i.name === 'Hygiene kit');
  assert.equal(item.unit, 'bag');
  await lock(driver);

  // The front desk on a baby's page: the nappy size, set and shown.
  await signIn(driver, 'tom');
  const babies = cli(demo.dataDir, 'call', 'search_people', JSON.stringify({ flag: 'baby', site: 'CAL', status: 'active' })).rows;
  assert.ok(babies.length, 'a baby at Calais');
  const baby = babies[0];
  await driver.executeScript(`location.hash = '#/people/${baby.id}'`);
  const size = await find(driver, 'nappy-size');
  const want = (await size.getAttribute('value')) === '4' ? '5' : '4';
  await size.findElement(By.css(`option[value="${want}"]`)).click();
  await (await find(driver, 'nappy-form-submit')).click();
  await driver.wait(async () => {
    try { return (await (await find(driver, 'detail-nappy-size')).getText()) === want; } catch { return false; }
  }, WAIT, 'the page shows the size recorded');
  await shot(driver, 'person-nappy-size');
  assert.equal(cli(demo.dataDir, 'call', 'get_person', JSON.stringify({ id: baby.id })).nappy_size, want);
  await lock(driver);
});

test('the reports name categories in words and write the stock\'s value in pounds', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await openScreen(driver, 'reports');
  const weekly = await find(driver, 'report-weekly');
  const text = await weekly.getText();
  assert.match(text, /Baby \d/, 'a category by its name');
  assert.doesNotMatch(text, /\b(baby|food|hygiene|clothing) \d/, 'no stored category names');
  const onHand = await (await find(driver, 'report-on-hand')).getText();
  assert.match(onHand, /£\d/, 'values in pounds');
  await shot(driver, 'reports');
  await lock(driver);
});

test('baby milk received past its expiry date is recorded, and the screen shows the warning', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'helene');
  await openScreen(driver, 'stock');
  await find(driver, 'receive-form');
  await choose(driver, 'receive-location', 'The bus (CAL)');
  const milk = (await (await find(driver, 'receive-item')).findElements(By.css('option')));
  let label = null;
  for (const o of milk) if ((await o.getText()).startsWith('Baby milk')) { label = await o.getText(); await o.click(); break; }
  assert.ok(label, 'baby milk is in the catalogue');
  await (await find(driver, 'receive-quantity')).sendKeys('4');
  await choose(driver, 'receive-source', 'Donation');
  const expired = isoDay(-3);
  await typeDate(driver, await find(driver, 'receive-expiry'), expired);
  await (await find(driver, 'receive-save')).click();
  const warning = await driver.wait(until.elementLocated(byTestId('flash-warning')), WAIT, 'a warning is shown');
  const text = await warning.getText();
  assert.match(text, /Baby milk/);
  assert.match(text, new RegExp(`expired on ${expired}`));
  await shot(driver, 'stock-received-expired');
  await lock(driver);
});

test('sanitary pads sent from the bus to the Birmingham office are on their way until Birmingham marks them received', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');
  await openScreen(driver, 'stock');
  await find(driver, 'transfer-save');
  await choose(driver, 'transfer-from', 'The bus (CAL)');
  await choose(driver, 'transfer-to', 'Office (BHM)');
  await choose(driver, 'transfer-item', 'Sanitary pads (pack)');
  await (await find(driver, 'transfer-quantity')).sendKeys('5');
  await (await find(driver, 'transfer-save')).click();
  const sent = await driver.wait(until.elementLocated(byTestId('flash-success')), WAIT, 'the transfer is recorded');
  assert.match(await sent.getText(), /on its way until someone at BHM marks it received/);
  const onWay = By.css('[data-testid="transit"][data-item="Sanitary pads"][data-status="on_way"]');
  assert.match(await (await driver.wait(until.elementLocated(onWay), WAIT, 'listed as on its way')).getText(), /5 pack/);
  await shot(driver, 'stock-in-transit');
  await lock(driver);

  // Priya, a Birmingham coordinator, marks it received: the office's packs rise by five.
  await signIn(driver, 'priya');
  const before = await balance(driver, 'Sanitary pads', 'Office');
  const row = await driver.wait(until.elementLocated(onWay), WAIT, 'Birmingham sees it coming');
  await (await row.findElement(byTestId('transit-receive'))).click();
  await driver.wait(until.elementLocated(By.css('[data-testid="transit"][data-item="Sanitary pads"][data-status="arrived"]')), WAIT,
    'listed as arrived');
  assert.equal(await balance(driver, 'Sanitary pads', 'Office'), before + 5, 'five more packs at the office');
  await lock(driver);
});
