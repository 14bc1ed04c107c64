// Extra processes for benchmarks and tests: started in their own process group,
// so one signal stops them all.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The repository (the benches run from its dist/). */
const REPO = join(__dirname, '..');

export interface ProcessZoo {
  pids: number[];
  stop(): void;
}

/** Start `n` idle `sleep` processes (one shell forks them, all in one new process group). */
export async function startSleepers(n: number): Promise<ProcessZoo> {
  const script = `for i in $(seq ${n}); do sleep 100000 & done; echo ready; wait`;
  const sh: ChildProcess = spawn('sh', ['-c', script], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    sh.once('error', reject);
    sh.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) resolve();
    });
  });
  const pgid = sh.pid!;
  const stop = () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('exit', stop);
  return { pids: [pgid], stop };
}

/** bench/idle.c built static without libc (once per change of the source): a minimal process. */
export function buildIdle(): string {
  const dir = join(REPO, '.cache');
  mkdirSync(dir, { recursive: true });
  const exe = join(dir, 'idle');
  const src = join(REPO, 'bench', 'idle.c');
  if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('cc', ['-static', '-nostdlib', '-fno-stack-protector', '-O2', '-Wall', '-Wl,-N', '-Wl,--no-warn-rwx-segments', '-o', exe, src]);
  }
  return exe;
}

/** Start a child in a process group of its own, waiting (with `waitReady`) until it prints "ready"; `stop` kills the group. */
export async function startGroup(cmd: string, args: string[], waitReady: boolean): Promise<{ c: ChildProcess; stop: () => void }> {
  const c = spawn(cmd, args, { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
  if (waitReady) {
    await new Promise<void>((res, rej) => {
      c.once('error', rej);
      c.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && res());
    });
  }
  const stop = () => {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', stop);
  return { c, stop };
}
