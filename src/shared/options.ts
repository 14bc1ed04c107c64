// Every `pmemstat.*` setting, described once: its values, its default and, for the panel's
// options, its key, toolbar control and help line. The host's settings reader, the webview
// message validation, the panel's toolbar, keys and help overlay all derive from this file,
// and test/unit/options.test.ts holds package.json's `contributes.configuration` to it.
// Pure and browser-safe: the host, the webview and the CLI may all import it.
import { MAX_CAPACITY } from '../core/history';
import { DEFAULT_LEAK_OPTIONS } from '../core/leaks';
import { GROUP_BYS, SORT_BYS, type GroupBy, type SortBy, type Units } from '../core/types';
import { defaultMinDeltaKb, UNITS } from '../core/units';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_WALK_BUDGET_MS } from '../core/walkbudget';
import { isNum, isOneOf } from './validate';

export const CPU_AVG_LIST = [5, 10, 20, 45, 90] as const;
export type CpuAvgSecs = (typeof CPU_AVG_LIST)[number];

/** The panel's options: the `pmemstat.*` settings that the panel shows and changes. */
export interface PanelSettings {
  groupBy: GroupBy;
  units: Units;
  /** Detail mode: per-mapping categories from smaps (key `o` and the "Detail" checkbox turn it on and off). */
  detail: boolean;
  sortBy: SortBy;
  riseToTop: boolean;
  showCpu: boolean;
  /** The oom column (/proc/PID/oom_score; hidden by default). */
  showOom: boolean;
  cpuAvgSecs: CpuAvgSecs;
  loopSeconds: number;
  /** null = automatic (100 with KB units, else 1000). */
  minDeltaKb: number | null;
  topPct: number;
  lineNumbers: boolean;
  fitToWindow: boolean;
  /** The optional `uss` column (Private_Clean + Private_Dirty). */
  showUss: boolean;
  /** The optional `pss+swap` column (Pss + SwapPss, htop's EPSS). */
  showEpss: boolean;
  /** The optional `thp` column (AnonHugePages: anonymous memory in transparent huge pages). */
  showThp: boolean;
  /** The optional `ksm` column (/proc/PID/ksm_stat's merged pages; read only while shown). */
  showKsm: boolean;
}

export type PanelSettingKey = keyof PanelSettings;

/** The values a setting accepts. */
export type ValueSpec =
  | { kind: 'enum'; values: readonly (string | number)[] }
  | { kind: 'boolean' }
  | {
      kind: 'number';
      min?: number;
      /** Values must be above this (package.json's exclusiveMinimum). */
      above?: number;
      max?: number;
      integer?: boolean;
      nullable?: boolean;
      /** Out-of-range values are brought into range (otherwise they fall back to the default). */
      clamp?: boolean;
      /** Fractions are rounded (otherwise a fraction of an integer setting is refused). */
      round?: boolean;
    };

/** A panel option's place in the panel: the key that changes it, its toolbar control, its help line. */
export interface PanelControl {
  /** The key that cycles an enum or flips a boolean. */
  hotkey: string;
  /** The toolbar label (a checkbox or a drop-down); the hotkey is added in parentheses. */
  label: string;
  /** Appended to each value in a drop-down ("20 s"). */
  valueSuffix?: string;
  /** The help overlay's line for the hotkey. */
  help: string;
}

export interface SettingSpec<V> {
  /** The setting id, `pmemstat.<key>`. */
  id: string;
  values: ValueSpec;
  default: V;
}

export interface PanelOptionSpec<V> extends SettingSpec<V> {
  key: PanelSettingKey;
  control?: PanelControl;
}

const flow = (list: readonly (string | number)[]): string => list.join(' \u2192 ');

function option<K extends PanelSettingKey>(
  key: K,
  values: ValueSpec,
  def: PanelSettings[K],
  control?: PanelControl,
): PanelOptionSpec<PanelSettings[K]> {
  return { id: `pmemstat.${key}`, key, values, default: def, ...(control ? { control } : {}) };
}

