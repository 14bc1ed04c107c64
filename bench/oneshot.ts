// One-shot reports against C (issue 21): `pmemstat -o` (detail) and `pmemstat` (fast) against
// smemstat (C, one thread, reads every smaps), smem (Python) and the read floor, at about
// 2,000 processes of two kinds: realistic (`sleep`, dynamically linked, ~20 mappings) and
// minimal static ones (bench/idle.c, ~5 mappings: what a reader pays per process, not per
// mapping). Taken in turns, several rounds; medians of wall time and of CPU time (user +
// system of the command and its threads, from its parent shell's cutime + cstime), with the
// range of the wall times and the load average before and after (the machine is shared).
// The node floor (bench/oneshotFloor.ts, dist/bench-floor.js) is node doing only what `-o` must:
// start, read every process's three files on two threads, and parse them with the command's parsers.
// `pmemstat` is bin/pmemstat, the command as installed (its launcher starts the workers first
// and loads the bundle through its code cache, which the warm-up round writes); `-o, 1 thread`
// is the same without worker threads (PMEMSTAT_WORKERS=0), what a worker costs and saves.
// BENCH_BASE names another build's dist/sampler.js, run beside in the same turns (through the
// dist/launch.js beside it when there is one, as bin/pmemstat runs it).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readShared } from '../src/proc/readfile';
import { median, pids, sleep } from './scale';
import { buildIdle, startGroup, startSleepers } from './procs';
import type { ProcessZoo } from './procs';

const REPO = join(__dirname, '..');
const FLOOR = join(REPO, 'dist', 'bench-floor.js');


/** `n` minimal static processes in one new process group. */
async function startIdle(n: number): Promise<ProcessZoo> {
  const { c, stop } = await startGroup(buildIdle(), [String(n)], true);
  return { pids: [c.pid!], stop };
}

interface Cost {
  wall: number;
  cpu: number;
}

/** Run a command (output discarded) under a shell that then prints its own stat: the child's CPU is its cutime + cstime. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Cost {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', '"$@" >/dev/null || exit 9; cat /proc/$$/stat', 'sh', cmd, ...args], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  const f = r.stdout.slice(r.stdout.lastIndexOf(')') + 2).split(' ');
  return { wall, cpu: (Number(f[13]) + Number(f[14])) * 10 }; // fields 16 and 17 (cutime, cstime), 100 ticks/s
}

/** The floor: one thread reads stat, cmdline and smaps of every process, nothing parsed. */
function floor(): Cost {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const p of pids()) for (const f of ['stat', 'cmdline', 'smaps']) readShared(`/proc/${p}/${f}`);
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** The most common commands in /proc ("3,925 sleep, 1,000 idle, …"): other work on a shared machine changes the mix. */
function mix(): string {
  const n = new Map<string, number>();
  for (const p of pids()) {
    try {
      const s = readFileSync(`/proc/${p}/stat`, 'latin1');
      const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
      n.set(comm, (n.get(comm) ?? 0) + 1);
    } catch {
      /* gone */
    }
  }
  return [...n].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([c, k]) => `${k.toLocaleString('en-US')} ${c}`).join(', ');
}

/** dist/launch.js beside another build's dist/sampler.js, when it has one. */
const baseEntry = (sampler: string): string => {
  const launch = join(dirname(sampler), 'launch.js');
  return existsSync(launch) ? launch : sampler;
};

const loadavg = () => readFileSync('/proc/loadavg', 'latin1').split(' ').slice(0, 3).join(' ');

