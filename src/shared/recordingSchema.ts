// The helper's `recording` request (docs/protocol.md#recording): a recorded moment of a
// flight recording (docs/recorder.md) on the helper's host, and the recording's timeline. Its
// schemas are checked by the helper on the request and by the host on the reply. Pure and
// browser-safe.
import type { TimelineEvent } from '../core/timeline';
import { arrayOf, count, describe, int, nullable, object, type Check } from './validate';

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
