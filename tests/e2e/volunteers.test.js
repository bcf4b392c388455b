// End to end: a volunteer's way onto the rota in the real app window. A new volunteer with no
// DBS check is approved, then refused for a child-facing shift with the core's own words on
// screen; after a valid enhanced DBS with the children's barred list is recorded they go on
// the shift, and the printed roster (read back with pdftotext) has their name and the legend
// of DBS marks. At the desk, an adult signed up to children's play is signed up all the same,
// and the Activities screen shows the warning.
//
// Native save dialogs cannot be driven through WebDriver, so the test types the PDF's path
// into the labelled path field, which is the form's keyboard path too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { By, until } from 'selenium-webdriver';
import { byTestId, chooseValue, find, isoDay, lock, openScreen, shot, signIn, typeDate, useDemoApp, WAIT } from './helpers.js';
import { cli } from './driver.js';

const demo = useDemoApp();

/** Waits until the text of [data-testid=id] matches `re` (the screen may be redrawn meanwhile). */
async function waitText(driver, id, re, what) {
  await driver.wait(async () => {
    try {
      return re.test(await (await driver.findElement(byTestId(id))).getText());
    } catch {
      return false;
    }
  }, WAIT, what);
}

async function type(el, text) {
  await el.clear();
  await el.sendKeys(text);
}

/** The rota's shift whose role is `role`. */
const shiftNamed = (driver, role) =>
  driver.wait(until.elementLocated(By.css(`[data-testid="shift"][data-role="${role}"]`)), WAIT, `no shift "${role}" on the rota`);

/** Chooses `name` in the shift's volunteer list and presses "Put on shift". */
async function assignTo(driver, role, name) {
  const shift = await shiftNamed(driver, role);
  const chooser = await shift.findElement(byTestId('assign-volunteer'));
  let chosen = false;
  for (const option of await chooser.findElements(By.css('option'))) {
    if ((await option.getText()) === name) { await option.click(); chosen = true; break; }
  }
  assert.ok(chosen, `${name} is offered for the shift`);
  await (await shift.findElement(byTestId('assign-submit'))).click();
}

