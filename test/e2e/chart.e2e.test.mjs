// History in the panel, in a real VS Code (code-server + Chromium), with the .vsix installed as a
// user would: a memtest that grows for a while becomes a leak suspect (row mark, "leak?" badge,
// count in the leader line) while an idle sleep never does; the rows' sparklines and the selected
// group's chart are drawn (pixels read back from the canvases); hovering the chart shows the
// sample's values; chart.png is taken for the README (PICTURES: see harness.mjs).
//
// Issue 6. One code-server, one browser, one memtest and one sleep for the whole file, all in
// private directories; the tests run in order and build on each other.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, before } from 'node:test';
import {
  BASE_SETTINGS,
  Children,
  endMemtestRun,
  newWorkDir,
  PICTURES,
  ROOT,
  waitUntil,
  startWorkbench,
  sysvSegments,
} from './harness.mjs';
import { failureShotTests, num, panelOf } from './panel.mjs';

const SHOT = path.join(PICTURES, 'chart.png');
/** SysV keys of this file's memtest (ui: 0x504e4500, integration: 0x506…/0x507…). */
const KEY_BASE = 0x504e6100;
/**
 * memtest steps of 300 ms (~400 KB each). Not -s (16 steps): its leak mark would be gone ~3 samples
 * after the growth stops, usually before the screenshot; 48 steps (14 s, ~19 MB) keep it there.
 */
const STEPS = 48;
/**
 * memtest.c built under a name of its own, and a copy of /bin/sleep: each group (grouped by exe)
 * is only ever this file's process. A plain "memtest" would share its group with the memtests of
 * other suites running on the machine (and break their pid checks).
 */
const MEMTEST = 'memtest-chart';
const SLEEPER = 'pmchartsleep';
const SETTINGS = {
  ...BASE_SETTINGS,
  'pmemstat.loopSeconds': 1,
  'pmemstat.leak.samples': 4,
  'pmemstat.leak.minGrowthKb': 256,
};

const children = new Children();
let server;
let browser;
let page;
let tmp;
let memtest;
let sleeper;

const { row, wv, frame: panelFrame, inPanel, noHover, openWide } = panelOf(() => page);
const { t, state } = failureShotTests('chart', () => page, { skipAfterFailure: true });
const chart = () => wv().locator('section#pm-chart');

/**
 * What a canvas holds, read back with getImageData in the webview: its size, how many pixels
 * are not transparent (the panel's canvases are cleared to transparent before drawing), how many
 * are close to the theme colour `colorVar` (a --vscode-* variable) and toDataURL lengths of it and
 * of a blank canvas of the same size.
 */
function canvasInk({ selector, colorVar }) {
  const c = document.querySelector(selector);
  if (!(c instanceof HTMLCanvasElement) || !c.width || !c.height) return null;
  const ctx = c.getContext('2d');
  if (!ctx) return null;
  const d = ctx.getImageData(0, 0, c.width, c.height).data;
  let want = null;
  if (colorVar) {
    const probe = document.createElement('canvas').getContext('2d');
    probe.fillStyle = getComputedStyle(c).getPropertyValue(colorVar).trim() || '#000';
    probe.fillRect(0, 0, 1, 1);
    want = probe.getImageData(0, 0, 1, 1).data;
  }
  let inked = 0;
  let near = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] === 0) continue;
    inked++;
    if (want && d[i + 3] > 60 && Math.abs(d[i] - want[0]) + Math.abs(d[i + 1] - want[1]) + Math.abs(d[i + 2] - want[2]) < 60) near++;
  }
  const blank = document.createElement('canvas');
  blank.width = c.width;
  blank.height = c.height;
  return { width: c.width, height: c.height, inked, near, dataUrl: c.toDataURL().length, blankDataUrl: blank.toDataURL().length };
}

/** SysV segments with this file's keys. */
const ourSegments = () => sysvSegments(KEY_BASE, KEY_BASE + STEPS + 1);

before(async () => {
  const work = newWorkDir('chart');
  // memtest and the sleep copy live in the run's private directory; memtest's shared file too
  // (TMPDIR), so nothing is shared with other runs.
  tmp = path.join(work, 'tmp');
  mkdirSync(tmp, { recursive: true });
  execFileSync('cc', ['-O2', '-Wall', '-o', path.join(tmp, MEMTEST), path.join(ROOT, 'memtest.c')]);
  copyFileSync('/bin/sleep', path.join(tmp, SLEEPER));
  ({ server, browser, page } = await startWorkbench(work, { settings: SETTINGS }));
});

