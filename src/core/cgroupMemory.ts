// Where a cgroup's memory goes: its memory.stat, limits and events, and the waterfall that splits
// the kernel's usage into parts that add up to it exactly (docs/cgroups.md#where-a-groups-memory-goes).
// Pure: src/proc/cgroupfs.ts reads the files and passes their text here.
import { human } from './units';

/** The lines of memory.stat the waterfall needs, in KB (v1's names mapped to v2's). */
export interface MemoryStat {
  /** All file pages, shmem included (v2 `file`, v1 `cache`). */
  file: number;
  /** File pages mapped by some process, shmem included (v2 `file_mapped`, v1 `mapped_file`). */
  fileMapped: number;
  /** tmpfs, /dev/shm, SysV and memfd pages (`shmem`). */
  shmem: number;
  /** Anonymous pages (v2 `anon`, v1 `rss`). */
  anon: number;
  /** Kernel memory charged to the group; null where the kernel reports none. */
  kernel: number | null;
}

/** The counters of memory.events (v2); on v1 only `max` (memory.failcnt) and `oomKill` (memory.oom_control). */
export interface CgroupEvents {
  low: number | null;
  high: number | null;
  max: number | null;
  oom: number | null;
  oomKill: number | null;
}
export const EVENT_KEYS = ['low', 'high', 'max', 'oom', 'oomKill'] as const satisfies readonly (keyof CgroupEvents)[];
/** How each counter is named in memory.events (and shown). */
export const EVENT_NAMES: Record<keyof CgroupEvents, string> = { low: 'low', high: 'high', max: 'max', oom: 'oom', oomKill: 'oom_kill' };

/** A group's limits in KB; null: none set (`max`); left out where the kernel has no such limit (v1's min and high). */
export interface CgroupLimits {
  min?: number | null;
  low?: number | null;
  high?: number | null;
  max?: number | null;
  swapMax?: number | null;
}
export const LIMIT_KEYS = ['min', 'low', 'high', 'max', 'swapMax'] as const satisfies readonly (keyof CgroupLimits)[];
export const LIMIT_NAMES: Record<keyof CgroupLimits, string> = { min: 'min', low: 'low', high: 'high', max: 'max', swapMax: 'swap.max' };

/** The kernel's usage in parts, KB: pss + pageCache + shmem + kernel + rest = current, exactly. */
export interface CgroupParts {
  pss: number;
  pageCache: number;
  shmem: number;
  kernel: number;
  rest: number;
}
export const PART_KEYS = ['pss', 'pageCache', 'shmem', 'kernel', 'rest'] as const satisfies readonly (keyof CgroupParts)[];

/** What each part is, in a few words (the waterfall's lines, the panel's tooltips; docs/cgroups.md in full). */
export const PART_TEXT: Record<keyof CgroupParts, { label: string; means: string }> = {
  pss: { label: 'pss', means: "the members' proportional set size" },
  pageCache: { label: 'page cache', means: 'file pages no member maps' },
  shmem: { label: 'shmem', means: 'tmpfs, /dev/shm, SysV and memfd pages no member maps' },
  kernel: { label: 'kernel', means: 'slab, stacks, page tables, sockets, percpu, vmalloc' },
  rest: { label: 'rest', means: 'charged here but mapped elsewhere (+), or mapped here but charged elsewhere (-)' },
};

/**
 * `key value` lines (memory.stat, memory.events, oom_control); malformed lines, and figures past
 * 2^53 that a number cannot hold exactly (a report carrying one would be refused whole), are skipped.
 */
export function parseKeyValues(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+) (\d+)$/.exec(line.trim());
    if (m && Number.isSafeInteger(Number(m[2]))) out.set(m[1], Number(m[2]));
  }
  return out;
}

const kbOf = (bytes: number | undefined): number | null => (bytes === undefined || !Number.isSafeInteger(bytes) ? null : Math.floor(bytes / 1024));

/** v2 kernel memory without the `kernel` line (kernels before 5.18): the parts it sums. */
const V2_KERNEL_PARTS = ['slab', 'kernel_stack', 'pagetables', 'sec_pagetables', 'percpu', 'vmalloc'] as const;

