// Part 5 of `npm run bench:recorder` (docs/recorder.md#figures): `pmemstat record` as users run
// it, alone in a PID namespace of its own (its own /proc: the processes other work starts on
// this shared machine are not in it), at a set count of idle processes (bench/idle.c) and a set
// churn (bench/churn.mjs: processes starting and exiting a minute). Per case: the recorder
// process's CPU (its /proc/PID/stat utime + stime, threads included, after its first samples),
// what it adds to the file per hour, and the same samples timed in process to split the CPU into
// the sampling (the engine's Monitor, shared with every live view) and the recorder's own part.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePidStat } from '../src/core/procfiles';
import { cgroupReader } from '../src/proc/cgroupfs';
import { openDb, RECORDING_FILE } from '../src/recorder/db';
import { EventWatcher } from '../src/recorder/events';
import { DEFAULT_RECORDER_OPTIONS, Recorder } from '../src/recorder/recorder';
import { monitorSource, type TickSource } from '../src/recorder/source';
import { buildIdle, startGroup } from './procs';
import { RecordingWriter } from '../src/recorder/writer';

const REPO = join(__dirname, '..');
const INTERVAL = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;

export interface Case {
  procs: number;
  churnPerMin: number;
}

/** Run this part (or, `atop`, the anchor's) inside a new PID namespace (root only); its lines go to stdout. */
export function runIsolated(cases: readonly Case[], secs: number, atop = false): void {
  const r = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, join(REPO, 'dist', 'bench-recorder.js')], {
    stdio: 'inherit',
    env: { ...process.env, BENCH: 'isolated', PMEMSTAT_BENCH_NS: JSON.stringify({ cases, secs, atop }) },
  });
  if (r.status !== 0) console.log(`5. not measured: unshare --pid --mount-proc failed (${r.error?.message ?? `status ${String(r.status)}`}; it needs root)`);
}



const cpuTicks = (pid: number): number => {
  const st = parsePidStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  return st ? st.ticks : NaN;
};

/** Bytes the recording holds (pages in use, the write-ahead log's included), its process rows and its last sample's process count. */
async function recordingNow(file: string): Promise<{ bytes: number; procRows: number; procs: number; figRowBytes: number }> {
  const db = await openDb(file, false);
  try {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    const size = db.pragma('page_size', { simple: true }) as number;
    const procRows = db.prepare('SELECT count(*) FROM procs').pluck().get() as number; // a view of schema 2, a table of 1
    const procs = db.prepare('SELECT procs FROM ticks ORDER BY t DESC LIMIT 1').pluck().get() as number;
    const figBytes = db.prepare("SELECT sum(pgsize) FROM dbstat WHERE name = 'figs'").pluck().get() as number;
    const figRows = db.prepare('SELECT count(*) FROM figs').pluck().get() as number;
    return { bytes: (pages - free) * size, procRows, procs, figRowBytes: figBytes / Math.max(1, figRows) };
  } finally {
    db.close();
  }
}

