// Moving through a recording: its sample times and its events, stepped a sample or an event at
// a time. Pure: the terminal window's replay (src/recorder/replayWindow.ts) and the panel's
// timeline use the same steps, so that `]` and the panel's step button agree.
import { localIso } from './isotime';
import { printable } from './printable';

/** An event as a timeline marks it (the recording's events table, docs/recorder.md). */
export interface TimelineEvent {
  t: number;
  kind: string;
  pid: number | null;
  name: string | null;
  cgroup: string | null;
}

/** One sample back or forward, to the previous or next sample with an event, or to either end. */
export type TimeStep = 'back' | 'forward' | 'prevEvent' | 'nextEvent' | 'first' | 'last';

export const TIME_STEPS: readonly TimeStep[] = ['back', 'forward', 'prevEvent', 'nextEvent', 'first', 'last'];

/** The index of the newest of the ascending `times` at or before `t`; -1 when none is. */
export function indexAtOrBefore(times: readonly number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (times[mid] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The sample an event belongs to: the one at or before it (an event is found while a sample is
 * taken, so it is shown with that sample); the first sample for an event before any.
 */
export function sampleIndexOf(times: readonly number[], e: { t: number }): number {
  return Math.max(0, indexAtOrBefore(times, e.t));
}

/** The sample indexes that have events, ascending and without repeats. */
export function eventIndexes(times: readonly number[], events: readonly { t: number }[]): number[] {
  if (times.length === 0) return [];
  return [...new Set(events.map((e) => sampleIndexOf(times, e)))].sort((a, b) => a - b);
}

/** The sample index after `step` from index `at` (`at` itself when there is nowhere to go). */
export function stepIndex(times: readonly number[], events: readonly { t: number }[], at: number, step: TimeStep): number {
  const last = times.length - 1;
  if (last < 0) return at;
  const i = Math.min(Math.max(at, 0), last);
  switch (step) {
    case 'back':
      return Math.max(0, i - 1);
    case 'forward':
      return Math.min(last, i + 1);
    case 'first':
      return 0;
    case 'last':
      return last;
    case 'prevEvent':
      return eventIndexes(times, events).filter((x) => x < i).at(-1) ?? i;
    case 'nextEvent':
      return eventIndexes(times, events).find((x) => x > i) ?? i;
  }
}

/** The events shown with sample `i`. */
export function eventsAt<E extends { t: number }>(times: readonly number[], events: readonly E[], i: number): E[] {
  return events.filter((e) => sampleIndexOf(times, e) === i);
}

/** An event in a few words: its kind, the process and the cgroup (strings made printable: a recording is a file anyone with the rights may have edited). */
export function eventWords(e: TimelineEvent): string {
  const parts = [e.kind];
  if (e.pid !== null) parts.push(`pid ${e.pid}`);
  if (e.name !== null) parts.push(printable(e.name));
  if (e.cgroup !== null) parts.push(`cgroup ${printable(e.cgroup)}`);
  return parts.join(' ');
}

/**
 * Where a replay stands, for a status line: the sample's time, its place, its events (or how
 * to reach the next one).
 */
export function momentText(times: readonly number[], events: readonly TimelineEvent[], i: number): string {
  if (times.length === 0) return 'nothing recorded';
  const here = eventsAt(times, events, i);
  const head = `${localIso(times[i])}  ${i + 1}/${times.length}`;
  if (here.length > 0) return `${head}  ${here.map(eventWords).join('; ')}`;
  const later = stepIndex(times, events, i, 'nextEvent') !== i;
  const earlier = stepIndex(times, events, i, 'prevEvent') !== i;
  const hint = later ? '} next event' : earlier ? '{ previous event' : 'no events';
  return `${head}  ${hint}`;
}

/** How far apart the recorder's record of an OOM kill and the notification of it may be (each notices at its own next look). */
export const KILL_NOTICE_SLACK_MS = 60_000;

/**
 * The recorded OOM kill a notification at `noticed` told of: the `oom-kill` event nearest to it
 * within `slack` ms (the newest of equals); null when the recording has none that near.
 */
export function killEventNear<E extends TimelineEvent>(events: readonly E[], noticed: number, slack = KILL_NOTICE_SLACK_MS): E | null {
  let best: E | null = null;
  for (const e of events) {
    if (e.kind !== 'oom-kill' || Math.abs(e.t - noticed) > slack) continue;
    if (best === null || Math.abs(e.t - noticed) <= Math.abs(best.t - noticed)) best = e;
  }
  return best;
}

/**
 * The samples that may show a kill's victim, the likelier first: the recorder records a kill with
 * the sample at which it noticed it, when the victim is usually gone already, so the sample just
 * before comes first; the event's own sample (a victim still exiting) next. Indexes into `times`.
 */
export function killMomentCandidates(times: readonly number[], e: { t: number }): number[] {
  const i = indexAtOrBefore(times, e.t);
  if (i < 0) return times.length > 0 ? [0] : [];
  return i > 0 ? [i - 1, i] : [i];
}
