// What the terminal window shows, as lines of plain text with a style each: the leader, the
// header, the T row, the body rows (or help, or a kill confirmation) and a status line.
// Pure: ansi.ts turns these lines into escape sequences. Names from /proc arrive printable
// (the sampler passes them through src/core/printable.ts); what is shown is passed through it
// again here, so that no string reaches the terminal raw, whoever built the report.
import { FIGURES } from '../../core/figures';
import { headerLine, leaderLines, rowLine, type FormatOptions } from '../../core/format';
import type { GroupRow } from '../../core/types';
import type { PanelSettingKey } from '../../shared/options';
import { helpEntries } from './keys';
import type { Layout, TuiState } from './model';
import { selectedIndex } from './model';
import { printable } from '../../core/printable';
import { cut, fit, textWidth } from './text';
import { cgroupLines } from './cgroupLines';

export type Style = 'plain' | 'leader' | 'header' | 'total' | 'new' | 'grow' | 'shrink' | 'gone' | 'overflow' | 'member' | 'status' | 'alert';

export interface Line {
  text: string;
  style: Style;
  selected?: boolean;
}

export interface RenderContext {
  width: number;
  height: number;
  /** Said after the count of unreadable processes ("run as root"), or ''. */
  accessHint: string;
  /** Seconds between samples; null when no more come (a replay reached its last sample). */
  loopSecs: number | null;
  /** In a replay: the recorded moment shown (its time, place and events), first on the status line. */
  moment?: string;
}

export function rowStyle(r: GroupRow): Style {
  const t = r.type;
  if (t === 'A') return 'new';
  if (t === 'x') return 'gone';
  if (t === 'O') return 'overflow';
  if (t === 'T') return 'total';
  if (t.startsWith('+')) return 'grow';
  if (t.startsWith('-')) return 'shrink';
  return 'plain';
}

/** The text's figures that an option of their own shows (oom, ksm, thp, pss+swap, uss), the last column first. */
const OPTIONAL_SHOWN = ['showOom', 'showEpss', 'showUss', 'showThp', 'showKsm'] as const;
type OptionalShown = (typeof OPTIONAL_SHOWN)[number];
const isOptionalShown = (s: string): s is OptionalShown => (OPTIONAL_SHOWN as readonly string[]).includes(s);
const OPTIONAL_FIGURES = FIGURES.flatMap((f) => (isOptionalShown(f.shown) ? [{ label: f.label, shown: f.shown }] : [])).reverse();

/** Characters the key/info column keeps however narrow the terminal: names stay, figures go. */
export const MIN_INFO = 20;

/**
 * The columns that fit `width` with MIN_INFO left for key/info: the optional ones go first
 * (#, oom, pss+swap, uss), then detail folds its four columns back into `other`, then cpu%.
 * Returns the format and the labels of what went.
 */
export function fitColumns(f: FormatOptions, width: number): { f: FormatOptions; hidden: string[] } {
  const room = (g: FormatOptions) => width - (textWidth(headerLine(g)) - 'key/info'.length);
  const steps: Array<[string, (g: FormatOptions) => boolean, (g: FormatOptions) => FormatOptions]> = [
    ['#', (g) => g.numbers, (g) => ({ ...g, numbers: false })],
    // The figures an option shows, the last column first (the registry's order, src/core/figures.ts).
    ...OPTIONAL_FIGURES.map((x): [string, (g: FormatOptions) => boolean, (g: FormatOptions) => FormatOptions] => [x.label, (g) => g[x.shown] === true, (g) => ({ ...g, [x.shown]: false })]),
    ['detail cols', (g) => g.detail, (g) => ({ ...g, detail: false })],
    ['cpu%', (g) => g.showCpu, (g) => ({ ...g, showCpu: false })],
  ];
  const hidden: string[] = [];
  let g = f;
  for (const [label, on, off] of steps) {
    if (room(g) >= MIN_INFO) break;
    if (!on(g)) continue;
    g = off(g);
    hidden.push(label);
  }
  return { f: g, hidden };
}

/**
 * The status line's account of the view: grouping, sort, units, detail, refresh, and what did
 * not fit; `short` for a narrow terminal (`exe mem MB fast 5s -cpu%`).
 */
export function viewText(s: TuiState, c: RenderContext, hidden: readonly string[], short = false): string {
  const v = s.settings;
  const detail = v.detail ? 'detail' : 'fast';
  // A recording's samples come by keys, not by a clock: no refresh to tell.
  const clock = c.moment !== undefined ? [] : [c.loopSecs === null ? (short ? 'end' : 'end of replay') : short ? `${c.loopSecs}s` : `every ${c.loopSecs}s`];
  if (short) return [v.groupBy, v.sortBy, v.units, detail, ...clock, ...hidden.map((h) => `-${h}`)].join(' ');
  const parts = [`group ${v.groupBy}`, `sort ${v.sortBy}`, v.units, detail, ...clock];
  if (hidden.length > 0) parts.push(`no room: ${hidden.join(' ')}`);
  return parts.join(' \u00b7 ');
}

