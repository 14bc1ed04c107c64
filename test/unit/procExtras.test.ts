// The per-process extras' parsers (src/core/procExtras.ts) on text captured from this kernel
// (fixtures/snippets: a process with an 8 MB MADV_HUGEPAGE region; one whose 512 identical
// MADV_MERGEABLE pages KSM merged) and on what other kernels and garbage give.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auxvPageSize, pagesKb, parseKsmStat, smapsAnonHugeKb } from '../../src/core/procExtras';
import { parseRollup } from '../../src/core/smaps';

const snip = (name: string): string => readFileSync(join(__dirname, '..', '..', 'fixtures', 'snippets', name), 'utf8');

describe('AnonHugePages', () => {
  it("the rollup's line and the sum of smaps' per-mapping lines agree on a captured process", () => {
    expect(parseRollup(snip('thp.smaps_rollup'))?.anonHuge).toBe(8192);
    expect(smapsAnonHugeKb(snip('thp.smaps'))).toBe(8192);
  });

  it('sums every mapping, skips malformed lines, and reads 0 without any', () => {
    const smaps = snip('thp.smaps');
    expect(smapsAnonHugeKb(smaps + smaps)).toBe(16384);
    expect(smapsAnonHugeKb(smaps.replace(/AnonHugePages:\s+8192 kB/, 'AnonHugePages: lots kB'))).toBe(0);
    expect(smapsAnonHugeKb('')).toBe(0);
    expect(smapsAnonHugeKb(snip('python3.smaps_rollup'))).toBe(0);
    expect(parseRollup(snip('python3.smaps_rollup'))?.anonHuge).toBe(0);
  });

  it('a rollup without the line (an older kernel) reads 0', () => {
    expect(parseRollup(snip('thp.smaps_rollup').replace(/^AnonHugePages:.*\n/m, ''))?.anonHuge).toBe(0);
  });
});

describe('ksm_stat', () => {
  it('reads ksm_merging_pages of a captured file', () => {
    expect(parseKsmStat(snip('merged.ksm_stat'))).toBe(512);
    expect(pagesKb(512, 4096)).toBe(2048);
    expect(pagesKb(3, 16384)).toBe(48);
  });

  it('no such line (an older kernel has ksm_rmap_items alone), an empty file or garbage: no figure, not 0', () => {
    expect(parseKsmStat('ksm_rmap_items 12\n')).toBeNull();
    expect(parseKsmStat('')).toBeNull();
    expect(parseKsmStat('ksm_merging_pages many\n')).toBeNull();
    expect(parseKsmStat('ksm_merging_pages 99999999999999999999999\n')).toBeNull();
    expect(parseKsmStat('xksm_merging_pages 5\n')).toBeNull();
  });
});

describe('the page size', () => {
  it("is AT_PAGESZ of this process's auxv: what smaps says of its pages", () => {
    const kernel = Number(/^KernelPageSize:\s+(\d+) kB/m.exec(readFileSync('/proc/self/smaps', 'utf8'))?.[1]) * 1024;
    expect(auxvPageSize(readFileSync('/proc/self/auxv'))).toBe(kernel);
  });

  it('an auxv without AT_PAGESZ, cut short or with a size not a power of two gives none', () => {
    const auxv = (pairs: [number, number][]) => {
      const b = Buffer.alloc(pairs.length * 16);
      pairs.forEach(([t, v], i) => {
        b.writeBigUInt64LE(BigInt(t), i * 16);
        b.writeBigUInt64LE(BigInt(v), i * 16 + 8);
      });
      return b;
    };
    expect(auxvPageSize(auxv([[6, 16384], [0, 0]]))).toBe(16384);
    expect(auxvPageSize(auxv([[3, 64], [0, 0], [6, 4096]]))).toBeNull();
    expect(auxvPageSize(auxv([[6, 3000]]))).toBeNull();
    expect(auxvPageSize(auxv([[6, 4096]]).subarray(0, 12))).toBeNull();
  });
});
