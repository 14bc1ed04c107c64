// `npm run dev`: try the extension in VS Code in your browser. Builds and packages the extension,
// installs code-server if needed (scripts/install-code-server.sh, cached in .cache/code-server),
// installs the .vsix into a private profile in .cache/dev, starts code-server on 127.0.0.1 only
// with a password made for this run (every local user can reach 127.0.0.1, and the workbench
// has a terminal), and prints the URL and the password. Ctrl-C stops it all; so does closing the
// terminal, SIGTERM, SIGKILL of this script (a watchdog, scripts/reaper.mjs, then stops it),
// or SIGKILL of npm (`npm run dev`'s own process: this script notices, onStarterGone).
//   PORT=8080 npm run dev      a fixed port (default: a free one)
//   npm run dev -- FOLDER      the folder to open (default: this repository)
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onStarterGone, startReaper } from './reaper.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const csBin = path.join(process.env.CS_DIR || path.join(root, '.cache', 'code-server'), 'bin', 'code-server');
const devDir = path.join(root, '.cache', 'dev');
const folder = path.resolve(process.argv[2] ?? root);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
// From the start (npm may be killed while this builds): until code-server runs, just exit.
let onGone = () => process.exit(1);
onStarterGone(() => onGone());

run('bash', [path.join(root, 'scripts', 'install-code-server.sh')]);
run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
const vsix = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
run(path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', vsix]);

const home = path.join(devDir, 'home');
const userData = path.join(devDir, 'data');
const extensions = path.join(devDir, 'extensions');
for (const d of [home, path.join(userData, 'User'), extensions]) mkdirSync(d, { recursive: true });
const runtime = mkdtempSync(path.join(os.tmpdir(), 'pmdev-'));
// Marks everything code-server starts (it passes its environment on) for the watchdog.
const mark = `pmemstat-dev-${randomBytes(6).toString('hex')}`;
const reaper = startReaper(mark, { marks: [mark], rm: [runtime] });
const password = randomBytes(18).toString('base64url');
const env = {
  ...process.env,
  PMEMSTAT_DEV_RUN: mark,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_DATA_HOME: path.join(home, '.local', 'share'),
  XDG_CACHE_HOME: path.join(home, '.cache'),
  XDG_RUNTIME_DIR: runtime,
  TMPDIR: runtime,
};
const settings = path.join(userData, 'User', 'settings.json');
try {
  readFileSync(settings);
} catch {
  writeFileSync(
    settings,
    JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'security.workspace.trust.enabled': false }, null, 2),
  );
}
execFileSync(csBin, ['--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', vsix, '--force'], { env, stdio: 'pipe' });

const port = Number(process.env.PORT) || (await new Promise((resolve, reject) => {
  const s = net.createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
}));
const config = path.join(devDir, 'config.yaml');
// The password goes in the environment (code-server drops it before starting anything), not in
// argv or the config file.
writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: password\ncert: false\n`);
const log = path.join(devDir, 'code-server.log');
const out = openSync(log, 'a');
const cs = spawn(
  csBin,
  ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', folder],
  { detached: true, stdio: ['ignore', out, out], env: { ...env, PASSWORD: password } },
);

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try {
    process.kill(-cs.pid, 'SIGTERM');
  } catch {
    /* gone */
  }
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-cs.pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    process.kill(-cs.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  rmSync(runtime, { recursive: true, force: true });
  await reaper.close();
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void stop(0));
onGone = () => void stop(0);
cs.on('exit', (c) => {
  if (!stopping) {
    console.error(`code-server exited (${c}); see ${log}`);
    void stop(1);
  }
});

const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(folder)}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
  } catch {
    /* not up yet */
  }
  if (i > 300) {
    console.error(`code-server did not come up; see ${log}`);
    await stop(1);
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.log(`\npmemstat ${pkg.version} in VS Code (code-server), on this machine only:\n\n  ${url}\n  password: ${password}\n`);
console.log('Open it in a browser (over SSH: ssh -L ' + port + ':127.0.0.1:' + port + ' HOST), log in with the password (new each');
console.log('run), then "pmemstat: Open" or click the memory figure in the status bar.');
console.log(`Log: ${log}. Ctrl-C stops code-server.`);
