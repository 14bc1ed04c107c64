// The table's key map (the original's keys) and the help that lists it, for the panel and
// the terminal window alike. The option keys and their help lines come from the option
// catalogue (options.ts). Pure: a key is a KeyLike, not a DOM KeyboardEvent.
import { controlOf, HELP_OPTIONS, optionOfHotkey, type PanelSettingKey } from './options';
import type { NavMove } from './rowOrder';
import { SEARCH_MATCHES } from '../core/search';

export type KeyAction =
  | { kind: 'option'; option: PanelSettingKey }
  | { kind: 'killMode' }
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'enter' }
  | { kind: 'toggleExpand' }
  | { kind: 'expand' }
  | { kind: 'collapse' }
  | { kind: 'nav'; move: NavMove; unit: 'row' | 'half' | 'page' };

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
}

const CTRL_KEYS: Readonly<Record<string, KeyAction>> = {
  d: { kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'half' },
  u: { kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'half' },
  f: { kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'page' },
  b: { kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'page' },
  Home: { kind: 'nav', move: { kind: 'first' }, unit: 'row' },
  End: { kind: 'nav', move: { kind: 'last' }, unit: 'row' },
};

const down: KeyAction = { kind: 'nav', move: { kind: 'down', n: 1 }, unit: 'row' };
const up: KeyAction = { kind: 'nav', move: { kind: 'up', n: 1 }, unit: 'row' };
const first: KeyAction = { kind: 'nav', move: { kind: 'first' }, unit: 'row' };
const last: KeyAction = { kind: 'nav', move: { kind: 'last' }, unit: 'row' };

const PLAIN_KEYS: Readonly<Record<string, KeyAction>> = {
  K: { kind: 'killMode' },
  '/': { kind: 'search' },
  '?': { kind: 'help' },
  Escape: { kind: 'escape' },
  Enter: { kind: 'enter' },
  ' ': { kind: 'toggleExpand' },
  ArrowRight: { kind: 'expand' },
  ArrowLeft: { kind: 'collapse' },
  j: down,
  ArrowDown: down,
  k: up,
  ArrowUp: up,
  PageDown: { kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'page' },
  PageUp: { kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'page' },
  '0': first,
  Home: first,
  $: last,
  End: last,
  H: { kind: 'nav', move: { kind: 'top' }, unit: 'row' },
  M: { kind: 'nav', move: { kind: 'middle' }, unit: 'row' },
  L: { kind: 'nav', move: { kind: 'bottom' }, unit: 'row' },
};

/** The action of a key press in the table (not in the search box). */
export function keyAction(e: KeyLike): KeyAction | null {
  if (e.altKey || e.metaKey) return null;
  if (e.ctrlKey) return Object.hasOwn(CTRL_KEYS, e.key) ? CTRL_KEYS[e.key] : null;
  const option = optionOfHotkey(e.key);
  if (option) return { kind: 'option', option };
  return Object.hasOwn(PLAIN_KEYS, e.key) ? PLAIN_KEYS[e.key] : null;
}

/** The help overlay: every key, as the original's help screen groups them. */
export const HELP_KEYS: ReadonlyArray<readonly [string, string]> = [
  ['K', 'kill mode: then Enter (or a row\u2019s kill button) kills the selected row\u2019s processes'],
  ...HELP_OPTIONS.map((k) => [controlOf(k).hotkey, controlOf(k).help] as const),
  ['/', `search ${SEARCH_MATCHES}; Enter keeps it, Esc clears it`],
  ['?', 'this help (Esc closes it)'],
  ['Enter / Space', 'expand or collapse a group into its processes (in kill mode Enter kills; Enter on a process shows its mappings; grouped by unit, container or cgroup, Enter on a group shows where its cgroup\u2019s memory goes)'],
  ['\u2192 / \u2190', 'expand / collapse the selected group'],
  ['j k \u2193 \u2191', 'next / previous row'],
  ['Ctrl-d  Ctrl-u', 'half a page down / up'],
  ['Ctrl-f  Ctrl-b  PgDn  PgUp', 'a page down / up'],
  ['0  Home  /  $  End', 'first / last row'],
  ['H  M  L', 'top / middle / bottom of the window'],
  ['Esc', 'close help, clear the search, leave kill mode'],
  ['trend', 'each row\u2019s ptotal over its last samples; \u201cleak?\u201d marks a group whose ptotal keeps rising'],
  ['select a row', 'its group\u2019s categories over time chart under the table: hover for values, \u25B2/\u25BC mark the reported +NK/\u2212NK'],
];
