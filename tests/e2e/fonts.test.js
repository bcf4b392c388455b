// The window ships Haven's own fonts: a name in Ge'ez script (Tigrinya, Amharic) shows as
// letters, not as empty boxes, on a system with no Ge'ez font (like the test machine's).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { find, lock, openScreen, shot, signIn, useDemoApp, WAIT } from './helpers.js';

const demo = useDemoApp();

test("a Ge'ez name is drawn with Haven's Ethiopic font, not as empty boxes", async () => {
  const { driver } = demo.app;
  await signIn(driver, 'tom');
  await openScreen(driver, 'people');
  await (await find(driver, 'people-search')).sendKeys('Senait');
  // The list redraws as the search is typed: the page finds the name itself when it measures.
  await driver.wait(async () => driver.executeScript(
    'return [...document.querySelectorAll(".name-original")].some((el) => /[\\u1200-\\u137F]/.test(el.textContent))'),
  WAIT, "a name in Ge'ez script is listed");
  await shot(driver, 'geez-name');

  // Each letter of the name beside a character no font has (drawn as the missing-glyph box),
  // in elements of the name's own class. Without a Ge'ez font every letter is that same box, so
  // every letter is exactly as wide as it; Ge'ez letters have widths of their own.
  const measured = await driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     document.fonts.ready.then(() => {
       const el = [...document.querySelectorAll('.name-original')].find((e) => /[\\u1200-\\u137F]/.test(e.textContent));
       const text = el.textContent.trim();
       const width = (s) => {
         const probe = el.cloneNode(false);
         probe.textContent = s;
         el.after(probe);
         const w = probe.getBoundingClientRect().width;
         probe.remove();
         return w;
       };
       const face = [...document.fonts].find((f) => f.family.replace(/"/g, '') === 'Noto Sans Ethiopic');
       done({
         text,
         name: el.getBoundingClientRect().width,
         letters: [...new Set([...text].filter((c) => /[\\u1200-\\u137F]/.test(c)))].map((c) => [c, width(c)]),
         box: width('\\u{10FFFD}'),
         check: document.fonts.check('16px "Noto Sans Ethiopic"', text),
         face: face ? face.status : null,
       });
     });`);
  const about = JSON.stringify(measured);
  assert.equal(measured.face, 'loaded', `the window loaded its Ethiopic web font: ${about}`);
  assert.ok(measured.check, `the Ethiopic font can draw the name: ${about}`);
  assert.ok(measured.name > 0 && measured.box > 0, `the name and the box have widths: ${about}`);
  assert.ok(measured.letters.length >= 3, `the name has several Ge'ez letters: ${about}`);
  const boxes = measured.letters.filter(([, w]) => Math.abs(w - measured.box) < 0.01);
  assert.ok(boxes.length < measured.letters.length,
    `the letters of "${measured.text}" are not all drawn as ${measured.box}px empty boxes: ${about}`);
  const widths = new Set(measured.letters.map(([, w]) => w.toFixed(2)));
  assert.ok(widths.size > 1, `the letters have widths of their own, as Ge'ez glyphs do: ${about}`);
  await lock(driver);
});
