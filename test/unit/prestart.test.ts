// Which command lines start their worker threads before the bundle is loaded
// (src/cli/prestartRule.ts): those that will read every process of the live system here.
// The launcher's look at /proc before anything else is loaded (countPids), and the bundle's
// check that the launcher has started the workers already (hasPrestarted): it then does not
// look at /proc a second time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { wantsPrestart } from '../../src/cli/prestartRule';
import { countPids, dropPrestarted, hasPrestarted, prestartWorkers } from '../../src/sampler/prestart';

describe('wantsPrestart', () => {
  const root = 0;
  const user = 1000;
  it('a report, a loop or the window of the live system, as root or with -U', () => {
    for (const argv of [[], ['-o'], ['-l', '1'], ['-l1', '-o'], ['--json', '-g', 'pid'], ['-uKB', '-o'], ['--sortby=cpu'], ['-s', 'h'], ['-/', 'help']]) {
      expect(wantsPrestart(argv, root), argv.join(' ')).toBe(true);
    }
    for (const argv of [['-U'], ['-oU'], ['-nUo'], ['--run-as-user', '-o'], ['-o', '-U']]) {
      expect(wantsPrestart(argv, user), argv.join(' ')).toBe(true);
    }
  });
  it('not as a user without -U: the command re-runs itself under sudo', () => {
    expect(wantsPrestart(['-o'], user)).toBe(false);
    expect(wantsPrestart(['-uU'], user)).toBe(false); // -u takes "U" as its value
    expect(wantsPrestart([], undefined)).toBe(false);
  });
  it('not for help, one process\'s maps, a cgroup view, a captured tree, or the other modes', () => {
    for (const argv of [['-h'], ['-oh'], ['--help'], ['--maps', '1'], ['--cgroup=/'], ['--root', 'fixtures/tree-a'], ['metrics'], ['record', '--dir', 'x'], ['replay'], ['--serve'], ['--connect', 'x']]) {
      expect(wantsPrestart(argv, root), argv.join(' ')).toBe(false);
    }
  });
  it('words after -- are filters, not options', () => {
    expect(wantsPrestart(['--', '-h'], root)).toBe(true);
  });
});

const dirs: string[] = [];
function procLike(pids: number, others: string[]): string {
  const d = mkdtempSync(join(tmpdir(), 'pmemstat-prestart-'));
  dirs.push(d);
  for (let i = 1; i <= pids; i++) mkdirSync(join(d, String(i)));
  for (const o of others) writeFileSync(join(d, o), '');
  return d;
}
afterEach(async () => {
  await dropPrestarted();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('countPids', () => {
  it('counts the numeric entries only, and no further than asked', () => {
    const d = procLike(40, ['meminfo', 'self', 'sys', '.hidden']);
    expect(countPids(d, 1000)).toBe(40);
    expect(countPids(d, 25)).toBe(25);
  });
  it('is 0 for a directory that cannot be read', () => {
    expect(countPids(join(tmpdir(), 'pmemstat-no-such-dir-'), 10)).toBe(0);
  });
});

describe('hasPrestarted', () => {
  it('is true only while workers of that script wait', async () => {
    const d = procLike(0, []);
    const script = join(d, 'worker.js');
    writeFileSync(script, "require('node:worker_threads').parentPort.on('message', () => {});\n");
    expect(hasPrestarted(script)).toBe(false);
    expect(prestartWorkers(script, 1)).toBe(1);
    expect(hasPrestarted(script)).toBe(true);
    expect(hasPrestarted(join(d, 'other.js'))).toBe(false);
    await dropPrestarted();
    expect(hasPrestarted(script)).toBe(false);
  });
});
