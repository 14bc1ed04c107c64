// The terminal window's state and what a key does to it. Pure: the shell (window.ts) samples,
// draws what render.ts makes of this state, and carries out the effects update() returns.
import { planKill, confirmText, type KillPlan } from '../../shared/killPlan';
import { applyView, sortRows } from '../../core/report';
import { isCgroupGrouping, type GroupRow, type Report } from '../../core/types';
import { DEFAULT_KILL_SIGNAL, KILL_SIGNALS, type KillSignal, type KillTarget } from '../../shared/kill';
import { controlOf, optionChange, type PanelSettingKey, type PanelSettings } from '../../shared/options';
import { killTargets, membersInOrder, moveIndex, sameRef, type NavMove, type RowRef } from '../../shared/rowOrder';
import type { Action, KeyMode, NavUnit } from './keys';
import type { TimeStep } from '../../core/timeline';

export type { RowRef };

export interface Confirm {
  title: string;
  lines: string[];
  targets: KillTarget[];
  /** The signal `y` sends (`s` cycles through KILL_SIGNALS). */
  signal: KillSignal;
  plan: KillPlan;
}

export interface TuiState {
  settings: PanelSettings;
  search: string;
  mode: KeyMode;
  killMode: boolean;
  selected: RowRef | null;
  /** The first body row shown. */
  top: number;
  expanded: ReadonlySet<string>;
  helpTop: number;
  confirm: Confirm | null;
  /** One line of news (a kill's result, a refusal); cleared by the next key. */
  message: string;
  /** What the last option key did (shown as the status line until the next key). */
  note?: string;
  /** Why nothing may be killed here ('' = killing is allowed): a captured tree is not the live system. */
  noKill: string;
  /** A page of text shown in place of the help (a process's mappings); null = the help. */
  page: { title: string; lines: string[] } | null;
  /** The group whose cgroup memory is shown (mode 'cgroup'), by key. */
  cgroup?: string;
  /** The window shows a recording (pmemstat replay --from): its keys step in time. */
  replay?: boolean;
}

export function initialState(settings: PanelSettings, search: string, noKill = ''): TuiState {
  return { settings, search, mode: 'table', killMode: false, selected: null, top: 0, expanded: new Set(), helpTop: 0, confirm: null, message: '', noKill, page: null };
}

export interface BodyItem {
  /** null for the O row, which cannot be selected. */
  ref: RowRef | null;
  row: GroupRow;
  kind: 'group' | 'member' | 'overflow';
  /** The group's place (1-based) for line numbers; 0 for members. */
  lineNo: number;
}

export interface Layout {
  report: Report | null;
  items: BodyItem[];
  /** Processes in the shown rows (the leader's "shown"). */
  pidsShown: number;
  /** Body rows that fit between the T row and the status line. */
  bodyRows: number;
}

/** A process of a group, shaped as a row (indented info; count shows its pid). */
export function memberRow(r: GroupRow, m: GroupRow['members'][number]): GroupRow {
  const row: GroupRow = { key: r.key, info: `  ${m.cmd}`, type: '', delta: 0, mem: m.mem, cpu: m.cpu, count: 1, pid: m.pid, members: [] };
  if (m.oom !== undefined) row.oom = m.oom;
  return row;
}

/** Fit-to-window applies only when sorted by mem or cpu (as in the panel). */
export function fitApplies(s: PanelSettings): boolean {
  return s.fitToWindow && s.sortBy !== 'name';
}

/** Lines above the body: leader (1 or 2), header, T row. */
export function headLines(report: Report, showCpu: boolean): number {
  const leader = report.leader.zram || showCpu ? 2 : 1;
  return leader + 2;
}

