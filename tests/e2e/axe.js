// axe-core (npm `axe-core`) run inside the real app window: the page is checked as WebKit drew
// it, with the app's own fonts, colours and focus, not a copy of the markup in another browser.

import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The axe-core script, given to the window once per document (a lock starts a new one). */
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The impacts a test fails on. */
export const FAILING = ['serious', 'critical'];

/** How long one axe run may take: a long list in a debug build under software rendering. */
const RUN_MS = 60000;

/**
 * Runs axe-core on the window and returns its violations as plain objects:
 * {id, impact, help, nodes: [{target, impact, summary}]}, every rule axe runs by default
 * (WCAG 2.x A and AA and its best practices), every impact. `within` (CSS selectors) limits the
 * run to those parts of the page: a question that opened on a screen already checked.
 */
export async function axeViolations(driver, within = null) {
  const loaded = await driver.executeScript('return typeof window.axe === "object" && typeof window.axe.run === "function"');
  if (!loaded) {
    // The source assigns `window.axe` itself; run as the body of the WebDriver's script.
    await driver.executeScript(`${AXE_SOURCE}\n;return true;`);
  }
  await driver.manage().setTimeouts({ script: RUN_MS });
  const result = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     const within = arguments[0];
     if (within && within.some((s) => !document.querySelector(s))) { done({ error: 'nothing on the page matches ' + within }); return; }
     window.axe.run(within ? { include: within.map((s) => [s]) } : document, { resultTypes: ['violations'] }).then(
       (r) => done({ violations: r.violations.map((v) => ({
         id: v.id, impact: v.impact, help: v.help,
         nodes: v.nodes.map((n) => ({ target: n.target.map(String), impact: n.impact, summary: n.failureSummary })),
       })) }),
       (e) => done({ error: String(e && e.stack || e) }));`, within);
  if (result.error) throw new Error(`axe-core could not run in the window: ${result.error}`);
  return result.violations;
}

/**
 * The serious and critical problems on the window now (or in the parts `within` names), one
 * line each: `screen: rule-id (impact) at target: help`.
 */
export async function seriousProblems(driver, screen, within = null) {
  const lines = [];
  for (const v of await axeViolations(driver, within)) {
    for (const node of v.nodes) {
      if (!FAILING.includes(node.impact ?? v.impact)) continue;
      lines.push(`${screen}: ${v.id} (${node.impact ?? v.impact}) at ${node.target.join(' ')}: ${v.help}`);
    }
  }
  return lines;
}

/**
 * Every element of the window (or of the parts `within` names) the Tab key stops on that does
 * not show the app's focus outline (app.css: solid yellow, 3px) when it has the focus, one line
 * each: `screen: focus not shown at element (outline)`. The focus is given to each in turn and
 * then handed back to the element that had it.
 */
export async function focusNotShown(driver, screen, within = null) {
  const missing = await driver.executeScript(`
    const parts = arguments[0] ? arguments[0].flatMap((s) => [...document.querySelectorAll(s)]) : [document];
    const tabbable = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), '
      + 'select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const had = document.activeElement;
    const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.dataset.testid ? '[data-testid="' + el.dataset.testid + '"]' : '')
      + (el.getAttribute('href') ? '[href="' + el.getAttribute('href') + '"]' : '')
      + (el.textContent.trim() ? ' "' + el.textContent.trim().slice(0, 30) + '"' : '');
    const out = [];
    for (const el of parts.flatMap((p) => [...p.querySelectorAll(tabbable)])) {
      if (!el.getClientRects().length || el.closest('[hidden], [inert]')) continue;
      el.focus({ preventScroll: true });
      if (document.activeElement !== el) continue;
      const s = getComputedStyle(el);
      if (s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 3 && s.outlineColor === 'rgb(255, 221, 0)') continue;
      out.push(name(el) + ' (' + s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.outlineColor + ')');
    }
    if (had && had.focus) had.focus({ preventScroll: true });
    return out;`, within);
  return missing.map((m) => `${screen}: focus not shown at ${m}`);
}
