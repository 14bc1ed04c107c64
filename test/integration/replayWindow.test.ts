// `pmemstat replay --from` on a terminal (tmux): the live window over a recording made by the
// real `pmemstat record` of a captured loop, stepped a sample and an event at a time, its time
// and events on the status line, its help listing the keys that step; q gives the terminal back.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localIso } from '../../src/core/isotime';
import { RECORDING_FILE } from '../../src/recorder/db';
import { REPO, tmpDir, titled, unmet } from '../support';
import { Tmux } from './tmux';

const bin = join(REPO, 'bin', 'pmemstat');
const dir = tmpDir('replaywin');
const needs = unmet('tmux', 'sqlite3');
const tmux = new Tmux();
let times: number[] = [];
const sql = (q: string) => spawnSync('sqlite3', [join(dir, RECORDING_FILE), q], { encoding: 'utf8' });

beforeAll(() => {
  if (needs) return;
  const b = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(b.status, b.stderr).toBe(0);
  const rec = spawnSync(process.execPath, [bin, 'record', '--dir', dir, '--root', join(REPO, 'fixtures', 'loop-a'), '--interval', '0.1'], { encoding: 'utf8', timeout: 60_000 });
  expect(rec.status, rec.stderr).toBe(0);
  times = sql('SELECT t FROM ticks ORDER BY t').stdout.trim().split('\n').map(Number);
  expect(times).toHaveLength(3);
  // An OOM kill as the recorder writes one, found while the second sample was taken.
  const ins = sql(`INSERT INTO events (t, kind, pid, name, cgroup, detail) VALUES (${times[1]}, 'oom-kill', 4242, 'hog', '/test.slice', '{}')`);
  expect(ins.status, ins.stderr).toBe(0);
}, 120_000);

afterAll(() => tmux.kill());

const status = (rows: string[]) => rows.at(-1) ?? '';
const totals = (rows: string[]) => rows.find((r) => r.includes('TOTALS')) ?? '';

describe.skipIf(needs !== '')(titled('pmemstat replay --from on a terminal', needs), () => {
  it('opens the window on the first sample and steps through the recording with [ ] { } < >', async () => {
    const w = tmux.start(`${process.execPath} ${bin} replay --dir ${dir} --from ${localIso(times[0])}; echo "EXIT=$?"; sleep 600`, 160, 30);
    const at = (i: number) => (rows: string[]) => status(rows).startsWith(`${localIso(times[i])}  ${i + 1}/3`);
    let rows = await tmux.waitFor(w, (r) => totals(r) !== '' && at(0)(r), 'the first sample');
    expect(tmux.format(w, 'alternate_on')).toBe('1');
    expect(status(rows)).toMatch(/^\S+ {2}1\/3 {2}\} next event {2}group exe · sort mem · MB · fast {2}rows 1-\d+ of \d+ +\? help {2}\[ \] \{ \} time {2}q quit$/);

    // Each sample's table is the one `replay --at` prints for it.
    const printed = (i: number) => totals(spawnSync(process.execPath, [bin, 'replay', '--dir', dir, '--at', localIso(times[i])], { encoding: 'utf8' }).stdout.split('\n'));
    expect(totals(rows).trim()).toBe(printed(0).trim());

    // A capture can catch a redraw half done (the status line new, the table not yet): wait for
    // the sample's table too; a window that never shows it still times out.
    const shows = (i: number, want: string) => (r: string[]) => at(i)(r) && totals(r).trim() === want;
    const second = printed(1).trim();
    tmux.text(w, ']');
    rows = await tmux.waitFor(w, shows(1, second), 'the second sample');
    expect(status(rows)).toContain('oom-kill pid 4242 hog cgroup /test.slice');
    expect(totals(rows).trim()).toBe(second);
    const third = printed(2).trim();
    tmux.text(w, ']');
    rows = await tmux.waitFor(w, shows(2, third), 'the third sample');
    expect(status(rows)).toContain('{ previous event');
    expect(totals(rows).trim()).toBe(printed(2).trim());
    tmux.text(w, ']');
    await new Promise((r) => setTimeout(r, 300));
    expect(at(2)(tmux.screen(w))).toBe(true); // the last sample stays the last
    tmux.text(w, '{');
    await tmux.waitFor(w, at(1), 'the event before');
    tmux.text(w, '[');
    await tmux.waitFor(w, at(0), 'a sample back');
    tmux.text(w, '}');
    await tmux.waitFor(w, at(1), 'the event after');
    tmux.text(w, '>');
    await tmux.waitFor(w, at(2), 'the last sample');
    tmux.text(w, '<');
    await tmux.waitFor(w, at(0), 'the first sample again');

    // The live window's keys work on the recording: sort by name, then kill is refused.
    tmux.text(w, 's');
    await tmux.waitFor(w, (r) => status(r).includes('sort cpu') || status(r).includes('Sort'), 'the sort key');
    tmux.text(w, 'K');
    rows = await tmux.waitFor(w, (r) => status(r).includes('nothing to kill'), 'kill refused');
    expect(status(rows)).toContain('a replay shows a recording');

    tmux.text(w, '?');
    rows = await tmux.waitFor(w, (r) => r[0].startsWith('pmemstat: keys'), 'the help');
    expect(rows.some((r) => /^ {2}\[ {2}\] +one recorded sample back \/ forward/.test(r))).toBe(true);
    expect(rows.some((r) => /^ {2}\{ {2}\} +the previous \/ next sample with an event/.test(r))).toBe(true);
    expect(rows.some((r) => /^ {2}< {2}> +the first \/ last recorded sample/.test(r))).toBe(true);
    tmux.keys(w, 'Escape');
    await tmux.waitFor(w, (r) => totals(r) !== '', 'the table again');

    tmux.text(w, 'q');
    rows = await tmux.waitFor(w, (r) => r.some((x) => x.startsWith('EXIT=')), 'the exit');
    expect(rows.find((x) => x.startsWith('EXIT='))).toBe('EXIT=0');
    expect(tmux.format(w, 'alternate_on')).toBe('0');
  }, 60_000);

  it('prints the samples as before with -W (and off a terminal)', () => {
    const r = spawnSync(process.execPath, [bin, 'replay', '--dir', dir, '--from', localIso(times[0]), '-W'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('recorded at '))).toEqual(times.map((t) => `recorded at ${localIso(t)}`));
  });
});