/**
 * A v2 memory.stat (hierarchical: this group and its descendants). Kernel memory is `kernel`
 * (or its parts on older kernels) plus `sock`: socket buffers are charged apart from `kernel`.
 * null when the file is absent or lacks a figure the waterfall needs.
 */
export function parseMemoryStatV2(text: string | null): MemoryStat | null {
  if (text === null) return null;
  const s = parseKeyValues(text);
  const file = kbOf(s.get('file'));
  const fileMapped = kbOf(s.get('file_mapped'));
  const shmem = kbOf(s.get('shmem'));
  const anon = kbOf(s.get('anon'));
  if (file === null || fileMapped === null || shmem === null || anon === null) return null;
  let kernelBytes: number | null = s.get('kernel') ?? null;
  if (kernelBytes === null) {
    const present = V2_KERNEL_PARTS.filter((k) => s.has(k));
    if (present.length > 0) kernelBytes = present.reduce((n, k) => n + (s.get(k) ?? 0), 0);
  }
  if (kernelBytes !== null) kernelBytes += s.get('sock') ?? 0;
  return { file, fileMapped, shmem, anon, kernel: kbOf(kernelBytes ?? undefined) };
}

/**
 * A v1 memory.stat. Its plain lines count only the group itself; the `total_` forms count its
 * descendants too, as the usage does, so they win where present. v1 names: `cache` is v2's
 * `file` (shmem included), `rss` is `anon`, `mapped_file` is `file_mapped`. v1's memory.stat
 * has no kernel memory: it is memory.kmem.usage_in_bytes (`kmem`, null where absent).
 */
export function parseMemoryStatV1(text: string | null, kmem: string | null): MemoryStat | null {
  if (text === null) return null;
  const s = parseKeyValues(text);
  const get = (name: string) => kbOf(s.get(`total_${name}`) ?? s.get(name));
  const file = get('cache');
  const fileMapped = get('mapped_file');
  const shmem = get('shmem');
  const anon = get('rss');
  if (file === null || fileMapped === null || shmem === null || anon === null) return null;
  const k = kmem === null || !/^\d+$/.test(kmem.trim()) ? null : kbOf(Number(kmem.trim()));
  return { file, fileMapped, shmem, anon, kernel: k };
}

const NO_EVENTS: CgroupEvents = { low: null, high: null, max: null, oom: null, oomKill: null };

/** v2 memory.events; null when absent. */
export function parseMemoryEvents(text: string | null): CgroupEvents | null {
  if (text === null) return null;
  const s = parseKeyValues(text);
  const n = (k: string) => s.get(k) ?? null;
  return { low: n('low'), high: n('high'), max: n('max'), oom: n('oom'), oomKill: n('oom_kill') };
}

/**
 * v1 has no memory.events: memory.failcnt counts the times the usage hit the limit (v2's `max`),
 * memory.oom_control's `oom_kill` line the OOM kills (kernels ≥ 4.13). null when both are absent.
 */
export function parseV1Events(oomControl: string | null, failcnt: string | null): CgroupEvents | null {
  if (oomControl === null && failcnt === null) return null;
  const kill = oomControl === null ? null : (parseKeyValues(oomControl).get('oom_kill') ?? null);
  const n = failcnt === null || !/^\d+$/.test(failcnt.trim()) ? NaN : Number(failcnt.trim());
  const fails = Number.isSafeInteger(n) ? n : null;
  return { ...NO_EVENTS, max: fails, oomKill: kill };
}

/** Each counter's change since `base` (a counter the kernel lacks stays null; a reset counts from 0). */
export function eventChanges(base: CgroupEvents, now: CgroupEvents): CgroupEvents {
  const out = { ...NO_EVENTS };
  for (const k of EVENT_KEYS) {
    const n = now[k];
    const b = base[k];
    out[k] = n === null ? null : b === null || n < b ? n : n - b;
  }
  return out;
}

/**
 * Each group's events as changes since the view first saw it: the kernel's counters then are
 * its baseline, so an event from before the view is never reported as new.
 */
export class EventBaselines {
  private base = new Map<string, CgroupEvents>();

  changes(key: string, now: CgroupEvents): CgroupEvents {
    let b = this.base.get(key);
    if (!b) {
      b = now;
      this.base.set(key, now);
    }
    return eventChanges(b, now);
  }

