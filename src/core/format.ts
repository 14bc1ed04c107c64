// The text report of the `pmemstat` command: leader line(s), header, rows.
import type { CgroupFigures, Pressure } from './cgroup';
import type { LeaderFigure } from './leaderHelp';
import { otherOf, type GroupBy, type GroupRow, type LeaderFigures, type Mem, type Units } from './types';
import { columnWidth, fitKb, fixed1, human, withCommas } from './units';

export interface FormatOptions {
  units: Units;
  /** Detail mode: seven memory columns instead of four. */
  detail: boolean;
  showCpu: boolean;
  numbers: boolean;
  groupBy: GroupBy;
  /** The optional columns after ptotal (hidden unless asked for). */
  uss?: boolean;
  epss?: boolean;
  /** The oom column (oom_score, a group's highest). */
  oom?: boolean;
}

const TYPE_WIDTH = 8;
const OOM_WIDTH = 6;
const COUNT_WIDTH = 7;

/** The optional memory columns, by their option, with their labels. */
export const OPTIONAL_MEM_COLUMNS = [
  ['uss', 'uss'],
  ['epss', 'pss+swap'],
] as const;
type Optional = { uss?: boolean; epss?: boolean };

/** The memory column labels, in order. */
export function memColumns(detail: boolean, optional: Optional = {}): string[] {
  const base = detail ? ['pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal'] : ['pswap', 'other', 'data', 'ptotal'];
  return [...base, ...OPTIONAL_MEM_COLUMNS.filter(([k]) => optional[k]).map(([, label]) => label)];
}

export function memValues(m: Mem, detail: boolean, optional: Optional = {}): number[] {
  const base = detail ? [m.pswap, m.shSYSV, m.shOth, m.stack, m.text, m.data, m.ptotal] : [m.pswap, otherOf(m), m.data, m.ptotal];
  return [...base, ...OPTIONAL_MEM_COLUMNS.filter(([k]) => optional[k]).map(([k]) => m[k])];
}

/** Each memory column's width: the units' width, or one more than a longer label ("pss+swap"). */
function memWidths(o: FormatOptions): number[] {
  const w = columnWidth(o.units);
  return memColumns(o.detail, o).map((label) => Math.max(w, label.length + 1));
}

export function formatCpu(pct: number): string {
  return fixed1(pct);
}

/** CPU% in at most `room` characters: whole percent when the decimal does not fit, else `>99…`. */
export function fitCpu(pct: number, room: number): string {
  const s = formatCpu(pct);
  if (s.length <= room) return s;
  const whole = String(Math.round(pct));
  return whole.length <= room ? whole : '>' + '9'.repeat(Math.max(1, room - 1));
}

/** COUNT column: `Nx`, or the pid of a single-process group in exe/cmd mode. */
export function countText(r: GroupRow, groupBy: GroupBy): string {
  if (r.type !== 'T' && r.type !== 'O' && r.pid !== null && groupBy !== 'pid') return String(r.pid);
  return `${r.count}x`;
}

export function headerLine(o: FormatOptions): string {
  const w = columnWidth(o.units);
  let s = o.numbers ? '     ' : '';
  if (o.showCpu) s += 'cpu%'.padStart(w);
  const widths = memWidths(o);
  memColumns(o.detail, o).forEach((c, i) => (s += c.padStart(widths[i])));
  if (o.oom) s += 'oom'.padStart(OOM_WIDTH);
  return s + ' ' + 'type'.padStart(TYPE_WIDTH) + ' ' + 'count'.padStart(COUNT_WIDTH) + ' key/info';
}

/** The type column: a `+NK`/`-NK` too long for it is written with a suffix instead (`+9766M`). */
export function typeText(r: GroupRow): string {
  if (r.type.length <= TYPE_WIDTH || (!r.type.startsWith('+') && !r.type.startsWith('-'))) return r.type;
  return r.type[0] + fitKb(Math.abs(r.delta), 'KB', TYPE_WIDTH - 1);
}

export function rowLine(r: GroupRow, o: FormatOptions, lineNo?: number): string {
  const w = columnWidth(o.units);
  let s = o.numbers ? (lineNo === undefined ? '' : String(lineNo)).padStart(4) + ' ' : '';
  // A figure keeps one space before it, however large (a crafted tree can say 2^63 KB).
  if (o.showCpu) s += fitCpu(r.cpu, w - 1).padStart(w);
  const widths = memWidths(o);
  memValues(r.mem, o.detail, o).forEach((v, i) => (s += fitKb(v, o.units, widths[i] - 1).padStart(widths[i])));
  if (o.oom) s += (r.oom === undefined ? '' : String(r.oom)).padStart(OOM_WIDTH);
  const kernel = r.kernel ? '  ' + kernelText(r.kernel) : '';
  return s + ' ' + typeText(r).padStart(TYPE_WIDTH) + ' ' + countText(r, o.groupBy).padStart(COUNT_WIDTH) + ' ' + r.info + kernel;
}

