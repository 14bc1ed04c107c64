// `npm run bench:series`: what the recording panel's chart costs the helper — a group's memory
// over a day's recording at 1,000 processes (the helper's `recordingSeries`, read with the
// WebAssembly SQLite as the helper reads), over the whole day and over a zoomed hour, beside the
// panel's other read, a moment (`recording`), and beside the first way it was read (every member's
// figure rows brought into JS, then summed there), in the same rounds. BENCH_SERIES_FILE=PATH keeps
// the day's recording there (and reuses it when it exists: the build takes a minute).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EXACT } from '../src/core/recording';
import { downsampleSeries, type GroupSeries } from '../src/core/recordingSeries';
import { MEM_KEYS, type Mem, type MemKey } from '../src/core/types';
import { figureRow } from '../src/recorder/reader';
import { withRecording } from '../src/recorder/recordingRead';
import { groupKeyOf } from '../src/core/report';
import type { ProcSample, Sample } from '../src/core/types';
import { cgroupReader } from '../src/proc/cgroupfs';
import { Monitor } from '../src/engine/monitor';
import { openDb, RECORDING_FILE } from '../src/recorder/db';
import { EventWatcher } from '../src/recorder/events';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../src/recorder/recorder';
import { readRecording } from '../src/recorder/recordingRead';
import { readRecordingSeries } from '../src/recorder/seriesRead';
import { openWasmDb } from '../src/recorder/wasmDb';
import { RecordingWriter } from '../src/recorder/writer';
import { defaultEngineOptions } from '../src/shared/engineOptions';
import { daySource } from './daySource';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const N = 1000;
const DAY = 86_400_000;

/** A day at 5 s of N processes (5 % change per tick, one replaced a minute: bench/daySource.ts). */
async function dayRecording(file: string, base: readonly ProcSample[], template: Sample): Promise<{ start: number; procs: ProcSample[] }> {
  const start = Date.now() - DAY;
  const { source, procs } = daySource(base, template, N, start);
  const db = await openDb(file, true);
  const writer = new RecordingWriter(db);
  writer.beginSession(Date.now());
  const rec = new Recorder(source, writer, new EventWatcher('/'), cgroupReader(() => '/'), { ...DEFAULT_RECORDER_OPTIONS, maintainEverySecs: 1e9, thresholds: EXACT });
  for (let i = 0; i < DAY / 5000; i++) await rec.step();
  writer.maintain(Date.now(), DEFAULT_RECORDER_OPTIONS.retention, 0);
  db.close();
  return { start, procs };
}

/** The first way (as seriesRead.ts and groupSeries first did): every member's figure rows read into JS at once, then each sample summed over every member. */
function oldGroupSeries(ticks: readonly number[], members: readonly { start: number; end: number | null; figs: readonly { t: number; mem: Mem }[] }[]): GroupSeries {
  const mem = Object.fromEntries(MEM_KEYS.map((k) => [k, [] as number[]])) as Record<MemKey, number[]>;
  const at = members.map(() => -1); // each member's newest figure at or before the tick
  for (const t of ticks) {
    const sum: Record<MemKey, number> = Object.fromEntries(MEM_KEYS.map((k) => [k, 0])) as Record<MemKey, number>;
    members.forEach((m, i) => {
      let j = at[i];
      while (j + 1 < m.figs.length && m.figs[j + 1].t <= t) j++;
      at[i] = j;
      if (j < 0 || m.start > t || (m.end !== null && m.end <= t)) return;
      for (const k of MEM_KEYS) sum[k] += m.figs[j].mem[k];
    });
    for (const k of MEM_KEYS) mem[k].push(sum[k]);
  }
  return { times: [...ticks], mem };
}


