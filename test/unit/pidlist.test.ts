import { describe, expect, it } from 'vitest';
import { lastPidOf, pidsOfNames, sameProcPidNs } from '../../src/core/pidlist';

describe('pidsOfNames', () => {
  it('puts names sorted as text (as libuv lists /proc) in numeric order, without the others', () => {
    const names = ['1', '10', '100', '2', '20', '3', 'acpi', 'self', '9', '99', 'thread-self', '1a'];
    expect(pidsOfNames(names)).toEqual([1, 2, 3, 9, 10, 20, 99, 100]);
  });
  it('sorts names that did not come in text order', () => {
    expect(pidsOfNames(['30', '4', '12', '2'])).toEqual([2, 4, 12, 30]);
  });
  it('drops what is not a pid', () => {
    expect(pidsOfNames(['', '12345678901', '-1', '1.5', '7'])).toEqual([7]);
  });
});

describe('lastPidOf', () => {
  it('reads the fifth field of /proc/loadavg', () => {
    expect(lastPidOf('0.83 0.60 1.13 3/5007 14653\n')).toBe(14653);
    expect(lastPidOf('garbage')).toBeNull();
    expect(lastPidOf('0.83 0.60 1.13 3/5007\n')).toBeNull();
  });
});

describe('sameProcPidNs', () => {
  it('is true when NSpid has one pid (the reader lives in the namespace of the /proc it reads)', () => {
    expect(sameProcPidNs('Name:\tx\nNSpid:\t4242\nNSpgid:\t1\n')).toBe(true);
    expect(sameProcPidNs('Name:\tx\nNSpid:\t4242\t7\n')).toBe(false);
    expect(sameProcPidNs('Name:\tx\n')).toBe(false);
  });
});
