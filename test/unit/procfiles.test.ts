import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  parseMeminfo, parseCpuStat, parsePidStat, PF_KTHREAD, parseVmstat, parseZramMmStat, parseDisksize, parseCmdline,
} from '../../src/core/procfiles';

const SNIP = join(__dirname, '..', '..', 'fixtures', 'snippets');
const snip = (name: string): string => readFileSync(join(SNIP, name), 'utf8');

const GARBAGE = ['', '\n', 'garbage', ')', '(', '()', '\x00\x00', '1 (x', 'x) y (z', ':::: kB', 'cpu', 'cpu  a b c'];

describe('parseMeminfo', () => {
  it('reads a real /proc/meminfo', () => {
    expect(parseMeminfo(snip('meminfo'))).toEqual({
      memTotal: 24683620, memAvailable: 24290348, shmem: expect.any(Number) as number, dirty: 468,
      swapTotal: 0, swapFree: 0,
    });
    expect(parseMeminfo(snip('meminfo')).shmem).toBeGreaterThan(0);
  });

  it('does not confuse ShmemHugePages / Active(anon) etc. with the wanted keys', () => {
    const text = 'ShmemHugePages: 9 kB\nShmem:  12 kB\nShmemPmdMapped: 7 kB\nDirty: 3 kB\nSwapTotal: 100 kB\nSwapFree: 40 kB\n';
    expect(parseMeminfo(text)).toEqual({ memTotal: 0, memAvailable: 0, shmem: 12, dirty: 3, swapTotal: 100, swapFree: 40 });
  });

  it('missing fields are 0; garbage never throws', () => {
    for (const g of GARBAGE) {
      expect(parseMeminfo(g)).toEqual({ memTotal: 0, memAvailable: 0, shmem: 0, dirty: 0, swapTotal: 0, swapFree: 0 });
    }
    expect(parseMeminfo('MemTotal: x kB\nMemAvailable:\n').memTotal).toBe(0);
  });
});

describe('parseCpuStat', () => {
  it('sums every field of the aggregate cpu line and counts cpuN lines (real /proc/stat)', () => {
    const text = snip('proc-stat');
    const agg = text.split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    expect(parseCpuStat(text)).toEqual({ totalTicks: agg.reduce((a, b) => a + b, 0), ncpu: 2 });
  });

  it('handles an inline sample', () => {
    const text = 'cpu  10 1 20 300 4 0 5 0 0 0\ncpu0 5 1 10 150 2 0 3 0 0 0\ncpu1 5 0 10 150 2 0 2 0 0 0\n' +
      'cpu12 0 0 0 0 0 0 0 0 0 0\nintr 1 2 3\nctxt 99\ncpufreq 1\n';
    expect(parseCpuStat(text)).toEqual({ totalTicks: 340, ncpu: 3 });
  });

  it('garbage never throws', () => {
    for (const g of GARBAGE) expect(parseCpuStat(g)).toEqual({ totalTicks: 0, ncpu: 0 });
  });
});

describe('parsePidStat', () => {
  it('reads a real stat line', () => {
    expect(parsePidStat(snip('shmdemo.stat'))).toEqual({
      pid: 3697, comm: 'shmdemo', state: 'S', ppid: 1, kthread: false, ticks: 0, starttime: expect.any(Number) as number,
    });
  });

  it('splits after the LAST ")" when comm holds spaces and parentheses (real)', () => {
    expect(parsePidStat(snip('comm-paren.stat'))).toEqual({
      pid: 3897, comm: 'a) b (c', state: 'R', ppid: 3895, kthread: false, ticks: 0, starttime: 40592,
    });
    // python3 renamed itself with prctl(PR_SET_NAME) and burnt 0.5 s of CPU.
    expect(parsePidStat(snip('python-busy.stat'))).toEqual({
      pid: 3975, comm: 'py) x (y', state: 'R', ppid: 3973, kthread: false, ticks: 52 + 10, starttime: 40894,
    });
  });

  it('field numbers follow proc(5): flags 9, utime 14, stime 15, starttime 22', () => {
    // Fields 3..22 numbered by their own value so a shift would show.
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'Z';
    const s = `42 (x) ${fields.join(' ')}\n`;
    expect(parsePidStat(s)).toEqual({ pid: 42, comm: 'x', state: 'Z', ppid: 4, kthread: false, ticks: 14 + 15, starttime: 22 });
    fields[6] = String(PF_KTHREAD); // field 9
    expect(parsePidStat(`42 (x) ${fields.join(' ')}\n`)?.kthread).toBe(true);
  });

  it('a kernel thread is told by PF_KTHREAD in flags, not by its parent (real kworker; a user process under pid 2)', () => {
    const kworker = snip('kworker.stat');
    expect(parsePidStat(kworker)).toMatchObject({ comm: 'kworker/0:1-virtio_vsock', ppid: 2, kthread: true });
    // Field 9 replaced; what follows the last ')' is state (3), ppid (4), … flags (9).
    const close = kworker.lastIndexOf(')');
    const withFlags = (flags: number) => {
      const f = kworker.slice(close + 2).split(' ');
      f[6] = String(flags);
      return `${kworker.slice(0, close + 2)}${f.join(' ')}`;
    };
    expect(parsePidStat(withFlags(Number(kworker.slice(close + 2).split(' ')[6])))).toEqual(parsePidStat(kworker));
    // PF_KTHREAD cleared: what a user's process under pid 2 of a PID namespace looks like.
    expect(parsePidStat(withFlags(0x400100))).toMatchObject({ ppid: 2, kthread: false });
    // Every other bit set, then the 32-bit field at its largest.
    expect(parsePidStat(withFlags(0xffffffff - PF_KTHREAD))?.kthread).toBe(false);
    expect(parsePidStat(withFlags(0xffffffff))?.kthread).toBe(true);
    expect(parsePidStat(withFlags(-1))).toBeNull();
  });

  it('returns null on malformed input', () => {
    for (const g of GARBAGE) expect(parsePidStat(g)).toBeNull();
    expect(parsePidStat('12 (x) S 1 2 3')).toBeNull(); // truncated
    expect(parsePidStat('abc (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20')).toBeNull();
    expect(parsePidStat(snip('comm-paren.stat').slice(0, 60))).toBeNull();
  });
});

