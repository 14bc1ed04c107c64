import { describe, expect, it } from 'vitest';
import { CPU_WINDOW_POINTS, CpuTracker } from '../../src/core/cpu';
import { headerLine, leaderLines, rowLine } from '../../src/core/format';
import { applyView, deltaType, groupProcs, Reporter, sortRows } from '../../src/core/report';
import type { ProcSample, Sample } from '../../src/core/types';
import { zramEffective } from '../../src/core/zram';
import { proc, sample as fixtureSample } from './webview-fixtures';
import { reportOptions } from '../../src/shared/engineOptions';

/** A small machine with no kernel threads: the leader figures below are computed from it. */
const SMALL: Partial<Sample> = {
  meminfo: { memTotal: 1000000, memAvailable: 600000, shmem: 10000, dirty: 100, swapTotal: 0, swapFree: 0 },
  cpu: { totalTicks: 1000, ncpu: 2 },
  kernelCpu: 0,
  topKernelThreads: [],
};

function sample(procs: ProcSample[], over: Partial<Sample> = {}): Sample {
  return fixtureSample(procs, { ...SMALL, ...over });
}

describe('deltaType', () => {
  it('k > 0 reports growth of at least k only', () => {
    expect(deltaType(100, 100)).toBe('+100K');
    expect(deltaType(99, 100)).toBe('');
    expect(deltaType(-500, 100)).toBe('');
  });
  it('k ≤ 0 reports any change of at least |k|', () => {
    expect(deltaType(-500, -100)).toBe('-500K');
    expect(deltaType(150, -100)).toBe('+150K');
    expect(deltaType(-99, -100)).toBe('');
    expect(deltaType(0, 0)).toBe('');
    expect(deltaType(-1, 0)).toBe('-1K');
  });
});

describe('grouping', () => {
  const procs = [proc(10, 'bash', 100, 'bash -l'), proc(11, 'sleep', 5), proc(12, 'bash', 50, 'bash')];
  it('groups by exe, in first-seen pid order, summing members', () => {
    const g = groupProcs(procs, 'exe', 96);
    expect(g.map((r) => [r.key, r.count, r.mem.ptotal, r.pid])).toEqual([
      ['bash', 2, 150, null],
      ['sleep', 1, 5, 11],
    ]);
    expect(g[0].members.map((m) => m.pid)).toEqual([10, 12]);
  });
  it('groups by cut cmd and by pid', () => {
    expect(groupProcs(procs, 'cmd', 4).map((r) => r.key)).toEqual(['bash', 'slee']);
    expect(groupProcs(procs, 'cmd', 96).map((r) => r.key)).toEqual(['bash -l', 'sleep', 'bash']);
    expect(groupProcs(procs, 'pid', 96).map((r) => r.info)).toEqual(['10 bash -l', '11 sleep', '12 bash']);
  });
});

describe('Reporter', () => {
  it('marks every group A on the first sample, with a T total', () => {
    const r = new Reporter(reportOptions({ minDeltaKb: 100 }));
    const rep = r.report(sample([proc(1, 'a', 300), proc(2, 'b', 200), proc(3, 'a', 1)]));
    expect(rep.total.type).toBe('T');
    expect(rep.total.count).toBe(3);
    expect(rep.total.mem.ptotal).toBe(501);
    expect(rep.rows.map((x) => [x.key, x.type])).toEqual([
      ['a', 'A'],
      ['b', 'A'],
    ]);
  });

  it('measures deltas from the last reported value, so slow creep adds up', () => {
    const r = new Reporter(reportOptions({ minDeltaKb: 100 }));
    r.report(sample([proc(1, 'a', 1000)]));
    const types: string[] = [];
    for (const v of [1040, 1080, 1120, 1160, 1200, 1240]) types.push(r.report(sample([proc(1, 'a', v)])).rows[0].type);
    // 1120 − 1000 = 120 ≥ 100 is shown; then the baseline is 1120, and 1240 − 1120 = 120 again.
    expect(types).toEqual(['', '', '+120K', '', '', '+120K']);
  });

  it('with k ≤ 0 shows shrink too', () => {
    const r = new Reporter(reportOptions({ minDeltaKb: -50 }));
    r.report(sample([proc(1, 'a', 1000)]));
    const rep = r.report(sample([proc(1, 'a', 900)]));
    expect(rep.rows[0].type).toBe('-100K');
    expect(rep.rows[0].delta).toBe(-100);
  });

  it('reports a vanished group once as x with its last values, and a returning one as A', () => {
    const r = new Reporter(reportOptions({ minDeltaKb: 100 }));
    r.report(sample([proc(1, 'a', 1000), proc(2, 'b', 10)]));
    const gone = r.report(sample([proc(1, 'a', 1000)]));
    expect(gone.rows.map((x) => [x.key, x.type, x.mem.ptotal])).toEqual([
      ['b', 'x', 10],
      ['a', '', 1000],
    ]);
    expect(gone.total.mem.ptotal).toBe(1000); // x rows are not in T
    const again = r.report(sample([proc(1, 'a', 1000)]));
    expect(again.rows.map((x) => x.type)).toEqual(['']);
    const back = r.report(sample([proc(1, 'a', 1000), proc(5, 'b', 10)]));
    expect(back.rows.map((x) => [x.key, x.type])).toEqual([
      ['b', 'A'],
      ['a', ''],
    ]);
  });

  it('regrouping starts the baselines over', () => {
    const r = new Reporter(reportOptions({ minDeltaKb: 100 }));
    r.report(sample([proc(1, 'a', 1000)]));
    r.setOptions({ groupBy: 'pid' });
    expect(r.report(sample([proc(1, 'a', 1000)])).rows.map((x) => [x.key, x.type])).toEqual([['1', 'A']]);
  });
});

