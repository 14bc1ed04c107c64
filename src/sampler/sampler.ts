// Reads a /proc tree (the live one, or a captured one under another root) into Samples.
// Per-process state is cached by pid + start time, so a reused pid is read afresh, and
// in detail mode smaps is re-read only for processes whose rollup changed (SPEC 3).
import { readdirSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { CpuTracker, cpuSinceStart } from '../core/cpu';
import { exeKey, type ExeEnv } from '../core/exekey';
import { printable } from '../core/printable';
import {
  parseCmdline,
  parseCpuStat,
  parseMeminfo,
  parsePidStat,
  parseUptime,
  parseVmstat,
} from '../core/procfiles';
import { parseRollup, parseSmapsDetail, rollupToMem } from '../core/smaps';
import type { KernelThreadCpu, Mem, PidStat, ProcSample, Rollup, Sample } from '../core/types';
import { readZramStats } from '../proc/zramfs';
import {
  closeFd,
  emptyMemo,
  fdText,
  isDenied,
  openFilesLimit,
  openRead,
  readBytes,
  readFdParsed,
  readLink,
  readText,
  type Memo,
} from '../proc/readfile';

export interface SamplerOptions {
  /** Root of the tree to read; '/' for the live system. */
  root: string;
  /** Read per-mapping smaps categories (detail mode) instead of rollups only. */
  detail: boolean;
  /** Track kernel-thread CPU for the second leader line. */
  kernelCpu: boolean;
  cpuAvgSecs: number;
  /** Keep only processes whose pid or exe key is listed; empty = all. */
  filter: string[];
  /** CPU% since each process started (one-shot: no window to measure over) instead of over the window. */
  cpuSinceStart?: boolean;
}

export function defaultSamplerOptions(): SamplerOptions {
  return { root: '/', detail: false, kernelCpu: true, cpuAvgSecs: 20, filter: [] };
}

interface ProcEntry {
  starttime: number;
  /** Kept open across samples (-1 = none): a re-read at offset 0 costs one syscall, not four. */
  statFd: number;
  rollupFd: number;
  /** What the kept files said last time, reused while their bytes stay the same. */
  statMemo: Memo<PidStat>;
  rollupMemo: Memo<Rollup>;
  /** Its files were not ours to read: not retried for the same pid + start time. */
  denied: boolean;
  /** Kernel thread or zombie: never a user process. */
  nonUser: boolean;
  kthread: boolean;
  comm: string;
  exe: string;
  cmd: string;
  filtered: boolean;
  /** Rollup figures when smaps was last read, and what it gave. */
  detailFor: Rollup | null;
  detailZram: boolean;
  detailMem: Mem | null;
}

/** Counters of the work one sample did (for tests and benchmarks). */
export interface SampleStats {
  /** The pids whose smaps was read. */
  smapsPids: number[];
  rollupReads: number;
}

export class Sampler {
  private cache = new Map<number, ProcEntry>();
  private cpu: CpuTracker;
  private prevMajf: { time: number; count: number } | null = null;
  /** How many more fds we may keep open (half the soft limit, the rest is the host's). */
  private fdBudget = Math.max(0, Math.floor(openFilesLimit() / 2) - 64);
  readonly opts: SamplerOptions;
  lastStats: SampleStats = { smapsPids: [], rollupReads: 0 };

  constructor(opts: Partial<SamplerOptions> = {}) {
    this.opts = { ...defaultSamplerOptions(), ...opts };
    this.cpu = new CpuTracker(this.opts.cpuAvgSecs);
  }

  setOptions(o: Partial<SamplerOptions>): void {
    // Kept fds belong to the old tree; the per-process cache (pid + start time) stays.
    if (o.root !== undefined && o.root !== this.opts.root) for (const e of this.cache.values()) this.closeFds(e);
    Object.assign(this.opts, o);
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

  /** Take one sample. Never throws because of one process. */
  sample(now = Date.now()): Sample {
    const stats: SampleStats = { smapsPids: [], rollupReads: 0 };
    const meminfo = parseMeminfo(readText(this.path('proc/meminfo')).text ?? '');
    const cpuStat = parseCpuStat(readText(this.path('proc/stat')).text ?? '');
    const pgmajfault = parseVmstat(readText(this.path('proc/vmstat')).text ?? '').pgmajfault;
    const zram = readZramStats(this.opts.root);
    const zramActive = zram !== null;

    const procs: ProcSample[] = [];
    const kthreads: KernelThreadCpu[] = [];
    let totalUser = 0;
    let inaccessible = 0;
    let filtered = 0;
    let kernelCpu = 0;
    const seen = new Set<number>();
    this.cpu.beginSample();
    const uptime = this.opts.cpuSinceStart ? parseUptime(readText(this.path('proc/uptime')).text ?? '') : null;

    for (const pid of this.listPids()) {
      let e = this.cache.get(pid);
      let st = null;
      if (e && e.statFd >= 0) {
        const kept = readFdParsed(e.statFd, e.statMemo, parsePidStat);
        st = kept.ok ? kept.value : null;
        if (!st || st.starttime !== e.starttime) st = null; // the process we knew is gone
      }
      if (!st) {
        if (e) this.forget(pid, e);
        e = undefined;
        const o = openRead(this.path('proc', String(pid), 'stat'));
        if (o.code !== null) continue; // vanished
        const text = fdText(o.fd, true).text;
        st = text === null ? null : parsePidStat(text);
        const fresh = st ? this.newEntry(pid, st.starttime, commText(st.comm), st.kthread) : null;
        if (!st || !fresh) {
          closeFd(o.fd);
          continue; // vanished between reads
        }
        fresh.statFd = this.keep(o.fd);
        this.cache.set(pid, fresh);
        e = fresh;
      }
      if (!e) continue;
      seen.add(pid);
      const id = `${pid}:${st.starttime}`;
      if (e.nonUser) {
        if (e.kthread && this.opts.kernelCpu) {
          const c = this.cpu.update(id, now, st.ticks, cpuStat.totalTicks, cpuStat.ncpu);
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
      const mem = this.readMem(pid, e, zramActive, stats);
      if (mem === 'denied') {
        inaccessible++;
        continue;
      }
      if (mem === null) {
        totalUser--; // vanished: as if never listed
        continue;
      }
      const windowed = this.cpu.update(id, now, st.ticks, cpuStat.totalTicks, cpuStat.ncpu);
      const cpu = uptime === null ? windowed : cpuSinceStart(st.ticks, st.starttime, uptime);
      procs.push({ pid, starttime: st.starttime, exe: e.exe, cmd: e.cmd, mem, ticks: st.ticks, cpu });
    }
    this.cpu.endSample();
    for (const [pid, e] of this.cache) if (!seen.has(pid)) this.forget(pid, e);

    let majfaultsPerSec = 0;
    if (this.prevMajf && now > this.prevMajf.time) {
      majfaultsPerSec = Math.max(0, ((pgmajfault - this.prevMajf.count) * 1000) / (now - this.prevMajf.time));
    }
    this.prevMajf = { time: now, count: pgmajfault };
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
      filtered,
      kernelCpu,
      topKernelThreads: kthreads.slice(0, 2),
      majfaultsPerSec,
      detail: this.opts.detail,
    };
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

  /** smaps_rollup through the kept fd, opening (and keeping) it on first use. */
  private readRollup(pid: number, e: ProcEntry): { ok: true; rollup: Rollup | null } | { ok: false; code: string } {
    if (e.rollupFd >= 0) {
      const r = readFdParsed(e.rollupFd, e.rollupMemo, parseRollup);
      if (r.ok && r.bytes > 0) return { ok: true, rollup: r.value };
      // A kept fd pins the address space it was opened on: after an exec it fails
      // although pid and start time are the same. Reopen, and name the new program.
      this.release(e.rollupFd);
      e.rollupFd = -1;
      const renamed = this.newEntry(pid, e.starttime, e.comm, e.kthread);
      if (renamed) {
        e.exe = renamed.exe;
        e.cmd = renamed.cmd;
        e.nonUser = renamed.nonUser;
        e.filtered = renamed.filtered;
        e.detailMem = null;
      }
    }
    const o = openRead(this.path('proc', String(pid), 'smaps_rollup'));
    if (o.code !== null) return { ok: false, code: o.code };
    const r = readFdParsed(o.fd, e.rollupMemo, parseRollup);
    e.rollupFd = this.keep(o.fd);
    return r.ok ? { ok: true, rollup: r.value } : r;
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

  private newEntry(pid: number, starttime: number, comm: string, kthread: boolean): ProcEntry | null {
    const dir = this.path('proc', String(pid));
    const cl = readBytes(posix.join(dir, 'cmdline'));
    const args = cl.bytes ? parseCmdline(cl.bytes) : [];
    const base: ProcEntry = {
      starttime,
      statFd: -1,
      rollupFd: -1,
      statMemo: emptyMemo(),
      rollupMemo: emptyMemo(),
      denied: false,
      nonUser: true,
      kthread,
      comm,
      exe: '',
      cmd: '',
      filtered: false,
      detailFor: null,
      detailZram: false,
      detailMem: null,
    };
    if (cl.bytes === null) {
      if (!isDenied(cl.code)) return null;
      // Not ours to read: a user process we cannot name; its rollup will be denied too.
      return { ...base, nonUser: kthread, exe: base.comm, cmd: base.comm };
    }
    const root = this.opts.root;
    let exeLink: string | null | undefined;
    let cwd: string | null | undefined;
    const env: ExeEnv = {
      get exeLink() {
        if (exeLink === undefined) exeLink = readLink(posix.join(dir, 'exe'));
        return exeLink;
      },
      get cwd() {
        if (cwd === undefined) cwd = readLink(posix.join(dir, 'cwd'));
        return cwd;
      },
      isRegularFile(abs: string): boolean {
        try {
          return statSync(posix.join(root, abs)).isFile();
        } catch {
          return false;
        }
      },
    };
    // Names are made printable here, once per process: every output shows only these.
    // exeKey sees the raw text: it looks script paths up on disk.
    const key = exeKey(args, env);
    if (!key) return base;
    const exe = printable(key.exe);
    return { ...base, nonUser: false, kthread: false, exe, cmd: printable(key.cmd), filtered: !this.wanted(pid, exe) };
  }

  /** The process's categories; 'denied' when not ours to read; null when it vanished. */
  private readMem(pid: number, e: ProcEntry, zramActive: boolean, stats: SampleStats): Mem | 'denied' | null {
    if (e.denied) return 'denied';
    const rt = this.readRollup(pid, e);
    stats.rollupReads++;
    if (!rt.ok) {
      e.denied = isDenied(rt.code);
      return e.denied ? 'denied' : null;
    }
    const rollup = rt.rollup;
    if (!rollup) return null;
    if (!this.opts.detail) return rollupToMem(rollup, zramActive);
    if (e.detailMem && e.detailFor && e.detailZram === zramActive && sameRollup(e.detailFor, rollup)) return e.detailMem;
    const st = readText(this.path('proc', String(pid), 'smaps'));
    stats.smapsPids.push(pid);
    if (st.text === null) {
      e.denied = isDenied(st.code);
      return e.denied ? 'denied' : null;
    }
    if (st.text.length === 0) return null;
    const mem = parseSmapsDetail(st.text, zramActive);
    e.detailFor = rollup;
    e.detailZram = zramActive;
    e.detailMem = mem;
    return mem;
  }
}

/** comm as shown: stat is read as latin1 (byte-exact), but comm is UTF-8 like every name in /proc. */
function commText(raw: string): string {
  return printable(Buffer.from(raw, 'latin1').toString('utf8'));
}

function sameRollup(a: Rollup, b: Rollup): boolean {
  return a.pssAnon === b.pssAnon && a.pssFile === b.pssFile && a.pssShmem === b.pssShmem && a.swapPss === b.swapPss;
}
