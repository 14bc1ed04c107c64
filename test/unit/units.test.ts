import { describe, expect, it } from 'vitest';
import { columnWidth, defaultMinDeltaKb, fitKb, fixed1, formatKb, human, roundHalfEven, UNITS, withCommas } from '../../src/core/units';
import type { Units } from '../../src/core/types';

describe('roundHalfEven', () => {
  it.each([
    [0.5, 0],
    [1.5, 2],
    [2.5, 2],
    [3.5, 4],
    [-0.5, 0],
    [-1.5, -2],
    [2.4999, 2],
    [2.5001, 3],
    [7, 7],
  ])('%f → %i', (x, want) => {
    expect(roundHalfEven(x) + 0).toBe(want);
  });
});

describe('fixed1 (one decimal, half-to-even like Python)', () => {
  it.each([
    // exact binary ties go to the even digit
    [0.25, '0.2'],
    [0.75, '0.8'],
    [1.25, '1.2'],
    [2.75, '2.8'],
    [10.25, '10.2'],
    // not exact ties: the binary value decides (Python: format(1.15, '.1f') == '1.1')
    [1.15, '1.1'],
    [1.35, '1.4'],
    [0.05, '0.1'],
    [999.94, '999.9'],
  ])('%f → %s', (x, want) => {
    expect(fixed1(x)).toBe(want);
  });
});

describe('withCommas', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [1234567, '1,234,567'],
    [-1234, '-1,234'],
  ])('%i → %s', (n, want) => expect(withCommas(n)).toBe(want));
});

describe('human', () => {
  it('switches suffix at 999.95', () => {
    expect(human(999.94 * 1024)).toBe('999.9K');
    expect(human(999.95 * 1024)).toBe('1.0M');
    expect(human(1024 * 1024 * 1.5)).toBe('1.5M');
    expect(human(0)).toBe('0');
    expect(human(5 * 1024 ** 5)).toBe('5120.0T');
  });
});

describe('formatKb', () => {
  it('MB divides by 1024 and rounds half-to-even', () => {
    expect(formatKb(512, 'MB')).toBe('0'); // 0.5 → 0
    expect(formatKb(1536, 'MB')).toBe('2'); // 1.5 → 2
    expect(formatKb(2560, 'MB')).toBe('2'); // 2.5 → 2
    expect(formatKb(1024 * 1234, 'MB')).toBe('1,234');
  });
  it('mB divides bytes by 1000²', () => {
    expect(formatKb(1_000_000 / 1024, 'mB')).toBe('1');
    expect(formatKb(976.5625 * 2, 'mB')).toBe('2');
    // 500000 bytes exactly = 0.5 mB → 0 (even)
    expect(formatKb(500000 / 1024, 'mB')).toBe('0');
  });
  it('KB is the kernel figure with separators', () => {
    expect(formatKb(1234567, 'KB')).toBe('1,234,567');
  });
  it('human', () => {
    expect(formatKb(1536, 'human')).toBe('1.5M');
  });
});

describe('defaults', () => {
  it('k is 100 with KB, else 1000', () => {
    expect(defaultMinDeltaKb('KB')).toBe(100);
    expect(defaultMinDeltaKb('MB')).toBe(1000);
    expect(defaultMinDeltaKb('human')).toBe(1000);
  });
  it('columns are wider than the longest label', () => {
    for (const u of ['MB', 'mB', 'KB', 'human'] as const) expect(columnWidth(u)).toBeGreaterThan('ptotal'.length);
  });
});

describe('fitKb: a figure never wider than its column (room = column width - 1)', () => {
  const T = 2 ** 30; // 1 T in KB
  const HUGE = 2 ** 63;
  const cases: Array<[Units, number, string]> = [
    // KB (room 10): the widest plain figure, then the first that needs a suffix
    ['KB', 99_999_999, '99,999,999'],
    ['KB', 100_000_000, '97656M'],
    ['KB', HUGE, '8388608P'],
    ['KB', -HUGE, '-8388608P'],
    // MB (room 7)
    ['MB', 999_999 * 1024, '999,999'],
    ['MB', 1_000_000 * 1024, '976.6G'],
    ['MB', HUGE, '8192E'],
    // mB (room 7): decimal megabytes; the fallback skips M, which would read as mB
    ['mB', Math.floor((999_999.4 * 1e6) / 1024), '999,999'],
    ['mB', (1_000_000 * 1e6) / 1024, '931.3G'],
    ['mB', HUGE, '8192E'],
    // human (room 6)
    ['human', 999.9 * T, '999.9T'],
    ['human', 1000 * T, '1000T'],
    ['human', HUGE, '8192E'],
  ];
  it.each(cases)('%s %d → %s', (units, kb, want) => {
    const room = columnWidth(units) - 1;
    const got = fitKb(kb, units, room);
    expect(got).toBe(want);
    expect(got.length).toBeLessThanOrEqual(room);
  });

  it('ordinary figures are exactly formatKb, in every unit', () => {
    for (const units of UNITS)
      for (const kb of [0, 1, 512, 1023, 1024, 123_456, 24_683_620, 99_999_999 / 4])
        expect(fitKb(kb, units, columnWidth(units) - 1)).toBe(formatKb(kb, units));
  });

  it('beyond every suffix, or not finite: `>` and the largest that fits; NaN is `?`', () => {
    expect(fitKb(Number.MAX_VALUE, 'KB', 10)).toBe('>99999999Y');
    expect(fitKb(Infinity, 'human', 6)).toBe('>9999Y');
    expect(fitKb(-Infinity, 'MB', 7)).toBe('<-9999Y');
    expect(fitKb(NaN, 'MB', 7)).toBe('?');
  });
});

describe('withCommas beyond 1e21', () => {
  it('writes every digit, never exponent notation with commas in it', () => {
    expect(withCommas(1e21)).toBe('1,000,000,000,000,000,000,000');
    expect(withCommas(-(2 ** 70))).toBe('-1,180,591,620,717,411,303,424');
    expect(withCommas(Infinity)).toBe('Infinity');
  });
});
