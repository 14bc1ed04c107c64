// Extra processes for benchmarks and tests: started in their own process group,
// so one signal stops them all.
import { spawn, type ChildProcess } from 'node:child_process';

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
