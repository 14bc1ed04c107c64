// Scale benchmarks of issue 15: 2,000 idle processes against smem and the read floor; a
// "database" (bench/dbload.c) whose backends share a big mapping, looped with and without
// the page-walk budget; 10,000 processes for the panel's helper. Each prints its lines.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { close, existsSync, mkdirSync, open, read, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HelperClient } from '../src/host/helperClient';
import { HELPER_NODE_FLAGS } from '../src/host/launcher';
import { encodeLine, toWireReport } from '../src/shared/protocol';
import { ParallelReader } from '../src/sampler/parallel';
import { readShared } from '../src/proc/readfile';
import { Sampler } from '../src/sampler/sampler';
import { startSleepers, type ProcessZoo } from './procs';

const REPO = join(__dirname, '..');
const HELPER = join(REPO, 'dist', 'sampler.js');
const WORKER = join(REPO, 'dist', 'procworker.js');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
export const pids = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n));
const ms = (x: number) => `${x.toFixed(0)} ms`;
const x2 = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** Start sleeps until /proc lists about `total` processes (none when it already does). */
export async function fillTo(total: number): Promise<ProcessZoo | null> {
  await sleep(1000); // let the processes of the part before exit
  const zoos: ProcessZoo[] = [];
  for (let round = 0; round < 3 && pids().length < total - 20; round++) {
    zoos.push(await startSleepers(total - pids().length));
    for (let i = 0; i < 600 && pids().length < total - 20; i++) await sleep(100);
  }
  await sleep(500);
  return zoos.length ? { pids: zoos.flatMap((z) => z.pids), stop: () => zoos.forEach((z) => z.stop()) } : null;
}

/** Wall time of a whole command (ms). */
function wall(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}`);
  return performance.now() - t0;
}

/** One thread reads these files of every process (open, read to the end, close): the floor. */
function floor(files: readonly string[]): number {
  const t0 = performance.now();
  for (const p of pids()) for (const f of files) readShared(`/proc/${p}/${f}`);
  return performance.now() - t0;
}

/**
 * The other way to use every core: the same files read through libuv's thread pool
 * (UV_THREADPOOL_SIZE, default 4), `conc` reads in flight, nothing parsed. Each file is an
 * open, reads to the end and a close, each a round trip through the pool.
 */
function libuvFloor(files: readonly string[], conc: number): Promise<number> {
  const jobs = pids().flatMap((p) => files.map((f) => `/proc/${p}/${f}`));
  const t0 = performance.now();
  return new Promise((resolve) => {
    let next = 0;
    let active = 0;
    const readAll = (fd: number, b: Buffer, done: () => void) =>
      read(fd, b, 0, b.length, null, (e, n) => (e || n === 0 ? close(fd, done) : readAll(fd, b, done)));
    const pump = () => {
      if (next >= jobs.length && active === 0) return resolve(performance.now() - t0);
      while (active < conc && next < jobs.length) {
        active++;
        const finish = () => {
          active--;
          pump();
        };
        open(jobs[next++], 'r', (e, fd) => (e ? finish() : readAll(fd, Buffer.allocUnsafe(65536), finish)));
      }
    };
    pump();
  });
}

/** (a) 2,000 idle processes: the whole commands against smem, in turns, and the in-process sample against the floor. */
export async function benchIdle2000(runs = 9): Promise<string[]> {
  const zoo = await fillTo(2000);
  const out: string[] = [];
  try {
    const n = pids().length;
    const hasSmem = spawnSync('smem', ['-h'], { stdio: 'ignore' }).status === 0;
    const t: Record<string, number[]> = { o: [], fast: [], smem: [], smaps: [], rollup: [], full: [], fullOne: [], uv: [] };
    const reader = new ParallelReader({ script: WORKER, idleMs: 600_000 });
    // Started beforehand, so that this measures reading on every core, not a thread's start-up
    // (which the whole commands above include).
    await reader.warmed();
    let shares: number[] = [];
    const fullSample = (parallel: boolean) => {
      // As `pmemstat -o` reads under its default grouping (exe): no cgroup files.
      const s = new Sampler({ detail: true, oneShot: true, cgroups: false });
      if (parallel) s.useParallel(reader);
      const t0 = performance.now();
      return s.sampleAsync().then(() => {
        const d = performance.now() - t0;
        if (parallel) shares = reader.lastShares;
        s.close();
        return d;
      });
    };
    for (let i = 0; i <= runs; i++) {
      const round = {
        o: wall(process.execPath, [HELPER, '-U', '-o']),
        fast: wall(process.execPath, [HELPER, '-U']),
        smem: hasSmem ? wall('smem', []) : NaN,
        smaps: floor(['stat', 'cmdline', 'smaps']),
        rollup: floor(['stat', 'cmdline', 'smaps_rollup']),
        full: await fullSample(true),
        fullOne: await fullSample(false),
        uv: await libuvFloor(['stat', 'cmdline', 'smaps'], 16),
      };
      if (i === 0) continue; // warm-up: page cache, the kernel's slab caches
      for (const k of Object.keys(t)) t[k].push(round[k as keyof typeof round]);
    }
    reader.close();
    const m = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<string, number>;
    out.push(`2,000 idle processes (${n} in /proc, ${reader.workers + 1} threads), medians of ${runs} runs taken in turns (a warm-up round before):`);
    out.push(`  pmemstat -o (whole command)   ${ms(m.o)}   = ${x2(m.o, m.smem)} smem (target ≤ 0.6x)`);
    out.push(`  pmemstat    (whole command)   ${ms(m.fast)}   = ${x2(m.fast, m.smem)} smem (target ≤ 0.45x)`);
    out.push(`  smem                          ${hasSmem ? ms(m.smem) : 'not installed'}`);
    out.push(`  read floor, one thread: stat + cmdline + smaps ${ms(m.smaps)}; stat + cmdline + smaps_rollup ${ms(m.rollup)}`);
    out.push(`  full detail sample in-process ${ms(m.full)} = ${x2(m.full, m.smaps)} the smaps floor (target ≤ 0.75x); on one thread ${ms(m.fullOne)} = ${x2(m.fullOne, m.smaps)}; processes read per thread ${shares.join(' + ')}`);
    out.push(`  the same files through libuv's pool (16 in flight, not parsed): ${ms(m.uv)} = ${x2(m.uv, m.smaps)} the floor`);
  } finally {
    zoo?.stop();
  }
  return out;
}