describe('parseVmstat', () => {
  it('reads pgmajfault from a real /proc/vmstat', () => {
    expect(parseVmstat(snip('vmstat'))).toEqual({ pgmajfault: 385 });
  });
  it('missing or garbage → 0', () => {
    for (const g of GARBAGE) expect(parseVmstat(g)).toEqual({ pgmajfault: 0 });
    expect(parseVmstat('pgmajfault_x 5\npgmajfault 7\n')).toEqual({ pgmajfault: 7 });
  });
});

describe('zram', () => {
  it('parses the first four fields of mm_stat', () => {
    expect(parseZramMmStat('  8192   4096  12288        0    12288        0        0        0        0\n')).toEqual({
      origDataSize: 8192, comprDataSize: 4096, memUsedTotal: 12288, memLimit: 0,
    });
    // An uninitialised device on this machine reads all zeros.
    expect(parseZramMmStat('       0        0        0        0        0        0        0        0        0\n')).toEqual({
      origDataSize: 0, comprDataSize: 0, memUsedTotal: 0, memLimit: 0,
    });
  });
  it('null when malformed', () => {
    for (const g of GARBAGE) expect(parseZramMmStat(g)).toBeNull();
    expect(parseZramMmStat('1 2 3')).toBeNull();
    expect(parseZramMmStat('1 2 x 4')).toBeNull();
  });
  it('disksize', () => {
    expect(parseDisksize('8589934592\n')).toBe(8589934592);
    expect(parseDisksize('0\n')).toBe(0);
    for (const g of GARBAGE) expect(parseDisksize(g)).toBe(0);
  });
});

describe('parseCmdline', () => {
  const b = (s: string): Buffer => Buffer.from(s, 'utf8');

  it('splits on NUL and drops exactly one trailing NUL', () => {
    expect(parseCmdline(b('python3\0/x/y.py\0--flag\0'))).toEqual(['python3', '/x/y.py', '--flag']);
    expect(parseCmdline(b('a\0\0'))).toEqual(['a', '']);
    expect(parseCmdline(b('a\0\0b\0'))).toEqual(['a', '', 'b']);
  });
  it('a title without NULs (rewritten) is one argument', () => {
    expect(parseCmdline(b('Web Content'))).toEqual(['Web Content']);
    expect(parseCmdline(b('sshd: user@pts/0\0\0\0'))).toEqual(['sshd: user@pts/0', '', '']);
  });
  it('empty file → []; a lone NUL → [""]', () => {
    expect(parseCmdline(new Uint8Array(0))).toEqual([]);
    expect(parseCmdline(b('\0'))).toEqual(['']);
  });
  it('decodes UTF-8, invalid bytes become U+FFFD', () => {
    expect(parseCmdline(b('caf\u00e9\0\u6771\u4eac\0'))).toEqual(['caf\u00e9', '\u6771\u4eac']);
    expect(parseCmdline(new Uint8Array([0x61, 0xff, 0x62, 0, 0xc3, 0]))).toEqual(['a\ufffdb', '\ufffd']);
  });
});
