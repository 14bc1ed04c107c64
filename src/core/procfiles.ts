// Parsers for the small /proc and /sys files (docs/columns.md#where-the-numbers-come-from).
// Pure and I/O-free; none of them throws on malformed input.

import type { CpuStat, MemInfo, PidStat } from './types';

/** Split text into lines (a trailing empty line is harmless to every caller). */
function lines(text: string): string[] {
  return text.split('\n');
}

/** A non-negative integer from a decimal string, or null. */
function toInt(s: string | undefined): number | null {
  if (s === undefined || s.length === 0) return null;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** `Name:   value [kB]` lines into a map of name → value (first occurrence wins). */
function keyValues(text: string, wanted: ReadonlySet<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of lines(text)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    if (!wanted.has(key) || out.has(key)) continue;
    const value = toInt(line.slice(colon + 1).trim().split(/\s+/)[0]);
    if (value !== null) out.set(key, value);
  }
  return out;
}

const MEMINFO_KEYS = new Set(['MemTotal', 'MemAvailable', 'Shmem', 'Dirty', 'SwapTotal', 'SwapFree']);

/** /proc/meminfo (KB). Missing fields read as 0. */
export function parseMeminfo(text: string): MemInfo {
  const kv = keyValues(text, MEMINFO_KEYS);
  return {
    memTotal: kv.get('MemTotal') ?? 0,
    memAvailable: kv.get('MemAvailable') ?? 0,
    shmem: kv.get('Shmem') ?? 0,
    dirty: kv.get('Dirty') ?? 0,
    swapTotal: kv.get('SwapTotal') ?? 0,
    swapFree: kv.get('SwapFree') ?? 0,
  };
}

/**
 * /proc/stat: totalTicks = sum of every numeric field of the aggregate `cpu ` line;
 * ncpu = number of `cpuN` lines. Missing aggregate line → totalTicks 0.
 */
export function parseCpuStat(text: string): CpuStat {
  let totalTicks = 0;
  let ncpu = 0;
  let seenTotal = false;
  for (const line of lines(text)) {
    if (!line.startsWith('cpu')) continue;
    const words = line.trim().split(/\s+/);
    const name = words[0] ?? '';
    if (name === 'cpu') {
      if (seenTotal) continue;
      seenTotal = true;
      for (let i = 1; i < words.length; i++) {
        const n = toInt(words[i]);
        if (n !== null) totalTicks += n;
      }
    } else if (toInt(name.slice(3)) !== null) {
      ncpu++;
    }
  }
  return { totalTicks, ncpu };
}

/** PF_KTHREAD in the flags of /proc/PID/stat (include/linux/sched.h). */
export const PF_KTHREAD = 0x00200000;

/**
 * /proc/PID/stat. comm may hold spaces and ')' so the fields are split after the
 * LAST ')'. Field numbers below are 1-based as in proc(5): after the ')' come
 * state (3), ppid (4), …, flags (9), …, utime (14), stime (15), …, starttime (22).
 * Returns null on malformed input (no parentheses, bad pid, too few fields).
 */
export function parsePidStat(text: string): PidStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open) return null;
  const pid = toInt(text.slice(0, open).trim());
  if (pid === null) return null;
  // Read every sample for every process: scan the fields after comm in place
  // instead of splitting 50 of them into an array.
  let state = '';
  let ppid: number | null = null;
  let flags = -1;
  let utime = -1;
  let stime = -1;
  let starttime = -1;
  let field = 2; // comm; fields are 1-based as in proc(5)
  const end = text.length;
  let i = close + 1;
  while (i < end && field < 22) {
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 10)) i++;
    if (i >= end) break;
    field++;
    const start = i;
    let neg = false;
    let n = 0;
    let digits = 0;
    if (text.charCodeAt(i) === 45) {
      neg = true;
      i++;
    }
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10) break;
      if (c >= 48 && c <= 57) {
        n = n * 10 + (c - 48);
        digits++;
      } else digits = -1e9; // not a number
    }
    if (field === 3) state = text.slice(start, i);
    else if (digits > 0) {
      if (field === 4) ppid = neg ? -n : n;
      else if (!neg && field === 9) flags = n;
      else if (!neg && field === 14) utime = n;
      else if (!neg && field === 15) stime = n;
      else if (!neg && field === 22) starttime = n;
    }
  }
  if (state.length === 0 || ppid === null || flags < 0 || utime < 0 || stime < 0 || starttime < 0) return null;
  return { pid, comm: text.slice(open + 1, close), state, ppid, kthread: (flags & PF_KTHREAD) !== 0, ticks: utime + stime, starttime };
}

/** /proc/uptime: seconds since boot (null when missing or malformed). */
export function parseUptime(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s/.exec(text);
  return m ? Number(m[1]) : null;
}

/** /proc/vmstat: the major page fault counter (0 when missing). */
export function parseVmstat(text: string): { pgmajfault: number } {
  for (const line of lines(text)) {
    if (line.startsWith('pgmajfault ')) {
      const n = toInt(line.slice(11).trim());
      if (n !== null) return { pgmajfault: n };
    }
  }
  return { pgmajfault: 0 };
}

export interface ZramMmStat {
  origDataSize: number;
  comprDataSize: number;
  memUsedTotal: number;
  memLimit: number;
}

/**
 * /sys/class/block/zramN/mm_stat: the first four fields (bytes): orig_data_size,
 * compr_data_size, mem_used_total, mem_limit. null when malformed.
 */
export function parseZramMmStat(text: string): ZramMmStat | null {
  const w = text.trim().split(/\s+/);
  const origDataSize = toInt(w[0]);
  const comprDataSize = toInt(w[1]);
  const memUsedTotal = toInt(w[2]);
  const memLimit = toInt(w[3]);
  if (origDataSize === null || comprDataSize === null || memUsedTotal === null || memLimit === null) {
    return null;
  }
  return { origDataSize, comprDataSize, memUsedTotal, memLimit };
}

/** /sys/class/block/zramN/disksize (bytes); 0 when malformed. */
export function parseDisksize(text: string): number {
  return toInt(text.trim()) ?? 0;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/**
 * /proc/PID/cmdline: NUL-separated arguments. Only ONE trailing NUL is dropped, so
 * a title padded with NULs keeps its empty arguments. Invalid UTF-8 becomes U+FFFD.
 * Empty file (kernel thread, zombie) → [].
 */
export function parseCmdline(buf: Buffer | Uint8Array): string[] {
  let end = buf.length;
  if (end === 0) return [];
  if (buf[end - 1] === 0) end--;
  const args: string[] = [];
  let start = 0;
  for (let i = 0; i < end; i++) {
    if (buf[i] === 0) {
      args.push(utf8.decode(buf.subarray(start, i)));
      start = i + 1;
    }
  }
  args.push(utf8.decode(buf.subarray(start, end)));
  return args;
}

/**
 * The thread-group id from /proc/PID/status (`Tgid:`), null when absent or malformed.
 * /proc/TID/… answers for every thread id too, and kill(TID) signals the whole process:
 * only a pid whose Tgid is itself names a process.
 */
export function parseTgid(statusText: string): number | null {
  const m = /^Tgid:\s*(\d+)\s*$/m.exec(statusText);
  return m ? Number(m[1]) : null;
}
