// Used = ΣPSS + Sh+Tmp + Oth on a captured tree whose Shmem is mostly mapped: three
// processes share 256 MB of /dev/shm (fixtures/shm-a, `npm run capture-fixture -- DIR
// --no-node --shm 256`). The mapped part is in their PSS and must not be subtracted again.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMeminfo } from '../../src/core/procfiles';
import { Reporter, splitUsed } from '../../src/core/report';
import { parseRollup, parseSmapsDetail, type SmapsExtra } from '../../src/core/smaps';
import { Sampler } from '../../src/sampler/sampler';
import { reportOptions } from '../../src/shared/engineOptions';

const FIX = join(__dirname, '..', '..', 'fixtures');
const TREE = join(FIX, 'shm-a');
const MB256 = 256 * 1024;

/** Σ Pss_Shmem of the rollups in a tree, straight from the files. */
function rollupShmem(tree: string): number {
  let sum = 0;
  for (const d of readdirSync(join(tree, 'proc'))) {
    if (!/^\d+$/.test(d)) continue;
    try {
      sum += parseRollup(readFileSync(join(tree, 'proc', d, 'smaps_rollup'), 'latin1'))?.pssShmem ?? 0;
    } catch {
      /* a zombie has none */
    }
  }
  return sum;
}

describe('leader figures of a tree with 256 MB of mapped shared memory', () => {
  const meminfo = parseMeminfo(readFileSync(join(TREE, 'proc', 'meminfo'), 'latin1'));
  const mapped = rollupShmem(TREE);

  it('the capture is what the test needs: most of Shmem is mapped', () => {
    expect(mapped).toBeGreaterThanOrEqual(MB256 - 8);
    expect(meminfo.shmem).toBeGreaterThan(mapped);
  });

  const modes = [
    { name: 'fast mode', detail: false, oneShot: false, slack: 0 },
    { name: 'detail mode (rollup and smaps)', detail: true, oneShot: false, slack: 0 },
    // smaps alone: Pss_Shmem estimated from the mapping names (per-mapping KB truncation)
    { name: 'a one-shot detail report (smaps alone)', detail: true, oneShot: true, slack: 16 },
  ];
  for (const { name, detail, oneShot, slack } of modes) {
    it(`${name}: Sh+Tmp = Shmem − ΣPss_Shmem and Used = ΣPSS + Sh+Tmp + Oth`, () => {
      const sampler = new Sampler({ root: TREE, detail, oneShot });
      const s = sampler.sample();
      sampler.close();
      const r = new Reporter(reportOptions()).report(s);
      const l = r.leader;
      const sum = s.procs.reduce((a, p) => a + (p.pssShmem ?? 0), 0);
      expect(Math.abs(sum - mapped)).toBeLessThanOrEqual(slack);
      expect(l.shTmp).toBe(meminfo.shmem - sum);
      // the shared 256 MB counts once: in the PSS of the processes mapping it
      expect(l.shTmp).toBeLessThan(meminfo.shmem - MB256 + 8);
      expect(l.oth).not.toBeNull();
      expect(l.oth).toBeGreaterThan(0);
      expect(l.used).toBe(r.total.mem.ptotal + l.shTmp + (l.oth ?? 0));
    });
  }
});

describe('Pss_Shmem estimated from smaps alone (no rollup read)', () => {
  // Every captured process: the estimate from the mapping names against the rollup's figure.
  for (const tree of ['shm-a', 'tree-a']) {
    it(`matches the rollup in ${tree} (SysV segments, /dev/shm)`, () => {
      let est = 0;
      for (const d of readdirSync(join(FIX, tree, 'proc'))) {
        if (!/^\d+$/.test(d)) continue;
        let text: string;
        try {
          text = readFileSync(join(FIX, tree, 'proc', d, 'smaps'), 'latin1');
        } catch {
          continue;
        }
        const extra: SmapsExtra = { pssShmem: -1 };
        parseSmapsDetail(text, false, extra);
        expect(extra.pssShmem).toBeGreaterThanOrEqual(0);
        est += extra.pssShmem;
      }
      const exact = rollupShmem(join(FIX, tree));
      expect(exact).toBeGreaterThan(0);
      // The rollup sums sub-KB shares before truncating; the per-mapping Pss lines are each truncated.
      expect(Math.abs(est - exact)).toBeLessThanOrEqual(16);
    });
  }

  it('names the shmem mappings, not other shared ones', () => {
    const header = (name: string, perms = 'rw-s') => `7f0000000000-7f0000100000 ${perms} 00000000 00:01 42     ${name}\nPss:                1000 kB\n`;
    const est = (text: string) => {
      const e: SmapsExtra = { pssShmem: 0 };
      parseSmapsDetail(text, false, e);
      return e.pssShmem;
    };
    expect(est(header('/SYSV0000002a (deleted)'))).toBe(1000);
    expect(est(header('/dev/shm/x'))).toBe(1000);
    expect(est(header('/memfd:wayland-shm (deleted)'))).toBe(1000);
    expect(est(header('/dev/zero (deleted)'))).toBe(1000);
    expect(est(header('[anon_shmem:jit]'))).toBe(1000);
    expect(est(header('/home/u/data.bin'))).toBe(0);
    expect(est(header('', 'rw-p'))).toBe(0);
    expect(est(header('/usr/lib/libc.so.6', 'r-xp'))).toBe(0);
  });
});

describe('splitUsed', () => {
  it('never goes below 0, and Oth takes what Sh+Tmp and ΣPSS leave', () => {
    // more mapped than Shmem (sub-KB sums, a racing sample): Sh+Tmp 0, not negative
    expect(splitUsed(100, 10, [{ pssShmem: 50 }], 60)).toEqual({ shTmp: 0, oth: 40 });
    expect(splitUsed(100, 30, [{ pssShmem: 10 }, {}], 60)).toEqual({ shTmp: 20, oth: 20 });
    expect(splitUsed(100, 30, [], 90)).toEqual({ shTmp: 30, oth: 0 });
    expect(splitUsed(100, 30, [], null)).toEqual({ shTmp: 30, oth: null });
  });
});
