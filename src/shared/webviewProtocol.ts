// The one definition of the messages between the extension host and the panel's webview.
// Both ends import it; each receiving end validates with the parse functions below (built
// from the toolkit of validate.ts), because a webview message is untrusted input and a
// report carries command lines.
// Browser-safe: no Node or vscode imports.
import { MAX_CAPACITY } from '../core/history';
import { MEM_KEYS, type MemKey, type Report, type RowType } from '../core/types';
import { checkKillResult, isKillPid, killTargetsCheck, type KillResult, type KillTarget } from './kill';
import { checkMapsResult, type MapsResult } from './mapsSchema';
import { PANEL_SETTING_KEYS, readPanelSettings, validSetting, type PanelSettingKey, type PanelSettings } from './options';
import { checkReport, isRowType } from './reportSchema';
import { arrayOf, bool, count, describe, isObject, nullable, num, object, oneOf, passes, str, type Check } from './validate';

// ---------------------------------------------------------------- settings

// The panel's options are described in options.ts; the messages carry them (re-exported for
// the host, which knows them as part of the panel's protocol).
export { DEFAULT_PANEL_SETTINGS, effectiveMinDeltaKb, PANEL_SETTING_KEYS, type PanelSettingKey, type PanelSettings } from './options';

/** A complete settings object from an untrusted one (invalid or missing fields → defaults). */
export function completeSettings(x: unknown): PanelSettings {
  const r = isObject(x) ? x : {};
  return readPanelSettings((k: PanelSettingKey) => (Object.hasOwn(r, k) ? r[k] : undefined));
}

/** Keep the known, valid settings of an untrusted object; null when any key or value is not one. */
export function parsePartialSettings(x: unknown): Partial<PanelSettings> | null {
  if (!isObject(x)) return null;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(x)) {
    if (!(PANEL_SETTING_KEYS as string[]).includes(key)) return null;
    const v = validSetting(key as PanelSettingKey, x[key]);
    if (v === undefined) return null;
    out[key] = v;
  }
  return out as Partial<PanelSettings>;
}

// ---------------------------------------------------------------- helper state

/** How the sampler helper runs (the launcher's mode, src/host/launcher.ts). */
export type PrivilegeMode = 'root' | 'user' | 'sudo-n' | 'sudo-prompt' | 'sudo-S';
export const PRIVILEGE_MODES: readonly PrivilegeMode[] = ['root', 'user', 'sudo-n', 'sudo-prompt', 'sudo-S'];

export type HelperStatus = 'starting' | 'elevating' | 'running' | 'stopped' | 'error';
const HELPER_STATUSES: readonly HelperStatus[] = ['starting', 'elevating', 'running', 'stopped', 'error'];

export interface HelperState {
  status: HelperStatus;
  /** null while no helper runs. */
  mode: PrivilegeMode | null;
  /** Human-readable detail (why user mode, the last error). */
  message: string;
  /** Whether "Run as root" makes sense now (not root already, not on the way). */
  canElevate: boolean;
}

// ---------------------------------------------------------------- history and leaks

/**
 * Where a report stands in the host's memory history. `seq` numbers the samples the host
 * has recorded (it only grows); `start` is the seq at which the current history began
 * (regrouping clears it, so `start === seq` says "the history restarts with this sample").
 * The webview appends a report to its copies (sparklines, chart) only when it is the next
 * one (`seq` = its last + 1, same `start`), and asks for the series again after a gap.
 */
export interface HistoryStamp {
  start: number;
  seq: number;
}

/** Points in a row's sparkline: its group's newest ptotal figures. */
export const SPARK_POINTS = 60;

/** One group's sparkline figures (ptotal, KB, oldest first, at most SPARK_POINTS). */
export interface SparkSeries {
  key: string;
  values: number[];
}

/** A group whose ptotal kept rising (core/leaks.ts judgeLeak), as the panel shows it. */
export interface LeakInfo {
  key: string;
  /** ptotal growth over the window, KB. */
  growthKb: number;
  /** Seconds the window spans. */
  seconds: number;
  /** Steps of the window in which it grew / shrank, of `steps`. */
  rises: number;
  falls: number;
  steps: number;
  /** Processes judged: those present through the whole window (joins and departures are not growth). */
  procs: number;
}

