// Security in the real window: a new centre's setup shows the recovery key once; a user the
// lead adds must choose their own passphrase; the front desk is offered no case notes, and the
// core refuses them even when the page asks directly.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { By, until } from 'selenium-webdriver';
import { launch, tempDataDir } from './driver.js';
import { byTestId, callFromPage, enterCredentials, field, find, lock, openScreen, settled, shot, signIn, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

test('the front desk is offered no notes, and the core refuses them and the audit log', async () => {
  const { driver } = demo.app;
  await signIn(driver, 'tom');
  const found = await callFromPage(driver, 'search_people', { text: 'Rahma' });
  const id = found.ok.rows[0].id;
  await driver.executeScript(`location.hash = '#/people/${id}'`);
  await find(driver, 'tab-details');
  assert.equal((await driver.findElements(byTestId('tab-notes'))).length, 0, 'no Notes tab');
  assert.equal((await driver.findElements(byTestId('erase-person'))).length, 0, 'no erase button');
  const record = await callFromPage(driver, 'get_person', { id });
  assert.equal(record.ok.notes, null, 'the record comes without notes');
  const note = await callFromPage(driver, 'add_note', { person: id, body: 'x' });
  assert.equal(note.err.kind, 'forbidden');
  const log = await callFromPage(driver, 'list_audit_log', {});
  assert.equal(log.err.kind, 'forbidden');
  const key = await callFromPage(driver, 'recovery_key', {});
  assert.equal(key.err.kind, 'forbidden');
  for (const name of ['list_volunteers', 'get_volunteer', 'add_dbs_check', 'dbs_due', 'export_person_data', 'erase_person']) {
    const refused = await callFromPage(driver, name, {});
    assert.equal(refused.err.kind, 'forbidden', `${name} is refused to the front desk`);
  }
  await shot(driver, 'front-desk-person');
  await lock(driver);
});

const fresh = { app: null, dir: null };
after(async () => {
  if (fresh.app) await fresh.app.stop();
  if (fresh.dir) fs.rmSync(fresh.dir, { recursive: true, force: true });
});

test('setup shows the recovery key once; a new user chooses their own passphrase', async () => {
  fresh.dir = tempDataDir();
  fresh.app = await launch(['--data-dir', fresh.dir]);
  const { driver } = fresh.app;
  await (await field(driver, 'centre_name')).sendKeys('Test Centre');
  await (await field(driver, 'lead_display_name')).sendKeys('Amina Yusuf');
  await (await field(driver, 'lead_username')).sendKeys('amina');
  await (await field(driver, 'passphrase')).sendKeys('river lantern seven');
  await (await field(driver, 'passphrase2')).sendKeys('river lantern seven');
  await driver.findElement(By.css('form button[type="submit"]')).click();

  const key = await (await find(driver, 'recovery-key')).getText();
  assert.match(key.replace(/\s/g, ''), /^[0-9A-F]{64}$/, `the recovery key is shown: ${key}`);
  assert.ok(fs.existsSync(`${fresh.dir}/haven.keys`), 'the wrapped keys are beside the database');
  await shot(driver, 'setup-recovery-key');
  const go = await find(driver, 'recovery-continue');
  assert.equal(await go.isEnabled(), false, 'Continue waits until the key is kept');
  await (await find(driver, 'recovery-kept')).click();
  await go.click();
  await find(driver, 'who');

  // The lead adds a front-desk user with a first passphrase.
  await openScreen(driver, 'settings');
  await (await find(driver, 'settings-users')).click();
  await (await field(driver, 'display_name')).sendKeys('Tom Reed');
  await (await field(driver, 'username')).sendKeys('tom');
  await (await field(driver, 'passphrase')).sendKeys('first words for tom');
  const addUser = await driver.findElement(By.xpath("//form[.//input[@name='passphrase']]//button[@type='submit']"));
  await addUser.click();
  await driver.wait(until.elementLocated(By.xpath("//table[@data-testid='users']//td[text()='tom']")), WAIT);

  // The lead's audit log lists the new user, in words (what was done, to whom), and its chain
  // checks out.
  await (await find(driver, 'settings-audit')).click();
  await (await find(driver, 'audit-action')).sendKeys('create');
  await (await find(driver, 'audit-filter')).click();
  await driver.wait(settled(async () => {
    const rows = await driver.findElements(byTestId('audit-row'));
    return rows.length > 0 && (await rows[0].getAttribute('data-entity')) === 'user';
  }), WAIT, 'the audit log shows the new user');
  const entry = (await driver.findElements(byTestId('audit-row')))[0];
  assert.equal(await (await entry.findElement(byTestId('audit-what'))).getText(), 'Created');
  assert.equal(await (await entry.findElement(byTestId('audit-about'))).getText(), 'User: Tom Reed (tom)');
  assert.doesNotMatch(await (await entry.findElement(byTestId('audit-when'))).getText(), /T\d\d:|Z$/, 'a local time, not a stored UTC stamp');
  const raw = await entry.findElement(byTestId('audit-raw'));
  assert.equal(await raw.getAttribute('open'), null, 'the raw entry (ids, JSON, UTC) is one click away, closed');
  await raw.findElement(By.css('summary')).click();
  assert.match(await raw.getText(), /create user [0-9a-f]{8}-/, 'opened, it shows the stored action, kind and id');
  await (await find(driver, 'audit-verify')).click();
  await driver.wait(settled(async () => (await (await find(driver, 'audit-check')).getText()).includes('intact')), WAIT);
  assert.doesNotMatch(await (await find(driver, 'audit-check')).getText(), /NOT/);
  await shot(driver, 'settings-audit');
  await (await find(driver, 'settings-security')).click();
  await (await find(driver, 'backup-now')).click();
  await driver.wait(until.elementLocated(By.xpath("//*[contains(text(), 'Backed up to')]")), WAIT);
  assert.ok(fs.readdirSync(`${fresh.dir}/backups`).some((f) => f.endsWith('.db')), 'a backup file is in the backups folder');
  await lock(driver);

  // Tom signs in with it and is asked for his own before anything else.
  await enterCredentials(driver, 'tom', 'first words for tom');
  await find(driver, 'passphrase-form');
  await (await find(driver, 'pass-current')).sendKeys('first words for tom');
  await (await find(driver, 'pass-new')).sendKeys('tom chooses his own');
  await (await find(driver, 'pass-again')).sendKeys('tom chooses his own');
  await (await find(driver, 'pass-save')).click();
  await find(driver, 'who');
  await lock(driver);
  await enterCredentials(driver, 'tom', 'first words for tom');
  await driver.wait(settled(async () => {
    for (const box of await driver.findElements(By.css('.error-summary'))) if (await box.isDisplayed()) return true;
    return false;
  }), WAIT, 'the wrong passphrase is refused');
  assert.equal((await driver.findElements(byTestId('who'))).length, 0, 'the old passphrase no longer opens');
  await enterCredentials(driver, 'tom', 'tom chooses his own');
  await find(driver, 'who');
});

test('a lead restores a backup from Settings: the data goes back and everyone signs in again', async () => {
  const { driver } = fresh.app;
  const backups = fs.readdirSync(`${fresh.dir}/backups`).filter((f) => f.endsWith('.db')).sort();
  const backup = `${fresh.dir}/backups/${backups[backups.length - 1]}`;
  await lock(driver);
  await enterCredentials(driver, 'amina', 'river lantern seven');
  await find(driver, 'who');

  // A change after the backup: the centre's name.
  await openScreen(driver, 'settings');
  const name = await field(driver, 'centre_name');
  await name.clear();
  await name.sendKeys('Renamed Centre');
  await driver.findElement(By.xpath("//form[.//input[@name='centre_name']]//button[@type='submit']")).click();
  await driver.wait(until.elementLocated(By.xpath("//form[.//input[@name='centre_name']]//*[contains(text(), 'Saved')]")), WAIT, 'the new name is saved');

  // A file that is not a backup is refused beside the field, and nothing closes.
  await (await find(driver, 'settings-security')).click();
  await (await find(driver, 'restore-path')).sendKeys(`${fresh.dir}/haven.keys`);
  await (await find(driver, 'restore-submit')).click();
  await (await find(driver, 'restore-confirm-yes')).click();
  await driver.wait(until.elementLocated(By.css('[data-testid="restore"] .error-summary:not([hidden])')), WAIT, 'the refusal is shown');
  await find(driver, 'who');

  // The backup: confirmed, restored, and Haven asks everyone to sign in again.
  const path = await find(driver, 'restore-path');
  await path.clear();
  await path.sendKeys(backup);
  await (await find(driver, 'restore-submit')).click();
  await shot(driver, 'settings-restore-confirm');
  await (await find(driver, 'restore-confirm-yes')).click();
  const notices = await find(driver, 'unlock-notices');
  assert.match(await notices.getText(), /was restored/);
  await shot(driver, 'unlock-after-restore');
  assert.ok(fs.readdirSync(fresh.dir).some((f) => f.startsWith('haven.db.replaced-')), 'the replaced database is kept beside it');

  await enterCredentials(driver, 'amina', 'river lantern seven');
  await find(driver, 'who');
  await openScreen(driver, 'settings');
  await driver.wait(settled(async () => (await (await field(driver, 'centre_name')).getAttribute('value')) === 'Test Centre'), WAIT,
    'the centre has the name it had when the backup was made');
});
