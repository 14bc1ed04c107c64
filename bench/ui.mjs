// `npm run bench:ui`: render cost of the panel in real Chromium (Debian's /usr/bin/chromium through
// playwright-core). The built dist/webview.js + dist/webview.css run in a plain page served from
// 127.0.0.1 with a stub acquireVsCodeApi: the same rendering code the webview runs, without the
// workbench around it. The host's messages are dispatched as the webview receives them.
//
//   update  one `report` message to a panel of ROWS groups (default 1,000): the handler, style
//           recalculation and layout (forced synchronously), median / p95 over UPDATES updates;
//           each update changes ~10 % of the groups' figures, marks some +NK/-NK/A, and moves rows.
//           Target: median ≤ 16 ms (one frame).
//   scroll  the table scrolled from top to bottom, SCROLL_PX per frame, driven by
//           requestAnimationFrame: frames taken, frames dropped (gaps longer than one 60 Hz
//           frame), longest frame; once idle and once with an update every second.
//
// Env: ROWS, UPDATES, SCROLL_PX, CHROMIUM, BENCH_JSON=path (also write the figures as JSON),
// BENCH_CSS='...' (extra CSS after the panel's, to try a style change).
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROWS = Number(process.env.ROWS) || 1000;
const UPDATES = Number(process.env.UPDATES) || 60;
const SCROLL_PX = Number(process.env.SCROLL_PX) || 40;
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

