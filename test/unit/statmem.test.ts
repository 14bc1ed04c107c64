// A process counts as moved for the walk budget only when its stat's memory fields change
// (minflt, majflt, vsize, rss): CPU times, state and processor ticking on do not walk it again.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { memoryMoved, statMemoryKey } from '../../src/core/statmem';

// A line as the kernel writes it (comm with spaces and parentheses), fields 1-52.
const fields = (o: Record<number, string> = {}): Buffer => {
  const f: string[] = [];
  for (let n = 3; n <= 52; n++) f.push(o[n] ?? String(n * 7));
  return Buffer.from(`4242 (a) b (c) ${f.join(' ')}\n`, 'latin1');
};

describe('memoryMoved', () => {
  const base = fields({ 3: 'S', 10: '1500', 12: '3', 14: '100', 15: '20', 23: '123456789', 24: '900', 39: '1' });
  const cases: Array<{ name: string; change: Record<number, string>; moved: boolean }> = [
    { name: 'utime ticks on (an idle process woken by a timer)', change: { 14: '101' }, moved: false },
    { name: 'stime, state and processor change', change: { 15: '21', 3: 'R', 39: '0' }, moved: false },
    { name: 'a minor fault (a page touched the first time)', change: { 10: '1501' }, moved: true },
    { name: 'a major fault (a page back from swap)', change: { 12: '4' }, moved: true },
    { name: 'vsize (mmap or munmap without a fault)', change: { 23: '123461885' }, moved: true },
    { name: 'rss (pages freed or reclaimed)', change: { 24: '850' }, moved: true },
  ];
  for (const t of cases) {
    it(t.name, () => {
      const after = fields({ 3: 'S', 10: '1500', 12: '3', 14: '100', 15: '20', 23: '123456789', 24: '900', 39: '1', ...t.change });
      expect(memoryMoved(base, after)).toBe(t.moved);
    });
  }

  it('reads the fields after the last ")" (comm may hold spaces and parentheses)', () => {
    expect(statMemoryKey(base)).toBe('1500 3 123456789 900');
  });

  it('nothing known before, or a cut or malformed line: moved', () => {
    expect(memoryMoved(null, base)).toBe(true);
    expect(memoryMoved(Buffer.from('4242 (a) S 1 2 3'), base)).toBe(true);
    expect(memoryMoved(Buffer.from('garbage'), base)).toBe(true);
    expect(statMemoryKey(Buffer.from('4242 (a) S 1 2 3'))).toBeNull();
  });

  it("this process's own stat moves when it touches new memory", () => {
    const before = readFileSync('/proc/self/stat');
    const b = Buffer.alloc(32 << 20, 1); // 32 MB written: new pages faulted in
    const after = readFileSync('/proc/self/stat');
    expect(b[b.length - 1]).toBe(1);
    expect(memoryMoved(before, after)).toBe(true);
    expect(memoryMoved(after, Buffer.from(after))).toBe(false);
  });
});