describe('sorting', () => {
  const rows = () =>
    groupProcs([proc(1, 'Zed', 10, 'Zed', 5), proc(2, 'alpha', 30, 'alpha', 1), proc(3, 'beta', 20, 'beta', 5)], 'exe', 96);
  it('mem: ptotal descending', () => {
    expect(sortRows(rows(), 'mem', false).map((r) => r.key)).toEqual(['alpha', 'beta', 'Zed']);
  });
  it('cpu: cpu descending, then name', () => {
    expect(sortRows(rows(), 'cpu', false).map((r) => r.key)).toEqual(['beta', 'Zed', 'alpha']);
  });
  it('name: case-insensitive ascending', () => {
    expect(sortRows(rows(), 'name', false).map((r) => r.key)).toEqual(['alpha', 'beta', 'Zed']);
  });
  it('rise puts new, changed and vanished groups first; ties keep pid order', () => {
    const rs = rows();
    rs[0].type = '+5K';
    expect(sortRows(rs, 'mem', true).map((r) => r.key)).toEqual(['Zed', 'alpha', 'beta']);
    const tie = groupProcs([proc(1, 'p', 10), proc(2, 'q', 10), proc(3, 'r', 10)], 'exe', 96);
    expect(sortRows(tie, 'mem', false).map((r) => r.key)).toEqual(['p', 'q', 'r']);
  });
});

