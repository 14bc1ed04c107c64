// Terminal escape injection, live: a process whose argv[0] and arguments hold ESC [2J, an
// OSC 52 clipboard write, BEL, C1, a bidi override and invalid UTF-8 (what any local user
// can start), and the `pmemstat` command (dist/sampler.js) reporting it in every grouping
// and as JSON: its output bytes hold none of them raw.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPrintable } from '../unit/hostile-tree';
import { Procs } from './live';
import { REPO } from '../support';

const procs = new Procs();
let pid = 0;

// python3 re-executes itself with argv as bytes: Node's spawn could pass only valid UTF-8.
const EXEC = String.raw`
import os, sys
os.execv(sys.executable, [
    b"ev\x1b[2J\xc2\x9bil",
    b"-c", b"import time; print('up', flush=True); time.sleep(60)",
    b"\x1b[2J\x1b]52;c;QUFBQQ==\x07",
    b"\xc2\x9b31m\xe2\x80\xaeabc\xe2\x81\xa6",
    b"\xff\xfe\x9b2J\x7f\x01\n\t",
])`;

beforeAll(async () => {
  const c = procs.start('python3', ['-c', EXEC]);
  await Procs.waitFor(c, /up/);
  pid = c.pid!;
});
afterAll(() => procs.stopAll());

/** Output bytes: valid UTF-8, and no C0 but its line ends, no DEL, C1, bidi or separators. */
function expectPrintableOutput(out: Buffer, where: string): string {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(out);
  text.split('\n').forEach((line, i) => expectPrintable(line, `${where}, line ${i + 1}`));
  return text;
}

function pmemstat(args: string[]): Buffer {
  const r = spawnSync(process.execPath, [join(REPO, 'dist', 'sampler.js'), '-U', ...args], { timeout: 30_000 });
  expect(r.stderr.toString()).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('a process named with terminal escapes, seen by the pmemstat command', () => {
  it('/proc really holds the raw bytes (the attack is live)', () => {
    const cmdline = spawnSync('cat', [`/proc/${pid}/cmdline`]).stdout;
    expect(cmdline.includes(Buffer.from('\x1b[2J\x1b]52;c;QUFBQQ==\x07'))).toBe(true);
  });

  for (const g of ['exe', 'cmd', 'pid']) {
    it(`-g ${g}: the report shows the process with its escapes made visible`, () => {
      const text = expectPrintableOutput(pmemstat(['-g', g, '-L', '400', String(pid)]), `-g ${g}`);
      const line = text.split('\n').find((l) => l.includes(g === 'pid' ? ` ${pid} ` : `${pid} `) && !l.includes('TOTALS'));
      expect(line, text).toBeDefined();
      expect(line).toContain('ev\\x1b[2J\\x9bil'); // the name, from argv[0]
      if (g !== 'exe') {
        expect(line).toContain('\\x1b[2J\\x1b]52;c;QUFBQQ==\\x07');
        expect(line).toContain('\\x9b31m\\u202eabc\\u2066');
        expect(line).toContain('\ufffd\ufffd\ufffd2J\\x7f\\x01\\x0a\\x09');
      }
    });
  }

  it('--json: no raw control, C1 or bidi character, and the strings parse to the escaped names', () => {
    const text = expectPrintableOutput(pmemstat(['-g', 'pid', '-L', '400', '--json', String(pid)]), '--json');
    const report = JSON.parse(text) as { rows: Array<{ info: string }> };
    expect(report.rows.map((r) => r.info).join('\n')).toContain('\\x1b]52;c;QUFBQQ==\\x07');
  });
});
