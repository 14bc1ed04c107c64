// pmemstat: Open Recording, host side (src/host/recordingPanel.ts), with the vscode stub and the
// fake launcher, whose helper reads the real recording file as the helper does (the WebAssembly
// SQLite): the dialog, the panel and its page, the timeline sent when the page is ready, a seek
// answered with that moment, and what is refused.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { tmpDir } from '../support';

vi.mock('vscode', () => import('./vscode-stub'));

import { openRecording, RECORDING_VIEW_TYPE, restoreRecording, type RecordingDeps } from '../../src/host/recordingPanel';
import { findKill } from '../../src/host/recordingKill';
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
    // No recorded kill near the notice: the moment of the notice, once the recorder had time to write one.
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const n = d2.l.helpers[0].recordingCalls.length;
      const shown = rec2!.seek(times[2] + 10 * 60_000, true);
      await vi.advanceTimersByTimeAsync(20_000);
      await shown;
      expect(d2.l.helpers[0].recordingCalls.length - n).toBe(10); // 9 looks at the timeline over 8 s, then the moment
    } finally {
      vi.useRealTimers();
    }
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

const okRecording = (r: Awaited<ReturnType<FakeLauncherHelper['recording']>>) => {
  if (!r.ok) throw new Error(r.message);
  return r;
};
type FakeLauncherHelper = ReturnType<typeof fakeLauncher>['helpers'][number];

describe('a recording panel after a window reload (its serializer)', () => {
  const state = (over: Record<string, unknown> = {}) => ({ v: 1, path: file, at: times[0], groupBy: 'unit', zoom: null, selected: null, expanded: [], local: null, search: '', ...over });

  it('is registered for its view type, and reopens the same recording at the same moment in the same grouping', async () => {
    const l = fakeLauncher();
    const ctx = { subscriptions: [] as { dispose(): unknown }[], extensionUri: Uri.file(ROOT), extension: { packageJSON: { version: '9.9.9' } } };
    activateWith(ctx as never, { platform: 'linux', launch: l.launch, procRoot: join(ROOT, 'fixtures/tree-a') });
    const serializer = stub.serializers.get(RECORDING_VIEW_TYPE);
    expect(serializer).toBeDefined();
    const panel = new FakePanel(RECORDING_VIEW_TYPE, 'restored');
    await serializer!.deserializeWebviewPanel(panel, state());
    expect(panel.webview.html).toContain('dist/recording.js');
    expect(panel.title).toContain('pmemstat.db');
    const h = l.helpers[0];
    expect(h.configured).toEqual([{ groupBy: 'unit' }]);
    expect(h.recordingCalls).toEqual([{ path: file, at: times[0], timeline: true }]);
    panel.fromWebview({ type: 'ready' });
    await settle();
    const [tl] = panel.sentOf('timeline');
    expect(tl.at).toBe(times[0]);
    expect(tl.times).toEqual(times);
    expect((tl.report as { options: { groupBy: string } }).options.groupBy).toBe('unit');
    // It ends with the extension.
    for (const sub of ctx.subscriptions) sub.dispose();
    expect(h.disposed).toBe(true);
  });

  it('shows the last moment when the one saved is no longer recorded (retention cut it)', async () => {
    const d = deps();
    const panel = new FakePanel(RECORDING_VIEW_TYPE, 'restored');
    const rec = await restoreRecording(d, panel as never, state({ at: 5, groupBy: 'nonsense' }));
    expect(rec).not.toBeNull();
    expect(d.l.helpers[0].configured).toEqual([{ groupBy: 'exe' }]);
    expect(d.l.helpers[0].recordingCalls.map((c) => c.at)).toEqual([5, null]);
    panel.fromWebview({ type: 'ready' });
    await settle();
    expect(panel.sentOf('timeline')[0].at).toBe(times[2]);
    rec!.dispose();
  });

  it('says in the panel, without a script, why a recording gone or a state not valid cannot be shown again', async () => {
    const gone = join(dir, 'gone', 'pmemstat.db');
    for (const [saved, why] of [
      [state({ path: gone }), `cannot be shown again: cannot read ${gone}: no such file`],
      [state({ path: '../etc/passwd' }), 'names no recording'],
      [state({ path: '/tmp/a\0b' }), 'names no recording'],
      [{ v: 2, path: file }, 'names no recording'],
      [null, 'names no recording'],
      ['<script>', 'names no recording'],
    ] as const) {
      const d = deps();
      const panel = new FakePanel(RECORDING_VIEW_TYPE, 'restored');
      expect(await restoreRecording(d, panel as never, saved)).toBeNull();
      expect(panel.webview.html).toContain(why);
      expect(panel.webview.html).not.toContain('<script');
      expect(panel.webview.options).toEqual({ enableScripts: false });
      expect(d.l.helpers.every((h) => h.disposed)).toBe(true);
    }
  });
});

