import { describe, expect, it } from 'vitest';
import { MEM_KEYS, zeroMem, type GroupRow, type MemKey, type RowType } from '../../src/core/types';
import { parseHostMessage, parseWebviewMessage, SPARK_POINTS, type GroupHistory } from '../../src/shared/webviewProtocol';
import {
  chartGeometry,
  chartSpec,
  chartSummary,
  hoverLines,
  nearestIndex,
  niceCeil,
  sparkGeometry,
  valueScale,
  SPARK_MIN_SPAN_KB,
  type ChartBox,
} from '../../webview/chartModel';
import { drawChart, type Palette } from '../../webview/canvas';
import { GroupSeries, SparkStore, stampRelation } from '../../webview/history';
import { leakCountText, leakText } from '../../webview/columns';
import { reportOptions } from '../../src/shared/engineOptions';

function row(key: string, ptotal: number, type: RowType = ''): GroupRow {
  return { key, info: key, type, delta: 0, mem: { ...zeroMem(), data: ptotal - 100, text: 60, shOth: 40, ptotal }, cpu: 0, count: 1, pid: 1, members: [] };
}

function history(key: string, ptotals: number[], types: RowType[] = ptotals.map(() => ''), t0 = Date.UTC(2026, 0, 1, 12)): GroupHistory {
  const mem = {} as Record<MemKey, number[]>;
  for (const k of MEM_KEYS) mem[k] = ptotals.map(() => 0);
  mem.ptotal = [...ptotals];
  mem.data = ptotals.map((p) => p - 100);
  mem.text = ptotals.map(() => 60);
  mem.shOth = ptotals.map(() => 40);
  return { key, times: ptotals.map((_, i) => t0 + 5000 * i), mem, types };
}

describe('history stamps', () => {
  it('next, restart, stale and gap', () => {
    expect(stampRelation({ start: 0, seq: 4 }, { start: 0, seq: 5 })).toBe('next');
    expect(stampRelation({ start: 0, seq: 4 }, { start: 0, seq: 4 })).toBe('stale');
    expect(stampRelation({ start: 0, seq: 4 }, { start: 0, seq: 3 })).toBe('stale');
    expect(stampRelation({ start: 0, seq: 4 }, { start: 0, seq: 7 })).toBe('gap');
    expect(stampRelation(null, { start: 0, seq: 7 })).toBe('gap');
    expect(stampRelation({ start: 0, seq: 4 }, { start: 5, seq: 5 })).toBe('restart'); // regrouped at 5
    expect(stampRelation(null, { start: 5, seq: 5 })).toBe('restart');
    expect(stampRelation({ start: 5, seq: 6 }, { start: 5, seq: 5 })).toBe('stale');
    expect(stampRelation({ start: 0, seq: 4 }, { start: 5, seq: 6 })).toBe('gap'); // missed the restart
  });
});

describe('SparkStore', () => {
  it('loads the host series, then adds each next report; a gap asks for the series again', () => {
    const s = new SparkStore(4);
    s.load({ start: 0, seq: 5 }, [
      { key: 'a', values: [1, 2, 3, 4, 5, 6] },
      { key: 'b', values: [7] },
    ]);
    expect(s.values('a')).toEqual([3, 4, 5, 6]);
    expect(s.append({ start: 0, seq: 6 }, [row('a', 7), row('b', 8), row('c', 9, 'A'), row('d', 1, 'x')])).toBe('next');
    expect(s.values('a')).toEqual([4, 5, 6, 7]);
    expect(s.values('b')).toEqual([7, 8]);
    expect(s.values('c')).toEqual([9]);
    expect(s.has('d')).toBe(false);
    expect(s.append({ start: 0, seq: 6 }, [row('a', 99)])).toBe('stale');
    expect(s.values('a')).toEqual([4, 5, 6, 7]);
    expect(s.append({ start: 0, seq: 8 }, [row('a', 99)])).toBe('gap');
    expect(s.values('a')).toEqual([4, 5, 6, 7]);
    // Groups not in a report are dropped (as the host's History does).
    expect(s.append({ start: 0, seq: 7 }, [row('a', 8)])).toBe('next');
    expect(s.has('b')).toBe(false);
    // Regrouped: starts over.
    expect(s.append({ start: 8, seq: 8 }, [row('100', 5)])).toBe('restart');
    expect([s.size, s.values('100')]).toEqual([1, [5]]);
    expect(s.append(null, [row('100', 6)])).toBe('none');
  });

  it('a version change means a different picture; a flat full window seen again is not redrawn', () => {
    const s = new SparkStore(3);
    s.load({ start: 0, seq: 0 }, [{ key: 'flat', values: [5, 5, 5] }, { key: 'up', values: [1, 2, 3] }]);
    const v = { flat: s.version('flat'), up: s.version('up') };
    s.append({ start: 0, seq: 1 }, [row('flat', 5), row('up', 3)]);
    expect(s.version('flat')).toBe(v.flat);
    expect(s.version('up')).not.toBe(v.up); // [2, 3, 3] differs from [1, 2, 3]
    s.append({ start: 0, seq: 2 }, [row('flat', 6), row('up', 3)]);
    expect(s.version('flat')).not.toBe(v.flat);
    expect(s.version('nope')).toBe(0);
  });
});

