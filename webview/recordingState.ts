// The recording panel's own state, kept across hide/show and reloads with the webview's
// getState/setState: the moment shown, the grouping, the zoomed span, the selected row, the
// expanded groups, a column's sort, the search. Validated on the way in: getState() returns
// whatever was stored. After a window reload the host reads the recording, the moment and the
// grouping from it too (src/shared/recordingView.ts parseSavedRecording, the serializer).
import { isObject } from '../src/shared/validate';
import type { GroupBy } from '../src/core/types';
import { parseSavedRecording } from '../src/shared/recordingView';
import type { RowRef } from '../src/shared/rowOrder';
import { SORTABLE_COLUMNS, type SortableColumn } from './columns';
import type { ColumnSort } from './model';
import type { Span } from './timelineModel';

export interface RecordingState {
  v: 1;
  /** The recording the state is of (another's moment and rows mean nothing). */
  path: string;
  /** The moment shown (ms; null: the one the host shows first). */
  at: number | null;
  /** The grouping shown (null: the one the host shows first). */
  groupBy: GroupBy | null;
  zoom: Span | null;
  selected: RowRef | null;
  expanded: string[];
  local: ColumnSort | null;
  search: string;
}

export function emptyRecordingState(path = ''): RecordingState {
  return { v: 1, path, at: null, groupBy: null, zoom: null, selected: null, expanded: [], local: null, search: '' };
}

const MAX_EXPANDED = 1000;
const MAX_TEXT = 10_000;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** A valid state from whatever getState() returned (anything unusable → the empty state). */
export function parseRecordingState(x: unknown): RecordingState {
  const s = emptyRecordingState();
  if (!isObject(x) || x.v !== 1) return s;
  // The recording, its moment and grouping as the host reads them when it restores the panel.
  const saved = parseSavedRecording(x);
  if (!saved) return s;
  s.path = saved.path;
  s.at = saved.at;
  s.groupBy = saved.groupBy;
  if (isObject(x.zoom) && isTime(x.zoom.from) && isTime(x.zoom.to) && x.zoom.from < x.zoom.to) s.zoom = { from: x.zoom.from, to: x.zoom.to };
  if (isObject(x.selected) && typeof x.selected.key === 'string' && x.selected.key.length <= MAX_TEXT) {
    const pid = x.selected.pid;
    if (pid === null || (typeof pid === 'number' && Number.isInteger(pid) && pid > 0)) s.selected = { key: x.selected.key, pid };
  }
  if (Array.isArray(x.expanded)) s.expanded = x.expanded.filter((k): k is string => typeof k === 'string' && k.length <= MAX_TEXT).slice(0, MAX_EXPANDED);
  if (isObject(x.local) && (SORTABLE_COLUMNS as readonly unknown[]).includes(x.local.col) && (x.local.dir === 'asc' || x.local.dir === 'desc'))
    s.local = { col: x.local.col as SortableColumn, dir: x.local.dir };
  if (typeof x.search === 'string' && x.search.length <= MAX_TEXT) s.search = x.search;
  return s;
}
