import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRollup, rollupToMem, parseSmapsDetail, type SmapsExtra } from '../../src/core/smaps';
import { smapsAnonHugeKb } from '../../src/core/procExtras';

const SNIP = join(__dirname, '..', '..', 'fixtures', 'snippets');
const snip = (name: string): string => readFileSync(join(SNIP, name), 'utf8');

/** Independent reference: the sum of every `Pss:` line. */
function sumOf(text: string, field: string): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`).exec(line);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

// A trimmed copy of a real mapping block (kernel 6.x layout: Pss_Dirty, VmFlags).
const block = (header: string, pss: number, swapPss = 0): string => `${header}
Size:                132 kB
KernelPageSize:        4 kB
MMUPageSize:           4 kB
Rss:                 ${pss + 4} kB
Pss:                 ${pss} kB
Pss_Dirty:           ${pss + 1000} kB
Shared_Clean:          0 kB
Shared_Dirty:          0 kB
Private_Clean:         0 kB
Private_Dirty:       ${pss + 2000} kB
Referenced:          ${pss} kB
Anonymous:           ${pss} kB
KSM:                   0 kB
LazyFree:              0 kB
AnonHugePages:         0 kB
ShmemPmdMapped:        0 kB
FilePmdMapped:         0 kB
Shared_Hugetlb:        0 kB
Private_Hugetlb:       0 kB
Swap:                ${swapPss + 3000} kB
SwapPss:             ${swapPss} kB
Locked:                0 kB
THPeligible:           0
ProtectionKey:         0
VmFlags: rd wr mr mw me ac sd 
`;

describe('parseRollup', () => {
  it('reads a real smaps_rollup', () => {
    const r = parseRollup(snip('python3.smaps_rollup'));
    expect(r).toEqual({ pss: 12194, pssAnon: 6876, pssFile: 5318, pssShmem: 0, swapPss: 0, uss: 5020 + 6876, anonHuge: 0 });
  });

  it('reads the shmem part (SysV, memfd, /dev/shm) of a real rollup', () => {
    const r = parseRollup(snip('shmdemo.smaps_rollup'));
    expect(r).toEqual({ pss: 719, pssAnon: 352, pssFile: 255, pssShmem: 112, swapPss: 0, uss: 476, anonHuge: 0 });
  });

  it('returns null without a Pss line (vanished process, garbage)', () => {
    expect(parseRollup('')).toBeNull();
    expect(parseRollup('garbage\n\n\x00\x01')).toBeNull();
    expect(parseRollup('Pss_Anon:  5 kB\nPss_Dirty: 3 kB\n')).toBeNull();
  });

  it('skips malformed and truncated lines', () => {
    const r = parseRollup('Rss: 1 kB\nPss:\nPss: 40 kB\nPss_Anon: x kB\nPss_File:   12 kB\nPrivate_Clean: 3 kB\nPrivate_Dirty:\nPrivate_Hugetlb: 9 kB\nAnonHugePages:\nSwapP');
    expect(r).toEqual({ pss: 40, pssAnon: 0, pssFile: 12, pssShmem: 0, swapPss: 0, uss: 3, anonHuge: 0 });
  });

  it('tolerates a file cut in the middle of a number (no trailing newline)', () => {
    expect(parseRollup('Pss:   12')?.pss).toBe(12);
  });
});

describe('rollupToMem (fast mode)', () => {
  const r = { pss: 1003, pssAnon: 600, pssFile: 300, pssShmem: 100, swapPss: 50, uss: 700, anonHuge: 0 };

  it('maps Pss_Anon/Pss_File/Pss_Shmem/SwapPss to data/text/shOth/pswap; uss and Pss + SwapPss (epss)', () => {
    expect(rollupToMem(r, false)).toEqual({
      pswap: 50, shSYSV: 0, shOth: 100, stack: 0, text: 300, data: 600, ptotal: 1003, uss: 700, epss: 1053,
    });
    expect(rollupToMem(r, true).epss).toBe(1053);
  });

  it('ptotal is the rollup Pss line (not the sum of parts), + SwapPss with zRAM', () => {
    expect(rollupToMem(r, false).ptotal).toBe(1003);
    expect(rollupToMem(r, true).ptotal).toBe(1053);
  });

  it('fast-mode ptotal equals the real rollup Pss', () => {
    const real = parseRollup(snip('shmdemo.smaps_rollup'));
    expect(real).not.toBeNull();
    if (real) expect(rollupToMem(real, false).ptotal).toBe(real.pss);
  });
});

describe('parseSmapsDetail (detail mode)', () => {
  it('categorises a real smaps with SysV, memfd, /dev/shm, [stack], guard pages', () => {
    const text = snip('shmdemo.smaps');
    const m = parseSmapsDetail(text, false);
    // Expected values computed independently (python regex walk of the same file):
    // SYSV 64 KB; memfd 16 + /dev/shm 32; [stack] 52.
    expect(m).toEqual({ pswap: 0, shSYSV: 64, shOth: 48, stack: 52, text: 276, data: 272, ptotal: 712, uss: 476, epss: 712 });
  });

  it('detail ptotal equals the sum of all Pss: lines exactly', () => {
    const text = snip('shmdemo.smaps');
    const m = parseSmapsDetail(text, false);
    expect(m.ptotal).toBe(sumOf(text, 'Pss'));
    expect(m.shSYSV + m.shOth + m.stack + m.text + m.data).toBe(m.ptotal);
    // Fast mode runs a little higher (kernel rounding per mapping vs. once).
    const rollup = parseRollup(snip('shmdemo.smaps_rollup'));
    expect(rollup && rollup.pss >= m.ptotal).toBe(true);
  });

  it('follows the category rules in order, counting only Pss and SwapPss', () => {
    const text = [
      block('7f6182077000-7f6182087000 rw-s 00000000 00:01 65536                      /SYSV0000002a (deleted)', 1, 1),
      block('7f6182073000-7f6182077000 r--s 00000000 00:01 1057                       /memfd:snip (deleted)', 2),
      block('7f618226d000-7f6182275000 rw-s 00000000 00:1a 2                          /tmp/x (deleted)', 4),
      block('7f618226e000-7f6182276000 rw-s 00000000 00:01 3 ', 8),
      block('7fff779b3000-7fff779d4000 rw-p 00000000 00:00 0                          [stack]', 16, 2),
      block('7f6181840000-7f6182040000 rw-p 00000000 00:00 0 ', 32),
      block('7f618183f000-7f6181840000 ---p 00000000 00:00 0 ', 0),
      block('5611eb845000-5611eb846000 rw-p 00003000 fe:00 2146596                    /tmp/my prog', 64, 4),
      block('5611eb842000-5611eb843000 r-xp 00001000 fe:00 2146596                    /tmp/my prog', 128),
      block('7f618227d000-7f618227f000 r-xp 00000000 00:00 0                          [vdso]', 256),
      block('ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]', 512),
      block('7f0000000000-7f0000001000 r--p 00000000 fe:00 12                         /srv/[stack] SYSV', 1024),
    ].join('');
    expect(parseSmapsDetail(text, false)).toEqual({
      pswap: 7, shSYSV: 1, shOth: 14, stack: 16, data: 96, text: 1920, ptotal: 2047, uss: 2047 + 12 * 2000, epss: 2047 + 7,
    });
    expect(parseSmapsDetail(text, true).ptotal).toBe(2047 + 7);
  });

  it('a private mapping whose name contains SYSV is not shSYSV; a shared [stack] is shOth', () => {
    const text =
      block('7f0000000000-7f0000001000 rw-p 00000000 00:01 1                          /SYSV00000001 (deleted)', 10) +
      block('7f0000001000-7f0000002000 rw-s 00000000 00:00 0                          [stack]', 20);
    const m = parseSmapsDetail(text, false);
    expect(m.data).toBe(10);
    expect(m.shSYSV).toBe(0);
    expect(m.shOth).toBe(20);
    expect(m.stack).toBe(0);
  });

  it('works without VmFlags and with CRLF line ends', () => {
    const text = '00400000-00401000 r-xp 00000000 fd:00 1 /bin/x\r\nPss: 5 kB\r\nSwapPss: 1 kB\r\n' +
      '00601000-00602000 rw-p 00000000 00:00 0\r\nPss: 7 kB\r\n';
    expect(parseSmapsDetail(text, false)).toEqual({
      pswap: 1, shSYSV: 0, shOth: 0, stack: 0, text: 5, data: 7, ptotal: 12, uss: 0, epss: 13,
    });
  });

  it('never throws on garbage or truncated input', () => {
    const real = snip('shmdemo.smaps');
    const inputs = [
      '',
      '\n\n\n',
      'garbage',
      'Pss: 12 kB\n',
      '7f-\nPss: 3 kB',
      '7f00-7f01',
      '7f00-7f01 rw',
      'abc def\nPss: 1 kB\n',
      '\x00\x01\x02\uffff',
      real.slice(0, 1000),
      real.slice(0, real.indexOf('Pss:') + 2),
      real.slice(17, 5000),
    ];
    for (let i = 0; i < real.length; i += 997) inputs.push(real.slice(0, i));
    for (const t of inputs) {
      const m = parseSmapsDetail(t, true);
      expect(Number.isFinite(m.ptotal)).toBe(true);
      expect(m.ptotal).toBe(m.shSYSV + m.shOth + m.stack + m.text + m.data + m.pswap);
    }
    // Pss lines before any mapping header are not attributed to anything.
    expect(parseSmapsDetail('Pss: 12 kB\n', false).ptotal).toBe(0);
    // A truncated file counts what it has.
    const cut = real.slice(0, real.indexOf('/SYSV'));
    expect(parseSmapsDetail(cut, false).ptotal).toBe(sumOf(cut, 'Pss'));
  });

  it('a name with a character above latin1 (a caller\'s UTF-8 string) does not break its line', () => {
    // U+010A's low byte is a newline; the parse is of bytes (smapsBytes.ts), so the string goes as UTF-8.
    const head = (a: number, name: string) => `${(0x7f0000 + a).toString(16)}000-${(0x7f0000 + a + 1).toString(16)}000 rw-p 00000000 00:00 0 ${name}`;
    const text = block(head(0, '/lib/a.so'), 10) + block(head(2, '/tmp/\u010aPss: 999 kB'), 20) + block(head(4, '[stack]'), 30);
    const m = parseSmapsDetail(text, false);
    expect([m.ptotal, m.data, m.stack]).toEqual([60, 30, 30]);
  });
});

describe('parseSmapsDetail: records read at the offsets the first record showed', () => {
  type Fig = ReturnType<typeof parseSmapsDetail> & { pssShmem: number };
  const whole = (text: string): Fig => {
    const extra = { pssShmem: 0 };
    return { ...parseSmapsDetail(text, false, extra), pssShmem: extra.pssShmem };
  };
  /** The oracle: every record parsed alone (so line by line: nothing learnt yet), then summed. */
  const byRecord = (text: string): Fig => {
    const records: string[] = [];
    for (const line of text.split(/(?<=\n)/)) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line) || records.length === 0) records.push(line);
      else records[records.length - 1] += line;
    }
    const sum = whole('');
    for (const r of records) {
      const f = whole(r);
      for (const k of Object.keys(sum) as (keyof Fig)[]) sum[k] += f[k];
    }
    return sum;
  };
  /** fixtures/TREE/proc/PID/smaps and fixtures/TREE/N/proc/PID/smaps (a tree's cwd links lead out of it: no deeper walk). */
  const smapsFiles = (dir: string): string[] => {
    const out: string[] = [];
    const procDir = (d: string) => {
      for (const pid of readdirSync(d).filter((p) => /^\d+$/.test(p))) if (existsSync(join(d, pid, 'smaps'))) out.push(join(d, pid, 'smaps'));
    };
    for (const tree of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const t = join(dir, tree.name);
      if (existsSync(join(t, 'proc'))) procDir(join(t, 'proc'));
      for (const n of readdirSync(t).filter((x) => /^\d+$/.test(x))) if (existsSync(join(t, n, 'proc'))) procDir(join(t, n, 'proc'));
    }
    return out;
  };

  it('gives exactly the figures of reading every record line by line, on every captured smaps', () => {
    const files = smapsFiles(join(__dirname, '..', '..', 'fixtures'));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) {
      const text = readFileSync(f, 'latin1');
      expect(whole(text), f).toEqual(byRecord(text));
    }
  });

  it('and on this machine\u2019s own processes', () => {
    let n = 0;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/smaps`, 'latin1');
      } catch {
        continue; // not ours, or gone
      }
      if (text === '') continue;
      // Both must see the same bytes: the file is read once and parsed twice.
      expect(whole(text), pid).toEqual(byRecord(text));
      const extra: SmapsExtra = { pssShmem: 0 };
      parseSmapsDetail(text, false, extra);
      expect(extra.anonHuge, pid).toBe(smapsAnonHugeKb(text));
      n++;
    }
    expect(n).toBeGreaterThan(0);
  });

  it('falls back to lines where a record differs: a wider figure, no VmFlags, an extra line, no SwapPss', () => {
    const head = (a: number, name: string) => `${(0x7f0000 + a).toString(16)}000-${(0x7f0000 + a + 1).toString(16)}000 rw-p 00000000 00:00 0 ${name}`;
    const base = block(head(0, '/lib/a.so'), 10, 1) + block(head(2, '/lib/b.so'), 20, 2);
    const wide = block(head(4, '/lib/c.so'), 123456789, 3); // 9 digits: every line after Pss moves
    const noFlags = block(head(6, '[stack]'), 30).replace(/VmFlags:.*\n/, '');
    const extraLine = block(head(8, '/memfd:x (deleted)'), 40).replace('Locked:', 'Mlocked:               0 kB\nLocked:');
    const noSwapPss = block(head(10, '/lib/d.so'), 50).replace(/SwapPss:.*\n/, '');
    // Lines of the same width under another label: only the labels tell.
    const relabelled = ['Pss:', 'Private_Clean:', 'Private_Dirty:', 'SwapPss:'].map((l) =>
      block(head(14, '/lib/f.so'), 70, 5).replace(`\n${l}`, `\n${l.slice(0, 1)}x${l.slice(2)}`),
    );
    for (const tail of [wide, noFlags, extraLine, noSwapPss, ...relabelled]) {
      const text = base + tail + block(head(12, '/lib/e.so'), 60, 4);
      expect(whole(text)).toEqual(byRecord(text));
    }
    const text = base + wide + noFlags + extraLine + noSwapPss;
    const f = whole(text);
    expect(f.ptotal).toBe(10 + 20 + 123456789 + 30 + 40 + 50);
    expect(f.stack).toBe(30);
    expect(f.pssShmem).toBe(40);
    expect(f.pswap).toBe(1 + 2 + 3);
  });
});