describe('GroupSeries', () => {
  it('follows the selected group: load, next reports, capacity, restart', () => {
    const g = new GroupSeries('a');
    expect(g.append({ start: 0, seq: 3 }, 0, [row('a', 1)])).toBe('none');
    g.load({ start: 0, seq: 3 }, 3, history('a', [10, 20, 30], ['A', '', '+10K']));
    expect(g.append({ start: 0, seq: 4 }, 999, [row('a', 40, '+10K'), row('b', 1)])).toBe('next');
    expect(g.data?.mem.ptotal).toEqual([20, 30, 40]);
    expect(g.data?.types).toEqual(['', '+10K', '+10K']);
    expect(g.data?.times.at(-1)).toBe(999);
    expect(g.data?.mem.text).toEqual([60, 60, 60]);
    expect(g.append({ start: 0, seq: 6 }, 1, [row('a', 50)])).toBe('gap');
    expect(g.append({ start: 0, seq: 5 }, 1000, [row('a', 50, 'x')])).toBe('next');
    expect(g.data?.mem.ptotal).toEqual([20, 30, 40]); // vanished: its chart keeps what it had
    expect(g.append({ start: 0, seq: 6 }, 1500, [row('b', 1)])).toBe('next');
    expect(g.data?.times.at(-1)).toBe(999);
    expect(g.append({ start: 7, seq: 7 }, 2000, [row('a', 60, 'A')])).toBe('restart');
    expect(g.data?.mem.ptotal).toEqual([60]);
    expect(g.data?.types).toEqual(['A']);
  });
});

describe('sparkline geometry', () => {
  it('right-aligned points, on the window own scale (with a floor for steady processes)', () => {
    const g = sparkGeometry([1000, 2000, 3000], 3, 60, 14, 2);
    expect(g.xy).toEqual([2, 12, 30, 7, 58, 2]);
    expect(g.trend).toBe('up');
    const young = sparkGeometry([1000, 2000], 5, 60, 14, 2);
    expect(young.xy.filter((_, i) => i % 2 === 0)).toEqual([44, 58]);
    // Very young in a long window: 3 px apart, not 1.
    expect(sparkGeometry([1, 2, 3], 60, 60, 14, 1.5).xy.filter((_, i) => i % 2 === 0)).toEqual([52.5, 55.5, 58.5]);
    expect(sparkGeometry(Array(60).fill(1), 60, 60, 14, 1.5).xy[0]).toBeCloseTo(1.5);
    // A steady process (a few KB of jitter) draws flat in the middle, not as a saw.
    const steady = sparkGeometry([5000, 5004, 5000, 5004], 4, 60, 14, 2);
    const ys = steady.xy.filter((_, i) => i % 2 === 1);
    expect(Math.max(...ys) - Math.min(...ys)).toBeLessThan((10 * 4) / SPARK_MIN_SPAN_KB + 0.01);
    expect(steady.trend).toBe('flat');
    expect(sparkGeometry([9000, 3000], 2, 60, 14).trend).toBe('down');
    expect(sparkGeometry([], 60, 60, 14)).toEqual({ xy: [], trend: 'flat' });
    expect(sparkGeometry(Array.from({ length: 100 }, (_, i) => i * 1000), SPARK_POINTS, 60, 14).xy).toHaveLength(2 * SPARK_POINTS);
  });
});