function rowsSeries(file: string, key: string, o: ReturnType<typeof defaultEngineOptions>, points: number) {
  return withRecording(file, openWasmDb, (db) => {
    const ticks = db.prepare('SELECT t FROM ticks ORDER BY t').pluck().all() as number[];
    const procs = db.prepare('SELECT id, pid, exe, cmd, start_t, end_t FROM procs').all() as { id: number; pid: number; exe: string; cmd: string; start_t: number; end_t: number | null }[];
    const zero: Mem = { pswap: 0, shSYSV: 0, shOth: 0, stack: 0, text: 0, data: 0, ptotal: 0, uss: 0, epss: 0 };
    const members = procs.filter((p) => groupKeyOf({ pid: p.pid, starttime: 0, exe: p.exe, cmd: p.cmd, mem: zero, ticks: 0, cpu: 0 }, o.groupBy, o.cmdlen).key === key);
    const figs = new Map(members.map((m) => [m.id, [] as { t: number; mem: typeof zero }[]]));
    const rows = db.prepare('SELECT * FROM figs WHERE proc IN (SELECT value FROM json_each(?)) ORDER BY t').all(JSON.stringify(members.map((m) => m.id))) as Parameters<typeof figureRow>[0][];
    for (const r of rows) figs.get(r.proc)?.push({ t: r.t, mem: figureRow(r).mem });
    const s = oldGroupSeries(ticks, members.map((m) => ({ start: m.start_t, end: m.end_t, figs: figs.get(m.id) ?? [] })));
    return { ok: true as const, n: downsampleSeries(s, points).times.length };
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pmemstat-bench-series-'));
  try {
    const m = new Monitor({ groupBy: 'exe', showCpu: true }, { roots: ['/'], allCgroups: true });
    await m.tick();
    const sample = m.lastSample!;
    m.close();
    const keep = process.env.BENCH_SERIES_FILE;
    const file = keep ?? join(dir, RECORDING_FILE);
    const o = defaultEngineOptions();
    let start: number;
    const sizes = new Map<string, number>();
    if (keep && existsSync(keep)) {
      const db = await openDb(keep, false);
      start = db.prepare('SELECT min(t) FROM ticks').pluck().get() as number;
      const rows = db.prepare('SELECT pid, exe, cmd FROM procs WHERE end_t IS NULL').all() as { pid: number; exe: string; cmd: string }[];
      db.close();
      for (const p of rows) {
        const k = groupKeyOf({ ...p, starttime: 0, mem: sample.procs[0].mem, ticks: 0, cpu: 0 }, o.groupBy, o.cmdlen).key;
        sizes.set(k, (sizes.get(k) ?? 0) + 1);
      }
      console.log(`the day's recording reused from ${keep}`);
    } else {
      const b0 = performance.now();
      const built = await dayRecording(file, sample.procs, sample);
      start = built.start;
      console.log(`a day at 5 s of ${N} processes built in ${((performance.now() - b0) / 1000).toFixed(0)} s`);
      for (const p of built.procs) {
        const k = groupKeyOf(p, o.groupBy, o.cmdlen).key;
        sizes.set(k, (sizes.get(k) ?? 0) + 1);
      }
    }
    const byCount = [...sizes].sort((a, b) => b[1] - a[1]);
    const big = byCount[0];
    const one = byCount.find(([, n]) => n === 1) ?? byCount.at(-1)!;
    const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
    const took: Record<string, number[]> = {};
    const time = async (name: string, f: () => Promise<{ ok: boolean }>) => {
      const t0 = performance.now();
      const r = await f();
      if (!r.ok) throw new Error(`${name}: ${JSON.stringify(r).slice(0, 200)}`);
      (took[name] ??= []).push(performance.now() - t0);
    };
    const points = 800;
    for (let i = 0; i < rounds; i++) {
      const at = start + Math.random() * DAY;
      // Interleaved: each read's share of a noisy machine is the same.
      await time('moment (recording, anchor)', () => readRecording({ path: file, at, timeline: false }, o, openWasmDb));
      await time(`series, whole day, ${big[1]}-process group`, () => readRecordingSeries({ path: file, key: big[0], from: null, to: null, points }, o, openWasmDb));
      await time(`series, whole day, 1-process group`, () => readRecordingSeries({ path: file, key: one[0], from: null, to: null, points }, o, openWasmDb));
      await time(`series the first way (rows into JS), whole day, ${big[1]}-process group`, () => rowsSeries(file, big[0], o, points));
      await time(`series, a zoomed hour, ${big[1]}-process group`, () => readRecordingSeries({ path: file, key: big[0], from: Math.round(at - 3_600_000), to: Math.round(at), points }, o, openWasmDb));
    }
    for (const [name, xs] of Object.entries(took)) console.log(`  ${name}: median ${median(xs).toFixed(0)} ms, min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} (${xs.length} rounds)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