/** The rows of the body for a report under the current settings, search and height. */
export function layout(report: Report | null, s: TuiState, height: number): Layout {
  if (!report) return { report, items: [], pidsShown: 0, bodyRows: Math.max(1, height - 2) };
  const bodyRows = Math.max(1, height - headLines(report, s.settings.showCpu) - 1);
  const rows = sortRows([...report.rows], s.settings.sortBy, s.settings.riseToTop);
  const view = applyView({ ...report, rows }, { search: s.search, topPct: s.settings.topPct, maxRows: fitApplies(s.settings) ? bodyRows : 0 });
  const items: BodyItem[] = [];
  view.rows.forEach((r, i) => {
    items.push({ ref: { key: r.key, pid: null }, row: r, kind: 'group', lineNo: i + 1 });
    if (s.expanded.has(r.key) && r.type !== 'x') {
      for (const m of membersInOrder(r)) items.push({ ref: { key: r.key, pid: m.pid }, row: memberRow(r, m), kind: 'member', lineNo: 0 });
    }
  });
  if (view.overflow) items.push({ ref: null, row: view.overflow, kind: 'overflow', lineNo: view.rows.length + 1 });
  return { report, items, pidsShown: view.pidsShown, bodyRows };
}

export function selectedIndex(l: Layout, s: TuiState): number {
  return s.selected ? l.items.findIndex((it) => sameRef(it.ref, s.selected)) : -1;
}

/** The first row to show so that row `sel` is visible. */
export function scrollTop(top: number, sel: number, rows: number, len: number): number {
  let t = Math.min(top, Math.max(0, len - rows));
  if (sel >= 0 && sel < t) t = sel;
  if (sel >= t + rows) t = sel - rows + 1;
  return Math.max(0, t);
}

/**
 * The state made consistent with a new layout: a selection whose row went away moves to the
 * row now at its place (the first row when there was none), and the selection stays in view.
 */
export function settle(s: TuiState, l: Layout, prevIndex: number): TuiState {
  const selectable = l.items.filter((it) => it.ref !== null);
  let selected = s.selected;
  let sel = selectedIndex(l, s);
  if (sel < 0 && selectable.length > 0) {
    const at = Math.min(Math.max(0, prevIndex), l.items.length - 1);
    const pick = l.items.slice(0, at + 1).reverse().find((it) => it.ref) ?? selectable[0];
    selected = pick.ref;
    sel = l.items.indexOf(pick);
  }
  if (selectable.length === 0) selected = null;
  const top = scrollTop(s.top, sel, l.bodyRows, l.items.length);
  return selected === s.selected && top === s.top ? s : { ...s, selected, top };
}

function stepOf(move: NavMove, unit: NavUnit, rows: number): NavMove {
  if (unit === 'row' || (move.kind !== 'down' && move.kind !== 'up')) return move;
  return { kind: move.kind, n: unit === 'half' ? Math.max(1, Math.floor(rows / 2)) : Math.max(1, rows - 1) };
}

export type Effect =
  | { kind: 'quit' }
  | { kind: 'redraw' }
  | { kind: 'resample' }
  | { kind: 'kill'; targets: KillTarget[]; signal: KillSignal }
  /** Read a process's mappings and show them (showPage). */
  | { kind: 'maps'; pid: number; starttime: number }
  /** Show another recorded sample. */
  | { kind: 'time'; step: TimeStep }
  | null;

export interface Update {
  state: TuiState;
  effect: Effect;
}

/** Options that need a new sample (the sampler reads differently or the groups change). */
const RESAMPLE: ReadonlySet<string> = new Set(['groupBy', 'detail', 'cpuAvgSecs']);

/** What the kill of the selected row would ask: its processes, planned by the host's kill rules. */
export function killConfirm(l: Layout, s: TuiState, protectedPids: readonly number[]): Confirm | string {
  const it = l.items[selectedIndex(l, s)];
  if (!it || !it.ref || !l.report) return 'select a row to kill first';
  if (it.row.type === 'x') return 'that group has vanished: nothing to kill';
  const plan = planKill(killTargets(l.report, it.ref), l.report, protectedPids);
  if (plan.valid.length === 0) return `nothing to kill: ${plan.refused.map((r) => `${r.pid} ${r.message ?? r.outcome}`).join('; ')}`;
  return confirmFor(plan, DEFAULT_KILL_SIGNAL);
}