describe('chart model', () => {
  const box: ChartBox = { width: 464, height: 150, left: 64, right: 0, top: 10, bottom: 20 };

  it('fast mode stacks data and other; detail mode the categories with memory; ptotal and pswap are lines', () => {
    const h = history('g', [1000, 2000]);
    const fast = chartSpec(h, false);
    expect(fast.layers.map((l) => [l.name, l.values])).toEqual([
      ['data', [900, 1900]],
      ['other', [100, 100]],
    ]);
    expect(fast.lines.map((l) => l.name)).toEqual(['ptotal']);
    const detail = chartSpec({ ...h, mem: { ...h.mem, pswap: [0, 5] } }, true);
    expect(detail.layers.map((l) => l.name)).toEqual(['data', 'text', 'shOth']);
    expect(detail.lines.map((l) => l.name)).toEqual(['ptotal', 'pswap']);
  });

  it('scales: nice top, value ticks in units, x by time, stacked bands, markers at reported deltas', () => {
    expect([niceCeil(0), niceCeil(7), niceCeil(10), niceCeil(11), niceCeil(2100), niceCeil(3000), niceCeil(60_000)]).toEqual([1, 10, 10, 20, 2500, 5000, 100_000]);
    const spec = chartSpec(history('g', [1000, 2000, 4000, 3000], ['A', '', '+2000K', '-1000K']), false);
    const geo = chartGeometry(spec, box, 'KB');
    expect(geo.yMax).toBe(5000);
    expect(geo.xs).toEqual([64, 197.33333333333331, 330.66666666666663, 464]);
    expect(geo.valueTicks.map((t) => [t.at, t.label])).toEqual([
      [130, '0'],
      [106, '1,000'],
      [82, '2,000'],
      [58, '3,000'],
      [34, '4,000'],
      [10, '5,000'],
    ]);
    expect(geo.timeTicks.map((t) => t.label)).toEqual(['12:00:00', '12:00:05', '12:00:10', '12:00:15'].map((s) => localHms(s)));
    expect(geo.bands[0].lower).toEqual([130, 130, 130, 130]);
    expect(geo.bands[0].upper[2]).toBeCloseTo(130 - (3900 / 5000) * 120);
    expect(geo.bands[1].upper).toEqual(geo.lines[0].ys); // data + other = ptotal without pswap
    expect(geo.marks).toEqual([
      { index: 2, x: geo.xs[2], y: 130 - (4000 / 5000) * 120, kind: 'grow', label: '+2000K' },
      { index: 3, x: 464, y: 130 - (3000 / 5000) * 120, kind: 'shrink', label: '-1000K' },
    ]);
    const one = chartGeometry(chartSpec(history('g', [1000]), false), box, 'MB');
    expect(one.xs).toEqual([264]);
    expect(one.timeTicks).toHaveLength(1);
  });

  it('draws the time labels whole: one on the right edge is moved in, the others stay centred', () => {
    const spec = chartSpec(history('g', [1000, 2000, 4000, 3000]), false);
    const geo = chartGeometry(spec, box, 'KB');
    const texts: { text: string; x: number; align: string }[] = [];
    let align = '';
    // A recording stand-in for the canvas (6 px a character), the rendering boundary.
    const ctx = new Proxy({} as Record<string | symbol, unknown>, {
      get: (_t, k) =>
        k === 'measureText'
          ? (s: string) => ({ width: 6 * s.length })
          : k === 'fillText'
            ? (text: string, x: number) => texts.push({ text, x, align })
            : () => undefined,
      set: (_t, k, v) => {
        if (k === 'textAlign') align = String(v);
        return true;
      },
    }) as unknown as CanvasRenderingContext2D;
    const palette: Palette = { foreground: '#000', muted: '#888', grid: '#ccc', grow: '#f00', shrink: '#0f0', leak: '#f80', spark: '#00f', series: {}, font: '10px sans-serif' };
    drawChart(ctx, geo, box, palette, -1);
    const time = texts.filter((t) => t.align === 'center' && geo.timeTicks.some((k) => k.label === t.text));
    expect(time.map((t) => t.text)).toEqual(geo.timeTicks.map((k) => k.label));
    for (const t of time) {
      const half = 3 * t.text.length;
      expect(t.x - half, t.text).toBeGreaterThanOrEqual(0);
      expect(t.x + half, t.text).toBeLessThanOrEqual(box.width);
    }
    const last = geo.timeTicks[geo.timeTicks.length - 1];
    expect(last.at).toBe(box.width); // the tick is on the edge …
    expect(time[time.length - 1].x).toBeLessThan(last.at); // … its label is not
    expect(time[1].x).toBe(geo.timeTicks[1].at);
  });

  it('value axis: round ticks in the display units', () => {
    expect(valueScale(100_000, 'MB')).toEqual({ kbPer: 1024, suffix: '', step: 25, max: 125 });
    expect(valueScale(4000, 'KB')).toEqual({ kbPer: 1, suffix: '', step: 1000, max: 5000 });
    expect(valueScale(3 * 1024 * 1024, 'human')).toEqual({ kbPer: 1024 * 1024, suffix: 'G', step: 1, max: 4 });
    expect(valueScale(300, 'MB')).toMatchObject({ step: 0.1, max: 0.4 });
    expect(valueScale(0, 'MB').max).toBeGreaterThan(0);
    const geo = chartGeometry(chartSpec(history('g', [60_000, 100_000]), false), box, 'MB');
    expect(geo.valueTicks.map((t) => t.label)).toEqual(['0', '25', '50', '75', '100', '125']);
    const g2 = chartGeometry(chartSpec(history('g', [2_000_000, 3_000_000]), false), box, 'human');
    expect(g2.valueTicks.map((t) => t.label)).toEqual(['0G', '1G', '2G', '3G', '4G']);
  });

  it('hover: the nearest sample, its time, values, change and the reported delta', () => {
    const spec = chartSpec(history('g', [1000, 2000, 4000], ['A', '', '+2000K']), false);
    const geo = chartGeometry(spec, box, 'KB');
    expect(nearestIndex(geo.xs, 0)).toBe(0);
    expect(nearestIndex(geo.xs, 300)).toBe(1);
    expect(nearestIndex(geo.xs, 1e6)).toBe(2);
    expect(nearestIndex([], 5)).toBe(-1);
    expect(hoverLines(spec, 2, 'KB')).toEqual([localHms('12:00:10'), 'ptotal 4,000 KB (+2,000)', 'other 100', 'data 3,900', 'reported +2000K']);
    expect(hoverLines(spec, 0, 'KB').at(-1)).toBe('reported A (new)');
    expect(hoverLines(spec, 5, 'KB')).toEqual([]);
    expect(chartSummary('memtest', spec, 'KB')).toBe('memtest: ptotal 4,000 KB now, +3,000 over 3 samples (10 s); reported 1 growth and 0 shrinks');
  });
});

