// End-to-end harness: a real VS Code (code-server = VS Code server + web workbench, installed by
// scripts/install-code-server.sh) driven by playwright-core with Debian's /usr/bin/chromium.
// Nothing is downloaded at run time.
//
// Every run gets private HOME / XDG / TMPDIR / extensions / user-data directories, binds 127.0.0.1
// only (webviews need a secure context: 127.0.0.1 or localhost), asks for a password made for that
// server alone (the harness logs in with it), runs in its own process group and is stopped by
// killing the whole group; stop() then proves that nothing is left behind (no process that
// mentions the run's directories, no socket file).
//
// Nothing a test file starts outlives it, however it ends: everything carries the file's marker
// (PMEMSTAT_E2E_OWNER in its environment, or the run's id in its work-dir paths) and a watchdog
// (scripts/reaper.mjs) stops whatever carries it once the test file's process is gone.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { processesMarked, startReaper } from '../../scripts/reaper.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The run's id (test/e2e/run.mjs sets it for the whole suite): in the environment of everything
 * the run starts and in the name of its work directories.
 */
export const RUN = (process.env.PMEMSTAT_E2E_RUN ||= `pmemstat-e2e-${randomBytes(4).toString('hex')}`);
/** This test file's marker, inherited by everything it starts. */
export const OWNER = (process.env.PMEMSTAT_E2E_OWNER = `${RUN}-f${randomBytes(4).toString('hex')}`);
let watchdog = null;
/** The watchdog of this test file's processes (started on first use). */
export function reaper() {
  return (watchdog ??= startReaper(`${RUN} ${path.basename(process.argv[1] ?? 'e2e')}`, { marks: [OWNER] }));
}
export const CACHE = path.join(ROOT, '.cache');
export const E2E_DIR = process.env.E2E_DIR || path.join(CACHE, 'e2e');
/** code-server as scripts/install-code-server.sh installs it (CS_DIR: the same variable as there). */
export const CS_BIN = path.join(process.env.CS_DIR || path.join(CACHE, 'code-server'), 'bin', 'code-server');
/**
 * Where the tests' screenshots for the README go: an ignored folder, so that a test run leaves the
 * work tree as it was; `npm run screenshots` points PMEMSTAT_SCREENSHOTS at media/screenshots.
 */