test('a volunteer without DBS is refused a child-facing shift, then assigned once a valid DBS is recorded, and printed on the roster', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'sarah');

  // Add the volunteer: no DBS yet.
  await openScreen(driver, 'volunteers');
  await find(driver, 'dbs-due');
  await shot(driver, 'vol-list');
  await (await find(driver, 'volunteer-add')).click();
  await type(await find(driver, 'volunteer-given'), 'Noor');
  await type(await find(driver, 'volunteer-family'), 'Haidari');
  await chooseValue(driver, 'volunteer-site', 'CAL');
  await typeDate(driver, await find(driver, 'volunteer-arrival'), isoDay(-5));
  await typeDate(driver, await find(driver, 'volunteer-departure'), isoDay(40));
  await (await find(driver, 'volunteer-save')).click();
  await waitText(driver, 'volunteer-name', /^Noor Haidari$/, 'the new volunteer\'s page');
  assert.match(await (await find(driver, 'volunteer-dbs')).getText(), /missing/);
  await (await find(driver, 'volunteer-make-approved')).click();
  await find(driver, 'volunteer-make-active');

  // A child-facing shift today at Calais; Noor is refused with the reason.
  await openScreen(driver, 'rota');
  await chooseValue(driver, 'week-site', 'CAL');
  await find(driver, 'shift-form');
  await type(await find(driver, 'shift-starts'), '06:00');
  await type(await find(driver, 'shift-ends'), '07:30');
  await type(await find(driver, 'shift-role'), 'Early play');
  await (await find(driver, 'shift-child')).click();
  await (await find(driver, 'shift-save')).click();
  await assignTo(driver, 'Early play', 'Noor Haidari');
  const message = await (await shiftNamed(driver, 'Early play')).findElement(byTestId('shift-message'));
  await driver.wait(async () => (await message.getText()) !== '', WAIT, 'a refusal is shown beside the shift');
  const refusal = await message.getText();
  assert.match(refusal, /Noor Haidari cannot take this shift/);
  assert.match(refusal, /child-facing/);
  assert.match(refusal, /missing/);
  await shot(driver, 'vol-rota-refused');
  assert.equal((await (await shiftNamed(driver, 'Early play')).findElements(byTestId('shift-volunteer'))).length, 0, 'nobody was put on the shift');

  // Record a valid enhanced DBS with the children's barred list.
  await openScreen(driver, 'volunteers');
  await type(await find(driver, 'volunteer-search'), 'Noor');
  await driver.wait(async () => (await driver.findElements(byTestId('volunteer-row'))).length === 1, WAIT, 'one volunteer found');
  await (await find(driver, 'volunteer-link')).click();
  await find(driver, 'dbs-form');
  await type(await find(driver, 'dbs-number'), '0012 3456 7890');
  await typeDate(driver, await find(driver, 'dbs-issued'), isoDay(-60));
  await (await find(driver, 'dbs-save')).click();
  await waitText(driver, 'volunteer-dbs', /valid until/, 'the DBS is now valid');
  assert.match(await (await find(driver, 'dbs-checks')).getText(), /001234567890/);
  await shot(driver, 'vol-dbs');

  // Now the rota takes her.
  await openScreen(driver, 'rota');
  await assignTo(driver, 'Early play', 'Noor Haidari');
  await driver.wait(async () => {
    try {
      const shift = await shiftNamed(driver, 'Early play');
      const names = await shift.findElements(byTestId('shift-volunteer'));
      return names.length === 1 && /Noor Haidari/.test(await names[0].getText());
    } catch {
      return false;
    }
  }, WAIT, 'Noor is on the shift');
  const mark = await (await shiftNamed(driver, 'Early play')).findElement(byTestId('dbs-mark'));
  assert.equal(await mark.getAttribute('data-state'), 'valid');
  await shot(driver, 'vol-rota-assigned');

  // Print the roster to a file and read it back.
  const pdf = path.join(demo.dataDir, 'roster.pdf');
  await type(await find(driver, 'print-roster-path'), pdf);
  await (await find(driver, 'print-roster-submit')).click();
  await waitText(driver, 'print-roster-status', /Saved/, 'the roster is saved');
  assert.ok(fs.existsSync(pdf), 'the roster PDF was written');
  const text = execFileSync('pdftotext', [pdf, '-']).toString().split(/\s+/).join(' ');
  assert.match(text, /Noor Haidari/);
  for (const legend of ['DBS valid until date', 'DBS expiring soon', 'DBS not valid']) {
    assert.ok(text.includes(legend), `the roster's legend has "${legend}"`);
  }

  // In French the window prints the roster in French: the sheet takes the window's language.
  await chooseValue(driver, 'language', 'fr');
  await waitText(driver, 'nav-dashboard', /Tableau de bord/, 'the window is in French');
  await chooseValue(driver, 'week-site', 'CAL');
  await shiftNamed(driver, 'Early play');
  const pdfFr = path.join(demo.dataDir, 'roster-fr.pdf');
  await type(await find(driver, 'print-roster-path'), pdfFr);
  await (await find(driver, 'print-roster-submit')).click();
  await waitText(driver, 'print-roster-status', /Enregistré/, 'the French roster is saved');
  const textFr = execFileSync('pdftotext', [pdfFr, '-']).toString().split(/\s+/).join(' ');
  assert.match(textFr, /Noor Haidari/);
  for (const word of ['Planning des bénévoles', 'DBS valide jusqu\'à la date indiquée', 'DBS non valide', 'page 1 sur']) {
    assert.ok(textFr.includes(word), `the French roster has "${word}"`);
  }
  for (const english of ['Volunteer rota', 'DBS valid until date', 'Printed']) {
    assert.ok(!textFr.includes(english), `no English "${english}" on the French roster`);
  }
  await chooseValue(driver, 'language', 'en');
  await waitText(driver, 'nav-dashboard', /Dashboard/, 'the window is in English again');
});

