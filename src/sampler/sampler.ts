// Reads a /proc tree (the live one, or a captured one under another root) into Samples.
// Per-process state is cached by pid + start time, so a reused pid is read afresh; in
// detail mode smaps is re-read only for processes whose rollup changed; with a walk
// budget, page tables are walked only for processes whose counters moved, plus the
// oldest others the budget allows (src/core/walkbudget.ts).
import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { CpuTracker, cpuSinceStart } from '../core/cpu';
import { parseCpuStat, parseMeminfo, parsePidStat, parseUptime, parseVmstat } from '../core/procfiles';
import { MAX_NAMED_INACCESSIBLE, type KernelThreadCpu, type Mem, type NamedPid, type PidStat, type ProcSample, type Sample } from '../core/types';
import { memoryMoved } from '../core/statmem';
import { chooseWalks, type WalkCandidate } from '../core/walkbudget';
import { readProcCgroup, readSystemPressure } from '../proc/cgroupfs';
import { readKsmKb } from '../proc/ksm';
import { useTree } from '../proc/tree';
import { readZramStats } from '../proc/zramfs';
import { closeFd, openFilesLimit, openRead, readFdParsed, readText, type ParsedRead } from '../proc/readfile';
import { commText, execedWithoutFd, openProcess, procPath, readMem, renameAfterExec, type ProcEntry, type ReadCtx, type SampleStats } from './procread';
import type { ParallelReader, ReadOne } from './parallel';
import { defaultSamplerOptions, type SamplerOptions } from './samplerOptions';

/** Fewer unknown processes than this are read on the main thread alone (a worker's start costs more). */
const PARALLEL_MIN_PIDS = 256;

export type { SampleStats } from './procread';
export { defaultSamplerOptions, type SamplerOptions } from './samplerOptions';

interface Todo {
  pid: number;
  e: ProcEntry;
  st: PidStat;
  fresh: boolean;
  moved: boolean;
}

export class Sampler {
  private cache = new Map<number, ProcEntry>();
  private cpu: CpuTracker;
  private prevMajf: { time: number; count: number } | null = null;
  private prevTime = 0;
  private parallel: ParallelReader | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private lastZram: boolean | null = null;
  /** How many more fds we may keep open (half the soft limit, the rest is the host's). */
  private fdBudget = Math.max(0, Math.floor(openFilesLimit() / 2) - 64);
  readonly opts: SamplerOptions;
  lastStats: SampleStats = { smapsPids: [], rollupReads: 0, walkedPids: [], walkMs: 0 };
  protected readonly ctx: ReadCtx;

  constructor(opts: Partial<SamplerOptions> = {}) {
    this.opts = { ...defaultSamplerOptions(), ...opts };
    useTree(this.opts.root);
    this.cpu = new CpuTracker(this.opts.cpuAvgSecs);
    const opt = this.opts;
    this.ctx = {
      get root() {
        return opt.root;
      },
      get detail() {
        return opt.detail;
      },
      get oneShot() {
        return opt.oneShot;
      },
      get filter() {
        return opt.filter;
      },
      get cgroups() {
        return opt.cgroups;
      },
      keep: (fd) => this.keep(fd),
      // Leave room for a stat fd per process: that one is read every tick.
      keepRollup: (fd) => (this.fdBudget > this.cache.size ? this.keep(fd) : (closeFd(fd), -1)),
      release: (fd) => this.release(fd),
    };
  }

  setOptions(o: Partial<SamplerOptions>): void {
    // Kept fds belong to the old tree; the per-process cache (pid + start time) stays.
    if (o.root !== undefined && o.root !== this.opts.root) for (const e of this.cache.values()) this.closeFds(e);
    Object.assign(this.opts, o);
    useTree(this.opts.root);
    this.cpu.avgSecs = this.opts.cpuAvgSecs;
    if (o.filter) for (const [pid, e] of this.cache) e.filtered = !this.wanted(pid, e.exe);
  }

  private path(...parts: string[]): string {
    return posix.join(this.opts.root, ...parts);
  }

  private wanted(pid: number, exe: string): boolean {
    const f = this.opts.filter;
    return f.length === 0 || f.includes(String(pid)) || f.includes(exe);
  }

