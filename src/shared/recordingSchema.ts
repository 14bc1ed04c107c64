// The helper's `recording` request (docs/protocol.md#recording): a recorded moment of a
// flight recording (docs/recorder.md) on the helper's host, and the recording's timeline. Its
// schemas are checked by the helper on the request and by the host on the reply. Pure and
// browser-safe.
import type { TimelineEvent } from '../core/timeline';
import { MEM_KEYS, type MemKey } from '../core/types';
import { arrayOf, count, describe, int, nullable, num, object, type Check } from './validate';

/** A path the helper may be asked to read: absolute, at most PATH_MAX, no NUL, no `..`. */
export const MAX_RECORDING_PATH = 4096;
/** At most this many sample times in one reply (a day at 1 s; a recording thinned by retention holds fewer). */
export const MAX_TIMELINE = 100_000;
export const MAX_EVENTS = 10_000;

export interface RecordingQuery {
  /** The recording file (DIR/pmemstat.db). */
  path: string;
  /** The moment wanted (ms since the epoch): the sample at or before it; null = the last one. */
  at: number | null;
  /** Whether the reply carries the recording's sample times and events (the first request does; a step need not). */
  timeline: boolean;
}

export type RecordingResult<R> =
  | { ok: true; at: number; report: R; times?: number[]; events?: TimelineEvent[] }
  | { ok: false; message: string };

/** Why `path` may not be asked for, or null. The helper checks the file itself (recordingRead.ts). */
export function recordingPathProblem(v: unknown): string | null {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_RECORDING_PATH) return `must be a path of 1 to ${MAX_RECORDING_PATH} characters, not ${describe(v)}`;
  if (!v.startsWith('/')) return 'must be an absolute path';
  if (v.includes('\0')) return 'must not contain NUL';
  if (v.split('/').includes('..')) return 'must not contain ..';
  return null;
}

const checkPath: Check = (v, path) => {
  const p = recordingPathProblem(v);
  return p ? `${path} ${p}` : null;
};
const time = int(0, Number.MAX_SAFE_INTEGER);

export const recordingRequestShape = { path: checkPath, at: nullable(time), timeline: (v: unknown, path: string | undefined) => (typeof v === 'boolean' ? null : `${path} must be true or false, not ${describe(v)}`) };

const shortText = (max: number): Check => (v, path) => (typeof v === 'string' && v.length <= max ? null : `${path} must be a string of at most ${max} characters, not ${describe(v)}`);
const checkEvent: Check = object(
  { t: time, kind: shortText(64), pid: nullable(count), name: nullable(shortText(4096)), cgroup: nullable(shortText(4096)) } satisfies Record<keyof TimelineEvent, Check>,
  true,
);

/** The reply's result, its report checked by `report` (the wire report's one schema). */
export function recordingResultCheck(report: Check): Check {
  return (v, path) => {
    const ok = (v as { ok?: unknown } | null)?.ok;
    if (ok === true)
      return object({ ok: () => null, at: time, report, times: arrayOf(time, MAX_TIMELINE), events: arrayOf(checkEvent, MAX_EVENTS) }, true, ['times', 'events'])(v, path);
    if (ok === false) return object({ ok: () => null, message: shortText(4096) }, true)(v, path);
    return `${path}.ok must be true or false, not ${describe(ok)}`;
  };
}

// ---------------------------------------------------------------------------
// The `recordingSeries` request: one group's memory over a span of the recording, cut down by
// the helper to at most `points` samples that keep the peaks (src/core/recordingSeries.ts).

/** The most points a series reply carries (a chart is at most a few thousand pixels wide). */
export const MAX_SERIES_POINTS = 4000;
/** The longest group key asked for (cmd keys are cut at 4096 characters; the panel's limit). */
export const MAX_SERIES_KEY = 8192;

export interface RecordingSeriesQuery {
  path: string;
  /** The group's key under the helper's grouping (the row's key in the reports it sent). */
  key: string;
  /** The span (ms since the epoch, inclusive); null = from the first / to the last sample. */
  from: number | null;
  to: number | null;
  /** At most this many samples in the reply (2 … MAX_SERIES_POINTS). */
  points: number;
}

export interface RecordingSeries {
  key: string;
  /** The samples kept, ascending. */
  times: number[];
  /** Each category (KB), parallel to times. */
  mem: Record<MemKey, number[]>;
  /** The samples in the span before they were cut down. */
  samples: number;
}

export type RecordingSeriesResult = { ok: true; series: RecordingSeries } | { ok: false; message: string };

const checkKey: Check = (v, path) => (typeof v === 'string' && v.length > 0 && v.length <= MAX_SERIES_KEY ? null : `${path} must be a group key of 1 to ${MAX_SERIES_KEY} characters, not ${describe(v)}`);

export const recordingSeriesRequestShape = {
  path: checkPath,
  key: checkKey,
  from: nullable(time),
  to: nullable(time),
  points: int(2, MAX_SERIES_POINTS),
} satisfies Record<keyof RecordingSeriesQuery, Check>;

/** Why a well-formed query asks for nothing sensible (a span that ends before it starts), or null. */
export function seriesQueryProblem(q: Pick<RecordingSeriesQuery, 'from' | 'to'>): string | null {
  return q.from !== null && q.to !== null && q.from > q.to ? `from (${q.from}) is after to (${q.to})` : null;
}

const checkSeries: Check = (v, path) => {
  const figures = arrayOf(num, MAX_SERIES_POINTS);
  const shape = { key: checkKey, times: arrayOf(time, MAX_SERIES_POINTS), mem: object(Object.fromEntries(MEM_KEYS.map((k) => [k, figures])), true), samples: count } satisfies Record<keyof RecordingSeries, Check>;
  const e = object(shape, true)(v, path);
  if (e) return e;
  const s = v as RecordingSeries;
  for (let i = 1; i < s.times.length; i++) if (s.times[i] <= s.times[i - 1]) return `${path}.times must ascend (at ${i})`;
  for (const k of MEM_KEYS) if (s.mem[k].length !== s.times.length) return `${path}.mem.${k} has ${s.mem[k].length} figures for ${s.times.length} times`;
  return s.samples < s.times.length ? `${path}.samples is fewer than its times` : null;
};

/** The reply's result: a series, or why not. */
export const checkRecordingSeriesResult: Check = (v, path) => {
  const ok = (v as { ok?: unknown } | null)?.ok;
  if (ok === true) return object({ ok: () => null, series: checkSeries }, true)(v, path);
  if (ok === false) return object({ ok: () => null, message: shortText(4096) }, true)(v, path);
  return `${path}.ok must be true or false, not ${describe(ok)}`;
};