test('the front desk sees the rota with DBS marks and the timetable, but no volunteer records or DBS detail', async () => {
  const { driver } = demo.app;
  await lock(driver);
  await signIn(driver, 'tom');
  await openScreen(driver, 'volunteers');
  await waitText(driver, 'nav-volunteers', /Volunteers/, 'the volunteers screen');
  await driver.wait(async () => /Only coordinators and leads/.test(await (await driver.findElement(By.css('main'))).getText()), WAIT,
    'the front desk is told who can see volunteers');

  await openScreen(driver, 'rota');
  await chooseValue(driver, 'week-site', 'CAL');
  const shift = await shiftNamed(driver, 'Early play');
  assert.match(await shift.getText(), /Noor Haidari/);
  assert.equal(await (await shift.findElement(byTestId('dbs-mark'))).getAttribute('data-state'), 'valid');
  const page = await (await driver.findElement(By.css('main'))).getText();
  assert.ok(!page.includes('001234567890'), 'no certificate number on the front desk\'s rota');
  assert.equal((await driver.findElements(byTestId('print-roster'))).length, 0, 'no roster printing for the front desk');
  assert.equal((await driver.findElements(byTestId('assign-volunteer'))).length, 0, 'no rota changes for the front desk');
  await shot(driver, 'vol-rota-front-desk');

  await openScreen(driver, 'activities');
  await find(driver, 'print-activity');
  assert.ok((await driver.findElements(byTestId('instance'))).length > 0, 'the demo week has sessions');
  await shot(driver, 'vol-activities');
});

test('a shift for an activity session takes its day and times, and is marked cancelled on the rota when the session is', async () => {
  const { driver } = demo.app;
  await lock(driver);
  await signIn(driver, 'sarah');
  await openScreen(driver, 'rota');
  await chooseValue(driver, 'week-site', 'CAL');

  // Choose the week's first session: date and times come from it and cannot be typed over.
  await find(driver, 'shift-form');
  const options = await driver.findElements(By.css('[data-testid="shift-session"] option'));
  assert.ok(options.length > 1, 'the week\'s sessions are offered');
  const [sessionId, onDate] = (await options[1].getAttribute('value')).split('/');
  await options[1].click();
  assert.equal(await (await find(driver, 'shift-starts')).getAttribute('disabled'), 'true', 'the times are the session\'s');
  await type(await find(driver, 'shift-role'), 'Session helpers');
  await (await find(driver, 'shift-save')).click();
  const shift = await shiftNamed(driver, 'Session helpers');
  assert.equal(await shift.getAttribute('data-cancelled'), 'false');
  assert.match(await shift.getText(), /Activity session/);

  // Cancel that week's session on the Activities screen.
  await openScreen(driver, 'activities');
  const instance = await driver.wait(until.elementLocated(By.css(`[data-testid="instance"][data-session="${sessionId}"][data-on="${onDate}"]`)), WAIT, 'the session is listed');
  const title = await instance.getAttribute('data-title');
  await (await instance.findElement(byTestId('instance-open'))).click();
  // That one session's sign-up sheet prints from its panel.
  const sheet = path.join(demo.dataDir, 'session-sheet.pdf');
  await type(await find(driver, 'print-session-path'), sheet);
  await (await find(driver, 'print-session-submit')).click();
  await waitText(driver, 'print-session-status', /Saved/, 'the session sheet is saved');
  const sheetText = execFileSync('pdftotext', [sheet, '-']).toString().split(/\s+/).join(' ');
  assert.ok(sheetText.includes(title.split(/\s+/).join(' ')), `the sheet names the session "${title}"`);
  const save = await driver.wait(until.elementLocated(By.css(`[data-testid="instance"][data-session="${sessionId}"] [data-testid="exception-save"]`)), WAIT, 'the change form');
  await save.click();
  await driver.wait(until.elementLocated(By.css(`[data-testid="instance"][data-session="${sessionId}"][data-on="${onDate}"] [data-testid="instance-exception"]`)), WAIT, 'the session is cancelled');

  // The rota keeps the shift, marked cancelled, with no place to fill.
  await openScreen(driver, 'rota');
  await driver.wait(async () => {
    try {
      return (await (await shiftNamed(driver, 'Session helpers')).getAttribute('data-cancelled')) === 'true';
    } catch {
      return false;
    }
  }, WAIT, 'the shift is marked cancelled');
  const cancelled = await shiftNamed(driver, 'Session helpers');
  assert.match(await cancelled.getText(), /Cancelled/);
  assert.equal((await cancelled.findElements(byTestId('assign-volunteer'))).length, 0, 'nobody can be put on it');
  await shot(driver, 'vol-rota-cancelled-session');
});

