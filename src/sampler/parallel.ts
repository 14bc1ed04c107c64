// Reading a full sample on every core: the processes the sampler does not know yet
// (all of them in a one-shot report or a loop's first tick) are named and read by the
// main thread and worker threads together, each taking the next chunk of pids from a
// shared counter, so a worker that starts late takes less. Each process is read whole
// by one thread (its stat with its rollup or smaps), and the sampler assembles them in
// pid order. fds opened by a worker are the process's: the sampler keeps them.
//
// A worker sends each chunk as soon as it is read, on a port of its own, and the main
// thread takes them in between its own chunks (receiveMessageOnPort): copying a worker's
// results into the main thread overlaps the worker's reading instead of following it, and
// no message is larger than a chunk's. One message of a worker's whole share (megabytes at
// 10,000 processes) left about 20 MB in the allocator's arenas for the helper's lifetime.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, MessageChannel, parentPort, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { PidStat } from '../core/types';
import { closeFd } from '../proc/readfile';
import { useTree } from '../proc/tree';
import { openProcess, readMem, type ProcEntry, type ReadCtx, type SampleStats } from './procread';
import { defaultWorkerCount, startWorker, takePrestarted } from './prestart';
import { packChunk, unpackChunk } from './chunkWire';

export { defaultWorkerCount };

/** Pids taken per claim: small enough to balance, large enough that claiming costs nothing. */
const CHUNK = 16;

export interface ReadJob {
  pids: number[];
  root: string;
  detail: boolean;
  oneShot: boolean;
  filter: string[];
  cgroups: boolean;
  zramActive: boolean;
  /** Whether the sampler has room to keep each process's stat fd, and its rollup fd. */
  keepStat: boolean;
  keepRollup: boolean;
  /** [next index to claim, then one slot per worker: 0 not started, 1 started, -1 not wanted]. */
  shared: SharedArrayBuffer;
}

/** A process read before the sample that uses it (by a worker thread, or the main thread, in parallel). */
export interface ReadOne {
  pid: number;
  e: ProcEntry;
  st: PidStat;
}

/**
 * Name and read every pid the shared counter hands this thread; `slot` is 0 for the main
 * thread. `chunkDone` is told each chunk's results as they are read; false when the thread
 * came too late (every pid taken) and read nothing.
 */
export function readClaimed(job: ReadJob, slot: number, chunkDone: (got: ReadOne[]) => void): boolean {
  const state = new Int32Array(job.shared);
  if (slot > 0 && Atomics.compareExchange(state, slot, 0, 1) !== 0) return false; // too late: all taken
  useTree(job.root);
  const ctx: ReadCtx = {
    root: job.root,
    detail: job.detail,
    oneShot: job.oneShot,
    filter: job.filter,
    cgroups: job.cgroups,
    keep: (fd) => (job.keepStat ? fd : (closeFd(fd), -1)),
    keepRollup: (fd) => (job.keepRollup ? fd : (closeFd(fd), -1)),
    release: closeFd,
  };
  const stats: SampleStats = { smapsPids: [], rollupReads: 0, walkedPids: [], walkMs: 0 };
  for (;;) {
    const at = Atomics.add(state, 0, CHUNK);
    if (at >= job.pids.length) break;
    const out: ReadOne[] = [];
    for (const pid of job.pids.slice(at, at + CHUNK)) {
      const got = openProcess(ctx, pid);
      if (!got) continue;
      const { e } = got;
      if (!e.nonUser && !e.filtered) {
        const t0 = performance.now();
        const mem = readMem(ctx, pid, e, job.zramActive, stats);
        e.walkMs = performance.now() - t0;
        e.mem = typeof mem === 'object' ? mem : null;
        e.memDetail = job.detail;
      }
      // The bytes last read are kept to tell the next tick's read unchanged; a one-shot report
      // has no next tick, and a worker's copies would only be cloned to the main thread.
      if (job.oneShot && slot > 0) e.statMemo.raw = e.rollupMemo.raw = null;
      out.push({ pid, e, st: got.st });
    }
    chunkDone(out);
  }
  return true;
}

/** What a worker sends on a job's port: a chunk's results (chunkWire.ts), then null when it has read its last. */
type ChunkMessage = unknown[] | null;

/** The worker side: dist/procworker.js runs this. A job without pids (or port) is a ping. */
export function serveWorker(): void {
  if (isMainThread || !parentPort) return;
  const parent = parentPort;
  parent.on('message', (m: { id: number; job: ReadJob | null; slot: number; port?: MessagePort }) => {
    const port = m.port;
    if (m.job && port) {
      readClaimed(m.job, m.slot, (got) => port.postMessage(packChunk(got) satisfies ChunkMessage));
      port.postMessage(null satisfies ChunkMessage);
    }
    parent.postMessage({ id: m.id });
  });
}

