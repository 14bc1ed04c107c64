// The terminal window's keys: bytes from a raw-mode terminal decoded into key names (the
// names a browser gives KeyboardEvent.key), so that the panel's own key map (src/shared/keymap.ts,
// whose option keys come from the option catalogue) decides what a key does in the table.
import { optionOfHotkey, type PanelSettingKey } from '../../shared/options';
import { HELP_KEYS, keyAction as panelKeyAction, type KeyAction } from '../../shared/keymap';
import type { TimeStep } from '../../core/timeline';

export interface Key {
  /** 'a', 'K', '/', 'ArrowDown', 'PageUp', 'Home', 'End', 'Enter', 'Escape', 'Backspace', 'Tab', 'Delete'. */
  name: string;
  ctrl: boolean;
}

const CSI_TILDE: Readonly<Record<string, string>> = {
  '1': 'Home',
  '2': 'Insert',
  '3': 'Delete',
  '4': 'End',
  '5': 'PageUp',
  '6': 'PageDown',
  '7': 'Home',
  '8': 'End',
};
const CSI_FINAL: Readonly<Record<string, string>> = {
  A: 'ArrowUp',
  B: 'ArrowDown',
  C: 'ArrowRight',
  D: 'ArrowLeft',
  H: 'Home',
  F: 'End',
};

/**
 * Split what one read from the terminal gave into keys. A lone ESC (nothing after it in the
 * same read) is the Escape key, and so is ESC before any other character (which follows as
 * its own key); unknown CSI/SS3 sequences are dropped whole so their bytes never act as keys.
 */
export function decodeKeys(data: string): Key[] {
  const keys: Key[] = [];
  const plain = (name: string) => keys.push({ name, ctrl: false });
  for (let i = 0; i < data.length; ) {
    const c = data[i];
    if (c === '\x1b') {
      const n = data[i + 1];
      if (n === undefined || n === '\x1b') {
        plain('Escape');
        i++;
        continue;
      }
      if (n === '[' || n === 'O') {
        // CSI / SS3: parameters, then one final byte in @..~
        let j = i + 2;
        while (j < data.length && /[0-9;?]/.test(data[j])) j++;
        const params = data.slice(i + 2, j);
        const fin = data[j];
        i = j + 1;
        if (fin === undefined) break;
        const mods = Number(params.split(';')[1] ?? '1') - 1;
        const ctrl = mods > 0 && (mods & 4) !== 0;
        const name = fin === '~' ? CSI_TILDE[params.split(';')[0]] : CSI_FINAL[fin];
        if (name) keys.push({ name, ctrl });
        continue;
      }
      // No Alt bindings: ESC then a character is Escape, then that key (a terminal or tmux
      // may deliver a quick Esc and the next key in one read).
      plain('Escape');
      i++;
      continue;
    }
    const cp = data.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    if (c === '\r' || c === '\n') plain('Enter');
    else if (c === '\t') plain('Tab');
    else if (c === '\x7f' || c === '\b') plain('Backspace');
    else if (cp >= 1 && cp <= 26) keys.push({ name: String.fromCharCode(cp + 96), ctrl: true });
    else if (cp >= 0x20) plain(ch);
  }
  return keys;
}

export type { NavMove } from '../../shared/rowOrder';
export type NavUnit = 'row' | 'half' | 'page';

/** The panel's actions, and what only a terminal needs (quit, redraw, typing a search, y/n). */
export type Action =
  | KeyAction
  | { kind: 'quit' }
  | { kind: 'redraw' }
  | { kind: 'type'; text: string }
  | { kind: 'backspace' }
  | { kind: 'yes' }
  | { kind: 'no' }
  /** In the kill confirmation: the next signal of KILL_SIGNALS. */
  | { kind: 'cycleSignal' }
  /** In a replay: another recorded sample. */
  | { kind: 'time'; step: TimeStep };

/** What the keys mean at the moment: the table, the search line being typed, help, a kill confirmation, a group's cgroup memory. */
export type KeyMode = 'table' | 'search' | 'help' | 'confirm' | 'cgroup';

/** The panel's action for a key (the one key map of webview/keys.ts). */
function panelAction(k: Key): KeyAction | null {
  return panelKeyAction({ key: k.name, ctrlKey: k.ctrl, altKey: false, metaKey: false });
}