/** A group's whole history: every category per sample, and what each sample reported. */
export interface GroupHistory {
  key: string;
  /** Sample times, ms since the epoch, oldest first. */
  times: number[];
  /** Each category (KB), parallel to times. */
  mem: Record<MemKey, number[]>;
  /** The row type each sample reported: '' unchanged, 'A' new, '+NK'/'-NK' a reported delta. */
  types: RowType[];
}

// ---------------------------------------------------------------- messages

/** Host → webview. */
export type HostMessage =
  | { type: 'init'; settings: PanelSettings; helper: HelperState; report: Report | null; history: HistoryStamp | null; leaks: LeakInfo[] }
  | { type: 'settings'; settings: PanelSettings }
  | { type: 'report'; report: Report; history: HistoryStamp | null; leaks: LeakInfo[] }
  | { type: 'helper'; helper: HelperState }
  | { type: 'killDone'; results: KillResult[] }
  /** Every group's sparkline figures up to `history.seq` (after ready, or asked for with getSparks). */
  | { type: 'sparks'; history: HistoryStamp; series: SparkSeries[] }
  /** The history of one group (null: none kept), answering getGroupHistory. */
  | { type: 'groupHistory'; key: string; history: HistoryStamp; capacity: number; group: GroupHistory | null }
  /** One process's mappings, answering getMaps. */
  | { type: 'maps'; result: MapsResult; pid: number; starttime: number };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'setOptions'; options: Partial<PanelSettings> }
  | { type: 'kill'; targets: KillTarget[] }
  | { type: 'runAsRoot' }
  | { type: 'refresh' }
  | { type: 'exportSnapshot' }
  | { type: 'showLog' }
  /** Send every group's sparkline figures again (the webview missed a report). */
  | { type: 'getSparks' }
  | { type: 'getGroupHistory'; key: string }
  /** "Export Group History…" for this group (CSV). */
  | { type: 'exportGroupHistory'; key: string }
  /** "Compare with Snapshot…". */
  | { type: 'compareSnapshot' }
  /** The mappings of a process row's process (the drill-down). */
  | { type: 'getMaps'; pid: number; starttime: number };

/** Longest group key accepted (cmd keys are cut at 4096 characters). */
export const MAX_KEY_LENGTH = 8192;
/** Most groups in one sparks message (one per process with -g pid). */
export const MAX_SERIES = 100_000;

// ---------------------------------------------------------------- validation

const isKey = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;
const key: Check = (v, path) => (isKey(v) ? null : `${path} must be a group key of 1 to ${MAX_KEY_LENGTH} characters, not ${describe(v)}`);

/** The webview asks to kill 1 … MAX_KILL_TARGETS processes (the host drops repeated pids). */
const checkKillTargets = killTargetsCheck({ once: false, nonEmpty: true });

/** Validate a message from the webview (the host's receiving end). null = reject. */
export function parseWebviewMessage(x: unknown): WebviewMessage | null {
  if (!isObject(x) || typeof x.type !== 'string') return null;
  switch (x.type) {
    case 'ready':
    case 'runAsRoot':
    case 'refresh':
    case 'exportSnapshot':
    case 'showLog':
    case 'getSparks':
    case 'compareSnapshot':
      return { type: x.type };
    case 'getGroupHistory':
    case 'exportGroupHistory':
      return isKey(x.key) ? { type: x.type, key: x.key } : null;
    case 'setOptions': {
      const options = parsePartialSettings(x.options);
      return options ? { type: 'setOptions', options } : null;
    }
    case 'getMaps':
      return isKillPid(x.pid) && passes(count, x.starttime) ? { type: 'getMaps', pid: x.pid, starttime: x.starttime as number } : null;
    case 'kill':
      return passes(checkKillTargets, x.targets)
        ? { type: 'kill', targets: (x.targets as KillTarget[]).map((t) => ({ pid: t.pid, starttime: t.starttime })) }
        : null;
  }
  return null;
}

export { isReport, isRowType, reportProblem } from './reportSchema';

const checkStamp: Check = (v, path) =>
  object({ start: count, seq: count } satisfies Record<keyof HistoryStamp, Check>, false)(v, path) ??
  ((v as HistoryStamp).start > (v as HistoryStamp).seq ? `${path}.start is after its seq` : null);