export interface ParallelOptions {
  /** The worker bundle; null or missing = no workers (read on the main thread alone). */
  script: string | null;
  /** Worker threads besides the main thread (default: one fewer than the cores, at most 3). */
  workers?: number;
  /** Keep idle workers this long for the next full sample (ms); 0 = end them after each. */
  idleMs?: number;
}

/** dist/procworker.js beside the running bundle, when there is one. */
export function defaultWorkerScript(): string | null {
  const p = join(__dirname, 'procworker.js');
  return existsSync(p) ? p : null;
}

export class ParallelReader {
  private pool: Worker[] = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private jobs = 0;
  readonly workers: number;
  /** How many processes each thread read in the last full sample (main thread first). */
  lastShares: number[] = [];
  /** How many of the workers were started by the command's first line (prestart.ts), not here. */
  adopted = 0;

  constructor(private readonly opts: ParallelOptions) {
    this.workers = opts.script ? (opts.workers ?? defaultWorkerCount()) : 0;
  }

  /**
   * Start the workers ahead of a full sample (their start-up then overlaps other work); those
   * the command started at its first line (prestart.ts) are taken first.
   */
  warm(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const script = this.opts.script;
    if (!script || this.pool.length >= this.workers) return;
    // The fds a worker opens are kept by the sampler after the worker ends: Node must not
    // close them at its exit (its default), or a kept fd's number could name another file.
    const fresh = takePrestarted(script, this.workers - this.pool.length);
    this.adopted += fresh.length;
    while (fresh.length + this.pool.length < this.workers) fresh.push(startWorker(script));
    for (const w of fresh) {
      w.on('error', () => this.drop(w));
      this.pool.push(w);
    }
  }

  /** Resolves when every worker has started (benchmarks and tests: to measure reading, not booting). */
  async warmed(): Promise<void> {
    this.warm();
    await Promise.all(this.pool.map((w) => new Promise<void>((res) => {
      const id = -++this.jobs;
      const done = (m: { id: number }) => {
        if (m.id !== id) return;
        w.off('message', done);
        res();
      };
      w.on('message', done);
      w.once('error', () => res());
      w.postMessage({ id, job: null, slot: 0 });
    })));
  }

  private drop(w: Worker): void {
    this.pool = this.pool.filter((x) => x !== w);
    void w.terminate();
  }

  /** Read `pids` on every thread; results in pid order. */
  async read(job: Omit<ReadJob, 'shared'>): Promise<ReadOne[]> {
    this.warm();
    const pool = [...this.pool];
    const shared = new SharedArrayBuffer(4 * (1 + pool.length));
    const full: ReadJob = { ...job, shared };
    const id = ++this.jobs;
    const all: ReadOne[] = [];
    const shares = pool.map(() => 0);
    const ended = pool.map(() => false);
    const ports = pool.map((w, i) => {
      const { port1, port2 } = new MessageChannel();
      // A worker lost half way loses only its chunks not yet sent: the sampler reads what is missing.
      w.postMessage({ id, job: full, slot: i + 1, port: port2 }, [port2]);
      return port1;
    });
    const take = (i: number, m: ChunkMessage): boolean => {
      if (m === null) {
        ended[i] = true;
        return false;
      }
      const got = unpackChunk(m);
      shares[i] += got.length;
      for (const r of got) all.push(r);
      return true;
    };
    /** Take what each worker has sent so far. */
    const drain = () => {
      for (let i = 0; i < ports.length; i++) {
        for (let m = receiveMessageOnPort(ports[i]); m !== undefined; m = receiveMessageOnPort(ports[i])) {
          if (!take(i, m.message as ChunkMessage)) break;
        }
      }
    };
    let mine = 0;
    readClaimed(full, 0, (got) => {
      mine += got.length;
      for (const r of got) all.push(r);
      drain();
    });
    // A worker that has not started by now gets nothing: do not wait for it to boot.
    const state = new Int32Array(shared);
    const started = pool.map((_, i) => Atomics.compareExchange(state, i + 1, 0, -1) !== 0);
    drain();
    await Promise.all(
      ports.map((port, i) =>
        started[i] && !ended[i]
          ? new Promise<void>((resolve) => {
              const w = pool[i];
              const end = () => {
                w.off('error', end);
                w.off('exit', end);
                port.close();
                resolve();
              };
              port.on('message', (m: ChunkMessage) => void (take(i, m) || end()));
              w.once('error', end);
              w.once('exit', end);
            })
          : port.close(),
      ),
    );
    this.lastShares = [mine, ...shares];
    all.sort((a, b) => a.pid - b.pid);
    this.idle();
    return all;
  }

  private idle(): void {
    const ms = this.opts.idleMs ?? 0;
    if (ms <= 0) return void this.close();
    this.idleTimer = setTimeout(() => void this.close(), ms);
    this.idleTimer.unref();
  }

  /** End the workers; resolves when they have exited. */
  close(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    const ending = this.pool.map((w) => w.terminate());
    this.pool = [];
    return Promise.all(ending).then(() => undefined);
  }
}