function confirmFor(plan: KillPlan, signal: KillSignal): Confirm {
  const text = confirmText(plan, signal);
  const targets = plan.valid.map((c) => ({ pid: c.pid, starttime: c.starttime }));
  return { title: text.message, lines: text.detail.split('\n'), targets, signal, plan };
}

/**
 * What an option key did, in a few words (htop says it in its header): the option, its value
 * now and, where nothing on screen would change, why.
 */
export function optionNote(key: PanelSettingKey, s: PanelSettings): string {
  const c = controlOf(key);
  const v = s[key];
  const value = typeof v === 'boolean' ? (v ? 'on' : 'off') : `${v}${c.valueSuffix ?? ''}`;
  let why = '';
  if (key === 'cpuAvgSecs') why = s.showCpu ? ': cpu% is averaged over this window from the next sample' : ': the cpu% column is off (c shows it)';
  else if (key === 'fitToWindow' && v) why = fitApplies(s) ? ': rows past the window fold into one O row' : ': applies when sorted by mem or cpu (s)';
  else if (key === 'groupBy') why = ': regrouping at the next sample';
  return `${c.label} (${c.hotkey}) ${value}${why}`;
}

/** The state after an action, and what the shell must do. */
export function update(s: TuiState, a: Action, l: Layout, protectedPids: readonly number[]): Update {
  const keep = (state: TuiState, effect: Effect = null): Update => ({ state, effect });
  const t: TuiState = a.kind === 'quit' || a.kind === 'redraw' ? s : { ...s, message: '', note: '' };
  switch (a.kind) {
    case 'quit':
      return keep(s, { kind: 'quit' });
    case 'redraw':
      return keep(s, { kind: 'redraw' });
    case 'option': {
      const settings = { ...t.settings, ...optionChange(a.option, t.settings) };
      const resample = RESAMPLE.has(a.option);
      // A new grouping has other keys: what was expanded or selected means nothing there.
      const regroup = a.option === 'groupBy' ? { expanded: new Set<string>(), selected: null, top: 0 } : {};
      return keep({ ...t, settings, ...regroup, note: optionNote(a.option, settings) }, resample ? { kind: 'resample' } : null);
    }
    case 'killMode':
      return t.noKill ? keep({ ...t, message: t.noKill }) : keep({ ...t, killMode: !t.killMode });
    case 'search':
      return keep({ ...t, mode: 'search' });
    case 'help':
      return keep({ ...t, mode: 'help', helpTop: 0, page: null });
    case 'type':
      return keep({ ...t, search: t.search + a.text, top: 0 });
    case 'backspace':
      return keep({ ...t, search: [...t.search].slice(0, -1).join(''), top: 0 });
    case 'escape':
      if (t.mode === 'search') return keep({ ...t, mode: 'table', search: '', top: 0 });
      if (t.mode === 'help') return keep({ ...t, mode: 'table', page: null });
      if (t.mode === 'cgroup') return keep({ ...t, mode: 'table', cgroup: undefined });
      if (t.killMode) return keep({ ...t, killMode: false });
      return keep({ ...t, search: '', top: 0 });
    case 'enter': {
      if (t.mode === 'search') return keep({ ...t, mode: 'table' });
      if (t.killMode) {
        const c = killConfirm(l, t, protectedPids);
        return typeof c === 'string' ? keep({ ...t, message: c }) : keep({ ...t, mode: 'confirm', confirm: c });
      }
      // Enter on a process shows its mappings, as in the panel; on a group it expands or collapses.
      const process = memberOf(l, t);
      if (process && t.replay) return keep({ ...t, message: `a recording keeps no mappings (process ${process.pid})` });
      if (process) return keep(t, { kind: 'maps', pid: process.pid, starttime: process.starttime });
      // As in the panel: a group of a cgroup grouping opens where its memory goes.
      const it = l.items[selectedIndex(l, t)];
      if (it?.kind === 'group' && it.ref && isCgroupGrouping(t.settings.groupBy) && it.row.kernel) return keep({ ...t, mode: 'cgroup', cgroup: it.ref.key });
      return toggle(t, l, null);
    }
    case 'yes':
      if (!t.confirm) return keep({ ...t, mode: 'table' });
      return keep(
        { ...t, mode: 'table', confirm: null, killMode: false, message: 'killing\u2026' },
        { kind: 'kill', targets: t.confirm.targets, signal: t.confirm.signal },
      );
    case 'time':
      return t.replay ? keep(t, { kind: 'time', step: a.step }) : keep(t);
    case 'cycleSignal': {
      if (!t.confirm) return keep({ ...t, mode: 'table' });
      const next = KILL_SIGNALS[(KILL_SIGNALS.indexOf(t.confirm.signal) + 1) % KILL_SIGNALS.length];
      return keep({ ...t, confirm: confirmFor(t.confirm.plan, next) });
    }
    case 'no':
      return keep({ ...t, mode: 'table', confirm: null, message: 'kill cancelled' });
    case 'toggleExpand':
      return toggle(t, l, null);
    case 'expand':
      return toggle(t, l, true);
    case 'collapse':
      return toggle(t, l, false);
    case 'nav': {
      if (t.mode === 'help') {
        const step = stepOf(a.move, a.unit, l.bodyRows);
        const helpTop = step.kind === 'down' ? t.helpTop + step.n : step.kind === 'up' ? t.helpTop - step.n : step.kind === 'first' ? 0 : t.helpTop;
        return keep({ ...t, helpTop: Math.max(0, helpTop) });
      }
      const len = l.items.length;
      let i = moveIndex(selectedIndex(l, t), len, stepOf(a.move, a.unit, l.bodyRows), t.top, l.bodyRows);
      const dir = a.move.kind === 'up' || a.move.kind === 'first' ? -1 : 1;
      while (i >= 0 && i < len && !l.items[i].ref) i += dir; // the O row is not selectable
      if (i < 0 || i >= len) i = selectedIndex(l, t);
      if (i < 0) return keep(t);
      return keep({ ...t, selected: l.items[i].ref, top: scrollTop(t.top, i, l.bodyRows, len) });
    }
  }
}