  /** Read full samples with these worker threads too (null: the main thread alone). */
  useParallel(r: ParallelReader | null): void {
    this.parallel = r;
  }

  /**
   * `sample`, but when many processes are not known yet (a one-shot report, a loop's first
   * tick) they are read on every core first; the sample is then assembled as usual.
   */
  sampleAsync(now?: number): Promise<Sample> {
    const s = this.sampleSoon(now);
    return s instanceof Promise ? s : Promise.resolve(s);
  }

  /**
   * The sample now, synchronously, when it needs no workers (most ticks); a promise of it
   * when it does. One at a time: two prefetches of the same new processes would each keep fds.
   */
  sampleSoon(now?: number): Sample | Promise<Sample> {
    let listed: number[] | null = null;
    if (this.pending === 0) {
      const pids = this.listPids();
      const r = this.parallel;
      const unknown = r && r.workers > 0 ? pids.filter((p) => !this.cache.has(p)) : [];
      if (!r || unknown.length < PARALLEL_MIN_PIDS) return this.sample(now ?? Date.now(), undefined, pids);
      listed = pids; // nothing runs before it: the listing is still the latest
    }
    this.pending++;
    const run = this.queue.then(() => this.sampleParallel(now ?? Date.now(), listed ?? this.listPids()));
    this.queue = run.catch(() => undefined).finally(() => this.pending--);
    return run;
  }

  private async sampleParallel(now: number, pids: number[]): Promise<Sample> {
    const r = this.parallel;
    const unknown = r && r.workers > 0 ? pids.filter((p) => !this.cache.has(p)) : [];
    if (!r || unknown.length < PARALLEL_MIN_PIDS) return this.sample(now, undefined, pids);
    // The workers keep fds on our behalf: reserve them (a stat fd first), give back the rest.
    const n = unknown.length;
    const keepStat = this.fdBudget >= n;
    const keepRollup = keepStat && this.fdBudget - n > n + this.cache.size;
    const reserved = (keepStat ? n : 0) + (keepRollup ? n : 0);
    this.fdBudget -= reserved;
    const o = this.opts;
    const zramActive = readZramStats(o.root) !== null;
    const got = await r.read({ pids: unknown, root: o.root, detail: o.detail, oneShot: o.oneShot, filter: o.filter, cgroups: o.cgroups, zramActive, keepStat, keepRollup });
    const pre = new Map<number, ReadOne>(got.map((g) => [g.pid, g]));
    try {
      return this.sample(now, pre, pids);
    } finally {
      let kept = 0;
      for (const g of got) {
        const fds = [g.e.statFd, g.e.rollupFd].filter((fd) => fd >= 0);
        if (this.cache.get(g.pid) === g.e) kept += fds.length;
        else fds.forEach(closeFd); // listed by the prefetch, gone by the sample
      }
      this.fdBudget += reserved - kept;
    }
  }