describe('the recording panel\u2019s grouping', () => {
  it('groups the moment and the series as the page asks (validated), and shows the moment again so', async () => {
    const d = deps();
    await openRecording(d, Uri.file(file) as never);
    const p = d.panels[0];
    p.fromWebview({ type: 'ready' });
    await settle();
    p.fromWebview({ type: 'seek', at: times[1] });
    await settle();
    p.fromWebview({ type: 'options', groupBy: 'pid' });
    await settle();
    const h = d.l.helpers[0];
    expect(h.configured.at(-1)).toEqual({ groupBy: 'pid' });
    const m = p.sentOf('moment').at(-1)!;
    expect(m.at).toBe(times[1]);
    const report = m.report as { options: { groupBy: string }; rows: { key: string }[] };
    expect(report.options.groupBy).toBe('pid');
    expect(report.rows.filter((r) => r.key !== 'O').every((r) => /^\d+$/.test(r.key))).toBe(true);
    p.fromWebview({ type: 'getSeries', key: report.rows[0].key, from: null, to: null, points: 100 });
    await settle();
    const s = p.sentOf('series').at(-1)!.series as { times: number[]; mem: { ptotal: number[] } };
    const mine = okRecording(await h.recording(file, times[1], false));
    const row = mine.report.rows.find((r) => r.key === report.rows[0].key)!;
    expect(s.mem.ptotal[s.times.indexOf(times[1])]).toBe(row.mem.ptotal);
    // Not a grouping, or more than one: dropped.
    const n = h.configured.length;
    p.fromWebview({ type: 'options', groupBy: 'nope' });
    p.fromWebview({ type: 'options', groupBy: 'cmd', sortBy: 'cpu' });
    await settle();
    expect(h.configured).toHaveLength(n);
  });
});

describe('waiting for the recorder to write the kill', () => {
  it('opens the kill\u2019s moment when the recorder writes it after the panel opened, with the timeline brought up to date', async () => {
    const kdir = tmpDir('hostreclate');
    const k = await makeRecording(kdir);
    const db0 = await openDb(k.file, true);
    db0.prepare('DELETE FROM events').run(); // (the fixture's own kill)
    db0.close();
    const d = deps();
    const rec = await openRecording(d, Uri.file(k.file) as never);
    const p = d.panels[0];
    p.fromWebview({ type: 'ready' });
    await settle();
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      const shown = rec!.seek(k.times[1] + 3000, true);
      // Three looks find no kill near the notice (the recorder has not written it yet)…
      await vi.advanceTimersByTimeAsync(2500);
      expect(p.sentOf('moment')).toHaveLength(0);
      expect(String(p.sentOf('problem')[0]?.message)).toContain('is not recorded yet: waiting a few seconds for the recorder');
      const db = await openDb(k.file, true);
      db.prepare('INSERT INTO events (t, kind, pid, name, cgroup, detail) VALUES (?, ?, ?, ?, ?, ?)').run(k.times[1], 'oom-kill', 7285, 'victim', null, '{}');
      db.close();
      // …the next finds it.
      await vi.advanceTimersByTimeAsync(1000);
      await shown;
    } finally {
      vi.useRealTimers();
    }
    const last = p.sent.at(-1)!;
    expect(last).toMatchObject({ type: 'timeline', at: k.times[0], focus: 7285 });
    expect((last.events as { kind: string; pid: number }[]).map((e) => [e.kind, e.pid])).toEqual([['oom-kill', 7285]]);
    rec!.dispose();
  });

  const kill = { t: 10_000, kind: 'oom-kill', pid: 7, name: 'hog', cgroup: null };
  it('reads the recording again each second until the kill is there', async () => {
    vi.useFakeTimers();
    try {
      let reads = 0;
      const found = findKill(async () => ({ times: [1], events: ++reads >= 3 ? [kill] : [] }), 12_000);
      await vi.advanceTimersByTimeAsync(999);
      expect(reads).toBe(1);
      await vi.advanceTimersByTimeAsync(1001);
      expect(await found).toMatchObject({ kill, times: [1] });
      expect(reads).toBe(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up after a bounded wait with the last timeline it read, and takes no kill far from the notice', async () => {
    vi.useFakeTimers();
    try {
      let reads = 0;
      const far = { ...kill, t: 12_000 + 61_000 };
      const found = findKill(async () => (++reads === 2 ? null : { times: [reads], events: [far] }), 12_000, 5000, 1000);
      let done = false;
      void found.then(() => (done = true));
      await vi.advanceTimersByTimeAsync(4999);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(await found).toEqual({ kill: null, timeline: { times: [6], events: [far] } });
      expect(reads).toBe(6);
    } finally {
      vi.useRealTimers();
    }
  });
});

