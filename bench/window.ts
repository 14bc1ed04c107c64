// The terminal window's CPU on the database load (bench/dbload.c): the window at a 1 s refresh,
// as `pmemstat -l 1` opens it on a terminal (a tmux pane), with its walk budget (default 10 ms)
// against the same window walking every page table every tick (--walk-budget 0). BENCH_SAMPLER
// names another dist/sampler.js (an earlier build) to measure it the same way.
import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { buildDbload, cpuMs } from './scale';

const REPO = join(__dirname, '..');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `base`: another build's dist/sampler.js, whose window (default budget) runs beside this one's. */
export async function benchWindowDb(mb = 1536, backends = 16, seconds = 15, sampler = join(REPO, 'dist', 'sampler.js'), base?: string): Promise<string[]> {
  const socket = `pmemstat-bench-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const db = spawn(buildDbload(), ['-m', String(mb), '-k', String(backends)], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  const out: string[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let text = '';
      db.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        if (/^up \d+$/m.test(text)) resolve();
      });
      db.once('exit', (c) => reject(new Error(`dbload exited ${c}`)));
    });
    const pids: number[] = [];
    // The window with its budget and walking everything; for reference the report loop (-l 1 --json) the same two ways.
    const runs = [['budget', ''], ['all', '--walk-budget 0'], ['loop', '-W --json >/dev/null'], ['loop-all', '-W --json --walk-budget 0 >/dev/null']] as const;
    const all: Array<readonly [string, string, string]> = runs.map(([name, extra]) => [name, extra, sampler]);
    if (base) all.push(['base', '', base]);
    for (const [name, extra, bin] of all) {
      tmux('new-session', '-d', '-s', name, '-x', '160', '-y', '50', `exec ${process.execPath} ${bin} -U -l 1 ${extra}`);
      pids.push(Number(tmux('display-message', '-p', '-t', name, '#{pane_pid}').trim()));
    }
    await sleep(3000); // past the first (full) sample of each
    const c0 = pids.map(cpuMs);
    await sleep(seconds * 1000);
    const c1 = pids.map(cpuMs);
    const used = c1.map((c, i) => c - c0[i]);
    out.push(`window on the database load (${backends} backends sharing ${mb} MB), 1 s refresh, ${seconds} s (${sampler}):`);
    out.push(`  window, default walk budget: ${used[0]} ms CPU = ${((100 * used[0]) / (seconds * 1000)).toFixed(1)} % of a core`);
    out.push(`  window --walk-budget 0 (walk every page table every tick): ${used[1]} ms CPU = ${((100 * used[1]) / (seconds * 1000)).toFixed(1)} % of a core`);
    out.push(`  ratio ${(used[0] / used[1]).toFixed(2)} (target ≤ 0.15)`);
    if (base) out.push(`  base build's window (${base}), default walk budget: ${used[4]} ms CPU, ratio ${(used[4] / used[1]).toFixed(2)}`);
    out.push(`  for reference, pmemstat -l 1 --json: ${used[2]} ms CPU with the budget, ${used[3]} ms walking everything, ratio ${(used[2] / used[3]).toFixed(2)}`);
  } finally {
    try {
      tmux('kill-server');
    } catch {
      /* no server left */
    }
    if (db.pid) {
      try {
        process.kill(-db.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
  }
  return out;
}
