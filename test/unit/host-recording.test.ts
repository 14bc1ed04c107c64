// pmemstat: Open Recording, host side (src/host/recordingPanel.ts), with the vscode stub and the
// fake launcher, whose helper reads the real recording file as the helper does (the WebAssembly
// SQLite): the dialog, the panel and its page, the timeline sent when the page is ready, a seek
// answered with that moment, and what is refused.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tmpDir } from '../support';

vi.mock('vscode', () => import('./vscode-stub'));

import { openRecording, RECORDING_VIEW_TYPE, type RecordingDeps } from '../../src/host/recordingPanel';
import { activateWith, COMMANDS } from '../../src/extension';
import { fakeLauncher, recordingLog } from './host-fakes';
import { makeRecording } from './recordingFixture';
import { openDb } from '../../src/recorder/db';
import { FakePanel, resetStub, stub, Uri } from './vscode-stub';

const ROOT = join(__dirname, '../..');
const dir = tmpDir('hostrec');
let file = '';
let times: number[] = [];
beforeAll(async () => {
  ({ file, times } = await makeRecording(dir));
});
beforeEach(() => resetStub());

function deps(l = fakeLauncher()): RecordingDeps & { panels: FakePanel[]; l: ReturnType<typeof fakeLauncher> } {
  const panels: FakePanel[] = [];
  return {
    extensionUri: Uri.file(ROOT) as never,
    launch: l.launch,
    runAsUser: () => false,
    log: recordingLog(),
    createPanel: () => {
      const p = new FakePanel(RECORDING_VIEW_TYPE, 'pmemstat recording');
      panels.push(p);
      return p as never;
    },
    panels,
    l,
  };
}

const settle = () => new Promise((r) => setTimeout(r, 50));