describe('leak texts', () => {
  it('badge title, row label and the leader count', () => {
    expect(leakText({ key: 'm', growthKb: 40_960, seconds: 38.4, rises: 19, falls: 1, steps: 20, procs: 1 }, 'MB')).toBe(
      'suspected leak: 1 process grew by 40 MB in 38s (up in 19 of 20 steps, down in 1)',
    );
    expect(leakText({ key: 'm', growthKb: 2048, seconds: 10, rises: 3, falls: 0, steps: 5, procs: 2 }, 'KB')).toBe(
      'suspected leak: 2 processes present throughout grew by 2,048 KB in 10s (up in 3 of 5 steps, down in 0)',
    );
    expect([leakCountText(0), leakCountText(1), leakCountText(3)]).toEqual(['', ' 1 leak suspect', ' 3 leak suspects']);
  });
});

describe('protocol: the history messages', () => {
  const stamp = { start: 2, seq: 9 };
  it('validates sparks, group history, report stamps and leaks on the webview side', () => {
    const series = [{ key: 'a', values: [1, 2] }];
    expect(parseHostMessage({ type: 'sparks', history: stamp, series })).toEqual({ type: 'sparks', history: stamp, series });
    expect(parseHostMessage({ type: 'sparks', history: { start: 9, seq: 2 }, series })).toBeNull();
    expect(parseHostMessage({ type: 'sparks', history: stamp, series: [{ key: 'a', values: [1, 'x'] }] })).toBeNull();
    expect(parseHostMessage({ type: 'sparks', history: stamp, series: [{ key: 'a', values: Array(SPARK_POINTS + 1).fill(1) }] })).toBeNull();
    expect(parseHostMessage({ type: 'sparks', history: stamp, series: [{ key: '', values: [] }] })).toBeNull();
    const group = history('a', [1, 2], ['A', '+1K']);
    expect(parseHostMessage({ type: 'groupHistory', key: 'a', history: stamp, capacity: 720, group })).toEqual({ type: 'groupHistory', key: 'a', history: stamp, capacity: 720, group });
    expect(parseHostMessage({ type: 'groupHistory', key: 'a', history: stamp, capacity: 720, group: null })).toMatchObject({ group: null });
    expect(parseHostMessage({ type: 'groupHistory', key: 'b', history: stamp, capacity: 720, group })).toBeNull(); // not the key asked
    expect(parseHostMessage({ type: 'groupHistory', key: 'a', history: stamp, capacity: 720, group: { ...group, types: ['A', 'bogus'] } })).toBeNull();
    expect(parseHostMessage({ type: 'groupHistory', key: 'a', history: stamp, capacity: 720, group: { ...group, times: [1] } })).toBeNull();
    expect(parseHostMessage({ type: 'groupHistory', key: 'a', history: stamp, capacity: 1e9, group })).toBeNull();
    const leak = { key: 'a', growthKb: 5000, seconds: 40, rises: 19, falls: 1, steps: 20, procs: 1 };
    expect(parseHostMessage({ type: 'report', report: reportOf(), history: stamp, leaks: [leak] })).toMatchObject({ history: stamp, leaks: [leak] });
    expect(parseHostMessage({ type: 'report', report: reportOf(), history: stamp, leaks: [{ ...leak, rises: -1 }] })).toBeNull();
    expect(parseHostMessage({ type: 'report', report: reportOf(), history: 'soon', leaks: [] })).toMatchObject({ history: null });
  });
  it('validates the requests on the host side', () => {
    expect(parseWebviewMessage({ type: 'getSparks' })).toEqual({ type: 'getSparks' });
    expect(parseWebviewMessage({ type: 'compareSnapshot', extra: 1 })).toEqual({ type: 'compareSnapshot' });
    expect(parseWebviewMessage({ type: 'getGroupHistory', key: 'memtest' })).toEqual({ type: 'getGroupHistory', key: 'memtest' });
    expect(parseWebviewMessage({ type: 'exportGroupHistory', key: 'memtest' })).toEqual({ type: 'exportGroupHistory', key: 'memtest' });
    expect(parseWebviewMessage({ type: 'exportGroupHistory' })).toBeNull();
    expect(parseWebviewMessage({ type: 'getGroupHistory', key: 7 })).toBeNull();
    expect(parseWebviewMessage({ type: 'getGroupHistory', key: 'x'.repeat(9000) })).toBeNull();
  });
});

function reportOf() {
  const r = row('a', 1000);
  return {
    options: reportOptions(),
    detail: false,
    total: { ...r, key: 'TOTALS', info: 'TOTALS', type: 'T' as const },
    rows: [r],
    leader: {
      time: 0, memTotal: 1, used: 1, avail: 1, oth: null, shTmp: 0, dirty: 0, pidsShown: 1, pidsTotal: 1, inaccessible: 0, search: '',
      kernelCpu: 0, topKernelThreads: [], zram: null, majfaultsPerSec: 0,
    },
  };
}

/** A UTC 12:00:ss time of the fixtures, as the local clock shows it. */
function localHms(utc: string): string {
  const [h, m, s] = utc.split(':').map(Number);
  const d = new Date(Date.UTC(2026, 0, 1, h, m, s));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
