// `npm start [-- OPTIONS]`: build if needed, then show this machine live, refreshed every 5 s
// (any options replace that default): in a terminal the full-screen window, piped the report.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const bundle = 'dist/sampler.js';
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}
if (!existsSync(bundle) || statSync(bundle).mtimeMs < newest('src')) {
  const b = spawnSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const args = process.argv.slice(2);
const r = spawnSync(process.execPath, [bundle, ...(args.length ? args : ['-l', '5'])], { stdio: 'inherit' });
process.exit(r.status ?? 1);
