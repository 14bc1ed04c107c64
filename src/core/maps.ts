// What one process's memory is made of: its /proc/PID/smaps mappings grouped by what
// they are (heap, stack, anonymous memory, each file or library, SysV and other shared
// memory, the kernel's [vdso]/[vvar]…), for `pmemstat --maps PID` and the panel's
// drill-down. Pure: it groups the smaps text, using the header scanner of smaps.ts, so
// the groups' Pss add up to exactly the detail ptotal of parseSmapsDetail.
import { capText, TEXT_CAP } from './capText';
import { printable } from './printable';
import { headerNameAt, headerNameEnd, isSysvName, numberAt } from './smaps';
import type { Units } from './types';
import { columnWidth, fitKb, formatKb } from './units';

/** What a group of mappings is. */
export type MapKind = 'heap' | 'stack' | 'anon' | 'file' | 'sysv' | 'shm' | 'kernel';
export const MAP_KINDS: readonly MapKind[] = ['heap', 'stack', 'anon', 'file', 'sysv', 'shm', 'kernel'];

/** One group of mappings (KB). */
export interface MapGroup {
  kind: MapKind;
  /** The file, segment or pseudo name ([heap], [anon], [vdso], /usr/lib/…), printable. */
  name: string;
  /** How many mappings the group holds. */
  count: number;
  pss: number;
  rss: number;
  /** Private_Clean + Private_Dirty: what only this process holds (its USS share). */
  priv: number;
  /** Shared_Clean + Shared_Dirty. */
  shared: number;
  swap: number;
  swapPss: number;
}

export interface ProcessMaps {
  /** Groups by Pss, largest first (then by name). */
  groups: MapGroup[];
  /** The sums of the groups; total.pss (+ swapPss when zRAM is active) is the detail ptotal. */
  total: Omit<MapGroup, 'kind' | 'name'>;
  /** The detail ptotal the groups add up to (Σ Pss, + Σ SwapPss when zRAM is active). */
  ptotal: number;
  /**
   * Set when the process's smaps was too large to read whole: the bytes read (its first
   * mappings, whole records only). The figures are those mappings'.
   */
  cut?: number;
}

const FIELDS = [
  ['Rss:', 'rss'],
  ['Pss:', 'pss'],
  ['Shared_Clean:', 'shared'],
  ['Shared_Dirty:', 'shared'],
  ['Private_Clean:', 'priv'],
  ['Private_Dirty:', 'priv'],
  ['Swap:', 'swap'],
  ['SwapPss:', 'swapPss'],
] as const;
type Figure = (typeof FIELDS)[number][1];

/** The kind of a mapping from its name and whether it is shared ('s' in the perms). */
export function mapKind(name: string, shared: boolean): MapKind {
  if (name === '') return shared ? 'shm' : 'anon';
  if (name === '[heap]') return 'heap';
  if (name === '[stack]' || name.startsWith('[stack:')) return 'stack';
  if (name.startsWith('[anon')) return shared ? 'shm' : 'anon';
  if (name.startsWith('[')) return 'kernel';
  if (shared && isSysvName(name, 0, name.length)) return 'sysv';
  if (name.startsWith('/dev/shm/') || name.startsWith('/memfd:') || name.startsWith('/dev/zero')) return shared ? 'shm' : 'anon';
  return 'file';
}

/** smaps is read as latin1 (byte-exact); a name is UTF-8, like every name in /proc. */
function utf8(raw: string): string {
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) > 0x7f) return new TextDecoder().decode(Uint8Array.from(raw, (c) => c.charCodeAt(0)));
  }
  return raw;
}

/** A group's name: unnamed memory gets a bracketed name of its kind. */
function groupName(kind: MapKind, name: string): string {
  if (name !== '') return name;
  return kind === 'shm' ? '[shared anon]' : '[anon]';
}

/**
 * Group the mappings of a /proc/PID/smaps text. Mappings with the same kind and name
 * are one group (every mapping of a library, all anonymous memory). Attribute lines
 * before the first header and malformed lines are skipped, as parseSmapsDetail does.
 */
