// Caps on the strings a process chooses for itself (command line, exe key, cgroup names,
// mapping names), applied where they are read, after printable(): an escape makes a byte
// up to four characters, and without a cap one process's 2 MB argv of control bytes put
// 10 MB into every sample reply (docs/threat-model.md). A cap is in UTF-8 bytes of the
// escaped text (JSON at most doubles it: `\` and `"`), and a cut text ends in CUT_MARK.

/** Shown where a text was cut (never produced by printable(), which has no `[`-escape). */
export const CUT_MARK = '\u2026[cut]';

/** UTF-8 bytes kept of each string, the cut mark included: what the widest view shows. */
export const TEXT_CAP = {
  /** The command line: the panel's widest column, the kill dialog, the drill-down. */
  cmd: 2048,
  /** The exe key (argv[0] or a script path): a path. */
  exe: 512,
  /** A cgroup path or a unit/container name. */
  cgroup: 512,
  /** A mapping's name (a file path, at most PATH_MAX from the kernel, ×4 when escaped). */
  mapName: 1024,
} as const;

/** How many bytes of /proc/PID/cmdline are read: enough for TEXT_CAP.cmd whatever the bytes. */
export const CMDLINE_READ_MAX = 16 * 1024;

/** UTF-8 bytes of `s` (pure and browser-safe: no Buffer). */
export function utf8Bytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4; // a surrogate pair
      i++;
    } else n += 3;
  }
  return n;
}

const MARK_BYTES = utf8Bytes(CUT_MARK);
/** An escape of printable() cut short at the end: \x, \xN, \u, \uNNN, \u{NN. */
const PARTIAL_ESCAPE = /\\(x[0-9a-f]?|u[0-9a-f]{0,3}|u\{[0-9a-f]*)$/;

/**
 * `s` if it fits in `maxBytes` UTF-8 bytes (and `cut` is false), else its longest head that
 * fits with CUT_MARK after it, cut between characters and not inside an escape. `cut`: the
 * text is known to be a head already (the read stopped early), so it gets the mark anyway.
 */
export function capText(s: string, maxBytes: number, cut = false): string {
  // Fast path: a UTF-16 unit is at most 3 UTF-8 bytes.
  if (!cut && s.length * 3 <= maxBytes) return s;
  if (!cut && utf8Bytes(s) <= maxBytes) return s;
  const room = Math.max(0, maxBytes - MARK_BYTES);
  let bytes = 0;
  let end = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + n > room) break;
    bytes += n;
    end += ch.length;
  }
  return s.slice(0, end).replace(PARTIAL_ESCAPE, '') + CUT_MARK;
}
