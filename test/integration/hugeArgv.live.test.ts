// A process with a 1.5 MB command line of control bytes (each escapes to four characters),
// what any local user can start: it may add at most 16 KB to a sample reply of the helper
// (grouped by pid and by cmd) and to a `pmemstat --json` line, against a process of the same
// program with a short command line. The figures are printed (docs/threat-model.md cites them).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelperClient } from '../../src/host/helperClient';
import type { GroupBy } from '../../src/core/types';
import { Procs } from './live';
import { REPO } from '../support';
import { makeBundle, NODE, removeBundle, type Bundle } from './helperSetup';

const procs = new Procs();
const LIMIT = 16 * 1024;
// 15 arguments of 100,000 \x01 (one argument may hold at most 128 KiB).
const HUGE = `import os, sys, time
if len(sys.argv) < 3:
    os.execv(sys.executable, [sys.executable, '-c', os.environ['CODE'], *(['\\x01' * 100000] * 15)])
print('up', flush=True); time.sleep(120)`;
const SMALL = `import time; print('up', flush=True); time.sleep(120)`;
let huge = 0;
let small = 0;
let b: Bundle;
let client: HelperClient;

beforeAll(async () => {
  const h = procs.start('python3', ['-c', HUGE, 'x'], { env: { ...process.env, CODE: HUGE } });
  const s = procs.start('python3', ['-c', SMALL]);
  await Promise.all([Procs.waitFor(h, /up/), Procs.waitFor(s, /up/)]);
  huge = h.pid!;
  small = s.pid!;
  b = await makeBundle();
  const child = spawn(NODE, [b.script, '--serve'], { stdio: ['pipe', 'pipe', 'pipe'] });
  client = await HelperClient.start({ readable: child.stdout, writable: child.stdin, child });
}, 60_000);

afterAll(() => {
  client?.dispose();
  procs.stopAll();
  removeBundle(b);
});

describe('a 1.5 MB command line costs a reply at most 16 KB', () => {
  for (const groupBy of ['pid', 'cmd'] as GroupBy[]) {
    it(`the helper's sample reply, grouped by ${groupBy}`, async () => {
      await client.configure({ groupBy, filter: [String(huge), String(small)], cmdlen: 100_000 });
      const r = await client.sample();
      // The bytes of the rows that hold each process, in the one reply.
      const size = (pid: number) => {
        const rows = r.rows.filter((x) => x.members.some((m) => m.pid === pid));
        expect(rows).toHaveLength(1);
        return JSON.stringify(rows).length;
      };
      const added = size(huge) - size(small);
      console.log(`sample reply grouped by ${groupBy}: a 1.5 MB command line adds ${added} bytes`);
      expect(added).toBeLessThanOrEqual(LIMIT);
    });
  }

  it('`pmemstat --json` (grouped by pid and by cmd), and the row shows where it was cut', () => {
    for (const g of ['pid', 'cmd']) {
      const run = (pid: number) => {
        const r = spawnSync(process.execPath, [join(REPO, 'dist', 'sampler.js'), '-U', '-g', g, '-L', '100000', '--json', String(pid)], { timeout: 60_000, maxBuffer: 1 << 30 });
        expect(r.stderr.toString()).toBe('');
        expect(r.status).toBe(0);
        return r.stdout.toString();
      };
      const big = run(huge);
      const added = big.length - run(small).length;
      console.log(`pmemstat --json -g ${g}: a 1.5 MB command line adds ${added} bytes`);
      expect(added).toBeLessThanOrEqual(LIMIT);
      expect(big).toContain('\\\\x01\\\\x01');
      expect(big).toContain('\u2026[cut]');
    }
  });
});
