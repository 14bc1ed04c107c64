// How soon the status-bar glance shows in a real VS Code (code-server + Chromium), opened on
// this repository with the git extension on, as `npm run dev` does: the extension host is then
// busy with git's start-up while `onStartupFinished` waits for it. Measures the time from the
// workbench's load to the item showing figures, from the activation event (the extension
// host's log) to the item, and activate() itself (pmemstat's own log). Those times are figures
// (`npm run bench:activation` prints them; the README's targets: activate() < 250 ms, the item
// < 1 s after the activation event, < 4 s after the extension host's start): a loaded machine
// misses them, so the test asserts only bounds a loaded machine meets.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { failureShot, installVsix, launchBrowser, login, newWorkDir, ROOT, startCodeServer, statusItem, VSIX, waitUntil, workbenchUrl } from './harness.mjs';

let server;
let browser;
let page;
let failed = false;

before(async () => {
  const work = newWorkDir('activation');
  const extensionsDir = installVsix(VSIX, work);
  server = await startCodeServer({ work, extensionsDir, folder: ROOT, settings: { 'git.enabled': true } });
  browser = await launchBrowser();
  page = browser.page;
});

after(async () => {
  if (failed) await failureShot(page, 'activation-failure');
  await browser?.close();
  const left = await server?.stop();
  if (left) {
    assert.deepEqual(left.orphans, [], 'processes of the run left behind');
    assert.deepEqual(left.sockets, [], 'sockets left behind');
    if (!failed) fs.rmSync(server.work, { recursive: true, force: true });
  }
});

/** Every file under `dir` whose name passes `want`. */
function filesUnder(dir, want) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p, want));
    else if (want(e.name)) out.push(p);
  }
  return out;
}

/** The time (ms since the epoch) of the first log line matching `re` in any file named `name`, and the line. */
function logLine(name, re) {
  for (const f of filesUnder(path.join(server.userDataDir, 'logs'), (n) => n === name)) {
    const line = fs.readFileSync(f, 'utf8').split('\n').find((l) => re.test(l));
    const m = line && /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
    if (m) return { time: new Date(`${m[1]}T${m[2]}`).getTime(), line };
  }
  return null;
}

test('the status-bar item shows its figures once the extension activates (timings: npm run bench:activation)', async (ctx) => {
  try {
    await login(page, server);
    await page.goto(workbenchUrl(server));
    await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: 60_000 });
    const loaded = Date.now();
    await statusItem(page).waitFor({ timeout: 60_000 });
    const appeared = Date.now();
    await statusItem(page).filter({ hasText: /\d%/ }).waitFor({ timeout: 60_000 });
    const shown = Date.now();
    const event = await waitUntil(() => logLine('remoteexthost.log', /_doActivateExtension pmemstat\.pmemstat\b/), { what: 'the activation in the extension host log' });
    const activated = await waitUntil(() => logLine('pmemstat.log', /pmemstat activated in [\d.]+ ms/), { what: "pmemstat's activation line" });
    const activateMs = Number(/activated in ([\d.]+) ms/.exec(activated.line)[1]);
    const hostStart = logLine('remoteexthost.log', /Extension host with pid \d+ started/);
    ctx.diagnostic(`workbench loaded → item appeared: ${appeared - loaded} ms, with figures: ${shown - loaded} ms`);
    ctx.diagnostic(`extension host started → activation event: ${hostStart ? event.time - hostStart.time : '?'} ms (${event.line.replace(/^.*?_doActivateExtension /, '')})`);
    ctx.diagnostic(`activation event → activated: ${activated.time - event.time} ms (activate() itself ${activateMs} ms) → item with figures: ${shown - activated.time} ms`);
    // Bounds a loaded machine meets (20 times the targets); the figures are the lines above.
    assert.ok(activateMs < 5000, `activate() took ${activateMs} ms`);
    assert.ok(shown - event.time < 20_000, `the item showed ${shown - event.time} ms after the activation event`);
  } catch (e) {
    failed = true;
    throw e;
  }
});
