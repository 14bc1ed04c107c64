// The one sanitizer of text from /proc (src/core/printable.ts), table-driven: what each kind
// of character becomes, and that JSON output keeps no C1 or bidi character raw.
import { describe, expect, it } from 'vitest';
import { jsonText, printable, printableReport } from '../../src/core/printable';
import { parseCmdline } from '../../src/core/procfiles';
import { UNSAFE_TEXT } from './hostile-tree';
import { proc, reporter } from './webview-fixtures';

describe('printable', () => {
  const cases: Array<[string, string, string]> = [
    ['plain text is unchanged', 'python3 -m http.server 8000', 'python3 -m http.server 8000'],
    ['unicode letters and emoji stay', 'Web Content — café 日本 🚀', 'Web Content — café 日本 🚀'],
    ['U+FFFD from invalid UTF-8 stays visible', 'a\ufffdb', 'a\ufffdb'],
    ['a backslash is not doubled', 'grep -E a\\d+', 'grep -E a\\d+'],
    ['NUL', 'a\u0000b', 'a\\x00b'],
    ['ESC [2J (clear screen)', '\u001b[2J', '\\x1b[2J'],
    ['OSC 52 clipboard write ended by BEL', '\u001b]52;c;cHduZWQ=\u0007', '\\x1b]52;c;cHduZWQ=\\x07'],
    ['OSC ended by ST', '\u001b]0;title\u001b\\', '\\x1b]0;title\\x1b\\'],
    ['tab, newline, CR, VT, FF, BS', '\t\n\r\u000b\u000c\u0008', '\\x09\\x0a\\x0d\\x0b\\x0c\\x08'],
    ['US (0x1f) and DEL', '\u001f\u007f', '\\x1f\\x7f'],
    ['C1: NEL, CSI, DCS, ST, APC (0x80-0x9f)', '\u0080\u0085\u009b\u0090\u009c\u009f', '\\x80\\x85\\x9b\\x90\\x9c\\x9f'],
    ['U+00A0 (no-break space) is printable', 'a\u00a0b', 'a\u00a0b'],
    ['soft hyphen (format)', 'a\u00adb', 'a\\xadb'],
    ['bidi embeddings and overrides', '\u202a\u202b\u202c\u202d\u202e', '\\u202a\\u202b\\u202c\\u202d\\u202e'],
    ['bidi isolates', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    ['LRM, RLM, ALM', '\u200e\u200f\u061c', '\\u200e\\u200f\\u061c'],
    ['zero-width space, ZWNJ, ZWJ, word joiner', '\u200b\u200c\u200d\u2060', '\\u200b\\u200c\\u200d\\u2060'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    ['BOM', '\ufeffx', '\\ufeffx'],
    ['interlinear annotation', '\ufff9\ufffa\ufffb', '\\ufff9\\ufffa\\ufffb'],
    ['tag characters above the BMP', 'x\u{e0001}\u{e0041}', 'x\\u{e0001}\\u{e0041}'],
    ['a lone surrogate becomes U+FFFD', 'a\ud800b\udc00', 'a\ufffdb\ufffd'],
    ['the attack of the issue', "python3 -c import time; time.sleep(60) \u001b[2J\u001b]52;c;QUFB\u0007", "python3 -c import time; time.sleep(60) \\x1b[2J\\x1b]52;c;QUFB\\x07"],
    ['a reversed file name', 'evil\u202egpj.exe', 'evil\\u202egpj.exe'],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    const out = printable(input);
    expect(out).toBe(expected);
    expect(out).not.toMatch(UNSAFE_TEXT);
    expect(printable(out)).toBe(out); // idempotent: a key made printable twice is the same key
  });

  it('every code point of C0, DEL and C1 comes out escaped', () => {
    for (let c = 0; c <= 0x9f; c++) {
      if (c >= 0x20 && c < 0x7f) continue;
      expect(printable(String.fromCharCode(c))).toBe(`\\x${c.toString(16).padStart(2, '0')}`);
    }
  });

  it('invalid UTF-8 from cmdline arrives as U+FFFD, which stays', () => {
    const [arg] = parseCmdline(Buffer.from([0x61, 0x9b, 0x32, 0x4a, 0xc0, 0xe2, 0x80, 0x00]));
    expect(printable(arg)).toBe('a\ufffd2J\ufffd\ufffd');
  });
});

describe('jsonText', () => {
  it('escapes DEL, C1, bidi and separators, and parses back to the same value', () => {
    const value = { s: 'a\u007f\u0085\u009b\u202e\u2066\u200f\u2028\u2029\ufeff\u{e0001}b\u001b', n: [1, 2] };
    for (const space of [undefined, 2]) {
      const text = jsonText(value, space);
      expect(text.replace(/\n/g, '')).not.toMatch(UNSAFE_TEXT); // (the newlines of indentation are its own)
      expect(JSON.parse(text)).toEqual(value);
    }
    expect(jsonText('\u009b\u202e')).toBe('"\\u009b\\u202e"');
    expect(jsonText('\u{e0001}')).toBe('"\\udb40\\udc01"');
    // Indented output keeps its own newlines (outside strings) as they are.
    expect(jsonText({ a: 1 }, 2)).toBe('{\n  "a": 1\n}');
  });
});

describe('printableReport', () => {
  it('makes every string of a report printable and leaves the rest alone', () => {
    const report = reporter()([proc(10, 'evil\u001b[2J', 1000, 'evil\u001b[2J --x \u202e'), proc(11, 'ok', 500)], {
      topKernelThreads: [{ pid: 3, comm: 'kw\u009b', cpu: 1 }],
    });
    const r = printableReport({ ...report, leader: { ...report.leader, search: 's\u0007' } });
    expect(r.rows.map((x) => x.key)).toEqual(['evil\\x1b[2J', 'ok']);
    expect(r.rows[0].info).toBe('evil\\x1b[2J');
    expect(r.rows[0].members[0].cmd).toBe('evil\\x1b[2J --x \\u202e');
    expect(r.leader.topKernelThreads[0].comm).toBe('kw\\x9b');
    expect(r.leader.search).toBe('s\\x07');
    expect(r.rows[0].mem).toEqual(report.rows[0].mem);
    expect(JSON.stringify(r)).not.toMatch(/[\u007f-\u009f\p{Cf}]/u);
  });
});
