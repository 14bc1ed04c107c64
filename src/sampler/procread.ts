// One process's files: naming it (stat, cmdline, exe) and reading its memory (smaps_rollup,
// smaps). Shared by the sampler and the worker threads that read a full sample in parallel.
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { exeKey, type ExeEnv } from '../core/exekey';
import { printable } from '../core/printable';
import { treeRegularFile, underTree } from '../proc/tree';
import { capText, CMDLINE_READ_MAX, TEXT_CAP } from '../core/capText';
import { parseCmdline, parsePidStat } from '../core/procfiles';
import { parseRollup, rollupToMem, type SmapsExtra } from '../core/smaps';
import { parseSmapsDetailBytes } from '../core/smapsBytes';
import type { Mem, PidStat, ProcSample, Rollup } from '../core/types';
import type { ProcCgroup } from '../core/cgroup';
import type { WalkCandidate } from '../core/walkbudget';
import { readProcCgroup } from '../proc/cgroupfs';
import { closeFd, emptyMemo, isDenied, openRead, readBytes, readFdParsed, readLink, readShared, readText, smapsEnd, SMAPS_READ_MAX, type Memo } from '../proc/readfile';

export interface ProcEntry {
  pid: number;
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
  /** Its smaps was past SMAPS_READ_MAX: detail figures come from the rollup (until it execs). */
  smapsTooLarge: boolean;
  /** The figures last read, when (ms epoch), what the walk took (ms), and in which mode. */
  mem: Mem | null;
  memDetail: boolean;
  walkedAt: number;
  walkMs: number;
  /** Its stat moved at the last tick (src/core/walkbudget.ts: a big process that keeps moving is walked less often). */
  movedLast: boolean;
  /**
   * Its cgroup: read once, a process moved to another cgroup keeps the first (docs/cgroups.md);
   * undefined until a grouping by cgroup needs it (a read per process that no other view pays for).
   */
  cgroup: ProcCgroup | null | undefined;
  /** Pss_Shmem (KB) as last read, kept with the figures it came with. */
  pssShmem: number;
  /** AnonHugePages (KB) as last read, likewise (the `thp` column). */
  anonHuge: number;
  /**
   * The live view's per-tick bookkeeping, kept on the entry so that a tick allocates nothing for
   * a process that did not change: the tick that last listed it, what its stat said then (null
   * when gone), whether it was read afresh or its memory moved, its CPU tracker's key and the
   * ProcSample it gave last (reused while every figure in it is the same).
   */
  seenTick: number;
  st: PidStat | null;
  fresh: boolean;
  moved: boolean;
  cpuKey: string;
  last: ProcSample | null;
  /** What the walk budget weighs of it, refilled each tick (src/core/walkbudget.ts). */
  cand: WalkCandidate;
}

/** Counters of the work one sample did (for tests and benchmarks). */
export interface SampleStats {
  /** The pids whose smaps was read. */
  smapsPids: number[];
  rollupReads: number;
  /** The pids whose page tables were walked (rollup or smaps read). */
  walkedPids: number[];
  /** What those walks took in all (ms; a walk done by a worker thread for this sample included). */
  walkMs: number;
}

export interface ReadCtx {
  root: string;
  detail: boolean;
  /** The only sample taken: detail mode reads smaps without the rollup later samples compare with. */
  oneShot: boolean;
  filter: readonly string[];
  /** Read each process's cgroup as it is named (a grouping by unit, container or cgroup shows it). */
  cgroups: boolean;
  /** Keep an fd open across samples, or close it and say -1 (no room left). */
  keep(fd: number): number;
  /** The same for a rollup's fd, which saves less than a stat's: kept only with room to spare. */
  keepRollup(fd: number): number;
  release(fd: number): void;
}

/** `ROOT/proc/PID/file`; on the live system by concatenation (path.join was 2 % of a full sample). */
export function procPath(ctx: ReadCtx, pid: number, file: string): string {
  return `${procDir(ctx.root, pid)}/${file}`;
}

function procDir(root: string, pid: number): string {
  return root === '/' ? `/proc/${pid}` : posix.join(root, 'proc', String(pid));
}

function wanted(ctx: ReadCtx, pid: number, exe: string): boolean {
  const f = ctx.filter;
  return f.length === 0 || f.includes(String(pid)) || f.includes(exe);
}