/** The panel's options in the order of package.json (and of the settings objects). */
export const PANEL_OPTIONS: { readonly [K in PanelSettingKey]: PanelOptionSpec<PanelSettings[K]> } = {
  groupBy: option('groupBy', { kind: 'enum', values: GROUP_BYS }, 'exe', {
    hotkey: 'g',
    label: 'Group',
    help: `group by ${flow(GROUP_BYS)}`,
  }),
  units: option('units', { kind: 'enum', values: UNITS }, 'MB', { hotkey: 'u', label: 'Units', help: `units ${flow(UNITS)}` }),
  detail: option('detail', { kind: 'boolean' }, false, {
    hotkey: 'o',
    label: 'Detail',
    help: 'detail on/off: split "other" by reading every mapping (smaps); off = fast mode',
  }),
  sortBy: option('sortBy', { kind: 'enum', values: SORT_BYS }, 'mem', {
    hotkey: 's',
    label: 'Sort',
    help: `sort by ${flow(SORT_BYS)} (or click a column header)`,
  }),
  riseToTop: option('riseToTop', { kind: 'boolean' }, true, { hotkey: 'r', label: 'Rise', help: 'raise new and changed groups to the top' }),
  showCpu: option('showCpu', { kind: 'boolean' }, true, { hotkey: 'c', label: 'CPU', help: 'show the cpu% column' }),
  showOom: option('showOom', { kind: 'boolean' }, false, {
    hotkey: 'O',
    label: 'OOM',
    help: 'show the oom column: the kernel\u2019s oom_score (a group\u2019s highest)',
  }),
  cpuAvgSecs: option('cpuAvgSecs', { kind: 'enum', values: CPU_AVG_LIST }, 20, {
    hotkey: 'a',
    label: 'CPU avg',
    valueSuffix: ' s',
    help: `cpu moving-average seconds ${flow(CPU_AVG_LIST)}`,
  }),
  loopSeconds: option('loopSeconds', { kind: 'number', min: 0.5, max: 3600 }, 5),
  minDeltaKb: option('minDeltaKb', { kind: 'number', integer: true, nullable: true }, null),
  topPct: option('topPct', { kind: 'number', above: 0, max: 100 }, 100),
  lineNumbers: option('lineNumbers', { kind: 'boolean' }, false, { hotkey: 'n', label: 'Numbers', help: 'line numbers' }),
  fitToWindow: option('fitToWindow', { kind: 'boolean' }, false, {
    hotkey: 'f',
    label: 'Fit',
    help: 'fit rows to the window, folding the rest into an O row (sorted by mem or cpu)',
  }),
  showUss: option('showUss', { kind: 'boolean' }, false, {
    hotkey: 'U',
    label: 'USS',
    help: 'show the uss column: private clean + private dirty, what only the process holds',
  }),
  showEpss: option('showEpss', { kind: 'boolean' }, false, {
    hotkey: 'e',
    label: 'Pss+swap',
    help: 'show the pss+swap column: Pss + SwapPss (htop\u2019s EPSS), swap included even without zRAM',
  }),
  showThp: option('showThp', { kind: 'boolean' }, false, {
    hotkey: 'T',
    label: 'THP',
    help: 'show the thp column: anonymous memory in transparent huge pages (AnonHugePages)',
  }),
  showKsm: option('showKsm', { kind: 'boolean' }, false, {
    hotkey: 'm',
    label: 'KSM',
    help: 'show the ksm column: pages KSM merged with identical ones (/proc/PID/ksm_stat, where the kernel has it)',
  }),
};

export const PANEL_SETTING_KEYS = Object.keys(PANEL_OPTIONS) as PanelSettingKey[];

export const DEFAULT_PANEL_SETTINGS: Readonly<PanelSettings> = Object.freeze(
  Object.fromEntries(PANEL_SETTING_KEYS.map((k) => [k, PANEL_OPTIONS[k].default])) as unknown as PanelSettings,
);

/** The toolbar's option controls, left to right (drop-downs, then checkboxes). */
export const TOOLBAR_OPTIONS: readonly PanelSettingKey[] = [
  'groupBy',
  'sortBy',
  'units',
  'cpuAvgSecs',
  'detail',
  'riseToTop',
  'showCpu',
  'showOom',
  'lineNumbers',
  'fitToWindow',
  'showUss',
  'showEpss',
  'showThp',
  'showKsm',
];

/** The option keys in the help overlay, in the order of the original's help screen. */
export const HELP_OPTIONS: readonly PanelSettingKey[] = [
  'fitToWindow',
  'groupBy',
  'lineNumbers',
  'detail',
  'riseToTop',
  'sortBy',
  'units',
  'showCpu',
  'cpuAvgSecs',
  'showOom',
  'showUss',
  'showEpss',
  'showThp',
  'showKsm',
];

/** The control of an option that has one. */
export function controlOf(key: PanelSettingKey): PanelControl {
  const c = PANEL_OPTIONS[key].control;
  if (!c) throw new Error(`pmemstat.${key} has no panel control`);
  return c;
}

/** The option a key press changes (undefined: none). */
export function optionOfHotkey(key: string): PanelSettingKey | undefined {
  return PANEL_SETTING_KEYS.find((k) => PANEL_OPTIONS[k].control?.hotkey === key);
}

// ---------------------------------------------------------------- the other settings

const STATUS_INTERVAL_MIN = 1;
const STATUS_INTERVAL_MAX = 3600;
const LEAK_SAMPLES_MIN = 2;
/** The window must fit in the history (MAX_CAPACITY samples, one more than the steps). */
const LEAK_SAMPLES_MAX = MAX_CAPACITY - 1;

