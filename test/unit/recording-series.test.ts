// A group's memory over a recording (src/core/recordingSeries.ts, src/recorder/seriesRead.ts): the
// sum per sample of the members alive then, with their newest figures; cut down keeping the peaks;
// and, on a real recording read as the helper reads it, the same figures the replayed reports'
// rows give at each sample.
import { beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../support';
import { downsampleIndexes, downsampleSeries, sweepSeries } from '../../src/core/recordingSeries';

/** One process of a group: its figures as written (ascending), and its end (null: alive). */
interface MemberFigures {
  end: number | null;
  figs: { t: number; mem: Mem }[];
}
/** The rows and ends a recording holds for these processes, swept. */
function groupSeries(ticks: number[], members: MemberFigures[]) {
  const rows = members.flatMap((m, proc) => m.figs.map((f) => ({ proc, t: f.t, ...f.mem }))).sort((a, b) => a.t - b.t);
  const ends = new Map(members.flatMap((m, proc): [number, number][] => (m.end === null ? [] : [[proc, m.end]])));
  return sweepSeries(ticks, rows, ends);
}
import { zeroMem, type Mem } from '../../src/core/types';
import { RecordingReader } from '../../src/recorder/reader';
import { replayReports } from '../../src/recorder/replayCommand';
import { readRecordingSeries } from '../../src/recorder/seriesRead';
import { readRecording } from '../../src/recorder/recordingRead';
import { openWasmDb } from '../../src/recorder/wasmDb';
import { defaultEngineOptions } from '../../src/shared/engineOptions';
import { makeRecording } from './recordingFixture';

const m = (ptotal: number, data = ptotal): Mem => ({ ...zeroMem(), ptotal, data });

describe('a group\u2019s figures per sample', () => {
  it('counts each member from its first sample to its last, with the figures written last at or before each sample', () => {
    const ticks = [10, 20, 30, 40, 50];
    const members: MemberFigures[] = [
      // Written at 10 and 40 only: 20 and 30 keep 10's figures.
      { end: null, figs: [{ t: 10, mem: m(100) }, { t: 40, mem: m(300) }] },
      // Started at 20, gone from 40 on.
      { end: 40, figs: [{ t: 20, mem: m(7) }, { t: 30, mem: m(9) }] },
    ];
    const s = groupSeries(ticks, members);
    expect(s.times).toEqual(ticks);
    expect(s.mem.ptotal).toEqual([100, 107, 109, 300, 300]);
    expect(s.mem.data).toEqual(s.mem.ptotal);
    expect(s.mem.pswap).toEqual([0, 0, 0, 0, 0]);
    expect(groupSeries(ticks, []).mem.ptotal).toEqual([0, 0, 0, 0, 0]);
    expect(groupSeries([], members).times).toEqual([]);
    // Rows between samples (a thinned recording) count from the next sample on; a figure that is not a number counts 0.
    expect(sweepSeries([10, 30], [{ proc: 1, t: 5, ptotal: 3, data: 'x', text: 0, shOth: 0, shSYSV: 0, stack: 0, pswap: 0 }, { proc: 1, t: 20, ptotal: 4, data: 1, text: 0, shOth: 0, shSYSV: 0, stack: 0, pswap: 0 }], new Map()).mem).toMatchObject({ ptotal: [3, 4], data: [0, 1] });
    // A member's figures written at or after its end are not its (a pid reused is another process).
    expect(groupSeries([10, 20], [{ end: 20, figs: [{ t: 10, mem: m(5) }, { t: 20, mem: m(50) }] }]).mem.ptotal).toEqual([5, 0]);
  });
});

describe('cutting a series down', () => {
  it('keeps everything when it is short enough', () => {
    expect(downsampleIndexes([5, 1, 9], 3)).toEqual([0, 1, 2]);
  });

  it('keeps the first and the last point and each bucket\u2019s lowest and highest, in time order, at most maxPoints', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 10_000 : i === 700 ? -5 : i % 7));
    const keep = downsampleIndexes(values, 50);
    expect(keep.length).toBeLessThanOrEqual(50);
    expect(keep[0]).toBe(0);
    expect(keep.at(-1)).toBe(999);
    expect(keep).toContain(500); // the spike an OOM kill followed survives
    expect(keep).toContain(700);
    for (let i = 1; i < keep.length; i++) expect(keep[i]).toBeGreaterThan(keep[i - 1]);
  });

  it('cuts every category at the samples its ptotal chose', () => {
    const ticks = Array.from({ length: 100 }, (_, i) => i * 1000);
    const members: MemberFigures[] = [{ end: null, figs: ticks.map((t, i) => ({ t, mem: m(i === 42 ? 999 : i, i * 2) })) }];
    const s = downsampleSeries(groupSeries(ticks, members), 10);
    expect(s.times.length).toBeLessThanOrEqual(10);
    expect(s.times).toContain(42_000);
    s.times.forEach((t, k) => expect(s.mem.data[k]).toBe((t / 1000) * 2));
  });
});

