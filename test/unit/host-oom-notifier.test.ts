// The OOM notification (src/host/oomNotifier.ts) with the vscode stub: a kill counted in a
// tree's /proc/vmstat or in a group's cgroup raises a warning whose action opens the moment in
// the recording being recorded, else the live panel; new leak suspects only when asked for.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { tmpDir } from '../support';

vi.mock('vscode', () => import('./vscode-stub'));

import { OomNotifier, SHOW_MOMENT, SHOW_PANEL } from '../../src/host/oomNotifier';
import type { GroupRow } from '../../src/core/types';
import { recordingLog } from './host-fakes';
import { resetStub, stub, Uri } from './vscode-stub';

const tree = tmpDir('oomhost');
mkdirSync(join(tree, 'proc'));
const kills = (n: number) => writeFileSync(join(tree, 'proc/vmstat'), `nr_free_pages 100\noom_kill ${n}\n`);
beforeEach(() => resetStub());

const T = Date.UTC(2026, 11, 4, 3, 0, 0);
const row = (key: string, oomKill: number) => ({ key, info: key, kernel: { events: { low: 0, high: 0, max: 0, oom: 0, oomKill } } }) as unknown as GroupRow;

function calls(): { id: string; args: unknown[] }[] {
  const log: { id: string; args: unknown[] }[] = [];
  stub.commands.set('pmemstat.open', (...args: unknown[]) => log.push({ id: 'pmemstat.open', args }));
  stub.commands.set('pmemstat.openRecording', (...args: unknown[]) => log.push({ id: 'pmemstat.openRecording', args }));
  return log;
}

describe('the OOM notification', () => {
  it('says nothing at the first look, then warns of a kill; its action opens the live panel', async () => {
    const ran = calls();
    const n = new OomNotifier({ log: recordingLog(), procRoot: tree, recordingNow: () => null, now: () => T });
    kills(3);
    await n.check();
    expect(stub.messages).toHaveLength(0);
    kills(4);
    stub.answer.warning = (_m, items) => items[0];
    await n.check();
    expect(stub.messages).toHaveLength(1);
    expect(stub.messages[0]).toMatchObject({ level: 'warning', items: [SHOW_PANEL] });
    expect(stub.messages[0].message).toMatch(/^pmemstat: the kernel killed a process for memory/);
    expect(ran).toEqual([{ id: 'pmemstat.open', args: [] }]);
    await n.check();
    expect(stub.messages).toHaveLength(1);
  });

  it("names the group whose cgroup counted it, and opens the recording at that moment when one is being recorded", async () => {
    const ran = calls();
    const file = join(tree, 'pmemstat.db');
    const n = new OomNotifier({ log: recordingLog(), procRoot: tree, recordingNow: () => file, now: () => T });
    kills(10);
    await n.check([row('app.slice', 0)]);
    kills(11);
    stub.answer.warning = (_m, items) => items[0];
    await n.check([row('app.slice', 1)]);
    expect(stub.messages[0].message).toContain('in app.slice');
    expect(stub.messages[0].items).toEqual([SHOW_MOMENT]);
    expect(ran).toHaveLength(1);
    expect(ran[0].id).toBe('pmemstat.openRecording');
    expect((ran[0].args[0] as Uri).fsPath).toBe(file);
    expect(ran[0].args[1]).toBe(T);
    // The moment of the kill, not of the notice: the panel finds the recorded kill (host-recording.test.ts).
    expect(ran[0].args[2]).toBe(true);
  });

  it('does nothing when the notification is dismissed', async () => {
    const ran = calls();
    const n = new OomNotifier({ log: recordingLog(), procRoot: tree, recordingNow: () => null, now: () => T });
    kills(1);
    await n.check();
    kills(2);
    await n.check();
    expect(stub.messages).toHaveLength(1);
    expect(ran).toHaveLength(0);
  });

  it('tells a new leak suspect only with pmemstat.notify.leakSuspects on, and each once', async () => {
    calls();
    const n = new OomNotifier({ log: recordingLog(), procRoot: tree, recordingNow: () => null, now: () => T });
    const s = (info: string) => ({ info, growthKb: 50_000, seconds: 100, ptotal: 400_000 });
    await n.leaks([s('node')]);
    expect(stub.messages).toHaveLength(0);
    stub.config.set('pmemstat.notify.leakSuspects', true);
    await n.leaks([s('node'), s('java')]);
    expect(stub.messages.map((m) => m.message)).toEqual(['pmemstat: a new leak suspect: java']);
    await n.leaks([s('node'), s('java')]);
    expect(stub.messages).toHaveLength(1);
  });
});
