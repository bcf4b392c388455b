// Starts tauri-driver (which starts WebKitWebDriver, which starts the app) on free ports and
// opens the real Haven app through it. The session owns every process it starts: tauri-driver
// leads a process group, and stopping a session kills that group and any process still naming
// the session's data folder, so nothing outlives a test file and keeps the runner waiting.
// SIGTERM comes first: tauri-driver then stops WebKitWebDriver, which would otherwise be left
// holding its port.

import { spawn, execFileSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Builder } from 'selenium-webdriver';

export const APP = process.env.HAVEN_APP ?? path.resolve('target/debug/haven');
export const CLI = process.env.HAVEN_CLI ?? path.resolve('target/debug/haven-cli');
const TAURI_DRIVER = process.env.TAURI_DRIVER ?? 'tauri-driver';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function waitForPort(port, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => { sock.destroy(); resolve(); });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on port ${port} after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

/** A fresh data folder for one test run. */
export function tempDataDir() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'haven-e2e-'));
}

/** Runs haven-cli with the demo passphrase and returns its parsed JSON output. */
export function cli(dataDir, ...args) {
  const out = execFileSync(CLI, ['--data-dir', dataDir, ...args], {
    env: { ...process.env, HAVEN_PASSPHRASE: 'demo' },
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

/** How long `driver.quit()` may take before `stop()` stops waiting for it. */
const QUIT_MS = 10000;
/** How long the app may take to close (and save its state) after the session ends. */
const CLOSE_MS = 10000;
/** How long the processes have between SIGTERM and SIGKILL. */
const GRACE_MS = 5000;

const LINUX = process.platform === 'linux';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every live process on this machine (Linux: read from /proc) as {pid, ppid, pgid, comm,
 * cmdline}. Zombies are left out: they have closed their files and only wait to be reaped.
 */
export function processes() {
  if (!LINUX) return [];
  const found = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces or parentheses itself.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
      if (state === 'Z' || state === 'X') continue;
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean);
      found.push({ pid: Number(name), ppid: Number(ppid), pgid: Number(pgid), comm, cmdline });
    } catch {
      // The process ended while we read it.
    }
  }
  return found;
}

/**
 * The live processes of one session: those in its process group, their descendants (a child
 * may start a group of its own), and any process whose command line names the session's data
 * folder (the app, even once its parents are gone and it has been handed to init).
 */
export function sessionProcesses(pgid, dataDir) {
  const all = processes();
  const mine = new Set(all.filter((p) => p.pgid === pgid || (dataDir && p.cmdline.includes(dataDir))).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => mine.has(p.pid));
}

const describe = (list) => list.map((p) => `${p.pid} ${p.comm}`).join(', ');

function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** Waits until `check()` is true or `ms` have passed; returns the last answer. */
async function waitUntil(check, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const done = check();
    if (done || Date.now() > deadline) return done;
    await sleep(100);
  }
}

/** Resolves with `promise`, or rejects after `ms`. */
function timeLimit(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Starts tauri-driver and a session of the app with `args`. Returns {driver, stop, pgid,
 * dataDir}. tauri-driver leads a process group of its own, and WebKitWebDriver and the app
 * start inside it. `stop()` ends the session, then kills whatever of the session is still
 * running (SIGTERM, then SIGKILL) and waits until it is gone, even when the WebDriver side has
 * failed; it throws, naming them, if any process survives that.
 */
export async function launch(args) {
  if (!fs.existsSync(APP)) throw new Error(`the app is not built: ${APP}`);
  const at = args.indexOf('--data-dir');
  const dataDir = at >= 0 ? args[at + 1] : null;
  const port = await freePort();
  const nativePort = await freePort();
  const proc = spawn(TAURI_DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    // Its own process group, so that one signal reaches WebKitWebDriver and the app too.
    detached: LINUX,
    // Pipes of our own, closed in stop(): an inherited stdout or stderr would be the test
    // runner's pipe, and a process that outlived the session would hold it open for ever.
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Software rendering: there is no GPU under Xvfb.
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
      WEBKIT_DISABLE_DMABUF_RENDERER: '1',
    },
  });
  proc.stdout.on('data', (chunk) => process.stderr.write(chunk));
  proc.stderr.on('data', (chunk) => process.stderr.write(chunk));
  // 'error' instead of 'exit' when tauri-driver could not be started at all.
  const exited = new Promise((resolve) => {
    proc.once('exit', resolve);
    proc.once('error', resolve);
  });
  const pgid = proc.pid;
  let driver = null;
  let stopped = null;

  const kill = async (ended) => {
    if (!LINUX) {
      proc.kill('SIGTERM');
      await exited;
      return;
    }
    // The session ended as it should: give the app time to close by itself and save its state.
    if (ended && dataDir) {
      await waitUntil(() => !processes().some((p) => p.cmdline.includes(dataDir)), CLOSE_MS);
    }
    // tauri-driver stops WebKitWebDriver on SIGTERM; the group signal reaches the rest, and
    // the session's processes outside the group are signalled one by one.
    const left = sessionProcesses(pgid, dataDir);
    signal(-pgid, 'SIGTERM');
    for (const p of left) signal(p.pid, 'SIGTERM');
    let alive = await waitUntil(() => sessionProcesses(pgid, dataDir).length === 0, GRACE_MS);
    if (!alive) {
      signal(-pgid, 'SIGKILL');
      for (const p of [...left, ...sessionProcesses(pgid, dataDir)]) signal(p.pid, 'SIGKILL');
      alive = await waitUntil(() => sessionProcesses(pgid, dataDir).length === 0, GRACE_MS);
    }
    await timeLimit(exited, GRACE_MS, 'tauri-driver exiting').catch(() => {});
    proc.stdout.destroy();
    proc.stderr.destroy();
    const survivors = sessionProcesses(pgid, dataDir);
    if (survivors.length > 0) {
      throw new Error(`processes of the session outlived SIGKILL: ${describe(survivors)}`);
    }
  };

  const stop = () => {
    // One clean-up however often it is asked for (an `after` hook and a failing test).
    stopped ??= (async () => {
      let ended = false;
      if (driver) {
        ended = await timeLimit(driver.quit(), QUIT_MS, 'driver.quit()').then(
          () => true,
          // The window or the WebDriver side may already be gone: the kill below still runs.
          () => false,
        );
      }
      await kill(ended);
    })();
    return stopped;
  };

  try {
    await waitForPort(port);
    await waitForPort(nativePort);
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: 'wry', 'tauri:options': { application: APP, args } })
      .build();
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  return { driver, stop, pgid, dataDir };
}
