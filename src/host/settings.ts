// The `pmemstat.*` settings: read (validated), written back when the panel changes an
// option, and watched, so a change in either place reaches the other.
import * as vscode from 'vscode';
import {
  effectiveMinDeltaKb,
  HOST_SETTINGS,
  PANEL_SETTING_KEYS,
  readPanelSettings,
  readSetting,
  sectionKey,
  validSetting,
  type PanelSettingKey,
  type PanelSettings,
} from '../shared/options';
import type { LeakOptions } from '../core/leaks';
import { DEFAULT_MAX_AGE_SECONDS, DEFAULT_WALK_BUDGET_MS } from '../core/walkbudget';
import type { HelperConfig } from './helperClient';

export { readPanelSettings };

export const SECTION = 'pmemstat';

/** Command lines are cut this long for the cmd grouping: the panel shows them whole, ellipsised. */
export const PANEL_CMDLEN = 4096;

export interface StatusBarSettings {
  enabled: boolean;
  /** Seconds between /proc/meminfo reads. */
  interval: number;
}

/** `pmemstat.leak.*`: the leak suspicion of core/leaks.ts, and whether the status bar warns. */
export interface LeakSettings extends LeakOptions {
  statusBarWarning: boolean;
}

export function readLeakSettings(get: (key: string) => unknown): LeakSettings {
  const { leakSamples, leakMinGrowthKb, leakStatusBarWarning } = HOST_SETTINGS;
  return {
    samples: readSetting(leakSamples, get(sectionKey(leakSamples))),
    minGrowthKb: readSetting(leakMinGrowthKb, get(sectionKey(leakMinGrowthKb))),
    statusBarWarning: readSetting(leakStatusBarWarning, get(sectionKey(leakStatusBarWarning))),
  };
}

export function readStatusBarSettings(get: (key: string) => unknown): StatusBarSettings {
  const { statusBarEnabled, statusBarInterval } = HOST_SETTINGS;
  return {
    enabled: readSetting(statusBarEnabled, get(sectionKey(statusBarEnabled))),
    interval: readSetting(statusBarInterval, get(sectionKey(statusBarInterval))),
  };
}

/** `pmemstat.walkBudgetMs` and `pmemstat.maxAgeSeconds`: how much page walking a tick may do. */
export interface WalkSettings {
  walkBudgetMs: number;
  maxAgeSeconds: number;
}

const WALK_SETTING_KEYS = ['walkBudgetMs', 'maxAgeSeconds'] as const;

export function readWalkSettings(get: (key: string) => unknown): WalkSettings {
  return {
    walkBudgetMs: readSetting(HOST_SETTINGS.walkBudgetMs, get(sectionKey(HOST_SETTINGS.walkBudgetMs))),
    maxAgeSeconds: readSetting(HOST_SETTINGS.maxAgeSeconds, get(sectionKey(HOST_SETTINGS.maxAgeSeconds))),
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
    riseToTop: s.riseToTop,
    cmdlen: PANEL_CMDLEN,
    cpuAvgSecs: s.cpuAvgSecs,
    showCpu: s.showCpu,
    showOom: s.showOom,
    showThp: s.showThp,
    showKsm: s.showKsm,
  };
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
    return readSetting(HOST_SETTINGS.runAsUser, this.config().get(sectionKey(HOST_SETTINGS.runAsUser)));
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
