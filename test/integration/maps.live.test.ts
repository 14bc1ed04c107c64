// `pmemstat --maps PID` against the live /proc: the groups of a memtest this test starts add
// up to its detail ptotal (the sampler's) and to what smem says of it (Pss and USS).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePidStat } from '../../src/core/procfiles';
import { readProcessMaps } from '../../src/sampler/maps';
import { runCli } from '../../src/cli/cli';
import { makeBundle, RawHelper, removeBundle } from './helperSetup';
import { buildMemtest, Procs, sampleOnce } from './live';
import { sleep, titled, unmet } from '../support';

const procs = new Procs();
let memtest = '';
const keyBase = `0x${(0x50700000 + ((process.pid & 0xfff) << 8)).toString(16)}`;

beforeAll(() => {
  memtest = buildMemtest(true);
});
afterAll(() => procs.stopAll());

const starttimeOf = (pid: number) => parsePidStat(readFileSync(`/proc/${pid}/stat`, 'latin1'))!.starttime;

/** smem's Pss and USS of one pid (KB), or null when smem did not list it. */
function smemOf(pid: number): { pss: number; uss: number } | null {
  const out = execFileSync('smem', ['-H', '-c', 'pid pss uss'], { encoding: 'utf8' });
  for (const line of out.split('\n')) {
    const [p, pss, uss] = line.trim().split(/\s+/).map(Number);
    if (p === pid) return { pss, uss };
  }
  return null;
}

describe('the mappings of a process', () => {
  const noSmem = unmet('smem');
  it.skipIf(noSmem !== '')(titled('add up to its detail ptotal and to smem, with the heap, the stack and its SysV segments', noSmem), async () => {
    const m = procs.start(memtest, ['-i', '20', '-n', '8', '-k', keyBase]);
    await Procs.waitFor(m, /holding/);
    const pid = m.pid!;
    const st = starttimeOf(pid);
    // Read ours, smem's and ours again until nothing moved in between (a busy machine can
    // still be paging the new process in).
    let agreed = false;
    for (let attempt = 0; attempt < 10 && !agreed; attempt++) {
      const before = readProcessMaps('/', pid, st);
      const smem = smemOf(pid);
      const after = readProcessMaps('/', pid, st);
      const detail = sampleOnce({ detail: true, kernelCpu: false, filter: [String(pid)] }).procs.find((p) => p.pid === pid);
      if (!before.ok || !after.ok || !smem || !detail) throw new Error(`pid ${pid} vanished`);
      if (before.maps.ptotal !== after.maps.ptotal || detail.mem.ptotal !== after.maps.ptotal) {
        await sleep(200);
        continue;
      }
      agreed = true;
      expect(after.maps.ptotal).toBe(detail.mem.ptotal);
      expect(after.maps.total.pss).toBe(smem.pss);
      expect(after.maps.total.priv).toBe(smem.uss);
      const kb = (kind: string) => after.maps.groups.filter((g) => g.kind === kind).reduce((a, g) => a + g.pss, 0);
      // 8 steps of 256 KB, touched: malloc takes blocks this large with mmap, so they are [anon]
      expect(kb('heap') + kb('anon')).toBeGreaterThanOrEqual(2048);
      expect(kb('stack')).toBeGreaterThanOrEqual(128);
      expect(after.maps.groups.filter((g) => g.kind === 'sysv')).toHaveLength(8); // one segment a step
      expect(kb('sysv')).toBe(512);
    }
    expect(agreed).toBe(true);
  }, 60_000);

  it('are refused for a reused pid, a pid that is not there, and a kernel thread', async () => {
    const m = procs.start(memtest, ['-i', '20', '-n', '1', '-k', keyBase]);
    await Procs.waitFor(m, /holding/);
    const st = starttimeOf(m.pid!);
    expect(readProcessMaps('/', m.pid!, st).ok).toBe(true);
    expect(readProcessMaps('/', m.pid!, st + 1)).toMatchObject({ ok: false, outcome: 'pid-reused' });
    expect(readProcessMaps('/', 4_194_304, null)).toMatchObject({ ok: false, outcome: 'not-found' });
    expect(readProcessMaps('/', 2, null)).toMatchObject({ ok: false, outcome: 'kernel-thread' });
  });

  it('pmemstat --maps PID prints them; a bad pid is a clear error', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => err.push(s) };
    expect(await runCli(['-U', '-u', 'KB', '--maps', String(process.pid)], io)).toBe(0);
    expect(out[0]).toMatch(new RegExp(`^mappings of pid ${process.pid}: ptotal [\\d,]+ KB`));
    expect(out.some((l) => /\d+ heap\s+\[heap\]$/.test(l))).toBe(true);
    expect(out.at(-1)).toMatch(/ total\s+$/);
    out.length = 0;
    expect(await runCli(['-U', '--json', '--maps', String(process.pid)], io)).toBe(0);
    const j = JSON.parse(out[0]) as { pid: number; ptotal: number; groups: { pss: number }[] };
    expect(j.pid).toBe(process.pid);
    expect(j.groups.length).toBeGreaterThan(3);
    expect(await runCli(['-U', '--maps', '4194304'], io)).toBe(2);
    expect(err.at(-1)).toBe('pmemstat: --maps 4194304: no process 4194304');
    expect(await runCli(['-U', '--maps', 'x'], io)).toBe(2);
  });
});

describe('the helper\u2019s maps request', () => {
  it('answers the grouped mappings of pid + start time, refuses a reused pid, rejects a malformed request', async () => {
    const b = await makeBundle();
    const raw = new RawHelper(b.script);
    try {
      const m = procs.start(memtest, ['-i', '20', '-n', '2', '-k', keyBase]);
      await Procs.waitFor(m, /holding/);
      const pid = m.pid!;
      const st = starttimeOf(pid);
      const r = await raw.request({ id: 1, type: 'maps', pid, starttime: st });
      expect(r.type).toBe('maps');
      if (r.type !== 'maps' || !r.result.ok) throw new Error(JSON.stringify(r));
      expect(r.result).toMatchObject({ pid, starttime: st });
      expect(r.result.maps.groups.filter((g) => g.kind === 'sysv')).toHaveLength(2);
      expect(r.result.maps.ptotal).toBe(r.result.maps.total.pss);
      expect(await raw.request({ id: 2, type: 'maps', pid, starttime: st + 1 })).toMatchObject({ type: 'maps', result: { ok: false, outcome: 'pid-reused' } });
      expect(await raw.request({ id: 3, type: 'maps', pid: 2, starttime: starttimeOf(2) })).toMatchObject({ result: { ok: false, outcome: 'kernel-thread' } });
      expect(await raw.request({ id: 4, type: 'maps', pid: -1, starttime: 0 })).toMatchObject({ type: 'error', code: 'invalid' });
      expect(raw.bad).toEqual([]);
    } finally {
      raw.close();
      removeBundle(b);
    }
  }, 60_000);
});
