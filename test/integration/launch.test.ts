// bin/pmemstat's launcher (dist/launch.js, src/cli/launch.ts): the same reports as the bundle
// run directly; a code cache written by the first run and used, untouched, by the next; made
// again when the bundle changes; and a launcher that carries none of the sampler, so that its
// workers start before the bundle is read.
import { spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey } from '../../src/cli/codeCache';
import { REPO } from '../support';

const dir = mkdtempSync(join(tmpdir(), 'pmemstat-launch-'));
const cache = join(dir, 'sampler.js.cache');

beforeAll(() => {
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  for (const f of ['launch.js', 'sampler.js', 'procworker.js']) copyFileSync(join(REPO, 'dist', f), join(dir, f));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tree = join(REPO, 'fixtures', 'tree-a');
function run(script: string, args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, [join(dir, script), ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}
/** The report without its clock. */
function report(out: string): unknown {
  const r = JSON.parse(out) as { leader: { time?: number } };
  delete r.leader.time;
  return r;
}

describe('dist/launch.js', () => {
  it('gives the report the bundle gives, and writes the code cache for the next run', () => {
    expect(existsSync(cache)).toBe(false);
    const args = ['--root', tree, '-W', '-U', '--json', '-o'];
    const a = run('launch.js', args);
    expect(a.status, a.stderr).toBe(0);
    const b = run('sampler.js', args);
    expect(b.status, b.stderr).toBe(0);
    expect(report(a.stdout)).toEqual(report(b.stdout));
    expect(readFileSync(cache, 'latin1').split('\n')[0]).toBe(cacheKey(statSync(join(dir, 'sampler.js'))));
  });

  it('uses the cache: the next run finds it good and leaves it as it is', () => {
    const before = statSync(cache);
    const r = run('launch.js', ['--root', tree, '-W', '-U']);
    expect(r.status, r.stderr).toBe(0);
    const after = statSync(cache);
    // A cache V8 refused, or one made for another bundle, would have been replaced (a new file).
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('makes it again once the bundle changed, and runs the new bundle', () => {
    const before = statSync(cache);
    appendFileSync(join(dir, 'sampler.js'), '\nprocess.stderr.write("rebuilt\\n");\n');
    const r = run('launch.js', ['--root', tree, '-W', '-U']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('rebuilt');
    const after = statSync(cache);
    expect(after.ino).not.toBe(before.ino);
    expect(readFileSync(cache, 'latin1').split('\n')[0]).toBe(cacheKey(statSync(join(dir, 'sampler.js'))));
  });

  it('PMEMSTAT_CODE_CACHE=0 writes none', () => {
    rmSync(cache);
    const r = run('launch.js', ['--root', tree, '-W', '-U'], { PMEMSTAT_CODE_CACHE: '0' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(cache)).toBe(false);
  });

  it('record still loads better-sqlite3 (the recorder is loaded by require, not through the cache)', () => {
    const rec = join(dir, 'rec');
    const r = spawnSync(process.execPath, [join(REPO, 'dist', 'launch.js'), 'record', '--dir', rec, '--root', tree, '--interval', '0.2'], {
      encoding: 'utf8',
      timeout: 1500,
      killSignal: 'SIGTERM',
    });
    expect(r.stderr).toContain('recording to');
    expect(r.stderr).not.toMatch(/cannot load|Warning/);
    expect(existsSync(join(rec, 'pmemstat.db'))).toBe(true);
  });

  it('carries none of the sampler: only the rule, the cache and the worker start', () => {
    const text = readFileSync(join(REPO, 'dist', 'launch.js'), 'utf8');
    expect(text.length).toBeLessThan(16_000);
    for (const name of ['parseSmapsDetail', 'readClaimed', 'runCli', 'Monitor']) expect(text).not.toContain(name);
  });
});