describe('a group\u2019s series read from a real recording', () => {
  const dir = tmpDir('recseries');
  let file = '';
  let times: number[] = [];
  beforeAll(async () => {
    ({ file, times } = await makeRecording(dir));
  });

  it('gives, at every sample, the figures of the replayed report\u2019s row for that group', async () => {
    const o = defaultEngineOptions();
    const db = await openWasmDb(file);
    const reports = [...replayReports(new RecordingReader(db), times, o)];
    db.close();
    const keys = new Set(reports.flatMap((r) => r.rows.map((row) => row.key)));
    expect(keys.size).toBeGreaterThan(3);
    for (const key of keys) {
      const r = await readRecordingSeries({ path: file, key, from: null, to: null, points: 100 }, o, openWasmDb);
      if (!r.ok) throw new Error(r.message);
      expect(r.series.times).toEqual(times);
      expect(r.series.samples).toBe(times.length);
      reports.forEach((rep, i) => {
        const row = rep.rows.find((x) => x.key === key && x.type !== 'x');
        expect(r.series.mem.ptotal[i], `${key} at ${i}`).toBe(row?.mem.ptotal ?? 0);
        expect(r.series.mem.data[i]).toBe(row?.mem.data ?? 0);
        expect(r.series.mem.pswap[i]).toBe(row?.mem.pswap ?? 0);
      });
    }
  });

  it('answers a moment and a series asked at once (the panel does: one reader at a time holds the file)', async () => {
    const o = defaultEngineOptions();
    const asks = [
      readRecording({ path: file, at: times[0], timeline: false }, o, openWasmDb),
      readRecordingSeries({ path: file, key: 'x', from: null, to: null, points: 10 }, o, openWasmDb),
      readRecording({ path: file, at: null, timeline: true }, o, openWasmDb),
      readRecordingSeries({ path: file, key: 'y', from: times[1], to: null, points: 10 }, o, openWasmDb),
    ];
    const got = await Promise.all(asks);
    expect(got.map((r) => (r.ok ? 'ok' : r.message))).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('reads a span only, and says why for a file that is not a recording', async () => {
    const o = defaultEngineOptions();
    const key = (await readRecordingSeries({ path: file, key: 'none such', from: null, to: null, points: 10 }, o, openWasmDb)) as { ok: true; series: { mem: { ptotal: number[] } } };
    expect(key.series.mem.ptotal).toEqual([0, 0, 0]);
    const db = await openWasmDb(file);
    const [rep] = [...replayReports(new RecordingReader(db), [times[1]], o)];
    db.close();
    const top = rep.rows[0].key;
    const span = await readRecordingSeries({ path: file, key: top, from: times[1], to: times[2], points: 10 }, o, openWasmDb);
    expect(span.ok && span.series.times).toEqual([times[1], times[2]]);
    const bad = await readRecordingSeries({ path: dir, key: top, from: null, to: null, points: 10 }, o, openWasmDb);
    expect(bad).toMatchObject({ ok: false });
    expect(!bad.ok && bad.message).toContain('not a regular file');
  });
});
