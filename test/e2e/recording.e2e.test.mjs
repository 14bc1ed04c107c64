// The flight recorder in a real VS Code (code-server + Chromium, the .vsix installed as a user
// would): `pmemstat record` records a few seconds of the machine while a hog grows inside a
// memory cgroup with a limit until the kernel kills it (as root, where a v1 or v2 memory
// controller is at hand; elsewhere a memtest grows and nothing is killed); "pmemstat: Open
// Recording" opens it; the table shows that moment's rows; scrubbing the timeline shows another
// sample's figures (those `pmemstat replay --at` prints for it); the OOM kill's marker leads to
// the kill, the sample before it shows the victim; its group's chart over the recording has
// points; recording.png is taken for the README (PICTURES: see harness.mjs); key g regroups the
// moment by unit and the selection follows its process; Reload Window reopens the same moment.
//
// Issue 23. The tests run in order and build on each other.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { BASE_SETTINGS, buildMemtest, Children, endMemtestRun, newWorkDir, PICTURES, ROOT, runCommand, sleep, startWorkbench, waitUntil } from './harness.mjs';
import { failureShotTests, num, panelOf } from './panel.mjs';

const SHOT = path.join(PICTURES, 'recording.png');
const BIN = path.join(ROOT, 'bin', 'pmemstat');
/** (At most 15 characters: the kernel's name of a process, which names an OOM kill's victim.) */
const HOG = 'pmrec-hog';
const MEMORY = '/sys/fs/cgroup/memory';
const UNIFIED = '/sys/fs/cgroup/unified';
const LIMIT = 48 * 1024 * 1024;

const children = new Children();
let server;
let browser;
let page;
let work;
let recDir;
/** What the recording holds, as `pmemstat replay` tells: the events, and whether a kill is among them. */
let events = [];
let kill = null;
const madeCgroups = [];

const { wv, frame, inPanel, noHover } = panelOf(() => page);
const { t, state } = failureShotTests('recording', () => page, { skipAfterFailure: true });
const momentText = () => wv().locator('#pm-rec-moment').innerText();
const strip = () => wv().locator('canvas.pm-rec-strip');
const chart = () => wv().locator('section#pm-chart');
const row = (key) => wv().locator(`tr.pm-row[data-key=${JSON.stringify(key)}]`);

/** A program that touches 1 MB more every 50 ms: killed by the kernel under a limit. */
function buildHog(dir) {
  const src = path.join(dir, `${HOG}.c`);
  writeFileSync(src, '#include <stdlib.h>\n#include <string.h>\n#include <unistd.h>\nint main(void) { for (;;) { char *p = malloc(1 << 20); if (p) memset(p, 1, 1 << 20); usleep(50000); } }\n');
  const out = path.join(dir, HOG);
  execFileSync('cc', ['-O0', '-o', out, src]);
  return out;
}

/** A memory cgroup of this run's with the limit (v1's controller, else v2's), or null where none can be made. */
function limitedCgroup() {
  if (process.getuid?.() !== 0) return null;
  const name = `pmemstat-e2e-rec-${process.pid}`;
  try {
    if (existsSync(path.join(MEMORY, 'memory.limit_in_bytes'))) {
      const d = path.join(MEMORY, name);
      mkdirSync(d);
      madeCgroups.push(d);
      writeFileSync(path.join(d, 'memory.limit_in_bytes'), String(LIMIT));
      return [path.join(d, 'cgroup.procs')];
    }
    if (readFileSync(path.join(UNIFIED, 'cgroup.controllers'), 'utf8').split(/\s+/).includes('memory')) {
      const d = path.join(UNIFIED, name);
      mkdirSync(d);
      madeCgroups.push(d);
      writeFileSync(path.join(d, 'memory.max'), String(LIMIT));
      return [path.join(d, 'cgroup.procs')];
    }
  } catch {
    return null;
  }
  return null;
}

