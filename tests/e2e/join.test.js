// Joining a centre in the real window: a lead makes a join file with haven-cli on the centre's
// computer; a new computer's first-run screen offers "Join an existing centre", takes the file,
// the one-time code and a passphrase, shows this computer's recovery key once, and signs in to
// the whole centre as a replica at the file's site.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { CLI, cli, launch, tempDataDir } from './driver.js';
import { field, find, shot } from './helpers.js';

const PASS = 'harbour window eleven';
const run = { app: null, dirs: [] };
after(async () => {
  if (run.app) await run.app.stop();
  for (const dir of run.dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('a new computer joins the centre from its first-run screen', async () => {
  const centre = tempDataDir();
  const laptop = tempDataDir();
  run.dirs.push(centre, laptop);
  execFileSync(CLI, ['--data-dir', centre, 'seed-demo', '--people', '30'], { env: { ...process.env, HAVEN_PASSPHRASE: 'demo' } });
  const file = path.join(centre, 'bhm.join');
  const made = cli(centre, 'invite', '--site', 'BHM', '--out', file, '--json');
  assert.equal(made.file, file);

  run.app = await launch(['--data-dir', laptop]);
  const { driver } = run.app;
  await (await find(driver, 'setup-join')).click();
  await (await field(driver, 'file')).sendKeys(file);
  await (await field(driver, 'code')).sendKeys(made.code);
  await (await field(driver, 'user')).sendKeys('priya');
  await (await field(driver, 'passphrase')).sendKeys(PASS);
  await (await field(driver, 'passphrase2')).sendKeys(PASS);
  await (await find(driver, 'join-submit')).click();

  const key = await (await find(driver, 'recovery-key')).getText();
  assert.match(key.replace(/\s/g, ''), /^[0-9A-F]{64}$/, `this computer's recovery key is shown: ${key}`);
  await shot(driver, 'join-recovery-key');
  await (await find(driver, 'recovery-kept')).click();
  await (await find(driver, 'recovery-continue')).click();
  await find(driver, 'who');

  // The whole centre is here, and this computer is the centre's Birmingham replica.
  const status = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     Promise.all([
       window.__TAURI__.core.invoke('call', { name: 'session_info', input: {} }),
       window.__TAURI__.core.invoke('call', { name: 'dashboard_counts', input: {} }),
       window.__TAURI__.core.invoke('call', { name: 'list_replicas', input: {} }),
     ]).then(done, (e) => done({ error: e }));`);
  assert.ok(!status.error, JSON.stringify(status.error));
  const [info, counts, replicas] = status;
  assert.equal(info.user.username, 'priya');
  assert.equal(counts.people_total, 30);
  const here = replicas.filter((r) => r.this_computer);
  assert.equal(here.length, 1);
  assert.equal(here[0].site, 'BHM');
  assert.equal(here[0].code_tag, 'B');
});