/** The marker of a group at NEAR_LIMIT_SHARE of its cgroup's limit or more (as `leak?` marks a suspect). */
export const NEAR_LIMIT_MARK = 'limit?';

/** The marker of a group with OOM kills since the view started (`oom_kill=+2`). */
export const OOM_KILL_MARK = 'oom_kill=+';

/**
 * A group's kernel figures after its info: `cg=1.2G/2.0G(60%) peak=1.5G swap=0 psi=0.25`,
 * then `limit?` when near the limit and `oom_kill=+N` after OOM kills. Each figure is left out where the kernel has none.
 */
export function kernelText(k: CgroupFigures): string {
  let s = `cg=${hk(k.current)}`;
  if (k.limit !== null) s += `/${hk(k.limit)}${k.limit > 0 ? `(${Math.round((100 * k.current) / k.limit)}%)` : ''}`;
  if (k.peak !== null) s += ` peak=${hk(k.peak)}`;
  if (k.swap !== null) s += ` swap=${hk(k.swap)}`;
  if (k.pressure !== null) s += ` psi=${k.pressure.toFixed(2)}`;
  if (k.nearLimit) s += ` ${NEAR_LIMIT_MARK}`;
  const kills = k.events?.oomKill ?? 0;
  return kills > 0 ? `${s} ${OOM_KILL_MARK}${kills}` : s;
}

export function hhmmss(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const hk = (kb: number) => human(kb * 1024);
const pctOf = (part: number, whole: number) => (whole > 0 ? `/${Math.round((100 * part) / whole)}%` : '');

/** One piece of a leader line: a figure (with what it is) or the space between two. */
export interface LeaderPart {
  text: string;
  figure: LeaderFigure | null;
}

/**
 * Leader line(s) (docs/columns.md#the-leader-line), figure by figure (the panel gives each its
 * tooltip). `accessHint` follows the count of processes that could not be read (e.g. "run as
 * root"); leave it out where root would not help.
 */
export function leaderParts(l: LeaderFigures, showCpu: boolean, accessHint = ''): LeaderPart[][] {
  const line = (): LeaderPart[] => [];
  const add = (parts: LeaderPart[], text: string, figure: LeaderFigure) => {
    if (parts.length) parts.push({ text: ' ', figure: null });
    parts.push({ text, figure });
  };
  const first = line();
  add(first, hhmmss(l.time), 'time');
  add(first, `Tot=${hk(l.memTotal)}`, 'tot');
  add(first, `Used=${hk(l.used)}`, 'used');
  add(first, `Avail=${hk(l.avail)}`, 'avail');
  if (l.oth !== null) add(first, `Oth=${hk(l.oth)}`, 'oth');
  add(first, `Sh+Tmp=${hk(l.shTmp)}`, 'shTmp');
  add(first, `Dirty=${hk(l.dirty)}`, 'dirty');
  add(first, `PIDs=${l.pidsShown}/${l.pidsTotal}`, 'pids');
  if (l.inaccessible > 0) add(first, `[${l.inaccessible} not accessible${accessHint ? `: ${accessHint}` : ''}]`, 'inaccessible');
  if (l.search) add(first, `/${l.search}/`, 'search');
  if (l.pressure) add(first, pressureText(l.pressure), 'psi');
  if (l.stale) add(first, `[${l.stale} older than this tick]`, 'stale');
  const lines = [first];
  if (l.zram) {
    const z = l.zram;
    const tot = l.memTotal * 1024;
    const second = line();
    add(second, `${fixed1(l.kernelCpu)}%/ker`, 'kerCpu');
    add(second, `MajF/s=${withCommas(Math.round(l.majfaultsPerSec))}`, 'majf');
    add(second, `zRAM=${human(z.zramUsed)}`, 'zram');
    add(second, `CR=${fixed1(z.ratio)}`, 'cr');
    add(second, `eTot=${human(z.eTot)}${pctOf(z.eTot, tot)}`, 'eTot');
    add(second, `eUsed=${human(z.eUsed)}${pctOf(z.eUsed, tot)}`, 'eUsed');
    add(second, `eAvail=${human(z.eAvail)}${pctOf(z.eAvail, tot)}`, 'eAvail');
    lines.push(second);
  } else if (showCpu) {
    const second = line();
    add(second, `${fixed1(l.kernelCpu)}%/ker`, 'kerCpu');
    for (const t of l.topKernelThreads) add(second, `${t.comm}=${fixed1(t.cpu)}%`, 'kthread');
    lines.push(second);
  }
  return lines;
}

/** The leader line(s) as text. */
export function leaderLines(l: LeaderFigures, showCpu: boolean, accessHint = ''): string[] {
  return leaderParts(l, showCpu, accessHint).map((parts) => parts.map((p) => p.text).join(''));
}

/** System memory pressure: the share of the last 10 s in which some / all tasks stalled on memory. */
export function pressureText(p: Pressure): string {
  return `PSI some=${p.some.toFixed(2)}%${p.full === null ? '' : ` full=${p.full.toFixed(2)}%`}`;
}
