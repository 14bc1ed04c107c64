// The helper's `recordingSeries` request: one group's memory over a span of a recording
// (docs/protocol.md#recordingseries), read as `recording` reads (read-only, a regular file only:
// recordingRead.ts). The group is found as the replayed reports group (the helper's grouping and
// filter); its members' figures come in one range read of the figures table, and the sum per
// sample and the cutting down are src/core/recordingSeries.ts.
import type { ProcCgroup } from '../core/cgroup';
import { downsampleSeries, groupSeries, type MemberFigures } from '../core/recordingSeries';
import { groupKeyOf } from '../core/report';
import { zeroMem, type Mem } from '../core/types';
import type { EngineOptions } from '../shared/engineOptions';
import type { RecordingSeriesQuery, RecordingSeriesResult } from '../shared/recordingSchema';
import type { ReadDb } from './readDb';
import { figureRow } from './reader';
import { withRecording } from './recordingRead';

interface ProcRow {
  id: number;
  pid: number;
  starttime: number;
  exe: string;
  cmd: string;
  place_json: string | null;
  start_t: number;
  end_t: number | null;
}

function parseCgroup(json: string | null): ProcCgroup | null {
  if (json === null) return null;
  try {
    return JSON.parse(json) as ProcCgroup;
  } catch {
    return null;
  }
}

const SAFE = (t: number | null, dflt: number) => (t === null ? dflt : t);

function seriesOnce(db: ReadDb, q: RecordingSeriesQuery, o: EngineOptions): RecordingSeriesResult {
  const from = SAFE(q.from, 0);
  const to = SAFE(q.to, Number.MAX_SAFE_INTEGER);
  const ticks = db.prepare('SELECT t FROM ticks WHERE t >= ? AND t <= ? ORDER BY t').pluck().all(from, to) as number[];
  if (ticks.length === 0) return { ok: true, series: { key: q.key, times: [], mem: groupSeries([], []).mem, samples: 0 } };
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
  const figs = new Map<number, { t: number; mem: Mem }[]>(members.map((m) => [m.id, []]));
  if (members.length > 0) {
    const rows = db
      .prepare('SELECT * FROM figs WHERE t >= ? AND t <= ? AND proc IN (SELECT value FROM json_each(?)) ORDER BY t')
      .all(full, last, JSON.stringify(members.map((m) => m.id))) as Parameters<typeof figureRow>[0][];
    for (const r of rows) figs.get(r.proc)?.push({ t: Number(r.t), mem: figureRow(r).mem });
  }
  const list: MemberFigures[] = members.map((m) => ({ start: Number(m.start_t), end: m.end_t === null ? null : Number(m.end_t), figs: figs.get(m.id) ?? [] }));
  const whole = groupSeries(ticks, list);
  const cut = downsampleSeries(whole, q.points);
  return { ok: true, series: { key: q.key, times: cut.times, mem: cut.mem, samples: ticks.length } };
}

/** One group's figures over the span `q` asks for; `open` opens the file read-only. Never throws. */
export function readRecordingSeries(q: RecordingSeriesQuery, o: EngineOptions, open: (file: string) => Promise<ReadDb>): Promise<RecordingSeriesResult> {
  return withRecording(q.path, open, (db) => seriesOnce(db, q, o));
}
