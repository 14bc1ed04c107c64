// The launcher's code cache (src/cli/codeCache.ts): used when it was made from the bundle as it
// is now, made again when the bundle changed (even to the same length, which is all V8 itself
// checks), refused when it could have been written by someone else, and never a different
// result: the bundle runs as the main module would.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cacheKey, loadBundle } from '../../src/cli/codeCache';

const dir = mkdtempSync(join(tmpdir(), 'pmemstat-codecache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Seen = { answer: number; file: string; dirname: string; sep: string; exported: unknown };
const seen = (): Seen[] => ((globalThis as Record<string, unknown>).__codeCacheTest ??= []) as Seen[];

/** A bundle that records what it ran with; `answer` is the figure its lazily compiled function returns. */
function bundleText(answer: number): string {
  return [
    'function answer() { return ' + String(answer) + '; }',
    'module.exports.hello = "hi";',
    'globalThis.__codeCacheTest.push({ answer: answer(), file: __filename, dirname: __dirname, sep: require("node:path").sep, exported: module.exports.hello });',
    '',
  ].join('\n');
}

describe('loadBundle', () => {
  const bundle = join(dir, 'b.js');
  const cache = `${bundle}.cache`;
  seen();

  it('runs the bundle as a main module would, and writes a cache named for it', () => {
    writeFileSync(bundle, bundleText(41));
    const a = loadBundle(bundle);
    expect(a.cache).toBe('none');
    expect(seen().at(-1)).toEqual({ answer: 41, file: bundle, dirname: dir, sep: '/', exported: 'hi' });
    expect(a.save()).toBe(true);
    const head = readFileSync(cache, 'latin1').split('\n')[0];
    expect(head).toBe(cacheKey(statSync(bundle)));
    expect(statSync(cache).mode & 0o777).toBe(0o644);
  });

  it('uses the cache on the next run', () => {
    const b = loadBundle(bundle);
    expect(b.cache).toBe('used');
    expect(seen().at(-1)?.answer).toBe(41);
  });

  it('does not use it once the bundle changed, even to the same length, and runs the new code', () => {
    const before = statSync(bundle).size;
    writeFileSync(bundle, bundleText(42));
    expect(statSync(bundle).size).toBe(before);
    const c = loadBundle(bundle);
    expect(c.cache).toBe('stale');
    expect(seen().at(-1)?.answer).toBe(42);
    expect(c.save()).toBe(true);
    expect(loadBundle(bundle).cache).toBe('used');
    expect(seen().at(-1)?.answer).toBe(42);
  });

  it('ignores a cache that others could have written', () => {
    chmodSync(cache, 0o666);
    expect(loadBundle(bundle).cache).toBe('untrusted');
    expect(seen().at(-1)?.answer).toBe(42);
    chmodSync(cache, 0o644);
  });

  it('survives a cache V8 refuses (the right name, other bytes), and writes a good one', () => {
    // A source this isolate has not compiled yet: V8 would otherwise take its own in-memory copy.
    writeFileSync(bundle, bundleText(4343));
    writeFileSync(cache, `${cacheKey(statSync(bundle))}\n${'x'.repeat(400)}`, { mode: 0o644 });
    const d = loadBundle(bundle);
    expect(d.cache).toBe('rejected');
    expect(seen().at(-1)?.answer).toBe(4343);
    expect(d.save()).toBe(true);
    expect(loadBundle(bundle).cache).toBe('used');
  });

  it('reports a cache it cannot write as unwritten, without failing the run', () => {
    const e = loadBundle(bundle, join(dir, 'no-such-dir', 'b.js.cache'));
    expect(e.cache).toBe('none');
    expect(e.save()).toBe(false);
  });
});