function statusLine(l: Layout, s: TuiState, c: RenderContext, first: number, shown: number, hidden: readonly string[] = []): Line {
  if (s.mode === 'search') return { text: `/${printable(s.search)}\u2588   Enter keeps the search, Esc clears it`, style: 'status' };
  if (s.mode === 'confirm') return { text: `y: send ${s.confirm?.signal ?? 'SIGTERM'}   s: another signal   any other key: cancel`, style: 'alert' };
  if (s.mode === 'help') return { text: `j/k PgUp/PgDn scroll   Esc or ? closes the ${s.page ? 'page' : 'help'}`, style: 'status' };
  if (s.mode === 'cgroup' && !s.message) return { text: 'Esc or Enter closes the cgroup\u2019s memory', style: 'status' };
  if (s.message) return { text: printable(s.message), style: s.message.startsWith('pmemstat kill: gone') ? 'status' : 'alert' };
  if (s.note) return { text: s.note, style: 'status' };
  if (s.killMode) return { text: 'KILL MODE: select a row and press Enter (it asks first); K or Esc leaves', style: 'alert' };
  const n = l.items.length;
  const where = n === 0 ? 'no rows' : `rows ${first + 1}-${first + shown} of ${n}`;
  const search = `${c.moment !== undefined ? `${printable(c.moment)}  ` : ''}${s.search ? `/${printable(s.search)}/ (Esc clears)  ` : ''}`;
  // As much as room allows: the view in words, then in short; the keys (? lists them all).
  const full = s.replay ? '? help  [ ] { } time  q quit' : '? help  / search  K kill  q quit';
  const tries: Array<[boolean, string]> = [[false, full], [false, '? help  q quit'], [false, '?'], [true, '?'], [true, '']];
  for (const [short, keys] of tries) {
    const left = `${search}${viewText(s, c, hidden, short)}  ${where}`;
    const gap = c.width - textWidth(left) - textWidth(keys);
    if (gap >= (keys ? 2 : 0)) return { text: left + ' '.repeat(gap) + keys, style: 'status' };
  }
  return { text: `${search}${viewText(s, c, hidden, true)}  ${where}`, style: 'status' };
}

/** A setting's value as its help line shows it. */
function valueText(s: TuiState, key: PanelSettingKey): string {
  const v = s.settings[key];
  if (typeof v !== 'boolean') return String(v);
  return v ? 'on' : 'off';
}

function helpLines(s: TuiState, rows: number): Line[] {
  if (s.page) {
    const lines: Line[] = [{ text: s.page.title, style: 'header' }, ...s.page.lines.map((text): Line => ({ text, style: 'plain' }))];
    const top = Math.min(s.helpTop, Math.max(0, lines.length - rows));
    return lines.slice(top, top + rows);
  }
  const entries = helpEntries(s.replay === true).map((e) => ({ ...e, value: e.option ? `[${valueText(s, e.option)}]` : '' }));
  const w = Math.max(...entries.map((e) => e.keys.length)) + 2;
  const vw = Math.max(...entries.map((e) => e.value.length)) + 1;
  const lines: Line[] = [{ text: 'pmemstat: keys (an option key applies at once; [its value now])', style: 'header' }];
  for (const e of entries) lines.push({ text: `  ${e.keys.padEnd(w)}${e.value.padEnd(vw)}${e.help}`, style: 'plain' });
  const top = Math.min(s.helpTop, Math.max(0, lines.length - rows));
  return lines.slice(top, top + rows);
}

/** Every line of the screen, each cut to the width; exactly `height` lines. */
export function render(l: Layout, s: TuiState, c: RenderContext): Line[] {
  const out: Line[] = [];
  const body = (rows: Line[]) => {
    for (const r of rows) out.push(r);
  };
  const r = l.report;
  let first = 0;
  let shown = 0;
  let hidden: string[] = [];
  if (s.mode === 'help') body(helpLines(s, c.height - 1));
  else if (!r) body([{ text: 'pmemstat: reading /proc\u2026', style: 'leader' }]);
  else {
    const showCpu = s.settings.showCpu;
    const wanted: FormatOptions = {
      units: s.settings.units,
      detail: r.detail,
      showCpu,
      numbers: s.settings.lineNumbers,
      groupBy: s.settings.groupBy,
      showOom: s.settings.showOom,
      showUss: s.settings.showUss,
      showEpss: s.settings.showEpss,
      showThp: s.settings.showThp,
      showKsm: s.settings.showKsm,
    };
    const fitted = fitColumns(wanted, c.width);
    const f = fitted.f;
    hidden = fitted.hidden;
    const memberF: FormatOptions = { ...f, groupBy: 'exe' };
    const leader = { ...r.leader, pidsShown: l.pidsShown, search: s.search };
    const lead = leaderLines(leader, showCpu, c.accessHint);
    for (const t of lead) out.push({ text: printable(t), style: 'leader' });
    out.push({ text: headerLine(f), style: 'header' }, { text: rowLine(r.total, f), style: 'total' });
    if (s.mode === 'cgroup' && s.cgroup !== undefined) {
      const key = s.cgroup;
      body(cgroupLines(r.rows.find((x) => x.key === key), key));
    } else if (s.mode === 'confirm' && s.confirm) {
      body([{ text: s.confirm.title, style: 'alert' }, ...s.confirm.lines.map((t): Line => ({ text: printable(t), style: 'plain' }))]);
    } else {
      const rows = c.height - out.length - 1;
      const sel = selectedIndex(l, s);
      first = Math.min(s.top, Math.max(0, l.items.length - rows));
      const visible = l.items.slice(first, first + rows);
      shown = visible.length;
      visible.forEach((it, i) => {
        const row = { ...it.row, info: printable(it.row.info) };
        const text = it.kind === 'member' ? rowLine(row, memberF, undefined) : rowLine(row, f, it.lineNo);
        out.push({ text, style: it.kind === 'member' ? 'member' : rowStyle(it.row), selected: first + i === sel });
      });
    }
  }
  const lines = out.slice(0, c.height - 1);
  while (lines.length < c.height - 1) lines.push({ text: '', style: 'plain' });
  lines.push(statusLine(l, s, c, first, shown, hidden));
  return lines.map((x) => ({ ...x, text: x.selected || x.style === 'status' ? fit(x.text, c.width) : cut(x.text, c.width) }));
}
