// The text report of the `pmemstat` command: leader line(s), header, rows.
import type { CgroupFigures, Pressure } from './cgroup';
import type { LeaderFigure } from './leaderHelp';
import { isExtraFigureKey, isMemFigure, memFigure, shownFigures, type Figure, type FigureOptions } from './figures';
import type { GroupBy, GroupRow, LeaderFigures, Mem, Units } from './types';
import { columnWidth, fitKb, fixed1, human, withCommas } from './units';

/**
 * What the text shows: the figures' options (detail: seven memory columns instead of four;
 * showUss, showEpss, showThp, showKsm, showOom: the optional columns, hidden unless asked for), the units, the
 * line numbers and the grouping.
 */
export interface FormatOptions extends FigureOptions {
  units: Units;
  numbers: boolean;
  groupBy: GroupBy;
}

const TYPE_WIDTH = 8;
const OOM_WIDTH = 6;
const COUNT_WIDTH = 7;

/** The figures of the text's columns, in order: the registry's (figures.ts) shown ones, but for
 * the cgroup column (the text writes a group's kernel figures after its info, kernelText). */
export function textFigures(o: FormatOptions): Figure[] {
  return shownFigures(o).filter((f) => f.key !== 'cgroup');
}

/** A column's width: cpu% the units' width, oom its own, a memory figure the units' width or one more than a longer label ("pss+swap"). */
function figureWidth(f: Figure, w: number): number {
  if (f.key === 'oom') return OOM_WIDTH;
  return f.key === 'cpu' ? w : Math.max(w, f.label.length + 1);
}

/** A figure's cell, without padding; a figure keeps one space before it, however large (a crafted tree can say 2^63 KB). */
function figureCell(f: Figure, r: { cpu: number; mem: Mem; oom?: number; thp?: number; ksm?: number }, o: FormatOptions, width: number): string {
  if (f.key === 'cpu') return fitCpu(r.cpu, width - 1);
  if (f.key === 'oom') return r.oom === undefined ? '' : String(r.oom);
  if (isExtraFigureKey(f.key)) {
    const v = r[f.key];
    return v === undefined ? '' : fitKb(v, o.units, width - 1);
  }
  return isMemFigure(f) ? fitKb(memFigure(r.mem, f.key), o.units, width - 1) : '';
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
  for (const f of textFigures(o)) s += f.label.padStart(figureWidth(f, w));
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
  for (const f of textFigures(o)) {
    const width = figureWidth(f, w);
    s += figureCell(f, r, o, width).padStart(width);
  }
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
