// The text report of the `pmemstat` command: leader line(s), header, rows.
import { otherOf, type GroupBy, type GroupRow, type LeaderFigures, type Mem, type Units } from './types';
import { columnWidth, fitKb, fixed1, human, withCommas } from './units';

export interface FormatOptions {
  units: Units;
  /** Detail mode: seven memory columns instead of four. */
  detail: boolean;
  showCpu: boolean;
  numbers: boolean;
  groupBy: GroupBy;
}

const TYPE_WIDTH = 8;
const COUNT_WIDTH = 7;

/** The memory column labels, in order. */
export function memColumns(detail: boolean): string[] {
  return detail
    ? ['pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal']
    : ['pswap', 'other', 'data', 'ptotal'];
}

export function memValues(m: Mem, detail: boolean): number[] {
  return detail
    ? [m.pswap, m.shSYSV, m.shOth, m.stack, m.text, m.data, m.ptotal]
    : [m.pswap, otherOf(m), m.data, m.ptotal];
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
  for (const c of memColumns(o.detail)) s += c.padStart(w);
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
  for (const v of memValues(r.mem, o.detail)) s += fitKb(v, o.units, w - 1).padStart(w);
  return s + ' ' + typeText(r).padStart(TYPE_WIDTH) + ' ' + countText(r, o.groupBy).padStart(COUNT_WIDTH) + ' ' + r.info;
}

export function hhmmss(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

const hk = (kb: number) => human(kb * 1024);
const pctOf = (part: number, whole: number) => (whole > 0 ? `/${Math.round((100 * part) / whole)}%` : '');

/**
 * Leader line(s) (docs/columns.md#the-leader-line). `accessHint` follows the count of
 * processes that could not be read (e.g. "run as root"); leave it out where root would not help.
 */
export function leaderLines(l: LeaderFigures, showCpu: boolean, accessHint = ''): string[] {
  let first =
    `${hhmmss(l.time)} Tot=${hk(l.memTotal)} Used=${hk(l.used)} Avail=${hk(l.avail)}` +
    (l.oth === null ? '' : ` Oth=${hk(l.oth)}`) +
    ` Sh+Tmp=${hk(l.shTmp)} Dirty=${hk(l.dirty)} PIDs=${l.pidsShown}/${l.pidsTotal}`;
  if (l.inaccessible > 0) first += ` [${l.inaccessible} not accessible${accessHint ? `: ${accessHint}` : ''}]`;
  if (l.search) first += ` /${l.search}/`;
  if (l.stale) first += ` [${l.stale} older than this tick]`;
  const lines = [first];
  if (l.zram) {
    const z = l.zram;
    const tot = l.memTotal * 1024;
    lines.push(
      `${fixed1(l.kernelCpu)}%/ker MajF/s=${withCommas(Math.round(l.majfaultsPerSec))}` +
        ` zRAM=${human(z.zramUsed)} CR=${fixed1(z.ratio)}` +
        ` eTot=${human(z.eTot)}${pctOf(z.eTot, tot)} eUsed=${human(z.eUsed)}${pctOf(z.eUsed, tot)}` +
        ` eAvail=${human(z.eAvail)}${pctOf(z.eAvail, tot)}`,
    );
  } else if (showCpu) {
    const top = l.topKernelThreads.map((t) => ` ${t.comm}=${fixed1(t.cpu)}%`).join('');
    lines.push(`${fixed1(l.kernelCpu)}%/ker${top}`);
  }
  return lines;
}
