// A full disk (a small tmpfs the test mounts): one clear message, recording pauses, nothing
// recorded before is lost, and it resumes when space returns.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, RECORDING_FILE } from '../../src/recorder/db';
import { RecordingReader } from '../../src/recorder/reader';
import { REPO, sleep } from '../support';
import { reapedEnv } from '../support/reaped';

const bin = join(REPO, 'bin', 'pmemstat');
const mnt = mkdtempSync(join(tmpdir(), 'pmemstat-full-'));
const dir = join(mnt, 'rec');
let mounted = false;
let recorder: ChildProcess | null = null;
let stderr = '';

function cannot(): string {
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mnt], { encoding: 'utf8' });
  if (r.status !== 0) return `cannot mount a tmpfs: ${r.stderr.trim()}`;
  mounted = true;
  return '';
}
const why = cannot();
if (why) console.warn(`recorder.diskfull skipped: ${why}`);

async function ticks(): Promise<number[]> {
  if (!existsSync(join(dir, RECORDING_FILE))) return [];
  const db = await openDb(join(dir, RECORDING_FILE), false);
  try {
    return db.prepare('SELECT t FROM ticks ORDER BY t').pluck().all() as number[];
  } finally {
    db.close();
  }
}

async function waitFor(what: () => boolean | Promise<boolean>, label: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}; recorder said: ${stderr}`);
    await sleep(100);
  }
}

beforeAll(() => {
  if (why) return;
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  mkdirSync(dir);
});

afterAll(async () => {
  if (recorder?.pid && recorder.exitCode === null && recorder.signalCode === null) process.kill(-recorder.pid, 'SIGKILL');
  await sleep(200);
  if (mounted) spawnSync('umount', [mnt]);
  try {
    rmdirSync(mnt);
  } catch {
    rmSync(mnt, { recursive: true, force: true });
  }
});

describe('a recorder whose disk fills up', () => {
  it.skipIf(why !== '')('pauses with one message, loses nothing recorded, and resumes when space returns', async () => {
    // A captured tree, sampled again and again: each sample adds a little to the file.
    recorder = spawn(process.execPath, [bin, 'record', '--dir', dir, '--root', join(REPO, 'fixtures', 'tree-a'), '--interval', '0.1'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: reapedEnv() });
    recorder.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((res) => recorder!.once('exit', (code) => res(code)));
    await waitFor(async () => (await ticks()).length >= 5, 'five samples');

    // Fill the disk to the last byte.
    const filler = join(mnt, 'filler');
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
    try {
      for (;;) writeSync(fd, chunk, 0, 512);
    } catch {
      /* to the last block */
    }
    closeSync(fd);
    await waitFor(() => /is full/.test(stderr), 'the disk-full message');
    const atFull = await ticks();
    await sleep(1000);
    // Paused: no sample is added while the disk is full, and the message came once.
    expect((await ticks()).length).toBe(atFull.length);
    expect(stderr.match(/the disk holding \S+ is full/g)?.length).toBe(1);
    expect(stderr).toMatch(/recording paused; nothing recorded before is lost, and it resumes when space returns/);

    unlinkSync(filler);
    await waitFor(() => /resumed/.test(stderr), 'the resume message');
    await waitFor(async () => (await ticks()).length >= atFull.length + 3, 'samples after the resume');
    process.kill(recorder.pid!, 'SIGTERM');
    expect(await exited).toBe(0);

    const after = await ticks();
    expect(after.slice(0, atFull.length)).toEqual(atFull);
    const db = await openDb(join(dir, RECORDING_FILE), false);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // The samples on both sides of the pause are whole: the same tree, the same processes.
    const reader = new RecordingReader(db);
    const names = (t: number) => reader.sampleAt(t).procs.map((p) => [p.pid, p.exe, p.cgroup?.path]);
    expect(names(after[after.length - 1])).toEqual(names(atFull[0]));
    expect(names(atFull[0]).length).toBeGreaterThan(5);
    db.close();
  });
});
