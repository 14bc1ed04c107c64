// The helper's `recordingSeries` request: one group's memory over a span of a recording
// (docs/protocol.md#recordingseries), read as `recording` reads (read-only, a regular file only:
// recordingRead.ts). The group is found as the replayed reports group (the helper's grouping and
// filter); its members' figures are read in one pass over the span of the figures table, one row
// at a time, and summed per sample and cut down by src/core/recordingSeries.ts.
import { downsampleSeries, sweepSeries, type FigureRow } from '../core/recordingSeries';
import { groupKeyOf } from '../core/report';
import { zeroMem } from '../core/types';
import type { EngineOptions } from '../shared/engineOptions';
import type { RecordingSeriesQuery, RecordingSeriesResult } from '../shared/recordingSchema';
import type { ReadDb } from './readDb';
import { parseCgroup, type ProcRow } from './reader';
import { withRecording } from './recordingRead';

const SAFE = (t: number | null, dflt: number) => (t === null ? dflt : t);

/**
 * The members' figure rows from `full` to `last`, ascending by time, one at a time, the columns
 * named as the categories (the figures' key starts with the time: the range is read in its
 * order; the members are an IN list, which a join would turn into a scan per member).
 */
const ROWS_SQL =
  'SELECT proc, t, pss AS ptotal, data, text, shoth AS shOth, shsysv AS shSYSV, stack, pswap FROM figs WHERE proc IN (SELECT value FROM json_each(?)) AND t >= ? AND t <= ? ORDER BY t';

function seriesOnce(db: ReadDb, q: RecordingSeriesQuery, o: EngineOptions): RecordingSeriesResult {
  const from = SAFE(q.from, 0);
  const to = SAFE(q.to, Number.MAX_SAFE_INTEGER);
  const ticks = db.prepare('SELECT t FROM ticks WHERE t >= ? AND t <= ? ORDER BY t').pluck().all(from, to) as number[];
  if (ticks.length === 0) return { ok: true, series: { key: q.key, times: [], mem: sweepSeries([], [], new Map()).mem, samples: 0 } };
  const first = ticks[0];
  const last = ticks[ticks.length - 1];
  // Figures are written when they change, and for every process at a whole frame: those from the
  // whole frame at or before the span's first sample on give each member's figures throughout.
  const full = (db.prepare('SELECT max(t) FROM ticks WHERE full = 1 AND t <= ?').pluck().get(first) as number | null) ?? 0;
  const procs = db
    .prepare('SELECT procs.id, pid, starttime, exe, cmd, start_t, end_t, places.cgroup AS place_json FROM procs LEFT JOIN places ON places.id = procs.place WHERE start_t <= ? AND (end_t IS NULL OR end_t > ?)')
    .all(last, first) as ProcRow[];
  const f = o.filter;
  const members = procs.filter((p) => {
    if (f.length > 0 && !f.includes(String(p.pid)) && !f.includes(String(p.exe))) return false;
    const sample = { pid: Number(p.pid), starttime: Number(p.starttime), exe: String(p.exe), cmd: String(p.cmd), mem: zeroMem(), ticks: 0, cpu: 0, cgroup: parseCgroup(p.place_json) ?? undefined };
    return groupKeyOf(sample, o.groupBy, o.cmdlen).key === q.key;
  });
  const ends = new Map<number, number>();
  for (const m of members) if (m.end_t !== null) ends.set(m.id, Number(m.end_t));
  const rows = members.length === 0 ? [] : (db.prepare(ROWS_SQL).iterate(JSON.stringify(members.map((m) => m.id)), full, last) as Iterable<FigureRow>);
  const cut = downsampleSeries(sweepSeries(ticks, rows, ends), q.points);
  return { ok: true, series: { key: q.key, times: cut.times, mem: cut.mem, samples: ticks.length } };
}

/** One group's figures over the span `q` asks for; `open` opens the file read-only. Never throws. */
export function readRecordingSeries(q: RecordingSeriesQuery, o: EngineOptions, open: (file: string) => Promise<ReadDb>): Promise<RecordingSeriesResult> {
  return withRecording(q.path, open, (db) => seriesOnce(db, q, o));
}