for (const f of ['webview.js', 'webview.css']) {
  if (!existsSync(path.join(root, 'dist', f))) {
    console.error(`dist/${f} is missing: npm run build first`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------ synthetic reports

let seed = 42;
const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const ri = (n) => Math.floor(rnd() * n);
const WORDS = ['chromium', 'node', 'python3->server.py', 'code', 'bash', 'java', 'postgres', 'nginx', 'rust-analyzer', 'Web Content', 'firefox', 'dockerd'];

function mem(scale) {
  const m = { pswap: 0, shSYSV: ri(3) ? 0 : ri(scale / 10), shOth: ri(scale / 5), stack: 132 + ri(200), text: ri(scale / 3), data: ri(scale) };
  m.ptotal = m.shSYSV + m.shOth + m.stack + m.text + m.data;
  return withTotals(m);
}

/** The figures derived from the categories: uss (all private here) and pss+swap. */
function withTotals(m) {
  return Object.assign(m, { uss: m.data + m.stack, epss: m.ptotal + m.pswap });
}

function makeGroups(n) {
  const groups = [];
  let pid = 1000;
  for (let i = 0; i < n; i++) {
    const key = `${WORDS[i % WORDS.length]}-${i}`;
    const k = 1 + ri(3);
    const members = [];
    for (let j = 0; j < k; j++) {
      pid += 1 + ri(5);
      members.push({ pid, starttime: 100000 + pid, cmd: `${key} --flag=${j} /some/path/to/a/file/${i}.conf --another-rather-long-argument`, mem: mem(400000 / (1 + i / 20)), cpu: ri(4) ? 0 : rnd() * 50 });
    }
    groups.push({ key, members });
  }
  return groups;
}

function sumMem(ms) {
  const s = { pswap: 0, shSYSV: 0, shOth: 0, stack: 0, text: 0, data: 0, ptotal: 0, uss: 0, epss: 0 };
  for (const m of ms) for (const k of Object.keys(s)) s[k] += m[k];
  return s;
}

function report(groups, n, first) {
  const rows = groups.map((g) => {
    const m = sumMem(g.members.map((x) => x.mem));
    const cpu = g.members.reduce((a, x) => a + x.cpu, 0);
    let type = first ? 'A' : '';
    let delta = 0;
    if (!first && g.changed) {
      delta = g.changed;
      type = `${delta > 0 ? '+' : '-'}${Math.abs(delta)}K`;
    }
    return { key: g.key, info: g.key, type, delta, mem: m, cpu, count: g.members.length, pid: g.members.length === 1 ? g.members[0].pid : null, members: g.members };
  });
  rows.sort((a, b) => b.mem.ptotal - a.mem.ptotal);
  const all = groups.flatMap((g) => g.members);
  const total = { key: 'TOTALS', info: 'TOTALS', type: 'T', delta: 0, mem: sumMem(all.map((x) => x.mem)), cpu: all.reduce((a, x) => a + x.cpu, 0), count: all.length, pid: null, members: [] };
  return {
    detail: false,
    total,
    rows,
    leader: {
      time: Date.now() + n * 1000,
      memTotal: 24_000_000,
      used: 9_000_000 + ri(100_000),
      avail: 15_000_000,
      oth: 1_000_000,
      shTmp: 300_000,
      dirty: ri(5000),
      pidsShown: all.length,
      pidsTotal: all.length,
      inaccessible: 0,
      search: '',
      kernelCpu: 1.5,
      topKernelThreads: [{ pid: 12, comm: 'kswapd0', cpu: 0.7 }],
      zram: null,
      majfaultsPerSec: 0,
    },
  };
}

/** The next sample: ~10 % of the processes change, some by enough to be marked. */
function evolve(groups) {
  for (const g of groups) {
    g.changed = 0;
    if (rnd() < 0.1) {
      const m = g.members[ri(g.members.length)];
      const d = ri(4000) - 1500;
      m.mem.data = Math.max(0, m.mem.data + d);
      m.mem.ptotal = m.mem.shSYSV + m.mem.shOth + m.mem.stack + m.mem.text + m.mem.data;
      withTotals(m.mem);
      m.cpu = rnd() * 30;
      if (Math.abs(d) >= 1000) g.changed = d;
    }
  }
}

const groups = makeGroups(ROWS);
const reports = [report(groups, 0, true)];
for (let i = 1; i <= UPDATES + 40; i++) {
  evolve(groups);
  reports.push(report(groups, i, false));
}
const settings = {
  groupBy: 'exe', units: 'MB', detail: false, sortBy: 'mem', riseToTop: true, showCpu: true, cpuAvgSecs: 20,
  loopSeconds: 1, minDeltaKb: null, topPct: 100, lineNumbers: false, fitToWindow: false,
};

// ------------------------------------------------------------------ the page

const PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<link rel="stylesheet" href="/webview.css">
<style>
  /* What the workbench gives a webview: theme variables on :root, the body classes. */
  :root { --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px; --vscode-editor-font-family: monospace;
    --vscode-editor-font-size: 14px; --vscode-foreground: #ccc; --vscode-editor-background: #1f1f1f; }
  html, body { height: 100%; background: var(--vscode-editor-background); color: var(--vscode-foreground); }
</style>
<style>${process.env.BENCH_CSS ?? ''}</style>
<script>
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>
</head><body class="vscode-dark"><div id="pm-mount"></div><script src="/webview.js"></script></body></html>`;

const server = createServer((req, res) => {
  const files = { '/webview.js': ['dist/webview.js', 'text/javascript'], '/webview.css': ['dist/webview.css', 'text/css'] };
  if (req.url === '/' || req.url === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  } else if (files[req.url]) {
    res.writeHead(200, { 'content-type': files[req.url][1] }).end(readFileSync(path.join(root, files[req.url][0])));
  } else if (req.url === '/reports.json') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ settings, reports }));
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-background-timer-throttling', '--disable-renderer-backgrounding'],
});
const out = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  await page.evaluate(async () => {
    const data = await (await fetch('/reports.json')).json();
    window.__reports = data.reports;
    const send = (m) => window.dispatchEvent(new MessageEvent('message', { data: m }));
    window.__send = send;
    send({ type: 'init', settings: data.settings, helper: { status: 'running', mode: 'root', message: '', canElevate: false }, report: data.reports[0], history: null, leaks: [] });
  });
  // A long table renders a window of its rows (webview/virtual.ts); aria-rowcount counts them all
  // (plus the header and total rows).
  const shown = Number(await page.locator('table#pm-table').getAttribute('aria-rowcount')) - 2;
  const rendered = await page.locator('tbody tr.pm-row').count();
  if (shown !== ROWS || rendered === 0) throw new Error(`the panel shows ${shown} rows (${rendered} rendered), not ${ROWS}${errors.length ? `: ${errors.join('; ')}` : ''}`);
  out.renderedRows = rendered;

  // ---- update
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const m0 = await metrics();
  const times = await page.evaluate(async (n) => {
    const nextFrame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const table = document.getElementById('pm-table');
    const res = [];
    for (let i = 1; i <= n + 5; i++) {
      await nextFrame();
      const t0 = performance.now();
      window.__send({ type: 'report', report: window.__reports[i], history: null, leaks: [] });
      table.getBoundingClientRect(); // style + layout now, inside the measurement
      void document.body.offsetHeight;
      const t1 = performance.now();
      if (i > 5) res.push(t1 - t0); // 5 warm-up updates
    }
    return res;
  }, UPDATES);
  const m1 = await metrics();
  const per = (k) => +(((m1[k] - m0[k]) * 1000) / (UPDATES + 5)).toFixed(2);
  out.updateBreakdown = { scriptMs: per('ScriptDuration'), recalcStyleMs: per('RecalcStyleDuration'), layoutMs: per('LayoutDuration'), layoutCount: +((m1.LayoutCount - m0.LayoutCount) / (UPDATES + 5)).toFixed(1) };
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
  out.update = { rows: ROWS, updates: times.length, medianMs: +q(0.5).toFixed(2), p95Ms: +q(0.95).toFixed(2), maxMs: +times[times.length - 1].toFixed(2) };

  // ---- scroll
  const scroll = (withUpdates) =>
    page.evaluate(
      async ({ px, withUpdates }) => {
        const sc = document.getElementById('pm-scroll');
        sc.scrollTop = 0;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const stamps = [];
        let next = 1;
        let lastUpdate = performance.now();
        await new Promise((resolve) => {
          const step = (ts) => {
            stamps.push(ts);
            if (withUpdates && ts - lastUpdate >= 1000) {
              lastUpdate = ts;
              window.__send({ type: 'report', report: window.__reports[(next++ % (window.__reports.length - 1)) + 1], history: null, leaks: [] });
            }
            if (sc.scrollTop + sc.clientHeight >= sc.scrollHeight - 1) return resolve();
            sc.scrollTop += px;
            requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        });
        const frame = 1000 / 60;
        const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
        const dropped = gaps.reduce((a, g) => a + Math.max(0, Math.round(g / frame) - 1), 0);
        return {
          frames: stamps.length,
          ms: Math.round(stamps[stamps.length - 1] - stamps[0]),
          dropped,
          longestFrameMs: +Math.max(...gaps).toFixed(1),
          medianFrameMs: +gaps.sort((a, b) => a - b)[Math.floor(gaps.length / 2)].toFixed(1),
          scrollHeight: sc.scrollHeight,
        };
      },
      { px: SCROLL_PX, withUpdates },
    );
  out.scrollIdle = await scroll(false);
  out.scrollWithUpdates = await scroll(true);
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
} finally {
  await browser.close();
  server.close();
}

const u = out.update;
console.log(`chromium ${CHROMIUM}, ${ROWS} groups (${out.renderedRows} rendered)`);
console.log(`update:  median ${u.medianMs} ms, p95 ${u.p95Ms} ms, max ${u.maxMs} ms over ${u.updates} updates (target: median <= 16 ms) ${u.medianMs <= 16 ? 'OK' : 'OVER'}`);
if (out.updateBreakdown) console.log(`         per update: script ${out.updateBreakdown.scriptMs} ms, style ${out.updateBreakdown.recalcStyleMs} ms, layout ${out.updateBreakdown.layoutMs} ms (${out.updateBreakdown.layoutCount} layouts)`);
for (const [name, s] of [['scroll (idle)', out.scrollIdle], ['scroll (1 update/s)', out.scrollWithUpdates]]) {
  console.log(`${name}: ${s.scrollHeight} px at ${SCROLL_PX} px/frame in ${s.frames} frames, ${s.ms} ms; ${s.dropped} frames dropped; median frame ${s.medianFrameMs} ms, longest ${s.longestFrameMs} ms`);
}
if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(out, null, 2));
