// What the e2e test files share about the pmemstat panel and their own test runs: locators and
// waits in the panel's webview, and node:test's `test` wrapped to leave a screenshot on failure.
// Each file opens its workbench page in before(), so everything here takes a getter of the page.
import { test } from 'node:test';
import { failureShot, waitUntil, webviewFrame } from './harness.mjs';

/** A figure as the panel prints it ("1,234") as a number. */
export const num = (s) => Number(String(s).replace(/[,\s]/g, ''));

/** The panel of the workbench page that `getPage()` returns. */
export function panelOf(getPage) {
  const wv = () => webviewFrame(getPage());
  /** The group row with this key (an exe key, a cmd string or a pid). */
  const row = (key) => wv().locator(`tr.pm-row[data-key=${JSON.stringify(key)}]`);
  /** The header cell of a column. */
  const th = (col) => wv().locator(`table#pm-table th[data-col="${col}"]`);

  /** The panel's document (a Playwright Frame), two iframes deep. */
  async function frame(timeout = 30_000) {
    const el = await wv().owner().elementHandle({ timeout });
    return el.contentFrame();
  }

  /** Runs `fn` in the webview's document until it returns a truthy value. */
  async function inPanel(fn, arg, { timeout = 30_000, what } = {}) {
    const f = await frame(timeout);
    try {
      const handle = await f.waitForFunction(fn, arg, { timeout, polling: 50 });
      return await handle.jsonValue();
    } catch (e) {
      throw new Error(`${what ?? 'panel condition'}: ${e.message.split('\n')[0]}`);
    }
  }

  /** Focus the table (not a toolbar control), then press a key as a user would. */
  async function key(k) {
    await wv().locator('table#pm-table').focus();
    await getPage().keyboard.press(k);
  }

  /**
   * Mouse parked where nothing hovers (`at`, or the empty part of the editor's tab bar), and no
   * hover or toast left on screen: for screenshots.
   */
  async function noHover(at) {
    const page = getPage();
    if (at) await page.mouse.move(at.x, at.y);
    else {
      const ed = await page.locator('#workbench\\.parts\\.editor').boundingBox();
      await page.mouse.move(ed.x + ed.width / 2, ed.y + 17);
    }
    await waitUntil(async () => (await page.locator('.workbench-hover-container:visible, .monaco-hover:visible, .notification-toast:visible').count()) === 0, {
      timeout: 20_000,
      what: 'hovers and toasts gone',
    });
  }

  return { wv, row, th, frame, inPanel, key, noHover };
}

/**
 * node:test's `test` for a file whose tests build on each other: the first failure leaves a
 * screenshot `<prefix>-<test name>.png` and sets `state.failed` (the file's after() keeps its work
 * directory then). Options: `skip` for every test (e.g. 'needs root'), `skipAfterFailure` (the
 * later tests skip), `onFailure` (e.g. put the panel back to its defaults for the next test).
 */
export function failureShotTests(prefix, getPage, { skip = false, skipAfterFailure = false, onFailure } = {}) {
  const state = { failed: false };
  const t = (name, fn, opts = {}) =>
    test(name, { skip, ...opts }, async (ctx) => {
      if (skipAfterFailure && state.failed) return ctx.skip('an earlier test failed');
      try {
        await fn(ctx);
      } catch (e) {
        if (!state.failed) await failureShot(getPage(), `${prefix}-${name.replace(/\W+/g, '-').slice(0, 60)}`);
        state.failed = true;
        await onFailure?.().catch(() => {});
        throw e;
      }
    });
  return { t, state };
}