/** A process not seen before: its stat (fd kept) and its name. null when it vanished. */
export function openProcess(ctx: ReadCtx, pid: number): { e: ProcEntry; st: PidStat } | null {
  const o = openRead(procPath(ctx, pid, 'stat'));
  if (o.code !== null) return null;
  // Through a memo, so that the next tick sees whether these bytes changed.
  const memo = emptyMemo<PidStat>();
  const r = readFdParsed(o.fd, memo, parsePidStat);
  const st = r.ok ? r.value : null;
  const e = st ? newEntry(ctx, pid, st.starttime, commText(st.comm), st.kthread) : null;
  if (!st || !e) {
    closeFd(o.fd);
    return null;
  }
  e.statMemo = memo;
  e.statFd = ctx.keep(o.fd);
  return { e, st };
}

type Bookkeeping = Pick<ProcEntry, 'seenTick' | 'st' | 'fresh' | 'moved' | 'cpuKey' | 'last' | 'cand'>;

/** The live view's per-tick bookkeeping of a process not seen by a tick yet (also for an entry a worker read). */
export function freshBookkeeping(pid: number, starttime: number): Bookkeeping {
  return {
    seenTick: -1,
    st: null,
    fresh: false,
    moved: false,
    cpuKey: `${pid}:${starttime}`,
    last: null,
    cand: { pid, fresh: false, moved: false, movedBefore: false, walkedAt: 0, costMs: 0 },
  };
}

export function newEntry(ctx: ReadCtx, pid: number, starttime: number, comm: string, kthread: boolean): ProcEntry | null {
  const dir = procDir(ctx.root, pid);
  // A head of it: the command line is capped when shown (capText.ts), and reading or escaping
  // megabytes of it cost time and memory for nothing.
  const cl = readBytes(`${dir}/cmdline`, true, CMDLINE_READ_MAX);
  const args = cl.bytes ? parseCmdline(cl.bytes) : [];
  const base: ProcEntry = {
    pid,
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
    smapsTooLarge: false,
    mem: null,
    memDetail: false,
    walkedAt: 0,
    walkMs: 0,
    movedLast: false,
    cgroup: undefined,
    pssShmem: 0,
    anonHuge: 0,
    ...freshBookkeeping(pid, starttime),
  };
  if (cl.bytes === null) {
    if (!isDenied(cl.code)) return null;
    // Not ours to read: a user process we cannot name; its rollup will be denied too.
    return { ...base, nonUser: kthread, exe: base.comm, cmd: base.comm };
  }
  const root = ctx.root;
  let exeLink: string | null | undefined;
  let cwd: string | null | undefined;
  const env: ExeEnv = {
    get exeLink() {
      if (exeLink === undefined) exeLink = readLink(`${dir}/exe`);
      return exeLink;
    },
    get cwd() {
      if (cwd === undefined) cwd = readLink(`${dir}/cwd`);
      return cwd;
    },
    isRegularFile(abs: string): boolean {
      const path = posix.join(root, abs);
      if (underTree(path)) return treeRegularFile(path);
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    },
  };
  // Names are made printable here, once per process: every output shows only these.
  // exeKey sees the raw text: it looks script paths up on disk.
  const key = exeKey(args, env);
  if (!key) return base;
  const exe = capText(printable(key.exe), TEXT_CAP.exe);
  const cmd = capText(printable(key.cmd), TEXT_CAP.cmd, cl.cut);
  const cgroup = ctx.cgroups ? readProcCgroup(ctx.root, pid) : undefined;
  return { ...base, nonUser: false, kthread: false, exe, cmd, filtered: !wanted(ctx, pid, exe), cgroup };
}

/** comm as shown: stat is read as latin1 (byte-exact), but comm is UTF-8 like every name in /proc. */
export function commText(raw: string): string {
  return printable(Buffer.from(raw, 'latin1').toString('utf8'));
}

/** smaps_rollup through the kept fd, opening (and keeping) it on first use. */
function readRollup(ctx: ReadCtx, pid: number, e: ProcEntry): { ok: true; rollup: Rollup | null } | { ok: false; code: string } {
  if (e.rollupFd >= 0) {
    const r = readFdParsed(e.rollupFd, e.rollupMemo, parseRollup);
    if (r.ok && r.bytes > 0) return { ok: true, rollup: r.value };
    // A kept fd pins the address space it was opened on: after an exec it fails
    // although pid and start time are the same. Reopen, and name the new program.
    ctx.release(e.rollupFd);
    e.rollupFd = -1;
    renameAfterExec(ctx, pid, e, e.comm);
  }
  const o = openRead(procPath(ctx, pid, 'smaps_rollup'));
  if (o.code !== null) return { ok: false, code: o.code };
  const r = readFdParsed(o.fd, e.rollupMemo, parseRollup);
  e.rollupFd = ctx.keepRollup(o.fd);
  return r.ok ? { ok: true, rollup: r.value } : r;
}

