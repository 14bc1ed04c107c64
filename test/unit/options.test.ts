// The option catalogue against package.json's contributes.configuration: a setting added,
// renamed or changed in one and not the other fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALL_SETTINGS,
  DEFAULT_PANEL_SETTINGS,
  HELP_OPTIONS,
  optionChange,
  optionOfHotkey,
  PANEL_OPTIONS,
  PANEL_SETTING_KEYS,
  readSetting,
  TOOLBAR_OPTIONS,
  validSetting,
  type SettingSpec,
  type ValueSpec,
} from '../../src/shared/options';
import { completeSettings } from '../../src/shared/webviewProtocol';
import { HELP_KEYS } from '../../src/shared/keymap';

interface JsonSetting {
  type: string | string[];
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
}

const pkg = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, JsonSetting> } };
};
const properties = pkg.contributes.configuration.properties;

/** What package.json should say of a setting the catalogue describes. */
function schemaOf(s: SettingSpec<unknown>): JsonSetting {
  const v: ValueSpec = s.values;
  const out: JsonSetting = { type: 'boolean', default: s.default };
  if (v.kind === 'enum') {
    out.type = typeof v.values[0] === 'number' ? 'number' : 'string';
    out.enum = [...v.values];
  } else if (v.kind === 'number') {
    const t = v.integer ? 'integer' : 'number';
    out.type = v.nullable ? [t, 'null'] : t;
    if (v.min !== undefined) out.minimum = v.min;
    if (v.above !== undefined) out.exclusiveMinimum = v.above;
    if (v.max !== undefined) out.maximum = v.max;
  }
  return out;
}

function schemaIn(json: JsonSetting): JsonSetting {
  const out: JsonSetting = { type: json.type, default: json.default };
  for (const k of ['enum', 'minimum', 'exclusiveMinimum', 'maximum'] as const) if (json[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = json[k];
  return out;
}

describe('the option catalogue', () => {
  it('names exactly the settings package.json contributes', () => {
    expect(ALL_SETTINGS.map((s) => s.id).sort()).toEqual(Object.keys(properties).sort());
  });

  it.each(ALL_SETTINGS.map((s) => [s.id, s] as const))('%s has the type, default, values and range of package.json', (id, s) => {
    expect(schemaIn(properties[id])).toEqual(schemaOf(s));
  });

  it('accepts each default, and the defaults are the panel settings of an empty object', () => {
    for (const k of PANEL_SETTING_KEYS) expect(validSetting(k, PANEL_OPTIONS[k].default)).toEqual(PANEL_OPTIONS[k].default);
    expect(completeSettings({})).toEqual(DEFAULT_PANEL_SETTINGS);
    expect(completeSettings({ topPct: 0, loopSeconds: 0.25, minDeltaKb: 1.5, units: 'GB', __proto__: 1 })).toEqual(DEFAULT_PANEL_SETTINGS);
    expect(completeSettings({ topPct: 0.5, loopSeconds: 3600, minDeltaKb: -200 })).toMatchObject({ topPct: 0.5, loopSeconds: 3600, minDeltaKb: -200 });
  });

  it('clamps or refuses the host settings as each says', () => {
    const samples = ALL_SETTINGS.find((s) => s.id === 'pmemstat.leak.samples') as SettingSpec<number>;
    expect(readSetting(samples, 1)).toBe(2);
    expect(readSetting(samples, 7.6)).toBe(8);
    expect(readSetting(samples, 'x')).toBe(20);
    const growth = ALL_SETTINGS.find((s) => s.id === 'pmemstat.leak.minGrowthKb') as SettingSpec<number>;
    expect(readSetting(growth, 0.5)).toBe(1024);
    expect(readSetting(growth, 10.4)).toBe(10);
  });

  it('places every option with a key in the toolbar and the help, once, and no key twice', () => {
    const withKey = PANEL_SETTING_KEYS.filter((k) => PANEL_OPTIONS[k].control);
    expect([...TOOLBAR_OPTIONS].sort()).toEqual([...withKey].sort());
    expect([...HELP_OPTIONS].sort()).toEqual([...withKey].sort());
    const hotkeys = withKey.map((k) => PANEL_OPTIONS[k].control?.hotkey);
    expect(new Set(hotkeys).size).toBe(hotkeys.length);
    for (const k of withKey) expect(optionOfHotkey(PANEL_OPTIONS[k].control?.hotkey ?? '')).toBe(k);
    expect(HELP_KEYS.map(([k]) => k).slice(0, 10)).toEqual(['K', 'f', 'g', 'n', 'o', 'r', 's', 'u', 'c', 'a']);
    expect(HELP_KEYS).toContainEqual(['g', 'group by exe \u2192 cmd \u2192 pid \u2192 unit \u2192 container \u2192 cgroup']);
  });

  it('an option key cycles an enum and flips a boolean', () => {
    expect(optionChange('sortBy', { ...DEFAULT_PANEL_SETTINGS, sortBy: 'name' })).toEqual({ sortBy: 'mem' });
    expect(optionChange('riseToTop', DEFAULT_PANEL_SETTINGS)).toEqual({ riseToTop: false });
    expect(optionChange('loopSeconds', DEFAULT_PANEL_SETTINGS)).toEqual({});
  });
});
