// Starts tauri-driver (which starts WebKitWebDriver) on free ports and opens the real Haven
// app through it. Stopped with SIGTERM: SIGKILL would leave WebKitWebDriver holding its port.

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

/** Starts tauri-driver and a session of the app with `args`. Returns {driver, stop}. */
export async function launch(args) {
  if (!fs.existsSync(APP)) throw new Error(`the app is not built: ${APP}`);
  const port = await freePort();
  const nativePort = await freePort();
  const proc = spawn(TAURI_DRIVER, ['--port', String(port), '--native-port', String(nativePort)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      // Software rendering: there is no GPU under Xvfb.
      WEBKIT_DISABLE_COMPOSITING_MODE: '1',
      WEBKIT_DISABLE_DMABUF_RENDERER: '1',
    },
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  try {
    await waitForPort(port);
    await waitForPort(nativePort);
  } catch (e) {
    proc.kill('SIGTERM');
    throw e;
  }
  let driver;
  try {
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: 'wry', 'tauri:options': { application: APP, args } })
      .build();
  } catch (e) {
    proc.kill('SIGTERM');
    await exited;
    throw e;
  }
  const stop = async () => {
    try { await driver.quit(); } catch { /* the window may already be gone */ }
    proc.kill('SIGTERM');
    await exited;
  };
  return { driver, stop };
}
