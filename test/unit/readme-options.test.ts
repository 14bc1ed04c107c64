// The README's option table lists every option `pmemstat --help` prints, as --help spells it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../src/cli/cliargs';

/** The options --help defines: `  -x, --name …` or `      --name …` (continuation lines are indented further). */
function helpOptions(): string[] {
  const out: string[] = [];
  for (const line of HELP.split('\n')) {
    const m = /^ {2}(-\S), (--[a-z-]+)|^ {6}(--[a-z-]+)/.exec(line);
    if (m) out.push(m[3] ?? `${m[1]}, ${m[2]}`);
  }
  return out;
}

/** The first cells of the README's option tables: `| \`-x, --name ARG\` | … |`. */
function readmeOptions(): string[] {
  const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
  return [...readme.matchAll(/^\| `(-[^`]+)` \|/gm)].map((m) => m[1]);
}

describe('README option table', () => {
  it('has every option of --help', () => {
    const help = helpOptions();
    expect(help).toEqual(expect.arrayContaining(['-h, --help', '-W, --no-window', '--leaks', '--leak-samples', '--leak-growth-kb']));
    const rows = readmeOptions();
    for (const opt of help) {
      expect(
        rows.some((r) => r === opt || r.startsWith(`${opt} `)),
        `${opt} is missing from the README's option table`,
      ).toBe(true);
    }
  });
});
