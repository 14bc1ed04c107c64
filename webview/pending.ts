// Optimistic options: a change made in the panel shows at once and is sent to the host; the
// host's settings echo may lag behind it, so until the echo arrives (or PENDING_MS pass) the
// panel keeps its own value rather than flicker back to the old one.
import { validSetting, type PanelSettingKey, type PanelSettings } from '../src/shared/options';

export const PENDING_MS = 3000;

export class PendingOptions {
  private pending = new Map<PanelSettingKey, { value: unknown; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The valid options of a change that differ from the current settings, remembered as pending
   * (empty: nothing to change).
   */
  change(change: Partial<PanelSettings>, current: PanelSettings): Partial<PanelSettings> {
    const clean: Record<string, unknown> = {};
    for (const k of Object.keys(change) as PanelSettingKey[]) {
      const v = validSetting(k, change[k]);
      if (v === undefined || v === current[k]) continue;
      clean[k] = v;
      this.pending.set(k, { value: v, at: this.now() });
    }
    return clean as Partial<PanelSettings>;
  }

  /** Host settings, except options changed here whose echo has not come back yet. */
  merge(incoming: PanelSettings): PanelSettings {
    const out: Record<string, unknown> = { ...incoming };
    const now = this.now();
    for (const [k, p] of [...this.pending]) {
      if (incoming[k] === p.value || now - p.at > PENDING_MS) this.pending.delete(k);
      else out[k] = p.value;
    }
    return out as unknown as PanelSettings;
  }

  clear(): void {
    this.pending.clear();
  }
}
