// Interim: the panel's option keys as webview/model.ts has them, until the option catalogue
// (src/shared/options.ts) lands and this file is replaced by imports from it.
import { CPU_AVG_LIST, GROUP_BYS, SORT_BYS, UNIT_LIST, type PanelSettingKey, type PanelSettings } from '../shared/webviewProtocol';

const flow = (list: readonly (string | number)[]): string => list.join(' \u2192 ');

const HOTKEYS: Readonly<Record<string, { key: PanelSettingKey; help: string }>> = {
  f: { key: 'fitToWindow', help: 'fit rows to the window, folding the rest into an O row (sorted by mem or cpu)' },
  g: { key: 'groupBy', help: `group by ${flow(GROUP_BYS)}` },
  n: { key: 'lineNumbers', help: 'line numbers' },
  o: { key: 'detail', help: 'less category detail (fast mode) on/off; off reads per-mapping smaps' },
  r: { key: 'riseToTop', help: 'raise new and changed groups to the top' },
  s: { key: 'sortBy', help: `sort by ${flow(SORT_BYS)}` },
  u: { key: 'units', help: `units ${flow(UNIT_LIST)}` },
  c: { key: 'showCpu', help: 'show the cpu% column' },
  a: { key: 'cpuAvgSecs', help: `cpu moving-average seconds ${flow(CPU_AVG_LIST)}` },
};

/** The option keys in the order of the original's help screen: hotkey, setting, help line. */
export const OPTION_HELP: readonly { hotkey: string; key: PanelSettingKey; help: string }[] = Object.entries(HOTKEYS).map(
  ([hotkey, v]) => ({ hotkey, ...v }),
);

export function optionOfHotkey(k: string): PanelSettingKey | undefined {
  return Object.hasOwn(HOTKEYS, k) ? HOTKEYS[k].key : undefined;
}

function cycle<T>(list: readonly T[], cur: T): T {
  return list[(list.indexOf(cur) + 1) % list.length];
}

export function optionChange(key: PanelSettingKey, s: PanelSettings): Partial<PanelSettings> {
  switch (key) {
    case 'groupBy':
      return { groupBy: cycle(GROUP_BYS, s.groupBy) };
    case 'sortBy':
      return { sortBy: cycle(SORT_BYS, s.sortBy) };
    case 'units':
      return { units: cycle(UNIT_LIST, s.units) };
    case 'cpuAvgSecs':
      return { cpuAvgSecs: cycle(CPU_AVG_LIST, s.cpuAvgSecs) };
    case 'detail':
    case 'riseToTop':
    case 'showCpu':
    case 'lineNumbers':
    case 'fitToWindow':
      return { [key]: !s[key] };
    default:
      return {};
  }
}
