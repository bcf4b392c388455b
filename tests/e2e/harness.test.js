// The harness owns what it starts: when WebKitWebDriver dies in the middle of a session (the
// app it started is then orphaned, and used to keep the test runner's pipes open for ever),
// stop() still ends every process of the session, so the runner can exit.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { launch, processes, sessionProcesses, tempDataDir } from './driver.js';
import { field } from './helpers.js';

const LINUX = process.platform === 'linux';
const session = { app: null, dir: null };
after(async () => {
  try {
    if (session.app) await session.app.stop();
  } finally {
    if (session.dir) fs.rmSync(session.dir, { recursive: true, force: true });
  }
});

/** The live processes whose command line names `dir`. */
const naming = (dir) => processes().filter((p) => p.cmdline.includes(dir));

test('stop() ends the whole session after WebKitWebDriver is killed mid-session', { skip: !LINUX && 'reads /proc' }, async () => {
  session.dir = tempDataDir();
  session.app = await launch(['--demo', '--data-dir', session.dir]);
  const { driver, pgid, stop } = session.app;
  await field(driver, 'username');

  const running = sessionProcesses(pgid, session.dir);
  const webdriver = running.find((p) => p.comm === 'WebKitWebDriver');
  assert.ok(webdriver, `WebKitWebDriver runs in the session: ${running.map((p) => p.comm).join(', ')}`);
  const app = naming(session.dir);
  assert.ok(app.length > 0, 'the app runs on the session data folder');

  process.kill(webdriver.pid, 'SIGKILL');
  // The app outlives its parent: exactly the process that used to hang the runner.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.ok(naming(session.dir).length > 0, 'the app is still running once WebKitWebDriver is gone');

  await stop();
  assert.deepEqual(sessionProcesses(pgid, session.dir), [], 'no process of the session is left');
  assert.deepEqual(naming(session.dir), [], 'no app process names the data folder');
  for (const p of [...running, ...app]) {
    assert.ok(!fs.existsSync(`/proc/${p.pid}`) || /\) [ZX] /.test(fs.readFileSync(`/proc/${p.pid}/stat`, 'utf8')),
      `${p.comm} (${p.pid}) has ended`);
  }
});
