// A crafted tree (fixtures/huge) with a process of 2^63 KB: every figure of the text report
// stays in its column, with a space before it, in every unit, fast and detail.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitCpu, rowLine, typeText } from '../../src/core/format';
import { zeroMem, type GroupRow } from '../../src/core/types';
import { columnWidth, UNITS } from '../../src/core/units';
import { runCli } from '../../src/cli/cli';

const HUGE = join(__dirname, '..', '..', 'fixtures', 'huge');

async function cli(args: string[]): Promise<string[]> {
  const out: string[] = [];
  const code = await runCli(['-U', '--root', HUGE, ...args], { out: (s) => out.push(s), err: (s) => out.push(s) });
  expect(code).toBe(0);
  return out;
}

/** The right edges of the figure columns in the header: each figure must end there. */
function figureEnds(header: string): number[] {
  const ends: number[] = [];
  for (const m of header.matchAll(/\S+/g)) ends.push(m.index + m[0].length);
  return ends.slice(0, -3); // type, count, key/info
}

describe('a 2^63 KB process in the text report', () => {
  for (const units of UNITS) {
    for (const detail of [false, true]) {
      it(`-u ${units}${detail ? ' -o' : ''}: every figure ends under its label, with a space before it`, async () => {
        const lines = await cli(['-u', units, ...(detail ? ['-o'] : [])]);
        const h = lines.findIndex((l) => l.includes('key/info'));
        const ends = figureEnds(lines[h]);
        const w = columnWidth(units);
        const rows = lines.slice(h + 1).filter((l) => l.trim());
        expect(rows.map((r) => r.split(' ').at(-1))).toEqual(['TOTALS', 'huge', 'sleep']);
        for (const row of rows) {
          for (const end of ends) {
            const cell = row.slice(end - w, end);
            expect(cell, row).toMatch(/^ +\S+$/);
          }
        }
        expect(rows[1]).toMatch(units === 'KB' ? /8388608P/ : /8192E/);
        expect(rows[2]).toContain(units === 'human' ? '1.2M' : units === 'KB' ? '1,234' : ' 1 ');
      });
    }
  }
});

describe('the other columns', () => {
  const row = (type: GroupRow['type'], delta: number, cpu = 0): GroupRow => ({
    key: 'k', info: 'k', type, delta, mem: zeroMem(), cpu, count: 1, pid: 1, members: [],
  });
  it('a +NK/-NK type too long for its column is written with a suffix', () => {
    expect(typeText(row('+1000K', 1000))).toBe('+1000K');
    expect(typeText(row('+9999999K', 9_999_999))).toBe('+9766M');
    expect(typeText(row(`+${2 ** 63}K`, 2 ** 63))).toBe('+8192E');
    expect(typeText(row(`-${2 ** 63}K`, -(2 ** 63)))).toBe('-8192E');
    const f = { units: 'KB', detail: false, showCpu: false, numbers: false, groupBy: 'exe' } as const;
    const line = rowLine(row(`+${2 ** 63}K`, 2 ** 63), f);
    expect(line).toContain(' +8192E ');
    expect(line.length).toBe(rowLine(row('A', 0), f).length); // count and info stay where they were
  });
  it('cpu% drops its decimal, then saturates', () => {
    expect(fitCpu(99.25, 6)).toBe('99.2');
    expect(fitCpu(12800.04, 6)).toBe('12800');
    expect(fitCpu(12800.04, 7)).toBe('12800.0');
    expect(fitCpu(1e9, 6)).toBe('>99999');
  });
});
