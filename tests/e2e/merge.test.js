// A person registered twice, merged in the window: the pair is listed under "Possible
// duplicates" on the Exchange screen side by side; the coordinator chooses the record to keep,
// confirms, and the merged record's page says "merged into" the kept one, whose code its own
// code now finds.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { By, until } from 'selenium-webdriver';
import { CLI, cli, launch, tempDataDir } from './driver.js';
import { byTestId, callFromPage, find, openScreen, shot, signIn, WAIT } from './helpers.js';

const run = { app: null, dirs: [] };
after(async () => {
  if (run.app) await run.app.stop();
  for (const dir of run.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('a pair of records of one girl is merged from the Exchange screen and the merged page links to the kept one', async () => {
  const dataDir = tempDataDir();
  run.dirs.push(dataDir);
  execFileSync(CLI, ['--data-dir', dataDir, 'seed-demo', '--people', '30'], { env: { ...process.env, HAVEN_PASSPHRASE: 'demo' } });
  const register = (given) => cli(dataDir, 'call', 'create_person', JSON.stringify({
    given_name: given, family_name: 'Mergeova', site: 'CAL', sex: 'female', date_of_birth: '2011-05-06',
    confirm_not_duplicate: true,
  })).person;
  const first = register('Zeinab');
  const second = register('Zainab');

  run.app = await launch(['--data-dir', dataDir]);
  const { driver } = run.app;
  await signIn(driver, 'sarah');
  await openScreen(driver, 'exchange');
  await find(driver, 'duplicates');
  const pair = await driver.wait(until.elementLocated(By.xpath(
    `//*[@data-testid="duplicate"][contains(., "${first.code}")][contains(., "${second.code}")]`)), WAIT,
  'the two records are listed side by side');
  assert.match(await pair.getText(), /similar name/, 'with why they look alike');
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', pair);
  await shot(driver, 'possible-duplicates');
  // Keep the second one registered: choose it, merge, confirm.
  const radios = await pair.findElements(byTestId('duplicate-keep'));
  const values = await Promise.all(radios.map((r) => r.getAttribute('value')));
  await radios[values.indexOf(second.id)].click();
  await (await pair.findElement(byTestId('duplicate-merge'))).click();
  const yes = await find(driver, 'confirm-merge-yes');
  assert.match(await (await find(driver, 'confirm-merge')).getText(), new RegExp(`${first.code}.*${second.code}`));
  await yes.click();
  const said = await driver.wait(until.elementLocated(By.css('[data-testid="flash-success"]')), WAIT, 'the merge is confirmed');
  assert.match(await said.getText(), new RegExp(`${first.code}.*${second.code}`));

  // The merged record's page says where it went, with a link.
  await driver.executeScript(`location.hash = '#/people/${first.id}'`);
  const merged = await find(driver, 'person-merged');
  assert.match(await merged.getText(), new RegExp(second.code));
  await (await find(driver, 'person-merged-link')).click();
  await driver.wait(async () => (await (await find(driver, 'person-code')).getText()) === second.code, WAIT,
    'the link opens the kept record');

  // The merged code, typed in the People search, finds the kept person alone.
  await openScreen(driver, 'people');
  await (await find(driver, 'people-search')).sendKeys(first.code);
  await driver.wait(async () => {
    const rows = await driver.findElements(By.css('[data-testid="person-row"]'));
    const ids = await Promise.all(rows.map((r) => r.getAttribute('data-id')));
    return ids.length === 1 && ids[0] === second.id;
  }, WAIT, 'the merged code lists the kept record');

  // Erasing the kept record: the confirmation says the merged one goes with it, and so does
  // the answer.
  await driver.executeScript(`location.hash = '#/people/${second.id}'`);
  await find(driver, 'tab-details');
  const erase = await find(driver, 'erase-person');
  await driver.executeScript('arguments[0].scrollIntoView({ block: "center" })', erase);
  await erase.click();
  const asked = await find(driver, 'confirm-erase');
  assert.match(await asked.getText(), new RegExp(`merged with this one \\(${first.code}\\)`));
  await (await find(driver, 'confirm-erase-yes')).click();
  const done = await driver.wait(until.elementLocated(By.xpath(
    `//*[@role="status"][contains(., "${second.code} is erased")]`)), WAIT, 'the erasure is confirmed');
  assert.match(await done.getText(), new RegExp(`merged with it \\(${first.code}\\)`));
  const gone = await callFromPage(driver, 'get_person', { id: first.id });
  assert.ok(gone.ok.person.anonymised_at, 'the merged record is erased too');
});
