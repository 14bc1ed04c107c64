// A vitest reporter: after the run, the tests skipped for a missing Debian package or for not
// being root (`unmet` in test/support/index.ts put the reason in their titles), and the one
// command that enables them.
import type { Reporter, TestModule } from 'vitest/node';
import { installCommand, packages } from '../../scripts/debian-packages.mjs';

const REASON = /\(skipped: needs ([^)]*)\)/;
const listed = new Set(packages().map((p) => p.name));

export default class SkippedReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const byReason = new Map<string, string[]>();
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        if (t.result().state !== 'skipped') continue;
        const why = REASON.exec(t.fullName)?.[1];
        if (why === undefined) continue;
        const list = byReason.get(why) ?? [];
        list.push(`${m.moduleId.replace(/^.*\/test\//, 'test/')} > ${t.fullName}`);
        byReason.set(why, list);
      }
    }
    if (byReason.size === 0) return;
    const needs = new Set([...byReason.keys()].flatMap((w) => w.split(' ')));
    const pkgs = [...needs].filter((n) => listed.has(n));
    const lines = ['', `Skipped on this machine (${[...byReason.values()].flat().length} tests):`];
    for (const [why, tests] of byReason) {
      lines.push(`  needs ${why}: ${tests.length} test${tests.length === 1 ? '' : 's'}`);
      for (const t of tests) lines.push(`    ${t}`);
    }
    // As root, `npm run test:fast` installs the packages itself (scripts/debian-packages.mjs).
    const also = pkgs.length ? ` (it installs ${pkgs.join(' ')} first)` : '';
    lines.push(needs.has('root') ? `To run them, as root: npm run test:fast${also}` : `To run them, as root: ${installCommand(pkgs)}`, '');
    console.log(lines.join('\n'));
  }
}
