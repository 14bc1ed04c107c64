// Which command lines start their worker threads before the bundle is loaded
// (src/cli/prestartRule.ts): those that will read every process of the live system here.
import { describe, expect, it } from 'vitest';
import { wantsPrestart } from '../../src/cli/prestartRule';

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