  /**
   * Take one sample. Never throws because of one process. `pre`: processes a worker
   * already read for this sample (their fds kept are already counted); `pids`: the listing
   * of /proc when the caller has just read it.
   */
  sample(now = Date.now(), pre?: ReadonlyMap<number, ReadOne>, pids = this.listPids()): Sample {
    const stats: SampleStats = { smapsPids: [], rollupReads: 0, walkedPids: [], walkMs: 0 };
    const meminfo = parseMeminfo(readText(this.path('proc/meminfo'), true).text ?? '');
    const cpuStat = parseCpuStat(readText(this.path('proc/stat'), true).text ?? '');
    const pgmajfault = parseVmstat(readText(this.path('proc/vmstat')).text ?? '').pgmajfault;
    const zram = readZramStats(this.opts.root);
    const zramActive = zram !== null;
    const budgeted = this.opts.walkBudgetMs > 0 && !this.opts.oneShot;

    const kthreads: KernelThreadCpu[] = [];
    let totalUser = 0;
    let inaccessible = 0;
    const inaccessibleProcs: NamedPid[] = [];
    let filtered = 0;
    let kernelCpu = 0;
    const seen = new Set<number>();
    const todo: Todo[] = [];
    this.cpu.beginSample();
    const uptime = this.opts.cpuSinceStart ? parseUptime(readText(this.path('proc/uptime')).text ?? '') : null;

    for (const pid of pids) {
      const known = this.cache.get(pid);
      let e: ProcEntry;
      let st: PidStat | null = null;
      let moved = false;
      if (known) {
        // Through the kept fd; with none (no room), open it again: the memo still tells a change.
        const before = known.statMemo.raw; // a read that changes the bytes replaces, not overwrites, them
        const kept = known.statFd >= 0 ? readFdParsed(known.statFd, known.statMemo, parsePidStat) : this.readStatOnce(pid, known);
        if (kept.ok && kept.value && kept.value.starttime === known.starttime) {
          st = kept.value;
          moved = kept.changed && memoryMoved(before, known.statMemo.raw);
        } // else the process we knew is gone
      }
      let fresh = false;
      if (known && st) {
        e = known;
        if (execedWithoutFd(e, st, moved)) {
          renameAfterExec(this.ctx, pid, e, commText(st.comm));
          e.mem = null; // the old program's figures: read the new one's now
        }
      } else {
        if (known) this.forget(pid, known);
        const got = pre?.get(pid) ?? openProcess(this.ctx, pid);
        if (!got) continue; // vanished
        e = got.e;
        st = got.st;
        this.cache.set(pid, e);
        fresh = true;
      }
      seen.add(pid);
      if (e.nonUser) {
        if (e.kthread && this.opts.kernelCpu) {
          const c = this.cpu.update(`${pid}:${st.starttime}`, now, st.ticks, cpuStat.totalTicks, cpuStat.ncpu);
          kernelCpu += c;
          if (c > 0) kthreads.push({ pid, comm: e.comm, cpu: c });
        }
        continue;
      }
      totalUser++;
      if (e.filtered) {
        filtered++;
        continue;
      }
      todo.push({ pid, e, st, fresh, moved });
    }

    // zRAM turning on or off changes what ptotal counts (SwapPss): read every figure again.
    const walk = budgeted && zramActive === this.lastZram ? new Set(this.chooseWalks(todo, now)) : null;
    this.lastZram = zramActive;
    const procs: ProcSample[] = [];
    for (const t of todo) {
      const { pid, e, st } = t;
      e.movedLast = t.moved;
      let mem: Mem | 'denied' | null;
      let asOf: number | undefined;
      if (e.mem && e.memDetail === this.opts.detail && walk && !walk.has(pid)) {
        mem = e.mem;
        asOf = e.walkedAt;
      } else if (t.fresh && e.mem && pre?.get(pid)?.e === e) {
        mem = e.mem; // read for this very sample by the parallel prefetch
        e.walkedAt = now;
        stats.walkedPids.push(pid);
        stats.walkMs += e.walkMs;
        if (this.opts.detail) stats.smapsPids.push(pid);
        if (!(this.opts.detail && this.opts.oneShot)) stats.rollupReads++;
      } else {
        const t0 = performance.now();
        mem = readMem(this.ctx, pid, e, zramActive, stats);
        e.walkMs = performance.now() - t0;
        stats.walkMs += e.walkMs;
        e.walkedAt = now;
        e.mem = typeof mem === 'object' ? mem : null;
        e.memDetail = this.opts.detail;
      }
      if (mem === 'denied' || e.denied) {
        inaccessible++;
        if (inaccessibleProcs.length < MAX_NAMED_INACCESSIBLE) inaccessibleProcs.push({ pid, name: inaccessibleName(e) });
        continue;
      }
      if (mem === null) {
        totalUser--; // vanished: as if never listed
        continue;
      }
      const windowed = this.cpu.update(`${pid}:${st.starttime}`, now, st.ticks, cpuStat.totalTicks, cpuStat.ncpu);
      const cpu = uptime === null ? windowed : cpuSinceStart(st.ticks, st.starttime, uptime);
      const p: ProcSample = { pid, starttime: st.starttime, exe: e.exe, cmd: e.cmd, mem, ticks: st.ticks, cpu, pssShmem: e.pssShmem };
      if (asOf !== undefined) p.asOf = asOf;
      if (this.opts.cgroups && e.cgroup === undefined) e.cgroup = readProcCgroup(this.opts.root, pid);
      if (e.cgroup) p.cgroup = e.cgroup;
      if (this.opts.oom) {
        const oom = Number(readText(procPath(this.ctx, pid, 'oom_score')).text ?? NaN);
        if (Number.isSafeInteger(oom) && oom >= 0) p.oom = oom;
      }
      if (this.opts.thp) p.thp = e.anonHuge;
      if (this.opts.ksm) {
        const ksm = readKsmKb(procPath(this.ctx, pid, 'ksm_stat'));
        if (ksm !== undefined) p.ksm = ksm;
      }
      procs.push(p);
    }
    this.cpu.endSample();
    for (const [pid, e] of this.cache) if (!seen.has(pid)) this.forget(pid, e);

    let majfaultsPerSec = 0;
    if (this.prevMajf && now > this.prevMajf.time) {
      majfaultsPerSec = Math.max(0, ((pgmajfault - this.prevMajf.count) * 1000) / (now - this.prevMajf.time));
    }
    this.prevMajf = { time: now, count: pgmajfault };
    this.prevTime = now;
    kthreads.sort((a, b) => b.cpu - a.cpu || a.pid - b.pid);
    this.lastStats = stats;
    return {
      time: now,
      meminfo,
      cpu: cpuStat,
      pgmajfault,
      zram,
      procs,
      totalUserProcs: totalUser,
      inaccessible,
      inaccessibleProcs,
      filtered,
      kernelCpu,
      topKernelThreads: kthreads.slice(0, 2),
      majfaultsPerSec,
      detail: this.opts.detail,
      pressure: readSystemPressure(this.opts.root),
    };
  }

