// Reads a /proc tree (the live one, or a captured one under another root) into Samples.
// Per-process state is cached by pid + start time, so a reused pid is read afresh; in
// detail mode smaps is re-read only for processes whose rollup changed; with a walk
// budget, page tables are walked only for processes whose counters moved, plus the
// oldest others the budget allows (src/core/walkbudget.ts).
import { posix } from 'node:path';
import { CpuTracker, cpuSinceStart } from '../core/cpu';
import { parseCpuStat, parseMeminfo, parsePidStat, parseUptime, parseVmstat } from '../core/procfiles';
import { MAX_NAMED_INACCESSIBLE, type KernelThreadCpu, type Mem, type NamedPid, type PidStat, type ProcSample, type Sample } from '../core/types';
import { memoryMoved } from '../core/statmem';
import { chooseEntryWalks } from '../core/walkbudget';
import { readProcCgroup, readSystemPressure } from '../proc/cgroupfs';
import { readKsmKb } from '../proc/ksm';
import { listPidDir, procIsOurPidNs, readLastPid } from '../proc/pidlist';
import { useTree } from '../proc/tree';
import { readZramStats } from '../proc/zramfs';
import { CHANGED, closeFd, FAILED, openFilesLimit, openRead, readText, rereadFd } from '../proc/readfile';
import { commText, execedWithoutFd, inaccessibleName, openProcess, procPath, readMem, readOom, renameAfterExec, type ProcEntry, type ReadCtx, type SampleStats } from './procread';
import { FdBudget } from './fdBudget';
import type { ParallelReader, ReadOne } from './parallel';
import { defaultSamplerOptions, type SamplerOptions } from './samplerOptions';

/** The longest a listing of /proc is used again (see listPids). */
const RELIST_MS = 10_000;

/** Fewer unknown processes than this are read on the main thread alone (a worker's start costs more). */
const PARALLEL_MIN_PIDS = 256;

export type { SampleStats } from './procread';
export { defaultSamplerOptions, type SamplerOptions } from './samplerOptions';

export class Sampler {
  private cache = new Map<number, ProcEntry>();
  private cpu: CpuTracker;
  private prevMajf: { time: number; count: number } | null = null;
  private prevTime = 0;
  private parallel: ParallelReader | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private lastZram: boolean | null = null;
  /** Samples taken (an entry listed by the latest carries its number). */
  private tickNo = 0;
  /** The pids the latest sample listed and found. */
  private listed: number[] = [];
  /** The last pid allocated when /proc was last listed (null: list it next time), and when. */
  private listedLastPid: number | null = null;
  private listedAt = 0;
  /** How many times /proc was listed (tests). */
  relists = 0;
  /**
   * Fds kept open across samples: half the soft limit (the rest is the host's); none in a one-shot
   * report, with no next tick to re-read them (each fd kept grows the fd table: a wait at each doubling).
   */
  private fds: FdBudget;
  readonly opts: SamplerOptions;
  lastStats: SampleStats = { smapsPids: [], rollupReads: 0, walkedPids: [], walkMs: 0 };
  protected readonly ctx: ReadCtx;

