// The recording panel's timeline as numbers (webview/timelineModel.ts): time ↔ x, the nearest
// sample, zooming and panning within the recording, a dragged range, the markers and which one a
// click hits, the time ticks; and the moment of an OOM kill (src/core/timeline.ts).
import { describe, expect, it } from 'vitest';
import { killEventNear, killMomentCandidates, sampleIndexOf, type TimelineEvent } from '../../src/core/timeline';
import {
  clampSpan,
  dragSpan,
  fullSpan,
  hitMarker,
  markersIn,
  MIN_SPAN_MS,
  nearestSample,
  panSpan,
  samplesIn,
  timeOfX,
  timeTicks,
  xOfTime,
  zoomSpan,
} from '../../webview/timelineModel';

const times = [0, 10_000, 20_000, 30_000, 100_000];
const full = fullSpan(times);
const strip = { left: 10, width: 1000 };
const ev = (t: number, kind: string, pid: number | null = null): TimelineEvent => ({ t, kind, pid, name: pid ? 'hog' : null, cgroup: null });

describe('the timeline strip', () => {
  it('maps a time to x and back across the span shown', () => {
    expect(full).toEqual({ from: 0, to: 100_000 });
    expect(xOfTime(0, full, strip)).toBe(10);
    expect(xOfTime(50_000, full, strip)).toBe(510);
    expect(xOfTime(100_000, full, strip)).toBe(1010);
    for (const t of [0, 12_345, 99_999]) expect(timeOfX(xOfTime(t, full, strip), full, strip)).toBeCloseTo(t, 6);
    // Off the strip: clamped to the span.
    expect(timeOfX(-50, full, strip)).toBe(0);
    expect(timeOfX(5000, full, strip)).toBe(100_000);
    // A single sample: a minute around it, the sample in the middle.
    const one = fullSpan([60_000]);
    expect(xOfTime(60_000, one, strip)).toBe(510);
  });

  it('finds the nearest sample (ties: the earlier) and the samples within a span', () => {
    expect(nearestSample(times, -5)).toBe(0);
    expect(nearestSample(times, 4999)).toBe(0);
    expect(nearestSample(times, 5000)).toBe(0);
    expect(nearestSample(times, 5001)).toBe(1);
    expect(nearestSample(times, 64_000)).toBe(3);
    expect(nearestSample(times, 66_000)).toBe(4);
    expect(nearestSample(times, 1e9)).toBe(4);
    expect(nearestSample([], 5)).toBe(-1);
    expect(samplesIn(times, { from: 5000, to: 30_000 })).toEqual({ from: 1, to: 3 });
    expect(samplesIn(times, { from: 31_000, to: 99_000 })).toEqual({ from: 4, to: 3 }); // none
  });

  it('zooms about a time that stays in place, within the recording, never narrower than MIN_SPAN_MS, back to the whole', () => {
    const z = zoomSpan(full, full, 20_000, 0.5)!;
    expect(z.to - z.from).toBe(50_000);
    expect(xOfTime(20_000, z, strip)).toBeCloseTo(xOfTime(20_000, full, strip), 6);
    const end = zoomSpan(full, full, 99_000, 0.1)!;
    expect(end).toEqual({ from: 89_100, to: 99_100 });
    // A span that would reach past the end is moved inside the recording, its length kept.
    expect(zoomSpan({ from: 50_000, to: 100_000 }, full, 100_000, 0.5)).toEqual({ from: 75_000, to: 100_000 });
    expect(zoomSpan({ from: 80_000, to: 100_000 }, full, 95_000, 1.5)).toEqual({ from: 70_000, to: 100_000 });
    let s = end;
    for (let i = 0; i < 20; i++) s = zoomSpan(s, full, 95_000, 0.5) ?? s;
    expect(s.to - s.from).toBe(MIN_SPAN_MS);
    expect(zoomSpan(z, full, 20_000, 4)).toBeNull();
    expect(clampSpan({ from: -500, to: 500 }, full)).toEqual({ from: 0, to: 1000 });
    expect(panSpan({ from: 80_000, to: 95_000 }, full, 10_000)).toEqual({ from: 85_000, to: 100_000 });
  });

  it('turns a drag into a span, and a short drag into none (a click)', () => {
    expect(dragSpan(110, 113, full, strip, full)).toBeNull();
    expect(dragSpan(510, 210, full, strip, full)).toEqual({ from: 20_000, to: 50_000 });
    const tiny = dragSpan(510, 515, full, strip, full)!;
    expect(tiny.to - tiny.from).toBe(MIN_SPAN_MS);
  });

  it('marks each sample with events once, by its gravest event, and hits the nearest marker within reach', () => {
    const events = [ev(10_000, 'pressure'), ev(10_000, 'oom-kill', 42), ev(25_000, 'limit'), ev(100_000, 'leak'), ev(99_000, 'what')];
    const ms = markersIn(times, events, full, strip, (e) => sampleIndexOf(times, e));
    expect(ms.map((m) => [m.index, m.kind])).toEqual([
      [1, 'oom'],
      [2, 'limit'],
      [3, 'other'],
      [4, 'leak'],
    ]);
    expect(ms[0].text).toBe('pressure\noom-kill pid 42 hog');
    expect(hitMarker(ms, ms[0].x + 4)?.index).toBe(1);
    expect(hitMarker(ms, ms[0].x + 6)).toBeNull();
    expect(hitMarker(ms, (ms[2].x + ms[3].x) / 2 + 0.4, 10)?.index).toBe(4);
    // Zoomed: only the events within the span.
    const z = { from: 20_000, to: 40_000 };
    expect(markersIn(times, events, z, strip, (e) => sampleIndexOf(times, e)).map((m) => m.index)).toEqual([2]);
  });

  it('puts time ticks on round clock times within the strip', () => {
    const ticks = timeTicks({ from: 0, to: 100_000 }, strip);
    expect(ticks.length).toBeGreaterThan(3);
    for (const t of ticks) {
      expect(t.x).toBeGreaterThanOrEqual(strip.left);
      expect(t.x).toBeLessThanOrEqual(strip.left + strip.width);
      expect(t.label).toMatch(/^\d\d:\d\d:\d\d$/);
    }
    expect(timeTicks({ from: 0, to: 0 }, strip)).toEqual([]);
  });
});

describe('the moment of an OOM kill', () => {
  const events = [ev(10_000, 'pressure'), ev(20_000, 'oom-kill', 42), ev(100_000, 'oom-kill', 43)];

  it('is the recorded kill nearest the notice, within a minute', () => {
    expect(killEventNear(events, 24_000)?.pid).toBe(42);
    expect(killEventNear(events, 15_000)?.pid).toBe(42); // the notifier may notice before the recorder
    expect(killEventNear(events, 90_000)?.pid).toBe(43);
    expect(killEventNear(events, 200_000)).toBeNull();
    expect(killEventNear([ev(20_000, 'pressure')], 20_000)).toBeNull();
  });

  it('is shown by the sample just before the one that recorded it, then by that one', () => {
    expect(killMomentCandidates(times, { t: 20_000 })).toEqual([1, 2]);
    expect(killMomentCandidates(times, { t: 25_000 })).toEqual([1, 2]);
    expect(killMomentCandidates(times, { t: 0 })).toEqual([0]);
    expect(killMomentCandidates(times, { t: -1 })).toEqual([0]);
    expect(killMomentCandidates([], { t: 5 })).toEqual([]);
  });
});
