// Retention and the size cap on a real recording: three hours of samples of a captured loop (read
// by the real sampler, on a clock the test sets) thinned by the tiers, the minutes before an
// event kept whole, expired past --retain, and cut oldest first to the size cap; every sample
// that is kept replays exactly as before.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionPolicy } from '../../src/core/retention';
import type { Sample } from '../../src/core/types';
import { cgroupReader } from '../../src/proc/cgroupfs';
import { Sampler } from '../../src/sampler/sampler';
import { openDb, RECORDING_FILE, type Db } from '../../src/recorder/db';
import { EventWatcher } from '../../src/recorder/events';
import { RecordingReader } from '../../src/recorder/reader';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../../src/recorder/recorder';
import type { RecordTick, TickSource } from '../../src/recorder/source';
import { RecordingWriter } from '../../src/recorder/writer';
import { REPO } from '../support';

const MIN = 60_000;
const HOUR = 60 * MIN;
const roots = ['0', '1', '2'].map((n) => join(REPO, 'fixtures', 'loop-a', n));
const dir = mkdtempSync(join(tmpdir(), 'pmemstat-retain-'));
const NOW = Date.UTC(2026, 11, 4, 12);
const START = NOW - 3 * HOUR;
const EVENT = NOW - 2 * HOUR; // a leak suspect flagged then
const policy: RetentionPolicy = { tiers: [{ olderThanMs: HOUR, everyMs: MIN }], retainMs: 2.5 * HOUR, eventBeforeMs: 5 * MIN, eventAfterMs: 0 };

let db: Db;
let writer: RecordingWriter;
let reader: RecordingReader;
const before = new Map<number, Sample>();

beforeAll(async () => {
  db = await openDb(join(dir, RECORDING_FILE), true);
  writer = new RecordingWriter(db);
  writer.beginSession(START);
  // The captured loop, round and round, one sample every 10 s of the test's clock.
  const sampler = new Sampler({ root: roots[0], cgroups: true, walkBudgetMs: 0 });
  let n = 0;
  const source: TickSource = {
    done: false,
    async tick(): Promise<RecordTick> {
      sampler.setOptions({ root: roots[n % roots.length] });
      const t = START + n * 10_000;
      n++;
      const sample = await sampler.sampleAsync(t);
      return { sample, newSuspects: t === EVENT ? [{ key: 'node', verdict: { suspect: true, growthKb: 2048, rises: 9, falls: 0, steps: 10, seconds: 100, procs: 1 } }] : [] };
    },
    close: () => sampler.close(),
  };
  const rec = new Recorder(source, writer, new EventWatcher(roots[0]), cgroupReader(() => roots[0]), { ...DEFAULT_RECORDER_OPTIONS, retention: policy });
  for (let t = START; t <= NOW; t += 10_000) await rec.step();
  source.close();
  reader = new RecordingReader(db);
  for (const t of reader.times()) before.set(t, reader.sampleAt(t));
});

afterAll(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the retention tiers on a real recording', () => {
  it('keeps every sample of the last hour, one a minute before it, all of the minutes before the event; and nothing past --retain', () => {
    expect(before.size).toBe(3 * 360 + 1);
    const r = writer.maintain(NOW, policy, 0);
    expect(r.thinned).toBeGreaterThan(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const kept = reader.times();
    // Past --retain (2.5 h): cut at the newest whole frame (every 10 min, moved to the end of
    // its minute by the thinning) at or before it.
    expect(r.cutBefore).toBe(kept[0]);
    expect(kept[0]).toBeLessThanOrEqual(NOW - 2.5 * HOUR);
    expect(kept[0]).toBeGreaterThan(NOW - 2.5 * HOUR - 10 * MIN - MIN);
    expect(db.prepare('SELECT full FROM ticks WHERE t = ?').pluck().get(kept[0])).toBe(1);
    const recent = kept.filter((t) => NOW - t <= HOUR);
    expect(recent.length).toBe(361);
    const beforeEvent = kept.filter((t) => t >= EVENT - 5 * MIN && t <= EVENT);
    expect(beforeEvent.length).toBe(31);
    const thinned = kept.filter((t) => NOW - t > HOUR && (t < EVENT - 5 * MIN || t > EVENT));
    // One a minute: the last sample of each minute.
    expect(thinned.every((t) => (t + 10_000) % MIN === 0)).toBe(true);
    expect(reader.events().map((e) => [e.kind, e.t, e.name])).toEqual([['leak', EVENT, 'node']]);
  });

  it('replays every kept sample exactly as before the thinning', () => {
    for (const t of reader.times()) expect(reader.sampleAt(t)).toEqual(before.get(t));
  });

  it('drops the oldest first down to the size cap, and what is kept still replays as before', () => {
    const times = reader.times();
    const cap = Math.floor(writer.bytes() * 0.6);
    const r = writer.maintain(NOW, policy, cap);
    expect(r.bytes).toBeLessThanOrEqual(cap);
    const kept = reader.times();
    expect(kept[kept.length - 1]).toBe(times[times.length - 1]);
    expect(kept[0]).toBeGreaterThan(times[0]);
    expect(times.filter((t) => t >= kept[0])).toEqual(kept);
    for (const t of kept) expect(reader.sampleAt(t)).toEqual(before.get(t));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });
});