/** Name a process again after it exec'd (same pid and start time), and drop what was read of the old program. */
export function renameAfterExec(ctx: ReadCtx, pid: number, e: ProcEntry, comm: string): void {
  const renamed = newEntry(ctx, pid, e.starttime, comm, e.kthread);
  if (!renamed) return;
  e.comm = comm;
  e.exe = renamed.exe;
  e.cmd = renamed.cmd;
  e.nonUser = renamed.nonUser;
  e.filtered = renamed.filtered;
  e.cgroup = renamed.cgroup; // a runtime places a process, then it execs: read where it landed
  e.detailMem = null;
  e.smapsTooLarge = false;
}

/**
 * Whether a process with no rollup fd kept (no room: nothing else fails on its new address
 * space) exec'd since it was named: its stat moved and names another command (comm). An exec
 * of a program of the same name goes unseen until the pid is read afresh.
 */
export function execedWithoutFd(e: ProcEntry, st: PidStat, moved: boolean): boolean {
  return moved && e.rollupFd < 0 && !e.kthread && commText(st.comm) !== e.comm;
}

/** The process's categories; 'denied' when not ours to read; null when it vanished. */
export function readMem(ctx: ReadCtx, pid: number, e: ProcEntry, zramActive: boolean, stats: SampleStats): Mem | 'denied' | null {
  if (e.denied) return 'denied';
  stats.walkedPids.push(pid);
  let rollup: Rollup | null = null;
  // A one-shot detail report takes its figures from smaps alone: the rollup would only be
  // compared with the next sample's, and there is none.
  if (!(ctx.detail && ctx.oneShot)) {
    const rt = readRollup(ctx, pid, e);
    stats.rollupReads++;
    if (!rt.ok) {
      e.denied = isDenied(rt.code);
      return e.denied ? 'denied' : null;
    }
    rollup = rt.rollup;
    if (!rollup) return null;
    e.pssShmem = rollup.pssShmem;
    e.anonHuge = rollup.anonHuge;
    if (!ctx.detail || e.smapsTooLarge) return rollupToMem(rollup, zramActive);
    if (e.detailMem && e.detailFor && e.detailZram === zramActive && sameRollup(e.detailFor, rollup)) return e.detailMem;
  }
  // Parsed as bytes, in the shared buffer: not decoded to a string first (smapsBytes.ts).
  const st = readShared(procPath(ctx, pid, 'smaps'), smapsEnd, SMAPS_READ_MAX);
  stats.smapsPids.push(pid);
  if (!st.ok) {
    e.denied = isDenied(st.code);
    return e.denied ? 'denied' : null;
  }
  if (st.data.length === 0) return null;
  if (st.cut) {
    // Too large to read whole (readfile.ts): the rollup's exact figures, without the split,
    // and no second try each tick.
    e.smapsTooLarge = true;
    const r = rollup ?? parseRollup(readText(procPath(ctx, pid, 'smaps_rollup'), true).text ?? '');
    if (r) e.anonHuge = r.anonHuge;
    return r ? rollupToMem(r, zramActive) : null;
  }
  const extra: SmapsExtra = { pssShmem: 0 };
  const mem = parseSmapsDetailBytes(st.data, zramActive, extra);
  // The rollup's figure is exact; smaps alone (a one-shot detail report) gives an estimate.
  e.pssShmem = rollup ? rollup.pssShmem : extra.pssShmem;
  e.anonHuge = rollup ? rollup.anonHuge : (extra.anonHuge ?? 0);
  e.detailFor = rollup;
  e.detailZram = zramActive;
  e.detailMem = mem;
  return mem;
}

function sameRollup(a: Rollup, b: Rollup): boolean {
  return a.pssAnon === b.pssAnon && a.pssFile === b.pssFile && a.pssShmem === b.pssShmem && a.swapPss === b.swapPss && a.uss === b.uss;
}

/** /proc/PID/oom_score; undefined when unreadable. */
export function readOom(path: string): number | undefined {
  const oom = Number(readText(path).text ?? NaN);
  return Number.isSafeInteger(oom) && oom >= 0 ? oom : undefined;
}

/** A process we may not read, named by its command line (world-readable), else comm; cut short. */
export function inaccessibleName(e: ProcEntry): string {
  const name = e.cmd || e.comm;
  return name.length > 120 ? `${name.slice(0, 119)}\u2026` : name;
}
