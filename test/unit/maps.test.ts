// The grouping of one process's mappings (src/core/maps.ts): table tests on crafted smaps
// blocks, and on every process of the captured trees the sums against the raw files and
// against the detail ptotal of parseSmapsDetail.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { groupMaps, mapKind, mapsLines, wholeSmapsRecords } from '../../src/core/maps';
import { parseSmapsDetail } from '../../src/core/smaps';

const FIX = join(__dirname, '..', '..', 'fixtures');

/** A mapping block with the figures that the grouping reads (the rest as a kernel prints them). */
function block(header: string, f: { pss: number; rss?: number; pc?: number; pd?: number; sc?: number; sd?: number; swap?: number; swapPss?: number }): string {
  return `${header}
Size:                132 kB
Rss:                 ${f.rss ?? f.pss} kB
Pss:                 ${f.pss} kB
Pss_Dirty:           ${f.pss + 7} kB
Pss_Anon:            ${f.pss + 9} kB
Shared_Clean:        ${f.sc ?? 0} kB
Shared_Dirty:        ${f.sd ?? 0} kB
Private_Clean:       ${f.pc ?? 0} kB
Private_Dirty:       ${f.pd ?? 0} kB
Private_Hugetlb:     5 kB
Swap:                ${f.swap ?? 0} kB
SwapPss:             ${f.swapPss ?? 0} kB
VmFlags: rd wr mr mw me ac sd
`;
}
const hdr = (perms: string, name: string) => `7f0000000000-7f0000021000 ${perms} 00000000 00:00 0${name ? '                          ' + name : ''}`;

describe('mapKind', () => {
  it.each([
    ['', false, 'anon'],
    ['', true, 'shm'],
    ['[heap]', false, 'heap'],
    ['[stack]', false, 'stack'],
    ['[stack:1234]', false, 'stack'],
    ['[anon:libc_malloc]', false, 'anon'],
    ['[anon_shmem:x]', true, 'shm'],
    ['[vdso]', false, 'kernel'],
    ['[vvar]', false, 'kernel'],
    ['[vsyscall]', false, 'kernel'],
    ['/SYSV0000002a (deleted)', true, 'sysv'],
    ['/SYSV0000002a (deleted)', false, 'file'],
    ['/dev/shm/pulse-shm-1', true, 'shm'],
    ['/memfd:wayland (deleted)', true, 'shm'],
    ['/memfd:jit (deleted)', false, 'anon'],
    ['/usr/lib/x86_64-linux-gnu/libc.so.6', false, 'file'],
    ['/tmp/data.shared', true, 'file'],
  ] as const)('%j (shared %s) is %s', (name, shared, kind) => {
    expect(mapKind(name, shared)).toBe(kind);
  });
});

describe('groupMaps', () => {
  const text =
    block(hdr('r--p', '/usr/lib/libc.so.6'), { pss: 40, rss: 160, sc: 160 }) +
    block(hdr('r-xp', '/usr/lib/libc.so.6'), { pss: 300, rss: 1200, sc: 1200 }) +
    block(hdr('rw-p', '/usr/lib/libc.so.6'), { pss: 8, rss: 8, pd: 8 }) +
    block(hdr('rw-p', '[heap]'), { pss: 500, rss: 500, pd: 480, pc: 20, swap: 64, swapPss: 64 }) +
    block(hdr('rw-p', ''), { pss: 100, rss: 100, pd: 100 }) +
    block(hdr('---p', ''), { pss: 0, rss: 0 }) +
    block(hdr('rw-p', ''), { pss: 50, rss: 50, pd: 50, swap: 30, swapPss: 10 }) +
    block(hdr('rw-s', '/SYSV0000002a (deleted)'), { pss: 32, rss: 64, sd: 64 }) +
    block(hdr('rw-p', '[stack]'), { pss: 132, rss: 132, pd: 132 }) +
    block(hdr('r-xp', '[vdso]'), { pss: 0, rss: 4, sc: 4 }) +
    block(hdr('rw-s', '/dev/shm/evil\x1b[2Jname'), { pss: 1, rss: 2, sd: 2 }) +
    block(hdr('r--p', '/opt/caf\xc3\xa9/lib.so'), { pss: 3, rss: 3, pc: 3 });

  it('groups each kind and each file, sorted by Pss, with every figure summed', () => {
    const m = groupMaps(text, false);
    expect(m.groups.map((g) => [g.kind, g.name, g.count, g.pss, g.rss, g.priv, g.shared, g.swap, g.swapPss])).toEqual([
      ['heap', '[heap]', 1, 500, 500, 500, 0, 64, 64],
      ['file', '/usr/lib/libc.so.6', 3, 348, 1368, 8, 1360, 0, 0],
      ['anon', '[anon]', 3, 150, 150, 150, 0, 30, 10],
      ['stack', '[stack]', 1, 132, 132, 132, 0, 0, 0],
      ['sysv', '/SYSV0000002a (deleted)', 1, 32, 64, 0, 64, 0, 0],
      ['file', '/opt/café/lib.so', 1, 3, 3, 3, 0, 0, 0],
      ['shm', '/dev/shm/evil\\x1b[2Jname', 1, 1, 2, 0, 2, 0, 0],
      ['kernel', '[vdso]', 1, 0, 4, 0, 4, 0, 0],
    ]);
    expect(m.total).toEqual({ count: 12, pss: 1166, rss: 2223, priv: 793, shared: 1430, swap: 94, swapPss: 74 });
    expect(m.ptotal).toBe(1166);
    expect(m.ptotal).toBe(parseSmapsDetail(text, false).ptotal);
  });

  it('adds SwapPss to ptotal when zRAM is active, as detail mode does', () => {
    const m = groupMaps(text, true);
    expect(m.ptotal).toBe(1166 + 74);
    expect(m.ptotal).toBe(parseSmapsDetail(text, true).ptotal);
  });

  it('skips attribute lines before the first header, malformed lines and an empty text', () => {
    const m = groupMaps('Pss: 99 kB\ngarbage line\n' + block(hdr('rw-p', '[heap]'), { pss: 5 }) + 'zz-yy rw-p\n', false);
    expect(m.groups.map((g) => [g.name, g.pss])).toEqual([['[heap]', 5]]);
    expect(groupMaps('', false)).toEqual({ groups: [], total: { count: 0, pss: 0, rss: 0, priv: 0, shared: 0, swap: 0, swapPss: 0 }, ptotal: 0 });
  });

  it('prints a header, one line per group and the total', () => {
    const lines = mapsLines(42, groupMaps(text, false), 'KB');
    expect(lines[0]).toBe('mappings of pid 42: ptotal 1,166 KB (Σ Pss)');
    expect(lines[1]).toMatch(/^\s+Pss\s+Rss\s+private\s+shared\s+swap\s+swapPss\s+maps kind\s+name$/);
    expect(lines[2]).toMatch(/^\s+500\s+500\s+500\s+0\s+64\s+64\s+1 heap\s+\[heap\]$/);
    expect(lines.at(-1)).toMatch(/^\s+1,166\s+2,223\s+793\s+1,430\s+94\s+74\s+12 total\s+$/);
    expect(lines).toHaveLength(2 + 8 + 1);
  });
});

