// The live view's price against top's (issue 21): with about 2,000 idle processes, the terminal
// window and the report loop at a 1 s refresh run side by side with `top -d 1` and `htop -d 10`
// (each in a tmux pane of its own, as on a terminal), and each one's CPU time over the same
// seconds is read from /proc. Several rounds; medians. top reads stat and statm of every
// process every tick; we read stat and walk only what moved, within the walk budget. Each
// pmemstat beside walks the others (busy node processes) every tick: BENCH_LIVE_NO_LOOP=1 leaves
// the report loop out, so that the window runs alone beside top and htop (with BENCH_BASE unset).
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { cpuMs, fillTo, median, pids as procPids, sleep } from './scale';

const REPO = join(__dirname, '..');

interface Contender {
  name: string;
  cmd: string;
}

/**
 * `base`: another build's dist/sampler.js, whose window runs beside this one's (a change's
 * before and after in one run); several, comma-separated, run beside each other.
 */
export async function benchLive(total = 2000, rounds = 3, seconds = 10, sampler = join(REPO, 'dist', 'sampler.js'), base?: string): Promise<string[]> {
  const have = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`], { stdio: 'ignore' }).status === 0;
  if (!have('tmux')) return ['live view: tmux is not installed (apt-get install tmux)'];
  // The processes a part before killed may still be listed for a moment: wait until they are gone.
  for (let last = -1, i = 0; i < 20 && procPids().length !== last; i++) {
    last = procPids().length;
    await sleep(500);
  }
  const zoo = await fillTo(total);
  const socket = `pmemstat-live-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const node = process.execPath;
  const all: Contender[] = [
    { name: 'pmemstat window (-l 1)', cmd: `${node} ${sampler} -U -l 1` },
    ...(process.env.BENCH_LIVE_NO_LOOP ? [] : [{ name: 'pmemstat -l 1 --json', cmd: `${node} ${sampler} -U -l 1 -W --json >/dev/null` }]),
    ...(base ?? '')
      .split(',')
      .filter((b) => b !== '')
      .map((b, i, all) => ({ name: `base build${all.length > 1 ? ` ${i + 1}` : ''} window (-l 1)`, cmd: `${node} ${b} -U -l 1` })),
    { name: 'top -d 1', cmd: 'top -d 1' },
    // htop's delay is in tenths of a second.
    { name: 'htop -d 10', cmd: 'htop -d 10' },
  ];
  const runs = all.filter((c) => have(c.cmd.split(' ')[0]));
  const out: string[] = [];
  try {
    const pids: number[] = [];
    runs.forEach((c, i) => {
      tmux('new-session', '-d', '-s', `c${i}`, '-x', '160', '-y', '50', `TERM=xterm-256color exec ${c.cmd}`);
      pids.push(Number(tmux('display-message', '-p', '-t', `c${i}`, '#{pane_pid}').trim()));
    });
    const n = procPids().length;
    await sleep(4000); // past the first (full) sample of each
    const used: number[][] = runs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      const c0 = pids.map(cpuMs);
      await sleep(seconds * 1000);
      const c1 = pids.map(cpuMs);
      c1.forEach((c, i) => used[i].push(c - c0[i]));
    }
    const pct = (i: number) => (100 * median(used[i])) / (seconds * 1000);
    const top = runs.findIndex((c) => c.name.startsWith('top'));
    if (base) base.split(',').forEach((b, i) => out.push(`  base build ${i + 1}: ${b}`));
    out.push(`live view, ${n} processes in /proc (mostly idle sleeps), 1 s refresh, side by side in one run: CPU of a core, median of ${rounds} rounds of ${seconds} s`);
    runs.forEach((c, i) => {
      const vsTop = top >= 0 && i !== top ? ` = ${(pct(i) / pct(top)).toFixed(2)}x top${i === 0 ? ' (target ≤ 1.0x)' : ''}` : '';
      out.push(`  ${c.name.padEnd(28)} ${pct(i).toFixed(1).padStart(5)} %${vsTop}   (rounds: ${used[i].map((u) => `${u} ms`).join(', ')})`);
    });
  } finally {
    try {
      tmux('kill-server');
    } catch {
      /* no server left */
    }
    zoo?.stop();
  }
  return out;
}