export const PICTURES = path.resolve(ROOT, process.env.PMEMSTAT_SCREENSHOTS || path.join(E2E_DIR, 'screenshots'));
/** Failure screenshots and logs. */
export const SHOTS = process.env.E2E_SHOTS || path.join(E2E_DIR, 'shots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
export const EXT_ID = `${PKG.publisher}.${PKG.name}`;
export const VSIX = process.env.VSIX || path.join(ROOT, `${PKG.name}-${PKG.version}.vsix`);
/** Status-bar entries have the DOM id `<publisher>.<name>.<itemId>`. */
export const STATUS_ID = `${EXT_ID}.pmemstat.status`;

export const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'window.confirmBeforeClose': 'never',
  'window.dialogStyle': 'custom',
  'workbench.colorTheme': 'Default Dark Modern',
  // Fast loops keep the tests short; deterministic waits do the rest.
  'pmemstat.loopSeconds': 1,
  'pmemstat.statusBar.interval': 1,
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll `fn` until it returns a truthy value (returned) or time runs out (throws with `what`). */
export async function waitUntil(fn, { timeout = 30_000, interval = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(interval);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** A fresh work directory for one run (owned by `owner` when the run is another user's). */
export function newWorkDir(tag, owner) {
  // Another user's run lives in the (world-traversable) temp dir: the checkout may sit below a
  // directory that user cannot enter.
  const base = owner ? os.tmpdir() : E2E_DIR;
  fs.mkdirSync(base, { recursive: true });
  const work = fs.mkdtempSync(path.join(base, `${RUN}-${tag}-`));
  // A helper started through sudo has neither the environment nor the process group, only paths.
  reaper().mark(work);
  fs.mkdirSync(path.join(work, 'home'), { recursive: true });
  fs.mkdirSync(path.join(work, 'workspace'), { recursive: true });
  fs.writeFileSync(path.join(work, 'workspace', 'README.txt'), 'pmemstat e2e workspace\n');
  if (owner) chownR(work, owner);
  return work;
}

export function chownR(p, { uid, gid }) {
  execFileSync('chown', ['-R', `${uid}:${gid}`, p]);
}

/**
 * Private HOME/XDG dirs so code-server never writes into the real ~/.config or ~/.local, and a short
 * private TMPDIR/XDG_RUNTIME_DIR for its vscode-ipc-*.sock files (unix socket paths must stay < 108
 * characters): the run's sockets all live there and go with it.
 */
function runEnv(work, owner) {
  const home = path.join(work, 'home');
  const runtime = fs.mkdtempSync(path.join(os.tmpdir(), 'pmcs-'));
  reaper().rm(runtime);
  if (owner) fs.chownSync(runtime, owner.uid, owner.gid);
  fs.chmodSync(runtime, 0o700);
  const env = {
    PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: home,
    USER: owner?.name ?? os.userInfo().username,
    LOGNAME: owner?.name ?? os.userInfo().username,
    SHELL: '/bin/sh',
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: runtime,
    TMPDIR: runtime,
    PMEMSTAT_E2E_RUN: RUN,
    PMEMSTAT_E2E_OWNER: OWNER,
    // No graphical session: elevation uses `sudo -S` with the VS Code password box.
  };
  return { runtime, env };
}

/** `code-server --install-extension x.vsix` into a private extensions dir. */
export function installVsix(vsix, work, owner) {
  const extensionsDir = path.join(work, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  const { runtime, env } = runEnv(work);
  try {
    execFileSync(CS_BIN, ['--extensions-dir', extensionsDir, '--user-data-dir', path.join(work, 'data'), '--install-extension', vsix, '--force'], {
      env,
      stdio: 'pipe',
    });
  } finally {
    fs.rmSync(runtime, { recursive: true, force: true });
  }
  if (owner) chownR(work, owner);
  return extensionsDir;
}

export function writeUserSettings(work, settings) {
  const p = path.join(work, 'data', 'User', 'settings.json');
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, JSON.stringify(settings, null, 2));
  return p;
}

export function readUserSettings(work) {
  try {
    return JSON.parse(fs.readFileSync(path.join(work, 'data', 'User', 'settings.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** Processes (pid, cmdline) other than this one whose command line or environment mentions one of `needles`. */
export const processesMentioning = (needles) => processesMarked(needles, new Set([process.pid]));

/** Socket files below `dir`. */
export function socketsUnder(dir) {
  const out = [];
  const walk = (d) => {
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isSocket()) out.push(p);
      else if (e.isDirectory() && !e.isSymbolicLink()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * A session cookie for `url` (code-server's login form, posted); throws when the password is refused.
 * A refused attempt counts against code-server's login rate limit (2 a minute): tests that try
 * wrong passwords do it once.
 */
export async function sessionCookie(url, password) {
  const r = await fetch(`${url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ password, base: '.', href: `${url}/` }),
  });
  const cookie = /^(code-server-session=[^;]+)/.exec(r.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error(`code-server refused the login (HTTP ${r.status})`);
  return cookie;
}

/**
 * Starts code-server on 127.0.0.1:<free port> in its own process group, optionally as another user
 * (`owner` = { name, uid, gid }: the elevation tests). It asks for a random password, given to it
 * in its environment (code-server drops $PASSWORD before it starts anything; not in argv or a file).
 * Returns { url, password, cookie, stop, ... }; stop() kills the group and returns what it had to
 * clean up (should be nothing).
 */
export async function startCodeServer({ work, extensionsDir, folder = path.join(work, 'workspace'), settings = {}, owner }) {
  const port = await freePort();
  const userDataDir = path.join(work, 'data');
  writeUserSettings(work, { ...BASE_SETTINGS, ...settings });
  const config = path.join(work, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: password\ncert: false\n`);
  const logFile = path.join(work, 'code-server.log');
  if (owner) chownR(work, owner);
  const out = fs.openSync(logFile, 'a');
  const { runtime, env } = runEnv(work, owner);
  const password = randomBytes(18).toString('base64url');
  env.PASSWORD = password;
  // code-server cannot move this one; a killed server leaves it behind.
  reaper().rm(path.join(userDataDir, 'code-server-ipc.sock'));
  const proc = spawn(
    CS_BIN,
    [
      '--config', config,
      '--user-data-dir', userDataDir,
      '--extensions-dir', extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      folder,
    ],
    { detached: true, stdio: ['ignore', out, out], env, cwd: work, ...(owner ? { uid: owner.uid, gid: owner.gid } : {}) },
  );
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  let stopped = null;
  const stop = () => (stopped ??= stopGroup(proc, [work, runtime], runtime));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) {
      await stop();
      throw new Error(`code-server exited early:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server not up in 60 s:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    await sleep(200);
  }
  const cookie = await sessionCookie(url, password);
  return { url, port, pid: proc.pid, password, cookie, work, folder, logFile, userDataDir, extensionsDir, runtime, owner, stop };
}

/**
 * Kill the process group (SIGTERM, then SIGKILL after 5 s), then anything else that still
 * mentions the run's directories (e.g. a helper started under sudo, which leaves the group),
 * remove the private runtime dir, and report what had to be cleaned up.
 */
async function stopGroup(proc, needles, runtime) {
  const groupAlive = () => {
    try {
      process.kill(-proc.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(-proc.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
  for (let i = 0; i < 50 && groupAlive(); i++) await sleep(100);
  const groupSurvivors = groupAlive();
  if (groupSurvivors) {
    try {
      process.kill(-proc.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  // Processes that left the group (setsid, sudo's pty) but belong to this run: give them 3 s to
  // notice that their parent went away, as the sampler helper must.
  let orphans = processesMentioning(needles);
  for (let i = 0; i < 30 && orphans.length; i++) {
    await sleep(100);
    orphans = processesMentioning(needles);
  }
  for (const o of orphans) {
    try {
      process.kill(o.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  // code-server leaves its vscode-ipc-*.sock files behind: they all live in the private runtime
  // dir, which goes. Its session socket (<user-data-dir>/code-server-ipc.sock) has no option to move
  // it: removed here when a killed server left it. Nothing else may remain.
  let socketsRemoved = socketsUnder(runtime).length;
  fs.rmSync(runtime, { recursive: true, force: true });
  for (const d of needles.filter((n) => n !== runtime)) {
    const session = path.join(d, 'data', 'code-server-ipc.sock');
    if (fs.existsSync(session)) {
      fs.rmSync(session, { force: true });
      socketsRemoved++;
    }
  }
  const sockets = needles.filter((n) => n !== runtime).flatMap((d) => socketsUnder(d));
  return { groupSurvivors, orphans, socketsRemoved, sockets, runtimeRemoved: !fs.existsSync(runtime) };
}

/**
 * The .vsix installed in `work` (as `owner`, if given), code-server started on it with `settings`,
 * a browser logged in and showing the workbench: what the panel's test files start with.
 */
export async function startWorkbench(work, { settings, owner } = {}) {
  const extensionsDir = installVsix(VSIX, work, owner);
  const server = await startCodeServer({ work, extensionsDir, settings, owner });
  const browser = await launchBrowser();
  await openWorkbench(browser.page, server);
  return { server, browser, page: browser.page };
}

/** What stop() reported: nothing of the run left behind (`runtime`: its runtime dir gone too). */
export function assertNothingLeft(left, { runtime = true } = {}) {
  console.log(`# stop: ${JSON.stringify(left)}`);
  assert.deepEqual(left.orphans, [], 'processes of the run left behind');
  assert.deepEqual(left.sockets, [], 'sockets left behind');
  if (runtime) assert.ok(left.runtimeRemoved, 'the runtime directory is still there');
}

/** Chromium (Debian's) through playwright-core, with a throw-away profile. */
export async function launchBrowser({ width = 1400, height = 900, colorScheme = 'dark' } = {}) {
  const udd = fs.mkdtempSync(path.join(os.tmpdir(), 'pmchr-'));
  reaper().rm(udd); // chromium itself exits when the pipe to its starter closes; it carries OWNER too
  const ctx = await chromium.launchPersistentContext(udd, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    colorScheme,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  return {
    ctx,
    page,
    dir: udd,
    close: async () => {
      await ctx.close().catch(() => {});
      fs.rmSync(udd, { recursive: true, force: true });
    },
  };
}

export function workbenchUrl(server, folder = server.folder, payload) {
  let u = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  if (payload) u += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return u;
}

/** Log the browser in through code-server's login form (the session cookie then serves every page). */
export async function login(page, server) {
  await page.goto(`${server.url}/login`);
  await page.locator('input[type=password]').fill(server.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 30_000 }), page.locator('input[type=submit]').click()]);
}

export async function openWorkbench(page, server) {
  await login(page, server);
  await page.goto(workbenchUrl(server));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  // The status bar is the last part to come up; the extension host connects after it.
  await page.locator('#workbench\\.parts\\.statusbar').waitFor({ timeout: 60_000 });
}

export const statusItem = (page, id = STATUS_ID) => page.locator(`#workbench\\.parts\\.statusbar [id="${id}"]`);

/** F1 → type the command's title → pick the row whose label is exactly that title. */
export async function runCommand(page, title, { thenQuickPick = false } = {}) {
  const qi = page.locator('.quick-input-widget');
  // Take the focus out of a webview (whose frame would get the key) before F1.
  await page.evaluate(() => (document.activeElement instanceof HTMLElement ? document.activeElement.blur() : undefined));
  await page.keyboard.press('F1');
  const input = qi.locator('.quick-input-box input').first();
  await input.waitFor();
  await input.fill('>' + title);
  const row = qi.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  // The palette lists what was registered when it opened: an extension still activating may add
  // its commands a moment later, so close and ask again until the row is there.
  for (let tries = 0; ; tries++) {
    try {
      await row.waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      if (tries >= 10) throw e;
      await page.keyboard.press('Escape');
      await qi.waitFor({ state: 'hidden' });
      await page.keyboard.press('F1');
      await input.waitFor();
      await input.fill('>' + title);
    }
  }
  await row.click();
  // A command that opens a quick pick of its own (e.g. Color Theme) keeps the widget up.
  if (!thenQuickPick) await qi.waitFor({ state: 'hidden' });
}

/** Webview content lives two iframes deep: iframe.webview (host) → iframe#active-frame (our HTML). */
export const webviewFrame = (page, nth = 0) =>
  page.locator('iframe.webview.ready').nth(nth).contentFrame().locator('iframe#active-frame').contentFrame();

export const notification = (page, text) => page.locator('.notifications-toasts .notification-toast', { hasText: text });

/** The modal dialog of the workbench (custom dialog style). */
export const dialog = (page) => page.locator('.monaco-dialog-box');

/** Write a failure screenshot (never throws). */
export async function failureShot(page, name) {
  if (!page) return;
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) }).catch(() => {});
}

/**
 * Runs an extension's own test suite (extensionTestsPath) inside code-server's Node extension host,
 * the way @vscode/test-electron / test-web do: the dev/test paths go in the workbench URL's
 * `payload` (code-server's CLI rejects --extensionDevelopmentPath), and the workbench reports the
 * exit code through window.codeAutomationExit.
 */
export async function runExtensionTests(page, server, { extensionDevelopmentPath, extensionTestsPath, timeoutMs = 180_000, onLog = console.log }) {
  const html = await (await fetch(workbenchUrl(server), { headers: { cookie: server.cookie } })).text();
  const authority = /&quot;remoteAuthority&quot;:&quot;(.*?)&quot;/.exec(html)?.[1];
  if (!authority) throw new Error('remoteAuthority not found in the workbench page');
  const remote = (p) => `vscode-remote://${authority}${path.resolve(p)}`;
  let done;
  const exited = new Promise((r) => (done = r));
  await page.exposeFunction('codeAutomationExit', (code) => done(code));
  page.on('console', (m) => {
    const t = m.text();
    if (t.includes('[Extension Host]') || /^%c (INFO|ERR|WARN)/.test(t)) onLog(t.replace(/%c\s*|color: #?\w+\s*/g, '').trim());
  });
  // Newer VS Code builds honour the payload's development keys only with enableSmokeTestDriver
  // (not needed in 1.100, harmless there): flip it where the workbench reads its configuration.
  await page.addInitScript(() => {
    const orig = Element.prototype.getAttribute;
    Element.prototype.getAttribute = function (name) {
      const v = orig.call(this, name);
      if (name === 'data-settings' && this.id === 'vscode-workbench-web-configuration' && v) {
        const cfg = JSON.parse(v);
        cfg.developmentOptions = { ...(cfg.developmentOptions || {}), enableSmokeTestDriver: true };
        return JSON.stringify(cfg);
      }
      return v;
    };
  });
  await login(page, server);
  await page.goto(
    workbenchUrl(server, server.folder, [
      ['extensionDevelopmentPath', remote(extensionDevelopmentPath)],
      ['extensionTestsPath', remote(extensionTestsPath)],
    ]),
  );
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`no codeAutomationExit within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** /proc/meminfo figures (KB). */
export function meminfo() {
  const text = fs.readFileSync('/proc/meminfo', 'utf8');
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { memTotal: get('MemTotal'), memAvailable: get('MemAvailable') };
}

/** memtest built from memtest.c into .cache/e2e (rebuilt when the source is newer). */
export function buildMemtest(name = 'memtest') {
  fs.mkdirSync(E2E_DIR, { recursive: true });
  const out = path.join(E2E_DIR, 'bin', name);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const src = path.join(ROOT, 'memtest.c');
  if (!fs.existsSync(out) || fs.statSync(out).mtimeMs < fs.statSync(src).mtimeMs) {
    execFileSync('cc', ['-O2', '-Wall', '-o', out, src]);
  }
  return out;
}

/** Children the tests start: each in its own process group, all stopped by stopAll(). */
export class Children {
  constructor() {
    this.list = [];
  }

  start(file, args = [], opts = {}) {
    reaper(); // the child inherits OWNER (unless opts.env leaves it out)
    const c = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...opts });
    c.output = '';
    c.stdout?.on('data', (d) => (c.output += d.toString()));
    c.stderr?.on('data', (d) => (c.output += d.toString()));
    c.exited = new Promise((r) => c.once('exit', (code, signal) => r({ code, signal })));
    this.list.push(c);
    return c;
  }

  /** Resolves once the child has printed something matching `re`. */
  static waitOutput(c, re, timeout = 30_000) {
    return waitUntil(() => re.test(c.output), { timeout, interval: 50, what: `${re} from pid ${c.pid} (got ${JSON.stringify(c.output.slice(-200))})` });
  }

  async stopAll() {
    for (const c of this.list) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          process.kill(-c.pid, 'SIGTERM');
        } catch {
          /* gone */
        }
      }
    }
    await Promise.race([Promise.all(this.list.map((c) => c.exited)), sleep(5000)]);
    for (const c of this.list) {
      if (c.exitCode === null && c.signalCode === null) {
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    this.list = [];
  }
}

/** Whether `pid` still runs (a zombie counts as gone). */
export function isRunning(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** SysV segment keys from `first` to `last` that exist now (/proc/sysvipc/shm, key in decimal): a memtest's leftovers. */
export function sysvSegments(first, last) {
  let text = '';
  try {
    text = fs.readFileSync('/proc/sysvipc/shm', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .slice(1)
    .map((l) => Number(l.trim().split(/\s+/)[0]))
    .filter((k) => k >= first && k <= last);
}

/**
 * The end of a file that ran a memtest in a workbench: a picture if a test failed, stop the
 * children, the browser and the server, wait for memtest's own clean-up (it removes its SysV
 * segments and its shared file in `tmp` when it exits), then check that nothing is left.
 */
export async function endMemtestRun({ failed, shot, page, children, browser, server, tmp, segments }) {
  if (failed) await failureShot(page, shot);
  await children.stopAll();
  await browser?.close();
  const left = await server?.stop();
  const shared = tmp ? path.join(tmp, 'pmemstat-memtest.shared') : null;
  const clean = () => segments().length === 0 && !(shared && fs.existsSync(shared));
  await waitUntil(clean, { timeout: 10_000, what: 'memtest clean-up' }).catch(() => {});
  if (left) {
    assertNothingLeft(left);
    assert.ok(clean(), `memtest left SysV segments ${JSON.stringify(segments())} or its shared file behind`);
    if (!failed) fs.rmSync(server.work, { recursive: true, force: true });
  }
}
