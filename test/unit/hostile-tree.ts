// The crafted tree fixtures/hostile (scripts/make-crafted-fixtures.mjs): processes and kernel
// threads named with C0/C1 controls, ESC sequences, invalid UTF-8 and bidi controls; and the
// check every output of it must pass.
import { join } from 'node:path';
import { expect } from 'vitest';
import { Reporter } from '../../src/core/report';
import type { GroupBy, Report } from '../../src/core/types';
import { Sampler } from '../../src/sampler/sampler';
import { reportOptions } from '../../src/shared/engineOptions';

export const HOSTILE = join(__dirname, '..', '..', 'fixtures', 'hostile');

/**
 * What must never reach an output raw: C0 (a report's own line ends are split off before
 * the check), DEL, C1, bidi and other format characters, line/paragraph separators.
 */
export const UNSAFE_TEXT = /[\p{Cc}\p{Cf}\u2028\u2029]/u; // Cc: U+0000-U+001F, U+007F-U+009F

/** Fails naming the first unsafe character and where it was. */
export function expectPrintable(text: string, where: string): void {
  const m = UNSAFE_TEXT.exec(text);
  const at = m ? `U+${m[0].codePointAt(0)?.toString(16).padStart(4, '0')} in ${JSON.stringify(text.slice(Math.max(0, m.index - 20), m.index + 20))}` : '';
  expect(at, `${where}: raw control/format character`).toBe('');
}

/** Every line of a multi-line output printable (its own line ends are the output's). */
export function expectPrintableLines(text: string, where: string): void {
  text.split('\n').forEach((line, i) => expectPrintable(line, `${where}, line ${i + 1}`));
}

/** The report of the tree's second sample (kernel threads have CPU then) under a grouping. */
export function hostileReport(groupBy: GroupBy, detail = false): Report {
  const sampler = new Sampler({ root: join(HOSTILE, '0'), detail });
  const reporter = new Reporter(reportOptions({ groupBy, cmdlen: 4096 }));
  reporter.report(sampler.sample(1_000_000));
  sampler.setOptions({ root: join(HOSTILE, '1') });
  const report = reporter.report(sampler.sample(1_002_000));
  sampler.close();
  return report;
}

/** Escapes that show the hostile text arrived (visible), not dropped. */
export const SEEN = {
  clear: '\\x1b[2J',
  osc52: '\\x1b]52;c;',
  bel: '\\x07',
  bidi: '\\u202e',
  c1: '\\x9b',
  replacement: '\ufffd',
};
