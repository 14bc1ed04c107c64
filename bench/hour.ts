// An hour of sampling compressed (issue 21's soak): SAMPLES (3,600) samples while processes
// start and exit (bench/churn.mjs, CHURN a minute, each living 1–3 s, over 2,000 idle ones),
// in the helper as the extension starts it (its samples asked for back to back) and, at the
// same time, in the terminal window (in tmux, at its fastest refresh, -l 0.5: 30 minutes for
// 3,600 ticks). Each is started with
// bench/soakProbe.cjs preloaded, which on SIGUSR2 reports what only the process can: its timers
// and handles by kind, heap, fds and (the window) frames written. Printed at marks of the run:
// RSS, heap (and what of it is live: the probe collects it whole, node being started with
// --expose-gc), fds, timers, threads must be flat after the warm-up.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HelperClient } from '../src/host/helperClient';
import { HELPER_NODE_FLAGS } from '../src/host/launcher';
import { startGroup } from './procs';
import { fillTo, pids, sleep, statusFields } from './scale';

const REPO = join(__dirname, '..');
const HELPER = join(REPO, 'dist', 'sampler.js');
const PROBE = join(REPO, 'bench', 'soakProbe.cjs');

interface Probe {
  t: number;
  writes: number;
  rss: number;
  heapUsed: number;
  /** After a full collection (-1 without --expose-gc). */
  liveHeap: number;
  fds: number;
  resources: Record<string, number>;
}

const threads = (pid: number): number => statusFields(pid, 'Threads').Threads;

/** Ask the process for a probe line and wait for it (the file grows by one line). */
async function probe(pid: number, file: string): Promise<Probe> {
  const lines = () => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : []);
  // Its first line says the probe is loaded: SIGUSR2 would end the process before.
  for (let i = 0; i < 400 && lines().length === 0; i++) await sleep(25);
  const had = lines().length;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 200; i++) {
    const now = lines();
    if (now.length > had) return JSON.parse(now[now.length - 1]) as Probe;
    await sleep(25);
  }
  throw new Error(`no probe line from ${pid}`);
}

const MB = (b: number) => (b / 1048576).toFixed(0);
const timers = (p: Probe) => p.resources.Timeout ?? 0;
const handles = (p: Probe) => Object.entries(p.resources).filter(([k]) => k !== 'Timeout').reduce((a, [, n]) => a + n, 0);
const row = (at: string, p: Probe, th: number) => `${at}: RSS ${MB(p.rss)} MB, heap ${MB(p.heapUsed)} MB (live ${MB(p.liveHeap)}), ${p.fds} fds, ${timers(p)} timers, ${handles(p)} other handles, ${th} threads`;

async function helperHour(samples: number, marks: number[], dir: string): Promise<string[]> {
  const file = join(dir, 'helper.jsonl');
  const child = spawn(process.execPath, [...HELPER_NODE_FLAGS, '--expose-gc', '-r', PROBE, HELPER, '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, PMEMSTAT_SOAK_PROBE: file },
  });
  const client = await HelperClient.start({ readable: child.stdout!, writable: child.stdin!, child });
  const out: string[] = [];
  const t0 = Date.now();
  try {
    for (let i = 1; i <= samples; i++) {
      await client.sampleTimed();
      if (marks.includes(i)) out.push(`  ${row(`sample ${i}`, await probe(child.pid!, file), threads(child.pid!))}`);
    }
  } finally {
    client.dispose();
  }
  return [`helper as the extension starts it (node ${HELPER_NODE_FLAGS.join(' ')}), ${samples} samples back to back in ${((Date.now() - t0) / 1000).toFixed(0)} s:`, ...out];
}

async function windowHour(ticks: number, marks: number[], dir: string): Promise<string[]> {
  const file = join(dir, 'window.jsonl');
  const socket = `pmemstat-hour-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const cmd = `TERM=xterm-256color PMEMSTAT_SOAK_PROBE=${file} exec ${process.execPath} --expose-gc -r ${PROBE} ${join(REPO, 'dist', 'launch.js')} -U -l 0.5`;
  const out: string[] = [];
  const t0 = Date.now();
  try {
    tmux('new-session', '-d', '-s', 'w', '-x', '160', '-y', '50', cmd);
    const pid = Number(tmux('display-message', '-p', '-t', 'w', '#{pane_pid}').trim());
    const left = [...marks];
    let p: Probe | null = null;
    // The frames written stand for its ticks (one frame a tick while the churn changes the rows).
    for (const end = Date.now() + ticks * 1000; left.length > 0 && Date.now() < end; ) {
      p = await probe(pid, file);
      while (left.length > 0 && p.writes >= left[0]) out.push(`  ${row(`frame ${p.writes} (past ${left.shift()}, ${((p.t - t0) / 1000).toFixed(0)} s)`, p, threads(pid))}`);
      await sleep(2000);
    }
    if (left.length > 0) out.push(`  stopped at ${p?.writes ?? 0} frames (marks left: ${left.join(', ')})`);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      /* gone */
    }
  }
  return [`terminal window (-l 0.5, in tmux), ${ticks} frames in ${((Date.now() - t0) / 1000).toFixed(0)} s:`, ...out];
}

/** The hour, in the helper and in the window at once, with the churn running through both. */
export async function benchHour(total = 2000, samples = 3600, churn = 1200): Promise<string[]> {
  if (spawnSync('sh', ['-c', 'command -v tmux'], { stdio: 'ignore' }).status !== 0) return ['hour soak: tmux is not installed (apt-get install tmux)'];
  const zoo = await fillTo(total);
  const ch = await startGroup(process.execPath, [join(REPO, 'bench', 'churn.mjs'), String(churn)], false);
  const dir = mkdtempSync(join(tmpdir(), 'pmemstat-hour-'));
  const marks = [10, 100, 300, 600, 1200, 2400, 3600].filter((m) => m < samples).concat(samples);
  try {
    await sleep(3000); // the churn under way
    const out = [`an hour of sampling compressed: ${pids().length} processes in /proc, ${churn} starting and exiting a minute (bench/churn.mjs)`];
    // BENCH_HOUR_ONLY=helper or =window runs one of them.
    const only = process.env.BENCH_HOUR_ONLY;
    const [helper, window] = await Promise.all([only === 'window' ? [] : helperHour(samples, marks, dir), only === 'helper' ? [] : windowHour(samples, marks, dir)]);
    return [...out, ...helper, ...window];
  } finally {
    ch.stop();
    zoo?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

