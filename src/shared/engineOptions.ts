// The one option object of the engine (src/engine/monitor.ts): every front-end (the helper, the
// `pmemstat` report, the terminal window) hands it the same names. Each name is the option's
// catalogue key (src/shared/options.ts), its `pmemstat.*` setting and its helper config key; the
// CLI's long flag is the same name in kebab case (cliFlagOf). Defaults come from the catalogue;
// the few options no setting holds (cmdlen, search, filter) are declared here. Pure, browser-safe.
import type { GroupBy, ReportOptions, SortBy, Units } from '../core/types';
import { defaultMinDeltaKb } from '../core/units';
import { HOST_SETTINGS, PANEL_OPTIONS, checkValue, type ValueSpec } from './options';
import { arrayOf, describe, object, type Check } from './validate';

export interface EngineOptions {
  groupBy: GroupBy;
  sortBy: SortBy;
  /** Per-mapping categories (smaps) instead of rollups only. */
  detail: boolean;
  /** Raise new and changed groups to the top. */
  riseToTop: boolean;
  /** The cpu% column (and, in a loop, kernel-thread CPU). */
  showCpu: boolean;
  /** Read each process's oom_score (the `oom` column). */
  showOom: boolean;
  /** Keep each process's AnonHugePages (the `thp` column). */
  showThp: boolean;
  /** Read each process's ksm_stat (the `ksm` column). */
  showKsm: boolean;
  cpuAvgSecs: number;
  /** The +NK/-NK threshold (docs/columns.md); null = automatic for the units. */
  minDeltaKb: number | null;
  units: Units;
  /** Seconds between ticks (the history's capacity follows it). */
  loopSeconds: number;
  /** Page-walk time per tick beyond the processes that moved (ms); 0 = walk all every tick. */
  walkBudgetMs: number;
  /** No figure older than this (seconds), whatever the budget. */
  maxAgeSeconds: number;
  leakSamples: number;
  leakMinGrowthKb: number;
  /** Command lines cut to this many characters (the cmd grouping's key). */
  cmdlen: number;
  /** The leader's note of the search in force ('' = none). */
  search: string;
  /** Keep only processes whose pid or exe key is listed; empty = all. */
  filter: string[];
}

export type EngineOptionKey = keyof EngineOptions;

export const MAX_CMDLEN = 100_000;
export const MAX_FILTER_ITEMS = 10_000;
export const MAX_FILTER_ITEM_CHARS = 4096;
const MAX_SEARCH_CHARS = 4096;

/** The value specs of the options the catalogue describes. */
const FROM_CATALOGUE = {
  groupBy: PANEL_OPTIONS.groupBy,
  sortBy: PANEL_OPTIONS.sortBy,
  detail: PANEL_OPTIONS.detail,
  riseToTop: PANEL_OPTIONS.riseToTop,
  showCpu: PANEL_OPTIONS.showCpu,
  showOom: PANEL_OPTIONS.showOom,
  showThp: PANEL_OPTIONS.showThp,
  showKsm: PANEL_OPTIONS.showKsm,
  cpuAvgSecs: PANEL_OPTIONS.cpuAvgSecs,
  minDeltaKb: PANEL_OPTIONS.minDeltaKb,
  units: PANEL_OPTIONS.units,
  loopSeconds: PANEL_OPTIONS.loopSeconds,
  walkBudgetMs: HOST_SETTINGS.walkBudgetMs,
  maxAgeSeconds: HOST_SETTINGS.maxAgeSeconds,
  leakSamples: HOST_SETTINGS.leakSamples,
  leakMinGrowthKb: HOST_SETTINGS.leakMinGrowthKb,
} as const;

/** The defaults: the catalogue's, and those of the options no setting holds. */
export function defaultEngineOptions(): EngineOptions {
  const d = Object.fromEntries(Object.entries(FROM_CATALOGUE).map(([k, s]) => [k, s.default])) as Omit<EngineOptions, 'cmdlen' | 'search' | 'filter'>;
  return { ...d, cmdlen: 96, search: '', filter: [] };
}

/** What a Reporter (src/core/report.ts) takes of the options. */
export function reportOptionsOf(o: EngineOptions): ReportOptions {
  return { groupBy: o.groupBy, sortBy: o.sortBy, minDeltaKb: minDeltaOf(o), riseToTop: o.riseToTop, cmdlen: o.cmdlen, search: o.search };
}

/** A Reporter's options: the catalogue's defaults, but for `changes`. */
export function reportOptions(changes: Partial<ReportOptions> = {}): ReportOptions {
  return { ...reportOptionsOf(defaultEngineOptions()), ...changes };
}