/** A replay's keys for moving in time (none of them is one of the panel's keys). */
const TIME_KEYS: Readonly<Record<string, TimeStep>> = { '[': 'back', ']': 'forward', '{': 'prevEvent', '}': 'nextEvent', '<': 'first', '>': 'last' };

/** The action of a key in a mode; null when the key means nothing there. `replay`: the window shows a recording. */
export function keyAction(k: Key, mode: KeyMode, replay = false): Action | null {
  if (k.ctrl && k.name === 'c') return { kind: 'quit' };
  if (k.ctrl && k.name === 'l') return { kind: 'redraw' };
  switch (mode) {
    case 'search':
      if (k.name === 'Enter') return { kind: 'enter' };
      if (k.name === 'Escape') return { kind: 'escape' };
      if (k.name === 'Backspace') return { kind: 'backspace' };
      if (!k.ctrl && [...k.name].length === 1) return { kind: 'type', text: k.name };
      return null;
    case 'confirm':
      if (k.name === 'y' || k.name === 'Y') return { kind: 'yes' };
      if (k.name === 's' || k.name === 'S') return { kind: 'cycleSignal' };
      return k.ctrl ? null : { kind: 'no' };
    case 'help': {
      if (k.name === 'Escape' || k.name === '?' || k.name === 'q' || k.name === 'Enter') return { kind: 'escape' };
      const a = panelAction(k);
      return a?.kind === 'nav' ? a : null;
    }
    case 'cgroup':
      if (k.name === 'Escape' || k.name === 'q' || k.name === 'Enter') return { kind: 'escape' };
      return null;
    case 'table':
      // The terminal's additions to the panel's keys: q quits, h/l collapse/expand (vim).
      if (!k.ctrl && k.name === 'q') return { kind: 'quit' };
      if (!k.ctrl && k.name === 'l') return { kind: 'expand' };
      if (!k.ctrl && k.name === 'h') return { kind: 'collapse' };
      if (replay && !k.ctrl && Object.hasOwn(TIME_KEYS, k.name)) return { kind: 'time', step: TIME_KEYS[k.name] };
      return panelAction(k);
  }
}

/** Lines of the panel's help that are about the panel only (its chart and sparklines). */
const PANEL_ONLY: ReadonlySet<string> = new Set(['trend', 'select a row']);
/** Where the terminal says it differently: no kill buttons, no column headers to click, h/l. */
const IN_A_TERMINAL: Readonly<Record<string, { keys?: string; help?: string }>> = {
  K: { help: 'kill mode: then Enter on a row asks to kill its processes (y confirms)' },
  '\u2192 / \u2190': { keys: '\u2192 l / \u2190 h' },
};

/** What a replay adds to the help (the keys of TIME_KEYS). */
const REPLAY_HELP: readonly { keys: string; help: string }[] = [
  { keys: '[  ]', help: 'one recorded sample back / forward (the status line shows its time and events)' },
  { keys: '{  }', help: 'the previous / next sample with an event (an OOM kill, pressure, a limit, a leak suspect)' },
  { keys: '<  >', help: 'the first / last recorded sample' },
];
/** A recording is not the live system: what the help says differently in a replay. */
const IN_A_REPLAY: Readonly<Record<string, string>> = {
  K: 'kill mode (a replay shows a recording: nothing to kill)',
  'Enter / Space':
    'expand or collapse a group into its processes (grouped by unit, container or cgroup, Enter on a group shows where its cgroup\u2019s memory went; a recording keeps no mappings)',
};

/** The help screen: the panel's help (webview/keys.ts, its option lines from the catalogue), then the terminal's own keys; in a replay, its keys for time. */
export function helpEntries(replay = false): { keys: string; help: string; option?: PanelSettingKey }[] {
  const panel = HELP_KEYS.filter(([keys]) => !PANEL_ONLY.has(keys)).map(([keys, help]) => {
    const t = Object.hasOwn(IN_A_TERMINAL, keys) ? IN_A_TERMINAL[keys] : {};
    return { keys: t.keys ?? keys, help: (t.help ?? help).replace(/ \(or click a column header\)$/, ''), option: optionOfHotkey(keys) };
  });
  const shown = replay ? panel.map((e) => (Object.hasOwn(IN_A_REPLAY, e.keys) ? { ...e, help: IN_A_REPLAY[e.keys] } : e)) : panel;
  return [...(replay ? REPLAY_HELP : []), ...shown, { keys: 'Ctrl-l', help: 'redraw the screen' }, { keys: 'q  Ctrl-c', help: 'quit' }];
}
