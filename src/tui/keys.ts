// The terminal window's keys: bytes from a raw-mode terminal decoded into key names (the
// names a browser gives KeyboardEvent.key, so the panel's key set reads the same here), and
// each key's action in each mode. The option keys come from the option catalogue.
import { OPTION_HELP, optionOfHotkey } from './optionKeys';
import type { PanelSettingKey } from '../shared/webviewProtocol';

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

/** Where a move of the selection goes. */
export type NavMove =
  | { kind: 'down'; n: number }
  | { kind: 'up'; n: number }
  | { kind: 'first' }
  | { kind: 'last' }
  | { kind: 'top' }
  | { kind: 'middle' }
  | { kind: 'bottom' };

export type NavUnit = 'row' | 'half' | 'page';

export type Action =
  | { kind: 'quit' }
  | { kind: 'redraw' }
  | { kind: 'option'; option: PanelSettingKey }
  | { kind: 'killMode' }
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'escape' }
  | { kind: 'enter' }
  | { kind: 'toggleExpand' }
  | { kind: 'expand' }
  | { kind: 'collapse' }
  | { kind: 'nav'; move: NavMove; unit: NavUnit }
  | { kind: 'type'; text: string }
  | { kind: 'backspace' }
  | { kind: 'yes' }
  | { kind: 'no' };

/** What the keys mean at the moment: the table, the search line being typed, help, a kill confirmation. */
export type KeyMode = 'table' | 'search' | 'help' | 'confirm';

const nav = (move: NavMove, unit: NavUnit = 'row'): Action => ({ kind: 'nav', move, unit });

function navAction(k: Key): Action | null {
  if (k.ctrl) {
    switch (k.name) {
      case 'd':
        return nav({ kind: 'down', n: 0 }, 'half');
      case 'u':
        return nav({ kind: 'up', n: 0 }, 'half');
      case 'f':
        return nav({ kind: 'down', n: 0 }, 'page');
      case 'b':
        return nav({ kind: 'up', n: 0 }, 'page');
      case 'Home':
        return nav({ kind: 'first' });
      case 'End':
        return nav({ kind: 'last' });
    }
    return null;
  }
  switch (k.name) {
    case 'j':
    case 'ArrowDown':
      return nav({ kind: 'down', n: 1 });
    case 'k':
    case 'ArrowUp':
      return nav({ kind: 'up', n: 1 });
    case 'PageDown':
      return nav({ kind: 'down', n: 0 }, 'page');
    case 'PageUp':
      return nav({ kind: 'up', n: 0 }, 'page');
    case '0':
    case 'Home':
      return nav({ kind: 'first' });
    case '$':
    case 'End':
      return nav({ kind: 'last' });
    case 'H':
      return nav({ kind: 'top' });
    case 'M':
      return nav({ kind: 'middle' });
    case 'L':
      return nav({ kind: 'bottom' });
  }
  return null;
}

/** The action of a key in a mode; null when the key means nothing there. */
export function keyAction(k: Key, mode: KeyMode): Action | null {
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
      return k.ctrl ? null : { kind: 'no' };
    case 'help':
      if (k.name === 'Escape' || k.name === '?' || k.name === 'q' || k.name === 'Enter') return { kind: 'escape' };
      return navAction(k);
    case 'table': {
      if (k.ctrl) return navAction(k);
      const option = optionOfHotkey(k.name);
      if (option) return { kind: 'option', option };
      switch (k.name) {
        case 'q':
          return { kind: 'quit' };
        case 'K':
          return { kind: 'killMode' };
        case '/':
          return { kind: 'search' };
        case '?':
          return { kind: 'help' };
        case 'Escape':
          return { kind: 'escape' };
        case 'Enter':
          return { kind: 'enter' };
        case ' ':
          return { kind: 'toggleExpand' };
        case 'ArrowRight':
        case 'l':
          return { kind: 'expand' };
        case 'ArrowLeft':
        case 'h':
          return { kind: 'collapse' };
      }
      return navAction(k);
    }
  }
}

/** The help screen: the option keys from the catalogue, then the window's own keys. */
export function helpEntries(): { keys: string; help: string; option?: PanelSettingKey }[] {
  return [
    { keys: 'K', help: 'kill mode: then Enter on a row asks to kill its processes (y confirms)' },
    ...OPTION_HELP.map((o) => ({ keys: o.hotkey, help: o.help, option: o.key })),
    { keys: '/', help: 'search the row info (plain text); Enter keeps it, Esc clears it' },
    { keys: '?', help: 'this help (Esc closes it)' },
    { keys: 'Enter / Space', help: 'expand or collapse a group into its processes (in kill mode Enter kills)' },
    { keys: '\u2192 l / \u2190 h', help: 'expand / collapse the selected group' },
    { keys: 'j k \u2193 \u2191', help: 'next / previous row' },
    { keys: 'Ctrl-d  Ctrl-u', help: 'half a page down / up' },
    { keys: 'Ctrl-f  Ctrl-b  PgDn  PgUp', help: 'a page down / up' },
    { keys: '0  Home  /  $  End', help: 'first / last row' },
    { keys: 'H  M  L', help: 'top / middle / bottom of the window' },
    { keys: 'Esc', help: 'close help, clear the search, leave kill mode' },
    { keys: 'Ctrl-l', help: 'redraw the screen' },
    { keys: 'q  Ctrl-c', help: 'quit' },
  ];
}
