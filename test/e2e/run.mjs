// `npm run test:e2e`: the whole end-to-end pipeline, with the time of each step.
//   1. code-server + Debian's chromium (scripts/install-code-server.sh; cached, ~1 s when warm)
//   2. build the extension and package it (.vsix, as a user installs it)
//   3. build the extension's own suite (test/suite → out/suite)
//   4. node:test on test/e2e/*.e2e.test.mjs, one file at a time
// Arguments select test files (default: all), e.g. `npm run test:e2e -- ui`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
let t = Date.now();
const lap = (what) => {
  console.log(`### e2e: ${what}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
};
const step = (what, cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`### e2e: ${what} failed (${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
  lap(what);
};

step('code-server + chromium', 'bash', [path.join(root, 'scripts', 'install-code-server.sh')]);
step('build', process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
step('package .vsix', path.join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--out', path.join(root, `${pkg.name}-${pkg.version}.vsix`)]);
step('build the extension suite', process.execPath, [path.join(here, '..', 'suite', 'build.mjs')]);

const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.e2e.test.mjs'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort()
  .map((f) => path.join(here, f));
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { cwd: root, stdio: 'inherit' });
lap('e2e tests');
process.exit(r.status ?? 1);