after(() => endMemtestRun({ failed: state.failed, shot: 'chart-failure', page, children, browser, server, tmp, segments: ourSegments }));

t('the panel opens with the leak settings; an idle sleep gets its row', async () => {
  sleeper = children.start(path.join(tmp, SLEEPER), ['600']);
  // The whole window's width for the panel: the leader line (and its leak count) fits.
  await openWide();
  await row(SLEEPER).waitFor({ timeout: 30_000 });
  assert.equal(await row(SLEEPER).locator('td.pm-count').innerText(), String(sleeper.pid));
  // The trend column is there, nothing is selected: no chart.
  await row(SLEEPER).locator('td.pm-trend canvas.pm-spark').waitFor();
  assert.equal(await chart().getAttribute('hidden'), '');
  // From now on, record (in the webview) every leak mark as it appears: the mark of a memtest
  // that stops growing is gone a few samples later, and the sleep must never get one.
  const frame = await panelFrame();
  await frame.evaluate(
    ({ mem, idle }) => {
      const rec = { memtest: null, idle: null, leaders: new Set(), idleSamples: 0 };
      window.__pmChartTest = rec;
      const check = () => {
        const leader = document.getElementById('pm-leader')?.innerText ?? '';
        const time = leader.slice(0, 8);
        if (document.querySelector(`tr.pm-row[data-key="${idle}"]`) && !rec.leaders.has(time)) {
          rec.leaders.add(time);
          rec.idleSamples++;
        }
        const m = document.querySelector(`tr.pm-row.pm-leak[data-key="${mem}"]`);
        if (m && !rec.memtest) {
          rec.memtest = {
            leader,
            badge: m.querySelector('td.pm-trend .pm-leak-badge')?.textContent ?? null,
            title: m.querySelector('td.pm-trend .pm-leak-badge')?.getAttribute('title') ?? null,
            label: m.getAttribute('aria-label'),
          };
        }
        const s = document.querySelector(`tr.pm-row.pm-leak[data-key="${idle}"]`);
        if (s && !rec.idle) rec.idle = { leader, label: s.getAttribute('aria-label') };
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'], characterData: true });
      check();
    },
    { mem: MEMTEST, idle: SLEEPER },
  );
  // The canvas reader, defined in the page (an expression string: the webview's CSP has no
  // 'unsafe-eval' for the page's own code, DevTools evaluation is not subject to it).
  await frame.evaluate(`window.__pmInk = ${canvasInk.toString()}`);
});

t('a growing memtest becomes a leak suspect: row mark, "leak?" badge, count in the leader line', async (ctx) => {
  // Started once the panel samples, so that the panel sees the whole growth.
  memtest = children.start(path.join(tmp, MEMTEST), ['-i', '300', '-n', String(STEPS), '-k', `0x${KEY_BASE.toString(16)}`], {
    env: { ...process.env, TMPDIR: tmp },
  });
  await Children.waitOutput(memtest, /step 1\//);
  await row(MEMTEST).waitFor({ timeout: 30_000 });
  assert.equal(await row(MEMTEST).locator('td.pm-count').innerText(), String(memtest.pid));
  const t0 = Date.now();
  // 4 samples of 1 s after it first shows, plus slack for a slow sampler.
  const seen = await inPanel(() => window.__pmChartTest?.memtest, undefined, { timeout: 20_000, what: 'memtest marked pm-leak' });
  ctx.diagnostic(`leak mark ${((Date.now() - t0) / 1000).toFixed(1)} s after the row appeared: ${JSON.stringify(seen)}`);
  assert.equal(seen.badge, 'leak?');
  assert.match(seen.title ?? '', /^suspected leak: 1 process grew by [\d,.]+ MB in \d+s \(up in \d+ of 4 steps, down in \d+\)$/);
  assert.match(seen.label ?? '', /suspected leak/);
  const count = /(\d+) leak suspects?/.exec(seen.leader.split('\n')[0]);
  assert.ok(count && Number(count[1]) >= 1, `the leader line counts no leak suspect: ${JSON.stringify(seen.leader)}`);
});

t('the memtest row\u2019s sparkline is drawn (in the leak colour while it is a suspect)', async (ctx) => {
  const sel = `tr.pm-row[data-key="${MEMTEST}"] td.pm-trend canvas.pm-spark`;
  // Drawn on the frame after a render: poll until the suspect's line is in the leak colour.
  const ink = await inPanel(
    (sel) => {
      const ink = window.__pmInk({ selector: sel, colorVar: '--vscode-errorForeground' });
      const leak = document.querySelector(sel)?.closest('tr')?.classList.contains('pm-leak');
      return ink && ink.inked > 0 && (!leak || ink.near > 0) ? { ...ink, leak } : null;
    },
    sel,
    { timeout: 10_000, what: 'memtest sparkline drawn' },
  );
  ctx.diagnostic(`sparkline: ${JSON.stringify(ink)}`);
  assert.ok(ink.inked > 10, 'the sparkline is (nearly) blank');
  assert.ok(ink.dataUrl > ink.blankDataUrl, 'toDataURL of the sparkline is no longer than a blank canvas\u2019s');
});

t('selecting the memtest row shows #pm-chart with its history drawn', async (ctx) => {
  assert.equal(await chart().getAttribute('hidden'), '', 'the chart shows without a selection');
  await row(MEMTEST).locator('td.pm-ptotal').click();
  await row(MEMTEST).and(wv().locator('.pm-selected')).waitFor();
  await chart().waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await chart().getAttribute('hidden'), null);
  assert.equal(await chart().locator('.pm-chart-title').innerText(), MEMTEST);
  // The history arrives from the host (getGroupHistory): wait for the samples, not "loading".
  await waitUntil(async () => /^\d+ samples?(, \d+ s)?$/.test(await chart().locator('.pm-chart-note').innerText()), {
    timeout: 15_000,
    what: 'the chart\u2019s sample count',
  });
  const legend = await chart().locator('.pm-chart-legend').innerText();
  for (const name of ['ptotal', 'data']) assert.ok(legend.includes(name), `the legend lacks ${name}: ${legend}`);
  // Drawn: memtest's heap is the data band (charts-blue, 55 % opaque), not only grid and labels.
  const ink = await inPanel(
    () => {
      const ink = window.__pmInk({ selector: '#pm-chart canvas.pm-chart-canvas', colorVar: '--vscode-charts-blue' });
      return ink && ink.near > 200 ? ink : null;
    },
    undefined,
    { timeout: 10_000, what: 'the chart\u2019s data band drawn' },
  );
  ctx.diagnostic(`chart canvas: ${JSON.stringify(ink)}`);
  assert.ok(ink.dataUrl > ink.blankDataUrl);
  assert.match((await chart().locator('canvas.pm-chart-canvas').getAttribute('aria-label')) ?? '', new RegExp(`^${MEMTEST}: ptotal [\\d,.]+ MB now, \\+[\\d,.]+ over \\d+ samples`));
});

t('screenshot: the panel with the chart, dark theme (chart.png)', async (ctx) => {
  mkdirSync(path.dirname(SHOT), { recursive: true });
  await page.locator('.monaco-workbench.vs-dark').waitFor();
  await chart().waitFor({ state: 'visible' });
  // Taken while the memtest still grows (a suspect), once its chart has 10 samples, at the
  // panel's full width.
  await waitUntil(async () => Number(/^(\d+) samples/.exec(await chart().locator('.pm-chart-note').innerText())?.[1] ?? 0) >= 10, {
    timeout: 15_000,
    what: '10 samples in the chart',
  });
  await inPanel(
    () => {
      const body = document.querySelector('#pm-chart .pm-chart-body');
      const c = document.querySelector('#pm-chart canvas.pm-chart-canvas');
      return body && c && parseFloat(c.style.width) === Math.floor(body.clientWidth);
    },
    undefined,
    { timeout: 10_000, what: 'the chart drawn at the full width' },
  );
  // The selected row in view with its leak? badge, the chart's hover off, no toast.
  await row(MEMTEST).scrollIntoViewIfNeeded();
  await noHover();
  await row(MEMTEST).and(wv().locator('.pm-leak')).waitFor({ timeout: 5000 });
  await page.locator('#workbench\\.parts\\.editor').screenshot({ path: SHOT });
  ctx.diagnostic(`wrote ${path.relative(ROOT, SHOT)}; leader: ${(await wv().locator('#pm-leader').innerText()).split('\n')[0]}`);
  assert.ok(readFileSync(SHOT).length > 10_000);
});

t('hovering the chart shows the sample\u2019s values; at the right edge they match the table', async (ctx) => {
  // memtest done growing, then one more sample: its newest figures are the table's.
  await Children.waitOutput(memtest, new RegExp(`step ${STEPS}/${STEPS}[^]*holding`), 30_000);
  const leader = async () => (await wv().locator('#pm-leader').innerText()).slice(0, 8);
  const prev = await leader();
  await waitUntil(async () => (await leader()) !== prev, { timeout: 10_000, what: 'one more sample' });
  const canvas = chart().locator('canvas.pm-chart-canvas');
  const tip = chart().locator('.pm-chart-tip');
  const box = await canvas.boundingBox();
  assert.ok(box && box.width > 200, 'the chart canvas has no size');
  // Right edge of the plot: the newest sample, the one the leader line shows (or the one before
  // it, when a sample arrives meanwhile).
  const t1 = await leader();
  await canvas.hover({ position: { x: box.width - 14, y: box.height / 2 } });
  await tip.waitFor({ state: 'visible', timeout: 5000 });
  const text = await tip.innerText();
  const t2 = await leader();
  ctx.diagnostic(`hover: ${text.replace(/\n/g, ' | ')} (leader ${t1}, then ${t2})`);
  const lines = text.split('\n');
  assert.match(lines[0], /^\d\d:\d\d:\d\d$/);
  assert.ok([t1, t2].includes(lines[0]), `the chart's right edge is ${lines[0]}, the newest sample ${t1}…${t2}`);
  const m = /^ptotal ([\d,.]+) MB/.exec(lines[1] ?? '');
  assert.ok(m, `no ptotal line in the hover: ${text}`);
  assert.ok(lines.some((l) => /^data [\d,.]+$/.test(l)), `no data line in the hover: ${text}`);
  const table = num(await row(MEMTEST).locator('td.pm-ptotal').innerText());
  // (Whole MB on both sides: one step apart at most, should a sample arrive in between.)
  assert.ok(Math.abs(num(m[1]) - table) <= Math.max(1, table * 0.02), `hover ptotal ${m[1]} MB vs table ${table} MB`);
  // The left part of the plot is an earlier sample: a smaller ptotal.
  await canvas.hover({ position: { x: 70, y: box.height / 2 } });
  await waitUntil(async () => (await tip.innerText()).split('\n')[0] !== lines[0], { timeout: 5000, what: 'the hover follows the pointer' });
  const early = /^ptotal ([\d,.]+) MB/.exec((await tip.innerText()).split('\n')[1] ?? '');
  assert.ok(early && num(early[1]) < num(m[1]), `the first sample's ptotal is not below the newest: ${early?.[1]} vs ${m[1]}`);
  // Leaving the canvas hides the values.
  await noHover();
  await tip.waitFor({ state: 'hidden', timeout: 5000 });
});

t('the idle sleep was never a leak suspect; closing the chart clears the selection', async (ctx) => {
  // Judged over far more samples than the window (4 steps): the verdict means something.
  const rec = await inPanel(() => window.__pmChartTest.idleSamples >= 12 && { ...window.__pmChartTest, leaders: undefined }, undefined, {
    timeout: 20_000,
    what: '12 samples with the sleep row',
  });
  ctx.diagnostic(`sleep row seen over ${rec.idleSamples} samples`);
  assert.equal(rec.idle, null, `the sleep was marked: ${JSON.stringify(rec.idle)}`);
  assert.equal(await row(SLEEPER).evaluate((tr) => tr.classList.contains('pm-leak')), false);
  assert.equal(await row(SLEEPER).locator('.pm-leak-badge').count(), 0);
  await chart().locator('button.pm-chart-close').click();
  await chart().waitFor({ state: 'hidden', timeout: 5000 });
  assert.equal(await wv().locator('tr.pm-row.pm-selected').count(), 0);
});
