// The catalogue's options as long flags: an option has one name everywhere, so `pmemstat.walkBudgetMs`
// is also `--walk-budget-ms`, `pmemstat.showOom` is `--show-oom` (and `--no-show-oom`). The
// original's short and long flags (cliargs.ts) stay as they were.
import { cliFlagOf } from '../shared/engineOptions';
import { checkValue, HOST_SETTINGS, PANEL_OPTIONS, type SettingSpec, type ValueSpec } from '../shared/options';

/** The options a command line sets: the engine's and the view's (not the panel-only fitToWindow, nor the status bar). */
const FLAG_SPECS: Record<string, SettingSpec<unknown>> = {
  groupBy: PANEL_OPTIONS.groupBy,
  units: PANEL_OPTIONS.units,
  detail: PANEL_OPTIONS.detail,
  sortBy: PANEL_OPTIONS.sortBy,
  riseToTop: PANEL_OPTIONS.riseToTop,
  showCpu: PANEL_OPTIONS.showCpu,
  showOom: PANEL_OPTIONS.showOom,
  cpuAvgSecs: PANEL_OPTIONS.cpuAvgSecs,
  loopSeconds: PANEL_OPTIONS.loopSeconds,
  minDeltaKb: PANEL_OPTIONS.minDeltaKb,
  topPct: PANEL_OPTIONS.topPct,
  lineNumbers: PANEL_OPTIONS.lineNumbers,
  showUss: PANEL_OPTIONS.showUss,
  showEpss: PANEL_OPTIONS.showEpss,
  showThp: PANEL_OPTIONS.showThp,
  showKsm: PANEL_OPTIONS.showKsm,
  walkBudgetMs: HOST_SETTINGS.walkBudgetMs,
  maxAgeSeconds: HOST_SETTINGS.maxAgeSeconds,
  leakSamples: HOST_SETTINGS.leakSamples,
  leakMinGrowthKb: HOST_SETTINGS.leakMinGrowthKb,
};

const BY_FLAG = new Map(Object.keys(FLAG_SPECS).map((k) => [cliFlagOf(k).slice(2), k]));

/** The catalogue keys a command line may set by name. */
export const CATALOGUE_FLAG_KEYS: readonly string[] = Object.keys(FLAG_SPECS);

export class FlagError extends Error {}

function parseValue(spec: ValueSpec, raw: string): unknown {
  if (spec.kind === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  if (spec.kind === 'number') return raw.trim() === '' ? undefined : Number(raw);
  return spec.values.find((v) => String(v) === raw);
}

/**
 * Set the option `--name` names, if it is a catalogue name (false: it is not one). A boolean
 * takes no value (`--no-name` turns it off); the others take one, `value` or the next argument.
 */
export function catalogueFlag(o: object, name: string, value: string | null, next: () => string): boolean {
  const negated = name.startsWith('no-') && BY_FLAG.has(name.slice(3));
  const key = BY_FLAG.get(negated ? name.slice(3) : name);
  if (key === undefined) return false;
  const spec = FLAG_SPECS[key];
  let v: unknown;
  if (spec.values.kind === 'boolean') {
    if (value !== null) throw new FlagError(`option --${name}: takes no value`);
    v = !negated;
  } else {
    if (negated) throw new FlagError(`unknown option: --${name}`);
    const raw = value ?? next();
    const strict: ValueSpec = spec.values.kind === 'number' ? { ...spec.values, clamp: false } : spec.values;
    v = checkValue(strict, parseValue(spec.values, raw));
    if (v === undefined) throw new FlagError(`option --${name}: invalid value: '${raw}'`);
  }
  (o as Record<string, unknown>)[key] = v;
  return true;
}
