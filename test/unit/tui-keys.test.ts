// The terminal window's key decoding and key map (src/cli/window/keys.ts).
import { describe, expect, it } from 'vitest';
import { decodeKeys, helpEntries, keyAction, type Key } from '../../src/cli/window/keys';

const k = (name: string, ctrl = false): Key => ({ name, ctrl });
const names = (s: string) => decodeKeys(s).map((x) => (x.ctrl ? `C-${x.name}` : x.name));

describe('decodeKeys', () => {
  it('reads letters, Enter, Backspace, Tab and Ctrl-letters', () => {
    expect(names('jK/?\r\x7f\t\x03\x04\x0c')).toEqual(['j', 'K', '/', '?', 'Enter', 'Backspace', 'Tab', 'C-c', 'C-d', 'C-l']);
  });

  it('reads the arrows, Home/End and PgUp/PgDn in their CSI and SS3 spellings', () => {
    expect(names('\x1b[A\x1b[B\x1b[C\x1b[D\x1bOA\x1bOB')).toEqual(['ArrowUp', 'ArrowDown', 'ArrowRight', 'ArrowLeft', 'ArrowUp', 'ArrowDown']);
    expect(names('\x1b[H\x1b[F\x1bOH\x1bOF\x1b[1~\x1b[4~\x1b[7~\x1b[8~')).toEqual(['Home', 'End', 'Home', 'End', 'Home', 'End', 'Home', 'End']);
    expect(names('\x1b[5~\x1b[6~\x1b[3~')).toEqual(['PageUp', 'PageDown', 'Delete']);
    expect(names('\x1b[1;5H\x1b[1;5F')).toEqual(['C-Home', 'C-End']);
  });

  it('takes a lone ESC, and ESC before an ordinary key, as Escape', () => {
    expect(names('\x1b')).toEqual(['Escape']);
    expect(names('\x1b?')).toEqual(['Escape', '?']);
    expect(names('\x1b\x1b')).toEqual(['Escape', 'Escape']);
  });

  it('drops unknown and cut-off sequences whole, so their bytes never act as keys', () => {
    expect(names('\x1b[200~q\x1b[99Zj')).toEqual(['q', 'j']); // 200~ (paste start) and Z unknown: only q and j remain
    expect(names('\x1b[12;')).toEqual([]);
  });

  it('keeps characters outside ASCII whole (search text)', () => {
    expect(names('é日😀')).toEqual(['é', '日', '😀']);
  });
});

describe('keyAction', () => {
  it('maps the option keys of the panel to their settings', () => {
    const opts = Object.fromEntries(['f', 'g', 'n', 'o', 'r', 's', 'u', 'c', 'a'].map((c) => [c, keyAction(k(c), 'table')]));
    expect(opts).toEqual({
      f: { kind: 'option', option: 'fitToWindow' },
      g: { kind: 'option', option: 'groupBy' },
      n: { kind: 'option', option: 'lineNumbers' },
      o: { kind: 'option', option: 'detail' },
      r: { kind: 'option', option: 'riseToTop' },
      s: { kind: 'option', option: 'sortBy' },
      u: { kind: 'option', option: 'units' },
      c: { kind: 'option', option: 'showCpu' },
      a: { kind: 'option', option: 'cpuAvgSecs' },
    });
  });

  it('maps navigation like the panel: j/k, arrows, half and whole pages, first/last, H/M/L', () => {
    expect(keyAction(k('j'), 'table')).toEqual({ kind: 'nav', move: { kind: 'down', n: 1 }, unit: 'row' });
    expect(keyAction(k('ArrowUp'), 'table')).toEqual({ kind: 'nav', move: { kind: 'up', n: 1 }, unit: 'row' });
    expect(keyAction(k('d', true), 'table')).toEqual({ kind: 'nav', move: { kind: 'down', n: 0 }, unit: 'half' });
    expect(keyAction(k('PageUp'), 'table')).toEqual({ kind: 'nav', move: { kind: 'up', n: 0 }, unit: 'page' });
    expect(keyAction(k('End'), 'table')).toEqual({ kind: 'nav', move: { kind: 'last' }, unit: 'row' });
    expect(keyAction(k('0'), 'table')).toEqual({ kind: 'nav', move: { kind: 'first' }, unit: 'row' });
    expect(keyAction(k('M'), 'table')).toEqual({ kind: 'nav', move: { kind: 'middle' }, unit: 'row' });
  });

  it('q quits in the table; Ctrl-C quits in every mode; in search q is text', () => {
    expect(keyAction(k('q'), 'table')).toEqual({ kind: 'quit' });
    for (const mode of ['table', 'search', 'help', 'confirm'] as const) expect(keyAction(k('c', true), mode)).toEqual({ kind: 'quit' });
    expect(keyAction(k('q'), 'search')).toEqual({ kind: 'type', text: 'q' });
    expect(keyAction(k('j'), 'search')).toEqual({ kind: 'type', text: 'j' });
    expect(keyAction(k('Escape'), 'search')).toEqual({ kind: 'escape' });
    expect(keyAction(k('ArrowDown'), 'search')).toBeNull();
  });

  it('a kill confirmation takes only y as yes', () => {
    expect(keyAction(k('y'), 'confirm')).toEqual({ kind: 'yes' });
    expect(keyAction(k('s'), 'confirm')).toEqual({ kind: 'cycleSignal' });
    expect(keyAction(k('Enter'), 'confirm')).toEqual({ kind: 'no' });
    expect(keyAction(k('K'), 'confirm')).toEqual({ kind: 'no' });
  });

  it('every key the help lists does something in the table', () => {
    const singles = helpEntries()
      .flatMap((e) => e.keys.split(/\s+/))
      .filter((t) => /^[!-~]$/.test(t)); // the printable ASCII keys (arrows are glyphs there)
    for (const c of singles) expect(keyAction(k(c), 'table'), c).not.toBeNull();
  });

  it('in a replay, every key its help lists does something in the table, and the time keys step', () => {
    const singles = helpEntries(true)
      .flatMap((e) => e.keys.split(/\s+/))
      .filter((t) => /^[!-~]$/.test(t));
    for (const c of ['[', ']', '{', '}', '<', '>']) expect(singles).toContain(c);
    for (const c of singles) expect(keyAction(k(c), 'table', true), c).not.toBeNull();
    expect(keyAction(k('['), 'table', true)).toEqual({ kind: 'time', step: 'back' });
    expect(keyAction(k('}'), 'table', true)).toEqual({ kind: 'time', step: 'nextEvent' });
    expect(keyAction(k('>'), 'table', true)).toEqual({ kind: 'time', step: 'last' });
  });

  it('the live window neither lists nor takes the time keys', () => {
    const live = helpEntries().map((e) => e.keys);
    expect(live.some((x) => x.includes('['))).toBe(false);
    for (const c of ['[', ']', '{', '}', '<', '>']) expect(keyAction(k(c), 'table'), c).toBeNull();
    expect(keyAction(k(']'), 'search', true)).toEqual({ kind: 'type', text: ']' });
  });
});
