// A recording is a file: edited or damaged, replay shows its names through the printable path
// and says clearly what is wrong, never printing a terminal escape nor crashing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RECORDING_FILE } from '../../src/recorder/db';
import { REPO } from '../support';

const bin = join(REPO, 'bin', 'pmemstat');
const dir = mkdtempSync(join(tmpdir(), 'pmemstat-hostile-'));
const file = join(dir, RECORDING_FILE);
const run = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const edit = (sql: string, ...args: unknown[]) => {
  const db = new Database(file);
  db.prepare(sql).run(...args);
  db.close();
};

beforeAll(() => {
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  const r = run(['record', '--dir', dir, '--root', join(REPO, 'fixtures', 'loop-a'), '--interval', '0.1']);
  expect(r.status, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('replay of an edited recording', () => {
  it('shows names with escapes and bidi controls made visible, in text and in --json', () => {
    // Names are kept once each in `names` (the view `procs` shows them by process).
    edit("UPDATE names SET name = 'evil\u001b]0;pwned\u0007' WHERE id = (SELECT exe FROM proc WHERE id = (SELECT min(id) FROM proc))");
    edit("UPDATE names SET name = 'evil \u001b[2J\u202egnp.exe' WHERE id = (SELECT cmd FROM proc WHERE id = (SELECT min(id) FROM proc))");
    for (const args of [['-g', 'exe'], ['-g', 'cmd'], ['-g', 'pid'], ['--json', '-g', 'cmd']]) {
      const r = run(['replay', '--dir', dir, '--at', 'now', ...args]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('evil');
      for (const c of ['\u001b', '\u0007', '\u202e']) expect(r.stdout).not.toContain(c);
    }
  });

  it('reads a figure that is not a number as 0, and says which sample is damaged when its figures are not JSON', () => {
    edit("UPDATE figs SET pss = 'lots'");
    const ok = run(['replay', '--dir', dir, '--at', 'now', '--json']);
    expect(ok.status, ok.stderr).toBe(0);
    edit("UPDATE ticks SET sys = '{not json' WHERE t = (SELECT max(t) FROM ticks)");
    const bad = run(['replay', '--dir', dir, '--at', 'now']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^pmemstat replay: the recording is damaged at \d{4}-\d\d-\d\dT[\d:.]+: its system figures are not JSON$/m);
  });

  it('says a file that is not a recording is not one', () => {
    const other = mkdtempSync(join(tmpdir(), 'pmemstat-hostile-'));
    try {
      const db = new Database(join(other, RECORDING_FILE));
      db.exec('CREATE TABLE x (y)');
      db.close();
      const r = run(['replay', '--dir', other, '--events']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('is not a pmemstat recording');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