  private chooseWalks(todo: readonly Todo[], now: number): number[] {
    const cands: WalkCandidate[] = todo.map((t) => ({
      pid: t.pid,
      fresh: t.fresh || t.e.mem === null || t.e.memDetail !== this.opts.detail,
      moved: t.moved,
      movedBefore: t.e.movedLast,
      walkedAt: t.e.walkedAt,
      costMs: t.e.walkMs,
    }));
    const tickMs = this.prevTime > 0 ? Math.max(0, now - this.prevTime) : 0;
    return chooseWalks(cands, now, tickMs, { budgetMs: this.opts.walkBudgetMs, maxAgeMs: this.opts.maxAgeSeconds * 1000 });
  }

  private readStatOnce(pid: number, e: ProcEntry): ParsedRead<PidStat> {
    const o = openRead(procPath(this.ctx, pid, 'stat'));
    if (o.code !== null) return { ok: false, code: o.code };
    const r = readFdParsed(o.fd, e.statMemo, parsePidStat);
    e.statFd = this.keep(o.fd); // room again, perhaps
    return r;
  }

  /** Release every kept fd (the sampler stays usable). */
  close(): void {
    for (const [pid, e] of this.cache) this.forget(pid, e);
  }

  private keep(fd: number): number {
    if (this.fdBudget > 0) {
      this.fdBudget--;
      return fd;
    }
    closeFd(fd);
    return -1;
  }

  private release(fd: number): void {
    if (fd < 0) return;
    closeFd(fd);
    this.fdBudget++;
  }

  private closeFds(e: ProcEntry): void {
    this.release(e.statFd);
    this.release(e.rollupFd);
    e.statFd = e.rollupFd = -1;
  }

  private forget(pid: number, e: ProcEntry): void {
    this.closeFds(e);
    this.cache.delete(pid);
  }

  private listPids(): number[] {
    let names: string[];
    try {
      names = readdirSync(this.path('proc'));
    } catch {
      return [];
    }
    const pids: number[] = [];
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c >= 48 && c <= 57 && /^\d+$/.test(n)) pids.push(Number(n));
    }
    return pids.sort((a, b) => a - b);
  }
}

/** A process we may not read, named by its command line (world-readable), else comm; cut short. */
function inaccessibleName(e: ProcEntry): string {
  const name = e.cmd || e.comm;
  return name.length > 120 ? `${name.slice(0, 119)}\u2026` : name;
}