async function measure(label: string, rounds: number): Promise<string[]> {
  const command = join(REPO, 'bin', 'pmemstat');
  const has = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status === 0;
  const node = process.execPath;
  const load0 = loadavg();
  const base = process.env.BENCH_BASE;
  const parts: [string, () => Cost][] = [
    ['pmemstat -o', () => run(node, [command, '-U', '-o'])],
    ['pmemstat (fast)', () => run(node, [command, '-U'])],
    ['pmemstat -o, 1 thread', () => run(node, [command, '-U', '-o'], { PMEMSTAT_WORKERS: '0' })],
    // Another build's bundle (BENCH_BASE=path/to/dist/sampler.js), through its launcher when
    // it has one (as bin/pmemstat runs it: prestarted workers, code cache), else directly.
    ...(base ? ([
      ['base -o', () => run(node, [baseEntry(base), '-U', '-o'])],
      ['base (fast)', () => run(node, [baseEntry(base), '-U'])],
    ] as [string, () => Cost][]) : []),
    ...(has('smemstat') ? ([['smemstat', () => run('smemstat', [])]] as [string, () => Cost][]) : []),
    ...(has('smem') ? ([['smem', () => run('smem', [])]] as [string, () => Cost][]) : []),
    ['read floor (1 thread)', floor],
    // Node doing only what -o must (bench/oneshotFloor.ts): its start-up, a worker, the reads,
    // and with parse the command's own stat and smaps parse; what it costs beyond these is ours.
    ...(existsSync(FLOOR) ? ([
      ['node floor: read', () => run(node, [FLOOR])],
      ['node floor: + parse', () => run(node, [FLOOR], { FLOOR_PARSE: '1' })],
    ] as [string, () => Cost][]) : []),
    ['node -e 0 (start-up)', () => run(node, ['-e', '0'])],
  ];
  const got: Cost[][] = parts.map(() => []);
  for (let r = 0; r <= rounds; r++) {
    parts.forEach(([, f], i) => {
      const c = f();
      if (r > 0) got[i].push(c); // round 0 warms the page cache and the kernel's slab caches
    });
  }
  const m = got.map((cs) => ({ wall: median(cs.map((c) => c.wall)), cpu: median(cs.map((c) => c.cpu)), lo: Math.min(...cs.map((c) => c.wall)), hi: Math.max(...cs.map((c) => c.wall)) }));
  const sm = parts.findIndex(([n]) => n === 'smemstat');
  const out = [`${label}, ${pids().length} processes in /proc (${mix()}, …), medians of ${rounds} rounds taken in turns (wall [range] / CPU of the command); load average ${load0} before, ${loadavg()} after:`];
  parts.forEach(([name], i) => {
    const vs = sm >= 0 && i !== sm ? `   = ${(m[i].wall / m[sm].wall).toFixed(2)}x smemstat wall, ${(m[i].cpu / m[sm].cpu).toFixed(2)}x its CPU` : '';
    const range = `[${m[i].lo.toFixed(0)}-${m[i].hi.toFixed(0)}]`;
    out.push(`  ${name.padEnd(22)} ${m[i].wall.toFixed(0).padStart(5)} ms ${range.padEnd(11)} / ${m[i].cpu.toFixed(0).padStart(5)} ms${vs}`);
  });
  return out;
}

/** Both kinds of 2,000 processes, one after the other. */
export async function benchOneShot(total = 2000, rounds = 5): Promise<string[]> {
  const out: string[] = [];
  // `total` sleeps of its own, whatever else runs (topping /proc up to `total` measured other
  // engineers' minimal processes when their zoos were up): their share of /proc is printed.
  await sleep(1000); // let the processes of the part before exit
  const had = pids().length;
  let zoo: ProcessZoo | null = await startSleepers(total);
  for (let i = 0; i < 600 && pids().length < had + total - 20; i++) await sleep(100);
  try {
    out.push(...(await measure('one-shot, realistic processes (sleep, ~20 mappings)', rounds)));
  } finally {
    zoo?.stop();
  }
  await sleep(1500);
  // As many again of the minimal kind, whatever else runs: their share of /proc is printed.
  const n = total;
  zoo = await startIdle(n);
  try {
    await sleep(500);
    out.push(...(await measure(`one-shot, minimal static processes (${n} of bench/idle.c, ~5 mappings)`, rounds)));
  } finally {
    zoo?.stop();
  }
  return out;
}