/** Settings the host reads that the panel does not show. */
export const HOST_SETTINGS = {
  runAsUser: { id: 'pmemstat.runAsUser', values: { kind: 'boolean' }, default: false },
  statusBarEnabled: { id: 'pmemstat.statusBar.enabled', values: { kind: 'boolean' }, default: true },
  statusBarInterval: {
    id: 'pmemstat.statusBar.interval',
    values: { kind: 'number', min: STATUS_INTERVAL_MIN, max: STATUS_INTERVAL_MAX, clamp: true },
    default: 5,
  },
  leakSamples: {
    id: 'pmemstat.leak.samples',
    values: { kind: 'number', integer: true, round: true, min: LEAK_SAMPLES_MIN, max: LEAK_SAMPLES_MAX, clamp: true },
    default: DEFAULT_LEAK_OPTIONS.samples,
  },
  leakMinGrowthKb: {
    id: 'pmemstat.leak.minGrowthKb',
    values: { kind: 'number', integer: true, round: true, min: 1 },
    default: DEFAULT_LEAK_OPTIONS.minGrowthKb,
  },
  leakStatusBarWarning: { id: 'pmemstat.leak.statusBarWarning', values: { kind: 'boolean' }, default: true },
  notifyLeakSuspects: { id: 'pmemstat.notify.leakSuspects', values: { kind: 'boolean' }, default: false },
  walkBudgetMs: {
    id: 'pmemstat.walkBudgetMs',
    // Not only whole ms: the CLI's --walk-budget takes a fraction too (0 alone means "walk all").
    values: { kind: 'number', min: 0, max: 60_000, clamp: true },
    default: DEFAULT_WALK_BUDGET_MS,
  },
  maxAgeSeconds: {
    id: 'pmemstat.maxAgeSeconds',
    values: { kind: 'number', integer: true, round: true, min: 1, max: 86_400, clamp: true },
    default: DEFAULT_MAX_AGE_SECONDS,
  },
} as const satisfies Record<string, SettingSpec<boolean | number>>;

/** Every setting of package.json's `contributes.configuration`. */
export const ALL_SETTINGS: readonly SettingSpec<unknown>[] = [
  ...PANEL_SETTING_KEYS.map((k) => PANEL_OPTIONS[k] as SettingSpec<unknown>),
  ...Object.values(HOST_SETTINGS),
];

/** The key under the `pmemstat` section (`statusBar.interval` for `pmemstat.statusBar.interval`). */
export function sectionKey(s: SettingSpec<unknown>): string {
  return s.id.slice('pmemstat.'.length);
}

// ---------------------------------------------------------------- validation

/** A value the spec accepts (brought into range when it clamps), or undefined. */
export function checkValue(spec: ValueSpec, v: unknown): unknown {
  switch (spec.kind) {
    case 'enum':
      return isOneOf(spec.values, v) ? v : undefined;
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined;
    case 'number': {
      if (v === null) return spec.nullable ? null : undefined;
      if (!isNum(v)) return undefined;
      let n = v;
      if (spec.clamp) {
        if (spec.round) n = Math.round(n);
        if (spec.min !== undefined) n = Math.max(spec.min, n);
        if (spec.max !== undefined) n = Math.min(spec.max, n);
        return n;
      }
      const inRange =
        (spec.min === undefined || n >= spec.min) && (spec.above === undefined || n > spec.above) && (spec.max === undefined || n <= spec.max);
      if (!inRange) return undefined;
      if (spec.round) return Math.round(n);
      return spec.integer && !Number.isInteger(n) ? undefined : n;
    }
  }
}

/** A setting's value from a raw one: the checked value, or the default. */
export function readSetting<V>(spec: SettingSpec<V>, v: unknown): V {
  const ok = checkValue(spec.values, v);
  return ok === undefined ? spec.default : (ok as V);
}

/** Validate one panel setting value; the value to use, or undefined when it is not acceptable. */
export function validSetting<K extends PanelSettingKey>(key: K, v: unknown): PanelSettings[K] | undefined {
  if (!Object.hasOwn(PANEL_OPTIONS, key)) return undefined;
  return checkValue(PANEL_OPTIONS[key].values, v) as PanelSettings[K] | undefined;
}

/** Complete settings from a getter of raw values; anything missing or invalid falls back to its default. */
export function readPanelSettings(get: (key: PanelSettingKey) => unknown): PanelSettings {
  const out: Record<string, unknown> = {};
  for (const k of PANEL_SETTING_KEYS) out[k] = readSetting(PANEL_OPTIONS[k] as SettingSpec<unknown>, get(k));
  return out as unknown as PanelSettings;
}

/** The --min-delta-kb in force for settings (the automatic default when null). */
export function effectiveMinDeltaKb(s: Pick<PanelSettings, 'minDeltaKb' | 'units'>): number {
  return s.minDeltaKb ?? defaultMinDeltaKb(s.units);
}

/** The next value of a list, wrapping around. */
export function cycle<T>(list: readonly T[], cur: T): T {
  const i = list.indexOf(cur);
  return list[(i + 1) % list.length];
}

/** The settings change an option's hotkey makes: the next value of an enum, a boolean flipped. */
export function optionChange(key: PanelSettingKey, s: PanelSettings): Partial<PanelSettings> {
  const spec = PANEL_OPTIONS[key].values;
  if (spec.kind === 'enum') return { [key]: cycle(spec.values, s[key] as string | number) } as Partial<PanelSettings>;
  if (spec.kind === 'boolean') return { [key]: !s[key] } as Partial<PanelSettings>;
  return {};
}
