// A worker's chunk on the wire (src/sampler/chunkWire.ts): the processes of a captured tree,
// read as a worker reads them, come back from the structured clone (v8.serialize, what
// postMessage uses) equal to what was read, field for field, in fast and in detail mode.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { packChunk, unpackChunk } from '../../src/sampler/chunkWire';
import { readClaimed, type ReadOne } from '../../src/sampler/parallel';

function readTree(detail: boolean, tree = join(__dirname, '../../fixtures/tree-a')): ReadOne[] {
  const pids = readdirSync(join(tree, 'proc')).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  const got: ReadOne[] = [];
  const job = { pids, root: tree, detail, oneShot: false, filter: [], cgroups: true, zramActive: false, keepStat: false, keepRollup: false, shared: new SharedArrayBuffer(8) };
  readClaimed(job, 0, (chunk) => got.push(...chunk));
  return got;
}

describe('a worker chunk on the wire', () => {
  for (const detail of [false, true]) {
    it(`${detail ? 'detail' : 'fast'}: every field of every process survives the clone`, () => {
      const read = readTree(detail);
      expect(read.length).toBeGreaterThan(10);
      expect(read.some((r) => r.e.mem !== null)).toBe(true);
      expect(read.some((r) => r.e.statMemo.raw !== null)).toBe(true);
      // Each process's cgroup too (a tree that has them).
      const withCgroups = readTree(detail, join(__dirname, '../../fixtures/cgroup/waterfall-v2'));
      expect(withCgroups.some((r) => r.e.cgroup)).toBe(true);
      read.push(...withCgroups);
      const back = unpackChunk(deserialize(serialize(packChunk(read))) as unknown[]);
      expect(back).toEqual(read);
      for (const [i, r] of back.entries()) {
        expect(Buffer.isBuffer(r.e.statMemo.raw) || r.e.statMemo.raw === null).toBe(true);
        expect(r.e.statMemo.value).toBe(r.st); // one object, as the sampler made it
        if (read[i].e.detailMem === read[i].e.mem) expect(r.e.detailMem).toBe(r.e.mem);
      }
    });
  }

  it('a chunk cut short is refused, not read out of step', () => {
    const packed = packChunk(readTree(false).slice(0, 2));
    expect(() => unpackChunk(packed.slice(0, -1))).toThrow(/not whole/);
  });
});
