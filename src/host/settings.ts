// The `pmemstat.*` settings: read (validated), written back when the panel changes an
// option, and watched, so a change in either place reaches the other.
import * as vscode from 'vscode';
import {
  DEFAULT_PANEL_SETTINGS,
  effectiveMinDeltaKb,
  PANEL_SETTING_KEYS,
  validSetting,
  type PanelSettingKey,
  type PanelSettings,
} from '../shared/webviewProtocol';
import { MAX_CAPACITY } from '../core/history';
import { DEFAULT_LEAK_OPTIONS, type LeakOptions } from '../core/leaks';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_WALK_BUDGET_MS } from '../core/walkbudget';
import type { HelperConfig } from './helperClient';

export const SECTION = 'pmemstat';

/** Command lines are cut this long for the cmd grouping: the panel shows them whole, ellipsised. */
export const PANEL_CMDLEN = 4096;

export interface StatusBarSettings {
  enabled: boolean;
  /** Seconds between /proc/meminfo reads. */
  interval: number;
}

export const STATUS_INTERVAL_MIN = 1;
export const STATUS_INTERVAL_MAX = 3600;

/** `pmemstat.leak.*`: the leak suspicion of core/leaks.ts, and whether the status bar warns. */
export interface LeakSettings extends LeakOptions {
  statusBarWarning: boolean;
}

export const LEAK_SAMPLES_MIN = 2;
/** The window must fit in the history (MAX_CAPACITY samples, one more than the steps). */
export const LEAK_SAMPLES_MAX = MAX_CAPACITY - 1;

export function readLeakSettings(get: (key: string) => unknown): LeakSettings {
  const samples = get('leak.samples');
  const growth = get('leak.minGrowthKb');
  const warn = get('leak.statusBarWarning');
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return {
    samples: int(samples) ? Math.min(LEAK_SAMPLES_MAX, Math.max(LEAK_SAMPLES_MIN, Math.round(samples))) : DEFAULT_LEAK_OPTIONS.samples,
    minGrowthKb: int(growth) && growth >= 1 ? Math.round(growth) : DEFAULT_LEAK_OPTIONS.minGrowthKb,
    statusBarWarning: typeof warn === 'boolean' ? warn : true,
  };
}

/** Settings from a getter of raw values; anything missing or invalid falls back to its default. */
export function readPanelSettings(get: (key: PanelSettingKey) => unknown): PanelSettings {
  const out: PanelSettings = { ...DEFAULT_PANEL_SETTINGS };
  for (const k of PANEL_SETTING_KEYS) {
    const v = validSetting(k, get(k));
    if (v !== undefined) (out as Record<PanelSettingKey, unknown>)[k] = v;
  }
  return out;
}

export function readStatusBarSettings(get: (key: string) => unknown): StatusBarSettings {
  const enabled = get('statusBar.enabled');
  const interval = get('statusBar.interval');
  return {
    enabled: typeof enabled === 'boolean' ? enabled : true,
    interval:
      typeof interval === 'number' && Number.isFinite(interval)
        ? Math.min(STATUS_INTERVAL_MAX, Math.max(STATUS_INTERVAL_MIN, interval))
        : 5,
  };
}

/** `pmemstat.walkBudgetMs` and `pmemstat.maxAgeSeconds`: how much page walking a tick may do. */
export interface WalkSettings {
  walkBudgetMs: number;
  maxAgeSeconds: number;
}

const WALK_SETTING_KEYS = ['walkBudgetMs', 'maxAgeSeconds'] as const;

export function readWalkSettings(get: (key: string) => unknown): WalkSettings {
  const b = get('walkBudgetMs');
  const a = get('maxAgeSeconds');
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  return {
    walkBudgetMs: num(b) ? Math.min(60_000, Math.max(0, Math.round(b))) : DEFAULT_WALK_BUDGET_MS,
    maxAgeSeconds: num(a) ? Math.min(86_400, Math.max(1, Math.round(a))) : DEFAULT_MAX_AGE_SECONDS,
  };
}

/** What the helper needs to know of the panel's settings. */
export function helperConfigOf(
  s: PanelSettings,
  walk: WalkSettings = { walkBudgetMs: DEFAULT_WALK_BUDGET_MS, maxAgeSeconds: DEFAULT_MAX_AGE_SECONDS },
): Omit<HelperConfig, 'filter'> {
  return {
    ...walk,
    groupBy: s.groupBy,
    sortBy: s.sortBy,
    detail: s.detail,
    minDeltaKb: effectiveMinDeltaKb(s),
    rise: s.riseToTop,
    cmdlen: PANEL_CMDLEN,
    cpuAvgSecs: s.cpuAvgSecs,
    kernelCpu: s.showCpu,
  };
}

/** The keys whose values differ. */
export function changedKeys(a: PanelSettings, b: PanelSettings): PanelSettingKey[] {
  return PANEL_SETTING_KEYS.filter((k) => a[k] !== b[k]);
}

export interface SettingsChange {
  panel: boolean;
  runAsUser: boolean;
  statusBar: boolean;
  leak: boolean;
}

/** The live settings, backed by the workspace configuration. */
export class SettingsStore implements vscode.Disposable {
  private listeners: Array<(c: SettingsChange) => void> = [];
  private sub: vscode.Disposable;

  constructor() {
    this.sub = vscode.workspace.onDidChangeConfiguration((e) => {
      const c: SettingsChange = {
        panel: [...PANEL_SETTING_KEYS, ...WALK_SETTING_KEYS].some((k) => e.affectsConfiguration(`${SECTION}.${k}`)),
        runAsUser: e.affectsConfiguration(`${SECTION}.runAsUser`),
        statusBar: e.affectsConfiguration(`${SECTION}.statusBar`),
        leak: e.affectsConfiguration(`${SECTION}.leak`),
      };
      if (c.panel || c.runAsUser || c.statusBar || c.leak) for (const l of [...this.listeners]) l(c);
    });
  }

  private config(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(SECTION);
  }

  get panel(): PanelSettings {
    const c = this.config();
    return readPanelSettings((k) => c.get(k));
  }

  get walk(): WalkSettings {
    const c = this.config();
    return readWalkSettings((k) => c.get(k));
  }

  get runAsUser(): boolean {
    return this.config().get('runAsUser') === true;
  }

  get statusBar(): StatusBarSettings {
    const c = this.config();
    return readStatusBarSettings((k) => c.get(k));
  }

  get leak(): LeakSettings {
    const c = this.config();
    return readLeakSettings((k) => c.get(k));
  }

  onDidChange(listener: (c: SettingsChange) => void): vscode.Disposable {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  /**
   * Write options changed in the panel. Each goes where it is defined now (workspace
   * folder, workspace, or user settings), so the change takes effect rather than being
   * shadowed by a more specific value.
   */
  async update(change: Partial<PanelSettings>): Promise<void> {
    const c = this.config();
    const current = this.panel;
    for (const k of Object.keys(change) as PanelSettingKey[]) {
      const v = validSetting(k, change[k]);
      if (v === undefined || v === current[k]) continue;
      const where = c.inspect(k);
      const target =
        where?.workspaceFolderValue !== undefined
          ? vscode.ConfigurationTarget.WorkspaceFolder
          : where?.workspaceValue !== undefined
            ? vscode.ConfigurationTarget.Workspace
            : vscode.ConfigurationTarget.Global;
      await c.update(k, v, target);
    }
  }

  dispose(): void {
    this.listeners = [];
    this.sub.dispose();
  }
}