/** Σ of one field over all mappings (an independent reference: a regex over the raw file). */
const sumField = (text: string, field: string) =>
  [...text.matchAll(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'gm'))].reduce((a, m) => a + Number(m[1]), 0);

describe('a cut smaps (too large to read whole)', () => {
  const text = readFileSync(join(__dirname, '../../fixtures/snippets/shmdemo.smaps'), 'latin1');
  const headers = (t: string) => t.split('\n').filter((l) => /^[0-9a-f]+-[0-9a-f]+ /.test(l)).length;

  it('keeps whole records only, wherever the cut fell', () => {
    const all = headers(text);
    for (let at = 1; at < text.length; at += 97) {
      const whole = wholeSmapsRecords(text.slice(0, at));
      expect(text.startsWith(whole)).toBe(true);
      // Every record kept is complete: it is followed by the next header in the full text.
      if (whole) expect(text.slice(whole.length)).toMatch(/^[0-9a-f]+-[0-9a-f]+ /);
      expect(groupMaps(whole, false).total.count).toBe(headers(whole));
      expect(headers(whole)).toBeLessThan(all);
    }
  });

  it('--maps says so above its table', () => {
    const m = { ...groupMaps(wholeSmapsRecords(text.slice(0, 2000)), false), cut: 16 * 1048576 };
    expect(mapsLines(1, m, 'KB')[0]).toBe('too large to read whole: only the mappings in the first 16 MB of its smaps are shown');
  });
});

describe('the mappings of every process of the captured trees', () => {
  for (const tree of ['tree-a', 'tree-b', 'tree-c']) {
    it(`${tree}: the groups add up to the raw files and to the detail ptotal`, () => {
      const procDir = join(FIX, tree, 'proc');
      let checked = 0;
      for (const pid of readdirSync(procDir).filter((n) => /^\d+$/.test(n))) {
        let text: string;
        try {
          text = readFileSync(join(procDir, pid, 'smaps'), 'latin1');
        } catch {
          continue;
        }
        const m = groupMaps(text, false);
        expect(m.ptotal, `pid ${pid}`).toBe(parseSmapsDetail(text, false).ptotal);
        expect(m.total.pss).toBe(sumField(text, 'Pss'));
        expect(m.total.rss).toBe(sumField(text, 'Rss'));
        expect(m.total.priv).toBe(sumField(text, 'Private_Clean') + sumField(text, 'Private_Dirty'));
        expect(m.total.shared).toBe(sumField(text, 'Shared_Clean') + sumField(text, 'Shared_Dirty'));
        expect(m.total.swapPss).toBe(sumField(text, 'SwapPss'));
        expect(m.total.count).toBe([...text.matchAll(/^[0-9a-f]+-[0-9a-f]+ /gm)].length);
        for (let i = 1; i < m.groups.length; i++) expect(m.groups[i - 1].pss).toBeGreaterThanOrEqual(m.groups[i].pss);
        checked++;
      }
      expect(checked).toBeGreaterThan(15);
    });
  }
});