/** `pmemstat replay` on the recording; its JSON lines. */
function replay(args) {
  const r = spawnSync(process.execPath, [BIN, 'replay', '--dir', recDir, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

before(async () => {
  work = newWorkDir('recording');
  recDir = path.join(work, 'rec');
  ({ server, browser, page } = await startWorkbench(work, { settings: BASE_SETTINGS }));
});

after(async () => {
  await endMemtestRun({ failed: state.failed, shot: 'recording-failure', page, children, browser, server, tmp: null, segments: () => [] });
  for (const d of madeCgroups.reverse()) {
    try {
      rmdirSync(d);
    } catch {
      /* its process is gone with the children */
    }
  }
});

t('pmemstat record records a few seconds with a growing process (and, as root, its OOM kill)', async (ctx) => {
  const recorder = children.start(process.execPath, [BIN, 'record', '--dir', recDir, '--interval', '0.5']);
  await waitUntil(() => existsSync(path.join(recDir, 'pmemstat.db')), { timeout: 20_000, what: 'the recording file' });
  await sleep(1500);
  const procs = limitedCgroup();
  if (procs) {
    const hog = buildHog(work);
    const c = children.start('sh', ['-c', `${procs.map((p) => `echo $$ > ${p}`).join(' && ')} && exec ${hog}`]);
    const end = await Promise.race([c.exited, sleep(30_000).then(() => ({ signal: 'timeout' }))]);
    assert.equal(end.signal, 'SIGKILL', 'the hog was not killed by the kernel');
  } else {
    const memtest = children.start(buildMemtest('memtest-recording'), ['-i', '200', '-n', '15'], { env: { ...process.env, TMPDIR: work } });
    await Children.waitOutput(memtest, /holding/, 30_000);
    process.kill(-memtest.pid, 'SIGTERM');
    await memtest.exited;
  }
  await sleep(2000);
  process.kill(-recorder.pid, 'SIGTERM');
  const end = await recorder.exited;
  assert.equal(end.code, 0, `the recorder ended with ${JSON.stringify(end)}: ${recorder.output}`);
  events = replay(['--events', '--json']);
  kill = events.find((e) => e.kind === 'oom-kill' && e.name === HOG) ?? null;
  ctx.diagnostic(`events: ${JSON.stringify(events.map((e) => ({ kind: e.kind, name: e.name, cgroup: e.cgroup })))}`);
  if (procs) assert.ok(kill, 'the OOM kill is not among the recorded events');
});

t('Open Recording shows the last recorded moment in the table', async (ctx) => {
  const sidebar = page.locator('#workbench\\.parts\\.sidebar');
  if (await sidebar.isVisible()) {
    await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
    await sidebar.waitFor({ state: 'hidden', timeout: 10_000 });
  }
  await runCommand(page, 'pmemstat: Open Recording', { thenQuickPick: true });
  // The simple file dialog of a remote workbench: the path typed in its box.
  const input = page.locator('.quick-input-widget .quick-input-box input').first();
  await input.waitFor();
  // It starts on the default directory (its path in the box) and lists it: typed over only then,
  // else its own filling-in lands in the middle of the typed path.
  await waitUntil(async () => (await input.inputValue()).startsWith('/'), { timeout: 10_000, what: 'the dialog\u2019s starting directory' });
  const file = path.join(recDir, 'pmemstat.db');
  const qi = page.locator('.quick-input-widget');
  // The dialog may still be filling in its own starting directory (a busy machine): its listing
  // then replaces the typed path's. Typed again until the listing is the recording's directory.
  const seen = async () =>
    `the box says ${JSON.stringify(await input.inputValue())}, the list shows ${JSON.stringify(await qi.locator('.monaco-list-row').allInnerTexts())}`;
  for (let tries = 0; ; tries++) {
    const last = tries >= 7;
    await input.fill(file);
    try {
      await qi.locator('.monaco-list-row', { hasText: 'pmemstat.db' }).first().waitFor({ timeout: 5000 });
    } catch {
      if (last) throw new Error(`the dialog does not list ${file}: ${await seen()}`);
      continue;
    }
    await sleep(300);
    if ((await input.inputValue()) !== file) {
      if (last) throw new Error(`the dialog does not keep ${file}: ${await seen()}`);
      continue;
    }
    await qi.locator('.monaco-button', { hasText: 'OK' }).first().click();
    try {
      await qi.waitFor({ state: 'hidden', timeout: 3000 });
      break;
    } catch {
      if (last) throw new Error(`OK did not open ${file}: ${await seen()}`);
    }
  }
  await page.locator('.tab', { hasText: 'pmemstat.db' }).first().waitFor({ timeout: 30_000 });
  await wv().locator('tr.pm-row').first().waitFor({ timeout: 30_000 });
  const text = await momentText();
  const m = /^(\S+)\s+(\d+)\/(\d+)/.exec(text);
  assert.ok(m && m[2] === m[3], `not the last sample: ${text}`);
  ctx.diagnostic(`${text}; ${await wv().locator('tr.pm-row').count()} rows`);
  // Real rows of that moment: the recorder itself (node) is in it, with the figures replay gives.
  const last = replay(['--at', m[1], '--json', '-u', 'KB'])[0];
  assert.ok(await wv().locator('tr.pm-row').count() >= 3);
  const total = num(await wv().locator('tr.pm-total td.pm-ptotal').innerText());
  assert.ok(Math.abs(total - last.total.mem.ptotal / 1024) <= 1, `table total ${total} MB vs replay ${last.total.mem.ptotal} KB`);
});

t('scrubbing the timeline shows another sample, with that sample\u2019s figures', async (ctx) => {
  const box = await strip().boundingBox();
  assert.ok(box && box.width > 200, 'the timeline has no size');
  const before = await wv().locator('tr.pm-total td.pm-ptotal').innerText();
  // Drag the cursor (at the right end) to the strip's first third.
  await page.mouse.move(box.x + box.width - 8, box.y + 18);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + 18, { steps: 5 });
  await page.mouse.move(box.x + box.width * 0.3, box.y + 18, { steps: 5 });
  await page.mouse.up();
  await waitUntil(async () => !/^(\S+)\s+(\d+)\/\2\b/.test(await momentText()), { timeout: 10_000, what: 'another moment' });
  const text = await momentText();
  const at = /^(\S+)\s+(\d+)\/(\d+)/.exec(text);
  // The table follows: its total is that sample's (replay --at of the time shown).
  const want = replay(['--at', at[1], '--json', '-u', 'KB'])[0];
  await waitUntil(async () => Math.abs(num(await wv().locator('tr.pm-total td.pm-ptotal').innerText()) - want.total.mem.ptotal / 1024) <= 1, {
    timeout: 10_000,
    what: `the table total of ${at[1]}`,
  });
  ctx.diagnostic(`scrubbed to ${text}: total ${before} -> ${await wv().locator('tr.pm-total td.pm-ptotal').innerText()} MB`);
  // The arrow keys step one sample.
  await strip().focus();
  await page.keyboard.press('ArrowRight');
  await waitUntil(async () => (await momentText()).includes(` ${Number(at[2]) + 1}/${at[3]}`), { timeout: 10_000, what: 'one sample on' });
});

t('a click on the OOM kill\u2019s marker goes to its moment; the sample before it shows the victim', async (ctx) => {
  if (!kill) return ctx.skip('no OOM kill was recorded (not root, or no memory cgroup)');
  const times = replay(['--from', '2000-01-01T00:00', '--json', '-u', 'KB']).map((r) => r.leader.time);
  const box = await strip().boundingBox();
  const x = box.x + 8 + ((kill.t - times[0]) / (times.at(-1) - times[0])) * (box.width - 16);
  await page.mouse.click(x, box.y + 16);
  await waitUntil(async () => (await momentText()).includes('oom-kill'), { timeout: 10_000, what: 'the kill\u2019s moment' });
  ctx.diagnostic(await momentText());
  await page.keyboard.press('ArrowLeft');
  await row(HOG).waitFor({ timeout: 10_000 });
  const hog = num(await row(HOG).locator('td.pm-ptotal').innerText());
  assert.ok(hog >= 4, `the victim's row shows ${hog} MB`);
});

t('selecting a group charts its memory over the recording', async (ctx) => {
  const key = kill ? HOG : 'node';
  const r = kill ? row(HOG) : wv().locator('tr.pm-row').first();
  await r.locator('td.pm-ptotal').click();
  await chart().waitFor({ state: 'visible', timeout: 10_000 });
  await waitUntil(async () => /^\d+ samples?/.test(await chart().locator('.pm-chart-note').innerText()), { timeout: 15_000, what: 'the chart\u2019s samples' });
  const note = await chart().locator('.pm-chart-note').innerText();
  assert.ok(Number(/^(\d+)/.exec(note)[1]) >= 3, `too few points: ${note}`);
  const f = await frame();
  const inked = await f.evaluate(() => {
    const c = document.querySelector('#pm-chart canvas.pm-chart-canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  ctx.diagnostic(`${key}: ${note}, ${inked} pixels drawn`);
  assert.ok(inked > 500, 'the chart is (nearly) blank');
  assert.match((await chart().locator('canvas.pm-chart-canvas').getAttribute('aria-label')) ?? '', /ptotal [\d,.]+ MB now/);
  // The wheel zooms the timeline (and the chart follows); 0 shows the whole again.
  const box = await strip().boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + 16);
  await page.mouse.wheel(0, -300);
  await waitUntil(async () => !(await wv().locator('button.pm-rec-zoom').nth(2).isDisabled()), { timeout: 5000, what: 'zoomed' });
  await page.keyboard.press('0');
  await waitUntil(async () => wv().locator('button.pm-rec-zoom').nth(2).isDisabled(), { timeout: 5000, what: 'the whole again' });
});

t('screenshot: the recording panel, dark theme (recording.png)', async (ctx) => {
  mkdirSync(path.dirname(SHOT), { recursive: true });
  await noHover();
  await inPanel(() => document.querySelector('#pm-chart canvas.pm-chart-canvas')?.width > 0, undefined, { what: 'the chart drawn' });
  await page.locator('#workbench\\.parts\\.editor').screenshot({ path: SHOT });
  ctx.diagnostic(`wrote ${path.relative(ROOT, SHOT)}`);
  assert.ok(readFileSync(SHOT).length > 10_000);
});

t('key g regroups the moment as the live panel does (by unit); the selection and its chart follow its process', async (ctx) => {
  const at = /^(\S+)/.exec(await momentText())[1];
  const selected = () => wv().locator('tr.pm-row.pm-selected').getAttribute('data-key');
  const was = await selected();
  const group = replay(['--at', at, '--json', '-u', 'KB'])[0].rows.find((r) => r.key === was);
  assert.ok(group, `the selected row ${was} is not in replay's report`);
  const pid = group.members.reduce((a, b) => (b.mem.ptotal > a.mem.ptotal ? b : a)).pid;
  const want = replay(['--at', at, '--json', '-u', 'KB', '-g', 'unit'])[0].rows.find((r) => r.type !== 'x' && r.members.some((m) => m.pid === pid));
  assert.ok(want, `pid ${pid} has no unit row in replay's report`);
  await wv().locator('table#pm-table').focus();
  for (const g of ['cmd', 'pid', 'unit']) {
    await page.keyboard.press('g');
    await waitUntil(async () => (await wv().locator('#pm-opt-groupBy').evaluate((e) => e.value)) === g, { timeout: 5000, what: `Group ${g}` });
  }
  await waitUntil(async () => (await selected()) === want.key, { timeout: 15_000, what: `the selection in ${want.key}` });
  await waitUntil(async () => (await chart().locator('.pm-chart-title').innerText()) === want.info && /^\d+ samples?/.test(await chart().locator('.pm-chart-note').innerText()), {
    timeout: 15_000,
    what: 'the chart of the unit',
  });
  ctx.diagnostic(`${was} (pid ${pid}) -> unit ${want.key}: ${await chart().locator('.pm-chart-note').innerText()}`);
});

t('Reload Window reopens the recording at the same moment, in the same grouping, with the same selection', async (ctx) => {
  const moment = await momentText();
  const key = await wv().locator('tr.pm-row.pm-selected').getAttribute('data-key');
  await runCommand(page, 'Developer: Reload Window');
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.tab', { hasText: 'pmemstat.db' }).first().waitFor({ timeout: 60_000 });
  await wv().locator('tr.pm-row').first().waitFor({ timeout: 60_000 });
  await waitUntil(async () => (await momentText()) === moment, { timeout: 15_000, what: `the moment ${moment}` });
  assert.equal(await wv().locator('#pm-opt-groupBy').evaluate((e) => e.value), 'unit');
  await waitUntil(async () => (await wv().locator('tr.pm-row.pm-selected').getAttribute('data-key')) === key, { timeout: 15_000, what: `the selection ${key}` });
  await chart().waitFor({ state: 'visible', timeout: 15_000 });
  ctx.diagnostic(`after the reload: ${await momentText()}, ${key} selected`);
});
