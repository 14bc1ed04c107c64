// `npm run bench:recorder`: the flight recorder's figures, side by side in one run
// (docs/recorder.md#figures). 1. The store: the same rows written by better-sqlite3 (native),
// node-sqlite3-wasm (WebAssembly) and an append-only file. 2. Recording this machine with
// 1,000 extra processes at 5 s: MB per hour and CPU. 3. At 2,000: the live loop alone against
// the loop plus recording, per tick. 4. A day's recording at 1,000 processes: replay --at.
import { mkdtempSync, rmSync, statSync, writeSync, openSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { coarse, EXACT, figuresOf, type Thresholds } from '../src/core/recording';
import { applyView } from '../src/core/report';
import type { ProcSample, Sample } from '../src/core/types';
import { cgroupReader } from '../src/proc/cgroupfs';
import { parseCliArgs } from '../src/cli/cliargs';
import { Monitor } from '../src/engine/monitor';
import { openDb, RECORDING_FILE } from '../src/recorder/db';
import { EventWatcher } from '../src/recorder/events';
import { RecordingReader } from '../src/recorder/reader';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../src/recorder/recorder';
import { replayReport } from '../src/recorder/replayCommand';
import { daySource } from './daySource';
import type { TickSource } from '../src/recorder/source';
import { RecordingWriter } from '../src/recorder/writer';
import { startSleepers } from './procs';
import { isolatedCases, runIsolated, type Case } from './recorderIsolated';

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'pmemstat-bench-rec-'));
  dirs.push(d);
  return d;
};
const fileBytes = (f: string) => [f, `${f}-wal`].reduce((n, x) => n + (statSync(x, { throwIfNoEntry: false })?.size ?? 0), 0);

/** The live loop as every view runs it (the recorder's own: every process's cgroup read). */
function newMonitor(): Monitor {
  return new Monitor({ groupBy: 'exe', showCpu: true }, { roots: ['/'], allCgroups: true });
}

async function sampleOf(m: Monitor): Promise<Sample> {
  await m.tick();
  return m.lastSample!;
}

/** node-sqlite3-wasm is CommonJS: its classes are on the module or on its default export. */
async function wasmDatabase(): Promise<typeof import('node-sqlite3-wasm').Database> {
  const m = (await import('node-sqlite3-wasm')) as typeof import('node-sqlite3-wasm') & { default?: typeof import('node-sqlite3-wasm') };
  return m.Database ?? m.default!.Database;
}

const fixed = (sample: () => Sample): TickSource => ({ done: false, tick: async () => ({ sample: sample(), newSuspects: [] }), close: () => undefined });

async function recorderOn(file: string, source: TickSource, thresholds: Thresholds = EXACT): Promise<{ rec: Recorder; close: () => void; writer: RecordingWriter }> {
  const db = await openDb(file, true);
  const writer = new RecordingWriter(db);
  writer.beginSession(Date.now());
  const rec = new Recorder(source, writer, new EventWatcher('/'), cgroupReader(() => '/'), { ...DEFAULT_RECORDER_OPTIONS, maintainEverySecs: 1e9, thresholds });
  return { rec, writer, close: () => db.close() };
}

/** 1. The same ticks (a whole frame, then 5 % of the processes changed each tick) into each store. */
async function benchStores(sample: Sample): Promise<void> {
  const TICKS = 200;
  const rows = (tick: number) => sample.procs.filter((_, i) => tick === 0 || i % 20 === tick % 20).map((p) => ({ ...figuresOf(p), pid: p.pid, t: tick }));
  const flat = (r: ReturnType<typeof rows>[number]) => [r.pid, r.t, r.mem.ptotal, r.mem.data, r.mem.text, r.mem.shOth, r.mem.shSYSV, r.mem.stack, r.mem.pswap, r.mem.uss, r.mem.epss, r.pssShmem, r.cpu];
  const SQL = 'CREATE TABLE figs (proc INTEGER, t INTEGER, pss INTEGER, data INTEGER, text INTEGER, shoth INTEGER, shsysv INTEGER, stack INTEGER, pswap INTEGER, uss INTEGER, epss INTEGER, pss_shmem INTEGER, cpu REAL, PRIMARY KEY (proc, t)) WITHOUT ROWID';
  const INS = 'INSERT INTO figs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
  const out: string[] = [];
  const time = (name: string, file: string, write: (tick: number) => void, close: () => void) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let t = 0; t < TICKS; t++) write(t);
    const wall = performance.now() - t0;
    const cpu = cpuMs(process.cpuUsage(c0));
    close(); // the size once closed (SQLite's write-ahead log checkpointed)
    out.push(`  ${name.padEnd(44)} ${(cpu / TICKS).toFixed(2)} ms CPU, ${(wall / TICKS).toFixed(2)} ms wall per tick; ${(fileBytes(file) / 1024).toFixed(0)} KB`);
  };
  {
    const Native = (await import('better-sqlite3')).default;
    const f = join(tmp(), 'native.db');
    const db = new Native(f);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SQL);
    const st = db.prepare(INS);
    time('better-sqlite3 12 (native, WAL)', f, (t) => db.transaction(() => rows(t).forEach((r) => st.run(flat(r))))(), () => db.close());
  }
  try {
    const Database = await wasmDatabase();
    const f = join(tmp(), 'wasm.db');
    const db = new Database(f);
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec(SQL);
    const st = db.prepare(INS);
    time('node-sqlite3-wasm (WebAssembly, no WAL)', f, (t) => {
      db.exec('BEGIN');
      for (const r of rows(t)) st.run(flat(r));
      db.exec('COMMIT');
    }, () => {
      st.finalize();
      db.close();
    });
  } catch (e) {
    out.push(`  node-sqlite3-wasm: not measured (${e instanceof Error ? e.message : String(e)})`);
  }
  {
    const f = join(tmp(), 'append.ndjson');
    const fd = openSync(f, 'a');
    time('append-only file (one JSON line per row)', f, (t) => {
      writeSync(fd, rows(t).map((r) => JSON.stringify(flat(r))).join('\n') + '\n');
    }, () => closeSync(fd));
  }
  console.log(`1. the store: ${sample.procs.length} processes, a whole frame then 5 % of them changed per tick, ${TICKS} ticks`);
  for (const l of out) console.log(l);
}

