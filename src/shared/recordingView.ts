// The messages between the host and the recording panel's webview (pmemstat: Open Recording),
// each validated where it arrives: the webview checks the host's, the host the webview's.
// Pure and browser-safe.
import type { TimelineEvent } from '../core/timeline';
import type { GroupBy, Report } from '../core/types';
import { validSetting } from './options';
import { checkReport } from './reportSchema';
import { arrayOf, count, describe, isObject, nullable, object, passes, type Check } from './validate';
import { checkRecordingSeriesResult, MAX_EVENTS, MAX_TIMELINE, recordingPathProblem, recordingSeriesRequestShape, seriesQueryProblem, type RecordingSeries } from './recordingSchema';

/** host → webview */
export type RecordingHostMessage =
  /**
   * The recording opened: its timeline, and the moment shown first. `focus`: a process to select
   * in it (an OOM kill's victim, when the notification's action opened the moment of the kill).
   */
  | { type: 'timeline'; title: string; times: number[]; events: TimelineEvent[]; at: number; report: Report; focus?: number }
  /** Another moment. */
  | { type: 'moment'; at: number; report: Report; focus?: number }
  /** A group's memory over a span (answering getSeries). */
  | { type: 'series'; series: RecordingSeries; from: number | null; to: number | null }
  /** Why the moment asked for could not be read. */
  | { type: 'problem'; message: string };

/** webview → host */
export type RecordingViewMessage =
  | { type: 'ready' }
  | { type: 'seek'; at: number }
  /** A group's memory over [from, to] (null: the recording's either end), at most `points` samples. */
  | { type: 'getSeries'; key: string; from: number | null; to: number | null; points: number }
  /** Group the moments (and a group's series) by this, as the live panel's Group option does. */
  | { type: 'options'; groupBy: GroupBy };

const time: Check = count;
const text = (max: number): Check => (v, path) => (typeof v === 'string' && v.length <= max ? null : `${path} must be a string of at most ${max} characters, not ${describe(v)}`);
/** A series as the helper's reply carries it (checked the same way on both hops). */
const seriesCheck: Check = (v, path) => checkRecordingSeriesResult({ ok: true, series: v }, path);
const checkEvent: Check = object({ t: time, kind: text(64), pid: nullable(count), name: nullable(text(4096)), cgroup: nullable(text(4096)) }, true);

/** A message from the host, or null (the webview ignores what it cannot read). */
export function parseRecordingHostMessage(x: unknown): RecordingHostMessage | null {
  if (!isObject(x)) return null;
  switch (x.type) {
    case 'timeline':
      return passes(
        object({ type: () => null, title: text(4096), times: arrayOf(time, MAX_TIMELINE), events: arrayOf(checkEvent, MAX_EVENTS), at: time, report: checkReport, focus: count }, true, ['focus']),
        x,
      )
        ? (x as unknown as RecordingHostMessage)
        : null;
    case 'moment':
      return passes(object({ type: () => null, at: time, report: checkReport, focus: count }, true, ['focus']), x) ? (x as unknown as RecordingHostMessage) : null;
    case 'series':
      return passes(object({ type: () => null, series: seriesCheck, from: nullable(time), to: nullable(time) }, true), x) ? (x as unknown as RecordingHostMessage) : null;
    case 'problem':
      return passes(object({ type: () => null, message: text(4096) }, true), x) ? (x as unknown as RecordingHostMessage) : null;
    default:
      return null;
  }
}

/** A message from the webview, or null. */
export function parseRecordingViewMessage(x: unknown): RecordingViewMessage | null {
  if (!isObject(x)) return null;
  if (x.type === 'ready' && Object.keys(x).length === 1) return { type: 'ready' };
  if (x.type === 'seek' && passes(object({ type: () => null, at: time }, true), x)) return { type: 'seek', at: x.at as number };
  if (x.type === 'getSeries') {
    const { key, from, to, points } = recordingSeriesRequestShape;
    if (!passes(object({ type: () => null, key, from, to, points }, true), x)) return null;
    const q = { from: x.from as number | null, to: x.to as number | null };
    return seriesQueryProblem(q) ? null : { type: 'getSeries', key: x.key as string, ...q, points: x.points as number };
  }
  if (x.type === 'options' && Object.keys(x).length === 2) {
    const groupBy = validSetting('groupBy', x.groupBy);
    return groupBy === undefined ? null : { type: 'options', groupBy };
  }
  return null;
}

/** What the host needs of the page's saved state to open the recording again after a reload. */
export interface SavedRecording {
  path: string;
  /** The moment shown (null: the last). */
  at: number | null;
  /** The grouping shown (null: the default). */
  groupBy: GroupBy | null;
}

/**
 * The recording, moment and grouping of a recording page's saved state (webview/recordingState.ts),
 * or null when it names no recording the helper may be asked for. The state comes from disk:
 * anything in it is checked here.
 */
export function parseSavedRecording(x: unknown): SavedRecording | null {
  if (!isObject(x) || x.v !== 1 || recordingPathProblem(x.path) !== null) return null;
  const at = typeof x.at === 'number' && Number.isSafeInteger(x.at) && x.at >= 0 ? x.at : null;
  return { path: x.path as string, at, groupBy: validSetting('groupBy', x.groupBy) ?? null };
}
