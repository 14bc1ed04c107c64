// From a key press to what the panel does: which presses are the panel's (a toolbar control
// keeps its own keys), and what each action changes. The key map itself is src/shared/keymap.ts.
import type { GroupRow } from '../src/core/types';
import { optionChange, type PanelSettings } from '../src/shared/options';
import { keyAction, type KeyAction } from '../src/shared/keymap';
import { moveIndex, navList, sameRef, type RowRef } from '../src/shared/rowOrder';

/** What the keys act on: the panel's state and commands (PanelApp). */
export interface KeyTarget {
  readonly settings: PanelSettings;
  readonly killMode: boolean;
  readonly helpOpen: boolean;
  readonly search: string;
  readonly selected: RowRef | null;
  /** The keys of the expanded groups. */
  readonly expanded: ReadonlySet<string>;
  setOptions(change: Partial<PanelSettings>): void;
  setKillMode(on: boolean): void;
  setHelp(open: boolean): void;
  setSearch(text: string): void;
  focusSearch(): void;
  killRef(ref: RowRef): void;
  /**
   * Open the drill-down of a row: a process's mappings, or where the memory of a group of a
   * cgroup grouping goes; false when the row has none (a group then expands).
   */
  showDrillDown(ref: RowRef): boolean;
  toggleExpand(key: string): void;
  select(ref: RowRef, reveal: boolean): void;
  /** The group rows as shown now (null: no report yet). */
  viewRows(): readonly GroupRow[] | null;
  /** Rows in the window, and the first of them. */
  page(): { rows: number; first: number };
}

/**
 * The action of a keydown anywhere in the webview, or null when it is not the panel's: the
 * search box handles its own keys, and a toolbar control keeps Enter, Space and the arrows.
 */
export function panelKey(e: KeyboardEvent, toolbar: Element, table: Element, search: Element): KeyAction | null {
  const target = e.target as Element | null;
  if (target === search) return null;
  const tag = target?.tagName?.toLowerCase() ?? '';
  const inControl = target !== null && target !== table && toolbar.contains(target);
  if (inControl) {
    if (e.key === 'Escape') return { kind: 'escape' };
    if (tag === 'vscode-single-select' || tag === 'input' || tag === 'textarea' || tag === 'vscode-textfield') return null;
    if (e.key === 'Enter' || e.key === ' ' || e.key.startsWith('Arrow')) return null;
  }
  if ((tag === 'button' || tag === 'vscode-button') && (e.key === 'Enter' || e.key === ' ')) return null;
  return keyAction(e);
}

/** Carry out a key action. */
export function runKey(a: KeyAction, t: KeyTarget): void {
  const sel = t.selected;
  switch (a.kind) {
    case 'option':
      t.setOptions(optionChange(a.option, t.settings));
      return;
    case 'killMode':
      t.setKillMode(!t.killMode);
      return;
    case 'search':
      t.focusSearch();
      return;
    case 'help':
      t.setHelp(!t.helpOpen);
      return;
    case 'escape':
      if (t.helpOpen) t.setHelp(false);
      else if (t.killMode) t.setKillMode(false);
      else if (t.search) t.setSearch('');
      return;
    case 'enter':
      if (!sel) return;
      if (t.killMode) t.killRef(sel);
      else if (!t.showDrillDown(sel) && sel.pid === null) t.toggleExpand(sel.key);
      return;
    case 'toggleExpand':
      if (sel) t.toggleExpand(sel.key);
      return;
    case 'expand':
      if (sel && sel.pid === null && !t.expanded.has(sel.key)) t.toggleExpand(sel.key);
      return;
    case 'collapse':
      if (!sel) return;
      if (sel.pid !== null) t.select({ key: sel.key, pid: null }, true);
      else if (t.expanded.has(sel.key)) t.toggleExpand(sel.key);
      return;
    case 'nav': {
      const rows = t.viewRows();
      if (!rows) return;
      const to = navTarget(a, navList(rows, t.expanded), sel, t.page());
      if (to) t.select(to, true);
      return;
    }
  }
}

/** Where a move key takes the selection in the selectable rows (display order). */
export function navTarget(a: Extract<KeyAction, { kind: 'nav' }>, list: readonly RowRef[], selected: RowRef | null, page: { rows: number; first: number }): RowRef | null {
  const cur = list.findIndex((r) => sameRef(r, selected));
  const rows = Math.max(1, page.rows);
  const step = a.unit === 'half' ? Math.max(1, Math.floor(rows / 2)) : a.unit === 'page' ? rows : 1;
  const move = a.move.kind === 'down' || a.move.kind === 'up' ? { ...a.move, n: a.unit === 'row' ? a.move.n : step } : a.move;
  const i = moveIndex(cur, list.length, move, page.first, rows);
  return i >= 0 ? list[i] : null;
}
