// The event watcher on a tree the test writes: /proc/vmstat's oom_kill moving with no cgroup to
// explain it, memory pressure crossing its threshold (once, re-armed below half), and cgroups
// reaching their limit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EventWatcher } from '../../src/recorder/events';

const root = mkdtempSync(join(tmpdir(), 'pmemstat-events-'));
mkdirSync(join(root, 'proc'));
const vmstat = (n: number) => writeFileSync(join(root, 'proc', 'vmstat'), `pgfault 10\noom_kill ${n}\npgmajfault 1\n`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('EventWatcher', () => {
  it('counts system-wide OOM kills from /proc/vmstat, one event per kill, none for the count it started with', () => {
    vmstat(7);
    const w = new EventWatcher(root);
    const none = new Map();
    expect(w.check(1000, none, none, [], null)).toEqual([]);
    vmstat(9);
    const ev = w.check(2000, none, none, [], null);
    expect(ev.map((e) => [e.t, e.kind, e.detail.scope, e.detail.victimFrom])).toEqual([
      [2000, 'oom-kill', 'system', 'unknown'],
      [2000, 'oom-kill', 'system', 'unknown'],
    ]);
    expect(w.check(3000, none, none, [], null)).toEqual([]);
    // An unreadable or malformed file is no event and no error.
    writeFileSync(join(root, 'proc', 'vmstat'), 'garbage\n');
    expect(w.check(4000, none, none, [], null)).toEqual([]);
    w.close();
  });

  it('raises a pressure event when PSI some reaches the threshold, again only after it fell below half', () => {
    vmstat(0);
    const w = new EventWatcher(root, { pressurePct: 10 });
    const none = new Map();
    const kinds = [3, 12, 40, 6, 4.9, 11].map((p, i) => w.check(i, none, none, [], p).map((e) => [e.t, e.kind, e.detail.some]));
    expect(kinds).toEqual([[], [[1, 'pressure', 12]], [], [], [], [[5, 'pressure', 11]]]);
    w.close();
  });

  it('raises a limit event when a cgroup reaches limit?, once until it falls back', () => {
    vmstat(0);
    const w = new EventWatcher(root);
    const at = (near: boolean) => [{ dir: '/a.slice', current: near ? 95 : 50, limit: 100, near }];
    expect(w.limits(1, at(false))).toEqual([]);
    expect(w.limits(2, at(true)).map((e) => [e.kind, e.cgroup, e.detail.currentKb, e.detail.limitKb])).toEqual([['limit', '/a.slice', 95, 100]]);
    expect(w.limits(3, at(true))).toEqual([]);
    expect(w.limits(4, at(false))).toEqual([]);
    expect(w.limits(5, at(true)).length).toBe(1);
    w.close();
  });
});
