// `npm run bench`: sample cost against the raw-read floor, the incremental cost, and the
// whole CLI's wall time, with 300 extra processes running. Medians, one process.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Sampler } from '../src/sampler/sampler';
import { closeFd, openRead, readFd, readShared } from '../src/proc/readfile';
import { benchHelper } from './helper-bench';
import { startSleepers } from './procs';
import { benchDatabase, benchIdle2000, benchPanel10k } from './scale';
import { benchWindowDb } from './window';
import { benchLive } from './live';
import { benchOneShot } from './oneshot';
import { benchSoak } from './soak';
import { benchHour } from './hour';

const RUNS = 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface Cost {
  wall: number;
  cpu: number;
}

function once(fn: () => void): Cost {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/**
 * Median wall time and median CPU time (user + system) of each of `fns`, in ms, taken in
 * turns (a b c a b c …) so that the machine's slow and quick spells hit all of them alike:
 * on a shared 2-core VM one measure taken after another can differ by half for no reason
 * of ours. The CPU time of reading /proc (system) and parsing (user) is ours alone; the
 * wall clock also counts time others held the CPU. Both are printed.
 */
function timeTogether(fns: readonly (() => void)[], runs = RUNS): Cost[] {
  for (const fn of fns) fn(); // warm up
  const walls: number[][] = fns.map(() => []);
  const cpus: number[][] = fns.map(() => []);
  for (let i = 0; i < runs; i++) {
    fns.forEach((fn, k) => {
      const c = once(fn);
      walls[k].push(c.wall);
      cpus[k].push(c.cpu);
    });
  }
  return fns.map((_, k) => ({ wall: median(walls[k]), cpu: median(cpus[k]) }));
}

const cost = (c: Cost) => `${c.wall.toFixed(1)} ms wall / ${c.cpu.toFixed(1)} ms cpu`;
const ratio = (a: Cost, b: Cost) => `${(a.wall / b.wall).toFixed(2)}x wall / ${(a.cpu / b.cpu).toFixed(2)}x cpu`;
const pct = (a: Cost, b: Cost) => `${((100 * a.wall) / b.wall).toFixed(1)} % wall / ${((100 * a.cpu) / b.cpu).toFixed(1)} % cpu`;

function pids(): string[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n));
}

/** The floor: read the same files the sampler reads, without decoding or parsing. */
function readFloor(files: readonly string[]): void {
  for (const f of ['meminfo', 'stat', 'vmstat']) readShared(`/proc/${f}`);
  for (const p of pids()) {
    for (const f of files) readShared(`/proc/${p}/${f}`);
  }
}

