import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRollup, rollupToMem, parseSmapsDetail } from '../../src/core/smaps';

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
    expect(r).toEqual({ pss: 12194, pssAnon: 6876, pssFile: 5318, pssShmem: 0, swapPss: 0 });
  });

  it('reads the shmem part (SysV, memfd, /dev/shm) of a real rollup', () => {
    const r = parseRollup(snip('shmdemo.smaps_rollup'));
    expect(r).toEqual({ pss: 719, pssAnon: 352, pssFile: 255, pssShmem: 112, swapPss: 0 });
  });

  it('returns null without a Pss line (vanished process, garbage)', () => {
    expect(parseRollup('')).toBeNull();
    expect(parseRollup('garbage\n\n\x00\x01')).toBeNull();
    expect(parseRollup('Pss_Anon:  5 kB\nPss_Dirty: 3 kB\n')).toBeNull();
  });

  it('skips malformed and truncated lines', () => {
    const r = parseRollup('Rss: 1 kB\nPss:\nPss: 40 kB\nPss_Anon: x kB\nPss_File:   12 kB\nSwapP');
    expect(r).toEqual({ pss: 40, pssAnon: 0, pssFile: 12, pssShmem: 0, swapPss: 0 });
  });

  it('tolerates a file cut in the middle of a number (no trailing newline)', () => {
    expect(parseRollup('Pss:   12')?.pss).toBe(12);
  });
});

describe('rollupToMem (fast mode)', () => {
  const r = { pss: 1003, pssAnon: 600, pssFile: 300, pssShmem: 100, swapPss: 50 };

  it('maps Pss_Anon/Pss_File/Pss_Shmem/SwapPss to data/text/shOth/pswap', () => {
    expect(rollupToMem(r, false)).toEqual({
      pswap: 50, shSYSV: 0, shOth: 100, stack: 0, text: 300, data: 600, ptotal: 1003,
    });
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
    expect(m).toEqual({ pswap: 0, shSYSV: 64, shOth: 48, stack: 52, text: 276, data: 272, ptotal: 712 });
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
      pswap: 7, shSYSV: 1, shOth: 14, stack: 16, data: 96, text: 1920, ptotal: 2047,
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
      pswap: 1, shSYSV: 0, shOth: 0, stack: 0, text: 5, data: 7, ptotal: 12,
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
});
