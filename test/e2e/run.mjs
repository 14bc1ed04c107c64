// `npm run test:e2e`: the whole end-to-end pipeline, with the time of each step.
//   1. code-server + Debian's chromium (scripts/install-code-server.sh; cached, ~1 s when warm)
//   2. build the extension and package it (.vsix, as a user installs it)
//   3. build the extension's own suite (test/suite → out/suite)
//   4. node:test on test/e2e/*.e2e.test.mjs, one file at a time
// Arguments select test files (default: all), e.g. `npm run test:e2e -- ui`; a path to a .mjs
// file runs that file. `--no-build` skips steps 1–3 (they must have run before).
//
// Nothing the run starts outlives this process. Everything gets the run's id (PMEMSTAT_E2E_RUN,
// from the environment or new) in its environment or work-dir paths, and a watchdog
// (scripts/reaper.mjs) stops whatever carries it when this process ends: normally, on
// Ctrl-C / SIGTERM / SIGHUP or when its own parent goes away (after which this process waits
// for the watchdog and exits 128+n), or by SIGKILL (the watchdog sees its pipe close).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startReaper } from '../../scripts/reaper.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const RUN = process.env.PMEMSTAT_E2E_RUN || `pmemstat-e2e-${randomBytes(4).toString('hex')}`;
const env = { ...process.env, PMEMSTAT_E2E_RUN: RUN };
const reaper = startReaper(RUN, { marks: [RUN] });

let current = null;
let stopping = false;
async function stop(sig, why = sig) {
  if (stopping) return;
  stopping = true;
  console.error(`### e2e: ${why}: stopping everything of ${RUN}`);
  if (current) {
    try {
      process.kill(-current.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await reaper.close();
  process.exit(128 + constants.signals[sig]);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(sig));
// Nor does the run outlive what started it (npm, killed by a time limit): as if it hung up.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop('SIGHUP', `its parent ${parent} is gone`);
}, 250).unref();

/** Run one step in a process group of its own (so a signal here stops exactly that step). */
function run(cmd, args) {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { cwd: root, stdio: 'inherit', env, detached: true });
    current = c;
    c.on('error', (e) => {
      console.error(`### e2e: cannot run ${cmd}: ${e.message}`);
      resolve(1);
    });
    c.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

let t = Date.now();
const lap = (what) => {
  console.log(`### e2e: ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
};
async function finish(code) {
  await reaper.close();
  process.exit(code);
}
async function step(what, cmd, args) {
  const status = await run(cmd, args);
  if (stopping) return new Promise(() => {}); // stop() exits
  if (status !== 0) {
    console.error(`### e2e: ${what} failed (${status})`);
    await finish(status || 1);
  }
  lap(what);
}

const argv = process.argv.slice(2);
const noBuild = argv.includes('--no-build');
const wanted = argv.filter((a) => a !== '--no-build');
if (!noBuild) {
  await step('code-server + chromium', 'bash', [path.join(root, 'scripts', 'install-code-server.sh')]);
  await step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
  await step('package .vsix', path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', path.join(root, `${pkg.name}-${pkg.version}.vsix`)]);
  await step('build the extension suite', process.execPath, [path.join(here, '..', 'suite', 'build.mjs')]);
}

const files = [
  ...wanted.filter((w) => w.endsWith('.mjs') && existsSync(w)).map((w) => path.resolve(w)),
  ...readdirSync(here)
    .filter((f) => f.endsWith('.e2e.test.mjs'))
    .filter((f) => wanted.length === 0 || wanted.some((w) => !w.endsWith('.mjs') && f.includes(w)))
    .sort()
    .map((f) => path.join(here, f)),
];
const status = await run(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files]);
if (!stopping) {
  lap('e2e tests');
  await finish(status);
}
