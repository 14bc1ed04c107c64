// The leader's split of used memory on the live system, with memtest's shared memory:
// its SysV segments and its MAP_SHARED file (put in /dev/shm here, so that it is shmem).
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reporter } from '../../src/core/report';
import { parseRollup, parseSmapsDetail, type SmapsExtra } from '../../src/core/smaps';
import { Sampler } from '../../src/sampler/sampler';
import { buildMemtest, Procs } from './live';
import { reportOptions } from '../../src/shared/engineOptions';

const procs = new Procs();
const shmDir = `/dev/shm/pmemstat-test-${process.pid}`;
// A key base of our own, so that no other memtest shares (and splits) our segments.
const keyBase = `0x${(0x50700000 + ((process.pid & 0xfff) << 8)).toString(16)}`;
let pid = 0;

beforeAll(async () => {
  const memtest = buildMemtest();
  mkdirSync(shmDir, { recursive: true });
  const m = procs.start(memtest, ['-i', '20', '-s', '-k', keyBase], { env: { ...process.env, TMPDIR: shmDir } });
  await Procs.waitFor(m, /step 16\/16/);
  pid = m.pid!;
});
afterAll(() => {
  procs.stopAll();
  rmSync(shmDir, { recursive: true, force: true });
});

const rollupShmem = (p: number) => parseRollup(readFileSync(`/proc/${p}/smaps_rollup`, 'latin1'))!.pssShmem;

describe("memtest's shared memory in the leader", () => {
  it('is counted once: in its PSS, not again in Sh+Tmp; Used = ΣPSS + Sh+Tmp + Oth', () => {
    // 16 SysV segments of 64 KB and 16 slices of 64 KB of the /dev/shm file, all its own
    const own = rollupShmem(pid);
    expect(own).toBeGreaterThanOrEqual(2000);
    for (const { detail, oneShot } of [{ detail: false, oneShot: false }, { detail: true, oneShot: false }, { detail: true, oneShot: true }]) {
      const sampler = new Sampler({ detail, oneShot });
      const s = sampler.sample();
      sampler.close();
      const r = new Reporter(reportOptions()).report(s);
      const l = r.leader;
      const mine = s.procs.find((p) => p.pid === pid);
      // exact from the rollup; estimated from the mapping names when smaps alone is read
      if (oneShot) expect(Math.abs((mine?.pssShmem ?? 0) - own)).toBeLessThanOrEqual(8);
      else expect(mine?.pssShmem).toBe(own);
      const mapped = s.procs.reduce((a, p) => a + (p.pssShmem ?? 0), 0);
      expect(l.shTmp).toBe(Math.max(0, s.meminfo.shmem - mapped));
      // memtest's share is in its ptotal; Sh+Tmp leaves it out
      expect(mine!.mem.ptotal).toBeGreaterThanOrEqual(own);
      expect(l.shTmp).toBeLessThanOrEqual(s.meminfo.shmem - own + 8);
      expect(l.oth).not.toBeNull();
      if (l.oth! > 0 && l.shTmp > 0) expect(l.used).toBe(r.total.mem.ptotal + l.shTmp + l.oth!);
      else expect(l.used).toBeLessThanOrEqual(r.total.mem.ptotal + l.shTmp + l.oth!);
    }
  });

  it('smaps alone estimates its Pss_Shmem from the mapping names', () => {
    const extra: SmapsExtra = { pssShmem: 0 };
    const before = rollupShmem(pid);
    parseSmapsDetail(readFileSync(`/proc/${pid}/smaps`, 'latin1'), false, extra);
    const after = rollupShmem(pid);
    expect(after).toBe(before); // it holds still once grown
    expect(Math.abs(extra.pssShmem - before)).toBeLessThanOrEqual(8);
  });
});
