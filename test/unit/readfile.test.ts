// readFdParsed: a kept fd's file is parsed again only when its bytes changed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parsePidStat } from '../../src/core/procfiles';
import { CHANGED, closeFd, emptyMemo, FAILED, openRead, readFdParsed, readText, rereadError, rereadFd, resetSmapsEnd, SAME, smapsEnd } from '../../src/proc/readfile';

const dir = mkdtempSync(join(tmpdir(), 'pmemstat-readfile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const STAT = '4242 (sleep) S 1 4242 4242 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 987654 2000000 100 18446744073709551615';

describe('readFdParsed', () => {
  it('reuses the parse while the bytes stay the same, and parses again when they change', () => {
    const f = join(dir, 'stat');
    writeFileSync(f, STAT + '\n');
    const o = openRead(f);
    expect(o.code).toBeNull();
    if (o.code !== null) return;
    let parses = 0;
    const parse = (t: string) => {
      parses++;
      return parsePidStat(t);
    };
    const memo = emptyMemo<ReturnType<typeof parsePidStat>>();
    const a = readFdParsed(o.fd, memo, parse);
    const b = readFdParsed(o.fd, memo, parse);
    expect(parses).toBe(1);
    expect(a.ok && b.ok && a.value === b.value).toBe(true);
    expect(a.ok && a.value).toMatchObject({ pid: 4242, ticks: 10, starttime: 987654 });

    // Same length, one digit different (utime 7 → 8): must not be taken for the old bytes.
    writeFileSync(f, STAT.replace(' 7 3 ', ' 8 3 ') + '\n');
    const c = readFdParsed(o.fd, memo, parse);
    expect(parses).toBe(2);
    expect(c.ok && c.value).toMatchObject({ ticks: 11 });
    closeFd(o.fd);
  });

  it('does not keep what failed to parse, and reports a read error with its code', () => {
    const f = join(dir, 'garbage');
    writeFileSync(f, 'not a stat line');
    const o = openRead(f);
    if (o.code !== null) throw new Error(o.code);
    const memo = emptyMemo<ReturnType<typeof parsePidStat>>();
    const r = readFdParsed(o.fd, memo, parsePidStat);
    expect(r).toEqual({ ok: true, value: null, bytes: 15, changed: true });
    expect(memo.raw).toBeNull();
    closeFd(o.fd);
    expect(readFdParsed(o.fd, memo, parsePidStat)).toEqual({ ok: false, code: 'EBADF' });
  });
});

describe('rereadFd', () => {
  it('says SAME without parsing while the bytes stay, CHANGED (parsed) when one digit moves, FAILED with the code on a bad fd', () => {
    const f = join(dir, 'stat2');
    writeFileSync(f, STAT + '\n');
    const o = openRead(f);
    if (o.code !== null) throw new Error(o.code);
    let parses = 0;
    const parse = (t: string) => {
      parses++;
      return parsePidStat(t);
    };
    const memo = emptyMemo<ReturnType<typeof parsePidStat>>();
    expect(rereadFd(o.fd, memo, parse)).toBe(CHANGED);
    const first = memo.value;
    expect(first).toMatchObject({ pid: 4242, ticks: 10, starttime: 987654 });
    expect(rereadFd(o.fd, memo, parse)).toBe(SAME);
    expect(memo.value).toBe(first);
    expect(parses).toBe(1);
    writeFileSync(f, STAT.replace(' 7 3 ', ' 8 3 ') + '\n');
    expect(rereadFd(o.fd, memo, parse)).toBe(CHANGED);
    expect(memo.value).toMatchObject({ ticks: 11 });
    expect(parses).toBe(2);
    closeFd(o.fd);
    const kept = memo.value;
    expect(rereadFd(o.fd, memo, parse)).toBe(FAILED);
    expect(rereadError).toBe('EBADF');
    expect(memo.value).toBe(kept); // untouched
  });

  it('sees a live process exit through its kept fd (ESRCH), never the next owner of the pid', async () => {
    const c = spawn('sleep', ['1000'], { stdio: 'ignore' });
    await vi.waitFor(() => expect(readText(`/proc/${c.pid}/comm`).text).toBe('sleep\n'));
    const o = openRead(`/proc/${c.pid}/stat`);
    if (o.code !== null) throw new Error(o.code);
    const memo = emptyMemo<ReturnType<typeof parsePidStat>>();
    expect(rereadFd(o.fd, memo, parsePidStat)).toBe(CHANGED);
    // Just after exec, sleep's stat still moves (its loader runs): SAME once it sleeps.
    await vi.waitFor(() => expect(rereadFd(o.fd, memo, parsePidStat)).toBe(SAME));
    c.kill('SIGKILL');
    await new Promise((r) => c.once('exit', r));
    await vi.waitFor(() => expect(rereadFd(o.fd, memo, parsePidStat)).toBe(FAILED));
    expect(rereadError).toBe('ESRCH');
    closeFd(o.fd);
  });
});

describe('smapsEnd', () => {
  const rec = (start: string, name: string) =>
    `${start}-${start.replace(/.$/, '1')} r--p 00000000 00:00 0  ${name}\nSize:  4 kB\nPss:  0 kB\nVmFlags: rd \n`;
  const head = rec('7f0000000000', '/usr/lib/libc.so.6');
  const tail = rec('ffffffffff600000', '[vsyscall]');
  const buf = (s: string) => Buffer.from(s, 'latin1');
  beforeEach(() => resetSmapsEnd());

  it('says nothing until one file read to the end has shown the vsyscall record', () => {
    const whole = buf(head + tail);
    expect(smapsEnd.ended(whole, 0, whole.length)).toBe(false);
    smapsEnd.atEof(whole);
    expect(smapsEnd.ended(whole, 0, whole.length)).toBe(true);
    expect(smapsEnd.ended(whole, head.length, whole.length)).toBe(true); // the record opens the chunk
    expect(smapsEnd.ended(buf(tail), 0, tail.length)).toBe(true);
  });

  it('does not end a read anywhere else', () => {
    smapsEnd.atEof(buf(head + tail));
    const b = buf(head + head);
    expect(smapsEnd.ended(b, 0, b.length)).toBe(false);
    const cut = buf(head + tail.slice(0, -1));
    expect(smapsEnd.ended(cut, 0, cut.length)).toBe(false);
    expect(smapsEnd.ended(buf(''), 0, 0)).toBe(false);
    // The header in a chunk read before: not this chunk's end.
    const two = buf(head + tail);
    expect(smapsEnd.ended(two, head.length + 1, two.length)).toBe(false);
    // A file name cannot forge the record: the kernel escapes a newline in it as \012.
    const forged = buf(rec('7f0000000000', '/tmp/a\\012ffffffffff600000-x') + rec('7f0000001000', 'y'));
    expect(smapsEnd.ended(forged, 0, forged.length)).toBe(false);
  });

  it('reads a live smaps whole, as reads until 0 do', async () => {
    // An idle sleep's mappings hold still between the reads; this test's own would not.
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    const file = `/proc/${sleeper.pid}/smaps`;
    // Settled once it is `sleep` (no longer the forked node) and two reads 50 ms apart agree.
    let last: string | null = null;
    await vi.waitFor(
      () => {
        const now = readText(file, false).text;
        const same = now === last;
        last = now;
        expect(same && now !== null && now.includes('sleep')).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    let a: string | null;
    let b: string | null;
    try {
      b = readText(file, false).text;
      readText(file, smapsEnd); // reads to 0, and learns the record on this kernel
      a = readText(file, smapsEnd).text;
    } finally {
      sleeper.kill('SIGKILL');
    }
    expect(a).not.toBeNull();
    const count = (t: string | null) => (t ?? '').split('\nVmFlags:').length;
    expect(count(a)).toBe(count(b));
    expect(a!.slice(a!.lastIndexOf('\n', a!.length - 2))).toBe(b!.slice(b!.lastIndexOf('\n', b!.length - 2)));
  });
});
