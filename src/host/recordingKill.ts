// Finding the OOM kill a notification told of in a recording being written: the notifier and the
// recorder each notice the kill at their own next look (docs/recorder.md), so when the panel
// opens the recorder may not have written it yet. The recording is read again for a few seconds
// before the panel falls back to the moment of the notice.
import { killEventNear, type TimelineEvent } from '../core/timeline';

/** How long to wait for the recorder to write the kill: more than its default interval (5 s). */
export const KILL_WAIT_MS = 8000;
/** How often to read the recording meanwhile. */
export const KILL_RETRY_MS = 1000;

export interface RecordedTimeline {
  times: number[];
  events: TimelineEvent[];
}

export interface FoundKill extends RecordedTimeline {
  /** The recorded kill nearest the notice. */
  kill: TimelineEvent;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The recorded kill nearest `noticed` with the timeline it was found in, reading the timeline
 * (`read`; null: it could not be read) until it holds one, at most `waitMs` after the first read;
 * the last timeline read (null: none) without a kill when none came.
 */
export async function findKill(
  read: () => Promise<RecordedTimeline | null>,
  noticed: number,
  waitMs = KILL_WAIT_MS,
  everyMs = KILL_RETRY_MS,
  /** Called once, when the first read found no kill and the waiting starts. */
  onWait: () => void = () => {},
): Promise<FoundKill | { kill: null; timeline: RecordedTimeline | null }> {
  let last: RecordedTimeline | null = null;
  const tries = Math.max(0, Math.ceil(waitMs / everyMs));
  for (let i = 0; ; i++) {
    const got = await read();
    if (got) last = got;
    const kill = got ? killEventNear(got.events, noticed) : null;
    if (got && kill) return { ...got, kill };
    if (i >= tries) return { kill: null, timeline: last };
    if (i === 0) onWait();
    await sleep(everyMs);
  }
}