  clear(): void {
    this.base.clear();
  }
}

/**
 * The waterfall (docs/cgroups.md#where-a-groups-memory-goes): `members` are the PSS and the
 * Pss_Shmem of the group's processes (KB). Shared memory a member maps is in its PSS, so it is
 * taken off both shmem and the mapped file pages; what no named part explains is `rest`.
 */
export function waterfall(current: number, stat: MemoryStat, members: { pss: number; pssShmem: number }): CgroupParts {
  const shmem = Math.max(0, stat.shmem - members.pssShmem);
  const mappedNonShmem = Math.max(0, stat.fileMapped - members.pssShmem);
  const pageCache = Math.max(0, stat.file - stat.shmem - mappedNonShmem);
  const kernel = stat.kernel ?? 0;
  const pss = members.pss;
  return { pss, pageCache, shmem, kernel, rest: current - pss - pageCache - shmem - kernel };
}

/** Each limit the kernel has, as its value or `max` (none). */
export function limitValues(l: CgroupLimits, show: (kb: number) => string): [string, string][] {
  const out: [string, string][] = [];
  for (const k of LIMIT_KEYS) {
    const v = l[k];
    if (v !== undefined) out.push([LIMIT_NAMES[k], v === null ? 'max' : show(v)]);
  }
  return out;
}

/** The limits as `min=0 low=0 high=max max=512.0M swap.max=max` (`max`: none). */
export function limitsText(l: CgroupLimits): string {
  return limitValues(l, (kb) => human(kb * 1024))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

/** The counters the kernel has, as `max=3 oom_kill=1` (`+` before each when they are changes). */
export function eventsText(e: CgroupEvents, changes: boolean): string {
  const out: string[] = [];
  for (const k of EVENT_KEYS) {
    const n = e[k];
    if (n !== null) out.push(`${EVENT_NAMES[k]}=${changes && n > 0 ? '+' : ''}${n}`);
  }
  return out.join(' ');
}

/** One line per part: label, size, share of the usage, what it is. Negative rest keeps its sign. */
export function waterfallLines(current: number, parts: CgroupParts): string[] {
  const width = Math.max(...PART_KEYS.map((k) => PART_TEXT[k].label.length));
  const size = (kb: number) => (kb < 0 ? '-' : '') + human(Math.abs(kb) * 1024);
  const lines = [`${'usage'.padEnd(width)} ${size(current).padStart(8)}  100%  the kernel's figure (memory.current / memory.usage_in_bytes)`];
  for (const k of PART_KEYS) {
    const pct = current > 0 ? `${Math.round((100 * parts[k]) / current)}%` : '';
    lines.push(`${PART_TEXT[k].label.padEnd(width)} ${size(parts[k]).padStart(8)} ${pct.padStart(5)}  ${PART_TEXT[k].means}`);
  }
  return lines;
}

/** A group whose OOM kills since the view started went up since the last sample. */
export interface OomKillNews {
  key: string;
  info: string;
  added: number;
  total: number;
}

/**
 * Watches the groups' OOM kills from sample to sample, so that each view (the CLI loop, the
 * panel's log, the terminal window's status line) says each kill once, when it is first seen.
 */
export class OomWatch {
  private seen = new Map<string, number>();

  update(rows: readonly { key: string; info: string; kernel?: { events?: CgroupEvents } }[]): OomKillNews[] {
    const out: OomKillNews[] = [];
    for (const r of rows) {
      const n = r.kernel?.events?.oomKill ?? null;
      if (n === null) continue;
      const was = this.seen.get(r.key) ?? 0;
      if (n > was) out.push({ key: r.key, info: r.info, added: n - was, total: n });
      this.seen.set(r.key, n);
    }
    return out;
  }

  clear(): void {
    this.seen.clear();
  }
}

/** The OOM kill notice, as the CLI's loop, the panel's log and the terminal window's status line print it. */
export function oomKillText(n: OomKillNews): string {
  return `OOM kill in ${n.info}: ${n.added === 1 ? 'a process was' : `${n.added} processes were`} killed (${n.total} since the view started)`;
}
