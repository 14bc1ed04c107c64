// The toolbar's option controls, both ways: they show the settings, and a change in one
// becomes a settings change (a checked checkbox is a setting that is on).
import { validSetting, type PanelSettingKey, type PanelSettings } from '../src/shared/options';
import type { WebviewMessage } from '../src/shared/webviewProtocol';
import type { Shell } from './shell';

/** A toolbar's controls with their settings. */
function controls<C>(m: Partial<Record<PanelSettingKey, C>>): Array<[PanelSettingKey, C]> {
  return Object.entries(m) as Array<[PanelSettingKey, C]>;
}

export function syncToolbar(s: Shell, settings: PanelSettings, killMode: boolean): void {
  for (const [key, sel] of controls(s.selects)) {
    const v = String(settings[key]);
    if (sel.value !== v) sel.value = v;
  }
  for (const [key, cb] of controls(s.checks)) {
    const v = settings[key] === true;
    if (cb.checked !== v) cb.checked = v;
  }
  if (s.killToggle.checked !== killMode) s.killToggle.checked = killMode;
}

export function wireToolbar(s: Shell, current: () => PanelSettings, setOptions: (change: Partial<PanelSettings>) => void): void {
  for (const [key, sel] of controls(s.selects)) {
    sel.addEventListener('change', () => {
      const raw = sel.value;
      const v = validSetting(key, typeof current()[key] === 'number' ? Number(raw) : raw);
      if (v !== undefined) setOptions({ [key]: v });
    });
  }
  for (const [key, cb] of controls(s.checks)) cb.addEventListener('change', () => setOptions({ [key]: cb.checked }));
}

/** The buttons that only post a message, and the chart's: export its group, or close it. */
export function wireCommands(s: Shell, post: (m: WebviewMessage) => void, chartKey: () => string | null, closeChart: () => void): void {
  s.chart.exportButton.addEventListener('click', () => {
    const key = chartKey();
    if (key !== null) post({ type: 'exportGroupHistory', key });
  });
  s.chart.closeButton.addEventListener('click', closeChart);
  s.refreshButton.addEventListener('click', () => post({ type: 'refresh' }));
  s.exportButton.addEventListener('click', () => post({ type: 'exportSnapshot' }));
  s.compareButton.addEventListener('click', () => post({ type: 'compareSnapshot' }));
  s.logButton.addEventListener('click', () => post({ type: 'showLog' }));
  s.runAsRoot.addEventListener('click', () => {
    if (!s.runAsRoot.hasAttribute('disabled')) post({ type: 'runAsRoot' });
  });
}
