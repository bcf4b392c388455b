// What every end-to-end test file needs: the demo app for the file's tests, finding elements
// by their data-testid, screenshots on request, and signing in.

import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { By, until } from 'selenium-webdriver';
import { launch, tempDataDir } from './driver.js';

/** How long a step may take before the test fails. */
export const WAIT = 15000;

/** A folder: when set, `shot` writes screenshots of each screen there. */
const SHOTS = process.env.HAVEN_SHOTS;

/**
 * Starts the app on a fresh demo database before the file's tests and stops it after. The
 * returned object's `app` ({driver, stop}) and `dataDir` are set once `before` has run.
 */
export function useDemoApp() {
  const session = { app: null, dataDir: null };
  before(async () => {
    session.dataDir = tempDataDir();
    session.app = await launch(['--demo', '--data-dir', session.dataDir]);
  });
  after(async () => {
    try {
      if (session.app) await session.app.stop();
    } finally {
      if (session.dataDir) fs.rmSync(session.dataDir, { recursive: true, force: true });
    }
  });
  return session;
}

export const byTestId = (id) => By.css(`[data-testid="${id}"]`);

/** Waits for the element with data-testid `id`. When it never comes, the error says what the
 * window showed instead (an error message on the screen is the usual reason). */
export async function find(driver, id) {
  try {
    return await driver.wait(until.elementLocated(byTestId(id)), WAIT, `no [data-testid="${id}"] on the screen`);
  } catch (err) {
    if (err?.name === 'TimeoutError') {
      const shown = await driver.executeScript('return document.body ? document.body.innerText : ""').catch(() => '');
      err.message += `\nthe window showed:\n${String(shown).slice(0, 2000)}`;
    }
    throw err;
  }
}

/**
 * Moves to screen `name` by its navigation link, the way a person would, and waits until the
 * address names it. A click that lands while the page is still moving under the pointer (a
 * screen drawn again after a save scrolls its message into view) can hit the next link along:
 * the address then names another screen, and the link is clicked again.
 */
export async function openScreen(driver, name) {
  await driver.wait(async () => {
    if ((await driver.executeScript('return location.hash')) === `#/${name}`) return true;
    try {
      await (await driver.findElement(byTestId(`nav-${name}`))).click();
    } catch (err) {
      if (err.name !== 'NoSuchElementError' && err.name !== 'StaleElementReferenceError') throw err;
    }
    return false;
  }, WAIT, `the ${name} screen does not open`);
}

/** Chooses the option `value` of the select with data-testid `id`, waiting for the screen to
 * show it (a move's screen draws after the click that asked for it) and looking again if a
 * redraw replaces the select under the click. */
export async function chooseValue(driver, id, value) {
  const option = By.css(`[data-testid="${id}"] option[value="${value}"]`);
  await driver.wait(async () => {
    try {
      await (await driver.findElement(option)).click();
      return true;
    } catch (err) {
      if (err.name === 'NoSuchElementError' || err.name === 'StaleElementReferenceError') return false;
      throw err;
    }
  }, WAIT, `no option ${value} in [data-testid="${id}"]`);
}

/** The text of the element with data-testid `id`; '' while the screen is redrawing it. */
export async function textOf(driver, id) {
  try {
    return await (await find(driver, id)).getText();
  } catch (err) {
    if (err.name === 'StaleElementReferenceError') return '';
    throw err;
  }
}

/** The input of the form field named `name`. */
export const field = (driver, name) =>
  driver.wait(until.elementLocated(By.css(`[data-field="${name}"] input`)), WAIT, `no field ${name}`);

/** Writes a screenshot called `name` when HAVEN_SHOTS names a folder. */
export async function shot(driver, name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  fs.writeFileSync(`${SHOTS}/${name}.png`, await driver.takeScreenshot(), 'base64');
}

/**
 * A wait condition that a re-render cannot break: an element that goes stale while the
 * condition reads it (a list drawn again after a filter or a save) means "not yet", and the
 * wait looks again.
 */
export function settled(condition) {
  return async () => {
    try {
      return await condition();
    } catch (err) {
      if (err?.name === 'StaleElementReferenceError') return false;
      throw err;
    }
  };
}

