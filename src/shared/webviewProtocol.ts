// The one definition of the messages between the extension host and the panel's webview
// (DESIGN.md). Both ends import it; each receiving end validates with the parse functions
// below, because a webview message is untrusted input and a report carries command lines.
// Browser-safe: no Node or vscode imports (types only from the pure core).
import { MAX_CAPACITY } from '../core/history';
import { MEM_KEYS, type GroupRow, type LeaderFigures, type MemKey, type Report, type RowType } from '../core/types';
import { PANEL_SETTING_KEYS, readPanelSettings, validSetting, type PanelSettingKey, type PanelSettings } from './options';

// ---------------------------------------------------------------- settings

// The panel's options are described in options.ts; the messages carry them (re-exported for
// the host, which knows them as part of the panel's protocol).
export { DEFAULT_PANEL_SETTINGS, effectiveMinDeltaKb, PANEL_SETTING_KEYS, type PanelSettingKey, type PanelSettings } from './options';

function isOneOf<T extends string | number>(list: readonly T[], v: unknown): v is T {
  return (list as readonly unknown[]).includes(v);
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A complete settings object from an untrusted one (invalid or missing fields → defaults). */
export function completeSettings(x: unknown): PanelSettings {
  const r = isRecord(x) ? x : {};
  return readPanelSettings((k: PanelSettingKey) => (Object.hasOwn(r, k) ? r[k] : undefined));
}

/** Keep the known, valid settings of an untrusted object; null when any key or value is not one. */
export function parsePartialSettings(x: unknown): Partial<PanelSettings> | null {
  if (!isRecord(x)) return null;
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

/** How the sampler helper runs (the launcher's LaunchMode). */
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

export type KillOutcomeView = 'gone' | 'running' | 'not-permitted' | 'not-found' | 'pid-reused' | 'refused';
const KILL_OUTCOMES: readonly KillOutcomeView[] = ['gone', 'running', 'not-permitted', 'not-found', 'pid-reused', 'refused'];

export interface KillResultView {
  pid: number;
  outcome: KillOutcomeView;
  message?: string;
}

export interface KillTargetRef {
  pid: number;
  starttime: number;
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
  rises: number;
  falls: number;
  steps: number;
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
  | { type: 'killDone'; results: KillResultView[] }
  /** Every group's sparkline figures up to `history.seq` (after ready, or asked for with getSparks). */
  | { type: 'sparks'; history: HistoryStamp; series: SparkSeries[] }
  /** The history of one group (null: none kept), answering getGroupHistory. */
  | { type: 'groupHistory'; key: string; history: HistoryStamp; capacity: number; group: GroupHistory | null };

/** Webview → host. */
export type WebviewMessage =
  | { type: 'ready' }
  | { type: 'setOptions'; options: Partial<PanelSettings> }
  | { type: 'kill'; targets: KillTargetRef[] }
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
  | { type: 'compareSnapshot' };

export const MAX_KILL_TARGETS = 4096;
/** Longest group key accepted (cmd keys are cut at 4096 characters). */
export const MAX_KEY_LENGTH = 8192;
/** Most groups in one sparks message (one per process with -g pid). */
export const MAX_SERIES = 100_000;

// ---------------------------------------------------------------- validation

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const isKey = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;
const isPid = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v) && v > 0 && v < 2 ** 31;
const isNonNegInt = (v: unknown): v is number => isFiniteNumber(v) && Number.isInteger(v) && v >= 0;

function parseKillTarget(x: unknown): KillTargetRef | null {
  if (!isRecord(x) || !isPid(x.pid) || !isNonNegInt(x.starttime)) return null;
  return { pid: x.pid, starttime: x.starttime };
}

/** Validate a message from the webview (the host's receiving end). null = reject. */
export function parseWebviewMessage(x: unknown): WebviewMessage | null {
  if (!isRecord(x) || typeof x.type !== 'string') return null;
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
    case 'kill': {
      if (!Array.isArray(x.targets) || x.targets.length === 0 || x.targets.length > MAX_KILL_TARGETS) return null;
      const targets: KillTargetRef[] = [];
      for (const t of x.targets) {
        const p = parseKillTarget(t);
        if (!p) return null;
        targets.push(p);
      }
      return { type: 'kill', targets };
    }
  }
  return null;
}

const MEM_FIELDS = ['pswap', 'shSYSV', 'shOth', 'stack', 'text', 'data', 'ptotal'] as const;

function isMem(x: unknown): boolean {
  return isRecord(x) && MEM_FIELDS.every((k) => isFiniteNumber(x[k]));
}

const ROW_TYPE_RE = /^(T|A|O|x|[+-]\d+K)?$/;

export function isRowType(v: unknown): v is RowType {
  return typeof v === 'string' && ROW_TYPE_RE.test(v);
}

function isMember(x: unknown): boolean {
  return isRecord(x) && isPid(x.pid) && isNonNegInt(x.starttime) && typeof x.cmd === 'string' && isMem(x.mem) && isFiniteNumber(x.cpu);
}

function isGroupRow(x: unknown): x is GroupRow {
  return (
    isRecord(x) &&
    typeof x.key === 'string' &&
    typeof x.info === 'string' &&
    isRowType(x.type) &&
    isFiniteNumber(x.delta) &&
    isMem(x.mem) &&
    isFiniteNumber(x.cpu) &&
    isNonNegInt(x.count) &&
    (x.pid === null || isPid(x.pid)) &&
    Array.isArray(x.members) &&
    x.members.every(isMember)
  );
}

function isLeader(x: unknown): x is LeaderFigures {
  if (!isRecord(x)) return false;
  const nums = ['time', 'memTotal', 'used', 'avail', 'shTmp', 'dirty', 'pidsShown', 'pidsTotal', 'inaccessible', 'kernelCpu', 'majfaultsPerSec'];
  if (!nums.every((k) => isFiniteNumber(x[k]))) return false;
  if (!(x.oth === null || isFiniteNumber(x.oth))) return false;
  if (typeof x.search !== 'string') return false;
  if (!Array.isArray(x.topKernelThreads)) return false;
  for (const t of x.topKernelThreads) {
    if (!isRecord(t) || !isFiniteNumber(t.pid) || typeof t.comm !== 'string' || !isFiniteNumber(t.cpu)) return false;
  }
  if (x.zram !== null) {
    if (!isRecord(x.zram)) return false;
    if (!['zramUsed', 'ratio', 'eTot', 'eUsed', 'eAvail'].every((k) => isFiniteNumber((x.zram as Record<string, unknown>)[k])))
      return false;
  }
  return true;
}

/** Structural check of a core Report (as it crosses a process or frame boundary). */
export function isReport(x: unknown): x is Report {
  return reportProblem(x) === null;
}

/** What is wrong with something that should be a core Report (null: nothing), for error messages. */
export function reportProblem(x: unknown): string | null {
  if (!isRecord(x)) return 'it is not an object';
  if (typeof x.detail !== 'boolean') return '"detail" is not true or false';
  if (!isLeader(x.leader)) return '"leader" is missing or malformed';
  if (!isGroupRow(x.total)) return '"total" is not a valid row';
  if (!Array.isArray(x.rows)) return '"rows" is not a list';
  const bad = x.rows.findIndex((r) => !isGroupRow(r));
  return bad >= 0 ? `rows[${bad}] is not a valid group row` : null;
}

function parseStamp(x: unknown): HistoryStamp | null {
  if (!isRecord(x) || !isNonNegInt(x.start) || !isNonNegInt(x.seq) || x.start > x.seq) return null;
  return { start: x.start, seq: x.seq };
}

function parseLeaks(x: unknown): LeakInfo[] | null {
  if (x === undefined) return [];
  if (!Array.isArray(x) || x.length > MAX_SERIES) return null;
  const out: LeakInfo[] = [];
  for (const l of x) {
    if (!isRecord(l) || !isKey(l.key)) return null;
    if (!isFiniteNumber(l.growthKb) || !isFiniteNumber(l.seconds) || !isNonNegInt(l.rises) || !isNonNegInt(l.falls) || !isNonNegInt(l.steps))
      return null;
    out.push({ key: l.key, growthKb: l.growthKb, seconds: l.seconds, rises: l.rises, falls: l.falls, steps: l.steps });
  }
  return out;
}

function isNumberList(x: unknown, max: number): x is number[] {
  return Array.isArray(x) && x.length <= max && x.every(isFiniteNumber);
}

function parseSparkSeries(x: unknown): SparkSeries[] | null {
  if (!Array.isArray(x) || x.length > MAX_SERIES) return null;
  const out: SparkSeries[] = [];
  for (const s of x) {
    if (!isRecord(s) || !isKey(s.key) || !isNumberList(s.values, SPARK_POINTS)) return null;
    out.push({ key: s.key, values: s.values });
  }
  return out;
}

function parseGroupHistory(x: unknown): GroupHistory | null {
  if (!isRecord(x) || !isKey(x.key) || !isNumberList(x.times, MAX_CAPACITY) || !isRecord(x.mem)) return null;
  const n = x.times.length;
  const mem = {} as Record<MemKey, number[]>;
  for (const k of MEM_KEYS) {
    const v = x.mem[k];
    if (!isNumberList(v, n) || v.length !== n) return null;
    mem[k] = v;
  }
  if (!Array.isArray(x.types) || x.types.length !== n || !x.types.every(isRowType)) return null;
  return { key: x.key, times: x.times, mem, types: x.types };
}

function parseHelperState(x: unknown): HelperState | null {
  if (!isRecord(x)) return null;
  if (!isOneOf(HELPER_STATUSES, x.status)) return null;
  if (!(x.mode === null || isOneOf(PRIVILEGE_MODES, x.mode))) return null;
  if (typeof x.message !== 'string' || typeof x.canElevate !== 'boolean') return null;
  return { status: x.status, mode: x.mode, message: x.message, canElevate: x.canElevate };
}

function parseKillResult(x: unknown): KillResultView | null {
  if (!isRecord(x) || !isPid(x.pid) || !isOneOf(KILL_OUTCOMES, x.outcome)) return null;
  if (x.message !== undefined && typeof x.message !== 'string') return null;
  return x.message === undefined ? { pid: x.pid, outcome: x.outcome } : { pid: x.pid, outcome: x.outcome, message: x.message };
}

/** Validate a message from the host (the webview's receiving end). null = ignore. */
export function parseHostMessage(x: unknown): HostMessage | null {
  if (!isRecord(x) || typeof x.type !== 'string') return null;
  switch (x.type) {
    case 'init': {
      const helper = parseHelperState(x.helper);
      if (!helper || !isRecord(x.settings)) return null;
      if (!(x.report === null || isReport(x.report))) return null;
      const leaks = parseLeaks(x.leaks);
      if (!leaks) return null;
      return { type: 'init', settings: completeSettings(x.settings), helper, report: x.report, history: parseStamp(x.history), leaks };
    }
    case 'settings':
      return isRecord(x.settings) ? { type: 'settings', settings: completeSettings(x.settings) } : null;
    case 'report': {
      if (!isReport(x.report)) return null;
      const leaks = parseLeaks(x.leaks);
      return leaks ? { type: 'report', report: x.report, history: parseStamp(x.history), leaks } : null;
    }
    case 'sparks': {
      const history = parseStamp(x.history);
      const series = parseSparkSeries(x.series);
      return history && series ? { type: 'sparks', history, series } : null;
    }
    case 'groupHistory': {
      const history = parseStamp(x.history);
      if (!history || !isKey(x.key) || !isNonNegInt(x.capacity) || x.capacity > MAX_CAPACITY) return null;
      if (x.group === null) return { type: 'groupHistory', key: x.key, history, capacity: x.capacity, group: null };
      const group = parseGroupHistory(x.group);
      return group && group.key === x.key ? { type: 'groupHistory', key: x.key, history, capacity: x.capacity, group } : null;
    }
    case 'helper': {
      const helper = parseHelperState(x.helper);
      return helper ? { type: 'helper', helper } : null;
    }
    case 'killDone': {
      if (!Array.isArray(x.results)) return null;
      const results: KillResultView[] = [];
      for (const r of x.results) {
        const p = parseKillResult(r);
        if (!p) return null;
        results.push(p);
      }
      return { type: 'killDone', results };
    }
  }
  return null;
}
