// The terminal window driven in a real pseudo-terminal (tmux): it starts on the alternate
// screen, keys change it (search, sort, expand, help, units), it follows a resize, kill mode
// kills a process this test started, and q, SIGTERM and Ctrl-C give the terminal back.
// Captured trees keep the rows deterministic; the kill test reads the live /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, NODE, procState, removeBundle, startTime, waitUntil, type Bundle } from './helperSetup';
import { Tmux } from './tmux';
import { REPO, titled, unmet } from '../support';

const TREE = join(REPO, 'fixtures/tree-a');
let b: Bundle;
const tmux = new Tmux();
const children: ChildProcess[] = [];

let crasher = '';

beforeAll(async () => {
  b = await makeBundle();
  crasher = join(b.dir, 'crash.js');
  await build({ entryPoints: [join(REPO, 'test/integration/windowCrash.ts')], outfile: crasher, bundle: true, platform: 'node', format: 'cjs', logLevel: 'warning' });
});

afterAll(() => {
  tmux.kill();
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  removeBundle(b);
});

/** A shell that marks the screen, runs pmemstat, then says how it ended. */
function run(args: string, width = 120, height = 30, env: Record<string, string> = {}): string {
  return tmux.start(`echo BEFORE-MARKER; ${NODE} ${b.script} ${args}; echo "EXIT=$?"; sleep 600`, width, height, env);
}

const open = (rows: string[]) => rows.some((r) => r.includes('TOTALS'));
/** The info column of each body row (from the header's `key/info` on): the rows below TOTALS, up to the status line. */
function infos(rows: string[]): string[] {
  const t = rows.findIndex((r) => r.includes('TOTALS'));
  const at = rows[t - 1]?.indexOf('key/info') ?? -1;
  if (t < 0 || at < 0) return [];
  return rows
    .slice(t + 1, -1)
    .filter((r) => r.trim() !== '')
    .map((r) => r.slice(at).trim());
}

const noTmux = unmet('tmux');

