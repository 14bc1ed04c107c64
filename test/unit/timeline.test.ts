import { describe, expect, it } from 'vitest';
import { eventIndexes, eventsAt, indexAtOrBefore, momentText, stepIndex, type TimelineEvent } from '../../src/core/timeline';
import { localIso } from '../../src/core/isotime';

const times = [1000, 2000, 3000, 4000, 5000, 6000];
const ev = (t: number, kind = 'oom-kill', name: string | null = 'hog'): TimelineEvent => ({ t, kind, pid: 7, name, cgroup: null });
// Events found while the 2nd and 5th samples were taken (one between samples, one at one), and one before any sample.
const events = [ev(500, 'pressure', null), ev(2400), ev(5000, 'limit')];

describe('the timeline of a recording', () => {
  it('finds the sample at or before a time', () => {
    expect(indexAtOrBefore(times, 999)).toBe(-1);
    expect(indexAtOrBefore(times, 1000)).toBe(0);
    expect(indexAtOrBefore(times, 3999)).toBe(2);
    expect(indexAtOrBefore(times, 9999)).toBe(5);
    expect(indexAtOrBefore([], 5)).toBe(-1);
  });

  it('shows an event with the sample at or before it, one before any with the first', () => {
    expect(eventIndexes(times, events)).toEqual([0, 1, 4]);
    expect(eventsAt(times, events, 1)).toEqual([events[1]]);
    expect(eventsAt(times, events, 2)).toEqual([]);
  });

  it('steps a sample, an event, or to either end, and stays put where there is nowhere to go', () => {
    expect(stepIndex(times, events, 2, 'back')).toBe(1);
    expect(stepIndex(times, events, 0, 'back')).toBe(0);
    expect(stepIndex(times, events, 5, 'forward')).toBe(5);
    expect(stepIndex(times, events, 1, 'nextEvent')).toBe(4);
    expect(stepIndex(times, events, 4, 'nextEvent')).toBe(4);
    expect(stepIndex(times, events, 4, 'prevEvent')).toBe(1);
    expect(stepIndex(times, events, 0, 'prevEvent')).toBe(0);
    expect(stepIndex(times, events, 3, 'first')).toBe(0);
    expect(stepIndex(times, events, 3, 'last')).toBe(5);
    expect(stepIndex([], events, 0, 'forward')).toBe(0);
  });

  it('says the moment: its time, place and events, or the way to the next one', () => {
    expect(momentText(times, events, 1)).toBe(`${localIso(2000)}  2/6  oom-kill pid 7 hog`);
    expect(momentText(times, events, 2)).toBe(`${localIso(3000)}  3/6  } next event`);
    expect(momentText(times, events, 5)).toBe(`${localIso(6000)}  6/6  { previous event`);
    expect(momentText(times, [], 5)).toBe(`${localIso(6000)}  6/6  no events`);
    expect(momentText([], [], 0)).toBe('nothing recorded');
  });

  it('makes a recorded name printable', () => {
    expect(momentText([1], [ev(1, 'oom-kill', 'x\u001b[2Jy')], 0)).not.toContain('\u001b');
  });
});
