// The webview's own state, kept across hide/show and window reloads with
// vscode.getState()/setState() (the panel serializer hands it back on reload).
// Strictly typed and validated on the way in: getState() returns whatever was stored.
import { SORT_BYS, type SortBy } from '../src/core/types';
import { isObject } from '../src/shared/validate';
import { SORTABLE_COLUMNS, type SortableColumn } from './columns';
import type { ColumnSort } from './model';
import type { RowRef } from '../src/shared/rowOrder';

export interface PersistedState {
  v: 1;
  search: string;
  selected: RowRef | null;
  expanded: string[];
  helpOpen: boolean;
  local: ColumnSort | null;
  /**
   * The sortBy setting before the user sorted by a column header (null: no header sort). While
   * set, the header's order wins over rise-to-top; it resumes when a click returns to this order.
   */
  riseBase: SortBy | null;
  scrollTop: number;
  /** The first-run legend was closed (the help keeps it). */
  legendClosed: boolean;
}

export function emptyState(): PersistedState {
  return { v: 1, search: '', selected: null, expanded: [], helpOpen: false, local: null, riseBase: null, scrollTop: 0, legendClosed: false };
}

const MAX_EXPANDED = 1000;
const MAX_TEXT = 10_000;

/** A valid state from whatever getState() returned (anything unusable → the empty state). */
export function parseState(x: unknown): PersistedState {
  const s = emptyState();
  if (!isObject(x) || x.v !== 1) return s;
  if (typeof x.search === 'string' && x.search.length <= MAX_TEXT) s.search = x.search;
  if (isObject(x.selected) && typeof x.selected.key === 'string') {
    const pid = x.selected.pid;
    if (pid === null || (typeof pid === 'number' && Number.isInteger(pid) && pid > 0)) s.selected = { key: x.selected.key, pid };
  }
  if (Array.isArray(x.expanded)) s.expanded = x.expanded.filter((k): k is string => typeof k === 'string').slice(0, MAX_EXPANDED);
  if (typeof x.helpOpen === 'boolean') s.helpOpen = x.helpOpen;
  if (typeof x.legendClosed === 'boolean') s.legendClosed = x.legendClosed;
  if (isObject(x.local) && (SORTABLE_COLUMNS as readonly unknown[]).includes(x.local.col) && (x.local.dir === 'asc' || x.local.dir === 'desc'))
    s.local = { col: x.local.col as SortableColumn, dir: x.local.dir };
  if ((SORT_BYS as readonly unknown[]).includes(x.riseBase)) s.riseBase = x.riseBase as SortBy;
  if (typeof x.scrollTop === 'number' && Number.isFinite(x.scrollTop) && x.scrollTop >= 0) s.scrollTop = x.scrollTop;
  return s;
}

/** Where the state is kept: VS Code's webview getState/setState. */
export interface StateStorage {
  getState(): unknown;
  setState(s: PersistedState): void;
}

/** Scrolling saves its position this long after it stops (not at every scroll event). */
const SCROLL_SAVE_MS = 200;

/** The webview's state and its saving: read once, written back after every change. */
export class UiStore {
  readonly ui: PersistedState;
  /** The expanded groups (ui.expanded as a set; saved as a list). */
  readonly expanded: Set<string>;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly storage: StateStorage) {
    this.ui = parseState(storage.getState());
    this.expanded = new Set(this.ui.expanded);
  }

  save(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.storage.setState({ ...this.ui, expanded: [...this.expanded] });
  }

  /** The table scrolled: save its position once scrolling stops. */
  scrolled(scrollTop: number): void {
    this.ui.scrollTop = scrollTop;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), SCROLL_SAVE_MS);
  }

  dispose(): void {
    clearTimeout(this.timer);
  }
}