/** The process of the selected row when it is a process row (a group's member); null otherwise. */
function memberOf(l: Layout, s: TuiState): { pid: number; starttime: number } | null {
  const it = l.items[selectedIndex(l, s)];
  if (!it?.ref || it.kind !== 'member' || it.ref.pid === null || !l.report) return null;
  const pid = it.ref.pid;
  const m = l.report.rows.find((r) => r.key === it.ref?.key)?.members.find((x) => x.pid === pid);
  return m ? { pid: m.pid, starttime: m.starttime } : null;
}

/** Show a page of text (a process's mappings) where the help goes: scrolled like it, closed by Esc. */
export function showPage(s: TuiState, title: string, lines: string[]): TuiState {
  return { ...s, mode: 'help', helpTop: 0, page: { title, lines } };
}

/** Expand (true), collapse (false) or toggle (null) the selected group; a process row collapses its group. */
function toggle(s: TuiState, l: Layout, to: boolean | null): Update {
  const it = l.items[selectedIndex(l, s)];
  if (!it?.ref) return { state: s, effect: null };
  const key = it.ref.key;
  const open = s.expanded.has(key);
  const want = it.ref.pid !== null ? (to === true ? true : false) : to ?? !open;
  if (want === open) return { state: s, effect: null };
  const expanded = new Set(s.expanded);
  if (want) expanded.add(key);
  else expanded.delete(key);
  return { state: { ...s, expanded, selected: { key, pid: null } }, effect: null };
}