/** dbload compiled from bench/dbload.c (once per change of the source). */
export function buildDbload(): string {
  const dir = join(REPO, '.cache');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'dbload');
  const src = join(REPO, 'bench', 'dbload.c');
  if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(src).mtimeMs) execFileSync('cc', ['-O2', '-Wall', '-o', exe, src]);
  return exe;
}

/** CPU time (ms) a process has used, from /proc/PID/stat (utime + stime; 100 ticks/s). */
export function cpuMs(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}

interface JsonMember {
  pid: number;
  mem: { ptotal: number };
  asOf?: number;
}
interface JsonSample {
  leader: { time: number; stale?: number };
  rows: { members: JsonMember[] }[];
}

/** Collect the JSON documents a `pmemstat --json` loop prints. */
function jsonLines(c: ChildProcess): JsonSample[] {
  const docs: JsonSample[] = [];
  let buf = '';
  c.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.startsWith('{')) docs.push(JSON.parse(line) as JsonSample);
    }
  });
  return docs;
}

/** (b) The database load: CPU of the loop with the budget against walking everything, side by side. */
export async function benchDatabase(mb = 1536, backends = 16, seconds = 15): Promise<string[]> {
  const exe = buildDbload();
  const db = spawn(exe, ['-m', String(mb), '-k', String(backends)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const out: string[] = [];
  const loops: ChildProcess[] = [];
  try {
    const t0 = performance.now();
    let text = '';
    const backendPids = await new Promise<number[]>((resolve, reject) => {
      db.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        if (/^up \d+$/m.test(text)) resolve([...text.matchAll(/^ready (\d+)$/gm)].map((m) => Number(m[1])));
      });
      db.once('exit', (c) => reject(new Error(`dbload exited ${c}`)));
    });
    out.push(`database load: ${backends} backends each touching all of ${mb} MB MAP_SHARED (no THP), ready in ${ms(performance.now() - t0)}; loops of 1 s for ${seconds} s after a 3 s start:`);
    const start = (budget: number) => {
      const c = spawn(process.execPath, [HELPER, '-U', '-l', '1', '--walk-budget', String(budget), '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
      loops.push(c);
      return { c, docs: jsonLines(c) };
    };
    const budgeted = start(10);
    const all = start(0);
    await sleep(3000); // past the first (full) sample of each
    const c0 = [cpuMs(budgeted.c.pid!), cpuMs(all.c.pid!)];
    const n0 = [budgeted.docs.length, all.docs.length];
    // Half way, one backend changes: the next tick of the budgeted loop must walk it.
    await sleep((seconds * 1000) / 2);
    const changed = backendPids[Math.min(5, backendPids.length - 1)];
    const before = budgeted.docs.length;
    const signalled = Date.now();
    process.kill(changed, 'SIGUSR1');
    await sleep((seconds * 1000) / 2);
    const c1 = [cpuMs(budgeted.c.pid!), cpuMs(all.c.pid!)];
    const ticks = [budgeted.docs.length - n0[0], all.docs.length - n0[1]];
    const per = [(c1[0] - c0[0]) / ticks[0], (c1[1] - c0[1]) / ticks[1]];
    out.push(`  pmemstat -l 1 --walk-budget 10: ${ms(c1[0] - c0[0])} CPU in ${ticks[0]} ticks = ${per[0].toFixed(1)} ms/tick`);
    out.push(`  pmemstat -l 1 --walk-budget 0 (walk every page table every tick): ${ms(c1[1] - c0[1])} CPU in ${ticks[1]} ticks = ${per[1].toFixed(1)} ms/tick`);
    out.push(`  budget / all = ${((100 * per[0]) / per[1]).toFixed(1)} % per tick (target ≤ 15 %)`);
    // The window is shorter than the 60 s age bound: its refresh, one walk of everything a minute, spread over the ticks.
    out.push(`  with the 60 s refresh of every figure spread over its 60 ticks: ${((100 * (per[0] + per[1] / 60)) / per[1]).toFixed(1)} %`);
    // Ages: no figure older than the bound (60 s), and the changed backend read afresh next tick.
    let oldest = 0;
    let stale = 0;
    for (const d of budgeted.docs) {
      stale = Math.max(stale, d.leader.stale ?? 0);
      for (const r of d.rows) for (const m of r.members) if (m.asOf !== undefined) oldest = Math.max(oldest, d.leader.time - m.asOf);
    }
    out.push(`  oldest figure shown ${(oldest / 1000).toFixed(1)} s (bound 60 s); at most ${stale} processes older than their tick`);
    const member = (d: JsonSample) => d.rows.flatMap((r) => r.members).find((m) => m.pid === changed);
    const prev = member(budgeted.docs[before - 1]);
    const next = budgeted.docs.slice(before).find((d) => d.leader.time > signalled);
    const after = next && member(next);
    out.push(
      after && prev
        ? `  backend ${changed} signalled to touch 1 MB more: the next tick (${((next.leader.time - signalled) / 1000).toFixed(1)} s later) ${after.asOf === undefined ? 'walked it' : 'did NOT walk it'}: ptotal ${prev.mem.ptotal} → ${after.mem.ptotal} KB`
        : `  backend ${changed}: no tick after the signal was seen`,
    );
  } finally {
    for (const c of loops) c.kill('SIGTERM');
    if (db.pid) process.kill(-db.pid, 'SIGTERM');
  }
  return out;
}

/** Numeric fields of /proc/PID/status (`VmRSS` in KB, `Threads`, …); NaN for one it lacks. */
export function statusFields<K extends string>(pid: number, ...keys: K[]): Record<K, number> {
  const s = readFileSync(`/proc/${pid}/status`, 'latin1');
  const out = {} as Record<K, number>;
  for (const k of keys) out[k] = Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return out;
}

/** VmRSS and VmHWM of a process (KB). */
function rss(pid: number): { rss: number; hwm: number } {
  const f = statusFields(pid, 'VmRSS', 'VmHWM');
  return { rss: f.VmRSS, hwm: f.VmHWM };
}

/** One helper's figures at this many processes: started with `node ARGS`, sampled like the panel does. */
async function helperAtScale(nodeArgs: readonly string[], ticks: number) {
  const child = spawn(process.execPath, [...nodeArgs, HELPER, '--serve'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const client = await HelperClient.start({ readable: child.stdout!, writable: child.stdin!, child });
  try {
    await client.configure({ walkBudgetMs: 10 });
    const t0 = performance.now();
    await client.sample(); // the full first sample (on every core)
    const first = performance.now() - t0;
    const host: number[] = [];
    const helper: number[] = [];
    let bytes = 0;
    let members = 0;
    for (let i = 0; i < ticks; i++) {
      await sleep(1000);
      const c0 = process.cpuUsage();
      const { report, ms: inHelper } = await client.sampleTimed();
      const c = process.cpuUsage(c0);
      host.push((c.user + c.system) / 1000);
      helper.push(inHelper);
      bytes = Buffer.byteLength(encodeLine({ type: 'sample', id: 0, seq: 0, report: toWireReport(report), ms: inHelper }));
      members = report.rows.reduce((k, r) => k + r.members.length, 0);
    }
    return { ...rss(child.pid!), first, host: median(host), helper: median(helper), bytes, members };
  } finally {
    client.dispose();
  }
}

/**
 * (c) 10,000 processes for the panel: the helper's memory, the message, and the host's CPU per
 * tick; the helper as the extension starts it (HELPER_NODE_FLAGS), then with node's defaults.
 */
export async function benchPanel10k(total = 10_000, ticks = 8): Promise<string[]> {
  const zoo = await fillTo(total);
  const out: string[] = [];
  try {
    const n = pids().length;
    const m = await helperAtScale(HELPER_NODE_FLAGS, ticks);
    const bare = await helperAtScale([], ticks);
    const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
    out.push(`10,000 processes for the panel (${n} in /proc), fast mode, walk budget 10 ms, ${ticks} ticks 1 s apart:`);
    out.push(`  helper RSS ${mb(m.rss)}, peak ${mb(m.hwm)} (target ≤ 150 MB), started as the extension starts it (node ${HELPER_NODE_FLAGS.join(' ')})`);
    out.push(`    with node's defaults: ${mb(bare.rss)}, peak ${mb(bare.hwm)}; first (full) sample ${ms(m.first)} against ${ms(bare.first)}`);
    out.push(`  sample message ${(m.bytes / 1024).toFixed(0)} KiB for ${m.members} processes; sampling in the helper ${ms(m.helper)} per tick (${ms(bare.helper)} with node's defaults)`);
    out.push(`  host CPU per tick (receive, parse, validate): ${m.host.toFixed(1)} ms; one render: see npm run bench:ui`);
  } finally {
    zoo?.stop();
  }
  return out;
}
