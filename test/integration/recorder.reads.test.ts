// Figures read again unchanged (the walk budget re-reads every process at least once per max age)
// are ids in a `reads` row, not figures rows: the live /proc recorded on a clock of 5 s a sample
// for longer than two max ages, each replayed sample against the live sample (asOf included),
// then thinned to one a minute and replayed again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RetentionPolicy } from '../../src/core/retention';
import { DEFAULT_MAX_AGE_SECONDS } from '../../src/core/walkbudget';
import type { Sample } from '../../src/core/types';
import { cgroupReader } from '../../src/proc/cgroupfs';
import { openDb, RECORDING_FILE, type Db } from '../../src/recorder/db';
import { EventWatcher } from '../../src/recorder/events';
import { RecordingReader } from '../../src/recorder/reader';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../../src/recorder/recorder';
import type { RecordTick, TickSource } from '../../src/recorder/source';
import { RecordingWriter } from '../../src/recorder/writer';
import { Sampler } from '../../src/sampler/sampler';
import { reapedEnv } from '../support/reaped';

const MIN = 60_000;
const START = Date.UTC(2026, 0, 1, 3);
/** Less than the walks of the test's 20 idle sleepers cost together (each ~0.02–0.1 ms). */
const TIGHT_BUDGET_MS = 0.05;
const SAMPLES = 40; // 200 s on the test's clock: every process read again at least twice
const dir = mkdtempSync(join(tmpdir(), 'pmemstat-reads-'));
const live = new Map<number, Sample>();
let db: Db;
let writer: RecordingWriter;
let reader: RecordingReader;
let sleepers: ChildProcess[] = [];

/** What a replay must give of a sample: each process's figures and when they were read. */
const figures = (s: Sample) => s.procs.map((p) => ({ pid: p.pid, starttime: p.starttime, exe: p.exe, cmd: p.cmd, mem: p.mem, cpu: p.cpu, asOf: p.asOf ?? null, pssShmem: p.pssShmem ?? 0 }));

beforeAll(async () => {
  // Idle processes of its own, whose figures the walk budget reads again unchanged, whatever
  // else this machine runs.
  sleepers = Array.from({ length: 20 }, () => spawn('sleep', ['600'], { stdio: 'ignore', env: reapedEnv() }));
  await new Promise((r) => setTimeout(r, 200));
  db = await openDb(join(dir, RECORDING_FILE), true);
  writer = new RecordingWriter(db);
  writer.beginSession(START);
  // The default max age (60 s), as `pmemstat record` samples, and a budget too small for every
  // walk: with the default one a quiet machine (a CI runner's hundred processes) is read whole
  // every tick, by design, and no figure would be left from an earlier sample.
  const sampler = new Sampler({ root: '/', cgroups: true, walkBudgetMs: TIGHT_BUDGET_MS, maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS });
  let n = 0;
  const source: TickSource = {
    done: false,
    async tick(): Promise<RecordTick> {
      const sample = await sampler.sampleAsync(START + n++ * 5000);
      live.set(sample.time, sample);
      return { sample, newSuspects: [] };
    },
    close: () => sampler.close(),
  };
  const rec = new Recorder(source, writer, new EventWatcher('/'), cgroupReader(() => '/'), { ...DEFAULT_RECORDER_OPTIONS, fullEverySecs: 120 });
  for (let i = 0; i < SAMPLES; i++) await rec.step();
  source.close();
  reader = new RecordingReader(db);
}, 120_000);

afterAll(() => {
  for (const c of sleepers) c.kill('SIGKILL');
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('figures read again unchanged', () => {
  it('are ids in reads rows, and every sample replays with the figures and read times the live sample had', () => {
    const reads = db.prepare('SELECT procs FROM reads').pluck().all() as string[];
    const reread = new Set(reads.flatMap((r) => JSON.parse(r) as number[]));
    const ours = db.prepare(`SELECT id FROM procs WHERE pid IN (${sleepers.map((c) => c.pid).join(',')})`).pluck().all() as number[];
    expect(ours.length).toBe(sleepers.length);
    for (const id of ours) expect(reread.has(id)).toBe(true); // each sleeper's figures read again unchanged
    let stale = 0;
    for (const t of reader.times()) {
      const got = figures(reader.sampleAt(t));
      expect(got).toEqual(figures(live.get(t)!));
      stale += got.filter((p) => p.asOf !== null).length;
    }
    expect(stale).toBeGreaterThan(0); // the walk budget left figures from earlier samples
  });

  it('keeps each name once, however many processes bear it', () => {
    const names = db.prepare('SELECT count(*) AS n, count(DISTINCT name) AS d FROM names').get() as { n: number; d: number };
    expect(names.n).toBe(names.d);
    const procs = db.prepare('SELECT count(*) AS n, count(DISTINCT exe) AS exes FROM procs').get() as { n: number; exes: number };
    expect(procs.exes).toBeLessThan(procs.n); // many processes share an exe key (kernel workers aside, at least a shell and node)
  });

  it('replay the same after thinning to one sample a minute', () => {
    const kept = new Map(reader.times().map((t) => [t, figures(reader.sampleAt(t))]));
    const policy: RetentionPolicy = { tiers: [{ olderThanMs: 0, everyMs: MIN }], retainMs: 30 * 24 * 60 * MIN, eventBeforeMs: 0, eventAfterMs: 0 };
    const readsBefore = db.prepare('SELECT count(*) FROM reads').pluck().get() as number;
    const r = writer.maintain(START + SAMPLES * 5000 + 10 * MIN, policy, 0);
    expect(r.thinned).toBeGreaterThan(0);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const times = reader.times();
    expect(times.length).toBeLessThan(kept.size);
    for (const t of times) expect(figures(reader.sampleAt(t)), new Date(t).toISOString()).toEqual(kept.get(t));
    // What no kept sample needs is gone: a process read again twice between two kept samples is named once.
    expect(db.prepare('SELECT count(*) FROM reads').pluck().get() as number).toBeLessThanOrEqual(readsBefore);
  });
});