export function groupMaps(text: string, zramActive: boolean): ProcessMaps {
  const byKey = new Map<string, MapGroup>();
  let cur: MapGroup | null = null;
  const len = text.length;
  let pos = 0;
  while (pos < len) {
    let eol = text.indexOf('\n', pos);
    if (eol < 0) eol = len;
    const c = text.charCodeAt(pos);
    if (c >= 65 && c <= 90) {
      // An attribute line ("Pss:   12 kB"): upper-case first letter.
      if (cur) {
        for (const [label, key] of FIELDS) {
          if (text.startsWith(label, pos)) {
            const v = numberAt(text, pos + label.length, eol);
            if (v > 0) cur[key as Figure] += v;
            break;
          }
        }
      }
    } else {
      const at = headerNameAt(text, pos, eol);
      if (at >= 0) {
        const raw = text.slice(at, headerNameEnd(text, at, eol));
        const shared = text.charCodeAt(text.indexOf(' ', pos) + 4) === 115; // 's' of "rw-s"
        const kind = mapKind(raw, shared);
        const name = capText(printable(groupName(kind, utf8(raw))), TEXT_CAP.mapName);
        const key = `${kind}\0${name}`;
        cur = byKey.get(key) ?? null;
        if (!cur) {
          cur = { kind, name, count: 0, pss: 0, rss: 0, priv: 0, shared: 0, swap: 0, swapPss: 0 };
          byKey.set(key, cur);
        }
        cur.count++;
      }
    }
    pos = eol + 1;
  }
  const groups = [...byKey.values()].sort((a, b) => b.pss - a.pss || b.rss - a.rss || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const total = { count: 0, pss: 0, rss: 0, priv: 0, shared: 0, swap: 0, swapPss: 0 };
  const keys = Object.keys(total) as (keyof typeof total)[];
  for (const g of groups) for (const k of keys) total[k] += g[k];
  return { groups, total, ptotal: total.pss + (zramActive ? total.swapPss : 0) };
}

/** The columns of the mappings table, in order, with the figure each shows. */
export const MAP_COLUMNS = [
  ['pss', 'Pss'],
  ['rss', 'Rss'],
  ['priv', 'private'],
  ['shared', 'shared'],
  ['swap', 'swap'],
  ['swapPss', 'swapPss'],
] as const;

/**
 * The units a process's mappings are shown in: most mappings are smaller than 1 MB, so MB and mB
 * would show them as rows of 0: KB instead (as smaps prints them); KB and human as they are.
 */
export function mapsUnits(units: Units): Units {
  return units === 'MB' || units === 'mB' ? 'KB' : units;
}

/** The text of `pmemstat --maps PID`: a header, one line per group, and the total. */
export function mapsLines(pid: number, m: ProcessMaps, units: Units): string[] {
  const w = columnWidth(units);
  const line = (g: Omit<MapGroup, 'kind' | 'name'>, kind: string, name: string) =>
    MAP_COLUMNS.map(([k]) => fitKb(g[k], units, w - 1).padStart(w)).join('') + ' ' + String(g.count).padStart(5) + ' ' + kind.padEnd(6) + ' ' + name;
  return [
    ...(m.cut !== undefined ? [mapsCutNote(m.cut)] : []),
    `mappings of pid ${pid}: ptotal ${formatKb(m.ptotal, units)}${units === 'human' ? '' : ` ${units}`} (Σ Pss${m.ptotal !== m.total.pss ? ' + Σ SwapPss: zRAM is active' : ''})`,
    MAP_COLUMNS.map(([, label]) => label.padStart(w)).join('') + ' ' + 'maps'.padStart(5) + ' ' + 'kind'.padEnd(6) + ' name',
    ...m.groups.map((g) => line(g, g.kind, g.name)),
    line(m.total, 'total', ''),
  ];
}

/** What the views say of a process whose smaps was too large to read whole. */
export function mapsCutNote(bytes: number): string {
  return `too large to read whole: only the mappings in the first ${Math.round(bytes / 1048576)} MB of its smaps are shown`;
}

/**
 * The head of a cut smaps text that holds whole records only: up to the last record's header
 * (a line starting with a hex address), which may have lost its fields to the cut.
 */
export function wholeSmapsRecords(text: string): string {
  for (let i = text.lastIndexOf('\n'); i > 0; i = text.lastIndexOf('\n', i - 1)) {
    const c = text.charCodeAt(i + 1);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) return text.slice(0, i + 1);
  }
  return '';
}