  constructor(opts: Partial<SamplerOptions> = {}) {
    this.opts = { ...defaultSamplerOptions(), ...opts };
    this.fds = new FdBudget(this.opts.oneShot ? 0 : Math.max(0, Math.floor(openFilesLimit() / 2) - 64));
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
      keep: (fd) => this.fds.keep(fd),
      // Leave room for a stat fd per process: that one is read every tick.
      keepRollup: (fd) => (this.fds.left > this.cache.size ? this.fds.keep(fd) : (closeFd(fd), -1)),
      release: (fd) => this.fds.release(fd),
    };
  }

  setOptions(o: Partial<SamplerOptions>): void {
    // Kept fds belong to the old tree; the per-process cache (pid + start time) stays.
    if (o.root !== undefined && o.root !== this.opts.root) {
      for (const e of this.cache.values()) this.fds.closeFds(e);
      this.listedLastPid = null;
    }
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
      // The listing before, used again, holds only processes known since.
      const unknown = r && r.workers > 0 && pids !== this.listed ? pids.filter((p) => !this.cache.has(p)) : [];
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
    const keepStat = this.fds.left >= n;
    const keepRollup = keepStat && this.fds.left - n > n + this.cache.size;
    const reserved = (keepStat ? n : 0) + (keepRollup ? n : 0);
    this.fds.left -= reserved;
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
      this.fds.left += reserved - kept;
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
    const tick = ++this.tickNo;
    const todo: ProcEntry[] = [];
    const listed: number[] = [];
    this.cpu.beginSample();
    const uptime = this.opts.cpuSinceStart ? parseUptime(readText(this.path('proc/uptime')).text ?? '') : null;

    for (const pid of pids) {
      const known = this.cache.get(pid);
      let e: ProcEntry;
      let st: PidStat | null = null;
      let moved = false;
      if (known) {
        // Through the kept fd; with none (no room), open it again: the memo still tells a change.
        const memo = known.statMemo;
        const before = memo.raw; // a read that changes the bytes replaces, not overwrites, them
        const r = known.statFd >= 0 ? rereadFd(known.statFd, memo, parsePidStat) : this.readStatOnce(pid, known);
        if (r !== FAILED && memo.value !== null && memo.value.starttime === known.starttime) {
          st = memo.value;
          moved = r === CHANGED && memoryMoved(before, memo.raw);
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
      e.seenTick = tick;
      listed.push(pid);
      if (e.nonUser) {
        if (e.kthread && this.opts.kernelCpu) {
          const c = this.cpu.update(e.cpuKey, now, st.ticks, cpuStat.totalTicks, cpuStat.ncpu);
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
      e.st = st;
      e.fresh = fresh;
      e.moved = moved;
      todo.push(e);
    }
    this.listed = listed;

    // zRAM turning on or off changes what ptotal counts (SwapPss): read every figure again.
    const walk = budgeted && zramActive === this.lastZram ? this.chooseWalks(todo, now) : null;
    this.lastZram = zramActive;
    const procs: ProcSample[] = [];
    for (const e of todo) {
      const st = e.st as PidStat;
      const pid = e.pid;
      e.movedLast = e.moved;
      let mem: Mem | 'denied' | null;
      let asOf: number | undefined;
      if (e.mem && e.memDetail === this.opts.detail && walk && !walk.has(pid)) {
        mem = e.mem;
        asOf = e.walkedAt;
      } else if (e.fresh && e.mem && pre?.get(pid)?.e === e) {
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
      const windowed = this.cpu.update(e.cpuKey, now, st.ticks, cpuStat.totalTicks, cpuStat.ncpu);
      const cpu = uptime === null ? windowed : cpuSinceStart(st.ticks, st.starttime, uptime);
      if (this.opts.cgroups && e.cgroup === undefined) e.cgroup = readProcCgroup(this.opts.root, pid);
      const oom = this.opts.oom ? readOom(procPath(this.ctx, pid, 'oom_score')) : undefined;
      const thp = this.opts.thp ? e.anonHuge : undefined;
      const ksm = this.opts.ksm ? readKsmKb(procPath(this.ctx, pid, 'ksm_stat')) : undefined;
      const cgroup = e.cgroup ?? undefined;
      const prev = e.last;
      // Nothing in it changed (an idle process between its walks): the same object again.
      if (
        prev !== null &&
        prev.mem === mem &&
        prev.cpu === cpu &&
        prev.ticks === st.ticks &&
        prev.asOf === asOf &&
        prev.exe === e.exe &&
        prev.cmd === e.cmd &&
        prev.pssShmem === e.pssShmem &&
        prev.cgroup === cgroup &&
        prev.oom === oom &&
        prev.thp === thp &&
        prev.ksm === ksm
      ) {
        procs.push(prev);
        continue;
      }
      const p: ProcSample = { pid, starttime: st.starttime, exe: e.exe, cmd: e.cmd, mem, ticks: st.ticks, cpu, pssShmem: e.pssShmem };
      if (asOf !== undefined) p.asOf = asOf;
      if (cgroup) p.cgroup = cgroup;
      if (oom !== undefined) p.oom = oom;
      if (thp !== undefined) p.thp = thp;
      if (ksm !== undefined) p.ksm = ksm;
      e.last = p;
      procs.push(p);
    }
    for (const e of todo) e.st = null; // no PidStat held past its tick
    this.cpu.endSample();
    this.cache.forEach((e, pid) => {
      if (e.seenTick !== tick) this.forget(pid, e);
    });

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

  private chooseWalks(todo: readonly ProcEntry[], now: number): Set<number> {
    const tickMs = this.prevTime > 0 ? Math.max(0, now - this.prevTime) : 0;
    return chooseEntryWalks(todo, this.opts.detail, now, tickMs, { budgetMs: this.opts.walkBudgetMs, maxAgeMs: this.opts.maxAgeSeconds * 1000 });
  }

  private readStatOnce(pid: number, e: ProcEntry): number {
    const o = openRead(procPath(this.ctx, pid, 'stat'));
    if (o.code !== null) return FAILED;
    const r = rereadFd(o.fd, e.statMemo, parsePidStat);
    e.statFd = this.fds.keep(o.fd); // room again, perhaps
    return r;
  }

  /** Release every kept fd (the sampler stays usable). */
  close(): void {
    for (const [pid, e] of this.cache) this.forget(pid, e);
    this.listed = [];
    this.listedLastPid = null;
  }




  private forget(pid: number, e: ProcEntry): void {
    this.fds.closeFds(e);
    this.cache.delete(pid);
  }

  /**
   * The pids of /proc, ascending. Listing it is a fifth of a tick's reading at 2,000 processes,
   * so on the live system the listing before is used again while no pid has been allocated
   * since it was made (/proc/loadavg's last pid: a new process, or a reused pid, takes one); a
   * process that exited fails its stat read. Listed anyway every RELIST_MS, for what allocates
   * a pid without moving that figure (a checkpoint restored at a chosen pid).
   */
  private listPids(): number[] {
    const t = Date.now();
    const lastPid = this.opts.root === '/' && !this.opts.oneShot && procIsOurPidNs() ? readLastPid() : null;
    if (lastPid !== null && lastPid === this.listedLastPid && t - this.listedAt < RELIST_MS) return this.listed;
    const pids = listPidDir(this.path('proc'));
    this.listedLastPid = lastPid;
    this.listedAt = t;
    this.relists++;
    return pids;
  }
}
