// `pmemstat --leaks -g cgroup` on the live system: a memtest in a cgroup of its own (made by the
// test under the v2 tree) is flagged under its cgroup's key, as under -g exe. The history keys
// groups with the Reporter's own keys (src/core/report.ts), whatever the grouping.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMemtest, Procs } from './live';
import { isRoot, REPO, sleep, titled, unmet } from '../support';

const UNIFIED = '/sys/fs/cgroup/unified';
const NAME = `pmemstat-leak-${process.pid}`;
const DIR = join(UNIFIED, NAME);
const procs = new Procs();

function cannot(): string {
  if (!isRoot) return unmet('root'); // to make a cgroup
  if (!existsSync(join(UNIFIED, 'cgroup.procs'))) return `no cgroup v2 tree at ${UNIFIED}`;
  try {
    mkdirSync(DIR);
  } catch (e) {
    return `cannot make a cgroup: ${(e as Error).message}`;
  }
  return '';
}
const reason = cannot();
if (reason) console.warn(`leaks under -g cgroup skipped: ${reason}`);

afterAll(async () => {
  procs.stopAll();
  for (let i = 0; i < 50 && existsSync(DIR); i++) {
    try {
      rmdirSync(DIR);
    } catch {
      await sleep(100);
    }
  }
});

describe.skipIf(reason !== '')(titled('pmemstat --leaks -g cgroup', reason), () => {
  it('flags a growing memtest in its own cgroup, keyed by the cgroup', async () => {
    const memtest = buildMemtest();
    const key = `0x${(0x50900000 + ((process.pid & 0xfff) << 8)).toString(16)}`;
    // Into the cgroup first, then exec: the memtest's pages are charged there from the start.
    const m = procs.start('/bin/sh', ['-c', `echo $$ > ${join(DIR, 'cgroup.procs')}; exec ${memtest} -i 400 -n 100 -k ${key}`]);
    await Procs.waitFor(m, /step 1\//);
    const cli = spawn(
      process.execPath,
      [join(REPO, 'dist', 'sampler.js'), '-U', '-W', '-l', '0.5', '--leaks', '-g', 'cgroup', '--leak-samples', '8', String(m.pid)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    try {
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no leak flagged in 30 s:\n${out}`)), 30_000);
        cli.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (/LEAK\? /.test(out)) {
            clearTimeout(t);
            resolve();
          }
        });
        cli.stderr.on('data', (d: Buffer) => (out += d.toString()));
        cli.once('exit', (code) => reject(new Error(`pmemstat exited ${code}: ${out}`)));
      });
    } finally {
      cli.kill('SIGTERM');
    }
    // Keyed by the cgroup, naming its one process, in the run's one unit (MB by default).
    expect(out, out).toMatch(
      new RegExp(`LEAK\\? /${NAME} \\(pid ${m.pid}\\): 1 process grew by [\\d,]+ MB in \\d+s \\(up in \\d+ of 8 steps, down in \\d+\\); ptotal now [\\d,]+ MB`),
    );
  }, 60_000);
});
