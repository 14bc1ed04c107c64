import { describe, expect, it } from 'vitest';
import { columnWidth, defaultMinDeltaKb, fixed1, formatKb, human, roundHalfEven, withCommas } from '../../src/core/units';

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