test("an adult signed up to children's play is signed up, and the screen shows the warning", async () => {
  const { driver } = demo.app;
  await lock(driver);
  await signIn(driver, 'tom');
  const tt = cli(demo.dataDir, 'call', 'timetable', JSON.stringify({ site: 'CAL' }));
  const play = tt.instances.find((i) => i.title === "Children's play" && i.exception !== 'cancelled' && i.signed_up + 1 < i.capacity);
  assert.ok(play, "children's play at Calais this week");
  const signedUp = () => cli(demo.dataDir, 'call', 'session_sign_ups', JSON.stringify({ session: play.session_id, on_date: play.on_date }))
    .map((p) => p.person_id);
  const before = signedUp();
  const adult = cli(demo.dataDir, 'call', 'search_people', JSON.stringify({ site: 'CAL', status: 'active', age_band: 'adult', limit: 50 }))
    .rows.find((r) => !before.includes(r.id) && r.age && r.age.years >= 18);
  assert.ok(adult, 'an adult at Calais not signed up yet');
  // A baby signed up beforehand: the window gives babies' ages in months, as the sheet does.
  const baby = cli(demo.dataDir, 'call', 'search_people', JSON.stringify({ site: 'CAL', status: 'active', age_band: 'baby', limit: 50 }))
    .rows.find((r) => !before.includes(r.id));
  assert.ok(baby, 'a baby at Calais not signed up yet');
  cli(demo.dataDir, 'call', 'sign_up', JSON.stringify({ session: play.session_id, on_date: play.on_date, person: baby.id }));

  await openScreen(driver, 'activities');
  const instance = await driver.wait(until.elementLocated(
    By.css(`[data-testid="instance"][data-session="${play.session_id}"][data-on="${play.on_date}"]`)), WAIT, 'the session is listed');
  await instance.findElement(byTestId('instance-open')).click();
  await (await find(driver, 'sign-up-picker')).sendKeys(adult.code);
  const option = await driver.wait(until.elementLocated(byTestId('sign-up-picker-option')), WAIT, 'the picker offers the person');
  await option.click();
  await (await find(driver, 'sign-up-submit')).click();
  const warning = await driver.wait(until.elementLocated(byTestId('flash-warning')), WAIT, 'a warning is shown');
  const text = await warning.getText();
  assert.match(text, /children up to 12/);
  assert.match(text, new RegExp(`is ${adult.age.years}`));
  assert.ok(signedUp().includes(adult.id), 'signed up all the same');
  const rows = await driver.findElements(byTestId('sign-up-row'));
  const texts = await Promise.all(rows.map((r) => r.getText()));
  const babyRow = texts.find((x) => x.includes(baby.code));
  assert.ok(babyRow, 'the baby is listed');
  const months = babyRow.match(/(\d+) months?/);
  assert.ok(months && Number(months[1]) < 24, `a baby's age is given in months: ${babyRow}`);
  await shot(driver, 'activities-adult-warning');
  await lock(driver);
});