/** 2. Recording this machine at 5 s, exact and with --threshold-kb 64, from the same samples: MB per hour and CPU. */
async function benchRecording(secs: number): Promise<void> {
  const monitor = newMonitor();
  let sample: Sample | null = null;
  const kinds = [
    { name: 'exact (default)', t: EXACT },
    { name: '--threshold-kb 64', t: coarse(64) },
  ];
  const recs = await Promise.all(kinds.map(async (k) => ({ ...k, ...(await recorderOn(join(tmp(), RECORDING_FILE), fixed(() => sample!), k.t)), cpu: 0, base: 0 })));
  // Warm-up: the first sample reads (and writes) every process; the second marks the figures
  // the walk budget left for later (each process's row again, once).
  for (let i = 0; i < 2; i++) {
    sample = await sampleOf(monitor);
    for (const r of recs) await r.rec.step();
  }
  for (const r of recs) r.base = r.writer.bytes();
  let sampling = 0;
  let ticks = 0;
  const t0 = Date.now();
  while (Date.now() - t0 < secs * 1000) {
    await new Promise((res) => setTimeout(res, 5000));
    const c0 = process.cpuUsage();
    sample = await sampleOf(monitor);
    sampling += cpuMs(process.cpuUsage(c0));
    for (const r of recs) {
      const c1 = process.cpuUsage();
      await r.rec.step();
      r.cpu += cpuMs(process.cpuUsage(c1));
    }
    ticks++;
  }
  const n = sample?.procs.length ?? 0;
  console.log(`2. recording this machine (${n} processes) every 5 s for ${ticks} ticks, two recorders fed the same samples (sizes: SQLite's pages):`);
  for (const r of recs) {
    // A whole frame is one figures row per process: its size from what the rows take now.
    const rowBytes = (r.writer.db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name = 'figs'").pluck().get() as number) / (r.writer.db.prepare('SELECT count(*) FROM figs').pluck().get() as number);
    const perTick = (r.writer.bytes() - r.base) / ticks;
    const mbh = ((3600 / 5) * perTick + 6 * n * rowBytes) / 1e6;
    console.log(
      `  ${r.name.padEnd(18)} ${(perTick / 1024).toFixed(1)} KB per tick, a whole frame ${((n * rowBytes) / 1024).toFixed(0)} KB: ${mbh.toFixed(2)} MB per hour (${((1000 * mbh) / n).toFixed(2)} MB/h per 1,000 processes; target <= 5); its own CPU ${((100 * r.cpu) / (ticks * 5000)).toFixed(2)} % of a core`,
    );
    r.close();
  }
  console.log(`  the sampling (the live loop's own work): ${((100 * sampling) / (ticks * 5000)).toFixed(2)} % of a core (target <= 1 % in all at 1,000 processes)`);
  console.log('  anchors: below ~13-40 MB/h (RSS, compressed); atop ~0.06-0.35 MB/h at 60-600 s intervals');
  monitor.close();
}

/** 3. At 2,000 processes every 1 s: the live loop (sample + report) alone, and with the recorder. */
async function benchOverhead(ticks: number): Promise<void> {
  const monitor = newMonitor();
  let sample: Sample | null = null;
  const f = join(tmp(), RECORDING_FILE);
  const { rec, close } = await recorderOn(f, fixed(() => sample!));
  const live: number[] = [];
  const recd: number[] = [];
  for (let i = 0; i < ticks; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    const c0 = process.cpuUsage();
    sample = await sampleOf(monitor);
    const liveMs = cpuMs(process.cpuUsage(c0));
    const c1 = process.cpuUsage();
    await rec.step();
    const recMs = cpuMs(process.cpuUsage(c1));
    if (i === 0) continue; // the first: every process is new to both
    live.push(liveMs);
    recd.push(recMs);
  }
  const l = median(live);
  const r = median(recd);
  console.log(`3. ${sample?.procs.length} processes every 1 s, ${ticks - 1} ticks (medians of CPU per tick):`);
  console.log(`  live loop ${l.toFixed(1)} ms; the recorder's own step ${r.toFixed(1)} ms: loop + recording = ${((l + r) / l).toFixed(2)}x the loop alone (target <= 1.2x)`);
  close();
  monitor.close();
}

/** 4. A day at 5 s of 1,000 processes (5 % change per tick, one replaced a minute), thinned as the recorder does; then replay --at. */
async function benchReplay(base: readonly ProcSample[], template: Sample): Promise<void> {
  const N = 1000;
  const DAY = 86_400_000;
  const start = Date.now() - DAY;
  const { source } = daySource(base, template, N, start);
  const f = join(tmp(), RECORDING_FILE);
  const { rec, writer, close } = await recorderOn(f, source);
  const w0 = performance.now();
  for (let i = 0; i < DAY / 5000; i++) await rec.step();
  const m = writer.maintain(Date.now(), DEFAULT_RECORDER_OPTIONS.retention, 0);
  const built = (performance.now() - w0) / 1000;
  close();
  const db = await openDb(f, false);
  const reader = new RecordingReader(db);
  const times = reader.times();
  const o = parseCliArgs(['-g', 'exe']);
  const took: number[] = [];
  for (let i = 0; i < 30; i++) {
    const at = start + Math.random() * DAY;
    const t0 = performance.now();
    const t = reader.atOrBefore(at);
    if (t === null) continue;
    const r = replayReport(reader, t, o);
    applyView(r, { search: '', topPct: 100, maxRows: 0 });
    took.push(performance.now() - t0);
  }
  db.close();
  console.log(`4. a day at 5 s of ${N} processes (${DAY / 5000} samples, thinned to ${times.length}: ${m.thinned} dropped; built in ${built.toFixed(0)} s): ${(fileBytes(f) / 1e6).toFixed(1)} MB`);
  console.log(`  replay --at (sample + report): median ${median(took).toFixed(0)} ms, p95 ${p95(took).toFixed(0)} ms (target <= 300 ms)`);
  try {
    const Database = await wasmDatabase();
    const w = new Database(f, { readOnly: true });
    w.exec('PRAGMA locking_mode = EXCLUSIVE');
    const t0 = performance.now();
    const n = w.get('SELECT count(*) AS n FROM figs WHERE t <= ?', [times[times.length >> 1]]);
    console.log(`  the same file read by node-sqlite3-wasm (read-only): ${String(n?.n)} rows in ${(performance.now() - t0).toFixed(0)} ms`);
    w.close();
  } catch (e) {
    console.log(`  node-sqlite3-wasm could not read it: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Part 5's cases: idle, normal and heavy churn at 1,000 processes; normal churn at 3,000. */
const ISOLATED: Case[] = [
  { procs: 1000, churnPerMin: 0 },
  { procs: 1000, churnPerMin: 60 },
  { procs: 1000, churnPerMin: 1200 },
  { procs: 3000, churnPerMin: 60 },
];

async function main(): Promise<void> {
  const inner = process.env.PMEMSTAT_BENCH_NS;
  if (inner) {
    const { cases, secs, atop } = JSON.parse(inner) as { cases: Case[]; secs: number; atop: boolean };
    await isolatedCases(cases, secs, atop);
    return;
  }
  const parts = (process.env.BENCH ?? 'store,record,overhead,replay,isolated').split(',');
  if (parts.includes('isolated')) {
    // BENCH_ISOLATED=1000:0,3000:60 (processes:churn a minute) names other cases.
    const cases = process.env.BENCH_ISOLATED?.split(',').map((c): Case => ({ procs: Number(c.split(':')[0]), churnPerMin: Number(c.split(':')[1] ?? 0) })) ?? ISOLATED;
    runIsolated(cases, Number(process.env.BENCH_RECORD_SECS ?? 120));
  }
  // The anchor: atop's raw file at 5 s and 60 s over the same cases (BENCH=atop; atop installed).
  if (parts.includes('atop')) runIsolated(ISOLATED.filter((c) => c.procs === 1000), Number(process.env.BENCH_ATOP_SECS ?? 200), true);
  if (parts.every((p) => p === 'isolated' || p === 'atop')) return;
  const zoo = await startSleepers(1000);
  try {
    const m = newMonitor();
    const sample = await sampleOf(m);
    m.close();
    if (parts.includes('store')) await benchStores(sample);
    if (parts.includes('record')) await benchRecording(Number(process.env.BENCH_RECORD_SECS ?? 120));
    if (parts.includes('overhead')) {
      const more = await startSleepers(1000);
      try {
        await benchOverhead(Number(process.env.BENCH_TICKS ?? 20));
      } finally {
        more.stop();
      }
    }
    if (parts.includes('replay')) await benchReplay(sample.procs, sample);
  } finally {
    zoo.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

void main();