function keptFds(files: readonly string[]): number[] {
  const fds: number[] = [];
  for (const p of pids()) {
    for (const f of files) {
      const o = openRead(`/proc/${p}/${f}`);
      if (o.code === null) fds.push(o.fd);
    }
  }
  return fds;
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

/**
 * The parts to run: BENCH=base,idle,oneshot,live,db,panel (default all). base: the sample
 * against its floor with 300 extra processes; idle: 2,000 processes against smem; oneshot: the
 * one-shot commands against smemstat at 2,000 realistic and 2,000 minimal processes; live: the
 * window and the loop against top and htop at 2,000 processes (BENCH_ROUNDS; BENCH_BASE: another build's window beside); db: the database load
 * (BENCH_DB_MB, BENCH_DB_K); panel: 10,000 processes for the helper (BENCH_PANEL_N); window:
 * the terminal window on the database load (not in the default set; BENCH_SAMPLER: another build);
 * soak: the helper's RSS over BENCH_SAMPLES (600) samples of 2,000 groups (not in the default set);
 * hour: an hour compressed, BENCH_HOUR_SAMPLES (3,600) samples under BENCH_CHURN (1,200) process
 * starts a minute, in the helper and in the window: RSS, heap, fds, timers, threads (not in the default set).
 */
async function main(): Promise<void> {
  const parts = (process.env.BENCH ?? 'base,idle,oneshot,live,db,panel').split(',');
  const num = (k: string, d: number) => (process.env[k] && /^\d+$/.test(process.env[k]!) ? Number(process.env[k]) : d);
  if (parts.includes('base')) await benchBase();
  if (parts.includes('idle')) for (const l of await benchIdle2000()) console.log(l);
  if (parts.includes('oneshot')) for (const l of await benchOneShot(2000, num('BENCH_ROUNDS', 5))) console.log(l);
  if (parts.includes('live')) for (const l of await benchLive(2000, num('BENCH_ROUNDS', 3), 10, undefined, process.env.BENCH_BASE)) console.log(l);
  if (parts.includes('db')) for (const l of await benchDatabase(num('BENCH_DB_MB', 1536), num('BENCH_DB_K', 16))) console.log(l);
  if (parts.includes('panel')) for (const l of await benchPanel10k(num('BENCH_PANEL_N', 10_000))) console.log(l);
  if (parts.includes('soak')) for (const l of await benchSoak(2000, num('BENCH_SAMPLES', 600))) console.log(l);
  if (parts.includes('hour')) for (const l of await benchHour(2000, num('BENCH_HOUR_SAMPLES', 3600), num('BENCH_CHURN', 1200))) console.log(l);
  if (parts.includes('window')) {
    for (const l of await benchWindowDb(num('BENCH_DB_MB', 1536), num('BENCH_DB_K', 16), num('BENCH_SECONDS', 15), process.env.BENCH_SAMPLER, process.env.BENCH_BASE)) console.log(l);
  }
}

async function benchBase(): Promise<void> {
  const zoo = await startSleepers(300);
  const lines: string[] = [];
  const out = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  try {
    await new Promise((r) => setTimeout(r, 500));
    const n = pids().length;
    out(`pmemstat benchmark — ${n} processes in /proc (300 extra sleeps), medians of ${RUNS} runs`);

    // Full detail sample: a fresh sampler reads cmdline, stat, rollup and smaps of everything.
    const fullSample = () => {
      const s = new Sampler({ detail: true, cgroups: false }); // grouped by exe, as by default: no cgroup files
      s.sample();
      s.close();
    };
    // Fast sample in a loop: stat + rollup per process (cmdline is cached per pid + start time).
    const fast = new Sampler({ detail: false, cgroups: false });
    fast.sample();
    // Incremental detail sample when nothing changed: smaps only where the rollup moved.
    const inc = new Sampler({ detail: true, cgroups: false });
    inc.sample();
    let reread: number[] = [];
    const incSample = () => {
      inc.sample();
      reread = inc.lastStats.smapsPids;
    };
    // The floors read the same files the same way, without decoding or parsing: the fast
    // loop's through fds kept open across samples, as the sampler does.
    const kept = keptFds(['stat', 'smaps_rollup']);
    const fastFloor = () => {
      for (const f of ['meminfo', 'stat', 'vmstat']) readShared(`/proc/${f}`);
      pids(); // the sampler lists /proc each time too
      for (const fd of kept) readFd(fd, true);
    };
    const [detailFull, detailFloor, fastT, fastFloorT, incT] = timeTogether([
      fullSample,
      () => readFloor(['stat', 'cmdline', 'smaps_rollup', 'smaps']),
      () => fast.sample(),
      fastFloor,
      incSample,
    ]);
    kept.forEach(closeFd);
    const [openFloor] = timeTogether([() => readFloor(['stat', 'smaps_rollup'])], 5);
    fast.close();
    inc.close();
    out(`detail sample (full)       ${cost(detailFull)};  floor ${cost(detailFloor)};  ratio ${ratio(detailFull, detailFloor)} (target ≤ 1.5x)`);
    out(`fast sample (loop)         ${cost(fastT)};  floor ${cost(fastFloorT)};  ratio ${ratio(fastT, fastFloorT)} (target ≤ 1.5x)`);
    out(`  (the same files by open + read + close each time: ${cost(openFloor)})`);
    const who = reread.map((p) => (p === process.pid ? `${p} (this benchmark)` : String(p))).join(', ');
    out(
      `detail sample (unchanged)  ${cost(incT)};  = ${pct(incT, detailFull)} of a full one (target ≤ 20 %); smaps re-read for ${reread.length} process(es)${who ? `: ${who}` : ''}`,
    );
    // What an unchanged sample cannot avoid: every rollup (the change detector) and stat,
    // which is exactly the fast sample's floor.
    out(`  (its floor, every stat + smaps_rollup through kept fds, is ${pct(fastFloorT, detailFull)} of a full sample)`);

    // The whole command, as a user would run it.
    const wall: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const r = spawnSync(process.execPath, ['dist/sampler.js', '-o', '-uKB'], { stdio: ['ignore', 'ignore', 'inherit'] });
      wall.push(performance.now() - t0);
      if (r.status !== 0) throw new Error(`pmemstat -o -uKB exited ${r.status}`);
    }
    out(`pmemstat -o -uKB wall time ${fmt(median(wall))} (median of 5)`);

    // The helper of the extension: a sample request over NDJSON against the same in-process.
    for (const line of await benchHelper({ extraProcs: 0, runs: RUNS })) out(line);

    // Why the unchanged sample's floor is what it is: what a rollup costs against smaps,
    // for processes of different sizes.
    for (const line of await rollupShare()) out(line);
  } finally {
    zoo.stop();
  }
}

/**
 * Time reading smaps_rollup against reading smaps for a few kinds of process (each kind's
 * own, started here), in turns. The share is what an unchanged detail sample cannot save.
 */
async function rollupShare(): Promise<string[]> {
  const kinds: [string, string, string[]][] = [
    ['sleep', 'sleep', ['100000']],
    ['python3', 'python3', ['-c', 'import time, json, email.parser, http.client; time.sleep(100000)']],
    ['node', process.execPath, ['-e', 'setInterval(() => {}, 1e8)']],
  ];
  const children = kinds.map(([, cmd, args]) =>
    Array.from({ length: 10 }, () => spawn(cmd, args, { stdio: 'ignore' }).on('error', () => {})),
  );
  const lines = ['rollup vs smaps read cost, 10 processes of each kind (medians):'];
  try {
    await new Promise((r) => setTimeout(r, 1500));
    const alive = children.map((cs) => cs.filter((c) => c.pid !== undefined && c.exitCode === null));
    const costs = timeTogether(
      alive.flatMap((cs) => [
        () => cs.forEach((c) => readShared(`/proc/${c.pid}/smaps_rollup`, true)),
        () => cs.forEach((c) => readShared(`/proc/${c.pid}/smaps`)),
      ]),
    );
    kinds.forEach(([name], k) => {
      const cs = alive[k];
      if (cs.length === 0) return lines.push(`  ${name}: could not start`);
      const maps = readShared(`/proc/${cs[0].pid}/maps`);
      const n = maps.ok ? maps.data.toString('latin1').split('\n').length - 1 : 0;
      const r = costs[2 * k].wall / cs.length;
      const sm = costs[2 * k + 1].wall / cs.length;
      lines.push(
        `  ${name.padEnd(8)} ${String(n).padStart(4)} mappings: rollup ${(r * 1000).toFixed(0)} µs, smaps ${(sm * 1000).toFixed(0)} µs; the rollup is ${((100 * r) / (r + sm)).toFixed(0)} % of both`,
      );
    });
  } finally {
    for (const c of children.flat()) c.kill('SIGKILL');
  }
  return lines;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