describe('applyView', () => {
  const rep = () =>
    new Reporter(reportOptions({ minDeltaKb: 100, riseToTop: false })).report(
      sample([proc(1, 'a', 500), proc(2, 'b', 300), proc(3, 'c', 150), proc(4, 'd', 50)]),
    );
  it('top-pct folds the groups past the share into one O row', () => {
    const v = applyView(rep(), { search: '', topPct: 80, maxRows: 0 });
    expect(v.rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(v.overflow?.type).toBe('O');
    expect(v.overflow?.mem.ptotal).toBe(200);
    expect(v.overflow?.count).toBe(2);
  });
  it('top-pct allows the 0.1 % slack', () => {
    const v = applyView(rep(), { search: '', topPct: 79.95, maxRows: 0 });
    expect(v.rows.map((r) => r.key)).toEqual(['a', 'b']);
  });
  it('search keeps matching info and folds the rest', () => {
    const v = applyView(rep(), { search: 'c', topPct: 100, maxRows: 0 });
    expect(v.rows.map((r) => r.key)).toEqual(['c']);
    expect(v.overflow?.mem.ptotal).toBe(850);
    expect(v.pidsShown).toBe(1);
  });
  it('fit-to-window keeps maxRows rows including the O row', () => {
    const v = applyView(rep(), { search: '', topPct: 100, maxRows: 3 });
    expect(v.rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(v.overflow?.mem.ptotal).toBe(200);
    expect(applyView(rep(), { search: '', topPct: 100, maxRows: 4 }).overflow).toBeNull();
  });
});

describe('leader and format', () => {
  it('computes Oth and prints the leader, header and rows', () => {
    const rep = new Reporter(reportOptions()).report(sample([proc(1, 'a', 300000), proc(2, 'b', 2048)], { inaccessible: 3, totalUserProcs: 5 }));
    // Oth = Used − ΣPSS − Sh+Tmp = 400,000 − 302,048 − 10,000 (no process maps Shmem here)
    expect(rep.leader.oth).toBe(87952);
    const lines = leaderLines(rep.leader, false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d Tot=976\.6M Used=390\.6M Avail=585\.9M Oth=85\.9M Sh\+Tmp=9\.8M Dirty=100\.0K PIDs=2\/5 \[3 not accessible/);
    const f = { units: 'MB' as const, detail: false, showCpu: false, numbers: false, groupBy: 'exe' as const };
    expect(headerLine(f)).toBe('   pswap   other    data  ptotal     type   count key/info');
    expect(rowLine(rep.total, f)).toBe('       0       0     295     295        T      2x TOTALS');
    expect(rowLine(rep.rows[1], f)).toBe('       0       0       2       2        A       2 b');
    const d = { ...f, detail: true, units: 'KB' as const, showCpu: true };
    expect(headerLine(d).trim().split(/\s+/)).toEqual(['cpu%', 'pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal', 'type', 'count', 'key/info']);
  });
  it('Oth is never negative', () => {
    const rep = new Reporter(reportOptions()).report(sample([proc(1, 'a', 900000)]));
    expect(rep.leader.oth).toBe(0);
  });
});

describe('CpuTracker', () => {
  it('is 0 on first sight, then ncpu × 100 × Δticks / Δtotal over the window', () => {
    const c = new CpuTracker(20);
    expect(c.update('1:1', 0, 100, 10000, 4)).toBe(0);
    // 50 ticks of a process while the 4 CPUs did 1000 ticks: 4·100·50/1000 = 20 %
    expect(c.update('1:1', 5000, 150, 11000, 4)).toBeCloseTo(20);
    // a busy process using one whole CPU of four: 250 of 1000 ticks → 100 %
    expect(c.update('1:1', 10000, 400, 12000, 4)).toBeCloseTo((4 * 100 * 300) / 2000);
  });
  it('averages over the window only', () => {
    const c = new CpuTracker(5);
    c.update('p', 0, 0, 0, 1);
    c.update('p', 5000, 100, 100, 1); // 100 %
    expect(c.update('p', 10000, 100, 200, 1)).toBeCloseTo(0); // idle for the last 5 s
  });
  it('samples back to back (20 ms apart) keep a ring of at most CPU_WINDOW_POINTS + 2 points, and the same CPU% as a sparse ring', () => {
    const dense = new CpuTracker(20);
    const sparse = new CpuTracker(20);
    // A process using half a CPU (of 2): 1 tick of its own every 10 ms of wall, 2 ticks of the machine's.
    let last = 0;
    let lastSparse = 0;
    for (let t = 0; t <= 60_000; t += 20) {
      last = dense.update('p', t, t / 20, t / 5, 2);
      if (t % 1000 === 0) lastSparse = sparse.update('p', t, t / 20, t / 5, 2);
    }
    expect(last).toBeCloseTo(50);
    expect(lastSparse).toBeCloseTo(50);
    const ring = (c: CpuTracker) => (c as unknown as { hist: Map<string, { ring: number[]; len: number }> }).hist.get('p')!;
    expect(ring(dense).len).toBeLessThanOrEqual(CPU_WINDOW_POINTS + 2);
    expect(ring(dense).ring.length).toBeLessThanOrEqual(3 * 64);
    // A change in the last seconds shows the same in both: the base is within a 32nd of the window.
    for (let t = 60_020, k = 0; t <= 70_000; t += 20, k++) {
      last = dense.update('p', t, 3000 + (t - 60_000) / 10, t / 5, 2);
      if (t % 1000 === 0) lastSparse = sparse.update('p', t, 3000 + (t - 60_000) / 10, t / 5, 2);
    }
    expect(Math.abs(last - lastSparse)).toBeLessThan(100 / CPU_WINDOW_POINTS);
  });
  it('forgets processes not seen in a sample', () => {
    const c = new CpuTracker(20);
    c.beginSample();
    c.update('p', 0, 0, 0, 1);
    c.endSample();
    c.beginSample();
    c.endSample();
    c.beginSample();
    expect(c.update('p', 1000, 50, 100, 1)).toBe(0);
  });
});

describe('zramEffective', () => {
  const G = 1024 ** 3;
  it('uses 2.75 while zRAM is not helping yet', () => {
    const z = zramEffective(8 * G, 2 * G, { origDataSize: 0, comprDataSize: 0, memUsedTotal: 0, memLimit: 0, disksize: 8 * G });
    expect(z.ratio).toBe(2.75);
    expect(z.eUsed).toBe(2 * G);
    const proj = 2.75 * 0.75;
    const capped = Math.min((proj * 8 * G * 80) / 100, 8 * G);
    expect(z.eTot).toBeCloseTo(capped + 8 * G - capped / proj);
    expect(z.eAvail).toBeCloseTo(z.eTot - z.eUsed);
  });
  it('uses the real ratio, the degradation by fill and the memory limit', () => {
    const z = zramEffective(8 * G, 4 * G, { origDataSize: 3 * G, comprDataSize: G, memUsedTotal: G, memLimit: 2 * G, disksize: 4 * G });
    expect(z.ratio).toBe(3);
    expect(z.eUsed).toBe(6 * G);
    const proj = 3 * 0.95; // frac = 0.75
    const limitPct = 25; // 2 of 8 G
    const capped = Math.min((proj * 8 * G * limitPct) / 100, 4 * G);
    expect(z.eTot).toBeCloseTo(capped + 8 * G - capped / proj);
  });
});
