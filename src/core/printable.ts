// The one place where text that came from /proc is made safe to show. Command lines, comm,
// the exe and cwd link texts and script paths are chosen by whoever started the process, so
// they can hold terminal escapes (ESC [2J, OSC 52 clipboard writes, BEL), C1 controls that
// some terminals obey, bidi overrides that make a name read backwards, and line separators
// that forge extra lines. The sampler passes every display string through printable() when
// it names a process (src/sampler/sampler.ts); snapshot files read back from disk go through
// printableReport() (src/shared/snapshot.ts); everything downstream (the CLI report, --json,
// the panel, the status bar, the log, CSV/JSON exports, Compare) shows only those strings.
//
// The mapping (docs/untrusted-text.md tells it for users):
// * every control and format character — Unicode categories Cc (C0, DEL, C1), Cf (bidi
//   embeddings/overrides/isolates, LRM/RLM/ALM, zero-width characters, BOM, soft hyphen,
//   tag characters), Zl and Zp (U+2028, U+2029) — becomes a visible escape: `\xNN` below
//   U+0100, `\uNNNN` in the BMP, `\u{NNNNN}` above it (lower-case hex);
// * a lone surrogate (only possible in text that did not come from a UTF-8 decoder, e.g. a
//   snapshot file) becomes U+FFFD;
// * invalid UTF-8 was already decoded to U+FFFD (procfiles.ts), a visible character, and stays.
// A backslash is not doubled: the text is for people, never parsed back, and doubling would
// change ordinary command lines (regexes, Windows paths); a process that puts a literal
// `\x1b` in its title only fools a reader, never the terminal.
// The raw strings are kept only where a real path must be looked up (the script path of an
// interpreter is resolved against the process's cwd in exekey.ts before anything is shown).
import type { GroupRow, Report } from './types';

/** Characters that must not reach any output raw (see above). */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
const HAS_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

function escapeChar(c: string): string {
  const cp = c.codePointAt(0) ?? 0xfffd;
  if (cp >= 0xd800 && cp <= 0xdfff) return '\ufffd';
  const hex = cp.toString(16);
  if (cp < 0x100) return `\\x${hex.padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${hex.padStart(4, '0')}`;
  return `\\u{${hex}}`;
}

/** `s` with every control/format character shown as an escape: one line, read as it is stored. */
export function printable(s: string): string {
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE, escapeChar) : s;
}

/**
 * What JSON.stringify leaves raw: DEL, C1 and the format characters. C0 is not listed: it is
 * escaped inside strings already, and the newlines of indented output are outside them.
 */
const JSON_UNSAFE = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/** A character as JSON \uNNNN escapes (a surrogate pair above the BMP). */
function jsonEscape(c: string): string {
  let out = '';
  for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

/**
 * JSON.stringify whose output holds no DEL, C1 or format character raw, so a consumer that
 * prints its strings stays safe. They can only occur inside string literals, where an escape
 * parses back to the same value: the text stays valid JSON of the same data.
 */
export function jsonText(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(JSON_UNSAFE, jsonEscape);
}

function printableRow(r: GroupRow): GroupRow {
  return {
    ...r,
    key: printable(r.key),
    info: printable(r.info),
    members: r.members.map((m) => ({ ...m, cmd: printable(m.cmd) })),
  };
}

/** A report whose every string is printable: for reports read from files or other processes. */
export function printableReport(r: Report): Report {
  return {
    ...r,
    leader: {
      ...r.leader,
      search: printable(r.leader.search),
      topKernelThreads: r.leader.topKernelThreads.map((t) => ({ ...t, comm: printable(t.comm) })),
      ...(r.leader.inaccessibleProcs ? { inaccessibleProcs: r.leader.inaccessibleProcs.map((p) => ({ ...p, name: printable(p.name) })) } : {}),
    },
    total: printableRow(r.total),
    rows: r.rows.map(printableRow),
  };
}
