// How long a recording keeps what (docs/recorder.md#retention): every sample for hours, then
// one a minute, then one every ten minutes, until --retain; the minutes before an event are
// kept whole. Pure: src/recorder/store.ts carries the plan out.

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface Tier {
  /** Samples older than this… */
  olderThanMs: number;
  /** …keep one per this window (the window's last). */
  everyMs: number;
}

export interface RetentionPolicy {
  tiers: readonly Tier[];
  /** Nothing older than this is kept. */
  retainMs: number;
  /** Around an event, samples from this long before it to `eventAfterMs` after are never thinned. */
  eventBeforeMs: number;
  eventAfterMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  tiers: [
    { olderThanMs: 6 * HOUR, everyMs: MIN },
    { olderThanMs: 7 * DAY, everyMs: 10 * MIN },
  ],
  retainMs: 30 * DAY,
  eventBeforeMs: 10 * MIN,
  eventAfterMs: MIN,
};

/** A dropped sample and the kept one its changes move to (so later samples stay whole). */
export interface Thinning {
  drop: number;
  into: number;
}

/**
 * The samples to drop (ascending `ticks`, ms) so that each tier keeps one per window; the newest
 * sample and the protected ones around `events` stay. Each dropped sample names the next kept one.
 */
export function thinPlan(ticks: readonly number[], events: readonly number[], now: number, p: RetentionPolicy): Thinning[] {
  const protectedAt = (t: number): boolean => events.some((e) => t >= e - p.eventBeforeMs && t <= e + p.eventAfterMs);
  const dropped = new Set<number>();
  const lastOfWindow = new Map<string, number>();
  for (let i = 0; i < ticks.length - 1; i++) {
    const t = ticks[i];
    let tier = -1;
    p.tiers.forEach((x, j) => {
      if (now - t > x.olderThanMs) tier = j;
    });
    if (tier < 0 || protectedAt(t)) continue;
    const key = `${tier}:${Math.floor(t / p.tiers[tier].everyMs)}`;
    const was = lastOfWindow.get(key);
    if (was !== undefined) dropped.add(was);
    lastOfWindow.set(key, t);
  }
  const out: Thinning[] = [];
  let next = ticks[ticks.length - 1];
  for (let i = ticks.length - 2; i >= 0; i--) {
    const t = ticks[i];
    if (dropped.has(t)) out.push({ drop: t, into: next });
    else next = t;
  }
  return out; // newest first: the order in which moving changes forward keeps the newest
}

/**
 * Where to cut so nothing older than the retention is kept: the newest whole frame at or
 * before now − retain (a cut only at a whole frame leaves every later sample complete); null
 * when there is nothing to cut.
 */
export function expiryCut(fullTicks: readonly number[], now: number, retainMs: number): number | null {
  let cut: number | null = null;
  for (const t of fullTicks) if (t <= now - retainMs) cut = t;
  return cut !== null && cut > fullTicks[0] ? cut : null;
}

/** Where to cut to drop the oldest stretch (for the size cap): the second whole frame; null when only one is left. */
export function oldestStretchCut(fullTicks: readonly number[]): number | null {
  return fullTicks.length >= 2 ? fullTicks[1] : null;
}
