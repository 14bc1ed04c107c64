// The bundle that is both the command and the extension's helper loads better-sqlite3 only when
// a recording is opened: where it cannot load (VS Code's runtime, or no node_modules beside the
// bundle, as here) every other command works, and record says clearly what is missing.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../support';

const alone = mkdtempSync(join(tmpdir(), 'pmemstat-bundle-alone-'));

beforeAll(() => {
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  for (const f of ['sampler.js', 'procworker.js']) copyFileSync(join(REPO, 'dist', f), join(alone, f));
});
afterAll(() => rmSync(alone, { recursive: true, force: true }));

describe('dist/sampler.js without better-sqlite3', () => {
  const run = (args: string[]) => spawnSync(process.execPath, [join(alone, 'sampler.js'), ...args], { encoding: 'utf8', cwd: alone, env: { ...process.env, NODE_PATH: '' } });

  it('reports as ever', () => {
    const r = run(['--root', join(REPO, 'fixtures', 'tree-a'), '-W', '-U', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).total.count).toBeGreaterThan(0);
  });

  it('record says it cannot load better-sqlite3, and why, with status 2', () => {
    const dir = join(alone, 'rec');
    const r = run(['record', '--dir', dir, '--root', join(REPO, 'fixtures', 'tree-a')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^pmemstat record: cannot load better-sqlite3, which recording needs \(Cannot find (module|package) 'better-sqlite3'/m);
  });
});
