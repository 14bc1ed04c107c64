// What `sudo -n -v` said, read into: let in, will ask a password, or never (one line to show).
import { describe, expect, it } from 'vitest';
import { sudoVerdict } from '../../src/cli/cli';

describe('sudoVerdict', () => {
  it('reads sudo 1.9’s answers in the C locale', () => {
    expect(sudoVerdict(0, '')).toEqual({ kind: 'allowed' });
    expect(sudoVerdict(1, 'sudo: a password is required\n')).toEqual({ kind: 'password' });
    expect(sudoVerdict(1, 'Sorry, user ann may not run sudo on vm.\n')).toEqual({ kind: 'refused', said: 'Sorry, user ann may not run sudo on vm.' });
    expect(sudoVerdict(1, 'sudo: account validation failure, is your account locked?\n')).toEqual({
      kind: 'refused',
      said: 'account validation failure, is your account locked?',
    });
  });

  it('summarises anything else in one printable line', () => {
    expect(sudoVerdict(1, '')).toEqual({ kind: 'refused', said: 'exit status 1' });
    expect(sudoVerdict(null, '')).toEqual({ kind: 'refused', said: 'no answer' });
    const v = sudoVerdict(1, `\nsudo: \x1b[2Jweird ${'x'.repeat(300)}\nsecond line\n`);
    expect(v.kind).toBe('refused');
    const said = v.kind === 'refused' ? v.said : '';
    expect(said.startsWith('\\x1b[2Jweird x')).toBe(true);
    expect(said).not.toContain('\n');
    expect(said.length).toBeLessThanOrEqual(124);
  });
});
