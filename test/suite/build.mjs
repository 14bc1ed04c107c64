// Bundles the in-host suite (test/suite/*.ts) into out/suite/ for the extension host to load:
// cjs, `vscode` and `mocha` left to the host's require (mocha from the repo's node_modules).
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const outdir = join(root, 'out', 'suite');
rmSync(outdir, { recursive: true, force: true });
const entryPoints = readdirSync(here)
  .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
  .map((f) => join(here, f));
await build({
  entryPoints,
  outdir,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
console.log(`built the extension suite into ${outdir}`);