describe('parseSmapsDetail: AnonHugePages in the same pass', () => {
  it('sums what smapsAnonHugeKb sums, on every captured smaps and on records the layout reads', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'smaps' || e.name.endsWith('.smaps')) files.push(p);
      }
    };
    walk(join(__dirname, '../../fixtures'));
    expect(files.length).toBeGreaterThan(10);
    let withThp = 0;
    for (const f of files) {
      const text = readFileSync(f, 'latin1');
      const extra: SmapsExtra = { pssShmem: 0 };
      parseSmapsDetail(text, false, extra);
      expect(extra.anonHuge, f).toBe(smapsAnonHugeKb(text));
      if (smapsAnonHugeKb(text) > 0) withThp++;
    }
    expect(withThp).toBeGreaterThan(0);
    // Many records alike (read through the learnt layout), one with huge pages among them.
    const rec = (addr: string, huge: number) =>
      `${addr}-${addr.slice(0, -4)}ffff rw-p 00000000 00:00 0 \nSize:                132 kB\nPss:                  12 kB\nPrivate_Clean:         0 kB\nPrivate_Dirty:        12 kB\nAnonHugePages: ${String(huge).padStart(8)} kB\nSwapPss:               0 kB\nVmFlags: rd wr mr mw me ac \n`;
    const text = [rec('7f0000010000', 0), rec('7f0000020000', 2048), rec('7f0000030000', 0), rec('7f0000040000', 4096)].join('');
    const extra: SmapsExtra = { pssShmem: 0 };
    expect(parseSmapsDetail(text, false, extra).data).toBe(48);
    expect(extra.anonHuge).toBe(6144);
    expect(smapsAnonHugeKb(text)).toBe(6144);
  });
});