const checkLeaks: Check = arrayOf(
  object(
    { key, growthKb: num, seconds: num, rises: count, falls: count, steps: count, procs: count } satisfies Record<keyof LeakInfo, Check>,
    false,
  ),
  MAX_SERIES,
);

const checkSparks: Check = arrayOf(
  object({ key, values: arrayOf(num, SPARK_POINTS) } satisfies Record<keyof SparkSeries, Check>, false),
  MAX_SERIES,
);

const rowType: Check = (v, path) => (isRowType(v) ? null : `${path} must be a row type, not ${describe(v)}`);
const checkGroupHistory: Check = (v, path) => {
  const series = arrayOf(num, MAX_CAPACITY);
  const mem = object(Object.fromEntries(MEM_KEYS.map((k) => [k, series])) as Record<MemKey, Check>, false);
  const e = object({ key, times: series, mem, types: arrayOf(rowType) } satisfies Record<keyof GroupHistory, Check>, false)(v, path);
  if (e) return e;
  const g = v as GroupHistory;
  const n = g.times.length;
  for (const k of MEM_KEYS) if (g.mem[k].length !== n) return `${path}.mem.${k} has ${g.mem[k].length} figures for ${n} times`;
  return g.types.length === n ? null : `${path}.types has ${g.types.length} types for ${n} times`;
};

const checkHelperState: Check = object(
  {
    status: oneOf(HELPER_STATUSES),
    mode: nullable(oneOf(PRIVILEGE_MODES)),
    message: str,
    canElevate: bool,
  } satisfies Record<keyof HelperState, Check>,
  false,
);

/** A history stamp, or null for a missing or malformed one (the webview then asks again). */
const stampOf = (v: unknown): HistoryStamp | null => (passes(checkStamp, v) ? (v as HistoryStamp) : null);
/** Leak flags: none when absent. */
const leaksOf = (v: unknown): LeakInfo[] | null => (v === undefined ? [] : passes(checkLeaks, v) ? (v as LeakInfo[]) : null);

/** Validate a message from the host (the webview's receiving end). null = ignore. */
export function parseHostMessage(x: unknown): HostMessage | null {
  if (!isObject(x) || typeof x.type !== 'string') return null;
  switch (x.type) {
    case 'init': {
      if (!passes(checkHelperState, x.helper) || !isObject(x.settings)) return null;
      if (!passes(nullable(checkReport), x.report)) return null;
      const leaks = leaksOf(x.leaks);
      if (!leaks) return null;
      return {
        type: 'init',
        settings: completeSettings(x.settings),
        helper: x.helper as HelperState,
        report: x.report as Report | null,
        history: stampOf(x.history),
        leaks,
      };
    }
    case 'settings':
      return isObject(x.settings) ? { type: 'settings', settings: completeSettings(x.settings) } : null;
    case 'report': {
      if (!passes(checkReport, x.report)) return null;
      const leaks = leaksOf(x.leaks);
      return leaks ? { type: 'report', report: x.report as Report, history: stampOf(x.history), leaks } : null;
    }
    case 'sparks': {
      const history = stampOf(x.history);
      return history && passes(checkSparks, x.series) ? { type: 'sparks', history, series: x.series as SparkSeries[] } : null;
    }
    case 'groupHistory': {
      const history = stampOf(x.history);
      if (!history || !isKey(x.key) || !passes(count, x.capacity) || (x.capacity as number) > MAX_CAPACITY) return null;
      const capacity = x.capacity as number;
      if (x.group === null) return { type: 'groupHistory', key: x.key, history, capacity, group: null };
      if (!passes(checkGroupHistory, x.group)) return null;
      const group = x.group as GroupHistory;
      return group.key === x.key ? { type: 'groupHistory', key: x.key, history, capacity, group } : null;
    }
    case 'helper':
      return passes(checkHelperState, x.helper) ? { type: 'helper', helper: x.helper as HelperState } : null;
    case 'killDone':
      return passes(arrayOf(checkKillResult), x.results) ? { type: 'killDone', results: x.results as KillResult[] } : null;
    case 'maps':
      return isKillPid(x.pid) && passes(count, x.starttime) && passes(checkMapsResult, x.result)
        ? { type: 'maps', pid: x.pid, starttime: x.starttime as number, result: x.result as MapsResult }
        : null;
  }
  return null;
}
// The recording panel's messages (pmemstat: Open Recording) live beside: recordingView.ts.
export * from './recordingView';