describe('pmemstat: Open Recording', () => {
  it('asks for the file, opens a panel on its page, sends the timeline when it is ready, and each moment it asks for', async () => {
    const d = deps();
    stub.answer.openDialog = () => [Uri.file(file)];
    const rec = await openRecording(d);
    expect(rec).not.toBeNull();
    expect(stub.openDialogs[0]).toMatchObject({ canSelectFiles: true, canSelectMany: false });
    const p = d.panels[0];
    expect(p.webview.html).toContain('dist/recording.js');
    expect(p.webview.html).toMatch(/script-src 'nonce-[A-Za-z0-9]{32}'/);
    expect(d.l.calls[0].elevate).toBe(false);

    p.fromWebview({ type: 'ready' });
    await settle();
    const [tl] = p.sentOf('timeline');
    expect(tl.times).toEqual(times);
    expect(tl.at).toBe(times[2]);
    expect((tl.events as { kind: string }[]).map((e) => e.kind)).toEqual(['oom-kill']);

    p.fromWebview({ type: 'seek', at: times[0] + 1 });
    await settle();
    const [m] = p.sentOf('moment');
    expect(m.at).toBe(times[0]);
    expect((m.report as { leader: { time: number } }).leader.time).toBe(times[0]);
    expect(d.l.helpers[0].recordingCalls.at(-1)).toEqual({ path: file, at: times[0] + 1, timeline: false });

    p.fromWebview({ type: 'seek', at: 5 });
    await settle();
    expect(String(p.sentOf('problem')[0].message)).toContain('nothing recorded at or before');

    // A message that is not one is dropped, unanswered.
    const n = p.sent.length;
    p.fromWebview({ type: 'seek', at: 'now' });
    p.fromWebview({ type: 'readFile', path: '/etc/shadow' });
    await settle();
    expect(p.sent.length).toBe(n);

    // Closing the panel ends its helper.
    p.dispose();
    expect(d.l.helpers[0].disposed).toBe(true);
  });

  it('says why and opens nothing for a symlink, a directory or a file that is not a recording', async () => {
    const link = join(dir, 'link.db');
    symlinkSync(file, link);
    for (const [path, why] of [
      [link, 'is a symbolic link'],
      [dir, 'is not a regular file'],
      [join(ROOT, 'package.json'), 'not'],
    ] as const) {
      const d = deps();
      expect(await openRecording(d, Uri.file(path) as never)).toBeNull();
      expect(d.panels).toHaveLength(0);
      expect(stub.messages.at(-1)?.level).toBe('error');
      expect(stub.messages.at(-1)?.message).toContain(why);
      expect(d.l.helpers.every((h) => h.disposed)).toBe(true);
    }
  });

  it('shows a moment asked for before its page was ready (the OOM notification\u2019s action) once it is', async () => {
    const d = deps();
    const rec = await openRecording(d, Uri.file(file) as never);
    const p = d.panels[0];
    await rec!.seek(times[1]);
    expect(p.sent).toHaveLength(0);
    p.fromWebview({ type: 'ready' });
    await settle();
    expect(p.sent.map((m) => m.type)).toEqual(['timeline', 'moment']);
    expect(p.sentOf('moment')[0].at).toBe(times[1]);
    rec!.dispose();
  });

  it('answers the page\u2019s request for a group\u2019s series with the helper\u2019s, and drops a malformed one', async () => {
    const d = deps();
    await openRecording(d, Uri.file(file) as never);
    const p = d.panels[0];
    p.fromWebview({ type: 'ready' });
    await settle();
    const key = (p.sentOf('timeline')[0].report as { rows: { key: string }[] }).rows[0].key;
    p.fromWebview({ type: 'getSeries', key, from: times[1], to: null, points: 300 });
    await settle();
    const [s] = p.sentOf('series');
    expect(s).toMatchObject({ from: times[1], to: null });
    expect((s.series as { key: string; times: number[] }).times).toEqual([times[1], times[2]]);
    expect(d.l.helpers[0].seriesCalls).toEqual([{ path: file, key, from: times[1], to: null, points: 300 }]);
    p.fromWebview({ type: 'getSeries', key, from: 9, to: 1, points: 300 });
    p.fromWebview({ type: 'getSeries', key, from: null, to: null, points: 300, path: '/etc/shadow' });
    await settle();
    expect(d.l.helpers[0].seriesCalls).toHaveLength(1);
  });

  it('opens the moment of the OOM kill a notification told of, with its victim selected, not the moment of the notice', async () => {
    // A recording whose kill (recorded with the second sample) took a process of the first: 7285.
    const kdir = tmpDir('hostreckill');
    const k = await makeRecording(kdir);
    const db = await openDb(k.file, true);
    db.prepare('INSERT INTO events (t, kind, pid, name, cgroup, detail) VALUES (?, ?, ?, ?, ?, ?)').run(k.times[1], 'oom-kill', 7285, 'victim', null, '{}');
    db.close();
    const d = deps();
    const rec = await openRecording(d, Uri.file(k.file) as never);
    const p = d.panels[0];
    // The notification came 4 s after the recorder's record of the kill (the panel opens later still).
    await rec!.seek(k.times[1] + 4000, true);
    p.fromWebview({ type: 'ready' });
    await settle();
    const [m] = p.sentOf('moment');
    expect(m.at).toBe(k.times[0]);
    expect(m.focus).toBe(7285);
    // Once open, the same again: the victim's last sample.
    await rec!.seek(k.times[2], true);
    await settle();
    expect(p.sentOf('moment').at(-1)).toMatchObject({ at: k.times[0], focus: 7285 });
    rec!.dispose();
    // The command as the notification's action runs it: (uri, the time of the notice, true).
    const ctx = { subscriptions: [] as { dispose(): unknown }[], extensionUri: Uri.file(ROOT), extension: { packageJSON: { version: '9.9.9' } } };
    activateWith(ctx as never, { platform: 'linux', launch: fakeLauncher().launch, procRoot: join(ROOT, 'fixtures/tree-a') });
    const opened = stub.commands.get(COMMANDS.openRecording)?.(Uri.file(k.file), k.times[1] + 4000, true) as Promise<unknown>;
    await vi.waitFor(() => expect(stub.panels.filter((x) => x.viewType === RECORDING_VIEW_TYPE)).toHaveLength(1));
    const page = stub.panels.filter((x) => x.viewType === RECORDING_VIEW_TYPE)[0];
    await opened;
    page.fromWebview({ type: 'ready' });
    await settle();
    expect(page.sentOf('moment').at(-1)).toMatchObject({ at: k.times[0], focus: 7285 });
    for (const sub of ctx.subscriptions) sub.dispose();
    // A kill whose victim no sample holds (4242): the sample just before the kill was recorded, no one selected.
    const d2 = deps();
    const rec2 = await openRecording(d2, Uri.file(file) as never);
    d2.panels[0].fromWebview({ type: 'ready' });
    await settle();
    await rec2!.seek(times[1] + 2000, true);
    await settle();
    const last = d2.panels[0].sentOf('moment').at(-1)!;
    expect(last.at).toBe(times[0]);
    expect(last.focus).toBeUndefined();
    // No recorded kill near the notice: the moment of the notice.
    await rec2!.seek(times[2] + 10 * 60_000, true);
    await settle();
    expect(d2.panels[0].sentOf('moment').at(-1)?.at).toBe(times[2]);
    rec2!.dispose();
  });

  it('offers to open a recording only root may read as root, and opens it with the root helper', async () => {
    const l = fakeLauncher({ password: 'pw' });
    // The user's helper is refused by the file system, as a 0600 root file refuses a user.
    const launch: typeof l.launch = async (r) => {
      const got = await l.launch(r);
      if (got.mode === 'user') got.client.recording = async (path) => ({ ok: false, message: `cannot open the recording ${path}: unable to open database file` });
      return got;
    };
    const d = { ...deps(l), launch };
    stub.answer.error = (_m, items) => items[0];
    stub.answer.inputBox = () => 'pw';
    const rec = await openRecording(d, Uri.file(file) as never);
    expect(stub.messages[0]).toMatchObject({ level: 'error', items: ['Open as Root'] });
    expect(l.calls.map((c) => c.elevate)).toEqual([false, true]);
    expect(l.helpers[0].disposed).toBe(true);
    expect(rec).not.toBeNull();
    expect(d.panels).toHaveLength(1);
    rec!.dispose();
    expect(l.helpers[1].disposed).toBe(true);

    // Declined: nothing opens, no root helper is started.
    resetStub();
    const l2 = fakeLauncher();
    const d2 = { ...deps(l2), launch: async (r: Parameters<typeof l2.launch>[0]) => {
      const got = await l2.launch(r);
      got.client.recording = async () => ({ ok: false, message: 'permission denied' });
      return got;
    } };
    expect(await openRecording(d2, Uri.file(file) as never)).toBeNull();
    expect(l2.calls).toHaveLength(1);
    expect(d2.panels).toHaveLength(0);
  });

  it('opens nothing when the dialog is cancelled', async () => {
    const d = deps();
    stub.answer.openDialog = () => undefined;
    expect(await openRecording(d)).toBeNull();
    expect(d.l.calls).toHaveLength(0);
  });
});