/** `pmemstat record` as a process of its own: CPU % of a core and MB per hour, after its first samples. */
async function recordProcess(secs: number, sampler = join(REPO, 'dist', 'sampler.js')): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pmemstat-bench-ns-'));
  const file = join(dir, RECORDING_FILE);
  const rec = spawn(process.execPath, [sampler, 'record', '--dir', dir, '--interval', String(INTERVAL)], { stdio: 'ignore' });
  try {
    await sleep(3 * INTERVAL * 1000); // its first samples: every process new to it, then the walk budget's first refreshes
    const c0 = cpuTicks(rec.pid!);
    const r0 = await recordingNow(file);
    const t0 = Date.now();
    await sleep(secs * 1000);
    const c1 = cpuTicks(rec.pid!);
    const r1 = await recordingNow(file);
    const wall = (Date.now() - t0) / 1000;
    // No whole frame in the window (one each 10 minutes, the first before it): add six an hour.
    const frame = r1.procs * r1.figRowBytes;
    const mbh = (((r1.bytes - r0.bytes) / wall) * 3600 + 6 * frame) / 1e6;
    const started = ((r1.procRows - r0.procRows) / wall) * 60;
    // utime + stime are in clock ticks (100 a second): ticks a second are % of a core.
    const cpuPct = (c1 - c0) / wall;
    return `${r1.procs} processes, ${started.toFixed(0)} new process rows a minute: ${mbh.toFixed(2)} MB/h (${((1000 * mbh) / r1.procs).toFixed(2)} per 1,000 processes; a whole frame ${(frame / 1024).toFixed(0)} KB); the record process ${cpuPct.toFixed(2)} % of a core`;
  } finally {
    rec.kill('SIGTERM');
    await new Promise((r) => rec.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The same samples in process: the Monitor's tick (sampling) and the rest of the recorder's step. */
async function split(secs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pmemstat-bench-ns-'));
  const db = await openDb(join(dir, RECORDING_FILE), true);
  const inner = monitorSource(['/'], INTERVAL);
  let sampling = 0;
  const source: TickSource = {
    get done() {
      return inner.done;
    },
    async tick() {
      const c = process.cpuUsage();
      const r = await inner.tick();
      sampling += cpuMs(process.cpuUsage(c));
      return r;
    },
    close: () => inner.close(),
  };
  const writer = new RecordingWriter(db);
  writer.beginSession(Date.now());
  const events = new EventWatcher('/');
  const rec = new Recorder(source, writer, events, cgroupReader(() => '/'), DEFAULT_RECORDER_OPTIONS);
  try {
    for (let i = 0; i < 3; i++) {
      await rec.step();
      await sleep(INTERVAL * 1000);
    }
    sampling = 0;
    let total = 0;
    let ticks = 0;
    const t0 = Date.now();
    while (Date.now() - t0 < secs * 1000) {
      const c = process.cpuUsage();
      await rec.step();
      rec.maintain(Date.now());
      total += cpuMs(process.cpuUsage(c));
      ticks++;
      await sleep(INTERVAL * 1000);
    }
    const pct = (ms: number) => ((100 * ms) / (ticks * INTERVAL * 1000)).toFixed(2);
    return `in process, ${ticks} samples: sampling ${(sampling / ticks).toFixed(1)} ms a sample (${pct(sampling)} % of a core), the recorder's own ${((total - sampling) / ticks).toFixed(1)} ms (${pct(total - sampling)} %)`;
  } finally {
    source.close();
    events.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The anchor: atop's raw file (`atop -w FILE INTERVAL`) at 5 s and at 60 s, both writing at once
 * over the same processes; bytes an hour from the growth after each one's first sample.
 */
async function atopFiles(secs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'pmemstat-bench-atop-'));
  const runs = [5, 60].map((interval) => {
    const file = join(dir, `atop-${interval}.raw`);
    const c = spawn('atop', ['-w', file, String(interval)], { stdio: 'ignore' });
    return { interval, file, c, sizes: [] as { t: number; bytes: number }[] };
  });
  try {
    const t0 = Date.now();
    while (Date.now() - t0 < secs * 1000) {
      await sleep(1000);
      for (const r of runs) {
        const bytes = statSync(r.file, { throwIfNoEntry: false })?.size ?? 0;
        if (bytes !== (r.sizes.at(-1)?.bytes ?? 0)) r.sizes.push({ t: Date.now(), bytes });
      }
    }
    return runs
      .map((r) => {
        // From the first sample written to the last: (samples - 1) intervals.
        const n = r.sizes.length;
        if (n < 2) return `${r.interval} s: fewer than two samples in ${secs} s`;
        const perSample = (r.sizes[n - 1].bytes - r.sizes[0].bytes) / (n - 1);
        return `${r.interval} s: ${(perSample / 1024).toFixed(1)} KB a sample, ${((perSample * 3600) / r.interval / 1e6).toFixed(2)} MB/h (${n} samples)`;
      })
      .join('; ');
  } finally {
    for (const r of runs) r.c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Inside the namespace: each case in turn. */
export async function isolatedCases(cases: readonly Case[], secs: number, atop = false): Promise<void> {
  const idle = buildIdle();
  if (atop) {
    console.log(`5a. atop ${spawnSync('atop', ['-V'], { encoding: 'utf8' }).stdout.split(' ')[1] ?? ''}'s raw file over the same processes, ${secs} s a case:`);
    for (const k of cases) {
      const zoo = await startGroup(idle, [String(k.procs)], true);
      const churn = await startGroup(process.execPath, [join(REPO, 'bench', 'churn.mjs'), String(k.churnPerMin)], false);
      try {
        console.log(`  ${k.procs} idle processes, churn ${k.churnPerMin} a minute: ${await atopFiles(secs)}`);
      } finally {
        churn.stop();
        zoo.stop();
        await sleep(1000);
      }
    }
    return;
  }
  console.log(`5. pmemstat record every ${INTERVAL} s in a PID namespace of its own (only these processes in its /proc), ${secs} s a case after its first samples:`);
  for (const k of cases) {
    const zoo = await startGroup(idle, [String(k.procs)], true);
    const churn = await startGroup(process.execPath, [join(REPO, 'bench', 'churn.mjs'), String(k.churnPerMin)], false);
    try {
      // BENCH_BASE_SAMPLER: an older build's dist/sampler.js, recorded in turn with this one.
      const base = process.env.BENCH_BASE_SAMPLER;
      const b = base ? await recordProcess(secs, base) : null;
      const a = await recordProcess(secs);
      const c = await split(Math.min(secs, 60));
      console.log(`  ${k.procs} idle processes, churn ${k.churnPerMin} a minute: ${a}`);
      if (b) console.log(`    the base build (${base}): ${b}`);
      console.log(`    ${c}`);
    } finally {
      churn.stop();
      zoo.stop();
      await sleep(1000);
    }
  }
}