/** The +NK/-NK threshold in force (the automatic one when minDeltaKb is null). */
export function minDeltaOf(o: Pick<EngineOptions, 'minDeltaKb' | 'units'>): number {
  return o.minDeltaKb ?? defaultMinDeltaKb(o.units);
}

/** A check of a catalogue value spec: in range (no clamping: a request out of range is refused). */
function specCheck(spec: ValueSpec): Check {
  const strict: ValueSpec = spec.kind === 'number' ? { ...spec, clamp: false } : spec;
  return (v, path) => (checkValue(strict, v) === undefined ? `${path} must be ${wanted(spec)}, not ${describe(v)}` : null);
}

/** What a spec accepts, in words. */
function wanted(spec: ValueSpec): string {
  if (spec.kind === 'enum') return `one of ${spec.values.join(', ')}`;
  if (spec.kind === 'boolean') return 'true or false';
  const what = spec.integer && !spec.round ? 'an integer' : 'a number';
  const lo = spec.min !== undefined ? ` from ${spec.min}` : spec.above !== undefined ? ` above ${spec.above}` : '';
  const hi = spec.max !== undefined ? ` up to ${spec.max}` : '';
  return `${what}${lo}${hi}${spec.nullable ? ' (or null)' : ''}`;
}

const ENGINE_CHECKS: Record<EngineOptionKey, Check> = {
  ...(Object.fromEntries(Object.entries(FROM_CATALOGUE).map(([k, s]) => [k, specCheck(s.values)])) as Record<keyof typeof FROM_CATALOGUE, Check>),
  cmdlen: specCheck({ kind: 'number', integer: true, min: 1, max: MAX_CMDLEN }),
  search: (v, path) => (typeof v === 'string' && v.length <= MAX_SEARCH_CHARS ? null : `${path} must be a string of at most ${MAX_SEARCH_CHARS} characters, not ${describe(v)}`),
  filter: arrayOf(
    (v, path) =>
      typeof v === 'string' && v.length > 0 && v.length <= MAX_FILTER_ITEM_CHARS
        ? null
        : `${path} must be a non-empty string of at most ${MAX_FILTER_ITEM_CHARS} characters, not ${describe(v)}`,
    MAX_FILTER_ITEMS,
  ),
};

/** Every option's name. */
export const ENGINE_OPTION_KEYS = Object.keys(ENGINE_CHECKS) as readonly EngineOptionKey[];

/** The engine's options out of a larger object holding them (the CLI's, a view's). */
export function pickEngineOptions(o: EngineOptions): EngineOptions {
  return Object.fromEntries(ENGINE_OPTION_KEYS.map((k) => [k, k === 'filter' ? [...o.filter] : o[k]])) as unknown as EngineOptions;
}

/** The engine's options a view's settings (the panel's, the terminal window's) hold: the same names. */
export function engineOptionsOfSettings(
  s: Pick<EngineOptions, 'groupBy' | 'units' | 'detail' | 'sortBy' | 'riseToTop' | 'showCpu' | 'showOom' | 'showThp' | 'showKsm' | 'cpuAvgSecs' | 'loopSeconds' | 'minDeltaKb'>,
): Partial<EngineOptions> {
  const { groupBy, units, detail, sortBy, riseToTop, showCpu, showOom, showThp, showKsm, cpuAvgSecs, loopSeconds, minDeltaKb } = s;
  return { groupBy, units, detail, sortBy, riseToTop, showCpu, showOom, showThp, showKsm, cpuAvgSecs, loopSeconds, minDeltaKb };
}

/** The check of an option object of `keys` (the helper's config takes a subset): each optional when `partial`. */
export function engineOptionsCheck(keys: readonly EngineOptionKey[] = Object.keys(ENGINE_CHECKS) as EngineOptionKey[], partial = true): Check {
  const shape = Object.fromEntries(keys.map((k) => [k, ENGINE_CHECKS[k]]));
  return object(shape, true, partial ? keys : []);
}

const checkAll = engineOptionsCheck();

export class OptionError extends Error {}

/**
 * A partial option object, checked against the catalogue (the one validation every front-end's
 * options go through): a copy with rounded values, or an OptionError naming the bad field.
 */
export function validEngineOptions(x: unknown, path = 'options'): Partial<EngineOptions> {
  const problem = checkAll(x, path);
  if (problem !== null) throw new OptionError(problem);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x as Record<string, unknown>)) {
    const spec = (FROM_CATALOGUE as Record<string, { values: ValueSpec } | undefined>)[k];
    out[k] = Array.isArray(v) ? [...(v as string[])] : spec ? checkValue(spec.values, v) : v;
  }
  return out as Partial<EngineOptions>;
}

/** The CLI's long flag of an option: its name in kebab case (`walkBudgetMs` → `--walk-budget-ms`). */
export function cliFlagOf(key: EngineOptionKey | string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}
