// Worker threads started before the rest of the program is loaded. A worker takes ~20 ms to
// boot; started at the first line of the command (dist/launch.js, or main.ts) it boots while
// the main thread loads and compiles the bundle, parses its arguments and lists /proc, and is
// ready when the first full sample is read (src/sampler/parallel.ts adopts it), instead of
// joining that sample 50–100 ms late. This file imports only node's built-ins: the launcher
// bundles it without the rest of the sampler.
import { opendirSync, type Dir } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Fewer processes than this are read on the main thread alone (a worker's start costs more
 * than it saves): the sampler's own threshold for unknown processes, applied here to /proc's
 * entries before anything else is known.
 */
export const PRESTART_MIN_PIDS = 256;

/** The registry, on globalThis: dist/launch.js and dist/sampler.js are separate bundles in one isolate. */
const KEY = Symbol.for('pmemstat.prestartedWorkers');
interface Registry {
  script: string;
  workers: Worker[];
}
type Holder = { [KEY]?: Registry };

export function defaultWorkerCount(): number {
  const env = process.env.PMEMSTAT_WORKERS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.min(Number(env), 16);
  return Math.max(0, Math.min(availableParallelism() - 1, 3));
}

/** How many numeric entries (processes) a directory like /proc lists, counting no further than `upTo`. */
export function countPids(procDir: string, upTo: number): number {
  // Read only as far as needed (not all of a /proc of thousands): the sampler lists it whole soon after.
  let dir: Dir;
  try {
    dir = opendirSync(procDir, { bufferSize: 256 });
  } catch {
    return 0;
  }
  let n = 0;
  try {
    for (let e = dir.readSync(); e !== null; e = dir.readSync()) {
      const c = e.name.charCodeAt(0);
      if (c >= 48 && c <= 57 && ++n >= upTo) break;
    }
  } catch {
    /* unreadable half way: what was counted */
  } finally {
    dir.closeSync();
  }
  return n;
}

/** Whether workers of `script` are waiting already (started by dist/launch.js): no need to count /proc again. */
export function hasPrestarted(script: string): boolean {
  const reg = (globalThis as Holder)[KEY];
  return reg !== undefined && reg.script === script && reg.workers.length > 0;
}

/** A new worker of `script` that neither keeps the process alive nor closes the fds it opens (they are the sampler's). */
export function startWorker(script: string): Worker {
  const w = new Worker(script, { trackUnmanagedFds: false });
  w.unref();
  return w;
}

/**
 * Start `n` workers of `script` now, for the first full sample to adopt; none when some are
 * waiting already. Returns how many are waiting.
 */
export function prestartWorkers(script: string, n: number): number {
  const g = globalThis as Holder;
  if (g[KEY] && g[KEY].workers.length > 0) return g[KEY].workers.length;
  const reg: Registry = { script, workers: [] };
  g[KEY] = reg;
  for (let i = 0; i < n; i++) {
    const w = startWorker(script);
    // One that fails to start is dropped; the sampler reads without it.
    w.once('error', () => {
      reg.workers = reg.workers.filter((x) => x !== w);
    });
    reg.workers.push(w);
  }
  return reg.workers.length;
}

/** Take the waiting workers of `script` (none when there are none, or of another script). */
export function takePrestarted(script: string, max: number): Worker[] {
  const reg = (globalThis as Holder)[KEY];
  if (!reg || reg.script !== script || max <= 0) return [];
  return reg.workers.splice(0, max);
}

/** End the workers nobody adopted (a command that did not sample after all; tests). */
export function dropPrestarted(): Promise<void> {
  const reg = (globalThis as Holder)[KEY];
  if (!reg) return Promise.resolve();
  const ws = reg.workers.splice(0);
  return Promise.all(ws.map((w) => w.terminate())).then(() => undefined);
}
