// Entry of dist/launch.js, which bin/pmemstat runs: the `pmemstat` command's first lines.
// Before the large bundle (dist/sampler.js) is read and compiled, it starts the worker threads
// a sampling run will read /proc with (src/sampler/prestart.ts), so they boot while the main
// thread loads; then it runs the bundle through V8's code cache (codeCache.ts). Only node's
// built-ins and those two small files are bundled here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadBundle } from './codeCache';
import { wantsPrestart } from './prestartRule';
import { countPids, defaultWorkerCount, prestartWorkers, PRESTART_MIN_PIDS } from '../sampler/prestart';

const bundle = join(__dirname, 'sampler.js');
const worker = join(__dirname, 'procworker.js');
const argv = process.argv.slice(2);
if (wantsPrestart(argv, process.getuid?.()) && existsSync(worker)) {
  const n = defaultWorkerCount();
  if (n > 0 && countPids('/proc', PRESTART_MIN_PIDS) >= PRESTART_MIN_PIDS) prestartWorkers(worker, n);
}
// A re-run under sudo (src/cli/cli.ts) runs process.argv[1]: this launcher again.
process.argv[1] = __filename;
if (argv[0] === 'record' || argv[0] === 'replay') {
  // Long-running, and they import better-sqlite3 dynamically, which a vm script cannot (codeCache.ts).
  createRequire(__filename)(bundle);
} else {
  const loaded = loadBundle(bundle);
  process.once('exit', () => {
    if (process.env.PMEMSTAT_CODE_CACHE !== '0') loaded.save();
  });
}
