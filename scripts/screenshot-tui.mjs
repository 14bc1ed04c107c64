// `npm run screenshots:tui`: media/screenshots/terminal-window.png, the terminal window as a
// pseudo-terminal shows it. The window runs in a private tmux server on the captured loop
// fixtures/loop-a (its second sample: new, grown and vanished groups), a group is expanded and
// selected, tmux's screen with its colours (capture-pane -e) becomes an HTML page, and
// Debian's Chromium (through playwright-core) photographs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { chromium } from 'playwright-core';

const OUT = 'media/screenshots/terminal-window.png';
const WIDTH = 104;
const HEIGHT = 26;
const socket = `pmemstat-shot-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);

let ansi;
let socketPath = '';
try {
  tmux('new-session', '-d', '-s', 'shot', '-x', String(WIDTH), '-y', String(HEIGHT), '-e', 'TERM=xterm-256color',
    `${process.execPath} dist/sampler.js --root fixtures/loop-a -l 2 -k 0; sleep 60`);
  socketPath = tmux('display-message', '-p', '-t', 'shot', '#{socket_path}').trim();
  const deadline = Date.now() + 15_000;
  while (!tmux('capture-pane', '-p', '-t', 'shot').includes('newcomer')) {
    if (Date.now() > deadline) throw new Error('the window did not show the second sample');
    await sleep(50);
  }
  // The second row is python3 (3 processes): expand it, then select its first process.
  tmux('send-keys', '-t', 'shot', 'j', 'Enter', 'j');
  await sleep(300);
  ansi = tmux('capture-pane', '-p', '-e', '-t', 'shot');
} finally {
  try {
    tmux('kill-server');
  } catch {
    /* already gone */
  }
  if (socketPath) rmSync(socketPath, { force: true });
}

// ---------------------------------------------------------------- SGR → HTML

const PALETTE = ['#1e1e1e', '#f14c4c', '#23d18b', '#f5f543', '#3b8eea', '#d670d6', '#29b8db', '#e5e5e5'];
const FG = '#cccccc';
const BG = '#1e1e1e';
const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function toHtml(text) {
  let st = { bold: false, dim: false, rev: false, fg: null, bg: null };
  const lines = text.replace(/\n$/, '').split('\n');
  return lines
    .map((line) => {
      let html = '';
      let cells = 0;
      const span = (t) => {
        if (!t) return;
        cells += [...t].length;
        let fg = st.fg ?? FG;
        let bg = st.bg ?? BG;
        if (st.rev) [fg, bg] = [bg, fg];
        const style = `color:${fg};background:${bg};${st.bold ? 'font-weight:bold;' : ''}${st.dim ? 'opacity:.6;' : ''}`;
        html += `<span style="${style}">${esc(t)}</span>`;
      };
      // eslint-disable-next-line no-control-regex -- SGR sequences are what is parsed here
      for (const part of line.split(/(\x1b\[[0-9;]*m)/)) {
        // eslint-disable-next-line no-control-regex
        const m = /^\x1b\[([0-9;]*)m$/.exec(part);
        if (!m) {
          span(part);
          continue;
        }
        for (const p of (m[1] || '0').split(';').map(Number)) {
          if (p === 0) st = { bold: false, dim: false, rev: false, fg: null, bg: null };
          else if (p === 1) st.bold = true;
          else if (p === 2) st.dim = true;
          else if (p === 7) st.rev = true;
          else if (p === 22) st.bold = st.dim = false;
          else if (p === 27) st.rev = false;
          else if (p >= 30 && p <= 37) st.fg = PALETTE[p - 30];
          else if (p === 39) st.fg = null;
          else if (p >= 40 && p <= 47) st.bg = PALETTE[p - 40];
          else if (p === 49) st.bg = null;
        }
      }
      if (st.rev) span(' '.repeat(Math.max(0, WIDTH - cells)));
      return html;
    })
    .join('\n');
}

const page = `<!doctype html><meta charset="utf-8"><style>
body{margin:0;background:${BG}}
pre{margin:0;padding:12px 14px;font:14px/1.3 'DejaVu Sans Mono','Liberation Mono',monospace;color:${FG};background:${BG};width:${WIDTH}ch}
</style><pre>${toHtml(ansi)}</pre>`;

mkdirSync('media/screenshots', { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const p = await browser.newPage({ viewport: { width: 1200, height: 800 }, deviceScaleFactor: 1 });
  await p.setContent(page);
  await p.locator('pre').screenshot({ path: OUT });
} finally {
  await browser.close();
}
console.log(`wrote ${OUT}`);
