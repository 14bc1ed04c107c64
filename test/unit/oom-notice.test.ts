// When an OOM kill is news (src/core/oomNotice.ts) and reading the system-wide count
// (src/proc/vmstat.ts) from a tree and from the live /proc.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../support';
import { OomNotices } from '../../src/core/oomNotice';
import { localIso } from '../../src/core/isotime';
import { readOomKillCount } from '../../src/proc/vmstat';

const tree = tmpDir('oomnotice');

const row = (key: string, oomKill: number | null) => ({ key, info: key, kernel: { events: { low: 0, high: 0, max: 0, oom: 0, oomKill } } });

describe('readOomKillCount', () => {
  it("reads a tree's /proc/vmstat, and the live one", () => {
    cpSync(join(__dirname, '../../fixtures/tree-a/proc/vmstat'), join(tree, 'proc/vmstat'), { recursive: true });
    const text = readFileSync(join(tree, 'proc/vmstat'), 'latin1');
    const want = /^oom_kill (\d+)$/m.exec(text);
    expect(readOomKillCount(tree)).toBe(want ? Number(want[1]) : null);
    writeFileSync(join(tree, 'proc/vmstat'), 'nr_free_pages 5\noom_kill 7\n');
    expect(readOomKillCount(tree)).toBe(7);
    writeFileSync(join(tree, 'proc/vmstat'), 'nr_free_pages 5\n');
    expect(readOomKillCount(tree)).toBeNull();
    expect(readOomKillCount(join(tree, 'nowhere'))).toBeNull();
    expect(typeof readOomKillCount('/')).toBe('number');
  });
});

describe('OomNotices', () => {
  it('starts counting at the first look: kills before it are not news', () => {
    const n = new OomNotices();
    expect(n.update(1000, 5, [row('app', 3)])).toBeNull();
    expect(n.update(2000, 5, [row('app', 3)])).toBeNull();
  });

  it('tells a system-wide kill, and names the group whose cgroup counted it', () => {
    const n = new OomNotices();
    n.update(1000, 5, [row('app', 0), row('db', null)]);
    expect(n.update(2000, 6)).toMatchObject({ count: 1, groups: [], text: `the kernel killed a process for memory (${localIso(2000)})` });
    // A later report: the cgroup's own count went up with the next kill.
    const r = n.update(3000, 8, [row('app', 2), row('db', null)]);
    expect(r).toMatchObject({ count: 2, groups: ['app'] });
    expect(r?.text).toBe(`the kernel killed 2 processes for memory in app (${localIso(3000)})`);
    // A cgroup's count alone (vmstat unreadable) is news too.
    expect(n.update(4000, null, [row('app', 3)])?.count).toBe(1);
    expect(n.update(5000, null, [row('app', 3)])).toBeNull();
  });

  it('makes a group name printable', () => {
    const n = new OomNotices();
    n.update(1, 0, [row('x\u001b]52;c;AAAA\u0007', 0)]);
    const text = n.update(2, 1, [row('x\u001b]52;c;AAAA\u0007', 1)])?.text ?? '';
    expect([...text].some((c) => c.charCodeAt(0) < 0x20)).toBe(false);
    expect(text).toContain('in x');
  });
});