describe.skipIf(noTmux !== '')(titled('the terminal window', noTmux), () => {
  it('opens on the alternate screen with leader, header, T row and rows cut to the width; q restores the screen', async () => {
    const w = run(`--root ${TREE}`);
    const rows = await tmux.waitFor(w, open, 'the window');
    expect(tmux.format(w, 'alternate_on')).toBe('1');
    expect(tmux.format(w, 'cursor_flag')).toBe('0');
    expect(rows[0]).toMatch(/^\d\d:\d\d:\d\d Tot=23\.5G .* PIDs=24\/24/);
    expect(rows[2]).toMatch(/cpu%\s+pswap\s+other\s+data\s+ptotal\s+type\s+count key\/info/);
    expect(rows[3]).toMatch(/TOTALS$/);
    expect(infos(rows)[0]).toBe('node');
    expect(rows.at(-1)).toMatch(/^group exe · sort mem · MB · fast · every 5s {2}rows 1-15 of 15 +\? help {2}\/ search {2}K kill {2}q quit$/);
    expect(rows.join('\n')).not.toContain('BEFORE-MARKER');

    tmux.keys(w, 'q');
    const after = await tmux.waitFor(w, (r) => r.some((x) => x.startsWith('EXIT=')), 'the exit');
    expect(after[0]).toBe('BEFORE-MARKER');
    expect(after[1]).toBe('EXIT=0');
    expect(after.join('\n')).not.toContain('TOTALS');
    expect(tmux.format(w, 'alternate_on')).toBe('0');
    expect(tmux.format(w, 'cursor_flag')).toBe('1');
  });

  it('search filters as typed and Esc clears it; s sorts by cpu, then name', async () => {
    const w = run(`--root ${TREE}`);
    await tmux.waitFor(w, open, 'the window');
    tmux.keys(w, '/');
    tmux.text(w, 'python');
    let rows = await tmux.waitFor(w, (r) => r[0].includes('/python/'), 'the search');
    expect(infos(rows).slice(0, -1).every((i) => i.startsWith('python3'))).toBe(true);
    expect(infos(rows).at(-1)).toMatch(/\d+ more groups$/);
    expect(rows.at(-1)).toMatch(/^\/python█/);
    tmux.keys(w, 'Escape');
    rows = await tmux.waitFor(w, (r) => !r[0].includes('/python/'), 'the search cleared');
    expect(infos(rows)).toHaveLength(15);

    const memOrder = infos(rows);
    tmux.keys(w, 's');
    tmux.keys(w, 's');
    rows = await tmux.waitFor(w, (r) => infos(r)[0] !== 'node', 'the name order');
    const byName = infos(rows);
    expect(byName).toEqual([...memOrder].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    tmux.keys(w, 'q');
  });

  it('expands a group into its processes, shows help, switches units and line numbers', async () => {
    const w = run(`--root ${TREE}`);
    await tmux.waitFor(w, open, 'the window');
    tmux.keys(w, 'j', 'Enter'); // memtest, 2 processes
    let rows = await tmux.waitFor(w, (r) => infos(r).length === 17, 'the expanded group');
    expect(infos(rows).slice(1, 4)).toEqual(['memtest', expect.stringMatching(/^memtest -i /), expect.stringMatching(/^memtest -i /)]);

    tmux.keys(w, '?');
    rows = await tmux.waitFor(w, (r) => r[0].startsWith('pmemstat: keys'), 'the help');
    expect(rows.join('\n')).toMatch(/ g +\[exe\] +group by exe → cmd → pid → unit → container → cgroup$/m);
    expect(rows.join('\n')).toMatch(/ o +\[off\] +detail on\/off: split "other"/); // fast mode: the Detail option is off
    tmux.keys(w, 'Escape');
    await tmux.waitFor(w, open, 'the table again');

    tmux.keys(w, 'u', 'u', 'n');
    rows = await tmux.waitFor(w, (r) => /^\s+1\s/.test(r[4] ?? ''), 'line numbers');
    expect(rows[3]).toMatch(/ 52,005\s+T/); // KB units (MB, mB, KB): the total's ptotal
    tmux.keys(w, 'q');
  });

  it('follows a resize: every row still fits, nothing wraps, the status line stays at the bottom', async () => {
    const w = run(`--root ${TREE}`);
    await tmux.waitFor(w, open, 'the window');
    tmux.resize(w, 50, 12);
    let rows = await tmux.waitFor(w, (r) => r.length === 12 && /rows 1-\d+ of 15/.test(r[11]), 'the small window');
    expect(rows[1]).toBe('0.0%/ker'); // the leader did not wrap onto the next row
    expect(rows[3]).toMatch(/^ +0 +15 +36 +51 +T +24x/); // cut at 50 columns, cpu% gone first
    expect(rows[11]).toMatch(/rows 1-7 of 15/);
    tmux.resize(w, 140, 40);
    rows = await tmux.waitFor(w, (r) => r.length === 40 && /rows 1-15 of 15/.test(r[39]), 'the big window');
    expect(rows[3]).toMatch(/TOTALS$/);
    tmux.keys(w, 'q');
  });

  it('kill mode asks, naming the process, then kills a process this test started', async () => {
    const child = spawn('sleep', ['987.654'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid!;
    const st = startTime(pid);
    const w = run(`-U -g pid -l 1`);
    await tmux.waitFor(w, open, 'the window');
    tmux.keys(w, '/');
    tmux.text(w, '987.654');
    tmux.keys(w, 'Enter');
    await tmux.waitFor(w, (r) => infos(r)[0]?.startsWith(`${pid} sleep 987.654`), 'the sleep row');
    tmux.keys(w, 'K');
    await tmux.waitFor(w, (r) => r.at(-1)!.startsWith('KILL MODE'), 'kill mode');
    tmux.keys(w, 'Enter');
    const ask = await tmux.waitFor(w, (r) => r.some((x) => x.includes(`Kill process ${pid}?`)), 'the confirmation');
    expect(ask.join('\n')).toContain(`${pid}  sleep 987.654`);
    expect(ask.at(-1)).toMatch(/^y: send SIGTERM {3}s: another signal/);
    expect(startTime(pid)).toBe(st); // nothing signalled before the answer
    tmux.keys(w, 'y');
    await waitUntil(() => child.exitCode !== null || child.signalCode !== null, 10_000);
    expect(child.signalCode).toBe('SIGTERM');
    await tmux.waitFor(w, (r) => r.at(-1)!.includes(`pmemstat kill: gone: ${pid}`), 'the result line');
    tmux.keys(w, 'q');
  });

  it('s in the confirmation picks another signal: SIGSTOP freezes the process (state T) and it stays', async () => {
    const child = spawn('sleep', ['987.655'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((r) => child.once('spawn', r));
    const pid = child.pid!;
    const w = run(`-U -g pid -l 1`);
    await tmux.waitFor(w, open, 'the window');
    tmux.keys(w, '/');
    tmux.text(w, '987.655');
    tmux.keys(w, 'Enter');
    await tmux.waitFor(w, (r) => infos(r)[0]?.startsWith(`${pid} sleep 987.655`), 'the sleep row');
    tmux.keys(w, 'K');
    await tmux.waitFor(w, (r) => r.at(-1)!.startsWith('KILL MODE'), 'kill mode');
    tmux.keys(w, 'Enter');
    await tmux.waitFor(w, (r) => r.some((x) => x.includes(`Kill process ${pid}?`)), 'the confirmation');
    for (let i = 0; i < 4; i++) tmux.keys(w, 's'); // TERM → INT → HUP → KILL → STOP
    const ask = await tmux.waitFor(w, (r) => r.some((x) => x.includes(`Send SIGSTOP to process ${pid}?`)), 'the SIGSTOP confirmation');
    expect(ask.at(-1)).toMatch(/^y: send SIGSTOP/);
    tmux.keys(w, 'y');
    await tmux.waitFor(w, (r) => r.at(-1)!.includes(`pmemstat kill: ${pid} stopped`), 'the result line');
    expect(procState(pid)).toBe('T');
    expect(child.exitCode).toBeNull();
    child.kill('SIGKILL');
    tmux.keys(w, 'q');
  });

  it('SIGTERM and Ctrl-C give the terminal back', async () => {
    const w = run(`--root ${TREE}`);
    await tmux.waitFor(w, open, 'the window');
    const node = execFileSync('pgrep', ['-P', tmux.format(w, 'pane_pid'), '-f', b.script], { encoding: 'utf8' }).trim();
    process.kill(Number(node), 'SIGTERM');
    let rows = await tmux.waitFor(w, (r) => r.some((x) => x.startsWith('EXIT=')), 'the exit');
    expect(rows.slice(0, 2)).toEqual(['BEFORE-MARKER', 'EXIT=143']);
    expect(tmux.format(w, 'alternate_on')).toBe('0');
    expect(tmux.format(w, 'cursor_flag')).toBe('1');

    const w2 = run(`--root ${TREE}`);
    await tmux.waitFor(w2, open, 'the window');
    tmux.keys(w2, 'C-c');
    rows = await tmux.waitFor(w2, (r) => r.some((x) => x.startsWith('EXIT=')), 'the exit');
    expect(rows.slice(0, 2)).toEqual(['BEFORE-MARKER', 'EXIT=0']);
    expect(tmux.format(w2, 'alternate_on')).toBe('0');
  });

  it('an exception gives the terminal back, then says what failed', async () => {
    const w = tmux.start(`echo BEFORE-MARKER; ${NODE} ${crasher} --root ${TREE}; echo "EXIT=$?"; sleep 600`, 120, 30);
    await tmux.waitFor(w, open, 'the window');
    const rows = await tmux.waitFor(w, (r) => r.some((x) => x.startsWith('EXIT=')), 'the exit');
    expect(rows.slice(0, 3)).toEqual(['BEFORE-MARKER', 'pmemstat: error: a failure in the window', 'EXIT=3']);
    expect(tmux.format(w, 'alternate_on')).toBe('0');
    expect(tmux.format(w, 'cursor_flag')).toBe('1');
  });

  it('ends when its terminal goes away (the pane is closed under it)', async () => {
    const w = run(`--root ${TREE} -l 0.5`);
    await tmux.waitFor(w, open, 'the window');
    const node = Number(execFileSync('pgrep', ['-P', tmux.format(w, 'pane_pid'), '-f', b.script], { encoding: 'utf8' }).trim());
    tmux.killSession(w);
    expect(await waitUntil(() => !existsSync(`/proc/${node}`), 10_000)).toBe(true);
  });

  it('shows hostile process names as visible escapes: the screen stays intact (fixtures/hostile)', async () => {
    const w = run(`--root ${join(REPO, 'fixtures/hostile')} -g cmd`);
    const rows = await tmux.waitFor(w, (r) => r.some((x) => x.includes('end of replay')), 'the last sample');
    expect(rows[0]).toMatch(/^\d\d:\d\d:\d\d Tot=/); // no ESC [2J cleared it, no cursor move displaced it
    expect(rows[1]).toContain('\\x1b[2J\\x1b]52;c;'); // a kernel thread's comm, as text
    expect(rows.join('\n')).toContain('evil\\x1b]52;c;bGluaw==\\x07\\u202e');
    expect(rows.at(-1)).toMatch(/^group cmd · .* end of replay .*\? help/);
    tmux.keys(w, 'q');
  });

  it('npm start opens the window in a terminal (building first when the bundle is stale)', async () => {
    const w = tmux.start(`cd ${REPO} && ${NODE} scripts/start.mjs --root ${TREE}; echo "EXIT=$?"; sleep 600`, 120, 30);
    await tmux.waitFor(w, open, 'the window', 60_000);
    expect(tmux.format(w, 'alternate_on')).toBe('1');
    tmux.keys(w, 'q');
    await tmux.waitFor(w, (r) => r.some((x) => x === 'EXIT=0'), 'the exit');
  });

  it('colours new rows unless NO_COLOR is set; a pipe or -W gets the report instead', async () => {
    const colour = run(`--root ${TREE}`);
    const mono = run(`--root ${TREE}`, 120, 30, { NO_COLOR: '1' });
    await tmux.waitFor(colour, open, 'the window');
    await tmux.waitFor(mono, open, 'the window');
    const sgr = (w: string) => tmux.screen(w, true).join('\n').match(/\x1b\[[0-9;]*m/g) ?? []; // eslint-disable-line no-control-regex
    expect(sgr(colour).some((s) => /\b3[1-6]m|;3[1-6]/.test(s))).toBe(true);
    expect(sgr(mono).some((s) => /\b3[1-6]m|;3[1-6]/.test(s))).toBe(false);
    tmux.keys(colour, 'q');
    tmux.keys(mono, 'q');

    const piped = tmux.start(`${NODE} ${b.script} --root ${TREE} | cat; ${NODE} ${b.script} -W -t 10 --root ${TREE}; sleep 600`, 120, 40);
    const rows = await tmux.waitFor(piped, (r) => r.filter((x) => x.includes('TOTALS')).length === 2, 'two reports');
    expect(tmux.format(piped, 'alternate_on')).toBe('0');
    expect(rows[0]).toMatch(/^\d\d:\d\d:\d\d Tot=/);
  });
});