/**
 * Types a sign-in name and passphrase on the unlock screen and presses Unlock. Locking starts a
 * fresh document (no page of one user survives into the next session), so the sign-in form found
 * just after a lock can still belong to the page being replaced: if it goes stale under the typing,
 * the whole form is filled in again on the new page.
 */
export async function enterCredentials(driver, username, passphrase) {
  for (let attempt = 1; ; attempt++) {
    try {
      const user = await field(driver, 'username');
      await user.clear();
      await user.sendKeys(username);
      const pass = await field(driver, 'passphrase');
      await pass.clear();
      await pass.sendKeys(passphrase);
      await driver.findElement(byTestId('unlock')).click();
      return;
    } catch (err) {
      if (err?.name !== 'StaleElementReferenceError' || attempt >= 3) throw err;
    }
  }
}

/** Locks the app and waits until the signed-in page has gone: locking loads a fresh document, so
 * until then the old page (and its lock button) can still be found. */
export async function lock(driver) {
  const button = await find(driver, 'lock');
  await button.click();
  await driver.wait(until.stalenessOf(button), WAIT, 'the signed-in page is replaced on lock');
  await field(driver, 'username');
}

/** Signs in as `username`, locking first whoever an earlier test left signed in. */
export async function signInAs(driver, username, passphrase = 'demo') {
  if ((await driver.findElements(byTestId('lock'))).length) await lock(driver);
  await signIn(driver, username, passphrase);
}

/** Signs in to the demo in English (whatever an earlier run left) and waits for the app. */
export async function signIn(driver, username, passphrase = 'demo') {
  await field(driver, 'username');
  const en = await driver.findElement(By.css('[data-testid="language"] option[value="en"]'));
  if (!(await en.isSelected())) {
    await en.click();
    await driver.wait(async () => (await driver.findElement(By.css('form h1')).getText()) === 'Sign in', WAIT);
  }
  await enterCredentials(driver, username, passphrase);
  await find(driver, 'who');
}

/** The local calendar date `days` from today, as YYYY-MM-DD. */
export function isoDay(days) {
  const d = new Date();
  d.setDate(d.getDate() + days);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Types a date (`2015-04-03`) the way a person copies it from paper into a date typed as
 * three fields (`el`, the group with its data-testid): day, month and year, each in its own box,
 * day first in every language. */
export async function typeDate(driver, el, iso) {
  const [year, month, day] = iso.split('-');
  await typeDateParts(driver, el, { day, month, year });
}

/** Types `{day, month, year}` (any may be '') into a date typed as three fields. */
export async function typeDateParts(driver, group, parts) {
  for (const part of ['day', 'month', 'year']) {
    const input = await group.findElement(By.css(`[data-part="${part}"]`));
    await input.clear();
    if (parts[part]) await input.sendKeys(parts[part]);
    assert.equal(await input.getAttribute('value'), parts[part] || '', `the ${part} box took ${parts[part]}`);
  }
}

/**
 * Presses "Create distribution" on the Distribution screen and waits for the new day's desk. A
 * second distribution of the type at the site that week is asked about first (the demo's own
 * may fall in the same week as today): the question is answered yes.
 */
export async function createDistribution(driver) {
  await (await find(driver, 'dist-create')).click();
  const shown = await driver.wait(async () => {
    if ((await driver.findElements(byTestId('desk-code'))).length) return 'desk';
    if ((await driver.findElements(byTestId('dist-same-week-yes'))).length) return 'asked';
    return false;
  }, WAIT, 'the desk, or the question about a second distribution that week');
  if (shown === 'asked') await (await find(driver, 'dist-same-week-yes')).click();
  return find(driver, 'desk-code');
}

/** Calls the core API from the page, as any script in the window could: `{ ok }` or `{ err }`. */
export async function callFromPage(driver, name, input) {
  return driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.__TAURI__.core.invoke('call', { name: arguments[0], input: arguments[1] })
       .then((v) => done({ ok: v }), (e) => done({ err: e }));`,
    name,
    input,
  );
}
